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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "progress.h"
#include "reader.h"
#include "testutil.h"

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("json", "tests/fixtures/json/linetrace.json"), 95);
    assert_int_equal(
        test_sniff_str("json", "\n  {\"version\": 0, \"functions\": [], \"events\": []}"), 95);
    assert_int_equal(test_sniff_str("json", "{\"version\": 0"), 50);
    assert_true(test_sniff_str("json", "{\"traceEvents\": []}") <= 10);
    assert_int_equal(test_sniff_str("json", "[{\"callchain\": [0]}]"), 0);
    assert_int_equal(test_sniff_str("json", "version: 1\ncreator: callgrind-3.19.0\n"), 0);
    assert_int_equal(test_sniff_str("json", "main;foo;bar 12\n"), 0);
    assert_int_equal(test_sniff_str("json", "Flat profile:\n"), 0);
    assert_int_equal(test_sniff_str("json", ""), 0);
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
        test_expect_ev(&f->ev, PEV_SAMPLES, samples[i]);
        assert_true(f->has_called);
        assert_true(f->called == called[i]);
        assert_false(ev_has(&f->ev, PEV_TIME_RATIO));
    }
    test_expect_ev(&p->ev, PEV_SAMPLES, 75);
    test_expect_ev(&test_call(p, "main", "work")->ev, PEV_SAMPLES2, 68);
    test_expect_ev(&test_call(p, "work", "leaf")->ev, PEV_SAMPLES2, 18);
    test_expect_ev(&test_call(p, "work", "ping")->ev, PEV_SAMPLES2, 30);
    test_expect_ev(&test_call(p, "ping", "pong")->ev, PEV_SAMPLES2, 46);
    test_expect_ev(&test_call(p, "pong", "ping")->ev, PEV_SAMPLES2, 42);
    test_expect_ev(&test_call(p, "ping", "leaf")->ev, PEV_SAMPLES2, 14);
    test_expect_ev(&test_call(p, "work", "helper")->ev, PEV_SAMPLES2, 12);
    test_expect_ev(&test_call(p, "helper", "leaf")->ev, PEV_SAMPLES2, 10);
    assert_int_equal(test_total_calls(p), 8);
    assert_false(ev_has(&test_call(p, "main", "work")->ev, PEV_CALLS));
    profile_free(p);
}

/* gprof2dot-behaviour.md 11.1 (tests/json/cycle). */
static void test_cycle_example(void **state)
{
    (void)state;
    struct profile *p = test_read_ok(
        "json",
        "{\"version\": 0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": "
        "\"c\"}, {\"name\": \"d\"}, {\"name\": \"e\"}, {\"name\": \"f\"}],\n"
        " \"events\": [{\"callchain\": [5, 2, 1, 0], \"cost\": [1]},\n"
        "            {\"callchain\": [4, 1, 2, 0], \"cost\": [1]}]}",
        NULL);
    assert_int_equal(p->n_funcs, 6);
    test_expect_ev(&test_fn(p, "f")->ev, PEV_SAMPLES, 1);
    test_expect_ev(&test_fn(p, "e")->ev, PEV_SAMPLES, 1);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_fn(p, "d")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 2);
    assert_true(test_fn(p, "e")->called == 1 && test_fn(p, "f")->called == 1);
    assert_true(test_fn(p, "a")->called == 0 && test_fn(p, "b")->called == 0);
    static const char *const calls[][2] = {{"a", "b"}, {"c", "f"}, {"b", "c"},
                                           {"a", "c"}, {"b", "e"}, {"c", "b"}};
    for (size_t i = 0; i < P2P_ARRAY_LEN(calls); i++)
        test_expect_ev(&test_call(p, calls[i][0], calls[i][1])->ev, PEV_SAMPLES2, 1);
    /* Insertion order of a's calls: a->b first (first event), then a->c. */
    assert_int_equal(test_fn(p, "a")->n_calls, 2);
    assert_int_equal(test_fn(p, "a")->calls[0].callee, test_func(p, "b"));
    assert_null(test_call_maybe(p, "d", "a"));
    profile_free(p);
}

