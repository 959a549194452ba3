/* Reader for the ASCII output of Java's HPROF agent with cpu=samples (or cpu=times): a text
 * header, a "--------" line, TRACE records whose frames are tab-indented, then a ranked table
 * of sample counts per trace:
 *     TRACE 300556:
 *     	java.io.RandomAccessFile.close0(RandomAccessFile.java:Native method)
 *     CPU SAMPLES BEGIN (total = 3362) Fri Dec 18 16:33:36 2009
 *     rank   self  accum   count trace method
 *        1 78.94% 78.94%    2654 300556 java.io.RandomAccessFile.close0
 *     CPU SAMPLES END
 * Documented in the JDK 6-8 "HPROF: A Heap/CPU Profiling Tool" guide (format 1.0.1; HPROF was
 * removed in JDK 9); checked against JDK 5/6 output in gprof2dot's tests/hprof. Sections are
 * found exactly as gprof2dot 2025.04.14's HProfParser finds them. */
#include "config.h"
#include "reader.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imap.h"
#include "pytext.h"

struct trace {
    uint64_t id;
    size_t start, len; /* slice of the frame array: method names, deepest first */
};

struct hstate {
    struct line_reader lr;
    struct diag *d;
    const char *line; /* the lookahead line; "" at end of input */
    size_t len;
    bool eof;
};

/* Read the next line into the lookahead; at end of input the lookahead stays "". */
static enum p2p_status advance(struct hstate *h)
{
    if (h->eof)
        return P2P_OK;
    int r = lines_next(&h->lr, &h->line, &h->len, h->d);
    if (r < 0)
        return P2P_ERR_PARSE;
    if (r == 0) {
        h->eof = true;
        h->line = "";
        h->len = 0;
    }
    return P2P_OK;
}

static bool starts(const struct hstate *h, const char *prefix)
{
    return pytext_starts(h->line, h->len, prefix);
}

/* Skip lines until one starts with `prefix`; end of input first is an error (gprof2dot would
 * loop forever). *traces counts the skipped "TRACE " lines when not NULL. */
static enum p2p_status skip_to(struct hstate *h, const char *prefix, const char *what,
                               size_t *traces)
{
    while (!starts(h, prefix)) {
        if (h->eof)
            return diag_fail(h->d, h->lr.lineno, "unexpected end of input: no %s", what);
        if (traces && starts(h, "TRACE "))
            (*traces)++;
        if (advance(h) != P2P_OK)
            return P2P_ERR_PARSE;
    }
    return P2P_OK;
}

/* The method of a frame line "\tMETHOD(FILE:LINE)", as the regex \t(.*)\((.*):(.*)\) finds
 * it with greedy groups: the last ')' ends LINE, the last ':' before it ends FILE, and the
 * last '(' before that ends METHOD. Text after the ')' is allowed (the regex is not
 * anchored). */
static bool frame_method(const char *l, size_t n, size_t *method_len)
{
    size_t r = n;
    while (r > 0 && l[r - 1] != ')')
        r--;
    if (r == 0)
        return false;
    size_t c = r - 1;
    while (c > 0 && l[c - 1] != ':')
        c--;
    if (c == 0)
        return false;
    size_t o = c - 1;
    while (o > 1 && l[o - 1] != '(')
        o--;
    if (o <= 1)
        return false;
    *method_len = o - 2;
    return true;
}

/* str.split() into at most `max` fields; returns the number of fields found (max + 1 when
 * there are more). */
static size_t split_fields(const char *l, size_t n, struct span *f, size_t max)
{
    struct span line = {l, n};
    size_t k = 0, pos = 0;
    struct span w;
    while (span_next_word(line, &pos, &w)) {
        if (k == max)
            return max + 1;
        f[k++] = w;
    }
    return k;
}

struct hdata {
    struct trace *traces;
    size_t n_traces, cap_traces;
    const char **frames;
    size_t n_frames, cap_frames;
    struct imap trace_ids; /* trace number -> index in traces */
    int64_t *counts;
    size_t n_counts, cap_counts;
    struct imap count_ids; /* trace number -> index in counts */
};

