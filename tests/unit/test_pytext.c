/* Python's text rules (src/pytext.c): which characters are whitespace, stripping and
 * splitting, digits and int(), literal eating, strict UTF-8 and repr(). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pytext.h"
#include "testutil.h"

#define S(x) x, strlen(x)
#define SPAN(x) ((struct span){x, strlen(x)})

/* Bytes of the whitespace character at the start of the string literal x. */
static size_t space_at(const char *x)
{
    return pytext_space_at(x, x + strlen(x));
}

static void test_unicode_spaces(void **state)
{
    (void)state;
    /* Every character str.isspace() accepts, with its UTF-8 length. */
    static const struct {
        const char *utf8;
        size_t len;
    } spaces[] = {
        {" ", 1},
        {"\t", 1},
        {"\n", 1},
        {"\v", 1},
        {"\f", 1},
        {"\r", 1},
        {"\x1c", 1},
        {"\x1d", 1},
        {"\x1e", 1},
        {"\x1f", 1},
        {"\xc2\x85", 2},     /* U+0085 NEXT LINE */
        {"\xc2\xa0", 2},     /* U+00A0 NO-BREAK SPACE */
        {"\xe1\x9a\x80", 3}, /* U+1680 OGHAM SPACE MARK */
        {"\xe2\x80\x80", 3}, /* U+2000 */
        {"\xe2\x80\x81", 3},
        {"\xe2\x80\x82", 3},
        {"\xe2\x80\x83", 3},
        {"\xe2\x80\x84", 3},
        {"\xe2\x80\x85", 3},
        {"\xe2\x80\x86", 3},
        {"\xe2\x80\x87", 3},
        {"\xe2\x80\x88", 3},
        {"\xe2\x80\x89", 3},
        {"\xe2\x80\x8a", 3}, /* U+200A HAIR SPACE */
        {"\xe2\x80\xa8", 3}, /* U+2028 LINE SEPARATOR */
        {"\xe2\x80\xa9", 3}, /* U+2029 PARAGRAPH SEPARATOR */
        {"\xe2\x80\xaf", 3}, /* U+202F NARROW NO-BREAK SPACE */
        {"\xe2\x81\x9f", 3}, /* U+205F MEDIUM MATHEMATICAL SPACE */
        {"\xe3\x80\x80", 3}, /* U+3000 IDEOGRAPHIC SPACE */
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(spaces); i++) {
        const char *u = spaces[i].utf8;
        size_t n = spaces[i].len;
        assert_int_equal(pytext_space_at(u, u + n), n);
        assert_int_equal(pytext_space_before(u, u + n), n);
        assert_true(pytext_isspace(u, n));
        /* Cut short, it is no whitespace at all. */
        if (n > 1) {
            assert_int_equal(pytext_space_at(u, u + n - 1), 0);
            assert_int_equal(pytext_space_before(u + 1, u + n), 0);
        }
        assert_int_equal(pytext_ascii_space((unsigned char)u[0]), n == 1);
    }
}

static void test_not_spaces(void **state)
{
    (void)state;
    static const char *const others[] = {
        "a",
        "\x01",
        "\x1b",
        "\x7f",
        "\xc2\x84",     /* U+0084 */
        "\xc2\x86",     /* U+0086 */
        "\xc2\xa1",     /* U+00A1 */
        "\xe1\x9a\x81", /* U+1681 */
        "\xe2\x80\x8b", /* U+200B ZERO WIDTH SPACE */
        "\xe2\x80\x8c", /* U+200C */
        "\xe2\x80\xa7", /* U+2027 */
        "\xe2\x80\xaa", /* U+202A */
        "\xe2\x80\xae", /* U+202E */
        "\xe2\x81\xa0", /* U+2060 WORD JOINER */
        "\xe2\x81\x9e", /* U+205E */
        "\xe3\x80\x81", /* U+3001 */
        "\xef\xbb\xbf", /* U+FEFF BYTE ORDER MARK */
        "\xe2\x80\x41", /* a lead byte and a continuation, then ASCII: not U+2000 */
        "\xe2\x80",     /* truncated */
        "\xc2",         /* truncated */
        "\x80",         /* stray continuation byte */
        "\xa0",         /* the second byte of U+00A0 alone */
        "\xc3\xa0",     /* U+00E0 */
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(others); i++) {
        assert_int_equal(space_at(others[i]), 0);
        assert_false(pytext_isspace(S(others[i])));
    }
    assert_int_equal(pytext_space_at("", ""), 0);
    assert_false(pytext_isspace("", 0)); /* str.isspace() of "" is False */
    /* The tail of a multibyte character is not whitespace seen from behind either. */
    const char *nbsp_a = "\xc2\xa0\x61";
    assert_int_equal(pytext_space_before(nbsp_a, nbsp_a + 3), 0);
    const char *e9 = "\xc3\xa9"; /* U+00E9, whose last byte is no space */
    assert_int_equal(pytext_space_before(e9, e9 + 2), 0);
}

