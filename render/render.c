/* Graphviz side of rendering (cgraph graph, dot layout, gvRender) and the delivery of any
 * output: into a temporary file beside the destination, renamed into place on success, or
 * copied to standard output once complete. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "render.h"

static const char *const text_formats[] = {
    "dot",  "gv",     "canon", "xdot",  "xdot1.2", "xdot1.4", "svg",  "plain", "plain-ext",
    "json", "json0",  "dot_json", "xdot_json", "fig", "pic", "ps", "eps", "imap", "cmapx",
    "imap_np", "cmapx_np", "vml", "tk", "mp", "pov", "vrml", "x11",
};

const char *render_format_from_path(const char *path)
{
    if (!path)
        return NULL;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base || !dot[1])
        return NULL;
    if (strcmp(dot + 1, "gv") == 0)
        return "dot";
    return dot + 1;
}

bool render_format_is_dot(const char *format)
{
    return strcmp(format, "dot") == 0 || strcmp(format, "gv") == 0;
}

bool render_format_is_binary(const char *format)
{
    for (size_t i = 0; i < sizeof(text_formats) / sizeof(text_formats[0]); i++)
        if (strcmp(format, text_formats[i]) == 0)
            return false;
    return true;
}

/* ---------------------------------------------------------------- layout budget */

/* dot's layout time grows much faster than the graph, and nearly all of it goes into the
 * x-coordinate pass: a network simplex over the graph plus one virtual node per rank an edge
 * crosses, run to the optimum (mincross and spline routing take a second or two at most).
 * tests/bench/layout.sh measured it with Graphviz 2.43 on the 2-core development machine
 * (CPU seconds of `dot -Tplain`; dx: total horizontal edge length, what that pass minimises,
 * relative to the default layout):
 *
 *     graph (prof2png -n0 -e0 unless -n)  nodes edges  default  nslimit=2 (dx)  nslimit=5 (dx)
 *     gen collapse -n0.5                    264   578     0.57     0.44 (1.11)     0.52 (1.08)
 *     gen perf -n0.5                        288   755     1.50     0.71 (1.00)     0.89 (1.05)
 *     gen collapse -n0.2                    312   813     1.46     0.73 (1.00)     0.90 (1.01)
 *     pstats memtrail                       493   817     1.43     1.10 (1.08)     1.32 (1.06)
 *     perf xwax                             530   888     1.22     1.23 (1.36)     1.34 (1.03)
 *     gen collapse -n0.1                    332   966     3.14     1.36 (1.00)     1.63 (1.00)
 *     gen perf -n0.2                        336  1018     5.78     1.64 (1.05)     2.08 (1.06)
 *     callgrind bool                        402  1027    11.80     2.44 (1.15)     3.02 (1.12)
 *     callgrind googlecode-issue98          553  1049    19.99     4.57 (0.98)     6.29 (0.90)
 *     collapse synapse                      611  1171    >150     13.54           16.30
 *     gen collapse                          354  1234    15.03     3.67 (0.96)     4.38 (1.17)
 *     prof hpasanen                         898  1269     2.53     1.59 (1.00)     2.53 (1.00)
 *     gen perf                              499  1279    15.03     2.79 (1.11)     4.91 (1.02)
 *     dtrace rust                           839  1478    13.07     4.63 (1.02)     5.46 (0.99)
 *     sysprof nautilus                      847  1546    22.46     5.19 (0.92)     9.79 (0.91)
 *     prof dan.skorupski                   1053  1551     4.91     2.97 (1.27)     5.44 (1.04)
 *     axe nucleotide                       1034  1607     3.52     2.18 (1.10)     3.64 (1.02)
 *     callgrind selinux                     636  1966    15.05     9.67 (1.26)     7.44 (1.23)
 *     gen callgrind -n0.2                  1090  2538    12.56     3.12 (1.02)     5.72 (1.02)
 *     gen callgrind -n0.1                  1553  4061    27.94     8.65 (1.03)    16.22 (1.02)
 *     gen callgrind -n0.05                 1803  5232    54.49    17.09 (1.02)    26.94 (1.03)
 *     gen callgrind                        1996  6743    >150     50.54           76.48
 *     ("gen": tests/bench/gen.py --scale 0.02; the others: the conformance corpus)
 *
 * Edges predict the time far better than nodes (a 1051-node tree takes 0.3 s): up to about
 * 900 edges the defaults take 1.5 s or less, from about 950 edges 2.5 s to minutes. So the
 * limits are 900 edges, and 700 nodes as a guard for graphs of many small pieces.
 * nslimit=N stops the x-coordinate pass after N iterations per node. Above the limits
 * nslimit=2 makes the layout 1.6 to over 10 times faster (3 to 5 typically; synapse: over
 * 150 s to 14 s) and the drawing keeps its ranks, order and kind of routing, its edges in
 * total at most 27 % longer sideways (most within 10 %): the same picture, a little less
 * balanced. nslimit=5 is as good and up to twice as slow; nslimit=1 saved up to a quarter
 * more on some graphs (spline routing gets slower as nodes drift, which caps the gain) but
 * laid dtrace rust out 31 % longer. In a first round on four of these graphs, mclimit=0.5
 * (mincross) saved under 10 %, searchsize=10 or 100 (network simplex) went either way by up
 * to a third, and ranking (nslimit1) is already fast (and nslimit1=0 asserts in 2.43 with
 * clusters), so only nslimit is set. Above a few thousand edges even nslimit=2 takes tens
 * of seconds: the note points at --max-nodes and -n/-e for that. */
