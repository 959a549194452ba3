/* Allocation wrappers, byte buffers and checked number parsing (see util.h). */
#include "config.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <unistd.h>

void util_oom(void)
{
    fputs("prof2png: out of memory\n", stderr);
    abort();
}

/* Blocks this big are mapped by malloc (see util_init) and get transparent huge pages: a big
 * profile's arrays are filled once, front to back, and on virtual machines a page fault
 * costs microseconds, so 2 MiB pages instead of 4 KiB ones halved the time of reading a
 * 10 MB pstats file. Only a hint: nothing changes where the kernel does not take it. */
#define HUGE_BLOCK ((size_t)4 << 20)

static void *huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    /* Small blocks come from the heap, which glibc grows by M_TOP_PAD at a time: advise each
     * new stretch too (sbrk(0) only reads where the heap ends). */
    static _Atomic uintptr_t heap_seen;
    uintptr_t top = (uintptr_t)sbrk(0), seen = atomic_load_explicit(&heap_seen,
                                                                    memory_order_relaxed);
    if (top != (uintptr_t)-1 && top > seen) {
        const uintptr_t page = (uintptr_t)2 << 20;
        uintptr_t a = seen ? (seen + page - 1) & ~(page - 1) : top;
        uintptr_t b = top & ~(page - 1);
        if (b > a)
            madvise((void *)a, b - a, MADV_HUGEPAGE); /* twice at worst: harmless */
        atomic_store_explicit(&heap_seen, top, memory_order_relaxed);
    }
    if (n >= HUGE_BLOCK) {
        const uintptr_t page = (uintptr_t)2 << 20;
        uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
        uintptr_t b = ((uintptr_t)p + n) & ~(page - 1);
        if (b > a)
            madvise((void *)a, b - a, MADV_HUGEPAGE);
    }
#else
    (void)n;
#endif
    return p;
}

void util_init(void)
{
#ifdef M_MMAP_THRESHOLD
    /* A fixed threshold (glibc raises it as blocks are freed), well below HUGE_BLOCK. It only
     * applies when the heap's top cannot serve a block: with M_TOP_PAD it mostly can, so big
     * blocks come from the heap too, and growing one by realloc copies it (arrays that grow
     * big use util_grow_big, a mapping of their own). */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_TOP_PAD, 32 << 20);
    /* One heap for every thread (the second thread of a pipeline allocates most of a
     * profile): other arenas are not grown by sbrk, so they would get no hint. */
    mallopt(M_ARENA_MAX, 1);
#endif
}

void util_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0); /* also frees whole pages inside the heap, not only at its top */
#endif
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        util_oom();
    return huge(p, n);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        util_oom();
    return size && n <= SIZE_MAX / size ? huge(p, n * size) : p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        util_oom();
    return huge(q, n);
}

void *xreallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        util_oom();
    return xrealloc(p, n * size);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    struct strbuf b;
    va_list ap;
    strbuf_init(&b);
    va_start(ap, fmt);
    strbuf_vaddf(&b, fmt, ap);
    va_end(ap);
    return strbuf_detach(&b);
}

/* The capacity an array of capacity cap grows to so as to hold need elements: doubled from
 * 8 until it does. */
static size_t grown_cap(size_t cap, size_t need)
{
    size_t n = cap ? cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            util_oom();
        n *= 2;
    }
    return n;
}

void util_grow(void **arr, size_t *cap, size_t need, size_t esize)
{
    if (need <= *cap)
        return;
    size_t n = grown_cap(*cap, need);
    *arr = xreallocarray(*arr, n, esize);
    *cap = n;
}

/* Blocks of at least this many bytes are mappings of their own (util_grow_big). */
#define BIG_MIN ((size_t)1 << 20)

