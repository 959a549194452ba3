/* Unit tests of the hprof reader. HPROF left the JDK in version 9 (only Java 17 is installed
 * here), so the fixtures tests/fixtures/hprof/demo*.hprof are written by hprofgen.py in the
 * documented cpu=samples ASCII shape (see make-fixtures.sh); expected numbers were summed
 * from the files with awk. Edge cases are hand-written inline texts. */
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

static const char head[] = "JAVA PROFILE 1.0.1, created today\n\nheader text\n--------\n\n";

static void test_sniff(void **state)
{
    (void)state;
    char *path = test_path("tests/fixtures/hprof/demo.hprof");
    size_t n;
    char *text = test_slurp(path, &n);
    assert_int_equal(test_sniff_buf("hprof", text, n), 100);
    /* Without the header line: the TRACE and CPU SAMPLES shapes. */
    const char *body = strstr(text, "\nTRACE ");
    assert_non_null(body);
    assert_int_equal(test_sniff_str("hprof", body), 90);
    free(text);
    free(path);
    assert_int_equal(test_sniff_str("hprof", "CPU SAMPLES\n\nTRACE 1:\n\tf(F.java:1)\n"), 50);
    assert_int_equal(test_sniff_str("hprof", "version: 1\ncreator: callgrind-3.19.0\n"), 0);
    assert_int_equal(test_sniff_str("hprof", "{\"version\": 0, \"functions\": []}"), 0);
    assert_int_equal(test_sniff_str("hprof", "main;foo 3\n"), 0);
    assert_int_equal(test_sniff_str("hprof", ""), 0);
}

/* demo.hprof: traces 300001-300006 have 63, 38, 50, 25, 12 and 12 samples; 300007-8 none. */
static void test_fixture(void **state)
{
    (void)state;
    struct profile *p = test_read_file("hprof", "tests/fixtures/hprof/demo.hprof");
    assert_int_equal(p->recipe, PROF_RECIPE_SAMPLES);
    assert_false(p->int_ids);
    static const char *const order[] = {"java.io.FileInputStream.readBytes",
                                        "demo.Parser.nextToken",
                                        "demo.Parser.parse",
                                        "demo.Worker.run",
                                        "demo.Main.main",
                                        "demo.Eval.apply",
                                        "demo.Eval.eval",
                                        "java.util.HashMap.hash",
                                        "java.lang.Thread.sleep"};
    static const double samples[] = {63, 38, 0, 0, 0, 50, 12, 25, 12};
    assert_int_equal(p->n_funcs, 9);
    for (size_t i = 0; i < 9; i++) {
        assert_string_equal(p->funcs[i].name, order[i]);
        assert_string_equal(p->funcs[i].str_id, order[i]);
        assert_null(p->funcs[i].module);
        assert_false(p->funcs[i].has_called);
        test_expect_ev(&p->funcs[i].ev, PEV_SAMPLES, samples[i]);
    }
    test_expect_ev(&p->ev, PEV_SAMPLES, 200);
    static const struct {
        const char *from, *to;
        double n;
    } calls[] = {
        {"demo.Parser.nextToken", "java.io.FileInputStream.readBytes", 63},
        {"demo.Parser.parse", "demo.Parser.nextToken", 101},
        {"demo.Worker.run", "demo.Parser.parse", 101},
        {"demo.Main.main", "demo.Worker.run", 188},
        {"demo.Eval.eval", "demo.Eval.apply", 125},
        {"demo.Eval.apply", "demo.Eval.eval", 50},
        {"demo.Worker.run", "demo.Eval.eval", 87},
        {"demo.Eval.apply", "java.util.HashMap.hash", 25},
        {"demo.Main.main", "java.lang.Thread.sleep", 12},
    };
    assert_int_equal(test_total_calls(p), P2P_ARRAY_LEN(calls));
    for (size_t i = 0; i < P2P_ARRAY_LEN(calls); i++) {
        const struct prof_call *c = test_call(p, calls[i].from, calls[i].to);
        test_expect_ev(&c->ev, PEV_SAMPLES2, calls[i].n);
        /* Created with SAMPLES = 0 and CALLS = 0 (edge labels end in "0x"). */
        test_expect_ev(&c->ev, PEV_SAMPLES, 0);
        test_expect_ev(&c->ev, PEV_CALLS, 0);
    }
    profile_free(p);
}

