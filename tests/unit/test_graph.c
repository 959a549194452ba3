/* The graph builder against the hand-worked examples of spec/gprof2dot-behaviour.md
 * (sections 11 and 12, each checked there against gprof2dot itself): cycles and the
 * in-cycle heuristic, call ratios, propagation, pruning, selection, labels, compare mode,
 * and deep or strongly connected inputs that must not exhaust the stack. Profiles are built
 * here through profile.h the way the readers build them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph.h"
#include "render.h"
#include "testutil.h"

/* ---------------------------------------------------------------- builders */

/* A json-format profile (spec 9.1): functions 0..n-1, events are chains leaf first. */
static struct profile *json_profile(const char *const *names, size_t n)
{
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, true);
    ev_set(&p->ev, PEV_SAMPLES, 0);
    for (size_t i = 0; i < n; i++) {
        size_t f = profile_func_int(p, (int64_t)i, NULL);
        p->funcs[f].name = profile_intern(p, names[i], strlen(names[i]));
        ev_set(&p->funcs[f].ev, PEV_SAMPLES, 0);
        p->funcs[f].has_called = true;
        p->funcs[f].called = 0;
    }
    return p;
}

static void json_event(struct profile *p, const int *chain, size_t len, double cost)
{
    struct prof_func *leaf = &p->funcs[chain[0]];
    leaf->called += 1;
    ev_add(&leaf->ev, PEV_SAMPLES, cost);
    ev_add(&p->ev, PEV_SAMPLES, cost);
    for (size_t k = 0; k + 1 < len; k++) {
        struct prof_call *c = profile_call(p, (size_t)chain[k + 1], (size_t)chain[k], NULL);
        ev_add(&c->ev, PEV_SAMPLES2, cost);
    }
}

/* A callgrind-like profile with string ids. */
static size_t cg_func(struct profile *p, const char *name, const char *module, double self)
{
    bool created;
    size_t f = profile_func_str(p, name, strlen(name), &created);
    if (created) {
        ev_set(&p->funcs[f].ev, PEV_SAMPLES, 0);
        p->funcs[f].has_called = true;
        p->funcs[f].called = 0;
        p->funcs[f].module = profile_intern(p, module, strlen(module));
    }
    ev_add(&p->funcs[f].ev, PEV_SAMPLES, self);
    ev_add(&p->ev, PEV_SAMPLES, self);
    return f;
}

static void cg_call(struct profile *p, size_t a, size_t b, double count, double incl)
{
    struct prof_call *c = profile_call(p, a, b, NULL);
    ev_add(&c->ev, PEV_CALLS, count);
    ev_add(&c->ev, PEV_SAMPLES2, incl);
    p->funcs[b].called += count;
}

static char *build_dot(const struct profile *p, const struct graph_opts *o)
{
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    struct graph *g = NULL;
    enum p2p_status st = graph_build(p, o, &g, &d);
    if (st != P2P_OK)
        print_error("graph_build: %s\n", d.msg);
    assert_int_equal(st, P2P_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    render_dot(g, f);
    fclose(f);
    graph_free(g);
    return buf;
}

/* graph_build_owned works on the profile's call events in place: the graph must be the
 * same as graph_build's, which must leave the profile as it was (built twice, the same). On
 * fixtures of every recipe, with cycles (recur, cycle.prof) and with -n0 -e0 so that every
 * call's numbers are drawn. */
static void test_build_owned_same(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"callgrind", "tests/fixtures/callgrind/recur.callgrind"},
        {"callgrind", "tests/fixtures/callgrind/threads-1.callgrind"},
        {"perf", "tests/fixtures/perf/cxx.perf"},
        {"collapse", "tests/fixtures/collapse/pyspy.collapse"},
        {"prof", "tests/fixtures/prof/cycle.prof"},
        {"pstats", "tests/fixtures/pstats/cprofile-3.11.pstats"},
        {"axe", "tests/fixtures/axe/solver.axe"},
        {"hprof", "tests/fixtures/hprof/demo.hprof"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct graph_opts o;
        graph_opts_init(&o);
        o.node_thres = 0;
        o.edge_thres = 0;
        struct profile *p = test_read_file(cases[k][0], cases[k][1]);
        char *first = build_dot(p, &o);
        char *again = build_dot(p, &o);
        assert_string_equal(first, again);
        struct diag d;
        diag_init(&d);
        d.quiet = true;
        struct graph *g = NULL;
        assert_int_equal(graph_build_owned(p, &o, &g, &d), P2P_OK);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        render_dot(g, f);
        fclose(f);
        assert_true(strlen(first) > 100);
        assert_string_equal(first, buf);
        graph_free(g);
        profile_free(p);
        free(first);
        free(again);
        free(buf);
    }
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) {
        print_error("expected to find:\n%s\nin:\n%s\n", needle, hay);
        fail();
    }
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle)) {
        print_error("did not expect:\n%s\nin:\n%s\n", needle, hay);
        fail();
    }
}

