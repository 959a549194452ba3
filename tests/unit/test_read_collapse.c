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
#include "stacks.h"
#include "testutil.h"

static void test_registered(void **state)
{
    (void)state;
    assert_non_null(test_reader("collapse"));
    assert_true(test_reader("collapse")->multi);
}

/* stackcollapse-perf shape: plain names, the command as the root frame. */
static void test_fixture_perf(void **state)
{
    (void)state;
    struct profile *p = test_read_file("collapse", "tests/fixtures/collapse/perf.collapse");
    assert_int_equal(p->recipe, PROF_RECIPE_STACKS);
    test_expect_ev(&p->ev, PEV_SAMPLES, 43);
    assert_int_equal(p->n_funcs, 39);
    const struct prof_func *work = test_fn_id(p, "work");
    assert_string_equal(work->name, "work");
    assert_null(work->module);
    test_expect_ev(&work->ev, PEV_SAMPLES, 0);
    test_expect_ev(&work->ev, PEV_TOTAL_SAMPLES, 43);
    test_expect_ev(&test_fn(p, "spin")->ev, PEV_SAMPLES, 35);
    test_expect_ev(&test_fn(p, "walk")->ev, PEV_TOTAL_SAMPLES, 16);
    test_expect_ev(&test_call(p, "walk", "walk")->ev, PEV_SAMPLES2, 32);
    test_expect_ev(&test_call(p, "ping", "pong")->ev, PEV_SAMPLES2, 16);
    test_expect_ev(&test_call(p, "pong", "ping")->ev, PEV_SAMPLES2, 12);
    test_expect_ev(&test_call(p, "work", "__libc_start_call_main")->ev, PEV_SAMPLES2, 36);
    test_expect_ev(&test_fn(p, "[[unknown]]")->ev, PEV_TOTAL_SAMPLES, 4);
    test_expect_ev(&test_call(p, "[[unknown]]", "[[unknown]]")->ev, PEV_SAMPLES2, 1);
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
    test_expect_ev(&p->ev, PEV_SAMPLES, 177);
    assert_int_equal(p->n_funcs, 10);
    const struct prof_func *leaf = test_fn_id(p, "pyspy_like.py:leaf");
    assert_string_equal(leaf->name, "leaf");
    assert_string_equal(leaf->module, "pyspy_like.py");
    test_expect_ev(&leaf->ev, PEV_SAMPLES, 101);
    test_expect_ev(&leaf->ev, PEV_TOTAL_SAMPLES, 101);
    /* recurse appears at lines 30, 32 and 33: one function. */
    const struct prof_func *rec = test_fn_id(p, "pyspy_like.py:recurse");
    test_expect_ev(&rec->ev, PEV_SAMPLES, 5);
    test_expect_ev(&rec->ev, PEV_TOTAL_SAMPLES, 45);
    test_expect_ev(&test_call(p, "recurse", "recurse")->ev, PEV_SAMPLES2, 120);
    test_expect_ev(&test_call(p, "recurse", "leaf")->ev, PEV_SAMPLES2, 40);
    test_expect_ev(&test_call(p, "work", "leaf")->ev, PEV_SAMPLES2, 61);
    test_expect_ev(&test_call(p, "main", "work")->ev, PEV_SAMPLES2, 176);
    test_expect_ev(&test_call(p, "parse", "<listcomp>")->ev, PEV_SAMPLES2, 50);
    test_expect_ev(&test_fn_id(p, "pyspy_like.py:<module>")->ev, PEV_TOTAL_SAMPLES, 177);
    /* Event.wait and Condition.wait share FILE:FUNC, so they merge into a self-call. */
    assert_string_equal(test_fn_id(p, "threading.py:wait")->module, "threading.py");
    test_expect_ev(&test_call(p, "wait", "wait")->ev, PEV_SAMPLES2, 1);
    profile_free(p);
}

static void test_counting(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("collapse",
                                     "a;b;c 5\n"
                                     "a;b 2\r\n"
                                     "a;b;a;b 1\n"
                                     "c -1\n",
                                     NULL);
    test_expect_ev(&p->ev, PEV_SAMPLES, 7);
    assert_int_equal(p->n_funcs, 3);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_TOTAL_SAMPLES, 8);
    test_expect_ev(&test_fn(p, "b")->ev, PEV_SAMPLES, 3);
    test_expect_ev(&test_fn(p, "b")->ev, PEV_TOTAL_SAMPLES, 8);
    /* Python's int() takes a sign, and so does gprof2dot. */
    test_expect_ev(&test_fn(p, "c")->ev, PEV_SAMPLES, 4);
    test_expect_ev(&test_fn(p, "c")->ev, PEV_TOTAL_SAMPLES, 4);
    test_expect_ev(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 9);
    test_expect_ev(&test_call(p, "b", "c")->ev, PEV_SAMPLES2, 5);
    test_expect_ev(&test_call(p, "b", "a")->ev, PEV_SAMPLES2, 1);
    assert_null(test_call_maybe(p, "c", "b"));
    profile_free(p);
}

