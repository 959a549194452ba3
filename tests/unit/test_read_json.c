/* Unit tests of the json reader and of the JSON tokenizer under it. The fixture
 * tests/fixtures/json/linetrace.json comes from linetrace.py (a deterministic line-counting
 * tracer; see make-fixtures.sh); its expected numbers were summed from the file by a separate
 * Python one-liner over json.load(). The edge cases are hand-written inline documents: the
 * worked examples of gprof2dot-behaviour.md 11.1 and 12 (items 2 and 3), and hostile input. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "reader.h"
#include "testutil.h"

static void assert_ev(const struct prof_events *e, enum prof_event k, double v)
{
    assert_true(ev_has(e, k));
    if (fabs(ev_get(e, k) - v) > 1e-9 * (fabs(v) > 1 ? fabs(v) : 1)) {
        print_error("event %d is %.17g, expected %.17g\n", (int)k, ev_get(e, k), v);
        fail();
    }
}

static const struct prof_func *func(const struct profile *p, const char *name)
{
    return &p->funcs[test_func(p, name)];
}

/* Read `text`, expect a parse error at `line` whose message contains `needle`. */
static void expect_error(const char *text, uint64_t line, const char *needle)
{
    struct profile *p = (struct profile *)1;
    struct diag d;
    enum p2p_status st = test_read_str("json", text, &p, &d);
    if (st != P2P_ERR_PARSE || !strstr(d.msg, needle) || d.pos != line) {
        print_error("input %s\n gave status %d, line %llu, message '%s'; expected line %llu "
                    "and '%s'\n",
                    text, (int)st, (unsigned long long)d.pos, d.msg, (unsigned long long)line,
                    needle);
        fail();
    }
    assert_null(p);
    assert_string_equal(d.file, "test");
}

static struct profile *read_ok(const char *text)
{
    struct profile *p = NULL;
    struct diag d;
    enum p2p_status st = test_read_str("json", text, &p, &d);
    if (st != P2P_OK) {
        print_error("unexpected error: line %llu: %s\n", (unsigned long long)d.pos, d.msg);
        fail();
    }
    assert_non_null(p);
    return p;
}

static int sniff_str(const char *s)
{
    return reader_find("json")->sniff((const unsigned char *)s, strlen(s));
}

static void test_sniff(void **state)
{
    (void)state;
    char *path = test_path("tests/fixtures/json/linetrace.json");
    size_t n;
    char *text = test_slurp(path, &n);
    assert_int_equal(reader_find("json")->sniff((const unsigned char *)text, n), 95);
    free(text);
    free(path);
    assert_int_equal(sniff_str("\n  {\"version\": 0, \"functions\": [], \"events\": []}"), 95);
    assert_int_equal(sniff_str("{\"version\": 0"), 50);
    assert_true(sniff_str("{\"traceEvents\": []}") <= 10);
    assert_int_equal(sniff_str("[{\"callchain\": [0]}]"), 0);
    assert_int_equal(sniff_str("version: 1\ncreator: callgrind-3.19.0\n"), 0);
    assert_int_equal(sniff_str("main;foo;bar 12\n"), 0);
    assert_int_equal(sniff_str("Flat profile:\n"), 0);
    assert_int_equal(sniff_str(""), 0);
}

