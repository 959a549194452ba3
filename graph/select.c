/* Selecting functions by glob for -z/--root, -l/--leaf and --list-functions, and the
 * restriction of the graph to descendants or ancestors within --depth (spec 5.2-5.5).
 * Walks are breadth-first with explicit queues. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

/* Length of the UTF-8 sequence starting at s (1 for stray bytes). */
static size_t u8len(const unsigned char *s)
{
    unsigned char c = *s;
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 1;
    return n;
}

static uint32_t u8cp(const unsigned char *s, size_t n)
{
    if (n == 1)
        return s[0];
    uint32_t cp = s[0] & (0x7F >> n);
    for (size_t k = 1; k < n; k++)
        cp = cp << 6 | (s[k] & 0x3F);
    return cp;
}

/* At p[0] == '[': the end of a bracket expression (index of ']'), or 0 if unclosed. */
static size_t set_end(const unsigned char *p)
{
    size_t j = 1;
    if (p[j] == '!')
        j++;
    if (p[j] == ']')
        j++;
    while (p[j] && p[j] != ']')
        j++;
    return p[j] == ']' ? j : 0;
}

static bool set_match(const unsigned char *p, size_t end, uint32_t c)
{
    size_t j = 1;
    bool neg = false;
    if (p[j] == '!') {
        neg = true;
        j++;
    }
    bool hit = false;
    while (j < end) {
        size_t n = u8len(p + j);
        uint32_t lo = u8cp(p + j, n);
        j += n;
        uint32_t hi = lo;
        if (p[j] == '-' && j + 1 < end) {
            size_t m = u8len(p + j + 1);
            hi = u8cp(p + j + 1, m);
            j += 1 + m;
        }
        if (c >= lo && c <= hi)
            hit = true;
    }
    return hit != neg;
}

/* Does the token at pat match the character at s? *tok gets the token length. */
static bool token_match(const unsigned char *pat, const unsigned char *s, size_t slen,
                        size_t *tok)
{
    uint32_t c = u8cp(s, slen);
    if (*pat == '?') {
        *tok = 1;
        return true;
    }
    if (*pat == '[') {
        size_t end = set_end(pat);
        if (end) {
            *tok = end + 1;
            return set_match(pat, end, c);
        }
    }
    *tok = u8len(pat);
    return *tok == slen && memcmp(pat, s, slen) == 0;
}

bool glob_match(const char *pattern, const char *string)
{
    const unsigned char *p = (const unsigned char *)pattern, *s = (const unsigned char *)string;
    const unsigned char *star_p = NULL, *star_s = NULL;
    while (*s) {
        size_t slen = u8len(s), tok;
        if (*p == '*') {
            while (*p == '*')
                p++;
            star_p = p;
            star_s = s;
            continue;
        }
        if (*p && token_match(p, s, slen, &tok)) {
            p += tok;
            s += slen;
            continue;
        }
        if (!star_p)
            return false;
        star_s += u8len(star_s);
        s = star_s;
        p = star_p;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* name -> last function index with that name, over the remaining functions. */
struct name_map {
    const char **names;
    size_t *vals;
    size_t n_slots;
};

static size_t name_slot(const struct name_map *m, const char *name)
{
    size_t mask = m->n_slots - 1;
    size_t j = util_hash(name, strlen(name)) & mask;
    while (m->names[j] && strcmp(m->names[j], name) != 0)
        j = (j + 1) & mask;
    return j;
}

size_t select_by_glob(const struct work *w, const char *glob, size_t **out)
{
    struct name_map m;
    m.n_slots = 16;
    while (m.n_slots < w->n * 2 + 2)
        m.n_slots *= 2;
    m.names = xcalloc(m.n_slots, sizeof(*m.names));
    m.vals = xcalloc(m.n_slots, sizeof(*m.vals));
    /* Distinct names in first-seen order, each with its last index. */
    size_t *order = xmalloc((w->n ? w->n : 1) * sizeof(*order));
    size_t n_order = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->f[i].removed)
            continue;
        const char *name = w->p->funcs[i].name;
        size_t j = name_slot(&m, name);
        if (!m.names[j]) {
            m.names[j] = name;
            order[n_order++] = j;
        }
        m.vals[j] = i;
    }
    size_t *sel = xmalloc((n_order ? n_order : 1) * sizeof(*sel));
    size_t n_sel = 0;
    for (size_t k = 0; k < n_order; k++)
        if (glob_match(glob, m.names[order[k]]))
            sel[n_sel++] = m.vals[order[k]];
    free(order);
    free(m.names);
    free(m.vals);
    *out = sel;
    return n_sel;
}

/* Mark what lies within depth of the selection, following calls forwards or backwards;
 * then remove every other function and every call not between two kept functions. */
