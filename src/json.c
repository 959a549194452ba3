/* The strict streaming JSON tokenizer (see json.h). Grammar and escapes follow RFC 8259;
 * line numbers count "\n", "\r\n" and a lone "\r" as line ends, like the rest of prof2png. */
#include "config.h"
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"

#define MARK_STEP ((size_t)1 << 20)

enum {
    ST_VALUE,        /* a value must follow (document start, after ':' or an array's ',') */
    ST_VALUE_OR_END, /* just after '[' */
    ST_KEY_OR_END,   /* just after '{' */
    ST_KEY,          /* after an object's ',' */
    ST_AFTER,        /* a value is complete */
    ST_DONE,         /* JSON_EOF returned */
};

void json_init(struct json_parser *jp, const void *data, size_t len)
{
    memset(jp, 0, sizeof(*jp));
    jp->p_ = data;
    jp->end_ = jp->p_ + len;
    jp->line_start_ = jp->p_;
    jp->counted_ = jp->mark_ = jp->p_;
    jp->line_ = 1;
    jp->tok_line = 1;
    jp->state_ = ST_VALUE;
    strbuf_init(&jp->buf_);
    strbuf_add(&jp->buf_, "", 0);
    jp->str = jp->buf_.s;
}

void json_fini(struct json_parser *jp)
{
    strbuf_fini(&jp->buf_);
    jp->str = NULL;
}

const char *json_token_desc(enum json_token tok)
{
    switch (tok) {
    case JSON_EOF:
        return "end of input";
    case JSON_OBJECT_BEGIN:
        return "an object";
    case JSON_OBJECT_END:
        return "'}'";
    case JSON_ARRAY_BEGIN:
        return "an array";
    case JSON_ARRAY_END:
        return "']'";
    case JSON_KEY:
        return "a key";
    case JSON_STRING:
        return "a string";
    case JSON_NUMBER:
        return "a number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

/* Record an error at `at` (which lies on the current line) and fail the parser for good. */
P2P_PRINTF(4, 5)
static enum p2p_status fail(struct json_parser *jp, struct diag *d, const unsigned char *at,
                            const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* Columns count characters, not bytes: skip UTF-8 continuation bytes. */
    size_t col = 1;
    for (const unsigned char *q = jp->line_start_; q < at; q++)
        if ((*q & 0xC0) != 0x80)
            col++;
    jp->failed_ = true;
    return diag_fail(d, jp->line_, "%s (column %zu)", msg, col);
}

static void skip_ws(struct json_parser *jp)
{
    const unsigned char *p = jp->p_, *end = jp->end_;
    while (p < end) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t') {
            p++;
        } else if (c == '\n' || c == '\r') {
            p++;
            if (c == '\r' && p < end && *p == '\n')
                p++;
            jp->line_++;
            jp->line_start_ = p;
        } else {
            break;
        }
    }
    jp->p_ = p;
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], x;
        if (c >= '0' && c <= '9')
            x = c - '0';
        else if (c >= 'a' && c <= 'f')
            x = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            x = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + x;
    }
    return v;
}

/* The string whose opening quote is at jp->p_, decoded into buf_. */
static enum p2p_status scan_string(struct json_parser *jp, struct diag *d)
{
    const unsigned char *open = jp->p_, *p = open + 1, *end = jp->end_;
    struct strbuf *b = &jp->buf_;
    strbuf_reset(b);
    strbuf_add(b, "", 0);
    for (;;) {
        const unsigned char *run = p;
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        strbuf_add(b, run, (size_t)(p - run));
        if (p == end)
            return fail(jp, d, open, "unterminated string");
        unsigned char c = *p;
        if (c == '"') {
            p++;
            break;
        }
        if (c < 0x20)
            return fail(jp, d, p, "control character 0x%02x in a string (write it as \\u%04x)", c,
                        c);
        if (c >= 0x80) {
            size_t n = utf8_seq_len(p, (size_t)(end - p));
            if (n == 0)
                return fail(jp, d, p, "invalid UTF-8 in a string");
            strbuf_add(b, p, n);
            p += n;
            continue;
        }
        /* A backslash escape. */
        if (end - p < 2)
            return fail(jp, d, open, "unterminated string");
        const unsigned char *esc = p;
        c = p[1];
        p += 2;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            strbuf_addc(b, (char)c);
            break;
        case 'b':
            strbuf_addc(b, '\b');
            break;
        case 'f':
            strbuf_addc(b, '\f');
            break;
        case 'n':
            strbuf_addc(b, '\n');
            break;
        case 'r':
            strbuf_addc(b, '\r');
            break;
        case 't':
            strbuf_addc(b, '\t');
            break;
        case 'u': {
            int u = end - p >= 4 ? hex4(p) : -1;
            if (u < 0)
                return fail(jp, d, esc, "expected four hex digits after \\u");
            p += 4;
            uint32_t cp = (uint32_t)u;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return fail(jp, d, esc, "unpaired low surrogate \\u%04x", u);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail(jp, d, esc, "unpaired high surrogate \\u%04x", u);
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            }
            strbuf_add_utf8(b, cp);
            break;
        }
        default:
            if (c >= 0x20 && c < 0x7F)
                return fail(jp, d, esc, "invalid escape \\%c in a string", c);
            return fail(jp, d, esc, "invalid escape in a string");
        }
    }
    jp->p_ = p;
    jp->str = b->s;
    jp->str_len = b->len;
    return P2P_OK;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* The number starting at jp->p_ ('-' or a digit). */
