/* Reader for profiles saved by Sysprof 1.x ("Save As", Sysprof 1.0-1.2): XML with a <profile>
 * root holding <objects> (one per function, with its self and total samples) and <nodes> (the
 * call tree, each node pointing at an object and at its parent node). The format is documented
 * only by Sysprof 1.x's own writer and loader (profile.c, profile_save / profile_load):
 *     <object id="816"><name>"_int_malloc"</name><total>69</total><self>57</self></object>
 *     <node id="9"><object>816</object><parent>7</parent><total>3</total><self>3</self></node>
 * Parsed with expat as a stream; the document never decides recursion depth or walk length.
 */
#include "config.h"
#include "reader.h"

#include <expat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "imap.h"
#include "progress.h"
#include "pytext.h"

/* Most <object> or <node> elements a profile may hold (real ones have thousands). */
#define SYSPROF_MAX_ITEMS ((size_t)1 << 26)
/* expat takes an int length: feed the document in pieces. */
#define SYSPROF_CHUNK ((size_t)1 << 24)

/* A field value as gprof2dot classifies the trimmed text: all ASCII digits -> integer (BIG
 * when it does not fit 64 bits), else a string. */
enum val_kind { VAL_ABSENT, VAL_INT, VAL_BIG, VAL_TEXT };

struct val {
    enum val_kind kind;
    uint64_t v;
};

/* One <object> or <node>: the fields the profile needs, and the walk state of a node. */
struct item {
    int64_t id;
    uint64_t line;    /* of its start tag */
    const char *name; /* object <name> (interned in the profile), NULL if absent */
    struct val self, object, parent;
    unsigned char state; /* node walk: WALK_NEW, WALK_ON_PATH, WALK_DONE */
    size_t up;           /* WALK_DONE: node the walk from here ends at, SIZE_MAX for none */
};

enum { WALK_NEW, WALK_ON_PATH, WALK_DONE };

struct items {
    struct item *v;
    size_t n, cap;
    struct imap by_id;
    const char *elem; /* "object" or "node" */
};

/* Where the parser is: the element kinds of the only shape a profile may have. */
enum ctx { CTX_TOP, CTX_PROFILE, CTX_LIST, CTX_ITEM, CTX_VALUE, CTX_DONE };

struct parser {
    XML_Parser xp;
    struct diag *d;
    enum p2p_status status;
    struct profile *p;
    enum ctx ctx[5];
    int depth;
    struct items objects, nodes;
    struct items *list; /* the list being read */
    struct item *item;  /* its item being read */
    const char *field;  /* the field element being read (interned), NULL at profile level */
    struct strbuf text;
    /* Field names, interned, with the number of the item that last had each: a repeat within
     * one item is an error, as in gprof2dot. */
    struct arena *names;
    struct imap field_slot;
    size_t *field_seen, n_fields, cap_fields;
    size_t item_seq;
    const char *f_name, *f_self, *f_object, *f_parent;
};

static uint64_t cur_line(const struct parser *ps)
{
    return (uint64_t)XML_GetCurrentLineNumber(ps->xp);
}

static void stop(struct parser *ps)
{
    ps->status = P2P_ERR_PARSE;
    XML_StopParser(ps->xp, XML_FALSE);
}

/* Python's int() on an id attribute: surrounding whitespace, a sign, digits with single '_'
 * between them. */
static bool parse_id(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    size_t m = 0, i = 0;
    struct span t = span_strip((struct span){s, n});
    s = t.s;
    n = t.n;
    if (n > 0 && (s[0] == '+' || s[0] == '-'))
        buf[m++] = s[i++];
    for (; i < n; i++) {
        if (s[i] == '_' && i > 0 && pytext_digit(s[i - 1]) && i + 1 < n && pytext_digit(s[i + 1]))
            continue;
        if (!pytext_digit(s[i]) || m + 1 >= sizeof(buf))
            return false;
        buf[m++] = s[i];
    }
    return parse_i64(buf, m, out);
}

/* The interned field name and whether the current item already has it. */
static const char *field_name(struct parser *ps, const char *name, bool *repeated)
{
    const char *f = arena_intern(ps->names, name, strlen(name));
    size_t slot = imap_put(&ps->field_slot, (uint64_t)(uintptr_t)f, ps->n_fields);
    if (slot == ps->n_fields) {
        UTIL_GROW(ps->field_seen, ps->cap_fields, ps->n_fields + 1);
        ps->field_seen[ps->n_fields++] = SIZE_MAX;
    }
    *repeated = ps->field_seen[slot] == ps->item_seq;
    ps->field_seen[slot] = ps->item_seq;
    return f;
}

