/* --max-nodes: after gprof2dot's pruning and selection, keep at most N functions so that dot
 * can lay the graph out in reasonable time. Not part of gprof2dot; without the option
 * nothing here runs.
 *
 * What is kept: the heaviest functions, each with the path that leads to it.
 *   - A root is a remaining function that no other remaining function calls. Every
 *     remaining function gets one heaviest path from a root: the chain of remaining calls
 *     whose lightest call (by the call weight of -e) is heaviest; among equal ones the
 *     fewest calls, then the first caller in gprof2dot's output order. Functions no root
 *     reaches (a cycle nothing outside calls) are roots of their own, heaviest first.
 *   - Functions are then taken heaviest first (total-time share, as for -n; ties: fewer
 *     calls from the root, then gprof2dot's output order, i.e. by id). A function is kept
 *     with the functions of its path not kept yet, if they all fit in the budget; if not,
 *     it is left out and the next one is tried, until N are kept.
 * So the kept graph hangs together the way a reader expects (every kept function is a root
 * or is reached from a kept root through kept calls, along its heaviest path), the
 * functions that connect the heaviest ones count against N, and never more than N remain.
 * On a call tree, where callers are at least as heavy as their callees, this is exactly the
 * N heaviest functions. Calls between kept functions stay as pruning left them; functions
 * without a total-time share (cycles with no entry, spec 12) come after all others.
 * Deterministic; O(E log E) for the paths plus at most N steps per function tried. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

#define NONE SIZE_MAX

struct path_state {
    double *width;  /* lightest call weight along the best path (+inf at a root) */
    size_t *depth;  /* calls from the root */
    size_t *order;  /* position in gprof2dot's output order */
    size_t *parent; /* previous function on the path, NONE at a root */
};

/* a before b: wider path, then fewer calls, then output order. */
static bool wider(const struct path_state *s, size_t a, size_t b)
{
    if (s->width[a] != s->width[b])
        return s->width[a] > s->width[b];
    if (s->depth[a] != s->depth[b])
        return s->depth[a] < s->depth[b];
    return s->order[a] < s->order[b];
}

/* A binary max-heap of function indices by `wider`; an index is pushed again when its path
 * improves and stale entries are skipped when popped. */
struct heap {
    size_t *v;
    size_t n, cap;
};

static void heap_push(struct heap *h, const struct path_state *s, size_t x)
{
    UTIL_GROW(h->v, h->cap, h->n + 1);
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!wider(s, x, h->v[p]))
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = x;
}

static size_t heap_pop(struct heap *h, const struct path_state *s)
{
    size_t top = h->v[0], x = h->v[--h->n], i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && wider(s, h->v[c + 1], h->v[c]))
            c++;
        if (!wider(s, h->v[c], x))
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n)
        h->v[i] = x;
    return top;
}

/* Is the path through caller u (width, depth) better than the one v has? */
static bool better_path(const struct path_state *s, double width, size_t depth, size_t u, size_t v)
{
    if (width != s->width[v])
        return width > s->width[v];
    if (depth != s->depth[v])
        return depth < s->depth[v];
    return s->parent[v] != NONE && s->order[u] < s->order[s->parent[v]];
}

static bool call_left(const struct work *w, size_t i, const struct wcall *c)
{
    return !c->removed && !w->f[c->callee].removed && c->callee != i;
}

/* Total-time share of function i, -inf when it has none. */
static double share(const struct work *w, size_t i)
{
    const struct wfunc *f = &w->f[i];
    if (!ev_has(&f->ev, PEV_TTR) || isnan(ev_get(&f->ev, PEV_TTR)))
        return -HUGE_VAL;
    return ev_get(&f->ev, PEV_TTR);
}

/* qsort has no context argument in C11: sort copies of the keys. */
struct rank_item {
    double share;
    size_t depth, order, ix;
};

