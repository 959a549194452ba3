/* Label text (spec section 6): display names (strip, truncate, wrap like Python's
 * textwrap.fill at width 32) and the numbers in node and edge labels. Lengths are counted
 * in code points, as gprof2dot does. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

#define MAX_FUNCTION_NAME 4096
#define WRAP_WIDTH 32

/* ---------------------------------------------------------------- code points */

static size_t u8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len > n)
        len = 1;
    for (size_t k = 1; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            len = 1;
    if (len == 1) {
        *cp = c;
        return 1;
    }
    uint32_t v = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++)
        v = v << 6 | (s[k] & 0x3F);
    *cp = v;
    return len;
}

/* Bytes that are not valid UTF-8 are kept as themselves, one "code point" each, and
 * re-encoded unchanged: a stray byte >= 0x80 is stored as 0x110000 + byte. */
static uint32_t *to_cps(const char *s, size_t *n_out)
{
    size_t n = strlen(s);
    uint32_t *cps = xmalloc((n + 1) * sizeof(*cps));
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = u8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len == 1 && (unsigned char)s[i] >= 0x80)
            cp = 0x110000 + (unsigned char)s[i];
        cps[k++] = cp;
        i += len;
    }
    *n_out = k;
    return cps;
}

static void add_cps(struct strbuf *b, const uint32_t *cps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cps[i] >= 0x110000)
            strbuf_addc(b, (char)(cps[i] - 0x110000));
        else
            strbuf_add_utf8(b, cps[i]);
    }
}

static size_t cp_count(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* ---------------------------------------------------------------- strip */

/* Remove every balanced open..close group, innermost first: what repeated deletion of
 * innermost groups does, in one pass with a stack of open positions. */
static void strip_groups(struct strbuf *b, char open, char close)
{
    size_t *stack = xmalloc((b->len + 1) * sizeof(*stack));
    size_t sp = 0, o = 0;
    for (size_t i = 0; i < b->len; i++) {
        char c = b->s[i];
        if (c == open) {
            stack[sp++] = o;
        } else if (c == close && sp) {
            o = stack[--sp];
            continue;
        }
        b->s[o++] = c;
    }
    b->len = o;
    b->s[o] = '\0';
    free(stack);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *label_strip(const char *name)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_adds(&b, name);
    strip_groups(&b, '(', ')');
    /* "\s+const$" */
    if (b.len > 5 && memcmp(b.s + b.len - 5, "const", 5) == 0 && is_space(b.s[b.len - 6])) {
        size_t e = b.len - 5;
        while (e > 0 && is_space(b.s[e - 1]))
            e--;
        b.len = e;
        b.s[e] = '\0';
    }
    strip_groups(&b, '<', '>');
    return strbuf_detach(&b);
}

/* ---------------------------------------------------------------- wrap */

static bool is_ws(uint32_t c)
{
    return c == ' ';
}

/* Python's \w, approximated for non-ASCII as "every non-ASCII code point". */
static bool is_word(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_' || (c >= 0x80 && c < 0x110000);
}

static bool is_letter(uint32_t c)
{
    return is_word(c) && !(c >= '0' && c <= '9');
}

static bool is_word_punct(uint32_t c)
{
    return is_word(c) || c == '!' || c == '"' || c == '\'' || c == '&' || c == '.' || c == ',' ||
           c == '?';
}

/* Length of the chunk textwrap's word-separating expression matches at i. */
static size_t chunk_len(const uint32_t *s, size_t n, size_t i)
{
#define AT(k) ((k) < n ? s[k] : 0u)
    if (is_ws(s[i])) {
        size_t j = i;
        while (j < n && is_ws(s[j]))
            j++;
        return j - i;
    }
    /* em-dash between words: (?<=wp) -{2,} (?=\w) */
    if (i > 0 && is_word_punct(s[i - 1]) && s[i] == '-' && AT(i + 1) == '-') {
        size_t j = i;
        while (j < n && s[j] == '-')
            j++;
        if (j < n && is_word(s[j]))
            return j - i;
    }
    /* a word, possibly hyphenated: nws+? followed by one of three endings */
    for (size_t e = i + 1;; e++) {
        /* hyphenated word: -(?:(?<=lt{2}-)|(?<=lt-lt-))(?=lt-?lt) */
        if (e < n && s[e] == '-') {
            bool behind = (e >= 2 && is_letter(s[e - 2]) && is_letter(s[e - 1])) ||
                          (e >= 3 && is_letter(s[e - 3]) && s[e - 2] == '-' &&
                           is_letter(s[e - 1]));
            bool ahead = is_letter(AT(e + 1)) &&
                         (is_letter(AT(e + 2)) || (AT(e + 2) == '-' && is_letter(AT(e + 3))));
            if (behind && ahead)
                return e + 1 - i;
        }
        /* end of word */
        if (e >= n || is_ws(s[e]))
            return e - i;
        /* em-dash: (?<=wp)(?=-{2,}\w) */
        if (is_word_punct(s[e - 1]) && s[e] == '-' && AT(e + 1) == '-') {
            size_t j = e;
            while (j < n && s[j] == '-')
                j++;
            if (j < n && is_word(s[j]))
                return e - i;
        }
    }
#undef AT
}

char *label_wrap(const char *name)
{
    size_t n;
    uint32_t *raw = to_cps(name, &n);
    /* expandtabs(8), then every whitespace character becomes a space. */
    size_t cap = n * 8 + 1, m = 0, col = 0;
    uint32_t *s = xmalloc(cap * sizeof(*s));
    for (size_t i = 0; i < n; i++) {
        uint32_t c = raw[i];
        if (c == '\t') {
            size_t spaces = 8 - col % 8;
            for (size_t k = 0; k < spaces; k++)
                s[m++] = ' ';
            col += spaces;
            continue;
        }
        col = (c == '\n' || c == '\r') ? 0 : col + 1;
        s[m++] = (c == '\n' || c == '\r' || c == '\v' || c == '\f') ? ' ' : c;
    }
    free(raw);
    n = m;
    /* Chunks. */
    size_t *start = xmalloc((n + 1) * sizeof(*start)), *len = xmalloc((n + 1) * sizeof(*len));
    size_t n_chunks = 0;
    for (size_t i = 0; i < n;) {
        size_t l = chunk_len(s, n, i);
        start[n_chunks] = i;
        len[n_chunks++] = l;
        i += l;
    }
    /* Greedy filling. */
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, "", 0);
    size_t k = 0;
    bool any_line = false;
    while (k < n_chunks) {
        if (any_line && is_ws(s[start[k]]))
            k++;
        size_t first = k, cur = 0;
        while (k < n_chunks && cur + len[k] <= WRAP_WIDTH)
            cur += len[k++];
        if (k < n_chunks && len[k] > WRAP_WIDTH && k == first)
            k++; /* a long word on a line of its own */
        size_t last = k;
        if (last > first && is_ws(s[start[last - 1]]))
            last--;
        if (last > first) {
            if (any_line)
                strbuf_addc(&b, '\n');
            add_cps(&b, s + start[first], start[last - 1] + len[last - 1] - start[first]);
            any_line = true;
        }
    }
    free(start);
    free(len);
    free(s);
    return strbuf_detach(&b);
}

