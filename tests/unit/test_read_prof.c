/* Unit tests of the prof (gprof) reader: the worked example of gprof2dot-behaviour.md 11.4,
 * fixtures made with gcc -pg and GNU gprof 2.40 (tests/fixtures/prof/make-fixtures.sh; the
 * expected numbers were read off the committed files and the self-time sums checked with awk
 * over the primary lines), gprof2dot's parsing quirks, the flat-profile-only reading, every
 * error path and sniffing. Inline inputs are hand-written shapes gprof does not produce
 * (BSD headers, broken entries, children without entries, odd spacing). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader.h"
#include "testutil.h"
#include "util.h"

#define FIX "tests/fixtures/prof/"

/* Function `name` has integer id `id`, self time `self` (the only event) and `called` calls
 * (negative: no call count). */
static void check_func(const struct profile *p, const char *name, int64_t id, double self,
                       double called)
{
    const struct prof_func *f = test_fn(p, name);
    assert_int_equal(f->int_id, id);
    assert_int_equal(f->ev.has, 1u << PEV_TIME);
    assert_float_equal(ev_get(&f->ev, PEV_TIME), self, 1e-12);
    if (called < 0) {
        assert_false(f->has_called);
    } else {
        assert_true(f->has_called);
        assert_float_equal(f->called, called, 0);
    }
    assert_null(f->module);
    assert_null(f->process);
    assert_null(f->filename);
}

/* The call from -> to exists and carries only CALLS = calls. */
static void check_call(const struct profile *p, const char *from, const char *to, double calls)
{
    const struct prof_call *c = test_call(p, from, to);
    assert_int_equal(c->ev.has, 1u << PEV_CALLS);
    assert_float_equal(ev_get(&c->ev, PEV_CALLS), calls, 0);
}

static double total_time(const struct profile *p)
{
    assert_true(ev_has(&p->ev, PEV_TIME));
    return ev_get(&p->ev, PEV_TIME);
}

static void test_registered(void **state)
{
    (void)state;
    assert_string_equal(test_reader("prof")->name, "prof");
    assert_false(test_reader("prof")->multi);
}

/* ---- fixtures made with gprof ---- */