static void start_item(struct parser *ps, const char *name, const char **atts)
{
    struct items *l = ps->list;
    if (strcmp(name, l->elem) != 0) {
        diag_fail(ps->d, cur_line(ps), "expected <%s>, found <%.64s>", l->elem, name);
        return stop(ps);
    }
    const char *id = NULL;
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], "id") == 0)
            id = atts[i + 1];
    int64_t v;
    if (!id) {
        diag_fail(ps->d, cur_line(ps), "<%s> without an id attribute", l->elem);
        return stop(ps);
    }
    if (!parse_id(id, strlen(id), &v)) {
        diag_fail(ps->d, cur_line(ps), "<%s> id \"%.64s\" is not an integer", l->elem, id);
        return stop(ps);
    }
    if (l->n >= SYSPROF_MAX_ITEMS) {
        diag_fail(ps->d, cur_line(ps), "too many <%s> elements (limit %zu)", l->elem,
                  SYSPROF_MAX_ITEMS);
        return stop(ps);
    }
    if (imap_put(&l->by_id, (uint64_t)v, l->n) != l->n) {
        diag_fail(ps->d, cur_line(ps), "duplicate <%s id=\"%lld\">", l->elem, (long long)v);
        return stop(ps);
    }
    UTIL_GROW(l->v, l->cap, l->n + 1);
    struct item *it = &l->v[l->n++];
    memset(it, 0, sizeof(*it));
    it->id = v;
    it->line = cur_line(ps);
    it->up = SIZE_MAX;
    ps->item = it;
    ps->item_seq++;
}

static void XMLCALL on_start(void *ud, const char *name, const char **atts)
{
    struct parser *ps = ud;
    enum ctx next = CTX_VALUE;
    if (ps->status != P2P_OK)
        return;
    switch (ps->ctx[ps->depth]) {
    case CTX_TOP:
        if (strcmp(name, "profile") != 0) {
            diag_fail(ps->d, cur_line(ps), "expected <profile>, found <%.64s>", name);
            return stop(ps);
        }
        next = CTX_PROFILE;
        break;
    case CTX_PROFILE:
        ps->field = NULL;
        if (strcmp(name, "objects") == 0 || strcmp(name, "nodes") == 0) {
            struct items *l = name[0] == 'o' ? &ps->objects : &ps->nodes;
            /* gprof2dot asserts that a list is not read twice, but an empty one is falsy:
             * only a second list after a non-empty one fails. */
            if (l->n > 0) {
                diag_fail(ps->d, cur_line(ps), "a second <%s> list", name);
                return stop(ps);
            }
            ps->list = l;
            next = CTX_LIST;
        }
        break;
    case CTX_LIST:
        start_item(ps, name, atts);
        if (ps->status != P2P_OK)
            return;
        next = CTX_ITEM;
        break;
    case CTX_ITEM: {
        bool repeated;
        ps->field = field_name(ps, name, &repeated);
        if (repeated) {
            diag_fail(ps->d, cur_line(ps), "<%s id=\"%lld\"> has two <%.64s>", ps->list->elem,
                      (long long)ps->item->id, name);
            return stop(ps);
        }
        break;
    }
    case CTX_VALUE:
        diag_fail(ps->d, cur_line(ps), "expected text, found <%.64s>", name);
        return stop(ps);
    case CTX_DONE:
        break; /* expat allows one root element only */
    }
    if (ps->depth + 1 >= (int)P2P_ARRAY_LEN(ps->ctx)) {
        diag_fail(ps->d, cur_line(ps), "elements nested too deeply");
        return stop(ps);
    }
    ps->ctx[++ps->depth] = next;
    strbuf_reset(&ps->text);
}

/* Classify the text of a field (gprof2dot: trimmed; all digits -> int; "..." -> inside). */
static struct val classify(const char *s, size_t n, const char **str, size_t *str_n)
{
    struct val v = {VAL_TEXT, 0};
    if (pytext_all_digits(s, n)) {
        v.kind = parse_u64(s, n, &v.v) ? VAL_INT : VAL_BIG;
    } else if (n > 0 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n = n >= 2 ? n - 2 : 0;
    }
    *str = s;
    *str_n = n;
    return v;
}

