/* Derived quantities (spec sections 3 and 4): shares, call ratios, and the propagation of
 * inclusive cost along calls, in and around cycles. gprof2dot does this recursively; here
 * every walk uses an explicit stack, and the floating-point additions keep gprof2dot's
 * order so that printed digits agree. */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "handoff.h"

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
            if (ev_has(call->ev, in))
                ev_set(call->ev, out, safe_ratio(w, ev_get(call->ev, in), total));
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
            if (ev_has(call->ev, e)) {
                func_total[call->callee] += ev_get(call->ev, e);
                if (g->cycle != NO_CYCLE && g->cycle != f->cycle)
                    cycle_total[g->cycle] += ev_get(call->ev, e);
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
            if (!ev_has(call->ev, e))
                call->ratio = 0.0;
            else if (g->cycle != NO_CYCLE && g->cycle != f->cycle)
                call->ratio = safe_ratio(w, ev_get(call->ev, e), cycle_total[g->cycle]);
            else
                call->ratio = safe_ratio(w, ev_get(call->ev, e), func_total[call->callee]);
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
                ev_set(call->ev, PEV_TTR, call->ratio * ev_get(&w->f[call->callee].ev, PEV_TTR));
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
    /* per-cycle scratch, indexed by function: entries seen (stamp == cur_stamp) and their
     * slot in the list of entry members; members' local indices */
    size_t *stamp, cur_stamp;
    size_t *slot;
    size_t *rank;
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
    ev_set(c->ev, it->out, v);
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

/* The in-cycle heuristic (spec 4.4 step 4) runs once per member entered from outside, and
 * each run walks the whole cycle: k entries, m members and c calls cost k (m + c), which a
 * 10 000-function recursive cycle entered everywhere makes 10^8 steps. gprof2dot's run is
 * three walks: ranks (Dijkstra with unit weights), in(Z) by a depth-first walk along calls
 * to the next rank, and the shares, recursively. Here a run is a breadth-first pass and two
 * passes over the calls it found, over flat per-cycle arrays, with the same floating-point
 * sums:
 * - The breadth-first pass gives the ranks and the calls to the next rank in breadth-first
 *   order, call order within each member. Adding their ratios in that order gives in(Z),
 *   the same sums as gprof2dot. in(Z) adds the ratios of the calls
 *   from the rank before in the order the depth-first walk meets them (order matters once
 *   there are three terms). That walk finishes a member before it starts another of the
 *   same rank (a member of the same rank is never below it), so it meets Z's callers in its
 *   preorder, call order within each. Its preorder, restricted to one rank, is
 *   breadth-first order: a member of rank n + 1 is first reached from the earliest caller
 *   of rank n in preorder, at its earliest call, which is also how breadth-first search
 *   orders it when rank n is in preorder; rank 0 is the entry alone.
 * - The shares in decreasing rank: every member's share and every call's flow gets one
 *   addition per run, so evaluating them by rank instead of recursively changes no sum. */
struct cyc {
    uint32_t nm;
    /* Member k's calls to other functions, in call order: items [at[k], at[k + 1]). */
    size_t *at;
    uint32_t *to;    /* local index of the callee, or NOT_IN for a call leaving the cycle */
    /* val: inside, the call's ratio; leaving, its flow (0 when unset). flow: inside, the
     * flow accumulated over the runs. Together, as a run reads calls in no useful order. */
    struct cyc_call {
        double val, flow;
    } *cl;
    struct wcall **call;
    bool *touched;   /* inside: the call got a flow */
    /* Member k's calls to other members only, for the ranking: [iat[k], iat[k + 1]). */
    size_t *iat;
    /* Inner call j: callee and item (items fit 32 bits as members do: each is a 40-byte
     * struct wcall). */
    struct cyc_inner {
        uint32_t to, item;
    } *inner;
    bool *leaves;    /* member k has calls leaving the cycle */
    double *in;      /* the member's own cost (the in event) */
    double *out;     /* its share, accumulated over the runs */
    /* A member in the current run: in(X), the ratios of the calls to it from the rank before,
     * and share(X). */
    struct cyc_mem {
        double in_ratio, memo;
    } *mem;
    /* The ranking of a run: two, so that one entry can be ranked while the run before
     * shares out (see run_all). mark[k] - base is member k's rank if mark[k] >= base. */
    struct cyc_rank {
        uint32_t *mark, base;
        uint32_t *queue; /* members in breadth-first order */
        uint32_t qt;
        /* The calls to the next rank, in call order, of queue[q]: up[ups[q] .. ups[q + 1]).
         * The ranking knows them, so the shares need not test each call. */
        struct cyc_inner *up;
        uint32_t *ups;
    } rk[2];
};

#define NOT_IN UINT32_MAX

/* The walks of a run go from member to member in no order the hardware can guess: where the
 * next few are known, their data is asked for ahead. */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static void cyc_init(struct cyc *c, struct integ *it, size_t y)
{
    struct work *w = it->w;
    const struct wcycle *cy = &w->cycles[y];
    /* A cycle has fewer members than memory has bytes per function; index them in 32 bits. */
    uint32_t nm = (uint32_t)cy->n_members;
    size_t n_items = 0, n_inner = 0;
    for (uint32_t k = 0; k < nm; k++) {
        size_t m = cy->members[k];
        it->rank[m] = k; /* function -> local index, while building */
        const struct wfunc *f = &w->f[m];
        for (size_t j = 0; j < f->n_calls; j++) {
            size_t z = f->calls[j].callee;
            if (z == m)
                continue;
            n_items++;
            n_inner += w->f[z].cycle == y;
        }
    }
    memset(c, 0, sizeof(*c));
    c->nm = nm;
    c->at = xmalloc((nm + 1u) * sizeof(*c->at));
    c->iat = xmalloc((nm + 1u) * sizeof(*c->iat));
    size_t ni = n_items ? n_items : 1, nn = n_inner ? n_inner : 1, nmm = nm ? nm : 1;
    c->to = xmalloc(ni * sizeof(*c->to));
    c->cl = xcalloc(ni, sizeof(*c->cl));
    c->call = xmalloc(ni * sizeof(*c->call));
    c->touched = xcalloc(ni, sizeof(*c->touched));
    c->inner = xmalloc(nn * sizeof(*c->inner));
    c->leaves = xcalloc(nmm, sizeof(*c->leaves));
    c->in = xmalloc(nmm * sizeof(*c->in));
    c->out = xcalloc(nmm, sizeof(*c->out));
    c->mem = xcalloc(nmm, sizeof(*c->mem));
    for (int b = 0; b < 2; b++) {
        c->rk[b].mark = xcalloc(nmm, sizeof(*c->rk[b].mark));
        /* + 1: written before qt moves */
        c->rk[b].queue = xmalloc((nm + 1u) * sizeof(*c->rk[b].queue));
        c->rk[b].up = xmalloc((nn + 1u) * sizeof(*c->rk[b].up));
        c->rk[b].ups = xmalloc((nm + 1u) * sizeof(*c->rk[b].ups));
    }
    size_t a = 0, b = 0;
    for (uint32_t k = 0; k < nm; k++) {
        size_t m = cy->members[k];
        struct wfunc *f = &w->f[m];
        c->in[k] = ev_get(&f->ev, it->in);
        c->at[k] = a;
        c->iat[k] = b;
        for (size_t j = 0; j < f->n_calls; j++) {
            struct wcall *call = &f->calls[j];
            size_t z = call->callee;
            if (z == m)
                continue;
            c->call[a] = call;
            if (w->f[z].cycle == y) {
                c->to[a] = (uint32_t)it->rank[z];
                c->cl[a].val = call->ratio;
                c->inner[b].to = c->to[a];
                c->inner[b].item = (uint32_t)a;
                b++;
            } else {
                c->to[a] = NOT_IN;
                c->leaves[k] = true;
                c->cl[a].val = ev_has(call->ev, it->out) ? ev_get(call->ev, it->out) : 0.0;
            }
            a++;
        }
    }
    c->at[nm] = a;
    c->iat[nm] = b;
}

/* Writes the accumulated shares and flows back, and frees. */
static void cyc_fini(struct cyc *c, struct integ *it, size_t y)
{
    struct work *w = it->w;
    const struct wcycle *cy = &w->cycles[y];
    for (uint32_t k = 0; k < c->nm; k++)
        ev_set(&w->f[cy->members[k]].ev, it->out, c->out[k]);
    for (size_t a = 0; a < c->at[c->nm]; a++)
        if (c->touched[a])
            ev_set(c->call[a]->ev, it->out, c->cl[a].flow);
    free(c->at);
    free(c->iat);
    free(c->to);
    free(c->cl);
    free(c->call);
    free(c->touched);
    free(c->inner);
    free(c->leaves);
    free(c->in);
    free(c->out);
    free(c->mem);
    for (int b = 0; b < 2; b++) {
        free(c->rk[b].mark);
        free(c->rk[b].queue);
        free(c->rk[b].up);
        free(c->rk[b].ups);
    }
}

/* safe_ratio() of a call ratio and a sum of ratios that includes it: always within [0, 1]
 * (all call ratios are), so it never warns; inline, as it runs for every call of a run. */
static inline double share_ratio(double n, double d)
{
    double q = d == 0 ? 1.0 : n / d;
    q = q > 1.0 ? 1.0 : q;
    return q < 0.0 || isnan(q) ? 0.0 : q;
}

/* The first half of a run for entry member e (local index): ranks and the calls to the next
 * rank. */
static void cyc_rank(const struct cyc *c, struct cyc_rank *k, uint32_t e)
{
    uint32_t *mark = k->mark;
    /* Ranks are below nm: a new base above every mark of the last run clears them all. */
    if (k->base > UINT32_MAX - 2 * (uint64_t)c->nm - 2) {
        memset(mark, 0, c->nm * sizeof(*mark));
        k->base = 0;
    }
    uint32_t base = k->base + c->nm + 1;
    k->base = base;
    /* Breadth-first ranks from e over calls between distinct members, and the calls to the
     * next rank in the order in(Z) adds them (see above). No branches: whether a callee is
     * new, or one rank further, is unpredictable. */
    uint32_t qt = 0, nu = 0;
    struct cyc_inner *up = k->up;
    uint32_t *ups = k->ups;
    k->queue[qt++] = e;
    mark[e] = base;
    for (uint32_t qh = 0; qh < qt; qh++) {
        uint32_t x = k->queue[qh];
        uint32_t mz = mark[x] + 1;
        ups[qh] = nu;
        if (qh + 4 < qt)
            PREFETCH(&c->inner[c->iat[k->queue[qh + 4]]]);
        for (size_t j = c->iat[x], end = c->iat[x + 1]; j < end; j++) {
            struct cyc_inner call = c->inner[j];
            uint32_t z = call.to;
            uint32_t mk = mark[z];
            uint32_t fresh = mk < base;
            /* mz if fresh, else mk, by masks: compilers turn a ?: here into a branch */
            uint32_t f = 0u - fresh;
            uint32_t m = (mz & f) | (mk & ~f);
            mark[z] = m;
            k->queue[qt] = z;
            qt += fresh;
            /* Final: members are ranked in rank order, so z's rank is known by now. */
            up[nu] = call;
            nu += m == mz;
        }
    }
    ups[qt] = nu;
    k->qt = qt;
}

/* The second half, with summed entry ratio r: in(Z), then share(X) = r in(X) + r flow of
 * calls leaving + shares passed down calls to the next rank, each call's part added in call
 * order; members of a higher rank come first. */
static void cyc_share(struct cyc *c, const struct cyc_rank *k, double r)
{
    struct cyc_mem *mem = c->mem;
    /* in(Z), the ratios of the calls to Z from the rank before, added in breadth-first
     * order (see above). Every member's in(Z) is left at zero by the run before. */
    for (uint32_t i = 0, n = k->ups[k->qt]; i < n; i++) {
        if (i + 8 < n) {
            PREFETCH(&mem[k->up[i + 8].to]);
            PREFETCH(&c->cl[k->up[i + 8].item]);
        }
        mem[k->up[i].to].in_ratio += c->cl[k->up[i].item].val;
    }
    for (uint32_t q = k->qt; q-- > 0;) {
        uint32_t xi = k->queue[q];
        double partial = r * c->in[xi];
        const struct cyc_inner *u = k->up + k->ups[q], *uend = k->up + k->ups[q + 1];
        if (!c->leaves[xi]) {
            /* Only calls inside: the calls to the next rank are all that count. */
            for (; u < uend; u++) {
                struct cyc_call *cc = &c->cl[u->item];
                const struct cyc_mem *z = &mem[u->to];
                double cp = share_ratio(cc->val, z->in_ratio) * z->memo;
                cc->flow += cp;
                c->touched[u->item] = true;
                partial += cp;
            }
        } else {
            /* Calls leaving and calls to the next rank, in call order. */
            for (size_t a = c->at[xi], aend = c->at[xi + 1]; a < aend; a++) {
                struct cyc_call *cc = &c->cl[a];
                if (c->to[a] == NOT_IN) {
                    partial += r * cc->val;
                } else if (u < uend && u->item == a) {
                    const struct cyc_mem *z = &mem[u->to];
                    double cp = share_ratio(cc->val, z->in_ratio) * z->memo;
                    cc->flow += cp;
                    c->touched[a] = true;
                    partial += cp;
                    u++;
                }
            }
        }
        mem[xi].memo = partial;
        c->out[xi] += partial;
    }
    for (uint32_t q = 0; q < k->qt; q++)
        mem[k->queue[q]].in_ratio = 0.0;
}

/* Runs for entries order[0..n) with ratios r[0..n), in that order (the sums depend on it).
 * A run's ranking does not depend on the runs before, so on a big cycle with many entries
 * a second thread ranks entry k + 1 while this one shares out entry k: the same additions
 * in the same order, in about half the time. */
struct cyc_pipe {
    struct cyc *c;
    const uint32_t *order;
    size_t n;
    struct handoff ring; /* of the two rankings c->rk[] */
};

static void *cyc_ranker(void *arg)
{
    struct cyc_pipe *pp = arg;
    for (size_t k = 0; k < pp->n; k++) {
        handoff_claim(&pp->ring);
        cyc_rank(pp->c, &pp->c->rk[k & 1], pp->order[k]);
        handoff_pass(&pp->ring);
    }
    return NULL;
}

uint64_t propagate_thread_work = (uint64_t)1 << 22;

static void run_all(struct cyc *c, const uint32_t *order, const double *r, size_t n)
{
    if (n >= 2 && (uint64_t)n * (c->nm + c->iat[c->nm]) >= propagate_thread_work) {
        struct cyc_pipe pp = {.c = c, .order = order, .n = n};
        pthread_t th;
        if (handoff_init(&pp.ring, 2)) {
            if (pthread_create(&th, NULL, cyc_ranker, &pp) == 0) {
                for (size_t k = 0; k < n; k++) {
                    handoff_take(&pp.ring);
                    cyc_share(c, &c->rk[k & 1], r[k]);
                    handoff_release(&pp.ring);
                }
                pthread_join(th, NULL);
                handoff_fini(&pp.ring);
                return;
            }
            handoff_fini(&pp.ring);
        }
        /* No thread: the same runs, one after the other. */
    }
    for (size_t k = 0; k < n; k++) {
        cyc_rank(c, &c->rk[0], order[k]);
        cyc_share(c, &c->rk[0], r[k]);
    }
}

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
    struct cyc c;
    cyc_init(&c, it, y); /* leaves it->rank[m] = local index of member m */
    /* Entry ratios, summed per member in first-seen order. */
    struct entry_call *ent = it->entries[y];
    size_t n_ent = it->n_entries[y];
    uint32_t *order = xmalloc((n_ent ? n_ent : 1) * sizeof(*order));
    double *sums = xmalloc((n_ent ? n_ent : 1) * sizeof(*sums));
    size_t n_order = 0;
    it->cur_stamp++;
    for (size_t k = 0; k < n_ent; k++) {
        size_t m = ent[k].member;
        if (it->stamp[m] != it->cur_stamp) {
            it->stamp[m] = it->cur_stamp;
            it->slot[m] = n_order;
            order[n_order] = (uint32_t)it->rank[m];
            sums[n_order++] = ent[k].ratio;
        } else {
            sums[it->slot[m]] += ent[k].ratio;
        }
    }
    run_all(&c, order, sums, n_order);
    cyc_fini(&c, it, y);
    free(sums);
    free(order);
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
            ev_unset(w->f[i].calls[c].ev, out);
        ev_unset(&w->f[i].ev, out);
    }
    it.fstate = xcalloc(n, 1);
    it.cstate = xcalloc(ny, 1);
    it.entries = xcalloc(ny, sizeof(*it.entries));
    it.n_entries = xcalloc(ny, sizeof(size_t));
    it.cap_entries = xcalloc(ny, sizeof(size_t));
    it.stamp = xcalloc(n, sizeof(size_t));
    it.rank = xcalloc(n, sizeof(size_t));
    it.slot = xcalloc(n, sizeof(size_t));
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
    free(it.slot);
    return P2P_OK;
}
