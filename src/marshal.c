/* Python marshal decoder (see marshal.h). Written from the format's description in CPython's
 * Python/marshal.c (2.7 and 3.x): a type byte, optionally with flag 0x80 ("remember this
 * object for later `r` references"), then a type-specific payload, integers little-endian.
 * Containers are read with an explicit stack of frames, so the data never decides the depth
 * of C recursion; children collect on a pending stack and move to doc->items when their
 * container completes. Messages follow CPython's "bad marshal data (...)" wording. */
#include "config.h"
#include "marshal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "input.h"

#define FLAG_REF 0x80
/* A reference slot reserved by an object still being read (code object, frozenset, slice):
 * CPython registers those only once complete, and a reference to one before is invalid. */
#define REF_RESERVED SIZE_MAX
#define NO_REF SIZE_MAX

enum frame_kind { FR_SEQ, FR_DICT, FR_CODE };

struct frame {
    uint8_t kind;
    uint8_t layout; /* FR_CODE: enum marshal_code_layout */
    uint8_t step;   /* FR_CODE: next field of the layout's program */
    bool ambiguous; /* FR_CODE: 3.0-3.7 or 3.11+, decided at field AMBIGUOUS_STEP */
    int32_t firstlineno;
    size_t val;         /* the container's value index */
    size_t base;        /* where its children start on the pending stack */
    uint64_t remaining; /* FR_SEQ: children still to read */
    size_t ref;         /* reserved reference slot to fill on completion, or NO_REF */
};

struct dec {
    struct cursor c;
    struct marshal_doc *doc;
    struct diag *d;
    struct frame *fr;
    size_t n_fr, cap_fr;
    size_t *pending;
    size_t n_pend, cap_pend;
    size_t *refs; /* FLAG_REF table (format version >= 3): value index or REF_RESERVED */
    size_t n_refs, cap_refs;
    size_t *strrefs; /* Python 2: interned strings (`t`) that `R` refers to by number */
    size_t n_strrefs, cap_strrefs;
    bool done;
};

/* Field programs of code objects: 'i' a raw int32, 'L' the raw int32 co_firstlineno, 'c'
 * co_code, 'F' co_filename, 'N' co_name, 'Q' co_qualname, 'o' any other object field. */
static const char *const code_programs[] = {
    [MARSHAL_CODE_PY27] = "iiiicoooooFNLo",
    [MARSHAL_CODE_PY30] = "iiiiicoooooFNLo",
    [MARSHAL_CODE_PY38] = "iiiiiicoooooFNLo",
    [MARSHAL_CODE_PY311] = "iiiiicooooFNQLoo",
};
/* 3.0-3.7 and 3.11+ both start with five integers; their fifth object field tells them apart:
 * co_freevars (a tuple) against co_localspluskinds (bytes). */
#define AMBIGUOUS_STEP 10

const char *marshal_kind_name(enum marshal_kind k)
{
    static const char *const names[] = {
        [MARSHAL_NONE] = "None",         [MARSHAL_TRUE] = "True",
        [MARSHAL_FALSE] = "False",       [MARSHAL_STOPITER] = "StopIteration",
        [MARSHAL_ELLIPSIS] = "Ellipsis", [MARSHAL_INT] = "int",
        [MARSHAL_FLOAT] = "float",       [MARSHAL_COMPLEX] = "complex",
        [MARSHAL_STR] = "str",           [MARSHAL_BYTES] = "bytes",
        [MARSHAL_TUPLE] = "tuple",       [MARSHAL_LIST] = "list",
        [MARSHAL_SET] = "set",           [MARSHAL_FROZENSET] = "frozenset",
        [MARSHAL_DICT] = "dict",         [MARSHAL_SLICE] = "slice",
        [MARSHAL_CODE] = "code object",
    };
    if ((size_t)k < P2P_ARRAY_LEN(names) && names[k])
        return names[k];
    return "?";
}

static enum p2p_status fail(struct dec *s, size_t at, const char *what)
{
    return diag_fail_at(s->d, at, "bad marshal data (%s)", what);
}

