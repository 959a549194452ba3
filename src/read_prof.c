/* gprof reader: the call-graph section of GNU gprof's text report (and of the BSD, Darwin and
 * AIX gprofs), read as gprof2dot reads it (gprof2dot-behaviour.md 9.10); a report with only a
 * flat profile (gprof -p, or a program built without call data) gives functions without calls.
 *
 *     index % time    self  children    called     name
 *                     0.23    0.15      40/40          ping <cycle 1> [6]
 *     [2]     70.2    0.23    0.15      40+360     <cycle 1 as a whole> [2]
 *     [6]     42.6    0.00    0.15     200         ping <cycle 1> [6]
 *
 * Checked against GNU gprof 2.40 (binutils); the report is described in the GNU gprof manual,
 * "Interpreting gprof's Output" (https://sourceware.org/binutils/docs/gprof/). The line shapes
 * are gprof2dot's regular expressions, matched here by hand with the same backtracking
 * outcome: tokens are whitespace-separated and optional fields shift the later ones. */
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

/* \d+(?:SEP\d+)? as a whole token. */
static bool is_count(const char *s, size_t n, char sep, struct span *a, struct span *b)
{
    size_t i = pytext_digit_run(s, n);
    if (i == 0)
        return false;
    *a = (struct span){s, i};
    *b = (struct span){NULL, 0};
    if (i == n)
        return true;
    if (s[i] != sep || !pytext_all_digits(s + i + 1, n - i - 1))
        return false;
    *b = (struct span){s + i + 1, n - i - 1};
    return true;
}

/* Where the field after the optional `^\s+(\d+\.\d+)?\s+(\d+\.\d+)?\s+` prefix of parent,
 * child and cycle-member lines may start, in the order the regex tries them (both numbers,
 * only the first, only the second, none: a missing number needs its whitespace). */
static size_t field_starts(const char *line, const char *end, const char *cand[3])
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

/* `\s\[(\d+)\]$`: the whitespace character's position and the digits. */
static bool index_tail(const char *line, const char *end, const char **ws, struct span *idx)
{
    if (end == line || end[-1] != ']')
        return false;
    const char *d = end - 1;
    while (d > line && pytext_digit(d[-1]))
        d--;
    if (d == end - 1 || d == line || d[-1] != '[')
        return false;
    size_t k = pytext_space_before(line, d - 1);
    if (k == 0)
        return false;
    *ws = d - 1 - k;
    *idx = (struct span){d, (size_t)(end - 1 - d)};
    return true;
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

struct fields {
    struct span index, self, called, called_self, name, cycle;
};

/* `(?P<name>\S.*?)(?:\s+<cycle\s(?P<cycle>\d+)>)?\s\[(\d+)\]$` from `name`; the index in
 * brackets goes to *idx. */
static bool name_tail(const char *line, const char *end, const char *name, struct fields *f,
                      struct span *idx)
{
    const char *ws;
    if (!index_tail(line, end, &ws, idx) || ws <= name)
        return false;
    const char *w = cycle_suffix(name, ws, &f->cycle);
    if (!w) {
        f->cycle = (struct span){NULL, 0};
        w = ws;
    }
    f->name = (struct span){name, (size_t)(w - name)};
    return true;
}

/* `[IDX` or `[IDX]` followed by three `\d+\.\d+`, all whitespace-separated: the start of a
 * primary or cycle-header line. */
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
    f->self = t->w[2];
    return true;
}

/* `^\[IDX\]? PCT SELF CHILDREN (CALLED(+SELF)?)? NAME (<cycle N>)? [IDX]` */
static bool match_primary(const char *line, const char *end, struct fields *f)
{
    struct pytext_words t;
    if (!primary_head(line, end, &t, f))
        return false;
    /* The function's id is the leading [IDX]; gprof2dot ignores the trailing one. */
    struct span a, b, idx2;
    if (t.n > 5 && is_count(t.w[4].s, t.w[4].n, '+', &a, &b) &&
        name_tail(line, end, t.w[5].s, f, &idx2)) {
        f->called = a;
        f->called_self = b;
        return true;
    }
    return t.ws[4] >= 2 && name_tail(line, end, t.w[4].s, f, &idx2);
}

