/* Unit tests of the perf reader. The fixtures in tests/fixtures/perf come from perf 6.1 (see
 * make-fixtures.sh there); the expected numbers were counted from those files with an
 * independent Python script, not taken from the reader. Inline inputs are hand-written for
 * shapes perf does not produce here (empty "()" modules, C++ argument lists, damage). */
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
    const struct reader *r = reader_find("perf");
    assert_non_null(r);
    assert_true(r->multi);
}

/* A C program with self recursion (walk) and mutual recursion (ping <-> pong), recorded
 * with perf script --header: 43 events, 40 functions. */
static void test_fixture_c(void **state)
{
    (void)state;
    struct profile *p = test_read_file("perf", "tests/fixtures/perf/c.perf");
    assert_int_equal(p->recipe, PROF_RECIPE_STACKS);
    assert_false(p->int_ids);
    test_expect_ev(&p->ev, PEV_SAMPLES, 43);
    assert_int_equal(p->n_funcs, 40);

    const struct prof_func *spin = test_fn_id(p, "spin:/tmp/p2p-fixtures/work");
    assert_string_equal(spin->name, "spin");
    assert_string_equal(spin->module, "work");
    test_expect_ev(&spin->ev, PEV_SAMPLES, 35);
    test_expect_ev(&spin->ev, PEV_TOTAL_SAMPLES, 35);
    assert_false(spin->has_called);
    assert_int_equal(spin->n_calls, 0);

    /* walk(3) recurses: three frames per stack, counted once in TOTAL_SAMPLES. */
    const struct prof_func *walk = test_fn(p, "walk");
    test_expect_ev(&walk->ev, PEV_SAMPLES, 0);
    test_expect_ev(&walk->ev, PEV_TOTAL_SAMPLES, 16);
    test_expect_ev(&test_call(p, "walk", "walk")->ev, PEV_SAMPLES2, 32);
    test_expect_ev(&test_call(p, "walk", "spin")->ev, PEV_SAMPLES2, 16);
    test_expect_ev(&test_call(p, "run", "walk")->ev, PEV_SAMPLES2, 16);

    test_expect_ev(&test_fn(p, "ping")->ev, PEV_TOTAL_SAMPLES, 9);
    test_expect_ev(&test_fn(p, "pong")->ev, PEV_SAMPLES, 1);
    test_expect_ev(&test_fn(p, "pong")->ev, PEV_TOTAL_SAMPLES, 7);
    test_expect_ev(&test_call(p, "ping", "pong")->ev, PEV_SAMPLES2, 16);
    test_expect_ev(&test_call(p, "pong", "ping")->ev, PEV_SAMPLES2, 12);
    test_expect_ev(&test_call(p, "main", "run")->ev, PEV_SAMPLES2, 25);
    test_expect_ev(&test_call(p, "__libc_start_call_main", "main")->ev, PEV_SAMPLES2, 36);
    assert_null(test_call_maybe(p, "spin", "main"));
    /* Calls carry only SAMPLES2. */
    assert_int_equal(test_call(p, "main", "run")->ev.has, 1u << PEV_SAMPLES2);

    /* [unknown] symbols are named by their address; the module keeps its brackets. */
    const struct prof_func *zero = test_fn_id(p, "0:[unknown]");
    assert_string_equal(zero->name, "0");
    assert_string_equal(zero->module, "[unknown]");
    test_expect_ev(&zero->ev, PEV_SAMPLES, 0);
    test_expect_ev(&zero->ev, PEV_TOTAL_SAMPLES, 3);
    assert_string_equal(test_fn(p, "do_syscall_64")->module, "[kernel.kallsyms]");
    assert_string_equal(test_fn(p, "dl_main")->module, "ld-linux-x86-64.so.2");

    /* Insertion order: functions in the order their frames appear, leaf first. */
    assert_string_equal(p->funcs[0].name, "load_elf_binary");
    assert_string_equal(p->funcs[1].name, "bprm_execve");
    profile_free(p);
}

