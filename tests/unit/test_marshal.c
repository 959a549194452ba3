/* Unit tests of the marshal decoder. The byte strings below were written by real Pythons;
 * each comment gives the call, run under CPython 3.12.1 unless it says otherwise (2.7.18 for
 * the Python 2 codes). Blobs marked "hand-made" are shapes no Python writes (errors, the
 * 3.14 slice type, which no installed Python has). The code objects come from
 * tests/fixtures/pstats/marshal/code-<version>.bin (made by code-blob.py, see make-fixtures.sh).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>

#include "marshal.h"
#include "testutil.h"

/* Decode a blob; on failure check that the error is a clean one at an offset. */
static enum p2p_status decode(const void *b, size_t n, struct marshal_doc **doc, struct diag *d)
{
    diag_init(d);
    d->quiet = true;
    d->file = "blob";
    enum p2p_status st = marshal_decode(b, n, doc, d);
    if (st != P2P_OK) {
        assert_int_equal(st, P2P_ERR_PARSE);
        assert_null(*doc);
        assert_true(d->failed);
        assert_int_equal(d->where, DIAG_OFFSET);
    } else {
        assert_non_null(*doc);
    }
    return st;
}

#define DECODE_OK(blob, doc)                                                                       \
    do {                                                                                           \
        struct diag d_;                                                                            \
        assert_int_equal(decode(blob, sizeof(blob) - 1, &(doc), &d_), P2P_OK);                     \
    } while (0)

static const struct marshal_value *root(const struct marshal_doc *doc)
{
    return marshal_get(doc, doc->root);
}

static bool is_string_kind(uint8_t k)
{
    return k == MARSHAL_STR || k == MARSHAL_BYTES;
}

static void assert_str(const struct marshal_value *v, enum marshal_kind kind, const char *s)
{
    assert_int_equal(v->kind, kind);
    assert_int_equal(v->u.str.len, strlen(s));
    assert_memory_equal(v->u.str.s, s, strlen(s));
}

static void assert_int(const struct marshal_value *v, int64_t i)
{
    assert_int_equal(v->kind, MARSHAL_INT);
    assert_true(v->fits);
    assert_true(v->u.num.i == i);
    assert_true(v->u.num.d == (double)i);
}

/* Expect a parse error at `offset` whose message contains `what`. */
static void expect_error(const void *b, size_t n, uint64_t offset, const char *what)
{
    struct marshal_doc *doc = NULL;
    struct diag d;
    assert_int_equal(decode(b, n, &doc, &d), P2P_ERR_PARSE);
    if (d.pos != offset || !strstr(d.msg, what))
        print_error("got offset %llu: %s\n", (unsigned long long)d.pos, d.msg);
    assert_int_equal(d.pos, offset);
    assert_non_null(strstr(d.msg, what));
}

#define EXPECT_ERROR(blob, offset, what) expect_error(blob, sizeof(blob) - 1, offset, what)

/* ---------------------------------------------------------------- scalars */

/* marshal.dumps(None / True / False / StopIteration / ..., 4) */
static void test_singletons(void **state)
{
    (void)state;
    static const struct {
        const char *blob;
        enum marshal_kind kind;
    } cases[] = {
        {"N", MARSHAL_NONE},     {"T", MARSHAL_TRUE},     {"F", MARSHAL_FALSE},
        {"S", MARSHAL_STOPITER}, {".", MARSHAL_ELLIPSIS},
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(cases); i++) {
        struct marshal_doc *doc = NULL;
        struct diag d;
        assert_int_equal(decode(cases[i].blob, 1, &doc, &d), P2P_OK);
        assert_int_equal(root(doc)->kind, cases[i].kind);
        assert_int_equal(doc->end, 1);
        marshal_free(doc);
    }
}

/* marshal.dumps(7, 4); marshal.dumps(-2, 4) */
static const char B_int7[] = "\xe9\x07\x00\x00\x00";
static const char B_intneg[] = "\xe9\xfe\xff\xff\xff";
/* Python 2.7: marshal.dumps(2**40) (TYPE_INT64, no longer written by Python 3) */
static const char B_int64[] = "\x49\x00\x00\x00\x00\x00\x01\x00\x00";

static void test_ints(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK(B_int7, doc);
    assert_int(root(doc), 7);
    marshal_free(doc);
    DECODE_OK(B_intneg, doc);
    assert_int(root(doc), -2);
    marshal_free(doc);
    DECODE_OK(B_int64, doc);
    assert_int(root(doc), (int64_t)1 << 40);
    marshal_free(doc);
}