static const struct {
    const char *name, *value;
} fast_layout[] = {
    {"nslimit", "2"},
};

bool render_layout_is_large(const struct graph *g)
{
    return g->n_nodes > RENDER_FAST_LAYOUT_NODES || g->n_edges > RENDER_FAST_LAYOUT_EDGES;
}

const char *render_use_fast_layout(struct graph *g)
{
    static char text[128];
    size_t len = 0;
    text[0] = '\0';
    for (size_t i = 0; i < P2P_ARRAY_LEN(fast_layout); i++) {
        graph_attr_set(&g->graph_attrs, fast_layout[i].name, fast_layout[i].value, true);
        int n = snprintf(text + len, sizeof(text) - len, "%s%s=%s", i ? ", " : "",
                         fast_layout[i].name, fast_layout[i].value);
        if (n > 0 && (size_t)n < sizeof(text) - len)
            len += (size_t)n;
    }
    return text;
}

/* ---------------------------------------------------------------- libgvc */

static enum p2p_status render_gvc_stream(const struct graph *g, const char *format, FILE *f,
                                         struct diag *d);

/* Graphviz reports through agerr, which hands the text over in pieces ("Error", ": ",
 * the message): collect them, on one line. */
static char gv_error[512];

static int capture_error(char *msg)
{
    size_t n = strlen(gv_error);
    for (const char *p = msg; *p && n + 1 < sizeof(gv_error); p++) {
        char c = *p == '\n' || *p == '\r' ? ' ' : *p;
        if (c == ' ' && (n == 0 || gv_error[n - 1] == ' '))
            continue;
        gv_error[n++] = c;
    }
    while (n && gv_error[n - 1] == ' ')
        n--;
    gv_error[n] = '\0';
    return 0;
}

/* Plain text -> the string cgraph holds after reading the same text from a DOT file:
 * backslashes, newlines and tabs stay escaped (they are escString escapes for Graphviz). */
static char *escstring(const char *s)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, "", 0);
    for (const char *p = s; *p; p++) {
        if (*p == '\\')
            strbuf_adds(&b, "\\\\");
        else if (*p == '\n')
            strbuf_adds(&b, "\\n");
        else if (*p == '\t')
            strbuf_adds(&b, "\\t");
        else
            strbuf_addc(&b, *p);
    }
    return strbuf_detach(&b);
}

/* cgraph takes char * everywhere (Graphviz 2.43 has no const in these prototypes). */
static void set_attr(void *obj, const char *name, const char *value)
{
    char *v = escstring(value);
    agsafeset(obj, (char *)name, v, "");
    free(v);
}

static void declare(Agraph_t *G, int kind, const struct graph_attrs *a)
{
    for (size_t i = 0; i < a->n; i++) {
        char *v = escstring(a->a[i].value);
        agattr(G, kind, (char *)a->a[i].name, v);
        free(v);
    }
}

/* Nodes are created in the order `dot` meets them in prof2png's DOT text (a node, then the
 * heads of its edges), so that an image rendered here is laid out exactly like
 * `prof2png x | dot -Tsvg`. The graph gets a name: an anonymous one would be titled by a
 * per-process counter ("%3", "%6", ...) in SVG, making output depend on history. */
