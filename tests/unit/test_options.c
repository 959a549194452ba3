/* Command-line parsing: gprof2dot's option names, short forms, defaults, GNU long-option
 * abbreviations, glued values, and usage errors. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"
#include "testutil.h"

static enum p2p_status parse(struct options *o, struct diag *d, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    diag_init(d);
    return options_parse(argc, argv, o, d);
}

#define ARGV(...) ((char *[]){"prof2png", __VA_ARGS__, NULL})

static void test_defaults(void **state)
{
    (void)state;
    struct options o;
    struct diag d;
    assert_int_equal(parse(&o, &d, ARGV("in.prof")), P2P_OK);
    assert_float_equal(o.graph.node_thres, 0.5, 0);
    assert_float_equal(o.graph.edge_thres, 0.1, 0);
    assert_float_equal(o.graph.skew, 1.0, 0);
    assert_float_equal(o.graph.compare_tolerance, 0.001, 0);
    assert_int_equal(o.graph.depth, -1);
    assert_int_equal(o.graph.theme, GRAPH_THEME_COLOR);
    assert_int_equal(o.graph.total, GRAPH_TOTAL_CALLRATIOS);
    assert_string_equal(o.graph.time_format, "%.7g");
    assert_null(o.format);
    assert_null(o.output);
    assert_int_equal(o.graph.max_nodes, 0); /* no limit */
    assert_false(o.full_layout);
    assert_int_equal(o.n_inputs, 1);
    assert_string_equal(o.inputs[0], "in.prof");
    options_fini(&o);
}

static void test_gprof2dot_forms(void **state)
{
    (void)state;
    struct options o;
    struct diag d;
    /* glued short values, --opt=value, --opt value, options after the input */
    assert_int_equal(parse(&o, &d, ARGV("-n0", "-e", "0.02", "-f", "callgrind", "x.out",
                                        "--skew=0.5", "-c", "print", "-s", "-w", "-o",
                                        "g.png", "--total", "callstacks")),
                     P2P_OK);
    assert_float_equal(o.graph.node_thres, 0, 0);
    assert_float_equal(o.graph.edge_thres, 0.02, 0);
    assert_string_equal(o.format, "callgrind");
    assert_float_equal(o.graph.skew, 0.5, 0);
    assert_int_equal(o.graph.theme, GRAPH_THEME_PRINT);
    assert_true(o.graph.strip && o.graph.wrap);
    assert_string_equal(o.output, "g.png");
    assert_int_equal(o.graph.total, GRAPH_TOTAL_CALLSTACKS);
    assert_int_equal(o.n_inputs, 1);
    options_fini(&o);
    /* unambiguous prefixes of long options, repeated options */
    assert_int_equal(parse(&o, &d, ARGV("--node-t", "1", "--node-label", "self-time",
                                        "--node-label=total-time", "-p", "/a", "--path", "/b",
                                        "--colour-nodes-by-selftime", "--show-samples",
                                        "-z", "main", "-l", "leaf*", "--depth=2",
                                        "--list-functions=+")),
                     P2P_OK);
    assert_float_equal(o.graph.node_thres, 1, 0);
    assert_int_equal(o.graph.n_labels, 2);
    assert_int_equal(o.graph.labels[0], GRAPH_LABEL_SELF_TIME);
    assert_int_equal(o.graph.labels[1], GRAPH_LABEL_TOTAL_TIME);
    assert_int_equal(o.graph.n_paths, 2);
    assert_string_equal(o.graph.paths[1], "/b");
    assert_true(o.graph.color_by_selftime && o.graph.show_samples);
    assert_string_equal(o.graph.root, "main");
    assert_string_equal(o.graph.leaf, "leaf*");
    assert_int_equal(o.graph.depth, 2);
    assert_string_equal(o.graph.list_functions, "+");
    assert_int_equal(o.n_inputs, 0);
    options_fini(&o);
    assert_int_equal(parse(&o, &d, ARGV("--compare", "--compare-tolerance", "0.1",
                                        "--compare-only-slower",
                                        "--compare-color-by-difference", "a", "b")),
                     P2P_OK);
    assert_true(o.compare && o.graph.compare_only_slower &&
                o.graph.compare_color_by_difference);
    assert_float_equal(o.graph.compare_tolerance, 0.1, 0);
    assert_int_equal(o.n_inputs, 2);
    options_fini(&o);
    /* the layout budget (not in gprof2dot) */
    assert_int_equal(parse(&o, &d, ARGV("--max-nodes=300", "--full-layout", "x")), P2P_OK);
    assert_int_equal(o.graph.max_nodes, 300);
    assert_true(o.full_layout);
    options_fini(&o);
    assert_int_equal(parse(&o, &d, ARGV("--max-nodes", "0", "x")), P2P_OK);
    assert_int_equal(o.graph.max_nodes, 0);
    options_fini(&o);
}

static void expect_usage(char **argv, const char *fragment)
{
    struct options o;
    struct diag d;
    assert_int_equal(parse(&o, &d, argv), P2P_ERR_USAGE);
    if (!strstr(d.msg, fragment)) {
        print_error("message '%s' lacks '%s'\n", d.msg, fragment);
        fail();
    }
    options_fini(&o);
}

static void test_usage_errors(void **state)
{
    (void)state;
    expect_usage(ARGV("-f", "nope"), "invalid choice 'nope'");
    expect_usage(ARGV("-c", "rainbow"), "-c/--colormap");
    expect_usage(ARGV("-n", "abc"), "not a number");
    expect_usage(ARGV("-n", "101"), "out of range");
    expect_usage(ARGV("-e", "-1"), "out of range");
    expect_usage(ARGV("--skew", "-1"), "out of range");
    expect_usage(ARGV("--total", "both"), "callratios, callstacks");
    expect_usage(ARGV("--node-label", "calls"), "--node-label");
    expect_usage(ARGV("--time-format", "%s"), "--time-format");
    expect_usage(ARGV("--depth", "x"), "--depth");
    expect_usage(ARGV("--max-nodes", "-1"), "--max-nodes: '-1' is not a number of nodes");
    expect_usage(ARGV("--max-nodes=1e3"), "--max-nodes");
    expect_usage(ARGV("--max-nodes", "10000000000"), "--max-nodes");
    expect_usage(ARGV("--max-nodes"), "requires an argument");
    expect_usage(ARGV("--bogus"), "unrecognized");
    expect_usage(ARGV("--comp"), "ambiguous"); /* --compare or --compare-tolerance ... */
    expect_usage(ARGV("-x"), "invalid option -- 'x'");
    expect_usage(ARGV("-o"), "requires an argument");
    expect_usage(ARGV("--compare-only-slower", "--compare-only-faster"), "exclude");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_gprof2dot_forms),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
