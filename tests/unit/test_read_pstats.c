/* Unit tests of the pstats reader.
 * Fixtures (tests/fixtures/pstats/, made by make-fixtures.sh): recursion.py profiled with
 * `python -m cProfile -o` and `python -m profile -o` under Python 2.7 and 3.6 - 3.13, plus runs
 * for merging. expected/<name>.txt holds what the reader must produce for each, computed by
 * expected.py from Python's own pstats.Stats (not from this reader). The call counts asserted
 * by hand come from recursion.py's structure (see its comment). Small inputs for edge cases
 * are built below with a tiny marshal writer: they are hand-made shapes, written as CPython
 * 3.12 would write them (same type codes), but not produced by a profiler. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "read_pstats.h"
#include "reader.h"
#include "testutil.h"

#define FIX "tests/fixtures/pstats/"

/* ---------------------------------------------------------------- a marshal writer */

static void mb_u32(struct strbuf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        strbuf_addc(b, (char)((v >> (8 * i)) & 0xff));
}

static void mb_str(struct strbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (n < 256) {
        strbuf_addc(b, 'z');
        strbuf_addc(b, (char)n);
    } else {
        strbuf_addc(b, 'a');
        mb_u32(b, (uint32_t)n);
    }
    strbuf_add(b, s, n);
}

static void mb_int(struct strbuf *b, int32_t v)
{
    strbuf_addc(b, 'i');
    mb_u32(b, (uint32_t)v);
}

static void mb_float(struct strbuf *b, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof(u));
    strbuf_addc(b, 'g');
    mb_u32(b, (uint32_t)u);
    mb_u32(b, (uint32_t)(u >> 32));
}

static void mb_tuple(struct strbuf *b, unsigned n)
{
    strbuf_addc(b, ')');
    strbuf_addc(b, (char)n);
}

static void mb_key(struct strbuf *b, const char *file, int32_t line, const char *name)
{
    mb_tuple(b, 3);
    mb_str(b, file);
    mb_int(b, line);
    mb_str(b, name);
}

/* Key and the start of the value (cc, nc, tt, ct, {callers...: the caller dict is left open. */
static void mb_entry(struct strbuf *b, const char *file, int32_t line, const char *name, int32_t cc,
                     int32_t nc, double tt, double ct)
{
    mb_key(b, file, line, name);
    mb_tuple(b, 5);
    mb_int(b, cc);
    mb_int(b, nc);
    mb_float(b, tt);
    mb_float(b, ct);
    strbuf_addc(b, '{');
}

/* A cProfile caller: key -> (nc, cc, tt, ct). */
static void mb_ccaller(struct strbuf *b, const char *file, int32_t line, const char *name,
                       int32_t nc, int32_t cc, double tt, double ct)
{
    mb_key(b, file, line, name);
    mb_tuple(b, 4);
    mb_int(b, nc);
    mb_int(b, cc);
    mb_float(b, tt);
    mb_float(b, ct);
}

/* ---------------------------------------------------------------- expected files */

struct exp_func {
    int64_t id;
    double called, tt, ct;
    char *filename, *name;
};

struct exp_call {
    int64_t caller, callee;
    double calls, total;
};

struct expected {
    bool ordered;
    double time, total;
    struct exp_func *f;
    size_t n_f, cap_f;
    struct exp_call *c;
    size_t n_c, cap_c;
    char *text;
};

static char *next_field(char **p, char sep)
{
    char *s = *p;
    char *e = strchr(s, sep);
    if (e) {
        *e = '\0';
        *p = e + 1;
    } else {
        *p = s + strlen(s);
    }
    return s;
}

static double num(const char *s)
{
    double x;
    if (!parse_double(s, strlen(s), &x))
        fail_msg("bad number '%s' in expected file", s);
    return x;
}

static int64_t inum(const char *s)
{
    int64_t x;
    if (!parse_i64(s, strlen(s), &x))
        fail_msg("bad integer '%s' in expected file", s);
    return x;
}

static void load_expected(const char *rel, struct expected *e)
{
    memset(e, 0, sizeof(*e));
    char *path = test_path(rel);
    e->text = test_slurp(path, NULL);
    free(path);
    char *p = e->text;
    while (*p) {
        char *line = next_field(&p, '\n');
        if (line[0] == 'O') {
            e->ordered = line[2] == '1';
        } else if (line[0] == 'P') {
            char *q = line + 2;
            e->time = num(next_field(&q, ' '));
            e->total = num(next_field(&q, ' '));
        } else if (line[0] == 'F') {
            char *q = line + 2;
            UTIL_GROW(e->f, e->cap_f, e->n_f + 1);
            struct exp_func *f = &e->f[e->n_f++];
            f->id = inum(next_field(&q, '\t'));
            f->called = num(next_field(&q, '\t'));
            f->tt = num(next_field(&q, '\t'));
            f->ct = num(next_field(&q, '\t'));
            f->filename = next_field(&q, '\t');
            f->name = next_field(&q, '\t');
        } else if (line[0] == 'C') {
            char *q = line + 2;
            UTIL_GROW(e->c, e->cap_c, e->n_c + 1);
            struct exp_call *c = &e->c[e->n_c++];
            c->caller = inum(next_field(&q, '\t'));
            c->callee = inum(next_field(&q, '\t'));
            c->calls = num(next_field(&q, '\t'));
            c->total = num(next_field(&q, '\t'));
        }
    }
}

static void free_expected(struct expected *e)
{
    free(e->f);
    free(e->c);
    free(e->text);
}

/* Our function for an expected id: by id when Python kept the file's order, else by name
 * (Python 2 dicts iterate in hash order, which gprof2dot never sees: it needs Python 3). */
static size_t our_func(const struct profile *p, const struct expected *e, int64_t id)
{
    for (size_t i = 0; i < e->n_f; i++) {
        if (e->f[i].id != id)
            continue;
        if (e->ordered) {
            size_t k = profile_find_int(p, id);
            assert_true(k != SIZE_MAX);
            assert_string_equal(p->funcs[k].name, e->f[i].name);
            return k;
        }
        return test_func(p, e->f[i].name);
    }
    fail_msg("id %lld not in expected file", (long long)id);
    return SIZE_MAX;
}

static void close_enough(double got, double want, bool exact)
{
    if (exact ? got != want : fabs(got - want) > 1e-12 * fabs(want)) {
        print_error("got %.17g, expected %.17g\n", got, want);
        fail();
    }
}