static const char *const HEADER = "digraph {\n"
                                  "\ttooltip=\" \"\n"
                                  "\tgraph [fontname=Arial, nodesep=0.125, ranksep=0.25];\n"
                                  "\tnode [fontcolor=white, fontname=Arial, height=0, "
                                  "shape=box, style=filled, width=0];\n"
                                  "\tedge [fontname=Arial];\n";

/* ---------------------------------------------------------------- tests */

/* Spec 11.1: the whole output of tests/json/cycle, byte for byte. */
static void test_json_cycle_exact(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b", "c", "d", "e", "f"};
    struct profile *p = json_profile(names, 6);
    json_event(p, (const int[]){5, 2, 1, 0}, 4, 1);
    json_event(p, (const int[]){4, 1, 2, 0}, 4, 1);
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    struct strbuf want;
    strbuf_init(&want);
    strbuf_adds(&want, HEADER);
    strbuf_adds(
        &want,
        "\t0 [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"a\\n100.00%\\n(0.00%)\\n0\xc3\x97\"];\n"
        "\t0 -> 1 [arrowsize=\"0.71\", color=\"#0ab60a\", fontcolor=\"#0ab60a\", "
        "fontsize=\"10.00\", label=\"50.00%\", labeldistance=\"2.00\", penwidth=\"2.00\"];\n"
        "\t0 -> 2 [arrowsize=\"0.71\", color=\"#0ab60a\", fontcolor=\"#0ab60a\", "
        "fontsize=\"10.00\", label=\"50.00%\", labeldistance=\"2.00\", penwidth=\"2.00\"];\n"
        "\t1 [color=\"#dada06\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"b\\n75.00%\\n(0.00%)\\n0\xc3\x97\"];\n"
        "\t1 -> 2 [arrowsize=\"0.50\", color=\"#0c9393\", fontcolor=\"#0c9393\", "
        "fontsize=\"10.00\", label=\"25.00%\", labeldistance=\"1.00\", penwidth=\"1.00\"];\n"
        "\t1 -> 4 [arrowsize=\"0.71\", color=\"#0ab60a\", fontcolor=\"#0ab60a\", "
        "fontsize=\"10.00\", label=\"50.00%\", labeldistance=\"2.00\", penwidth=\"2.00\"];\n"
        "\t2 [color=\"#dada06\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"c\\n75.00%\\n(0.00%)\\n0\xc3\x97\"];\n"
        "\t2 -> 1 [arrowsize=\"0.50\", color=\"#0c9393\", fontcolor=\"#0c9393\", "
        "fontsize=\"10.00\", label=\"25.00%\", labeldistance=\"1.00\", penwidth=\"1.00\"];\n"
        "\t2 -> 5 [arrowsize=\"0.71\", color=\"#0ab60a\", fontcolor=\"#0ab60a\", "
        "fontsize=\"10.00\", label=\"50.00%\", labeldistance=\"2.00\", penwidth=\"2.00\"];\n"
        "\t4 [color=\"#0ab60a\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"e\\n50.00%\\n(50.00%)\\n1\xc3\x97\"];\n"
        "\t5 [color=\"#0ab60a\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"f\\n50.00%\\n(50.00%)\\n1\xc3\x97\"];\n"
        "}\n");
    assert_string_equal(dot, want.s);
    strbuf_fini(&want);
    free(dot);
    profile_free(p);
}

/* Spec 11.1, second part: tests/json/diamond. */
static void test_json_diamond(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b", "c", "d"};
    struct profile *p = json_profile(names, 4);
    json_event(p, (const int[]){3, 1, 0}, 3, 7);
    json_event(p, (const int[]){3, 2, 0}, 3, 1);
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    assert_contains(dot, "\t1 [color=\"#ec7803\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
                         "label=\"b\\n87.50%\\n(0.00%)\\n0\xc3\x97\"];\n");
    assert_contains(dot, "\t0 -> 1 [arrowsize=\"0.94\", color=\"#ec7803\", fontcolor=\"#ec7803\", "
                         "fontsize=\"10.00\", label=\"87.50%\", labeldistance=\"3.50\", "
                         "penwidth=\"3.50\"];\n");
    assert_contains(dot, "\t0 -> 2 [arrowsize=\"0.35\", color=\"#0d4883\", fontcolor=\"#0d4883\", "
                         "fontsize=\"10.00\", label=\"12.50%\", labeldistance=\"0.50\", "
                         "penwidth=\"0.50\"];\n");
    assert_contains(dot, "label=\"d\\n100.00%\\n(100.00%)\\n2\xc3\x97\"");
    free(dot);
    profile_free(p);
}