/* Sorted lines share their first frames; a frame that only starts like the one before
 * ("b" / "bx", "c" / "cd"), or one that moves, is a different frame. */
static void test_repeated_prefixes(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("collapse",
                                     "a;b;c 2\n"
                                     "a;b;cd 3\n"
                                     "a;b 1\n"
                                     "a;bx;c 1\n"
                                     "a;b;c;d 4\n"
                                     "a;b;c 1\n"
                                     "ab;c 1\n",
                                     NULL);
    assert_int_equal(p->n_funcs, 7);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_TOTAL_SAMPLES, 12);
    test_expect_ev(&test_fn(p, "b")->ev, PEV_TOTAL_SAMPLES, 11);
    test_expect_ev(&test_fn(p, "b")->ev, PEV_SAMPLES, 1);
    test_expect_ev(&test_fn(p, "c")->ev, PEV_SAMPLES, 5);
    test_expect_ev(&test_fn(p, "c")->ev, PEV_TOTAL_SAMPLES, 9);
    test_expect_ev(&test_fn(p, "cd")->ev, PEV_SAMPLES, 3);
    test_expect_ev(&test_fn(p, "bx")->ev, PEV_TOTAL_SAMPLES, 1);
    test_expect_ev(&test_fn(p, "d")->ev, PEV_SAMPLES, 4);
    test_expect_ev(&test_fn(p, "ab")->ev, PEV_TOTAL_SAMPLES, 1);
    test_expect_ev(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 11);
    test_expect_ev(&test_call(p, "b", "c")->ev, PEV_SAMPLES2, 7);
    test_expect_ev(&test_call(p, "b", "cd")->ev, PEV_SAMPLES2, 3);
    test_expect_ev(&test_call(p, "a", "bx")->ev, PEV_SAMPLES2, 1);
    test_expect_ev(&test_call(p, "bx", "c")->ev, PEV_SAMPLES2, 1);
    test_expect_ev(&test_call(p, "c", "d")->ev, PEV_SAMPLES2, 4);
    test_expect_ev(&test_call(p, "ab", "c")->ev, PEV_SAMPLES2, 1);
    assert_null(test_call_maybe(p, "a", "c"));
    profile_free(p);
}

/* The count follows the LAST space; frames may hold spaces; only a whole "FUNC (FILE:LINE)"
 * frame is split into name and module. */
static void test_frames(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("collapse",
                                     "my func (f.py:3);g (a:b.py:12);h (x.py:);"
                                     "k (x.py:1a);m\t(x.py:1);n (x.py:7) ;q (:9);r (x.py:2) 4\n"
                                     ";; 2\t\n",
                                     NULL);
    assert_string_equal(test_fn_id(p, "my func (f.py:3)")->name, "my func (f.py:3)");
    assert_null(test_fn_id(p, "my func (f.py:3)")->module);
    const struct prof_func *g = test_fn_id(p, "a:b.py:g");
    assert_string_equal(g->name, "g");
    assert_string_equal(g->module, "a:b.py");
    assert_null(test_fn_id(p, "h (x.py:)")->module);
    assert_null(test_fn_id(p, "k (x.py:1a)")->module);
    assert_null(test_fn_id(p, "m\t(x.py:1)")->module);
    assert_null(test_fn_id(p, "n (x.py:7) ")->module);
    assert_string_equal(test_fn_id(p, ":q")->name, "q");
    assert_string_equal(test_fn_id(p, ":q")->module, "");
    const struct prof_func *r = test_fn_id(p, "x.py:r");
    assert_string_equal(r->module, "x.py");
    test_expect_ev(&r->ev, PEV_SAMPLES, 4);
    /* ";; 2\t": stack ";;", three empty frames, count 2 (int() strips the tab). */
    const struct prof_func *e = test_fn_id(p, "");
    assert_string_equal(e->name, "");
    test_expect_ev(&e->ev, PEV_SAMPLES, 2);
    test_expect_ev(&e->ev, PEV_TOTAL_SAMPLES, 2);
    test_expect_ev(&test_call(p, "", "")->ev, PEV_SAMPLES2, 4);
    test_expect_ev(&p->ev, PEV_SAMPLES, 6);
    profile_free(p);
}

/* gprof2dot dies on a blank line; it holds no stack, so prof2png skips it. */
static void test_blank_and_empty(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("collapse", "\n  \na;b 1\n\n\na 2\n\n", NULL);
    test_expect_ev(&p->ev, PEV_SAMPLES, 3);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_SAMPLES, 2);
    profile_free(p);
    p = test_read_ok("collapse", "", NULL);
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    test_read_fails("collapse", "a;b 1\nnocount\n", 2, NULL);
    test_read_fails("collapse", "a;b x\n", 1, NULL);
    test_read_fails("collapse", "a;b 1.5\n", 1, NULL);
    test_read_fails("collapse", "a;b 5 \n", 1, NULL); /* the last space ends the line */
    test_read_fails("collapse", "a;b\t5\n", 1, NULL); /* a tab is not the separator */
    test_read_fails("collapse", "a 1\na;b 99999999999999999999\n", 2, NULL); /* overflow */
    test_read_fails("collapse", "# comment line\n", 1, NULL); /* no comments in this format */
    test_read_fails("collapse", "a;b 1\na;b", 2, NULL);       /* truncated */
}