static void check_against(const struct profile *p, const char *expected_rel)
{
    struct expected e;
    load_expected(expected_rel, &e);
    assert_int_equal(p->recipe, PROF_RECIPE_PSTATS);
    assert_true(p->int_ids);
    assert_int_equal(p->n_funcs, e.n_f);
    if (e.ordered)
        for (size_t i = 0; i < p->n_funcs; i++)
            assert_int_equal(p->funcs[i].int_id, (int64_t)i);
    for (size_t i = 0; i < e.n_f; i++) {
        const struct exp_func *x = &e.f[i];
        const struct prof_func *f = &p->funcs[our_func(p, &e, x->id)];
        assert_string_equal(f->name, x->name);
        assert_non_null(f->filename);
        assert_string_equal(f->filename, x->filename);
        assert_true(f->has_called);
        close_enough(f->called, x->called, true);
        assert_true(ev_has(&f->ev, PEV_TIME) && ev_has(&f->ev, PEV_TOTAL_TIME));
        close_enough(ev_get(&f->ev, PEV_TIME), x->tt, true);
        close_enough(ev_get(&f->ev, PEV_TOTAL_TIME), x->ct, true);
        assert_int_equal(f->ev.has, (1u << PEV_TIME) | (1u << PEV_TOTAL_TIME));
    }
    assert_int_equal(test_total_calls(p), e.n_c);
    for (size_t i = 0; i < e.n_c; i++) {
        const struct exp_call *x = &e.c[i];
        const struct prof_call *c =
            profile_find_call(p, our_func(p, &e, x->caller), our_func(p, &e, x->callee));
        assert_non_null(c);
        assert_int_equal(c->ev.has, (1u << PEV_CALLS) | (1u << PEV_TOTAL_TIME));
        close_enough(ev_get(&c->ev, PEV_CALLS), x->calls, true);
        close_enough(ev_get(&c->ev, PEV_TOTAL_TIME), x->total, true);
    }
    assert_int_equal(p->ev.has, (1u << PEV_TIME) | (1u << PEV_TOTAL_TIME));
    close_enough(ev_get(&p->ev, PEV_TIME), e.time, e.ordered);
    close_enough(ev_get(&p->ev, PEV_TOTAL_TIME), e.total, e.ordered);
    free_expected(&e);
}

/* ---------------------------------------------------------------- tests */

static void test_registered(void **state)
{
    (void)state;
    const struct reader *r = reader_find("pstats");
    assert_non_null(r);
    assert_string_equal(r->name, "pstats");
    assert_true(r->multi);
}

static const char *const versions[] = {"2.7",  "3.6",  "3.7",  "3.8", "3.9",
                                       "3.10", "3.11", "3.12", "3.13"};

/* Every fixture agrees with Python's pstats on every function and call. */
static void test_fixtures_match_pstats(void **state)
{
    (void)state;
    for (size_t i = 0; i < P2P_ARRAY_LEN(versions); i++) {
        for (int kind = 0; kind < 2; kind++) {
            const char *k = kind ? "profile" : "cprofile";
            char *file = xasprintf(FIX "%s-%s.pstats", k, versions[i]);
            char *exp = xasprintf(FIX "expected/%s-%s.txt", k, versions[i]);
            struct profile *p = test_read_file("pstats", file);
            check_against(p, exp);
            profile_free(p);
            free(file);
            free(exp);
        }
    }
}

/* Counts fixed by recursion.py (mode fe, 3 repetitions), checked by hand: fact 5 calls per
 * repetition, is_even 4, is_odd 3. cProfile edges carry the primitive count (the second value
 * of the caller tuple), so the recursive self-edge shows 3, not 12. */
static void test_recursion_counts(void **state)
{
    (void)state;
    struct profile *p = test_read_file("pstats", FIX "cprofile-3.12.pstats");
    const struct prof_func *fact = test_fn(p, "recursion:9:fact");
    assert_true(fact->called == 15);
    assert_string_equal(fact->filename, "recursion.py");
    assert_true(test_fn(p, "recursion:15:is_even")->called == 12);
    assert_true(test_fn(p, "recursion:21:is_odd")->called == 9);
    assert_true(test_fn(p, "recursion:27:main")->called == 1);
    assert_true(ev_get(&test_call(p, "recursion:27:main", "recursion:9:fact")->ev, PEV_CALLS) == 3);
    assert_true(ev_get(&test_call(p, "recursion:9:fact", "recursion:9:fact")->ev, PEV_CALLS) == 3);
    assert_true(ev_get(&test_call(p, "recursion:27:main", "recursion:15:is_even")->ev, PEV_CALLS) ==
                3);
    assert_non_null(test_call_maybe(p, "recursion:21:is_odd", "recursion:15:is_even"));
    assert_non_null(test_call_maybe(p, "recursion:15:is_even", "recursion:21:is_odd"));
    assert_null(test_call_maybe(p, "recursion:21:is_odd", "recursion:21:is_odd"));
    /* Built-ins live in the file "~": module "~", line 0. */
    assert_true(test_func_maybe(p, "~:0:<built-in method builtins.exec>") != SIZE_MAX);
    profile_free(p);

    /* The profile module records plain counts: all calls, recursive ones included. */
    p = test_read_file("pstats", FIX "profile-3.12.pstats");
    assert_true(ev_get(&test_call(p, "recursion:9:fact", "recursion:9:fact")->ev, PEV_CALLS) == 12);
    assert_true(ev_get(&test_call(p, "recursion:27:main", "recursion:9:fact")->ev, PEV_CALLS) == 3);
    assert_true(
        ev_get(&test_call(p, "recursion:21:is_odd", "recursion:15:is_even")->ev, PEV_CALLS) == 9);
    assert_true(
        ev_get(&test_call(p, "recursion:15:is_even", "recursion:21:is_odd")->ev, PEV_CALLS) == 9);
    /* Its fake entries, and the code object in a key, printed without its address. */
    assert_true(test_func_maybe(p, "profile:0:profiler") != SIZE_MAX);
    size_t code =
        test_func(p, "profile:0:<code object <module> at 0x0, file \"recursion.py\", line 1>");
    assert_string_equal(p->funcs[code].filename, "profile");
    profile_free(p);

    /* Python 2.7 (marshal version 2, `t` and `R` strings, no references). */
    p = test_read_file("pstats", FIX "profile-2.7.pstats");
    assert_true(ev_get(&test_call(p, "recursion:9:fact", "recursion:9:fact")->ev, PEV_CALLS) == 12);
    profile_free(p);
}

/* pstats.Stats(merge-1, merge-2, merge-3): merge-1 (mode f) is the base, then merge-3 (feb)
 * and merge-2 (a) are added, so beta (only in merge-3) gets a smaller id than alpha (only in
 * merge-2), which comes last. */
static void test_merge(void **state)
{
    (void)state;
    struct diag d;
    const char *c3[] = {FIX "merge-1.pstats", FIX "merge-2.pstats", FIX "merge-3.pstats"};
    struct profile *p;
    assert_int_equal(test_read_files("pstats", c3, 3, &p, &d), P2P_OK);
    assert_non_null(p);
    check_against(p, FIX "expected/merge-123.txt");
    /* Hand check: fact 2x5 (merge-1) + 3x5 (merge-3) calls; is_even 3x4 (merge-3 only). */
    assert_true(test_fn(p, "recursion:9:fact")->called == 25);
    assert_true(test_fn(p, "recursion:15:is_even")->called == 12);
    assert_true(test_fn(p, "recursion:27:main")->called == 3);
    size_t alpha = test_func(p, "recursion:41:alpha"), beta = test_func(p, "recursion:45:beta");
    assert_int_equal(alpha, p->n_funcs - 1);
    assert_true(p->funcs[beta].int_id < p->funcs[alpha].int_id);
    profile_free(p);

    const char *p2[] = {FIX "pmerge-1.pstats", FIX "pmerge-2.pstats"};
    assert_int_equal(test_read_files("pstats", p2, 2, &p, &d), P2P_OK);
    assert_non_null(p);
    check_against(p, FIX "expected/pmerge-12.txt");
    /* Plain counts add up: is_odd -> is_even 2x3 + 1x3. */
    assert_true(
        ev_get(&test_call(p, "recursion:21:is_odd", "recursion:15:is_even")->ev, PEV_CALLS) == 9);
    profile_free(p);
}