/* Spec 12 item 2: a cycle nothing calls from outside gets no total. */
static void test_cycle_without_entry(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b", "c"};
    struct profile *p = json_profile(names, 3);
    json_event(p, (const int[]){1, 0, 1, 0}, 4, 3);
    json_event(p, (const int[]){2, 1, 0}, 3, 1);
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    assert_contains(dot, "label=\"c\\n25.00%\\n(25.00%)\\n1\xc3\x97\"");
    assert_lacks(dot, "\t0 [");
    assert_lacks(dot, "\t1 [");
    free(dot);
    o.node_thres = 0;
    o.edge_thres = 0;
    dot = build_dot(p, &o);
    assert_contains(dot, "label=\"a\\n0.00%\\n(0.00%)\\n0\xc3\x97\"");
    assert_contains(dot, "label=\"b\\n0.00%\\n(75.00%)\\n1\xc3\x97\"");
    /* the a <-> b calls have no percentage: empty labels */
    assert_contains(dot, "\t0 -> 1 [");
    assert_contains(dot, "label=\"\", labeldistance");
    free(dot);
    profile_free(p);
}

/* Spec 12 item 3: zero totals make every ratio 1 and totals can exceed 100%. */
static void test_zero_totals(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "a", "b"};
    struct profile *p = json_profile(names, 3);
    json_event(p, (const int[]){1, 0}, 2, 0);
    json_event(p, (const int[]){2, 0}, 2, 0);
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    assert_contains(dot, "\t0 [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"90.00\", "
                         "label=\"main\\n300.00%\\n(100.00%)\\n0\xc3\x97\"];\n");
    free(dot);
    profile_free(p);
}

/* Spec 11.2: the hand-made callgrind example with a cycle entered once and a backward call. */
static struct profile *callgrind_example(void)
{
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    ev_set(&p->ev, PEV_SAMPLES, 0);
    size_t main_ = cg_func(p, "main", "prog", 30);
    size_t sqrt_ = cg_func(p, "sqrt", "libm.so", 0);
    size_t helper = cg_func(p, "helper", "libm.so", 0);
    cg_call(p, main_, sqrt_, 4, 400);
    cg_call(p, main_, helper, 2, 600);
    cg_func(p, "helper", "libm.so", 100);
    size_t walk = cg_func(p, "walk", "prog", 0);
    cg_call(p, helper, walk, 3, 500);
    cg_func(p, "sqrt", "libm.so", 400);
    cg_func(p, "walk", "prog", 50);
    size_t step = cg_func(p, "step", "libm.so", 0);
    cg_call(p, walk, step, 6, 450);
    cg_func(p, "step", "libm.so", 150);
    cg_call(p, step, walk, 5, 300);
    return p;
}

