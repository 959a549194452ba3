/* Shared unit-test helpers (see testutil.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader.h"
#include "testutil.h"
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
    enum p2p_status st = r->read(&in, 1, opts, &p, &d);
    if (st != P2P_OK) {
        char buf[1024];
        diag_format(&d, buf, sizeof(buf));
        print_error("reading %s failed: %s\n", path, buf);
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

enum p2p_status test_read_buf_opts(const char *fmt, const char *name, const void *data,
                                   size_t len, const struct reader_opts *opts,
                                   struct profile **out, struct diag *d)
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

const struct prof_call *test_call(const struct profile *p, const char *caller,
                                  const char *callee)
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