static void test_skip_and_strip(void **state)
{
    (void)state;
    const char *s = " \t\xc2\xa0\xe3\x80\x80word\xe2\x80\x83x \x1f";
    const char *end = s + strlen(s);
    size_t count = 99;
    const char *w = pytext_skip_space(s, end, &count);
    assert_int_equal(count, 4); /* characters, not bytes */
    assert_int_equal(w - s, 7);
    assert_ptr_equal(pytext_skip_space(w, end, NULL), w);
    const char *we = pytext_skip_word(w, end);
    assert_int_equal(we - w, 4);
    assert_ptr_equal(pytext_rstrip(s, end), end - 2);
    assert_ptr_equal(pytext_rstrip(w, w), w);
    assert_ptr_equal(pytext_rstrip(s, s + 7), s); /* all whitespace */

    struct span t = span_strip((struct span){s, strlen(s)});
    assert_int_equal(t.n, strlen("word\xe2\x80\x83x"));
    assert_memory_equal(t.s, "word\xe2\x80\x83x", t.n);
    t = span_strip(SPAN("\xe2\x80\x8b x \xe2\x80\x8b")); /* U+200B stays */
    assert_int_equal(t.n, strlen("\xe2\x80\x8b x \xe2\x80\x8b"));
    t = span_strip(SPAN(" \xc2\xa0 "));
    assert_int_equal(t.n, 0);
    t = span_strip(SPAN(""));
    assert_int_equal(t.n, 0);

    /* The ASCII-only variant leaves Unicode spaces in place. */
    t = span_strip_ascii(SPAN("\x1c \xc2\xa0x\xc2\xa0\t\r"));
    assert_int_equal(t.n, 5);
    assert_memory_equal(t.s, "\xc2\xa0x\xc2\xa0", 5);
    t = span_strip_ascii(SPAN(" \t "));
    assert_int_equal(t.n, 0);
}

static void test_split(void **state)
{
    (void)state;
    struct span line = SPAN("  1\xc2\xa0two\xe2\x80\x8bthree\t\x1d\xe3\x80\x80"
                            "four  ");
    static const char *const want[] = {"1", "two\xe2\x80\x8bthree", "four"};
    size_t pos = 0, k = 0;
    struct span w;
    while (span_next_word(line, &pos, &w)) {
        assert_true(k < P2P_ARRAY_LEN(want));
        assert_true(span_eq(w, want[k]));
        k++;
    }
    assert_int_equal(k, 3);
    pos = 0;
    assert_false(span_next_word(SPAN(" \xc2\x85 "), &pos, &w));
    pos = 0;
    assert_false(span_next_word(SPAN(""), &pos, &w));

    struct pytext_words t;
    const char *l = "   [1]  2.5\xc2\xa0x y z a b c d";
    pytext_first_words(l, l + strlen(l), &t);
    assert_int_equal(t.n, PYTEXT_MAX_WORDS);
    assert_true(span_eq(t.w[0], "[1]"));
    assert_int_equal(t.ws[0], 3);
    assert_true(span_eq(t.w[1], "2.5"));
    assert_int_equal(t.ws[1], 2);
    assert_true(span_eq(t.w[2], "x"));
    assert_int_equal(t.ws[2], 1);
    assert_true(span_eq(t.w[6], "b"));
    l = "x";
    pytext_first_words(l, l + 1, &t);
    assert_int_equal(t.n, 1);
    assert_int_equal(t.ws[0], 0);
    pytext_first_words(l, l, &t);
    assert_int_equal(t.n, 0);
}

static void test_digits(void **state)
{
    (void)state;
    assert_int_equal(pytext_digit_run(S("123ab")), 3);
    assert_int_equal(pytext_digit_run(S("x1")), 0);
    assert_int_equal(pytext_digit_run("12345", 2), 2);
    assert_true(pytext_all_digits(S("0099")));
    assert_false(pytext_all_digits(S("")));
    assert_false(pytext_all_digits(S("1 ")));
    assert_false(pytext_all_digits(S("\xd9\xa3"))); /* U+0663 ARABIC-INDIC DIGIT THREE */
    assert_true(pytext_fixed(S("0.5")));
    assert_true(pytext_fixed(S("12.034")));
    assert_false(pytext_fixed(S("1.")));
    assert_false(pytext_fixed(S(".5")));
    assert_false(pytext_fixed(S("1.2.3")));
    assert_false(pytext_fixed(S("-1.5")));
    assert_false(pytext_fixed(S("15")));
    assert_true(pytext_hex_digit('f') && pytext_hex_digit('A') && pytext_hex_digit('9'));
    assert_false(pytext_hex_digit('g') || pytext_hex_digit('x'));
}