/* C++: demangled names with spaces, parentheses, braces and templates. */
static void test_fixture_cxx(void **state)
{
    (void)state;
    struct profile *p = test_read_file("perf", "tests/fixtures/perf/cxx.perf");
    test_expect_ev(&p->ev, PEV_SAMPLES, 58);
    assert_int_equal(p->n_funcs, 44);
    const struct prof_func *add =
        test_fn_id(p, "(anonymous namespace)::Accumulator<long>::add:/tmp/p2p-fixtures/workxx");
    assert_string_equal(add->name, "(anonymous namespace)::Accumulator<long>::add");
    assert_string_equal(add->module, "workxx");
    test_expect_ev(&add->ev, PEV_SAMPLES, 18);
    const char *lambda = "main::{lambda(int)#1}::operator()";
    test_expect_ev(&test_fn(p, lambda)->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_fn(p, lambda)->ev, PEV_TOTAL_SAMPLES, 49);
    test_expect_ev(&test_call(p, lambda, "std::_Rb_tree_increment")->ev, PEV_SAMPLES2, 23);
    test_expect_ev(&test_call(p, lambda, "(anonymous namespace)::count_words")->ev, PEV_SAMPLES2,
                   8);
    test_expect_ev(&test_call(p, "main", lambda)->ev, PEV_SAMPLES2, 49);
    assert_string_equal(test_fn(p, "std::_Rb_tree_increment")->module, "libstdc++.so.6.0.30");
    test_expect_ev(&test_fn(p, "std::_Rb_tree_increment")->ev, PEV_SAMPLES, 23);
    profile_free(p);
}

/* SYMBOL is the longest text before " (MODULE)" at the end of the line. */
static void test_frame_shapes(void **state)
{
    (void)state;
    struct profile *p =
        test_read_ok("perf",
                     "prog 1 2.0: 1 cycles:\n"
                     "\t  4005d0 ns::f(int, char const*) const+0x1f (/opt/lib/libx.so.1)\n"
                     "\t  4005e0 g (x) (/opt/a (deleted))\n"
                     "\t  4005f0 h+0x1f  (/bin/sh)\n"
                     "\t  900000001  ()\n"
                     "    7f00AB [unknown] ([unknown])\n"
                     "\t  10 +0x10 (m)\n"
                     "\t  20 k+0x (m)\n",
                     NULL);
    assert_int_equal(p->n_funcs, 7);
    const struct prof_func *f = test_fn_id(p, "ns::f(int, char const*) const:/opt/lib/libx.so.1");
    assert_string_equal(f->name, "ns::f(int, char const*) const");
    assert_string_equal(f->module, "libx.so.1");
    test_expect_ev(&f->ev, PEV_SAMPLES, 1);
    /* The last whitespace + "(" starts MODULE, even inside the object's name. */
    const struct prof_func *g = test_fn_id(p, "g (x) (/opt/a:deleted)");
    assert_string_equal(g->name, "g (x) (/opt/a");
    assert_string_equal(g->module, "deleted)");
    /* Extra spaces before "(" stay in SYMBOL, so the offset is no longer at its end. */
    assert_string_equal(test_fn_id(p, "h+0x1f :/bin/sh")->name, "h+0x1f ");
    /* No symbol and an empty module: named by the address, an empty module line. */
    const struct prof_func *a = test_fn_id(p, "900000001:");
    assert_string_equal(a->name, "900000001");
    assert_string_equal(a->module, "");
    assert_string_equal(test_fn_id(p, "7f00AB:[unknown]")->name, "7f00AB");
    /* A symbol that is only an offset is empty, hence the address. */
    assert_string_equal(test_fn_id(p, "10:m")->name, "10");
    assert_string_equal(test_fn_id(p, "k+0x:m")->name, "k+0x");
    test_expect_ev(&test_call(p, "g (x) (/opt/a", "ns::f(int, char const*) const")->ev,
                   PEV_SAMPLES2, 1);
    profile_free(p);
}

/* Every event counts once, whatever its period; empty events count nothing; '#' lines are
 * comments anywhere; a function recurring in a stack counts once in TOTAL_SAMPLES. */