/* marshal.dumps(2**70, 4), (-(2**40), 4), (2**64+1, 4), (2**100, 4) */
static const char B_long70[] = "\xec\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04";
static const char B_longneg[] = "\xec\xfd\xff\xff\xff\x00\x00\x00\x00\x00\x04";
static const char B_long64[] = "\xec\x05\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x10\x00";
static const char B_longbig[] =
    "\xec\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04";

static void test_longs(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK(B_long70, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_INT);
    assert_false(root(doc)->fits);
    assert_true(root(doc)->u.num.d == 1180591620717411303424.0);
    marshal_free(doc);

    DECODE_OK(B_longneg, doc);
    assert_int(root(doc), -((int64_t)1 << 40));
    marshal_free(doc);

    DECODE_OK(B_long64, doc);
    assert_false(root(doc)->fits);
    assert_true(root(doc)->u.num.d == 18446744073709551616.0); /* 2^64 + 1 rounds to 2^64 */
    marshal_free(doc);

    DECODE_OK(B_longbig, doc);
    assert_false(root(doc)->fits);
    assert_true(root(doc)->u.num.d == 1267650600228229401496703205376.0);
    marshal_free(doc);

    /* Hand-made: the zero long (digit count 0) and -2^63, the most negative int64. */
    static const char zero[] = "l\x00\x00\x00\x00";
    DECODE_OK(zero, doc);
    assert_int(root(doc), 0);
    marshal_free(doc);
    static const char min64[] = "l\xfb\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00";
    DECODE_OK(min64, doc);
    assert_true(root(doc)->fits);
    assert_true(root(doc)->u.num.i == INT64_MIN);
    marshal_free(doc);
    /* +2^63 does not fit. */
    static const char max64[] = "l\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00";
    DECODE_OK(max64, doc);
    assert_false(root(doc)->fits);
    assert_true(root(doc)->u.num.d == 9223372036854775808.0);
    marshal_free(doc);
}

/* Hand-made bad longs: a digit >= 2^15, a zero top digit, the size INT32_MIN, truncation. */
static void test_long_errors(void **state)
{
    (void)state;
    EXPECT_ERROR("l\x01\x00\x00\x00\x00\x80", 5, "digit out of range");
    EXPECT_ERROR("l\x02\x00\x00\x00\x01\x00\x00\x00", 7, "unnormalized long");
    EXPECT_ERROR("l\x00\x00\x00\x80", 0, "long size out of range");
    EXPECT_ERROR("l\xff\xff\xff\x7f\x01\x00", 0, "end of data");
}

/* marshal.dumps(2.5, 4); marshal.dumps(2.5, 1); marshal.dumps(float('inf'), 1) */
static const char B_float_g[] = "\xe7\x00\x00\x00\x00\x00\x00\x04\x40";
static const char B_float_f[] = "\x66\x03\x32\x2e\x35";
static const char B_float_f_inf[] = "\x66\x03\x69\x6e\x66";
/* marshal.dumps(1+2j, 4); marshal.dumps(1.5-2j, 1) */
static const char B_complex_y[] =
    "\xf9\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40";
static const char B_complex_x[] = "\x78\x03\x31\x2e\x35\x02\x2d\x32";

static void test_floats(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK(B_float_g, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_FLOAT);
    assert_true(root(doc)->u.num.d == 2.5);
    marshal_free(doc);
    DECODE_OK(B_float_f, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_FLOAT);
    assert_true(root(doc)->u.num.d == 2.5);
    marshal_free(doc);
    DECODE_OK(B_float_f_inf, doc);
    assert_true(isinf(root(doc)->u.num.d) && root(doc)->u.num.d > 0);
    marshal_free(doc);
    DECODE_OK(B_complex_y, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_COMPLEX);
    assert_true(root(doc)->u.cplx.re == 1.0 && root(doc)->u.cplx.im == 2.0);
    marshal_free(doc);
    DECODE_OK(B_complex_x, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_COMPLEX);
    assert_true(root(doc)->u.cplx.re == 1.5 && root(doc)->u.cplx.im == -2.0);
    marshal_free(doc);
    /* Hand-made: a text float that is not a number. */
    EXPECT_ERROR("f\x03\x61\x62\x63", 0, "malformed text float");
    EXPECT_ERROR("g\x00\x00\x00", 0, "end of data in float");
}

/* ---------------------------------------------------------------- strings */