/* str.replace(old, new): non-overlapping, left to right. */
static void replace_all(struct strbuf *b, const char *old, const char *new)
{
    size_t ol = strlen(old);
    struct strbuf o;
    strbuf_init(&o);
    strbuf_add(&o, "", 0);
    for (size_t i = 0; i < b->len;) {
        if (i + ol <= b->len && memcmp(b->s + i, old, ol) == 0) {
            strbuf_adds(&o, new);
            i += ol;
        } else {
            strbuf_addc(&o, b->s[i++]);
        }
    }
    strbuf_fini(b);
    *b = o;
}

char *label_truncate(const char *s, const char *what, struct diag *d)
{
    size_t count = cp_count(s);
    if (count < MAX_FUNCTION_NAME)
        return xstrdup(s);
    size_t ncp;
    uint32_t *cps = to_cps(s, &ncp);
    struct strbuf b;
    strbuf_init(&b);
    add_cps(&b, cps, ncp < 32 ? ncp : 32);
    diag_warn(d, "truncating %s with %zu chars (%s...)", what, count, b.s);
    strbuf_reset(&b);
    add_cps(&b, cps, MAX_FUNCTION_NAME - 1);
    strbuf_adds(&b, "\xe2\x80\xa6");
    free(cps);
    return strbuf_detach(&b);
}

void label_add_line(struct strbuf *b, const char *s, const char *what, struct diag *d)
{
    if (!s)
        return;
    char *t = label_truncate(s, what, d);
    strbuf_adds(b, t);
    strbuf_addc(b, '\n');
    free(t);
}

