/* VTune reader: the "gprof-cc" call-graph report of Intel VTune Amplifier (XE 2013 to 2015),
 * read as gprof2dot reads it (gprof2dot-behaviour.md 9.11). Like gprof's call graph but without
 * call counts, entries separated by whitespace-only lines, cycles with parent lines; the node
 * percentages are taken from the file and the edge weights are estimates.
 *
 *     Index  % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name            Index
 *                              0.0            31.29                main          [1]
 *     [6]    99.93             0.0            31.268             on_process      [6]
 *                              0.0            31.268               renderscene   [7]
 *
 * Written from the shape of VTune's output as gprof2dot's test files show it (VTune itself
 * was not available; amplxe-cl -report gprof-cc writes it); VTune's documentation describes
 * the report only by name. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "imap.h"
#include "pytext.h"
#include "reader.h"
#include "util.h"

/* Longest part of a line quoted in a warning (diag_warn truncates at 1 KiB anyway). */
#define QUOTE_MAX 400

/* ---- gprof2dot's line shapes ---------------------------------------------------------- */

/* Where the name may start after the `^\s+(\d+\.\d+)?\s+(\d+\.\d+)?\s+` prefix of parent,
 * child and cycle-member lines, in the order the regex tries them (both numbers, only the
 * first, only the second, none: a missing number needs its whitespace). A negative number is
 * not a number here and becomes the start of the name, as in gprof2dot. */
static size_t name_starts(const char *line, const char *end, const char *cand[3])
{
    struct pytext_words t;
    pytext_first_words(line, end, &t);
    size_t n = 0;
    if (t.n == 0 || t.ws[0] == 0)
        return 0;
    bool f1 = pytext_fixed(t.w[0].s, t.w[0].n);
    bool f2 = t.n > 1 && pytext_fixed(t.w[1].s, t.w[1].n);
    if (f1 && f2 && t.n > 2)
        cand[n++] = t.w[2].s;
    if (t.n > 1 && f1 && (t.ws[1] >= 2 || t.ws[0] >= 2))
        cand[n++] = t.w[1].s;
    if (t.ws[0] >= 3)
        cand[n++] = t.w[0].s;
    return n;
}

/* If [start, end) ends with `\s+<cycle\s(\d+)>` and that whitespace starts after start, where
 * it starts (else NULL). */
static const char *cycle_suffix(const char *start, const char *end, struct span *num)
{
    if (end - start < 2 || end[-1] != '>')
        return NULL;
    const char *d = end - 1;
    while (d > start && pytext_digit(d[-1]))
        d--;
    if (d == end - 1)
        return NULL;
    size_t k = pytext_space_before(start, d);
    if (k == 0)
        return NULL;
    const char *lt = d - k;
    if (lt - start < 6 || memcmp(lt - 6, "<cycle", 6) != 0)
        return NULL;
    lt -= 6;
    const char *w = pytext_rstrip(start, lt);
    if (w == lt || w <= start)
        return NULL;
    *num = (struct span){d, (size_t)(end - 1 - d)};
    return w;
}

/* `\s+\[(\d+)\]\s*$` after the name that starts at `name`: where that whitespace starts. */
static bool index_tail(const char *name, const char *end, const char **ws, struct span *idx)
{
    const char *e = pytext_rstrip(name, end);
    if (e == name || e[-1] != ']')
        return false;
    const char *d = e - 1;
    while (d > name && pytext_digit(d[-1]))
        d--;
    if (d == e - 1 || d == name || d[-1] != '[')
        return false;
    const char *w = pytext_rstrip(name, d - 1);
    if (w == d - 1)
        return false;
    *ws = w;
    *idx = (struct span){d, (size_t)(e - 1 - d)};
    return true;
}

struct fields {
    struct span index, pct, self, name, cycle;
};

/* `[IDX` or `[IDX]` followed by three `\d+\.\d+`, all whitespace-separated: the start of a
 * primary or cycle-header line; t->w[4] is what follows. */
