/* Adding sampled call stacks to a profile (see stacks.h), shared by read_perf.c,
 * read_dtrace.c and read_collapse.c. Counting each function once per stack uses a stamp per
 * function instead of a set per stack, so a stack of n frames costs O(n). */
#include "config.h"
#include "stacks.h"

#include <pthread.h>
#include <semaphore.h>
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

/* ------------------------------------------------------------------ pipelined stacks */

/* Operations travel in batches: the reader fills one while the other thread applies the
 * ones before. A frame's id is copied into the batch (the input's pages may be given back
 * by the time it is applied). Hashing ids is left to the other thread: reading lines and
 * splitting frames is the larger half of the work already. */
size_t stacks_pipe_min = (size_t)4 << 20;

#define PIPE_BATCHES 3
#define PIPE_OPS 8192
#define PIPE_BYTES ((size_t)1 << 20)

enum pipe_op_kind { OP_BEGIN, OP_FRAME, OP_SAME, OP_END, OP_STOP };

struct pipe_op {
    enum pipe_op_kind kind;
    double count;     /* OP_BEGIN */
    size_t at, n;     /* OP_FRAME: the id is bytes[at, at + n); OP_SAME: the frame number */
    size_t name_at, name_n, module_at, module_n; /* within the id; module_at SIZE_MAX: none */
};

struct pipe_batch {
    struct pipe_op ops[PIPE_OPS];
    size_t n_ops;
    char *bytes;
    size_t n_bytes, cap_bytes;
};

struct stacks_pipe {
    struct stacks *s;
    /* The consumer's record of the frames of the stack before and of this one (function,
     * where its call was), for OP_SAME. */
    struct pipe_frame {
        size_t func, call;
    } *prev, *cur;
    size_t n_prev, n_cur, cap_prev, cap_cur;
    struct pipe_batch batch[PIPE_BATCHES];
    size_t fill; /* the batch the reader fills */
    sem_t full, empty;
    pthread_t thread;
};

static void pipe_apply(struct stacks_pipe *q, const struct pipe_batch *b)
{
    struct stacks *s = q->s;
    for (size_t k = 0; k < b->n_ops; k++) {
        const struct pipe_op *op = &b->ops[k];
        size_t func = 0, hint = SIZE_MAX;
        switch (op->kind) {
        case OP_BEGIN:
            stacks_begin(s, op->count);
            q->n_cur = 0;
            continue;
        case OP_END: {
            stacks_end(s);
            struct pipe_frame *t = q->prev;
            size_t tc = q->cap_prev;
            q->prev = q->cur;
            q->cap_prev = q->cap_cur;
            q->n_prev = q->n_cur;
            q->cur = t;
            q->cap_cur = tc;
            continue;
        }
        case OP_STOP:
            continue;
        case OP_SAME:
            func = q->prev[op->at].func;
            hint = q->prev[op->at].call;
            break;
        case OP_FRAME: {
            const char *id = b->bytes + op->at;
            bool created;
            func = profile_func_str(s->p, id, op->n, &created);
            if (created) {
                struct prof_func *f = &s->p->funcs[func];
                f->name = profile_intern(s->p, id + op->name_at, op->name_n);
                if (op->module_at != SIZE_MAX)
                    f->module = profile_intern(s->p, id + op->module_at, op->module_n);
                ev_set(&f->ev, PEV_SAMPLES, 0);
                ev_set(&f->ev, PEV_TOTAL_SAMPLES, 0);
            }
            break;
        }
        }
        UTIL_GROW(q->cur, q->cap_cur, q->n_cur + 1);
        q->cur[q->n_cur++] = (struct pipe_frame){func, stacks_frame_hint(s, func, hint)};
    }
}

