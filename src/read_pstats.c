/* Python profiler statistics (pstats.Stats.dump_stats, `python -m cProfile -o` or
 * `python -m profile -o`): one marshalled dict {(file, line, function): (cc, nc, tt, ct,
 * callers)}, where callers maps caller keys to (nc, cc, tt, ct) tuples (cProfile) or plain
 * call counts (pure-Python profile). First bytes of a Python 3.12 cProfile file:
 *   fb 29 03 fa 01 7e e9 00 00 00 00 fa 1f 3c 62 75 69 6c 74 2d 69 6e ...   {(~, 0, '<built-in
 * Checked against Python 2.7 and 3.6 - 3.13 (cProfile and profile). Documented by Lib/pstats.py
 * and Lib/cProfile.py. A streaming decoder here reads the shape profilers write in one pass;
 * anything else is decoded by marshal.c into a document that the loader below walks. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "imap.h"
#include "marshal.h"
#include "progress.h"
#include "pytext.h"
#include "read_pstats.h"
#include "reader.h"

/* What tells keys apart: Python compares (file, line, function) tuples by value, so two keys
 * are the same when their interned file texts, lines and interned names (or code object
 * identities) are (see resolve_key). */
struct key_id {
    const char *file; /* interned file text */
    const char *name; /* interned name text, or a code object's identity */
    uint64_t line;    /* the line as int64_t, or a non-integral float's bits */
    bool float_line;  /* line holds a double's bits */
    bool code;        /* name is a code object's identity */
};

/* A distinct (file, line, function) key. */
struct key {
    struct key_id id;
    const char *name;     /* MODULE:LINE:FUNCNAME, in the scratch arena */
    const char *filename; /* as text, interned in the scratch arena */
    size_t func;          /* index in the profile once created, else SIZE_MAX */
};

/* A string or code object of the current file as text, converted once per marshal value:
 * references let a small file name one long string many times. */
struct text {
    const char *s; /* display text, interned in the scratch arena */
    size_t len;
    const char *id; /* interned identity: s itself, or for a code object repr + bytecode */
};

struct caller {
    size_t key;
    size_t src;    /* while loading: index of the value in the marshal document */
    bool is_tuple; /* cProfile (nc, cc, tt, ct) groups, else a profile-module count */
    size_t off, n; /* the tuple: pool[off .. off + n) */
    double count;
};

struct entry {
    size_t key;
    size_t src; /* while loading: the value's index in the marshal document */
    double cc, nc, tt, ct;
    struct caller *callers; /* dict order */
    size_t n_callers, cap_callers;
};

/* One file's statistics, or the merge of several (pstats.Stats). */
struct stats {
    struct entry *e; /* dict order */
    size_t n, cap;
    struct imap by_key;  /* key -> entry */
    struct imap callers; /* (entry << 32) | caller key -> caller index within the entry */
    double *pool;
    size_t n_pool, cap_pool;
    double total_tt;
    bool has_tuple, has_count;
    size_t pairs_seen; /* caller pairs read from the file (see load_entry) */
};

/* A direct-mapped memo of key tuples made of three references: (file, line, name) ref
 * indices -> key index + 1 (0: empty). A miss costs a key lookup, never a wrong key. */
struct key_memo {
    uint32_t file, line, name, key;
};

struct ctx {
    struct diag *d;
    struct arena *scratch;
    struct key *keys;
    size_t n_keys, cap_keys;
    size_t *key_slots; /* open addressing over keys by key_id: key index + 1, 0 empty */
    size_t n_key_slots;
    struct imap filenames; /* scratch filename (pointer) -> index in pfiles */
    const char **pfiles;   /* file names interned in the profile */
    size_t n_pfiles, cap_pfiles;
    /* Per file, by marshal value index: */
    /* Key tuple -> key index + 1, string or code object -> index in texts + 1, 0 if not seen.
     * One array serves both, as a value is either a tuple or not (so a lookup checks the
     * value's kind first); zero from calloc means fresh pages come from the kernel already
     * cleared, with no pass of our own over them. */
    size_t *cache;
    struct text *texts;
    size_t n_texts, cap_texts;
    /* Bytes of text built from the data (names, code reprs). References can make a small
     * file name one long string many times, so the total is bounded by the input size. */
    size_t text_bytes, text_budget;
    size_t input_bytes; /* of the file being read */
    struct strbuf buf, text;
    struct sref *srefs; /* the streaming reader's references (see load_stream) */
    size_t n_srefs, cap_srefs;
    struct key_memo *memo; /* see s_key */
    size_t n_memo;
    size_t stream_stop; /* where the streaming reader stopped */
    enum pstats_mode mode;
};

static void stats_init(struct stats *st)
{
    memset(st, 0, sizeof(*st));
    imap_init(&st->by_key);
    imap_init(&st->callers);
}

static void stats_fini(struct stats *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->e[i].callers);
    free(st->e);
    free(st->pool);
    imap_fini(&st->by_key);
    imap_fini(&st->callers);
    memset(st, 0, sizeof(*st));
}

static uint64_t caller_slot(size_t entry, size_t key)
{
    return ((uint64_t)entry << 32) | (uint64_t)key;
}

/* ---------------------------------------------------------------- text */

/* Append a marshalled string as UTF-8. Python 3 text is UTF-8 already (marshal writes it with
 * surrogatepass, so encoded surrogates pass too); Python 2 `str` is bytes in no stated
 * encoding, so bytes that are not UTF-8 are taken as Latin-1. */