/* The fixture: functions main work leaf ping pong helper (ids 0..5). */
static void test_fixture(void **state)
{
    (void)state;
    struct profile *p = test_read_file("json", "tests/fixtures/json/linetrace.json");
    assert_int_equal(p->recipe, PROF_RECIPE_SAMPLES);
    assert_true(p->int_ids);
    assert_int_equal(p->n_funcs, 6);
    static const char *const names[] = {"main", "work", "leaf", "ping", "pong", "helper"};
    static const double samples[] = {7, 8, 42, 12, 4, 2};
    static const double called[] = {1, 1, 3, 3, 2, 1};
    for (size_t i = 0; i < 6; i++) {
        const struct prof_func *f = &p->funcs[i];
        assert_int_equal(f->int_id, (int64_t)i);
        assert_string_equal(f->name, names[i]);
        assert_string_equal(f->module, "linetrace.py");
        assert_null(f->process);
        assert_ev(&f->ev, PEV_SAMPLES, samples[i]);
        assert_true(f->has_called);
        assert_true(f->called == called[i]);
        assert_false(ev_has(&f->ev, PEV_TIME_RATIO));
    }
    assert_ev(&p->ev, PEV_SAMPLES, 75);
    assert_ev(&test_call(p, "main", "work")->ev, PEV_SAMPLES2, 68);
    assert_ev(&test_call(p, "work", "leaf")->ev, PEV_SAMPLES2, 18);
    assert_ev(&test_call(p, "work", "ping")->ev, PEV_SAMPLES2, 30);
    assert_ev(&test_call(p, "ping", "pong")->ev, PEV_SAMPLES2, 46);
    assert_ev(&test_call(p, "pong", "ping")->ev, PEV_SAMPLES2, 42);
    assert_ev(&test_call(p, "ping", "leaf")->ev, PEV_SAMPLES2, 14);
    assert_ev(&test_call(p, "work", "helper")->ev, PEV_SAMPLES2, 12);
    assert_ev(&test_call(p, "helper", "leaf")->ev, PEV_SAMPLES2, 10);
    size_t n_calls = 0;
    for (size_t i = 0; i < p->n_funcs; i++)
        n_calls += p->funcs[i].n_calls;
    assert_int_equal(n_calls, 8);
    assert_false(ev_has(&test_call(p, "main", "work")->ev, PEV_CALLS));
    profile_free(p);
}

/* gprof2dot-behaviour.md 11.1 (tests/json/cycle). */
static void test_cycle_example(void **state)
{
    (void)state;
    struct profile *p =
        read_ok("{\"version\": 0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": "
                "\"c\"}, {\"name\": \"d\"}, {\"name\": \"e\"}, {\"name\": \"f\"}],\n"
                " \"events\": [{\"callchain\": [5, 2, 1, 0], \"cost\": [1]},\n"
                "            {\"callchain\": [4, 1, 2, 0], \"cost\": [1]}]}");
    assert_int_equal(p->n_funcs, 6);
    assert_ev(&func(p, "f")->ev, PEV_SAMPLES, 1);
    assert_ev(&func(p, "e")->ev, PEV_SAMPLES, 1);
    assert_ev(&func(p, "a")->ev, PEV_SAMPLES, 0);
    assert_ev(&func(p, "d")->ev, PEV_SAMPLES, 0);
    assert_ev(&p->ev, PEV_SAMPLES, 2);
    assert_true(func(p, "e")->called == 1 && func(p, "f")->called == 1);
    assert_true(func(p, "a")->called == 0 && func(p, "b")->called == 0);
    static const char *const calls[][2] = {{"a", "b"}, {"c", "f"}, {"b", "c"},
                                           {"a", "c"}, {"b", "e"}, {"c", "b"}};
    for (size_t i = 0; i < P2P_ARRAY_LEN(calls); i++)
        assert_ev(&test_call(p, calls[i][0], calls[i][1])->ev, PEV_SAMPLES2, 1);
    /* Insertion order of a's calls: a->b first (first event), then a->c. */
    assert_int_equal(func(p, "a")->n_calls, 2);
    assert_int_equal(func(p, "a")->calls[0].callee, test_func(p, "b"));
    assert_null(test_call_maybe(p, "d", "a"));
    profile_free(p);
}

/* gprof2dot-behaviour.md 12 item 2: recursion at the top of the stack; each pair in the
 * chain counts, so a->b gets the cost twice from [b,a,b,a]. */
static void test_recursion_example(void **state)
{
    (void)state;
    struct profile *p =
        read_ok("{\"version\": 0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": "
                "\"c\"}], \"events\": [{\"callchain\": [1, 0, 1, 0], \"cost\": [3]}, "
                "{\"callchain\": [2, 1, 0], \"cost\": [1]}]}");
    assert_ev(&func(p, "b")->ev, PEV_SAMPLES, 3);
    assert_ev(&func(p, "c")->ev, PEV_SAMPLES, 1);
    assert_ev(&func(p, "a")->ev, PEV_SAMPLES, 0);
    assert_ev(&p->ev, PEV_SAMPLES, 4);
    assert_ev(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 7);
    assert_ev(&test_call(p, "b", "a")->ev, PEV_SAMPLES2, 3);
    assert_ev(&test_call(p, "b", "c")->ev, PEV_SAMPLES2, 1);
    assert_true(func(p, "b")->called == 1);
    profile_free(p);
}