static enum p2p_status eof(struct dec *s, size_t at, const char *what)
{
    return diag_fail_at(s->d, at, "bad marshal data (unexpected end of data in %s)", what);
}

static size_t new_value(struct dec *s, enum marshal_kind kind, size_t at)
{
    struct marshal_doc *doc = s->doc;
    UTIL_GROW(doc->vals, doc->cap_vals, doc->n_vals + 1);
    struct marshal_value *v = &doc->vals[doc->n_vals];
    memset(v, 0, sizeof(*v));
    v->kind = (uint8_t)kind;
    v->offset = at;
    return doc->n_vals++;
}

static size_t add_ref(struct dec *s, size_t val)
{
    UTIL_GROW(s->refs, s->cap_refs, s->n_refs + 1);
    s->refs[s->n_refs] = val;
    return s->n_refs++;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static double bits_to_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof(x));
    return x;
}

static size_t program_len(enum marshal_code_layout l)
{
    return strlen(code_programs[l]);
}

static bool program_is_int(char step)
{
    return step == 'i' || step == 'L';
}

/* ---------------------------------------------------------------- completion */

/* Move the top frame's children into doc->items, fill in its value and pop it. */
static size_t finish_frame(struct dec *s)
{
    struct marshal_doc *doc = s->doc;
    struct frame f = s->fr[--s->n_fr];
    size_t n = s->n_pend - f.base;
    UTIL_GROW(doc->items, doc->cap_items, doc->n_items + n);
    if (n)
        memcpy(doc->items + doc->n_items, s->pending + f.base, n * sizeof(*doc->items));
    struct marshal_value *v = &doc->vals[f.val];
    v->u.seq.first = doc->n_items;
    v->u.seq.n = n;
    doc->n_items += n;
    s->n_pend = f.base;
    if (f.kind == FR_CODE) {
        struct marshal_code *co = &doc->codes[v->u.seq.code];
        const char *prog = code_programs[f.layout];
        size_t k = 0;
        co->layout = (enum marshal_code_layout)f.layout;
        co->firstlineno = f.firstlineno;
        for (const char *p = prog; *p; p++) {
            if (program_is_int(*p))
                continue;
            size_t child = doc->items[v->u.seq.first + k++];
            if (*p == 'c')
                co->code = child;
            else if (*p == 'F')
                co->filename = child;
            else if (*p == 'N')
                co->name = child;
            else if (*p == 'Q')
                co->qualname = child;
        }
    }
    if (f.ref != NO_REF)
        s->refs[f.ref] = f.val;
    return f.val;
}

/* A code frame has just received its AMBIGUOUS_STEP-th field: settle 3.0-3.7 against 3.11+. */
static enum p2p_status settle_layout(struct dec *s, struct frame *f)
{
    const struct marshal_value *last = &s->doc->vals[s->pending[s->n_pend - 1]];
    f->ambiguous = false;
    if (last->kind == MARSHAL_TUPLE) {
        f->layout = MARSHAL_CODE_PY30;
        return P2P_OK;
    }
    if (last->kind == MARSHAL_BYTES) {
        f->layout = MARSHAL_CODE_PY311;
        return P2P_OK;
    }
    return fail(s, last->offset, "code object of an unrecognised Python version");
}

/* Hand a finished value to the container being read (or make it the result), completing
 * every container that this value fills up. */
static enum p2p_status deliver(struct dec *s, size_t val)
{
    for (;;) {
        if (s->n_fr == 0) {
            s->doc->root = val;
            s->done = true;
            return P2P_OK;
        }
        UTIL_GROW(s->pending, s->cap_pend, s->n_pend + 1);
        s->pending[s->n_pend++] = val;
        struct frame *f = &s->fr[s->n_fr - 1];
        if (f->kind == FR_DICT)
            return P2P_OK;
        if (f->kind == FR_SEQ) {
            if (--f->remaining)
                return P2P_OK;
        } else {
            f->step++;
            if (f->ambiguous && f->step == AMBIGUOUS_STEP) {
                enum p2p_status st = settle_layout(s, f);
                if (st != P2P_OK)
                    return st;
            }
            if (f->step < program_len((enum marshal_code_layout)f->layout))
                return P2P_OK;
        }
        val = finish_frame(s);
    }
}

