/* Unit tests of the xperf reader. xperf/WPA run only on Windows, so the fixture
 * tests/fixtures/xperf/app.xperf is written by xperfgen.py in the export's shape (see
 * make-fixtures.sh); expected numbers were summed from the file with awk. Edge cases are
 * hand-written inline CSV. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "testutil.h"

#define HDR "Process Name, Module, Function, Weight, Count, Stack\n"

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("xperf", "tests/fixtures/xperf/app.xperf"), 95);
    assert_int_equal(test_sniff_str("xperf", HDR), 95);
    assert_int_equal(test_sniff_str("xperf", "Process Name, Module, Function, Weight\n"), 60);
    assert_int_equal(test_sniff_str("xperf", "Process Name Module Function Weight Count Stack\n"),
                     0);
    assert_int_equal(test_sniff_str("xperf", "version: 1\ncreator: callgrind\n"), 0);
    assert_int_equal(test_sniff_str("xperf", "main;foo 3\n"), 0);
    assert_int_equal(test_sniff_str("xperf", "{\"version\": 0}"), 0);
    assert_int_equal(test_sniff_str("xperf", ""), 0);
}

static void test_fixture(void **state)
{
    (void)state;
    struct profile *p = test_read_file("xperf", "tests/fixtures/xperf/app.xperf");
    assert_int_equal(p->recipe, PROF_RECIPE_SAMPLES);
    assert_false(p->int_ids);
    const struct prof_func *f = test_fn_id(p, "app.exe!app.exe!lex");
    assert_string_equal(f->name, "lex");
    assert_string_equal(f->module, "app.exe");
    assert_string_equal(f->process, "app.exe");
    assert_false(f->has_called);
    test_expect_ev_near(&f->ev, PEV_SAMPLES, 11.011460, 1e-6);
    test_expect_ev_near(&test_fn_id(p, "app.exe!app.exe!eval")->ev, PEV_SAMPLES, 9.006826, 1e-6);
    test_expect_ev_near(&test_fn_id(p, "app.exe!app.exe!parse")->ev, PEV_SAMPLES, 9.008721, 1e-6);
    test_expect_ev_near(&test_fn_id(p, "app.exe!ntdll.dll!RtlAllocateHeap")->ev, PEV_SAMPLES,
                        8.006869, 1e-6);
    test_expect_ev_near(&test_fn_id(p, "app.exe!ucrtbase.dll!malloc")->ev, PEV_SAMPLES, 14.008702,
                        1e-6);
    f = test_fn_id(p, "tool.exe!ucrtbase.dll!malloc");
    assert_string_equal(f->process, "tool.exe");
    assert_string_equal(f->module, "ucrtbase.dll");
    test_expect_ev_near(&f->ev, PEV_SAMPLES, 18.018070, 1e-6);
    test_expect_ev_near(&test_fn_id(p, "app.exe!app.exe!main")->ev, PEV_SAMPLES, 0, 1e-6);
    test_expect_ev_near(&p->ev, PEV_SAMPLES, 69.060648, 1e-6);
    /* Idle rows are skipped entirely. */
    assert_int_equal(profile_find_str(p, "Idle!ntoskrnl.exe!KiIdleLoop", 28), SIZE_MAX);
    for (size_t i = 0; i < p->n_funcs; i++)
        assert_string_not_equal(p->funcs[i].process, "Idle");
    /* 8 app.exe + 4 tool.exe functions (the two start frames, main, malloc). */
    assert_int_equal(p->n_funcs, 12);

    test_expect_ev_near(&test_call_id(p, "app.exe!ntdll.dll!RtlUserThreadStart",
                                      "app.exe!kernel32.dll!BaseThreadInitThunk")
                             ->ev,
                        PEV_SAMPLES2, 42, 1e-6);
    test_expect_ev_near(
        &test_call_id(p, "app.exe!kernel32.dll!BaseThreadInitThunk", "app.exe!app.exe!main")->ev,
        PEV_SAMPLES2, 42, 1e-6);
    test_expect_ev_near(&test_call_id(p, "app.exe!app.exe!main", "app.exe!app.exe!parse")->ev,
                        PEV_SAMPLES2, 20, 1e-6);
    test_expect_ev_near(&test_call_id(p, "app.exe!app.exe!parse", "app.exe!app.exe!lex")->ev,
                        PEV_SAMPLES2, 11, 1e-6);
    test_expect_ev_near(&test_call_id(p, "app.exe!app.exe!main", "app.exe!app.exe!eval")->ev,
                        PEV_SAMPLES2, 22, 1e-6);
    test_expect_ev_near(&test_call_id(p, "app.exe!app.exe!eval", "app.exe!ucrtbase.dll!malloc")->ev,
                        PEV_SAMPLES2, 14, 1e-6);
    /* Appended because the walked stack ends at eval. */
    test_expect_ev_near(
        &test_call_id(p, "app.exe!app.exe!eval", "app.exe!ntdll.dll!RtlAllocateHeap")->ev,
        PEV_SAMPLES2, 8, 1e-6);
    test_expect_ev_near(
        &test_call_id(p, "tool.exe!tool.exe!main", "tool.exe!ucrtbase.dll!malloc")->ev,
        PEV_SAMPLES2, 18, 1e-6);
    assert_int_equal(test_total_calls(p), 10);
    profile_free(p);
}