static void test_merge_mixed_kinds(void **state)
{
    (void)state;
    struct diag d;
    const char *mix[] = {FIX "cprofile-3.12.pstats", FIX "profile-3.12.pstats"};
    struct profile *p;
    assert_int_not_equal(test_read_files("pstats", mix, 2, &p, &d), P2P_OK);
    assert_null(p);
    assert_true(d.failed);
    assert_non_null(strstr(d.msg, "cannot merge cProfile and profile"));
    assert_non_null(strstr(d.file, "profile-3.12.pstats"));
    assert_null(strstr(d.file, "cprofile-3.12.pstats"));
}

static void test_no_input(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d);
    struct profile *p = (struct profile *)&d;
    assert_int_equal(reader_find("pstats")->read(NULL, 0, NULL, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
}

/* Names: MODULE:LINE:FUNCNAME, the module being the file name's last component without its
 * extension (gprof2dot-behaviour.md 9.12). */
static void test_names(void **state)
{
    (void)state;
    static const struct {
        const char *file, *module;
    } cases[] = {
        {"/usr/lib/python3.10/posixpath.py", "posixpath"},
        {"~", "~"},
        {"<frozen importlib._bootstrap>", "<frozen importlib"},
        {"", ""},
        {"/home/u/.bashrc", ".bashrc"},
        {"..x", "..x"},
        {"a..b", "a."},
        {"x.tar.gz", "x.tar"},
        {"/a.b/c", "c"},
        {"C:\\dir\\m.py", "C:\\dir\\m"},
    };
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    for (size_t i = 0; i < P2P_ARRAY_LEN(cases); i++) {
        mb_entry(&b, cases[i].file, (int32_t)i, "f", 1, 1, 0.5, 0.5);
        strbuf_addc(&b, '0');
    }
    strbuf_addc(&b, '0');
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, NULL);
    assert_int_equal(p->n_funcs, P2P_ARRAY_LEN(cases));
    for (size_t i = 0; i < P2P_ARRAY_LEN(cases); i++) {
        char *want = xasprintf("%s:%zu:f", cases[i].module, i);
        assert_string_equal(p->funcs[i].name, want);
        assert_string_equal(p->funcs[i].filename, cases[i].file);
        assert_int_equal(p->funcs[i].int_id, (int64_t)i);
        free(want);
    }
    profile_free(p);
    strbuf_fini(&b);
}

/* Ids follow first appearance: the entry's key, then its callers in order. */
static void test_id_order(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 3, "c", 1, 1, 1.0, 1.0);
    mb_ccaller(&b, "m.py", 2, "b", 1, 1, 1.0, 1.0);
    mb_ccaller(&b, "m.py", 1, "a", 1, 1, 1.0, 1.0);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 1, "a", 1, 1, 2.0, 4.0);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 2, "b", 1, 1, 1.0, 2.0);
    mb_ccaller(&b, "m.py", 1, "a", 1, 1, 1.0, 2.0);
    strbuf_addc(&b, '0');
    strbuf_addc(&b, '0');
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, NULL);
    assert_int_equal(p->n_funcs, 3);
    assert_string_equal(p->funcs[0].name, "m:3:c");
    assert_string_equal(p->funcs[1].name, "m:2:b");
    assert_string_equal(p->funcs[2].name, "m:1:a");
    /* Profile TIME = sum of tt = 4; TOTAL_TIME = max(sum tt, largest ct) = 4. */
    assert_true(ev_get(&p->ev, PEV_TIME) == 4.0);
    assert_true(ev_get(&p->ev, PEV_TOTAL_TIME) == 4.0);
    profile_free(p);
    strbuf_fini(&b);
}

/* A caller that is not itself an entry: gprof2dot crashes; we give it zero times. */
static void test_caller_without_entry(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "f", 2, 2, 0.25, 0.5);
    mb_ccaller(&b, "ghost.py", 7, "g", 2, 2, 0.25, 0.5);
    strbuf_adds(&b, "00");
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, NULL);
    const struct prof_func *g = test_fn(p, "ghost:7:g");
    assert_false(g->has_called);
    assert_true(ev_has(&g->ev, PEV_TIME) && ev_get(&g->ev, PEV_TIME) == 0);
    assert_true(ev_has(&g->ev, PEV_TOTAL_TIME) && ev_get(&g->ev, PEV_TOTAL_TIME) == 0);
    assert_true(ev_get(&test_call(p, "ghost:7:g", "m:1:f")->ev, PEV_TOTAL_TIME) == 0.5);
    /* The profile totals come from the entries only. */
    assert_true(ev_get(&p->ev, PEV_TIME) == 0.25);
    assert_true(ev_get(&p->ev, PEV_TOTAL_TIME) == 0.5);
    profile_free(p);
    strbuf_fini(&b);
}

/* A key given twice keeps its first place and takes the last value, as a Python dict does. */
static void test_duplicate_keys(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "a", 1, 1, 9.0, 9.0);
    mb_ccaller(&b, "m.py", 2, "b", 1, 1, 9.0, 9.0);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 2, "b", 1, 1, 1.0, 3.0);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 1, "a", 4, 4, 2.0, 2.0);
    mb_ccaller(&b, "m.py", 3, "c", 1, 1, 5.0, 5.0);
    mb_ccaller(&b, "m.py", 3, "c", 3, 3, 2.0, 2.0);
    strbuf_adds(&b, "00");
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, NULL);
    assert_string_equal(p->funcs[0].name, "m:1:a");
    assert_true(p->funcs[0].called == 4);
    assert_true(ev_get(&p->funcs[0].ev, PEV_TIME) == 2.0);
    /* a's first callers dict was replaced: c is its only caller, with the last value. */
    assert_null(test_call_maybe(p, "m:2:b", "m:1:a"));
    assert_true(ev_get(&test_call(p, "m:3:c", "m:1:a")->ev, PEV_CALLS) == 3);
    assert_string_equal(p->funcs[1].name, "m:3:c");
    assert_string_equal(p->funcs[2].name, "m:2:b");
    assert_true(ev_get(&p->ev, PEV_TIME) == 3.0);
    profile_free(p);
    strbuf_fini(&b);
}

/* cProfile caller tuples: CALLS is the second value, TOTAL_TIME the fourth; a longer tuple
 * is read as groups of four that add up; an empty one gives a call without events. */
