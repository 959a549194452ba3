/* Unit tests of the callgrind reader: the worked example of gprof2dot-behaviour.md 11.2,
 * fixtures made with valgrind (tests/fixtures/callgrind/make-fixtures.sh; expected numbers
 * cross-checked with an independent awk sum over the files), gprof2dot's parsing quirks,
 * every error path and sniffing. Inline inputs are hand-written shapes callgrind itself
 * does not produce. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader.h"
#include "testutil.h"
#include "util.h"

#define FIX "tests/fixtures/callgrind/"

/* The function `name` has self cost `self`, `called` calls and module `module` (NULL: none). */
static void check_func(const struct profile *p, const char *name, double self, double called,
                       const char *module)
{
    const struct prof_func *f = &p->funcs[test_func(p, name)];
    if (!ev_has(&f->ev, PEV_SAMPLES) || ev_get(&f->ev, PEV_SAMPLES) != self || !f->has_called ||
        f->called != called) {
        print_error("%s: self %g called %g, expected %g and %g\n", name,
                    ev_get(&f->ev, PEV_SAMPLES), f->called, self, called);
        fail();
    }
    /* Only SAMPLES on functions (spec section 2 table); the rest is derived later. */
    assert_int_equal(f->ev.has, 1u << PEV_SAMPLES);
    if (module) {
        assert_non_null(f->module);
        assert_string_equal(f->module, module);
    } else {
        assert_null(f->module);
    }
    assert_null(f->process);
    assert_null(f->filename);
}

static void check_call(const struct profile *p, const char *from, const char *to, double calls,
                       double incl)
{
    const struct prof_call *c = test_call(p, from, to);
    if (ev_get(&c->ev, PEV_CALLS) != calls || ev_get(&c->ev, PEV_SAMPLES2) != incl) {
        print_error("%s -> %s: %g calls %g incl, expected %g and %g\n", from, to,
                    ev_get(&c->ev, PEV_CALLS), ev_get(&c->ev, PEV_SAMPLES2), calls, incl);
        fail();
    }
    assert_int_equal(c->ev.has, (1u << PEV_CALLS) | (1u << PEV_SAMPLES2));
}

static void check_total(const struct profile *p, double total)
{
    assert_true(ev_has(&p->ev, PEV_SAMPLES));
    assert_float_equal(ev_get(&p->ev, PEV_SAMPLES), total, 0);
}

/* gprof2dot-behaviour.md 11.2, verbatim. */
static const char example[] = "# comment line\n"
                              "version: 1\n"
                              "creator: handmade\n"
                              "positions: instr line\n"
                              "events: Ir Dr\n"
                              "\n"
                              "ob=(1) /usr/bin/prog\n"
                              "fl=(1) prog.c\n"
                              "fn=(1) main\n"
                              "0x10 3 20 5\n"
                              "+2 * 10\n"
                              "cob=(2) /lib/libm.so\n"
                              "cfi=(2) m.c\n"
                              "cfn=(2) sqrt\n"
                              "calls=4 0x900 1\n"
                              "* 7 400 9\n"
                              "cfn=(3) helper\n"
                              "calls=2 0x20 1\n"
                              "+1 +1 600\n"
                              "fn=(3)\n"
                              "0x20 1 100\n"
                              "cfn=(4) walk\n"
                              "calls=3 0x30 1\n"
                              "0x22 2 500\n"
                              "\n"
                              "ob=(2)\n"
                              "fl=(2)\n"
                              "fn=(2)\n"
                              "0x900 1 400\n"
                              "fl=(1)\n"
                              "fn=(4)\n"
                              "0x30 1 50\n"
                              "cfn=(5) step\n"
                              "calls=6 0x40 1\n"
                              "0x32 2 450\n"
                              "fn=(5)\n"
                              "0x40 1 150\n"
                              "cfn=(4)\n"
                              "calls=5 0x30 1\n"
                              "0x42 2 300\n"
                              "totals: 1630 14\n";

static void test_registered(void **state)
{
    (void)state;
    const struct reader *r = test_reader("callgrind");
    assert_string_equal(r->name, "callgrind");
    assert_true(r->multi);
    assert_non_null(r->summary);
}

static void test_worked_example(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("callgrind", example, NULL);
    assert_int_equal(p->recipe, PROF_RECIPE_SAMPLES);
    assert_false(p->int_ids);
    assert_int_equal(p->n_cycles, 0);
    /* Creation order (it decides Tarjan order and --list-functions). */
    assert_int_equal(p->n_funcs, 5);
    const char *order[] = {"main", "sqrt", "helper", "walk", "step"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(p->funcs[i].name, order[i]);
        assert_string_equal(p->funcs[i].str_id, order[i]);
    }
    check_total(p, 730);
    check_func(p, "main", 30, 0, "prog");
    check_func(p, "sqrt", 400, 4, "libm.so");
    check_func(p, "helper", 100, 2, "libm.so"); /* cob still libm: no self line between */
    check_func(p, "walk", 50, 8, "prog");       /* cob reset to ob by helper's self line */
    check_func(p, "step", 150, 6, "libm.so");
    check_call(p, "main", "sqrt", 4, 400);
    check_call(p, "main", "helper", 2, 600);
    check_call(p, "helper", "walk", 3, 500);
    check_call(p, "walk", "step", 6, 450);
    check_call(p, "step", "walk", 5, 300);
    assert_int_equal(test_total_calls(p), 5);
    /* Calls in insertion order. */
    assert_int_equal(p->funcs[0].calls[0].callee, 1);
    assert_int_equal(p->funcs[0].calls[1].callee, 2);
    profile_free(p);
}

