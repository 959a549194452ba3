/* Label text: strip, wrap (Python textwrap semantics), truncation, numbers, time formats.
 * Expected strings for strip and wrap were produced by Python's own re and textwrap modules
 * (gprof2dot's implementation), not by prof2png. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_int.h"
#include "testutil.h"

static void check_strip(const char *in, const char *want)
{
    char *s = label_strip(in);
    assert_string_equal(s, want);
    free(s);
}

static void test_strip(void **state)
{
    (void)state;
    check_strip("ns::Foo<int>::bar(std::vector<int> const&) const", "ns::Foo::bar");
    check_strip("operator()", "operator");
    check_strip("f((a)(b)c)d", "fd");
    check_strip("g(a(b)", "g(a");
    check_strip("h)x(y)", "h)x");
    check_strip("T<a<b>>::m<c>() const", "T::m");
    check_strip("x  const", "x");
    check_strip("kconst", "kconst");
    check_strip("std::map<K, V>::operator<(int)", "std::map::operator<");
    check_strip("(below main)", "");
}

static void check_wrap(const char *in, const char *want)
{
    char *s = label_wrap(in);
    assert_string_equal(s, want);
    free(s);
}

static void test_wrap_textwrap(void **state)
{
    (void)state;
    check_wrap("std::vector<int, std::allocator<int> >::push_back(int const&)",
               "std::vector<int,\nstd::allocator<int>\n>::push_back(int const&)");
    check_wrap("a-very-long-hyphenated-function-name-that-goes-on-and-on",
               "a-very-long-hyphenated-function-\nname-that-goes-on-and-on");
    check_wrap("foo--bar baz qux quux corge grault garply waldo fred plugh",
               "foo--bar baz qux quux corge\ngrault garply waldo fred plugh");
    check_wrap("  leading spaces in a name that is long enough to wrap",
               "  leading spaces in a name that\nis long enough to wrap");
    check_wrap("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx tail",
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ntail");
    check_wrap("one two three four five six seven eight nine ten eleven",
               "one two three four five six\nseven eight nine ten eleven");
    check_wrap("tab\there and\ttabs in a long long long name okay",
               "tab     here and        tabs in\na long long long name okay");
    check_wrap("well-known-x_y-z 12-34 ab-cd-ef--gh-ij !--x 'a--b' long enough text here",
               "well-known-x_y-z 12-34 ab-cd-ef\n--gh-ij !--x 'a--b' long enough\ntext here");
    check_wrap("void ns::Klass<std::map<int, int>, std::less<int> >::method(a, b, c, d)",
               "void ns::Klass<std::map<int,\nint>, std::less<int>\n>::method(a, b, c, d)");
}

static void test_display_name(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    /* -w: wrapped, then ", " -> "," and "> >" -> ">>" (spec 6.2). */
    char *s = label_display_name("std::vector<int, std::allocator<int> >::push_back(int const&)",
                                 false, true, true, &d);
    assert_string_equal(s, "std::vector<int,\nstd::allocator<int>\n>::push_back(int const&)");
    free(s);
    s = label_display_name("a<b<c> >, d", false, true, true, &d);
    assert_string_equal(s, "a<b<c>>,d");
    free(s);
    /* without -w nothing is replaced */
    s = label_display_name("a<b<c> >, d", false, true, false, &d);
    assert_string_equal(s, "a<b<c> >, d");
    free(s);
    /* -s and -w together */
    s = label_display_name("ns::f(int, int) const", true, true, true, &d);
    assert_string_equal(s, "ns::f");
    free(s);
}

static void test_truncate(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    char *name = xmalloc(5001);
    memset(name, 'a', 5000);
    name[5000] = '\0';
    char *s = label_display_name(name, false, true, false, &d);
    /* 4095 characters and U+2026 */
    assert_int_equal(strlen(s), 4095 + 3);
    assert_memory_equal(s + 4095, "\xe2\x80\xa6", 3);
    assert_int_equal(d.warnings, 1);
    free(s);
    /* 4095 characters are kept as they are */
    name[4095] = '\0';
    s = label_display_name(name, false, true, false, &d);
    assert_string_equal(s, name);
    assert_int_equal(d.warnings, 1);
    free(s);
    /* code points, not bytes: 4095 two-byte characters are not truncated */
    char *wide = xmalloc(4095 * 2 + 1);
    for (int i = 0; i < 4095; i++)
        memcpy(wide + 2 * i, "\xc3\xa9", 2);
    wide[4095 * 2] = '\0';
    s = label_display_name(wide, false, true, false, &d);
    assert_string_equal(s, wide);
    free(s);
    free(wide);
    free(name);
}

static void test_numbers(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    label_u(&b, 12.7);
    strbuf_adds(&b, "|");
    label_u(&b, -0.5);
    strbuf_adds(&b, "|");
    label_u(&b, 1e20);
    strbuf_adds(&b, "|");
    label_pct(&b, 0.9996022);
    strbuf_adds(&b, "|");
    label_pct(&b, 3.0);
    assert_string_equal(b.s, "12|0|100000000000000000000|99.96%|300.00%");
    strbuf_reset(&b);
    label_event(&b, PEV_TIME_RATIO, 0.0020155, "%.7g");
    strbuf_adds(&b, "|");
    label_event(&b, PEV_CALLS, 7553, "%.7g");
    strbuf_adds(&b, "|");
    label_event(&b, PEV_TIME, 0.026445611, "%.7g");
    strbuf_adds(&b, "|");
    label_event(&b, PEV_TOTAL_TIME, 13.115600573, "%.3f");
    strbuf_adds(&b, "|");
    label_event(&b, PEV_TOTAL_TIME, 13.9, "%d s");
    assert_string_equal(b.s, "(0.20%)|7553\xc3\x97|(0.02644561)|13.116|13 s");
    strbuf_fini(&b);
}

static void test_time_format_validation(void **state)
{
    (void)state;
    assert_true(graph_time_format_ok("%.7g"));
    assert_true(graph_time_format_ok("%.3f s"));
    assert_true(graph_time_format_ok("%-10.2e%%"));
    assert_true(graph_time_format_ok("%d"));
    assert_false(graph_time_format_ok("%s"));
    assert_false(graph_time_format_ok("%n"));
    assert_false(graph_time_format_ok("%f %f"));
    assert_false(graph_time_format_ok("none"));
    assert_false(graph_time_format_ok("%"));
    assert_false(graph_time_format_ok("%*d"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strip),          cmocka_unit_test(test_wrap_textwrap),
        cmocka_unit_test(test_display_name),   cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_numbers),        cmocka_unit_test(test_time_format_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
