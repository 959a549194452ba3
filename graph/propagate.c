/* Derived quantities (spec sections 3 and 4): shares, call ratios, and the propagation of
 * inclusive cost along calls, in and around cycles. gprof2dot does this recursively; here
 * every walk uses an explicit stack, and the floating-point additions keep gprof2dot's
 * order so that printed digits agree. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

#define RATIO_TOL (1.0 / 8388608.0) /* 2^-23 */

double safe_ratio(struct work *w, double n, double d)
{
    if (d == 0)
        return 1.0;
    double q = n / d;
    if (isnan(q))
        return 0.0;
    if (q < 0.0) {
        if (q < -RATIO_TOL)
            diag_warn(w->d, "negative ratio (%g/%g)", n, d);
        return 0.0;
    }
    if (q > 1.0) {
        if (q > 1.0 + RATIO_TOL)
            diag_warn(w->d, "ratio greater than one (%g/%g)", n, d);
        return 1.0;
    }
    return q;
}

static const char *event_name(enum prof_event e)
{
    static const char *const names[PEV_COUNT] = {
        "calls", "samples", "samples", "total samples", "self time", "self time ratio",
        "total time", "total time ratio"};
    return names[e];
}

enum p2p_status derive_ratio(struct work *w, enum prof_event out, enum prof_event in)
{
    double total = ev_has(&w->ev, in) ? ev_get(&w->ev, in) : 0.0;
    for (size_t i = 0; i < w->n; i++) {
        struct wfunc *f = &w->f[i];
        if (!ev_has(&f->ev, in)) {
            w->d->file = NULL;
            return diag_fail(w->d, 0, "function %s has no %s", w->p->funcs[i].name,
                             event_name(in));
        }
        ev_set(&f->ev, out, safe_ratio(w, ev_get(&f->ev, in), total));
        for (size_t c = 0; c < f->n_calls; c++) {
            struct wcall *call = &f->calls[c];
            if (ev_has(&call->ev, in))
                ev_set(&call->ev, out, safe_ratio(w, ev_get(&call->ev, in), total));
        }
    }
    ev_set(&w->ev, out, 1.0);
    return P2P_OK;
}

void derive_call_ratios(struct work *w, enum prof_event e)
{
    double *func_total = xcalloc(w->n ? w->n : 1, sizeof(double));
    double *cycle_total = xcalloc(w->n_cycles ? w->n_cycles : 1, sizeof(double));
    size_t warned = 0;
    for (size_t i = 0; i < w->n; i++) {
        const struct wfunc *f = &w->f[i];
        for (size_t c = 0; c < f->n_calls; c++) {
            const struct wcall *call = &f->calls[c];
            if (call->callee == i)
                continue;
            const struct wfunc *g = &w->f[call->callee];
            if (ev_has(&call->ev, e)) {
                func_total[call->callee] += ev_get(&call->ev, e);
                if (g->cycle != NO_CYCLE && g->cycle != f->cycle)
                    cycle_total[g->cycle] += ev_get(&call->ev, e);
            } else if (warned++ < 10) {
                diag_warn(w->d, "call_ratios: No data for %s call to %s", w->p->funcs[i].name,
                          w->p->funcs[call->callee].name);
            }
        }
    }
    for (size_t i = 0; i < w->n; i++) {
        struct wfunc *f = &w->f[i];
        for (size_t c = 0; c < f->n_calls; c++) {
            struct wcall *call = &f->calls[c];
            if (call->callee == i)
                continue;
            const struct wfunc *g = &w->f[call->callee];
            call->has_ratio = true;
            if (!ev_has(&call->ev, e))
                call->ratio = 0.0;
            else if (g->cycle != NO_CYCLE && g->cycle != f->cycle)
                call->ratio = safe_ratio(w, ev_get(&call->ev, e), cycle_total[g->cycle]);
            else
                call->ratio = safe_ratio(w, ev_get(&call->ev, e), func_total[call->callee]);
        }
    }
    free(func_total);
    free(cycle_total);
}

void derive_callstacks(struct work *w)
{
    double total = ev_has(&w->ev, PEV_SAMPLES) ? ev_get(&w->ev, PEV_SAMPLES) : 0.0;
    ev_set(&w->ev, PEV_TOTAL_SAMPLES, total);
    for (size_t i = 0; i < w->n; i++) {
        struct wfunc *f = &w->f[i];
        double ts = ev_has(&f->ev, PEV_TOTAL_SAMPLES) ? ev_get(&f->ev, PEV_TOTAL_SAMPLES) : 0.0;
        ev_set(&f->ev, PEV_TTR, safe_ratio(w, ts, total));
    }
    ev_set(&w->ev, PEV_TTR, 1.0);
    for (size_t i = 0; i < w->n; i++)
        for (size_t c = 0; c < w->f[i].n_calls; c++) {
            struct wcall *call = &w->f[i].calls[c];
            if (call->has_ratio)
                ev_set(&call->ev, PEV_TTR, call->ratio * ev_get(&w->f[call->callee].ev, PEV_TTR));
        }
}

