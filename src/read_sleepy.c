/* Reader for Very Sleepy captures (.sleepy): a ZIP archive whose Symbols.txt maps symbol ids to
 * module, procedure, source file and line, and whose Callstacks.txt holds one weighted stack
 * per line, leaf first. Checked against Very Sleepy 0.82 captures; the layout is documented
 * only by Very Sleepy's own writer and loader (ProfilerThread::saveData, Database::loadFromPath):
 *     Symbols.txt     sym3 "val3" "main" "C:\src\val3.c" 55
 *     Callstacks.txt  0.074062 sym1 sym3 sym0 sym4
 * Stats.txt, IPCounts.txt, "Version N required" and other members are ignored.
 */
#include "config.h"
#include "reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "arena.h"
#include "imap.h"
#include "progress.h"
#include "pytext.h"
#include "read_sleepy.h"

/* An uncompressed member may not exceed 1 GiB, and a member over 1 MiB may not expand more
 * than 2000-fold: deflate, which Very Sleepy uses, cannot pass about 1032:1, so more than that
 * is a zip bomb (or a degenerate bzip2/lzma member) rather than a profile. */
#define SLEEPY_MAX_MEMBER ((uint64_t)1 << 30)
#define SLEEPY_RATIO_FLOOR ((uint64_t)1 << 20)
#define SLEEPY_MAX_RATIO 2000

/* Python's `\w` for a symbol id: ASCII letters, digits and '_'; every non-ASCII character that
 * is not a space is taken as a letter (ids are "symN" in practice; Unicode tables would decide
 * only for hostile ids). Returns the character's length, or 0. */
static size_t word_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        return 1;
    if (c < 0x80 || pytext_space_at((const char *)s, (const char *)s + n))
        return 0;
    size_t k = 1;
    while (k < n && (s[k] & 0xc0) == 0x80)
        k++;
    return k;
}

/* Lines of a member as gprof2dot sees them: split at '\n' only, trailing '\r's removed. */
struct mlines {
    const char *p, *end;
    uint64_t lineno;
};

/* The lines of a member's text; an empty member leaves the buffer NULL, and NULL + 0 is
 * undefined. */
static struct mlines mlines_of(const struct strbuf *text)
{
    const char *s = text->s ? text->s : "";
    return (struct mlines){s, s + text->len, 0};
}

static bool mlines_next(struct mlines *m, const char **line, size_t *len)
{
    if (m->p >= m->end)
        return false;
    const char *nl = memchr(m->p, '\n', (size_t)(m->end - m->p));
    const char *e = nl ? nl : m->end;
    *line = m->p;
    m->p = nl ? nl + 1 : m->end;
    while (e > *line && e[-1] == '\r')
        e--;
    *len = (size_t)(e - *line);
    m->lineno++;
    return true;
}

/* One Symbols.txt line: ID "MODULE" "PROC" "SOURCEFILE" LINE, as gprof2dot's regular
 * expression reads it (\w+, \s+ separators, quoted fields without inner quotes, \d+ at the
 * end). The pointers go into the line. */
struct symline {
    const char *id, *module, *proc;
    size_t id_n, module_n, proc_n;
};

static bool parse_symline(const char *l, size_t n, struct symline *s)
{
    const unsigned char *u = (const unsigned char *)l;
    size_t i = 0, k;
    while (i < n && (k = word_len(u + i, n - i)) > 0)
        i += k;
    if (i == 0)
        return false;
    s->id = l;
    s->id_n = i;
    const char *field[3];
    size_t field_n[3];
    const char *end = l + n;
    for (int f = 0; f < 3; f++) {
        size_t j = (size_t)(pytext_skip_space(l + i, end, NULL) - l);
        if (j == i || j >= n || u[j] != '"')
            return false;
        const char *q = memchr(l + j + 1, '"', n - j - 1);
        if (!q)
            return false;
        field[f] = l + j + 1;
        field_n[f] = (size_t)(q - field[f]);
        i = (size_t)(q - l) + 1;
    }
    size_t j = (size_t)(pytext_skip_space(l + i, end, NULL) - l);
    if (j == i || !pytext_all_digits(l + j, n - j))
        return false;
    s->module = field[0];
    s->module_n = field_n[0];
    s->proc = field[1];
    s->proc_n = field_n[1];
    return true;
}