/* Python number rules for Weight and Count; text is kept as is; insertion order is the
 * row's symbol first, then the stack root first. */
static void test_rows(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("xperf",
                                     "Stack, Process Name,Module,  Function, Weight, Count, Extra\n"
                                     "[Root]/m!a/m!b, p, m, b, 1_000, 2 , x\n"
                                     "[Root]/m!a, p, m, b, 1e-3, 0.5, y, more, fields\n"
                                     "?, p, m, c, .5, 4, z\n"
                                     "[Root], p, m!x, c!d, 2., 1\t, z\n"
                                     "[Root]/m!a/m!a, p, m, a, 1, 1, z\n",
                                     NULL);
    assert_string_equal(p->funcs[0].str_id, "p!m!b");
    assert_string_equal(p->funcs[1].str_id, "p!m!a");
    test_expect_ev_near(&test_fn_id(p, "p!m!b")->ev, PEV_SAMPLES, 2000 + 0.0005, 1e-6);
    test_expect_ev_near(&test_fn_id(p, "p!m!a")->ev, PEV_SAMPLES, 1, 1e-6);
    test_expect_ev_near(&test_fn_id(p, "p!m!c")->ev, PEV_SAMPLES, 2, 1e-6);
    test_expect_ev_near(&test_call_id(p, "p!m!a", "p!m!b")->ev, PEV_SAMPLES2, 2.5, 1e-6);
    test_expect_ev_near(&test_call_id(p, "p!m!a", "p!m!a")->ev, PEV_SAMPLES2, 1, 1e-6);
    /* "m!x" + "!" + "c!d": module is before the first '!'. */
    const struct prof_func *f = test_fn_id(p, "p!m!x!c!d");
    assert_string_equal(f->module, "m");
    assert_string_equal(f->name, "x!c!d");
    test_expect_ev_near(&f->ev, PEV_SAMPLES, 2, 1e-6);
    test_expect_ev_near(&p->ev, PEV_SAMPLES, 2000.0005 + 2 + 2 + 1, 1e-6);
    profile_free(p);
}

/* Trailing spaces are kept in text; Idle needs an exact match; Idle rows are not checked
 * beyond the name columns. */
