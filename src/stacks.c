/* Adding sampled call stacks to a profile (see stacks.h), shared by read_perf.c,
 * read_dtrace.c and read_collapse.c. Counting each function once per stack uses a stamp per
 * function instead of a set per stack, so a stack of n frames costs O(n). */
#include "config.h"
#include "stacks.h"

#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "util.h"

void stacks_init(struct stacks *s, struct profile *p, enum stacks_order order)
{
    memset(s, 0, sizeof(*s));
    s->p = p;
    s->order = order;
    strbuf_init(&s->scratch);
    if (!ev_has(&p->ev, PEV_SAMPLES))
        ev_set(&p->ev, PEV_SAMPLES, 0);
}

void stacks_fini(struct stacks *s)
{
    free(s->stamp);
    s->stamp = NULL;
    s->cap_stamp = 0;
    strbuf_fini(&s->scratch);
}

enum p2p_status stacks_read(struct input *const *in, size_t n_in, enum stacks_order order,
                            stacks_read_fn fn, struct profile **out, struct diag *d)
{
    struct profile *p = profile_new(PROF_RECIPE_STACKS, false);
    struct stacks s;
    enum p2p_status st = P2P_OK;
    stacks_init(&s, p, order);
    *out = NULL;
    for (size_t i = 0; i < n_in && st == P2P_OK; i++) {
        d->file = in[i]->name;
        st = fn(&s, in[i], d);
    }
    stacks_fini(&s);
    if (st != P2P_OK) {
        profile_free(p);
        return st;
    }
    *out = p;
    return P2P_OK;
}

bool stacks_sniff_line(const unsigned char *buf, size_t n, size_t *pos, const char **line,
                       size_t *len, bool *complete)
{
    size_t i = *pos;
    if (i >= n)
        return false;
    size_t start = i;
    while (i < n && buf[i] != '\n' && buf[i] != '\r')
        i++;
    *line = (const char *)buf + start;
    *len = i - start;
    *complete = i < n;
    if (i < n && buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n')
        i++;
    *pos = i < n ? i + 1 : i;
    return true;
}

const char *stacks_basename(const char *s, size_t n, size_t *out_n)
{
    size_t i = n;
    while (i > 0 && s[i - 1] != '/')
        i--;
    *out_n = n - i;
    return s + i;
}

size_t stacks_strip_offset(const char *s, size_t n)
{
    size_t k = n;
    while (k > 0 && pytext_hex_digit(s[k - 1]))
        k--;
    if (k < n && k >= 3 && memcmp(s + k - 3, "+0x", 3) == 0)
        return k - 3;
    return n;
}

/* The stamp of function f, growing the array (new slots 0: no stack yet) as functions come. */
static uint64_t *stamp_of(struct stacks *s, size_t f)
{
    if (f >= s->cap_stamp) {
        size_t old = s->cap_stamp;
        UTIL_GROW(s->stamp, s->cap_stamp, f + 1);
        memset(s->stamp + old, 0, (s->cap_stamp - old) * sizeof(*s->stamp));
    }
    return &s->stamp[f];
}

size_t stacks_func(struct stacks *s, const char *id, size_t id_n, const char *name, size_t name_n,
                   const char *module, size_t module_n)
{
    bool created;
    size_t i = profile_func_str(s->p, id, id_n, &created);
    if (created) {
        struct prof_func *f = &s->p->funcs[i];
        f->name = profile_intern(s->p, name, name_n);
        if (module)
            f->module = profile_intern(s->p, module, module_n);
        ev_set(&f->ev, PEV_SAMPLES, 0);
        ev_set(&f->ev, PEV_TOTAL_SAMPLES, 0);
    }
    return i;
}

void stacks_begin(struct stacks *s, double count)
{
    s->gen++;
    s->count = count;
    s->n_frames = 0;
}

size_t stacks_frame_hint(struct stacks *s, size_t func, size_t hint)
{
    struct profile *p = s->p;
    uint64_t *stamp = stamp_of(s, func);
    size_t at = SIZE_MAX;
    if (*stamp != s->gen) {
        *stamp = s->gen;
        ev_add(&p->funcs[func].ev, PEV_TOTAL_SAMPLES, s->count);
    }
    if (s->n_frames == 0) {
        if (s->order == STACKS_LEAF_FIRST)
            ev_add(&p->funcs[func].ev, PEV_SAMPLES, s->count);
    } else {
        size_t caller = s->order == STACKS_LEAF_FIRST ? func : s->prev;
        size_t callee = s->order == STACKS_LEAF_FIRST ? s->prev : func;
        const struct prof_func *f = &p->funcs[caller];
        struct prof_call *c;
        if (hint < f->n_calls && f->calls[hint].callee == callee)
            c = &f->calls[hint];
        else
            c = profile_call(p, caller, callee, NULL);
        ev_add(&c->ev, PEV_SAMPLES2, s->count);
        at = (size_t)(c - p->funcs[caller].calls);
    }
    s->prev = func;
    s->n_frames++;
    return at;
}

void stacks_frame(struct stacks *s, size_t func)
{
    stacks_frame_hint(s, func, SIZE_MAX);
}

void stacks_end(struct stacks *s)
{
    if (s->n_frames == 0)
        return;
    struct profile *p = s->p;
    if (s->order == STACKS_ROOT_FIRST)
        ev_add(&p->funcs[s->prev].ev, PEV_SAMPLES, s->count);
    ev_add(&p->ev, PEV_SAMPLES, s->count);
    s->n_frames = 0;
}