static bool primary_head(const char *line, const char *end, struct pytext_words *t,
                         struct fields *f)
{
    if (line == end || line[0] != '[')
        return false;
    pytext_first_words(line, end, t);
    if (t->n < 5)
        return false;
    struct span i = t->w[0];
    size_t nd = pytext_digit_run(i.s + 1, i.n - 1);
    if (nd == 0 || !(nd + 1 == i.n || (nd + 2 == i.n && i.s[i.n - 1] == ']')))
        return false;
    for (size_t k = 1; k <= 3; k++)
        if (!pytext_fixed(t->w[k].s, t->w[k].n))
            return false;
    memset(f, 0, sizeof(*f));
    f->index = (struct span){i.s + 1, nd};
    f->pct = t->w[1];
    f->self = t->w[2];
    return true;
}

/* `^\[IDX\]? PCT SELF CHILDREN NAME (<cycle N>)? [IDX]`, trailing whitespace allowed. */
static bool match_primary(const char *line, const char *end, struct fields *f)
{
    struct pytext_words t;
    const char *w;
    struct span idx;
    if (!primary_head(line, end, &t, f))
        return false;
    const char *name = t.w[4].s;
    if (!index_tail(name, end, &w, &idx))
        return false;
    const char *c = cycle_suffix(name, w, &f->cycle);
    f->name = (struct span){name, (size_t)((c ? c : w) - name)};
    return true;
}

/* `^\[IDX\]? PCT SELF CHILDREN <cycle N as a whole> [IDX]`, trailing whitespace allowed. */
static bool match_cycle_header(const char *line, const char *end, struct span *num)
{
    struct pytext_words t;
    struct fields f;
    struct span idx;
    if (!primary_head(line, end, &t, &f))
        return false;
    const char *p = t.w[4].s;
    if (!(pytext_eat(&p, end, "<cycle") && pytext_eat_space(&p, end) &&
          pytext_eat_digits(&p, end, num) && pytext_eat_space(&p, end) &&
          pytext_eat(&p, end, "as") && pytext_eat_space(&p, end) && pytext_eat(&p, end, "a") &&
          pytext_eat_space(&p, end) && pytext_eat(&p, end, "whole>")))
        return false;
    size_t w;
    p = pytext_skip_space(p, end, &w);
    return w > 0 && pytext_eat(&p, end, "[") && pytext_eat_digits(&p, end, &idx) &&
           pytext_eat(&p, end, "]") && pytext_skip_space(p, end, NULL) == end;
}

/* Parent and child lines: `^\s+SELF?\s+CHILDREN?\s+NAME (<cycle N>)? ([IDX])?`, trailing
 * whitespace allowed. The name is the shortest text that lets the optional parts match. */
static bool match_call(const char *line, const char *end, struct fields *f)
{
    const char *cand[3];
    if (name_starts(line, end, cand) == 0)
        return false;
    const char *name = cand[0], *e = pytext_rstrip(name, end), *w;
    memset(f, 0, sizeof(*f));
    const char *name_end = e;
    struct span num;
    if (index_tail(name, end, &w, &f->index)) {
        const char *c = cycle_suffix(name, w, &f->cycle);
        name_end = c ? c : w;
    } else {
        const char *c = cycle_suffix(name, e, &num);
        if (c) {
            f->cycle = num;
            name_end = c;
        }
    }
    f->name = (struct span){name, (size_t)(name_end - name)};
    return true;
}

/* Cycle-member lines: as parent lines, but `[IDX]` is required. */
static bool match_member(const char *line, const char *end)
{
    const char *cand[3], *w;
    struct span idx;
    size_t n = name_starts(line, end, cand);
    for (size_t i = 0; i < n; i++)
        if (index_tail(cand[i], end, &w, &idx))
            return true;
    return false;
}

/* Column headers before the entries: `^Index ` or `^-----+ `. */
static bool header_line(const char *s, size_t n)
{
    if (pytext_starts(s, n, "Index "))
        return true;
    size_t i = 0;
    while (i < n && s[i] == '-')
        i++;
    return i >= 5 && i < n && s[i] == ' ';
}

