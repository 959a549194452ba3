/* graph_build: copy the profile into working state, derive totals per the format's recipe,
 * prune and select, then hand over to present.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

void graph_opts_init(struct graph_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->node_thres = 0.5;
    o->edge_thres = 0.1;
    o->depth = -1;
    o->total = GRAPH_TOTAL_CALLRATIOS;
    o->theme = GRAPH_THEME_COLOR;
    o->skew = 1.0;
    o->time_format = "%.7g";
    o->compare_tolerance = 0.001;
}

void work_init(struct work *w, const struct profile *p, struct profile *owned, struct diag *d)
{
    memset(w, 0, sizeof(*w));
    w->p = p;
    w->d = d;
    w->n = p->n_funcs;
    w->f = xcalloc(w->n ? w->n : 1, sizeof(*w->f));
    size_t n_calls = 0;
    for (size_t i = 0; i < w->n; i++)
        n_calls += p->funcs[i].n_calls;
    w->call_pool = xcalloc(n_calls ? n_calls : 1, sizeof(*w->call_pool));
    if (!owned)
        w->call_ev = xmalloc((n_calls ? n_calls : 1) * sizeof(*w->call_ev));
    struct wcall *next = w->call_pool;
    struct prof_events *ev = w->call_ev;
    for (size_t i = 0; i < w->n; i++) {
        const struct prof_func *pf = &p->funcs[i];
        struct wfunc *f = &w->f[i];
        f->ev = pf->ev;
        f->cycle = NO_CYCLE;
        f->calls = next;
        f->n_calls = pf->n_calls;
        for (size_t c = 0; c < pf->n_calls; c++) {
            next[c].callee = pf->calls[c].callee;
            if (owned) {
                next[c].ev = &owned->funcs[i].calls[c].ev;
            } else {
                *ev = pf->calls[c].ev;
                next[c].ev = ev++;
            }
        }
        next += pf->n_calls;
    }
    w->ev = p->ev;
}

void work_fini(struct work *w)
{
    for (size_t i = 0; i < w->n_cycles; i++)
        free(w->cycles[i].members);
    free(w->cycles);
    free(w->call_pool);
    free(w->call_ev);
    free(w->f);
    memset(w, 0, sizeof(*w));
}

enum p2p_status work_derive(struct work *w, enum graph_total total)
{
    enum p2p_status st;
    switch (w->p->recipe) {
    case PROF_RECIPE_SAMPLES:
    case PROF_RECIPE_STACKS:
        cycles_tarjan(w);
        if ((st = derive_ratio(w, PEV_TIME_RATIO, PEV_SAMPLES)) != P2P_OK)
            return st;
        derive_call_ratios(w, PEV_SAMPLES2);
        if (w->p->recipe == PROF_RECIPE_STACKS && total == GRAPH_TOTAL_CALLSTACKS) {
            derive_callstacks(w);
            return P2P_OK;
        }
        return derive_integrate(w, PEV_TTR, PEV_TIME_RATIO);
    case PROF_RECIPE_GPROF:
        cycles_from_profile(w);
        if ((st = derive_ratio(w, PEV_TIME_RATIO, PEV_TIME)) != P2P_OK)
            return st;
        derive_call_ratios(w, PEV_CALLS);
        if ((st = derive_integrate(w, PEV_TOTAL_TIME, PEV_TIME)) != P2P_OK)
            return st;
        return derive_ratio(w, PEV_TTR, PEV_TOTAL_TIME);
    case PROF_RECIPE_AXE:
        cycles_from_profile(w);
        if ((st = derive_ratio(w, PEV_TIME_RATIO, PEV_TIME)) != P2P_OK)
            return st;
        derive_call_ratios(w, PEV_TTR);
        /* Spec 4.7: calls with a ratio carry ratio x the callee's inclusive share. */
        for (size_t i = 0; i < w->n; i++)
            for (size_t c = 0; c < w->f[i].n_calls; c++) {
                struct wcall *call = &w->f[i].calls[c];
                const struct wfunc *callee = &w->f[call->callee];
                if (call->has_ratio && ev_has(&callee->ev, PEV_TTR))
                    ev_set(call->ev, PEV_TTR, call->ratio * ev_get(&callee->ev, PEV_TTR));
            }
        return P2P_OK;
    case PROF_RECIPE_PSTATS:
        if ((st = derive_ratio(w, PEV_TIME_RATIO, PEV_TIME)) != P2P_OK)
            return st;
        return derive_ratio(w, PEV_TTR, PEV_TOTAL_TIME);
    }
    return P2P_OK;
}