/* ------------------------------------------------------------------ integration */

/* Calls entering a cycle from outside, in function then call order (spec 4.4 step 2). */
struct entry_call {
    size_t member;
    double ratio;
};

struct integ {
    struct work *w;
    enum prof_event out, in;
    unsigned char *fstate; /* 0 todo, 1 in progress, 2 done (functions outside cycles) */
    unsigned char *cstate; /* same for cycles */
    struct entry_call **entries; /* per cycle */
    size_t *n_entries, *cap_entries;
    bool warned_loop;
    /* per-cycle scratch, indexed by function, valid where stamp == current stamp */
    size_t *stamp, cur_stamp;
    size_t *rank;
    double *in_ratio;
    double *memo;
    bool *memo_done;
    bool *visited;
};

/* The unit of function g: a cycle or the function itself. Returns true if it is done. */
static bool unit_done(const struct integ *it, size_t g)
{
    size_t y = it->w->f[g].cycle;
    return y != NO_CYCLE ? it->cstate[y] == 2 : it->fstate[g] == 2;
}

static bool unit_busy(const struct integ *it, size_t g)
{
    size_t y = it->w->f[g].cycle;
    return y != NO_CYCLE ? it->cstate[y] == 1 : it->fstate[g] == 1;
}

/* total(G) once G's unit is done. */
static double unit_total(const struct integ *it, size_t g)
{
    const struct work *w = it->w;
    size_t y = w->f[g].cycle;
    const struct prof_events *ev = y != NO_CYCLE ? &w->cycles[y].ev : &w->f[g].ev;
    return ev_has(ev, it->out) ? ev_get(ev, it->out) : 0.0;
}

/* flow(c) = ratio x total(callee), stored on the call. */
static double flow(struct integ *it, size_t caller, struct wcall *c)
{
    double t;
    if (unit_busy(it, c->callee) && !unit_done(it, c->callee)) {
        /* Only possible when a file declares cycles that do not cover a loop of calls;
         * gprof2dot recurses forever there. Count nothing through the loop. */
        if (!it->warned_loop) {
            diag_warn(it->w->d, "call graph loop through %s not declared as a cycle",
                      it->w->p->funcs[caller].name);
            it->warned_loop = true;
        }
        t = 0.0;
    } else {
        t = unit_total(it, c->callee);
    }
    double v = c->ratio * t;
    ev_set(&c->ev, it->out, v);
    return v;
}

static void compute_func(struct integ *it, size_t i)
{
    struct wfunc *f = &it->w->f[i];
    double total = ev_get(&f->ev, it->in);
    for (size_t c = 0; c < f->n_calls; c++)
        if (f->calls[c].callee != i)
            total += flow(it, i, &f->calls[c]);
    ev_set(&f->ev, it->out, total);
}

static void share_pass(struct integ *it, size_t y, size_t e, double r);

static void compute_cycle(struct integ *it, size_t y)
{
    struct work *w = it->w;
    struct wcycle *cy = &w->cycles[y];
    double total = 0.0;
    for (size_t k = 0; k < cy->n_members; k++) {
        size_t m = cy->members[k];
        struct wfunc *f = &w->f[m];
        double sub = ev_get(&f->ev, it->in);
        for (size_t c = 0; c < f->n_calls; c++)
            if (w->f[f->calls[c].callee].cycle != y)
                sub += flow(it, m, &f->calls[c]);
        total += sub;
    }
    ev_set(&cy->ev, it->out, total);
    for (size_t k = 0; k < cy->n_members; k++)
        ev_set(&w->f[cy->members[k]].ev, it->out, 0.0);
    /* Entry ratios, summed per member in first-seen order. */
    struct entry_call *ent = it->entries[y];
    size_t n_ent = it->n_entries[y];
    it->cur_stamp++;
    size_t *order = xmalloc((n_ent ? n_ent : 1) * sizeof(*order));
    size_t n_order = 0;
    for (size_t k = 0; k < n_ent; k++) {
        size_t m = ent[k].member;
        if (it->stamp[m] != it->cur_stamp) {
            it->stamp[m] = it->cur_stamp;
            it->in_ratio[m] = ent[k].ratio;
            order[n_order++] = m;
        } else {
            it->in_ratio[m] += ent[k].ratio;
        }
    }
    /* in_ratio is reused per entry below: copy the sums out first. */
    double *sums = xmalloc((n_order ? n_order : 1) * sizeof(*sums));
    for (size_t k = 0; k < n_order; k++)
        sums[k] = it->in_ratio[order[k]];
    for (size_t k = 0; k < n_order; k++)
        share_pass(it, y, order[k], sums[k]);
    free(sums);
    free(order);
}

