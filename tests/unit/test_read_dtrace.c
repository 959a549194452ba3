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

/* Event k of e is present and equals the integer want. */
#define EXPECT_EV(e, k, want)                                                                      \
    do {                                                                                           \
        assert_true(ev_has((e), (k)));                                                             \
        assert_true(ev_get((e), (k)) == (double)(want));                                           \
    } while (0)

static const struct reader *dtrace(void)
{
    return reader_find("dtrace");
}

static const struct prof_func *by_id(const struct profile *p, const char *id)
{
    size_t i = profile_find_str(p, id, strlen(id));
    if (i == SIZE_MAX) {
        print_error("no function with id '%s'\n", id);
        fail();
    }
    return &p->funcs[i];
}

static const struct prof_func *fn(const struct profile *p, const char *name)
{
    return &p->funcs[test_func(p, name)];
}

static struct profile *read_ok(const char *text)
{
    struct profile *p;
    struct diag d;
    enum p2p_status st = test_read_str("dtrace", text, &p, &d);
    if (st != P2P_OK) {
        char buf[600];
        diag_format(&d, buf, sizeof(buf));
        print_error("%s\n", buf);
    }
    assert_int_equal(st, P2P_OK);
    assert_non_null(p);
    return p;
}

static void read_fails(const char *text, uint64_t line)
{
    struct profile *p = (struct profile *)&p;
    struct diag d;
    assert_int_equal(test_read_str("dtrace", text, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_true(d.failed);
    assert_int_equal(d.where, DIAG_LINE);
    assert_int_equal(d.pos, line);
}

static void test_registered(void **state)
{
    (void)state;
    assert_non_null(dtrace());
    assert_true(dtrace()->multi);
}

static void test_fixture(void **state)
{
    (void)state;
    struct profile *p = test_read_file("dtrace", "tests/fixtures/dtrace/c.dtrace");
    assert_int_equal(p->recipe, PROF_RECIPE_STACKS);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 42);
    assert_int_equal(p->n_funcs, 16);
    const struct prof_func *spin = by_id(p, "spin:work");
    assert_string_equal(spin->name, "spin");
    assert_string_equal(spin->module, "work");
    EXPECT_EV(&spin->ev, PEV_SAMPLES, 35);
    EXPECT_EV(&spin->ev, PEV_TOTAL_SAMPLES, 35);
    EXPECT_EV(&fn(p, "walk")->ev, PEV_SAMPLES, 0);
    EXPECT_EV(&fn(p, "walk")->ev, PEV_TOTAL_SAMPLES, 16);
    EXPECT_EV(&test_call(p, "walk", "walk")->ev, PEV_SAMPLES2, 32);
    EXPECT_EV(&test_call(p, "ping", "pong")->ev, PEV_SAMPLES2, 16);
    EXPECT_EV(&test_call(p, "pong", "ping")->ev, PEV_SAMPLES2, 12);
    EXPECT_EV(&test_call(p, "main", "spin")->ev, PEV_SAMPLES2, 11);
    EXPECT_EV(&test_call(p, "__libc_start_call_main", "main")->ev, PEV_SAMPLES2, 36);
    EXPECT_EV(&fn(p, "__libc_start_call_main")->ev, PEV_TOTAL_SAMPLES, 36);
    assert_string_equal(fn(p, "__libc_start_call_main")->module, "libc.so.6");
    EXPECT_EV(&fn(p, "init_cpu_features.constprop.0")->ev, PEV_SAMPLES, 2);
    /* Functions in the order of their first frame. */
    assert_string_equal(p->funcs[0].name, "_dl_relocate_object");
    profile_free(p);
}

/* MODULE runs to the last backtick and is shown as its basename; the id keeps it whole. */
static void test_frames(void **state)
{
    (void)state;
    struct profile *p = read_ok("  /usr/lib/libc.so.1`malloc+0x1c\n"
                                "\ta`b`c+0xA0\n"
                                "  prog`main\n"
                                "  prog`+0x10\n"
                                "  prog`f+0x10 \n"
                                "  3\n");
    EXPECT_EV(&p->ev, PEV_SAMPLES, 3);
    const struct prof_func *m = by_id(p, "malloc:/usr/lib/libc.so.1");
    assert_string_equal(m->name, "malloc");
    assert_string_equal(m->module, "libc.so.1");
    EXPECT_EV(&m->ev, PEV_SAMPLES, 3);
    const struct prof_func *c = by_id(p, "c:a`b");
    assert_string_equal(c->name, "c");
    assert_string_equal(c->module, "a`b");
    /* No [unknown] substitution: an empty symbol stays empty. */
    assert_string_equal(by_id(p, ":prog")->name, "");
    /* Trailing space: the offset is not at the end, so it stays. */
    assert_string_equal(by_id(p, "f+0x10 :prog")->name, "f+0x10 ");
    EXPECT_EV(&test_call(p, "c", "malloc")->ev, PEV_SAMPLES2, 3);
    EXPECT_EV(&test_call(p, "main", "c")->ev, PEV_SAMPLES2, 3);
    profile_free(p);
}

/* The CPU heading goes with the line after it, whatever that is; blank lines between and
 * inside stacks do not matter; counts add up; a count without frames is nothing. */
static void test_structure(void **state)
{
    (void)state;
    struct profile *p = read_ok("CPU     ID                    FUNCTION:NAME\n"
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
                                "  1\n");
    assert_int_equal(test_func_maybe(p, "dropped"), SIZE_MAX);
    assert_int_equal(test_func_maybe(p, "skipped"), SIZE_MAX);
    assert_int_equal(p->n_funcs, 3);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 8);
    EXPECT_EV(&fn(p, "leaf")->ev, PEV_SAMPLES, 8);
    EXPECT_EV(&fn(p, "rec")->ev, PEV_SAMPLES, 0);
    EXPECT_EV(&fn(p, "rec")->ev, PEV_TOTAL_SAMPLES, 2);
    EXPECT_EV(&fn(p, "main")->ev, PEV_TOTAL_SAMPLES, 8);
    EXPECT_EV(&test_call(p, "rec", "rec")->ev, PEV_SAMPLES2, 2);
    EXPECT_EV(&test_call(p, "main", "leaf")->ev, PEV_SAMPLES2, 6);
    EXPECT_EV(&test_call(p, "main", "rec")->ev, PEV_SAMPLES2, 2);
    profile_free(p);

    p = read_ok("");
    assert_int_equal(p->n_funcs, 0);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
    p = read_ok("CPU     ID                    FUNCTION:NAME\n  1  2  :tick-60s\n\n\n");
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    read_fails("  m`f\n  m`g\n", 2);                 /* no count at the end */
    read_fails("  m`f\n  0x7fff5fbff8a0\n  1\n", 2); /* address-only frame */
    read_fails("  m`f\nm`g\n  1\n", 2);              /* frames are indented */
    read_fails("  m`f\n  1.5\n", 2);
    read_fails("  m`f\n  99999999999999999999\n", 2); /* count overflows */
    read_fails("  m`f\n  12 \x01\n", 2);
    read_fails("\n\n  m`f\n  1\n  m`g", 5); /* truncated */
}