static void add_text(struct strbuf *b, const char *s, size_t n)
{
    if (pytext_utf8_valid(s, n, true)) {
        strbuf_add(b, s, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        strbuf_add_utf8(b, (unsigned char)s[i]);
}

static bool is_string(const struct marshal_value *v)
{
    return v->kind == MARSHAL_STR || v->kind == MARSHAL_BYTES;
}

/* gprof2dot's module: os.path.basename(os.path.splitext(filename)[0]). The extension starts
 * at the last '.' of the last '/'-component if a character other than '.' precedes it there. */
static void add_module(struct strbuf *b, const char *f, size_t n)
{
    size_t start = n;
    while (start > 0 && f[start - 1] != '/')
        start--;
    size_t end = n;
    for (size_t i = n; i > start; i--) {
        if (f[i - 1] == '.') {
            for (size_t k = start; k < i - 1; k++) {
                if (f[k] != '.') {
                    end = i - 1;
                    break;
                }
            }
            break;
        }
    }
    strbuf_add(b, f + start, end - start);
}

/* ---------------------------------------------------------------- keys */

/* Python formats the line with %d: ints as they are, floats truncated, bools as 0/1. */
static bool line_number(const struct marshal_value *v, int64_t *line, bool *integral)
{
    *integral = true;
    switch (v->kind) {
    case MARSHAL_INT:
        if (!v->fits)
            return false;
        *line = v->u.num.i;
        return true;
    case MARSHAL_TRUE:
    case MARSHAL_FALSE:
        *line = v->kind == MARSHAL_TRUE;
        return true;
    case MARSHAL_FLOAT: {
        double x = v->u.num.d;
        if (!isfinite(x) || fabs(x) >= 9.2e18)
            return false;
        *line = (int64_t)x;
        *integral = x == (double)*line;
        return true;
    }
    default:
        return false;
    }
}

static enum p2p_status over_budget(struct ctx *cx, size_t offset)
{
    return diag_fail_at(cx->d, offset,
                        "names built from this data exceed %zu bytes (a long string "
                        "referenced too often?)",
                        cx->text_budget);
}

static enum p2p_status spend(struct ctx *cx, size_t n, size_t offset)
{
    if (n > cx->text_budget - cx->text_bytes)
        return over_budget(cx, offset);
    cx->text_bytes += n;
    return P2P_OK;
}

static const char *intern_buf(struct ctx *cx, const struct strbuf *b)
{
    return arena_intern(cx->scratch, b->s, b->len);
}

static enum p2p_status text_of(struct ctx *cx, const struct marshal_doc *doc, size_t vi,
                               struct text *out);

/* A code object in a key (the pure-Python profile module puts one there) prints as its repr,
 * which includes a memory address; print a fixed 0x0 there so that the output is
 * reproducible while keeping repr's shape (the conformance check ignores the address). */
static enum p2p_status code_text(struct ctx *cx, const struct marshal_doc *doc,
                                 const struct marshal_value *v, struct text *t)
{
    const struct marshal_code *co = &doc->codes[v->u.seq.code];
    struct text name_text, file_text;
    const struct text *name = NULL, *file = NULL;
    enum p2p_status st;
    if (co->name != MARSHAL_NO_VALUE && is_string(marshal_get(doc, co->name))) {
        if ((st = text_of(cx, doc, co->name, &name_text)) != P2P_OK)
            return st;
        name = &name_text;
    }
    if (co->filename != MARSHAL_NO_VALUE && is_string(marshal_get(doc, co->filename))) {
        if ((st = text_of(cx, doc, co->filename, &file_text)) != P2P_OK)
            return st;
        file = &file_text;
    }
    struct strbuf *b = &cx->buf;
    strbuf_reset(b);
    strbuf_adds(b, "<code object ");
    if (name)
        strbuf_add(b, name->s, name->len);
    else
        strbuf_adds(b, "???");
    strbuf_adds(b, " at 0x0, file ");
    if (file) {
        strbuf_addc(b, '"');
        strbuf_add(b, file->s, file->len);
        strbuf_addc(b, '"');
    } else {
        strbuf_adds(b, "???");
    }
    strbuf_addf(b, ", line %" PRId32 ">", co->firstlineno);
    size_t shown = b->len;
    /* Python compares code objects by value; the bytecode is what tells apart two functions
     * of the same name, file and line. */
    strbuf_addc(b, '\0');
    if (co->code != MARSHAL_NO_VALUE && is_string(marshal_get(doc, co->code))) {
        const struct marshal_value *bc = marshal_get(doc, co->code);
        strbuf_add(b, bc->u.str.s, bc->u.str.len);
    }
    if ((st = spend(cx, b->len, v->offset)) != P2P_OK)
        return st;
    t->s = arena_intern(cx->scratch, b->s, shown);
    t->len = shown;
    t->id = intern_buf(cx, b);
    return P2P_OK;
}

/* The text of a string or code object value, built once per value of the current file. */
static enum p2p_status text_of(struct ctx *cx, const struct marshal_doc *doc, size_t vi,
                               struct text *out)
{
    size_t k = cx->cache[vi];
    if (k) {
        *out = cx->texts[k - 1];
        return P2P_OK;
    }
    const struct marshal_value *v = marshal_get(doc, vi);
    struct text t;
    if (v->kind == MARSHAL_CODE) {
        enum p2p_status st = code_text(cx, doc, v, &t);
        if (st != P2P_OK)
            return st;
    } else {
        enum p2p_status st = spend(cx, v->u.str.len, v->offset);
        if (st != P2P_OK)
            return st;
        strbuf_reset(&cx->text);
        add_text(&cx->text, v->u.str.s, v->u.str.len);
        t.s = t.id = intern_buf(cx, &cx->text);
        t.len = cx->text.len;
    }
    UTIL_GROW(cx->texts, cx->cap_texts, cx->n_texts + 1);
    cx->texts[cx->n_texts] = t;
    cx->cache[vi] = ++cx->n_texts;
    *out = t;
    return P2P_OK;
}

static uint64_t key_hash(const struct key_id *k)
{
    uint64_t h = util_hash_u64((uint64_t)(uintptr_t)k->file);
    h = util_hash_u64(h ^ (uint64_t)(uintptr_t)k->name);
    return util_hash_u64(h ^ k->line ^ ((uint64_t)k->float_line << 62) ^ ((uint64_t)k->code << 63));
}

static bool key_id_eq(const struct key_id *a, const struct key_id *b)
{
    return a->file == b->file && a->name == b->name && a->line == b->line &&
           a->float_line == b->float_line && a->code == b->code;
}

/* The slot of key_id: the one holding it, or the empty one where it belongs. */
static size_t key_slot(const struct ctx *cx, const struct key_id *id)
{
    size_t mask = cx->n_key_slots - 1;
    size_t j = key_hash(id) & mask;
    while (cx->key_slots[j] && !key_id_eq(&cx->keys[cx->key_slots[j] - 1].id, id))
        j = (j + 1) & mask;
    return j;
}

/* Rebuild the key table with n_slots slots (a power of two) over keys[0 .. n_keys). */
static void key_rehash(struct ctx *cx, size_t n_slots)
{
    free(cx->key_slots);
    cx->key_slots = xcalloc(n_slots, sizeof(*cx->key_slots));
    cx->n_key_slots = n_slots;
    for (size_t i = 0; i < cx->n_keys; i++)
        cx->key_slots[key_slot(cx, &cx->keys[i].id)] = i + 1;
}

/* Forget the keys from index n on (a streamed file given up; see load_file). */
static void key_truncate(struct ctx *cx, size_t n)
{
    if (n == cx->n_keys)
        return;
    cx->n_keys = n;
    key_rehash(cx, cx->n_key_slots);
}

enum key_res { KEY_OK, KEY_TOO_MANY, KEY_BUDGET };

/* The index of the key (file, line, name), created on first sight with its display name
 * MODULE:LINE:NAME. Writes nothing to the diag, so that a streamed file can give up. */
static enum key_res key_get(struct ctx *cx, const struct key_id *id, const char *file,
                            size_t file_len, const char *name, size_t name_len, int64_t line,
                            size_t *out)
{
    if ((cx->n_keys + 1) * 2 > cx->n_key_slots)
        key_rehash(cx, cx->n_key_slots ? cx->n_key_slots * 2 : 1024);
    size_t j = key_slot(cx, id);
    if (cx->key_slots[j]) {
        *out = cx->key_slots[j] - 1;
        return KEY_OK;
    }
    if (cx->n_keys >= PROF_MAX_FUNCS)
        return KEY_TOO_MANY;
    struct strbuf *t = &cx->text;
    strbuf_reset(t);
    add_module(t, file, file_len);
    strbuf_addf(t, ":%" PRId64 ":", line);
    strbuf_add(t, name, name_len);
    if (t->len > cx->text_budget - cx->text_bytes)
        return KEY_BUDGET;
    cx->text_bytes += t->len;
    UTIL_GROW(cx->keys, cx->cap_keys, cx->n_keys + 1);
    struct key *k = &cx->keys[cx->n_keys];
    k->id = *id;
    k->name = arena_strndup(cx->scratch, t->s, t->len);
    k->filename = file;
    k->func = SIZE_MAX;
    cx->key_slots[j] = ++cx->n_keys;
    *out = cx->n_keys - 1;
    return KEY_OK;
}

/* The key tuple at value vi: its key index, created on first sight. Two keys are the same
 * when their file texts, line numbers and names (or code objects) are equal, as Python's
 * tuple comparison says; text and bytes compare equal here, unlike Python 3, so that
 * Python 2 `str` keys match whatever their marshal type. */
static enum p2p_status resolve_key(struct ctx *cx, const struct marshal_doc *doc, size_t vi,
                                   size_t *out)
{
    /* The shape first: the cache also holds the texts of strings, and a reference can put a
     * string already read as a file name where a key belongs. */
    const struct marshal_value *v = marshal_get(doc, vi);
    if (v->kind != MARSHAL_TUPLE || v->u.seq.n != 3)
        return diag_fail_at(cx->d, v->offset,
                            "expected a (file, line, function) key tuple, found a %s",
                            marshal_kind_name((enum marshal_kind)v->kind));
    size_t cached = cx->cache[vi];
    if (cached) {
        *out = cached - 1;
        return P2P_OK;
    }
    const struct marshal_value *file = marshal_child(doc, v, 0);
    const struct marshal_value *linev = marshal_child(doc, v, 1);
    const struct marshal_value *name = marshal_child(doc, v, 2);
    if (!is_string(file))
        return diag_fail_at(cx->d, file->offset, "expected a file name string, found a %s",
                            marshal_kind_name((enum marshal_kind)file->kind));
    int64_t line;
    bool integral;
    if (!line_number(linev, &line, &integral)) {
        if (linev->kind == MARSHAL_INT || linev->kind == MARSHAL_FLOAT)
            return diag_fail_at(cx->d, linev->offset, "line number out of range");
        return diag_fail_at(cx->d, linev->offset, "expected a line number, found a %s",
                            marshal_kind_name((enum marshal_kind)linev->kind));
    }
    if (!is_string(name) && name->kind != MARSHAL_CODE)
        return diag_fail_at(cx->d, name->offset, "expected a function name, found a %s",
                            marshal_kind_name((enum marshal_kind)name->kind));
    struct text ft, nt;
    enum p2p_status st;
    if ((st = text_of(cx, doc, marshal_child_index(doc, v, 0), &ft)) != P2P_OK ||
        (st = text_of(cx, doc, marshal_child_index(doc, v, 2), &nt)) != P2P_OK)
        return st;
    struct key_id id = {ft.id, nt.id, (uint64_t)line, !integral, name->kind == MARSHAL_CODE};
    if (!integral)
        memcpy(&id.line, &linev->u.num.d, sizeof(id.line));
    size_t k;
    switch (key_get(cx, &id, ft.s, ft.len, nt.s, nt.len, line, &k)) {
    case KEY_OK:
        break;
    case KEY_TOO_MANY:
        return diag_fail_at(cx->d, v->offset, "too many functions");
    case KEY_BUDGET:
        return over_budget(cx, v->offset);
    }
    cx->cache[vi] = k + 1;
    *out = k;
    return P2P_OK;
}

/* ---------------------------------------------------------------- one file */

static bool as_number(const struct marshal_value *v, double *out)
{
    switch (v->kind) {
    case MARSHAL_INT:
    case MARSHAL_FLOAT:
        if (!isfinite(v->u.num.d))
            return false;
        *out = v->u.num.d;
        return true;
    case MARSHAL_TRUE:
        *out = 1;
        return true;
    case MARSHAL_FALSE:
        *out = 0;
        return true;
    default:
        return false;
    }
}

static enum p2p_status expect_number(struct ctx *cx, const struct marshal_value *v, double *out)
{
    if (as_number(v, out))
        return P2P_OK;
    if (v->kind == MARSHAL_INT || v->kind == MARSHAL_FLOAT)
        return diag_fail_at(cx->d, v->offset, "number out of range");
    return diag_fail_at(cx->d, v->offset, "expected a number, found a %s",
                        marshal_kind_name((enum marshal_kind)v->kind));
}

static size_t pool_add(struct stats *st, double x)
{
    UTIL_GROW(st->pool, st->cap_pool, st->n_pool + 1);
    st->pool[st->n_pool] = x;
    return st->n_pool++;
}

static struct caller *add_caller(struct entry *e)
{
    UTIL_GROW(e->callers, e->cap_callers, e->n_callers + 1);
    struct caller *c = &e->callers[e->n_callers++];
    memset(c, 0, sizeof(*c));
    return c;
}

static enum p2p_status load_caller_value(struct ctx *cx, struct stats *st,
                                         const struct marshal_doc *doc, struct caller *c)
{
    const struct marshal_value *v = marshal_get(doc, c->src);
    if (v->kind == MARSHAL_TUPLE) {
        /* gprof2dot reads a longer tuple as consecutive (nc, cc, tt, ct) groups. */
        if (v->u.seq.n % 4)
            return diag_fail_at(cx->d, v->offset,
                                "caller statistics tuple has %zu values, not groups of 4",
                                v->u.seq.n);
        /* A shared tuple could be listed by many callers through references; real files
         * spend at least 5 bytes per value. */
        if (v->u.seq.n > cx->input_bytes + 1024 - st->n_pool)
            return diag_fail_at(cx->d, v->offset, "too many caller statistics values");
        c->is_tuple = true;
        c->off = st->n_pool;
        c->n = v->u.seq.n;
        for (size_t k = 0; k < v->u.seq.n; k++) {
            double x = 0;
            enum p2p_status s = expect_number(cx, marshal_child(doc, v, k), &x);
            if (s != P2P_OK)
                return s;
            pool_add(st, x);
        }
        st->has_tuple = true;
        return P2P_OK;
    }
    if (!as_number(v, &c->count))
        return diag_fail_at(cx->d, v->offset,
                            "expected caller statistics (a tuple or a call count), found a %s",
                            marshal_kind_name((enum marshal_kind)v->kind));
    st->has_count = true;
    return P2P_OK;
}

/* The value of an entry: (cc, nc, tt, ct, callers). Duplicate caller keys in the dict keep the
 * first one's place and the last one's value, as a Python dict built from the data does. */
static enum p2p_status load_entry(struct ctx *cx, struct stats *st, const struct marshal_doc *doc,
                                  size_t ei)
{
    const struct marshal_value *v = marshal_get(doc, st->e[ei].src);
    if (v->kind != MARSHAL_TUPLE && v->kind != MARSHAL_LIST)
        return diag_fail_at(cx->d, v->offset,
                            "expected a (cc, nc, tt, ct, callers) tuple, found a %s",
                            marshal_kind_name((enum marshal_kind)v->kind));
    if (v->u.seq.n != 5)
        return diag_fail_at(cx->d, v->offset,
                            "expected a (cc, nc, tt, ct, callers) tuple, found a %s of %zu",
                            marshal_kind_name((enum marshal_kind)v->kind), v->u.seq.n);
    double num[4];
    for (size_t k = 0; k < 4; k++) {
        enum p2p_status s = expect_number(cx, marshal_child(doc, v, k), &num[k]);
        if (s != P2P_OK)
            return s;
    }
    struct entry *e = &st->e[ei];
    e->cc = num[0];
    e->nc = num[1];
    e->tt = num[2];
    e->ct = num[3];
    const struct marshal_value *cd = marshal_child(doc, v, 4);
    if (cd->kind != MARSHAL_DICT)
        return diag_fail_at(cx->d, cd->offset, "expected a dict of callers, found a %s",
                            marshal_kind_name((enum marshal_kind)cd->kind));
    /* One callers dict could serve many entries through references, which would make the work
     * grow with the square of the file size; a real file spends 10 bytes or more per pair. */
    st->pairs_seen += cd->u.seq.n / 2;
    if (st->pairs_seen > cx->input_bytes / 4 + 1024)
        return diag_fail_at(cx->d, cd->offset, "too many callers (a dict referenced too often?)");
    for (size_t k = 0; k + 1 < cd->u.seq.n; k += 2) {
        size_t key;
        enum p2p_status s = resolve_key(cx, doc, marshal_child_index(doc, cd, k), &key);
        if (s != P2P_OK)
            return s;
        e = &st->e[ei];
        size_t ci = imap_put(&st->callers, caller_slot(ei, key), e->n_callers);
        if (ci == e->n_callers)
            add_caller(e)->key = key;
        e->callers[ci].src = marshal_child_index(doc, cd, k + 1);
    }
    e = &st->e[ei];
    for (size_t k = 0; k < e->n_callers; k++) {
        enum p2p_status s = load_caller_value(cx, st, doc, &e->callers[k]);
        if (s != P2P_OK)
            return s;
    }
    return P2P_OK;
}

static bool load_stream(struct ctx *cx, const struct input *in, struct stats *st);

/* pstats.Stats.load_stats + get_top_level_stats for one file. */
static enum p2p_status load_file(struct ctx *cx, const struct input *in, struct stats *st)
{
    struct marshal_doc *doc = NULL;
    cx->d->file = in->name;
    cx->input_bytes = in->len;
    if (cx->mode != PSTATS_DOCUMENT) {
        size_t n_keys = cx->n_keys, text_bytes = cx->text_bytes;
        if (load_stream(cx, in, st)) {
            progress_advance(in->len);
            return P2P_OK;
        }
        if (cx->mode == PSTATS_STREAM)
            return diag_fail_at(cx->d, cx->stream_stop,
                                "not in the shape the streaming reader knows");
        /* Start again from nothing: the document path will find these keys again if they
         * are there, and keeps the limits exact. */
        key_truncate(cx, n_keys);
        cx->text_bytes = text_bytes;
        stats_fini(st);
        stats_init(st);
    }
    cx->n_texts = 0;
    enum p2p_status s = marshal_decode(in->data, in->len, &doc, cx->d);
    if (s != P2P_OK)
        return s;
    /* Caches by value index: an array, not a hash table, as indices are dense. */
    free(cx->cache);
    cx->cache = xcalloc(doc->n_vals + 1, sizeof(size_t));
    const struct marshal_value *root = marshal_get(doc, doc->root);
    if (root->kind != MARSHAL_DICT) {
        s = diag_fail_at(cx->d, root->offset, "expected a dict of function statistics, found a %s",
                         marshal_kind_name((enum marshal_kind)root->kind));
        goto out;
    }
    if (root->u.seq.n < 2) {
        /* pstats refuses an empty dict (and gprof2dot then crashes). */
        s = diag_fail_at(cx->d, root->offset, "no function statistics (the dict is empty)");
        goto out;
    }
    /* Keys first: a key given twice keeps its first place and takes the last value. */
    for (size_t k = 0; k + 1 < root->u.seq.n; k += 2) {
        size_t key;
        if ((s = resolve_key(cx, doc, marshal_child_index(doc, root, k), &key)) != P2P_OK)
            goto out;
        size_t ei = imap_put(&st->by_key, key, st->n);
        if (ei == st->n) {
            UTIL_GROW(st->e, st->cap, st->n + 1);
            memset(&st->e[st->n], 0, sizeof(st->e[st->n]));
            st->e[st->n++].key = key;
        }
        st->e[ei].src = marshal_child_index(doc, root, k + 1);
    }
    for (size_t i = 0; i < st->n; i++) {
        if ((s = load_entry(cx, st, doc, i)) != P2P_OK)
            goto out;
        st->total_tt += st->e[i].tt;
    }
    progress_advance(in->len); /* a file at a time: the decoder sees it whole */
out:
    marshal_free(doc);
    return s;
}

/* ---------------------------------------------------------------- merging */

static void copy_caller(struct stats *dst, struct entry *de, const struct stats *src,
                        const struct caller *sc)
{
    struct caller *c = add_caller(de);
    *c = *sc;
    if (sc->is_tuple) {
        c->off = dst->n_pool;
        for (size_t k = 0; k < sc->n; k++)
            pool_add(dst, src->pool[sc->off + k]);
    }
}

/* pstats.Stats.add of one more file: existing keys add up (callers too, element-wise for
 * tuples, zip() keeping the shorter), new keys and callers are appended. */
static enum p2p_status merge(struct ctx *cx, struct stats *base, const struct stats *src,
                             const char *src_name)
{
    if ((base->has_tuple && src->has_count) || (base->has_count && src->has_tuple)) {
        cx->d->file = src_name;
        return diag_fail(cx->d, 0, "cannot merge cProfile and profile-module statistics");
    }
    for (size_t i = 0; i < src->n; i++) {
        const struct entry *se = &src->e[i];
        size_t bi = imap_put(&base->by_key, se->key, base->n);
        if (bi == base->n) {
            UTIL_GROW(base->e, base->cap, base->n + 1);
            struct entry *ne = &base->e[base->n++];
            *ne = *se;
            ne->callers = NULL;
            ne->n_callers = ne->cap_callers = 0;
            for (size_t k = 0; k < se->n_callers; k++) {
                imap_put(&base->callers, caller_slot(bi, se->callers[k].key), ne->n_callers);
                copy_caller(base, ne, src, &se->callers[k]);
            }
            continue;
        }
        struct entry *be = &base->e[bi];
        be->cc = se->cc + be->cc;
        be->nc = se->nc + be->nc;
        be->tt = se->tt + be->tt;
        be->ct = se->ct + be->ct;
        for (size_t k = 0; k < se->n_callers; k++) {
            const struct caller *sc = &se->callers[k];
            size_t ci = imap_put(&base->callers, caller_slot(bi, sc->key), be->n_callers);
            if (ci == be->n_callers) {
                copy_caller(base, be, src, sc);
                continue;
            }
            struct caller *bc = &be->callers[ci];
            if (bc->is_tuple) {
                size_t n = bc->n < sc->n ? bc->n : sc->n;
                for (size_t j = 0; j < n; j++)
                    base->pool[bc->off + j] = src->pool[sc->off + j] + base->pool[bc->off + j];
                bc->n = n;
            } else {
                bc->count += sc->count;
            }
        }
    }
    base->total_tt += src->total_tt;
    base->has_tuple |= src->has_tuple;
    base->has_count |= src->has_count;
    return P2P_OK;
}

/* ---------------------------------------------------------------- the profile */

/* Spec section 3: R(n, d) with gprof2dot's warnings. */
static double safe_ratio(struct diag *d, double n, double den)
{
    if (den == 0)
        return 1.0;
    double q = n / den;
    if (q < 0) {
        if (q < -1.0 / 8388608.0)
            diag_warn(d, "negative ratio (%g/%g)", n, den);
        return 0.0;
    }
    if (q > 1) {
        if (q > 1 + 1.0 / 8388608.0)
            diag_warn(d, "ratio greater than one (%g/%g)", n, den);
        return 1.0;
    }
    return q;
}

/* Function ids 0, 1, 2 ... in order of first appearance (gprof2dot's get_function). */
static size_t get_func(struct ctx *cx, struct profile *p, size_t key, int64_t *next_id)
{
    struct key *k = &cx->keys[key];
    if (k->func == SIZE_MAX) {
        k->func = profile_func_int(p, (*next_id)++, NULL);
        struct prof_func *f = &p->funcs[k->func];
        /* One function per key, found through the key table: the name is copied, not interned. */
        f->name = profile_copy(p, k->name, strlen(k->name));
        /* Many functions share a file: intern each (possibly long) name once. */
        size_t fi = imap_put(&cx->filenames, (uint64_t)(uintptr_t)k->filename, cx->n_pfiles);
        if (fi == cx->n_pfiles) {
            UTIL_GROW(cx->pfiles, cx->cap_pfiles, cx->n_pfiles + 1);
            cx->pfiles[cx->n_pfiles++] = profile_intern(p, k->filename, strlen(k->filename));
        }
        p->funcs[k->func].filename = cx->pfiles[fi];
    }
    return k->func;
}

/* The end of build: the profile's totals, and times for functions that have none. */
static void finish(struct profile *p, double time, double total)
{
    /* A caller that has no entry of its own has no times; gprof2dot crashes on it. Give it
     * zero self and total time so that it still shows as the origin of its calls. */
    for (size_t i = 0; i < p->n_funcs; i++) {
        struct prof_func *f = &p->funcs[i];
        if (!ev_has(&f->ev, PEV_TIME)) {
            ev_set(&f->ev, PEV_TIME, 0);
            ev_set(&f->ev, PEV_TOTAL_TIME, 0);
        }
    }
    ev_set(&p->ev, PEV_TIME, time);
    ev_set(&p->ev, PEV_TOTAL_TIME, total);
}

/* gprof2dot's PstatsParser.parse over the merged statistics. */
static struct profile *build(struct ctx *cx, const struct stats *st)
{
    struct profile *p = profile_new(PROF_RECIPE_PSTATS, true);
    int64_t next_id = 0;
    double time = 0.0, total = st->total_tt;
    for (size_t i = 0; i < st->n; i++) {
        const struct entry *e = &st->e[i];
        size_t g = get_func(cx, p, e->key, &next_id);
        struct prof_func *f = &p->funcs[g];
        f->has_called = true;
        f->called = e->nc;
        ev_set(&f->ev, PEV_TOTAL_TIME, e->ct);
        ev_set(&f->ev, PEV_TIME, e->tt);
        time += e->tt;
        if (e->ct > total)
            total = e->ct;
        /* gprof2dot's loop rebinds `nc` to each caller tuple's first value, and a later
         * plain-count caller of the same entry divides by that (only mixed data notices). */
        double nc = e->nc;
        for (size_t k = 0; k < e->n_callers; k++) {
            const struct caller *c = &e->callers[k];
            size_t fi = get_func(cx, p, c->key, &next_id);
            struct prof_call *call = profile_call(p, fi, g, NULL);
            call->ev.has = 0;
            if (c->is_tuple) {
                for (size_t j = 0; j + 4 <= c->n; j += 4) {
                    nc = st->pool[c->off + j];
                    ev_add(&call->ev, PEV_CALLS, st->pool[c->off + j + 1]);
                    ev_add(&call->ev, PEV_TOTAL_TIME, st->pool[c->off + j + 3]);
                }
            } else {
                ev_set(&call->ev, PEV_CALLS, c->count);
                ev_set(&call->ev, PEV_TOTAL_TIME, safe_ratio(cx->d, c->count, nc) * e->ct);
            }
        }
    }
    finish(p, time, total);
    return p;
}

/* ---------------------------------------------------------------- streaming */

/* Profilers write one shape: {key: (cc, nc, tt, ct, {key: (nc, cc, tt, ct) or count})} with
 * key = (file, line, name) of strings and an int. The streaming reader walks the marshal bytes
 * of that shape once, with no document, and hands each key, number and caller to the
 * statistics as it passes. It gives up (returns false, writing nothing to the diag) at
 * anything else: other types, code objects, Python 2 string references, references to
 * containers, duplicate keys, bad or truncated data. load_file then reads the file again
 * through the marshal document, which knows every case and reports every error. */

#define FLAG_REF 0x80

/* An object marshal flagged for later `r` references (format version 3 and later), as far
 * as a pstats file refers back to it: strings, ints and floats, key tuples. A container is
 * SREF_OTHER, also while it is being read (CPython numbers it before its contents). */
enum sref_kind { SREF_OTHER, SREF_TEXT, SREF_INT, SREF_FLOAT, SREF_KEY };

struct sref {
    uint8_t kind;
    union {
        struct {
            const char *s;
            size_t len;
        } text;
        int32_t i;
        double d;
        size_t key;
    } u;
};

static size_t sref_add(struct ctx *cx, enum sref_kind kind)
{
    UTIL_GROW(cx->srefs, cx->cap_srefs, cx->n_srefs + 1);
    cx->srefs[cx->n_srefs].kind = (uint8_t)kind;
    return cx->n_srefs++;
}

/* The target of an `r` whose type byte has been read, if it is of the kind wanted. */
static const struct sref *s_ref(struct ctx *cx, struct cursor *c, enum sref_kind kind)
{
    uint32_t u;
    if (!cursor_u32le(c, &u) || u >= cx->n_srefs || cx->srefs[u].kind != kind)
        return NULL;
    return &cx->srefs[u];
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* A tuple of exactly n items starts (its type byte read, without the flag). */
static bool s_tuple_head(struct cursor *c, unsigned type, uint32_t n)
{
    uint32_t count;
    uint8_t b;
    if (type == ')') {
        if (!cursor_u8(c, &b))
            return false;
        count = b;
    } else if (type != '(' || !cursor_u32le(c, &count)) {
        return false;
    }
    return count == n;
}

/* A string of a key: its text interned as text_of makes it (1-byte kinds are Latin-1, the
 * others UTF-8 or else Latin-1), charged to the same budget. */
static bool s_text(struct ctx *cx, struct cursor *c, const char **out, size_t *len, size_t *ref)
{
    uint8_t code;
    if (!cursor_u8(c, &code))
        return false;
    unsigned type = code & ~FLAG_REF;
    *ref = SIZE_MAX;
    if (type == 'r') {
        const struct sref *r = s_ref(cx, c, SREF_TEXT);
        if (!r)
            return false;
        *out = r->u.text.s;
        *len = r->u.text.len;
        *ref = (size_t)(r - cx->srefs);
        return true;
    }
    size_t n;
    bool latin1 = type == 'z' || type == 'Z' || type == 'a' || type == 'A';
    if (type == 'z' || type == 'Z') {
        uint8_t b;
        if (!cursor_u8(c, &b))
            return false;
        n = b;
    } else if (latin1 || type == 's' || type == 'u' || type == 't') {
        uint32_t u;
        if (!cursor_u32le(c, &u) || u > 0x7fffffffu)
            return false;
        n = u;
    } else {
        return false;
    }
    const unsigned char *p;
    if (!cursor_bytes(c, n, &p))
        return false;
    size_t ascii = 0;
    if (latin1)
        while (ascii < n && p[ascii] < 0x80)
            ascii++;
    const char *s;
    size_t spent = n;
    if (latin1 ? ascii == n : pytext_utf8_valid((const char *)p, n, true)) {
        s = arena_intern(cx->scratch, (const char *)p, n);
    } else {
        strbuf_reset(&cx->text);
        for (size_t i = 0; i < n; i++)
            strbuf_add_utf8(&cx->text, p[i]);
        s = intern_buf(cx, &cx->text);
        n = cx->text.len;
        if (latin1)
            spent = n; /* the decoder charges the UTF-8 form of 1-byte kinds */
    }
    if (spent > cx->text_budget - cx->text_bytes)
        return false;
    cx->text_bytes += spent;
    if (code & FLAG_REF) {
        *ref = sref_add(cx, SREF_TEXT);
        struct sref *r = &cx->srefs[*ref];
        r->u.text.s = s;
        r->u.text.len = n;
    }
    *out = s;
    *len = n;
    return true;
}

/* A number of the statistics (an int or a finite float), or a line number (int only). */
static bool s_number(struct ctx *cx, struct cursor *c, bool int_only, double *x, int32_t *i,
                     size_t *ref)
{
    uint8_t code;
    if (!cursor_u8(c, &code))
        return false;
    unsigned type = code & ~FLAG_REF;
    enum sref_kind kind;
    *ref = SIZE_MAX;
    if (type == 'i') {
        uint32_t u;
        if (!cursor_u32le(c, &u))
            return false;
        *i = (int32_t)u;
        *x = *i;
        kind = SREF_INT;
    } else if (type == 'g' && !int_only) {
        uint64_t u;
        if (!cursor_u64le(c, &u))
            return false;
        memcpy(x, &u, sizeof(*x));
        if (!isfinite(*x))
            return false;
        kind = SREF_FLOAT;
    } else if (type == 'r') {
        uint32_t u;
        if (!cursor_u32le(c, &u) || u >= cx->n_srefs)
            return false;
        const struct sref *r = &cx->srefs[u];
        if (r->kind == SREF_INT) {
            *i = r->u.i;
            *x = *i;
        } else if (r->kind == SREF_FLOAT && !int_only) {
            *x = r->u.d;
        } else {
            return false;
        }
        *ref = u;
        return true;
    } else {
        return false;
    }
    if (code & FLAG_REF) {
        *ref = sref_add(cx, kind);
        struct sref *r = &cx->srefs[*ref];
        if (kind == SREF_INT)
            r->u.i = *i;
        else
            r->u.d = *x;
    }
    return true;
}

static struct key_memo *memo_slot(struct ctx *cx, uint32_t fr, uint32_t lr, uint32_t nr)
{
    uint64_t h = util_hash_u64(((uint64_t)fr << 32 | lr) ^ util_hash_u64(nr));
    return &cx->memo[h & (cx->n_memo - 1)];
}

/* A (file, line, name) key tuple, or a reference to one: its key index. */
static bool s_key(struct ctx *cx, struct cursor *c, size_t *key)
{
    uint8_t code;
    if (!cursor_u8(c, &code))
        return false;
    unsigned type = code & ~FLAG_REF;
    if (type == 'r') {
        const struct sref *r = s_ref(cx, c, SREF_KEY);
        if (!r)
            return false;
        *key = r->u.key;
        return true;
    }
    if (!s_tuple_head(c, type, 3))
        return false;
    size_t ref = code & FLAG_REF ? sref_add(cx, SREF_OTHER) : SIZE_MAX;
    /* Python 3 writes a caller's key as a fresh tuple of three references (pstats makes one
     * per caller); the same three references make the same key, found in the memo. */
    const unsigned char *p = c->p + c->pos;
    struct key_memo *m = NULL;
    if (cursor_has(c, 15) && p[0] == 'r' && p[5] == 'r' && p[10] == 'r') {
        uint32_t fr = le32(p + 1), lr = le32(p + 6), nr = le32(p + 11);
        m = memo_slot(cx, fr, lr, nr);
        if (m->key && m->file == fr && m->line == lr && m->name == nr) {
            *key = m->key - 1;
            c->pos += 15;
            goto done;
        }
    }
    const char *file, *name;
    size_t file_len, name_len, file_ref, line_ref, name_ref;
    int32_t line;
    double unused;
    if (!s_text(cx, c, &file, &file_len, &file_ref) ||
        !s_number(cx, c, true, &unused, &line, &line_ref) ||
        !s_text(cx, c, &name, &name_len, &name_ref))
        return false;
    struct key_id id = {file, name, (uint64_t)(int64_t)line, false, false};
    if (key_get(cx, &id, file, file_len, name, name_len, line, key) != KEY_OK)
        return false;
    if (file_ref <= UINT32_MAX && line_ref <= UINT32_MAX && name_ref <= UINT32_MAX) {
        /* the refs that will name this key (these, read as literals, or as refs missed) */
        m = memo_slot(cx, (uint32_t)file_ref, (uint32_t)line_ref, (uint32_t)name_ref);
        m->file = (uint32_t)file_ref;
        m->line = (uint32_t)line_ref;
        m->name = (uint32_t)name_ref;
        m->key = (uint32_t)*key + 1;
    }
done:
    if (ref != SIZE_MAX) {
        cx->srefs[ref].kind = SREF_KEY;
        cx->srefs[ref].u.key = *key;
    }
    return true;
}

/* Where the streaming reader puts what it reads: the statistics of a file to be merged, or
 * for a single file the profile itself, doing build's work as the data passes. */
struct sink {
    struct stats *st; /* the statistics, or NULL for the profile: */
    struct profile *p;
    int64_t next_id;
    size_t g;      /* the current entry: its index in st, or its function in p */
    double nc, ct; /* the entry's, nc rebound by tuples as build does */
    double time, max_ct;
    /* The profile's calls wait here until the end, when each caller's count is known and its
     * array is allocated once at that size (added one at a time, the arrays were a fifth of
     * the reading time: lookups, reallocations and the pages they touch). */
    struct pending_call *calls;
    size_t n_calls, cap_calls;
    uint32_t *seen; /* by function: 1 + the last entry that named it as a caller, or 0 */
    size_t cap_seen;
};

struct pending_call {
    uint32_t caller, callee;
    double calls, total_time;
};

static bool sink_entry(struct ctx *cx, struct sink *sk, size_t key, const double num[4])
{
    struct stats *st = sk->st;
    if (!st) {
        size_t g = get_func(cx, sk->p, key, &sk->next_id);
        struct prof_func *f = &sk->p->funcs[g];
        if (f->has_called)
            return false; /* a key given twice: left to load_file */
        f->has_called = true;
        f->called = num[1];
        ev_set(&f->ev, PEV_TOTAL_TIME, num[3]);
        ev_set(&f->ev, PEV_TIME, num[2]);
        sk->time += num[2];
        if (num[3] > sk->max_ct)
            sk->max_ct = num[3];
        sk->g = g;
        sk->nc = num[1];
        sk->ct = num[3];
        return true;
    }
    if (imap_put(&st->by_key, key, st->n) != st->n)
        return false; /* as above */
    UTIL_GROW(st->e, st->cap, st->n + 1);
    struct entry *e = &st->e[st->n];
    memset(e, 0, sizeof(*e));
    e->key = key;
    e->cc = num[0];
    e->nc = num[1];
    e->tt = num[2];
    e->ct = num[3];
    st->total_tt += e->tt;
    sk->g = st->n++;
    return true;
}

/* A caller of the current entry: its (nc, cc, tt, ct) tuple (v, tuple true) or its count. */
static bool sink_caller(struct ctx *cx, struct sink *sk, size_t key, bool tuple, const double *v,
                        double count)
{
    struct stats *st = sk->st;
    if (!st) {
        size_t fi = get_func(cx, sk->p, key, &sk->next_id);
        if (fi >= sk->cap_seen) {
            size_t old = sk->cap_seen;
            UTIL_GROW(sk->seen, sk->cap_seen, fi + 1);
            memset(sk->seen + old, 0, (sk->cap_seen - old) * sizeof(*sk->seen));
        }
        /* An entry is read once (see sink_entry), so a pair caller -> entry is new unless
         * this entry named the caller already. */
        if (sk->seen[fi] == (uint32_t)sk->g + 1)
            return false; /* a caller given twice: left to load_entry */
        double calls, total_time;
        if (tuple) {
            sk->nc = v[0];
            /* added to zero, as build adds them (so -0.0 becomes 0.0 there too) */
            calls = 0.0 + v[1];
            total_time = 0.0 + v[3];
        } else {
            /* safe_ratio warns at once, and a warning must not be printed twice */
            if (sk->nc != 0 &&
                (count / sk->nc < -1.0 / 8388608.0 || count / sk->nc > 1 + 1.0 / 8388608.0))
                return false;
            calls = count;
            total_time = safe_ratio(cx->d, count, sk->nc) * sk->ct;
        }
        sk->seen[fi] = (uint32_t)sk->g + 1;
        UTIL_GROW(sk->calls, sk->cap_calls, sk->n_calls + 1);
        sk->calls[sk->n_calls++] = (struct pending_call){(uint32_t)fi, (uint32_t)sk->g, calls,
                                                         total_time};
        return true;
    }
    /* The same bounds as load_entry's, so that both readers accept the same files. */
    if (++st->pairs_seen > cx->input_bytes / 4 + 1024)
        return false;
    struct entry *e = &st->e[sk->g];
    if (imap_put(&st->callers, caller_slot(sk->g, key), e->n_callers) != e->n_callers)
        return false; /* as above */
    struct caller *cl = add_caller(e);
    cl->key = key;
    if (!tuple) {
        cl->count = count;
        st->has_count = true;
        return true;
    }
    if (4 > cx->input_bytes + 1024 - st->n_pool)
        return false;
    cl->is_tuple = true;
    cl->off = st->n_pool;
    cl->n = 4;
    for (size_t k = 0; k < 4; k++)
        pool_add(st, v[k]);
    st->has_tuple = true;
    return true;
}

/* A caller's key and statistics: a cProfile (nc, cc, tt, ct) tuple or a profile-module count. */
static bool s_caller(struct ctx *cx, struct cursor *c, struct sink *sk)
{
    size_t key;
    double v[4], count = 0;
    int32_t i;
    size_t unused;
    if (!s_key(cx, c, &key) || !cursor_has(c, 1))
        return false;
    unsigned type = c->p[c->pos] & ~FLAG_REF;
    if (type != '(' && type != ')') {
        if (!s_number(cx, c, false, &count, &i, &unused))
            return false;
        return sink_caller(cx, sk, key, false, NULL, count);
    }
    bool flag = c->p[c->pos++] & FLAG_REF;
    if (!s_tuple_head(c, type, 4))
        return false;
    if (flag)
        sref_add(cx, SREF_OTHER);
    for (size_t k = 0; k < 4; k++)
        if (!s_number(cx, c, false, &v[k], &i, &unused))
            return false;
    return sink_caller(cx, sk, key, true, v, 0);
}

/* Does a dict end here (TYPE_NULL)? Consumes it if so. */
static bool s_dict_end(struct cursor *c)
{
    if ((c->p[c->pos] & ~FLAG_REF) != '0')
        return false;
    c->pos++;
    return true;
}

/* An entry: its key and (cc, nc, tt, ct, {caller key: statistics}). */
static bool s_entry(struct ctx *cx, struct cursor *c, struct sink *sk)
{
    size_t key;
    uint8_t code;
    if (!s_key(cx, c, &key) || !cursor_u8(c, &code) || !s_tuple_head(c, code & ~FLAG_REF, 5))
        return false;
    if (code & FLAG_REF)
        sref_add(cx, SREF_OTHER);
    double num[4];
    int32_t i;
    size_t unused;
    for (size_t k = 0; k < 4; k++)
        if (!s_number(cx, c, false, &num[k], &i, &unused))
            return false;
    if (!sink_entry(cx, sk, key, num))
        return false;
    if (!cursor_u8(c, &code) || (code & ~FLAG_REF) != '{')
        return false;
    if (code & FLAG_REF)
        sref_add(cx, SREF_OTHER);
    for (;;) {
        if (!cursor_has(c, 1))
            return false;
        if (s_dict_end(c))
            return true;
        if (!s_caller(cx, c, sk))
            return false;
    }
}

/* The statistics dict at the start of c, or false (see above). */
static bool stream_dict(struct ctx *cx, struct cursor *c, struct sink *sk)
{
    cx->n_srefs = 0;
    /* A slot per 64 bytes of data (a key tuple of references takes 17), 2 MiB at most. */
    size_t n_memo = 256;
    while (n_memo < c->len / 64 && n_memo < ((size_t)1 << 17))
        n_memo *= 2;
    free(cx->memo);
    cx->memo = xcalloc(n_memo, sizeof(*cx->memo));
    cx->n_memo = n_memo;
    uint8_t code;
    size_t n = 0;
    if (!cursor_u8(c, &code) || (code & ~FLAG_REF) != '{')
        return false;
    if (code & FLAG_REF)
        sref_add(cx, SREF_OTHER);
    for (;; n++) {
        if (!cursor_has(c, 1))
            return false;
        if (s_dict_end(c))
            return n > 0; /* Python ignores what follows, so do we */
        if (!s_entry(cx, c, sk))
            return false;
    }
}

/* One file into its statistics, as load_file reads it, or false (see above);
 * cx->stream_stop tells where it stopped. */
static bool load_stream(struct ctx *cx, const struct input *in, struct stats *st)
{
    struct cursor c;
    struct sink sk = {.st = st};
    cursor_init(&c, in->data, in->len);
    bool ok = stream_dict(cx, &c, &sk);
    cx->stream_stop = c.pos;
    return ok;
}

/* The calls the sink kept, into its profile: each caller's array sized once, the calls in
 * the order read (the order profile_call would have given them). */
static void add_pending_calls(struct sink *sk)
{
    struct profile *p = sk->p;
    /* seen becomes a count of calls per caller */
    if (sk->cap_seen)
        memset(sk->seen, 0, sk->cap_seen * sizeof(*sk->seen));
    for (size_t i = 0; i < sk->n_calls; i++)
        sk->seen[sk->calls[i].caller]++;
    for (size_t f = 0; f < sk->cap_seen && f < p->n_funcs; f++)
        if (sk->seen[f])
            profile_reserve_calls(p, f, sk->seen[f]);
    for (size_t i = 0; i < sk->n_calls; i++) {
        const struct pending_call *pc = &sk->calls[i];
        struct prof_call *call = profile_call_new(p, pc->caller, pc->callee);
        ev_set(&call->ev, PEV_CALLS, pc->calls);
        ev_set(&call->ev, PEV_TOTAL_TIME, pc->total_time);
    }
    free(sk->calls);
    free(sk->seen);
}

/* A single file straight into a new profile, as build would make it from load_file's
 * statistics, or NULL (see above). */
static struct profile *stream_profile(struct ctx *cx, const struct input *in)
{
    struct cursor c;
    struct sink sk = {.p = profile_new(PROF_RECIPE_PSTATS, true), .max_ct = -INFINITY};
    cx->d->file = in->name;
    cx->input_bytes = in->len;
    /* A guess from the size (profiler files spend 100 to 250 bytes per function): tables
     * this big come from mmap (see util_init), so pages never used cost nothing and growing
     * past the guess moves pages instead of copying them. */
    profile_reserve(sk.p, in->len / 128);
    UTIL_GROW(cx->srefs, cx->cap_srefs, in->len / 32);
    /* The same guess for the keys (a function each) and the calls (cProfile files spend 50
     * to 100 bytes per caller; one made of references takes 10, and the array then grows):
     * malloc maps arrays this big, so only the pages used are touched. */
    UTIL_GROW(cx->keys, cx->cap_keys, in->len / 128);
    sk.cap_seen = in->len / 128 + 1;
    sk.seen = xcalloc(sk.cap_seen, sizeof(*sk.seen)); /* zero pages from the system */
    UTIL_GROW(sk.calls, sk.cap_calls, in->len / 40);
    cursor_init(&c, in->data, in->len);
    bool ok = stream_dict(cx, &c, &sk);
    cx->stream_stop = c.pos;
    if (!ok) {
        free(sk.calls);
        free(sk.seen);
        profile_free(sk.p);
        /* Start again from nothing (see load_file). */
        key_truncate(cx, 0);
        cx->text_bytes = 0;
        cx->n_pfiles = 0;
        imap_fini(&cx->filenames);
        imap_init(&cx->filenames);
        return NULL;
    }
    progress_advance(in->len);
    add_pending_calls(&sk);
    finish(sk.p, sk.time, sk.time > sk.max_ct ? sk.time : sk.max_ct);
    return sk.p;
}

/* Several files merge as pstats.Stats(f1, f2, ..., fn) does: f1 is the base and the others
 * are added in reverse order (Stats.add walks its arguments reversed). */
enum p2p_status pstats_read_mode(struct input *const *in, size_t n_in, enum pstats_mode mode,
                                 struct profile **out, struct diag *d)
{
    *out = NULL;
    if (n_in == 0)
        return diag_error(d, P2P_ERR_USAGE, "at least a file must be specified for pstats input");
    struct ctx cx;
    memset(&cx, 0, sizeof(cx));
    cx.d = d;
    cx.mode = mode;
    cx.scratch = arena_new();
    imap_init(&cx.filenames);
    cx.text_budget = (size_t)64 << 20;
    for (size_t i = 0; i < n_in; i++)
        cx.text_budget += in[i]->len < SIZE_MAX / 64 ? 16 * in[i]->len : SIZE_MAX / 4;
    strbuf_init(&cx.buf);
    strbuf_init(&cx.text);
    struct stats base, more;
    stats_init(&base);
    stats_init(&more);
    enum p2p_status s = P2P_OK;
    if (n_in == 1 && mode != PSTATS_DOCUMENT) {
        *out = stream_profile(&cx, in[0]);
        if (!*out && mode == PSTATS_STREAM)
            s = diag_fail_at(d, cx.stream_stop, "not in the shape the streaming reader knows");
        if (*out || mode == PSTATS_STREAM)
            goto out;
        cx.mode = PSTATS_DOCUMENT; /* streaming has just given up on it */
    }
    s = load_file(&cx, in[0], &base);
    for (size_t i = n_in; s == P2P_OK && i-- > 1;) {
        stats_fini(&more);
        stats_init(&more);
        s = load_file(&cx, in[i], &more);
        if (s == P2P_OK)
            s = merge(&cx, &base, &more, in[i]->name);
    }
    if (s == P2P_OK) {
        d->file = in[0]->name;
        *out = build(&cx, &base);
    }
out:
    stats_fini(&base);
    stats_fini(&more);
    strbuf_fini(&cx.buf);
    strbuf_fini(&cx.text);
    free(cx.key_slots);
    imap_fini(&cx.filenames);
    free(cx.cache);
    free(cx.keys);
    free(cx.pfiles);
    free(cx.texts);
    free(cx.srefs);
    free(cx.memo);
    arena_free(cx.scratch);
    return s;
}

static enum p2p_status read_pstats(struct input *const *in, size_t n_in,
                                   const struct reader_opts *opts, struct profile **out,
                                   struct diag *d)
{
    (void)opts;
    return pstats_read_mode(in, n_in, PSTATS_AUTO, out, d);
}

/* ---------------------------------------------------------------- sniffing */

struct head {
    const unsigned char *p;
    size_t n, pos;
};

enum shape { SHAPE_NO, SHAPE_YES, SHAPE_SHORT };

/* Skip one string object (any of the string codes, or a Python 2 string reference). */
static enum shape head_string(struct head *h)
{
    if (h->pos >= h->n)
        return SHAPE_SHORT;
    unsigned t = h->p[h->pos] & 0x7f;
    size_t len;
    if (t == 'z' || t == 'Z') {
        if (h->n - h->pos < 2)
            return SHAPE_SHORT;
        len = h->p[h->pos + 1];
        h->pos += 2;
    } else if (t == 's' || t == 't' || t == 'u' || t == 'a' || t == 'A' || t == 'R') {
        if (h->n - h->pos < 5)
            return SHAPE_SHORT;
        const unsigned char *q = h->p + h->pos + 1;
        uint32_t u = (uint32_t)q[0] | ((uint32_t)q[1] << 8) | ((uint32_t)q[2] << 16) |
                     ((uint32_t)q[3] << 24);
        h->pos += 5;
        if (t == 'R')
            return SHAPE_YES;
        if (u > 0x7fffffffu)
            return SHAPE_NO;
        len = u;
    } else {
        return SHAPE_NO;
    }
    if (len > h->n - h->pos)
        return SHAPE_SHORT;
    h->pos += len;
    return SHAPE_YES;
}

/* A dict whose first key is a (str, int, str-or-code) tuple is a statistics file; a bare
 * leading '{' with a marshal type after it is only a weak hint (JSON starts with '{' too). */
static int sniff(const unsigned char *p, size_t n)
{
    if (n < 2 || (p[0] & 0x7f) != '{')
        return 0;
    unsigned t1 = p[1] & 0x7f;
    int weak = (p[0] == 0xfb || t1 == '(' || t1 == ')' || t1 == '0') ? 20 : 0;
    struct head h = {p, n, 1};
    if (t1 == ')') {
        if (n < 3)
            return weak;
        if (p[2] != 3)
            return weak;
        h.pos = 3;
    } else if (t1 == '(') {
        if (n < 6)
            return weak;
        if (p[2] != 3 || p[3] || p[4] || p[5])
            return weak;
        h.pos = 6;
    } else {
        return weak;
    }
    enum shape sh = head_string(&h);
    if (sh != SHAPE_YES)
        return sh == SHAPE_SHORT ? 60 : weak;
    if (h.pos >= n)
        return 60;
    unsigned t = p[h.pos] & 0x7f;
    if (t != 'i' && t != 'l' && t != 'I')
        return weak;
    size_t skip = t == 'I' ? 9 : 5;
    if (t == 'l')
        return 90; /* a line number beyond 2^31: possible, not worth decoding here */
    if (n - h.pos < skip)
        return 60;
    h.pos += skip;
    if (h.pos >= n)
        return 60;
    if ((p[h.pos] & 0x7f) == 'c')
        return 100;
    sh = head_string(&h);
    if (sh == SHAPE_YES)
        return 100;
    return sh == SHAPE_SHORT ? 60 : weak;
}

const struct reader reader_pstats = {
    .name = "pstats",
    .summary = "Python cProfile / profile statistics (marshal), several files are merged",
    .sniff = sniff,
    .multi = true,
    .read = read_pstats,
};
