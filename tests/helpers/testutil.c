/* Shared unit-test helpers (see testutil.h). */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stacks.h"

#include "reader.h"
#include "testutil.h"
#include "progress.h"
#include "util.h"

char *test_path(const char *rel)
{
    const char *top = getenv("top_srcdir");
    return xasprintf("%s/%s", top && *top ? top : ".", rel);
}

struct profile *test_read_file(const char *fmt, const char *rel)
{
    return test_read_file_opts(fmt, rel, NULL);
}

struct profile *test_read_file_opts(const char *fmt, const char *rel,
                                    const struct reader_opts *opts)
{
    char *path = test_path(rel);
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    struct input *in = NULL;
    if (input_open(path, &in, &d) != P2P_OK) {
        print_error("cannot open %s: %s\n", path, d.msg);
        free(path);
        fail();
    }
    const struct reader *r = reader_find(fmt);
    assert_non_null(r);
    struct profile *p = NULL;
    progress_stage("test", in->len);
    enum p2p_status st = r->read(&in, 1, opts, &p, &d);
    if (st != P2P_OK) {
        char buf[1024];
        diag_format(&d, buf, sizeof(buf));
        print_error("reading %s failed: %s\n", path, buf);
    }
    /* Every reader reports the bytes it has passed, so the progress line can show them. */
    uint64_t done = progress_done();
    progress_end();
    if (st == P2P_OK && done != in->len) {
        print_error("%s: reader reported %llu bytes of %zu\n", path, (unsigned long long)done,
                    in->len);
        fail();
    }
    input_free(in);
    free(path);
    assert_int_equal(st, P2P_OK);
    assert_non_null(p);
    return p;
}

enum p2p_status test_read_buf(const char *fmt, const char *name, const void *data, size_t len,
                              struct profile **out, struct diag *d)
{
    return test_read_buf_opts(fmt, name, data, len, NULL, out, d);
}

enum p2p_status test_read_buf_opts(const char *fmt, const char *name, const void *data, size_t len,
                                   const struct reader_opts *opts, struct profile **out,
                                   struct diag *d)
{
    diag_init(d);
    d->quiet = true;
    const struct reader *r = reader_find(fmt);
    assert_non_null(r);
    struct input *in = input_new_buffer(name, data, len);
    *out = NULL;
    enum p2p_status st = r->read(&in, 1, opts, out, d);
    input_free(in);
    if (st != P2P_OK)
        assert_null(*out);
    return st;
}

enum p2p_status test_read_str(const char *fmt, const char *text, struct profile **out,
                              struct diag *d)
{
    return test_read_buf(fmt, "test", text, strlen(text), out, d);
}

size_t test_func_maybe(const struct profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_funcs; i++)
        if (strcmp(p->funcs[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

size_t test_func(const struct profile *p, const char *name)
{
    size_t i = test_func_maybe(p, name);
    if (i == SIZE_MAX) {
        print_error("no function named '%s'\n", name);
        fail();
    }
    return i;
}

const struct prof_call *test_call_maybe(const struct profile *p, const char *caller,
                                        const char *callee)
{
    size_t a = test_func_maybe(p, caller), b = test_func_maybe(p, callee);
    if (a == SIZE_MAX || b == SIZE_MAX)
        return NULL;
    return profile_find_call(p, a, b);
}

const struct prof_call *test_call(const struct profile *p, const char *caller, const char *callee)
{
    const struct prof_call *c = test_call_maybe(p, caller, callee);
    if (!c) {
        print_error("no call '%s' -> '%s'\n", caller, callee);
        fail();
    }
    return c;
}

char *test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
        fail();
    }
    struct strbuf b;
    strbuf_init(&b);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&b, buf, n);
    fclose(f);
    if (len)
        *len = b.len;
    return strbuf_detach(&b);
}

const struct reader *test_reader(const char *fmt)
{
    const struct reader *r = reader_find(fmt);
    if (!r) {
        print_error("no reader named '%s'\n", fmt);
        fail();
    }
    return r;
}

int test_sniff_buf(const char *fmt, const void *data, size_t len)
{
    return test_reader(fmt)->sniff((const unsigned char *)data, len);
}

int test_sniff_str(const char *fmt, const char *s)
{
    return test_sniff_buf(fmt, s, strlen(s));
}

int test_sniff_file(const char *fmt, const char *rel)
{
    char *path = test_path(rel);
    size_t len;
    char *data = test_slurp(path, &len);
    int score = test_sniff_buf(fmt, data, len < READER_SNIFF_BYTES ? len : READER_SNIFF_BYTES);
    free(data);
    free(path);
    return score;
}