static void test_event_by_name(void **state)
{
    (void)state;
    static const struct reader_opts dr = {.event = "Dr"}, ir = {.event = "Ir"};
    struct profile *p = test_read_buf_ok("callgrind", "test", example, strlen(example), &dr, NULL);
    check_total(p, 5);
    check_func(p, "main", 5, 0, "prog");
    check_func(p, "sqrt", 0, 4, "libm.so");
    check_func(p, "step", 0, 6, "libm.so");
    check_call(p, "main", "sqrt", 4, 9);
    check_call(p, "main", "helper", 2, 0); /* missing trailing values count as 0 */
    check_call(p, "step", "walk", 5, 0);
    profile_free(p);

    p = test_read_buf_ok("callgrind", "test", example, strlen(example), &ir, NULL);
    check_total(p, 730);
    profile_free(p);
}

static void test_event_unknown(void **state)
{
    (void)state;
    static const struct reader_opts d1mr = {.event = "D1mr"};
    struct profile *p;
    struct diag d;
    enum p2p_status st =
        test_read_buf_opts("callgrind", "test", example, strlen(example), &d1mr, &p, &d);
    assert_int_equal(st, P2P_ERR_PARSE);
    assert_null(p);
    assert_int_equal(d.pos, 5);
    assert_non_null(strstr(d.msg, "\"D1mr\""));
    assert_non_null(strstr(d.msg, "Ir Dr")); /* lists the events there are */
}

static void test_fixture_recur(void **state)
{
    (void)state;
    struct profile *p = test_read_file("callgrind", FIX "recur.callgrind");
    assert_int_equal(p->n_funcs, 30);
    assert_int_equal(test_total_calls(p), 35);
    check_total(p, 25543);
    check_func(p, "main", 8, 1, "recur");
    check_func(p, "work", 1402, 1, "recur");
    check_func(p, "fact", 124, 8, "recur");
    check_func(p, "fact'2", 321, 21, "recur");
    check_func(p, "is_even", 100, 8, "recur");
    check_func(p, "is_odd", 91, 7, "recur");
    check_func(p, "is_even'2", 508, 40, "recur");
    check_func(p, "is_odd'2", 465, 37, "recur");
    check_func(p, "cmp", 6710, 305, "recur");
    check_func(p, "qsort", 2, 1, "libc.so.6");
    check_func(p, "msort_with_tmp.part.0'2", 7912, 62, "libc.so.6");
    check_func(p, "__vfprintf_internal", 2440, 8, "libc.so.6");
    check_func(p, "0x000000000486d360", 1, 1, "???");
    check_func(p, "0x000000000001ab70", 0, 0, "ld-linux-x86-64.so.2");
    /* Two "(below main)" (in recur and in libc) are one function, module from the first. */
    check_func(p, "(below main)", 0, 2, "recur");
    check_call(p, "(below main)", "main", 1, 25543);
    check_call(p, "(below main)", "__libc_start_main@@GLIBC_2.34", 1, 25543);
    check_call(p, "__libc_start_main@@GLIBC_2.34", "(below main)", 1, 25543);
    check_call(p, "work", "fact", 8, 445);
    check_call(p, "work", "is_even", 8, 1164);
    check_call(p, "work", "qsort", 1, 17124);
    check_call(p, "fact", "fact'2", 6, 321);
    check_call(p, "fact'2", "fact'2", 15, 505); /* self-call */
    check_call(p, "is_even", "is_odd", 7, 1064);
    check_call(p, "is_odd", "is_even'2", 7, 973);
    check_call(p, "is_even'2", "is_odd'2", 37, 3414);
    check_call(p, "is_odd'2", "is_even'2", 33, 2949);
    check_call(p, "msort_with_tmp.part.0'2", "cmp", 243, 5346);
    check_call(p, "msort_with_tmp.part.0'2", "msort_with_tmp.part.0'2", 60, 32169);
    check_call(p, "0x000000000486d360", "free", 1, 3);
    assert_null(test_call_maybe(p, "main", "fact"));
    profile_free(p);
}

/* The same program without name compression and with absolute positions, and with
 * "positions: instr line", jump lines and nine events: the same profile as recur.callgrind
 * (the run is deterministic), functions possibly in another order. */
