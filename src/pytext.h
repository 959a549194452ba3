/* Python's text rules as gprof2dot relies on them: what str.isspace(), str.strip(),
 * str.split(), the `\s` and `\d` of its regular expressions, int() and repr() do, applied to
 * UTF-8 lines that are not NUL-terminated. The line shapes of each format stay in its reader.
 * Private to src/. */
#ifndef P2P_SRC_PYTEXT_H
#define P2P_SRC_PYTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A piece of a line; it points into text owned by someone else. Readers that need "absent"
 * as well as "empty" use s == NULL for it. */
struct span {
    const char *s;
    size_t n;
};

/* ---- whitespace ---------------------------------------------------------------------------
 * Python's whitespace (str.isspace(), and `\s` on str) is the ASCII set below plus U+0085,
 * U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and U+3000; U+200B and
 * U+FEFF are not whitespace. Lengths are in bytes of UTF-8, counts in characters. */

/* The ASCII part: space, \t \n \v \f \r and \x1c-\x1f. The perf, dtrace and collapse readers
 * test only this set, byte by byte (see stacks.h). */
static inline bool pytext_ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Bytes of the whitespace character that starts at p (0 if there is none, or p == end). */
size_t pytext_space_at(const char *p, const char *end);

/* Bytes of the whitespace character that ends at p without starting before start (0: none). */
size_t pytext_space_before(const char *start, const char *p);

/* The end of the whitespace run at p; *count (may be NULL) gets its length in characters. */
const char *pytext_skip_space(const char *p, const char *end, size_t *count);

/* The end of the run of non-whitespace bytes at p: the next whitespace character or end. */
const char *pytext_skip_word(const char *p, const char *end);

/* The end of [start, end) without its trailing whitespace (str.rstrip()). */
const char *pytext_rstrip(const char *start, const char *end);

/* str.isspace(): s is not empty and holds whitespace only. */
bool pytext_isspace(const char *s, size_t n);

/* str.strip(): s without leading and trailing whitespace. */
struct span span_strip(struct span s);

/* s without leading and trailing ASCII whitespace (pytext_ascii_space) only. */
struct span span_strip_ascii(struct span s);

/* str.split() one word at a time: the next word of s at or after byte *pos goes to *w and
 * *pos moves past it. False (w untouched) when only whitespace is left. */
bool span_next_word(struct span s, size_t *pos, struct span *w);

/* The first words of a line and the whitespace before each, for matching regexes like
 * `^\s+(\d+)\s+(\S+)`: ws[i] counts the whitespace characters before word i (ws[0] those at
 * the start of the line). */
#define PYTEXT_MAX_WORDS 7
struct pytext_words {
    struct span w[PYTEXT_MAX_WORDS];
    size_t ws[PYTEXT_MAX_WORDS];
    size_t n;
};

/* Fill *t with up to PYTEXT_MAX_WORDS words of [p, end). */
void pytext_first_words(const char *p, const char *end, struct pytext_words *t);

/* ---- digits and numbers -------------------------------------------------------------------
 * ASCII digits only: Python's `\d` and int() also take other Unicode decimal digits, which no
 * profiler writes. */

static inline bool pytext_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* `[0-9a-fA-F]` */
static inline bool pytext_hex_digit(char c)
{
    return pytext_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the run of digits that starts s. */
size_t pytext_digit_run(const char *s, size_t n);

/* `^\d+$`: s is not empty and all digits. */
bool pytext_all_digits(const char *s, size_t n);

/* `^\d+\.\d+$` */
bool pytext_fixed(const char *s, size_t n);

/* Python's int() on a token without surrounding whitespace: an optional sign, then digits
 * with single underscores between them (PEP 515); leading zeros are allowed. False for
 * anything else and for values outside int64_t; *out is written only on success. */
bool pytext_int(const char *s, size_t n, int64_t *out) P2P_WUR;

/* ---- literals -----------------------------------------------------------------------------
 * Byte comparisons; lit, prefix and word are NUL-terminated. */

/* s starts with prefix (str.startswith()). */
bool pytext_starts(const char *s, size_t n, const char *prefix);

/* word occurs in s (`word in s`). */
bool pytext_contains(const char *s, size_t n, const char *word);

/* s is exactly lit. */
bool span_eq(struct span s, const char *lit);

/* If lit stands at *p (before end), move *p past it and return true; else leave *p alone. */
bool pytext_eat(const char **p, const char *end, const char *lit);

/* The same for exactly one whitespace character (a regex's bare `\s`). */
bool pytext_eat_space(const char **p, const char *end);

/* The same for a run of digits (`\d+`), which goes to *out. */
bool pytext_eat_digits(const char **p, const char *end, struct span *out);

/* ---- UTF-8 --------------------------------------------------------------------------------
 * Python's strict UTF-8 codec: no overlong forms, surrogates or code points above U+10FFFF
 * (util.h's utf8_seq_len). */

/* Length (1-4) of the character at s within n > 0 bytes, with its code point in *cp; 0 if the
 * bytes there are not well-formed UTF-8 (truncated, stray continuation byte...). */
size_t pytext_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Whether bytes.decode('utf-8') accepts s; with surrogatepass, as with errors='surrogatepass'
 * (the handler marshal reads str with), encoded surrogates U+D800-U+DFFF are accepted too. */
bool pytext_utf8_valid(const char *s, size_t n, bool surrogatepass);

/* ---- repr ---------------------------------------------------------------------------------*/

/* Replace b's text with Python's repr() of the str s (for warnings gprof2dot prints with
 * %r): quotes chosen as Python does, backslash escapes for quotes, backslashes, \t \n \r,
 * controls, separators, format characters and private use; a byte that is not UTF-8 is
 * shown as \xNN. Once b holds max bytes (the opening quote included) the rest is left out and
 * "..." is added, also when nothing was left. */
void pytext_repr(struct strbuf *b, const char *s, size_t n, size_t max);

#endif