static Agraph_t *build_cgraph(const struct graph *g)
{
    Agdesc_t desc = Agdirected;
    Agraph_t *G = agopen((char *)"prof2png", desc, NULL);
    if (!G)
        return NULL;
    if (g->tooltip)
        agattr(G, AGRAPH, (char *)"tooltip", (char *)g->tooltip);
    declare(G, AGRAPH, &g->graph_attrs);
    declare(G, AGNODE, &g->node_defaults);
    declare(G, AGEDGE, &g->edge_defaults);
    Agnode_t **nodes = xcalloc(g->n_nodes ? g->n_nodes : 1, sizeof(*nodes));
    size_t e = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (!nodes[i]) {
            char *id = escstring(g->nodes[i].id);
            nodes[i] = agnode(G, id, 1);
            free(id);
        }
        for (size_t k = 0; k < g->nodes[i].attrs.n; k++)
            set_attr(nodes[i], g->nodes[i].attrs.a[k].name, g->nodes[i].attrs.a[k].value);
        for (; e < g->n_edges && g->edges[e].tail == i; e++) {
            size_t h = g->edges[e].head;
            if (!nodes[h]) {
                char *id = escstring(g->nodes[h].id);
                nodes[h] = agnode(G, id, 1);
                free(id);
            }
            Agedge_t *E = agedge(G, nodes[i], nodes[h], NULL, 1);
            for (size_t k = 0; E && k < g->edges[e].attrs.n; k++)
                set_attr(E, g->edges[e].attrs.a[k].name, g->edges[e].attrs.a[k].value);
        }
    }
    free(nodes);
    return G;
}

/* cairo stamps PDFs with the current time. Overwrite the stamps' digits (same length, so
 * the cross-reference offsets stay valid) with SOURCE_DATE_EPOCH, or 1970-01-01, so that the
 * same input always gives the same bytes. */
static void pdf_fix_dates(char *buf, size_t len)
{
    char stamp[32];
    time_t t = 0;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    uint64_t v;
    if (sde && parse_u64(sde, strlen(sde), &v) && v < (uint64_t)1 << 40)
        t = (time_t)v;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
    static const char *const keys[] = {"/CreationDate (D:", "/ModDate (D:"};
    for (size_t k = 0; k < 2; k++) {
        size_t kl = strlen(keys[k]);
        for (char *p = buf; p && (size_t)(p - buf) + kl + 14 <= len;) {
            p = memmem(p, len - (size_t)(p - buf), keys[k], kl);
            if (!p)
                break;
            p += kl;
            size_t digits = 0;
            while ((size_t)(p - buf) + digits < len && digits < 14 && p[digits] >= '0' &&
                   p[digits] <= '9')
                digits++;
            if (digits == 14)
                memcpy(p, stamp, 14);
        }
    }
}

enum p2p_status render_gvc(const struct graph *g, const char *format, FILE *f, struct diag *d)
{
    if (strncmp(format, "pdf", 3) == 0) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m)
            return diag_error(d, P2P_ERR_IO, "out of memory");
        enum p2p_status st = render_gvc_stream(g, format, m, d);
        if (fclose(m) != 0 && st == P2P_OK)
            st = diag_error(d, P2P_ERR_IO, "out of memory");
        if (st == P2P_OK) {
            pdf_fix_dates(buf, len);
            fwrite(buf, 1, len, f);
        }
        free(buf);
        return st;
    }
    return render_gvc_stream(g, format, f, d);
}

/* One Graphviz context per process: Graphviz 2.43's pango plugin keeps a font cache that
 * outlives gvFreeContext, so a second context in the same process reads freed memory. */
static GVC_t *gvc_ctx;

void render_fini(void)
{
    if (gvc_ctx)
        gvFreeContext(gvc_ctx);
    gvc_ctx = NULL;
}

static enum p2p_status render_gvc_stream(const struct graph *g, const char *format, FILE *f,
                                         struct diag *d)
{
    gv_error[0] = '\0';
    agseterr(AGERR);
    agseterrf(capture_error);
    if (!gvc_ctx)
        gvc_ctx = gvContext();
    GVC_t *gvc = gvc_ctx;
    if (!gvc)
        return diag_error(d, P2P_ERR_IO, "cannot initialise Graphviz");
    enum p2p_status st = P2P_OK;
    Agraph_t *G = build_cgraph(g);
    if (!G) {
        st = diag_error(d, P2P_ERR_IO, "Graphviz could not create the graph");
        goto out;
    }
    bool layout = !render_format_is_dot(format);
    if (layout && gvLayout(gvc, G, "dot") != 0) {
        st = diag_error(d, P2P_ERR_IO, "Graphviz layout failed%s%s", gv_error[0] ? ": " : "",
                        gv_error);
        goto out;
    }
    if (gvRender(gvc, G, format, f) != 0 || (gv_error[0] && agerrors())) {
        if (strstr(gv_error, "not recognized") || strstr(gv_error, "unavailable"))
            st = diag_error(d, P2P_ERR_USAGE,
                            "output format '%s' is not available: no Graphviz plugin renders "
                            "it (is libgvc's cairo or gd plugin installed?)",
                            format);
        else
            st = diag_error(d, P2P_ERR_IO, "Graphviz could not render %s%s%s", format,
                            gv_error[0] ? ": " : "", gv_error);
    }
    if (layout)
        gvFreeLayout(gvc, G);
out:
    if (G)
        agclose(G);
    agseterrf(NULL);
    agreseterrors();
    return st;
}