/* marshal.dumps(b'ab\x00', 4); ('h\xe9llo', 4); (sys.intern('h\xe9llo'), 4);
 * ('abc' + '0', 4) [not interned]; (sys.intern('abc'), 4) */
static const char B_bytes[] = "\xf3\x03\x00\x00\x00\x61\x62\x00";
static const char B_unicode[] = "\xf5\x06\x00\x00\x00\x68\xc3\xa9\x6c\x6c\x6f";
static const char B_interned_t[] = "\xf4\x06\x00\x00\x00\x68\xc3\xa9\x6c\x6c\x6f";
static const char B_short_z[] = "\xfa\x04\x61\x62\x63\x30";
static const char B_short_Z[] = "\xda\x03\x61\x62\x63";
/* Python 2.7: marshal.dumps((intern('ab'), intern('ab'), u'\xe9')): `t` then the stringref `R` */
static const char B_py2_strings[] =
    "\x28\x03\x00\x00\x00\x74\x02\x00\x00\x00\x61\x62\x52\x00\x00\x00\x00\x75\x02\x00\x00\x00\xc3"
    "\xa9";

static void test_strings(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK(B_bytes, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_BYTES);
    assert_int_equal(root(doc)->u.str.len, 3);
    assert_memory_equal(root(doc)->u.str.s, "ab\0", 3);
    marshal_free(doc);
    DECODE_OK(B_unicode, doc);
    assert_str(root(doc), MARSHAL_STR, "h\xc3\xa9llo");
    marshal_free(doc);
    DECODE_OK(B_interned_t, doc);
    assert_str(root(doc), MARSHAL_STR, "h\xc3\xa9llo");
    marshal_free(doc);
    DECODE_OK(B_short_z, doc);
    assert_str(root(doc), MARSHAL_STR, "abc0");
    marshal_free(doc);
    DECODE_OK(B_short_Z, doc);
    assert_str(root(doc), MARSHAL_STR, "abc");
    marshal_free(doc);

    DECODE_OK(B_py2_strings, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_TUPLE);
    assert_int_equal(root(doc)->u.seq.n, 3);
    assert_str(marshal_child(doc, root(doc), 0), MARSHAL_STR, "ab");
    assert_int_equal(marshal_child_index(doc, root(doc), 0),
                     marshal_child_index(doc, root(doc), 1));
    assert_str(marshal_child(doc, root(doc), 2), MARSHAL_STR, "\xc3\xa9");
    marshal_free(doc);

    /* Hand-made: an `a` string with a Latin-1 byte becomes UTF-8, as CPython reads it. */
    DECODE_OK("z\x02\xe9t", doc);
    assert_str(root(doc), MARSHAL_STR, "\xc3\xa9t");
    marshal_free(doc);
    /* Hand-made: a stringref before any interned string; a negative size; a short string. */
    EXPECT_ERROR("R\x00\x00\x00\x00", 0, "invalid string reference");
    EXPECT_ERROR("s\xff\xff\xff\xff", 0, "string size out of range");
    EXPECT_ERROR("u\x05\x00\x00\x00\x61\x62", 0, "end of data in string");
    EXPECT_ERROR("z\x05\x61\x62", 0, "end of data in string");
}

/* marshal.dumps('x'*300 + '0', 4) is e1 2d 01 00 00 then the 301 characters;
 * marshal.dumps(sys.intern('y'*300), 4) is c1 2c 01 00 00 then 300 'y'. Built here rather
 * than spelt out. */
static void test_long_ascii(void **state)
{
    (void)state;
    unsigned char a[5 + 301], A[5 + 300];
    memcpy(a, "\xe1\x2d\x01\x00\x00", 5);
    memset(a + 5, 'x', 300);
    a[305] = '0';
    memcpy(A, "\xc1\x2c\x01\x00\x00", 5);
    memset(A + 5, 'y', 300);
    struct marshal_doc *doc = NULL;
    struct diag d;
    assert_int_equal(decode(a, sizeof(a), &doc, &d), P2P_OK);
    assert_int_equal(root(doc)->kind, MARSHAL_STR);
    assert_int_equal(root(doc)->u.str.len, 301);
    assert_int_equal(root(doc)->u.str.s[300], '0');
    marshal_free(doc);
    assert_int_equal(decode(A, sizeof(A), &doc, &d), P2P_OK);
    assert_int_equal(root(doc)->u.str.len, 300);
    marshal_free(doc);
    /* Both are references too: the flag registered them, so a following `r` would work. */
}