/* TYPE_NULL: ends a dict (in key position; in value position CPython 3 also ends the dict,
 * dropping the key); anywhere else it is an error, as in CPython. */
static enum p2p_status deliver_null(struct dec *s, size_t at)
{
    if (s->n_fr == 0)
        return fail(s, at, "NULL object at top level");
    struct frame *f = &s->fr[s->n_fr - 1];
    if (f->kind != FR_DICT) {
        const struct marshal_value *v = &s->doc->vals[f->val];
        return diag_fail_at(s->d, at, "bad marshal data (NULL object in %s)",
                            marshal_kind_name((enum marshal_kind)v->kind));
    }
    if ((s->n_pend - f->base) % 2)
        s->n_pend--;
    return deliver(s, finish_frame(s));
}

static enum p2p_status push_frame(struct dec *s, enum frame_kind kind, size_t val, uint64_t count,
                                  size_t ref)
{
    if (kind == FR_SEQ && count == 0) {
        struct marshal_value *v = &s->doc->vals[val];
        v->u.seq.first = s->doc->n_items;
        v->u.seq.n = 0;
        if (ref != NO_REF)
            s->refs[ref] = val;
        return deliver(s, val);
    }
    UTIL_GROW(s->fr, s->cap_fr, s->n_fr + 1);
    struct frame *f = &s->fr[s->n_fr++];
    memset(f, 0, sizeof(*f));
    f->kind = (uint8_t)kind;
    f->val = val;
    f->base = s->n_pend;
    f->remaining = count;
    f->ref = ref;
    return P2P_OK;
}

/* ---------------------------------------------------------------- code objects */

enum probe { PROBE_NO, PROBE_YES, PROBE_SHORT };

/* Does a co_code field (bytes, or a reference to bytes) start at `at`, followed by the start
 * of co_consts (a tuple or a reference)? */
static enum probe probe_code_field(const struct dec *s, size_t at)
{
    const unsigned char *p = s->c.p;
    size_t len = s->c.len;
    if (at >= len)
        return PROBE_SHORT;
    unsigned t = p[at] & ~FLAG_REF;
    size_t next;
    if (len - at < 5)
        return t == 's' || t == 'r' ? PROBE_SHORT : PROBE_NO;
    uint32_t n = le32(p + at + 1);
    if (t == 's') {
        if (n > 0x7fffffffu)
            return PROBE_NO;
        if (n >= len - at - 5)
            return PROBE_SHORT;
        next = at + 5 + n;
    } else if (t == 'r') {
        if (n >= s->n_refs || s->refs[n] == REF_RESERVED ||
            s->doc->vals[s->refs[n]].kind != MARSHAL_BYTES)
            return PROBE_NO;
        if (len - at == 5)
            return PROBE_SHORT;
        next = at + 5;
    } else {
        return PROBE_NO;
    }
    unsigned u = p[next] & ~FLAG_REF;
    return u == '(' || u == ')' || u == 'r' ? PROBE_YES : PROBE_NO;
}

/* The marshal data does not say which Python wrote it, and code objects differ by version.
 * They differ first in the number of raw int32 fields before co_code (4, 5 or 6), so look
 * for a plausible co_code after each count. A wrong count would read a flags or size word as
 * the bytes length, whose high byte is then a type code (>= 0x28): far beyond any file. */