static void test_caller_tuples(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "f", 5, 9, 1.0, 2.0);
    mb_key(&b, "m.py", 2, "g");
    mb_tuple(&b, 8);
    mb_int(&b, 4);
    mb_int(&b, 2);
    mb_float(&b, 0.5);
    mb_float(&b, 0.75);
    mb_int(&b, 5);
    mb_int(&b, 3);
    mb_float(&b, 0.5);
    mb_float(&b, 1.0);
    mb_key(&b, "m.py", 3, "h");
    mb_tuple(&b, 0);
    strbuf_adds(&b, "00");
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, NULL);
    const struct prof_call *c = test_call(p, "m:2:g", "m:1:f");
    assert_true(ev_get(&c->ev, PEV_CALLS) == 5);
    assert_true(ev_get(&c->ev, PEV_TOTAL_TIME) == 1.75);
    assert_int_equal(test_call(p, "m:3:h", "m:1:f")->ev.has, 0);
    profile_free(p);
    strbuf_fini(&b);
}

/* profile-module callers: CALLS = count, TOTAL_TIME = R(count, nc) x ct (R(n, 0) = 1, and a
 * share above 1 is clamped with gprof2dot's warning). */
static void test_profile_counts(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "f", 4, 4, 1.0, 2.0);
    mb_key(&b, "m.py", 2, "g");
    mb_int(&b, 1);
    mb_key(&b, "m.py", 3, "h");
    mb_int(&b, 6);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 2, "g", 0, 0, 0.0, 0.0);
    mb_key(&b, "m.py", 3, "h");
    mb_int(&b, 2);
    strbuf_adds(&b, "0");
    mb_entry(&b, "m.py", 3, "h", 1, 1, 0.0, 3.0);
    strbuf_adds(&b, "00");
    unsigned w;
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, &w);
    assert_true(ev_get(&test_call(p, "m:2:g", "m:1:f")->ev, PEV_CALLS) == 1);
    assert_true(ev_get(&test_call(p, "m:2:g", "m:1:f")->ev, PEV_TOTAL_TIME) == 0.5);
    assert_true(ev_get(&test_call(p, "m:3:h", "m:1:f")->ev, PEV_TOTAL_TIME) == 2.0);
    assert_int_equal(w, 1);
    /* g has nc = 0: R(2, 0) = 1. */
    assert_true(ev_get(&test_call(p, "m:3:h", "m:2:g")->ev, PEV_TOTAL_TIME) == 0.0);
    assert_true(ev_get(&p->ev, PEV_TOTAL_TIME) == 3.0);
    profile_free(p);
    strbuf_fini(&b);
}

/* Mixed caller kinds in one file are read as gprof2dot does: its loop variable `nc` is
 * rebound by each caller tuple, and a later plain count divides by that value. */
static void test_mixed_callers_in_file(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "f", 10, 10, 1.0, 4.0);
    mb_ccaller(&b, "m.py", 2, "g", 2, 2, 0.5, 1.0);
    mb_key(&b, "m.py", 3, "h");
    mb_int(&b, 1);
    strbuf_adds(&b, "00");
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, NULL);
    assert_true(ev_get(&test_call(p, "m:3:h", "m:1:f")->ev, PEV_TOTAL_TIME) == 2.0);
    profile_free(p);
    strbuf_fini(&b);
}

/* Line numbers are printed with %d: a float is truncated, True is 1. */
static void test_line_forms(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_tuple(&b, 3);
    mb_str(&b, "m.py");
    mb_float(&b, 12.75);
    mb_str(&b, "f");
    mb_tuple(&b, 5);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_float(&b, 1.0);
    mb_float(&b, 1.0);
    strbuf_adds(&b, "{0");
    mb_tuple(&b, 3);
    mb_str(&b, "m.py");
    strbuf_addc(&b, 'T');
    mb_str(&b, "g");
    mb_tuple(&b, 5);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_float(&b, 1.0);
    mb_float(&b, 1.0);
    strbuf_adds(&b, "{00");
    struct profile *p = test_read_buf_ok("pstats", "blob", b.s, b.len, NULL, NULL);
    assert_string_equal(p->funcs[0].name, "m:12:f");
    assert_string_equal(p->funcs[1].name, "m:1:g");
    profile_free(p);
    strbuf_fini(&b);
}

/* Reading the blob fails cleanly at an offset with `what` in the message; b is emptied. */
static void mb_ref(struct strbuf *b, uint32_t i)
{
    strbuf_addc(b, 'r');
    mb_u32(b, i);
}

/* Flag the object whose type byte is at `at` for later references. */
static void mb_flag(struct strbuf *b, size_t at)
{
    b->s[at] = (char)(b->s[at] | 0x80);
}

static void expect_fail(struct strbuf *b, const char *what)
{
    test_buf_fails("pstats", "blob", b->s, b->len, DIAG_OFFSET, TEST_ANY_POS, what);
    strbuf_reset(b);
}