/* ---------------------------------------------------------------- containers */

/* marshal.dumps((1, 2), 2); ((1, 2), 4); ([1, 'a'], 4); ({5}, 4); (frozenset([6]), 4);
 * (frozenset(), 4); ({'k': 1}, 4) */
static const char B_tuple_v2[] = "\x28\x02\x00\x00\x00\x69\x01\x00\x00\x00\x69\x02\x00\x00\x00";
static const char B_tuple_small[] = "\xa9\x02\xe9\x01\x00\x00\x00\xe9\x02\x00\x00\x00";
static const char B_list[] = "\xdb\x02\x00\x00\x00\xe9\x01\x00\x00\x00\xda\x01\x61";
static const char B_set[] = "\xbc\x01\x00\x00\x00\xe9\x05\x00\x00\x00";
static const char B_frozenset[] = "\xbe\x01\x00\x00\x00\xe9\x06\x00\x00\x00";
static const char B_frozenset_empty[] = "\xbe\x00\x00\x00\x00";
static const char B_dict[] = "\xfb\xda\x01\x6b\xe9\x01\x00\x00\x00\x30";

static void test_containers(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    const char *blobs[] = {B_tuple_v2, B_tuple_small};
    size_t lens[] = {sizeof(B_tuple_v2) - 1, sizeof(B_tuple_small) - 1};
    for (size_t i = 0; i < 2; i++) {
        struct diag d;
        assert_int_equal(decode(blobs[i], lens[i], &doc, &d), P2P_OK);
        assert_int_equal(root(doc)->kind, MARSHAL_TUPLE);
        assert_int_equal(root(doc)->u.seq.n, 2);
        assert_int(marshal_child(doc, root(doc), 0), 1);
        assert_int(marshal_child(doc, root(doc), 1), 2);
        assert_int_equal(doc->end, lens[i]);
        marshal_free(doc);
    }
    DECODE_OK(B_list, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_LIST);
    assert_int_equal(root(doc)->u.seq.n, 2);
    assert_str(marshal_child(doc, root(doc), 1), MARSHAL_STR, "a");
    marshal_free(doc);
    DECODE_OK(B_set, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_SET);
    assert_int(marshal_child(doc, root(doc), 0), 5);
    marshal_free(doc);
    DECODE_OK(B_frozenset, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_FROZENSET);
    assert_int(marshal_child(doc, root(doc), 0), 6);
    marshal_free(doc);
    DECODE_OK(B_frozenset_empty, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_FROZENSET);
    assert_int_equal(root(doc)->u.seq.n, 0);
    marshal_free(doc);
    DECODE_OK(B_dict, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_DICT);
    assert_int_equal(root(doc)->u.seq.n, 2);
    assert_str(marshal_child(doc, root(doc), 0), MARSHAL_STR, "k");
    assert_int(marshal_child(doc, root(doc), 1), 1);
    marshal_free(doc);
}

/* Hand-made: a version 5 (Python 3.14) slice 1:None:2, flagged. */
static void test_slice(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK("\xba\xe9\x01\x00\x00\x00N\xe9\x02\x00\x00\x00", doc);
    assert_int_equal(root(doc)->kind, MARSHAL_SLICE);
    assert_int_equal(root(doc)->u.seq.n, 3);
    assert_int(marshal_child(doc, root(doc), 0), 1);
    assert_int_equal(marshal_child(doc, root(doc), 1)->kind, MARSHAL_NONE);
    assert_int(marshal_child(doc, root(doc), 2), 2);
    marshal_free(doc);
    /* A reference to the slice from inside it is invalid (it is registered once complete). */
    EXPECT_ERROR("\xbar\x00\x00\x00\x00NN", 1, "invalid reference");
}

/* NULL ends a dict; CPython 3 also ends it when NULL stands for a value (the key is lost).
 * marshal.loads(b'{N0') == {} and marshal.loads(b'{Ni\x01\0\0\x000') == {None: 1}. */
static void test_null(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK("{N0", doc);
    assert_int_equal(root(doc)->kind, MARSHAL_DICT);
    assert_int_equal(root(doc)->u.seq.n, 0);
    marshal_free(doc);
    DECODE_OK("{Ni\x01\x00\x00\x00\x30", doc);
    assert_int_equal(root(doc)->u.seq.n, 2);
    marshal_free(doc);
    EXPECT_ERROR("0", 0, "NULL object at top level");
    EXPECT_ERROR(")\x02N0", 3, "NULL object in tuple");
    EXPECT_ERROR("[\x01\x00\x00\x00\x30", 5, "NULL object in list");
}

