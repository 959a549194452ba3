/* Callgrind reader: Valgrind's callgrind and cachegrind profiles and other writers of the
 * "Callgrind Format" (xdebug, pyprof2calltree), read exactly as gprof2dot reads them
 * (gprof2dot-behaviour.md 9.2): functions are identified by name, `cob=` is sticky.
 *
 *     events: Ir Dr              fn=(12) main         calls=2 0x1f0
 *     ob=(3) /usr/lib/libc.so.6  0x4005d0 16 3 1      +3 * 400 9     <- inclusive cost
 *
 * Checked against valgrind-3.19.0; the format is specified in the Valgrind manual,
 * "Callgrind Format Specification" (https://valgrind.org/docs/manual/cl-format.html).
 * reader_opts.event selects the event column by name (the CLI's --event); NULL means the
 * first column, gprof2dot's only choice. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "arena.h"
#include "imap.h"
#include "pytext.h"
#include "reader.h"
#include "util.h"

/* Longest piece of input quoted in a message. */
#define QUOTE_MAX 200

/* The "current position" slots of the format. gprof2dot keeps one per spec, with fi/fe
 * sharing fl's slot and cfi/cfe sharing cfl's; only ob, fn, cob and cfn change the result,
 * the others are kept for clarity. */
enum slot_id { SLOT_OB, SLOT_FL, SLOT_FN, SLOT_COB, SLOT_CFL, SLOT_CFN, SLOT_JFI, SLOT_COUNT };

/* Name-compression tables: ob/cob share one, all file specs one, fn/cfn one. */
enum table_id { TABLE_OB = 'o', TABLE_FL = 'l', TABLE_FN = 'n' };

enum slot_state {
    SLOT_UNSET,  /* never given: reads as "" */
    SLOT_NONAME, /* "fn=" with neither (ID) nor text: gprof2dot stores None, then crashes */
    SLOT_TEXT,
};

struct slot {
    enum slot_state state;
    struct span text; /* into the input, or a copy for names given with an (ID) */
    size_t ent;       /* the names entry it came from, or SIZE_MAX */
    size_t func;      /* the function named, SIZE_MAX until looked up */
};

/* A compressed name: its text, and its function once one was looked up by that name (the
 * same text always names the same function; looking it up again for every "cfn=(ID)" line
 * was a fifth of the time). */
struct name_ent {
    struct span text;
    size_t func;
};

/* Numeric ids of one name table -> index in names. Ids are small in practice (callgrind
 * numbers names from 1 up), so most are indexes into an array; the array's length is bounded
 * by the number of entries, not by the ids, and larger ids go to a hash map. */
struct id_table {
    size_t *direct; /* direct[id], SIZE_MAX when unused */
    size_t n_direct;
    size_t n_ent; /* ids stored */
    struct imap big;
};

/* Ids below this, or below a small multiple of the entries, go to the direct array. */
#define DIRECT_MIN ((size_t)1 << 16)

/* State of reading one input; reset for every file. */
struct cg {
    struct profile *p;
    struct diag *d;
    struct line_reader lr;
    /* gprof2dot parses with one line of lookahead; comment lines never reach it. */
    const char *line;
    size_t len;
    uint64_t lineno;
    bool eof;
    struct slot slots[SLOT_COUNT];
    struct id_table ids[2]; /* ob and fn tables (file names are not kept) */
    struct arena *keys;  /* other "<table><digits>" compression keys -> index in names */
    struct name_ent *names;
    size_t n_names, cap_names;
    size_t n_positions; /* position columns of a cost line */
    size_t n_events;    /* event columns; 0 until an "events:" line */
    size_t event_col;   /* the column read, < n_events */
    size_t fn_func;     /* function named by the fn slot, SIZE_MAX until looked up */
    const char *event;  /* event column to read, by its name in "events:"; NULL = the first */
};

static int quote_len(size_t n)
{
    return (int)(n < QUOTE_MAX ? n : QUOTE_MAX);
}

/* Can a (Python) whitespace character start with byte b? Most bytes rule it out at once. */
static inline bool is_space_start(unsigned char b)
{
    return b <= ' ' || b == 0xc2 || b == 0xe1 || b == 0xe2 || b == 0xe3;
}

/* Move the lookahead to the next line that does not start with '#' (gprof2dot drops those
 * anywhere in the file, also between "calls=" and its cost line). */