/* Prune, then -z, --list-functions, -l in gprof2dot's order (spec 1.3). */
static enum p2p_status select_stage(struct work *w, const struct graph_opts *o, char **listing,
                                    bool compare, struct diag *d)
{
    prune(w, o);
    if (o->root && *o->root) {
        size_t *sel = NULL;
        size_t n = select_by_glob(w, o->root, &sel);
        if (n == 0 && !compare) {
            free(sel);
            d->file = NULL;
            return diag_fail(d, 0, "root node %s not found (might already be pruned : try -e0 "
                                   "-n0 flags)",
                             o->root);
        }
        restrict_root(w, sel, n, o->depth);
        free(sel);
    }
    if (o->list_functions && *o->list_functions && listing) {
        *listing = list_functions(w, o->list_functions);
        return P2P_OK;
    }
    if (o->leaf && *o->leaf) {
        size_t *sel = NULL;
        size_t n = select_by_glob(w, o->leaf, &sel);
        if (n == 0) {
            free(sel);
            d->file = NULL;
            return diag_fail(d, 0, "leaf node %s not found (maybe already pruned : try -e0 "
                                   "-n0 flags)",
                             o->leaf);
        }
        restrict_leaf(w, sel, n, o->depth);
        free(sel);
    }
    return P2P_OK;
}

static enum p2p_status build(const struct profile *p, struct profile *owned,
                             const struct graph_opts *o, struct graph **out, struct diag *d)
{
    struct work w;
    *out = NULL;
    work_init(&w, p, owned, d);
    enum p2p_status st = work_derive(&w, o->total);
    char *listing = NULL;
    if (st == P2P_OK)
        st = select_stage(&w, o, &listing, false, d);
    if (st == P2P_OK) {
        if (listing) {
            struct graph *g = graph_alloc(o->theme, false);
            g->listing = listing;
            *out = g;
        } else {
            limit_nodes(&w, o->max_nodes);
            *out = present(&w, o, d);
        }
    }
    work_fini(&w);
    return st;
}

enum p2p_status graph_build(const struct profile *p, const struct graph_opts *o,
                            struct graph **out, struct diag *d)
{
    return build(p, NULL, o, out, d);
}

enum p2p_status graph_build_owned(struct profile *p, const struct graph_opts *o,
                                  struct graph **out, struct diag *d)
{
    return build(p, p, o, out, d);
}

enum p2p_status graph_build_compare(const struct profile *a, const struct profile *b,
                                    const struct graph_opts *o, struct graph **out,
                                    struct diag *d)
{
    struct work wa, wb;
    *out = NULL;
    work_init(&wa, a, NULL, d);
    work_init(&wb, b, NULL, d);
    enum p2p_status st = work_derive(&wa, o->total);
    if (st == P2P_OK)
        st = work_derive(&wb, o->total);
    if (st == P2P_OK)
        st = select_stage(&wa, o, NULL, true, d);
    if (st == P2P_OK)
        st = select_stage(&wb, o, NULL, true, d);
    /* Only the drawn profile is limited: b lends its numbers to a's nodes by name. */
    if (st == P2P_OK) {
        limit_nodes(&wa, o->max_nodes);
        *out = present_compare(&wa, &wb, o, d);
    }
    work_fini(&wa);
    work_fini(&wb);
    return st;
}
