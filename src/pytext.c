/* Python's text rules for the readers (see pytext.h): whitespace, words, digits, literals,
 * UTF-8 and repr(). Only scanning; allocation happens in the caller's strbuf. */
#include "config.h"
#include "pytext.h"

#include <string.h>

size_t pytext_space_at(const char *p, const char *end)
{
    const unsigned char *u = (const unsigned char *)p;
    if (p >= end)
        return 0;
    size_t n = (size_t)(end - p);
    if (pytext_ascii_space(u[0]))
        return 1;
    if (u[0] == 0xc2 && n >= 2 && (u[1] == 0x85 || u[1] == 0xa0)) /* U+0085, U+00A0 */
        return 2;
    if (n < 3)
        return 0;
    if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) /* U+1680 */
        return 3;
    /* U+2000..U+200A, U+2028, U+2029, U+202F */
    if (u[0] == 0xe2 && u[1] == 0x80 &&
        ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
        return 3;
    if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) /* U+205F */
        return 3;
    if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) /* U+3000 */
        return 3;
    return 0;
}

size_t pytext_space_before(const char *start, const char *p)
{
    for (size_t k = 1; k <= 3 && k <= (size_t)(p - start); k++)
        if (pytext_space_at(p - k, p) == k)
            return k;
    return 0;
}

const char *pytext_skip_space(const char *p, const char *end, size_t *count)
{
    size_t c = 0, k;
    while ((k = pytext_space_at(p, end)) != 0) {
        p += k;
        c++;
    }
    if (count)
        *count = c;
    return p;
}

const char *pytext_skip_word(const char *p, const char *end)
{
    while (p < end && !pytext_space_at(p, end))
        p++;
    return p;
}

const char *pytext_rstrip(const char *start, const char *end)
{
    size_t k;
    while ((k = pytext_space_before(start, end)) != 0)
        end -= k;
    return end;
}

bool pytext_isspace(const char *s, size_t n)
{
    return n > 0 && pytext_skip_space(s, s + n, NULL) == s + n;
}

struct span span_strip(struct span s)
{
    const char *end = s.s + s.n;
    const char *b = pytext_skip_space(s.s, end, NULL);
    return (struct span){b, (size_t)(pytext_rstrip(b, end) - b)};
}

struct span span_strip_ascii(struct span s)
{
    size_t a = 0, b = s.n;
    while (a < b && pytext_ascii_space((unsigned char)s.s[a]))
        a++;
    while (b > a && pytext_ascii_space((unsigned char)s.s[b - 1]))
        b--;
    return (struct span){s.s + a, b - a};
}

bool span_next_word(struct span s, size_t *pos, struct span *w)
{
    const char *end = s.s + s.n;
    const char *b = pytext_skip_space(s.s + *pos, end, NULL);
    if (b == end)
        return false;
    const char *e = pytext_skip_word(b, end);
    *w = (struct span){b, (size_t)(e - b)};
    *pos = (size_t)(e - s.s);
    return true;
}

void pytext_first_words(const char *p, const char *end, struct pytext_words *t)
{
    t->n = 0;
    while (t->n < PYTEXT_MAX_WORDS) {
        size_t ws;
        p = pytext_skip_space(p, end, &ws);
        if (p == end)
            break;
        const char *e = pytext_skip_word(p, end);
        t->w[t->n] = (struct span){p, (size_t)(e - p)};
        t->ws[t->n] = ws;
        t->n++;
        p = e;
    }
}

size_t pytext_digit_run(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && pytext_digit(s[i]))
        i++;
    return i;
}

bool pytext_all_digits(const char *s, size_t n)
{
    return n > 0 && pytext_digit_run(s, n) == n;
}

bool pytext_fixed(const char *s, size_t n)
{
    size_t i = pytext_digit_run(s, n);
    return i > 0 && i + 1 < n && s[i] == '.' && pytext_all_digits(s + i + 1, n - i - 1);
}