static void restrict_walk(struct work *w, const size_t *sel, size_t n_sel, long depth,
                          bool backwards)
{
    size_t n = w->n;
    size_t *dist = xmalloc((n ? n : 1) * sizeof(*dist));
    size_t *queue = xmalloc((n ? n : 1) * sizeof(*queue));
    for (size_t i = 0; i < n; i++)
        dist[i] = SIZE_MAX;
    /* Callers of each function (CSR), for walking backwards. */
    size_t *start = NULL, *callers = NULL;
    if (backwards) {
        start = xcalloc(n + 1, sizeof(*start));
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < w->f[i].n_calls; c++)
                if (!w->f[i].removed && !w->f[i].calls[c].removed)
                    start[w->f[i].calls[c].callee + 1]++;
        for (size_t i = 0; i < n; i++)
            start[i + 1] += start[i];
        callers = xmalloc((start[n] ? start[n] : 1) * sizeof(*callers));
        size_t *fill = xmalloc((n ? n : 1) * sizeof(*fill));
        memcpy(fill, start, n * sizeof(*fill));
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < w->f[i].n_calls; c++)
                if (!w->f[i].removed && !w->f[i].calls[c].removed)
                    callers[fill[w->f[i].calls[c].callee]++] = i;
        free(fill);
    }
    size_t qh = 0, qt = 0;
    for (size_t k = 0; k < n_sel; k++)
        if (dist[sel[k]] == SIZE_MAX) {
            dist[sel[k]] = 0;
            queue[qt++] = sel[k];
        }
    while (qh < qt) {
        size_t x = queue[qh++];
        if (depth >= 0 && dist[x] >= (size_t)depth)
            continue;
        if (backwards) {
            for (size_t k = start[x]; k < start[x + 1]; k++)
                if (dist[callers[k]] == SIZE_MAX) {
                    dist[callers[k]] = dist[x] + 1;
                    queue[qt++] = callers[k];
                }
        } else {
            const struct wfunc *f = &w->f[x];
            for (size_t c = 0; c < f->n_calls; c++) {
                size_t g = f->calls[c].callee;
                if (f->calls[c].removed || w->f[g].removed || dist[g] != SIZE_MAX)
                    continue;
                dist[g] = dist[x] + 1;
                queue[qt++] = g;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        if (dist[i] == SIZE_MAX)
            w->f[i].removed = true;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < w->f[i].n_calls; c++)
            if (w->f[w->f[i].calls[c].callee].removed)
                w->f[i].calls[c].removed = true;
    free(start);
    free(callers);
    free(dist);
    free(queue);
}

void restrict_root(struct work *w, const size_t *sel, size_t n_sel, long depth)
{
    restrict_walk(w, sel, n_sel, depth, false);
}

void restrict_leaf(struct work *w, const size_t *sel, size_t n_sel, long depth)
{
    restrict_walk(w, sel, n_sel, depth, true);
}

static void add_id(struct strbuf *b, const struct prof_func *f, bool int_ids)
{
    if (int_ids)
        strbuf_addf(b, "%lld", (long long)f->int_id);
    else
        strbuf_adds(b, f->str_id);
}

char *list_functions(const struct work *w, const char *selector)
{
    struct strbuf b;
    strbuf_init(&b);
    bool first = true;
    bool all = strcmp(selector, "+") == 0 || strcmp(selector, "*") == 0;
    bool dump = selector[0] == '%';
    for (size_t i = 0; i < w->n; i++) {
        if (w->f[i].removed)
            continue;
        const struct prof_func *f = &w->p->funcs[i];
        if (all) {
            strbuf_adds(&b, first ? "" : ",\n");
            add_id(&b, f, w->p->int_ids);
            strbuf_addf(&b, ":\t%s", f->name);
        } else if (dump) {
            if (!glob_match(selector + 1, f->name))
                continue;
            /* A debugging dump; its exact text is not gprof2dot's (that one prints
             * Python object reprs). */
            strbuf_adds(&b, first ? "" : ",\n");
            strbuf_addf(&b, "%s\t", f->name);
            strbuf_adds(&b, "id:=");
            add_id(&b, f, w->p->int_ids);
            if (f->module)
                strbuf_addf(&b, ",\n\tmodule:=%s", f->module);
            if (f->filename)
                strbuf_addf(&b, ",\n\tfilename:=%s", f->filename);
            if (f->has_called)
                strbuf_addf(&b, ",\n\tcalled:=%.17g", f->called);
            const struct wfunc *wf = &w->f[i];
            if (wf->has_weight)
                strbuf_addf(&b, ",\n\tweight:=%.17g", wf->weight);
            strbuf_addf(&b, ",\n\tcalls:=%zu", wf->n_calls);
        } else {
            if (!glob_match(selector, f->name))
                continue;
            strbuf_adds(&b, first ? "" : ",\n");
            strbuf_adds(&b, f->name);
        }
        first = false;
    }
    strbuf_addc(&b, '\n');
    return strbuf_detach(&b);
}
