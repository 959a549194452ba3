/* The reader table and format detection: every format's fixtures (made with the real
 * profilers or the generators beside them) are recognised without -f, and no file is
 * claimed by a wrong reader. */
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

static const struct {
    const char *format, *path;
} fixtures[] = {
    {"pstats", "tests/fixtures/pstats/cprofile-2.7.pstats"},
    {"pstats", "tests/fixtures/pstats/cprofile-3.13.pstats"},
    {"pstats", "examples/python/wordfreq-profile.prof"},
    {"callgrind", "tests/fixtures/callgrind/recur.callgrind"},
    {"callgrind", "tests/fixtures/callgrind/recur.cachegrind"},
    {"callgrind", "examples/c/primes.callgrind"},
    {"perf", "tests/fixtures/perf/c.perf"},
    {"perf", "tests/fixtures/perf/cxx.perf"},
    {"collapse", "tests/fixtures/collapse/perf.collapse"},
    {"collapse", "tests/fixtures/collapse/pyspy.collapse"},
    {"dtrace", "tests/fixtures/dtrace/c.dtrace"},
    {"prof", "tests/fixtures/prof/cycle.prof"},
    {"prof", "tests/fixtures/prof/flat.prof"},
    {"axe", "tests/fixtures/axe/solver.axe"},
    {"json", "tests/fixtures/json/linetrace.json"},
    {"hprof", "tests/fixtures/hprof/demo.hprof"},
    {"xperf", "tests/fixtures/xperf/app.xperf"},
    {"sleepy", "tests/fixtures/sleepy/demo.sleepy"},
    {"sysprof", "tests/fixtures/sysprof/demo.sysprof"},
};

static void test_table(void **state)
{
    (void)state;
    static const char *const names[] = {"axe",  "callgrind", "collapse", "dtrace",
                                        "hprof", "json",     "perf",     "prof",
                                        "pstats", "sleepy",  "sysprof",  "xperf"};
    size_t n = 0;
    while (reader_table[n])
        n++;
    assert_int_equal(n, sizeof(names) / sizeof(names[0]));
    for (size_t i = 0; i < n; i++) {
        const struct reader *r = reader_find(names[i]);
        assert_non_null(r);
        assert_string_equal(r->name, names[i]);
        assert_non_null(strstr(reader_names(), names[i]));
        assert_true(strcmp(r->summary, "(not implemented yet)") != 0);
    }
    assert_null(reader_find("gprof"));
    assert_null(reader_find(""));
}

static void test_detect_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        char *path = test_path(fixtures[i].path);
        struct input *in = NULL;
        struct diag d;
        diag_init(&d);
        assert_int_equal(input_open(path, &in, &d), P2P_OK);
        const struct reader *r = reader_sniff(in);
        if (!r || strcmp(r->name, fixtures[i].format) != 0) {
            print_error("%s: detected as %s, expected %s\n", fixtures[i].path,
                        r ? r->name : "nothing", fixtures[i].format);
            fail();
        }
        /* every other reader is less sure */
        int mine = r->sniff(in->data, in->len < READER_SNIFF_BYTES ? in->len
                                                                   : READER_SNIFF_BYTES);
        for (size_t k = 0; reader_table[k]; k++) {
            if (reader_table[k] == r)
                continue;
            int other = reader_table[k]->sniff(
                in->data, in->len < READER_SNIFF_BYTES ? in->len : READER_SNIFF_BYTES);
            if (other >= mine) {
                print_error("%s: %s scores %d, %s %d\n", fixtures[i].path,
                            reader_table[k]->name, other, r->name, mine);
                fail();
            }
        }
        input_free(in);
        free(path);
    }
}

static void test_detect_nothing(void **state)
{
    (void)state;
    static const char *const junk[] = {"", "hello world\n", "\x01\x02\x03\x04",
                                       "<html><body>x</body></html>\n"};
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        struct input *in = input_new_buffer("junk", junk[i], strlen(junk[i]));
        const struct reader *r = reader_sniff(in);
        if (r) {
            print_error("'%s' detected as %s\n", junk[i], r->name);
            fail();
        }
        input_free(in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_detect_fixtures),
        cmocka_unit_test(test_detect_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
