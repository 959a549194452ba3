/* Unit tests of the dtrace reader. There is no dtrace on Linux: tests/fixtures/dtrace/c.dtrace
 * is the aggregated ustack() text that perf2dtrace.py there writes for the stacks of the perf
 * fixture; the expected numbers were counted from it with an independent Python script.
 * Inline inputs are hand-written edge cases. */
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

static void test_registered(void **state)
{
    (void)state;
    assert_non_null(test_reader("dtrace"));
    assert_true(test_reader("dtrace")->multi);
}

static void test_fixture(void **state)
{
    (void)state;
    struct profile *p = test_read_file("dtrace", "tests/fixtures/dtrace/c.dtrace");
    assert_int_equal(p->recipe, PROF_RECIPE_STACKS);
    test_expect_ev(&p->ev, PEV_SAMPLES, 42);
    assert_int_equal(p->n_funcs, 16);
    const struct prof_func *spin = test_fn_id(p, "spin:work");
    assert_string_equal(spin->name, "spin");
    assert_string_equal(spin->module, "work");
    test_expect_ev(&spin->ev, PEV_SAMPLES, 35);
    test_expect_ev(&spin->ev, PEV_TOTAL_SAMPLES, 35);
    test_expect_ev(&test_fn(p, "walk")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_fn(p, "walk")->ev, PEV_TOTAL_SAMPLES, 16);
    test_expect_ev(&test_call(p, "walk", "walk")->ev, PEV_SAMPLES2, 32);
    test_expect_ev(&test_call(p, "ping", "pong")->ev, PEV_SAMPLES2, 16);
    test_expect_ev(&test_call(p, "pong", "ping")->ev, PEV_SAMPLES2, 12);
    test_expect_ev(&test_call(p, "main", "spin")->ev, PEV_SAMPLES2, 11);
    test_expect_ev(&test_call(p, "__libc_start_call_main", "main")->ev, PEV_SAMPLES2, 36);
    test_expect_ev(&test_fn(p, "__libc_start_call_main")->ev, PEV_TOTAL_SAMPLES, 36);
    assert_string_equal(test_fn(p, "__libc_start_call_main")->module, "libc.so.6");
    test_expect_ev(&test_fn(p, "init_cpu_features.constprop.0")->ev, PEV_SAMPLES, 2);
    /* Functions in the order of their first frame. */
    assert_string_equal(p->funcs[0].name, "_dl_relocate_object");
    profile_free(p);
}

/* MODULE runs to the last backtick and is shown as its basename; the id keeps it whole. */
static void test_frames(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("dtrace",
                                     "  /usr/lib/libc.so.1`malloc+0x1c\n"
                                     "\ta`b`c+0xA0\n"
                                     "  prog`main\n"
                                     "  prog`+0x10\n"
                                     "  prog`f+0x10 \n"
                                     "  3\n",
                                     NULL);
    test_expect_ev(&p->ev, PEV_SAMPLES, 3);
    const struct prof_func *m = test_fn_id(p, "malloc:/usr/lib/libc.so.1");
    assert_string_equal(m->name, "malloc");
    assert_string_equal(m->module, "libc.so.1");
    test_expect_ev(&m->ev, PEV_SAMPLES, 3);
    const struct prof_func *c = test_fn_id(p, "c:a`b");
    assert_string_equal(c->name, "c");
    assert_string_equal(c->module, "a`b");
    /* No [unknown] substitution: an empty symbol stays empty. */
    assert_string_equal(test_fn_id(p, ":prog")->name, "");
    /* Trailing space: the offset is not at the end, so it stays. */
    assert_string_equal(test_fn_id(p, "f+0x10 :prog")->name, "f+0x10 ");
    test_expect_ev(&test_call(p, "c", "malloc")->ev, PEV_SAMPLES2, 3);
    test_expect_ev(&test_call(p, "main", "c")->ev, PEV_SAMPLES2, 3);
    profile_free(p);
}

/* The CPU heading goes with the line after it, whatever that is; blank lines between and
 * inside stacks do not matter; counts add up; a count without frames is nothing. */
