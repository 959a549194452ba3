/* Allocation that never returns NULL, overflow-checked array sizing, a growable byte buffer
 * and checked number parsing. Everything that turns untrusted text into numbers goes through
 * the parse_* helpers here. */
#ifndef P2P_SRC_UTIL_H
#define P2P_SRC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define P2P_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define P2P_NORETURN __attribute__((noreturn))
#define P2P_WUR __attribute__((warn_unused_result))
/* Keeps a rare path out of its caller, so the common path saves no registers for it. */
#define P2P_NOINLINE __attribute__((noinline))
#else
#define P2P_PRINTF(f, a)
#define P2P_NORETURN
#define P2P_WUR
#define P2P_NOINLINE
#endif

#define P2P_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Status of every fallible stage; main.c maps it to the exit code. */
enum p2p_status {
    P2P_OK = 0,
    P2P_ERR_PARSE = 1, /* bad input: exit 1 */
    P2P_ERR_USAGE = 2, /* bad command line: exit 2 */
    P2P_ERR_IO = 3,    /* I/O or rendering failure: exit 3 */
};

/* Once, first thing in main: memory allocation settings (see util.c). */
void util_init(void);

/* Print "prof2png: out of memory" and abort. */
P2P_NORETURN void util_oom(void);

/* Give free heap pages back to the system (after a big structure is freed, before the next
 * is built: the peak memory is what a user sees). */
void util_trim(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc to n * size bytes; aborts on overflow as on exhaustion. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string. */
char *xasprintf(const char *fmt, ...) P2P_PRINTF(1, 2);

/* Grow *arr (of *cap elements of size esize) so that it holds at least need elements. */
void util_grow(void **arr, size_t *cap, size_t need, size_t esize);
#define UTIL_GROW(arr, cap, need) util_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* The same for an array that may grow big (a profile's functions): past a megabyte it is a
 * mapping of its own, which the system extends or moves without copying (where it can), so
 * growing it costs no copy and no second set of pages. Only util_grow_big changes its size,
 * and only util_free_big (with the same cap and esize) frees it. */
void util_grow_big(void **arr, size_t *cap, size_t need, size_t esize);
void util_free_big(void *arr, size_t cap, size_t esize);
/* Give back the pages of a big array past its first n elements (n <= *cap), once it has
 * stopped growing; *cap becomes n where that is done. */
void util_fit_big(void **arr, size_t *cap, size_t n, size_t esize);
#define UTIL_GROW_BIG(arr, cap, need) util_grow_big((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* A growable, always NUL-terminated byte buffer. */
struct strbuf {
    char *s;
    size_t len;
    size_t cap;
};
void strbuf_init(struct strbuf *b);
void strbuf_fini(struct strbuf *b);
void strbuf_reset(struct strbuf *b);
void strbuf_add(struct strbuf *b, const void *p, size_t n);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addc(struct strbuf *b, char c);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) P2P_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap) P2P_PRINTF(2, 0);
/* Append code point cp (at most U+10FFFF) encoded as UTF-8. */
void strbuf_add_utf8(struct strbuf *b, uint32_t cp);
/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms, surrogates or
 * code points above U+10FFFF) within n bytes, or 0 if there is none. */
size_t utf8_seq_len(const unsigned char *s, size_t n);
/* s itself if it is valid UTF-8; otherwise a new string (freeing s) in which every byte that
 * is not part of a valid sequence is read as Latin-1 (byte 0xE9 -> U+00E9). Profiles from
 * other systems carry such names; output must stay valid UTF-8. */
char *utf8_repair(char *s);
/* Hand the buffer's string to the caller (who frees it) and reset the buffer. */
char *strbuf_detach(struct strbuf *b);

/* Checked parsing of a whole token [s, s+n). They return false on empty input, junk,
 * overflow, NaN or infinity; nothing is written to *out then. */
bool parse_u64(const char *s, size_t n, uint64_t *out) P2P_WUR;
bool parse_i64(const char *s, size_t n, int64_t *out) P2P_WUR;
/* Decimal or scientific float; rejects nan/inf and values that overflow to infinity. */
bool parse_double(const char *s, size_t n, double *out) P2P_WUR;

static inline uint64_t util_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Hash of n bytes for every hash table: eight bytes a step (names are long, and hashing
 * them byte by byte was a fifth of reading a perf script), then util_hash_u64 to spread
 * every input bit over the low bits the tables use. Each step is a bijection of the state,
 * so strings of one length that differ in one word never collide. */
static inline uint64_t util_hash(const void *p, size_t n)
{
    const unsigned char *c = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    for (; n >= 8; c += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, c, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)c[i] << (8 * i);
    return util_hash_u64(h ^ w);
}

#endif