static void test_multi(void **state)
{
    (void)state;
    const char *a = "  m`f\n  m`g\n  2\n", *b = "  m`f\n  3\n";
    struct input *in[2] = {input_new_buffer("a.d", a, strlen(a)),
                           input_new_buffer("b.d", b, strlen(b))};
    struct diag d;
    diag_init(&d);
    struct profile *p = NULL;
    assert_int_equal(dtrace()->read(in, 2, NULL, &p, &d), P2P_OK);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 5);
    EXPECT_EV(&fn(p, "f")->ev, PEV_SAMPLES, 5);
    EXPECT_EV(&fn(p, "g")->ev, PEV_TOTAL_SAMPLES, 2);
    profile_free(p);
    input_free(in[1]);
    in[1] = input_new_buffer("b.d", "  m`f\n", 6);
    p = (struct profile *)&p;
    assert_int_equal(dtrace()->read(in, 2, NULL, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_string_equal(d.file, "b.d");
    input_free(in[0]);
    input_free(in[1]);
}

static int sniff_str(const char *s)
{
    return dtrace()->sniff((const unsigned char *)s, strlen(s));
}

static int sniff_file(const char *rel)
{
    char *path = test_path(rel);
    size_t n;
    char *s = test_slurp(path, &n);
    int score = dtrace()->sniff((const unsigned char *)s, n < 65536 ? n : 65536);
    free(path);
    free(s);
    return score;
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(sniff_file("tests/fixtures/dtrace/c.dtrace"), 95);
    assert_int_equal(sniff_str("  m`f+0x1\n  m`g+0x2\n  1\n\n  m`f\n  2\n"), 85);
    assert_int_equal(sniff_file("tests/fixtures/perf/c.perf"), 0);
    assert_int_equal(sniff_file("tests/fixtures/perf/cxx.perf"), 0);
    assert_int_equal(sniff_file("tests/fixtures/collapse/perf.collapse"), 0);
    assert_int_equal(sniff_file("tests/fixtures/collapse/pyspy.collapse"), 0);
    assert_int_equal(sniff_str(""), 0);
    assert_int_equal(sniff_str("events: Ir\nfn=main\n16 3\n"), 0);
    assert_int_equal(sniff_str("1\n2\n3\n"), 0);
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