/* Python's float() on a token: parse_double after removing the '_' that PEP 515 allows
 * between digits. */
static bool parse_weight(const char *s, size_t n, double *out)
{
    char buf[128];
    size_t m = 0;
    if (n >= sizeof(buf))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == n || !pytext_digit(s[i - 1]) || !pytext_digit(s[i + 1]))
                return false;
            continue;
        }
        buf[m++] = s[i];
    }
    return parse_double(buf, m, out);
}

static bool ascii_caseeq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

/* The member gprof2dot would open for `want`: the first entry whose name matches ignoring
 * case names it, and, as Python's ZipFile keeps the last entry of a repeated name, the last
 * entry with exactly that name is read. */
static enum p2p_status find_member(zip_t *za, const char *want, zip_uint64_t *idx, struct diag *d)
{
    zip_int64_t n = zip_get_num_entries(za, 0);
    const char *found = NULL;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!name)
            continue;
        if (!found && ascii_caseeq(name, want))
            found = name;
        if (found && strcmp(name, found) == 0)
            *idx = (zip_uint64_t)i;
    }
    if (!found)
        return diag_fail(d, 0, "the archive has no %s member", want);
    return P2P_OK;
}

/* Read member idx whole into out, refusing oversized members and zip bombs. */
static enum p2p_status read_member(zip_t *za, zip_uint64_t idx, const char *what,
                                   struct strbuf *out, struct diag *d)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, idx, 0, &st) != 0)
        return diag_fail(d, 0, "cannot read %s: %s", what, zip_strerror(za));
    uint64_t limit = SLEEPY_MAX_MEMBER;
    if (st.valid & ZIP_STAT_SIZE) {
        if (st.size > SLEEPY_MAX_MEMBER)
            return diag_fail(d, 0, "%s is too large (%llu bytes uncompressed, limit 1 GiB)", what,
                             (unsigned long long)st.size);
        if ((st.valid & ZIP_STAT_COMP_SIZE) && st.size > SLEEPY_RATIO_FLOOR &&
            st.size / (st.comp_size ? st.comp_size : 1) > SLEEPY_MAX_RATIO)
            return diag_fail(d, 0,
                             "%s expands from %llu to %llu bytes, more than %d-fold: "
                             "refusing a likely zip bomb",
                             what, (unsigned long long)st.comp_size, (unsigned long long)st.size,
                             SLEEPY_MAX_RATIO);
        limit = st.size;
    }
    zip_file_t *zf = zip_fopen_index(za, idx, 0);
    if (!zf)
        return diag_fail(d, 0, "cannot open %s: %s", what, zip_strerror(za));
    enum p2p_status status = P2P_OK;
    char buf[16384];
    for (;;) {
        zip_int64_t got = zip_fread(zf, buf, sizeof(buf));
        if (got < 0) {
            status = diag_fail(d, 0, "cannot read %s: %s", what, zip_file_strerror(zf));
            break;
        }
        if (got == 0)
            break;
        if ((uint64_t)got > limit - out->len) {
            status = diag_fail(d, 0, "%s is longer than the archive says", what);
            break;
        }
        strbuf_add(out, buf, (size_t)got);
    }
    /* libzip 1.7 reads a deflated member whose compressed size is 0 as empty, without a CRC
     * error; Python's zipfile refuses it. */
    if (status == P2P_OK && (st.valid & ZIP_STAT_SIZE) && out->len < st.size)
        status = diag_fail(d, 0, "%s is shorter than the archive says", what);
    zip_fclose(zf);
    return status;
}

/* Symbol id (interned in the private arena) -> function. */
struct symtab {
    struct arena *ids;
    struct imap slot_of; /* interned id pointer -> index in funcs */
    size_t *funcs;       /* function of each id; a repeated id takes the later line */
    size_t n, cap;
};

