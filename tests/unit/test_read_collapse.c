/* Unit tests of the collapse reader. tests/fixtures/collapse/perf.collapse folds the perf
 * fixture's stacks as stackcollapse-perf.pl does; pyspy.collapse is py-spy's raw shape written
 * by a Python program sampling itself (see make-fixtures.sh there). The expected numbers were
 * counted with an independent Python script. Inline inputs are hand-written edge cases. */
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

static const struct reader *collapse(void)
{
    return reader_find("collapse");
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
    enum p2p_status st = test_read_str("collapse", text, &p, &d);
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
    assert_int_equal(test_read_str("collapse", text, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_true(d.failed);
    assert_int_equal(d.where, DIAG_LINE);
    assert_int_equal(d.pos, line);
}

static void test_registered(void **state)
{
    (void)state;
    assert_non_null(collapse());
    assert_true(collapse()->multi);
}

/* stackcollapse-perf shape: plain names, the command as the root frame. */
static void test_fixture_perf(void **state)
{
    (void)state;
    struct profile *p = test_read_file("collapse", "tests/fixtures/collapse/perf.collapse");
    assert_int_equal(p->recipe, PROF_RECIPE_STACKS);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 43);
    assert_int_equal(p->n_funcs, 39);
    const struct prof_func *work = by_id(p, "work");
    assert_string_equal(work->name, "work");
    assert_null(work->module);
    EXPECT_EV(&work->ev, PEV_SAMPLES, 0);
    EXPECT_EV(&work->ev, PEV_TOTAL_SAMPLES, 43);
    EXPECT_EV(&fn(p, "spin")->ev, PEV_SAMPLES, 35);
    EXPECT_EV(&fn(p, "walk")->ev, PEV_TOTAL_SAMPLES, 16);
    EXPECT_EV(&test_call(p, "walk", "walk")->ev, PEV_SAMPLES2, 32);
    EXPECT_EV(&test_call(p, "ping", "pong")->ev, PEV_SAMPLES2, 16);
    EXPECT_EV(&test_call(p, "pong", "ping")->ev, PEV_SAMPLES2, 12);
    EXPECT_EV(&test_call(p, "work", "__libc_start_call_main")->ev, PEV_SAMPLES2, 36);
    EXPECT_EV(&fn(p, "[[unknown]]")->ev, PEV_TOTAL_SAMPLES, 4);
    EXPECT_EV(&test_call(p, "[[unknown]]", "[[unknown]]")->ev, PEV_SAMPLES2, 1);
    assert_null(test_call_maybe(p, "spin", "main"));
    /* Root first: the first line's frames create the first functions. */
    assert_string_equal(p->funcs[0].name, "work");
    assert_string_equal(p->funcs[1].name, "[[unknown]]");
    profile_free(p);
}

/* py-spy: "FUNC (FILE:LINE)" frames; the line number is dropped from the id. */
static void test_fixture_pyspy(void **state)
{
    (void)state;
    struct profile *p = test_read_file("collapse", "tests/fixtures/collapse/pyspy.collapse");
    EXPECT_EV(&p->ev, PEV_SAMPLES, 177);
    assert_int_equal(p->n_funcs, 10);
    const struct prof_func *leaf = by_id(p, "pyspy_like.py:leaf");
    assert_string_equal(leaf->name, "leaf");
    assert_string_equal(leaf->module, "pyspy_like.py");
    EXPECT_EV(&leaf->ev, PEV_SAMPLES, 101);
    EXPECT_EV(&leaf->ev, PEV_TOTAL_SAMPLES, 101);
    /* recurse appears at lines 30, 32 and 33: one function. */
    const struct prof_func *rec = by_id(p, "pyspy_like.py:recurse");
    EXPECT_EV(&rec->ev, PEV_SAMPLES, 5);
    EXPECT_EV(&rec->ev, PEV_TOTAL_SAMPLES, 45);
    EXPECT_EV(&test_call(p, "recurse", "recurse")->ev, PEV_SAMPLES2, 120);
    EXPECT_EV(&test_call(p, "recurse", "leaf")->ev, PEV_SAMPLES2, 40);
    EXPECT_EV(&test_call(p, "work", "leaf")->ev, PEV_SAMPLES2, 61);
    EXPECT_EV(&test_call(p, "main", "work")->ev, PEV_SAMPLES2, 176);
    EXPECT_EV(&test_call(p, "parse", "<listcomp>")->ev, PEV_SAMPLES2, 50);
    EXPECT_EV(&by_id(p, "pyspy_like.py:<module>")->ev, PEV_TOTAL_SAMPLES, 177);
    /* Event.wait and Condition.wait share FILE:FUNC, so they merge into a self-call. */
    assert_string_equal(by_id(p, "threading.py:wait")->module, "threading.py");
    EXPECT_EV(&test_call(p, "wait", "wait")->ev, PEV_SAMPLES2, 1);
    profile_free(p);
}

static void test_counting(void **state)
{
    (void)state;
    struct profile *p = read_ok("a;b;c 5\n"
                                "a;b 2\r\n"
                                "a;b;a;b 1\n"
                                "c -1\n");
    EXPECT_EV(&p->ev, PEV_SAMPLES, 7);
    assert_int_equal(p->n_funcs, 3);
    EXPECT_EV(&fn(p, "a")->ev, PEV_SAMPLES, 0);
    EXPECT_EV(&fn(p, "a")->ev, PEV_TOTAL_SAMPLES, 8);
    EXPECT_EV(&fn(p, "b")->ev, PEV_SAMPLES, 3);
    EXPECT_EV(&fn(p, "b")->ev, PEV_TOTAL_SAMPLES, 8);
    /* Python's int() takes a sign, and so does gprof2dot. */
    EXPECT_EV(&fn(p, "c")->ev, PEV_SAMPLES, 4);
    EXPECT_EV(&fn(p, "c")->ev, PEV_TOTAL_SAMPLES, 4);
    EXPECT_EV(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 9);
    EXPECT_EV(&test_call(p, "b", "c")->ev, PEV_SAMPLES2, 5);
    EXPECT_EV(&test_call(p, "b", "a")->ev, PEV_SAMPLES2, 1);
    assert_null(test_call_maybe(p, "c", "b"));
    profile_free(p);
}

/* The count follows the LAST space; frames may hold spaces; only a whole "FUNC (FILE:LINE)"
 * frame is split into name and module. */
static void test_frames(void **state)
{
    (void)state;
    struct profile *p = read_ok("my func (f.py:3);g (a:b.py:12);h (x.py:);"
                                "k (x.py:1a);m\t(x.py:1);n (x.py:7) ;q (:9);r (x.py:2) 4\n"
                                ";; 2\t\n");
    assert_string_equal(by_id(p, "my func (f.py:3)")->name, "my func (f.py:3)");
    assert_null(by_id(p, "my func (f.py:3)")->module);
    const struct prof_func *g = by_id(p, "a:b.py:g");
    assert_string_equal(g->name, "g");
    assert_string_equal(g->module, "a:b.py");
    assert_null(by_id(p, "h (x.py:)")->module);
    assert_null(by_id(p, "k (x.py:1a)")->module);
    assert_null(by_id(p, "m\t(x.py:1)")->module);
    assert_null(by_id(p, "n (x.py:7) ")->module);
    assert_string_equal(by_id(p, ":q")->name, "q");
    assert_string_equal(by_id(p, ":q")->module, "");
    const struct prof_func *r = by_id(p, "x.py:r");
    assert_string_equal(r->module, "x.py");
    EXPECT_EV(&r->ev, PEV_SAMPLES, 4);
    /* ";; 2\t": stack ";;", three empty frames, count 2 (int() strips the tab). */
    const struct prof_func *e = by_id(p, "");
    assert_string_equal(e->name, "");
    EXPECT_EV(&e->ev, PEV_SAMPLES, 2);
    EXPECT_EV(&e->ev, PEV_TOTAL_SAMPLES, 2);
    EXPECT_EV(&test_call(p, "", "")->ev, PEV_SAMPLES2, 4);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 6);
    profile_free(p);
}