/* Wrong shapes fail cleanly (gprof2dot mostly crashes on these). */
static void test_bad_shapes(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);

    strbuf_adds(&b, "{0");
    expect_fail(&b, "dict is empty");
    strbuf_adds(&b, "N");
    expect_fail(&b, "expected a dict of function statistics, found a None");
    strbuf_add(&b, "", 0);
    expect_fail(&b, "EOF read where object expected");

    strbuf_addc(&b, '{'); /* key is not a tuple */
    mb_str(&b, "k");
    strbuf_adds(&b, "N0");
    expect_fail(&b, "key tuple, found a str");

    strbuf_addc(&b, '{'); /* key of two */
    mb_tuple(&b, 2);
    mb_str(&b, "m.py");
    mb_int(&b, 1);
    strbuf_adds(&b, "N0");
    expect_fail(&b, "key tuple, found a tuple");

    strbuf_addc(&b, '{'); /* file name not a string */
    mb_tuple(&b, 3);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_str(&b, "f");
    strbuf_adds(&b, "N0");
    expect_fail(&b, "expected a file name string, found a int");

    strbuf_addc(&b, '{'); /* line not a number */
    mb_tuple(&b, 3);
    mb_str(&b, "m.py");
    mb_str(&b, "1");
    mb_str(&b, "f");
    strbuf_adds(&b, "N0");
    expect_fail(&b, "expected a line number, found a str");

    strbuf_addc(&b, '{'); /* line number beyond int64 (2**70) */
    mb_tuple(&b, 3);
    mb_str(&b, "m.py");
    strbuf_add(&b, "l\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04", 15);
    mb_str(&b, "f");
    strbuf_adds(&b, "N0");
    expect_fail(&b, "line number out of range");

    strbuf_addc(&b, '{'); /* function name not a string */
    mb_tuple(&b, 3);
    mb_str(&b, "m.py");
    mb_int(&b, 1);
    strbuf_addc(&b, 'N');
    strbuf_adds(&b, "N0");
    expect_fail(&b, "expected a function name, found a None");

    strbuf_addc(&b, '{'); /* value of four */
    mb_key(&b, "m.py", 1, "f");
    mb_tuple(&b, 4);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_int(&b, 1);
    strbuf_addc(&b, '0');
    expect_fail(&b, "expected a (cc, nc, tt, ct, callers) tuple, found a tuple of 4");

    strbuf_addc(&b, '{'); /* a number that is a string */
    mb_key(&b, "m.py", 1, "f");
    mb_tuple(&b, 5);
    mb_int(&b, 1);
    mb_str(&b, "1");
    mb_int(&b, 1);
    mb_int(&b, 1);
    strbuf_adds(&b, "{00");
    expect_fail(&b, "expected a number, found a str");

    strbuf_addc(&b, '{'); /* infinite time */
    mb_entry(&b, "m.py", 1, "f", 1, 1, INFINITY, 1.0);
    strbuf_adds(&b, "00");
    expect_fail(&b, "number out of range");

    strbuf_addc(&b, '{'); /* callers not a dict */
    mb_key(&b, "m.py", 1, "f");
    mb_tuple(&b, 5);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_int(&b, 1);
    strbuf_adds(&b, "N0");
    expect_fail(&b, "expected a dict of callers, found a None");

    strbuf_addc(&b, '{'); /* caller tuple of 3 */
    mb_entry(&b, "m.py", 1, "f", 1, 1, 1.0, 1.0);
    mb_key(&b, "m.py", 2, "g");
    mb_tuple(&b, 3);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_int(&b, 1);
    strbuf_adds(&b, "00");
    expect_fail(&b, "has 3 values, not groups of 4");

    strbuf_addc(&b, '{'); /* caller value a list */
    mb_entry(&b, "m.py", 1, "f", 1, 1, 1.0, 1.0);
    mb_key(&b, "m.py", 2, "g");
    strbuf_addc(&b, '[');
    mb_u32(&b, 0);
    strbuf_adds(&b, "00");
    expect_fail(&b, "expected caller statistics (a tuple or a call count), found a list");

    strbuf_addc(&b, '{'); /* caller key not a tuple */
    mb_entry(&b, "m.py", 1, "f", 1, 1, 1.0, 1.0);
    mb_int(&b, 5);
    mb_int(&b, 1);
    strbuf_adds(&b, "00");
    expect_fail(&b, "key tuple, found a int");

    /* A caller key that refers to a string the reader has already read as a file name: it is
     * still a string, not a key (a fuzz crasher: the value's cached text was taken for a key
     * index). */
    strbuf_addc(&b, '{');
    mb_tuple(&b, 3);
    size_t at = b.len; /* ref 0 */
    mb_str(&b, "m.py");
    mb_flag(&b, at);
    mb_int(&b, 1);
    mb_str(&b, "f");
    mb_tuple(&b, 5);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_float(&b, 1.0);
    mb_float(&b, 1.0);
    strbuf_addc(&b, '{');
    mb_ref(&b, 0);
    mb_int(&b, 1);
    strbuf_adds(&b, "00");
    expect_fail(&b, "key tuple, found a str");
    strbuf_fini(&b);
}

/* Marshal references let a small file name one object many times; the reader must not turn
 * that into work or memory out of proportion with the file (hand-made hostile files). */
static void test_reference_amplification(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);

    /* One 100 000-byte file name (reference 0) in 1000 keys: 100 MB of names from 140 kB. */
    strbuf_addc(&b, '{');
    for (int32_t i = 0; i < 1000; i++) {
        mb_tuple(&b, 3);
        if (i == 0) {
            strbuf_addc(&b, (char)('a' | 0x80));
            mb_u32(&b, 100000);
            for (int k = 0; k < 100000; k++)
                strbuf_addc(&b, 'x');
        } else {
            strbuf_addc(&b, 'r');
            mb_u32(&b, 0);
        }
        mb_int(&b, i);
        mb_str(&b, "f");
        mb_tuple(&b, 5);
        mb_int(&b, 1);
        mb_int(&b, 1);
        mb_int(&b, 1);
        mb_int(&b, 1);
        strbuf_adds(&b, "{0");
    }
    strbuf_addc(&b, '0');
    test_buf_fails("pstats", "blob", b.s, b.len, DIAG_OFFSET, TEST_ANY_POS,
                   "names built from this data exceed");
    strbuf_reset(&b);

    /* One callers dict of 2000 pairs (reference 0) serving 3000 entries. */
    strbuf_addc(&b, '{');
    for (int32_t i = 0; i < 3000; i++) {
        mb_key(&b, "m.py", i, "f");
        mb_tuple(&b, 5);
        mb_int(&b, 1);
        mb_int(&b, 1);
        mb_int(&b, 1);
        mb_int(&b, 1);
        if (i == 0) {
            strbuf_addc(&b, (char)('{' | 0x80));
            for (int32_t k = 0; k < 2000; k++) {
                mb_key(&b, "c.py", k, "g");
                mb_int(&b, 1);
            }
            strbuf_addc(&b, '0');
        } else {
            strbuf_addc(&b, 'r');
            mb_u32(&b, 0);
        }
    }
    strbuf_addc(&b, '0');
    test_buf_fails("pstats", "blob", b.s, b.len, DIAG_OFFSET, TEST_ANY_POS, "too many callers");
    strbuf_reset(&b);

    /* One caller tuple of 40 000 values (reference 0) given to 200 callers. */
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "f", 1, 1, 1.0, 1.0);
    for (int32_t k = 0; k < 200; k++) {
        mb_key(&b, "c.py", k, "g");
        if (k == 0) {
            strbuf_addc(&b, (char)('(' | 0x80));
            mb_u32(&b, 40000);
            for (int v = 0; v < 40000; v++)
                strbuf_addc(&b, 'T');
        } else {
            strbuf_addc(&b, 'r');
            mb_u32(&b, 0);
        }
    }
    strbuf_adds(&b, "00");
    test_buf_fails("pstats", "blob", b.s, b.len, DIAG_OFFSET, TEST_ANY_POS,
                   "too many caller statistics values");
    strbuf_fini(&b);
}

/* Every prefix of a real file fails cleanly at an offset within the prefix. */
static void test_truncated(void **state)
{
    (void)state;
    const char *files[] = {"cprofile-3.12.pstats", "profile-3.12.pstats", "profile-2.7.pstats"};
    for (size_t f = 0; f < P2P_ARRAY_LEN(files); f++) {
        char *rel = xasprintf(FIX "%s", files[f]);
        char *path = test_path(rel);
        size_t len;
        char *data = test_slurp(path, &len);
        for (size_t k = 0; k < len; k++) {
            char *copy = xmalloc(k ? k : 1);
            memcpy(copy, data, k);
            struct profile *p;
            struct diag d;
            assert_int_equal(test_read_buf("pstats", "cut", copy, k, &p, &d), P2P_ERR_PARSE);
            assert_null(p);
            assert_int_equal(d.where, DIAG_OFFSET);
            assert_true(d.pos <= k);
            free(copy);
        }
        free(data);
        free(path);
        free(rel);
    }
}

/* Random byte changes in real files: success or a clean error, never a crash, leak or
 * overread (the point of running under valgrind and ASan). */