static void test_structure(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("dtrace",
                                     "CPU     ID                    FUNCTION:NAME\n"
                                     "  m`dropped\n"
                                     "\n"
                                     "  m`leaf+0x1\n"
                                     "\n"
                                     "  m`rec+0x2\n"
                                     "  m`rec+0x3\n"
                                     "  m`main+0x4\n"
                                     "     +2\n"
                                     "   \t \n"
                                     "  m`leaf+0x9\n"
                                     "  m`main+0x4\n"
                                     "  5\n"
                                     "  7\n"
                                     "  CPU  ID\n"
                                     "  m`skipped\n"
                                     "  m`leaf\n"
                                     "  m`main\n"
                                     "  1\n",
                                     NULL);
    assert_int_equal(test_func_maybe(p, "dropped"), SIZE_MAX);
    assert_int_equal(test_func_maybe(p, "skipped"), SIZE_MAX);
    assert_int_equal(p->n_funcs, 3);
    test_expect_ev(&p->ev, PEV_SAMPLES, 8);
    test_expect_ev(&test_fn(p, "leaf")->ev, PEV_SAMPLES, 8);
    test_expect_ev(&test_fn(p, "rec")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_fn(p, "rec")->ev, PEV_TOTAL_SAMPLES, 2);
    test_expect_ev(&test_fn(p, "main")->ev, PEV_TOTAL_SAMPLES, 8);
    test_expect_ev(&test_call(p, "rec", "rec")->ev, PEV_SAMPLES2, 2);
    test_expect_ev(&test_call(p, "main", "leaf")->ev, PEV_SAMPLES2, 6);
    test_expect_ev(&test_call(p, "main", "rec")->ev, PEV_SAMPLES2, 2);
    profile_free(p);

    p = test_read_ok("dtrace", "", NULL);
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
    p = test_read_ok("dtrace",
                     "CPU     ID                    FUNCTION:NAME\n  1  2  :tick-60s\n\n\n", NULL);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    test_read_fails("dtrace", "  m`f\n  m`g\n", 2, NULL);                 /* no count at the end */
    test_read_fails("dtrace", "  m`f\n  0x7fff5fbff8a0\n  1\n", 2, NULL); /* address-only frame */
    test_read_fails("dtrace", "  m`f\nm`g\n  1\n", 2, NULL);              /* frames are indented */
    test_read_fails("dtrace", "  m`f\n  1.5\n", 2, NULL);
    test_read_fails("dtrace", "  m`f\n  99999999999999999999\n", 2, NULL); /* count overflows */
    test_read_fails("dtrace", "  m`f\n  12 \x01\n", 2, NULL);
    test_read_fails("dtrace", "\n\n  m`f\n  1\n  m`g", 5, NULL); /* truncated */
}

static void test_multi(void **state)
{
    (void)state;
    static const char *const names[] = {"a.d", "b.d"};
    const char *texts[] = {"  m`f\n  m`g\n  2\n", "  m`f\n  3\n"};
    struct diag d;
    struct profile *p;
    assert_int_equal(test_read_strs("dtrace", names, texts, 2, &p, &d), P2P_OK);
    test_expect_ev(&p->ev, PEV_SAMPLES, 5);
    test_expect_ev(&test_fn(p, "f")->ev, PEV_SAMPLES, 5);
    test_expect_ev(&test_fn(p, "g")->ev, PEV_TOTAL_SAMPLES, 2);
    profile_free(p);
    texts[1] = "  m`f\n";
    assert_int_equal(test_read_strs("dtrace", names, texts, 2, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_string_equal(d.file, "b.d");
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("dtrace", "tests/fixtures/dtrace/c.dtrace"), 95);
    assert_int_equal(test_sniff_str("dtrace", "  m`f+0x1\n  m`g+0x2\n  1\n\n  m`f\n  2\n"), 85);
    assert_int_equal(test_sniff_file("dtrace", "tests/fixtures/perf/c.perf"), 0);
    assert_int_equal(test_sniff_file("dtrace", "tests/fixtures/perf/cxx.perf"), 0);
    assert_int_equal(test_sniff_file("dtrace", "tests/fixtures/collapse/perf.collapse"), 0);
    assert_int_equal(test_sniff_file("dtrace", "tests/fixtures/collapse/pyspy.collapse"), 0);
    assert_int_equal(test_sniff_str("dtrace", ""), 0);
    assert_int_equal(test_sniff_str("dtrace", "events: Ir\nfn=main\n16 3\n"), 0);
    assert_int_equal(test_sniff_str("dtrace", "1\n2\n3\n"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered), cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_frames),     cmocka_unit_test(test_structure),
        cmocka_unit_test(test_errors),     cmocka_unit_test(test_multi),
        cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