static void test_int(void **state)
{
    (void)state;
    int64_t v = 7;
    assert_true(pytext_int(S("42"), &v) && v == 42);
    assert_true(pytext_int(S("+42"), &v) && v == 42);
    assert_true(pytext_int(S("-42"), &v) && v == -42);
    assert_true(pytext_int(S("1_000_000"), &v) && v == 1000000);
    assert_true(pytext_int(S("0_0"), &v) && v == 0);
    assert_true(pytext_int(S("-0"), &v) && v == 0);
    assert_true(pytext_int(S("000000000000000000000000000000000000000000017"), &v) && v == 17);
    assert_true(pytext_int(S("9223372036854775807"), &v) && v == INT64_MAX);
    assert_true(pytext_int(S("-9223372036854775808"), &v) && v == INT64_MIN);
    v = 7;
    assert_false(pytext_int(S("9223372036854775808"), &v));
    assert_false(pytext_int(S("123456789012345678901234567890123456789"), &v));
    assert_false(pytext_int(S(""), &v));
    assert_false(pytext_int(S("-"), &v));
    assert_false(pytext_int(S("_1"), &v));
    assert_false(pytext_int(S("-_1"), &v));
    assert_false(pytext_int(S("1_"), &v));
    assert_false(pytext_int(S("1__0"), &v));
    assert_false(pytext_int(S("--1"), &v));
    assert_false(pytext_int(S("+-1"), &v));
    assert_false(pytext_int(S(" 1"), &v)); /* the caller strips */
    assert_false(pytext_int(S("1.0"), &v));
    assert_false(pytext_int(S("0x10"), &v));
    assert_int_equal(v, 7); /* untouched on failure */
}

static void test_literals(void **state)
{
    (void)state;
    assert_true(pytext_starts(S("calls=3"), "calls="));
    assert_false(pytext_starts(S("call"), "calls="));
    assert_true(pytext_starts(S("x"), ""));
    assert_true(pytext_contains(S("<cycle 1 as a whole>"), "as a whole"));
    assert_false(pytext_contains(S("as a whol"), "as a whole"));
    assert_true(pytext_contains("as a whole!", 10, "as a whole"));
    assert_false(pytext_contains("as a whole", 9, "as a whole"));
    assert_true(span_eq(SPAN("name"), "name"));
    assert_false(span_eq(SPAN("names"), "name"));
    assert_false(span_eq((struct span){"name", 3}, "name"));

    /* `<cycle\s(\d+)\sas` with a Unicode space in the second \s */
    const char *s = "<cycle 12\xe2\x80\x83\x61s", *end = s + strlen(s), *p = s;
    struct span num;
    assert_true(pytext_eat(&p, end, "<cycle"));
    assert_true(pytext_eat_space(&p, end));
    assert_true(pytext_eat_digits(&p, end, &num));
    assert_true(span_eq(num, "12"));
    const char *before = p;
    assert_false(pytext_eat(&p, end, "as")); /* on failure p stays */
    assert_ptr_equal(p, before);
    assert_true(pytext_eat_space(&p, end));
    assert_int_equal(p - before, 3);
    assert_false(pytext_eat_digits(&p, end, &num));
    assert_false(pytext_eat_space(&p, end));
    assert_ptr_equal(p, before + 3);
    assert_false(pytext_eat(&p, end, "ass")); /* past the end */
    assert_true(pytext_eat(&p, end, "as"));
    assert_ptr_equal(p, end);
    assert_false(pytext_eat_space(&p, end));
    assert_true(pytext_eat(&p, end, ""));
}

