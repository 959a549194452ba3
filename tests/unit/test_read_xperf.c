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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "testutil.h"

static void assert_ev(const struct prof_events *e, enum prof_event k, double v)
{
    assert_true(ev_has(e, k));
    if (fabs(ev_get(e, k) - v) > 1e-6) {
        print_error("event %d is %.17g, expected %.17g\n", (int)k, ev_get(e, k), v);
        fail();
    }
}

/* The function keyed PROCESS!MODULE!NAME. */
static const struct prof_func *fn(const struct profile *p, const char *key)
{
    size_t i = profile_find_str(p, key, strlen(key));
    if (i == SIZE_MAX) {
        print_error("no function %s\n", key);
        fail();
    }
    return &p->funcs[i];
}

static const struct prof_call *call(const struct profile *p, const char *from, const char *to)
{
    const struct prof_call *c = profile_find_call(p, profile_find_str(p, from, strlen(from)),
                                                  profile_find_str(p, to, strlen(to)));
    if (!c) {
        print_error("no call %s -> %s\n", from, to);
        fail();
    }
    return c;
}

static void expect_error(const char *text, uint64_t line, const char *needle)
{
    struct profile *p = (struct profile *)1;
    struct diag d;
    enum p2p_status st = test_read_str("xperf", text, &p, &d);
    if (st != P2P_ERR_PARSE || !strstr(d.msg, needle) || d.pos != line) {
        print_error("input %s\n gave status %d, line %llu, message '%s'; expected line %llu "
                    "and '%s'\n",
                    text, (int)st, (unsigned long long)d.pos, d.msg, (unsigned long long)line,
                    needle);
        fail();
    }
    assert_null(p);
    assert_string_equal(d.file, "test");
}

static struct profile *read_ok(const char *text)
{
    struct profile *p = NULL;
    struct diag d;
    enum p2p_status st = test_read_str("xperf", text, &p, &d);
    if (st != P2P_OK) {
        print_error("unexpected error: line %llu: %s\n", (unsigned long long)d.pos, d.msg);
        fail();
    }
    return p;
}

static int sniff_str(const char *s)
{
    return reader_find("xperf")->sniff((const unsigned char *)s, strlen(s));
}

#define HDR "Process Name, Module, Function, Weight, Count, Stack\n"

static void test_sniff(void **state)
{
    (void)state;
    char *path = test_path("tests/fixtures/xperf/app.xperf");
    size_t n;
    char *text = test_slurp(path, &n);
    assert_int_equal(reader_find("xperf")->sniff((const unsigned char *)text, n), 95);
    free(text);
    free(path);
    assert_int_equal(sniff_str(HDR), 95);
    assert_int_equal(sniff_str("Process Name, Module, Function, Weight\n"), 60);
    assert_int_equal(sniff_str("Process Name Module Function Weight Count Stack\n"), 0);
    assert_int_equal(sniff_str("version: 1\ncreator: callgrind\n"), 0);
    assert_int_equal(sniff_str("main;foo 3\n"), 0);
    assert_int_equal(sniff_str("{\"version\": 0}"), 0);
    assert_int_equal(sniff_str(""), 0);
}

