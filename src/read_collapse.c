/* Reader for folded stacks: one line per distinct stack, frames root first joined by ';',
 * then a space and the number of samples, as written by the stackcollapse-*.pl scripts of
 * Brendan Gregg's FlameGraph (format described in its README) and by `py-spy record -f raw`
 * (frames "FUNC (FILE:LINE)"). Neither tool was run here: checked against folded perf 6.1
 * stacks and a self-sampling Python program of the same shape (tests/fixtures/collapse):
 *     w;_start;__libc_start_main;main;mid;leaf 12
 *     <module> (work.py:40);run (work.py:31);leaf (work.py:12) 3
 */
#include "config.h"
#include "reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "stacks.h"

/* "FUNC (FILE:LINE)" with FUNC free of whitespace and LINE digits: FUNC and FILE. */
static bool parse_located(const char *f, size_t n, size_t *func_n, const char **file,
                          size_t *file_n)
{
    size_t i = 0;
    while (i < n && !pytext_ascii_space((unsigned char)f[i]))
        i++;
    if (i == 0 || n < i + 5 || f[i] != ' ' || f[i + 1] != '(' || f[n - 1] != ')')
        return false;
    size_t k = n - 1;
    while (k > i + 2 && f[k - 1] >= '0' && f[k - 1] <= '9')
        k--;
    if (k == n - 1 || f[k - 1] != ':')
        return false;
    *func_n = i;
    *file = f + i + 2;
    *file_n = k - 1 - (i + 2);
    return true;
}

static bool is_blank(const char *l, size_t n)
{
    return span_strip_ascii((struct span){l, n}).n == 0;
}

/* Split "STACK COUNT" at the last space; the count may have whitespace around it, as
 * Python's int() allows. */
static bool split_line(const char *l, size_t n, size_t *stack_n, int64_t *count)
{
    const char *sp = memrchr(l, ' ', n);
    if (!sp)
        return false;
    struct span c = span_strip_ascii((struct span){sp + 1, (size_t)(l + n - sp - 1)});
    *stack_n = (size_t)(sp - l);
    return parse_i64(c.s, c.n, count);
}

/* Where the frames of a stack end in its line. Folded files are usually sorted, so a line
 * mostly repeats the frames that begin the line before: those are sent as "the same frame
 * again" instead of being parsed and looked up again. */
struct frames {
    const char *line;
    size_t len; /* of the stack part */
    size_t *end;
    size_t n, cap;
};

static void frames_push(struct frames *fr, size_t end)
{
    UTIL_GROW(fr->end, fr->cap, fr->n + 1);
    fr->end[fr->n++] = end;
}

/* Length of the common start of a[0..n) and b[0..n). */
static size_t common_prefix(const char *a, const char *b, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            break;
    }
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* Frame [f, f + n): FILE:FUNC, with module FILE, for located frames (so a function's lines
 * merge), else the frame text itself, without a module. */
static void send_frame(struct stacks_sink *k, const char *f, size_t n)
{
    size_t func_n, file_n;
    const char *file;
    if (!parse_located(f, n, &func_n, &file, &file_n))
        stacks_sink_frame(k, f, n, NULL, 0, 0, n, SIZE_MAX, 0);
    else
        stacks_sink_frame(k, file, file_n, f, func_n, file_n + 1, func_n, 0, file_n);
}

static enum p2p_status read_one(struct stacks *s, const struct input *in, struct diag *d)
{
    struct line_reader lr;
    const char *l;
    size_t n;
    int r;
    enum p2p_status st = P2P_OK;
    struct frames fr[2] = {{0}, {0}};
    struct frames *prev = &fr[0], *cur = &fr[1];
    struct stacks_sink *k = stacks_sink_open(s, in->len);
    lines_init(&lr, in);
    while ((r = lines_next(&lr, &l, &n, d)) > 0) {
        size_t stack_n;
        int64_t count;
        /* gprof2dot dies on a blank line; it holds no stack, so skip it. */
        if (is_blank(l, n))
            continue;
        if (!split_line(l, n, &stack_n, &count)) {
            st = diag_fail(d, lr.lineno, "expected \"FRAME;FRAME;... COUNT\"");
            break;
        }
        stacks_sink_begin(k, (double)count);
        /* Frame i is the same as the line before's when both end at the same place and
         * everything up to there is equal. */
        size_t same = prev->n ? common_prefix(l, prev->line, stack_n < prev->len ? stack_n
                                                                                : prev->len)
                              : 0;
        cur->line = l;
        cur->len = stack_n;
        cur->n = 0;
        const char *f = l, *end = l + stack_n;
        for (;;) {
            size_t i = cur->n, at;
            /* A frame of the line before that ends within the common start, where this line
             * has a ';' or ends too, is this line's frame i: no ';' inside it either. */
            if (i < prev->n && (at = prev->end[i]) <= same && (at == stack_n || l[at] == ';')) {
                stacks_sink_same(k, i);
            } else {
                const char *semi = memchr(f, ';', (size_t)(end - f));
                at = (size_t)((semi ? semi : end) - l);
                send_frame(k, f, at - (size_t)(f - l));
            }
            frames_push(cur, at);
            if (at == stack_n)
                break;
            f = l + at + 1;
        }
        stacks_sink_end(k);
        struct frames *t = prev;
        prev = cur;
        cur = t;
    }
    stacks_sink_close(k);
    free(fr[0].end);
    free(fr[1].end);
    if (st == P2P_OK && r < 0)
        st = P2P_ERR_PARSE;
    return st;
}

static enum p2p_status read_collapse(struct input *const *in, size_t n_in,
                                     const struct reader_opts *opts, struct profile **out,
                                     struct diag *d)
{
    (void)opts;
    return stacks_read(in, n_in, STACKS_ROOT_FIRST, read_one, out, d);
}

/* Every line "STACK COUNT"; stacks of several frames make it likely. */
static int sniff(const unsigned char *head, size_t n)
{
    size_t pos = 0, len, lines = 0, deep = 0;
    const char *l;
    bool complete;
    while (lines < 100 && stacks_sniff_line(head, n, &pos, &l, &len, &complete)) {
        size_t stack_n;
        int64_t count;
        if (!complete && lines > 0)
            break;
        if (is_blank(l, len))
            continue;
        lines++;
        if (pytext_ascii_space((unsigned char)l[0]) || !split_line(l, len, &stack_n, &count) ||
            stack_n == 0)
            return 0;
        deep += memchr(l, ';', stack_n) != NULL;
    }
    if (lines == 0)
        return 0;
    return deep > 0 ? 80 : 30;
}

const struct reader reader_collapse = {
    .name = "collapse",
    .summary = "folded stacks (FlameGraph stackcollapse, py-spy -f raw)",
    .sniff = sniff,
    .multi = true,
    .read = read_collapse,
};