static void test_counting(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("perf",
                                     "# comment\n"
                                     "a 1 1.0: 1000000 cycles:\n"
                                     "\t1 leaf (/x/m)\n"
                                     "# inside an event\n"
                                     "\t2 rec (/x/m)\n"
                                     "\t3 rec (/x/m)\n"
                                     "\t4 rec (/x/m)\n"
                                     "\t5 main (/x/m)\n"
                                     "\n"
                                     "a 1 2.0: 1 cycles:\n"
                                     "\n"
                                     "a 1 3.0: 7 cycles:\n"
                                     "\t1 leaf+0x1 (/x/m)\n"
                                     "\t5 main+0x2 (/x/m)\n",
                                     NULL);
    test_expect_ev(&p->ev, PEV_SAMPLES, 2);
    assert_int_equal(p->n_funcs, 3);
    test_expect_ev(&test_fn(p, "leaf")->ev, PEV_SAMPLES, 2);
    test_expect_ev(&test_fn(p, "leaf")->ev, PEV_TOTAL_SAMPLES, 2);
    test_expect_ev(&test_fn(p, "rec")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_fn(p, "rec")->ev, PEV_TOTAL_SAMPLES, 1);
    test_expect_ev(&test_fn(p, "main")->ev, PEV_TOTAL_SAMPLES, 2);
    test_expect_ev(&test_call(p, "rec", "rec")->ev, PEV_SAMPLES2, 2);
    test_expect_ev(&test_call(p, "rec", "leaf")->ev, PEV_SAMPLES2, 1);
    test_expect_ev(&test_call(p, "main", "rec")->ev, PEV_SAMPLES2, 1);
    test_expect_ev(&test_call(p, "main", "leaf")->ev, PEV_SAMPLES2, 1);
    assert_null(test_call_maybe(p, "leaf", "rec"));
    assert_string_equal(test_fn(p, "main")->module, "m");
    assert_int_equal(test_fn(p, "main")->n_calls, 2);
    profile_free(p);
}

/* gprof2dot dies on a second blank line; prof2png skips blank lines between events and
 * reads a whitespace-only header like any other header. */
static void test_blank_lines(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("perf",
                                     "\n\n"
                                     "a 1 1.0: 1 cycles:\r\n"
                                     "\t1 f (m)\r\n"
                                     "\t2 g (m)\r\n"
                                     "\r\n\r\n\r\n"
                                     "   \n"
                                     "\t1 f (m)\n"
                                     "\n\n",
                                     NULL);
    test_expect_ev(&p->ev, PEV_SAMPLES, 2);
    test_expect_ev(&test_fn(p, "f")->ev, PEV_SAMPLES, 2);
    test_expect_ev(&test_call(p, "g", "f")->ev, PEV_SAMPLES2, 1);
    profile_free(p);
}

static void test_empty(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("perf", "", NULL);
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
    p = test_read_ok("perf", "# only a comment\nheader without frames\n", NULL);
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    /* Recorded without -g: the second event's header is read as a frame. */
    test_read_fails("perf",
                    "a 1 1.0: 1 cycles:  4005d0 main+0x1 (/bin/x)\n"
                    "a 1 2.0: 1 cycles:  4005d0 main+0x1 (/bin/x)\n",
                    2, NULL);
    test_read_fails("perf", "h\n\t1 f (m)\n\tgarbage\n", 3, NULL);
    test_read_fails("perf", "h\n\t1 f (m)\n \n\t2 g (m)\n", 3,
                    NULL);                               /* whitespace is not a blank line */
    test_read_fails("perf", "h\n\t1 f (m) \n", 2, NULL); /* ")" must end the line */
    test_read_fails("perf", "h\n1 f (m)\n", 2, NULL);    /* frames are indented */
    test_read_fails("perf", "h\n\t  _f (m)\n", 2, NULL); /* no address */
    test_read_fails("perf", "h\n\t1x f (m)\n", 2, NULL); /* address not hex */
    test_read_fails("perf", "h\n\t1 (m)\n", 2, NULL);    /* no space between SYMBOL and "(" */
    test_read_fails("perf", "h\n\t1 f m)\n", 2, NULL);
    test_read_fails("perf", "h\n\t4005d0 ma", 2, NULL); /* truncated */
    /* A NUL byte is an error of the line reader. */
    test_buf_fails("perf", "test", "h\n\t1 f\0 (m)\n", 12, DIAG_LINE, 2, NULL);
}