static void test_utf8(void **state)
{
    (void)state;
    uint32_t cp = 0;
    assert_int_equal(pytext_utf8_decode(S("A"), &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(pytext_utf8_decode(S("\xc3\xa9"), &cp), 2);
    assert_int_equal(cp, 0xe9);
    assert_int_equal(pytext_utf8_decode(S("\xe2\x82\xac"), &cp), 3);
    assert_int_equal(cp, 0x20ac);
    assert_int_equal(pytext_utf8_decode(S("\xf0\x9f\x98\x80"), &cp), 4);
    assert_int_equal(cp, 0x1f600);
    assert_int_equal(pytext_utf8_decode(S("\xf4\x8f\xbf\xbf"), &cp), 4);
    assert_int_equal(cp, 0x10ffff);
    cp = 0;
    /* Truncated at every point, over-long, surrogate, too large, stray bytes. */
    static const char *const bad[] = {
        "\xc3",
        "\xe2\x82",
        "\xf0\x9f\x98",
        "\xf0\x9f",
        "\xf0",
        "\xc0\xaf",
        "\xc1\xbf",
        "\xe0\x80\xaf",
        "\xf0\x80\x80\xaf",
        "\xed\xa0\x80",
        "\xed\xbf\xbf",
        "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80",
        "\xff",
        "\x80",
        "\xbf",
        "\xc3\x41",
        "\xe2\x80\x41",
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(bad); i++) {
        assert_int_equal(pytext_utf8_decode(S(bad[i]), &cp), 0);
        assert_false(pytext_utf8_valid(S(bad[i]), false));
    }
    assert_int_equal(cp, 0); /* untouched on failure */
    /* A length limit cuts a sequence just as the end of the string does. */
    assert_int_equal(pytext_utf8_decode("\xe2\x82\xac", 2, &cp), 0);

    assert_true(pytext_utf8_valid(S(""), false));
    assert_true(pytext_utf8_valid(S("plain \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), false));
    assert_false(pytext_utf8_valid(S("ok\xc3"), false));
    /* surrogatepass admits encoded surrogates, and nothing else. */
    assert_true(pytext_utf8_valid(S("a\xed\xa0\x80z"), true));
    assert_true(pytext_utf8_valid(S("\xed\xbf\xbf"), true));
    assert_false(pytext_utf8_valid(S("\xed\xa0"), true));
    assert_false(pytext_utf8_valid(S("\xed\xa0\x41"), true));
    assert_false(pytext_utf8_valid(S("\xe0\x80\xaf"), true));
    assert_false(pytext_utf8_valid(S("\xf4\x90\x80\x80"), true));
    assert_false(pytext_utf8_valid(S("\x80"), true));
}

/* repr() of x as a NUL-terminated string (in a static buffer). */
static const char *repr(const char *x, size_t n, size_t max)
{
    static char out[1024];
    struct strbuf b;
    strbuf_init(&b);
    strbuf_adds(&b, "old text");
    pytext_repr(&b, x, n, max);
    assert_true(b.len < sizeof(out));
    memcpy(out, b.s, b.len + 1);
    strbuf_fini(&b);
    return out;
}

static void test_repr(void **state)
{
    (void)state;
    /* Python: repr("abc") etc. */
    assert_string_equal(repr(S("abc"), 400), "'abc'");
    assert_string_equal(repr(S(""), 400), "''");
    assert_string_equal(repr(S("it's"), 400), "\"it's\"");
    assert_string_equal(repr(S("say \"hi\""), 400), "'say \"hi\"'");
    assert_string_equal(repr(S("both ' and \""), 400), "'both \\' and \"'");
    assert_string_equal(repr(S("back\\slash"), 400), "'back\\\\slash'");
    assert_string_equal(repr(S("\t\n\r"), 400), "'\\t\\n\\r'");
    assert_string_equal(repr(S("\x01\x1b\x1c\x7f\v\f"), 400), "'\\x01\\x1b\\x1c\\x7f\\x0b\\x0c'");
    /* Printable non-ASCII stays; spaces other than ' ', format characters, private use and
     * separators are escaped. */
    assert_string_equal(repr(S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), 400),
                        "'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'");
    assert_string_equal(repr(S("\xc2\x85\xc2\xa0\xc2\xad"), 400), "'\\x85\\xa0\\xad'");
    assert_string_equal(repr(S("\xe2\x80\x83\xe2\x80\x8b\xe2\x80\xa8\xe3\x80\x80"), 400),
                        "'\\u2003\\u200b\\u2028\\u3000'");
    assert_string_equal(repr(S("\xef\xbb\xbf\xee\x80\x80"), 400), "'\\ufeff\\ue000'");
    assert_string_equal(repr(S("\xf3\xb0\x80\x80"), 400), "'\\U000f0000'");
    /* Bytes that are not UTF-8 show as \xNN, one by one, and decoding resumes after them. */
    assert_string_equal(repr(S("a\xff\x62\xc3"), 400), "'a\\xffb\\xc3'");
    assert_string_equal(repr(S("\xe2\x80\x41"), 400), "'\\xe2\\x80A'");
    assert_string_equal(repr(S("\xed\xa0\x80"), 400), "'\\xed\\xa0\\x80'");
    /* Only the given length is read, and only up to max bytes are written. */
    assert_string_equal(repr("abcdef", 3, 400), "'abc'");
    assert_string_equal(repr(S("abcdef"), 4), "'abc...'");
    assert_string_equal(repr(S("abc"), 5), "'abc'");
    assert_string_equal(repr(S("abc"), 4), "'abc...'"); /* max reached: marked as cut */
    assert_string_equal(repr(S("abcd"), 4), "'abc...'");
    assert_string_equal(repr(S("\x01\x02"), 2), "'\\x01...'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unicode_spaces), cmocka_unit_test(test_not_spaces),
        cmocka_unit_test(test_skip_and_strip), cmocka_unit_test(test_split),
        cmocka_unit_test(test_digits),         cmocka_unit_test(test_int),
        cmocka_unit_test(test_literals),       cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_repr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