/* `^Index\s+Function\s*$`: the function index that follows the call graph. */
static bool footer_line(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    size_t w;
    if (!pytext_eat(&p, end, "Index"))
        return false;
    p = pytext_skip_space(p, end, &w);
    return w > 0 && pytext_eat(&p, end, "Function") && pytext_skip_space(p, end, NULL) == end;
}

/* ---- reading ---------------------------------------------------------------------------- */

struct line_ref {
    const char *s;
    size_t n;
    uint64_t lineno;
};

struct child {
    bool has_index;
    int64_t index;
    const char *name; /* interned */
    uint64_t lineno;
};

struct entry {
    int64_t index;
    const char *name; /* interned */
    double self, ttr;
    bool has_cycle;
    int64_t cycle;
    size_t child0, n_children;
};

struct axe {
    struct profile *p;
    struct diag *d;
    struct line_ref *lines; /* the entry being collected */
    size_t n_lines, cap_lines;
    struct entry *entries; /* gprof2dot's dict: a repeated index replaces in place */
    size_t n_entries, cap_entries;
    struct child *children;
    size_t n_children, cap_children;
    struct imap entry_of; /* index -> position in entries */
    struct imap declared; /* cycle numbers that have a "<cycle N as a whole>" entry */
    struct strbuf msg;
};

static void warn_line(struct axe *a, int kind, const struct line_ref *l)
{
    pytext_repr(&a->msg, l->s, l->n, QUOTE_MAX);
    diag_warn(a->d, "unrecognized call graph entry (%d): %s", kind, a->msg.s);
}

static enum p2p_status to_int(struct axe *a, struct span s, uint64_t lineno, const char *what,
                              int64_t *out)
{
    if (parse_i64(s.s, s.n, out))
        return P2P_OK;
    return diag_fail(a->d, lineno, "%s out of range: %.*s", what, (int)(s.n > 40 ? 40 : s.n), s.s);
}

static enum p2p_status to_double(struct axe *a, struct span s, uint64_t lineno, double *out)
{
    if (parse_double(s.s, s.n, out))
        return P2P_OK;
    return diag_fail(a->d, lineno, "number out of range: %.*s", (int)(s.n > 40 ? 40 : s.n), s.s);
}

static bool is_spontaneous(struct span name)
{
    return name.n == 13 && memcmp(name.s, "<spontaneous>", 13) == 0;
}

static enum p2p_status cycle_entry(struct axe *a)
{
    const struct line_ref *l = a->lines;
    size_t i = 0;
    struct fields f;
    for (; i < a->n_lines && (l[i].n == 0 || l[i].s[0] != '['); i++)
        if (!match_call(l[i].s, l[i].s + l[i].n, &f))
            warn_line(a, 6, &l[i]);
    if (i == a->n_lines) {
        diag_warn(a->d, "unexpected end of cycle entry");
        return P2P_OK;
    }
    struct span num;
    if (!match_cycle_header(l[i].s, l[i].s + l[i].n, &num)) {
        warn_line(a, 4, &l[i]);
        return P2P_OK;
    }
    uint64_t ln = l[i].lineno;
    /* gprof2dot checks the members from the second line after the header on. */
    for (i += 2; i < a->n_lines; i++)
        if (!match_member(l[i].s, l[i].s + l[i].n))
            warn_line(a, 5, &l[i]);
    int64_t n;
    enum p2p_status st = to_int(a, num, ln, "cycle number", &n);
    if (st != P2P_OK)
        return st;
    /* Cycles are listed in the order of their header entries. */
    imap_put(&a->declared, (uint64_t)n, 1);
    profile_cycle(a->p, n);
    return P2P_OK;
}

