/* Reader for the CSV that xperf (Windows Performance Toolkit) or WPA exports from a sampled
 * CPU summary table with stacks: a header row of column names, then one row per sample group;
 * fields split at ',' with no quoting, spaces after a comma skipped:
 *     Process Name, Display Name, Process, Stack, Module, Function, ..., Weight, % Weight, Count
 *     val3.exe, val3.exe, val3.exe (4144), [Root]/ntdll.dll!_RtlUserThreadStart/val3.exe!main,
 *         val3.exe, main, ..., 1.001237, 0.01, 1
 * (one line in the file). No public specification of the export; this follows gprof2dot
 * 2025.04.14's XPerfParser and the columns of the export in gprof2dot's tests/xperf. Fields
 * are typed as Python's int() then float() would type them. */
#include "config.h"
#include "reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pytext.h"

/* The columns gprof2dot uses, by header name. */
enum { COL_PROCESS, COL_MODULE, COL_FUNCTION, COL_WEIGHT, COL_COUNT, COL_STACK, N_COLS };
static const char *const col_names[N_COLS] = {"Process Name", "Module", "Function",
                                              "Weight",       "Count",  "Stack"};

/* Split a line as Python's csv module does with delimiter ',', QUOTE_NONE and
 * skipinitialspace: only ' ' is skipped, at the start of every field. A blank line has no
 * fields at all. */
static void split_row(const char *l, size_t n, struct span **f, size_t *nf, size_t *cap)
{
    *nf = 0;
    if (n == 0)
        return;
    size_t i = 0;
    for (;;) {
        while (i < n && l[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && l[i] != ',')
            i++;
        UTIL_GROW(*f, *cap, *nf + 1);
        (*f)[(*nf)++] = (struct span){l + start, i - start};
        if (i == n)
            return;
        i++; /* the comma */
    }
}

/* Python's digitpart: digits with single underscores between them. Advances *p. */
static bool digitpart(const unsigned char **p, const unsigned char *end)
{
    const unsigned char *q = *p;
    if (q == end || !pytext_digit(*q))
        return false;
    while (q < end) {
        if (pytext_digit(*q))
            q++;
        else if (*q == '_' && q + 1 < end && pytext_digit(q[1]))
            q += 2;
        else
            break;
    }
    *p = q;
    return true;
}

static bool word_ci(const unsigned char *p, const unsigned char *end, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(end - p) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)w[i])
            return false;
    }
    return true;
}

enum num_kind {
    NUM_TEXT,      /* neither int() nor float() accepts it */
    NUM_FINITE,    /* a number, value in *v */
    NUM_NONFINITE, /* inf, nan, or too large for a double */
};

/* What gprof2dot makes of a field: int(s), else float(s), else the text (ASCII digits only;
 * Python would also take other Unicode decimal digits). */
static enum num_kind py_number(const struct span *f, double *v)
{
    struct span t = span_strip(*f);
    const unsigned char *p = (const unsigned char *)t.s, *end = p + t.n;
    const unsigned char *body = p;
    if (p < end && (*p == '+' || *p == '-'))
        p++;
    if (word_ci(p, end, "inf") || word_ci(p, end, "infinity") || word_ci(p, end, "nan"))
        return NUM_NONFINITE;
    bool mant = false;
    if (p < end && pytext_digit(*p)) {
        digitpart(&p, end);
        mant = true;
    }
    if (p < end && *p == '.') {
        p++;
        if (p < end && pytext_digit(*p)) {
            digitpart(&p, end);
            mant = true;
        }
    }
    if (!mant)
        return NUM_TEXT;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!digitpart(&p, end))
            return NUM_TEXT;
    }
    if (p != end)
        return NUM_TEXT;
    char buf[128];
    size_t k = 0;
    for (const unsigned char *q = body; q < end; q++) {
        if (*q == '_')
            continue;
        if (k == sizeof(buf))
            return NUM_NONFINITE; /* parse_double's limit: treat as unusable */
        buf[k++] = (char)*q;
    }
    return parse_double(buf, k, v) ? NUM_FINITE : NUM_NONFINITE;
}

/* Index of the first column whose name an earlier column already has, or n. Interning keeps
 * this linear: a header line may hold millions of columns. */
static size_t first_repeat(const struct span *f, size_t n)
{
    struct arena *names = arena_new();
    size_t i = 0;
    for (; i < n; i++) {
        if (arena_lookup(names, f[i].s, f[i].n))
            break;
        arena_intern(names, f[i].s, f[i].n);
    }
    arena_free(names);
    return i;
}