/* ---------------------------------------------------------------- references */

/* marshal.dumps((lambda t: [t, t])((1, 2)), 4): the tuple is flagged and then `r 1`. */
static const char B_shared[] =
    "\xdb\x02\x00\x00\x00\xa9\x02\xe9\x01\x00\x00\x00\xe9\x02\x00\x00\x00\x72\x01\x00\x00\x00";
/* marshal.dumps(l, 4) with l = []; l.append(l): the list refers to itself. */
static const char B_selfref[] = "\xdb\x01\x00\x00\x00\x72\x00\x00\x00\x00";
/* marshal.dumps(d, 4) with d = {}; d['me'] = d */
static const char B_dictself[] = "\xfb\xda\x02\x6d\x65\x72\x00\x00\x00\x00\x30";

static void test_refs(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK(B_shared, doc);
    assert_int_equal(root(doc)->u.seq.n, 2);
    assert_int_equal(marshal_child_index(doc, root(doc), 0),
                     marshal_child_index(doc, root(doc), 1));
    assert_int_equal(marshal_child(doc, root(doc), 1)->kind, MARSHAL_TUPLE);
    assert_int_equal(marshal_child(doc, root(doc), 1)->u.seq.n, 2);
    marshal_free(doc);

    DECODE_OK(B_selfref, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_LIST);
    assert_int_equal(marshal_child_index(doc, root(doc), 0), doc->root);
    marshal_free(doc);

    DECODE_OK(B_dictself, doc);
    assert_int_equal(root(doc)->kind, MARSHAL_DICT);
    assert_str(marshal_child(doc, root(doc), 0), MARSHAL_STR, "me");
    assert_int_equal(marshal_child_index(doc, root(doc), 1), doc->root);
    marshal_free(doc);

    /* Hand-made: flagged scalars are numbered in order; `r` past the table is invalid. */
    DECODE_OK(")\x03\xe9\x07\x00\x00\x00\xfa\x01xr\x01\x00\x00\x00", doc);
    assert_str(marshal_child(doc, root(doc), 2), MARSHAL_STR, "x");
    marshal_free(doc);
    EXPECT_ERROR(")\x02\xe9\x07\x00\x00\x00r\x01\x00\x00\x00", 7, "invalid reference");
    EXPECT_ERROR("r\xff\xff\xff\xff", 0, "invalid reference");
    /* A non-empty frozenset is registered only when complete (CPython 3 reserves its slot). */
    EXPECT_ERROR("\xbe\x01\x00\x00\x00r\x00\x00\x00\x00", 5, "invalid reference");
    /* Flags on singletons and on `r` itself are ignored, as CPython does. */
    DECODE_OK(")\x02\xce\xe9\x07\x00\x00\x00", doc);
    assert_int_equal(marshal_child(doc, root(doc), 0)->kind, MARSHAL_NONE);
    marshal_free(doc);
}

/* ---------------------------------------------------------------- versions */

/* The same object, {'k': (1, 2.5, 'xxx', b'b', None)}, as marshal.dumps(OBJ, v) writes it for
 * v = 0..4 (0 and 1 are identical: text floats; 2 adds binary floats; 3 references; 4 short
 * strings and small tuples). */
static const char B_v0[] = "\x7b\x75\x01\x00\x00\x00\x6b\x28\x05\x00\x00\x00\x69\x01\x00\x00\x00"
                           "\x66\x03\x32\x2e\x35\x75\x03\x00\x00\x00\x78\x78\x78\x73\x01\x00\x00"
                           "\x00\x62\x4e\x30";
static const char B_v2[] = "\x7b\x75\x01\x00\x00\x00\x6b\x28\x05\x00\x00\x00\x69\x01\x00\x00\x00"
                           "\x67\x00\x00\x00\x00\x00\x00\x04\x40\x75\x03\x00\x00\x00\x78\x78\x78"
                           "\x73\x01\x00\x00\x00\x62\x4e\x30";
static const char B_v3[] = "\xfb\xf4\x01\x00\x00\x00\x6b\xa8\x05\x00\x00\x00\xe9\x01\x00\x00\x00"
                           "\xe7\x00\x00\x00\x00\x00\x00\x04\x40\xf4\x03\x00\x00\x00\x78\x78\x78"
                           "\xf3\x01\x00\x00\x00\x62\x4e\x30";