static void test_callgrind_example(void **state)
{
    (void)state;
    struct profile *p = callgrind_example();
    struct graph_opts o;
    graph_opts_init(&o);
    o.node_thres = 0;
    o.edge_thres = 0;
    char *dot = build_dot(p, &o);
    static const char *const lines[] = {
        "\thelper [color=\"#0ba943\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"libm.so\\nhelper\\n41.10%\\n(13.70%)\\n2\xc3\x97\"];\n"
        "\thelper -> walk [arrowsize=\"0.52\", color=\"#0c9789\", fontcolor=\"#0c9789\", "
        "fontsize=\"10.00\", label=\"27.40%\\n3\xc3\x97\", labeldistance=\"1.10\", "
        "penwidth=\"1.10\"];\n"
        "\tmain [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"prog\\nmain\\n100.00%\\n(4.11%)\\n0\xc3\x97\"];\n"
        "\tmain -> helper [arrowsize=\"0.64\", color=\"#0ba943\", fontcolor=\"#0ba943\", "
        "fontsize=\"10.00\", label=\"41.10%\\n2\xc3\x97\", labeldistance=\"1.64\", "
        "penwidth=\"1.64\"];\n"
        "\tmain -> sqrt [arrowsize=\"0.74\", color=\"#2bbc09\", fontcolor=\"#2bbc09\", "
        "fontsize=\"10.00\", label=\"54.79%\\n4\xc3\x97\", labeldistance=\"2.19\", "
        "penwidth=\"2.19\"];\n"
        "\tsqrt [color=\"#2bbc09\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"libm.so\\nsqrt\\n54.79%\\n(54.79%)\\n4\xc3\x97\"];\n"
        "\tstep [color=\"#0c768d\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"libm.so\\nstep\\n20.55%\\n(20.55%)\\n6\xc3\x97\"];\n"
        "\tstep -> walk [arrowsize=\"0.45\", color=\"#0c768d\", fontcolor=\"#0c768d\", "
        "fontsize=\"10.00\", label=\"5\xc3\x97\", labeldistance=\"0.82\", penwidth=\"0.82\"];\n"
        "\twalk [color=\"#0c9789\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
        "label=\"prog\\nwalk\\n27.40%\\n(6.85%)\\n8\xc3\x97\"];\n"
        "\twalk -> step [arrowsize=\"0.45\", color=\"#0c768d\", fontcolor=\"#0c768d\", "
        "fontsize=\"10.00\", label=\"20.55%\\n6\xc3\x97\", labeldistance=\"0.82\", "
        "penwidth=\"0.82\"];\n"
        "}\n"};
    struct strbuf want;
    strbuf_init(&want);
    strbuf_adds(&want, HEADER);
    strbuf_adds(&want, lines[0]);
    assert_string_equal(dot, want.s);
    strbuf_fini(&want);
    free(dot);

    /* --list-functions=+ lists in creation order (spec 11.2) */
    struct diag d;
    diag_init(&d);
    struct graph *g = NULL;
    o.list_functions = "+";
    assert_int_equal(graph_build(p, &o, &g, &d), P2P_OK);
    assert_string_equal(g->listing,
                        "main:\tmain,\nsqrt:\tsqrt,\nhelper:\thelper,\nwalk:\twalk,\nstep:\tstep\n");
    graph_free(g);
    o.list_functions = "s*";
    assert_int_equal(graph_build(p, &o, &g, &d), P2P_OK);
    assert_string_equal(g->listing, "sqrt,\nstep\n");
    graph_free(g);
    profile_free(p);
}

/* Spec 11.4: a gprof cycle declared by the file. */
static void test_gprof_cycle(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_GPROF, true);
    struct {
        int id;
        const char *name;
        double self, called;
        int cycle;
    } fs[] = {{1, "start", 0, 0, 0}, {2, "main", 0.16, 1, 0}, {4, "b", 1.02, 3, 1},
              {5, "a", 0.75, 3, 1},  {6, "c", 0, 6, 0}};
    double total = 0;
    for (size_t k = 0; k < 5; k++) {
        size_t f = profile_func_int(p, fs[k].id, NULL);
        p->funcs[f].name = fs[k].name;
        ev_set(&p->funcs[f].ev, PEV_TIME, fs[k].self);
        p->funcs[f].has_called = true;
        p->funcs[f].called = fs[k].called;
        if (fs[k].cycle)
            p->funcs[f].cycle = profile_cycle(p, fs[k].cycle);
        total += fs[k].self;
    }
    ev_set(&p->ev, PEV_TIME, total);
    struct {
        int from, to;
        double calls;
    } cs[] = {{1, 2, 1}, {2, 5, 1}, {4, 5, 2}, {4, 6, 3}, {5, 4, 3}, {5, 6, 3}};
    for (size_t k = 0; k < 6; k++) {
        struct prof_call *c = profile_call(p, profile_find_int(p, cs[k].from),
                                           profile_find_int(p, cs[k].to), NULL);
        ev_set(&c->ev, PEV_CALLS, cs[k].calls);
    }
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    assert_contains(dot, "label=\"a\\n91.71%\\n(38.86%)\\n3\xc3\x97\"");
    assert_contains(dot, "label=\"b\\n52.85%\\n(52.85%)\\n3\xc3\x97\"");
    assert_contains(dot, "label=\"main\\n100.00%\\n(8.29%)\\n1\xc3\x97\"");
    assert_contains(dot, "\t2 -> 5 [arrowsize=\"0.96\", color=\"#f25202\", fontcolor=\"#f25202\", "
                         "fontsize=\"10.00\", label=\"91.71%\\n1\xc3\x97\"");
    /* b -> a is backward in the cycle: only the call count, weight min(b, a) */
    assert_contains(dot, "\t4 -> 5 [arrowsize=\"0.73\", color=\"#1dba09\", fontcolor=\"#1dba09\", "
                         "fontsize=\"10.00\", label=\"2\xc3\x97\", labeldistance=\"2.11\", "
                         "penwidth=\"2.11\"];\n");
    assert_lacks(dot, "\t6 ["); /* c: 0% */
    free(dot);
    profile_free(p);
}