/* gprof2dot-behaviour.md 12 item 2: recursion at the top of the stack; each pair in the
 * chain counts, so a->b gets the cost twice from [b,a,b,a]. */
static void test_recursion_example(void **state)
{
    (void)state;
    struct profile *p = test_read_ok(
        "json",
        "{\"version\": 0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": "
        "\"c\"}], \"events\": [{\"callchain\": [1, 0, 1, 0], \"cost\": [3]}, "
        "{\"callchain\": [2, 1, 0], \"cost\": [1]}]}",
        NULL);
    test_expect_ev(&test_fn(p, "b")->ev, PEV_SAMPLES, 3);
    test_expect_ev(&test_fn(p, "c")->ev, PEV_SAMPLES, 1);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 4);
    test_expect_ev(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 7);
    test_expect_ev(&test_call(p, "b", "a")->ev, PEV_SAMPLES2, 3);
    test_expect_ev(&test_call(p, "b", "c")->ev, PEV_SAMPLES2, 1);
    assert_true(test_fn(p, "b")->called == 1);
    profile_free(p);
}

/* Item 3: zero costs stay present zeros; identical neighbours make a self-call. */
static void test_zero_costs_and_self_call(void **state)
{
    (void)state;
    struct profile *p = test_read_ok(
        "json",
        "{\"version\": 0, \"functions\": [{\"name\": \"main\"}, {\"name\": \"a\"}, {\"name\": "
        "\"b\"}], \"events\": [{\"callchain\": [1, 0], \"cost\": [0]}, {\"callchain\": [2, 2, "
        "0], \"cost\": [0.0]}]}",
        NULL);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_fn(p, "a")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_call(p, "main", "a")->ev, PEV_SAMPLES2, 0);
    test_expect_ev(&test_call(p, "b", "b")->ev, PEV_SAMPLES2, 0);
    test_expect_ev(&test_call(p, "main", "b")->ev, PEV_SAMPLES2, 0);
    profile_free(p);
}