static const char B_v4[] = "\xfb\xda\x01\x6b\xa9\x05\xe9\x01\x00\x00\x00\xe7\x00\x00\x00\x00\x00"
                           "\x00\x04\x40\xda\x03\x78\x78\x78\xf3\x01\x00\x00\x00\x62\x4e\x30";

static void check_obj(const struct marshal_doc *doc)
{
    const struct marshal_value *r = root(doc);
    assert_int_equal(r->kind, MARSHAL_DICT);
    assert_int_equal(r->u.seq.n, 2);
    assert_str(marshal_child(doc, r, 0), MARSHAL_STR, "k");
    const struct marshal_value *t = marshal_child(doc, r, 1);
    assert_int_equal(t->kind, MARSHAL_TUPLE);
    assert_int_equal(t->u.seq.n, 5);
    assert_int(marshal_child(doc, t, 0), 1);
    assert_int_equal(marshal_child(doc, t, 1)->kind, MARSHAL_FLOAT);
    assert_true(marshal_child(doc, t, 1)->u.num.d == 2.5);
    assert_str(marshal_child(doc, t, 2), MARSHAL_STR, "xxx");
    assert_int_equal(marshal_child(doc, t, 3)->kind, MARSHAL_BYTES);
    assert_int_equal(marshal_child(doc, t, 4)->kind, MARSHAL_NONE);
}

static void test_versions(void **state)
{
    (void)state;
    const char *blobs[] = {B_v0, B_v2, B_v3, B_v4};
    size_t lens[] = {sizeof(B_v0) - 1, sizeof(B_v2) - 1, sizeof(B_v3) - 1, sizeof(B_v4) - 1};
    for (size_t i = 0; i < P2P_ARRAY_LEN(blobs); i++) {
        struct marshal_doc *doc = NULL;
        struct diag d;
        assert_int_equal(decode(blobs[i], lens[i], &doc, &d), P2P_OK);
        check_obj(doc);
        assert_int_equal(doc->end, lens[i]);
        marshal_free(doc);
    }
}

/* Python ignores what follows the object; so does the decoder, and says where it ended. */
static void test_trailing_data(void **state)
{
    (void)state;
    struct marshal_doc *doc;
    DECODE_OK("N garbage", doc);
    assert_int_equal(root(doc)->kind, MARSHAL_NONE);
    assert_int_equal(doc->end, 1);
    marshal_free(doc);
}

/* ---------------------------------------------------------------- code objects */

struct code_case {
    const char *file;
    enum marshal_code_layout layout;
};

static const struct code_case code_cases[] = {
    {"code-2.7.bin", MARSHAL_CODE_PY27},   {"code-3.6.bin", MARSHAL_CODE_PY30},
    {"code-3.7.bin", MARSHAL_CODE_PY30},   {"code-3.8.bin", MARSHAL_CODE_PY38},
    {"code-3.9.bin", MARSHAL_CODE_PY38},   {"code-3.10.bin", MARSHAL_CODE_PY38},
    {"code-3.11.bin", MARSHAL_CODE_PY311}, {"code-3.12.bin", MARSHAL_CODE_PY311},
    {"code-3.13.bin", MARSHAL_CODE_PY311},
};

static unsigned char *slurp_fixture(const char *name, size_t *len)
{
    char *rel = xasprintf("tests/fixtures/pstats/marshal/%s", name);
    char *path = test_path(rel);
    unsigned char *b = (unsigned char *)test_slurp(path, len);
    free(path);
    free(rel);
    return b;
}

/* The first code object among a code object's constants (its second object field). */
static const struct marshal_value *nested_code(const struct marshal_doc *doc,
                                               const struct marshal_value *code)
{
    const struct marshal_value *consts = marshal_child(doc, code, 1);
    assert_int_equal(consts->kind, MARSHAL_TUPLE);
    for (size_t i = 0; i < consts->u.seq.n; i++)
        if (marshal_child(doc, consts, i)->kind == MARSHAL_CODE)
            return marshal_child(doc, consts, i);
    fail_msg("no nested code object");
    return NULL;
}