/* TRACE records, from the first "TRACE " line. */
static enum p2p_status read_traces(struct hstate *h, struct profile *p, struct hdata *hd,
                                   uint64_t *cut_line)
{
    while (starts(h, "TRACE ")) {
        const char *l = h->line;
        size_t n = h->len, k = 6;
        while (k < n && l[k] >= '0' && l[k] <= '9')
            k++;
        uint64_t id;
        if (k == 6 || k + 1 != n || l[k] != ':')
            return diag_fail(h->d, h->lr.lineno, "expected \"TRACE <number>:\"");
        if (!parse_u64(l + 6, k - 6, &id))
            return diag_fail(h->d, h->lr.lineno, "trace number out of range");
        if (advance(h) != P2P_OK)
            return P2P_ERR_PARSE;
        size_t start = hd->n_frames;
        while (starts(h, "\t")) {
            size_t mlen;
            bool ok = frame_method(h->line, h->len, &mlen);
            uint64_t lineno = h->lr.lineno;
            if (ok) {
                UTIL_GROW(hd->frames, hd->cap_frames, hd->n_frames + 1);
                hd->frames[hd->n_frames++] = profile_intern(p, h->line + 1, mlen);
            }
            if (advance(h) != P2P_OK)
                return P2P_ERR_PARSE;
            if (!ok) {
                /* gprof2dot ends the trace here; if more frame lines follow, they are not
                 * "TRACE " lines, so the whole trace section ends too. */
                if (starts(h, "\t"))
                    *cut_line = lineno;
                break;
            }
        }
        /* A repeated trace number keeps its first place and takes the last frames, as a
         * Python dict assignment does. */
        size_t t = imap_put(&hd->trace_ids, id, hd->n_traces);
        if (t == hd->n_traces) {
            UTIL_GROW(hd->traces, hd->cap_traces, hd->n_traces + 1);
            hd->traces[hd->n_traces++].id = id;
        }
        hd->traces[t].start = start;
        hd->traces[t].len = hd->n_frames - start;
    }
    return P2P_OK;
}

/* The table after the "CPU ..." line: "rank self accum count trace method" rows up to the next
 * line starting with "CPU". */
static enum p2p_status read_samples(struct hstate *h, struct hdata *hd)
{
    if (advance(h) != P2P_OK || advance(h) != P2P_OK)
        return P2P_ERR_PARSE;
    while (!starts(h, "CPU")) {
        struct span f[6];
        size_t k = split_fields(h->line, h->len, f, 6);
        if (h->eof)
            return diag_fail(h->d, h->lr.lineno,
                             "unexpected end of input in the CPU samples table (no \"CPU ... "
                             "END\" line)");
        if (k != 6)
            return diag_fail(h->d, h->lr.lineno,
                             "expected 6 fields (rank self accum count trace method), found %s%zu",
                             k > 6 ? "more than " : "", k > 6 ? (size_t)6 : k);
        int64_t count, id;
        if (!pytext_int(f[3].s, f[3].n, &count))
            return diag_fail(h->d, h->lr.lineno, "bad sample count \"%.*s\"", (int)f[3].n, f[3].s);
        if (!pytext_int(f[4].s, f[4].n, &id))
            return diag_fail(h->d, h->lr.lineno, "bad trace number \"%.*s\"", (int)f[4].n, f[4].s);
        /* Trace numbers are never negative, so a negative one matches nothing. */
        if (id >= 0) {
            size_t c = imap_put(&hd->count_ids, (uint64_t)id, hd->n_counts);
            if (c == hd->n_counts) {
                UTIL_GROW(hd->counts, hd->cap_counts, hd->n_counts + 1);
                hd->n_counts++;
            }
            hd->counts[c] = count; /* a later row for the same trace wins */
        }
        if (advance(h) != P2P_OK)
            return P2P_ERR_PARSE;
    }
    return P2P_OK;
}

/* Traces in first-seen order; frames deepest first: the deepest gets the samples, each frame
 * calls the one before it (gprof2dot-behaviour.md 9.6). */