static inline enum p2p_status advance(struct cg *c)
{
    for (;;) {
        int r = lines_next(&c->lr, &c->line, &c->len, c->d);
        if (r < 0)
            return P2P_ERR_PARSE;
        if (r == 0) {
            c->eof = true;
            c->line = "";
            c->len = 0;
            return P2P_OK;
        }
        c->lineno = c->lr.lineno;
        if (c->len == 0 || c->line[0] != '#')
            return P2P_OK;
    }
}

static bool is_blank(const struct cg *c)
{
    return !c->eof && pytext_skip_space(c->line, c->line + c->len, NULL) == c->line + c->len;
}

/* If the lookahead is "KEY:VALUE" with this KEY, the stripped VALUE. */
static bool key_line(const struct cg *c, const char *key, struct span *value)
{
    size_t k = strlen(key);
    if (c->len <= k || memcmp(c->line, key, k) != 0 || c->line[k] != ':')
        return false;
    *value = span_strip((struct span){c->line + k + 1, c->len - k - 1});
    return true;
}

/* "events: A B C": the number of columns and the one c->event asks for. */
static enum p2p_status events_line(struct cg *c, struct span v)
{
    size_t i = 0, n = 0, col = SIZE_MAX;
    struct span w;
    const char *want = c->event;
    while (span_next_word(v, &i, &w)) {
        bool hit = want ? strlen(want) == w.n && memcmp(want, w.s, w.n) == 0 : n == 0;
        if (hit && col == SIZE_MAX)
            col = n;
        n++;
    }
    if (want && col == SIZE_MAX)
        return diag_fail(c->d, c->lineno, "no event \"%s\" in this profile; its events are: %.*s",
                         want, quote_len(v.n), v.s);
    c->n_events = n;
    c->event_col = col == SIZE_MAX ? 0 : col;
    return P2P_OK;
}

/* A header line: blank, or one of gprof2dot's header keys. */
static enum p2p_status header_line(struct cg *c, bool *matched)
{
    static const char *const ignored[] = {"cmd",  "pid",   "thread",  "part",
                                          "desc", "event", "summary", "totals"};
    struct span v;
    *matched = true;
    if (is_blank(c))
        return advance(c);
    for (size_t k = 0; k < P2P_ARRAY_LEN(ignored); k++)
        if (key_line(c, ignored[k], &v))
            return advance(c);
    if (key_line(c, "events", &v)) {
        enum p2p_status st = events_line(c, v);
        return st != P2P_OK ? st : advance(c);
    }
    if (key_line(c, "positions", &v)) {
        size_t i = 0, n = 0;
        struct span w;
        while (span_next_word(v, &i, &w))
            n++;
        c->n_positions = n;
        return advance(c);
    }
    *matched = false;
    return P2P_OK;
}

/* Match gprof2dot's cost-line pattern on the line without trailing whitespace: tokens
 * separated by runs of spaces (no tabs, no leading space), each 0x<hex>, <digits>,
 * +<digits>, -<digits> or "*". Returns the number of tokens, 0 if the line is no cost line. */
/* The end of the token of that pattern starting at s[i] (i < n), or SIZE_MAX if none starts
 * there. */
static inline size_t token_end(const char *s, size_t n, size_t i)
{
    if (s[i] == '*')
        return i + 1;
    if (n - i > 2 && s[i] == '0' && s[i + 1] == 'x' && pytext_hex_digit(s[i + 2])) {
        for (i += 2; i < n && pytext_hex_digit(s[i]); i++)
            ;
        return i;
    }
    if (s[i] == '+' || s[i] == '-')
        i++;
    size_t d = i;
    while (i < n && pytext_digit(s[i]))
        i++;
    return i == d ? SIZE_MAX : i;
}

static size_t cost_tokens(const char *s, size_t n)
{
    size_t i = 0, count = 0;
    while (i < n) {
        if (count > 0) {
            if (s[i] != ' ')
                return 0;
            while (i < n && s[i] == ' ')
                i++;
            if (i == n)
                return 0;
        }
        if ((i = token_end(s, n, i)) == SIZE_MAX)
            return 0;
        if (i < n && s[i] != ' ')
            return 0;
        count++;
    }
    return count;
}

/* The token of a line that cost_tokens accepted starting at *i; moves *i past it. */
static struct span next_token(const char *s, size_t n, size_t *i)
{
    size_t b = *i;
    while (b < n && s[b] == ' ')
        b++;
    size_t e = b;
    while (e < n && s[e] != ' ')
        e++;
    *i = e;
    return (struct span){s + b, e - b};
}