static void same_profile(const struct profile *a, const struct profile *b)
{
    assert_int_equal(a->n_funcs, b->n_funcs);
    assert_float_equal(ev_get(&a->ev, PEV_SAMPLES), ev_get(&b->ev, PEV_SAMPLES), 0);
    for (size_t i = 0; i < a->n_funcs; i++) {
        const struct prof_func *f = &a->funcs[i];
        size_t j = test_func(b, f->name);
        const struct prof_func *g = &b->funcs[j];
        assert_float_equal(ev_get(&f->ev, PEV_SAMPLES), ev_get(&g->ev, PEV_SAMPLES), 0);
        assert_float_equal(f->called, g->called, 0);
        assert_string_equal(f->module, g->module);
        assert_int_equal(f->n_calls, g->n_calls);
        for (size_t k = 0; k < f->n_calls; k++) {
            const struct prof_call *c = &f->calls[k];
            const struct prof_call *e = test_call(b, f->name, a->funcs[c->callee].name);
            assert_float_equal(ev_get(&c->ev, PEV_CALLS), ev_get(&e->ev, PEV_CALLS), 0);
            assert_float_equal(ev_get(&c->ev, PEV_SAMPLES2), ev_get(&e->ev, PEV_SAMPLES2), 0);
        }
    }
}

static void test_fixture_variants(void **state)
{
    (void)state;
    struct profile *a = test_read_file("callgrind", FIX "recur.callgrind");
    struct profile *b = test_read_file("callgrind", FIX "recur-plain.callgrind");
    struct profile *c = test_read_file("callgrind", FIX "recur-instr.callgrind");
    same_profile(a, b);
    same_profile(b, a);
    same_profile(a, c);
    same_profile(c, a);
    profile_free(a);
    profile_free(b);
    profile_free(c);
}

static void test_fixture_instr_events(void **state)
{
    (void)state;
    static const struct reader_opts dr = {.event = "Dr"}, dlmr = {.event = "DLmr"},
                                    dlmw = {.event = "DLmw"};
    struct profile *p = test_read_file_opts("callgrind", FIX "recur-instr.callgrind", &dr);
    check_total(p, 7415); /* the file's own summary: line agrees */
    check_func(p, "work", 239, 1, "recur");
    check_func(p, "fact", 44, 8, "recur");
    check_func(p, "fact'2", 114, 21, "recur");
    check_func(p, "cmp", 3050, 305, "recur");
    check_call(p, "work", "fact", 8, 158);
    check_call(p, "work", "qsort", 1, 5552);
    profile_free(p);

    /* DLmr: the summary's last value */
    p = test_read_file_opts("callgrind", FIX "recur-instr.callgrind", &dlmr);
    check_total(p, 8);
    profile_free(p);

    /* DLmw: the last column, never written: all zero */
    p = test_read_file_opts("callgrind", FIX "recur-instr.callgrind", &dlmw);
    check_total(p, 0);
    check_func(p, "work", 0, 1, "recur");
    profile_free(p);
}

static void test_fixture_cachegrind(void **state)
{
    (void)state;
    struct profile *p = test_read_file("callgrind", FIX "recur.cachegrind");
    assert_int_equal(p->n_funcs, 3);
    assert_int_equal(test_total_calls(p), 0);
    check_total(p, 112);
    check_func(p, "__libc_start_main@@GLIBC_2.34", 69, 0, NULL); /* no ob=: no module */
    check_func(p, "(below main)", 25, 0, NULL);
    check_func(p, "_init_first", 18, 0, NULL);
    profile_free(p);
}

static void test_threads_merge(void **state)
{
    (void)state;
    const char *files[] = {FIX "threads-1.callgrind", FIX "threads-2.callgrind"};
    struct profile *p = NULL;
    struct diag d;
    assert_int_equal(test_read_files("callgrind", files, 2, &p, &d), P2P_OK);
    assert_int_equal(d.warnings, 0);
    check_total(p, 12038 + 36038);
    check_func(p, "spin", 12024 + 36024, 4, "threads");
    /* main's call to run follows a call line, so cob is still libc (sticky cob). */
    check_func(p, "run", 14 + 14, 2, "libc.so.6");
    check_func(p, "worker", 0, 1, "threads");
    check_func(p, "main", 0, 1, "threads");
    check_call(p, "run", "spin", 4, 8012 + 4012 + 24012 + 12012);
    check_call(p, "main", "run", 1, 12038);
    check_call(p, "worker", "run", 1, 36038);
    check_call(p, "clone", "start_thread", 1, 36038);
    /* The first file's functions come first. */
    assert_string_equal(p->funcs[0].name, "0x000000000001ab70");
    profile_free(p);

    /* Each file alone. */
    p = test_read_file("callgrind", FIX "threads-2.callgrind");
    check_total(p, 36038);
    check_func(p, "spin", 36024, 2, "threads");
    assert_int_equal(test_func_maybe(p, "main"), SIZE_MAX);
    profile_free(p);
}

