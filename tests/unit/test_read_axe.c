/* Unit tests of the axe (VTune gprof-cc) reader. VTune is not available here, so the fixture
 * tests/fixtures/axe/solver.axe and the inline inputs are hand-written in the shape VTune's
 * gprof-cc reports have (column header, whitespace-only separator lines, cycle entries with
 * parents, negative "Children" values, the trailing "Index Function" table); the expected
 * numbers are read off that file. Also gprof2dot's quirks, every error path and sniffing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader.h"
#include "testutil.h"
#include "util.h"

#define FIX "tests/fixtures/axe/"

/* Function `name` has integer id `id`, self time `self`, total share `ttr` and nothing else. */
static void check_func(const struct profile *p, const char *name, int64_t id, double self,
                       double ttr)
{
    const struct prof_func *f = test_fn(p, name);
    assert_int_equal(f->int_id, id);
    assert_int_equal(f->ev.has, (1u << PEV_TIME) | (1u << PEV_TTR));
    assert_float_equal(ev_get(&f->ev, PEV_TIME), self, 1e-12);
    assert_float_equal(ev_get(&f->ev, PEV_TTR), ttr, 1e-12);
    assert_false(f->has_called);
    assert_null(f->module);
    assert_null(f->process);
    assert_null(f->filename);
}

/* The call from -> to carries only the placeholder TTR, the caller's share. */
static void check_call(const struct profile *p, const char *from, const char *to, double ttr)
{
    const struct prof_call *c = test_call(p, from, to);
    assert_int_equal(c->ev.has, 1u << PEV_TTR);
    assert_float_equal(ev_get(&c->ev, PEV_TTR), ttr, 1e-12);
}

static void test_registered(void **state)
{
    (void)state;
    assert_string_equal(test_reader("axe")->name, "axe");
    assert_false(test_reader("axe")->multi);
}