/* main -> ping <-> pong (cycle 1), ping -> spin, main -> fact (self-recursive), main -> spin. */
static void check_cycle_fixture(const struct profile *p)
{
    assert_int_equal(p->recipe, PROF_RECIPE_GPROF);
    assert_true(p->int_ids);
    assert_int_equal(p->n_funcs, 5);
    /* Entry order of the file; [2] is the cycle-as-a-whole entry. */
    static const char *const order[] = {"main", "fact", "spin", "ping", "pong"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(p->funcs[i].name, order[i]);
    check_func(p, "main", 1, 0.00, -1);
    check_func(p, "fact", 3, 0.24, 200); /* 40+160: self-recursive calls count */
    check_func(p, "spin", 4, 0.22, 201);
    check_func(p, "ping", 5, 0.00, 200);
    check_func(p, "pong", 6, 0.19, 200);
    assert_float_equal(total_time(p), 0.65, 1e-12);
    assert_int_equal(p->ev.has, 1u << PEV_TIME);

    check_call(p, "main", "ping", 40);
    check_call(p, "main", "fact", 40);
    check_call(p, "main", "spin", 1);
    check_call(p, "fact", "fact", 160); /* from the child line, not from "40+160" */
    check_call(p, "ping", "spin", 200);
    check_call(p, "ping", "pong", 200);
    check_call(p, "pong", "ping", 160);
    assert_int_equal(test_total_calls(p), 7);
    /* Child order is kept. */
    const struct prof_func *m = test_fn(p, "main");
    assert_string_equal(p->funcs[m->calls[0].callee].name, "ping");
    assert_string_equal(p->funcs[m->calls[2].callee].name, "spin");

    assert_int_equal(p->n_cycles, 1);
    assert_int_equal(test_fn(p, "ping")->cycle, 0);
    assert_int_equal(test_fn(p, "pong")->cycle, 0);
    assert_int_equal(test_fn(p, "main")->cycle, PROF_NO_CYCLE);
    assert_int_equal(test_fn(p, "fact")->cycle, PROF_NO_CYCLE);
}

static void test_fixture_brief(void **state)
{
    (void)state;
    struct profile *p = test_read_file("prof", FIX "cycle-brief.prof");
    check_cycle_fixture(p);
    profile_free(p);
}

/* The full report (explanations, index by name) gives the same profile. */
static void test_fixture_full(void **state)
{
    (void)state;
    struct profile *p = test_read_file("prof", FIX "cycle.prof");
    check_cycle_fixture(p);
    profile_free(p);
}

static void test_fixture_cxx_names(void **state)
{
    (void)state;
    struct profile *p = test_read_file("prof", FIX "names.prof");
    static const char burn[] = "(anonymous namespace)::burn(geo::Box<double> const&, unsigned int)";
    static const char opd[] = "geo::Box<double>::operator()(unsigned int) const";
    static const char opl[] = "geo::Box<long>::operator()(unsigned int) const";
    assert_int_equal(p->n_funcs, 4);
    check_func(p, "main", 1, 0.00, -1);
    check_func(p, opd, 2, 0.59, 600);
    check_func(p, burn, 3, 0.00, 6);
    check_func(p, opl, 4, 0.01, 6);
    check_call(p, "main", burn, 6);
    check_call(p, "main", opl, 6);
    check_call(p, burn, opd, 600);
    assert_int_equal(test_total_calls(p), 3);
    assert_float_equal(total_time(p), 0.60, 1e-12);
    assert_int_equal(p->n_cycles, 0);
    profile_free(p);
}

/* gprof -p: no call graph; functions from the flat profile, ids in row order, no calls. */
static void test_fixture_flat_only(void **state)
{
    (void)state;
    struct profile *p = test_read_file("prof", FIX "flat.prof");
    assert_int_equal(p->n_funcs, 4);
    check_func(p, "fact", 1, 0.24, 40);
    check_func(p, "spin", 2, 0.22, 201);
    check_func(p, "pong", 3, 0.19, 200);
    check_func(p, "ping", 4, 0.00, 200);
    assert_int_equal(test_total_calls(p), 0);
    assert_int_equal(p->n_cycles, 0);
    assert_float_equal(total_time(p), 0.65, 1e-12);
    profile_free(p);
}

/* Code built without -pg: blank call columns, no call graph at all. */
static void test_fixture_no_call_data(void **state)
{
    (void)state;
    struct profile *p = test_read_file("prof", FIX "nocalls.prof");
    assert_int_equal(p->n_funcs, 3);
    check_func(p, "fact", 1, 0.24, -1);
    check_func(p, "spin", 2, 0.17, -1);
    check_func(p, "pong", 3, 0.14, -1);
    assert_int_equal(test_total_calls(p), 0);
    assert_float_equal(total_time(p), 0.55, 1e-12);
    profile_free(p);
}

/* ---- inline inputs ---- */

#define GNU_HEAD "index % time    self  children    called     name\n"
#define SEP "-----------------------------------------------\n"
/* An entry needs a parent line: one starting with "[" is read as a cycle header. */
#define SPONT "                                                 <spontaneous>\n"

/* gprof2dot-behaviour.md 11.4: the entries of tests/prof/cycle (GNU header without "time"). */
static void test_worked_example(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        "index  % time    self  children called     name\n"
        "                                             <spontaneous>\n"
        "[1]    100.00    0.00     1.93    0      start [1]\n"
        "                 0.16     1.77    1/1        main [2]\n"
        "----------------------------------------\n"
        "                 0.16     1.77    1/1        start [1]\n"
        "[2]    100.00    0.16     1.77    1      main [2]\n"
        "                 1.77     0.00    1/1        a <cycle 1> [5]\n"
        "----------------------------------------\n"
        "[3]     91.71    1.77     0.00    1+5    <cycle 1 as a whole> [3]\n"
        "                 1.02     0.00    3          b <cycle 1> [4]\n"
        "                 0.75     0.00    2          a <cycle 1> [5]\n"
        "----------------------------------------\n"
        "                                  3          a <cycle 1> [5]\n"
        "[4]     52.85    1.02     0.00    3      b <cycle 1> [4]\n"
        "                                  2          a <cycle 1> [5]\n"
        "                 0.00     0.00    3/6        c [6]\n"
        "----------------------------------------\n"
        "                 1.77     0.00    1/1        main [2]\n"
        "                                  2          b <cycle 1> [4]\n"
        "[5]     38.86    0.75     0.00    3      a <cycle 1> [5]\n"
        "                                  3          b <cycle 1> [4]\n"
        "                 0.00     0.00    3/6        c [6]\n"
        "----------------------------------------\n"
        "                 0.00     0.00    3/6        b <cycle 1> [4]\n"
        "                 0.00     0.00    3/6        a <cycle 1> [5]\n"
        "[6]      0.00    0.00     0.00    6      c [6]\n"
        "----------------------------------------\n"
        "\n"
        "\f\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("prof", text, &w);
    assert_int_equal(w, 0);
    assert_int_equal(p->n_funcs, 5);
    check_func(p, "start", 1, 0, 0);
    check_func(p, "main", 2, 0.16, 1);
    check_func(p, "b", 4, 1.02, 3);
    check_func(p, "a", 5, 0.75, 3);
    check_func(p, "c", 6, 0, 6);
    check_call(p, "start", "main", 1);
    check_call(p, "main", "a", 1);
    check_call(p, "b", "a", 2);
    check_call(p, "b", "c", 3);
    check_call(p, "a", "b", 3);
    check_call(p, "a", "c", 3);
    assert_int_equal(test_total_calls(p), 6);
    assert_float_equal(total_time(p), 1.93, 1e-12);
    assert_int_equal(p->n_cycles, 1);
    assert_int_equal(test_fn(p, "a")->cycle, 0);
    assert_int_equal(test_fn(p, "b")->cycle, 0);
    assert_int_equal(test_fn(p, "c")->cycle, PROF_NO_CYCLE);
    profile_free(p);
}

/* BSD/Darwin header (three lines), blank lines between entries, "called+self" column. */
static void test_bsd_header(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        "call graph profile:\n"
        "          The sum of self and descendents is the major sort\n"
        "\f\n"
        "granularity: each sample hit covers 4 byte(s) for 1.92% of 0.52 seconds\n"
        "\n"
        "                                  called/total       parents \n"
        "index  %time    self descendents  called+self    name    \tindex\n"
        "                                  called/total       children\n"
        "\n"
        "                                                     <spontaneous>\n"
        "[1]     99.1    0.44        0.72       1         _main [1]\n"
        "                0.59        0.13    1024/1024        _fft [2]\n"
        "\n"
        "-----------------------------------------------\n"
        "\n"
        "                0.59        0.13    1024/1024        _main [1]\n"
        "[2]     61.5    0.59        0.13    1024         _fft [2]\n"
        "\n"
        "-----------------------------------------------\n"
        "\f\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("prof", text, &w);
    assert_int_equal(w, 0);
    assert_int_equal(p->n_funcs, 2);
    check_func(p, "_main", 1, 0.44, 1);
    check_func(p, "_fft", 2, 0.59, 1024);
    check_call(p, "_main", "_fft", 1024);
    assert_float_equal(total_time(p), 1.03, 1e-12);
    profile_free(p);
}

/* A child without an entry of its own becomes a function with zero self time, created before
 * its first caller; a second caller reuses it (gprof2dot's "overwriting function" warning). */
static void test_child_without_entry(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        GNU_HEAD
        SPONT
        "[1]    100.0    0.50    0.00                 main [1]\n"
        "                0.00    0.00       3/5           ghost [9]\n"
        "                0.00    0.00       1/1           helper [2]\n"
        SEP
        "                0.00    0.00       1/1           main [1]\n"
        "[2]     10.0    0.10    0.00       1         helper [2]\n"
        "                0.00    0.00       2/5           ghost [9]\n"
        SEP
        "\f\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("prof", text, &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 3);
    assert_string_equal(p->funcs[0].name, "ghost");
    assert_string_equal(p->funcs[1].name, "main");
    check_func(p, "ghost", 9, 0, -1);
    check_func(p, "main", 1, 0.5, -1); /* the caller keeps its own time (gprof2dot zeroes it) */
    check_func(p, "helper", 2, 0.1, 1);
    check_call(p, "main", "ghost", 3);
    check_call(p, "helper", "ghost", 2);
    assert_float_equal(total_time(p), 0.6, 1e-12);
    profile_free(p);
}

/* A repeated child: warning, the later line wins. A repeated entry index: the later entry
 * replaces the earlier one in its place. */
static void test_duplicates(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        GNU_HEAD
        SPONT
        "[1]    100.0    0.50    0.00                 main [1]\n"
        "                0.00    0.00       3/5           f [2]\n"
        "                0.00    0.00       4/5           f [2]\n"
        SEP
        SPONT
        "[2]     10.0    0.10    0.00       1         f [2]\n"
        SEP
        SPONT
        "[3]     10.0    0.20    0.00       1         g [3]\n"
        SEP
        SPONT
        "[2]     10.0    0.30    0.00       7         f2 [2]\n"
        SEP
        "\f\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("prof", text, &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 3);
    assert_string_equal(p->funcs[1].name, "f2");
    assert_string_equal(p->funcs[2].name, "g");
    check_func(p, "f2", 2, 0.3, 7);
    check_call(p, "main", "f2", 4);
    assert_int_equal(test_fn(p, "main")->n_calls, 1);
    assert_float_equal(total_time(p), 1.0, 1e-12);
    profile_free(p);
}

/* Warnings and skipped lines: unrecognized lines, an entry without primary line, an empty
 * entry, a <cycle N> without its header entry; "(N)" and <spontaneous> lines are silent. */
static void test_warnings(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        GNU_HEAD
        "                (K)     (K) \n"                                   /* warning */
        "                                                 <spontaneous>\n" /* silent */
        "[1]    100.0    0.50    0.00                 main [1]\n"
        "                0.00    0.00       1/1           f <cycle 3> [2]\n"
        "                                                 mcount (42)\n"  /* silent */
        "                garbage here\n"                                   /* warning */
        SEP
        "                0.00    0.00       1/1           main [1]\n" /* parents only */
        SEP                                                        /* warning */
        SEP                                                        /* empty: warning */
        "[4]    oops\n"                                            /* cycle entry: warning */
        SEP
        "                0.00    0.00       1/1           main [1]\n"
        "[2]     10.0    0.10    0.00       1         f <cycle 3> [2]\n"
        SEP
        "[5]     10.0    0.10    0.00       1         bad primary\n" /* warning */
        SEP
        "\f\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("prof", text, &w);
    /* (K), garbage, end of entry x2, [4], bad primary, cycle 3 missing */
    assert_int_equal(w, 7);
    assert_int_equal(p->n_funcs, 2);
    check_call(p, "main", "f", 1);
    assert_int_equal(p->n_cycles, 1);
    assert_int_equal(test_fn(p, "f")->cycle, 0);
    profile_free(p);
}

/* Cycles are numbered in the order of their header entries, not of their members. */
static void test_cycle_order(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        GNU_HEAD
        "[1]     91.71    1.77     0.00    1+5    <cycle 7 as a whole> [1]\n"
        "                 1.02     0.00    3          b <cycle 7> [4]\n"
        SEP
        "[2]     91.71    1.77     0.00           <cycle 2 as a whole> [2]\n"
        SEP
        SPONT
        "[3]     52.85    1.02     0.00    3      a <cycle 2> [3]\n"
        SEP
        SPONT
        "[4]     52.85    1.02     0.00    3      b <cycle 7> [4]\n"
        SEP
        "\f\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("prof", text, &w);
    assert_int_equal(w, 0);
    assert_int_equal(p->n_cycles, 2);
    assert_int_equal(test_fn(p, "b")->cycle, 0);
    assert_int_equal(test_fn(p, "a")->cycle, 1);
    profile_free(p);
}

/* gprof2dot's regular expressions, field by field. */
static void test_line_shapes(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        GNU_HEAD
        /* No count and two spaces: the name may start with digits. */
        SPONT
        "[1]    100.0    0.50    0.00     123 [1]\n"
        "                0.00    0.00       1/1           two  spaces  [2]\n"
        "                0.00    0.00       1           no total [3]\n"
        "                1          odd <cycle> [4]\n"
        SEP
        /* Exactly one whitespace before [IDX]: the other one stays in the name. */
        SPONT
        "[2     10.0    0.10    0.00       1         two  spaces  [2]\n"
        SEP
        SPONT
        "[3]\t10.0\t0.10\t0.00\t1\tno total\t[3]\n"
        SEP
        /* Unicode whitespace (NBSP, EM SPACE) separates fields for Python too. */
        SPONT
        "[4]\xc2\xa0" "10.0\xe2\x80\x83" "0.00 0.00 2 odd <cycle> [4]\n"
        SEP
        /* The id is the leading index; the trailing one is not used. */
        SPONT
        "[5]     10.0    0.10    0.00       1         five [55]\n"
        SEP
        "\f\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("prof", text, &w);
    assert_int_equal(w, 0);
    assert_int_equal(p->n_funcs, 5);
    check_func(p, "five", 5, 0.1, 1);
    check_func(p, "123", 1, 0.5, -1);
    check_func(p, "two  spaces ", 2, 0.1, 1);
    check_func(p, "no total", 3, 0.1, 1);
    check_func(p, "odd <cycle>", 4, 0, 2);
    check_call(p, "123", "two  spaces ", 1);
    check_call(p, "123", "no total", 1);
    check_call(p, "123", "odd <cycle>", 1);
    profile_free(p);
}

static void test_crlf_and_zero_times(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        "Flat profile:\r\n\r\n"
        "index % time    self  children    called     name\r\n"
        "                                                 <spontaneous>\r\n"
        "[1]    100.0    0.00    0.00       1         main [1]\r\n"
        "                0.00    0.00       2/2           f [2]\r\n"
        "-----------------------------------------------\r\n"
        "                0.00    0.00       2/2           main [1]\r\n"
        "[2]      0.0    0.00    0.00       2         f [2]\r\n"
        "-----------------------------------------------\r\n"
        "\f\r\n";
    /* clang-format on */
    struct profile *p = test_read_ok("prof", text, NULL);
    check_func(p, "main", 1, 0, 1);
    check_func(p, "f", 2, 0, 2);
    check_call(p, "main", "f", 2);
    assert_float_equal(total_time(p), 0, 0);
    profile_free(p);
}

/* A call graph without entries (gprof's "no time accumulated") is an empty profile. */
static void test_empty_call_graph(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("prof",
                                     "Flat profile:\n\n" GNU_HEAD "\n Some explanation text\n"
                                     "\f\nIndex by function name\n",
                                     NULL);
    assert_int_equal(p->n_funcs, 0);
    assert_float_equal(total_time(p), 0, 0);
    profile_free(p);
}

/* Entries but not one child line in the whole call graph (issue 4: the reader indexed the
 * still-NULL child array, undefined behaviour that UBSan reports). */
static void test_no_child_lines(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        GNU_HEAD
        SPONT
        "[1]    100.0    0.50    0.00                 main [1]\n"
        SEP
        SPONT
        "[2]     20.0    0.10    0.00                 idle [2]\n"
        SEP
        "\f\n";
    /* clang-format on */
    struct profile *p = test_read_ok("prof", text, NULL);
    assert_int_equal(p->n_funcs, 2);
    assert_int_equal(test_total_calls(p), 0);
    check_func(p, "main", 1, 0.5, -1);
    check_func(p, "idle", 2, 0.1, -1);
    assert_float_equal(total_time(p), 0.6, 1e-12);
    profile_free(p);
}

/* Flat rows may carry " <cycle N>" and " [N]" / " (N)" after the name. */
static void test_flat_suffixes(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        "flat profile:\n"
        "\n"
        "  %   cumulative   self              self     total           \n"
        " time   seconds   seconds    calls  ms/call  ms/call  name    \n"
        " 31.4       0.38     0.38                             _moncount (5191)\n"
        " 25.6       0.69     0.31       10     0.10     0.20  a b <cycle 1> [3]\n"
        "  7.4       0.78     0.09        3     0.10     0.20  42\n"
        "\n"
        "  1.0       1.00     1.00                             not a row any more\n";
    /* clang-format on */
    struct profile *p = test_read_ok("prof", text, NULL);
    assert_int_equal(p->n_funcs, 3);
    check_func(p, "_moncount", 1, 0.38, -1);
    check_func(p, "a b", 2, 0.31, 10);
    check_func(p, "42", 3, 0.09, 3);
    assert_float_equal(total_time(p), 0.78, 1e-12);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    test_read_fails("prof", "", 0, "no gprof call graph");
    test_read_fails("prof", "hello\nworld\n", 0, "no gprof call graph");
    test_read_fails("prof", GNU_HEAD, 1, "unexpected end of file");
    test_read_fails("prof",
                    GNU_HEAD SPONT "[1]    100.0    0.50    0.00                 main [1]\n" SEP, 4,
                    "form feed");
    test_read_fails("prof",
                    GNU_HEAD SPONT "[99999999999999999999]    100.0    0.50    0.00     main "
                                   "[99999999999999999999]\n" SEP "\f\n",
                    3, "index out of range");
    test_read_fails("prof",
                    GNU_HEAD SPONT
                    "[1]    100.0    0.50    0.00     main <cycle 99999999999999999999> [1]\n" SEP
                    "\f\n",
                    3, "cycle number out of range");
    test_read_fails(
        "prof",
        GNU_HEAD SPONT
        "[1]    100.0    0.50    0.00     main [1]\n"
        "                0.00    0.00       1/1           f [77777777777777777777]\n" SEP "\f\n",
        4, "index out of range");
    /* A number too long for the number parser. */
    char zeros[201], big[600];
    memset(zeros, '0', 200);
    zeros[200] = '\0';
    snprintf(big, sizeof(big), "%s%s[1]    100.0    0.%s5    0.00     main [1]\n%s\f\n", GNU_HEAD,
             SPONT, zeros, SEP);
    test_read_fails("prof", big, 3, "time out of range");
    /* Flat-profile-only reading: a row that cannot be read is an error there. */
    test_read_fails("prof",
                    "Flat profile:\n\n time   seconds   seconds    calls  ms/call  ms/call  name\n"
                    " 38.66      0.22     0.22      200     1.10     1.10  pong\n"
                    " 38.66      zz\n",
                    5, "flat profile row");
    /* NUL byte (input layer). */
    static const char nul[] = GNU_HEAD "[1]\0\n";
    test_buf_fails("prof", "test", nul, sizeof(nul) - 1, DIAG_LINE, 2, NULL);
}

/* Binary garbage and truncations of a real report never crash. */
static void test_truncations(void **state)
{
    (void)state;
    test_read_cuts("prof", FIX "cycle.prof", 7);
    unsigned char junk[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
        if (junk[i] == 0)
            junk[i] = '[';
    }
    struct profile *p = NULL;
    struct diag d;
    enum p2p_status st = test_read_buf("prof", "junk", junk, sizeof(junk), &p, &d);
    assert_int_equal(st, P2P_ERR_PARSE);
}

static void test_usage(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b"}, *const texts[] = {"x", "y"};
    struct profile *p;
    struct diag d;
    assert_int_equal(test_read_strs("prof", names, texts, 2, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("prof", FIX "cycle-brief.prof"), 95);
    assert_int_equal(test_sniff_file("prof", FIX "cycle.prof"), 95);
    assert_int_equal(test_sniff_file("prof", FIX "names.prof"), 95);
    assert_int_equal(test_sniff_file("prof", FIX "flat.prof"), 90);
    assert_int_equal(test_sniff_file("prof", FIX "nocalls.prof"), 90);
    assert_int_equal(test_sniff_str("prof", "call graph profile:\n"), 90);
    assert_int_equal(
        test_sniff_str("prof",
                       "\n\n                                  called/total       parents \n"),
        95);
    /* Cut mid-header: still recognised from the first line. */
    assert_int_equal(test_sniff_str("prof", "Flat profile:\n\nEach sample counts as 0.01 sec"), 90);
    /* Other formats. */
    assert_int_equal(test_sniff_file("prof", "tests/fixtures/axe/solver.axe"), 0);
    assert_int_equal(
        test_sniff_str("prof", "# callgrind format\nversion: 1\nevents: Ir\nfn=main\n"), 0);
    assert_int_equal(test_sniff_str("prof", "{\"version\": 0, \"functions\": []}"), 0);
    assert_int_equal(test_sniff_str("prof", "main;foo;bar 12\nmain;baz 3\n"), 0);
    assert_int_equal(
        test_sniff_str("prof", "perf  1234 [000] 12.345: 1 cycles:\n\t401000 main (/bin/x)\n"), 0);
    assert_int_equal(test_sniff_str("prof", ""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_fixture_brief),
        cmocka_unit_test(test_fixture_full),
        cmocka_unit_test(test_fixture_cxx_names),
        cmocka_unit_test(test_fixture_flat_only),
        cmocka_unit_test(test_fixture_no_call_data),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_bsd_header),
        cmocka_unit_test(test_child_without_entry),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_cycle_order),
        cmocka_unit_test(test_line_shapes),
        cmocka_unit_test(test_crlf_and_zero_times),
        cmocka_unit_test(test_empty_call_graph),
        cmocka_unit_test(test_no_child_lines),
        cmocka_unit_test(test_flat_suffixes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
