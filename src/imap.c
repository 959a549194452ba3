/* Open-addressing integer map (see imap.h). */
#include "config.h"
#include "imap.h"

#include <stdlib.h>

#include "util.h"

void imap_init(struct imap *m)
{
    m->keys = NULL;
    m->vals = NULL;
    m->n_slots = 0;
    m->n_used = 0;
}

void imap_fini(struct imap *m)
{
    free(m->keys);
    free(m->vals);
    imap_init(m);
}

static size_t find(const struct imap *m, uint64_t key)
{
    size_t mask = m->n_slots - 1;
    size_t j = util_hash_u64(key) & mask;
    while (m->vals[j] != IMAP_NONE && m->keys[j] != key)
        j = (j + 1) & mask;
    return j;
}

size_t imap_get(const struct imap *m, uint64_t key)
{
    if (!m->n_slots)
        return IMAP_NONE;
    return m->vals[find(m, key)];
}

static void rehash(struct imap *m)
{
    struct imap n;
    n.n_slots = m->n_slots ? m->n_slots * 2 : 64;
    n.n_used = m->n_used;
    n.keys = xreallocarray(NULL, n.n_slots, sizeof(*n.keys));
    n.vals = xreallocarray(NULL, n.n_slots, sizeof(*n.vals));
    for (size_t i = 0; i < n.n_slots; i++)
        n.vals[i] = IMAP_NONE;
    for (size_t i = 0; i < m->n_slots; i++) {
        if (m->vals[i] == IMAP_NONE)
            continue;
        size_t j = find(&n, m->keys[i]);
        n.keys[j] = m->keys[i];
        n.vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    *m = n;
}

size_t imap_put(struct imap *m, uint64_t key, size_t val)
{
    if ((m->n_used + 1) * 4 >= m->n_slots * 3)
        rehash(m);
    size_t j = find(m, key);
    if (m->vals[j] != IMAP_NONE)
        return m->vals[j];
    m->keys[j] = key;
    m->vals[j] = val;
    m->n_used++;
    return val;
}
