/* Propagation inside cycles (graph/propagate.c) against a literal, recursive transcription of
 * spec section 4.4 written here: on random profiles full of cycles, every function's and
 * every call's inclusive share, and whether it is set, must be equal bit for bit. The
 * implementation evaluates the in-cycle heuristic in another order than the spec's
 * recursion (breadth-first, for speed); this shows the floating-point sums did not change. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_int.h"
#include "testutil.h"

/* ------------------------------------------------------------ reference (spec 4.4) */

struct ref {
    struct work *w;
    enum prof_event out, in;
    bool *cycle_done;
    /* per run of step 4 */
    long *rank;         /* -1: not reached */
    double *in_ratio;   /* in(Z) */
    bool *has_in_ratio;
    bool *walked;       /* the depth-first walk for in(Z) */
    double *share;
    bool *has_share;
};

static double ref_total(struct ref *r, size_t f);

static double ref_flow(struct ref *r, struct wcall *c)
{
    double v = c->ratio * ref_total(r, c->callee);
    ev_set(c->ev, r->out, v);
    return v;
}

/* in(Z) by gprof2dot's depth-first walk along forward calls. */
static void ref_in_ratios(struct ref *r, size_t y, size_t x)
{
    if (r->walked[x])
        return;
    r->walked[x] = true;
    struct wfunc *f = &r->w->f[x];
    for (size_t k = 0; k < f->n_calls; k++) {
        size_t z = f->calls[k].callee;
        if (z == x || r->w->f[z].cycle != y || r->rank[z] <= r->rank[x])
            continue;
        r->in_ratio[z] = (r->has_in_ratio[z] ? r->in_ratio[z] : 0.0) + f->calls[k].ratio;
        r->has_in_ratio[z] = true;
        ref_in_ratios(r, y, z);
    }
}

static double ref_share(struct ref *r, size_t y, size_t x, double ratio)
{
    if (r->has_share[x])
        return r->share[x];
    struct wfunc *f = &r->w->f[x];
    double partial = ratio * ev_get(&f->ev, r->in);
    for (size_t k = 0; k < f->n_calls; k++) {
        struct wcall *c = &f->calls[k];
        size_t z = c->callee;
        if (z == x)
            continue;
        if (r->w->f[z].cycle != y) {
            partial += ratio * ev_get(c->ev, r->out);
        } else if (r->rank[z] > r->rank[x]) {
            double zs = ref_share(r, y, z, ratio);
            double k2 = safe_ratio(r->w, c->ratio, r->in_ratio[z]) * zs;
            ev_set(c->ev, r->out, (ev_has(c->ev, r->out) ? ev_get(c->ev, r->out) : 0.0) + k2);
            partial += k2;
        }
    }
    r->share[x] = partial;
    r->has_share[x] = true;
    ev_set(&f->ev, r->out, ev_get(&f->ev, r->out) + partial);
    return partial;
}