/* Thresholds compare with strict "<" on the unrounded ratio (spec 5.1). */
static void test_threshold_boundary(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "hot", "edge"};
    struct profile *p = json_profile(names, 3);
    json_event(p, (const int[]){1, 0}, 2, 995);
    json_event(p, (const int[]){2, 0}, 2, 5); /* exactly 0.5% */
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    assert_contains(dot, "label=\"edge\\n0.50%\\n(0.50%)\\n1\xc3\x97\"");
    free(dot);
    o.node_thres = 0.51;
    dot = build_dot(p, &o);
    assert_lacks(dot, "edge\\n");
    assert_lacks(dot, "0 -> 2");
    free(dot);
    o.node_thres = 0.5;
    o.edge_thres = 0.6; /* the node stays, its edge goes */
    dot = build_dot(p, &o);
    assert_contains(dot, "edge\\n");
    assert_lacks(dot, "0 -> 2");
    free(dot);
    profile_free(p);
}

static void test_empty_profile(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    struct strbuf want;
    strbuf_init(&want);
    strbuf_adds(&want, HEADER);
    strbuf_adds(&want, "}\n");
    assert_string_equal(dot, want.s);
    strbuf_fini(&want);
    free(dot);
    profile_free(p);
}

/* -z, -l and --depth on a chain main -> a -> b -> c with a side branch main -> x. */
static void test_root_leaf_depth(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "a", "b", "c", "x"};
    struct profile *p = json_profile(names, 5);
    json_event(p, (const int[]){3, 2, 1, 0}, 4, 10);
    json_event(p, (const int[]){4, 0}, 2, 10);
    struct graph_opts o;
    graph_opts_init(&o);
    o.root = "a";
    char *dot = build_dot(p, &o);
    assert_contains(dot, "\t1 [");
    assert_contains(dot, "\t3 [");
    assert_lacks(dot, "\t0 [");
    assert_lacks(dot, "\t4 [");
    free(dot);
    o.depth = 1;
    dot = build_dot(p, &o);
    assert_contains(dot, "\t2 [");
    assert_lacks(dot, "\t3 [");
    free(dot);
    o.root = NULL;
    o.leaf = "[bc]";
    o.depth = -1;
    dot = build_dot(p, &o);
    assert_contains(dot, "\t0 [");
    assert_contains(dot, "\t3 [");
    assert_lacks(dot, "\t4 [");
    free(dot);
    /* a glob that matches nothing is an error naming it */
    o.leaf = "nothing*";
    struct diag d;
    diag_init(&d);
    struct graph *g = NULL;
    assert_int_equal(graph_build(p, &o, &g, &d), P2P_ERR_PARSE);
    assert_null(g);
    assert_string_equal(d.msg, "leaf node nothing* not found (maybe already pruned : try -e0 "
                               "-n0 flags)");
    profile_free(p);
}

/* --color-nodes-by-selftime: node colours from self time, edges unchanged. */
static void test_color_by_selftime(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "a"};
    struct profile *p = json_profile(names, 2);
    json_event(p, (const int[]){1, 0}, 2, 3);
    json_event(p, (const int[]){0}, 1, 1);
    struct graph_opts o;
    graph_opts_init(&o);
    o.color_by_selftime = true;
    char *dot = build_dot(p, &o);
    /* a has the most self time: weight 1; main 0.25 / 0.75 = 1/3 */
    assert_contains(dot, "\t1 [color=\"#ff0000\"");
    assert_lacks(dot, "\t0 [color=\"#ff0000\"");
    /* the edge keeps its total-time weight 0.75 */
    assert_contains(dot, "\t0 -> 1 [arrowsize=\"0.87\", color=\"#dada06\"");
    free(dot);
    profile_free(p);
}

/* Ids longer than 1024 characters are replaced by "_" + SHA-1, as gprof2dot does. */
static void test_long_id_hashed(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    char *name = xmalloc(1101);
    memset(name, 'n', 1100);
    name[1100] = '\0';
    cg_func(p, name, "m", 1);
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    /* sha1("n" * 1100), computed with Python's hashlib */
    assert_contains(dot, "\t\"_1118c20c3399d0c423ee4150ae2ed3eeec846dbd\" [");
    free(dot);
    free(name);
    profile_free(p);
}

