/* The presentation graph of normal mode (spec 6-8): output order, node ids, labels, colours
 * and sizes as DOT attribute strings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "sha1.h"

#define MAX_ID_CHARS 1024

/* Names are data: every string entering the presentation graph (here and in graph_add_node)
 * becomes valid UTF-8 (stray bytes read as Latin-1) without control characters, which XML
 * (SVG) cannot carry: they are shown as their Unicode control pictures (U+2400 + c, DEL as
 * U+2421). Newlines separate label lines and tabs are escaped by the writers, so both stay. */
static char *clean_text(char *s)
{
    s = utf8_repair(s);
    bool controls = false;
    for (const unsigned char *p = (const unsigned char *)s; *p && !controls; p++)
        controls = (*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f;
    if (!controls)
        return s;
    struct strbuf b;
    strbuf_init(&b);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            strbuf_add_utf8(&b, *p == 0x7f ? 0x2421 : 0x2400 + *p);
        else
            strbuf_addc(&b, (char)*p);
    }
    free(s);
    return strbuf_detach(&b);
}

void attrs_add(struct graph_attrs *a, const char *name, char *value)
{
    a->a = xreallocarray(a->a, a->n + 1, sizeof(*a->a));
    a->a[a->n].name = name;
    a->a[a->n].value = clean_text(value);
    a->a[a->n].raw = false;
    a->n++;
}

static void attrs_add_raw(struct graph_attrs *a, const char *name, const char *value)
{
    attrs_add(a, name, xstrdup(value));
    a->a[a->n - 1].raw = true;
}

static int attr_cmp(const void *x, const void *y)
{
    return strcmp(((const struct graph_attr *)x)->name, ((const struct graph_attr *)y)->name);
}

void attrs_sort(struct graph_attrs *a)
{
    if (a->n > 1)
        qsort(a->a, a->n, sizeof(*a->a), attr_cmp);
}

const char *graph_attr_get(const struct graph_attrs *attrs, const char *name)
{
    for (size_t i = 0; i < attrs->n; i++)
        if (strcmp(attrs->a[i].name, name) == 0)
            return attrs->a[i].value;
    return NULL;
}

void graph_attr_set(struct graph_attrs *attrs, const char *name, const char *value, bool raw)
{
    for (size_t i = 0; i < attrs->n; i++)
        if (strcmp(attrs->a[i].name, name) == 0) {
            free(attrs->a[i].value);
            attrs->a[i].value = clean_text(xstrdup(value));
            attrs->a[i].raw = raw;
            return;
        }
    attrs_add(attrs, name, xstrdup(value));
    attrs->a[attrs->n - 1].raw = raw;
    attrs_sort(attrs);
}

static void attrs_free(struct graph_attrs *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->a[i].value);
    free(a->a);
    a->a = NULL;
    a->n = 0;
}

struct graph *graph_alloc(enum graph_theme theme, bool compare)
{
    struct graph *g = xcalloc(1, sizeof(*g));
    bool print = theme == GRAPH_THEME_PRINT;
    g->tooltip = " ";
    attrs_add_raw(&g->graph_attrs, "fontname", "Arial");
    attrs_add_raw(&g->graph_attrs, "nodesep", "0.125");
    attrs_add_raw(&g->graph_attrs, "ranksep", "0.25");
    attrs_add_raw(&g->node_defaults, "fontcolor", print ? "black" : "white");
    attrs_add_raw(&g->node_defaults, "fontname", "Arial");
    attrs_add_raw(&g->node_defaults, "height", "0");
    if (!compare)
        attrs_add_raw(&g->node_defaults, "shape", "box");
    attrs_add_raw(&g->node_defaults, "style", print ? "solid" : "filled");
    attrs_add_raw(&g->node_defaults, "width", "0");
    attrs_add_raw(&g->edge_defaults, "fontname", "Arial");
    return g;
}

void graph_free(struct graph *g)
{
    if (!g)
        return;
    attrs_free(&g->graph_attrs);
    attrs_free(&g->node_defaults);
    attrs_free(&g->edge_defaults);
    for (size_t i = 0; i < g->n_nodes; i++) {
        free(g->nodes[i].id);
        attrs_free(&g->nodes[i].attrs);
    }
    for (size_t i = 0; i < g->n_edges; i++)
        attrs_free(&g->edges[i].attrs);
    free(g->nodes);
    free(g->edges);
    free(g->listing);
    free(g);
}

void graph_add_node(struct graph *g, char *id)
{
    UTIL_GROW(g->nodes, g->cap_nodes_, g->n_nodes + 1);
    memset(&g->nodes[g->n_nodes], 0, sizeof(g->nodes[0]));
    g->nodes[g->n_nodes++].id = clean_text(id);
}

void graph_add_edge(struct graph *g, size_t tail, size_t head)
{
    UTIL_GROW(g->edges, g->cap_edges_, g->n_edges + 1);
    memset(&g->edges[g->n_edges], 0, sizeof(g->edges[0]));
    g->edges[g->n_edges].tail = tail;
    g->edges[g->n_edges++].head = head;
}

