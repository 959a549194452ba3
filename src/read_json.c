/* Reader for gprof2dot's own JSON profile (its schema.json, as written by e.g. memtrail): one
 * object with "version": 0, "functions" (name, optional module and process) and "events"
 * (a callchain of function indices, leaf first, and a cost list of which only cost[0] counts):
 *     {"version": 0, "functions": [{"name": "main"}, {"name": "f", "module": "a.out"}],
 *      "events": [{"callchain": [1, 0], "cost": [3]}]}
 * Checked against gprof2dot 2025.04.14 and later (JsonParser) and its schema.json. Keys may
 * come in any order and a repeated key counts once with its last value, as in Python's json
 * module, so checks of a value wait until the document is complete. */
#include "config.h"
#include "reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* A check that failed on the current value of a key; cleared when the key repeats. */
struct pending {
    bool bad;
    uint64_t line;
    char msg[200];
};

P2P_PRINTF(3, 4)
static void defer(struct pending *e, uint64_t line, const char *fmt, ...)
{
    if (e->bad)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    e->bad = true;
    e->line = line;
}

struct jfunc {
    const char *name, *module, *process; /* interned; module/process NULL when absent */
};

struct jevent {
    size_t start, len; /* slice of the chain array */
    double cost;
    uint64_t line;
};

struct jstate {
    struct json_parser jp;
    struct profile *p;
    struct diag *d;
    bool have_version, version_ok;
    uint64_t version_line;
    bool have_funcs, have_events;
    struct pending funcs_err, events_err;
    struct jfunc *funcs;
    size_t n_funcs, cap_funcs;
    struct jevent *events;
    size_t n_events, cap_events;
    double *chain; /* callchain entries of all events, as read */
    size_t n_chain, cap_chain;
};

static enum p2p_status next(struct jstate *s, enum json_token *t)
{
    return json_next(&s->jp, t, s->d);
}

static bool key_is(const struct jstate *s, const char *k)
{
    return s->jp.str_len == strlen(k) && memcmp(s->jp.str, k, s->jp.str_len) == 0;
}

/* Python's truth: a bool is the integer 0 or 1 wherever gprof2dot does arithmetic. */
static bool numeric(const struct jstate *s, enum json_token t, double *v)
{
    if (t == JSON_NUMBER)
        *v = s->jp.num;
    else if (t == JSON_TRUE || t == JSON_FALSE)
        *v = t == JSON_TRUE;
    else
        return false;
    return true;
}

/* The value of an optional string field of a function, after the last repeat of its key. */
struct jfield {
    bool present;
    enum json_token tok;
    const char *str;
    bool has_nul;
    uint64_t line;
};

static enum p2p_status read_field(struct jstate *s, struct jfield *f)
{
    enum json_token t;
    if (next(s, &t) != P2P_OK)
        return P2P_ERR_PARSE;
    f->present = true;
    f->tok = t;
    f->line = s->jp.tok_line;
    f->str = NULL;
    f->has_nul = false;
    if (t == JSON_STRING) {
        f->has_nul = memchr(s->jp.str, '\0', s->jp.str_len) != NULL;
        f->str = profile_intern(s->p, s->jp.str, s->jp.str_len);
    }
    return json_skip(&s->jp, t, s->d);
}

/* A function's name, module or process: a string without NUL; module and process may also
 * be null or absent. */
static bool check_field(struct jstate *s, const struct jfield *f, const char *what, bool optional,
                        size_t index, uint64_t obj_line)
{
    if (!f->present) {
        if (!optional)
            defer(&s->funcs_err, obj_line, "function %zu has no \"%s\"", index, what);
        return optional;
    }
    if (f->tok == JSON_NULL && optional)
        return true;
    if (f->tok != JSON_STRING) {
        defer(&s->funcs_err, f->line, "the \"%s\" of function %zu must be a string, not %s", what,
              index, json_token_desc(f->tok));
        return false;
    }
    if (f->has_nul) {
        defer(&s->funcs_err, f->line, "the \"%s\" of function %zu contains a NUL character", what,
              index);
        return false;
    }
    return true;
}