/* gprof2dot dies on a blank line; it holds no stack, so prof2png skips it. */
static void test_blank_and_empty(void **state)
{
    (void)state;
    struct profile *p = read_ok("\n  \na;b 1\n\n\na 2\n\n");
    EXPECT_EV(&p->ev, PEV_SAMPLES, 3);
    EXPECT_EV(&fn(p, "a")->ev, PEV_SAMPLES, 2);
    profile_free(p);
    p = read_ok("");
    assert_int_equal(p->n_funcs, 0);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    read_fails("a;b 1\nnocount\n", 2);
    read_fails("a;b x\n", 1);
    read_fails("a;b 1.5\n", 1);
    read_fails("a;b 5 \n", 1);                        /* the last space ends the line */
    read_fails("a;b\t5\n", 1);                        /* a tab is not the separator */
    read_fails("a 1\na;b 99999999999999999999\n", 2); /* overflow */
    read_fails("# comment line\n", 1);                /* no comments in this format */
    read_fails("a;b 1\na;b", 2);                      /* truncated */
}

static void test_multi(void **state)
{
    (void)state;
    const char *a = "a;b 2\n", *b = "a;b 3\na 1\n";
    struct input *in[2] = {input_new_buffer("a.folded", a, strlen(a)),
                           input_new_buffer("b.folded", b, strlen(b))};
    struct diag d;
    diag_init(&d);
    struct profile *p = NULL;
    assert_int_equal(collapse()->read(in, 2, NULL, &p, &d), P2P_OK);
    EXPECT_EV(&p->ev, PEV_SAMPLES, 6);
    EXPECT_EV(&fn(p, "b")->ev, PEV_SAMPLES, 5);
    EXPECT_EV(&fn(p, "a")->ev, PEV_TOTAL_SAMPLES, 6);
    EXPECT_EV(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 5);
    profile_free(p);
    input_free(in[1]);
    in[1] = input_new_buffer("b.folded", "a;b\n", 4);
    p = (struct profile *)&p;
    assert_int_equal(collapse()->read(in, 2, NULL, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_string_equal(d.file, "b.folded");
    assert_int_equal(d.pos, 1);
    input_free(in[0]);
    input_free(in[1]);
}

static int sniff_str(const char *s)
{
    return collapse()->sniff((const unsigned char *)s, strlen(s));
}

static int sniff_file(const char *rel)
{
    char *path = test_path(rel);
    size_t n;
    char *s = test_slurp(path, &n);
    int score = collapse()->sniff((const unsigned char *)s, n < 65536 ? n : 65536);
    free(path);
    free(s);
    return score;
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(sniff_file("tests/fixtures/collapse/perf.collapse"), 80);
    assert_int_equal(sniff_file("tests/fixtures/collapse/pyspy.collapse"), 80);
    assert_int_equal(sniff_str("main 5\nother 3\n"), 30);
    assert_int_equal(sniff_str("a;b 5\na;b;c 1"), 80); /* unterminated last line */
    assert_int_equal(sniff_file("tests/fixtures/perf/c.perf"), 0);
    assert_int_equal(sniff_file("tests/fixtures/perf/cxx.perf"), 0);
    assert_int_equal(sniff_file("tests/fixtures/dtrace/c.dtrace"), 0);
    assert_int_equal(sniff_str(""), 0);
    assert_int_equal(sniff_str("events: Ir\nfn=main\n16 3\n"), 0);
    assert_int_equal(sniff_str("  m`f\n  1\n"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),    cmocka_unit_test(test_fixture_perf),
        cmocka_unit_test(test_fixture_pyspy), cmocka_unit_test(test_counting),
        cmocka_unit_test(test_frames),        cmocka_unit_test(test_blank_and_empty),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_multi),
        cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