void ni_init(struct name_index *m, size_t n)
{
    size_t slots = 16;
    while (slots < n * 2 + 2)
        slots *= 2;
    m->names = xcalloc(slots, sizeof(*m->names));
    m->vals = xcalloc(slots, sizeof(*m->vals));
    m->mask = slots - 1;
}

void ni_fini(struct name_index *m)
{
    free(m->names);
    free(m->vals);
}

size_t ni_slot(const struct name_index *m, const char *name)
{
    size_t j = util_hash(name, strlen(name)) & m->mask;
    while (m->names[j] && strcmp(m->names[j], name) != 0)
        j = (j + 1) & m->mask;
    return j;
}

size_t ni_get(const struct name_index *m, const char *name)
{
    size_t j = ni_slot(m, name);
    return m->names[j] ? m->vals[j] : SIZE_MAX;
}

/* Distinct functions can have equal ids once cleaned (a stray byte 0xFF reads as "\xc3\xbf",
 * a control character as its picture, which a name can also hold) or hashed, and DOT and
 * cgraph would merge their nodes. The first keeps its id; each later one gets " #2", " #3",
 * ..., the first that no node holds. The map keeps, for an id, the last suffix it gave, so a
 * thousand equal ids cost a thousand tries, not half a million. gprof2dot's ids are the
 * names, which cannot be equal, so its output is never changed. */
void graph_unique_ids(struct graph *g)
{
    struct name_index m;
    ni_init(&m, g->n_nodes);
    for (size_t i = 0; i < g->n_nodes; i++) {
        size_t j = ni_slot(&m, g->nodes[i].id);
        if (!m.names[j]) {
            m.names[j] = g->nodes[i].id;
            m.vals[j] = 1;
            continue;
        }
        for (size_t k = m.vals[j] + 1;; k++) {
            char *alt = xasprintf("%s #%zu", g->nodes[i].id, k);
            size_t a = ni_slot(&m, alt);
            if (!m.names[a]) {
                m.names[a] = alt;
                m.vals[a] = 1;
                m.vals[j] = k;
                free(g->nodes[i].id);
                g->nodes[i].id = alt;
                break;
            }
            free(alt);
        }
    }
    ni_fini(&m);
}

int func_id_cmp(const struct profile *p, size_t a, size_t b)
{
    const struct prof_func *x = &p->funcs[a], *y = &p->funcs[b];
    if (p->int_ids)
        return x->int_id < y->int_id ? -1 : x->int_id > y->int_id;
    return strcmp(x->str_id, y->str_id);
}

/* qsort has no context argument in C11: sort (key, index) pairs instead. */
struct sort_item {
    const struct profile *p;
    size_t f;  /* function index */
    size_t ix; /* what to return */
};

static int sort_item_cmp(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    int c = func_id_cmp(x->p, x->f, y->f);
    return c ? c : (x->ix < y->ix ? -1 : x->ix > y->ix);
}

size_t *sorted_funcs(const struct work *w, size_t *n_out)
{
    struct sort_item *items = xmalloc((w->n ? w->n : 1) * sizeof(*items));
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        if (!w->f[i].removed)
            items[n++] = (struct sort_item){w->p, i, i};
    qsort(items, n, sizeof(*items), sort_item_cmp);
    size_t *out = xmalloc((n ? n : 1) * sizeof(*out));
    for (size_t k = 0; k < n; k++)
        out[k] = items[k].ix;
    free(items);
    *n_out = n;
    return out;
}

size_t *sorted_calls(const struct work *w, size_t i, size_t *n_out)
{
    const struct wfunc *f = &w->f[i];
    struct sort_item *items = xmalloc((f->n_calls ? f->n_calls : 1) * sizeof(*items));
    size_t n = 0;
    for (size_t c = 0; c < f->n_calls; c++)
        if (!f->calls[c].removed && !w->f[f->calls[c].callee].removed)
            items[n++] = (struct sort_item){w->p, f->calls[c].callee, c};
    qsort(items, n, sizeof(*items), sort_item_cmp);
    size_t *out = xmalloc((n ? n : 1) * sizeof(*out));
    for (size_t k = 0; k < n; k++)
        out[k] = items[k].ix;
    free(items);
    *n_out = n;
    return out;
}

char *node_id(const struct profile *p, size_t i)
{
    const struct prof_func *f = &p->funcs[i];
    if (p->int_ids)
        return xasprintf("%lld", (long long)f->int_id);
    /* Ids of more than 1024 characters are hashed, as gprof2dot does. */
    size_t chars = 0;
    for (const unsigned char *s = (const unsigned char *)f->str_id; *s; s++)
        chars += (*s & 0xC0) != 0x80;
    if (chars <= MAX_ID_CHARS)
        return xstrdup(f->str_id);
    unsigned char digest[20];
    sha1(f->str_id, strlen(f->str_id), digest);
    char *id = xmalloc(42);
    id[0] = '_';
    for (int k = 0; k < 20; k++) {
        static const char hex[] = "0123456789abcdef";
        id[1 + 2 * k] = hex[digest[k] >> 4];
        id[2 + 2 * k] = hex[digest[k] & 15];
    }
    id[41] = '\0';
    return id;
}

