/* Input files: regular files are mapped, pipes read into one growing buffer; UTF-16 to
 * UTF-8; lines.
 *
 * Mapping, not reading, because copying a file into fresh memory costs more than parsing it
 * (page faults on the new buffer, then the copy), and it doubles the memory. A mapped file
 * that another process shortens turns reads past its new end into SIGBUS: a guard catches
 * exactly those faults, says which file changed, and exits 3. Inputs are read, and released,
 * before any output file is created, so nothing is left behind. */
#include "config.h"
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "progress.h"
#include "util.h"

static void unmap(struct input *in);

/* ------------------------------------------------------------------ SIGBUS guard */

/* Mappings the guard knows; more inputs than this are read instead of mapped. */
#define GUARD_SLOTS 64

static struct {
    const unsigned char *volatile start;
    volatile size_t len;
    const char *volatile name;
} guard[GUARD_SLOTS];

static void guard_write(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    while (n) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void guard_sigbus(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    const unsigned char *a = si->si_addr;
    for (int i = 0; i < GUARD_SLOTS; i++) {
        const unsigned char *start = guard[i].start;
        if (start && a >= start && a < start + guard[i].len) {
            guard_write("prof2png: ");
            guard_write(guard[i].name);
            guard_write(": the file shrank while it was being read\n");
            _exit(P2P_ERR_IO);
        }
    }
    /* Not a mapped input: die of the signal as if there were no handler. */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A free slot for [start, start + len), or -1. */
static int guard_add(const void *start, size_t len, const char *name)
{
    /* (Again if someone replaced it since: test frameworks do.) */
    struct sigaction sa;
    if (sigaction(SIGBUS, NULL, &sa) != 0)
        return -1;
    if (!(sa.sa_flags & SA_SIGINFO) || sa.sa_sigaction != guard_sigbus) {
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = guard_sigbus;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGBUS, &sa, NULL) != 0)
            return -1;
    }
    for (int i = 0; i < GUARD_SLOTS; i++)
        if (!guard[i].start) {
            guard[i].name = name;
            guard[i].len = len;
            guard[i].start = start;
            return i;
        }
    return -1;
}

static void guard_remove(int slot)
{
    if (slot >= 0)
        guard[slot].start = NULL;
}

/* Decode UTF-16 (after its BOM) into UTF-8. Unpaired surrogates become U+FFFD, so the
 * result is always valid UTF-8; an odd trailing byte is dropped. */
static unsigned char *utf16_to_utf8(const unsigned char *p, size_t n, bool big, size_t *out_len)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, "", 0);
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint32_t u = big ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i] | p[i + 1] << 8);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            uint32_t v = big ? (uint32_t)(p[i + 2] << 8 | p[i + 3])
                             : (uint32_t)(p[i + 2] | p[i + 3] << 8);
            if (v >= 0xDC00 && v <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                i += 2;
            } else {
                u = 0xFFFD;
            }
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        strbuf_add_utf8(&b, u);
    }
    *out_len = b.len;
    return (unsigned char *)strbuf_detach(&b);
}

/* Byte-order marks: UTF-16 is converted, a UTF-8 mark is skipped. */
static void decode_bom(struct input *in)
{
    const unsigned char *p = in->data;
    if (in->len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        size_t n;
        unsigned char *u = utf16_to_utf8(p + 2, in->len - 2, p[0] == 0xFE, &n);
        unmap(in);
        free(in->owned_);
        in->owned_ = u;
        in->data = u;
        in->len = n;
    } else if (in->len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        in->data += 3;
        in->len -= 3;
    }
}

/* Read fd to its end; size_hint (the file size, or 0) sizes the buffer once. */
static enum p2p_status read_fd(int fd, size_t size_hint, struct input *in, struct diag *d)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, "", 0);
    if (size_hint) {
        util_grow((void **)&b.s, &b.cap, size_hint + 65536 + 1, 1);
        progress_total(size_hint);
    }
    for (;;) {
        if (b.cap - b.len < 65536)
            util_grow((void **)&b.s, &b.cap, b.len + 65536 + 1, 1);
        ssize_t r = read(fd, b.s + b.len, b.cap - b.len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            strbuf_fini(&b);
            d->file = in->name;
            return diag_error(d, P2P_ERR_IO, "read error: %s", strerror(e));
        }
        if (r == 0)
            break;
        b.len += (size_t)r;
        progress_update(b.len);
    }
    in->len = b.len;
    in->owned_ = (unsigned char *)strbuf_detach(&b);
    in->data = in->owned_;
    return P2P_OK;
}