/* Spec 4.4 step 4 for one entry member e with summed entry ratio r. */
static void share_pass(struct integ *it, size_t y, size_t e, double r)
{
    struct work *w = it->w;
    size_t nm = w->cycles[y].n_members;
    size_t stamp = ++it->cur_stamp;
    /* Breadth-first ranks from e over calls between distinct members. */
    size_t *queue = xmalloc(nm * sizeof(*queue));
    size_t qh = 0, qt = 0;
    queue[qt++] = e;
    it->stamp[e] = stamp;
    it->rank[e] = 0;
    it->in_ratio[e] = 0.0;
    it->memo_done[e] = false;
    it->visited[e] = false;
    while (qh < qt) {
        size_t x = queue[qh++];
        const struct wfunc *f = &w->f[x];
        for (size_t c = 0; c < f->n_calls; c++) {
            size_t z = f->calls[c].callee;
            if (z == x || w->f[z].cycle != y || it->stamp[z] == stamp)
                continue;
            it->stamp[z] = stamp;
            it->rank[z] = it->rank[x] + 1;
            it->in_ratio[z] = 0.0;
            it->memo_done[z] = false;
            it->visited[z] = false;
            queue[qt++] = z;
        }
    }
    /* in(Z): forward-call ratios, summed in gprof2dot's depth-first order. */
    struct frame {
        size_t x, next;
        double partial;
    } *st = xmalloc(nm * sizeof(*st));
    size_t sp = 0;
    st[sp++] = (struct frame){e, 0, 0.0};
    it->visited[e] = true;
    while (sp) {
        struct frame *fr = &st[sp - 1];
        const struct wfunc *f = &w->f[fr->x];
        if (fr->next == f->n_calls) {
            sp--;
            continue;
        }
        const struct wcall *c = &f->calls[fr->next++];
        size_t z = c->callee;
        if (z == fr->x || w->f[z].cycle != y || it->rank[z] <= it->rank[fr->x])
            continue;
        it->in_ratio[z] += c->ratio;
        if (!it->visited[z]) {
            it->visited[z] = true;
            st[sp++] = (struct frame){z, 0, 0.0};
        }
    }
    /* share(X), memoised, evaluated depth-first from e in call order. */
    sp = 0;
    st[sp++] = (struct frame){e, 0, r * ev_get(&w->f[e].ev, it->in)};
    while (sp) {
        struct frame *fr = &st[sp - 1];
        size_t x = fr->x;
        struct wfunc *f = &w->f[x];
        if (fr->next == f->n_calls) {
            it->memo[x] = fr->partial;
            it->memo_done[x] = true;
            ev_set(&f->ev, it->out, ev_get(&f->ev, it->out) + fr->partial);
            sp--;
            continue;
        }
        struct wcall *c = &f->calls[fr->next];
        size_t z = c->callee;
        if (z == x) {
            fr->next++;
            continue;
        }
        if (w->f[z].cycle != y) {
            fr->partial += r * (ev_has(&c->ev, it->out) ? ev_get(&c->ev, it->out) : 0.0);
            fr->next++;
            continue;
        }
        if (it->rank[z] <= it->rank[x]) {
            fr->next++;
            continue;
        }
        if (!it->memo_done[z]) {
            st[sp++] = (struct frame){z, 0, r * ev_get(&w->f[z].ev, it->in)};
            continue;
        }
        double cp = safe_ratio(w, c->ratio, it->in_ratio[z]) * it->memo[z];
        ev_set(&c->ev, it->out, (ev_has(&c->ev, it->out) ? ev_get(&c->ev, it->out) : 0.0) + cp);
        fr->partial += cp;
        fr->next++;
    }
    free(st);
    free(queue);
}

/* The units a unit depends on are pushed; iteration over a unit's calls resumes where it
 * stopped. */
struct uframe {
    bool is_cycle;
    size_t id;
    size_t member; /* cycles: member index being scanned */
    size_t next;   /* call index being scanned */
};