/* ---------------------------------------------------------------- delivery */

static enum p2p_status produce(const struct graph *g, const char *format, FILE *f,
                               struct diag *d)
{
    if (render_format_is_dot(format)) {
        render_dot(g, f);
        return P2P_OK;
    }
    return render_gvc(g, format, f, d);
}

/* Copy the finished temporary stream to standard output. */
static enum p2p_status copy_to_stdout(FILE *tmp, struct diag *d)
{
    char buf[65536];
    size_t n;
    rewind(tmp);
    while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            break;
    if (ferror(tmp))
        return diag_error(d, P2P_ERR_IO, "cannot read back the temporary output: %s",
                          strerror(errno));
    if (fflush(stdout) != 0 || ferror(stdout))
        return diag_error(d, P2P_ERR_IO, "error writing to standard output: %s",
                          strerror(errno));
    return P2P_OK;
}

enum p2p_status render_write(const struct graph *g, const char *format, const char *path,
                             struct diag *d)
{
    bool to_stdout = !path || strcmp(path, "-") == 0;
    d->file = NULL;
    if (to_stdout) {
        if (render_format_is_binary(format) && isatty(STDOUT_FILENO))
            return diag_error(d, P2P_ERR_USAGE,
                              "refusing to write binary %s output to a terminal; use -o FILE "
                              "or redirect standard output",
                              format);
        FILE *tmp = tmpfile();
        if (!tmp)
            return diag_error(d, P2P_ERR_IO, "cannot create a temporary file: %s",
                              strerror(errno));
        enum p2p_status st = produce(g, format, tmp, d);
        if (st == P2P_OK && (fflush(tmp) != 0 || ferror(tmp)))
            st = diag_error(d, P2P_ERR_IO, "cannot write the temporary output: %s",
                            strerror(errno));
        if (st == P2P_OK)
            st = copy_to_stdout(tmp, d);
        fclose(tmp);
        return st;
    }

    /* A device or pipe (/dev/null, /dev/full, a FIFO) is written directly: renaming over
     * it would replace it. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        FILE *tmp = tmpfile();
        if (!tmp)
            return diag_error(d, P2P_ERR_IO, "cannot create a temporary file: %s",
                              strerror(errno));
        enum p2p_status st = produce(g, format, tmp, d);
        FILE *out = st == P2P_OK ? fopen(path, "wb") : NULL;
        if (st == P2P_OK && !out)
            st = diag_error(d, P2P_ERR_IO, "cannot open %s: %s", path, strerror(errno));
        if (out) {
            char buf[65536];
            size_t n;
            rewind(tmp);
            while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
                if (fwrite(buf, 1, n, out) != n)
                    break;
            if ((fflush(out) != 0 || ferror(out) || ferror(tmp)) && st == P2P_OK)
                st = diag_error(d, P2P_ERR_IO, "error writing %s: %s", path, strerror(errno));
            if (fclose(out) != 0 && st == P2P_OK)
                st = diag_error(d, P2P_ERR_IO, "error writing %s: %s", path, strerror(errno));
        }
        fclose(tmp);
        return st;
    }

    /* A temporary file in the destination's directory, so that rename() is atomic. */
    const char *slash = strrchr(path, '/');
    char *tmpl = slash ? xasprintf("%.*s/.prof2png-XXXXXX", (int)(slash - path), path)
                       : xstrdup(".prof2png-XXXXXX");
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        enum p2p_status st = diag_error(d, P2P_ERR_IO, "cannot create a file beside %s: %s",
                                        path, strerror(errno));
        free(tmpl);
        return st;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmpl);
        free(tmpl);
        return diag_error(d, P2P_ERR_IO, "cannot open a temporary file: %s", strerror(errno));
    }
    enum p2p_status st = produce(g, format, f, d);
    if (st == P2P_OK && (fflush(f) != 0 || ferror(f)))
        st = diag_error(d, P2P_ERR_IO, "error writing %s: %s", path, strerror(errno));
    if (fclose(f) != 0 && st == P2P_OK)
        st = diag_error(d, P2P_ERR_IO, "error writing %s: %s", path, strerror(errno));
    if (st == P2P_OK && rename(tmpl, path) != 0)
        st = diag_error(d, P2P_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    if (st != P2P_OK)
        unlink(tmpl);
    free(tmpl);
    return st;
}
