/* Bump allocation in large chunks, and an open-addressing intern table (see arena.h). */
#include "config.h"
#include "arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK_SIZE ((size_t)1 << 20)
#define ALIGN 16

struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(ALIGN) unsigned char data[];
};

struct intern_slot {
    const char *s; /* NULL = empty */
    size_t len;
    uint64_t hash;
    size_t val; /* the caller's number for the string, SIZE_MAX until set */
};

struct arena {
    struct chunk *head;
    struct intern_slot *slots;
    size_t n_slots, n_used;
    bool sealed; /* arena_seal: interning is a bug */
};

struct arena *arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    struct chunk *c = a->head;
    while (c) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a->slots);
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    if (n > SIZE_MAX - ALIGN)
        util_oom();
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    struct chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;
        struct chunk *nc = xmalloc(sizeof(*nc) + size);
        nc->used = 0;
        nc->size = size;
        if (c && n > CHUNK_SIZE / 4) {
            /* A big block gets a chunk of its own behind the current one. */
            nc->next = c->next;
            c->next = nc;
            nc->used = n;
            return nc->data;
        }
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        util_oom();
    char *p = arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void intern_rehash(struct arena *a)
{
    size_t n = a->n_slots ? a->n_slots * 2 : 1024;
    struct intern_slot *slots = xcalloc(n, sizeof(*slots));
    for (size_t i = 0; i < a->n_slots; i++) {
        struct intern_slot *o = &a->slots[i];
        if (!o->s)
            continue;
        size_t j = o->hash & (n - 1);
        while (slots[j].s)
            j = (j + 1) & (n - 1);
        slots[j] = *o;
    }
    free(a->slots);
    a->slots = slots;
    a->n_slots = n;
}

static struct intern_slot *lookup(const struct arena *a, const char *s, size_t n)
{
    if (a->sealed)
        abort(); /* a bug: the table is gone */
    if (!a->n_slots)
        return NULL;
    uint64_t h = util_hash(s, n);
    size_t mask = a->n_slots - 1;
    for (size_t j = h & mask; a->slots[j].s; j = (j + 1) & mask) {
        struct intern_slot *o = &a->slots[j];
        if (o->hash == h && o->len == n && memcmp(o->s, s, n) == 0)
            return o;
    }
    return NULL;
}

const char *arena_lookup(const struct arena *a, const char *s, size_t n)
{
    const struct intern_slot *o = lookup(a, s, n);
    return o ? o->s : NULL;
}

size_t arena_lookup_val(const struct arena *a, const char *s, size_t n)
{
    const struct intern_slot *o = lookup(a, s, n);
    return o ? o->val : SIZE_MAX;
}

const char *arena_intern_val(struct arena *a, const char *s, size_t n, size_t **val)
{
    if (a->sealed)
        abort(); /* a bug: the table is gone, a new copy would not be the same string */
    if ((a->n_used + 1) * 4 >= a->n_slots * 3)
        intern_rehash(a);
    uint64_t h = util_hash(s, n);
    size_t mask = a->n_slots - 1;
    size_t j = h & mask;
    while (a->slots[j].s) {
        struct intern_slot *o = &a->slots[j];
        if (o->hash == h && o->len == n && memcmp(o->s, s, n) == 0) {
            *val = &o->val;
            return o->s;
        }
        j = (j + 1) & mask;
    }
    char *p = arena_strndup(a, s, n);
    a->slots[j] = (struct intern_slot){p, n, h, SIZE_MAX};
    a->n_used++;
    *val = &a->slots[j].val;
    return p;
}

void arena_seal(struct arena *a)
{
    free(a->slots);
    a->slots = NULL;
    a->n_slots = 0;
    a->n_used = 0;
    a->sealed = true;
}

const char *arena_intern(struct arena *a, const char *s, size_t n)
{
    size_t *val;
    return arena_intern_val(a, s, n, &val);
}