static enum p2p_status scan_number(struct json_parser *jp, struct diag *d)
{
    const unsigned char *s = jp->p_, *p = s, *end = jp->end_;
    bool is_int = true;
    if (*p == '-')
        p++;
    if (p < end && *p == 'I')
        return fail(jp, d, s, "-Infinity is not a valid JSON number");
    if (p == end || !is_digit(*p))
        return fail(jp, d, s, "expected a digit after '-'");
    if (*p == '0')
        p++;
    else
        while (p < end && is_digit(*p))
            p++;
    if (p < end && *p == '.') {
        is_int = false;
        p++;
        if (p == end || !is_digit(*p))
            return fail(jp, d, p, "expected a digit after the decimal point");
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_int = false;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !is_digit(*p))
            return fail(jp, d, p, "expected a digit in the exponent");
        while (p < end && is_digit(*p))
            p++;
    }
    size_t n = (size_t)(p - s);
    double v;
    if (!parse_double((const char *)s, n, &v)) {
        if (n >= 128)
            return fail(jp, d, s, "number too long (%zu characters)", n);
        return fail(jp, d, s, "number out of range");
    }
    jp->num = v;
    jp->num_is_int = is_int;
    jp->p_ = p;
    return P2P_OK;
}

static bool has_word(const struct json_parser *jp, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(jp->end_ - jp->p_) >= n && memcmp(jp->p_, w, n) == 0;
}

/* A value starts at jp->p_ (whitespace skipped). */
static enum p2p_status scan_value(struct json_parser *jp, enum json_token *tok, struct diag *d)
{
    const unsigned char *p = jp->p_;
    if (p == jp->end_) {
        if (jp->depth == 0)
            return fail(jp, d, p, "expected a JSON value, found end of input");
        return fail(jp, d, p, "unexpected end of input inside %s",
                    jp->stack_[jp->depth - 1] == 'a' ? "an array" : "an object");
    }
    switch (*p) {
    case '{':
    case '[':
        if (jp->depth == JSON_MAX_DEPTH)
            return fail(jp, d, p, "arrays and objects nested deeper than %d levels",
                        JSON_MAX_DEPTH);
        jp->stack_[jp->depth++] = *p == '{' ? 'o' : 'a';
        jp->p_ = p + 1;
        jp->state_ = *p == '{' ? ST_KEY_OR_END : ST_VALUE_OR_END;
        *tok = *p == '{' ? JSON_OBJECT_BEGIN : JSON_ARRAY_BEGIN;
        return P2P_OK;
    case '"':
        if (scan_string(jp, d) != P2P_OK)
            return P2P_ERR_PARSE;
        *tok = JSON_STRING;
        break;
    case 't':
    case 'f':
    case 'n': {
        static const char *const words[] = {"true", "false", "null"};
        static const enum json_token toks[] = {JSON_TRUE, JSON_FALSE, JSON_NULL};
        size_t k = *p == 't' ? 0 : *p == 'f' ? 1 : 2;
        if (!has_word(jp, words[k]))
            return fail(jp, d, p, "expected a JSON value");
        jp->p_ += strlen(words[k]);
        *tok = toks[k];
        break;
    }
    case 'N':
        if (has_word(jp, "NaN"))
            return fail(jp, d, p, "NaN is not a valid JSON number");
        return fail(jp, d, p, "expected a JSON value");
    case 'I':
        if (has_word(jp, "Infinity"))
            return fail(jp, d, p, "Infinity is not a valid JSON number");
        return fail(jp, d, p, "expected a JSON value");
    default:
        if (*p != '-' && !is_digit(*p))
            return fail(jp, d, p, "expected a JSON value");
        if (scan_number(jp, d) != P2P_OK)
            return P2P_ERR_PARSE;
        *tok = JSON_NUMBER;
        break;
    }
    jp->state_ = ST_AFTER;
    return P2P_OK;
}