static double ref_cycle_total(struct ref *r, size_t y)
{
    struct work *w = r->w;
    struct wcycle *cy = &w->cycles[y];
    if (r->cycle_done[y])
        return ev_get(&cy->ev, r->out);
    r->cycle_done[y] = true;
    double t = 0.0;
    for (size_t k = 0; k < cy->n_members; k++) {
        struct wfunc *f = &w->f[cy->members[k]];
        double sub = ev_get(&f->ev, r->in);
        for (size_t c = 0; c < f->n_calls; c++)
            if (w->f[f->calls[c].callee].cycle != y)
                sub += ref_flow(r, &f->calls[c]);
        t += sub;
    }
    ev_set(&cy->ev, r->out, t);
    /* Entries, first-seen order. */
    size_t *entry = xmalloc((w->n + 1) * sizeof(*entry));
    double *entry_ratio = xmalloc((w->n + 1) * sizeof(*entry_ratio));
    size_t n_entry = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->f[i].cycle == y)
            continue;
        for (size_t c = 0; c < w->f[i].n_calls; c++) {
            size_t m = w->f[i].calls[c].callee;
            if (w->f[m].cycle != y)
                continue;
            size_t e = 0;
            while (e < n_entry && entry[e] != m)
                e++;
            if (e == n_entry) {
                entry[n_entry] = m;
                entry_ratio[n_entry++] = w->f[i].calls[c].ratio;
            } else {
                entry_ratio[e] += w->f[i].calls[c].ratio;
            }
        }
    }
    for (size_t k = 0; k < cy->n_members; k++)
        ev_set(&w->f[cy->members[k]].ev, r->out, 0.0);
    for (size_t e = 0; e < n_entry; e++) {
        /* Ranks: relax unit-weight distances until nothing changes (no queue, on purpose). */
        for (size_t i = 0; i < w->n; i++) {
            r->rank[i] = -1;
            r->has_in_ratio[i] = r->walked[i] = r->has_share[i] = false;
        }
        r->rank[entry[e]] = 0;
        for (bool changed = true; changed;) {
            changed = false;
            for (size_t k = 0; k < cy->n_members; k++) {
                size_t x = cy->members[k];
                if (r->rank[x] < 0)
                    continue;
                for (size_t c = 0; c < w->f[x].n_calls; c++) {
                    size_t z = w->f[x].calls[c].callee;
                    if (z != x && w->f[z].cycle == y &&
                        (r->rank[z] < 0 || r->rank[z] > r->rank[x] + 1)) {
                        r->rank[z] = r->rank[x] + 1;
                        changed = true;
                    }
                }
            }
        }
        ref_in_ratios(r, y, entry[e]);
        ref_share(r, y, entry[e], entry_ratio[e]);
    }
    free(entry);
    free(entry_ratio);
    return t;
}

static double ref_total(struct ref *r, size_t i)
{
    struct wfunc *f = &r->w->f[i];
    if (f->cycle != NO_CYCLE)
        return ref_cycle_total(r, f->cycle);
    if (ev_has(&f->ev, r->out))
        return ev_get(&f->ev, r->out);
    double t = ev_get(&f->ev, r->in);
    for (size_t c = 0; c < f->n_calls; c++)
        if (f->calls[c].callee != i)
            t += ref_flow(r, &f->calls[c]);
    ev_set(&f->ev, r->out, t);
    return t;
}

static void ref_integrate(struct work *w, enum prof_event out, enum prof_event in)
{
    struct ref r = {.w = w, .out = out, .in = in};
    size_t n = w->n + 1;
    r.cycle_done = xcalloc(w->n_cycles + 1, sizeof(bool));
    r.rank = xcalloc(n, sizeof(long));
    r.in_ratio = xcalloc(n, sizeof(double));
    r.has_in_ratio = xcalloc(n, sizeof(bool));
    r.walked = xcalloc(n, sizeof(bool));
    r.share = xcalloc(n, sizeof(double));
    r.has_share = xcalloc(n, sizeof(bool));
    for (size_t i = 0; i < w->n; i++) {
        ev_unset(&w->f[i].ev, out);
        for (size_t c = 0; c < w->f[i].n_calls; c++)
            ev_unset(w->f[i].calls[c].ev, out);
    }
    for (size_t i = 0; i < w->n; i++)
        ref_total(&r, i);
    free(r.cycle_done);
    free(r.rank);
    free(r.in_ratio);
    free(r.has_in_ratio);
    free(r.walked);
    free(r.share);
    free(r.has_share);
}

/* ------------------------------------------------------------ random profiles */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)((rng_state >> 33) % n);
}

/* A sampled profile (perf-like recipe) of n functions: a few entry functions calling into
 * dense groups that call each other (cycles with many members of the same rank), plus
 * self-calls, duplicate-free calls in random order, odd sample counts. */