/* Input sets no recursion depth: a 200 000-function chain and a 20 000-function cycle. */
static void test_deep_and_big_cycle(void **state)
{
    (void)state;
    size_t n = 200000;
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, true);
    ev_set(&p->ev, PEV_SAMPLES, 0);
    for (size_t i = 0; i < n; i++) {
        size_t f = profile_func_int(p, (int64_t)i, NULL);
        p->funcs[f].name = "f";
        ev_set(&p->funcs[f].ev, PEV_SAMPLES, i == n - 1 ? 1 : 0);
        if (i)
            ev_set(&profile_call(p, i - 1, i, NULL)->ev, PEV_SAMPLES2, 1);
    }
    ev_set(&p->ev, PEV_SAMPLES, 1);
    struct graph_opts o;
    graph_opts_init(&o);
    struct diag d;
    diag_init(&d);
    struct graph *g = NULL;
    assert_int_equal(graph_build(p, &o, &g, &d), P2P_OK);
    assert_int_equal(g->n_nodes, n);
    assert_string_equal(graph_attr_get(&g->nodes[0].attrs, "label"), "f\n100.00%\n(0.00%)");
    graph_free(g);
    /* close the chain into one strongly connected component, entered from a new root */
    size_t m = 20000;
    ev_set(&profile_call(p, m - 1, 0, NULL)->ev, PEV_SAMPLES2, 1);
    size_t root = profile_func_int(p, -1, NULL);
    p->funcs[root].name = "root";
    ev_set(&p->funcs[root].ev, PEV_SAMPLES, 0);
    ev_set(&profile_call(p, root, 0, NULL)->ev, PEV_SAMPLES2, 1);
    assert_int_equal(graph_build(p, &o, &g, &d), P2P_OK);
    assert_string_equal(graph_attr_get(&g->nodes[0].attrs, "label"), "root\n100.00%\n(0.00%)");
    graph_free(g);
    profile_free(p);
}

/* pstats: totals come from the file; self-calls get a percentage (spec 9.12, 12.5). */
static void test_pstats_recipe(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_PSTATS, true);
    size_t m = profile_func_int(p, 0, NULL), r = profile_func_int(p, 1, NULL);
    p->funcs[m].name = "x:1:main";
    p->funcs[m].filename = "x.py";
    p->funcs[r].name = "x:5:rec";
    p->funcs[r].filename = "x.py";
    ev_set(&p->funcs[m].ev, PEV_TIME, 1.0);
    ev_set(&p->funcs[m].ev, PEV_TOTAL_TIME, 4.0);
    ev_set(&p->funcs[r].ev, PEV_TIME, 3.0);
    ev_set(&p->funcs[r].ev, PEV_TOTAL_TIME, 3.0);
    p->funcs[m].has_called = p->funcs[r].has_called = true;
    p->funcs[m].called = 1;
    p->funcs[r].called = 10;
    struct prof_call *c = profile_call(p, m, r, NULL);
    ev_set(&c->ev, PEV_CALLS, 1);
    ev_set(&c->ev, PEV_TOTAL_TIME, 3.0);
    c = profile_call(p, r, r, NULL);
    ev_set(&c->ev, PEV_CALLS, 9);
    ev_set(&c->ev, PEV_TOTAL_TIME, 2.5);
    ev_set(&p->ev, PEV_TIME, 4.0);
    ev_set(&p->ev, PEV_TOTAL_TIME, 4.0);
    struct graph_opts o;
    graph_opts_init(&o);
    char *dot = build_dot(p, &o);
    assert_contains(dot, "\t0 [color=\"#ff0000\", fontcolor=\"#ffffff\", fontsize=\"10.00\", "
                         "label=\"x:1:main\\n100.00%\\n(25.00%)\\n1\xc3\x97\", "
                         "tooltip=\"x.py\"];\n");
    assert_contains(dot, "\t0 -> 1 [arrowsize=\"0.87\", color=\"#dada06\", fontcolor=\"#dada06\", "
                         "fontsize=\"10.00\", label=\"75.00%\\n1\xc3\x97\"");
    assert_contains(dot, "\t1 -> 1 [");
    assert_contains(dot, "label=\"62.50%\\n9\xc3\x97\"");
    free(dot);
    /* -p keeps functions whose file name starts with a prefix */
    static const char *const paths[] = {"/nonexistent"};
    o.paths = paths;
    o.n_paths = 1;
    dot = build_dot(p, &o);
    assert_lacks(dot, "\t0 [");
    free(dot);
    profile_free(p);
}