/* `<cycle\s(\d+)\sas\sa\swhole>\s\[(\d+)\]$` at p. */
static bool whole_tail(const char *p, const char *end, struct span *num)
{
    struct span idx;
    return pytext_eat(&p, end, "<cycle") && pytext_eat_space(&p, end) &&
           pytext_eat_digits(&p, end, num) && pytext_eat_space(&p, end) &&
           pytext_eat(&p, end, "as") && pytext_eat_space(&p, end) && pytext_eat(&p, end, "a") &&
           pytext_eat_space(&p, end) && pytext_eat(&p, end, "whole>") &&
           pytext_eat_space(&p, end) && pytext_eat(&p, end, "[") &&
           pytext_eat_digits(&p, end, &idx) && pytext_eat(&p, end, "]") && p == end;
}

/* `^\[IDX\]? PCT SELF CHILDREN (CALLED(+SELF)?)? <cycle N as a whole> [IDX]` */
static bool match_cycle_header(const char *line, const char *end, struct span *num)
{
    struct pytext_words t;
    struct fields f;
    if (!primary_head(line, end, &t, &f))
        return false;
    struct span a, b;
    if (t.n > 5 && is_count(t.w[4].s, t.w[4].n, '+', &a, &b) && whole_tail(t.w[5].s, end, num))
        return true;
    return t.ws[4] >= 2 && whole_tail(t.w[4].s, end, num);
}

/* Parent and child lines (sep '/'): `^\s+SELF?\s+CHILDREN?\s+CALLED(/TOTAL)?\s+NAME
 * (<cycle N>)? [IDX]`; cycle-member lines have '+' instead. */
static bool match_call(const char *line, const char *end, char sep, struct fields *f)
{
    const char *cand[3];
    size_t nc = field_starts(line, end, cand);
    for (size_t i = 0; i < nc; i++) {
        const char *e = pytext_skip_word(cand[i], end);
        struct span a, b;
        if (e == end || !is_count(cand[i], (size_t)(e - cand[i]), sep, &a, &b))
            continue;
        memset(f, 0, sizeof(*f));
        if (name_tail(line, end, pytext_skip_space(e, end, NULL), f, &f->index)) {
            f->called = a;
            return true;
        }
    }
    return false;
}

/* Lines gprof2dot skips without a warning: `^\s+<spontaneous>\s*$` and `^.*\((\d+)\)$`. */
static bool ignorable(const char *line, const char *end)
{
    const char *p = pytext_skip_space(line, end, NULL);
    if (p > line && pytext_eat(&p, end, "<spontaneous>") && pytext_skip_space(p, end, NULL) == end)
        return true;
    if (end - line < 3 || end[-1] != ')')
        return false;
    const char *d = end - 1;
    while (d > line && pytext_digit(d[-1]))
        d--;
    return d < end - 1 && d > line && d[-1] == '(';
}

/* Whole-line header of the call-graph section: words separated by whitespace, trailing
 * whitespace allowed, leading whitespace exactly when `indent`. */
static bool words_line(const char *line, const char *end, bool indent, const char *const *w,
                       size_t n)
{
    const char *p = line;
    for (size_t i = 0; i < n; i++) {
        size_t c;
        p = pytext_skip_space(p, end, &c);
        if ((i > 0 || indent) ? c == 0 : c != 0)
            return false;
        const char *e = pytext_skip_word(p, end);
        if (!span_eq((struct span){p, (size_t)(e - p)}, w[i]))
            return false;
        p = e;
    }
    return pytext_skip_space(p, end, NULL) == end;
}

static bool cg_header(const char *line, size_t len)
{
    static const char *const bsd1[] = {"called/total", "parents"};
    static const char *const bsd2[] = {"index",       "%time", "self", "descendents",
                                       "called+self", "name",  "index"};
    static const char *const bsd3[] = {"called/total", "children"};
    static const char *const gnu1[] = {"index", "%", "time", "self", "children", "called", "name"};
    static const char *const gnu2[] = {"index", "%", "self", "children", "called", "name"};
    const char *end = line + len;
    return words_line(line, end, true, bsd1, P2P_ARRAY_LEN(bsd1)) ||
           words_line(line, end, false, bsd2, P2P_ARRAY_LEN(bsd2)) ||
           words_line(line, end, true, bsd3, P2P_ARRAY_LEN(bsd3)) ||
           words_line(line, end, false, gnu1, P2P_ARRAY_LEN(gnu1)) ||
           words_line(line, end, false, gnu2, P2P_ARRAY_LEN(gnu2));
}

/* `^--+$` */
static bool separator(const char *s, size_t n)
{
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '-')
            return false;
    return true;
}

/* ---- reading ---------------------------------------------------------------------------- */