static void test_fixture(void **state)
{
    (void)state;
    struct profile *p = test_read_file("xperf", "tests/fixtures/xperf/app.xperf");
    assert_int_equal(p->recipe, PROF_RECIPE_SAMPLES);
    assert_false(p->int_ids);
    const struct prof_func *f = fn(p, "app.exe!app.exe!lex");
    assert_string_equal(f->name, "lex");
    assert_string_equal(f->module, "app.exe");
    assert_string_equal(f->process, "app.exe");
    assert_false(f->has_called);
    assert_ev(&f->ev, PEV_SAMPLES, 11.011460);
    assert_ev(&fn(p, "app.exe!app.exe!eval")->ev, PEV_SAMPLES, 9.006826);
    assert_ev(&fn(p, "app.exe!app.exe!parse")->ev, PEV_SAMPLES, 9.008721);
    assert_ev(&fn(p, "app.exe!ntdll.dll!RtlAllocateHeap")->ev, PEV_SAMPLES, 8.006869);
    assert_ev(&fn(p, "app.exe!ucrtbase.dll!malloc")->ev, PEV_SAMPLES, 14.008702);
    f = fn(p, "tool.exe!ucrtbase.dll!malloc");
    assert_string_equal(f->process, "tool.exe");
    assert_string_equal(f->module, "ucrtbase.dll");
    assert_ev(&f->ev, PEV_SAMPLES, 18.018070);
    assert_ev(&fn(p, "app.exe!app.exe!main")->ev, PEV_SAMPLES, 0);
    assert_ev(&p->ev, PEV_SAMPLES, 69.060648);
    /* Idle rows are skipped entirely. */
    assert_int_equal(profile_find_str(p, "Idle!ntoskrnl.exe!KiIdleLoop", 28), SIZE_MAX);
    for (size_t i = 0; i < p->n_funcs; i++)
        assert_string_not_equal(p->funcs[i].process, "Idle");
    /* 8 app.exe + 4 tool.exe functions (the two start frames, main, malloc). */
    assert_int_equal(p->n_funcs, 12);

    assert_ev(
        &call(p, "app.exe!ntdll.dll!RtlUserThreadStart", "app.exe!kernel32.dll!BaseThreadInitThunk")
             ->ev,
        PEV_SAMPLES2, 42);
    assert_ev(&call(p, "app.exe!kernel32.dll!BaseThreadInitThunk", "app.exe!app.exe!main")->ev,
              PEV_SAMPLES2, 42);
    assert_ev(&call(p, "app.exe!app.exe!main", "app.exe!app.exe!parse")->ev, PEV_SAMPLES2, 20);
    assert_ev(&call(p, "app.exe!app.exe!parse", "app.exe!app.exe!lex")->ev, PEV_SAMPLES2, 11);
    assert_ev(&call(p, "app.exe!app.exe!main", "app.exe!app.exe!eval")->ev, PEV_SAMPLES2, 22);
    assert_ev(&call(p, "app.exe!app.exe!eval", "app.exe!ucrtbase.dll!malloc")->ev, PEV_SAMPLES2,
              14);
    /* Appended because the walked stack ends at eval. */
    assert_ev(&call(p, "app.exe!app.exe!eval", "app.exe!ntdll.dll!RtlAllocateHeap")->ev,
              PEV_SAMPLES2, 8);
    assert_ev(&call(p, "tool.exe!tool.exe!main", "tool.exe!ucrtbase.dll!malloc")->ev, PEV_SAMPLES2,
              18);
    size_t n_calls = 0;
    for (size_t i = 0; i < p->n_funcs; i++)
        n_calls += p->funcs[i].n_calls;
    assert_int_equal(n_calls, 10);
    profile_free(p);
}

/* Python number rules for Weight and Count; text is kept as is; insertion order is the
 * row's symbol first, then the stack root first. */
static void test_rows(void **state)
{
    (void)state;
    struct profile *p = read_ok("Stack, Process Name,Module,  Function, Weight, Count, Extra\n"
                                "[Root]/m!a/m!b, p, m, b, 1_000, 2 , x\n"
                                "[Root]/m!a, p, m, b, 1e-3, 0.5, y, more, fields\n"
                                "?, p, m, c, .5, 4, z\n"
                                "[Root], p, m!x, c!d, 2., 1\t, z\n"
                                "[Root]/m!a/m!a, p, m, a, 1, 1, z\n");
    assert_string_equal(p->funcs[0].str_id, "p!m!b");
    assert_string_equal(p->funcs[1].str_id, "p!m!a");
    assert_ev(&fn(p, "p!m!b")->ev, PEV_SAMPLES, 2000 + 0.0005);
    assert_ev(&fn(p, "p!m!a")->ev, PEV_SAMPLES, 1);
    assert_ev(&fn(p, "p!m!c")->ev, PEV_SAMPLES, 2);
    assert_ev(&call(p, "p!m!a", "p!m!b")->ev, PEV_SAMPLES2, 2.5);
    assert_ev(&call(p, "p!m!a", "p!m!a")->ev, PEV_SAMPLES2, 1);
    /* "m!x" + "!" + "c!d": module is before the first '!'. */
    const struct prof_func *f = fn(p, "p!m!x!c!d");
    assert_string_equal(f->module, "m");
    assert_string_equal(f->name, "x!c!d");
    assert_ev(&f->ev, PEV_SAMPLES, 2);
    assert_ev(&p->ev, PEV_SAMPLES, 2000.0005 + 2 + 2 + 1);
    profile_free(p);
}