/* demo-cut.hprof: trace 300002's second frame "(Unknown Source)" has no ':'; more frame
 * lines follow it, so every later trace is lost, with one warning. */
static void test_fixture_cut(void **state)
{
    (void)state;
    char *path = test_path("tests/fixtures/hprof/demo-cut.hprof");
    size_t n;
    char *text = test_slurp(path, &n);
    unsigned w;
    struct profile *p = test_read_buf_ok("hprof", "cut", text, n, NULL, &w);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 5);
    test_expect_ev(&test_fn(p, "java.io.FileInputStream.readBytes")->ev, PEV_SAMPLES, 63);
    test_expect_ev(&test_fn(p, "demo.Parser.nextToken")->ev, PEV_SAMPLES, 38);
    test_expect_ev(&p->ev, PEV_SAMPLES, 101);
    test_expect_ev(&test_call(p, "demo.Parser.parse", "demo.Parser.nextToken")->ev, PEV_SAMPLES2,
                   63);
    test_expect_ev(&test_call(p, "demo.Main.main", "demo.Worker.run")->ev, PEV_SAMPLES2, 63);
    assert_int_equal(test_func_maybe(p, "demo.Eval.eval"), SIZE_MAX);
    profile_free(p);
    free(text);
    free(path);
}

static char *doc(const char *traces, const char *table)
{
    return xasprintf("%sTHREAD START (id = 1)\n%sTHREAD END (id = 1)\nCPU SAMPLES BEGIN (total "
                     "= 9) today\nrank   self  accum   count trace method\n%sCPU SAMPLES END\n",
                     head, traces, table);
}

static void test_frames_and_table_quirks(void **state)
{
    (void)state;
    /* The THREAD START line ends the trace section before it starts: skip to "TRACE ". */
    char *t = doc("TRACE 7:\n"
                  "\tleaf(Leaf.java:Native method)\n"
                  "\tfoo(bar)(X.java:1)\n"       /* METHOD runs to the last '(' */
                  "\ta.b(x:y:12)trailing text\n" /* regex is not anchored */
                  "\ta.b(x:y:12)trailing text\n" /* a self-call */
                  "TRACE 0008:\n"                /* leading zeros */
                  "\tleaf(Leaf.java:3)\n"
                  "\tother(O.java:2)\n"
                  "TRACE 9:\n"            /* count but no frames */
                  "TRACE 7:\n"            /* repeated: keeps 7's place... */
                  "\tleaf(Leaf.java:1)\n" /* ...and takes these frames */
                  "\troot(R.java:1)\n"
                  "TRACE 10:\n" /* no count: not built */
                  "\tunused(U.java:1)\n",
                  "   1 50.00% 50.00%  1_0 7 leaf\n" /* Python int() takes 1_0 */
                  "   2 20.00% 70.00%  99 8 leaf\n"
                  "   3 20.00% 90.00%  +4 8 leaf\n" /* later row for 8 wins */
                  "\t4 \x0b 1%\t1%  5\t  9   x\n"   /* any whitespace separates */
                  "   5 1% 1% 3 -8 leaf\n");        /* negative trace: no match */
    unsigned w;
    struct profile *p = test_read_ok("hprof", t, &w);
    free(t);
    assert_int_equal(w, 0);
    assert_int_equal(p->n_funcs, 3);
    assert_string_equal(p->funcs[0].name, "leaf");
    assert_string_equal(p->funcs[1].name, "root");
    assert_string_equal(p->funcs[2].name, "other");
    test_expect_ev(&test_fn(p, "leaf")->ev, PEV_SAMPLES, 14);
    test_expect_ev(&p->ev, PEV_SAMPLES, 14);
    test_expect_ev(&test_call(p, "root", "leaf")->ev, PEV_SAMPLES2, 10);
    test_expect_ev(&test_call(p, "other", "leaf")->ev, PEV_SAMPLES2, 4);
    assert_null(test_call_maybe(p, "foo(bar)", "leaf"));
    profile_free(p);

    /* The first version of trace 7, alone: greedy METHOD, unanchored regex, self-call. */
    t = doc("TRACE 7:\n\tleaf(Leaf.java:Native method)\n\tfoo(bar)(X.java:1)\n"
            "\ta.b(x:y:12)trailing text\n\ta.b(x:y:12)trailing text\n",
            "   1 100.00% 100.00% 2 7 leaf\n");
    p = test_read_ok("hprof", t, NULL);
    free(t);
    assert_int_equal(p->n_funcs, 3);
    test_expect_ev(&test_call(p, "foo(bar)", "leaf")->ev, PEV_SAMPLES2, 2);
    test_expect_ev(&test_call(p, "a.b", "foo(bar)")->ev, PEV_SAMPLES2, 2);
    test_expect_ev(&test_call(p, "a.b", "a.b")->ev, PEV_SAMPLES2, 2);
    profile_free(p);
}