struct line_ref {
    const char *s;
    size_t n;
    uint64_t lineno;
};

struct child {
    int64_t index;
    double called;
    const char *name; /* interned */
    uint64_t lineno;
};

struct entry {
    int64_t index;
    const char *name; /* interned */
    double self;
    bool has_called, has_called_self, has_cycle;
    double called, called_self;
    int64_t cycle;
    size_t child0, n_children;
};

/* One row of the flat profile, for reports without a call graph. */
struct flat_row {
    const char *name;
    double self;
    bool has_calls;
    double calls;
};

enum flat_state { FLAT_NONE, FLAT_ROWS, FLAT_DONE };

struct gp {
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
    struct flat_row *flat;
    size_t n_flat, cap_flat;
    enum flat_state flat_state;
    uint64_t flat_bad; /* first flat-profile row that could not be read (0: none) */
    struct strbuf msg;
};

static void warn_line(struct gp *g, const char *s, size_t n)
{
    pytext_repr(&g->msg, s, n, QUOTE_MAX);
    diag_warn(g->d, "unrecognized call graph entry: %s", g->msg.s);
}

/* All-digit text to a call count; counts beyond 2^64 are still numbers for Python. */
static enum p2p_status to_count(struct gp *g, struct span s, uint64_t lineno, double *out)
{
    uint64_t v;
    if (parse_u64(s.s, s.n, &v)) {
        *out = (double)v;
        return P2P_OK;
    }
    if (parse_double(s.s, s.n, out))
        return P2P_OK;
    return diag_fail(g->d, lineno, "call count out of range: %.*s", (int)(s.n > 40 ? 40 : s.n),
                     s.s);
}

static enum p2p_status to_int(struct gp *g, struct span s, uint64_t lineno, const char *what,
                              int64_t *out)
{
    if (parse_i64(s.s, s.n, out))
        return P2P_OK;
    return diag_fail(g->d, lineno, "%s out of range: %.*s", what, (int)(s.n > 40 ? 40 : s.n), s.s);
}

static enum p2p_status to_seconds(struct gp *g, struct span s, uint64_t lineno, double *out)
{
    if (parse_double(s.s, s.n, out))
        return P2P_OK;
    return diag_fail(g->d, lineno, "time out of range: %.*s", (int)(s.n > 40 ? 40 : s.n), s.s);
}

static enum p2p_status cycle_entry(struct gp *g)
{
    const struct line_ref *l = g->lines;
    struct span num;
    if (!match_cycle_header(l[0].s, l[0].s + l[0].n, &num)) {
        warn_line(g, l[0].s, l[0].n);
        return P2P_OK;
    }
    for (size_t i = 1; i < g->n_lines; i++) {
        struct fields f;
        if (!match_call(l[i].s, l[i].s + l[i].n, '+', &f))
            warn_line(g, l[i].s, l[i].n);
    }
    int64_t n;
    enum p2p_status st = to_int(g, num, l[0].lineno, "cycle number", &n);
    if (st != P2P_OK)
        return st;
    /* Cycles are listed in the order of their header entries. */
    imap_put(&g->declared, (uint64_t)n, 1);
    profile_cycle(g->p, n);
    return P2P_OK;
}