/* One element of "functions"; its '{' was just read. */
static enum p2p_status read_function(struct jstate *s)
{
    struct jfield name = {0}, module = {0}, process = {0};
    uint64_t obj_line = s->jp.tok_line;
    for (;;) {
        enum json_token t;
        if (next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        if (t == JSON_OBJECT_END)
            break;
        struct jfield *f = key_is(s, "name")      ? &name
                           : key_is(s, "module")  ? &module
                           : key_is(s, "process") ? &process
                                                  : NULL;
        if (f) {
            if (read_field(s, f) != P2P_OK)
                return P2P_ERR_PARSE;
        } else if (next(s, &t) != P2P_OK || json_skip(&s->jp, t, s->d) != P2P_OK) {
            return P2P_ERR_PARSE;
        }
    }
    size_t i = s->n_funcs;
    if (!check_field(s, &name, "name", false, i, obj_line) ||
        !check_field(s, &module, "module", true, i, obj_line) ||
        !check_field(s, &process, "process", true, i, obj_line))
        return P2P_OK;
    UTIL_GROW(s->funcs, s->cap_funcs, s->n_funcs + 1);
    s->funcs[i].name = name.str;
    s->funcs[i].module = module.tok == JSON_STRING ? module.str : NULL;
    s->funcs[i].process = process.tok == JSON_STRING ? process.str : NULL;
    s->n_funcs++;
    return P2P_OK;
}

/* "callchain": an array of function indices; its first token is t. */
static enum p2p_status read_callchain(struct jstate *s, enum json_token t, struct pending *err)
{
    if (t != JSON_ARRAY_BEGIN) {
        defer(err, s->jp.tok_line, "\"callchain\" must be an array, not %s", json_token_desc(t));
        return json_skip(&s->jp, t, s->d);
    }
    for (;;) {
        if (next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        if (t == JSON_ARRAY_END)
            return P2P_OK;
        double v;
        if (!numeric(s, t, &v)) {
            defer(err, s->jp.tok_line, "a callchain entry must be a function index, not %s",
                  json_token_desc(t));
            if (json_skip(&s->jp, t, s->d) != P2P_OK)
                return P2P_ERR_PARSE;
            continue;
        }
        UTIL_GROW(s->chain, s->cap_chain, s->n_chain + 1);
        s->chain[s->n_chain++] = v;
    }
}

/* "cost": an array whose first element is a number; its first token is t. */
static enum p2p_status read_cost(struct jstate *s, enum json_token t, double *cost,
                                 struct pending *err)
{
    if (t != JSON_ARRAY_BEGIN) {
        defer(err, s->jp.tok_line, "\"cost\" must be an array, not %s", json_token_desc(t));
        return json_skip(&s->jp, t, s->d);
    }
    if (next(s, &t) != P2P_OK)
        return P2P_ERR_PARSE;
    if (t == JSON_ARRAY_END) {
        defer(err, s->jp.tok_line, "empty \"cost\" array");
        return P2P_OK;
    }
    if (!numeric(s, t, cost)) {
        defer(err, s->jp.tok_line, "cost[0] must be a number, not %s", json_token_desc(t));
        if (json_skip(&s->jp, t, s->d) != P2P_OK)
            return P2P_ERR_PARSE;
    }
    /* The other costs are not used; skip to the end of the array. */
    return json_skip(&s->jp, JSON_ARRAY_BEGIN, s->d);
}

/* One element of "events"; its '{' was just read. */
static enum p2p_status read_event(struct jstate *s)
{
    struct jevent ev = {.start = s->n_chain, .line = s->jp.tok_line};
    struct pending chain_err = {0}, cost_err = {0};
    bool have_chain = false, have_cost = false;
    for (;;) {
        enum json_token t;
        if (next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        if (t == JSON_OBJECT_END)
            break;
        if (key_is(s, "callchain")) {
            have_chain = true;
            chain_err.bad = false;
            s->n_chain = ev.start;
            if (next(s, &t) != P2P_OK || read_callchain(s, t, &chain_err) != P2P_OK)
                return P2P_ERR_PARSE;
        } else if (key_is(s, "cost")) {
            have_cost = true;
            cost_err.bad = false;
            if (next(s, &t) != P2P_OK || read_cost(s, t, &ev.cost, &cost_err) != P2P_OK)
                return P2P_ERR_PARSE;
        } else if (next(s, &t) != P2P_OK || json_skip(&s->jp, t, s->d) != P2P_OK) {
            return P2P_ERR_PARSE;
        }
    }
    ev.len = s->n_chain - ev.start;
    if (!have_chain)
        defer(&s->events_err, ev.line, "event %zu has no \"callchain\"", s->n_events);
    else if (chain_err.bad)
        defer(&s->events_err, chain_err.line, "%s", chain_err.msg);
    else if (ev.len == 0)
        defer(&s->events_err, ev.line, "event %zu has an empty callchain", s->n_events);
    else if (!have_cost)
        defer(&s->events_err, ev.line, "event %zu has no \"cost\"", s->n_events);
    else if (cost_err.bad)
        defer(&s->events_err, cost_err.line, "%s", cost_err.msg);
    if (s->events_err.bad)
        return P2P_OK;
    UTIL_GROW(s->events, s->cap_events, s->n_events + 1);
    s->events[s->n_events++] = ev;
    return P2P_OK;
}

/* The value of "functions" or "events", first token t: an array of objects. gprof2dot only
 * takes len() and indexes it, so an empty object or an empty string reads as no elements. */
static enum p2p_status read_list(struct jstate *s, enum json_token t, bool funcs)
{
    struct pending *err = funcs ? &s->funcs_err : &s->events_err;
    const char *what = funcs ? "functions" : "events";
    uint64_t line = s->jp.tok_line;
    if (t == JSON_STRING && s->jp.str_len == 0)
        return P2P_OK;
    if (t == JSON_OBJECT_BEGIN) {
        if (next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        if (t == JSON_OBJECT_END)
            return P2P_OK;
        defer(err, line, "\"%s\" must be an array, not an object", what);
        return json_skip(&s->jp, JSON_OBJECT_BEGIN, s->d);
    }
    if (t != JSON_ARRAY_BEGIN) {
        defer(err, line, "\"%s\" must be an array, not %s", what, json_token_desc(t));
        return json_skip(&s->jp, t, s->d);
    }
    for (;;) {
        if (next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        if (t == JSON_ARRAY_END)
            return P2P_OK;
        if (err->bad || t != JSON_OBJECT_BEGIN) {
            size_t i = funcs ? s->n_funcs : s->n_events;
            defer(err, s->jp.tok_line, "%s %zu must be an object, not %s",
                  funcs ? "function" : "event", i, json_token_desc(t));
            if (json_skip(&s->jp, t, s->d) != P2P_OK)
                return P2P_ERR_PARSE;
            continue;
        }
        if ((funcs ? read_function(s) : read_event(s)) != P2P_OK)
            return P2P_ERR_PARSE;
    }
}

/* The whole document, keeping the last value of each top-level key. */
static enum p2p_status read_document(struct jstate *s)
{
    enum json_token t;
    if (next(s, &t) != P2P_OK)
        return P2P_ERR_PARSE;
    if (t != JSON_OBJECT_BEGIN) {
        uint64_t line = s->jp.tok_line;
        if (json_skip(&s->jp, t, s->d) != P2P_OK || next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        return diag_fail(s->d, line, "expected a JSON object at the top level");
    }
    for (;;) {
        if (next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        if (t == JSON_OBJECT_END)
            break;
        bool is_funcs = key_is(s, "functions"), is_events = key_is(s, "events");
        bool is_version = key_is(s, "version");
        if (next(s, &t) != P2P_OK)
            return P2P_ERR_PARSE;
        if (is_version) {
            double v;
            s->have_version = true;
            s->version_line = s->jp.tok_line;
            /* Python compares with == 0, so 0.0 and false also qualify. */
            s->version_ok = numeric(s, t, &v) && v == 0;
            if (json_skip(&s->jp, t, s->d) != P2P_OK)
                return P2P_ERR_PARSE;
        } else if (is_funcs) {
            s->have_funcs = true;
            s->funcs_err.bad = false;
            s->n_funcs = 0;
            if (read_list(s, t, true) != P2P_OK)
                return P2P_ERR_PARSE;
        } else if (is_events) {
            s->have_events = true;
            s->events_err.bad = false;
            s->n_events = 0;
            s->n_chain = 0;
            if (read_list(s, t, false) != P2P_OK)
                return P2P_ERR_PARSE;
        } else if (json_skip(&s->jp, t, s->d) != P2P_OK) {
            return P2P_ERR_PARSE;
        }
    }
    /* Trailing data after the object is an error too. */
    return next(s, &t);
}

/* Build the profile from the checked functions and events (gprof2dot-behaviour.md 9.1). */
static enum p2p_status build(struct jstate *s)
{
    struct profile *p = s->p;
    struct diag *d = s->d;
    if (!s->have_version)
        return diag_fail(d, 0, "no \"version\" in the top-level object");
    if (!s->version_ok)
        return diag_fail(d, s->version_line, "unsupported \"version\" (only 0 is known)");
    if (!s->have_funcs)
        return diag_fail(d, 0, "no \"functions\" in the top-level object");
    if (s->funcs_err.bad)
        return diag_fail(d, s->funcs_err.line, "%s", s->funcs_err.msg);
    if (!s->have_events)
        return diag_fail(d, 0, "no \"events\" in the top-level object");
    if (s->events_err.bad)
        return diag_fail(d, s->events_err.line, "%s", s->events_err.msg);

    ev_set(&p->ev, PEV_SAMPLES, 0);
    for (size_t i = 0; i < s->n_funcs; i++) {
        size_t k = profile_func_int(p, (int64_t)i, NULL);
        struct prof_func *f = &p->funcs[k];
        f->name = s->funcs[i].name;
        f->module = s->funcs[i].module;
        f->process = s->funcs[i].process;
        ev_set(&f->ev, PEV_SAMPLES, 0);
        f->has_called = true;
        f->called = 0;
    }
    for (size_t e = 0; e < s->n_events; e++) {
        const struct jevent *ev = &s->events[e];
        const double *c = s->chain + ev->start;
        /* An index picks a function as a Python dict key would: 1.0 finds function 1. */
        for (size_t k = 0; k < ev->len; k++)
            if (!(c[k] >= 0 && c[k] < (double)s->n_funcs && c[k] == floor(c[k])))
                return diag_fail(d, ev->line,
                                 "event %zu calls function %g, but there are %zu functions", e,
                                 c[k], s->n_funcs);
        size_t callee = (size_t)c[0];
        struct prof_func *leaf = &p->funcs[callee];
        leaf->called += 1;
        ev_add(&leaf->ev, PEV_SAMPLES, ev->cost);
        ev_add(&p->ev, PEV_SAMPLES, ev->cost);
        for (size_t k = 1; k < ev->len; k++) {
            size_t caller = (size_t)c[k];
            struct prof_call *call = profile_call(p, caller, callee, NULL);
            ev_add(&call->ev, PEV_SAMPLES2, ev->cost);
            callee = caller;
        }
    }
    return P2P_OK;
}

static enum p2p_status read_json(struct input *const *in, size_t n_in,
                                 const struct reader_opts *opts, struct profile **out,
                                 struct diag *d)
{
    (void)opts;
    *out = NULL;
    if (n_in != 1)
        return diag_error(d, P2P_ERR_USAGE, "exactly one file must be given for json input");
    d->file = in[0]->name;
    struct jstate s = {.d = d};
    s.p = profile_new(PROF_RECIPE_SAMPLES, true);
    json_init(&s.jp, in[0]->data, in[0]->len);
    enum p2p_status st = read_document(&s);
    if (st == P2P_OK)
        st = build(&s);
    json_fini(&s.jp);
    free(s.funcs);
    free(s.events);
    free(s.chain);
    if (st != P2P_OK) {
        profile_free(s.p);
        return st;
    }
    *out = s.p;
    return P2P_OK;
}

static bool has(const unsigned char *h, size_t n, const char *needle)
{
    return memmem(h, n, needle, strlen(needle)) != NULL;
}

/* An object whose keys are gprof2dot's. */
static int sniff(const unsigned char *head, size_t n)
{
    size_t i = 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r'))
        i++;
    if (i == n || head[i] != '{')
        return 0;
    bool funcs = has(head, n, "\"functions\""), events = has(head, n, "\"events\"");
    if (has(head, n, "\"callchain\"") || (funcs && events))
        return 95;
    if (funcs || events || has(head, n, "\"version\""))
        return 50;
    return 5;
}

const struct reader reader_json = {
    .name = "json",
    .summary = "gprof2dot's JSON profile (schema.json; e.g. memtrail)",
    .sniff = sniff,
    .multi = false,
    .read = read_json,
};