/* Longest tail of event columns that tail_tokens checks: its tokens are then shorter than
 * event_value's limit, so the general path would accept every one of them. */
#define TAIL_MAX 96

/* The tail of a cost line after the column read: `n` bytes that start with a space, readable
 * up to `limit` (the end of the input). The number of tokens in it if it holds digits and
 * spaces only (a token starts at a digit after a space), else SIZE_MAX. Sixteen bytes at a
 * time with SSE2; bytes past the tail count as spaces, which neither start a token nor fail
 * the check, and are only read when they are in the input. */
static size_t tail_tokens(const char *s, size_t n, const char *limit)
{
    size_t count = 0, i = 0;
#ifdef __SSE2__
    const __m128i sp16 = _mm_set1_epi8(' '), lo = _mm_set1_epi8('0' - 1);
    const __m128i hi = _mm_set1_epi8('9' + 1);
    unsigned carry = 1; /* the byte before the tail is no digit: treat it as a space */
    while (i < n) {
        char buf[16];
        const char *p = s + i;
        unsigned past = 0; /* bits of the bytes past the tail */
        if (n - i < 16) {
            past = 0xffffu & ~((1u << (n - i)) - 1);
            if ((size_t)(limit - p) < 16) {
                memset(buf, ' ', sizeof(buf));
                memcpy(buf, p, n - i);
                p = buf;
            }
        }
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned dig = (unsigned)_mm_movemask_epi8(
                           _mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi))) &
                       ~past;
        unsigned spc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp16)) | past;
        if ((dig | spc) != 0xffffu)
            return SIZE_MAX;
        /* A few tokens per piece: cheaper than a popcount without the instruction. */
        for (unsigned m = dig & ((spc << 1) | carry); m; m &= m - 1)
            count++;
        carry = spc >> 15;
        i += 16;
    }
#else
    (void)limit;
    for (i = 0; i < n; i++) {
        if (pytext_digit(s[i]))
            count += i == 0 || s[i - 1] == ' ';
        else if (s[i] != ' ')
            return SIZE_MAX;
    }
#endif
    return count;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ONES8 UINT64_C(0x0101010101010101)
/* The digits that start the 8 bytes at s (all readable): how many (0 to 8), and their value
 * in *val. No loop: a byte is a digit when its high nibble is 3 and adding 6 to its low one
 * does not carry; the digits, moved to the top bytes, are combined pairwise. */
