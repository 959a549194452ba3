/* Reader for `perf script` output of a `perf record -g` run (checked against perf 6.1; the
 * format is perf-script(1)'s default output). Events are a header line, then one callchain
 * frame per line, leaf first, then a blank line; `#` lines (`perf script --header`) are
 * comments. Every event counts one sample, whatever its period:
 *     w  7506   720.513421:     250000 cpu-clock:
 *                    1ba07 _dl_start+0x297 (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)
 *             7f3c3c2f2ad7 [unknown] ([unknown])
 */
#include "config.h"
#include "reader.h"

#include <string.h>

#include "pytext.h"
#include "stacks.h"

/* One frame line split into its parts; all point into the line. */
struct frame {
    const char *addr, *sym, *mod;
    size_t addr_n, sym_n, mod_n;
};

/* Whitespace, hex ADDRESS, whitespace, SYMBOL, one whitespace, "(MODULE)" at the end, with
 * SYMBOL as long as possible (gprof2dot's regular expression): MODULE is the text after the
 * last whitespace + "(", and C++ symbols keep their spaces and parentheses. */
static bool parse_frame(const char *l, size_t n, struct frame *fr)
{
    const unsigned char *u = (const unsigned char *)l;
    size_t i = 0;
    while (i < n && pytext_ascii_space(u[i]))
        i++;
    if (i == 0)
        return false;
    size_t a = i;
    while (i < n && pytext_hex_digit(u[i]))
        i++;
    if (i == a)
        return false;
    size_t w = i;
    while (i < n && pytext_ascii_space(u[i]))
        i++;
    if (i == w || u[n - 1] != ')')
        return false;
    /* i: where SYMBOL starts; look for the whitespace before "(", last one first. */
    size_t sym = i, j = SIZE_MAX;
    if (n >= sym + 3) {
        for (size_t k = n - 2; k-- > sym;) {
            if (pytext_ascii_space(u[k]) && u[k + 1] == '(') {
                j = k;
                break;
            }
        }
    }
    if (j == SIZE_MAX) {
        /* "ADDR  (MODULE)": the separator is the last of the address's whitespace run and
         * SYMBOL is empty. */
        if (i - w < 2 || i + 1 >= n || u[i] != '(')
            return false;
        sym = j = i - 1;
    }
    fr->addr = l + a;
    fr->addr_n = w - a;
    fr->sym = l + sym;
    fr->sym_n = j - sym;
    fr->mod = l + j + 2;
    fr->mod_n = n - 1 - (j + 2);
    return true;
}

/* SYMBOL without its "+0xOFFSET"; "" and "[unknown]" become the address. */
static void frame_name(const struct frame *fr, const char **name, size_t *name_n)
{
    size_t n = stacks_strip_offset(fr->sym, fr->sym_n);
    if (n == 0 || (n == 9 && memcmp(fr->sym, "[unknown]", 9) == 0)) {
        *name = fr->addr;
        *name_n = fr->addr_n;
    } else {
        *name = fr->sym;
        *name_n = n;
    }
}

static enum p2p_status read_one(struct stacks *s, const struct input *in, struct diag *d)
{
    struct line_reader lr;
    const char *l;
    size_t n;
    int r;
    bool in_event = false; /* a header was read; frames follow */
    enum p2p_status st = P2P_OK;
    struct stacks_sink *k = stacks_sink_open(s, in->len);
    lines_init(&lr, in);
    while ((r = lines_next(&lr, &l, &n, d)) > 0) {
        if (n > 0 && l[0] == '#')
            continue;
        if (!in_event) {
            /* gprof2dot takes a second blank line for an empty header and dies; blank
             * lines carry nothing, so skip them. */
            if (n > 0) {
                in_event = true;
                stacks_sink_begin(k, 1);
            }
            continue;
        }
        if (n == 0) {
            stacks_sink_end(k);
            in_event = false;
            continue;
        }
        struct frame fr;
        if (!parse_frame(l, n, &fr)) {
            st = diag_fail(d, lr.lineno,
                           "expected a frame line \"ADDRESS SYMBOL (MODULE)\" "
                           "(perf script output of perf record -g)");
            break;
        }
        /* The function's id is NAME:MODULE; its module is the module's base name. */
        const char *name;
        size_t name_n, mod_n;
        frame_name(&fr, &name, &name_n);
        stacks_basename(fr.mod, fr.mod_n, &mod_n);
        stacks_sink_frame(k, name, name_n, fr.mod, fr.mod_n, 0, name_n,
                          name_n + 1 + fr.mod_n - mod_n, mod_n);
    }
    if (r < 0)
        st = P2P_ERR_PARSE;
    if (st == P2P_OK && in_event)
        stacks_sink_end(k);
    stacks_sink_close(k);
    return st;
}

static enum p2p_status read_perf(struct input *const *in, size_t n_in,
                                 const struct reader_opts *opts, struct profile **out,
                                 struct diag *d)
{
    (void)opts;
    return stacks_read(in, n_in, STACKS_LEAF_FIRST, read_one, out, d);
}

/* Walk the head as the reader does: event headers, then frame lines of the right shape.
 * perf script --header output opens with a "# ========" / "# captured on" block. */
static int sniff(const unsigned char *head, size_t n)
{
    size_t pos = 0, len, frames = 0, headers = 0, lines = 0;
    const char *l;
    bool complete, in_event = false, perf_header = false;
    while (lines < 200 && stacks_sniff_line(head, n, &pos, &l, &len, &complete)) {
        lines++;
        if (len > 0 && l[0] == '#') {
            if (lines == 1 && len >= 10 && memcmp(l, "# ========", 10) == 0)
                perf_header = true;
            continue;
        }
        if (!complete)
            break;
        if (!in_event) {
            in_event = len > 0;
            headers += in_event;
        } else if (len == 0) {
            in_event = false;
        } else {
            struct frame fr;
            if (!parse_frame(l, len, &fr))
                return 0;
            frames++;
        }
    }
    if (perf_header && (frames > 0 || headers == 0))
        return 95;
    if (frames == 0)
        return 0;
    return frames >= 3 ? 90 : 60;
}

const struct reader reader_perf = {
    .name = "perf",
    .summary = "perf script output (perf record -g)",
    .sniff = sniff,
    .multi = true,
    .read = read_perf,
};
