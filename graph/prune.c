/* Weights and pruning (spec 5.1): node and edge thresholds, -p paths, and the
 * self-time recolouring. Nothing is re-normalised and isolated nodes stay. */
#include "config.h"

#include <string.h>

#include "graph_int.h"

static bool path_keeps(const struct prof_func *pf, const struct graph_opts *o)
{
    if (pf->filename && *pf->filename) {
        for (size_t k = 0; k < o->n_paths; k++)
            if (strncmp(pf->filename, o->paths[k], strlen(o->paths[k])) == 0)
                return true;
        return false;
    }
    if (pf->module && *pf->module) {
        for (size_t k = 0; k < o->n_paths; k++)
            if (strstr(pf->module, o->paths[k]))
                return true;
        return false;
    }
    return true;
}

void prune(struct work *w, const struct graph_opts *o)
{
    double node_thres = o->node_thres / 100.0, edge_thres = o->edge_thres / 100.0;
    for (size_t i = 0; i < w->n; i++) {
        struct wfunc *f = &w->f[i];
        if (ev_has(&f->ev, PEV_TTR)) {
            f->has_weight = true;
            f->weight = ev_get(&f->ev, PEV_TTR);
        }
        for (size_t c = 0; c < f->n_calls; c++) {
            struct wcall *call = &f->calls[c];
            const struct wfunc *g = &w->f[call->callee];
            if (ev_has(call->ev, PEV_TTR)) {
                call->has_weight = true;
                call->weight = ev_get(call->ev, PEV_TTR);
            } else if (ev_has(&f->ev, PEV_TTR) && ev_has(&g->ev, PEV_TTR)) {
                double a = ev_get(&f->ev, PEV_TTR), b = ev_get(&g->ev, PEV_TTR);
                call->has_weight = true;
                call->weight = b < a ? b : a;
            }
        }
    }
    for (size_t i = 0; i < w->n; i++) {
        struct wfunc *f = &w->f[i];
        if (f->has_weight && f->weight < node_thres)
            f->removed = true;
    }
    if (o->n_paths)
        for (size_t i = 0; i < w->n; i++)
            if (!w->f[i].removed && !path_keeps(&w->p->funcs[i], o))
                w->f[i].removed = true;
    for (size_t i = 0; i < w->n; i++) {
        struct wfunc *f = &w->f[i];
        if (f->removed)
            continue;
        for (size_t c = 0; c < f->n_calls; c++) {
            struct wcall *call = &f->calls[c];
            if (w->f[call->callee].removed || (call->has_weight && call->weight < edge_thres))
                call->removed = true;
        }
    }
    if (o->color_by_selftime) {
        double m = 0.0;
        bool any = false;
        for (size_t i = 0; i < w->n; i++) {
            const struct wfunc *f = &w->f[i];
            if (f->removed || !ev_has(&f->ev, PEV_TIME_RATIO))
                continue;
            double v = ev_get(&f->ev, PEV_TIME_RATIO);
            if (!any || v > m)
                m = v;
            any = true;
        }
        if (!any)
            m = 1.0;
        if (m != 0.0)
            for (size_t i = 0; i < w->n; i++) {
                struct wfunc *f = &w->f[i];
                if (f->removed || !ev_has(&f->ev, PEV_TIME_RATIO))
                    continue;
                f->has_weight = true;
                f->weight = ev_get(&f->ev, PEV_TIME_RATIO) / m;
            }
    }
}