char *label_display_name(const char *name, bool strip, bool truncate, bool wrap,
                         struct diag *d)
{
    struct strbuf b;
    strbuf_init(&b);
    if (strip) {
        char *s = label_strip(name);
        strbuf_adds(&b, s);
        free(s);
    } else {
        strbuf_adds(&b, name);
    }
    if (truncate) {
        char *t = label_truncate(b.s, "function name", d);
        strbuf_reset(&b);
        strbuf_adds(&b, t);
        free(t);
    }
    if (wrap) {
        if (cp_count(b.s) > WRAP_WIDTH) {
            char *s = label_wrap(b.s);
            strbuf_reset(&b);
            strbuf_adds(&b, s);
            free(s);
        }
        replace_all(&b, ", ", ",");
        replace_all(&b, "> >", ">>");
        replace_all(&b, "> >", ">>");
    }
    return strbuf_detach(&b);
}

/* ---------------------------------------------------------------- numbers */

void label_u(struct strbuf *b, double v)
{
    if (isnan(v) || isinf(v)) {
        strbuf_adds(b, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    double t = trunc(v);
    if (t == 0.0)
        t = 0.0; /* no "-0" */
    strbuf_addf(b, "%.0f", t);
}

void label_pct(struct strbuf *b, double ratio)
{
    strbuf_addf(b, "%.2f%%", ratio * 100.0);
}

bool graph_time_format_ok(const char *fmt)
{
    int conversions = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (!*p || !strchr("diueEfFgG", *p))
            return false;
        conversions++;
    }
    return conversions == 1;
}

static void add_time(struct strbuf *b, double v, const char *fmt)
{
    const char *p = fmt;
    /* Find the conversion character to pick the argument type. */
    char conv = 'g';
    for (const char *q = fmt; *q; q++) {
        if (*q != '%')
            continue;
        q++;
        if (*q == '%')
            continue;
        while (*q && !strchr("diueEfFgG", *q))
            q++;
        conv = *q;
        break;
    }
    if (conv == 'd' || conv == 'i' || conv == 'u') {
        /* Python formats floats with %d as the truncated integer. */
        double t = trunc(v);
        long long iv = t >= 9.2e18 ? (long long)9.2e18 : t <= -9.2e18 ? (long long)-9.2e18
                                                                      : (long long)t;
        /* Rewrite the conversion as %lld. */
        struct strbuf f;
        strbuf_init(&f);
        for (const char *q = p; *q; q++) {
            strbuf_addc(&f, *q);
            if (*q == '%' && q[1] == '%') {
                strbuf_addc(&f, *++q);
                continue;
            }
            if (*q == '%') {
                while (q[1] && !strchr("diu", q[1]))
                    strbuf_addc(&f, *++q);
                strbuf_adds(&f, "lld");
                q++;
            }
        }
        strbuf_addf(b, f.s, iv);
        strbuf_fini(&f);
        return;
    }
    strbuf_addf(b, fmt, v);
}

void label_event(struct strbuf *b, enum prof_event k, double v, const char *time_format)
{
    switch (k) {
    case PEV_TTR:
        label_pct(b, v);
        break;
    case PEV_TIME_RATIO:
        strbuf_addc(b, '(');
        label_pct(b, v);
        strbuf_addc(b, ')');
        break;
    case PEV_TIME:
        strbuf_addc(b, '(');
        add_time(b, v, time_format);
        strbuf_addc(b, ')');
        break;
    case PEV_TOTAL_TIME:
        add_time(b, v, time_format);
        break;
    default: /* CALLS, SAMPLES */
        label_u(b, v);
        strbuf_adds(b, "\xc3\x97");
        break;
    }
}

size_t label_node_events(const struct graph_opts *o, enum prof_event *ev, size_t max)
{
    size_t n = 0;
    if (o->n_labels == 0) {
        ev[n++] = PEV_TTR;
        ev[n++] = PEV_TIME_RATIO;
    } else {
        for (size_t k = 0; k < o->n_labels && n < max - 1; k++) {
            static const enum prof_event map[] = {
                [GRAPH_LABEL_SELF_TIME] = PEV_TIME,
                [GRAPH_LABEL_SELF_PCT] = PEV_TIME_RATIO,
                [GRAPH_LABEL_TOTAL_TIME] = PEV_TOTAL_TIME,
                [GRAPH_LABEL_TOTAL_PCT] = PEV_TTR,
            };
            ev[n++] = map[o->labels[k]];
        }
    }
    if (o->show_samples)
        ev[n++] = PEV_SAMPLES;
    return n;
}