static enum p2p_status function_entry(struct axe *a)
{
    const struct line_ref *l = a->lines;
    size_t i = 0;
    struct fields f;
    /* Parent lines are only checked. */
    for (; i < a->n_lines && (l[i].n == 0 || l[i].s[0] != '['); i++)
        if (!match_call(l[i].s, l[i].s + l[i].n, &f))
            warn_line(a, 1, &l[i]);
    if (i == a->n_lines) {
        diag_warn(a->d, "unexpected end of entry");
        return P2P_OK;
    }
    if (!match_primary(l[i].s, l[i].s + l[i].n, &f)) {
        warn_line(a, 2, &l[i]);
        return P2P_OK;
    }
    struct entry e = {0};
    enum p2p_status st;
    uint64_t ln = l[i].lineno;
    double pct;
    if ((st = to_int(a, f.index, ln, "index", &e.index)) != P2P_OK ||
        (st = to_double(a, f.self, ln, &e.self)) != P2P_OK ||
        (st = to_double(a, f.pct, ln, &pct)) != P2P_OK)
        return st;
    e.ttr = pct / 100.0;
    bool keep = !is_spontaneous(f.name);
    e.name = profile_intern(a->p, f.name.s, f.name.n);
    if (f.cycle.s) {
        e.has_cycle = true;
        if ((st = to_int(a, f.cycle, ln, "cycle number", &e.cycle)) != P2P_OK)
            return st;
    }
    e.child0 = a->n_children;
    for (i++; i < a->n_lines; i++) {
        if (!match_call(l[i].s, l[i].s + l[i].n, &f)) {
            warn_line(a, 3, &l[i]);
            continue;
        }
        if (is_spontaneous(f.name))
            continue;
        struct child c = {.lineno = l[i].lineno, .has_index = f.index.s != NULL};
        if (c.has_index && (st = to_int(a, f.index, c.lineno, "index", &c.index)) != P2P_OK)
            return st;
        c.name = profile_intern(a->p, f.name.s, f.name.n);
        UTIL_GROW(a->children, a->cap_children, a->n_children + 1);
        a->children[a->n_children++] = c;
    }
    e.n_children = a->n_children - e.child0;
    if (!keep)
        return P2P_OK;
    size_t slot = imap_put(&a->entry_of, (uint64_t)e.index, a->n_entries);
    if (slot == a->n_entries) {
        UTIL_GROW(a->entries, a->cap_entries, a->n_entries + 1);
        a->n_entries++;
    }
    a->entries[slot] = e;
    return P2P_OK;
}

static enum p2p_status end_entry(struct axe *a)
{
    enum p2p_status st = P2P_OK;
    bool whole = false;
    for (size_t i = 0; i < a->n_lines && !whole; i++)
        whole = pytext_contains(a->lines[i].s, a->lines[i].n, "as a whole");
    st = whole ? cycle_entry(a) : function_entry(a);
    a->n_lines = 0;
    return st;
}

static enum p2p_status build(struct axe *a)
{
    struct profile *p = a->p;
    /* gprof2dot crashes on a child without an entry of its own: no self time, no total. */
    for (size_t i = 0; i < a->n_entries; i++) {
        const struct entry *e = &a->entries[i];
        for (size_t k = 0; k < e->n_children; k++) {
            const struct child *c = &a->children[e->child0 + k];
            if (!c->has_index)
                return diag_fail(a->d, c->lineno, "child %s has no [index]", c->name);
            if (imap_get(&a->entry_of, (uint64_t)c->index) == IMAP_NONE)
                return diag_fail(a->d, c->lineno, "child %s [%" PRId64 "] has no entry", c->name,
                                 c->index);
        }
    }
    double total = 0;
    for (size_t i = 0; i < a->n_entries; i++) {
        const struct entry *e = &a->entries[i];
        size_t fi = profile_func_int(p, e->index, NULL);
        struct prof_func *f = &p->funcs[fi];
        f->name = e->name;
        ev_set(&f->ev, PEV_TIME, e->self);
        ev_set(&f->ev, PEV_TTR, e->ttr);
        if (e->has_cycle) {
            if (imap_get(&a->declared, (uint64_t)e->cycle) == IMAP_NONE) {
                diag_warn(a->d, "<cycle %" PRId64 " as a whole> entry missing", e->cycle);
                imap_put(&a->declared, (uint64_t)e->cycle, 1);
            }
            f->cycle = profile_cycle(p, e->cycle);
        }
        total += e->self;
    }
    ev_set(&p->ev, PEV_TIME, total);
    /* No call counts in this format: a call carries its caller's total share, from which the
     * graph builder derives the call ratios. */
    for (size_t i = 0; i < a->n_entries; i++) {
        const struct entry *e = &a->entries[i];
        size_t fi = profile_find_int(p, e->index);
        for (size_t k = 0; k < e->n_children; k++) {
            const struct child *c = &a->children[e->child0 + k];
            bool created;
            struct prof_call *call = profile_call(p, fi, profile_find_int(p, c->index), &created);
            if (!created)
                diag_warn(a->d, "overwriting call from function %" PRId64 " to %" PRId64, e->index,
                          c->index);
            call->ev.has = 0;
            ev_set(&call->ev, PEV_TTR, e->ttr);
        }
    }
    return P2P_OK;
}