struct xstate {
    struct profile *p;
    struct strbuf key;
};

/* The function of `symbol` (MODULE!NAME) in `process`, keyed by PROCESS!MODULE!NAME. */
static size_t get_function(struct xstate *x, const struct span *process, const char *sym,
                           size_t sym_n)
{
    strbuf_reset(&x->key);
    strbuf_add(&x->key, process->s, process->n);
    strbuf_addc(&x->key, '!');
    strbuf_add(&x->key, sym, sym_n);
    bool created;
    size_t i = profile_func_str(x->p, x->key.s, x->key.len, &created);
    if (created) {
        struct prof_func *f = &x->p->funcs[i];
        const char *bang = memchr(sym, '!', sym_n);
        size_t mod_n = (size_t)(bang - sym);
        f->name = profile_intern(x->p, bang + 1, sym_n - mod_n - 1);
        f->module = profile_intern(x->p, sym, mod_n);
        f->process = profile_intern(x->p, process->s, process->n);
        ev_set(&f->ev, PEV_SAMPLES, 0);
    }
    return i;
}

/* One data row (gprof2dot-behaviour.md 9.8). */
static enum p2p_status read_row(struct xstate *x, const struct span *fl, const size_t *col,
                                struct strbuf *sym, uint64_t lineno, struct diag *d)
{
    double w, c, unused;
    /* gprof2dot concatenates these as strings, so a numeric value there is fatal to it. */
    for (int k = COL_PROCESS; k <= COL_FUNCTION; k++)
        if (py_number(&fl[col[k]], &unused) != NUM_TEXT)
            return diag_fail(d, lineno, "expected text in column \"%s\", found the number \"%.*s\"",
                             col_names[k], (int)fl[col[k]].n, fl[col[k]].s);
    const struct span *process = &fl[col[COL_PROCESS]];
    if (process->n == 4 && memcmp(process->s, "Idle", 4) == 0)
        return P2P_OK;
    for (int k = COL_WEIGHT; k <= COL_COUNT; k++) {
        enum num_kind kind = py_number(&fl[col[k]], k == COL_WEIGHT ? &w : &c);
        if (kind == NUM_TEXT)
            return diag_fail(d, lineno, "expected a number in column \"%s\", found \"%.*s\"",
                             col_names[k], (int)fl[col[k]].n, fl[col[k]].s);
        if (kind == NUM_NONFINITE)
            return diag_fail(d, lineno, "column \"%s\" holds a non-finite number \"%.*s\"",
                             col_names[k], (int)fl[col[k]].n, fl[col[k]].s);
    }
    double cost = w * c;
    if (!isfinite(cost))
        return diag_fail(d, lineno, "Weight times Count is not finite");
    strbuf_reset(sym);
    strbuf_add(sym, fl[col[COL_MODULE]].s, fl[col[COL_MODULE]].n);
    strbuf_addc(sym, '!');
    strbuf_add(sym, fl[col[COL_FUNCTION]].s, fl[col[COL_FUNCTION]].n);
    size_t fi = get_function(x, process, sym->s, sym->len);
    ev_add(&x->p->funcs[fi].ev, PEV_SAMPLES, cost);
    ev_add(&x->p->ev, PEV_SAMPLES, cost);

    const struct span *stack = &fl[col[COL_STACK]];
    if (py_number(stack, &unused) != NUM_TEXT)
        return diag_fail(d, lineno, "expected text in column \"Stack\", found the number \"%.*s\"",
                         (int)stack->n, stack->s);
    if (stack->n == 1 && stack->s[0] == '?')
        return P2P_OK;
    /* Frames root first after "[Root]"; the sampled symbol is appended when the stack does
     * not end with it. */
    const char *s = stack->s, *end = s + stack->n;
    const char *slash = memchr(s, '/', stack->n);
    const char *e0 = slash ? slash : end;
    if ((size_t)(e0 - s) != 6 || memcmp(s, "[Root]", 6) != 0)
        return diag_fail(d, lineno, "expected the stack to start with \"[Root]/\"");
    const char *last = end;
    while (last > s && last[-1] != '/')
        last--;
    bool append = (size_t)(end - last) != sym->len || memcmp(last, sym->s, sym->len) != 0;
    size_t caller = SIZE_MAX;
    const char *frame = slash ? slash + 1 : end;
    bool more = slash != NULL;
    for (;;) {
        const char *fs, *fe;
        if (more) {
            fs = frame;
            fe = memchr(fs, '/', (size_t)(end - fs));
            if (!fe) {
                fe = end;
                more = false;
            }
            frame = fe + 1;
        } else if (append) {
            fs = sym->s;
            fe = fs + sym->len;
            append = false;
        } else {
            break;
        }
        if (!memchr(fs, '!', (size_t)(fe - fs)))
            return diag_fail(d, lineno, "expected MODULE!FUNCTION in the stack, found \"%.*s\"",
                             (int)(fe - fs), fs);
        size_t callee = get_function(x, process, fs, (size_t)(fe - fs));
        if (caller != SIZE_MAX) {
            struct prof_call *call = profile_call(x->p, caller, callee, NULL);
            ev_add(&call->ev, PEV_SAMPLES2, c);
        }
        caller = callee;
    }
    return P2P_OK;
}