/* gprof2dot tests `not last`: after a frame with an empty method name the next frame is
 * taken as a deepest frame again and gets the samples. */
static void test_empty_method_name(void **state)
{
    (void)state;
    char *t = doc("TRACE 1:\n\t(A.java:1)\n\tcaller(B.java:2)\n\ttop(C.java:3)\n",
                  "   1 100.00% 100.00% 5 1 x\n");
    struct profile *p = test_read_ok("hprof", t, NULL);
    free(t);
    test_expect_ev(&test_fn(p, "")->ev, PEV_SAMPLES, 5);
    test_expect_ev(&test_fn(p, "caller")->ev, PEV_SAMPLES, 5);
    test_expect_ev(&test_fn(p, "top")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 10);
    assert_null(test_call_maybe(p, "caller", ""));
    test_expect_ev(&test_call(p, "top", "caller")->ev, PEV_SAMPLES2, 5);
    profile_free(p);
}

/* A bad frame line that is the last of its trace loses nothing else: no warning. */
static void test_bad_last_frame(void **state)
{
    (void)state;
    char *t = doc("TRACE 1:\n\tf(F.java:1)\n\tg(Native Method)\nTRACE 2:\n\th(H.java:1)\n",
                  "   1 50% 50% 1 1 f\n   2 50% 100% 2 2 h\n");
    unsigned w;
    struct profile *p = test_read_ok("hprof", t, &w);
    free(t);
    assert_int_equal(w, 0);
    assert_int_equal(p->n_funcs, 2);
    test_expect_ev(&test_fn(p, "h")->ev, PEV_SAMPLES, 2);
    profile_free(p);
    /* Followed by more frames: traces 2 and 3 are lost, one warning. */
    t = doc("TRACE 1:\n\tf(F.java:1)\n\tg(Native Method)\n\tmain(M.java:1)\n"
            "TRACE 2:\n\th(H.java:1)\nTRACE 3:\n\tk(K.java:1)\n",
            "   1 50% 50% 1 1 f\n   2 50% 100% 2 2 h\n");
    p = test_read_ok("hprof", t, &w);
    free(t);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 1);
    test_expect_ev(&p->ev, PEV_SAMPLES, 1);
    profile_free(p);
}

/* Any other line also ends the trace section: later TRACE records are lost, with a
 * warning. */