/* An object key and its ':' at jp->p_ (whitespace skipped). */
static enum p2p_status scan_key(struct json_parser *jp, enum json_token *tok, struct diag *d)
{
    if (jp->p_ == jp->end_)
        return fail(jp, d, jp->p_, "unexpected end of input inside an object");
    if (*jp->p_ != '"')
        return fail(jp, d, jp->p_, "expected a string as object key");
    if (scan_string(jp, d) != P2P_OK)
        return P2P_ERR_PARSE;
    skip_ws(jp);
    if (jp->p_ == jp->end_ || *jp->p_ != ':')
        return fail(jp, d, jp->p_, "expected ':' after an object key");
    jp->p_++;
    jp->state_ = ST_VALUE;
    *tok = JSON_KEY;
    return P2P_OK;
}

static enum p2p_status close_container(struct json_parser *jp, enum json_token *tok)
{
    unsigned char kind = jp->stack_[--jp->depth];
    jp->p_++;
    jp->state_ = ST_AFTER;
    *tok = kind == 'a' ? JSON_ARRAY_END : JSON_OBJECT_END;
    return P2P_OK;
}

/* Every MARK_STEP bytes and at the end: report the bytes passed to the progress line. Out of
 * line, so the per-token path stays one compare. */
static void checkpoint(struct json_parser *jp)
{
    progress_advance((uint64_t)(jp->p_ - jp->counted_));
    jp->counted_ = jp->p_;
    jp->mark_ = (size_t)(jp->end_ - jp->p_) > MARK_STEP ? jp->p_ + MARK_STEP : jp->end_;
}

enum p2p_status json_next(struct json_parser *jp, enum json_token *tok, struct diag *d)
{
    *tok = JSON_EOF;
    if (jp->failed_)
        return P2P_ERR_PARSE;
    if (jp->p_ >= jp->mark_)
        checkpoint(jp);
    skip_ws(jp);
    jp->tok_line = jp->line_;
    const unsigned char *p = jp->p_;
    switch (jp->state_) {
    case ST_DONE:
        return P2P_OK;
    case ST_VALUE:
        return scan_value(jp, tok, d);
    case ST_VALUE_OR_END:
        if (p < jp->end_ && *p == ']')
            return close_container(jp, tok);
        return scan_value(jp, tok, d);
    case ST_KEY_OR_END:
        if (p < jp->end_ && *p == '}')
            return close_container(jp, tok);
        return scan_key(jp, tok, d);
    case ST_KEY:
        return scan_key(jp, tok, d);
    default: /* ST_AFTER */
        break;
    }
    if (jp->depth == 0) {
        if (p != jp->end_)
            return fail(jp, d, p, "unexpected data after the JSON value");
        jp->state_ = ST_DONE;
        checkpoint(jp);
        return P2P_OK;
    }
    bool in_array = jp->stack_[jp->depth - 1] == 'a';
    if (p == jp->end_)
        return fail(jp, d, p, "unexpected end of input inside %s",
                    in_array ? "an array" : "an object");
    if (*p == (in_array ? ']' : '}'))
        return close_container(jp, tok);
    if (*p != ',')
        return fail(jp, d, p, "expected ',' or '%c'", in_array ? ']' : '}');
    jp->p_++;
    skip_ws(jp);
    jp->tok_line = jp->line_;
    if (in_array)
        return scan_value(jp, tok, d);
    return scan_key(jp, tok, d);
}

enum p2p_status json_skip(struct json_parser *jp, enum json_token first, struct diag *d)
{
    if (first != JSON_OBJECT_BEGIN && first != JSON_ARRAY_BEGIN)
        return P2P_OK;
    size_t target = jp->depth - 1;
    for (;;) {
        enum json_token t;
        if (json_next(jp, &t, d) != P2P_OK)
            return P2P_ERR_PARSE;
        if ((t == JSON_OBJECT_END || t == JSON_ARRAY_END) && jp->depth == target)
            return P2P_OK;
    }
}