static char *fmt2(double v)
{
    return xasprintf("%.2f", v);
}

static void node_label(struct strbuf *b, const struct work *w, size_t i,
                       const struct graph_opts *o, const enum prof_event *ev, size_t n_ev)
{
    const struct prof_func *pf = &w->p->funcs[i];
    const struct wfunc *f = &w->f[i];
    strbuf_reset(b);
    strbuf_add(b, "", 0);
    label_add_line(b, pf->process, "process", w->d);
    label_add_line(b, pf->module, "module", w->d);
    char *name = label_display_name(pf->name, o->strip, true, o->wrap, w->d);
    strbuf_adds(b, name);
    free(name);
    for (size_t k = 0; k < n_ev; k++) {
        if (!ev_has(&f->ev, ev[k]))
            continue;
        strbuf_addc(b, '\n');
        label_event(b, ev[k], ev_get(&f->ev, ev[k]), o->time_format);
    }
    if (pf->has_called) {
        strbuf_addc(b, '\n');
        label_event(b, PEV_CALLS, pf->called, o->time_format);
    }
}

void present_edge_label(struct strbuf *b, const struct wcall *c)
{
    strbuf_reset(b);
    strbuf_add(b, "", 0);
    if (ev_has(c->ev, PEV_TTR))
        label_pct(b, ev_get(c->ev, PEV_TTR));
    if (ev_has(c->ev, PEV_CALLS)) {
        if (b->len)
            strbuf_addc(b, '\n');
        label_event(b, PEV_CALLS, ev_get(c->ev, PEV_CALLS), NULL);
    }
}

void present_edge_attrs(struct graph_attrs *a, const struct theme *t, double weight,
                        char *label)
{
    char color[8];
    theme_color(t, weight, color);
    attrs_add(a, "arrowsize", fmt2(theme_arrowsize(t, weight)));
    attrs_add(a, "color", xstrdup(color));
    attrs_add(a, "fontcolor", xstrdup(color));
    attrs_add(a, "fontsize", fmt2(theme_fontsize(t, weight)));
    attrs_add(a, "label", label);
    attrs_add(a, "labeldistance", fmt2(theme_penwidth(t, weight)));
    attrs_add(a, "penwidth", fmt2(theme_penwidth(t, weight)));
}

double present_edge_weight(const struct work *w, const struct wcall *c)
{
    if (c->has_weight)
        return c->weight;
    const struct wfunc *g = &w->f[c->callee];
    return g->has_weight ? g->weight : 0.0;
}

struct graph *present(const struct work *w, const struct graph_opts *o, struct diag *d)
{
    (void)d;
    struct graph *g = graph_alloc(o->theme, false);
    struct theme t;
    theme_get(&t, o->theme, o->skew);
    enum prof_event ev[GRAPH_MAX_LABELS + 2];
    size_t n_ev = label_node_events(o, ev, P2P_ARRAY_LEN(ev));
    size_t n;
    size_t *order = sorted_funcs(w, &n);
    /* Node index in the graph of each remaining function. */
    size_t *gidx = xmalloc((w->n ? w->n : 1) * sizeof(*gidx));
    for (size_t k = 0; k < n; k++) {
        gidx[order[k]] = k;
        graph_add_node(g, node_id(w->p, order[k]));
    }
    graph_unique_ids(g);
    struct strbuf b;
    strbuf_init(&b);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const struct wfunc *f = &w->f[i];
        const struct prof_func *pf = &w->p->funcs[i];
        double weight = f->has_weight ? f->weight : 0.0;
        char color[8];
        theme_color(&t, weight, color);
        struct graph_attrs *a = &g->nodes[k].attrs;
        attrs_add(a, "color", xstrdup(color));
        attrs_add(a, "fontcolor", xstrdup(t.fontcolor_black ? color : "#ffffff"));
        attrs_add(a, "fontsize", fmt2(theme_fontsize(&t, weight)));
        node_label(&b, w, i, o, ev, n_ev);
        attrs_add(a, "label", xstrdup(b.s));
        if (pf->filename)
            attrs_add(a, "tooltip", label_truncate(pf->filename, "file name", w->d));
        size_t nc;
        size_t *calls = sorted_calls(w, i, &nc);
        for (size_t m = 0; m < nc; m++) {
            const struct wcall *c = &f->calls[calls[m]];
            graph_add_edge(g, k, gidx[c->callee]);
            present_edge_label(&b, c);
            present_edge_attrs(&g->edges[g->n_edges - 1].attrs, &t, present_edge_weight(w, c),
                               xstrdup(b.s));
        }
        free(calls);
    }
    strbuf_fini(&b);
    free(order);
    free(gidx);
    return g;
}
