/* Adding sampled call stacks to a profile (see stacks.h), shared by read_perf.c,
 * read_dtrace.c and read_collapse.c. Counting each function once per stack uses a stamp per
 * function instead of a set per stack, so a stack of n frames costs O(n). */
#include "config.h"
#include "stacks.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "handoff.h"
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

/* ------------------------------------------------------------------ stack sinks */

/* Operations travel in batches: on a thread, the reader fills one while the other thread
 * applies the ones before; inline, each operation is applied as soon as it is made. A
 * frame's id is copied into the batch (the input's pages may be given back by the time it
 * is applied). Hashing ids is left to the applying side: on a thread, reading lines and
 * splitting frames is the larger half of the work already. */
size_t stacks_thread_min = (size_t)4 << 20;

#define SINK_BATCHES 3
#define SINK_OPS 8192
#define SINK_BYTES ((size_t)1 << 20)

enum sink_op_kind { OP_BEGIN, OP_FRAME, OP_SAME, OP_END, OP_STOP };

struct sink_op {
    enum sink_op_kind kind;
    double count; /* OP_BEGIN */
    size_t at, n; /* OP_FRAME: the id is bytes[at, at + n); OP_SAME: the frame number */
    size_t name_at, name_n, module_at, module_n; /* within the id; module_at SIZE_MAX: none */
};

struct sink_batch {
    struct sink_op *ops;
    size_t n_ops, cap_ops;
    char *bytes;
    size_t n_bytes, cap_bytes;
};

struct stacks_sink {
    /* The reader's side. */
    bool threaded;
    size_t fill;                           /* the batch the reader fills */
    struct sink_batch batch[SINK_BATCHES]; /* inline: batch 0 only, one operation at a time */
    struct handoff ring;
    pthread_t thread;
    /* A cache line between the sides: the applying thread writes the fields below for every
     * frame, and sharing a line with the reader's fields cost a third of the reader's time. */
    char pad_[64];
    /* The applying side: the profile, and its record of the frames of the stack before and
     * of this one (function, where its call was), for OP_SAME. */
    struct stacks *s;
    struct sink_frame {
        size_t func, call;
    } *prev, *cur;
    size_t n_prev, n_cur, cap_prev, cap_cur;
};

static void sink_apply(struct stacks_sink *k, const struct sink_batch *b)
{
    struct stacks *s = k->s;
    for (size_t i = 0; i < b->n_ops; i++) {
        const struct sink_op *op = &b->ops[i];
        size_t func = 0, hint = SIZE_MAX;
        switch (op->kind) {
        case OP_BEGIN:
            stacks_begin(s, op->count);
            k->n_cur = 0;
            continue;
        case OP_END: {
            stacks_end(s);
            struct sink_frame *t = k->prev;
            size_t tc = k->cap_prev;
            k->prev = k->cur;
            k->cap_prev = k->cap_cur;
            k->n_prev = k->n_cur;
            k->cur = t;
            k->cap_cur = tc;
            continue;
        }
        case OP_STOP:
            continue;
        case OP_SAME:
            func = k->prev[op->at].func;
            hint = k->prev[op->at].call;
            break;
        case OP_FRAME: {
            const char *id = b->bytes + op->at;
            func = stacks_func(s, id, op->n, id + op->name_at, op->name_n,
                               op->module_at == SIZE_MAX ? NULL : id + op->module_at,
                               op->module_n);
            break;
        }
        }
        UTIL_GROW(k->cur, k->cap_cur, k->n_cur + 1);
        k->cur[k->n_cur++] = (struct sink_frame){func, stacks_frame_hint(s, func, hint)};
    }
}

static void *sink_main(void *arg)
{
    struct stacks_sink *k = arg;
    for (size_t i = 0;; i = (i + 1) % SINK_BATCHES) {
        handoff_take(&k->ring);
        struct sink_batch *b = &k->batch[i];
        bool stop = b->n_ops > 0 && b->ops[b->n_ops - 1].kind == OP_STOP;
        sink_apply(k, b);
        b->n_ops = 0;
        b->n_bytes = 0;
        handoff_release(&k->ring);
        if (stop)
            return NULL;
    }
}

static void free_batches(struct stacks_sink *k)
{
    for (size_t i = 0; i < SINK_BATCHES; i++) {
        free(k->batch[i].ops);
        free(k->batch[i].bytes);
    }
}