static enum p2p_status parse_symbols(struct profile *p, struct symtab *t, const char *what,
                                     const struct strbuf *text, struct diag *d)
{
    struct mlines m = mlines_of(text);
    struct strbuf key;
    const char *l;
    size_t n;
    strbuf_init(&key);
    enum p2p_status status = P2P_OK;
    while (mlines_next(&m, &l, &n)) {
        struct symline s;
        if (!pytext_utf8_valid(l, n, false)) {
            status = diag_fail(d, 0, "%s:%llu: invalid UTF-8", what, (unsigned long long)m.lineno);
            break;
        }
        if (!parse_symline(l, n, &s))
            continue; /* gprof2dot ignores lines of other shapes */
        if (memchr(s.module, '\0', s.module_n) || memchr(s.proc, '\0', s.proc_n)) {
            status = diag_fail(d, 0, "%s:%llu: NUL byte in a symbol name", what,
                               (unsigned long long)m.lineno);
            break;
        }
        /* Functions are keyed MODULE:PROC, so one procedure listed under several ids (one per
         * address range) is one node. */
        strbuf_reset(&key);
        strbuf_add(&key, s.module, s.module_n);
        strbuf_addc(&key, ':');
        strbuf_add(&key, s.proc, s.proc_n);
        bool created;
        size_t fi = profile_func_str(p, key.s, key.len, &created);
        if (created) {
            struct prof_func *f = &p->funcs[fi];
            f->name = profile_intern(p, s.proc, s.proc_n);
            f->module = profile_intern(p, s.module, s.module_n);
            ev_set(&f->ev, PEV_SAMPLES, 0);
        }
        const char *id = arena_intern(t->ids, s.id, s.id_n);
        size_t slot = imap_put(&t->slot_of, (uint64_t)(uintptr_t)id, t->n);
        if (slot == t->n) {
            UTIL_GROW(t->funcs, t->cap, t->n + 1);
            t->n++;
        }
        t->funcs[slot] = fi;
    }
    strbuf_fini(&key);
    return status;
}

static enum p2p_status parse_callstacks(struct profile *p, const struct symtab *t, const char *what,
                                        const struct strbuf *text, struct diag *d)
{
    struct mlines m = mlines_of(text);
    size_t *stack = NULL, cap = 0;
    const char *l;
    size_t n;
    enum p2p_status status = P2P_OK;
    while (status == P2P_OK && mlines_next(&m, &l, &n)) {
        unsigned long long ln = (unsigned long long)m.lineno;
        if (!pytext_utf8_valid(l, n, false)) {
            status = diag_fail(d, 0, "%s:%llu: invalid UTF-8", what, ln);
            break;
        }
        size_t pos = 0, depth = 0;
        struct span w;
        double weight = 0;
        bool have_weight = false;
        while (span_next_word((struct span){l, n}, &pos, &w)) {
            if (!have_weight) {
                if (!parse_weight(w.s, w.n, &weight)) {
                    status = diag_fail(d, 0, "%s:%llu: expected a sample weight, found \"%.*s\"",
                                       what, ln, (int)(w.n > 64 ? 64 : w.n), w.s);
                    break;
                }
                have_weight = true;
            } else {
                const char *id = arena_lookup(t->ids, w.s, w.n);
                size_t slot = id ? imap_get(&t->slot_of, (uint64_t)(uintptr_t)id) : IMAP_NONE;
                if (slot == IMAP_NONE) {
                    status = diag_fail(d, 0, "%s:%llu: unknown symbol \"%.*s\"", what, ln,
                                       (int)(w.n > 64 ? 64 : w.n), w.s);
                    break;
                }
                UTIL_GROW(stack, cap, depth + 1);
                stack[depth++] = t->funcs[slot];
            }
        }
        if (status != P2P_OK)
            break;
        if (!have_weight) {
            status = diag_fail(d, 0, "%s:%llu: blank line", what, ln);
            break;
        }
        if (depth == 0) {
            status = diag_fail(d, 0, "%s:%llu: a weight without a call stack", what, ln);
            break;
        }
        ev_add(&p->funcs[stack[0]].ev, PEV_SAMPLES, weight);
        ev_add(&p->ev, PEV_SAMPLES, weight);
        for (size_t k = 1; k < depth; k++) {
            struct prof_call *c = profile_call(p, stack[k], stack[k - 1], NULL);
            ev_add(&c->ev, PEV_SAMPLES2, weight);
        }
    }
    free(stack);
    return status;
}

