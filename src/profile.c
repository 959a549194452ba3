/* The profile model: functions, calls, and their lookup tables (see profile.h). */
#include "config.h"
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "imap.h"
#include "util.h"

struct prof_index {
    struct imap ids;    /* int id -> function index, unless sparse_ids is false: */
    bool sparse_ids;    /* false while the int ids are 0, 1, 2 ... in order, each its
                           function's index (pstats, json): no table needed */
    struct imap calls;  /* caller << 32 | callee -> index in the caller's call array, for
                           callers of more than CALL_SCAN functions only */
    struct imap cycles; /* cycle number in the file -> cycle index */
    bool unindexed;     /* calls came from profile_call_new: calls has none of them */
};

struct profile *profile_new(enum prof_recipe recipe, bool int_ids)
{
    struct profile *p = xcalloc(1, sizeof(*p));
    p->recipe = recipe;
    p->int_ids = int_ids;
    p->arena = arena_new();
    p->index_ = xcalloc(1, sizeof(*p->index_));
    imap_init(&p->index_->ids);
    imap_init(&p->index_->calls);
    imap_init(&p->index_->cycles);
    return p;
}

void profile_reserve(struct profile *p, size_t n)
{
    UTIL_GROW_BIG(p->funcs, p->cap_funcs, n); /* as profile_func grows it */
}

static void free_index(struct profile *p)
{
    if (!p->index_)
        return;
    imap_fini(&p->index_->ids);
    imap_fini(&p->index_->calls);
    imap_fini(&p->index_->cycles);
    free(p->index_);
    p->index_ = NULL;
}

void profile_free(struct profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_funcs; i++)
        free(p->funcs[i].calls);
    util_free_big(p->funcs, p->cap_funcs, sizeof(*p->funcs));
    free_index(p);
    arena_free(p->arena);
    free(p);
}

void profile_seal(struct profile *p)
{
    util_fit_big((void **)&p->funcs, &p->cap_funcs, p->n_funcs, sizeof(*p->funcs));
    free_index(p);
    arena_seal(p->arena);
}

/* The lookup tables, which profile_seal freed. */
static struct prof_index *index_of(const struct profile *p)
{
    if (!p->index_)
        abort(); /* a bug: lookup after profile_seal */
    return p->index_;
}

const char *profile_intern(struct profile *p, const char *s, size_t n)
{
    return arena_intern(p->arena, s, n);
}

const char *profile_copy(struct profile *p, const char *s, size_t n)
{
    return arena_strndup(p->arena, s, n);
}

static size_t add_func(struct profile *p)
{
    /* Call keys pack two indices in 32 bits each. */
    if (p->n_funcs >= PROF_MAX_FUNCS)
        util_oom();
    UTIL_GROW_BIG(p->funcs, p->cap_funcs, p->n_funcs + 1);
    struct prof_func *f = &p->funcs[p->n_funcs];
    memset(f, 0, sizeof(*f));
    f->cycle = PROF_NO_CYCLE;
    f->name = "";
    return p->n_funcs++;
}

/* The ids were dense and id breaks the run: the table gets them all. */
static void make_sparse(struct profile *p, struct prof_index *x)
{
    x->sparse_ids = true;
    for (size_t i = 0; i < p->n_funcs; i++)
        imap_put(&x->ids, (uint64_t)i, i);
}

/* String ids: the function's index is kept with the interned id, so finding a function
 * costs one hash lookup. */
size_t profile_func_str(struct profile *p, const char *id, size_t n, bool *created)
{
    struct prof_index *x = index_of(p);
    if (!x->sparse_ids) /* function i no longer has int id i */
        make_sparse(p, x);
    size_t *val;
    const char *s = arena_intern_val(p->arena, id, n, &val);
    bool is_new = *val == SIZE_MAX;
    if (is_new)
        *val = p->n_funcs;
    size_t i = *val;
    if (is_new) {
        add_func(p);
        p->funcs[i].str_id = s;
        p->funcs[i].name = s;
    }
    if (created)
        *created = is_new;
    return i;
}

size_t profile_func_int(struct profile *p, int64_t id, bool *created)
{
    struct prof_index *x = index_of(p);
    if (!x->sparse_ids) {
        if (id >= 0 && (uint64_t)id <= p->n_funcs) {
            bool is_new = (uint64_t)id == p->n_funcs;
            if (is_new) {
                size_t i = add_func(p); /* (it may move funcs) */
                p->funcs[i].int_id = id;
            }
            if (created)
                *created = is_new;
            return (size_t)id;
        }
        make_sparse(p, x);
    }
    size_t i = imap_put(&x->ids, (uint64_t)id, p->n_funcs);
    bool is_new = i == p->n_funcs;
    if (is_new) {
        add_func(p);
        p->funcs[i].int_id = id;
    }
    if (created)
        *created = is_new;
    return i;
}

