/* The renderer: DOT quoting (gprof2dot's rules), names that try to inject DOT or markup,
 * PNG/SVG/PDF through libgvc, byte-identical repeated output, and no file left behind on
 * failure. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <expat.h>
#include <graphviz/cgraph.h>

#include "graph_int.h"
#include "render.h"
#include "testutil.h"

/* One function per name, main calling all the others. */
static struct graph *names_graph(const char *const *names, size_t n, struct profile **pp)
{
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    ev_set(&p->ev, PEV_SAMPLES, (double)n);
    size_t root = profile_func_str(p, "main", 4, NULL);
    ev_set(&p->funcs[root].ev, PEV_SAMPLES, 0);
    for (size_t i = 0; i < n; i++) {
        size_t f = profile_func_str(p, names[i], strlen(names[i]), NULL);
        ev_set(&p->funcs[f].ev, PEV_SAMPLES, 1);
        ev_set(&profile_call(p, root, f, NULL)->ev, PEV_SAMPLES2, 1);
    }
    struct graph_opts o;
    graph_opts_init(&o);
    struct diag d;
    diag_init(&d);
    struct graph *g = NULL;
    assert_int_equal(graph_build(p, &o, &g, &d), P2P_OK);
    *pp = p;
    return g;
}

static char *dot_text(const struct graph *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    render_dot(g, f);
    fclose(f);
    return buf;
}

/* The DOT of names_graph parsed back: main and one node per name, an edge to each. */
static Agraph_t *parse_names_dot(const char *dot, size_t n)
{
    Agraph_t *G = agmemread(dot);
    assert_non_null(G);
    assert_int_equal(agnnodes(G), (int)n + 1);
    assert_int_equal(agnedges(G), (int)n);
    return G;
}

static void test_quoting(void **state)
{
    (void)state;
    static const char *const names[] = {"plain", "graph", "Node", "0x401000", "under_score",
                                        "42",    "0d",    "000x1"};
    struct profile *p;
    struct graph *g = names_graph(names, 8, &p);
    char *dot = dot_text(g);
    assert_non_null(strstr(dot, "\n\tplain ["));
    assert_non_null(strstr(dot, "\n\t42 ["));
    /* gprof2dot writes these bare, and DOT reads each as two ids (a fuzz crasher). */
    assert_non_null(strstr(dot, "\n\t\"0d\" ["));
    assert_non_null(strstr(dot, "\n\t\"000x1\" ["));
    assert_non_null(strstr(dot, "\n\t\"graph\" ["));
    assert_non_null(strstr(dot, "\n\t\"Node\" ["));
    assert_non_null(strstr(dot, "\n\t\"0x401000\" ["));
    assert_non_null(strstr(dot, "\n\t\"under_score\" ["));
    assert_non_null(strstr(dot, "\tmain -> plain ["));
    free(dot);
    graph_free(g);
    profile_free(p);
}

/* Names are data: whatever they contain, the DOT parses back to the same graph with the same
 * label text, and the SVG escapes them. */
static void test_hostile_names(void **state)
{
    (void)state;
    static const char *const names[] = {
        "a\"; evil [shape=star]; \"",
        "back\\slash\\N\\l\\",
        "<script>alert(1)</script>&amp;",
        "new\nline\ttab",
        "} digraph { x",
        "/* comment */ // more",
        "\xc3\xa9t\xc3\xa9",
    };
    size_t n = sizeof(names) / sizeof(names[0]);
    struct profile *p;
    struct graph *g = names_graph(names, n, &p);
    char *dot = dot_text(g);
    Agraph_t *G = parse_names_dot(dot, n);
    for (size_t i = 0; i < n; i++) {
        /* the node is found under its own name (escaped as cgraph stores it) */
        struct strbuf want;
        strbuf_init(&want);
        for (const char *c = names[i]; *c; c++) {
            if (*c == '\\')
                strbuf_adds(&want, "\\\\");
            else if (*c == '\n')
                strbuf_adds(&want, "\\n");
            else if (*c == '\t')
                strbuf_adds(&want, "\\t");
            else
                strbuf_addc(&want, *c);
        }
        Agnode_t *nd = agnode(G, want.s, 0);
        if (!nd) {
            print_error("node for name %zu not found\n", i);
            fail();
        }
        char *label = agget(nd, (char *)"label");
        assert_non_null(label);
        assert_memory_equal(label, want.s, want.len);
        assert_string_equal(label + want.len, "\\n14.29%\\n(14.29%)");
        strbuf_fini(&want);
    }
    agclose(G);
    free(dot);

    char *svg = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&svg, &len);
    struct diag d;
    diag_init(&d);
    assert_int_equal(render_gvc(g, "svg", f, &d), P2P_OK);
    fclose(f);
    assert_null(strstr(svg, "<script"));
    assert_non_null(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(svg, "</svg>"));
    free(svg);
    graph_free(g);
    profile_free(p);
}

