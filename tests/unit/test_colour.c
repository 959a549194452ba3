/* Themes: the weight -> colour values and sizes listed in spec section 7 (computed there
 * by hand and checked against gprof2dot). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "graph_int.h"
#include "testutil.h"

static void check(enum graph_theme th, double skew, double w, const char *want)
{
    struct theme t;
    char got[8];
    theme_get(&t, th, skew);
    theme_color(&t, w, got);
    assert_string_equal(got, want);
}

static void test_color_theme(void **state)
{
    (void)state;
    check(GRAPH_THEME_COLOR, 1.0, 1.0, "#ff0000");
    check(GRAPH_THEME_COLOR, 1.0, 0.875, "#ec7803");
    check(GRAPH_THEME_COLOR, 1.0, 0.75, "#dada06");
    check(GRAPH_THEME_COLOR, 1.0, 0.5, "#0ab60a");
    check(GRAPH_THEME_COLOR, 1.0, 0.25, "#0c9393");
    check(GRAPH_THEME_COLOR, 1.0, 0.125, "#0d4883");
    check(GRAPH_THEME_COLOR, 1.0, 0.0, "#0d0d73");
    check(GRAPH_THEME_COLOR, 1.0, 0.9975727, "#ff0300"); /* spec 11.3 */
    /* weights are clamped for colour */
    check(GRAPH_THEME_COLOR, 1.0, 3.0, "#ff0000");
    check(GRAPH_THEME_COLOR, 1.0, -1.0, "#0d0d73");
    /* --skew 0 is ignored */
    check(GRAPH_THEME_COLOR, 0.0, 0.5, "#0ab60a");
}

static void test_other_themes(void **state)
{
    (void)state;
    check(GRAPH_THEME_PINK, 1.0, 0.5, "#ff2222");
    check(GRAPH_THEME_PINK, 1.0, 0.75, "#ff0707");
    check(GRAPH_THEME_GRAY, 1.0, 0.5, "#272727");
    check(GRAPH_THEME_GRAY, 1.0, 0.75, "#080808");
    check(GRAPH_THEME_GRAY, 1.0, 1.0, "#000000");
    check(GRAPH_THEME_BW, 1.0, 0.3, "#000000");
    check(GRAPH_THEME_PRINT, 1.0, 0.9, "#000000");
}

static void test_skew(void **state)
{
    (void)state;
    /* skew s: t = (s^w - 1) / (s - 1); endpoints stay fixed */
    check(GRAPH_THEME_COLOR, 0.5, 0.0, "#0d0d73");
    check(GRAPH_THEME_COLOR, 0.5, 1.0, "#ff0000");
    check(GRAPH_THEME_COLOR, 2.0, 1.0, "#ff0000");
    /* skew 3 at w = 0.5: t = (sqrt(3) - 1) / 2 = 0.3660 -> between the 0.25 and 0.5 colours */
    struct theme t;
    char a[8], b[8];
    theme_get(&t, GRAPH_THEME_COLOR, 3.0);
    theme_color(&t, 0.5, a);
    theme_get(&t, GRAPH_THEME_COLOR, 1.0);
    theme_color(&t, 0.36602540378443865, b);
    assert_string_equal(a, b);
}

static void test_sizes(void **state)
{
    (void)state;
    struct theme t;
    theme_get(&t, GRAPH_THEME_COLOR, 1.0);
    assert_float_equal(theme_fontsize(&t, 0.5), 10.0, 1e-12);
    assert_float_equal(theme_fontsize(&t, 3.0), 90.0, 1e-12); /* not clamped (spec 12.12) */
    assert_float_equal(theme_penwidth(&t, 0.5), 2.0, 1e-12);
    assert_float_equal(theme_penwidth(&t, 0.01), 0.5, 1e-12);
    assert_float_equal(theme_arrowsize(&t, 0.5), 0.70710678118654757, 1e-12);
    theme_get(&t, GRAPH_THEME_BW, 1.0);
    assert_float_equal(theme_fontsize(&t, 0.5), 8.0, 1e-12);
    assert_float_equal(theme_fontsize(&t, 1.0), 24.0, 1e-12);
    assert_float_equal(theme_penwidth(&t, 1.0), 8.0, 1e-12);
    theme_get(&t, GRAPH_THEME_PRINT, 1.0);
    assert_float_equal(theme_fontsize(&t, 0.0), 18.0, 1e-12);
    assert_true(t.fontcolor_black);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_color_theme),
        cmocka_unit_test(test_other_themes),
        cmocka_unit_test(test_skew),
        cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
