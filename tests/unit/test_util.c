/* Checked number parsing, buffers, growth: the helpers every reader relies on. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "util.h"

#define S(x) x, strlen(x)

static void test_parse_u64(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_true(parse_u64(S("0"), &v) && v == 0);
    assert_true(parse_u64(S("+42"), &v) && v == 42);
    assert_true(parse_u64(S("18446744073709551615"), &v) && v == UINT64_MAX);
    v = 7;
    assert_false(parse_u64(S("18446744073709551616"), &v));
    assert_false(parse_u64(S(""), &v));
    assert_false(parse_u64(S("+"), &v));
    assert_false(parse_u64(S("-1"), &v));
    assert_false(parse_u64(S("12a"), &v));
    assert_false(parse_u64(S(" 1"), &v));
    assert_int_equal(v, 7); /* untouched on failure */
    /* only the given length is read */
    assert_true(parse_u64("123456", 3, &v) && v == 123);
}

static void test_parse_i64(void **state)
{
    (void)state;
    int64_t v;
    assert_true(parse_i64(S("-9223372036854775808"), &v) && v == INT64_MIN);
    assert_true(parse_i64(S("9223372036854775807"), &v) && v == INT64_MAX);
    assert_false(parse_i64(S("9223372036854775808"), &v));
    assert_false(parse_i64(S("-9223372036854775809"), &v));
    assert_false(parse_i64(S("-+1"), &v));
    assert_false(parse_i64(S("--1"), &v));
    assert_true(parse_i64(S("-17"), &v) && v == -17);
}

static void test_parse_double(void **state)
{
    (void)state;
    double v;
    assert_true(parse_double(S("1.5"), &v) && v == 1.5);
    assert_true(parse_double(S("-2e3"), &v) && v == -2000.0);
    assert_true(parse_double(S(".25"), &v) && v == 0.25);
    assert_true(parse_double(S("1e-400"), &v) && v == 0.0); /* underflow is fine */
    assert_false(parse_double(S("1e400"), &v));             /* overflow is not */
    assert_false(parse_double(S("nan"), &v));
    assert_false(parse_double(S("inf"), &v));
    assert_false(parse_double(S("-Infinity"), &v));
    assert_false(parse_double(S("0x10"), &v));
    assert_false(parse_double(S("1.5x"), &v));
    assert_false(parse_double(S(""), &v));
    assert_false(parse_double(S("."), &v));
    char big[200];
    memset(big, '1', sizeof(big));
    assert_false(parse_double(big, sizeof(big), &v)); /* too long a token */
}

static void test_strbuf(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 2000);
    assert_memory_equal(b.s, "0,1,2,", 6);
    assert_int_equal(b.s[b.len], '\0');
    strbuf_reset(&b);
    strbuf_add(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    char *s = strbuf_detach(&b);
    assert_memory_equal(s, "a\0b", 4);
    assert_null(b.s);
    free(s);
    s = strbuf_detach(&b); /* an empty buffer gives "" */
    assert_string_equal(s, "");
    free(s);
}

static void test_grow(void **state)
{
    (void)state;
    int *a = NULL;
    size_t cap = 0;
    for (size_t n = 1; n <= 10000; n++) {
        UTIL_GROW(a, cap, n);
        a[n - 1] = (int)n;
        assert_true(cap >= n);
    }
    assert_int_equal(a[9999], 10000);
    free(a);
    char *x = xasprintf("%s-%03d", "id", 7);
    assert_string_equal(x, "id-007");
    free(x);
}

/* A big array keeps its contents through every growth: on the heap, the move to a mapping
 * of its own at a megabyte, and each extension of that mapping (which may move it), while a
 * second one grows beside it (so a mapping cannot always be extended in place). */
static void test_grow_big(void **state)
{
    (void)state;
    struct rec {
        uint64_t a;
        unsigned char b[40];
    } *x = NULL;
    uint32_t *y = NULL;
    size_t cap_x = 0, cap_y = 0;
    const size_t n = (size_t)3 << 17; /* 18 MiB of x, past several doublings */
    for (size_t i = 0; i < n; i++) {
        UTIL_GROW_BIG(x, cap_x, i + 1);
        assert_true(cap_x > i);
        x[i].a = i * 2654435761u;
        memset(x[i].b, (int)(i & 0xff), sizeof(x[i].b));
        if (i % 2 == 0) {
            UTIL_GROW_BIG(y, cap_y, i / 2 + 1);
            y[i / 2] = (uint32_t)i;
        }
        if ((i & (i - 1)) == 0 || i + 1 == n) /* after each doubling and at the end */
            for (size_t k = 0; k <= i; k++) {
                assert_true(x[k].a == k * 2654435761u);
                assert_int_equal(x[k].b[39], k & 0xff);
                if (k % 2 == 0)
                    assert_int_equal(y[k / 2], k);
            }
    }
    /* Fitted to its length, a big array keeps its contents and is freed at its new size;
     * a small one is left alone. */
    util_fit_big((void **)&x, &cap_x, n - 5, sizeof(*x));
    assert_true(cap_x >= n - 5);
    for (size_t k = 0; k < n - 5; k++)
        assert_true(x[k].a == k * 2654435761u);
    size_t cap_small = 0;
    uint32_t *small = NULL;
    UTIL_GROW_BIG(small, cap_small, 100);
    util_fit_big((void **)&small, &cap_small, 10, sizeof(*small));
    assert_int_equal(cap_small, 128);
    util_free_big(small, cap_small, sizeof(*small));
    util_free_big(x, cap_x, sizeof(*x));
    util_free_big(y, cap_y, sizeof(*y));
    util_free_big(NULL, 0, 8); /* like free(NULL) */
}

static void test_utf8_repair(void **state)
{
    (void)state;
    char *s = xstrdup("caf\xc3\xa9 \xf0\x9f\x98\x80");
    char *r = utf8_repair(s);
    assert_ptr_equal(r, s); /* valid input is returned as it is */
    free(r);
    /* Latin-1 bytes, a stray continuation byte, an overlong "/", a surrogate, a truncated
     * sequence: each invalid byte becomes the code point of the same value */
    r = utf8_repair(xstrdup("caf\xe9 \x80 \xc0\xaf \xed\xa0\x80 \xe2\x82"));
    assert_string_equal(r, "caf\xc3\xa9 \xc2\x80 \xc3\x80\xc2\xaf "
                           "\xc3\xad\xc2\xa0\xc2\x80 \xc3\xa2\xc2\x82");
    free(r);
    assert_int_equal(utf8_seq_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
    assert_int_equal(utf8_seq_len((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_u64),    cmocka_unit_test(test_parse_i64),
        cmocka_unit_test(test_parse_double), cmocka_unit_test(test_strbuf),
        cmocka_unit_test(test_grow),         cmocka_unit_test(test_grow_big),
        cmocka_unit_test(test_utf8_repair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
