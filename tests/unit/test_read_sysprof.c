/* Unit tests of the sysprof reader. Sysprof 1.x (the XML-saving version) is not available
 * here, so tests/fixtures/sysprof/demo.sysprof is written by make_sysprof.py in its layout; the
 * expected numbers were derived by hand from the call tree in that script and checked with a
 * separate Python script, not taken from the reader. The inline documents are hand-written
 * edge cases and hostile shapes (wrong structure, parent loops, entity tricks). */
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

/* A document of objects and nodes given as element text. */
#define DOC(objects, nodes)                                                                        \
    "<profile>\n<objects>\n" objects "</objects>\n<nodes>\n" nodes "</nodes>\n</profile>\n"
#define OBJ(id, name, self)                                                                        \
    "<object id=\"" #id "\"><name>\"" name "\"</name><self>" #self "</self></object>\n"
#define NODE(id, obj, parent, self)                                                                \
    "<node id=\"" #id "\"><object>" #obj "</object><parent>" #parent "</parent><self>" #self       \
    "</self></node>\n"

static void test_registered(void **state)
{
    (void)state;
    const struct reader *r = reader_find("sysprof");
    assert_non_null(r);
    assert_string_equal(r->name, "sysprof");
    assert_false(r->multi);
}

/* demo.sysprof: Everything > [demo] > main [2] > parse [5] > g_malloc > _int_malloc [7];
 * main > render > draw [4] > draw [3] > _int_malloc [1]; main > _int_malloc [2]. */
static void test_fixture_demo(void **state)
{
    (void)state;
    struct profile *p = test_read_file("sysprof", "tests/fixtures/sysprof/demo.sysprof");
    assert_int_equal(p->recipe, PROF_RECIPE_SAMPLES);
    assert_true(p->int_ids);
    test_expect_ev(&p->ev, PEV_SAMPLES, 24);
    assert_int_equal(p->ev.has, 1u << PEV_SAMPLES);

    /* Only objects with self samples, in document order. */
    static const int64_t ids[] = {7, 3, 5, 4};
    static const char *const names[] = {"main", "parse", "_int_malloc", "draw"};
    static const double self[] = {2, 5, 10, 7};
    assert_int_equal(p->n_funcs, 4);
    for (size_t i = 0; i < 4; i++) {
        const struct prof_func *f = &p->funcs[i];
        assert_int_equal(f->int_id, ids[i]);
        assert_string_equal(f->name, names[i]); /* the quotes are removed */
        assert_null(f->module);
        assert_null(f->process);
        assert_false(f->has_called);
        assert_int_equal(f->ev.has, 1u << PEV_SAMPLES);
        test_expect_ev(&f->ev, PEV_SAMPLES, self[i]);
    }
    /* Zero-self frames (render, g_malloc, the groupings) are jumped over; the amount is the
     * callee node's self samples. */
    test_expect_ev(&test_call_int(p, 7, 3)->ev, PEV_SAMPLES2, 5);
    test_expect_ev(&test_call_int(p, 3, 5)->ev, PEV_SAMPLES2, 7);
    test_expect_ev(&test_call_int(p, 7, 4)->ev, PEV_SAMPLES2, 4);
    test_expect_ev(&test_call_int(p, 4, 4)->ev, PEV_SAMPLES2, 3);
    test_expect_ev(&test_call_int(p, 4, 5)->ev, PEV_SAMPLES2, 1);
    test_expect_ev(&test_call_int(p, 7, 5)->ev, PEV_SAMPLES2, 2);
    assert_int_equal(test_call_int(p, 7, 3)->ev.has, 1u << PEV_SAMPLES2);
    const struct prof_func *m = test_fn_int(p, 7);
    assert_int_equal(m->n_calls, 3);
    assert_int_equal(p->funcs[m->calls[0].callee].int_id, 3);
    assert_int_equal(p->funcs[m->calls[1].callee].int_id, 4);
    assert_int_equal(p->funcs[m->calls[2].callee].int_id, 5);
    assert_int_equal(test_fn_int(p, 5)->n_calls, 0);
    profile_free(p);
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(test_sniff_file("sysprof", "tests/fixtures/sysprof/demo.sysprof"), 95);
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"<?xml version=\"1.0\"?>\n<!-- saved -->\n<!DOCTYPE profile>\n<profile>\n<objects>", 95},
        {"<profile>", 60},
        {"<profile>\n<something/>", 60},
        {"<profiles>\n<objects>", 0},
        {"<?xml version=\"1.0\"?><!-- unterminated", 0},
        {"<root><profile><objects>", 0},
        {"events: Ir\nfn=main\n", 0},
        {"{\"version\": 0}", 0},
        {"PK\3\4", 0},
        {"main;work 3\n", 0},
        {"", 0},
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(cases); i++)
        assert_int_equal(test_sniff_str("sysprof", cases[i].head), cases[i].score);
}