static enum p2p_status parse(struct axe *a, const struct input *in)
{
    struct line_reader lr;
    const char *s;
    size_t n;
    int r;
    lines_init(&lr, in);
    do {
        if ((r = lines_next(&lr, &s, &n, a->d)) < 0)
            return P2P_ERR_PARSE;
        if (r == 0)
            return diag_fail(a->d, lr.lineno, "unexpected end of file");
    } while (header_line(s, n));
    /* Entries end at whitespace-only lines (an empty line belongs to the entry); the call
     * graph at the "Index Function" header of the index that follows it. */
    while (!footer_line(s, n)) {
        enum p2p_status st = P2P_OK;
        if (pytext_isspace(s, n)) {
            st = end_entry(a);
        } else {
            UTIL_GROW(a->lines, a->cap_lines, a->n_lines + 1);
            a->lines[a->n_lines++] = (struct line_ref){s, n, lr.lineno};
        }
        if (st != P2P_OK)
            return st;
        if ((r = lines_next(&lr, &s, &n, a->d)) < 0)
            return P2P_ERR_PARSE;
        if (r == 0)
            return diag_fail(a->d, lr.lineno,
                             "unexpected end of file: expected the \"Index Function\" table");
    }
    lines_skip_rest(&lr); /* the index and anything after it */
    return build(a);
}

static enum p2p_status read_axe(struct input *const *in, size_t n_in,
                                const struct reader_opts *opts, struct profile **out,
                                struct diag *d)
{
    (void)opts;
    *out = NULL;
    if (n_in != 1)
        return diag_error(d, P2P_ERR_USAGE, "exactly one file must be given for axe input");
    d->file = in[0]->name;
    diag_warn(d, "for axe format, edge weights are unreliable estimates derived from function "
                 "total times.");
    struct axe a = {.d = d, .p = profile_new(PROF_RECIPE_AXE, true)};
    imap_init(&a.entry_of);
    imap_init(&a.declared);
    strbuf_init(&a.msg);
    enum p2p_status st = parse(&a, in[0]);
    free(a.lines);
    free(a.entries);
    free(a.children);
    imap_fini(&a.entry_of);
    imap_fini(&a.declared);
    strbuf_fini(&a.msg);
    if (st != P2P_OK) {
        profile_free(a.p);
        return st;
    }
    *out = a.p;
    return P2P_OK;
}

/* ---- detection ------------------------------------------------------------------------- */

static int sniff(const unsigned char *head, size_t n)
{
    const char *s = (const char *)head, *end = s + n;
    const char *nl = s;
    while (nl < end && *nl != '\n' && *nl != '\r')
        nl++;
    size_t len = (size_t)(nl - s);
    if (!pytext_starts(s, len, "Index "))
        return 0;
    if (pytext_contains(s, len, "CPU Time:Total") || pytext_contains(s, len, "CPU Time:Self"))
        return 95;
    /* Another VTune metric: the dashes line under the column names. */
    const char *p = nl < end && *nl == '\r' ? nl + 1 : nl;
    if (p < end && *p == '\n')
        p++;
    return header_line(p, (size_t)(end - p)) && pytext_contains(s, len, "Name") ? 60 : 0;
}

const struct reader reader_axe = {
    .name = "axe",
    .summary = "Intel VTune Amplifier gprof-cc report",
    .sniff = sniff,
    .multi = false,
    .read = read_axe,
};