static enum p2p_status function_entry(struct gp *g)
{
    const struct line_ref *l = g->lines;
    size_t i = 0;
    struct fields f;
    for (; i < g->n_lines && l[i].s[0] != '['; i++) {
        /* Parent lines are only checked. */
        const char *end = l[i].s + l[i].n;
        if (!match_call(l[i].s, end, '/', &f) && !ignorable(l[i].s, end))
            warn_line(g, l[i].s, l[i].n);
    }
    if (i == g->n_lines) {
        /* gprof2dot warns, then crashes; the entry is dropped here. */
        diag_warn(g->d, "unexpected end of entry");
        return P2P_OK;
    }
    if (!match_primary(l[i].s, l[i].s + l[i].n, &f)) {
        warn_line(g, l[i].s, l[i].n);
        return P2P_OK;
    }
    struct entry e = {0};
    enum p2p_status st;
    uint64_t ln = l[i].lineno;
    if ((st = to_int(g, f.index, ln, "index", &e.index)) != P2P_OK ||
        (st = to_seconds(g, f.self, ln, &e.self)) != P2P_OK)
        return st;
    e.name = profile_intern(g->p, f.name.s, f.name.n);
    if (f.called.s) {
        e.has_called = true;
        if ((st = to_count(g, f.called, ln, &e.called)) != P2P_OK)
            return st;
    }
    if (f.called_self.s) {
        e.has_called_self = true;
        if ((st = to_count(g, f.called_self, ln, &e.called_self)) != P2P_OK)
            return st;
    }
    if (f.cycle.s) {
        e.has_cycle = true;
        if ((st = to_int(g, f.cycle, ln, "cycle number", &e.cycle)) != P2P_OK)
            return st;
    }
    e.child0 = g->n_children;
    for (i++; i < g->n_lines; i++) {
        const char *end = l[i].s + l[i].n;
        if (!match_call(l[i].s, end, '/', &f)) {
            if (!ignorable(l[i].s, end))
                warn_line(g, l[i].s, l[i].n);
            continue;
        }
        struct child c = {.lineno = l[i].lineno};
        if ((st = to_int(g, f.index, c.lineno, "index", &c.index)) != P2P_OK ||
            (st = to_count(g, f.called, c.lineno, &c.called)) != P2P_OK)
            return st;
        c.name = profile_intern(g->p, f.name.s, f.name.n);
        UTIL_GROW(g->children, g->cap_children, g->n_children + 1);
        g->children[g->n_children++] = c;
    }
    e.n_children = g->n_children - e.child0;
    size_t slot = imap_put(&g->entry_of, (uint64_t)e.index, g->n_entries);
    if (slot == g->n_entries) {
        UTIL_GROW(g->entries, g->cap_entries, g->n_entries + 1);
        g->n_entries++;
    }
    g->entries[slot] = e;
    return P2P_OK;
}

static enum p2p_status end_entry(struct gp *g)
{
    enum p2p_status st = P2P_OK;
    if (g->n_lines == 0)
        diag_warn(g->d, "unexpected end of entry"); /* two separators in a row */
    else if (g->lines[0].s[0] == '[')
        st = cycle_entry(g);
    else
        st = function_entry(g);
    g->n_lines = 0;
    return st;
}

/* A flat-profile table header: its last word is "name", and it has "calls" and ".../call"
 * columns (GNU "time seconds seconds calls ms/call ms/call name", BSD alike). */
static bool flat_header(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    bool calls = false, per_call = false, name = false;
    while ((p = pytext_skip_space(p, end, NULL)) < end) {
        const char *e = pytext_skip_word(p, end);
        struct span w = {p, (size_t)(e - p)};
        name = span_eq(w, "name");
        calls |= span_eq(w, "calls");
        per_call |= w.n >= 5 && memcmp(e - 5, "/call", 5) == 0;
        p = e;
    }
    return name && calls && per_call;
}

static bool is_number(struct span s)
{
    size_t dots = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.s[i] == '.')
            dots++;
        else if (!pytext_digit(s.s[i]))
            return false;
    }
    return s.n > dots && dots <= 1;
}

/* Flat-profile row: "%TIME CUMULATIVE SELF [CALLS SELF/CALL TOTAL/CALL] NAME"; gprof leaves
 * the three call columns blank for functions without call counts. The name may be followed
 * by gprof's " <cycle N>" and " [INDEX]" or " (INDEX)". */
static bool flat_row(struct gp *g, const char *s, size_t n, struct flat_row *r)
{
    const char *end = s + n;
    struct pytext_words t;
    pytext_first_words(s, end, &t);
    if (t.n < 4 || !is_number(t.w[0]) || !is_number(t.w[1]) || !is_number(t.w[2]))
        return false;
    if (!parse_double(t.w[2].s, t.w[2].n, &r->self))
        return false;
    struct span name = t.w[3];
    r->has_calls = false;
    if (t.n >= 7 && pytext_all_digits(t.w[3].s, t.w[3].n) && is_number(t.w[4]) &&
        is_number(t.w[5])) {
        r->has_calls = true;
        name = t.w[6];
        uint64_t v;
        if (parse_u64(t.w[3].s, t.w[3].n, &v))
            r->calls = (double)v;
        else if (!parse_double(t.w[3].s, t.w[3].n, &r->calls))
            return false;
    }
    const char *ne = pytext_rstrip(name.s, end);
    /* Strip " [N]" / " (N)", then " <cycle N>". */
    if (ne[-1] == ']' || ne[-1] == ')') {
        const char *d = ne - 1;
        while (d > name.s && pytext_digit(d[-1]))
            d--;
        const char *open = d - 1;
        if (d < ne - 1 && open > name.s && *open == (ne[-1] == ']' ? '[' : '(') &&
            pytext_space_before(name.s, open))
            ne = pytext_rstrip(name.s, open);
    }
    struct span num;
    const char *w = cycle_suffix(name.s, ne, &num);
    if (w)
        ne = w;
    r->name = profile_intern(g->p, name.s, (size_t)(ne - name.s));
    return true;
}