static enum p2p_status code_layout(struct dec *s, size_t at, uint8_t *layout, bool *ambiguous)
{
    static const struct {
        unsigned ints;
        enum marshal_code_layout layout;
        bool ambiguous;
    } cand[] = {
        {4, MARSHAL_CODE_PY27, false},
        {5, MARSHAL_CODE_PY30, true},
        {6, MARSHAL_CODE_PY38, false},
    };
    bool short_data = false;
    for (size_t i = 0; i < P2P_ARRAY_LEN(cand); i++) {
        enum probe pr = probe_code_field(s, s->c.pos + 4 * (size_t)cand[i].ints);
        if (pr == PROBE_YES) {
            *layout = (uint8_t)cand[i].layout;
            *ambiguous = cand[i].ambiguous;
            return P2P_OK;
        }
        if (pr == PROBE_SHORT)
            short_data = true;
    }
    if (short_data)
        return eof(s, at, "code object");
    return fail(s, at, "code object of an unrecognised Python version");
}

/* ---------------------------------------------------------------- scalars */

static bool word_eq(const unsigned char *p, size_t n, const char *w)
{
    size_t m = strlen(w);
    if (n != m)
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

/* Old text floats (format versions 0 and 1): repr() digits, or inf / nan spelt out. */
static bool text_double(const unsigned char *p, size_t n, double *out)
{
    if (parse_double((const char *)p, n, out))
        return true;
    bool neg = false;
    if (n && (p[0] == '+' || p[0] == '-')) {
        neg = p[0] == '-';
        p++;
        n--;
    }
    if (word_eq(p, n, "inf") || word_eq(p, n, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (word_eq(p, n, "nan")) {
        *out = NAN;
        return true;
    }
    return false;
}

static enum p2p_status read_text_float(struct dec *s, size_t at, double *out)
{
    uint8_t n;
    const unsigned char *p;
    if (!cursor_u8(&s->c, &n) || !cursor_bytes(&s->c, n, &p))
        return eof(s, at, "float");
    if (!text_double(p, n, out))
        return fail(s, at, "malformed text float");
    return P2P_OK;
}

static enum p2p_status read_bin_float(struct dec *s, size_t at, double *out)
{
    uint64_t u;
    if (!cursor_u64le(&s->c, &u))
        return eof(s, at, "float");
    *out = bits_to_double(u);
    return P2P_OK;
}

/* TYPE_LONG: signed int32 digit count, then |count| base-2^15 digits, least significant
 * first. The exact value is kept when it fits int64; the double is exact up to 2^64 and a
 * close approximation beyond (Horner's rule; a profile never holds such numbers). */
static enum p2p_status read_long(struct dec *s, size_t at, struct marshal_value *v)
{
    uint32_t u;
    if (!cursor_u32le(&s->c, &u))
        return eof(s, at, "long");
    int32_t n = (int32_t)u;
    if (n == INT32_MIN)
        return fail(s, at, "long size out of range");
    bool neg = n < 0;
    uint64_t size = (uint64_t)(neg ? -(int64_t)n : (int64_t)n);
    if (size > (SIZE_MAX - 1) / 2 || !cursor_has(&s->c, (size_t)(size * 2)))
        return eof(s, at, "long");
    const unsigned char *p = s->c.p + s->c.pos;
    uint64_t mag = 0;
    bool mag_ok = true;
    double d = 0;
    for (uint64_t k = size; k-- > 0;) {
        unsigned digit = (unsigned)p[2 * k] | ((unsigned)p[2 * k + 1] << 8);
        if (digit > 0x7fff)
            return fail(s, s->c.pos + (size_t)(2 * k), "digit out of range in long");
        if (digit == 0 && k == size - 1)
            return fail(s, s->c.pos + (size_t)(2 * k), "unnormalized long data");
        if (mag_ok && mag > (UINT64_MAX >> 15))
            mag_ok = false;
        if (mag_ok)
            mag = (mag << 15) | digit;
        d = d * 32768.0 + digit;
    }
    s->c.pos += (size_t)(size * 2);
    if (mag_ok)
        d = (double)mag;
    v->u.num.d = neg ? -d : d;
    if (mag_ok && (mag <= (uint64_t)INT64_MAX || (neg && mag == (uint64_t)INT64_MAX + 1))) {
        v->fits = true;
        if (!neg)
            v->u.num.i = (int64_t)mag;
        else
            v->u.num.i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    }
    return P2P_OK;
}

/* Strings of the 1-byte kinds (a A z Z) are Latin-1 to CPython; writers only put ASCII there,
 * but re-encode other bytes as UTF-8 so that every MARSHAL_STR is UTF-8. */
static void set_latin1(struct dec *s, struct marshal_value *v, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] < 0x80)
        i++;
    if (i == n) {
        v->u.str.s = (const char *)p;
        v->u.str.len = n;
        return;
    }
    struct strbuf b;
    strbuf_init(&b);
    for (i = 0; i < n; i++)
        strbuf_add_utf8(&b, p[i]);
    v->u.str.s = arena_strndup(s->doc->arena, b.s, b.len);
    v->u.str.len = b.len;
    strbuf_fini(&b);
}

/* A string whose length is an int32 (long = true) or a byte. */
static enum p2p_status read_str(struct dec *s, size_t at, bool long_len, const unsigned char **p,
                                size_t *n)
{
    if (long_len) {
        uint32_t u;
        if (!cursor_u32le(&s->c, &u))
            return eof(s, at, "string");
        if (u > 0x7fffffffu)
            return fail(s, at, "string size out of range");
        *n = u;
    } else {
        uint8_t b;
        if (!cursor_u8(&s->c, &b))
            return eof(s, at, "string");
        *n = b;
    }
    if (!cursor_bytes(&s->c, *n, p))
        return eof(s, at, "string");
    return P2P_OK;
}

static enum p2p_status read_count(struct dec *s, size_t at, const char *what, uint64_t *count)
{
    uint32_t u;
    if (!cursor_u32le(&s->c, &u))
        return eof(s, at, what);
    if (u > 0x7fffffffu)
        return diag_fail_at(s->d, at, "bad marshal data (%s size out of range)", what);
    *count = u;
    return P2P_OK;
}

/* ---------------------------------------------------------------- one object */

static enum p2p_status read_object(struct dec *s)
{
    size_t at = s->c.pos;
    uint8_t code;
    if (!cursor_u8(&s->c, &code))
        return diag_fail_at(s->d, at, "bad marshal data (EOF read where object expected)");
    if (s->n_fr + 1 > MARSHAL_MAX_DEPTH)
        return fail(s, at, "recursion limit exceeded");
    bool flag = code & FLAG_REF;
    unsigned type = code & ~FLAG_REF;
    enum p2p_status st = P2P_OK;
    size_t v;
    switch (type) {
    case '0':
        return deliver_null(s, at);
    case 'N':
        return deliver(s, new_value(s, MARSHAL_NONE, at));
    case 'T':
        return deliver(s, new_value(s, MARSHAL_TRUE, at));
    case 'F':
        return deliver(s, new_value(s, MARSHAL_FALSE, at));
    case 'S':
        return deliver(s, new_value(s, MARSHAL_STOPITER, at));
    case '.':
        return deliver(s, new_value(s, MARSHAL_ELLIPSIS, at));
    case 'i': {
        uint32_t u;
        if (!cursor_u32le(&s->c, &u))
            return eof(s, at, "int");
        v = new_value(s, MARSHAL_INT, at);
        s->doc->vals[v].fits = true;
        s->doc->vals[v].u.num.i = (int32_t)u;
        s->doc->vals[v].u.num.d = (int32_t)u;
        break;
    }
    case 'I': {
        uint64_t u;
        if (!cursor_u64le(&s->c, &u))
            return eof(s, at, "int64");
        v = new_value(s, MARSHAL_INT, at);
        s->doc->vals[v].fits = true;
        s->doc->vals[v].u.num.i = (int64_t)u;
        s->doc->vals[v].u.num.d = (double)(int64_t)u;
        break;
    }
    case 'l': {
        struct marshal_value tmp;
        memset(&tmp, 0, sizeof(tmp));
        if ((st = read_long(s, at, &tmp)) != P2P_OK)
            return st;
        v = new_value(s, MARSHAL_INT, at);
        s->doc->vals[v].fits = tmp.fits;
        s->doc->vals[v].u.num = tmp.u.num;
        break;
    }
    case 'g':
    case 'f': {
        double x;
        st = type == 'g' ? read_bin_float(s, at, &x) : read_text_float(s, at, &x);
        if (st != P2P_OK)
            return st;
        v = new_value(s, MARSHAL_FLOAT, at);
        s->doc->vals[v].u.num.d = x;
        break;
    }
    case 'y':
    case 'x': {
        double re, im;
        st = type == 'y' ? read_bin_float(s, at, &re) : read_text_float(s, at, &re);
        if (st == P2P_OK)
            st = type == 'y' ? read_bin_float(s, at, &im) : read_text_float(s, at, &im);
        if (st != P2P_OK)
            return st;
        v = new_value(s, MARSHAL_COMPLEX, at);
        s->doc->vals[v].u.cplx.re = re;
        s->doc->vals[v].u.cplx.im = im;
        break;
    }
    case 's':
    case 'u':
    case 't': {
        const unsigned char *p;
        size_t n;
        if ((st = read_str(s, at, true, &p, &n)) != P2P_OK)
            return st;
        v = new_value(s, type == 's' ? MARSHAL_BYTES : MARSHAL_STR, at);
        s->doc->vals[v].u.str.s = (const char *)p;
        s->doc->vals[v].u.str.len = n;
        if (type == 't') {
            /* Python 2 numbers its interned strings for `R`; Python 3 never writes `R`. */
            UTIL_GROW(s->strrefs, s->cap_strrefs, s->n_strrefs + 1);
            s->strrefs[s->n_strrefs++] = v;
        }
        break;
    }
    case 'a':
    case 'A':
    case 'z':
    case 'Z': {
        const unsigned char *p;
        size_t n;
        if ((st = read_str(s, at, type == 'a' || type == 'A', &p, &n)) != P2P_OK)
            return st;
        v = new_value(s, MARSHAL_STR, at);
        set_latin1(s, &s->doc->vals[v], p, n);
        break;
    }
    case 'R': {
        uint32_t u;
        if (!cursor_u32le(&s->c, &u))
            return eof(s, at, "string reference");
        if (u >= s->n_strrefs)
            return fail(s, at, "invalid string reference");
        return deliver(s, s->strrefs[u]);
    }
    case 'r': {
        uint32_t u;
        if (!cursor_u32le(&s->c, &u))
            return eof(s, at, "reference");
        if (u >= s->n_refs || s->refs[u] == REF_RESERVED)
            return fail(s, at, "invalid reference");
        return deliver(s, s->refs[u]);
    }
    case '(':
    case ')':
    case '[':
    case '<':
    case '>': {
        static const enum marshal_kind kinds[] = {
            ['('] = MARSHAL_TUPLE, [')'] = MARSHAL_TUPLE,     ['['] = MARSHAL_LIST,
            ['<'] = MARSHAL_SET,   ['>'] = MARSHAL_FROZENSET,
        };
        const char *what = type == '[' ? "list" : type == '<' || type == '>' ? "set" : "tuple";
        uint64_t count = 0;
        if (type == ')') {
            uint8_t b;
            if (!cursor_u8(&s->c, &b))
                return eof(s, at, what);
            count = b;
        } else if ((st = read_count(s, at, what, &count)) != P2P_OK) {
            return st;
        }
        v = new_value(s, kinds[type], at);
        size_t ref = NO_REF;
        if (flag) {
            /* A non-empty frozenset is registered only once complete (CPython 3). */
            ref = add_ref(s, type == '>' && count ? REF_RESERVED : v);
        }
        return push_frame(s, FR_SEQ, v, count, type == '>' && count ? ref : NO_REF);
    }
    case ':': {
        v = new_value(s, MARSHAL_SLICE, at);
        size_t ref = flag ? add_ref(s, REF_RESERVED) : NO_REF;
        return push_frame(s, FR_SEQ, v, 3, ref);
    }
    case '{': {
        v = new_value(s, MARSHAL_DICT, at);
        if (flag)
            add_ref(s, v);
        return push_frame(s, FR_DICT, v, 0, NO_REF);
    }
    case 'c': {
        uint8_t layout = 0;
        bool ambiguous = false;
        if ((st = code_layout(s, at, &layout, &ambiguous)) != P2P_OK)
            return st;
        v = new_value(s, MARSHAL_CODE, at);
        struct marshal_doc *doc = s->doc;
        UTIL_GROW(doc->codes, doc->cap_codes, doc->n_codes + 1);
        struct marshal_code *co = &doc->codes[doc->n_codes];
        co->layout = (enum marshal_code_layout)layout;
        co->name = co->filename = co->qualname = co->code = MARSHAL_NO_VALUE;
        co->firstlineno = 0;
        doc->vals[v].u.seq.code = doc->n_codes++;
        size_t ref = flag ? add_ref(s, REF_RESERVED) : NO_REF;
        if ((st = push_frame(s, FR_CODE, v, 0, ref)) != P2P_OK)
            return st;
        struct frame *f = &s->fr[s->n_fr - 1];
        f->layout = layout;
        f->ambiguous = ambiguous;
        return P2P_OK;
    }
    case '?':
        return fail(s, at, "unmarshallable object");
    default:
        return diag_fail_at(s->d, at, "bad marshal data (unknown type code 0x%02x)", code);
    }
    /* A scalar: register it if flagged, then hand it over. */
    if (flag)
        add_ref(s, v);
    return deliver(s, v);
}

/* Raw int32 fields of the code object on top of the stack. */
static enum p2p_status read_code_ints(struct dec *s, struct frame *f)
{
    const char *prog = code_programs[f->layout];
    while (prog[f->step] && program_is_int(prog[f->step])) {
        size_t at = s->c.pos;
        uint32_t u;
        if (!cursor_u32le(&s->c, &u))
            return eof(s, at, "code object");
        if (prog[f->step] == 'L')
            f->firstlineno = (int32_t)u;
        f->step++;
    }
    return P2P_OK;
}

enum p2p_status marshal_decode(const void *data, size_t len, struct marshal_doc **out,
                               struct diag *d)
{
    struct dec s;
    memset(&s, 0, sizeof(s));
    *out = NULL;
    cursor_init(&s.c, data, len);
    s.d = d;
    s.doc = xcalloc(1, sizeof(*s.doc));
    s.doc->arena = arena_new();
    /* Room for the values and container items that data of this size usually holds (a value
     * takes five bytes or more, ten on average in pstats files), so that growing by copying
     * is the exception: pages of the room never used are never touched. Capped, so that a
     * huge file does not ask for more address space than small machines allow at once. */
    size_t room = len < ((size_t)32 << 20) ? len : (size_t)32 << 20;
    UTIL_GROW(s.doc->vals, s.doc->cap_vals, room / 8 + 16);
    UTIL_GROW(s.doc->items, s.doc->cap_items, room / 4 + 16);
    enum p2p_status st = P2P_OK;
    while (!s.done) {
        if (s.n_fr && s.fr[s.n_fr - 1].kind == FR_CODE) {
            /* Every program ends with an object field, so the frame stays open here. */
            if ((st = read_code_ints(&s, &s.fr[s.n_fr - 1])) != P2P_OK)
                break;
        }
        if ((st = read_object(&s)) != P2P_OK)
            break;
    }
    free(s.fr);
    free(s.pending);
    free(s.refs);
    free(s.strrefs);
    if (st != P2P_OK) {
        marshal_free(s.doc);
        return st;
    }
    s.doc->end = s.c.pos;
    *out = s.doc;
    return P2P_OK;
}

void marshal_free(struct marshal_doc *doc)
{
    if (!doc)
        return;
    free(doc->vals);
    free(doc->items);
    free(doc->codes);
    arena_free(doc->arena);
    free(doc);
}
