/* A map from 64-bit keys to size_t values (open addressing); the lookup tables of the
 * profile and the graph builder. */
#ifndef P2P_SRC_IMAP_H
#define P2P_SRC_IMAP_H

#include <stddef.h>
#include <stdint.h>

#define IMAP_NONE SIZE_MAX

struct imap {
    uint64_t *keys;
    size_t *vals; /* IMAP_NONE = empty slot */
    size_t n_slots, n_used;
};

void imap_init(struct imap *m);
void imap_fini(struct imap *m);
/* The value stored under key, or IMAP_NONE. */
size_t imap_get(const struct imap *m, uint64_t key);
/* Store val under key unless the key is present; returns the value now stored. */
size_t imap_put(struct imap *m, uint64_t key, size_t val);

#endif