static void test_mutations(void **state)
{
    (void)state;
    const char *files[] = {"cprofile-3.12.pstats", "profile-3.12.pstats", "profile-2.7.pstats",
                           "profile-3.7.pstats"};
    uint32_t seed = 777;
    for (size_t f = 0; f < P2P_ARRAY_LEN(files); f++) {
        char *rel = xasprintf(FIX "%s", files[f]);
        char *path = test_path(rel);
        size_t len;
        char *orig = test_slurp(path, &len);
        char *b = xmalloc(len);
        for (int round = 0; round < 1500; round++) {
            memcpy(b, orig, len);
            for (int k = 0; k < 1 + round % 3; k++) {
                seed = seed * 1103515245u + 12345u;
                size_t at = (seed >> 8) % len;
                seed = seed * 1103515245u + 12345u;
                b[at] = (char)(seed >> 16);
            }
            struct profile *p;
            struct diag d;
            if (test_read_buf("pstats", "mutant", b, len, &p, &d) == P2P_OK)
                profile_free(p);
            else
                assert_null(p);
        }
        free(b);
        free(orig);
        free(path);
        free(rel);
    }
}

static void test_sniff(void **state)
{
    (void)state;
    for (size_t i = 0; i < P2P_ARRAY_LEN(versions); i++) {
        char *c = xasprintf(FIX "cprofile-%s.pstats", versions[i]);
        char *q = xasprintf(FIX "profile-%s.pstats", versions[i]);
        assert_int_equal(test_sniff_file("pstats", c), 100);
        assert_int_equal(test_sniff_file("pstats", q), 100);
        free(c);
        free(q);
    }
    /* The first key cut short: likely, not certain. */
    assert_int_equal(test_sniff_buf("pstats", "\xfb\x29\x03\xfa\x01", 5), 60);
    /* A marshal dict of something else, or just a brace: weak or nothing. */
    assert_int_equal(test_sniff_buf("pstats", "\xfb\xe9\x01\x00\x00\x00", 6), 20);
    assert_int_equal(test_sniff_buf("pstats", "{0", 2), 20);
    assert_int_equal(test_sniff_buf("pstats", "{\"version\": 0, \"functions\": []}", 31), 0);
    assert_int_equal(test_sniff_buf("pstats", "{\n", 2), 0);
    assert_int_equal(test_sniff_buf("pstats", "events: Ir\n", 11), 0);
    assert_int_equal(test_sniff_buf("pstats", "Flat profile:\n", 14), 0);
    assert_int_equal(test_sniff_buf("pstats", "", 0), 0);
    assert_int_equal(test_sniff_buf("pstats", "\x7f\x45\x4c\x46", 4), 0);
}

/* ---------------------------------------------------------------- streaming and document */

/* Read bufs[0 .. n) (named "f0", "f1" ...) with one decoder mode. */
static enum p2p_status read_mode(enum pstats_mode mode, const struct strbuf *bufs, size_t n,
                                 struct profile **out, struct diag *d)
{
    struct input *in[8];
    char name[8][8];
    assert_true(n <= 8);
    diag_init(d);
    d->quiet = true;
    for (size_t i = 0; i < n; i++) {
        snprintf(name[i], sizeof(name[i]), "f%zu", i);
        in[i] = input_new_buffer(name[i], bufs[i].s, bufs[i].len);
    }
    enum p2p_status st = pstats_read_mode(in, n, mode, out, d);
    for (size_t i = 0; i < n; i++)
        input_free(in[i]);
    return st;
}

static void same_double(double a, double b)
{
    if (memcmp(&a, &b, sizeof(a)) != 0)
        fail_msg("%.17g != %.17g", a, b);
}

static void same_events(const struct prof_events *a, const struct prof_events *b)
{
    assert_int_equal(a->has, b->has);
    for (int k = 0; k < PEV_COUNT; k++)
        if (ev_has(a, (enum prof_event)k))
            same_double(a->v[k], b->v[k]);
}

/* Two profiles hold the same functions, in the same order, with the same calls and events. */
static void same_profile(const struct profile *a, const struct profile *b)
{
    assert_int_equal(a->n_funcs, b->n_funcs);
    same_events(&a->ev, &b->ev);
    for (size_t i = 0; i < a->n_funcs; i++) {
        const struct prof_func *fa = &a->funcs[i], *fb = &b->funcs[i];
        assert_int_equal(fa->int_id, fb->int_id);
        assert_string_equal(fa->name, fb->name);
        assert_string_equal(fa->filename, fb->filename);
        assert_int_equal(fa->has_called, fb->has_called);
        same_double(fa->called, fb->called);
        same_events(&fa->ev, &fb->ev);
        assert_int_equal(fa->n_calls, fb->n_calls);
        for (size_t k = 0; k < fa->n_calls; k++) {
            assert_int_equal(fa->calls[k].callee, fb->calls[k].callee);
            same_events(&fa->calls[k].ev, &fb->calls[k].ev);
        }
    }
}

/* The streaming decoder reads bufs (true: it must) to the profile the document gives, or
 * gives up (false: it must) with its own message; either way the reader (PSTATS_AUTO) gives
 * what the document gives, error and warnings included. */
static void check_modes(const struct strbuf *bufs, size_t n, bool streams)
{
    struct diag dd, ds, da;
    struct profile *pd = NULL, *ps = NULL, *pa = NULL;
    enum p2p_status sd = read_mode(PSTATS_DOCUMENT, bufs, n, &pd, &dd);
    enum p2p_status ss = read_mode(PSTATS_STREAM, bufs, n, &ps, &ds);
    enum p2p_status sa = read_mode(PSTATS_AUTO, bufs, n, &pa, &da);
    if (streams) {
        if (ss != P2P_OK)
            fail_msg("streaming gave up: %s at %" PRIu64, ds.msg, ds.pos);
        assert_int_equal(sd, P2P_OK);
        same_profile(ps, pd);
    } else {
        if (ss == P2P_OK)
            fail_msg("streaming read what it should have left to the document");
        assert_null(ps);
        assert_non_null(strstr(ds.msg, "streaming reader"));
    }
    assert_int_equal(sa, sd);
    assert_int_equal(da.warnings, dd.warnings);
    if (sd == P2P_OK) {
        same_profile(pa, pd);
    } else {
        assert_null(pa);
        assert_string_equal(da.msg, dd.msg);
        assert_int_equal(da.pos, dd.pos);
    }
    profile_free(pd);
    profile_free(ps);
    profile_free(pa);
}

static void slurp_into(struct strbuf *b, const char *rel)
{
    char *path = test_path(rel);
    size_t len;
    char *data = test_slurp(path, &len);
    strbuf_init(b);
    strbuf_add(b, data, len);
    free(data);
    free(path);
}

/* Every profiler-written Python 3 cProfile file streams; Python 2 files (string references
 * `R`) and the profile module's (code objects in keys) are left to the document. */