static void test_interleaved_thread_line(void **state)
{
    (void)state;
    char *t = doc("TRACE 1:\n\tf(F.java:1)\nTHREAD START (id = 2)\nTRACE 2:\n\th(H.java:1)\n",
                  "   1 50% 50% 1 1 f\n   2 50% 100% 2 2 h\n");
    unsigned w;
    struct profile *p = test_read_ok("hprof", t, &w);
    free(t);
    assert_int_equal(w, 1);
    assert_int_equal(p->n_funcs, 1);
    assert_string_equal(p->funcs[0].name, "f");
    profile_free(p);
}

static void test_crlf_and_empty_table(void **state)
{
    (void)state;
    struct profile *p =
        test_read_ok("hprof",
                     "JAVA PROFILE 1.0.1\r\n--------\r\nTRACE 1:\r\n\tf(F.java:1)\r\n"
                     "CPU SAMPLES BEGIN (total = 0)\r\nrank self\r\nCPU SAMPLES END\r\n",
                     NULL);
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    test_read_fails("hprof", "", 0, "no \"--------\" line");
    test_read_fails("hprof", "JAVA PROFILE 1.0.1\nheader\n", 2, "no \"--------\" line");
    test_read_fails("hprof", "JAVA PROFILE 1.0.1\n--------\nTHREAD START\n", 3, "no TRACE record");
    test_read_fails("hprof", "--------\nTRACE 12\n", 2, "expected \"TRACE <number>:\"");
    test_read_fails("hprof", "--------\nTRACE x:\n", 2, "expected \"TRACE <number>:\"");
    test_read_fails("hprof", "--------\nTRACE 1: \n", 2, "expected \"TRACE <number>:\"");
    test_read_fails("hprof", "--------\nTRACE 99999999999999999999:\n", 2,
                    "trace number out of range");
    test_read_fails("hprof", "--------\nTRACE 1:\n\tf(F.java:1)\nTHREAD END\n", 4,
                    "no \"CPU SAMPLES BEGIN\" line");
    test_read_fails("hprof", "--------\nTRACE 1:\n\tf(F.java:1)\nCPU SAMPLES BEGIN\nrank\n", 5,
                    "unexpected end of input in the CPU samples table");
    test_read_fails("hprof", "--------\nTRACE 1:\n\tf(F.java:1)\nCPU SAMPLES BEGIN\n", 4,
                    "unexpected end of input in the CPU samples table");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% 3 1\n", 5,
                    "expected 6 fields (rank self accum count trace method), found 5");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% 3 1 m extra\n",
                    5, "found more than 6");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n\n", 5, "found 0");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% 3x 1 m\n", 5,
                    "bad sample count \"3x\"");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% _3 1 m\n", 5,
                    "bad sample count");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% 3_ 1 m\n", 5,
                    "bad sample count");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% 3__0 1 m\n", 5,
                    "bad sample count");
    test_read_fails("hprof", "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% 3 0x1 m\n", 5,
                    "bad trace number \"0x1\"");
    test_read_fails("hprof",
                    "--------\nTRACE 1:\nCPU SAMPLES BEGIN\nrank\n 1 1% 1% "
                    "99999999999999999999 1 m\n",
                    5, "bad sample count");
    /* A NUL byte is refused by the line reader. */
    static const char nul[] = "--------\nTRACE 1:\n\tf\0(F.java:1)\n";
    test_buf_fails("hprof", "nul", nul, sizeof(nul) - 1, DIAG_LINE, 3, NULL);
}

static void test_usage(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b"}, *const texts[] = {"x", "x"};
    struct profile *p;
    struct diag d;
    assert_false(test_reader("hprof")->multi);
    assert_int_equal(test_read_strs("hprof", names, texts, 2, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_fixture_cut),
        cmocka_unit_test(test_frames_and_table_quirks),
        cmocka_unit_test(test_empty_method_name),
        cmocka_unit_test(test_bad_last_frame),
        cmocka_unit_test(test_interleaved_thread_line),
        cmocka_unit_test(test_crlf_and_empty_table),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
