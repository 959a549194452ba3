/* DOT text writer following gprof2dot's layout and quoting exactly (spec section 8), so that
 * prof2png's DOT is line-for-line what gprof2dot writes. */
#include "config.h"

#include <string.h>

#include "render.h"

static const char *const keywords[] = {"node", "edge", "graph", "digraph", "subgraph",
                                       "strict"};

/* gprof2dot writes a string bare when it is alphanumeric, does not start with "0x" and is
 * not a keyword. (It uses Python's Unicode isalnum; non-ASCII names are quoted here, which
 * DOT reads the same.) Unlike gprof2dot, a string that starts with a digit and is not all
 * digits is quoted too: DOT reads "0d" or "000x1" bare as a number and a name, two ids. */
static bool bare(const char *s)
{
    if (!*s || strncmp(s, "0x", 2) == 0)
        return false;
    bool digits = true;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
        digits = digits && c >= '0' && c <= '9';
    }
    if (s[0] >= '0' && s[0] <= '9' && !digits)
        return false;
    for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
        if (strcasecmp(s, keywords[k]) == 0)
            return false;
    return true;
}

void render_dot_escape(FILE *f, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        case '"':
            fputs("\\\"", f);
            break;
        default:
            fputc(*p, f);
        }
    }
}

static void write_id(FILE *f, const char *s)
{
    if (bare(s)) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    render_dot_escape(f, s);
    fputc('"', f);
}

static void write_attrs(FILE *f, const struct graph_attrs *a)
{
    fputs(" [", f);
    for (size_t i = 0; i < a->n; i++) {
        if (i)
            fputs(", ", f);
        fputs(a->a[i].name, f);
        fputc('=', f);
        if (a->a[i].raw)
            fputs(a->a[i].value, f);
        else
            write_id(f, a->a[i].value);
    }
    fputs("];\n", f);
}

void render_dot(const struct graph *g, FILE *f)
{
    fputs("digraph {\n", f);
    if (g->tooltip) {
        fputs("\ttooltip=", f);
        write_id(f, g->tooltip);
        fputc('\n', f);
    }
    fputs("\tgraph", f);
    write_attrs(f, &g->graph_attrs);
    fputs("\tnode", f);
    write_attrs(f, &g->node_defaults);
    fputs("\tedge", f);
    write_attrs(f, &g->edge_defaults);
    size_t e = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        fputc('\t', f);
        write_id(f, g->nodes[i].id);
        write_attrs(f, &g->nodes[i].attrs);
        for (; e < g->n_edges && g->edges[e].tail == i; e++) {
            fputc('\t', f);
            write_id(f, g->nodes[i].id);
            fputs(" -> ", f);
            write_id(f, g->nodes[g->edges[e].head].id);
            write_attrs(f, &g->edges[e].attrs);
        }
    }
    fputs("}\n", f);
}