static void test_text_and_idle(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("xperf",
                                     HDR "Idle, m, f, abc, def, ghi\n"
                                         "Idle , m, f, 1, 1, ?\n"
                                         " p, m , f, 1, 1, ?\r\n",
                                     NULL);
    assert_int_equal(p->n_funcs, 2);
    assert_string_equal(test_fn_id(p, "Idle !m!f")->process, "Idle ");
    assert_string_equal(test_fn_id(p, "p!m !f")->module, "m ");
    profile_free(p);
    /* Only a header: no rows, no checks, an empty profile. */
    p = test_read_ok("xperf", "A, B\n", NULL);
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev_near(&p->ev, PEV_SAMPLES, 0, 1e-6);
    profile_free(p);
    p = test_read_ok("xperf", "", NULL);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    test_read_fails("xperf", "A, B, A\n", 1, "column \"A\" appears twice");
    test_read_fails("xperf", "A, B, C, B, A\n", 1, "column \"B\" appears twice"); /* first repeat */
    test_read_fails("xperf", HDR "p, m, f, 1, 1, ?\n\n", 3, "blank line");
    test_read_fails("xperf", HDR "p, m, f, 1, 1\n", 2, "5 fields, but the header has 6 columns");
    test_read_fails("xperf", "Process Name, Module, Function, Weight, Stack\np, m, f, 1, ?\n", 2,
                    "no \"Count\" column");
    test_read_fails("xperf", HDR "p, 12, f, 1, 1, ?\n", 2, "expected text in column \"Module\"");
    test_read_fails("xperf", HDR "Idle, m, 1_0, 1, 1, ?\n", 2,
                    "expected text in column \"Function\"");
    test_read_fails("xperf", HDR "nan, m, f, 1, 1, ?\n", 2,
                    "expected text in column \"Process Name\"");
    test_read_fails("xperf", HDR "p, m, f, abc, 1, ?\n", 2,
                    "expected a number in column \"Weight\"");
    test_read_fails("xperf", HDR "p, m, f, 1, 1__0, ?\n", 2,
                    "expected a number in column \"Count\"");
    test_read_fails("xperf", HDR "p, m, f, 1, _1, ?\n", 2, "expected a number in column \"Count\"");
    test_read_fails("xperf", HDR "p, m, f, 1, 1e, ?\n", 2, "expected a number in column \"Count\"");
    test_read_fails("xperf", HDR "p, m, f, 1, ., ?\n", 2, "expected a number in column \"Count\"");
    test_read_fails("xperf", HDR "p, m, f, inf, 1, ?\n", 2, "non-finite number \"inf\"");
    test_read_fails("xperf", HDR "p, m, f, 1, -NaN, ?\n", 2, "non-finite number");
    test_read_fails("xperf", HDR "p, m, f, 1e400, 1, ?\n", 2, "non-finite number");
    test_read_fails("xperf", HDR "p, m, f, 1e300, 1e300, ?\n", 2,
                    "Weight times Count is not finite");
    test_read_fails("xperf", HDR "p, m, f, 1, 1, 42\n", 2, "expected text in column \"Stack\"");
    test_read_fails("xperf", HDR "p, m, f, 1, 1, \n", 2, "start with \"[Root]/\"");
    test_read_fails("xperf", HDR "p, m, f, 1, 1, Root/m!f\n", 2, "start with \"[Root]/\"");
    test_read_fails("xperf", HDR "p, m, f, 1, 1, [Root]x/m!f\n", 2, "start with \"[Root]/\"");
    test_read_fails("xperf", HDR "p, m, f, 1, 1, [Root]/m!a/nobang/m!f\n", 2,
                    "expected MODULE!FUNCTION in the stack, found \"nobang\"");
    test_read_fails("xperf", HDR "p, m, f, 1, 1, [Root]/m!a/\n", 2, "found \"\"");
    static const char nul[] = HDR "p, m, f\0, 1, 1, ?\n";
    test_buf_fails("xperf", "nul", nul, sizeof(nul) - 1, DIAG_LINE, 2, NULL);
}

static void test_usage(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b"}, *const texts[] = {HDR, HDR};
    struct profile *p;
    struct diag d;
    assert_false(test_reader("xperf")->multi);
    assert_int_equal(test_read_strs("xperf", names, texts, 2, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),  cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_rows),   cmocka_unit_test(test_text_and_idle),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