/* Trailing spaces are kept in text; Idle needs an exact match; Idle rows are not checked
 * beyond the name columns. */
static void test_text_and_idle(void **state)
{
    (void)state;
    struct profile *p = read_ok(HDR "Idle, m, f, abc, def, ghi\n"
                                    "Idle , m, f, 1, 1, ?\n"
                                    " p, m , f, 1, 1, ?\r\n");
    assert_int_equal(p->n_funcs, 2);
    assert_string_equal(fn(p, "Idle !m!f")->process, "Idle ");
    assert_string_equal(fn(p, "p!m !f")->module, "m ");
    profile_free(p);
    /* Only a header: no rows, no checks, an empty profile. */
    p = read_ok("A, B\n");
    assert_int_equal(p->n_funcs, 0);
    assert_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
    p = read_ok("");
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("A, B, A\n", 1, "column \"A\" appears twice");
    expect_error(HDR "p, m, f, 1, 1, ?\n\n", 3, "blank line");
    expect_error(HDR "p, m, f, 1, 1\n", 2, "5 fields, but the header has 6 columns");
    expect_error("Process Name, Module, Function, Weight, Stack\np, m, f, 1, ?\n", 2,
                 "no \"Count\" column");
    expect_error(HDR "p, 12, f, 1, 1, ?\n", 2, "expected text in column \"Module\"");
    expect_error(HDR "Idle, m, 1_0, 1, 1, ?\n", 2, "expected text in column \"Function\"");
    expect_error(HDR "nan, m, f, 1, 1, ?\n", 2, "expected text in column \"Process Name\"");
    expect_error(HDR "p, m, f, abc, 1, ?\n", 2, "expected a number in column \"Weight\"");
    expect_error(HDR "p, m, f, 1, 1__0, ?\n", 2, "expected a number in column \"Count\"");
    expect_error(HDR "p, m, f, 1, _1, ?\n", 2, "expected a number in column \"Count\"");
    expect_error(HDR "p, m, f, 1, 1e, ?\n", 2, "expected a number in column \"Count\"");
    expect_error(HDR "p, m, f, 1, ., ?\n", 2, "expected a number in column \"Count\"");
    expect_error(HDR "p, m, f, inf, 1, ?\n", 2, "non-finite number \"inf\"");
    expect_error(HDR "p, m, f, 1, -NaN, ?\n", 2, "non-finite number");
    expect_error(HDR "p, m, f, 1e400, 1, ?\n", 2, "non-finite number");
    expect_error(HDR "p, m, f, 1e300, 1e300, ?\n", 2, "Weight times Count is not finite");
    expect_error(HDR "p, m, f, 1, 1, 42\n", 2, "expected text in column \"Stack\"");
    expect_error(HDR "p, m, f, 1, 1, \n", 2, "start with \"[Root]/\"");
    expect_error(HDR "p, m, f, 1, 1, Root/m!f\n", 2, "start with \"[Root]/\"");
    expect_error(HDR "p, m, f, 1, 1, [Root]x/m!f\n", 2, "start with \"[Root]/\"");
    expect_error(HDR "p, m, f, 1, 1, [Root]/m!a/nobang/m!f\n", 2,
                 "expected MODULE!FUNCTION in the stack, found \"nobang\"");
    expect_error(HDR "p, m, f, 1, 1, [Root]/m!a/\n", 2, "found \"\"");
    static const char nul[] = HDR "p, m, f\0, 1, 1, ?\n";
    struct profile *p;
    struct diag d;
    assert_int_equal(test_read_buf("xperf", "nul", nul, sizeof(nul) - 1, &p, &d), P2P_ERR_PARSE);
    assert_int_equal(d.pos, 2);
}

static void test_usage(void **state)
{
    (void)state;
    struct input *in[2] = {input_new_buffer("a", HDR, strlen(HDR)),
                           input_new_buffer("b", HDR, strlen(HDR))};
    struct profile *p = (struct profile *)1;
    struct diag d;
    diag_init(&d);
    assert_false(reader_find("xperf")->multi);
    assert_int_equal(reader_find("xperf")->read(in, 2, NULL, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
    input_free(in[0]);
    input_free(in[1]);
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