static void *pipe_main(void *arg)
{
    struct stacks_pipe *q = arg;
    for (size_t k = 0;; k = (k + 1) % PIPE_BATCHES) {
        while (sem_wait(&q->full) != 0)
            ; /* EINTR */
        struct pipe_batch *b = &q->batch[k];
        bool stop = b->n_ops > 0 && b->ops[b->n_ops - 1].kind == OP_STOP;
        pipe_apply(q, b);
        b->n_ops = 0;
        b->n_bytes = 0;
        sem_post(&q->empty);
        if (stop)
            return NULL;
    }
}

struct stacks_pipe *stacks_pipe_start(struct stacks *s)
{
    struct stacks_pipe *q = xcalloc(1, sizeof(*q));
    q->s = s;
    for (size_t k = 0; k < PIPE_BATCHES; k++) {
        q->batch[k].bytes = xmalloc(PIPE_BYTES);
        q->batch[k].cap_bytes = PIPE_BYTES;
    }
    /* The reader starts with batch 0; the others are free. */
    if (sem_init(&q->full, 0, 0) != 0 || sem_init(&q->empty, 0, PIPE_BATCHES - 1) != 0 ||
        pthread_create(&q->thread, NULL, pipe_main, q) != 0) {
        for (size_t k = 0; k < PIPE_BATCHES; k++)
            free(q->batch[k].bytes);
        free(q);
        return NULL;
    }
    return q;
}

/* Hand the batch being filled over, and take the next free one. */
static void pipe_flush(struct stacks_pipe *q)
{
    sem_post(&q->full);
    while (sem_wait(&q->empty) != 0)
        ;
    q->fill = (q->fill + 1) % PIPE_BATCHES;
}

static struct pipe_op *pipe_op(struct stacks_pipe *q, size_t bytes)
{
    struct pipe_batch *b = &q->batch[q->fill];
    if (b->n_ops == PIPE_OPS || b->cap_bytes - b->n_bytes < bytes) {
        pipe_flush(q);
        b = &q->batch[q->fill];
        if (b->cap_bytes < bytes) { /* an id longer than a batch: a batch of its own */
            free(b->bytes);
            b->bytes = xmalloc(bytes);
            b->cap_bytes = bytes;
        }
    }
    return &b->ops[b->n_ops++];
}

void stacks_pipe_begin(struct stacks_pipe *q, double count)
{
    struct pipe_op *op = pipe_op(q, 0);
    op->kind = OP_BEGIN;
    op->count = count;
}

void stacks_pipe_end(struct stacks_pipe *q)
{
    pipe_op(q, 0)->kind = OP_END;
}

void stacks_pipe_frame(struct stacks_pipe *q, const char *a, size_t a_n, const char *b_,
                       size_t b_n, size_t name_at, size_t name_n, size_t module_at,
                       size_t module_n)
{
    if (a_n > SIZE_MAX / 2 || b_n > SIZE_MAX / 2)
        util_oom();
    size_t n = b_ ? a_n + 1 + b_n : a_n;
    struct pipe_op *op = pipe_op(q, n);
    struct pipe_batch *b = &q->batch[q->fill];
    char *id = b->bytes + b->n_bytes;
    memcpy(id, a, a_n);
    if (b_) {
        id[a_n] = ':';
        memcpy(id + a_n + 1, b_, b_n);
    }
    *op = (struct pipe_op){OP_FRAME, 0, b->n_bytes, n, name_at, name_n, module_at, module_n};
    b->n_bytes += n;
}

void stacks_pipe_same(struct stacks_pipe *q, size_t k)
{
    struct pipe_op *op = pipe_op(q, 0);
    op->kind = OP_SAME;
    op->at = k;
}

void stacks_pipe_finish(struct stacks_pipe *q)
{
    pipe_op(q, 0)->kind = OP_STOP;
    sem_post(&q->full);
    pthread_join(q->thread, NULL);
    sem_destroy(&q->full);
    sem_destroy(&q->empty);
    for (size_t k = 0; k < PIPE_BATCHES; k++)
        free(q->batch[k].bytes);
    free(q->prev);
    free(q->cur);
    free(q);
}