static struct profile *random_profile(size_t n, uint32_t fanout)
{
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, true);
    for (size_t i = 0; i < n; i++) {
        size_t f = profile_func_int(p, (int64_t)i, NULL);
        ev_set(&p->funcs[f].ev, PEV_SAMPLES, (double)(rnd(7) == 0 ? 0 : 1 + rnd(1000)));
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t k = rnd(fanout + 1);
        for (uint32_t j = 0; j < k; j++) {
            /* Mostly within a window around i, so cycles form; sometimes far. */
            size_t to = rnd(5) == 0 ? rnd((uint32_t)n) : (i + n - 3 + rnd(8)) % n;
            if (i < 3 && to < 3)
                continue;
            bool created;
            struct prof_call *c = profile_call(p, i, to, &created);
            double v = (double)(1 + rnd(500)) / (double)(1 + rnd(3));
            ev_set(&c->ev, PEV_SAMPLES2,
                   created ? v : ev_get(&c->ev, PEV_SAMPLES2) + v);
        }
    }
    double total = 0;
    for (size_t i = 0; i < p->n_funcs; i++)
        total += ev_get(&p->funcs[i].ev, PEV_SAMPLES);
    ev_set(&p->ev, PEV_SAMPLES, total);
    return p;
}

static bool same_bits(const struct prof_events *a, const struct prof_events *b,
                      enum prof_event k)
{
    if (ev_has(a, k) != ev_has(b, k))
        return false;
    return !ev_has(a, k) || memcmp(&a->v[k], &b->v[k], sizeof(double)) == 0;
}

static void compare_one(size_t n, uint32_t fanout, size_t *n_cycles, size_t *n_members)
{
    struct profile *p = random_profile(n, fanout);
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    struct work a, b;
    work_init(&a, p, NULL, &d);
    work_init(&b, p, NULL, &d);
    assert_int_equal(work_derive(&a, GRAPH_TOTAL_CALLRATIOS), P2P_OK);
    /* b: the same steps up to the integration, then the reference. */
    cycles_tarjan(&b);
    assert_int_equal(derive_ratio(&b, PEV_TIME_RATIO, PEV_SAMPLES), P2P_OK);
    derive_call_ratios(&b, PEV_SAMPLES2);
    ref_integrate(&b, PEV_TTR, PEV_TIME_RATIO);
    assert_int_equal(a.n_cycles, b.n_cycles);
    *n_cycles += a.n_cycles;
    for (size_t y = 0; y < a.n_cycles; y++) {
        *n_members += a.cycles[y].n_members;
        assert_true(same_bits(&a.cycles[y].ev, &b.cycles[y].ev, PEV_TTR));
    }
    for (size_t i = 0; i < a.n; i++) {
        assert_true(same_bits(&a.f[i].ev, &b.f[i].ev, PEV_TTR));
        assert_int_equal(a.f[i].n_calls, b.f[i].n_calls);
        for (size_t c = 0; c < a.f[i].n_calls; c++)
            assert_true(same_bits(a.f[i].calls[c].ev, b.f[i].calls[c].ev, PEV_TTR));
    }
    work_fini(&a);
    work_fini(&b);
    profile_free(p);
}

static void test_matches_reference(void **state)
{
    (void)state;
    size_t n_cycles = 0, n_members = 0;
    rng_state = 20261122;
    for (int round = 0; round < 300; round++)
        compare_one(4 + rnd(60), 1 + rnd(6), &n_cycles, &n_members);
    print_message("%zu cycles, %zu members\n", n_cycles, n_members);
    /* The profiles did exercise the heuristic: many cycles, with many members. */
    assert_true(n_cycles > 200);
    assert_true(n_members > 4 * n_cycles);
}

/* The same with every cycle's entries ranked on a second thread. */
static void test_threaded_matches_reference(void **state)
{
    (void)state;
    size_t n_cycles = 0, n_members = 0;
    uint64_t saved = propagate_thread_work;
    propagate_thread_work = 0;
    rng_state = 99;
    for (int round = 0; round < 100; round++)
        compare_one(4 + rnd(60), 1 + rnd(6), &n_cycles, &n_members);
    compare_one(400, 9, &n_cycles, &n_members);
    propagate_thread_work = saved;
    assert_true(n_cycles > 50);
}

static void test_large_cycle_matches_reference(void **state)
{
    (void)state;
    size_t n_cycles = 0, n_members = 0;
    rng_state = 7;
    compare_one(400, 9, &n_cycles, &n_members);
    print_message("%zu cycles, %zu members\n", n_cycles, n_members);
    assert_true(n_members > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_large_cycle_matches_reference),
        cmocka_unit_test(test_threaded_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