static void test_module_process(void **state)
{
    (void)state;
    struct profile *p = test_read_ok(
        "json",
        "{\"functions\": [{\"name\": \"f\", \"module\": null, \"process\": \"app\"},\n"
        " {\"module\": \"\", \"name\": \"g\", \"extra\": {\"x\": [1, {\"y\": null}]}}],\n"
        " \"events\": [], \"costs\": [\"ignored\"], \"version\": 0}",
        NULL);
    assert_null(test_fn(p, "f")->module);
    assert_string_equal(test_fn(p, "f")->process, "app");
    assert_string_equal(test_fn(p, "g")->module, "");
    assert_null(test_fn(p, "g")->process);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

/* Python keeps the last of repeated keys; checks apply to that value only. */
static void test_duplicate_keys(void **state)
{
    (void)state;
    struct profile *p =
        test_read_ok("json",
                     "{\"version\": 1, \"functions\": 5, \"events\": [{\"callchain\": [9]}],\n"
                     " \"functions\": [{\"name\": 3, \"name\": \"x\"}, {\"name\": \"y\"}],\n"
                     " \"events\": [{\"callchain\": [\"bad\"], \"cost\": [], \"callchain\": [1, 0],"
                     " \"cost\": [2, \"unused\"]}], \"version\": 0}",
                     NULL);
    assert_int_equal(p->n_funcs, 2);
    test_expect_ev(&test_fn(p, "y")->ev, PEV_SAMPLES, 2);
    test_expect_ev(&test_call(p, "x", "y")->ev, PEV_SAMPLES2, 2);
    profile_free(p);
}

/* Python arithmetic: booleans are 0 and 1, a float index finds the function; version 0.0
 * and false equal 0; an empty object or string counts as an empty list. */
static void test_python_quirks(void **state)
{
    (void)state;
    struct profile *p = test_read_ok(
        "json",
        "{\"version\": 0.0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"events\": "
        "[{\"callchain\": [1.0, false], \"cost\": [true]}, {\"callchain\": [true], \"cost\": "
        "[2.5e0]}]}",
        NULL);
    test_expect_ev(&test_fn(p, "b")->ev, PEV_SAMPLES, 3.5);
    test_expect_ev(&test_call(p, "a", "b")->ev, PEV_SAMPLES2, 1);
    assert_true(test_fn(p, "b")->called == 2);
    profile_free(p);
    p = test_read_ok("json", "{\"version\": false, \"functions\": {}, \"events\": \"\"}", NULL);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
    p = test_read_ok("json", "{\"version\": -0, \"functions\": \"\", \"events\": {}}", NULL);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_string_escapes(void **state)
{
    (void)state;
    struct profile *p = test_read_ok(
        "json",
        "{\"version\": 0, \"functions\": [{\"name\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" "
        "\\\\ \\/ \\t\\n\\r\\b\\f \\u20AC\"}, {\"name\": \"\xc3\xa9t\xc3\xa9\"}], "
        "\"events\": [{\"callchain\": [0], \"cost\": [1]}]}",
        NULL);
    assert_string_equal(p->funcs[0].name,
                        "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \t\n\r\b\f \xe2\x82\xac");
    assert_string_equal(p->funcs[1].name, "\xc3\xa9t\xc3\xa9");
    profile_free(p);
}

static void test_bom_accepted(void **state)
{
    (void)state;
    /* input.c drops a UTF-8 byte-order mark (gprof2dot would fail on it). */
    struct profile *p = test_read_ok(
        "json", "\xef\xbb\xbf{\"version\": 0, \"functions\": [], \"events\": []}", NULL);
    assert_int_equal(p->n_funcs, 0);
    profile_free(p);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    test_read_fails("json", "", 1, "expected a JSON value, found end of input");
    test_read_fails("json", "  \n\n", 3, "end of input");
    test_read_fails("json", "{\"version\": NaN}", 1, "NaN is not a valid JSON number");
    test_read_fails("json", "{\n\"version\":\n Infinity}", 3, "Infinity is not a valid");
    test_read_fails("json", "{\"version\": -Infinity}", 1, "-Infinity is not a valid");
    test_read_fails("json", "{\"version\": 1e400}", 1, "number out of range");
    test_read_fails("json", "{\"version\": -1e400}", 1, "number out of range");
    test_read_fails("json", "{\"version\": 0} x", 1,
                    "unexpected data after the JSON value (column 16)");
    test_read_fails("json", "{\"version\": 0}{}", 1, "unexpected data");
    test_read_fails("json", "{\"version\": 01}", 1, "expected ',' or '}'");
    test_read_fails("json", "{\"version\": 1.}", 1, "digit after the decimal point");
    test_read_fails("json", "{\"version\": -}", 1, "digit after '-'");
    test_read_fails("json", "{\"version\": 1e+}", 1, "digit in the exponent");
    test_read_fails("json", "{\"version\": +1}", 1, "expected a JSON value");
    test_read_fails("json", "{\"version\": tru}", 1, "expected a JSON value");
    test_read_fails("json", "{\"version\": 0,}", 1, "expected a string as object key");
    test_read_fails("json", "{\"a\": [1,]}", 1, "expected a JSON value");
    test_read_fails("json", "{\"a\" 1}", 1, "expected ':'");
    test_read_fails("json", "{'a': 1}", 1, "expected a string as object key");
    test_read_fails("json", "{\"a\": [1, 2}", 1, "expected ',' or ']'");
    test_read_fails("json", "{\"a\": [1, 2]", 1, "end of input inside an object");
    test_read_fails("json", "{\"a\": [1,\r\n 2", 2, "end of input inside an array");
    test_read_fails("json", "{\"a\": \"abc", 1, "unterminated string");
    test_read_fails("json", "{\"a\": \"ab\nc\"}", 1, "control character 0x0a");
    test_read_fails("json", "{\"a\": \"\\x\"}", 1, "invalid escape \\x");
    test_read_fails("json", "{\"a\": \"\\u12\"}", 1, "four hex digits");
    test_read_fails("json", "{\"a\": \"\\ud800\"}", 1, "unpaired high surrogate");
    test_read_fails("json", "{\"a\": \"\\ud800\\u0041\"}", 1, "unpaired high surrogate");
    test_read_fails("json", "{\"a\": \"\\udc00\"}", 1, "unpaired low surrogate");
    test_read_fails("json", "{\"a\": \"\xff\"}", 1, "invalid UTF-8");
    test_read_fails("json", "{\"a\": \"\xc0\xaf\"}", 1, "invalid UTF-8"); /* overlong '/' */
    test_read_fails("json", "{\"a\": \"\xed\xa0\x80\"}", 1,
                    "invalid UTF-8"); /* encoded surrogate */
    test_read_fails("json", "{\"a\": \"\xf4\x90\x80\x80\"}", 1,
                    "invalid UTF-8");                                     /* above U+10FFFF */
    test_read_fails("json", "{\"a\": \"\xe2\x82\"}", 1, "invalid UTF-8"); /* truncated */
    test_read_fails("json", "{\"a\": \xc3\xa9}", 1, "expected a JSON value");
    /* A number longer than parse_double takes. */
    char big[300] = "{\"version\": 0.";
    memset(big + strlen(big), '1', 200);
    strcat(big, "}");
    test_read_fails("json", big, 1, "number too long");
}

static void test_nesting_cap(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *s = malloc(depth + 1);
    memset(s, '[', depth);
    s[depth] = '\0';
    test_read_fails("json", s, 1, "nested deeper than 512 levels");
    /* 512 levels are fine for the tokenizer (the document is then not an object). */
    memset(s, '[', 512);
    memset(s + 512, ']', 512);
    s[1024] = '\0';
    test_read_fails("json", s, 1, "expected a JSON object at the top level");
    free(s);
}

static void test_schema_errors(void **state)
{
    (void)state;
    test_read_fails("json", "[]", 1, "expected a JSON object at the top level");
    test_read_fails("json", "\"x\"", 1, "expected a JSON object at the top level");
    test_read_fails("json", "{\"functions\": [], \"events\": []}", 0, "no \"version\"");
    test_read_fails("json", "{\"version\": 1, \"functions\": [], \"events\": []}", 1,
                    "unsupported \"version\"");
    test_read_fails("json", "{\"version\": \"0\", \"functions\": [], \"events\": []}", 1,
                    "unsupported \"version\"");
    test_read_fails("json", "{\"version\": true, \"functions\": [], \"events\": []}", 1,
                    "unsupported \"version\"");
    test_read_fails("json", "{\"version\": 0, \"events\": []}", 0, "no \"functions\"");
    test_read_fails("json", "{\"version\": 0, \"functions\": []}", 0, "no \"events\"");
    test_read_fails("json", "{\"version\": 0, \"functions\": null, \"events\": []}", 1,
                    "\"functions\" must be an array, not null");
    test_read_fails("json", "{\"version\": 0, \"functions\": \"ab\", \"events\": []}", 1,
                    "\"functions\" must be an array, not a string");
    test_read_fails("json", "{\"version\": 0, \"functions\": {\"0\": {}}, \"events\": []}", 1,
                    "\"functions\" must be an array, not an object");
    test_read_fails("json", "{\"version\": 0, \"functions\": [], \"events\": 3}", 1,
                    "\"events\" must be an array, not a number");
    test_read_fails("json",
                    "{\"version\": 0,\n\"functions\": [{\"name\": \"a\"},\n[]], \"events\": []}", 3,
                    "function 1 must be an object, not an array");
    test_read_fails("json",
                    "{\"version\": 0, \"functions\": [\n{\"module\": \"m\"}], \"events\": []}", 2,
                    "function 0 has no \"name\"");
    test_read_fails("json", "{\"version\": 0, \"functions\": [{\"name\":\n null}], \"events\": []}",
                    2, "the \"name\" of function 0 must be a string, not null");
    test_read_fails("json",
                    "{\"version\": 0, \"functions\": [{\"name\": \"a\", \"module\": 1}], "
                    "\"events\": []}",
                    1, "the \"module\" of function 0 must be a string, not a number");
    test_read_fails("json",
                    "{\"version\": 0, \"functions\": [{\"name\": \"a\", \"process\": []}], "
                    "\"events\": []}",
                    1, "the \"process\" of function 0 must be a string, not an array");
    test_read_fails("json",
                    "{\"version\": 0, \"functions\": [{\"name\": \"a\\u0000b\"}], \"events\": []}",
                    1, "contains a NUL character");
    /* Events. */
    const char *fn = "{\"version\": 0, \"functions\": [{\"name\": \"a\"}, {\"name\": \"b\"}],\n";
    char buf[512];
#define EV(s) (snprintf(buf, sizeof(buf), "%s\"events\": [\n%s]}", fn, s), buf)
    test_read_fails("json", EV("5"), 3, "event 0 must be an object, not a number");
    test_read_fails("json", EV("{\"cost\": [1]}"), 3, "event 0 has no \"callchain\"");
    test_read_fails("json",
                    EV("{\"callchain\": [0], \"cost\": [1]},\n{\"callchain\": [], \"cost\": [1]}"),
                    4, "event 1 has an empty callchain");
    test_read_fails("json", EV("{\"callchain\": \"0\", \"cost\": [1]}"), 3,
                    "\"callchain\" must be an array, not a string");
    test_read_fails("json", EV("{\"callchain\": [0, \"1\"], \"cost\": [1]}"), 3,
                    "a callchain entry must be a function index, not a string");
    test_read_fails("json", EV("{\"callchain\": [0]}"), 3, "event 0 has no \"cost\"");
    test_read_fails("json", EV("{\"callchain\": [0], \"cost\": []}"), 3, "empty \"cost\" array");
    test_read_fails("json", EV("{\"callchain\": [0], \"cost\": [\"1\"]}"), 3,
                    "cost[0] must be a number, not a string");
    test_read_fails("json", EV("{\"callchain\": [0], \"cost\": 1}"), 3,
                    "\"cost\" must be an array, not a number");
    test_read_fails("json",
                    EV("{\"callchain\": [0], \"cost\": [1]},\n{\"callchain\": [2, 0], \"cost\": "
                       "[1]}"),
                    4, "event 1 calls function 2, but there are 2 functions");
    test_read_fails("json", EV("{\"callchain\": [-1], \"cost\": [1]}"), 3, "calls function -1");
    test_read_fails("json", EV("{\"callchain\": [0.5], \"cost\": [1]}"), 3, "calls function 0.5");
    test_read_fails("json", EV("{\"callchain\": [1e300], \"cost\": [1]}"), 3,
                    "calls function 1e+300");
#undef EV
}

static void test_usage(void **state)
{
    (void)state;
    const char *doc = "{\"version\": 0, \"functions\": [], \"events\": []}";
    const char *const names[] = {"a", "b"}, *const texts[] = {doc, doc};
    struct profile *p;
    struct diag d;
    assert_false(test_reader("json")->multi);
    assert_int_equal(test_read_strs("json", names, texts, 2, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
    assert_non_null(strstr(d.msg, "exactly one file"));
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

/* The tokenizer reports the bytes it has passed every megabyte, and all of them at the end. */
static void test_progress_bytes(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    strbuf_addc(&b, '[');
    for (size_t i = 0; b.len < ((size_t)3 << 20) + 777; i++)
        strbuf_addf(&b, "%s{\"name\": \"f%zu\", \"t\": %zu.5}\n", i ? ", " : "", i, i * 7);
    strbuf_add(&b, "]  \n", 4);
    struct json_parser jp;
    struct diag d;
    diag_init(&d);
    progress_stage("test", b.len);
    json_init(&jp, b.s, b.len);
    enum json_token t;
    size_t tokens = 0, seen_below = 0;
    do {
        assert_int_equal(json_next(&jp, &t, &d), P2P_OK);
        uint64_t at = (uint64_t)(jp.p_ - (const unsigned char *)b.s), done = progress_done();
        assert_true(done <= at);
        assert_true(at - done <= ((uint64_t)1 << 20) + 64);
        seen_below += done < at;
        tokens++;
    } while (t != JSON_EOF);
    assert_true(tokens > 100000);
    assert_true(seen_below > 0); /* in steps, not per token */
    assert_int_equal(progress_done(), b.len);
    progress_end();
    json_fini(&jp);
    strbuf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_progress_bytes),
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
