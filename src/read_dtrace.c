/* Reader for DTrace's aggregated ustack() output, as printed at the end of e.g.
 * `dtrace -n 'profile-997 /pid == $target/ { @[ustack()] = count(); } tick-60s { exit(0); }'`
 * (format of the DTrace Guide, "Aggregations" and "ustack"; no dtrace on Linux to check a
 * version against: modelled on macOS / illumos output). A stack is its frames, leaf first,
 * one `module`symbol+0xoffset per line, then the count; the probe heading is skipped:
 *     CPU     ID                    FUNCTION:NAME
 *       1  29684                        :tick-60s
 *                   libsystem_pthread.dylib`pthread_mutex_unlock+0x7
 *                   pd-server`runtime.asmcgocall+0xad
 *                     1
 */
#include "config.h"
#include "reader.h"

#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "stacks.h"

/* Leading whitespace, then MODULE up to the last backtick, then SYMBOL. */
static bool parse_frame(const char *l, size_t n, const char **mod, size_t *mod_n, const char **sym,
                        size_t *sym_n)
{
    size_t i = 0;
    while (i < n && pytext_ascii_space((unsigned char)l[i]))
        i++;
    if (i == 0)
        return false;
    size_t tick = n;
    while (tick > i && l[tick - 1] != '`')
        tick--;
    if (tick == i)
        return false;
    *mod = l + i;
    *mod_n = tick - 1 - i;
    *sym = l + tick;
    *sym_n = n - tick;
    return true;
}

/* Whether the trimmed line starts the probe heading ("CPU     ID    FUNCTION:NAME"), which is
 * dropped with the line after it. */
static bool is_heading(const char *t, size_t tn)
{
    return tn >= 3 && memcmp(t, "CPU", 3) == 0;
}

/* Frames of the stack being read wait for its count, which comes last. */
struct pending {
    size_t *f;
    size_t n, cap;
};

static enum p2p_status read_frames(struct stacks *s, const struct input *in, struct diag *d,
                                   struct pending *st)
{
    struct line_reader lr;
    const char *l;
    size_t n;
    int r;
    bool skip = false;
    lines_init(&lr, in);
    while ((r = lines_next(&lr, &l, &n, d)) > 0) {
        if (skip) {
            skip = false;
            continue;
        }
        struct span t = span_strip_ascii((struct span){l, n});
        if (is_heading(t.s, t.n)) {
            skip = true;
            continue;
        }
        if (t.n == 0)
            continue;
        const char *mod, *sym;
        size_t mod_n, sym_n;
        if (parse_frame(l, n, &mod, &mod_n, &sym, &sym_n)) {
            size_t name_n = stacks_strip_offset(sym, sym_n), base_n;
            const char *base = stacks_basename(mod, mod_n, &base_n);
            strbuf_reset(&s->scratch);
            strbuf_add(&s->scratch, sym, name_n);
            strbuf_addc(&s->scratch, ':');
            strbuf_add(&s->scratch, mod, mod_n);
            UTIL_GROW(st->f, st->cap, st->n + 1);
            st->f[st->n++] =
                stacks_func(s, s->scratch.s, s->scratch.len, sym, name_n, base, base_n);
            continue;
        }
        int64_t count;
        if (!parse_i64(t.s, t.n, &count))
            return diag_fail(d, lr.lineno, "expected a frame \"MODULE`SYMBOL\" or a stack's count");
        stacks_begin(s, (double)count);
        for (size_t i = 0; i < st->n; i++)
            stacks_frame(s, st->f[i]);
        stacks_end(s);
        st->n = 0;
    }
    if (r < 0)
        return P2P_ERR_PARSE;
    if (st->n > 0)
        return diag_fail(d, lr.lineno, "stack without a count at end of input");
    return P2P_OK;
}

static enum p2p_status read_one(struct stacks *s, const struct input *in, struct diag *d)
{
    struct pending st = {NULL, 0, 0};
    enum p2p_status rc = read_frames(s, in, d, &st);
    free(st.f);
    return rc;
}

static enum p2p_status read_dtrace(struct input *const *in, size_t n_in,
                                   const struct reader_opts *opts, struct profile **out,
                                   struct diag *d)
{
    (void)opts;
    return stacks_read(in, n_in, STACKS_LEAF_FIRST, read_one, out, d);
}

/* The probe heading is distinctive; without it, look for frames with a backtick closed by
 * count lines. */
static int sniff(const unsigned char *head, size_t n)
{
    size_t pos = 0, len, lines = 0, frames = 0, stacks = 0;
    const char *l;
    bool complete, heading = false;
    while (lines < 200 && stacks_sniff_line(head, n, &pos, &l, &len, &complete) && complete) {
        const char *mod, *sym;
        size_t mod_n, sym_n;
        lines++;
        struct span t = span_strip_ascii((struct span){l, len});
        if (t.n == 0)
            continue;
        if (is_heading(t.s, t.n)) {
            heading = heading || (t.n >= 13 && memcmp(t.s + t.n - 13, "FUNCTION:NAME", 13) == 0);
            stacks_sniff_line(head, n, &pos, &l, &len, &complete);
            continue;
        }
        if (parse_frame(l, len, &mod, &mod_n, &sym, &sym_n)) {
            frames++;
            continue;
        }
        int64_t count;
        if (!parse_i64(t.s, t.n, &count))
            return 0;
        stacks += frames > 0;
        frames = 0;
    }
    if (heading)
        return 95;
    return stacks >= 2 ? 85 : stacks == 1 ? 60 : 0;
}

const struct reader reader_dtrace = {
    .name = "dtrace",
    .summary = "DTrace aggregated ustack() output",
    .sniff = sniff,
    .multi = true,
    .read = read_dtrace,
};