struct stacks_sink *stacks_sink_open(struct stacks *s, size_t input_len)
{
    struct stacks_sink *k = xcalloc(1, sizeof(*k));
    k->s = s;
    if (input_len >= stacks_thread_min) {
        for (size_t i = 0; i < SINK_BATCHES; i++) {
            k->batch[i].ops = xmalloc(SINK_OPS * sizeof(struct sink_op));
            k->batch[i].cap_ops = SINK_OPS;
            k->batch[i].bytes = xmalloc(SINK_BYTES);
            k->batch[i].cap_bytes = SINK_BYTES;
        }
        if (handoff_init(&k->ring, SINK_BATCHES)) {
            handoff_claim(&k->ring); /* the reader starts with batch 0 */
            k->threaded = pthread_create(&k->thread, NULL, sink_main, k) == 0;
            if (k->threaded)
                return k;
            handoff_fini(&k->ring);
        }
        free_batches(k); /* no thread: add the stacks inline */
        memset(k->batch, 0, sizeof(k->batch));
    }
    k->batch[0].ops = xmalloc(sizeof(struct sink_op));
    k->batch[0].cap_ops = 1;
    /* Never NULL, even for an empty frame id (no pointer arithmetic on NULL). */
    k->batch[0].bytes = xmalloc(256);
    k->batch[0].cap_bytes = 256;
    return k;
}

/* Hand the batch being filled over, and take the next free one. */
static void sink_flush(struct stacks_sink *k)
{
    handoff_pass(&k->ring);
    handoff_claim(&k->ring);
    k->fill = (k->fill + 1) % SINK_BATCHES;
}

/* Room for one more operation with `bytes` of id in the batch being filled. */
static struct sink_op *sink_op(struct stacks_sink *k, size_t bytes)
{
    struct sink_batch *b = &k->batch[k->fill];
    if (k->threaded && (b->n_ops == b->cap_ops || b->cap_bytes - b->n_bytes < bytes)) {
        sink_flush(k);
        b = &k->batch[k->fill];
    }
    if (b->cap_bytes - b->n_bytes < bytes) { /* inline, or an id longer than a batch */
        free(b->bytes);
        b->bytes = xmalloc(bytes);
        b->cap_bytes = bytes;
    }
    return &b->ops[b->n_ops++];
}

/* The operation just made: inline, apply it now. */
static void sink_push(struct stacks_sink *k)
{
    if (k->threaded)
        return;
    sink_apply(k, &k->batch[0]);
    k->batch[0].n_ops = 0;
    k->batch[0].n_bytes = 0;
}

void stacks_sink_begin(struct stacks_sink *k, double count)
{
    struct sink_op *op = sink_op(k, 0);
    op->kind = OP_BEGIN;
    op->count = count;
    sink_push(k);
}

void stacks_sink_end(struct stacks_sink *k)
{
    sink_op(k, 0)->kind = OP_END;
    sink_push(k);
}

void stacks_sink_frame(struct stacks_sink *k, const char *a, size_t a_n, const char *b_,
                       size_t b_n, size_t name_at, size_t name_n, size_t module_at,
                       size_t module_n)
{
    if (a_n > SIZE_MAX / 2 || b_n > SIZE_MAX / 2)
        util_oom();
    size_t n = b_ ? a_n + 1 + b_n : a_n;
    struct sink_op *op = sink_op(k, n);
    struct sink_batch *b = &k->batch[k->fill];
    char *id = b->bytes + b->n_bytes;
    memcpy(id, a, a_n);
    if (b_) {
        id[a_n] = ':';
        memcpy(id + a_n + 1, b_, b_n);
    }
    *op = (struct sink_op){OP_FRAME, 0, b->n_bytes, n, name_at, name_n, module_at, module_n};
    b->n_bytes += n;
    sink_push(k);
}

void stacks_sink_same(struct stacks_sink *k, size_t i)
{
    struct sink_op *op = sink_op(k, 0);
    op->kind = OP_SAME;
    op->at = i;
    sink_push(k);
}

void stacks_sink_close(struct stacks_sink *k)
{
    if (k->threaded) {
        sink_op(k, 0)->kind = OP_STOP;
        handoff_pass(&k->ring);
        pthread_join(k->thread, NULL);
        handoff_fini(&k->ring);
    }
    free_batches(k);
    free(k->prev);
    free(k->cur);
    free(k);
}
