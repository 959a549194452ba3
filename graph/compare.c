/* Compare mode (spec section 10): profile A drawn with profile B's numbers beside it;
 * nodes are paired by name, differences in percentage points. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

/* Python's str() of a call count: integers without a fraction. */
static void add_plain_number(struct strbuf *b, const struct prof_func *f)
{
    if (!f->has_called)
        strbuf_adds(b, "None");
    else if (f->called == trunc(f->called) && fabs(f->called) < 1e17)
        strbuf_addf(b, "%.0f", f->called);
    else
        strbuf_addf(b, "%.17g", f->called);
}

/* round(d, k) printed as Python's repr: the %.kf digits without trailing zeros, keeping
 * one digit after the point. */
static void add_difference(struct strbuf *b, double d, int k)
{
    if (k < 0)
        k = 0;
    if (k > 17)
        k = 17;
    char buf[64];
    snprintf(buf, sizeof(buf), "%.*f", k, d);
    char *dot = strchr(buf, '.');
    if (!dot) {
        strbuf_adds(b, buf);
        strbuf_adds(b, ".0");
        return;
    }
    size_t n = strlen(buf);
    while (n > (size_t)(dot - buf) + 2 && buf[n - 1] == '0')
        n--;
    strbuf_add(b, buf, n);
}