static void end_value(struct parser *ps)
{
    if (!ps->field)
        return; /* a profile-level value such as <size>: ignored */
    struct span t = span_strip((struct span){ps->text.s ? ps->text.s : "", ps->text.len});
    const char *str;
    size_t str_n;
    struct val v = classify(t.s, t.n, &str, &str_n);
    struct item *it = ps->item;
    bool is_obj = ps->list == &ps->objects;
    if (ps->field == ps->f_self)
        it->self = v;
    else if (!is_obj && ps->field == ps->f_object)
        it->object = v;
    else if (!is_obj && ps->field == ps->f_parent)
        it->parent = v;
    else if (is_obj && ps->field == ps->f_name)
        /* An all-digit name would become a Python int, which gprof2dot cannot print: keep the
         * text as written. */
        it->name = profile_intern(ps->p, str, str_n);
}

static void XMLCALL on_end(void *ud, const char *name)
{
    struct parser *ps = ud;
    (void)name; /* expat checks that end tags match */
    if (ps->status != P2P_OK)
        return; /* expat may still report the end of an empty element after a stop */
    switch (ps->ctx[ps->depth]) {
    case CTX_VALUE:
        end_value(ps);
        ps->field = NULL;
        break;
    case CTX_ITEM:
        ps->item = NULL;
        break;
    case CTX_PROFILE:
        ps->ctx[0] = CTX_DONE;
        break;
    default:
        break;
    }
    ps->depth--;
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
    struct parser *ps = ud;
    if (ps->status != P2P_OK)
        return;
    if (ps->ctx[ps->depth] == CTX_VALUE) {
        strbuf_add(&ps->text, s, (size_t)len);
        return;
    }
    /* Between elements only whitespace may stand (gprof2dot skips whitespace-only text and
     * fails on any other). */
    if (pytext_skip_space(s, s + len, NULL) != s + len) {
        diag_fail(ps->d, cur_line(ps), "unexpected text between elements");
        stop(ps);
    }
}

/* Entity declarations are refused outright (as defusedxml does): they serve no purpose in a
 * profile and are the way to entity-expansion bombs; external entities are never loaded. */
static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len, const XML_Char *base,
                                   const XML_Char *system_id, const XML_Char *public_id,
                                   const XML_Char *notation)
{
    struct parser *ps = ud;
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)system_id;
    (void)public_id, (void)notation;
    diag_fail(ps->d, cur_line(ps), "entity declarations are not supported");
    stop(ps);
}

static enum p2p_status parse_xml(struct parser *ps, const struct input *in)
{
    /* Forced UTF-8 as gprof2dot feeds expat decoded text; input.c has already turned UTF-16
     * into UTF-8. */
    ps->xp = XML_ParserCreate("UTF-8");
    if (!ps->xp)
        util_oom();
    XML_SetUserData(ps->xp, ps);
    XML_SetElementHandler(ps->xp, on_start, on_end);
    XML_SetCharacterDataHandler(ps->xp, on_text);
    XML_SetEntityDeclHandler(ps->xp, on_entity_decl);
    XML_SetParamEntityParsing(ps->xp, XML_PARAM_ENTITY_PARSING_NEVER);
    size_t pos = 0;
    do {
        size_t n = in->len - pos < SYSPROF_CHUNK ? in->len - pos : SYSPROF_CHUNK;
        bool final = pos + n == in->len;
        if (XML_Parse(ps->xp, (const char *)in->data + pos, (int)n, final) != XML_STATUS_OK) {
            if (ps->status != P2P_OK)
                return ps->status;
            return diag_fail(ps->d, cur_line(ps), "XML error: %s",
                             XML_ErrorString(XML_GetErrorCode(ps->xp)));
        }
        pos += n;
        progress_advance(n);
    } while (pos < in->len);
    if (ps->status == P2P_OK && ps->ctx[0] != CTX_DONE)
        return diag_fail(ps->d, cur_line(ps), "expected <profile>"); /* unreachable: expat */
    return ps->status;
}

/* The object a node points at, by index, or an error naming `why`. */
static enum p2p_status node_object(struct parser *ps, const struct item *n, size_t *obj)
{
    if (n->object.kind == VAL_ABSENT)
        return diag_fail(ps->d, n->line, "<node id=\"%lld\"> has no <object>", (long long)n->id);
    *obj = IMAP_NONE;
    if (n->object.kind == VAL_INT && n->object.v <= INT64_MAX)
        *obj = imap_get(&ps->objects.by_id, n->object.v);
    if (*obj == IMAP_NONE)
        return diag_fail(ps->d, n->line, "<node id=\"%lld\"> refers to a missing object",
                         (long long)n->id);
    return P2P_OK;
}