/* Map a regular file of size n under the SIGBUS guard; false when it cannot be (then it is
 * read). */
static bool map_fd(int fd, size_t n, struct input *in)
{
    void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return false;
    int slot = guard_add(m, n, in->name);
    if (slot < 0) {
        munmap(m, n);
        return false;
    }
    in->map_ = m;
    in->map_len_ = n;
    in->guard_ = slot;
    in->data = m;
    in->len = n;
    return true;
}

static void unmap(struct input *in)
{
    if (!in->map_)
        return;
    guard_remove(in->guard_);
    munmap(in->map_, in->map_len_);
    in->map_ = NULL;
    in->guard_ = -1;
}

enum p2p_status input_open(const char *path, struct input **out, struct diag *d)
{
    struct input *in = xcalloc(1, sizeof(*in));
    in->guard_ = -1;
    enum p2p_status st = P2P_OK;
    *out = NULL;
    if (strcmp(path, "-") == 0) {
        in->name = "<stdin>";
        st = read_fd(STDIN_FILENO, 0, in, d);
    } else {
        in->name_owned_ = xstrdup(path);
        in->name = in->name_owned_;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            d->file = in->name;
            st = diag_error(d, P2P_ERR_IO, "cannot open: %s", strerror(errno));
            input_free(in);
            return st;
        }
        struct stat sb;
        if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            d->file = in->name;
            st = diag_error(d, P2P_ERR_IO, "is a directory");
        } else {
            bool regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
                           (uint64_t)sb.st_size <= SIZE_MAX;
            if (!regular || !map_fd(fd, (size_t)sb.st_size, in))
                st = read_fd(fd, regular ? (size_t)sb.st_size : 0, in, d);
        }
        close(fd);
    }
    if (st != P2P_OK) {
        input_free(in);
        return st;
    }
    if (in->data == NULL) {
        in->owned_ = (unsigned char *)xstrdup("");
        in->data = in->owned_;
    }
    decode_bom(in);
    *out = in;
    return P2P_OK;
}

struct input *input_new_buffer(const char *name, const void *data, size_t len)
{
    struct input *in = xcalloc(1, sizeof(*in));
    in->name_owned_ = xstrdup(name);
    in->name = in->name_owned_;
    in->guard_ = -1;
    in->data = data ? data : (const unsigned char *)"";
    in->len = data ? len : 0;
    decode_bom(in);
    return in;
}

void input_free(struct input *in)
{
    if (!in)
        return;
    unmap(in);
    free(in->owned_);
    free(in->name_owned_);
    free(in);
}

void lines_init(struct line_reader *lr, const struct input *in)
{
    lr->in = in;
    lr->pos = 0;
    lr->lineno = 0;
    lr->kept = 0;
    lr->counted = 0;
    lr->mark = 0;
}

/* Pages of a mapped input are given back once the lines are this far behind. */
#define DROP_STEP ((size_t)2 << 20)
#define DROP_KEEP ((size_t)1 << 20)
/* Distance between two checkpoints of the line reader (progress report, page check). */
#define MARK_STEP ((size_t)1 << 20)

/* Let the kernel take back the mapped pages wholly inside [from, to) of the data. */
static void drop_pages(const struct input *in, size_t from, size_t to)
{
    size_t off = (size_t)(in->data - (const unsigned char *)in->map_);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t a = (from + off + page - 1) / page * page, b = (to + off) / page * page;
    if (b > a)
        madvise((unsigned char *)in->map_ + a, b - a, MADV_DONTNEED);
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* The first '\n', '\r' or NUL in [p, p + n), or p + n: one pass, sixteen bytes at a time
 * with SSE2 (every x86-64 has it), else eight (lines are short: one scan beats a memchr per
 * byte value). */
static inline const unsigned char *find_break(const unsigned char *p, size_t n)
{
    const unsigned char *end = p + n;
#ifdef __SSE2__
    const __m128i lf16 = _mm_set1_epi8('\n'), cr16 = _mm_set1_epi8('\r');
    const __m128i nul16 = _mm_setzero_si128();
    while ((size_t)(end - p) >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf16), _mm_cmpeq_epi8(v, cr16)),
                                   _mm_cmpeq_epi8(v, nul16));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while ((size_t)(end - p) >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t cr = v ^ (ONES * '\r'), nl = v ^ (ONES * '\n');
        if (((v - ONES) & ~v & HIGHS) | ((cr - ONES) & ~cr & HIGHS) | ((nl - ONES) & ~nl & HIGHS))
            break;
        p += 8;
    }
    while (p < end && *p != '\n' && *p != '\r' && *p != '\0')
        p++;
    return p;
}