static void check_code(const struct marshal_doc *doc, const struct marshal_value *v,
                       enum marshal_code_layout layout, const char *name, int32_t line)
{
    assert_int_equal(v->kind, MARSHAL_CODE);
    const struct marshal_code *co = &doc->codes[v->u.seq.code];
    assert_int_equal(co->layout, layout);
    assert_true(is_string_kind(marshal_get(doc, co->name)->kind));
    const struct marshal_value *n = marshal_get(doc, co->name);
    assert_int_equal(n->u.str.len, strlen(name));
    assert_memory_equal(n->u.str.s, name, strlen(name));
    const struct marshal_value *f = marshal_get(doc, co->filename);
    assert_int_equal(f->u.str.len, 7);
    assert_memory_equal(f->u.str.s, "blob.py", 7);
    assert_int_equal(co->firstlineno, line);
    assert_int_equal(marshal_get(doc, co->code)->kind, MARSHAL_BYTES);
    if (layout == MARSHAL_CODE_PY311)
        assert_true(co->qualname != MARSHAL_NO_VALUE);
    else
        assert_true(co->qualname == MARSHAL_NO_VALUE);
}

/* Module "def outer(a, b=2.5):\n def inner(c):\n  return (a, c, -7, 1 << 70)\n return inner"
 * compiled by each Python: the layouts differ in the number and kinds of fields. */
static void test_code_objects(void **state)
{
    (void)state;
    for (size_t i = 0; i < P2P_ARRAY_LEN(code_cases); i++) {
        size_t len;
        unsigned char *b = slurp_fixture(code_cases[i].file, &len);
        struct marshal_doc *doc = NULL;
        struct diag d;
        assert_int_equal(decode(b, len, &doc, &d), P2P_OK);
        assert_int_equal(doc->end, len);
        enum marshal_code_layout l = code_cases[i].layout;
        const struct marshal_value *top = root(doc);
        check_code(doc, top, l, "<module>", 1);
        const struct marshal_value *consts = marshal_child(doc, top, 1);
        assert_int_equal(marshal_child(doc, consts, 0)->kind, MARSHAL_FLOAT);
        assert_true(marshal_child(doc, consts, 0)->u.num.d == 2.5);
        const struct marshal_value *outer = nested_code(doc, top);
        check_code(doc, outer, l, "outer", 1);
        const struct marshal_value *inner = nested_code(doc, outer);
        check_code(doc, inner, l, "inner", 2);
        if (l == MARSHAL_CODE_PY311) {
            const struct marshal_code *co = &doc->codes[inner->u.seq.code];
            assert_str(marshal_get(doc, co->qualname), MARSHAL_STR, "outer.<locals>.inner");
        }
        /* -7 and 2**70 are constants of inner. */
        const struct marshal_value *ic = marshal_child(doc, inner, 1);
        bool seen_neg = false, seen_long = false;
        for (size_t k = 0; k < ic->u.seq.n; k++) {
            const struct marshal_value *c = marshal_child(doc, ic, k);
            if (c->kind == MARSHAL_INT && c->fits && c->u.num.i == -7)
                seen_neg = true;
            if (c->kind == MARSHAL_INT && !c->fits && c->u.num.d == 1180591620717411303424.0)
                seen_long = true;
        }
        assert_true(seen_neg);
        assert_true(seen_long);
        marshal_free(doc);
        free(b);
    }
}

/* Hand-made: a code object whose fields fit no known Python, and one cut short. */
static void test_code_errors(void **state)
{
    (void)state;
    EXPECT_ERROR("c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00N)\x00",
                 0, "unrecognised Python version");
    EXPECT_ERROR("c\x00\x00\x00\x00", 0, "end of data in code object");
    /* Five integers, co_code, then a fifth object field that is neither tuple nor bytes. */
    EXPECT_ERROR("c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                 "\x00s\x00\x00\x00\x00)\x00)\x00)\x00NN",
                 32, "unrecognised Python version");
}

/* ---------------------------------------------------------------- hostile input */

static void test_bad_type_codes(void **state)
{
    (void)state;
    EXPECT_ERROR("?", 0, "unmarshallable object");
    EXPECT_ERROR("C", 0, "unknown type code 0x43");
    EXPECT_ERROR("\xff", 0, "unknown type code 0xff");
    EXPECT_ERROR("\x00", 0, "unknown type code 0x00");
    EXPECT_ERROR(")\x01Q", 2, "unknown type code 0x51");
    EXPECT_ERROR("", 0, "EOF read where object expected");
    EXPECT_ERROR("(\xff\xff\xff\xff", 0, "tuple size out of range");
    EXPECT_ERROR("[\x00\x00\x00\x80", 0, "list size out of range");
    EXPECT_ERROR("<\xff\xff\xff\xff", 0, "set size out of range");
}

/* A count of 2^31 - 1 items with no data behind it must fail at the end of the data, not
 * allocate for the count. */