/* The parent node of n (index into nodes), SIZE_MAX for the root (parent 0). */
static enum p2p_status node_parent(struct parser *ps, const struct item *n, size_t *parent)
{
    if (n->parent.kind == VAL_ABSENT)
        return diag_fail(ps->d, n->line, "<node id=\"%lld\"> has no <parent>", (long long)n->id);
    if (n->parent.kind == VAL_INT && n->parent.v == 0) {
        *parent = SIZE_MAX;
        return P2P_OK;
    }
    *parent = IMAP_NONE;
    if (n->parent.kind == VAL_INT && n->parent.v <= INT64_MAX)
        *parent = imap_get(&ps->nodes.by_id, n->parent.v);
    if (*parent == IMAP_NONE)
        return diag_fail(ps->d, n->line, "<node id=\"%lld\"> refers to a missing parent node",
                         (long long)n->id);
    return P2P_OK;
}

/* gprof2dot's walk up from node i to the nearest ancestor whose object has self samples
 * (*found = SIZE_MAX when the walk reaches the root). Done iteratively; every node walked over
 * remembers where its walk ends, so hostile deep trees stay linear, and meeting a node of the
 * current walk again is a parent cycle (gprof2dot would loop forever). */
static enum p2p_status walk_up(struct parser *ps, size_t i, size_t **path, size_t *path_cap,
                               size_t *found)
{
    struct item *nodes = ps->nodes.v;
    size_t k, n_path = 0;
    enum p2p_status st = node_parent(ps, &nodes[i], &k);
    while (st == P2P_OK && k != SIZE_MAX) {
        struct item *q = &nodes[k];
        if (q->state == WALK_DONE) {
            k = q->up;
            break;
        }
        if (q->state == WALK_ON_PATH)
            return diag_fail(ps->d, q->line, "parent cycle through <node id=\"%lld\">",
                             (long long)q->id);
        size_t obj;
        st = node_object(ps, q, &obj);
        if (st != P2P_OK)
            return st;
        if (ps->objects.v[obj].self.v != 0)
            break;
        q->state = WALK_ON_PATH;
        UTIL_GROW(*path, *path_cap, n_path + 1);
        (*path)[n_path++] = k;
        st = node_parent(ps, q, &k);
    }
    if (st != P2P_OK)
        return st;
    for (size_t j = 0; j < n_path; j++) {
        nodes[(*path)[j]].state = WALK_DONE;
        nodes[(*path)[j]].up = k;
    }
    *found = k;
    return P2P_OK;
}

static enum p2p_status check_self(struct parser *ps, const struct items *l, const struct item *it)
{
    if (it->self.kind == VAL_ABSENT)
        return diag_fail(ps->d, it->line, "<%s id=\"%lld\"> has no <self>", l->elem,
                         (long long)it->id);
    if (it->self.kind == VAL_BIG)
        return diag_fail(ps->d, it->line, "<self> of <%s id=\"%lld\"> is too large", l->elem,
                         (long long)it->id);
    if (it->self.kind == VAL_TEXT)
        return diag_fail(ps->d, it->line, "<self> of <%s id=\"%lld\"> is not an integer", l->elem,
                         (long long)it->id);
    return P2P_OK;
}

static enum p2p_status build(struct parser *ps)
{
    struct profile *p = ps->p;
    ev_set(&p->ev, PEV_SAMPLES, 0);
    /* Objects without self samples are Sysprof's groupings (processes, libraries,
     * "Everything", "kernel") and callers that only pass time on: no function. */
    for (size_t i = 0; i < ps->objects.n; i++) {
        const struct item *o = &ps->objects.v[i];
        enum p2p_status st = check_self(ps, &ps->objects, o);
        if (st != P2P_OK)
            return st;
        if (o->self.v == 0)
            continue;
        if (!o->name)
            return diag_fail(ps->d, o->line, "<object id=\"%lld\"> has no <name>",
                             (long long)o->id);
        size_t fi = profile_func_int(p, o->id, NULL);
        p->funcs[fi].name = o->name;
        ev_set(&p->funcs[fi].ev, PEV_SAMPLES, (double)o->self.v);
        ev_add(&p->ev, PEV_SAMPLES, (double)o->self.v);
    }
    /* Each node with self samples is a call from the nearest ancestor frame whose function
     * exists, weighted by the node's own self samples. */
    size_t *path = NULL, path_cap = 0;
    enum p2p_status st = P2P_OK;
    for (size_t i = 0; i < ps->nodes.n && st == P2P_OK; i++) {
        const struct item *n = &ps->nodes.v[i];
        if (n->self.kind == VAL_ABSENT || n->self.kind == VAL_BIG) {
            st = check_self(ps, &ps->nodes, n);
            break;
        }
        if (n->self.kind == VAL_INT && n->self.v == 0)
            continue;
        size_t up = SIZE_MAX, callee;
        st = walk_up(ps, i, &path, &path_cap, &up);
        if (st != P2P_OK || up == SIZE_MAX)
            continue; /* a text <self> reaching no caller passes in gprof2dot too */
        if (n->self.kind == VAL_TEXT) {
            st = check_self(ps, &ps->nodes, n);
            break;
        }
        size_t caller;
        st = node_object(ps, &ps->nodes.v[up], &caller);
        if (st == P2P_OK)
            st = node_object(ps, n, &callee);
        if (st != P2P_OK)
            break;
        if (ps->objects.v[callee].self.v == 0) {
            st = diag_fail(ps->d, n->line,
                           "<node id=\"%lld\"> has self samples but its object has none",
                           (long long)n->id);
            break;
        }
        size_t fc = profile_find_int(p, ps->objects.v[caller].id);
        size_t fe = profile_find_int(p, ps->objects.v[callee].id);
        struct prof_call *c = profile_call(p, fc, fe, NULL);
        ev_add(&c->ev, PEV_SAMPLES2, (double)n->self.v);
    }
    free(path);
    return st;
}

