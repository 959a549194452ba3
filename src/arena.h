/* A bump allocator and a string-interning table that live as long as one profile: readers
 * intern each name once, nothing is freed individually, arena_free releases all. */
#ifndef P2P_SRC_ARENA_H
#define P2P_SRC_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);

/* n bytes aligned for any scalar type; never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of [s, s+n) (not interned). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* The unique NUL-terminated copy of [s, s+n): equal strings give the same pointer. */
const char *arena_intern(struct arena *a, const char *s, size_t n);
/* Drop the intern table (the strings stay): nothing is interned or looked up any more. */
void arena_seal(struct arena *a);
/* The interned copy of [s, s+n) if there is one, else NULL. */
const char *arena_lookup(const struct arena *a, const char *s, size_t n);
/* Intern, and point *val at a number kept with the string (SIZE_MAX until the caller sets
 * it): one lookup maps a name to, say, its function. *val is valid until the next intern. */
const char *arena_intern_val(struct arena *a, const char *s, size_t n, size_t **val);
/* The number kept with an interned string, or SIZE_MAX (also when not interned). */
size_t arena_lookup_val(const struct arena *a, const char *s, size_t n);

#endif