static int rank_cmp(const void *a, const void *b)
{
    const struct rank_item *x = a, *y = b;
    if (x->share != y->share)
        return x->share > y->share ? -1 : 1;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* idx[0..n) heaviest first. */
static void rank_sort(const struct work *w, const struct path_state *s, size_t *idx, size_t n)
{
    struct rank_item *items = xmalloc(n * sizeof(*items));
    for (size_t k = 0; k < n; k++)
        items[k] = (struct rank_item){share(w, idx[k]), s->depth[idx[k]], s->order[idx[k]], idx[k]};
    qsort(items, n, sizeof(*items), rank_cmp);
    for (size_t k = 0; k < n; k++)
        idx[k] = items[k].ix;
    free(items);
}

/* The heaviest path of every remaining function (Dijkstra with min as the path operation
 * and the widest path first). */
static void heaviest_paths(const struct work *w, struct path_state *s, const size_t *sorted,
                           size_t n_left)
{
    size_t n = w->n;
    bool *called = xcalloc(n, sizeof(*called));
    bool *reached = xcalloc(n, sizeof(*reached));
    bool *done = xcalloc(n, sizeof(*done));
    for (size_t i = 0; i < n; i++) {
        s->width[i] = HUGE_VAL;
        s->depth[i] = 0;
        s->parent[i] = NONE;
        if (w->f[i].removed)
            continue;
        for (size_t c = 0; c < w->f[i].n_calls; c++)
            if (call_left(w, i, &w->f[i].calls[c]))
                called[w->f[i].calls[c].callee] = true;
    }
    struct heap h = {0};
    for (size_t k = 0; k < n_left; k++)
        if (!called[sorted[k]]) {
            reached[sorted[k]] = true;
            heap_push(&h, s, sorted[k]);
        }
    /* Roots of last resort, heaviest first (depths are all 0 still). */
    size_t *by_share = xmalloc(n_left * sizeof(*by_share));
    memcpy(by_share, sorted, n_left * sizeof(*by_share));
    rank_sort(w, s, by_share, n_left);
    size_t next_root = 0;
    for (;;) {
        if (h.n == 0) {
            while (next_root < n_left && reached[by_share[next_root]])
                next_root++;
            if (next_root == n_left)
                break;
            reached[by_share[next_root]] = true;
            heap_push(&h, s, by_share[next_root]);
        }
        size_t u = heap_pop(&h, s);
        if (done[u])
            continue;
        done[u] = true;
        const struct wfunc *f = &w->f[u];
        for (size_t c = 0; c < f->n_calls; c++) {
            const struct wcall *call = &f->calls[c];
            size_t v = call->callee;
            if (!call_left(w, u, call) || done[v])
                continue;
            double cw = call->has_weight && !isnan(call->weight) ? call->weight : 0.0;
            double width = cw < s->width[u] ? cw : s->width[u];
            size_t depth = s->depth[u] + 1;
            if (reached[v] && !better_path(s, width, depth, u, v))
                continue;
            reached[v] = true;
            s->width[v] = width;
            s->depth[v] = depth;
            s->parent[v] = u;
            heap_push(&h, s, v);
        }
    }
    free(h.v);
    free(by_share);
    free(called);
    free(reached);
    free(done);
}

void limit_nodes(struct work *w, size_t max_nodes)
{
    size_t n_left;
    size_t *sorted = sorted_funcs(w, &n_left);
    if (max_nodes == 0 || n_left <= max_nodes) {
        free(sorted);
        return;
    }
    size_t n = w->n;
    struct path_state s;
    s.width = xmalloc(n * sizeof(*s.width));
    s.depth = xmalloc(n * sizeof(*s.depth));
    s.order = xmalloc(n * sizeof(*s.order));
    s.parent = xmalloc(n * sizeof(*s.parent));
    for (size_t k = 0; k < n_left; k++)
        s.order[sorted[k]] = k;
    heaviest_paths(w, &s, sorted, n_left);

    rank_sort(w, &s, sorted, n_left);
    bool *kept = xcalloc(n, sizeof(*kept));
    size_t *path = xmalloc((max_nodes + 1) * sizeof(*path));
    size_t n_kept = 0;
    for (size_t k = 0; k < n_left && n_kept < max_nodes; k++) {
        /* The functions of the path not kept yet, as long as they could fit. */
        size_t room = max_nodes - n_kept, len = 0;
        for (size_t x = sorted[k]; x != NONE && !kept[x] && len <= room; x = s.parent[x])
            path[len++] = x;
        if (len > room)
            continue;
        for (size_t j = 0; j < len; j++)
            kept[path[j]] = true;
        n_kept += len;
    }
    for (size_t k = 0; k < n_left; k++)
        if (!kept[sorted[k]])
            w->f[sorted[k]].removed = true;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < w->f[i].n_calls; c++)
            if (w->f[w->f[i].calls[c].callee].removed)
                w->f[i].calls[c].removed = true;

    free(path);
    free(kept);
    free(s.width);
    free(s.depth);
    free(s.order);
    free(s.parent);
    free(sorted);
}