#ifdef MREMAP_MAYMOVE
static void *map_block(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        util_oom();
#ifdef MADV_HUGEPAGE
    /* The whole mapping, as huge() would split it (mremap works on one mapping only); the
     * advice goes with it when it moves or grows. */
    madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

void util_grow_big(void **arr, size_t *cap, size_t need, size_t esize)
{
    if (need <= *cap)
        return;
    size_t n = grown_cap(*cap, need);
    if (esize && n > SIZE_MAX / esize)
        util_oom();
    size_t old_bytes = *cap * esize, bytes = n * esize;
    if (bytes < BIG_MIN) {
        *arr = xrealloc(*arr, bytes);
    } else if (old_bytes < BIG_MIN) { /* from the heap to a mapping: a small copy, once */
        void *p = map_block(bytes);
        if (old_bytes)
            memcpy(p, *arr, old_bytes);
        free(*arr);
        *arr = p;
    } else {
        void *p = mremap(*arr, old_bytes, bytes, MREMAP_MAYMOVE);
        if (p == MAP_FAILED)
            util_oom();
        *arr = p;
    }
    *cap = n;
}

void util_free_big(void *arr, size_t cap, size_t esize)
{
    if (cap * esize < BIG_MIN)
        free(arr);
    else if (arr)
        munmap(arr, cap * esize);
}
void util_fit_big(void **arr, size_t *cap, size_t n, size_t esize)
{
    /* Only a mapping, and only while it stays one (util_free_big tells by the size). */
    if (*cap * esize < BIG_MIN || n * esize < BIG_MIN || n >= *cap)
        return;
    void *p = mremap(*arr, *cap * esize, n * esize, 0);
    if (p == MAP_FAILED)
        return; /* keeping the pages is harmless */
    *arr = p;
    *cap = n;
}
#else
/* No mremap: an ordinary heap array. */
void util_grow_big(void **arr, size_t *cap, size_t need, size_t esize)
{
    util_grow(arr, cap, need, esize);
}

void util_free_big(void *arr, size_t cap, size_t esize)
{
    (void)cap;
    (void)esize;
    free(arr);
}

void util_fit_big(void **arr, size_t *cap, size_t n, size_t esize)
{
    (void)arr;
    (void)cap;
    (void)n;
    (void)esize;
}
#endif

void strbuf_init(struct strbuf *b)
{
    b->s = NULL;
    b->len = 0;
    b->cap = 0;
}

void strbuf_fini(struct strbuf *b)
{
    free(b->s);
    strbuf_init(b);
}

void strbuf_reset(struct strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static void strbuf_reserve(struct strbuf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        util_oom();
    util_grow((void **)&b->s, &b->cap, b->len + extra + 1, 1);
}

void strbuf_add(struct strbuf *b, const void *p, size_t n)
{
    strbuf_reserve(b, n);
    if (n)
        memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void strbuf_adds(struct strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_addc(struct strbuf *b, char c)
{
    strbuf_reserve(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    strbuf_reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(b, fmt, ap);
    va_end(ap);
}

void strbuf_add_utf8(struct strbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        n = 4;
    }
    for (size_t k = 1; k < n; k++)
        u[k] = (char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3F));
    strbuf_add(b, u, n);
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    uint32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

char *utf8_repair(char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t l = utf8_seq_len(p + i, n - i);
        if (!l)
            break;
        i += l;
    }
    if (i == n)
        return s;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, s, i);
    while (i < n) {
        size_t l = utf8_seq_len(p + i, n - i);
        if (l) {
            strbuf_add(&b, p + i, l);
            i += l;
        } else {
            strbuf_add_utf8(&b, p[i++]);
        }
    }
    free(s);
    return strbuf_detach(&b);
}

char *strbuf_detach(struct strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    strbuf_init(b);
    return s;
}

bool parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    if (n > 0 && s[0] == '+')
        i = 1;
    if (i == n)
        return false;
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool parse_i64(const char *s, size_t n, int64_t *out)
{
    bool neg = n > 0 && s[0] == '-';
    uint64_t v;
    if (neg) {
        s++;
        n--;
        if (n > 0 && s[0] == '+')
            return false;
    }
    if (!parse_u64(s, n, &v))
        return false;
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)v;
    }
    return true;
}

bool parse_double(const char *s, size_t n, double *out)
{
    char buf[128];
    if (n == 0 || n >= sizeof(buf))
        return false;
    /* strtod also accepts hex floats, "inf" and "nan"; allow only decimal notation. */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' ||
              c == '-'))
            return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + n || end == buf)
        return false;
    if (!isfinite(v))
        return false;
    if (errno == ERANGE && fabs(v) > 1.0)
        return false;
    *out = v;
    return true;
}