static void test_multi_files_independent(void **state)
{
    (void)state;
    /* Name tables and positions start afresh in every file: (1) in the second is unknown. */
    const char *names[] = {"a", "b"};
    const char *texts[] = {"events: Ir\nfn=(1) alpha\n1 10\n",
                           "positions: instr line\nevents: X Ir\nfn=(1)\n0x1 2 5 7\n"};
    struct profile *p;
    struct diag d;
    assert_int_equal(test_read_strs("callgrind", names, texts, 2, &p, &d), P2P_OK);
    check_total(p, 15);
    check_func(p, "alpha", 10, 0, NULL);
    check_func(p, "", 5, 0, NULL);
    profile_free(p);

    /* An error in the second file names that file; nothing is returned. */
    names[1] = "bad.callgrind";
    texts[1] = "events: Ir\nfn=x\n1 2 3\n";
    assert_int_equal(test_read_strs("callgrind", names, texts, 2, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_string_equal(d.file, "bad.callgrind");
    assert_int_equal(d.pos, 3);
}

static void test_name_compression(void **state)
{
    (void)state;
    unsigned w;
    struct profile *p = test_read_ok("callgrind",
                                     "events: Ir\n"
                                     "fn=(7)\n" /* unknown id: the empty name */
                                     "1 1\n"
                                     "fn=  (8)   spaced  \n" /* spaces skipped, trailing kept */
                                     "1 2\n"
                                     "fn=(8)\n"
                                     "1 4\n"
                                     "fn=(08)\n" /* ids are strings: 08 is not 8 */
                                     "1 8\n"
                                     "fn=(9)   \n" /* only spaces: the last one is the name */
                                     "1 16\n"
                                     "fn=(x) y\n" /* not an id */
                                     "1 32\n"
                                     "fn=(10)tight\n"
                                     "1 64\n"
                                     "cfn=(10)\n" /* cfn shares fn's table */
                                     "calls=1 2\n"
                                     "1 128\n"
                                     "fl=(8)\n" /* another table: (8) of fn is not visible */
                                     "fn=\tplain name\n"
                                     "1 256\n",
                                     &w);
    assert_int_equal(w, 0);
    assert_int_equal(p->n_funcs, 6);
    check_func(p, "", 1 + 8, 0, NULL);
    check_func(p, "spaced  ", 2 + 4, 0, NULL);
    check_func(p, " ", 16, 0, NULL);
    check_func(p, "(x) y", 32, 0, NULL);
    check_func(p, "tight", 64, 1, NULL);
    check_func(p, "plain name", 256, 0, NULL);
    check_call(p, "tight", "tight", 1, 128);
    profile_free(p);
}

static void test_modules(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("callgrind",
                                     "events: Ir\n"
                                     "ob=/usr/lib/\n" /* basename "" is still a module */
                                     "fn=a\n"
                                     "1 1\n"
                                     "ob=(3) plain\n"
                                     "fn=b\n"
                                     "1 1\n"
                                     "ob=(4)\n" /* unknown id: "" means no module */
                                     "fn=c\n"
                                     "1 1\n"
                                     "ob=(3)\n"
                                     "fn=a\n" /* already exists: module stays */
                                     "1 1\n"
                                     "cob=(5) /x/y/z.so\n"
                                     "cfn=d\n"
                                     "calls=1 0\n"
                                     "1 1\n"
                                     "cfn=e\n" /* explicit cob still in force */
                                     "calls=1 0\n"
                                     "1 1\n"
                                     "fn=b\n"
                                     "1 1\n" /* self line: cob = ob (plain) */
                                     "cfn=f\n"
                                     "calls=1 0\n"
                                     "1 1\n",
                                     NULL);
    check_func(p, "a", 2, 0, "");
    check_func(p, "b", 1 + 1, 0, "plain");
    check_func(p, "c", 1, 0, NULL);
    check_func(p, "d", 0, 1, "z.so");
    check_func(p, "e", 0, 1, "z.so");
    check_func(p, "f", 0, 1, "plain");
    profile_free(p);

    /* No ob= at all: the cob reset does nothing, callees keep no module. */
    p = test_read_ok("callgrind", "events: Ir\nfn=a\n1 1\ncfn=b\ncalls=2 0\n1 5\n", NULL);
    check_func(p, "b", 0, 2, NULL);
    profile_free(p);
}

static void test_cost_lines(void **state)
{
    (void)state;
    unsigned w;
    struct profile *p = test_read_ok("callgrind",
                                     "positions: instr line\n"
                                     "events: A B C\n"
                                     "fn=f\n"
                                     "0x1F 12 1 2 3\n"
                                     "+3 -2 10\n"         /* missing events are 0 */
                                     "*  *   100   \t\n"  /* runs of spaces, trailing white */
                                     "-1 +1 +1000 -1 0\n" /* signed event values */
                                     "0x0 0\n"            /* positions only */
                                     "1 2 007\n",         /* leading zeros */
                                     &w);
    assert_int_equal(w, 0);
    check_func(p, "f", 1 + 10 + 100 + 1000 + 0 + 7, 0, NULL);
    profile_free(p);

    /* positions: with no names means cost lines are all events. */
    p = test_read_ok("callgrind", "positions:\nevents: A\nfn=f\n5\n7\n", NULL);
    check_func(p, "f", 12, 0, NULL);
    profile_free(p);

    /* Large values are doubles, as in gprof2dot. */
    p = test_read_ok("callgrind", "events: A\nfn=f\n1 18446744073709551616\n1 1\n", NULL);
    check_func(p, "f", 18446744073709551616.0 + 1, 0, NULL);
    profile_free(p);

    /* A tab between tokens, a leading space: not a cost line, parsing stops there. */
    p = test_read_ok("callgrind", "events: A\nfn=f\n1 1\n1\t2\n1 4\n", &w);
    assert_int_equal(w, 1);
    check_func(p, "f", 1, 0, NULL);
    profile_free(p);
    p = test_read_ok("callgrind", "events: A\nfn=f\n 1 1\n", &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

/* Generated cost lines, mixing the one-pass common case (unsigned events of up to 15 digits)
 * with everything it hands to the general path (signs, 16 and more digits, leading zeros,
 * missing events, runs of spaces, trailing white): the self cost of each event column must be
 * the sum, in file order, of the values strtod gives. */
static void test_cost_lines_generated(void **state)
{
    (void)state;
    static const char *const pos[] = {"*", "+3", "-2", "0x1F", "12", "0"};
    static const char *const ev[] = {"0",   "7",   "007",  "+5",  "-7",  "123456789012345",
                                     "1234567890123456", "99999999999999999",
                                     "000000000000000000001", "42"};
    static const struct reader_opts opts[3] = {{.event = "A"}, {.event = "B"}, {.event = "C"}};
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    double want[3] = {0, 0, 0};
    uint32_t r = 12345;
#define NEXT() (r = r * 1103515245u + 12345u, (r >> 16) & 0x7fff)
    len += (size_t)snprintf(buf + len, cap - len, "positions: instr line\nevents: A B C\nfn=f\n");
    for (int line = 0; line < 400; line++) {
        for (int k = 0; k < 2; k++)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? " " : "",
                                    pos[NEXT() % (sizeof(pos) / sizeof(pos[0]))]);
        unsigned n_ev = NEXT() % 4;
        for (unsigned k = 0; k < n_ev; k++) {
            const char *e = ev[NEXT() % (sizeof(ev) / sizeof(ev[0]))];
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", NEXT() % 4 ? " " : "   ", e);
            want[k] += strtod(e, NULL);
        }
        len += (size_t)snprintf(buf + len, cap - len, "%s\n", NEXT() % 8 ? "" : " \t");
        assert_true(len + 256 < cap);
    }
#undef NEXT
    for (int k = 0; k < 3; k++) {
        unsigned w;
        struct profile *p = test_read_buf_ok("callgrind", "test", buf, len, &opts[k], &w);
        assert_int_equal(w, 0);
        check_func(p, "f", want[k], 0, NULL);
        check_total(p, want[k]);
        profile_free(p);
    }
    free(buf);

    /* The general path still decides lines the one-pass parser does not take. */
    test_read_fails("callgrind", "events: A B\nfn=f\n1 2 3 4\n", 3,
                    "at most 1 positions and 2 events");
    test_read_fails("callgrind", "events: A B C\nfn=f\n1 +2 0x1F\n", 3, "not a decimal number");
    test_read_fails("callgrind", "positions: instr line\nevents: A\nfn=f\n0x10\n", 4,
                    "2 positions expected");
}

/* Many event columns: the columns after the one read are only checked (sixteen bytes at a
 * time), so tokens must be counted across those pieces (a token starting right at a piece's
 * first byte, runs of spaces across a piece's end) and every column still read correctly. */
static void test_cost_lines_tail(void **state)
{
    (void)state;
    enum { N_EV = 30 };
    size_t cap = 1 << 17, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    double want[N_EV] = {0};
    uint32_t r = 777;
#define NEXT() (r = r * 1103515245u + 12345u, (r >> 16) & 0x7fff)
    len += (size_t)snprintf(buf + len, cap - len, "events:");
    for (int k = 0; k < N_EV; k++)
        len += (size_t)snprintf(buf + len, cap - len, " E%d", k);
    len += (size_t)snprintf(buf + len, cap - len, "\nfn=f\n");
    for (int line = 0; line < 600; line++) {
        len += (size_t)snprintf(buf + len, cap - len, "%s", line % 3 ? "+1" : "*");
        unsigned n_ev = NEXT() % (N_EV + 1);
        for (unsigned k = 0; k < n_ev; k++) {
            char tok[24];
            unsigned digits = 1 + NEXT() % 12;
            for (unsigned q = 0; q < digits; q++)
                tok[q] = (char)('0' + NEXT() % 10);
            tok[digits] = '\0';
            len += (size_t)snprintf(buf + len, cap - len, "%.*s%s", (int)(1 + NEXT() % 3),
                                    "   ", tok);
            want[k] += strtod(tok, NULL);
        }
        len += (size_t)snprintf(buf + len, cap - len, "\n");
        assert_true(len + 1024 < cap);
    }
#undef NEXT
    for (int k = 0; k < N_EV; k++) {
        char name[8];
        snprintf(name, sizeof(name), "E%d", k);
        struct reader_opts opts = {.event = name};
        unsigned w;
        struct profile *p = test_read_buf_ok("callgrind", "test", buf, len, &opts, &w);
        assert_int_equal(w, 0);
        check_func(p, "f", want[k], 0, NULL);
        profile_free(p);
    }
    free(buf);

    /* Past the column read: one token too many, a byte that is no digit or space far in the
     * line (no cost line: parsing stops there), a sign (the general path takes it). */
    test_read_fails("callgrind", "events: A B C\nfn=f\n1 1 22222222222222 33333333333 4\n", 3,
                    "at most 1 positions and 3 events");
    unsigned w;
    char line[512];
    struct profile *p = test_read_ok("callgrind",
                                     "events: A B C D E F G H I J K L\n"
                                     "fn=f\n"
                                     "1 5 2 3 4 5 6 7 8 9 10 11 12\n"
                                     "1 7 2 3 4 5 6 7 8 9 10 11 x2\n",
                                     &w);
    assert_int_equal(w, 1);
    check_func(p, "f", 5, 0, NULL);
    profile_free(p);
    p = test_read_ok("callgrind", "events: A B C\nfn=f\n1 5 2 +3\n1 1 -2 3\n", &w);
    assert_int_equal(w, 0);
    check_func(p, "f", 6, 0, NULL);
    profile_free(p);

    /* Every alignment of the tokens after the column read against the sixteen-byte pieces:
     * three of them are one too many, two are fine. */
    for (int pad = 0; pad < 40; pad++) {
        snprintf(line, sizeof(line), "events: A B C\nfn=f\n1 5 %*s22 3%s\n", pad, "",
                 pad % 2 ? " 4" : "");
        if (pad % 2) {
            test_read_fails("callgrind", line, 3, "5 numbers on a cost line");
        } else {
            p = test_read_ok("callgrind", line, &w);
            assert_int_equal(w, 0);
            check_func(p, "f", 5, 0, NULL);
            profile_free(p);
        }
    }

    /* A long token after the column read: up to the general path's limit it is accepted,
     * past it the general path's message. */
    snprintf(line, sizeof(line), "events: A B\nfn=f\n1 3 1%0*d\n", 90, 0);
    p = test_read_ok("callgrind", line, &w);
    assert_int_equal(w, 0);
    check_func(p, "f", 3, 0, NULL);
    profile_free(p);
    snprintf(line, sizeof(line), "events: A B\nfn=f\n1 3 1%0*d\n", 140, 0);
    test_read_fails("callgrind", line, 3, "out of range");
}

static void test_calls_lines(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("callgrind",
                                     "events: A\n"
                                     "fn=f\n"
                                     "cfn=g\n"
                                     "calls=3\n" /* next line is no cost line: dropped */
                                     "cfn=h\n"
                                     "calls=1_000 9 extra words\n"
                                     "# a comment between calls= and its cost line\n"
                                     "5 40\n"
                                     "calls=-2 0\n"
                                     "5 -4\n"
                                     "calls=+1 0\n"
                                     "\n" /* blank: dropped too */
                                     "1 1\n",
                                     NULL);
    check_func(p, "f", 1, 0, NULL);
    check_func(p, "h", 0, 1000 - 2, NULL);
    check_call(p, "f", "h", 1000 - 2, 40 - 4);
    assert_int_equal(test_func_maybe(p, "g"), SIZE_MAX); /* cfn alone creates nothing */
    assert_int_equal(test_total_calls(p), 1);
    profile_free(p);

    /* Counts read in one pass (plain digits, up to 18, then a space or the end) and the
     * others: leading zeros, the most digits taken in one pass, a tab after the count. */
    p = test_read_ok("callgrind",
                     "events: A\nfn=f\ncfn=h\n"
                     "calls=007 0\n1 1\n"
                     "calls=100000000000000000 0\n1 1\n"
                     "calls=20\t0\n1 1\n"
                     "calls=3\n1 1\n",
                     NULL);
    check_call(p, "f", "h", 7 + 100000000000000000.0 + 20 + 3, 4);
    profile_free(p);
    test_read_fails("callgrind", "events: A\nfn=f\ncfn=h\ncalls=9223372036854775808 0\n1 1\n", 4,
                    "bad call count");
    test_read_fails("callgrind", "events: A\nfn=f\ncfn=h\ncalls=12x 0\n1 1\n", 4,
                    "bad call count \"12x\"");
}

static void test_ignored_lines(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("callgrind",
                                     "# callgrind format\n"
                                     "version: 1\n"
                                     "creator: callgrind-3.19.0\n"
                                     "pid: 1\ncmd:  ./a\npart: 1\nthread: 2\n"
                                     "desc: I1 cache:\n"
                                     "event: Ir : Instruction fetches\n"
                                     "positions: line\n"
                                     "events:   Ir  \n"
                                     "summary: 99\n"
                                     "\t \n"
                                     "fl=a.c\nfi=b.h\nfe=a.c\n"
                                     "fn=f\n"
                                     "# comment\n"
                                     "1 5\n"
                                     "jump=3 +2\n"
                                     "jcnd=1/2 +1\n"
                                     "jfi=(2) c.h\n"
                                     "cfl=x.c\ncfi=y.c\ncfe=z.c\n"
                                     "1 6\n"
                                     "\n"
                                     "totals: 11\n"
                                     "\n"
                                     "fn=g\n" /* a second part */
                                     "2 4\n",
                                     NULL);
    check_total(p, 15);
    check_func(p, "f", 11, 0, NULL);
    check_func(p, "g", 4, 0, NULL);
    profile_free(p);

    /* A later "events:" line changes the columns; "positions:" the number of positions. */
    p = test_read_ok("callgrind",
                     "events: A B\nfn=f\n1 1 2\n\nevents: B A\npositions: instr line\nfn=f\n"
                     "1 2 10 20\n",
                     NULL);
    check_func(p, "f", 11, 0, NULL);
    profile_free(p);

    /* CRLF and lone CR line ends. */
    p = test_read_ok("callgrind", "events: A\r\nfn=f\r\n1 5\r1 6\r\n", NULL);
    check_func(p, "f", 11, 0, NULL);
    profile_free(p);
}

static void test_xdebug(void **state)
{
    (void)state;
    /* The shape xdebug 2 writes (hand-written: no PHP here). */
    struct profile *p = test_read_ok("callgrind",
                                     "version: 1\n"
                                     "creator: xdebug 2.9.8 (PHP 7.4.3)\n"
                                     "cmd: /var/www/index.php\n"
                                     "part: 1\n"
                                     "positions: line\n"
                                     "\n"
                                     "events: Time Memory\n"
                                     "\n"
                                     "fl=(1) php:internal\n"
                                     "fn=(1) php::strlen\n"
                                     "2 3 0\n"
                                     "\n"
                                     "fl=(2) /var/www/index.php\n"
                                     "fn=(2) {main}\n"
                                     "\n"
                                     "summary: 120 3000\n"
                                     "0 100 2900\n"
                                     "cfl=(1)\n"
                                     "cfn=(1)\n"
                                     "calls=1 0 0\n"
                                     "2 3 0\n",
                                     NULL);
    check_total(p, 103);
    check_func(p, "php::strlen", 3, 1, NULL);
    check_func(p, "{main}", 100, 0, NULL);
    check_call(p, "{main}", "php::strlen", 1, 3);
    profile_free(p);
}

static void test_unexpected_line(void **state)
{
    (void)state;
    unsigned w;
    /* gprof2dot warns and keeps what it read. */
    struct profile *p =
        test_read_ok("callgrind", "events: A\nfn=f\n1 5\nbogus line\nfn=g\n1 7\n", &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 1);
    check_total(p, 5);
    profile_free(p);

    /* Body right after creator: (no header line): nothing is read. */
    p = test_read_ok("callgrind", "version: 1\ncreator: x\nfn=f\n1 5\n", &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 0);
    check_total(p, 0);
    profile_free(p);

    /* version: after another line is no header; a header without a body stops too. */
    p = test_read_ok("callgrind", "\nversion: 1\nevents: A\nfn=f\n1 5\n", &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
    p = test_read_ok("callgrind", "events: A\nunknown: key\nfn=f\n1 1\n", &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);

    /* Binary-looking garbage without NUL bytes, and empty input: empty profiles. */
    p = test_read_ok("callgrind", "\x7f\x45\x4c\x46\x02\x01\x01\xff\xfe", &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
    p = test_read_ok("callgrind", "", NULL);
    assert_int_equal(p->n_funcs, 0);
    check_total(p, 0);
    profile_free(p);

    /* Headers only (the corpus's empty.callgrind shape). */
    p = test_read_ok("callgrind",
                     "version: 1\ncreator: c\n\npositions: instr line\nevents: Ir Dr\nsummary: 0\n"
                     "\n\ntotals: 0\n",
                     NULL);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);

    /* Truncated in the middle of a line or of a calls= pair: what was read is kept. */
    p = test_read_ok("callgrind", "events: A\nfn=f\n1 5\ncfn=g\ncalls=2 0\n", NULL);
    check_func(p, "f", 5, 0, NULL);
    assert_int_equal(test_total_calls(p), 0);
    profile_free(p);
    p = test_read_ok("callgrind", "events: A\nfn=(1) lon", NULL);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_error_paths(void **state)
{
    (void)state;
    test_read_fails("callgrind", "positions: line\n\nfn=f\n1 5\n", 4, "events:");
    test_read_fails("callgrind", "events:\nfn=f\n1 5\n", 3, "events:");
    test_read_fails("callgrind", "events: A\nfn=f\n1 2 3\n", 3, "at most 1 positions and 1 events");
    test_read_fails("callgrind", "positions: instr line\nevents: A\nfn=f\n1\n", 4,
                    "2 positions expected");
    test_read_fails("callgrind", "events: A B\nfn=f\n1 0x10\n", 3, "not a decimal number");
    test_read_fails("callgrind", "events: A B\nfn=f\n1 2 *\n", 3, "not a decimal number");
    test_read_fails("callgrind", "events: A\nfn=\n1 1\n", 3, "without a name");
    test_read_fails("callgrind", "events: A\nfn=   \n1 1\n", 3, "without a name");
    test_read_fails("callgrind", "events: A\nfn=f\ncfn=\ncalls=1 0\n1 1\n", 5, "\"cfn=\"");
    test_read_fails("callgrind", "events: A\nfn=f\njfn=g\n", 3, "unsupported position");
    test_read_fails("callgrind", "events: A\nfn=f\njob=(1) x\n", 3, "unsupported position");
    test_read_fails("callgrind", "events: A\nfn=f\ncalls=\n1 1\n", 3, "without a count");
    test_read_fails("callgrind", "events: A\nfn=f\ncalls=x 1\n1 1\n", 3, "bad call count");
    test_read_fails("callgrind", "events: A\nfn=f\ncalls=1__0 1\n1 1\n", 3, "bad call count");
    test_read_fails("callgrind", "events: A\nfn=f\ncalls=0x10 1\n1 1\n", 3, "bad call count");
    test_read_fails("callgrind", "events: A\nfn=f\ncalls=99999999999999999999 1\n1 1\n", 3,
                    "bad call count");
    test_read_fails("callgrind",
                    "events: A\nfn=f\n1 "
                    "1000000000000000000000000000000000000000000000000000000000000000000000000000"
                    "0000000000000000000000000000000000000000000000000000000000000000000000000000"
                    "\n",
                    3, "out of range");
    /* input.c's checks come through with the line number. */
    static const char nul[] = "events: A\nfn=f\n1 \0 2\n";
    test_buf_fails("callgrind", "test", nul, sizeof(nul) - 1, DIAG_LINE, 3, "NUL");
}

static void test_sniff(void **state)
{
    (void)state;
    const char *files[] = {"recur.callgrind", "recur-instr.callgrind", "recur-plain.callgrind",
                           "threads-1.callgrind", "recur.cachegrind"};
    for (size_t i = 0; i < P2P_ARRAY_LEN(files); i++) {
        char *rel = xasprintf(FIX "%s", files[i]);
        int score = test_sniff_file("callgrind", rel);
        if (score < 90) {
            print_error("%s scores %d\n", files[i], score);
            fail();
        }
        free(rel);
    }
    assert_int_equal(test_sniff_str("callgrind", "# callgrind format\nversion: 1\n"), 100);
    assert_int_equal(test_sniff_str("callgrind", example), 95);
    assert_true(test_sniff_str(
                    "callgrind",
                    "version: 1\ncreator: xdebug 2.2\ncmd: x\npart: 1\npositions: line\n") >= 90);
    assert_true(
        test_sniff_str("callgrind", "events: Ticks\nsummary: 5\nfi=~\nfn=<map>\n0  60243\n") >= 90);
    assert_true(test_sniff_str("callgrind", "events: Ticks\nfn=x\n1 1\n") >= 50);
    /* Other formats. */
    assert_int_equal(test_sniff_str("callgrind", ""), 0);
    assert_int_equal(
        test_sniff_str("callgrind", "Flat profile:\n\nEach sample counts as 0.01 seconds.\n"), 0);
    assert_int_equal(
        test_sniff_str("callgrind", "{\"version\": 0, \"functions\": [], \"events\": []}"), 0);
    assert_int_equal(test_sniff_str("callgrind", "main;foo;bar 12\nmain;foo 3\n"), 0);
    assert_int_equal(
        test_sniff_str("callgrind", "prog 1234 5678.9: 1 cycles:\n\t401000 main (/bin/prog)\n\n"),
        0);
    assert_int_equal(
        test_sniff_str("callgrind",
                       "JAVA PROFILE 1.0.1, created Tue Nov 22\n\nCPU SAMPLES BEGIN\n"),
        0);
    assert_int_equal(test_sniff_str("callgrind", "<?xml version=\"1.0\"?>\n<profile>\n"), 0);
    assert_int_equal(test_sniff_str("callgrind", "version: 2\nsomething else\n"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_event_by_name),
        cmocka_unit_test(test_event_unknown),
        cmocka_unit_test(test_fixture_recur),
        cmocka_unit_test(test_fixture_variants),
        cmocka_unit_test(test_fixture_instr_events),
        cmocka_unit_test(test_fixture_cachegrind),
        cmocka_unit_test(test_threads_merge),
        cmocka_unit_test(test_multi_files_independent),
        cmocka_unit_test(test_name_compression),
        cmocka_unit_test(test_modules),
        cmocka_unit_test(test_cost_lines),
        cmocka_unit_test(test_cost_lines_generated),
        cmocka_unit_test(test_cost_lines_tail),
        cmocka_unit_test(test_calls_lines),
        cmocka_unit_test(test_ignored_lines),
        cmocka_unit_test(test_xdebug),
        cmocka_unit_test(test_unexpected_line),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