/* Text values: trimmed (Python whitespace, also U+00A0), quotes removed, entities and CDATA
 * decoded, comments dropped; unknown fields and profile-level elements ignored. */
static void test_values(void **state)
{
    (void)state;
    struct profile *p = test_read_ok(
        "sysprof",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<!-- Sysprof -->\n"
        "<profile>\n"
        "  <size>  42 </size><call_tree/><extra>\"text\"</extra>\n"
        "  <nodes>\n"
        "    <node id=\"1\"><object>1</object><parent>0</parent><self>1</self></node>\n"
        "    <node id=\" +2 \"><object> 2 </object><parent>1</parent><toplevel>0</toplevel>"
        "<self>\n3\n</self><name>ignored</name></node>\n"
        "    <node id=\"1_0\"><object>3</object><parent>1</parent><self>0<!-- x -->4</self>"
        "</node>\n"
        "    <node id=\"-4\"><object>4</object><parent>10</parent><self><![CDATA[5]]></self>"
        "</node>\n"
        "    <node id=\"5\"><object>5</object><parent>1</parent><self>1</self></node>\n"
        "  </nodes>\n"
        "  <objects>\n"
        "    <object id=\"1\"><name>plain name</name><self>1</self><total>9</total></object>\n"
        "    <object "
        "id=\"2\"><name>\xc2\xa0\"&quot;quoted&quot;\"\t</name><self>3</self></object>\n"
        "    <object id=\"3\"><name>\"</name><self>04</self></object>\n"
        "    <object id=\"4\"><name><![CDATA[a<b>]]> &amp; 007</name><self>5</self></object>\n"
        "    <object id=\"5\"><name>007</name><self>1</self></object>\n"
        "    <object id=\"6\"><self>0</self></object>\n"
        "  </objects>\n"
        "</profile>\n",
        NULL);
    assert_int_equal(p->n_funcs, 5);
    assert_string_equal(test_fn_int(p, 1)->name, "plain name");
    assert_string_equal(test_fn_int(p, 2)->name, "\"quoted\"");
    assert_string_equal(test_fn_int(p, 3)->name, "");
    assert_string_equal(test_fn_int(p, 4)->name, "a<b> & 007");
    assert_string_equal(test_fn_int(p, 5)->name, "007"); /* kept as written (see the reader) */
    test_expect_ev(&test_fn_int(p, 3)->ev, PEV_SAMPLES, 4);
    test_expect_ev(&p->ev, PEV_SAMPLES, 14);
    test_expect_ev(&test_call_int(p, 1, 2)->ev, PEV_SAMPLES2, 3);
    test_expect_ev(&test_call_int(p, 1, 3)->ev, PEV_SAMPLES2, 4);
    test_expect_ev(&test_call_int(p, 3, 4)->ev, PEV_SAMPLES2, 5); /* parent "10" is node id 1_0 */
    test_expect_ev(&test_call_int(p, 1, 5)->ev, PEV_SAMPLES2, 1);
    profile_free(p);

    /* An empty list may be followed by another; a second non-empty one fails. */
    p = test_read_ok("sysprof",
                     "<profile><objects/><objects>" OBJ(1, "a", 1) "</objects><nodes/></profile>",
                     NULL);
    assert_int_equal(p->n_funcs, 1);
    profile_free(p);
    test_read_fails("sysprof",
                    "<profile>\n<objects>" OBJ(1, "a", 1) "</objects>\n<objects/></profile>", 4,
                    "a second <objects> list");

    /* Nothing at all. */
    p = test_read_ok("sysprof", "<profile/>", NULL);
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

/* Nodes without self samples are not looked at; a walk that reaches the root makes no call;
 * a walk stops at the first node whose object has self samples, even if that node has none. */
static void test_walk(void **state)
{
    (void)state;
    struct profile *p = test_read_ok("sysprof",
                                     DOC(OBJ(1, "top", 2) OBJ(2, "skip", 0) OBJ(3, "leaf", 6),
                                         NODE(1, 2, 0, 0) /* skip (root) */
                                         NODE(2, 3, 1, 6) /* leaf under skip: no caller */
                                         NODE(3, 1, 1, 0) /* top without self */
                                         NODE(4, 2, 3, 0) /* skip */
                                         NODE(5, 3, 4, 6) /* leaf: caller top */
                                         NODE(6, 1, 4, 2) /* top: caller top */
                                         NODE(8, 9, 99, 0)),
                                     NULL); /* dangling, self 0: unused */
    test_expect_ev(&p->ev, PEV_SAMPLES, 8);
    test_expect_ev(&test_call_int(p, 1, 3)->ev, PEV_SAMPLES2, 6);
    test_expect_ev(&test_call_int(p, 1, 1)->ev, PEV_SAMPLES2, 2);
    assert_int_equal(test_fn_int(p, 1)->n_calls, 2);
    assert_int_equal(test_fn_int(p, 3)->n_calls, 0);
    profile_free(p);

    /* A parent cycle nobody walks into is harmless. */
    p = test_read_ok(
        "sysprof",
        DOC(OBJ(1, "a", 1) OBJ(2, "z", 0), NODE(1, 1, 0, 1) NODE(2, 2, 3, 0) NODE(3, 2, 2, 0)),
        NULL);
    assert_int_equal(p->n_funcs, 1);
    profile_free(p);

    /* A text <self> is only fatal when the node has a caller (gprof2dot fails later then). */
    p = test_read_ok("sysprof", DOC(OBJ(1, "a", 1), NODE(1, 1, 0, 1) NODE(2, 1, 0, "x")), NULL);
    profile_free(p);
    test_read_fails("sysprof",
                    "<profile><objects>" OBJ(1, "a", 1) "</objects><nodes>\n" NODE(
                        1, 1, 0, 1) "\n" NODE(2, 1, 1, "x") "</nodes></profile>",
                    5, "<self> of <node id=\"2\"> is not an integer");
}

/* 50000 zero-self frames in a chain with a leaf hanging off each: gprof2dot walks the chain
 * once per leaf; the reader must stay linear and use no recursion. */
static void test_deep_chain(void **state)
{
    (void)state;
    enum { N = 50000 };
    struct strbuf b;
    strbuf_init(&b);
    strbuf_adds(&b, "<profile><objects>" OBJ(1, "root", 1) OBJ(2, "mid", 0)
                        OBJ(3, "leaf", 50000) "</objects><nodes>\n" NODE(1, 1, 0, 1));
    for (int i = 0; i < N; i++)
        strbuf_addf(&b, "<node id=\"%d\"><object>2</object><parent>%d</parent>%s", i + 2, i + 1,
                    "<self>0</self></node>\n");
    for (int i = 0; i < N; i++)
        strbuf_addf(&b, "<node id=\"%d\"><object>3</object><parent>%d</parent>%s", N + 2 + i,
                    N + 1 - i, "<self>1</self></node>\n");
    strbuf_adds(&b, "</nodes></profile>\n");
    struct profile *p = test_read_ok("sysprof", b.s, NULL);
    test_expect_ev(&test_call_int(p, 1, 3)->ev, PEV_SAMPLES2, N);
    test_expect_ev(&p->ev, PEV_SAMPLES, N + 1);
    profile_free(p);

    /* The same chain closed into a loop: a clean error instead of walking forever. */
    strbuf_reset(&b);
    strbuf_adds(&b, "<profile><objects>" OBJ(2, "mid", 0) OBJ(3, "leaf", 1) "</objects><nodes>\n");
    for (int i = 0; i < N; i++)
        strbuf_addf(&b, "<node id=\"%d\"><object>2</object><parent>%d</parent>%s", i + 1,
                    i == 0 ? N : i, "<self>0</self></node>\n");
    strbuf_adds(&b, NODE(60000, 3, 1, 1) "</nodes></profile>\n");
    test_read_fails("sysprof", b.s, 4, "parent cycle through <node id=\"1\">");
    strbuf_fini(&b);
}

static void test_structure_errors(void **state)
{
    (void)state;
    test_read_fails("sysprof", "hello\n", 1, "XML error: syntax error");
    test_read_fails("sysprof", "", 1, "XML error: no element found");
    test_read_fails("sysprof", "<profile>\n<objects>\n<object id=\"1\"><name>a", 3, "XML error");
    test_read_fails("sysprof", "<profile>\n</profil>\n", 2, "XML error: mismatched tag");
    test_read_fails("sysprof", "<profile/>\n<profile/>\n", 2,
                    "XML error: junk after document element");
    test_read_fails(
        "sysprof",
        "<profile>\n<nodes>\n<node id=\"1\"><self>1</self></node>\n</nodes>\n</profile>\xff", 5,
        "XML error");
    test_read_fails("sysprof", "\n<objects>\n</objects>\n", 2,
                    "expected <profile>, found <objects>");
    test_read_fails("sysprof", "<profile>\n<nodes>\n<object id=\"1\"/>\n</nodes></profile>", 3,
                    "expected <node>, found <object>");
    test_read_fails("sysprof", "<profile>\n<objects>\n  junk\n</objects></profile>", 3,
                    "unexpected text between elements");
    test_read_fails("sysprof", "<profile>x<objects/></profile>", 1,
                    "unexpected text between elements");
    test_read_fails("sysprof",
                    "<profile><objects><object id=\"1\">\n<self>1</self> 2 </object></objects>"
                    "</profile>",
                    2, "unexpected text between elements");
    test_read_fails("sysprof", "<profile>\n<size><b>1</b></size></profile>", 2,
                    "expected text, found <b>");
    test_read_fails("sysprof",
                    "<profile><objects>\n<object id=\"1\"><name>a<i/></name></object></objects>"
                    "</profile>",
                    2, "expected text, found <i>");
    test_read_fails("sysprof",
                    "<profile><objects>\n<object><self>1</self></object></objects></profile>", 2,
                    "<object> without an id attribute");
    test_read_fails("sysprof", "<profile><objects>\n<object id=\"1.5\"/></objects></profile>", 2,
                    "<object> id \"1.5\" is not an integer");
    test_read_fails("sysprof",
                    "<profile><objects>\n<object id=\"99999999999999999999\"/></objects></profile>",
                    2, "is not an integer");
    test_read_fails("sysprof",
                    "<profile><nodes><node id=\"1\"/>\n<node id=\"01\"/></nodes></profile>", 2,
                    "duplicate <node id=\"1\">");
    test_read_fails("sysprof",
                    "<profile><objects><object id=\"1\">\n<self>1</self><self>1</self></object>"
                    "</objects></profile>",
                    2, "<object id=\"1\"> has two <self>");
    /* Field names repeat freely across items. */
    struct profile *p = test_read_ok("sysprof", DOC(OBJ(1, "a", 1) OBJ(2, "b", 1), ""), NULL);
    assert_int_equal(p->n_funcs, 2);
    profile_free(p);
}

/* Entity declarations are refused (billion laughs, external files); undeclared entities are
 * XML errors. */
static void test_entities(void **state)
{
    (void)state;
    test_read_fails("sysprof",
                    "<?xml version=\"1.0\"?>\n<!DOCTYPE profile [\n<!ENTITY a \"aaaa\">\n"
                    "<!ENTITY b \"&a;&a;&a;&a;\">\n]>\n<profile><size>&b;</size></profile>",
                    3, "entity declarations are not supported");
    test_read_fails("sysprof",
                    "<!DOCTYPE profile [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n"
                    "<profile><size>&x;</size></profile>",
                    2, "entity declarations are not supported");
    test_read_fails("sysprof",
                    "<!DOCTYPE profile [<!ENTITY % p SYSTEM \"http://example.invalid/x\"> %p;]>\n"
                    "<profile/>",
                    1, "entity declarations are not supported");
    test_read_fails("sysprof", "<profile>\n<size>&nope;</size></profile>", 2,
                    "XML error: undefined entity");
    /* A doctype without declarations is fine. */
    struct profile *p = test_read_ok("sysprof",
                                     "<!DOCTYPE profile SYSTEM \"http://example.invalid/p.dtd\">"
                                     "<profile/>",
                                     NULL);
    profile_free(p);
}

/* Errors found after parsing name the line of the element at fault. */
static void test_field_errors(void **state)
{
    (void)state;
    test_read_fails("sysprof", DOC("<object id=\"1\"><name>a</name></object>\n", ""), 3,
                    "<object id=\"1\"> has no <self>");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 0) OBJ(2, "b", "many"), ""), 4,
                    "<self> of <object id=\"2\"> is not an integer");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 99999999999999999999), ""), 3,
                    "<self> of <object id=\"1\"> is too large");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 0) "<object id=\"2\"><self>1</self></object>\n", ""),
                    4, "<object id=\"2\"> has no <name>");
    test_read_fails(
        "sysprof",
        DOC(OBJ(1, "a", 1), NODE(1, 1, 0, 1) "<node id=\"2\"><object>1</object></node>\n"), 7,
        "<node id=\"2\"> has no <self>");
    test_read_fails(
        "sysprof",
        DOC(OBJ(1, "a", 1),
            NODE(1, 1, 0, 1) "<node id=\"2\"><object>1</object><self>1</self></node>\n"),
        7, "<node id=\"2\"> has no <parent>");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 1), NODE(1, 1, 0, 1) NODE(2, 1, 7, 1)), 7,
                    "<node id=\"2\"> refers to a missing parent node");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 1), NODE(1, 1, 0, 1) NODE(2, 1, "1", 1)), 7,
                    "refers to a missing parent node");
    test_read_fails("sysprof",
                    DOC(OBJ(1, "a", 1), NODE(1, 1, 0, 1) NODE(2, 1, 99999999999999999999, 1)), 7,
                    "refers to a missing parent node");
    /* The parent's object is needed to decide whether to stop. */
    test_read_fails(
        "sysprof",
        DOC(OBJ(1, "a", 1),
            "<node id=\"1\"><parent>0</parent><self>0</self></node>\n" NODE(2, 1, 1, 1)),
        6, "<node id=\"1\"> has no <object>");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 1), NODE(1, 8, 0, 0) NODE(2, 1, 1, 1)), 6,
                    "<node id=\"1\"> refers to a missing object");
    /* The callee's object must exist and have self samples. */
    test_read_fails(
        "sysprof",
        DOC(OBJ(1, "a", 1),
            NODE(1, 1, 0, 0) "<node id=\"2\"><parent>1</parent><self>1</self></node>\n"),
        7, "<node id=\"2\"> has no <object>");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 1), NODE(1, 1, 0, 0) NODE(2, 3, 1, 1)), 7,
                    "<node id=\"2\"> refers to a missing object");
    test_read_fails("sysprof",
                    DOC(OBJ(1, "a", 1) OBJ(2, "b", 0), NODE(1, 1, 0, 0) NODE(2, 2, 1, 1)), 8,
                    "<node id=\"2\"> has self samples but its object has none");
    test_read_fails("sysprof", DOC(OBJ(1, "a", 1), NODE(1, 1, 0, 99999999999999999999)), 6,
                    "<self> of <node id=\"1\"> is too large");
    /* A self-loop on a zero-self node. */
    test_read_fails("sysprof",
                    DOC(OBJ(1, "a", 1) OBJ(2, "z", 0), NODE(1, 2, 1, 0) NODE(2, 1, 1, 1)), 7,
                    "parent cycle through <node id=\"1\">");
}