/* Compare mode (spec 10): matched nodes show differences in percentage points. */
static void test_compare(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "a", "b"};
    struct profile *p1 = json_profile(names, 3);
    json_event(p1, (const int[]){1, 0}, 2, 1);
    json_event(p1, (const int[]){2, 0}, 2, 3);
    struct profile *p2 = json_profile(names, 3);
    json_event(p2, (const int[]){1, 0}, 2, 3);
    json_event(p2, (const int[]){2, 0}, 2, 1);
    struct graph_opts o;
    graph_opts_init(&o);
    struct diag d;
    diag_init(&d);
    struct graph *g = NULL;
    assert_int_equal(graph_build_compare(p1, p2, &o, &g, &d), P2P_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    render_dot(g, f);
    fclose(f);
    assert_contains(buf, "\tnode [fontcolor=white, fontname=Arial, height=0, style=filled, "
                         "width=0];\n");
    /* a: 25% here, 75% there -> slower: "+ 50.0%", shape cds, orientation 0 */
    assert_contains(buf, "label=\"a\\n25.00% + 50.0%\\n1 \xc3\x97/ 1 \xc3\x97\\n(25.00%) + "
                         "50.0%\\n1 \xc3\x97/ 1 \xc3\x97\", orientation=0, shape=cds];\n");
    assert_contains(buf, "label=\"b\\n75.00% - 50.0%\\n1 \xc3\x97/ 1 \xc3\x97\\n(75.00%) - "
                         "50.0%\\n1 \xc3\x97/ 1 \xc3\x97\", orientation=90, shape=cds];\n");
    assert_contains(buf, "fontsize=\"10.000000\"");
    assert_contains(buf, "label=\"25.00% / 75.00%\"");
    free(buf);
    graph_free(g);
    profile_free(p1);
    profile_free(p2);
}

/* ---------------------------------------------------------------- --max-nodes */

/* The ids of the node statements of a DOT text, space-separated, in output order. */
static char *node_ids(const char *dot)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, "", 0);
    for (const char *line = dot; *line; line = strchr(line, '\n') + 1) {
        const char *end = strchr(line, '\n');
        const char *sp = strchr(line, ' ');
        if (line[0] == '\t' && sp && sp < end && sp[1] == '[' &&
            strncmp(line, "\tgraph ", 7) != 0 && strncmp(line, "\tnode ", 6) != 0 &&
            strncmp(line, "\tedge ", 6) != 0) {
            if (b.len)
                strbuf_addc(&b, ' ');
            strbuf_add(&b, line + 1, (size_t)(sp - line - 1));
        }
    }
    return strbuf_detach(&b);
}

/* Node ids kept with -n0 -e0 --max-nodes max. */
static void assert_kept(const struct profile *p, size_t max, const char *want)
{
    struct graph_opts o;
    graph_opts_init(&o);
    o.node_thres = 0;
    o.edge_thres = 0;
    o.max_nodes = max;
    char *dot = build_dot(p, &o);
    char *ids = node_ids(dot);
    if (strcmp(ids, want) != 0) {
        print_error("--max-nodes %zu kept \"%s\", want \"%s\"\n", max, ids, want);
        fail();
    }
    free(ids);
    free(dot);
}

/* A call tree: the N heaviest, whatever N. main 100%, a 40%, c 35%, b 30% (under a),
 * e 25%, d 15% (under c). */
static void test_max_nodes_tree(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "a", "b", "c", "d", "e"};
    struct profile *p = json_profile(names, 6);
    json_event(p, (const int[]){1, 0}, 2, 10);
    json_event(p, (const int[]){2, 1, 0}, 3, 30);
    json_event(p, (const int[]){3, 0}, 2, 20);
    json_event(p, (const int[]){4, 3, 0}, 3, 15);
    json_event(p, (const int[]){5, 0}, 2, 25);
    assert_kept(p, 1, "0");
    assert_kept(p, 2, "0 1");
    assert_kept(p, 3, "0 1 3");
    assert_kept(p, 4, "0 1 2 3");
    assert_kept(p, 5, "0 1 2 3 5");
    assert_kept(p, 6, "0 1 2 3 4 5");
    /* edges between kept nodes stay, with their labels; others go */
    struct graph_opts o;
    graph_opts_init(&o);
    o.node_thres = o.edge_thres = 0;
    o.max_nodes = 3;
    char *dot = build_dot(p, &o);
    assert_contains(dot, "\t0 -> 1 [arrowsize=");
    assert_contains(dot, "label=\"40.00%\"");
    assert_contains(dot, "\t0 -> 3 [");
    assert_lacks(dot, "\t1 -> 2 [");
    assert_lacks(dot, "\t0 -> 5 [");
    /* labels and colours are those of the full graph: nothing is re-normalised */
    assert_contains(dot, "label=\"c\\n35.00%\\n(20.00%)\\n1\xc3\x97\"");
    free(dot);
    /* no limit (0), or a limit the graph is within: the same bytes as without the option */
    o.max_nodes = 0;
    char *full = build_dot(p, &o);
    o.max_nodes = 6;
    dot = build_dot(p, &o);
    assert_string_equal(dot, full);
    free(dot);
    o.max_nodes = 1000;
    dot = build_dot(p, &o);
    assert_string_equal(dot, full);
    free(dot);
    free(full);
    profile_free(p);
}