/* Distinct names that read the same once cleaned (a stray byte 0xFF and U+00FF, a control
 * character and its picture) or that are equal to a suffixed id keep distinct nodes: a fuzz
 * crasher merged them. The first in id order keeps its id. */
static void test_equal_clean_ids(void **state)
{
    (void)state;
    static const char *const names[] = {"\xff", "\xc3\xbf", "\xc3\xbf #2", "\x01x",
                                        "\xe2\x90\x81x"};
    size_t n = sizeof(names) / sizeof(names[0]);
    struct profile *p;
    struct graph *g = names_graph(names, n, &p);
    char *dot = dot_text(g);
    Agraph_t *G = parse_names_dot(dot, n);
    /* ids sort by raw bytes: "\x01x", "\xc3\xbf", "\xc3\xbf #2", "\xe2\x90\x81x", "\xff" */
    assert_non_null(agnode(G, (char *)"\xe2\x90\x81x", 0));
    assert_non_null(agnode(G, (char *)"\xe2\x90\x81x #2", 0));
    assert_non_null(agnode(G, (char *)"\xc3\xbf", 0));
    assert_non_null(agnode(G, (char *)"\xc3\xbf #2", 0));
    assert_non_null(agnode(G, (char *)"\xc3\xbf #3", 0));
    agclose(G);
    free(dot);
    graph_free(g);
    profile_free(p);
}

/* The SVG Graphviz writes for names with control characters, Latin-1 bytes and a very long
 * module is well-formed XML (checked with expat), and the DOT still parses. */
static void test_names_in_svg(void **state)
{
    (void)state;
    static const char *const names[] = {"ctl\x01\x02x\x1b[31m\x7f", "caf\xe9", "cr\rlf"};
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    ev_set(&p->ev, PEV_SAMPLES, 3);
    size_t root = profile_func_str(p, "main", 4, NULL);
    ev_set(&p->funcs[root].ev, PEV_SAMPLES, 0);
    char *module = xmalloc(10001);
    memset(module, 'm', 10000);
    module[10000] = '\0';
    p->funcs[root].module = profile_intern(p, module, 10000);
    for (size_t i = 0; i < 3; i++) {
        size_t f = profile_func_str(p, names[i], strlen(names[i]), NULL);
        ev_set(&p->funcs[f].ev, PEV_SAMPLES, 1);
        ev_set(&profile_call(p, root, f, NULL)->ev, PEV_SAMPLES2, 1);
    }
    struct graph_opts o;
    graph_opts_init(&o);
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    struct graph *g = NULL;
    assert_int_equal(graph_build(p, &o, &g, &d), P2P_OK);
    assert_int_equal(d.warnings, 1); /* "truncating module with 10000 chars" */
    /* control characters became control pictures, Latin-1 became UTF-8 */
    assert_string_equal(g->nodes[0].id, "caf\xc3\xa9"); /* nodes sort by id bytes */
    assert_string_equal(g->nodes[1].id, "cr\xe2\x90\x8dlf");
    assert_string_equal(g->nodes[2].id,
                        "ctl\xe2\x90\x81\xe2\x90\x82x\xe2\x90\x9b[31m\xe2\x90\xa1");
    const char *label = graph_attr_get(&g->nodes[3].attrs, "label");
    assert_memory_equal(label + 4095, "\xe2\x80\xa6\nmain\n", 9);

    char *dot = dot_text(g);
    Agraph_t *G = agmemread(dot);
    assert_non_null(G);
    assert_int_equal(agnnodes(G), 4);
    agclose(G);
    free(dot);

    char *svg = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&svg, &len);
    assert_int_equal(render_gvc(g, "svg", f, &d), P2P_OK);
    fclose(f);
    XML_Parser x = XML_ParserCreate(NULL);
    if (XML_Parse(x, svg, (int)len, 1) == XML_STATUS_ERROR) {
        print_error("SVG not well-formed: %s at line %lu\n", XML_ErrorString(XML_GetErrorCode(x)),
                    (unsigned long)XML_GetCurrentLineNumber(x));
        fail();
    }
    XML_ParserFree(x);
    free(svg);
    free(module);
    graph_free(g);
    profile_free(p);
}

