/* A strict, streaming (pull) JSON tokenizer for untrusted input (RFC 8259): it checks the
 * whole grammar, decodes strings to UTF-8, parses numbers through parse_double, and keeps
 * only a fixed-size stack of open containers, so it never recurses and never allocates per
 * value. Callers pull one token at a time and keep what they need; json_skip skips a value. */
#ifndef P2P_SRC_JSON_H
#define P2P_SRC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "util.h"

/* Deepest nesting of arrays and objects accepted; deeper is a clean error. */
#define JSON_MAX_DEPTH 512

enum json_token {
    JSON_EOF,          /* the document is complete (only whitespace followed) */
    JSON_OBJECT_BEGIN, /* { */
    JSON_OBJECT_END,   /* } */
    JSON_ARRAY_BEGIN,  /* [ */
    JSON_ARRAY_END,    /* ] */
    JSON_KEY,          /* an object member's name (in str/str_len); its value follows */
    JSON_STRING,       /* str/str_len */
    JSON_NUMBER,       /* num, num_is_int */
    JSON_TRUE,
    JSON_FALSE,
    JSON_NULL,
};

struct json_parser {
    /* Of the token last returned: */
    const char *str; /* JSON_KEY, JSON_STRING: decoded UTF-8, NUL-terminated, valid until
                        the next json_next; may contain NUL bytes (from \u0000) */
    size_t str_len;
    double num;        /* JSON_NUMBER: finite value */
    bool num_is_int;   /* JSON_NUMBER written without fraction or exponent */
    uint64_t tok_line; /* 1-based line where the token starts */
    size_t depth;      /* containers open after the token */

    /* private */
    const unsigned char *p_, *end_, *line_start_;
    const unsigned char *counted_, *mark_; /* progress: reported up to; next report at */
    uint64_t line_;
    int state_;
    bool failed_;
    struct strbuf buf_;
    unsigned char stack_[JSON_MAX_DEPTH]; /* 'a' or 'o' per open container */
};

/* Start reading the document [data, data+len). The buffer must outlive the parser. */
void json_init(struct json_parser *jp, const void *data, size_t len);
void json_fini(struct json_parser *jp);

/* The next token in *tok. On bad input returns P2P_ERR_PARSE with "LINE: message (column
 * N)" recorded in d (d->file is left to the caller); the parser then stays failed. Once
 * JSON_EOF has been returned it is returned again. */
enum p2p_status json_next(struct json_parser *jp, enum json_token *tok, struct diag *d) P2P_WUR;

/* Skip the rest of a value whose first token `first` was just returned: nothing to do for
 * scalars, up to and including the matching end token for JSON_OBJECT_BEGIN and
 * JSON_ARRAY_BEGIN. The whole skipped text is still checked. */
enum p2p_status json_skip(struct json_parser *jp, enum json_token first, struct diag *d) P2P_WUR;

/* Name of a token kind for messages: "an object", "a string", "end of input"... */
const char *json_token_desc(enum json_token tok);

#endif