enum p2p_status derive_integrate(struct work *w, enum prof_event out, enum prof_event in)
{
    struct integ it;
    memset(&it, 0, sizeof(it));
    it.w = w;
    it.out = out;
    it.in = in;
    size_t n = w->n ? w->n : 1, ny = w->n_cycles ? w->n_cycles : 1;
    for (size_t i = 0; i < w->n; i++) {
        if (!ev_has(&w->f[i].ev, in)) {
            w->d->file = NULL;
            return diag_fail(w->d, 0, "function %s has no %s", w->p->funcs[i].name,
                             event_name(in));
        }
        for (size_t c = 0; c < w->f[i].n_calls; c++)
            ev_unset(&w->f[i].calls[c].ev, out);
        ev_unset(&w->f[i].ev, out);
    }
    it.fstate = xcalloc(n, 1);
    it.cstate = xcalloc(ny, 1);
    it.entries = xcalloc(ny, sizeof(*it.entries));
    it.n_entries = xcalloc(ny, sizeof(size_t));
    it.cap_entries = xcalloc(ny, sizeof(size_t));
    it.stamp = xcalloc(n, sizeof(size_t));
    it.rank = xcalloc(n, sizeof(size_t));
    it.in_ratio = xcalloc(n, sizeof(double));
    it.memo = xcalloc(n, sizeof(double));
    it.memo_done = xcalloc(n, sizeof(bool));
    it.visited = xcalloc(n, sizeof(bool));
    for (size_t i = 0; i < w->n; i++) {
        const struct wfunc *f = &w->f[i];
        for (size_t c = 0; c < f->n_calls; c++) {
            size_t y = w->f[f->calls[c].callee].cycle;
            if (y == NO_CYCLE || y == f->cycle)
                continue;
            UTIL_GROW(it.entries[y], it.cap_entries[y], it.n_entries[y] + 1);
            it.entries[y][it.n_entries[y]++] =
                (struct entry_call){f->calls[c].callee, f->calls[c].ratio};
        }
    }

    struct uframe *st = xmalloc((w->n + w->n_cycles + 1) * sizeof(*st));
    for (size_t root = 0; root < w->n; root++) {
        if (unit_done(&it, root))
            continue;
        size_t sp = 0;
        size_t y0 = w->f[root].cycle;
        st[sp++] = (struct uframe){y0 != NO_CYCLE, y0 != NO_CYCLE ? y0 : root, 0, 0};
        if (y0 != NO_CYCLE)
            it.cstate[y0] = 1;
        else
            it.fstate[root] = 1;
        while (sp) {
            struct uframe *fr = &st[sp - 1];
            /* Find the next callee whose unit is not yet done. */
            size_t dep = SIZE_MAX;
            for (;;) {
                size_t fi;
                if (fr->is_cycle) {
                    const struct wcycle *cy = &w->cycles[fr->id];
                    if (fr->member == cy->n_members)
                        break;
                    fi = cy->members[fr->member];
                } else {
                    fi = fr->id;
                }
                const struct wfunc *f = &w->f[fi];
                if (fr->next == f->n_calls) {
                    if (!fr->is_cycle)
                        break;
                    fr->member++;
                    fr->next = 0;
                    continue;
                }
                size_t g = f->calls[fr->next++].callee;
                size_t gy = w->f[g].cycle;
                if (g == fi || (fr->is_cycle && gy == fr->id))
                    continue;
                if (!unit_done(&it, g) && !unit_busy(&it, g)) {
                    dep = g;
                    break;
                }
            }
            if (dep != SIZE_MAX) {
                size_t gy = w->f[dep].cycle;
                st[sp++] = (struct uframe){gy != NO_CYCLE, gy != NO_CYCLE ? gy : dep, 0, 0};
                if (gy != NO_CYCLE)
                    it.cstate[gy] = 1;
                else
                    it.fstate[dep] = 1;
                continue;
            }
            if (fr->is_cycle) {
                compute_cycle(&it, fr->id);
                it.cstate[fr->id] = 2;
            } else {
                compute_func(&it, fr->id);
                it.fstate[fr->id] = 2;
            }
            sp--;
        }
    }
    free(st);

    double total = 0.0;
    for (size_t i = 0; i < w->n; i++)
        total += ev_get(&w->f[i].ev, in);
    ev_set(&w->ev, out, total);

    for (size_t y = 0; y < w->n_cycles; y++)
        free(it.entries[y]);
    free(it.entries);
    free(it.n_entries);
    free(it.cap_entries);
    free(it.fstate);
    free(it.cstate);
    free(it.stamp);
    free(it.rank);
    free(it.in_ratio);
    free(it.memo);
    free(it.memo_done);
    free(it.visited);
    return P2P_OK;
}