static size_t count_files(const char *dir)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dp)))
        n += e->d_name[0] != '.' || strncmp(e->d_name, ".prof2png-", 10) == 0;
    closedir(dp);
    return n;
}

static void test_write_files(void **state)
{
    (void)state;
    static const char *const names[] = {"alpha", "beta"};
    struct profile *p;
    struct graph *g = names_graph(names, 2, &p);
    char dir[] = "/tmp/p2p-render-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const struct {
        const char *ext, *magic;
    } kinds[] = {{"png", "\x89PNG\r\n"}, {"pdf", "%PDF-"}, {"svg", "<?xml"}, {"dot", "digraph"}};
    for (size_t k = 0; k < 4; k++) {
        char *a = xasprintf("%s/a.%s", dir, kinds[k].ext);
        char *b = xasprintf("%s/b.%s", dir, kinds[k].ext);
        struct diag d;
        diag_init(&d);
        assert_int_equal(render_write(g, render_format_from_path(a), a, &d), P2P_OK);
        assert_int_equal(render_write(g, render_format_from_path(b), b, &d), P2P_OK);
        size_t la, lb;
        char *ca = test_slurp(a, &la), *cb = test_slurp(b, &lb);
        assert_memory_equal(ca, kinds[k].magic, strlen(kinds[k].magic));
        assert_int_equal(la, lb); /* deterministic: same bytes every run */
        assert_memory_equal(ca, cb, la);
        free(ca);
        free(cb);
        unlink(a);
        unlink(b);
        free(a);
        free(b);
    }
    /* an unknown format fails and leaves nothing behind */
    char *x = xasprintf("%s/x.png", dir);
    struct diag d;
    diag_init(&d);
    assert_int_equal(render_write(g, "no-such-format", x, &d), P2P_ERR_USAGE);
    assert_non_null(strstr(d.msg, "no-such-format"));
    assert_int_equal(count_files(dir), 0);
    /* a directory that does not exist: I/O error, nothing created */
    char *y = xasprintf("%s/missing/y.svg", dir);
    diag_init(&d);
    assert_int_equal(render_write(g, "svg", y, &d), P2P_ERR_IO);
    assert_int_equal(count_files(dir), 0);
    /* writing to a full device is an I/O error (and /dev/full is not replaced) */
    diag_init(&d);
    assert_int_equal(render_write(g, "dot", "/dev/full", &d), P2P_ERR_IO);
    assert_true(access("/dev/full", W_OK) == 0);
    free(x);
    free(y);
    rmdir(dir);
    graph_free(g);
    profile_free(p);
}

static void test_format_names(void **state)
{
    (void)state;
    assert_string_equal(render_format_from_path("out/x.png"), "png");
    assert_string_equal(render_format_from_path("x.gv"), "dot");
    assert_null(render_format_from_path("noext"));
    assert_null(render_format_from_path("dir.d/noext"));
    assert_null(render_format_from_path(".hidden"));
    assert_true(render_format_is_binary("png"));
    assert_true(render_format_is_binary("pdf"));
    assert_false(render_format_is_binary("svg"));
    assert_false(render_format_is_binary("dot"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_equal_clean_ids),
        cmocka_unit_test(test_names_in_svg),
        cmocka_unit_test(test_write_files),
        cmocka_unit_test(test_format_names),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    render_fini();
    return failed;
}