enum p2p_status sleepy_read_members(sleepy_member_fn get, void *ctx, struct profile **out,
                                    struct diag *d)
{
    struct symtab t = {arena_new(), {0}, NULL, 0, 0};
    struct strbuf text;
    imap_init(&t.slot_of);
    strbuf_init(&text);
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    ev_set(&p->ev, PEV_SAMPLES, 0);
    enum p2p_status status = get(ctx, "Symbols.txt", &text, d);
    if (status == P2P_OK)
        status = parse_symbols(p, &t, "Symbols.txt", &text, d);
    strbuf_reset(&text);
    if (status == P2P_OK)
        status = get(ctx, "Callstacks.txt", &text, d);
    if (status == P2P_OK)
        status = parse_callstacks(p, &t, "Callstacks.txt", &text, d);
    strbuf_fini(&text);
    free(t.funcs);
    imap_fini(&t.slot_of);
    arena_free(t.ids);
    if (status != P2P_OK) {
        profile_free(p);
        p = NULL;
    }
    *out = p;
    return status;
}

/* sleepy_member_fn over an open archive. */
static enum p2p_status zip_member(void *ctx, const char *name, struct strbuf *out,
                                  struct diag *d)
{
    zip_t *za = ctx;
    zip_uint64_t idx = 0;
    enum p2p_status status = find_member(za, name, &idx, d);
    if (status == P2P_OK)
        status = read_member(za, idx, name, out, d);
    return status;
}

static enum p2p_status read_sleepy(struct input *const *in, size_t n_in,
                                   const struct reader_opts *opts, struct profile **out,
                                   struct diag *d)
{
    (void)opts;
    *out = NULL;
    if (n_in != 1)
        return diag_error(d, P2P_ERR_USAGE, "exactly one file must be given for sleepy input");
    d->file = in[0]->name;
    /* libzip opens an empty file as an empty archive; gprof2dot's zipfile refuses it. */
    if (in[0]->len == 0)
        return diag_fail(d, 0, "empty file, expected a ZIP archive");

    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(in[0]->data, in[0]->len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        enum p2p_status st =
            diag_fail(d, 0, "not a readable ZIP archive: %s", zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);

    enum p2p_status status = sleepy_read_members(zip_member, za, out, d);
    zip_discard(za); /* also frees src */
    if (status == P2P_OK)
        progress_advance(in[0]->len); /* at the end: libzip reads the archive as it likes */
    return status;
}

static bool head_has(const unsigned char *head, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++) {
        size_t k = 0;
        while (k < w) {
            unsigned char c = head[i + k];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if (c != (unsigned char)word[k])
                break;
            k++;
        }
        if (k == w)
            return true;
    }
    return false;
}

/* A ZIP local file header, sure when the first member is one Very Sleepy writes or the head
 * names its Symbols.txt / Callstacks.txt. Any other ZIP is unlikely but possible. */
static int sniff(const unsigned char *head, size_t n)
{
    static const char *const members[] = {"stats.txt", "ipcounts.txt", "symbols.txt",
                                          "callstacks.txt"};
    if (n < 4 || memcmp(head, "PK\3\4", 4) != 0)
        return n >= 4 && memcmp(head, "PK\5\6", 4) == 0 ? 5 : 0;
    if (n >= 30) {
        size_t len = (size_t)head[26] | ((size_t)head[27] << 8);
        if (len > 0 && len < 64 && n >= 30 + len) {
            char name[64];
            memcpy(name, head + 30, len);
            name[len] = '\0';
            for (size_t i = 0; i < P2P_ARRAY_LEN(members); i++)
                if (ascii_caseeq(name, members[i]))
                    return 100;
            if (len > 8 && memcmp(name, "Version ", 8) == 0)
                return 100;
        }
    }
    if (head_has(head, n, "callstacks.txt") || head_has(head, n, "symbols.txt"))
        return 90;
    return 20;
}

const struct reader reader_sleepy = {
    .name = "sleepy",
    .summary = "Very Sleepy capture (.sleepy ZIP archive)",
    .sniff = sniff,
    .multi = false,
    .read = read_sleepy,
};