static void test_stream_fixtures(void **state)
{
    (void)state;
    static const struct {
        const char *rel;
        bool streams;
    } fx[] = {
        {FIX "cprofile-2.7.pstats", false}, {FIX "cprofile-3.6.pstats", true},
        {FIX "cprofile-3.7.pstats", true},  {FIX "cprofile-3.8.pstats", true},
        {FIX "cprofile-3.9.pstats", true},  {FIX "cprofile-3.10.pstats", true},
        {FIX "cprofile-3.11.pstats", true}, {FIX "cprofile-3.12.pstats", true},
        {FIX "cprofile-3.13.pstats", true}, {FIX "profile-2.7.pstats", false},
        {FIX "profile-3.6.pstats", false},  {FIX "profile-3.12.pstats", false},
        {FIX "profile-3.13.pstats", false}, {FIX "merge-1.pstats", true},
        {FIX "merge-2.pstats", true},       {FIX "merge-3.pstats", true},
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(fx); i++) {
        struct strbuf b;
        slurp_into(&b, fx[i].rel);
        check_modes(&b, 1, fx[i].streams);
        strbuf_fini(&b);
    }
    /* Several files stream into statistics that are then merged. */
    struct strbuf m[3];
    slurp_into(&m[0], FIX "merge-1.pstats");
    slurp_into(&m[1], FIX "merge-2.pstats");
    slurp_into(&m[2], FIX "merge-3.pstats");
    check_modes(m, 3, true);
    strbuf_fini(&m[2]);
    slurp_into(&m[2], FIX "profile-3.12.pstats");
    check_modes(m, 3, false); /* cannot merge cProfile and profile-module statistics */
    for (size_t i = 0; i < 3; i++)
        strbuf_fini(&m[i]);
}

/* References as Python 3 writes them: strings, ints, floats and key tuples flagged once and
 * referred to by number, numbered in the order their type bytes appear (a tuple before its
 * contents). */
static void test_stream_references(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    size_t at;
    strbuf_addc(&b, '{');
    at = b.len; /* ref 0: the key of main */
    mb_tuple(&b, 3);
    mb_flag(&b, at);
    at = b.len; /* ref 1 */
    mb_str(&b, "/src/app.py");
    mb_flag(&b, at);
    at = b.len; /* ref 2 */
    mb_int(&b, 7);
    mb_flag(&b, at);
    at = b.len; /* ref 3 */
    mb_str(&b, "main");
    mb_flag(&b, at);
    mb_tuple(&b, 5);
    at = b.len; /* ref 4 */
    mb_int(&b, 2);
    mb_flag(&b, at);
    mb_ref(&b, 4);
    at = b.len; /* ref 5 */
    mb_float(&b, 0.5);
    mb_flag(&b, at);
    mb_float(&b, 1.5);
    strbuf_addc(&b, '{');
    /* main's caller: helper (same file, line 9), a fresh tuple of references. */
    mb_tuple(&b, 3);
    size_t first_ref = b.len;
    mb_ref(&b, 1);
    at = b.len; /* ref 6 */
    mb_int(&b, 9);
    mb_flag(&b, at);
    at = b.len; /* ref 7 */
    mb_str(&b, "helper");
    mb_flag(&b, at);
    mb_tuple(&b, 4);
    mb_ref(&b, 4);
    mb_ref(&b, 4);
    mb_ref(&b, 5);
    mb_float(&b, 1.25);
    strbuf_addc(&b, '0');
    /* helper's entry, its key another fresh tuple; main calls it (a reference to main's key) */
    mb_tuple(&b, 3);
    mb_ref(&b, 1);
    mb_ref(&b, 6);
    mb_ref(&b, 7);
    mb_tuple(&b, 5);
    mb_int(&b, 3);
    mb_int(&b, 3);
    mb_ref(&b, 5);
    mb_float(&b, 2.0);
    strbuf_addc(&b, '{');
    mb_ref(&b, 0);
    mb_tuple(&b, 4);
    mb_int(&b, 3);
    mb_int(&b, 3);
    mb_ref(&b, 5);
    mb_float(&b, 2.0);
    /* and so does a function that has no entry, whose line is the int of ref 4 */
    mb_tuple(&b, 3);
    mb_ref(&b, 1);
    mb_ref(&b, 4);
    mb_ref(&b, 3);
    mb_tuple(&b, 4);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_float(&b, 0.0);
    mb_float(&b, 0.0);
    strbuf_adds(&b, "00");
    check_modes(&b, 1, true);

    struct diag d;
    struct profile *p;
    assert_int_equal(read_mode(PSTATS_STREAM, &b, 1, &p, &d), P2P_OK);
    assert_int_equal(p->n_funcs, 3);
    assert_string_equal(p->funcs[0].name, "app:7:main");
    assert_string_equal(p->funcs[1].name, "app:9:helper");
    assert_string_equal(p->funcs[2].name, "app:2:main");
    assert_string_equal(p->funcs[2].filename, "/src/app.py");
    assert_true(p->funcs[0].called == 2);
    assert_true(ev_get(&p->funcs[0].ev, PEV_TIME) == 0.5);
    assert_true(ev_get(&p->funcs[1].ev, PEV_TIME) == 0.5);
    assert_true(ev_get(&p->funcs[1].ev, PEV_TOTAL_TIME) == 2.0);
    const struct prof_call *c = test_call(p, "app:9:helper", "app:7:main");
    assert_true(ev_get(&c->ev, PEV_CALLS) == 2 && ev_get(&c->ev, PEV_TOTAL_TIME) == 1.25);
    c = test_call(p, "app:7:main", "app:9:helper");
    assert_true(ev_get(&c->ev, PEV_CALLS) == 3 && ev_get(&c->ev, PEV_TOTAL_TIME) == 2.0);
    assert_true(ev_get(&p->ev, PEV_TIME) == 1.0);
    assert_true(ev_get(&p->ev, PEV_TOTAL_TIME) == 2.0);
    profile_free(p);

    /* A reference to a slot not filled yet, or to the wrong kind, is for the document. */
    struct strbuf bad;
    strbuf_init(&bad);
    strbuf_add(&bad, b.s, b.len);
    bad.s[first_ref + 1] = 3; /* the file name refers to the name: still a string */
    check_modes(&bad, 1, true);
    bad.s[first_ref + 1] = 2; /* to an int */
    check_modes(&bad, 1, false);
    bad.s[first_ref + 1] = 9; /* to nothing yet */
    check_modes(&bad, 1, false);
    strbuf_fini(&bad);
    strbuf_fini(&b);
}

/* Shapes the streaming decoder leaves to the document, which keeps the first place and last
 * value of a repeated key, reports errors and warns once. */