static void items_init(struct items *l, const char *elem)
{
    memset(l, 0, sizeof(*l));
    imap_init(&l->by_id);
    l->elem = elem;
}

static void items_fini(struct items *l)
{
    free(l->v);
    imap_fini(&l->by_id);
}

static enum p2p_status read_sysprof(struct input *const *in, size_t n_in,
                                    const struct reader_opts *opts, struct profile **out,
                                    struct diag *d)
{
    (void)opts;
    *out = NULL;
    if (n_in != 1)
        return diag_error(d, P2P_ERR_USAGE, "exactly one file must be given for sysprof input");
    d->file = in[0]->name;

    struct parser ps;
    memset(&ps, 0, sizeof(ps));
    ps.d = d;
    ps.p = profile_new(PROF_RECIPE_SAMPLES, true);
    ps.ctx[0] = CTX_TOP;
    items_init(&ps.objects, "object");
    items_init(&ps.nodes, "node");
    strbuf_init(&ps.text);
    ps.names = arena_new();
    imap_init(&ps.field_slot);
    ps.f_name = arena_intern(ps.names, "name", 4);
    ps.f_self = arena_intern(ps.names, "self", 4);
    ps.f_object = arena_intern(ps.names, "object", 6);
    ps.f_parent = arena_intern(ps.names, "parent", 6);

    enum p2p_status st = parse_xml(&ps, in[0]);
    if (st == P2P_OK)
        st = build(&ps);

    if (ps.xp)
        XML_ParserFree(ps.xp);
    items_fini(&ps.objects);
    items_fini(&ps.nodes);
    strbuf_fini(&ps.text);
    free(ps.field_seen);
    imap_fini(&ps.field_slot);
    arena_free(ps.names);
    if (st != P2P_OK) {
        profile_free(ps.p);
        return st;
    }
    *out = ps.p;
    return P2P_OK;
}

static bool starts(const unsigned char *s, size_t n, const char *w)
{
    return pytext_starts((const char *)s, n, w);
}

static bool contains(const unsigned char *s, size_t n, const char *w)
{
    return pytext_contains((const char *)s, n, w);
}

/* An XML document whose root is <profile>, after the declaration, comments and doctype; sure
 * when Sysprof's child elements follow. */
static int sniff(const unsigned char *head, size_t n)
{
    size_t i = 0;
    for (;;) {
        while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
            i++;
        const char *close = NULL;
        if (starts(head + i, n - i, "<?"))
            close = "?>";
        else if (starts(head + i, n - i, "<!--"))
            close = "-->";
        else if (starts(head + i, n - i, "<!"))
            close = ">";
        if (!close)
            break;
        const unsigned char *e = memmem(head + i, n - i, close, strlen(close));
        if (!e)
            return 0;
        i = (size_t)(e - head) + strlen(close);
    }
    if (!starts(head + i, n - i, "<profile") || n - i < 9 ||
        !(head[i + 8] == '>' || head[i + 8] == ' ' || head[i + 8] == '\t' || head[i + 8] == '\r' ||
          head[i + 8] == '\n'))
        return 0;
    if (contains(head + i, n - i, "<objects>") || contains(head + i, n - i, "<nodes>") ||
        contains(head + i, n - i, "<call_tree>") || contains(head + i, n - i, "<size>"))
        return 95;
    return 60;
}

const struct reader reader_sysprof = {
    .name = "sysprof",
    .summary = "Sysprof 1.x saved profile (XML)",
    .sniff = sniff,
    .multi = false,
    .read = read_sysprof,
};