static void flat_line(struct gp *g, const char *s, size_t n, uint64_t lineno)
{
    if (g->flat_state == FLAT_NONE) {
        if (flat_header(s, n))
            g->flat_state = FLAT_ROWS;
        return;
    }
    if (g->flat_state != FLAT_ROWS)
        return;
    if (n == 0 || pytext_isspace(s, n)) {
        g->flat_state = FLAT_DONE;
        return;
    }
    struct flat_row r;
    if (!flat_row(g, s, n, &r)) {
        if (!g->flat_bad)
            g->flat_bad = lineno;
        g->flat_state = FLAT_DONE;
        return;
    }
    UTIL_GROW(g->flat, g->cap_flat, g->n_flat + 1);
    g->flat[g->n_flat++] = r;
}

/* No call graph: gprof2dot stops with "unexpected end of file"; the flat profile still names
 * the functions and their self times, so they become unconnected nodes. */
static enum p2p_status build_flat(struct gp *g)
{
    if (g->flat_state == FLAT_NONE)
        return diag_fail(g->d, 0, "no gprof call graph or flat profile found");
    if (g->flat_bad)
        return diag_fail(g->d, g->flat_bad,
                         "expected a flat profile row "
                         "\"%%TIME CUMULATIVE SELF [CALLS S/CALL S/CALL] NAME\"");
    double total = 0;
    for (size_t i = 0; i < g->n_flat; i++) {
        size_t fi = profile_func_int(g->p, (int64_t)i + 1, NULL);
        struct prof_func *f = &g->p->funcs[fi];
        f->name = g->flat[i].name;
        ev_set(&f->ev, PEV_TIME, g->flat[i].self);
        if (g->flat[i].has_calls) {
            f->has_called = true;
            f->called = g->flat[i].calls;
        }
        total += g->flat[i].self;
    }
    ev_set(&g->p->ev, PEV_TIME, total);
    return P2P_OK;
}

static void add_call(struct gp *g, size_t caller, const struct child *c)
{
    struct profile *p = g->p;
    bool created;
    struct prof_call *call = profile_call(p, caller, profile_find_int(p, c->index), &created);
    if (!created)
        diag_warn(g->d, "overwriting call from function %" PRId64 " to %" PRId64,
                  p->funcs[caller].int_id, c->index);
    call->ev.has = 0;
    ev_set(&call->ev, PEV_CALLS, c->called);
}

static void build(struct gp *g)
{
    struct profile *p = g->p;
    double total = 0;
    /* Functions first, in gprof2dot's order, so that every callee exists for the calls. */
    for (size_t i = 0; i < g->n_entries; i++) {
        const struct entry *e = &g->entries[i];
        bool created;
        /* A child without an entry of its own (gprof2dot crashes): a function with no self
         * time, listed before its caller as gprof2dot would list it. Indexed inside the loop:
         * g->children is NULL in a call graph without child lines. */
        for (size_t k = 0; k < e->n_children; k++) {
            const struct child *c = &g->children[e->child0 + k];
            if (imap_get(&g->entry_of, (uint64_t)c->index) != IMAP_NONE)
                continue;
            size_t fi = profile_func_int(p, c->index, &created);
            if (!created)
                diag_warn(g->d, "overwriting function %s (id %" PRId64 ")", c->name, c->index);
            p->funcs[fi].name = c->name;
            ev_set(&p->funcs[fi].ev, PEV_TIME, 0);
        }
        size_t fi = profile_func_int(p, e->index, &created);
        struct prof_func *f = &p->funcs[fi];
        f->name = e->name;
        ev_set(&f->ev, PEV_TIME, e->self);
        if (e->has_called) {
            f->has_called = true;
            f->called = e->called;
            /* Self-recursive calls count, but make no edge (a child line may). */
            if (e->has_called_self)
                f->called += e->called_self;
        }
        if (e->has_cycle) {
            if (imap_get(&g->declared, (uint64_t)e->cycle) == IMAP_NONE) {
                diag_warn(g->d, "<cycle %" PRId64 " as a whole> entry missing", e->cycle);
                imap_put(&g->declared, (uint64_t)e->cycle, 1);
            }
            f->cycle = profile_cycle(p, e->cycle);
        }
        total += e->self;
    }
    ev_set(&p->ev, PEV_TIME, total);
    for (size_t i = 0; i < g->n_entries; i++) {
        const struct entry *e = &g->entries[i];
        size_t fi = profile_find_int(p, e->index);
        for (size_t k = 0; k < e->n_children; k++)
            add_call(g, fi, &g->children[e->child0 + k]);
    }
}