/* Several inputs add up in one profile; an error names the input it is in. */
static void test_multi(void **state)
{
    (void)state;
    static const char *const names[] = {"a.perf", "b.perf"};
    const char *texts[] = {"h\n\t1 f (m)\n\t2 g (m)\n",
                           "h\n\t1 f (m)\n\t3 h (m)\n\nh\n\t1 f (m)\n"};
    struct diag d;
    struct profile *p;
    assert_int_equal(test_read_strs("perf", names, texts, 2, &p, &d), P2P_OK);
    test_expect_ev(&p->ev, PEV_SAMPLES, 3);
    test_expect_ev(&test_fn(p, "f")->ev, PEV_SAMPLES, 3);
    test_expect_ev(&test_fn(p, "f")->ev, PEV_TOTAL_SAMPLES, 3);
    test_expect_ev(&test_call(p, "g", "f")->ev, PEV_SAMPLES2, 1);
    test_expect_ev(&test_call(p, "h", "f")->ev, PEV_SAMPLES2, 1);
    profile_free(p);
    texts[1] = "h\n\tzz\n";
    assert_int_equal(test_read_strs("perf", names, texts, 2, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_string_equal(d.file, "b.perf");
    assert_int_equal(d.pos, 2);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("perf", "tests/fixtures/perf/c.perf"), 95);
    assert_int_equal(test_sniff_file("perf", "tests/fixtures/perf/cxx.perf"), 90);
    assert_true(test_sniff_str("perf", "a 1 1.0: 1 cycles:\n\t1 f (m)\n\n") >= 50);
    assert_int_equal(test_sniff_file("perf", "tests/fixtures/dtrace/c.dtrace"), 0);
    assert_int_equal(test_sniff_file("perf", "tests/fixtures/collapse/perf.collapse"), 0);
    assert_int_equal(test_sniff_file("perf", "tests/fixtures/collapse/pyspy.collapse"), 0);
    assert_int_equal(test_sniff_str("perf", ""), 0);
    assert_int_equal(test_sniff_str("perf", "events: Ir\nfn=main\n16 3\n"), 0); /* callgrind */
    assert_int_equal(test_sniff_str("perf", "Flat profile:\n\nEach sample counts as 0.01 s\n"),
                     0); /* gprof */
    assert_int_equal(test_sniff_str("perf", "{\"version\": 0, \"functions\": []}\n"), 0); /* json */
    assert_int_equal(test_sniff_str("perf", "a 1 1.0: 1 cycles:\na 1 2.0: 1 cycles:\n"),
                     0); /* no -g */
}

/* Big inputs are parsed while another thread adds the stacks: the profile must be the same
 * as when adding them inline, and an error half way must stop both cleanly. */
static void test_threaded(void **state)
{
    (void)state;
    static const char *const files[] = {"tests/fixtures/perf/c.perf", "tests/fixtures/perf/cxx.perf"};
    size_t saved = stacks_thread_min;
    for (size_t i = 0; i < 2; i++)
        test_expect_threaded_same("perf", files[i], NULL, 0);
    /* Many batches, and a name longer than a batch. */
    struct strbuf b;
    strbuf_init(&b);
    for (int e = 0; e < 30000; e++) {
        strbuf_addf(&b, "w 1 %d.0: 1 cpu-clock:\n", e);
        for (int k = 0; k < 4; k++)
            strbuf_addf(&b, "\t %x f%d_%d+0x%x (/lib/m%d.so)\n", 4096 + k, (e * 7 + k) % 97, k,
                        e % 5, k % 3);
        strbuf_addc(&b, '\n');
    }
    strbuf_add(&b, "w 1 1.0: 1 cpu-clock:\n\t 1 ", 26);
    for (int k = 0; k < (3 << 20) / 8; k++)
        strbuf_add(&b, "longname", 8);
    strbuf_add(&b, " (/bin/w)\n\n", 11);
    test_expect_threaded_same("perf", NULL, b.s, b.len);
    strbuf_fini(&b);
    stacks_thread_min = 0; /* the error half way, on the thread */
    test_read_fails("perf",
                    "w 1 1.0: 1 cpu-clock:\n\t 1 main+0x1 (/bin/w)\n\n"
                    "w 1 1.0: 1 cpu-clock:\n\t 1 main+0x1 (/bin/w)\n\tjunk\n\n",
                    6, NULL);
    stacks_thread_min = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threaded),
        cmocka_unit_test(test_registered),  cmocka_unit_test(test_fixture_c),
        cmocka_unit_test(test_fixture_cxx), cmocka_unit_test(test_frame_shapes),
        cmocka_unit_test(test_counting),    cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_empty),       cmocka_unit_test(test_errors),
        cmocka_unit_test(test_multi),       cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