/* A heavy function reached only through light ones brings its heaviest path, which counts
 * against the budget; what does not fit is skipped for the next heaviest. main calls x1..x5
 * (10% each), each calls h (50% self in all), and big (45%). */
static void test_max_nodes_connectors(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "x1", "x2", "x3", "x4", "x5", "h", "big"};
    struct profile *p = json_profile(names, 8);
    for (int i = 1; i <= 5; i++)
        json_event(p, (const int[]){6, i, 0}, 3, 10);
    json_event(p, (const int[]){7, 0}, 2, 45);
    json_event(p, (const int[]){0}, 1, 5);
    assert_kept(p, 1, "0");
    /* h needs x1 too: two nodes do not fit in one, big does */
    assert_kept(p, 2, "0 7");
    /* paths of equal weight: the first caller in output order (x1) */
    assert_kept(p, 3, "0 1 6");
    assert_kept(p, 4, "0 1 6 7");
    assert_kept(p, 5, "0 1 2 6 7");
    struct graph_opts o;
    graph_opts_init(&o);
    o.node_thres = o.edge_thres = 0;
    o.max_nodes = 3;
    char *dot = build_dot(p, &o);
    assert_contains(dot, "\t0 -> 1 [");
    assert_contains(dot, "\t1 -> 6 [");
    free(dot);
    profile_free(p);
}

/* No function without callers (spec 12 item 2's cycle with no entry): the heaviest
 * functions start their own paths. a <-> b, b -> c; c 25%, a and b have no total. */
static void test_max_nodes_no_root(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b", "c"};
    struct profile *p = json_profile(names, 3);
    json_event(p, (const int[]){1, 0, 1, 0}, 4, 3);
    json_event(p, (const int[]){2, 1, 0}, 3, 1);
    assert_kept(p, 1, "2");
    assert_kept(p, 2, "0 2");
    assert_kept(p, 3, "0 1 2");
    profile_free(p);
}

/* Compare mode limits the drawn profile only: the other one lends its numbers by name. */
static void test_max_nodes_compare(void **state)
{
    (void)state;
    static const char *const names[] = {"main", "a", "b"};
    struct profile *p1 = json_profile(names, 3);
    json_event(p1, (const int[]){1, 0}, 2, 3);
    json_event(p1, (const int[]){2, 0}, 2, 1);
    struct profile *p2 = json_profile(names, 3);
    json_event(p2, (const int[]){1, 0}, 2, 1);
    json_event(p2, (const int[]){2, 0}, 2, 3);
    struct graph_opts o;
    graph_opts_init(&o);
    o.max_nodes = 2;
    struct diag d;
    diag_init(&d);
    struct graph *g = NULL;
    assert_int_equal(graph_build_compare(p1, p2, &o, &g, &d), P2P_OK);
    assert_int_equal(g->n_nodes, 2); /* main and a, a's numbers from both */
    assert_non_null(strstr(graph_attr_get(&g->nodes[1].attrs, "label"), "a"));
    graph_free(g);
    profile_free(p1);
    profile_free(p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_cycle_exact),  cmocka_unit_test(test_json_diamond),
        cmocka_unit_test(test_cycle_without_entry), cmocka_unit_test(test_zero_totals),
        cmocka_unit_test(test_callgrind_example), cmocka_unit_test(test_gprof_cycle),
        cmocka_unit_test(test_threshold_boundary), cmocka_unit_test(test_empty_profile),
        cmocka_unit_test(test_root_leaf_depth),   cmocka_unit_test(test_color_by_selftime),
        cmocka_unit_test(test_long_id_hashed),    cmocka_unit_test(test_deep_and_big_cycle),
        cmocka_unit_test(test_pstats_recipe),     cmocka_unit_test(test_compare),
        cmocka_unit_test(test_max_nodes_tree),    cmocka_unit_test(test_max_nodes_connectors),
        cmocka_unit_test(test_max_nodes_no_root), cmocka_unit_test(test_max_nodes_compare),
        cmocka_unit_test(test_build_owned_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
