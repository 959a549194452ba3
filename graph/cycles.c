/* Cycles: strongly connected components of two or more functions (iterative Tarjan, so no
 * input can exhaust the C stack), or the cycles a gprof/VTune file declares. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

static size_t new_cycle(struct work *w)
{
    w->cycles = xreallocarray(w->cycles, w->n_cycles + 1, sizeof(*w->cycles));
    memset(&w->cycles[w->n_cycles], 0, sizeof(w->cycles[0]));
    return w->n_cycles++;
}

static void add_member(struct wcycle *y, size_t f)
{
    UTIL_GROW(y->members, y->cap_members, y->n_members + 1);
    y->members[y->n_members++] = f;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

void cycles_tarjan(struct work *w)
{
    size_t n = w->n;
    if (n == 0)
        return;
    const size_t UNSEEN = SIZE_MAX;
    size_t *index = xmalloc(n * sizeof(*index));
    size_t *low = xmalloc(n * sizeof(*low));
    bool *on_stack = xcalloc(n, sizeof(*on_stack));
    size_t *stack = xmalloc(n * sizeof(*stack)); /* Tarjan's component stack */
    size_t sp = 0;
    /* The DFS stack: function and the next call to look at. */
    struct frame {
        size_t f, next;
    } *dfs = xmalloc(n * sizeof(*dfs));
    size_t counter = 0;
    for (size_t i = 0; i < n; i++)
        index[i] = UNSEEN;

    for (size_t root = 0; root < n; root++) {
        if (index[root] != UNSEEN)
            continue;
        size_t depth = 0;
        dfs[depth++] = (struct frame){root, 0};
        index[root] = low[root] = counter++;
        stack[sp++] = root;
        on_stack[root] = true;
        while (depth) {
            struct frame *fr = &dfs[depth - 1];
            const struct wfunc *f = &w->f[fr->f];
            if (fr->next < f->n_calls) {
                size_t g = f->calls[fr->next++].callee;
                if (index[g] == UNSEEN) {
                    index[g] = low[g] = counter++;
                    stack[sp++] = g;
                    on_stack[g] = true;
                    dfs[depth++] = (struct frame){g, 0};
                } else if (on_stack[g] && index[g] < low[fr->f]) {
                    low[fr->f] = index[g];
                }
                continue;
            }
            size_t v = fr->f;
            depth--;
            if (depth && low[v] < low[dfs[depth - 1].f])
                low[dfs[depth - 1].f] = low[v];
            if (low[v] != index[v])
                continue;
            /* v is the root of a component: pop it. */
            size_t start = sp;
            while (stack[start - 1] != v)
                start--;
            start--;
            size_t count = sp - start;
            if (count >= 2) {
                size_t y = new_cycle(w);
                qsort(stack + start, count, sizeof(*stack), cmp_size);
                for (size_t k = start; k < sp; k++) {
                    add_member(&w->cycles[y], stack[k]);
                    w->f[stack[k]].cycle = y;
                }
            }
            for (size_t k = start; k < sp; k++)
                on_stack[stack[k]] = false;
            sp = start;
        }
    }
    free(index);
    free(low);
    free(on_stack);
    free(stack);
    free(dfs);
}

void cycles_from_profile(struct work *w)
{
    const struct profile *p = w->p;
    for (size_t k = 0; k < p->n_cycles; k++)
        new_cycle(w);
    for (size_t i = 0; i < w->n; i++) {
        size_t y = p->funcs[i].cycle;
        if (y == PROF_NO_CYCLE || y >= w->n_cycles)
            continue;
        add_member(&w->cycles[y], i);
        w->f[i].cycle = y;
    }
}