static enum p2p_status read_xperf(struct input *const *in, size_t n_in,
                                  const struct reader_opts *opts, struct profile **out,
                                  struct diag *d)
{
    (void)opts;
    *out = NULL;
    if (n_in != 1)
        return diag_error(d, P2P_ERR_USAGE, "exactly one file must be given for xperf input");
    d->file = in[0]->name;
    struct xstate x = {.p = profile_new(PROF_RECIPE_SAMPLES, false)};
    strbuf_init(&x.key);
    struct strbuf sym;
    strbuf_init(&sym);
    struct span *head = NULL, *row = NULL;
    size_t n_head = 0, cap_head = 0, n_row = 0, cap_row = 0;
    size_t col[N_COLS];
    bool cols_checked = false;
    enum p2p_status st = P2P_OK;
    struct line_reader lr;
    lines_init(&lr, in[0]);
    ev_set(&x.p->ev, PEV_SAMPLES, 0);

    const char *l;
    size_t n;
    int r = lines_next(&lr, &l, &n, d);
    if (r > 0) {
        split_row(l, n, &head, &n_head, &cap_head);
        size_t dup = first_repeat(head, n_head);
        if (dup < n_head)
            st = diag_fail(d, lr.lineno, "column \"%.*s\" appears twice in the header",
                           (int)head[dup].n, head[dup].s);
        for (int k = 0; k < N_COLS; k++) {
            col[k] = SIZE_MAX;
            for (size_t i = 0; i < n_head; i++)
                if (head[i].n == strlen(col_names[k]) &&
                    memcmp(head[i].s, col_names[k], head[i].n) == 0)
                    col[k] = i;
        }
    }
    while (st == P2P_OK && r > 0 && (r = lines_next(&lr, &l, &n, d)) > 0) {
        split_row(l, n, &row, &n_row, &cap_row);
        if (n_row < n_head) {
            st = n_row == 0 ? diag_fail(d, lr.lineno, "blank line")
                            : diag_fail(d, lr.lineno, "%zu fields, but the header has %zu columns",
                                        n_row, n_head);
            break;
        }
        /* Columns are looked up per row, so a header without them only fails on data. */
        for (int k = 0; k < N_COLS && !cols_checked; k++)
            if (col[k] == SIZE_MAX)
                st = diag_fail(d, lr.lineno, "no \"%s\" column in the header", col_names[k]);
        if (st != P2P_OK)
            break;
        cols_checked = true;
        st = read_row(&x, row, col, &sym, lr.lineno, d);
    }
    if (r < 0)
        st = P2P_ERR_PARSE;
    free(head);
    free(row);
    strbuf_fini(&x.key);
    strbuf_fini(&sym);
    if (st != P2P_OK) {
        profile_free(x.p);
        return st;
    }
    *out = x.p;
    return P2P_OK;
}

/* The header row of an xperf/WPA export names these columns. */
static int sniff(const unsigned char *head, size_t n)
{
    const unsigned char *eol = memchr(head, '\n', n);
    size_t len = eol ? (size_t)(eol - head) : n;
    static const char *const cols[] = {"Process Name", "Module", "Function",
                                       "Weight",       "Count",  "Stack"};
    int found = 0;
    for (size_t i = 0; i < P2P_ARRAY_LEN(cols); i++)
        if (memmem(head, len, cols[i], strlen(cols[i])))
            found++;
    if (!memchr(head, ',', len))
        return 0;
    if (found == 6)
        return 95;
    if (found >= 4)
        return 60;
    return 0;
}

const struct reader reader_xperf = {
    .name = "xperf",
    .summary = "CSV exported from xperf / WPA (sampled CPU with stacks)",
    .sniff = sniff,
    .multi = false,
    .read = read_xperf,
};