static inline unsigned digits8(const char *s, uint64_t *val)
{
    uint64_t v;
    memcpy(&v, s, 8);
    uint64_t bad = ((v & (ONES8 * 0xf0)) ^ (ONES8 * 0x30)) |
                   (((v + ONES8 * 0x06) & (ONES8 * 0xf0)) ^ (ONES8 * 0x30));
    unsigned len = bad ? (unsigned)__builtin_ctzll(bad) >> 3 : 8;
    if (len == 0) {
        *val = 0;
        return 0;
    }
    uint64_t d = (v - ONES8 * 0x30) << (8 * (8 - len)); /* the bytes past them drop out */
    d = (d * 10 + (d >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    d = (d * ((UINT64_C(100) << 16) + 1) >> 16) & UINT64_C(0x0000ffff0000ffff);
    *val = (d * ((UINT64_C(10000) << 32) + 1)) >> 32;
    return len;
}
#endif

/* The common cost line in one pass: cost_tokens' pattern for the positions, then events that
 * are plain unsigned decimals, the one read of at most 15 digits (below 2^53, so (double) of
 * the integer is what event_value gives) and the others at most TAIL_MAX bytes in all, no
 * more tokens than positions plus events. Sets the token count and the value of column `col`.
 * Anything else returns false with no effect, and the general path (cost_tokens,
 * event_value) decides, with its messages. */
static bool cost_fast(const char *s, size_t n, const char *limit, size_t n_pos, size_t n_events,
                      size_t col, size_t *n_tok, double *v)
{
    size_t i = 0, count = 0;
    uint64_t val = 0;
    if (n == 0 || n_events == 0)
        return false;
    for (;;) {
        if (count < n_pos) {
            if ((i = token_end(s, n, i)) == SIZE_MAX)
                return false;
        } else {
            if (count - n_pos > col) {
                /* Past the column read: only the shape of the rest matters. */
                size_t t = n - i <= TAIL_MAX ? tail_tokens(s + i - 1, n - i + 1, limit) : SIZE_MAX;
                if (t == SIZE_MAX || t > n_events - (count - n_pos))
                    return false;
                count += t;
                break;
            }
            size_t d = i;
            uint64_t u = 0;
#ifdef ONES8
            if (limit - (s + i) >= 8) {
                unsigned k = digits8(s + i, &u);
                if (k > n - i) /* no digit follows a line: cannot happen */
                    return false;
                i += k;
                if (k < 8)
                    goto digits_done;
            }
#endif
            while (i < n && pytext_digit(s[i]))
                u = u * 10 + (uint64_t)(s[i++] - '0');
#ifdef ONES8
        digits_done:
#endif
            if (i == d || i - d > 15)
                return false;
            if (count - n_pos == col)
                val = u;
        }
        count++;
        if (i == n)
            break;
        if (s[i] != ' ')
            return false;
        if (++i < n && s[i] == ' ') /* mostly one space */
            while (i < n && s[i] == ' ')
                i++;
        if (i == n)
            return false; /* unreachable after rstrip; the general path decides */
    }
    if (count < n_pos || count - n_pos > n_events)
        return false;
    *n_tok = count;
    *v = (double)val;
    return true;
}

/* An event value: gprof2dot converts every event token with float(), so hex and "*" are
 * errors there (a crash) and here. */
static enum p2p_status event_value(struct cg *c, struct span t, double *out)
{
    size_t i = 0;
    char buf[128];
    if (t.n > 0 && (t.s[0] == '+' || t.s[0] == '-'))
        i = 1;
    bool digits = i < t.n;
    for (size_t k = i; k < t.n; k++)
        digits = digits && pytext_digit(t.s[k]);
    if (!digits)
        return diag_fail(c->d, c->lineno, "event value \"%.*s\" is not a decimal number",
                         quote_len(t.n), t.s);
    size_t j = i;
    while (j + 1 < t.n && t.s[j] == '0')
        j++; /* leading zeros do not change the value, they only make it longer */
    if (t.n - j + 1 >= sizeof(buf))
        return diag_fail(c->d, c->lineno, "event value \"%.*s\" is out of range", quote_len(t.n),
                         t.s);
    if (t.n - j <= 15) { /* below 2^53: exact as a double, as strtod would give it */
        uint64_t u = 0;
        for (size_t q = j; q < t.n; q++)
            u = u * 10 + (uint64_t)(t.s[q] - '0');
        *out = t.s[0] == '-' ? -(double)u : (double)u;
        return P2P_OK;
    }
    size_t k = 0;
    if (i == 1)
        buf[k++] = t.s[0];
    memcpy(buf + k, t.s + j, t.n - j);
    k += t.n - j;
    if (!parse_double(buf, k, out))
        return diag_fail(c->d, c->lineno, "event value \"%.*s\" is out of range", quote_len(t.n),
                         t.s);
    return P2P_OK;
}

/* The function named by a name slot, created on first use with the module of an object
 * slot (gprof2dot: SAMPLES 0, called 0, module = basename of the object when non-empty). */
static enum p2p_status get_func(struct cg *c, enum slot_id obj, enum slot_id fn, size_t *out)
{
    struct slot *name = &c->slots[fn];
    if (name->func == SIZE_MAX && name->ent != SIZE_MAX)
        name->func = c->names[name->ent].func;
    if (name->func != SIZE_MAX) {
        *out = name->func;
        return P2P_OK;
    }
    if (name->state == SLOT_NONAME)
        return diag_fail(c->d, c->lineno,
                         "cost line for a function without a name (empty \"%s=\" line)",
                         fn == SLOT_FN ? "fn" : "cfn");
    struct span id = name->state == SLOT_TEXT ? name->text : (struct span){"", 0};
    bool created;
    size_t i = profile_func_str(c->p, id.s, id.n, &created);
    if (created) {
        struct prof_func *f = &c->p->funcs[i];
        ev_set(&f->ev, PEV_SAMPLES, 0);
        f->has_called = true;
        f->called = 0;
        const struct slot *ob = &c->slots[obj];
        if (ob->state == SLOT_TEXT && ob->text.n > 0) {
            const char *s = ob->text.s;
            size_t n = ob->text.n, b = n;
            while (b > 0 && s[b - 1] != '/')
                b--;
            f->module = profile_intern(c->p, s + b, n - b);
        }
    }
    name->func = i;
    if (name->ent != SIZE_MAX)
        c->names[name->ent].func = i;
    *out = i;
    return P2P_OK;
}

/* A cost line: self cost of the current function, or (after "calls=") the inclusive cost of
 * a call. *matched is false when the lookahead is no cost line. */
static enum p2p_status cost_line(struct cg *c, bool is_call, int64_t calls, bool *matched)
{
    size_t n = c->len;
    char last = n ? c->line[n - 1] : ' ';
    if (!pytext_digit(last) && last != '*') /* else no (UTF-8) whitespace ends the line */
        n = (size_t)(pytext_rstrip(c->line, c->line + c->len) - c->line);
    size_t n_tok;
    double v = 0;
    const char *limit = (const char *)c->lr.in->data + c->lr.in->len;
    bool fast = cost_fast(c->line, n, limit, c->n_positions, c->n_events, c->event_col, &n_tok, &v);
    if (!fast)
        n_tok = cost_tokens(c->line, n);
    *matched = n_tok > 0;
    if (n_tok == 0)
        return P2P_OK;

    size_t caller;
    enum p2p_status st;
    if (c->fn_func == SIZE_MAX) {
        st = get_func(c, SLOT_OB, SLOT_FN, &c->fn_func);
        if (st != P2P_OK)
            return st;
    }
    caller = c->fn_func;
    /* The called object is relative to the caller's object: a self-cost line resets it. */
    if (!is_call && c->slots[SLOT_OB].state != SLOT_UNSET)
        c->slots[SLOT_COB] = c->slots[SLOT_OB];

    size_t n_pos = c->n_positions;
    if (c->n_events == 0)
        return diag_fail(c->d, c->lineno, "cost line before an \"events:\" line naming events");
    if (n_tok > n_pos + c->n_events)
        return diag_fail(c->d, c->lineno,
                         "%zu numbers on a cost line; at most %zu positions and %zu events "
                         "expected",
                         n_tok, n_pos, c->n_events);
    if (n_tok < n_pos)
        return diag_fail(c->d, c->lineno, "%zu numbers on a cost line; %zu positions expected",
                         n_tok, n_pos);
    size_t at = 0;
    for (size_t t = 0; !fast && t < n_pos; t++)
        next_token(c->line, n, &at);
    for (size_t t = n_pos; !fast && t < n_tok; t++) {
        double x;
        st = event_value(c, next_token(c->line, n, &at), &x);
        if (st != P2P_OK)
            return st;
        if (t - n_pos == c->event_col)
            v = x;
    }

    struct profile *p = c->p;
    if (!is_call) {
        ev_add(&p->funcs[caller].ev, PEV_SAMPLES, v);
        ev_add(&p->ev, PEV_SAMPLES, v);
        /* Self-cost lines come in runs. While the next line is one that cost_fast takes,
         * nothing above changes (the function, cob = ob, the checks cost_fast implies), so
         * only the sums are left; any other line goes back to body_line as the lookahead. */
        struct prof_events *fev = &p->funcs[caller].ev;
        for (;;) {
            if ((st = advance(c)) != P2P_OK || c->eof)
                return st;
            n = c->len;
            last = n ? c->line[n - 1] : ' ';
            char c0 = n ? c->line[0] : ' ';
            if (!(pytext_digit(last) || last == '*') ||
                !(pytext_digit(c0) || c0 == '+' || c0 == '-' || c0 == '*') ||
                !cost_fast(c->line, n, limit, c->n_positions, c->n_events, c->event_col, &n_tok,
                           &v))
                return P2P_OK;
            ev_add(fev, PEV_SAMPLES, v);
            ev_add(&p->ev, PEV_SAMPLES, v);
        }
    } else {
        size_t callee;
        st = get_func(c, SLOT_COB, SLOT_CFN, &callee);
        if (st != P2P_OK)
            return st;
        p->funcs[callee].called += (double)calls;
        bool created;
        struct prof_call *call = profile_call(p, caller, callee, &created);
        if (created) {
            ev_set(&call->ev, PEV_CALLS, (double)calls);
            ev_set(&call->ev, PEV_SAMPLES2, v);
        } else {
            ev_add(&call->ev, PEV_CALLS, (double)calls);
            ev_add(&call->ev, PEV_SAMPLES2, v);
        }
    }
    return advance(c);
}

static size_t id_get(const struct id_table *m, uint64_t id)
{
    if (id < m->n_direct && m->direct[id] != SIZE_MAX)
        return m->direct[id];
    return m->big.n_used ? imap_get(&m->big, id) : SIZE_MAX;
}

/* Store a new id (id_get gave SIZE_MAX for it). */
static void id_put(struct id_table *m, uint64_t id, size_t val)
{
    m->n_ent++;
    if (id < DIRECT_MIN || id / 4 < m->n_ent) {
        if (id >= m->n_direct) {
            size_t old = m->n_direct;
            UTIL_GROW(m->direct, m->n_direct, (size_t)id + 1);
            for (size_t k = old; k < m->n_direct; k++)
                m->direct[k] = SIZE_MAX;
        }
        m->direct[id] = val;
    } else {
        imap_put(&m->big, id, val);
    }
}

/* The names entry of (table, id), made if `create`; SIZE_MAX if there is none. */
static size_t name_entry(struct cg *c, enum table_id table, struct span id, bool create)
{
    /* Most ids are short numbers without leading zeros: a number key in the table's map.
     * Others keep their text as the key ("(07)" and "(7)" are different ids). */
    if (id.n <= 18 && (id.n == 1 || id.s[0] != '0')) {
        uint64_t num = 0;
        for (size_t k = 0; k < id.n; k++)
            num = num * 10 + (uint64_t)(id.s[k] - '0');
        struct id_table *m = &c->ids[table == TABLE_OB ? 0 : 1];
        size_t i = id_get(m, num);
        if (i != SIZE_MAX || !create)
            return i;
        id_put(m, num, c->n_names);
        UTIL_GROW(c->names, c->cap_names, c->n_names + 1);
        c->names[c->n_names] = (struct name_ent){{"", 0}, SIZE_MAX};
        return c->n_names++;
    }
    struct strbuf key;
    strbuf_init(&key);
    strbuf_addc(&key, (char)table);
    strbuf_add(&key, id.s, id.n);
    size_t i;
    if (create) {
        size_t *val;
        arena_intern_val(c->keys, key.s, key.len, &val);
        if (*val == SIZE_MAX) {
            *val = c->n_names;
            UTIL_GROW(c->names, c->cap_names, c->n_names + 1);
            c->names[c->n_names++] = (struct name_ent){{"", 0}, SIZE_MAX};
        }
        i = *val;
    } else {
        i = arena_lookup_val(c->keys, key.s, key.len);
    }
    strbuf_fini(&key);
    return i;
}

/* "SPEC=[ (ID) ][TEXT]" position lines and the ignored jump=/jcnd= lines. */
static enum p2p_status position_line(struct cg *c, bool *matched)
{
    const char *s = c->line;
    size_t n = c->len;
    *matched = true;
    if (n >= 5 && s[0] == 'j' && (memcmp(s, "jump=", 5) == 0 || memcmp(s, "jcnd=", 5) == 0))
        return advance(c);

    size_t i = 0;
    char prefix = 0;
    if (n > 0 && (s[0] == 'c' || s[0] == 'j'))
        prefix = s[i++];
    static const struct {
        char spec[3];
        enum table_id table;
        enum slot_id slot, cslot;
    } specs[] = {
        {"ob", TABLE_OB, SLOT_OB, SLOT_COB}, {"fl", TABLE_FL, SLOT_FL, SLOT_CFL},
        {"fi", TABLE_FL, SLOT_FL, SLOT_CFL}, {"fe", TABLE_FL, SLOT_FL, SLOT_CFL},
        {"fn", TABLE_FN, SLOT_FN, SLOT_CFN},
    };
    size_t which = P2P_ARRAY_LEN(specs);
    if (n - i >= 3 && s[i + 2] == '=')
        for (size_t k = 0; k < P2P_ARRAY_LEN(specs); k++)
            if (s[i] == specs[k].spec[0] && s[i + 1] == specs[k].spec[1])
                which = k;
    if (which == P2P_ARRAY_LEN(specs)) {
        *matched = false;
        return P2P_OK;
    }
    enum table_id table = specs[which].table;
    enum slot_id slot = prefix == 'c' ? specs[which].cslot : specs[which].slot;
    if (prefix == 'j') {
        if (memcmp(s + i, "fi", 2) != 0)
            return diag_fail(c->d, c->lineno, "unsupported position \"%.*s\"", 4, s);
        slot = SLOT_JFI;
    }
    /* No cost depends on a file position (only ob, fn, cob and cfn name functions): its
     * line needs no parsing and its name no table entry. */
    if (table == TABLE_FL)
        return advance(c);
    i += 3;
    if (i < n && is_space_start((unsigned char)s[i]))
        i = (size_t)(pytext_skip_space(s + i, s + n, NULL) - s);

    /* gprof2dot's pattern: =\s*(?:\((\d+)\))?(?:\s*(.+))? */
    struct span id = {NULL, 0};
    if (i < n && s[i] == '(') {
        size_t j = i + 1;
        while (j < n && pytext_digit(s[j]))
            j++;
        if (j > i + 1 && j < n && s[j] == ')') {
            id = (struct span){s + i + 1, j - i - 1};
            i = j + 1;
        }
    }
    struct span text = {NULL, 0};
    if (i < n) {
        size_t j = i, last = i, k;
        while (j < n && is_space_start((unsigned char)s[j]) &&
               (k = pytext_space_at(s + j, s + n)) > 0) {
            last = j;
            j += k;
        }
        /* After "(ID)" a run of spaces alone still yields a name: its last character. */
        text = j < n ? (struct span){s + j, n - j} : (struct span){s + last, n - last};
    }

    struct slot v = {SLOT_TEXT, text, SIZE_MAX, SIZE_MAX};
    if (id.s) {
        if (text.s) {
            /* The input's bytes, not a copy: the input stays valid until the reader returns
             * (pages given back behind the line reader come back from the page cache when
             * read again), and a name is seldom read again once its function is found. */
            v.text = text;
            v.ent = name_entry(c, table, id, true);
            c->names[v.ent] = (struct name_ent){text, SIZE_MAX};
        } else {
            v.ent = name_entry(c, table, id, false);
            v.text = v.ent != SIZE_MAX ? c->names[v.ent].text : (struct span){"", 0};
        }
    } else if (!text.s) {
        v.state = SLOT_NONAME;
    }
    c->slots[slot] = v;
    if (slot == SLOT_FN)
        c->fn_func = SIZE_MAX;
    return advance(c);
}

/* "calls=COUNT TARGET": the next line, if it is a cost line, is the call's inclusive cost;
 * otherwise gprof2dot silently drops the calls= line. */
static enum p2p_status calls_line(struct cg *c, bool *matched)
{
    *matched = c->len >= 6 && memcmp(c->line, "calls=", 6) == 0;
    if (!*matched)
        return P2P_OK;
    size_t i = 6;
    int64_t calls = 0;
    /* The common count: plain digits (fewer than int64_t holds) ended by a space or the end,
     * which pytext_int reads the same. */
    while (i < c->len && i < 6 + 18 && pytext_digit(c->line[i]))
        calls = calls * 10 + (c->line[i++] - '0');
    if (i == 6 || (i < c->len && c->line[i] != ' ')) {
        struct span w;
        i = 0;
        if (!span_next_word((struct span){c->line + 6, c->len - 6}, &i, &w))
            return diag_fail(c->d, c->lineno, "\"calls=\" without a count");
        if (!pytext_int(w.s, w.n, &calls))
            return diag_fail(c->d, c->lineno, "bad call count \"%.*s\"", quote_len(w.n), w.s);
    }
    enum p2p_status st = advance(c);
    if (st != P2P_OK)
        return st;
    bool cost;
    return cost_line(c, true, calls, &cost);
}

static enum p2p_status body_line(struct cg *c, bool *matched)
{
    enum p2p_status st;
    *matched = true;
    /* A line's first byte rules out most kinds: no whitespace character starts with a digit,
     * '+', '-', '*' or a letter, a cost line starts with one of the first four, position and
     * calls= lines with a letter. The general order below decides the rest. */
    unsigned char c0 = c->len ? (unsigned char)c->line[0] : 0;
    if (pytext_digit((char)c0) || c0 == '+' || c0 == '-' || c0 == '*')
        return cost_line(c, false, 0, matched);
    if (c0 == 'c' && c->len > 1 && c->line[1] == 'a') /* no position starts "ca" */
        return calls_line(c, matched);
    if (c0 == 'c' || c0 == 'f' || c0 == 'o' || c0 == 'j') {
        if ((st = position_line(c, matched)) != P2P_OK || *matched)
            return st;
        return calls_line(c, matched);
    }
    if (is_blank(c))
        return advance(c);
    if ((st = cost_line(c, false, 0, matched)) != P2P_OK || *matched)
        return st;
    if ((st = position_line(c, matched)) != P2P_OK || *matched)
        return st;
    return calls_line(c, matched);
}

/* A part: one or more header lines, then one or more body lines. */
static enum p2p_status part(struct cg *c, bool *matched)
{
    enum p2p_status st;
    bool more;
    if ((st = header_line(c, matched)) != P2P_OK || !*matched)
        return st;
    do {
        if ((st = header_line(c, &more)) != P2P_OK)
            return st;
    } while (more);
    if ((st = body_line(c, matched)) != P2P_OK || !*matched)
        return st;
    do {
        if ((st = body_line(c, &more)) != P2P_OK)
            return st;
    } while (more);
    return P2P_OK;
}

static enum p2p_status read_one(struct profile *p, const struct input *in, const char *event,
                                struct diag *d)
{
    struct cg c;
    memset(&c, 0, sizeof(c));
    c.p = p;
    c.d = d;
    c.event = event;
    c.n_positions = 1; /* "positions: line" is the default */
    c.fn_func = SIZE_MAX;
    for (size_t k = 0; k < SLOT_COUNT; k++)
        c.slots[k].ent = c.slots[k].func = SIZE_MAX;
    for (size_t k = 0; k < 2; k++)
        imap_init(&c.ids[k].big);
    c.keys = arena_new();
    lines_init(&c.lr, in);

    enum p2p_status st = advance(&c);
    struct span v;
    if (st == P2P_OK && key_line(&c, "version", &v))
        st = advance(&c);
    if (st == P2P_OK && key_line(&c, "creator", &v))
        st = advance(&c);
    bool more = true;
    while (st == P2P_OK && more)
        st = part(&c, &more);
    /* gprof2dot stops at the first line that fits nowhere and keeps what it read. */
    if (st == P2P_OK && !c.eof)
        diag_warn(d, "%s: line %" PRIu64 ": unexpected line: %.*s", in->name, c.lineno,
                  quote_len(c.len), c.line);

    free(c.names);
    for (size_t k = 0; k < 2; k++) {
        free(c.ids[k].direct);
        imap_fini(&c.ids[k].big);
    }
    arena_free(c.keys);
    return st;
}

static enum p2p_status read_callgrind(struct input *const *in, size_t n_in,
                                      const struct reader_opts *opts, struct profile **out,
                                      struct diag *d)
{
    *out = NULL;
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    ev_set(&p->ev, PEV_SAMPLES, 0);
    /* Several files (e.g. one per thread) accumulate into one profile, as if concatenated
     * with every file's name tables and positions starting afresh. */
    for (size_t i = 0; i < n_in; i++) {
        d->file = in[i]->name;
        enum p2p_status st = read_one(p, in[i], opts ? opts->event : NULL, d);
        if (st != P2P_OK) {
            profile_free(p);
            return st;
        }
    }
    *out = p;
    return P2P_OK;
}

/* Does [s, s+n) start a line that begins with word? */
static bool line_starts(const unsigned char *s, size_t n, const char *word)
{
    return pytext_starts((const char *)s, n, word);
}

static int sniff(const unsigned char *head, size_t n)
{
    if (line_starts(head, n, "# callgrind format"))
        return 100;
    size_t i = 0;
    while (i < n && head[i] == '#') { /* comment lines may come first */
        const unsigned char *nl = memchr(head + i, '\n', n - i);
        i = nl ? (size_t)(nl - head) + 1 : n;
    }
    bool version_first = line_starts(head + i, n - i, "version:");
    bool creator = false, events = false, positions = false, fn = false, file = false;
    bool calls = false;
    while (i < n) {
        const unsigned char *s = head + i;
        size_t m = n - i;
        const unsigned char *nl = memchr(s, '\n', m);
        size_t len = nl ? (size_t)(nl - s) : m;
        creator |= line_starts(s, len, "creator:");
        events |= line_starts(s, len, "events:");
        positions |= line_starts(s, len, "positions:");
        fn |= line_starts(s, len, "fn=");
        file |=
            line_starts(s, len, "fl=") || line_starts(s, len, "fi=") || line_starts(s, len, "ob=");
        calls |= line_starts(s, len, "calls=");
        i += len + 1;
    }
    if (version_first && creator && (events || positions))
        return 95;
    if (events && fn && (file || calls || positions))
        return 90;
    if (events && fn)
        return 70;
    return 0;
}

const struct reader reader_callgrind = {
    .name = "callgrind",
    .summary = "Valgrind callgrind/cachegrind output (also xdebug, pyprof2calltree)",
    .sniff = sniff,
    .multi = true,
    .read = read_callgrind,
};