static void build(struct profile *p, const struct hdata *hd)
{
    ev_set(&p->ev, PEV_SAMPLES, 0);
    for (size_t t = 0; t < hd->n_traces; t++) {
        const struct trace *tr = &hd->traces[t];
        size_t c = imap_get(&hd->count_ids, tr->id);
        if (c == IMAP_NONE)
            continue;
        double n = (double)hd->counts[c];
        const char *prev = NULL;
        size_t prev_i = 0;
        for (size_t k = 0; k < tr->len; k++) {
            const char *name = hd->frames[tr->start + k];
            bool created;
            size_t i = profile_func_str(p, name, strlen(name), &created);
            if (created)
                ev_set(&p->funcs[i].ev, PEV_SAMPLES, 0);
            /* gprof2dot tests `not last`, so a frame after an empty method name is taken as
             * a deepest frame again. */
            if (!prev || !*prev) {
                ev_add(&p->funcs[i].ev, PEV_SAMPLES, n);
                ev_add(&p->ev, PEV_SAMPLES, n);
            } else {
                struct prof_call *call = profile_call(p, i, prev_i, &created);
                if (created) {
                    ev_set(&call->ev, PEV_SAMPLES, 0);
                    ev_set(&call->ev, PEV_SAMPLES2, 0);
                    ev_set(&call->ev, PEV_CALLS, 0);
                }
                ev_add(&call->ev, PEV_SAMPLES2, n);
            }
            prev = name;
            prev_i = i;
        }
    }
}

static enum p2p_status read_hprof(struct input *const *in, size_t n_in,
                                  const struct reader_opts *opts, struct profile **out,
                                  struct diag *d)
{
    (void)opts;
    *out = NULL;
    if (n_in != 1)
        return diag_error(d, P2P_ERR_USAGE, "exactly one file must be given for hprof input");
    d->file = in[0]->name;
    struct hstate h = {.d = d};
    struct hdata hd = {0};
    imap_init(&hd.trace_ids);
    imap_init(&hd.count_ids);
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    uint64_t cut_line = 0;
    size_t lost = 0;
    lines_init(&h.lr, in[0]);
    enum p2p_status st = advance(&h);
    if (st == P2P_OK)
        st = skip_to(&h, "------", "\"--------\" line after the header", NULL);
    if (st == P2P_OK)
        st = skip_to(&h, "TRACE ", "TRACE record", NULL);
    if (st == P2P_OK)
        st = read_traces(&h, p, &hd, &cut_line);
    uint64_t section_end = h.lr.lineno;
    if (st == P2P_OK)
        st = skip_to(&h, "CPU", "\"CPU SAMPLES BEGIN\" line", &lost);
    if (st == P2P_OK)
        st = read_samples(&h, &hd);
    if (st == P2P_OK) {
        if (cut_line)
            diag_warn(d,
                      "%s:%" PRIu64 ": cannot parse this frame line; as gprof2dot does, the "
                      "trace section ends here and %zu later traces are ignored",
                      d->file, cut_line, lost);
        else if (lost)
            diag_warn(d,
                      "%s:%" PRIu64 ": the trace section ends here; as gprof2dot does, %zu "
                      "later TRACE records are ignored",
                      d->file, section_end, lost);
        build(p, &hd);
    }
    free(hd.traces);
    free(hd.frames);
    free(hd.counts);
    imap_fini(&hd.trace_ids);
    imap_fini(&hd.count_ids);
    if (st != P2P_OK) {
        profile_free(p);
        return st;
    }
    *out = p;
    return P2P_OK;
}

/* The header's first line, else the shape of TRACE records and the samples table. */
static int sniff(const unsigned char *head, size_t n)
{
    static const char magic[] = "JAVA PROFILE ";
    if (n >= sizeof(magic) - 1 && memcmp(head, magic, sizeof(magic) - 1) == 0)
        return 100;
    bool cpu =
        memmem(head, n, "\nCPU SAMPLES BEGIN", 18) || memmem(head, n, "\nCPU TIME (ms) BEGIN", 20);
    bool trace = memmem(head, n, "\nTRACE ", 7) && memmem(head, n, ":\n\t", 3);
    if (cpu && trace)
        return 90;
    if (cpu || trace)
        return 50;
    return 0;
}

const struct reader reader_hprof = {
    .name = "hprof",
    .summary = "Java HPROF ASCII output (java -agentlib:hprof=cpu=samples)",
    .sniff = sniff,
    .multi = false,
    .read = read_hprof,
};