static void test_multi(void **state)
{
    (void)state;
    static const char *const names[] = {"a.folded", "b.folded"};
    const char *texts[] = {"a;b 2\n", "a;b 3\na 1\n"};
    struct diag d;
    struct profile *p;
    assert_int_equal(test_read_strs("collapse", names, texts, 2, &p, &d), P2P_OK);
    test_expect_ev(&p->ev, PEV_SAMPLES, 6);
    test_expect_ev(&test_fn(p, "b")->ev, PEV_SAMPLES, 5);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_TOTAL_SAMPLES, 6);
    test_expect_ev(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 5);
    profile_free(p);
    texts[1] = "a;b\n";
    assert_int_equal(test_read_strs("collapse", names, texts, 2, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_string_equal(d.file, "b.folded");
    assert_int_equal(d.pos, 1);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("collapse", "tests/fixtures/collapse/perf.collapse"), 80);
    assert_int_equal(test_sniff_file("collapse", "tests/fixtures/collapse/pyspy.collapse"), 80);
    assert_int_equal(test_sniff_str("collapse", "main 5\nother 3\n"), 30);
    assert_int_equal(test_sniff_str("collapse", "a;b 5\na;b;c 1"), 80); /* unterminated last line */
    assert_int_equal(test_sniff_file("collapse", "tests/fixtures/perf/c.perf"), 0);
    assert_int_equal(test_sniff_file("collapse", "tests/fixtures/perf/cxx.perf"), 0);
    assert_int_equal(test_sniff_file("collapse", "tests/fixtures/dtrace/c.dtrace"), 0);
    assert_int_equal(test_sniff_str("collapse", ""), 0);
    assert_int_equal(test_sniff_str("collapse", "events: Ir\nfn=main\n16 3\n"), 0);
    assert_int_equal(test_sniff_str("collapse", "  m`f\n  1\n"), 0);
}

/* Big inputs are parsed while another thread adds the stacks: the profile must be the same
 * as when adding them inline, and an error half way must stop both cleanly. */
static void test_threaded(void **state)
{
    (void)state;
    static const char *const files[] = {"tests/fixtures/collapse/perf.collapse", "tests/fixtures/collapse/pyspy.collapse"};
    size_t saved = stacks_thread_min;
    for (size_t i = 0; i < 2; i++)
        test_expect_threaded_same("collapse", files[i], NULL, 0);
    /* Many batches, and a frame longer than a batch. */
    struct strbuf b;
    strbuf_init(&b);
    for (int e = 0; e < 30000; e++)
        strbuf_addf(&b, "w;f%d;g%d;h%d (x.c:%d);i %d\n", e / 1000, e / 100, e / 7, e % 3, e % 9 + 1);
    strbuf_add(&b, "w;", 2);
    for (int k = 0; k < (3 << 20) / 8; k++)
        strbuf_add(&b, "longname", 8);
    strbuf_add(&b, " 1\n", 3);
    test_expect_threaded_same("collapse", NULL, b.s, b.len);
    strbuf_fini(&b);
    /* Empty frame names (first, inner, last), which carry no bytes of id: found by fuzzing
     * as arithmetic on a NULL buffer (UBSan) in the inline path. */
    static const char empty[] = ";wo 5\na;;b 2\nc; 1\n;;; 3\n";
    test_expect_threaded_same("collapse", NULL, empty, sizeof(empty) - 1);
    struct profile *p = test_read_buf_ok("collapse", "empty", empty, sizeof(empty) - 1, NULL, NULL);
    test_expect_ev(&p->funcs[test_func(p, "")].ev, PEV_TOTAL_SAMPLES, 11);
    test_expect_ev(&p->funcs[test_func(p, "wo")].ev, PEV_SAMPLES, 5);
    profile_free(p);
    stacks_thread_min = 0; /* the error half way, on the thread */
    test_read_fails("collapse",
                    "a;b 1\na;b;c 2\nno count here\na 1\n",
                    3, NULL);
    stacks_thread_min = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threaded),
        cmocka_unit_test(test_registered),    cmocka_unit_test(test_fixture_perf),
        cmocka_unit_test(test_fixture_pyspy), cmocka_unit_test(test_counting),
        cmocka_unit_test(test_frames),        cmocka_unit_test(test_blank_and_empty),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_multi),
        cmocka_unit_test(test_sniff),         cmocka_unit_test(test_repeated_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