static enum p2p_status parse(struct gp *g, const struct input *in)
{
    struct line_reader lr;
    const char *s;
    size_t n;
    int r;
    lines_init(&lr, in);
    /* Up to the call-graph header, remembering the flat profile on the way. */
    for (;;) {
        if ((r = lines_next(&lr, &s, &n, g->d)) < 0)
            return P2P_ERR_PARSE;
        if (r == 0)
            return build_flat(g);
        if (cg_header(s, n))
            break;
        flat_line(g, s, n, lr.lineno);
    }
    do {
        if ((r = lines_next(&lr, &s, &n, g->d)) < 0)
            return P2P_ERR_PARSE;
        if (r == 0)
            return diag_fail(g->d, lr.lineno, "unexpected end of file in the call graph");
    } while (cg_header(s, n));
    /* Entries end at dash lines; the section at a form feed line. */
    while (!(n == 1 && s[0] == '\f')) {
        if (n > 0 && !pytext_isspace(s, n)) {
            enum p2p_status st = P2P_OK;
            if (separator(s, n)) {
                st = end_entry(g);
            } else {
                UTIL_GROW(g->lines, g->cap_lines, g->n_lines + 1);
                g->lines[g->n_lines++] = (struct line_ref){s, n, lr.lineno};
            }
            if (st != P2P_OK)
                return st;
        }
        if ((r = lines_next(&lr, &s, &n, g->d)) < 0)
            return P2P_ERR_PARSE;
        if (r == 0)
            return diag_fail(g->d, lr.lineno,
                             "unexpected end of file: the call graph must end with a form feed");
    }
    lines_skip_rest(&lr); /* the index and anything after it */
    build(g);
    return P2P_OK;
}

static enum p2p_status read_prof(struct input *const *in, size_t n_in,
                                 const struct reader_opts *opts, struct profile **out,
                                 struct diag *d)
{
    (void)opts;
    *out = NULL;
    if (n_in != 1)
        return diag_error(d, P2P_ERR_USAGE, "exactly one file must be given for prof input");
    d->file = in[0]->name;
    struct gp g = {.d = d, .p = profile_new(PROF_RECIPE_GPROF, true)};
    imap_init(&g.entry_of);
    imap_init(&g.declared);
    strbuf_init(&g.msg);
    enum p2p_status st = parse(&g, in[0]);
    free(g.lines);
    free(g.entries);
    free(g.children);
    free(g.flat);
    imap_fini(&g.entry_of);
    imap_fini(&g.declared);
    strbuf_fini(&g.msg);
    if (st != P2P_OK) {
        profile_free(g.p);
        return st;
    }
    *out = g.p;
    return P2P_OK;
}

/* ---- detection ------------------------------------------------------------------------- */

static int sniff(const unsigned char *head, size_t n)
{
    const char *p = (const char *)head, *end = p + n;
    int score = 0;
    bool first = true;
    while (p < end) {
        const char *nl = p;
        while (nl < end && *nl != '\n' && *nl != '\r')
            nl++;
        size_t len = (size_t)(nl - p);
        if (cg_header(p, len))
            return 95;
        if (first && !pytext_isspace(p, len) && len > 0) {
            first = false;
            if (span_eq((struct span){p, len}, "Flat profile:"))
                score = 90;
        }
        if (pytext_contains(p, len, "Call graph (explanation follows)") ||
            span_eq((struct span){p, len}, "call graph profile:"))
            score = score > 90 ? score : 90;
        if (len > 36 && memcmp(p, "granularity: each sample hit covers ", 36) == 0)
            score = score > 85 ? score : 85;
        if (flat_header(p, len) && score < 60)
            score = 60;
        p = nl < end ? nl + 1 : end;
    }
    return score;
}

const struct reader reader_prof = {
    .name = "prof",
    .summary = "GNU gprof text output (the call graph; a flat profile alone without edges)",
    .sniff = sniff,
    .multi = false,
    .read = read_prof,
};