struct graph *present_compare(const struct work *a, const struct work *b,
                              const struct graph_opts *o, struct diag *d)
{
    struct graph *g = graph_alloc(o->theme, true);
    struct theme t;
    theme_get(&t, o->theme, o->skew);
    enum prof_event ev[GRAPH_MAX_LABELS + 2];
    size_t n_ev = label_node_events(o, ev, P2P_ARRAY_LEN(ev));
    double tol = o->compare_tolerance;
    int k = tol > 0 ? (int)-floor(log10(tol)) : 17;

    size_t na, nb;
    size_t *oa = sorted_funcs(a, &na), *ob = sorted_funcs(b, &nb);
    struct name_index m; /* name -> index of the function of b (later ids replace earlier) */
    ni_init(&m, nb);
    for (size_t q = 0; q < nb; q++) {
        const char *name = b->p->funcs[ob[q]].name;
        size_t j = ni_slot(&m, name);
        m.names[j] = name;
        m.vals[j] = ob[q];
    }
    /* Difference range, pairing functions by position (as gprof2dot does). */
    double dmin = 0, dmax = 0;
    for (size_t q = 0; q < na; q++) {
        const struct prof_events *e1 = &a->f[oa[q]].ev;
        double v1 = ev_has(e1, PEV_TTR) ? ev_get(e1, PEV_TTR) : 0.0, dd = 0.0;
        if (q < nb) {
            const struct prof_events *e2 = &b->f[ob[q]].ev;
            double v2 = ev_has(e2, PEV_TTR) ? ev_get(e2, PEV_TTR) : 0.0;
            dd = fabs(v1 - v2) * 100;
        }
        if (q == 0 || dd < dmin)
            dmin = dd;
        if (q == 0 || dd > dmax)
            dmax = dd;
    }

    size_t *gidx = xmalloc((a->n ? a->n : 1) * sizeof(*gidx));
    for (size_t q = 0; q < na; q++) {
        gidx[oa[q]] = q;
        graph_add_node(g, node_id(a->p, oa[q]));
    }
    graph_unique_ids(g);
    struct strbuf lb;
    strbuf_init(&lb);
    size_t last_match = SIZE_MAX; /* in b */
    for (size_t q = 0; q < na; q++) {
        size_t i = oa[q];
        const struct prof_func *p1 = &a->p->funcs[i];
        const struct wfunc *f1 = &a->f[i];
        size_t j = ni_get(&m, p1->name);
        const char *shape = "box", *orientation = "0";
        double dw = 0.0;
        strbuf_reset(&lb);
        strbuf_add(&lb, "", 0);
        if (j != SIZE_MAX) {
            last_match = j;
            const struct prof_func *p2 = &b->p->funcs[j];
            const struct wfunc *f2 = &b->f[j];
            char *name = label_display_name(p1->name, false, false, o->wrap, d);
            strbuf_adds(&lb, name);
            free(name);
            for (size_t e = 0; e < n_ev; e++) {
                if (!ev_has(&f1->ev, ev[e]))
                    continue;
                double v1 = ev_get(&f1->ev, ev[e]);
                double v2 = ev_has(&f2->ev, ev[e]) ? ev_get(&f2->ev, ev[e]) : v1;
                double diff = fabs(v1 - v2) * 100;
                strbuf_addc(&lb, '\n');
                label_event(&lb, ev[e], v1, o->time_format);
                int sign = 0;
                if (ev[e] == PEV_TTR) {
                    if (diff >= tol && v2 > v1 && !o->compare_only_faster) {
                        sign = 1;
                        shape = "cds";
                        dw = diff;
                    } else if (diff >= tol && v2 < v1 && !o->compare_only_slower) {
                        sign = -1;
                        shape = "cds";
                        orientation = "90";
                        dw = diff;
                    }
                } else if (diff >= tol) {
                    sign = v2 > v1 ? 1 : v2 < v1 ? -1 : 0;
                }
                if (sign) {
                    strbuf_adds(&lb, sign > 0 ? " + " : " - ");
                    add_difference(&lb, diff, k);
                    strbuf_addc(&lb, '%');
                }
                if (p1->has_called) {
                    strbuf_addc(&lb, '\n');
                    add_plain_number(&lb, p1);
                    strbuf_adds(&lb, " \xc3\x97/ ");
                    add_plain_number(&lb, p2);
                    strbuf_adds(&lb, " \xc3\x97");
                }
            }
        } else {
            label_add_line(&lb, p1->process, "process", d);
            label_add_line(&lb, p1->module, "module", d);
            char *name = label_display_name(p1->name, o->strip, true, o->wrap, d);
            strbuf_adds(&lb, name);
            free(name);
            for (size_t e = 0; e < n_ev; e++) {
                if (!ev_has(&f1->ev, ev[e]))
                    continue;
                strbuf_addc(&lb, '\n');
                label_event(&lb, ev[e], ev_get(&f1->ev, ev[e]), o->time_format);
            }
            if (p1->has_called) {
                strbuf_addc(&lb, '\n');
                label_event(&lb, PEV_CALLS, p1->called, o->time_format);
            }
        }
        double weight;
        if (o->compare_color_by_difference && dw != 0.0)
            weight = dmax != dmin ? (dw - dmin) / (dmax - dmin) : 0.0;
        else if (!o->compare_color_by_difference && f1->has_weight)
            weight = f1->weight;
        else
            weight = 0.0;
        char color[8];
        theme_color(&t, weight, color);
        struct graph_attrs *at = &g->nodes[q].attrs;
        attrs_add(at, "color", xstrdup(color));
        attrs_add(at, "fontcolor", xstrdup(t.fontcolor_black ? color : "#ffffff"));
        attrs_add(at, "fontsize", xasprintf("%f", theme_fontsize(&t, weight)));
        attrs_add(at, "label", xstrdup(lb.s));
        attrs_add(at, "orientation", xstrdup(orientation));
        at->a[at->n - 1].raw = true;
        attrs_add(at, "shape", xstrdup(shape));
        at->a[at->n - 1].raw = true;
        if (p1->filename)
            attrs_add(at, "tooltip", label_truncate(p1->filename, "file name", d));

        size_t nc;
        size_t *calls = sorted_calls(a, i, &nc);
        for (size_t c = 0; c < nc; c++) {
            const struct wcall *c1 = &f1->calls[calls[c]];
            const struct wcall *c2 = NULL;
            if (last_match != SIZE_MAX) {
                size_t g2 = ni_get(&m, a->p->funcs[c1->callee].name);
                const struct wfunc *f2 = &b->f[last_match];
                for (size_t x = 0; g2 != SIZE_MAX && x < f2->n_calls; x++)
                    if (f2->calls[x].callee == g2 && !f2->calls[x].removed) {
                        c2 = &f2->calls[x];
                        break;
                    }
            }
            strbuf_reset(&lb);
            strbuf_add(&lb, "", 0);
            static const enum prof_event edge_ev[] = {PEV_TTR, PEV_CALLS};
            for (size_t e = 0; e < 2; e++) {
                if (!ev_has(c1->ev, edge_ev[e]))
                    continue;
                if (lb.len)
                    strbuf_addc(&lb, '\n');
                label_event(&lb, edge_ev[e], ev_get(c1->ev, edge_ev[e]), o->time_format);
                if (c2 && ev_has(c2->ev, edge_ev[e])) {
                    strbuf_adds(&lb, " / ");
                    label_event(&lb, edge_ev[e], ev_get(c2->ev, edge_ev[e]), o->time_format);
                }
            }
            graph_add_edge(g, q, gidx[c1->callee]);
            double ew = o->compare_color_by_difference ? 0.0
                        : c1->has_weight              ? c1->weight
                                                      : 0.0;
            present_edge_attrs(&g->edges[g->n_edges - 1].attrs, &t, ew, xstrdup(lb.s));
        }
        free(calls);
    }
    strbuf_fini(&lb);
    free(gidx);
    free(oa);
    free(ob);
    ni_fini(&m);
    return g;
}