/* The line at p (n bytes left): its length, the terminator's size in *term (0 at the end of
 * the data), and whether a NUL byte is in it. */
static size_t line_end(const unsigned char *p, size_t n, size_t *term, bool *nul)
{
    const unsigned char *q = find_break(p, n), *end = p + n;
    *nul = false;
    while (q < end && *q == '\0') {
        *nul = true; /* look on for the end of the line */
        q = find_break(q + 1, (size_t)(end - q - 1));
    }
    size_t len = (size_t)(q - p);
    if (q == end)
        *term = 0;
    else if (*q == '\r')
        *term = (len + 1 < n && p[len + 1] == '\n') ? 2 : 1;
    else
        *term = 1;
    return len;
}

int lines_peek(const struct line_reader *lr, const char **line, size_t *len)
{
    const struct input *in = lr->in;
    if (lr->pos >= in->len)
        return 0;
    size_t term;
    bool nul;
    *len = line_end(in->data + lr->pos, in->len - lr->pos, &term, &nul);
    *line = (const char *)in->data + lr->pos;
    return 1;
}

/* Every MARK_STEP bytes and at the end: report the bytes passed to the progress line and
 * give back mapped pages well behind. Out of line, so the per-line path stays one compare. */
static void checkpoint(struct line_reader *lr)
{
    const struct input *in = lr->in;
    if (lr->pos > lr->counted) {
        progress_advance(lr->pos - lr->counted);
        lr->counted = lr->pos;
    }
    if (in->map_ && lr->pos - lr->kept >= DROP_STEP) {
        drop_pages(in, lr->kept, lr->pos - DROP_KEEP);
        lr->kept = lr->pos - DROP_KEEP;
    }
    /* Never past the end, so the last bytes are reported when the end is reached. */
    lr->mark = in->len - lr->pos > MARK_STEP ? lr->pos + MARK_STEP : in->len;
}

void lines_skip_rest(struct line_reader *lr)
{
    lr->pos = lr->in->len;
    if (lr->counted < lr->pos) {
        progress_advance(lr->pos - lr->counted);
        lr->counted = lr->pos;
    }
}

/* lines_next past its common case: checkpoints, the last line, "\r", NUL, long lines. */
static P2P_NOINLINE int lines_next_slow(struct line_reader *lr, const char **line, size_t *len,
                                        struct diag *d)
{
    const struct input *in = lr->in;
    if (lr->pos >= lr->mark)
        checkpoint(lr);
    if (lr->pos >= in->len)
        return 0;
    size_t term;
    bool nul;
    const unsigned char *p = in->data + lr->pos;
    size_t n = line_end(p, in->len - lr->pos, &term, &nul);
    lr->lineno++;
    if (n > P2P_MAX_LINE) {
        d->file = in->name;
        diag_fail(d, lr->lineno, "line longer than %zu bytes", P2P_MAX_LINE);
        return -1;
    }
    if (nul) {
        d->file = in->name;
        diag_fail(d, lr->lineno, "NUL byte in text (is this a binary file?)");
        return -1;
    }
    *line = (const char *)p;
    *len = n;
    lr->pos += n + term;
    /* The last line: report the rest now, as a reader may stop without asking for more. */
    if (lr->pos == in->len && lr->counted < lr->pos) {
        progress_advance(lr->pos - lr->counted);
        lr->counted = lr->pos;
    }
    return 1;
}

int lines_next(struct line_reader *lr, const char **line, size_t *len, struct diag *d)
{
    const struct input *in = lr->in;
    /* The common line, ended by "\n" before the next checkpoint (which is never past the end
     * of the input): one scan, no other test. */
    if (lr->pos < lr->mark) {
        const unsigned char *p = in->data + lr->pos;
        const unsigned char *q = find_break(p, in->len - lr->pos);
        size_t n = (size_t)(q - p);
        if (q < in->data + in->len && *q == '\n' && n <= P2P_MAX_LINE &&
            lr->pos + n + 1 < in->len) {
            lr->lineno++;
            *line = (const char *)p;
            *len = n;
            lr->pos += n + 1;
            return 1;
        }
    }
    return lines_next_slow(lr, line, len, d);
}