struct profile *test_read_buf_ok(const char *fmt, const char *name, const void *data, size_t len,
                                 const struct reader_opts *opts, unsigned *warnings)
{
    struct profile *p = NULL;
    struct diag d;
    if (test_read_buf_opts(fmt, name, data, len, opts, &p, &d) != P2P_OK) {
        char buf[1024];
        diag_format(&d, buf, sizeof(buf));
        print_error("unexpected error: %s\n", buf);
        fail();
    }
    assert_non_null(p);
    if (warnings) {
        *warnings = d.warnings;
    } else if (d.warnings) {
        print_error("%s: %u unexpected warnings\n", name, d.warnings);
        profile_free(p);
        fail();
    }
    return p;
}

struct profile *test_read_ok(const char *fmt, const char *text, unsigned *warnings)
{
    return test_read_buf_ok(fmt, "test", text, strlen(text), NULL, warnings);
}

static const char *where_name(enum diag_where w)
{
    switch (w) {
    case DIAG_NOWHERE:
        return "nowhere";
    case DIAG_LINE:
        return "line";
    case DIAG_OFFSET:
        return "offset";
    }
    return "?";
}

void test_buf_fails(const char *fmt, const char *name, const void *data, size_t len,
                    enum diag_where where, uint64_t pos, const char *needle)
{
    struct profile *p = NULL;
    struct diag d;
    enum p2p_status st = test_read_buf(fmt, name, data, len, &p, &d);
    if (st == P2P_ERR_PARSE && !p && d.failed && d.file && strcmp(d.file, name) == 0 &&
        d.where == where && (pos == TEST_ANY_POS || d.pos == pos) &&
        (!needle || strstr(d.msg, needle)))
        return;
    print_error("input \"%.*s\"\n gave status %d, file %s, %s %llu, message \"%s\"\n"
                " wanted a parse error in %s at %s %lld with \"%s\"\n",
                (int)(len < 300 ? len : 300), (const char *)data, (int)st,
                d.file ? d.file : "(none)", where_name(d.where), (unsigned long long)d.pos, d.msg,
                name, where_name(where), pos == TEST_ANY_POS ? -1LL : (long long)pos,
                needle ? needle : "(any)");
    profile_free(p);
    fail();
}

void test_read_fails(const char *fmt, const char *text, uint64_t line, const char *needle)
{
    test_buf_fails(fmt, "test", text, strlen(text), line ? DIAG_LINE : DIAG_NOWHERE, line, needle);
}

/* Read the n inputs as one run, then free them. */
static enum p2p_status read_inputs(const char *fmt, struct input *const *in, size_t n,
                                   struct profile **out, struct diag *d)
{
    *out = NULL;
    enum p2p_status st = test_reader(fmt)->read(in, n, NULL, out, d);
    for (size_t i = 0; i < n; i++)
        input_free(in[i]);
    if (st != P2P_OK)
        assert_null(*out);
    return st;
}

enum p2p_status test_read_strs(const char *fmt, const char *const *names, const char *const *texts,
                               size_t n, struct profile **out, struct diag *d)
{
    struct input *in[8];
    assert_true(n >= 1 && n <= 8);
    diag_init(d);
    d->quiet = true;
    for (size_t i = 0; i < n; i++)
        in[i] = input_new_buffer(names[i], texts[i], strlen(texts[i]));
    return read_inputs(fmt, in, n, out, d);
}

enum p2p_status test_read_files(const char *fmt, const char *const *rel, size_t n,
                                struct profile **out, struct diag *d)
{
    struct input *in[8];
    assert_true(n >= 1 && n <= 8);
    diag_init(d);
    d->quiet = true;
    for (size_t i = 0; i < n; i++) {
        char *path = test_path(rel[i]);
        if (input_open(path, &in[i], d) != P2P_OK) {
            print_error("cannot open %s: %s\n", path, d->msg);
            free(path);
            fail();
        }
        free(path);
    }
    return read_inputs(fmt, in, n, out, d);
}

void test_read_cuts(const char *fmt, const char *rel, size_t step)
{
    char *path = test_path(rel);
    size_t len;
    char *text = test_slurp(path, &len);
    free(path);
    for (size_t n = 0; n < len; n += step) {
        struct profile *p = NULL;
        struct diag d;
        enum p2p_status st = test_read_buf(fmt, "cut", text, n, &p, &d);
        if (st != P2P_OK && st != P2P_ERR_PARSE) {
            print_error("%s cut to %zu bytes: status %d (%s)\n", rel, n, (int)st, d.msg);
            fail();
        }
        profile_free(p);
    }
    free(text);
}

const struct prof_func *test_fn(const struct profile *p, const char *name)
{
    return &p->funcs[test_func(p, name)];
}