static void test_stream_gives_up(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    /* a caller given twice, in a row and then with another caller between */
    for (int between = 0; between <= 1; between++) {
        strbuf_reset(&b);
        strbuf_addc(&b, '{');
        mb_entry(&b, "m.py", 1, "a", 1, 1, 9.0, 9.0);
        mb_ccaller(&b, "m.py", 3, "c", 1, 1, 5.0, 5.0);
        if (between)
            mb_ccaller(&b, "m.py", 4, "d", 1, 1, 1.0, 1.0);
        mb_ccaller(&b, "m.py", 3, "c", 3, 3, 2.0, 2.0);
        strbuf_adds(&b, "00");
        check_modes(&b, 1, false);
    }
    /* One caller of several entries is no repeat; its calls keep the order read, and a
     * negative zero time is added to zero as the document does. */
    strbuf_reset(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "a", 1, 1, 9.0, 9.0);
    mb_ccaller(&b, "m.py", 3, "c", 1, 1, 5.0, 5.0);
    mb_ccaller(&b, "m.py", 4, "d", 1, 1, 1.0, 1.0);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 2, "b", 1, 1, 9.0, 9.0);
    mb_ccaller(&b, "m.py", 4, "d", 1, 1, 2.0, -0.0);
    mb_ccaller(&b, "m.py", 3, "c", 3, 3, 2.0, 2.0);
    strbuf_adds(&b, "00");
    check_modes(&b, 1, true);
    {
        struct diag d;
        struct profile *p = NULL;
        assert_int_equal(read_mode(PSTATS_STREAM, &b, 1, &p, &d), P2P_OK);
        const struct prof_func *c = &p->funcs[test_func(p, "m:3:c")];
        const struct prof_func *dd = &p->funcs[test_func(p, "m:4:d")];
        assert_int_equal(c->n_calls, 2);
        assert_int_equal(c->calls[0].callee, test_func(p, "m:1:a"));
        assert_int_equal(c->calls[1].callee, test_func(p, "m:2:b"));
        assert_int_equal(dd->n_calls, 2);
        assert_ptr_equal(test_call(p, "m:4:d", "m:2:b"), &dd->calls[1]);
        assert_false(signbit(ev_get(&dd->calls[1].ev, PEV_TOTAL_TIME)));
        profile_free(p);
    }
    /* an entry given twice */
    strbuf_reset(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "a", 1, 1, 9.0, 9.0);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 1, "a", 2, 2, 1.0, 1.0);
    strbuf_adds(&b, "00");
    check_modes(&b, 1, false);
    /* truncated anywhere, or with a bad byte anywhere */
    strbuf_reset(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "a", 1, 1, 9.0, 9.0);
    mb_ccaller(&b, "m.py", 3, "c", 1, 1, 5.0, 5.0);
    strbuf_addc(&b, '0');
    mb_entry(&b, "m.py", 3, "c", 1, 1, 2.0, 3.0);
    strbuf_adds(&b, "00");
    check_modes(&b, 1, true);
    for (size_t n = 0; n < b.len; n++) {
        struct strbuf t = {b.s, n, n};
        check_modes(&t, 1, false);
    }
    for (size_t i = 0; i < b.len; i++) {
        char keep = b.s[i];
        b.s[i] = 'N';
        struct diag d;
        struct profile *p = NULL;
        if (read_mode(PSTATS_DOCUMENT, &b, 1, &p, &d) != P2P_OK)
            check_modes(&b, 1, false);
        profile_free(p);
        b.s[i] = keep;
    }
    /* a profile-module count above the entry's calls: gprof2dot warns (once) */
    strbuf_reset(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "a", 1, 1, 9.0, 9.0);
    mb_key(&b, "m.py", 3, "c");
    mb_int(&b, 5);
    strbuf_adds(&b, "00");
    check_modes(&b, 1, false);
    struct diag d;
    struct profile *p;
    assert_int_equal(read_mode(PSTATS_AUTO, &b, 1, &p, &d), P2P_OK);
    assert_int_equal(d.warnings, 1);
    profile_free(p);
    /* and within bounds: it streams */
    b.s[b.len - 6] = 1;
    check_modes(&b, 1, true);
    /* a count after a caller tuple divides by the tuple's first value (gprof2dot's loop
     * rebinds nc), not by the entry's */
    strbuf_reset(&b);
    strbuf_addc(&b, '{');
    mb_entry(&b, "m.py", 1, "f", 10, 10, 1.0, 4.0);
    mb_ccaller(&b, "m.py", 2, "g", 4, 2, 0.5, 1.0);
    mb_key(&b, "m.py", 3, "h");
    mb_int(&b, 1);
    strbuf_adds(&b, "00");
    check_modes(&b, 1, true);
    assert_int_equal(read_mode(PSTATS_STREAM, &b, 1, &p, &d), P2P_OK);
    assert_true(ev_get(&test_call(p, "m:3:h", "m:1:f")->ev, PEV_TOTAL_TIME) == 1.0);
    assert_true(ev_get(&test_call(p, "m:2:g", "m:1:f")->ev, PEV_CALLS) == 2.0);
    profile_free(p);
    strbuf_fini(&b);
}

/* Text: 1-byte kinds are Latin-1, the others UTF-8 or else Latin-1, as text_of makes them. */
static void test_stream_text(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '{');
    mb_tuple(&b, 3);
    mb_str(&b, "caf\xc3\xa9.py"); /* 'z': Latin-1, even where the bytes are UTF-8 */
    mb_int(&b, 1);
    strbuf_addc(&b, 'u'); /* UTF-8 */
    mb_u32(&b, 3);
    strbuf_adds(&b, "\xc3\xa9t");
    mb_tuple(&b, 5);
    mb_int(&b, 1);
    mb_int(&b, 1);
    mb_float(&b, 1.0);
    mb_float(&b, 1.0);
    strbuf_addc(&b, '{');
    mb_tuple(&b, 3);
    strbuf_addc(&b, 's'); /* bytes, not UTF-8: Latin-1 */
    mb_u32(&b, 2);
    strbuf_adds(&b, "\xff/");
    mb_int(&b, 2);
    strbuf_addc(&b, 't');
    mb_u32(&b, 1);
    strbuf_addc(&b, 'g');
    mb_int(&b, 1);
    strbuf_adds(&b, "00");
    check_modes(&b, 1, true);
    struct diag d;
    struct profile *p;
    assert_int_equal(read_mode(PSTATS_STREAM, &b, 1, &p, &d), P2P_OK);
    assert_string_equal(p->funcs[0].name, "caf\xc3\x83\xc2\xa9:1:\xc3\xa9t");
    assert_string_equal(p->funcs[0].filename, "caf\xc3\x83\xc2\xa9.py");
    assert_string_equal(p->funcs[1].name, ":2:g");
    assert_string_equal(p->funcs[1].filename, "\xc3\xbf/");
    profile_free(p);
    strbuf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_fixtures_match_pstats),
        cmocka_unit_test(test_recursion_counts),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_merge_mixed_kinds),
        cmocka_unit_test(test_no_input),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_id_order),
        cmocka_unit_test(test_caller_without_entry),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_caller_tuples),
        cmocka_unit_test(test_profile_counts),
        cmocka_unit_test(test_mixed_callers_in_file),
        cmocka_unit_test(test_line_forms),
        cmocka_unit_test(test_bad_shapes),
        cmocka_unit_test(test_reference_amplification),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_stream_fixtures),
        cmocka_unit_test(test_stream_references),
        cmocka_unit_test(test_stream_gives_up),
        cmocka_unit_test(test_stream_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