static void test_huge_counts(void **state)
{
    (void)state;
    EXPECT_ERROR("[\xff\xff\xff\x7f", 5, "EOF read where object expected");
    EXPECT_ERROR("(\xff\xff\xff\x7fNN", 7, "EOF read where object expected");
    EXPECT_ERROR("a\xff\xff\xff\x7f\x61\x62\x63", 0, "end of data in string");
}

/* CPython's limit: an object at depth 2000 is read, one at 2001 is refused. */
static void test_deep_nesting(void **state)
{
    (void)state;
    size_t deep = 1000000;
    unsigned char *b = xmalloc(2 * deep + 1);
    for (size_t i = 0; i < deep; i++) {
        b[2 * i] = ')';
        b[2 * i + 1] = 1;
    }
    b[2 * deep] = 'N';
    struct marshal_doc *doc = NULL;
    struct diag d;
    /* 1999 tuples around None: None is at depth 2000. */
    size_t ok = 1999;
    unsigned char *tail = b + 2 * (deep - ok);
    assert_int_equal(decode(tail, 2 * ok + 1, &doc, &d), P2P_OK);
    assert_int_equal(root(doc)->kind, MARSHAL_TUPLE);
    marshal_free(doc);
    tail = b + 2 * (deep - 2000);
    assert_int_equal(decode(tail, 2 * 2000 + 1, &doc, &d), P2P_ERR_PARSE);
    assert_int_equal(d.pos, 4000);
    assert_non_null(strstr(d.msg, "recursion limit exceeded"));
    /* A million levels: the same clean error. */
    assert_int_equal(decode(b, 2 * deep + 1, &doc, &d), P2P_ERR_PARSE);
    assert_int_equal(d.pos, 4000);
    /* Dicts too: each '{' starts a key of the one before. */
    memset(b, '{', 2 * deep);
    assert_int_equal(decode(b, 2 * deep, &doc, &d), P2P_ERR_PARSE);
    assert_non_null(strstr(d.msg, "recursion limit exceeded"));
    free(b);
}

/* Every prefix of a blob must fail cleanly, at an offset inside the prefix. */
static void truncate_all(const unsigned char *b, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        unsigned char *copy = xmalloc(k ? k : 1); /* exact size, so ASan sees overreads */
        memcpy(copy, b, k);
        struct marshal_doc *doc = NULL;
        struct diag d;
        assert_int_equal(decode(copy, k, &doc, &d), P2P_ERR_PARSE);
        assert_true(d.pos <= k);
        free(copy);
    }
}

static void test_truncation(void **state)
{
    (void)state;
    truncate_all((const unsigned char *)B_v3, sizeof(B_v3) - 1);
    truncate_all((const unsigned char *)B_v4, sizeof(B_v4) - 1);
    truncate_all((const unsigned char *)B_longbig, sizeof(B_longbig) - 1);
    truncate_all((const unsigned char *)B_complex_x, sizeof(B_complex_x) - 1);
    for (size_t i = 0; i < P2P_ARRAY_LEN(code_cases); i++) {
        size_t len;
        unsigned char *b = slurp_fixture(code_cases[i].file, &len);
        truncate_all(b, len);
        free(b);
    }
}

/* Random byte changes in real data: any result, but no crash, leak or overread (run under
 * valgrind and ASan). */
static void test_mutations(void **state)
{
    (void)state;
    size_t len;
    unsigned char *orig = slurp_fixture("code-3.12.bin", &len);
    unsigned char *b = xmalloc(len);
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        memcpy(b, orig, len);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            b[at] = (unsigned char)(seed >> 16);
        }
        struct marshal_doc *doc = NULL;
        struct diag d;
        diag_init(&d);
        if (marshal_decode(b, len, &doc, &d) == P2P_OK)
            marshal_free(doc);
        else
            assert_null(doc);
    }
    free(b);
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_singletons),    cmocka_unit_test(test_ints),
        cmocka_unit_test(test_longs),         cmocka_unit_test(test_long_errors),
        cmocka_unit_test(test_floats),        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_long_ascii),    cmocka_unit_test(test_containers),
        cmocka_unit_test(test_slice),         cmocka_unit_test(test_null),
        cmocka_unit_test(test_refs),          cmocka_unit_test(test_versions),
        cmocka_unit_test(test_trailing_data), cmocka_unit_test(test_code_objects),
        cmocka_unit_test(test_code_errors),   cmocka_unit_test(test_bad_type_codes),
        cmocka_unit_test(test_huge_counts),   cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_truncation),    cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