const struct prof_func *test_fn_id(const struct profile *p, const char *id)
{
    size_t i = profile_find_str(p, id, strlen(id));
    if (i == SIZE_MAX) {
        print_error("no function with id '%s'\n", id);
        fail();
    }
    return &p->funcs[i];
}

const struct prof_func *test_fn_int(const struct profile *p, int64_t id)
{
    size_t i = profile_find_int(p, id);
    if (i == SIZE_MAX) {
        print_error("no function with id %lld\n", (long long)id);
        fail();
    }
    return &p->funcs[i];
}

const struct prof_call *test_call_id(const struct profile *p, const char *caller,
                                     const char *callee)
{
    size_t a = profile_find_str(p, caller, strlen(caller));
    size_t b = profile_find_str(p, callee, strlen(callee));
    const struct prof_call *c = a != SIZE_MAX && b != SIZE_MAX ? profile_find_call(p, a, b) : NULL;
    if (!c) {
        print_error("no call '%s' -> '%s'\n", caller, callee);
        fail();
    }
    return c;
}

const struct prof_call *test_call_int(const struct profile *p, int64_t caller, int64_t callee)
{
    size_t a = profile_find_int(p, caller), b = profile_find_int(p, callee);
    const struct prof_call *c = a != SIZE_MAX && b != SIZE_MAX ? profile_find_call(p, a, b) : NULL;
    if (!c) {
        print_error("no call %lld -> %lld\n", (long long)caller, (long long)callee);
        fail();
    }
    return c;
}

size_t test_total_calls(const struct profile *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_funcs; i++)
        n += p->funcs[i].n_calls;
    return n;
}

static const char *const event_names[PEV_COUNT] = {
    [PEV_CALLS] = "CALLS",
    [PEV_SAMPLES] = "SAMPLES",
    [PEV_SAMPLES2] = "SAMPLES2",
    [PEV_TOTAL_SAMPLES] = "TOTAL_SAMPLES",
    [PEV_TIME] = "TIME",
    [PEV_TIME_RATIO] = "TIME_RATIO",
    [PEV_TOTAL_TIME] = "TOTAL_TIME",
    [PEV_TTR] = "TTR",
};

void test_expect_ev_near(const struct prof_events *e, enum prof_event k, double want, double tol)
{
    assert_true(k < PEV_COUNT);
    if (!ev_has(e, k)) {
        print_error("event %s is absent, expected %.17g\n", event_names[k], want);
        fail();
    }
    double got = ev_get(e, k);
    if (tol == 0 ? got != want : !(fabs(got - want) <= tol)) {
        print_error("event %s is %.17g, expected %.17g\n", event_names[k], got, want);
        fail();
    }
}

void test_expect_ev(const struct prof_events *e, enum prof_event k, double want)
{
    test_expect_ev_near(e, k, want, 0);
}

static void expect_same_str(const char *a, const char *b)
{
    if (!a || !b)
        assert_true(a == b);
    else
        assert_string_equal(a, b);
}

static void expect_same_events(const struct prof_events *a, const struct prof_events *b)
{
    assert_int_equal(a->has, b->has);
    for (int k = 0; k < PEV_COUNT; k++)
        if (ev_has(a, (enum prof_event)k))
            assert_memory_equal(&a->v[k], &b->v[k], sizeof(double));
}

void test_expect_same_profile(const struct profile *a, const struct profile *b)
{
    assert_int_equal(a->recipe, b->recipe);
    assert_int_equal(a->n_funcs, b->n_funcs);
    expect_same_events(&a->ev, &b->ev);
    for (size_t i = 0; i < a->n_funcs; i++) {
        const struct prof_func *f = &a->funcs[i], *g = &b->funcs[i];
        assert_true(f->int_id == g->int_id);
        expect_same_str(f->str_id, g->str_id);
        expect_same_str(f->name, g->name);
        expect_same_str(f->module, g->module);
        expect_same_str(f->process, g->process);
        expect_same_events(&f->ev, &g->ev);
        assert_int_equal(f->n_calls, g->n_calls);
        for (size_t c = 0; c < f->n_calls; c++) {
            assert_int_equal(f->calls[c].callee, g->calls[c].callee);
            expect_same_events(&f->calls[c].ev, &g->calls[c].ev);
        }
    }
}

void test_expect_threaded_same(const char *fmt, const char *rel, const void *data, size_t len)
{
    size_t saved = stacks_thread_min;
    struct profile *r[2];
    for (int k = 0; k < 2; k++) {
        stacks_thread_min = k ? 0 : SIZE_MAX;
        r[k] = data ? test_read_buf_ok(fmt, "big", data, len, NULL, NULL)
                    : test_read_file(fmt, rel);
    }
    stacks_thread_min = saved;
    test_expect_same_profile(r[0], r[1]);
    profile_free(r[0]);
    profile_free(r[1]);
}
