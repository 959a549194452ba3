/* Input files: read whole into one buffer (sized by fstat for regular files, growing for
 * pipes); UTF-16 to UTF-8; lines. Not mmap: a file shortened by another process while mapped
 * would kill prof2png with SIGBUS, and reading costs the same memory. */
#include "config.h"
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (size_hint)
        util_grow((void **)&b.s, &b.cap, size_hint + 65536 + 1, 1);
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
    }
    in->len = b.len;
    in->owned_ = (unsigned char *)strbuf_detach(&b);
    in->data = in->owned_;
    return P2P_OK;
}

enum p2p_status input_open(const char *path, struct input **out, struct diag *d)
{
    struct input *in = xcalloc(1, sizeof(*in));
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
            bool regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
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
    in->data = data ? data : (const unsigned char *)"";
    in->len = data ? len : 0;
    decode_bom(in);
    return in;
}

void input_free(struct input *in)
{
    if (!in)
        return;
    free(in->owned_);
    free(in->name_owned_);
    free(in);
}

void lines_init(struct line_reader *lr, const struct input *in)
{
    lr->in = in;
    lr->pos = 0;
    lr->lineno = 0;
}

/* Find the end of the line starting at pos: returns its length and the terminator size. */
static size_t line_end(const unsigned char *p, size_t n, size_t *term)
{
    const unsigned char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    const unsigned char *cr = memchr(p, '\r', len);
    if (cr) {
        len = (size_t)(cr - p);
        *term = (len + 1 < n && p[len + 1] == '\n') ? 2 : 1;
        return len;
    }
    *term = nl ? 1 : 0;
    return len;
}

int lines_peek(const struct line_reader *lr, const char **line, size_t *len)
{
    const struct input *in = lr->in;
    if (lr->pos >= in->len)
        return 0;
    size_t term;
    *len = line_end(in->data + lr->pos, in->len - lr->pos, &term);
    *line = (const char *)in->data + lr->pos;
    return 1;
}

int lines_next(struct line_reader *lr, const char **line, size_t *len, struct diag *d)
{
    const struct input *in = lr->in;
    if (lr->pos >= in->len)
        return 0;
    size_t term;
    const unsigned char *p = in->data + lr->pos;
    size_t n = line_end(p, in->len - lr->pos, &term);
    lr->lineno++;
    if (n > P2P_MAX_LINE) {
        d->file = in->name;
        diag_fail(d, lr->lineno, "line longer than %zu bytes", P2P_MAX_LINE);
        return -1;
    }
    if (memchr(p, '\0', n)) {
        d->file = in->name;
        diag_fail(d, lr->lineno, "NUL byte in text (is this a binary file?)");
        return -1;
    }
    *line = (const char *)p;
    *len = n;
    lr->pos += n + term;
    return 1;
}