bool pytext_int(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    size_t k = 0, i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        buf[k++] = s[i++];
    size_t first = i;
    if (i == n)
        return false;
    bool lead = true; /* drop leading zeros, so that long runs of them still fit buf */
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_') {
            if (i == first || i + 1 == n || !pytext_digit(s[i - 1]) || !pytext_digit(s[i + 1]))
                return false;
            continue;
        }
        if (!pytext_digit(c))
            return false;
        if (lead && c == '0' && i + 1 < n)
            continue;
        lead = false;
        if (k == sizeof(buf))
            return false; /* more digits than any int64_t has */
        buf[k++] = c;
    }
    if (k == 0 || (k == 1 && (buf[0] == '+' || buf[0] == '-')))
        buf[k++] = '0';
    return parse_i64(buf, k, out);
}

bool pytext_starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

bool pytext_contains(const char *s, size_t n, const char *word)
{
    return memmem(s, n, word, strlen(word)) != NULL;
}

bool span_eq(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && memcmp(s.s, lit, n) == 0;
}

bool pytext_eat(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

bool pytext_eat_space(const char **p, const char *end)
{
    size_t k = pytext_space_at(*p, end);
    *p += k;
    return k != 0;
}

bool pytext_eat_digits(const char **p, const char *end, struct span *out)
{
    size_t k = pytext_digit_run(*p, (size_t)(end - *p));
    if (k == 0)
        return false;
    *out = (struct span){*p, k};
    *p += k;
    return true;
}

size_t pytext_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = utf8_seq_len(u, n);
    if (len == 0)
        return 0;
    uint32_t c = len == 1 ? u[0] : u[0] & (0x7fu >> len);
    for (size_t i = 1; i < len; i++)
        c = c << 6 | (u[i] & 0x3fu);
    *cp = c;
    return len;
}

bool pytext_utf8_valid(const char *s, size_t n, bool surrogatepass)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t len = utf8_seq_len(u + i, n - i);
        /* ED A0..BF xx encodes U+D800..U+DFFF, the only 3-byte form utf8_seq_len refuses
         * that is neither overlong nor cut short. */
        if (len == 0 && surrogatepass && u[i] == 0xed && n - i >= 3 && u[i + 1] >= 0xa0 &&
            u[i + 1] <= 0xbf && (u[i + 2] & 0xc0) == 0x80)
            len = 3;
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

/* Whether Python prints code point c as itself in repr(): not for controls, separators,
 * format characters and private use (the common ones; unassigned ones are not known here). */
static bool printable(uint32_t c)
{
    return !(c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad || c == 0x1680 ||
             (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
             (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff ||
             (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xe000 && c <= 0xf8ff) || c >= 0xf0000);
}

void pytext_repr(struct strbuf *b, const char *s, size_t n, size_t max)
{
    bool sq = memchr(s, '\'', n) != NULL, dq = memchr(s, '"', n) != NULL;
    char q = sq && !dq ? '"' : '\'';
    const unsigned char *u = (const unsigned char *)s;
    strbuf_reset(b);
    strbuf_addc(b, q);
    for (size_t i = 0; i < n && b->len < max; i++) {
        uint32_t c = u[i];
        size_t len = 1;
        if (c >= 0x80 && (len = pytext_utf8_decode(s + i, n - i, &c)) == 0) {
            strbuf_addf(b, "\\x%02x", (unsigned)u[i]); /* not UTF-8: the byte */
            continue;
        }
        if (c == '\\' || c == (unsigned char)q)
            strbuf_addf(b, "\\%c", (char)c);
        else if (c == '\t')
            strbuf_adds(b, "\\t");
        else if (c == '\n')
            strbuf_adds(b, "\\n");
        else if (c == '\r')
            strbuf_adds(b, "\\r");
        else if (printable(c))
            strbuf_add(b, s + i, len);
        else if (c < 0x100)
            strbuf_addf(b, "\\x%02x", (unsigned)c);
        else if (c < 0x10000)
            strbuf_addf(b, "\\u%04x", (unsigned)c);
        else
            strbuf_addf(b, "\\U%08x", (unsigned)c);
        i += len - 1;
    }
    if (b->len >= max)
        strbuf_adds(b, "...");
    strbuf_addc(b, q);
}
