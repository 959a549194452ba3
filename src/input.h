/* Bounded access to one input (a file, standard input or a memory buffer): the whole content
 * as bytes, numbered lines for text formats, and a checked cursor for binary formats.
 * Readers never touch the filesystem; they get a struct input. A regular file is mapped, not
 * copied: data stays valid until input_free, but line iteration lets the kernel take back
 * pages well behind it (they come back from the page cache if read again), so a text input
 * of any size costs little memory. */
#ifndef P2P_SRC_INPUT_H
#define P2P_SRC_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diag.h"

/* Longest line a text reader accepts; longer is an error, never a silent truncation. */
#define P2P_MAX_LINE ((size_t)64 << 20)

struct input {
    const char *name;          /* for messages: the path, or "<stdin>" */
    const unsigned char *data; /* content; UTF-16 input is already converted to UTF-8 and a
                                  byte-order mark removed */
    size_t len;
    /* private */
    unsigned char *owned_;
    char *name_owned_;
    void *map_; /* the mapping of a regular file, or NULL */
    size_t map_len_;
    int guard_; /* slot in the SIGBUS guard, or -1 */
};

/* Open PATH ("-" for standard input), read it whole, and decode a UTF-16 BOM'd text
 * to UTF-8. On failure returns P2P_ERR_IO with an error in d and *out = NULL. */
enum p2p_status input_open(const char *path, struct input **out, struct diag *d) P2P_WUR;

/* Wrap a caller-owned buffer (tests, fuzzers). The buffer must outlive the input. BOM
 * handling is the same as for files. */
struct input *input_new_buffer(const char *name, const void *data, size_t len);

void input_free(struct input *in);

/* Line-by-line iteration. Lines end at "\n", "\r\n" or a lone "\r"; the terminator is not
 * part of the line. Every megabyte, and at the end, the bytes passed are added to the
 * progress line's open stage (progress_advance). */
struct line_reader {
    const struct input *in;
    size_t pos;
    uint64_t lineno; /* number of the line last returned (1-based) */
    size_t kept;     /* private: pages before this offset may have been given back */
    size_t counted;  /* private: bytes already reported to the progress line */
    size_t mark;     /* private: offset of the next report and page check */
};

void lines_init(struct line_reader *lr, const struct input *in);
/* Returns 1 with the next line in *line and *len, 0 at end of input, or -1 with an error in d
 * (line too long, NUL byte). The line is not NUL-terminated; it points into the input. */
int lines_next(struct line_reader *lr, const char **line, size_t *len, struct diag *d);
/* Look at the next line without consuming it (same return values, no error recorded for a
 * bad line: that is reported when it is consumed). */
int lines_peek(const struct line_reader *lr, const char **line, size_t *len);

/* The reader needs no more lines: count the rest as passed (for the progress line) and make
 * lines_next return 0. */
void lines_skip_rest(struct line_reader *lr);

/* A cursor over binary data; every read checks the remaining length first. */
struct cursor {
    const unsigned char *p;
    size_t len;
    size_t pos;
};

static inline void cursor_init(struct cursor *c, const void *p, size_t len)
{
    c->p = p;
    c->len = len;
    c->pos = 0;
}

static inline bool cursor_has(const struct cursor *c, size_t n)
{
    return n <= c->len - c->pos;
}

static inline bool cursor_u8(struct cursor *c, uint8_t *v)
{
    if (!cursor_has(c, 1))
        return false;
    *v = c->p[c->pos++];
    return true;
}

static inline bool cursor_u16le(struct cursor *c, uint16_t *v)
{
    if (!cursor_has(c, 2))
        return false;
    const unsigned char *b = c->p + c->pos;
    *v = (uint16_t)(b[0] | (b[1] << 8));
    c->pos += 2;
    return true;
}

static inline bool cursor_u32le(struct cursor *c, uint32_t *v)
{
    if (!cursor_has(c, 4))
        return false;
    const unsigned char *b = c->p + c->pos;
    *v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    c->pos += 4;
    return true;
}

static inline bool cursor_u64le(struct cursor *c, uint64_t *v)
{
    uint32_t lo = 0, hi = 0;
    if (!cursor_has(c, 8))
        return false;
    cursor_u32le(c, &lo);
    cursor_u32le(c, &hi);
    *v = (uint64_t)lo | ((uint64_t)hi << 32);
    return true;
}

/* Point *p at the next n bytes and skip them. */
static inline bool cursor_bytes(struct cursor *c, size_t n, const unsigned char **p)
{
    if (!cursor_has(c, n))
        return false;
    *p = c->p + c->pos;
    c->pos += n;
    return true;
}

#endif