size_t profile_find_str(const struct profile *p, const char *id, size_t n)
{
    return arena_lookup_val(p->arena, id, n);
}

size_t profile_find_int(const struct profile *p, int64_t id)
{
    const struct prof_index *x = index_of(p);
    if (!x->sparse_ids)
        return id >= 0 && (uint64_t)id < p->n_funcs ? (size_t)id : SIZE_MAX;
    size_t i = imap_get(&x->ids, (uint64_t)id);
    return i == IMAP_NONE ? SIZE_MAX : i;
}

/* Most functions call few others: their calls are found by a scan of the caller's array,
 * cheaper than a lookup in a table of all calls; callers of more go to that table (so input
 * cannot make the scans quadratic). */
#define CALL_SCAN 8

static uint64_t call_key(size_t caller, size_t callee)
{
    return (uint64_t)caller << 32 | (uint64_t)callee;
}

/* The index of caller -> callee in the caller's array when it calls at most CALL_SCAN
 * functions: n_calls if there is none. */
static size_t scan_calls(const struct prof_func *f, size_t callee)
{
    size_t c = 0;
    while (c < f->n_calls && f->calls[c].callee != callee)
        c++;
    return c;
}

/* The index for profile_call, which profile_call_new's calls never entered. */
static struct prof_index *call_index(const struct profile *p)
{
    struct prof_index *x = index_of(p);
    if (x->unindexed)
        abort(); /* a bug: profile_call_new and call lookups mixed */
    return x;
}

struct prof_call *profile_find_call(const struct profile *p, size_t caller, size_t callee)
{
    const struct prof_func *f = &p->funcs[caller];
    struct prof_index *x = index_of(p);
    size_t c = f->n_calls <= CALL_SCAN || x->unindexed ? scan_calls(f, callee)
                                       : imap_get(&x->calls, call_key(caller, callee));
    return c == IMAP_NONE || c == f->n_calls ? NULL : &p->funcs[caller].calls[c];
}

struct prof_call *profile_call(struct profile *p, size_t caller, size_t callee, bool *created)
{
    struct prof_func *f = &p->funcs[caller];
    struct prof_index *x = call_index(p);
    size_t c;
    if (f->n_calls <= CALL_SCAN) {
        c = scan_calls(f, callee);
        if (c == CALL_SCAN) /* one more than a scan covers: index them all */
            for (size_t k = 0; k <= CALL_SCAN; k++)
                imap_put(&x->calls, call_key(caller, k < c ? f->calls[k].callee : callee), k);
    } else {
        c = imap_put(&x->calls, call_key(caller, callee), f->n_calls);
    }
    bool is_new = c == f->n_calls;
    if (is_new) {
        /* Most functions call few others: start small (UTIL_GROW starts at 8, which for
         * 100 000 functions was most of a callgrind profile's memory). */
        if (f->n_calls == f->cap_calls) {
            size_t cap = f->cap_calls ? f->cap_calls * 2 : 2;
            f->calls = xreallocarray(f->calls, cap, sizeof(*f->calls));
            f->cap_calls = cap;
        }
        memset(&f->calls[c], 0, sizeof(f->calls[c]));
        f->calls[c].callee = callee;
        f->n_calls++;
    }
    if (created)
        *created = is_new;
    return &f->calls[c];
}

void profile_reserve_calls(struct profile *p, size_t caller, size_t n)
{
    struct prof_func *f = &p->funcs[caller];
    if (n > f->cap_calls) {
        f->calls = xreallocarray(f->calls, n, sizeof(*f->calls));
        f->cap_calls = n;
    }
}

struct prof_call *profile_call_new(struct profile *p, size_t caller, size_t callee)
{
    index_of(p)->unindexed = true;
    struct prof_func *f = &p->funcs[caller];
    if (f->n_calls == f->cap_calls)
        profile_reserve_calls(p, caller, f->cap_calls ? f->cap_calls * 2 : 2);
    struct prof_call *c = &f->calls[f->n_calls++];
    memset(c, 0, sizeof(*c));
    c->callee = callee;
    return c;
}

size_t profile_cycle(struct profile *p, int64_t number)
{
    size_t i = imap_put(&index_of(p)->cycles, (uint64_t)number, p->n_cycles);
    if (i == p->n_cycles)
        p->n_cycles++;
    return i;
}