static void test_fixture(void **state)
{
    (void)state;
    struct profile *p = test_read_file("axe", FIX "solver.axe");
    assert_int_equal(p->recipe, PROF_RECIPE_AXE);
    assert_true(p->int_ids);
    /* Entry order; the <spontaneous> entry [0] and the cycle entry [4] make no function. */
    static const char *const order[] = {"_start", "main",       "solve", "eval_a",
                                        "eval_b", "log_result", "helper"};
    assert_int_equal(p->n_funcs, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(p->funcs[i].name, order[i]);
    check_func(p, "_start", 1, 0.0, 1.0);
    check_func(p, "main", 2, 0.5, 1.0);
    check_func(p, "solve", 3, 1.0, 0.6111);
    check_func(p, "eval_a", 5, 2.0, 0.6111);
    check_func(p, "eval_b", 6, 2.5, 0.2778);
    check_func(p, "log_result", 7, 2.0, 0.2222);
    check_func(p, "helper", 8, 1.0, 0.1111);
    assert_int_equal(p->ev.has, 1u << PEV_TIME);
    assert_float_equal(ev_get(&p->ev, PEV_TIME), 9.0, 1e-12);

    check_call(p, "_start", "main", 1.0);
    check_call(p, "main", "solve", 1.0);
    check_call(p, "main", "eval_a", 1.0);
    check_call(p, "solve", "eval_a", 0.6111);
    check_call(p, "solve", "log_result", 0.6111);
    check_call(p, "eval_a", "eval_b", 0.6111);
    check_call(p, "eval_a", "helper", 0.6111);
    check_call(p, "eval_b", "eval_a", 0.2778);
    assert_int_equal(test_total_calls(p), 8);

    assert_int_equal(p->n_cycles, 1);
    assert_int_equal(test_fn(p, "eval_a")->cycle, 0);
    assert_int_equal(test_fn(p, "eval_b")->cycle, 0);
    assert_int_equal(test_fn(p, "solve")->cycle, PROF_NO_CYCLE);
    profile_free(p);
}

/* ---- inline inputs ---- */

/* clang-format off */
#define HEAD                                                                                   \
    "Index  % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name       Index\n"            \
    "-----  ----------------  -------------  -----------------  ---------  -----\n"
#define BLANK "                                                                    \n"
#define FOOT "\n\nIndex by function name\n\nIndex  Function\n-----  ---------\n[1]    main\n"
/* clang-format on */

/* VTune 2013 layout (no trailing blanks), a primary line without parents, one-space columns,
 * names with spaces, optional numbers in child lines, a negative "Children" value. */
static void test_line_shapes(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        HEAD
        "[1]    100.0         0.5        9.5            main              [1]\n"
        "                     2.5        -0.5             [Import thunk f] <cycle 2>  [2]\n"
        "                                                 g [3]\n"
        "                     1.0        0.0              h   [4]   \n"
        BLANK
        "[2] 40.5 2.5 0.0 [Import thunk f] <cycle 2> [2]\n"
        BLANK
        "[3]\t10.0\t1.0\t0.0\tg\t[3]\n"
        BLANK
        "[4     5.25          0.25       0.0            h                 [4]\n"
        BLANK
        "Index  Function\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("axe", text, &w);
    assert_int_equal(w, 2); /* edge weights; <cycle 2> has no header entry */
    assert_int_equal(p->n_funcs, 4);
    check_func(p, "main", 1, 0.5, 1.0);
    check_func(p, "[Import thunk f]", 2, 2.5, 0.405);
    check_func(p, "g", 3, 1.0, 0.1);
    check_func(p, "h", 4, 0.25, 0.0525);
    check_call(p, "main", "[Import thunk f]", 1.0);
    check_call(p, "main", "g", 1.0);
    check_call(p, "main", "h", 1.0);
    assert_int_equal(p->n_cycles, 1);
    assert_int_equal(test_fn(p, "[Import thunk f]")->cycle, 0);
    assert_float_equal(ev_get(&p->ev, PEV_TIME), 4.25, 1e-12);
    profile_free(p);
}

/* Every warning of the format, with gprof2dot's numbering, and what survives. */
static void test_warnings(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        HEAD
        "\n"                                                          /* (1): empty line */
        "[1]    100.0    1.0    2.0    main    [1]\n"
        "child without indent [2]\n"                                  /* (3) */
        "                         1.0    0.0      f    [2]\n"
        "                                         <spontaneous>    [0]\n" /* dropped */
        BLANK
        BLANK                                                         /* empty entry */
        "[2]    50.0    1.0    0.0    f <cycle 9>    [2]\n"           /* cycle 9: missing */
        BLANK
        "[3]    50.0    x    0.0    g    [3]\n"                       /* (2): dropped */
        BLANK
        "junk\n"                                                      /* (6) */
        "[4]    50.0    1.0    0.0    <cycle 1 as a whole>    [4]\n"
        "first member is never checked\n"
        "second member is checked\n"                                  /* (5) */
        "                         1.0    0.0      f    [2]\n"
        BLANK
        "        some parent as a whole\n"                            /* no '[' line */
        BLANK
        "[5]    50.0    1.0    0.0    <cycle 3 as a whole>\n"         /* (4) */
        BLANK
        "[0]    100.0    0.0    3.0    <spontaneous>    [0]\n"        /* dropped */
        "                         1.0    2.0      main    [1]\n"
        BLANK
        "Index  Function\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("axe", text, &w);
    /* edge weights, (1), (3), end of entry, (2), (6), (5), end of cycle entry, (4), cycle 9 */
    assert_int_equal(w, 10);
    assert_int_equal(p->n_funcs, 2);
    check_func(p, "main", 1, 1.0, 1.0);
    check_func(p, "f", 2, 1.0, 0.5);
    check_call(p, "main", "f", 1.0);
    assert_int_equal(test_total_calls(p), 1);
    /* Cycle 1 has a header entry and comes first; cycle 9 is created for f. */
    assert_int_equal(p->n_cycles, 2);
    assert_int_equal(test_fn(p, "f")->cycle, 1);
    profile_free(p);
}

/* A repeated child: warning, one call. A repeated index: the later entry replaces the earlier
 * one in its place. */
static void test_duplicates(void **state)
{
    (void)state;
    /* clang-format off */
    static const char text[] =
        HEAD
        "[1]    100.0    1.0    2.0    main    [1]\n"
        "                         1.0    0.0      f    [2]\n"
        "                         1.0    0.0      f    [2]\n"
        BLANK
        "[2]    50.0    1.0    0.0    f    [2]\n"
        BLANK
        "[3]    20.0    0.5    0.0    g    [3]\n"
        BLANK
        "[2]    30.0    1.5    0.0    f2    [2]\n"
        BLANK
        "Index  Function\n";
    /* clang-format on */
    unsigned w;
    struct profile *p = test_read_ok("axe", text, &w);
    assert_int_equal(w, 2);
    assert_int_equal(p->n_funcs, 3);
    assert_string_equal(p->funcs[1].name, "f2");
    check_func(p, "f2", 2, 1.5, 0.3);
    check_func(p, "g", 3, 0.5, 0.2);
    check_call(p, "main", "f2", 1.0);
    assert_int_equal(test_total_calls(p), 1);
    assert_float_equal(ev_get(&p->ev, PEV_TIME), 3.0, 1e-12);
    profile_free(p);
}

/* Only the footer: an empty profile (the pending lines before it are discarded). */
static void test_empty(void **state)
{
    (void)state;
    unsigned w; /* not checked here */
    struct profile *p =
        test_read_ok("axe", HEAD "[1]    100.0    1.0    2.0    main    [1]\n" FOOT, &w);
    assert_int_equal(p->n_funcs, 0);
    assert_float_equal(ev_get(&p->ev, PEV_TIME), 0, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    test_read_fails("axe", "", 0, "unexpected end of file");
    test_read_fails("axe", HEAD, 2, "unexpected end of file");
    test_read_fails("axe", HEAD "[1]    100.0    1.0    2.0    main    [1]\n" BLANK, 4,
                    "unexpected end of file");
    /* gprof2dot crashes on children without entries or without [index]. */
    test_read_fails("axe",
                    HEAD "[1]    100.0    1.0    2.0    main    [1]\n"
                         "                         1.0    0.0      ghost    [7]\n" BLANK
                         "Index  Function\n",
                    4, "has no entry");
    test_read_fails("axe",
                    HEAD "[1]    100.0    1.0    2.0    main    [1]\n"
                         "                         1.0    0.0      ghost\n" BLANK
                         "Index  Function\n",
                    4, "has no [index]");
    test_read_fails("axe",
                    HEAD "[99999999999999999999]    100.0    1.0    2.0    main    [1]\n" BLANK
                         "Index  Function\n",
                    3, "index out of range");
    test_read_fails("axe",
                    HEAD
                    "[1]    100.0    1.0    2.0    main    [1]\n"
                    "                         1.0    0.0      f    [99999999999999999999]\n" BLANK
                    "Index  Function\n",
                    4, "index out of range");
    test_read_fails("axe",
                    HEAD
                    "[1]    100.0    1.0    2.0    main <cycle 99999999999999999999>    [1]\n" BLANK
                    "Index  Function\n",
                    3, "cycle number out of range");
    static const char nul[] = HEAD "[1]\0\n";
    test_buf_fails("axe", "test", nul, sizeof(nul) - 1, DIAG_LINE, 3, NULL);
}

static void test_truncations(void **state)
{
    (void)state;
    test_read_cuts("axe", FIX "solver.axe", 5);
}

static void test_usage(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b"}, *const texts[] = {"x", "y"};
    struct profile *p;
    struct diag d;
    assert_int_equal(test_read_strs("axe", names, texts, 2, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("axe", FIX "solver.axe"), 95);
    assert_int_equal(test_sniff_str("axe", HEAD), 95);
    assert_int_equal(test_sniff_str("axe", "Index  % CPU Time:Total"), 95); /* cut mid-line */
    /* Another metric in the columns: the dashes line still tells. */
    assert_int_equal(test_sniff_str("axe", "Index  % Clockticks  Self  Children  Name  Index\r\n"
                                           "-----  ------------  ----  --------  ----  -----\r\n"),
                     60);
    /* Other formats, gprof included. */
    assert_int_equal(test_sniff_file("axe", "tests/fixtures/prof/cycle.prof"), 0);
    assert_int_equal(test_sniff_str("axe", "index % time    self  children    called     name\n"),
                     0);
    assert_int_equal(test_sniff_str("axe", "Index by function name\n\n   [4] fact\n"), 0);
    assert_int_equal(test_sniff_str("axe", "# callgrind format\nevents: Ir\n"), 0);
    assert_int_equal(test_sniff_str("axe", "{\"version\": 0}"), 0);
    assert_int_equal(test_sniff_str("axe", ""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),  cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_line_shapes), cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_duplicates),  cmocka_unit_test(test_empty),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_usage),       cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