/* UTF-16 with a byte-order mark arrives as UTF-8 (input.c) whatever the declaration says. */
static void test_utf16(void **state)
{
    (void)state;
    const char *text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<profile><objects>" OBJ(
        1, "\xc3\xa9t\xc3\xa9", 2) "</objects></profile>\n";
    /* Encode as UTF-16LE (the text is ASCII but for two U+00E9). */
    size_t n = strlen(text), m = 2;
    unsigned char *buf = malloc(2 * n + 2);
    buf[0] = 0xff;
    buf[1] = 0xfe;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = (unsigned char)text[i];
        if (cp == 0xc3) {
            cp = 0xc0 | ((unsigned char)text[++i] & 0x3f);
        }
        buf[m++] = (unsigned char)cp;
        buf[m++] = 0;
    }
    struct profile *p = test_read_buf_ok("sysprof", "u16", buf, m, NULL, NULL);
    assert_string_equal(test_fn_int(p, 1)->name, "\xc3\xa9t\xc3\xa9");
    profile_free(p);
    free(buf);
}

static void test_usage(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b"}, *const texts[] = {"x", "y"};
    struct profile *p;
    struct diag d;
    assert_int_equal(test_read_strs("sysprof", names, texts, 2, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
    assert_string_equal(d.msg, "exactly one file must be given for sysprof input");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_fixture_demo),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_field_errors),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