/* Item 3: zero costs stay present zeros; identical neighbours make a self-call. */
static void test_zero_costs_and_self_call(void **state)
{
    (void)state;
    struct profile *p = read_ok(
        "{\"version\": 0, \"functions\": [{\"name\": \"main\"}, {\"name\": \"a\"}, {\"name\": "
        "\"b\"}], \"events\": [{\"callchain\": [1, 0], \"cost\": [0]}, {\"callchain\": [2, 2, "
        "0], \"cost\": [0.0]}]}");
    assert_ev(&p->ev, PEV_SAMPLES, 0);
    assert_ev(&func(p, "a")->ev, PEV_SAMPLES, 0);
    assert_ev(&test_call(p, "main", "a")->ev, PEV_SAMPLES2, 0);
    assert_ev(&test_call(p, "b", "b")->ev, PEV_SAMPLES2, 0);
    assert_ev(&test_call(p, "main", "b")->ev, PEV_SAMPLES2, 0);
    profile_free(p);
}

static void test_module_process(void **state)
{
    (void)state;
    struct profile *p =
        read_ok("{\"functions\": [{\"name\": \"f\", \"module\": null, \"process\": \"app\"},\n"
                " {\"module\": \"\", \"name\": \"g\", \"extra\": {\"x\": [1, {\"y\": null}]}}],\n"
                " \"events\": [], \"costs\": [\"ignored\"], \"version\": 0}");
    assert_null(func(p, "f")->module);
    assert_string_equal(func(p, "f")->process, "app");
    assert_string_equal(func(p, "g")->module, "");
    assert_null(func(p, "g")->process);
    assert_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

/* Python keeps the last of repeated keys; checks apply to that value only. */
static void test_duplicate_keys(void **state)
{
    (void)state;
    struct profile *p =
        read_ok("{\"version\": 1, \"functions\": 5, \"events\": [{\"callchain\": [9]}],\n"
                " \"functions\": [{\"name\": 3, \"name\": \"x\"}, {\"name\": \"y\"}],\n"
                " \"events\": [{\"callchain\": [\"bad\"], \"cost\": [], \"callchain\": [1, 0],"
                " \"cost\": [2, \"unused\"]}], \"version\": 0}");
    assert_int_equal(p->n_funcs, 2);
    assert_ev(&func(p, "y")->ev, PEV_SAMPLES, 2);
    assert_ev(&test_call(p, "x", "y")->ev, PEV_SAMPLES2, 2);
    profile_free(p);
}

/* Python arithmetic: booleans are 0 and 1, a float index finds the function; version 0.0
 * and false equal 0; an empty object or string counts as an empty list. */
static void test_python_quirks(void **state)
{
    (void)state;
    struct profile *p = read_ok(
        "{\"version\": 0.0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"events\": "
        "[{\"callchain\": [1.0, false], \"cost\": [true]}, {\"callchain\": [true], \"cost\": "
        "[2.5e0]}]}");
    assert_ev(&func(p, "b")->ev, PEV_SAMPLES, 3.5);
    assert_ev(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 1);
    assert_true(func(p, "b")->called == 2);
    profile_free(p);
    p = read_ok("{\"version\": false, \"functions\": {}, \"events\": \"\"}");
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
    p = read_ok("{\"version\": -0, \"functions\": \"\", \"events\": {}}");
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_string_escapes(void **state)
{
    (void)state;
    struct profile *p =
        read_ok("{\"version\": 0, \"functions\": [{\"name\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" "
                "\\\\ \\/ \\t\\n\\r\\b\\f \\u20AC\"}, {\"name\": \"\xc3\xa9t\xc3\xa9\"}], "
                "\"events\": [{\"callchain\": [0], \"cost\": [1]}]}");
    assert_string_equal(p->funcs[0].name,
                        "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \t\n\r\b\f \xe2\x82\xac");
    assert_string_equal(p->funcs[1].name, "\xc3\xa9t\xc3\xa9");
    profile_free(p);
}

static void test_bom_accepted(void **state)
{
    (void)state;
    /* input.c drops a UTF-8 byte-order mark (gprof2dot would fail on it). */
    struct profile *p = read_ok("\xef\xbb\xbf{\"version\": 0, \"functions\": [], \"events\": []}");
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_error("", 1, "expected a JSON value, found end of input");
    expect_error("  \n\n", 3, "end of input");
    expect_error("{\"version\": NaN}", 1, "NaN is not a valid JSON number");
    expect_error("{\n\"version\":\n Infinity}", 3, "Infinity is not a valid");
    expect_error("{\"version\": -Infinity}", 1, "-Infinity is not a valid");
    expect_error("{\"version\": 1e400}", 1, "number out of range");
    expect_error("{\"version\": -1e400}", 1, "number out of range");
    expect_error("{\"version\": 0} x", 1, "unexpected data after the JSON value (column 16)");
    expect_error("{\"version\": 0}{}", 1, "unexpected data");
    expect_error("{\"version\": 01}", 1, "expected ',' or '}'");
    expect_error("{\"version\": 1.}", 1, "digit after the decimal point");
    expect_error("{\"version\": -}", 1, "digit after '-'");
    expect_error("{\"version\": 1e+}", 1, "digit in the exponent");
    expect_error("{\"version\": +1}", 1, "expected a JSON value");
    expect_error("{\"version\": tru}", 1, "expected a JSON value");
    expect_error("{\"version\": 0,}", 1, "expected a string as object key");
    expect_error("{\"a\": [1,]}", 1, "expected a JSON value");
    expect_error("{\"a\" 1}", 1, "expected ':'");
    expect_error("{'a': 1}", 1, "expected a string as object key");
    expect_error("{\"a\": [1, 2}", 1, "expected ',' or ']'");
    expect_error("{\"a\": [1, 2]", 1, "end of input inside an object");
    expect_error("{\"a\": [1,\r\n 2", 2, "end of input inside an array");
    expect_error("{\"a\": \"abc", 1, "unterminated string");
    expect_error("{\"a\": \"ab\nc\"}", 1, "control character 0x0a");
    expect_error("{\"a\": \"\\x\"}", 1, "invalid escape \\x");
    expect_error("{\"a\": \"\\u12\"}", 1, "four hex digits");
    expect_error("{\"a\": \"\\ud800\"}", 1, "unpaired high surrogate");
    expect_error("{\"a\": \"\\ud800\\u0041\"}", 1, "unpaired high surrogate");
    expect_error("{\"a\": \"\\udc00\"}", 1, "unpaired low surrogate");
    expect_error("{\"a\": \"\xff\"}", 1, "invalid UTF-8");
    expect_error("{\"a\": \"\xc0\xaf\"}", 1, "invalid UTF-8");         /* overlong '/' */
    expect_error("{\"a\": \"\xed\xa0\x80\"}", 1, "invalid UTF-8");     /* encoded surrogate */
    expect_error("{\"a\": \"\xf4\x90\x80\x80\"}", 1, "invalid UTF-8"); /* above U+10FFFF */
    expect_error("{\"a\": \"\xe2\x82\"}", 1, "invalid UTF-8");         /* truncated */
    expect_error("{\"a\": \xc3\xa9}", 1, "expected a JSON value");
    /* A number longer than parse_double takes. */
    char big[300] = "{\"version\": 0.";
    memset(big + strlen(big), '1', 200);
    strcat(big, "}");
    expect_error(big, 1, "number too long");
}

static void test_nesting_cap(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *s = malloc(depth + 1);
    memset(s, '[', depth);
    s[depth] = '\0';
    expect_error(s, 1, "nested deeper than 512 levels");
    /* 512 levels are fine for the tokenizer (the document is then not an object). */
    memset(s, '[', 512);
    memset(s + 512, ']', 512);
    s[1024] = '\0';
    expect_error(s, 1, "expected a JSON object at the top level");
    free(s);
}

static void test_schema_errors(void **state)
{
    (void)state;
    expect_error("[]", 1, "expected a JSON object at the top level");
    expect_error("\"x\"", 1, "expected a JSON object at the top level");
    expect_error("{\"functions\": [], \"events\": []}", 0, "no \"version\"");
    expect_error("{\"version\": 1, \"functions\": [], \"events\": []}", 1,
                 "unsupported \"version\"");
    expect_error("{\"version\": \"0\", \"functions\": [], \"events\": []}", 1,
                 "unsupported \"version\"");
    expect_error("{\"version\": true, \"functions\": [], \"events\": []}", 1,
                 "unsupported \"version\"");
    expect_error("{\"version\": 0, \"events\": []}", 0, "no \"functions\"");
    expect_error("{\"version\": 0, \"functions\": []}", 0, "no \"events\"");
    expect_error("{\"version\": 0, \"functions\": null, \"events\": []}", 1,
                 "\"functions\" must be an array, not null");
    expect_error("{\"version\": 0, \"functions\": \"ab\", \"events\": []}", 1,
                 "\"functions\" must be an array, not a string");
    expect_error("{\"version\": 0, \"functions\": {\"0\": {}}, \"events\": []}", 1,
                 "\"functions\" must be an array, not an object");
    expect_error("{\"version\": 0, \"functions\": [], \"events\": 3}", 1,
                 "\"events\" must be an array, not a number");
    expect_error("{\"version\": 0,\n\"functions\": [{\"name\": \"a\"},\n[]], \"events\": []}", 3,
                 "function 1 must be an object, not an array");
    expect_error("{\"version\": 0, \"functions\": [\n{\"module\": \"m\"}], \"events\": []}", 2,
                 "function 0 has no \"name\"");
    expect_error("{\"version\": 0, \"functions\": [{\"name\":\n null}], \"events\": []}", 2,
                 "the \"name\" of function 0 must be a string, not null");
    expect_error("{\"version\": 0, \"functions\": [{\"name\": \"a\", \"module\": 1}], "
                 "\"events\": []}",
                 1, "the \"module\" of function 0 must be a string, not a number");
    expect_error("{\"version\": 0, \"functions\": [{\"name\": \"a\", \"process\": []}], "
                 "\"events\": []}",
                 1, "the \"process\" of function 0 must be a string, not an array");
    expect_error("{\"version\": 0, \"functions\": [{\"name\": \"a\\u0000b\"}], \"events\": []}", 1,
                 "contains a NUL character");
    /* Events. */
    const char *fn = "{\"version\": 0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}],\n";
    char buf[512];
#define EV(s) (snprintf(buf, sizeof(buf), "%s\"events\": [\n%s]}", fn, s), buf)
    expect_error(EV("5"), 3, "event 0 must be an object, not a number");
    expect_error(EV("{\"cost\": [1]}"), 3, "event 0 has no \"callchain\"");
    expect_error(EV("{\"callchain\": [0], \"cost\": [1]},\n{\"callchain\": [], \"cost\": [1]}"), 4,
                 "event 1 has an empty callchain");
    expect_error(EV("{\"callchain\": \"0\", \"cost\": [1]}"), 3,
                 "\"callchain\" must be an array, not a string");
    expect_error(EV("{\"callchain\": [0, \"1\"], \"cost\": [1]}"), 3,
                 "a callchain entry must be a function index, not a string");
    expect_error(EV("{\"callchain\": [0]}"), 3, "event 0 has no \"cost\"");
    expect_error(EV("{\"callchain\": [0], \"cost\": []}"), 3, "empty \"cost\" array");
    expect_error(EV("{\"callchain\": [0], \"cost\": [\"1\"]}"), 3,
                 "cost[0] must be a number, not a string");
    expect_error(EV("{\"callchain\": [0], \"cost\": 1}"), 3,
                 "\"cost\" must be an array, not a number");
    expect_error(EV("{\"callchain\": [0], \"cost\": [1]},\n{\"callchain\": [2, 0], \"cost\": "
                    "[1]}"),
                 4, "event 1 calls function 2, but there are 2 functions");
    expect_error(EV("{\"callchain\": [-1], \"cost\": [1]}"), 3, "calls function -1");
    expect_error(EV("{\"callchain\": [0.5], \"cost\": [1]}"), 3, "calls function 0.5");
    expect_error(EV("{\"callchain\": [1e300], \"cost\": [1]}"), 3, "calls function 1e+300");
#undef EV
}

static void test_usage(void **state)
{
    (void)state;
    const char *doc = "{\"version\": 0, \"functions\": [], \"events\": []}";
    struct input *in[2] = {input_new_buffer("a", doc, strlen(doc)),
                           input_new_buffer("b", doc, strlen(doc))};
    struct profile *p = (struct profile *)1;
    struct diag d;
    diag_init(&d);
    assert_false(reader_find("json")->multi);
    assert_int_equal(reader_find("json")->read(in, 2, NULL, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
    assert_non_null(strstr(d.msg, "exactly one file"));
    input_free(in[0]);
    input_free(in[1]);
}

/* The tokenizer by itself. */
static void test_tokenizer(void **state)
{
    (void)state;
    const char *doc = "{\"k\\u0000\": [1, -2.5e1, true, false, null, {}, []],\n \"s\": \"x\"}";
    struct json_parser jp;
    struct diag d;
    diag_init(&d);
    json_init(&jp, doc, strlen(doc));
    static const enum json_token want[] = {
        JSON_OBJECT_BEGIN, JSON_KEY,       JSON_ARRAY_BEGIN, JSON_NUMBER,       JSON_NUMBER,
        JSON_TRUE,         JSON_FALSE,     JSON_NULL,        JSON_OBJECT_BEGIN, JSON_OBJECT_END,
        JSON_ARRAY_BEGIN,  JSON_ARRAY_END, JSON_ARRAY_END,   JSON_KEY,          JSON_STRING,
        JSON_OBJECT_END,   JSON_EOF,       JSON_EOF,
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(want); i++) {
        enum json_token t;
        assert_int_equal(json_next(&jp, &t, &d), P2P_OK);
        assert_int_equal(t, want[i]);
        if (i == 1) {
            assert_int_equal(jp.str_len, 2);
            assert_memory_equal(jp.str, "k\0", 2);
            assert_int_equal(jp.depth, 1);
        } else if (i == 3) {
            assert_true(jp.num == 1 && jp.num_is_int);
        } else if (i == 4) {
            assert_true(jp.num == -25 && !jp.num_is_int);
        } else if (i == 14) {
            assert_string_equal(jp.str, "x");
            assert_int_equal(jp.tok_line, 2);
        }
    }
    json_fini(&jp);

    /* json_skip consumes a whole container and checks it. */
    const char *doc2 = "[[1, {\"a\": [2]}], 3]";
    json_init(&jp, doc2, strlen(doc2));
    enum json_token t;
    assert_int_equal(json_next(&jp, &t, &d), P2P_OK);
    assert_int_equal(json_next(&jp, &t, &d), P2P_OK);
    assert_int_equal(t, JSON_ARRAY_BEGIN);
    assert_int_equal(json_skip(&jp, t, &d), P2P_OK);
    assert_int_equal(json_next(&jp, &t, &d), P2P_OK);
    assert_int_equal(t, JSON_NUMBER);
    assert_true(jp.num == 3);
    json_fini(&jp);

    /* After an error the parser stays failed. */
    json_init(&jp, "[1 2]", 5);
    assert_int_equal(json_next(&jp, &t, &d), P2P_OK);
    assert_int_equal(json_next(&jp, &t, &d), P2P_OK);
    assert_int_equal(json_next(&jp, &t, &d), P2P_ERR_PARSE);
    assert_int_equal(json_next(&jp, &t, &d), P2P_ERR_PARSE);
    assert_non_null(strstr(d.msg, "(column 4)"));
    json_fini(&jp);
    assert_string_equal(json_token_desc(JSON_ARRAY_BEGIN), "an array");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_cycle_example),
        cmocka_unit_test(test_recursion_example),
        cmocka_unit_test(test_zero_costs_and_self_call),
        cmocka_unit_test(test_module_process),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_python_quirks),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_bom_accepted),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_nesting_cap),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_tokenizer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
