/* Unit tests of the sleepy reader. Very Sleepy runs on Windows only, so the fixtures in
 * tests/fixtures/sleepy are written by make_sleepy.py in Very Sleepy 0.82's layout; the
 * expected numbers were summed by hand from its stack table and checked with a separate Python
 * script, not taken from the reader. Edge cases build small archives here with libzip from
 * hand-written member texts, and patch their bytes for damaged or hostile archives. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <cmocka.h>

#include "read_sleepy.h"
#include "reader.h"
#include "testutil.h"

struct member {
    const char *name;
    const char *text;
    bool deflate;
};

/* A ZIP archive of the members, built in memory with libzip; caller frees. */
static unsigned char *make_zip(const struct member *m, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(za, m[i].text, strlen(m[i].text), 0);
        assert_non_null(s);
        zip_int64_t idx = zip_file_add(za, m[i].name, s, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx,
                                                  m[i].deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0),
                         0);
    }
    assert_int_equal(zip_close(za), 0);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t size = zip_source_tell(src);
    assert_true(size > 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    unsigned char *buf = malloc((size_t)size);
    assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)size;
    return buf;
}

/* Replace every occurrence of `from` by `to` (same length) in buf. */
static void patch_all(unsigned char *buf, size_t len, const char *from, const char *to)
{
    size_t n = strlen(from), hits = 0;
    assert_int_equal(strlen(to), n);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(buf + i, from, n) == 0) {
            memcpy(buf + i, to, n);
            hits++;
        }
    }
    assert_true(hits > 0);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Set the sizes the local and central headers declare for member `name`. */
static void patch_sizes(unsigned char *buf, size_t len, const char *name, uint32_t comp,
                        uint32_t size)
{
    size_t n = strlen(name), hits = 0;
    for (size_t i = 0; i + 46 + n <= len; i++) {
        if (memcmp(buf + i, "PK\3\4", 4) == 0 && memcmp(buf + i + 30, name, n) == 0) {
            put32(buf + i + 18, comp);
            put32(buf + i + 22, size);
            hits++;
        }
        if (memcmp(buf + i, "PK\1\2", 4) == 0 && memcmp(buf + i + 46, name, n) == 0) {
            put32(buf + i + 20, comp);
            put32(buf + i + 24, size);
            hits++;
        }
    }
    assert_int_equal(hits, 2);
}

#define SYMBOLS                                                                                    \
    "sym0 \"app\" \"main\" \"app.c\" 10\n"                                                         \
    "sym1 \"app\" \"work\" \"app.c\" 20\n"                                                         \
    "sym2 \"lib\" \"leaf\" \"lib.c\" 30\n"

/* A two-member archive (Symbols.txt, Callstacks.txt, both deflated); caller frees. */
static unsigned char *members_zip(const char *symbols, const char *callstacks, size_t *len)
{
    struct member m[] = {{"Symbols.txt", symbols, true}, {"Callstacks.txt", callstacks, true}};
    return make_zip(m, 2, len);
}

static struct profile *read_ok(const char *symbols, const char *callstacks)
{
    size_t len;
    unsigned char *zip = members_zip(symbols, callstacks, &len);
    struct profile *p = test_read_buf_ok("sleepy", "t.sleepy", zip, len, NULL, NULL);
    free(zip);
    return p;
}

/* Reading the buffer fails cleanly, at no line, with a message containing `want`. */
static void buf_fails(const void *data, size_t len, const char *want)
{
    test_buf_fails("sleepy", "t.sleepy", data, len, DIAG_NOWHERE, TEST_ANY_POS, want);
}

static void members_fail(const char *symbols, const char *callstacks, const char *want)
{
    size_t len;
    unsigned char *zip = members_zip(symbols, callstacks, &len);
    buf_fails(zip, len, want);
    free(zip);
}

static void test_registered(void **state)
{
    (void)state;
    const struct reader *r = reader_find("sleepy");
    assert_non_null(r);
    assert_string_equal(r->name, "sleepy");
    assert_false(r->multi);
}

/* The numbers of demo.sleepy (make_sleepy.py): five stacks, weights 0.5 0.25 1 0.125 0.0625. */
static void check_demo(struct profile *p)
{
    assert_int_equal(p->recipe, PROF_RECIPE_SAMPLES);
    assert_false(p->int_ids);
    test_expect_ev(&p->ev, PEV_SAMPLES, 1.9375);
    assert_int_equal(p->ev.has, 1u << PEV_SAMPLES);

    /* Eight symbols, but sym2 and sym5 are both demo:work: seven functions, in Symbols.txt
     * order, every one with SAMPLES (0 when never a leaf). */
    static const char *const ids[] = {
        "kernel32:BaseThreadInitThunk", "demo:main",    "demo:work", "demo:ping", "demo:pong",
        "ntdll:RtlUserThreadStart",     "msvcrt:malloc"};
    assert_int_equal(p->n_funcs, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(p->funcs[i].str_id, ids[i]);
        assert_int_equal(p->funcs[i].ev.has, 1u << PEV_SAMPLES);
        assert_false(p->funcs[i].has_called);
        assert_null(p->funcs[i].process);
        assert_null(p->funcs[i].filename);
    }
    const struct prof_func *work = test_fn_id(p, "demo:work");
    assert_string_equal(work->name, "work");
    assert_string_equal(work->module, "demo");
    test_expect_ev(&work->ev, PEV_SAMPLES, 0.75);
    test_expect_ev(&test_fn_id(p, "demo:ping")->ev, PEV_SAMPLES, 1.0);
    test_expect_ev(&test_fn_id(p, "demo:pong")->ev, PEV_SAMPLES, 0.125);
    test_expect_ev(&test_fn_id(p, "demo:main")->ev, PEV_SAMPLES, 0.0625);
    test_expect_ev(&test_fn_id(p, "kernel32:BaseThreadInitThunk")->ev, PEV_SAMPLES, 0);
    const struct prof_func *malloc_ = test_fn_id(p, "msvcrt:malloc");
    assert_string_equal(malloc_->module, "msvcrt");
    test_expect_ev(&malloc_->ev, PEV_SAMPLES, 0);
    assert_int_equal(malloc_->n_calls, 0);

    test_expect_ev(&test_call_id(p, "ntdll:RtlUserThreadStart", "kernel32:BaseThreadInitThunk")->ev,
                   PEV_SAMPLES2, 1.9375);
    test_expect_ev(&test_call_id(p, "kernel32:BaseThreadInitThunk", "demo:main")->ev, PEV_SAMPLES2,
                   1.9375);
    test_expect_ev(&test_call_id(p, "demo:main", "demo:work")->ev, PEV_SAMPLES2, 0.75);
    test_expect_ev(&test_call_id(p, "demo:main", "demo:ping")->ev, PEV_SAMPLES2, 1.125);
    test_expect_ev(&test_call_id(p, "demo:ping", "demo:pong")->ev, PEV_SAMPLES2, 1.125);
    test_expect_ev(&test_call_id(p, "demo:pong", "demo:ping")->ev, PEV_SAMPLES2, 1.0);
    assert_int_equal(test_call_id(p, "demo:main", "demo:work")->ev.has, 1u << PEV_SAMPLES2);
    /* main's calls in the order the stacks first show them. */
    const struct prof_func *m = test_fn_id(p, "demo:main");
    assert_int_equal(m->n_calls, 2);
    assert_string_equal(p->funcs[m->calls[0].callee].str_id, "demo:work");
    assert_string_equal(p->funcs[m->calls[1].callee].str_id, "demo:ping");
    assert_int_equal(work->n_calls, 0);
}

static void test_fixture_demo(void **state)
{
    (void)state;
    struct profile *p = test_read_file("sleepy", "tests/fixtures/sleepy/demo.sleepy");
    check_demo(p);
    profile_free(p);
}

/* Lower-case member names, CRLF line ends and stored members read the same. */
static void test_fixture_lower_crlf(void **state)
{
    (void)state;
    struct profile *p = test_read_file("sleepy", "tests/fixtures/sleepy/lower-crlf.sleepy");
    check_demo(p);
    assert_string_equal(test_fn_id(p, "demo:work")->name, "work");
    profile_free(p);
}

/* 8 MiB of zeros bzip2-ed into 48 bytes is refused before anything is inflated. */
static void test_fixture_bomb(void **state)
{
    (void)state;
    size_t len;
    char *path = test_path("tests/fixtures/sleepy/bomb.sleepy");
    char *data = test_slurp(path, &len);
    buf_fails(data, len, "Callstacks.txt expands from 48 to 8388608 bytes");
    free(data);
    free(path);
}

static void test_sniff(void **state)
{
    (void)state;
    static const char *const files[] = {"tests/fixtures/sleepy/demo.sleepy",
                                        "tests/fixtures/sleepy/lower-crlf.sleepy"};
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(test_sniff_file("sleepy", files[i]), 100);
    /* Symbols.txt named later in the head; a ZIP of something else; an empty ZIP. */
    struct member m[] = {{"notes.txt", "x", false}, {"Symbols.txt", "y", false}};
    size_t len;
    unsigned char *zip = make_zip(m, 2, &len);
    assert_int_equal(test_sniff_buf("sleepy", zip, len), 90);
    free(zip);
    zip = make_zip(m, 1, &len);
    assert_int_equal(test_sniff_buf("sleepy", zip, len), 20);
    free(zip);
    assert_int_equal(test_sniff_buf("sleepy", "PK\5\6\0\0\0\0", 8), 5);
    /* Other formats. */
    static const char *const others[] = {
        "events: Ir\nfn=main\n",
        "<profile>\n    <size>1</size>\n",
        "{\"version\": 0, \"functions\": []}",
        "main;work;leaf 12\n",
        "PK",
        "",
    };
    for (size_t i = 0; i < P2P_ARRAY_LEN(others); i++)
        assert_int_equal(test_sniff_str("sleepy", others[i]), 0);
}

/* Symbols.txt lines of other shapes are skipped; separators are any whitespace, including
 * Unicode spaces; a repeated id takes the later line; the last field must be digits. */
static void test_symbol_shapes(void **state)
{
    (void)state;
    struct profile *p =
        read_ok("sym0 \"app\" \"main\" \"app.c\" 10\n"
                "sym1\t\"app\"  \"work\"\t\"app.c\"\t20\r\r\n"
                "sym2\xc2\xa0\"\" \"odd name (x)\" \"\" 0\n"
                "sym3 \"app\" \"quoted\"name\" \"app.c\" 1\n" /* inner quote: ignored */
                "sym4 \"app\" \"noline\" \"app.c\"\n"         /* no LINE: ignored */
                "sym5 \"app\" \"extra\" \"app.c\" 5 6\n"      /* trailing field: ignored */
                "-sym6 \"app\" \"dash\" \"app.c\" 5\n"        /* id not \w: ignored */
                "sym7 \"app\" \"first\" \"a.c\" 1\n"
                "sym7 \"app\" \"second\" \"a.c\" 2\n"
                "sym8 \"mod:x\" \"y\" \"a.c\" 3\n"
                "sym9 \"mod\" \"x:y\" \"a.c\" 4\n"
                "\n"
                "garbage\n",
                "1 sym1 sym0\n2 sym2 sym7\n4 sym9\n");
    static const char *const ids[] = {"app:main",  "app:work",   ":odd name (x)",
                                      "app:first", "app:second", "mod:x:y"};
    assert_int_equal(p->n_funcs, P2P_ARRAY_LEN(ids));
    for (size_t i = 0; i < P2P_ARRAY_LEN(ids); i++)
        assert_string_equal(p->funcs[i].str_id, ids[i]);
    const struct prof_func *odd = test_fn_id(p, ":odd name (x)");
    assert_string_equal(odd->name, "odd name (x)");
    assert_string_equal(odd->module, ""); /* an empty module stays set */
    test_expect_ev(&odd->ev, PEV_SAMPLES, 2);
    /* sym7 was redefined: its samples go to "second"; "first" keeps its 0. */
    test_expect_ev(&test_fn_id(p, "app:first")->ev, PEV_SAMPLES, 0);
    test_expect_ev(&test_call_id(p, "app:second", ":odd name (x)")->ev, PEV_SAMPLES2, 2);
    /* "mod:x" "y" and "mod" "x:y" share the key mod:x:y; the first line names it. */
    const struct prof_func *xy = test_fn_id(p, "mod:x:y");
    assert_string_equal(xy->name, "y");
    assert_string_equal(xy->module, "mod:x");
    test_expect_ev(&xy->ev, PEV_SAMPLES, 4);
    test_expect_ev(&p->ev, PEV_SAMPLES, 7);
    profile_free(p);

    /* Ids of ignored lines are unknown. */
    members_fail(SYMBOLS "sym3 \"app\" \"quoted\"name\" \"app.c\" 1\n", "1 sym3\n",
                 "Callstacks.txt:1: unknown symbol \"sym3\"");
}

/* Weights are Python floats; fields split at any whitespace; recursion makes self-calls. */
static void test_callstack_shapes(void **state)
{
    (void)state;
    struct profile *p = read_ok(SYMBOLS, "  1_0.5\tsym2  sym1 sym0  \r\n"
                                         "1e-1 sym1\xe3\x80\x80sym1 sym0\n"
                                         "-0.5 sym2 sym2\n"
                                         "+.25 sym0");
    test_expect_ev(&test_fn_id(p, "lib:leaf")->ev, PEV_SAMPLES, 10.5 - 0.5);
    test_expect_ev(&test_fn_id(p, "app:work")->ev, PEV_SAMPLES, 1e-1);
    test_expect_ev(&test_fn_id(p, "app:main")->ev, PEV_SAMPLES, 0.25);
    test_expect_ev(&p->ev, PEV_SAMPLES, 10.5 + 1e-1 - 0.5 + 0.25);
    test_expect_ev(&test_call_id(p, "app:work", "lib:leaf")->ev, PEV_SAMPLES2, 10.5);
    test_expect_ev(&test_call_id(p, "app:main", "app:work")->ev, PEV_SAMPLES2, 10.5 + 1e-1);
    test_expect_ev(&test_call_id(p, "app:work", "app:work")->ev, PEV_SAMPLES2, 1e-1);
    test_expect_ev(&test_call_id(p, "lib:leaf", "lib:leaf")->ev, PEV_SAMPLES2, -0.5);
    assert_int_equal(test_fn_id(p, "app:main")->n_calls, 1);
    profile_free(p);

    /* Empty members: no functions from an empty Symbols.txt, no samples. */
    p = read_ok("", "");
    assert_int_equal(p->n_funcs, 0);
    test_expect_ev(&p->ev, PEV_SAMPLES, 0);
    profile_free(p);
}

static void test_callstack_errors(void **state)
{
    (void)state;
    members_fail(SYMBOLS, "1 sym0\n\n2 sym1\n", "Callstacks.txt:2: blank line");
    members_fail(SYMBOLS, "1 sym0\n \t\r\n", "Callstacks.txt:2: blank line");
    members_fail(SYMBOLS, "1 sym0\n2 sym1 sym9\n", "Callstacks.txt:2: unknown symbol \"sym9\"");
    members_fail(SYMBOLS, "1 sym0 SYM1\n", "unknown symbol \"SYM1\"");
    members_fail(SYMBOLS, "abc sym0\n",
                 "Callstacks.txt:1: expected a sample weight, found \"abc\"");
    members_fail(SYMBOLS, "nan sym0\n", "expected a sample weight");
    members_fail(SYMBOLS, "inf sym0\n", "expected a sample weight");
    members_fail(SYMBOLS, "1e999 sym0\n", "expected a sample weight");
    members_fail(SYMBOLS, "1__0 sym0\n", "expected a sample weight");
    members_fail(SYMBOLS, "_1 sym0\n", "expected a sample weight");
    members_fail(SYMBOLS, "0x10 sym0\n", "expected a sample weight");
    members_fail(SYMBOLS, "1 sym0\n3.5\n", "Callstacks.txt:2: a weight without a call stack");
    members_fail(SYMBOLS, "1 sym0\n1 sym\xff\n", "Callstacks.txt:2: invalid UTF-8");
    members_fail(SYMBOLS, "1 sym0 \xed\xa0\x80\n", "invalid UTF-8"); /* a surrogate */
    members_fail(SYMBOLS, "1 \xc0\xaf\n", "invalid UTF-8");          /* overlong '/' */
    members_fail("sym0 \"a\" \"b\" \"c\" 1\nsym1 \"\xe2\x82\" \"b\" \"c\" 1\n", "",
                 "Symbols.txt:2: invalid UTF-8");
}

static void test_members(void **state)
{
    (void)state;
    /* Names match ignoring case; other members are ignored. */
    struct member m[] = {{"Stats.txt", "Samples: 1\n", true},
                         {"SYMBOLS.TXT", SYMBOLS, false},
                         {"minidump.dmp", "\x01\x02", false},
                         {"CallStacks.Txt", "2 sym2 sym1\n", true}};
    size_t len;
    unsigned char *zip = make_zip(m, 4, &len);
    struct profile *p = test_read_buf_ok("sleepy", "t.sleepy", zip, len, NULL, NULL);
    test_expect_ev(&test_call_id(p, "app:work", "lib:leaf")->ev, PEV_SAMPLES2, 2);
    profile_free(p);
    free(zip);

    /* Missing members: Symbols.txt is looked for first. */
    struct member only_stacks[] = {{"Callstacks.txt", "1 sym0\n", false}};
    zip = make_zip(only_stacks, 1, &len);
    buf_fails(zip, len, "the archive has no Symbols.txt member");
    free(zip);
    struct member only_syms[] = {{"Symbols.txt", SYMBOLS, false},
                                 {"Callstacks.txt.bak", "1 sym0\n", false}};
    zip = make_zip(only_syms, 2, &len);
    buf_fails(zip, len, "the archive has no Callstacks.txt member");
    free(zip);
    /* Symbols.txt is parsed before Callstacks.txt is looked for, as in gprof2dot. */
    struct member bad_syms[] = {{"Symbols.txt", "sym0 \"\xff\" \"b\" \"c\" 1\n", false}};
    zip = make_zip(bad_syms, 1, &len);
    buf_fails(zip, len, "Symbols.txt:1: invalid UTF-8");
    free(zip);

    /* Repeated names, made by renaming members in the bytes: the first name that matches
     * ignoring case decides, and of the entries with exactly that name the last is read
     * (Python's zipfile). */
    struct member dup[] = {{"Symbols.txt", SYMBOLS, false},
                           {"symbols.txt", "sym0 \"x\" \"lower1\" \"f\" 1\n", false},
                           {"symbols.txX", "sym0 \"x\" \"lower2\" \"f\" 1\n", false},
                           {"Callstacks.txt", "1 sym0\n", false}};
    zip = make_zip(dup, 4, &len);
    patch_all(zip, len, "symbols.txX", "symbols.txt");
    p = test_read_buf_ok("sleepy", "t.sleepy", zip, len, NULL, NULL);
    assert_int_equal(p->n_funcs, 3);
    test_expect_ev(&test_fn_id(p, "app:main")->ev, PEV_SAMPLES, 1);
    profile_free(p);
    patch_all(zip, len, "Symbols.txt", "symbolz.txt");
    p = test_read_buf_ok("sleepy", "t.sleepy", zip, len, NULL, NULL);
    assert_int_equal(p->n_funcs, 1);
    test_expect_ev(&test_fn_id(p, "x:lower2")->ev, PEV_SAMPLES, 1);
    profile_free(p);
    free(zip);
}

/* Not an archive, a cut archive, an archive without members, a damaged member. */
static void test_bad_archives(void **state)
{
    (void)state;
    buf_fails("", 0, "empty file, expected a ZIP archive");
    buf_fails("hello, world\n", 13, "not a readable ZIP archive");
    static const unsigned char eocd[22] = {'P', 'K', 5, 6};
    buf_fails(eocd, sizeof(eocd), "the archive has no Symbols.txt member");

    size_t len;
    char *path = test_path("tests/fixtures/sleepy/demo.sleepy");
    char *data = test_slurp(path, &len);
    for (size_t cut = 0; cut < len; cut += 37)
        if (cut > 0)
            buf_fails(data, cut, "not a readable ZIP archive");
    buf_fails(data, len - 1, "not a readable ZIP archive");
    /* Damage inside the deflated Callstacks.txt: inflating or the CRC check fails. */
    const char *at = memmem(data, len, "Callstacks.txt", 14);
    assert_non_null(at);
    data[at - data + 14 + 5] ^= 0x55;
    buf_fails(data, len, "cannot read Callstacks.txt");
    free(data);
    free(path);

    /* A stored member whose bytes no longer match its CRC. */
    struct member m[] = {{"Symbols.txt", SYMBOLS, false}, {"Callstacks.txt", "1 sym0\n", false}};
    unsigned char *zip = make_zip(m, 2, &len);
    patch_all(zip, len, "1 sym0\n", "2 sym0\n");
    buf_fails(zip, len, "cannot read Callstacks.txt");
    free(zip);
}

/* Declared sizes decide before anything is read: over 1 GiB, or an absurd ratio. A member
 * shorter than it declares is libzip's error or ours; one longer is stopped at the declared
 * size. */
static void test_size_limits(void **state)
{
    (void)state;
    struct member m[] = {{"Symbols.txt", SYMBOLS, false}, {"Callstacks.txt", "1 sym0\n", false}};
    size_t len;
    unsigned char *zip = make_zip(m, 2, &len);
    patch_sizes(zip, len, "Callstacks.txt", 7, 0x40000001u);
    buf_fails(zip, len, "Callstacks.txt is too large (1073741825 bytes uncompressed");
    patch_sizes(zip, len, "Callstacks.txt", 7, 0x40000000u);
    buf_fails(zip, len, "Callstacks.txt expands from 7 to 1073741824 bytes, more than 2000-fold");
    /* 1 MiB is below the ratio check, and then the reading stops at the real data. */
    patch_sizes(zip, len, "Callstacks.txt", 7, 1u << 20);
    buf_fails(zip, len, "cannot read Callstacks.txt");
    patch_sizes(zip, len, "Callstacks.txt", 7, 3);
    buf_fails(zip, len, "Callstacks.txt is longer than the archive says");
    free(zip);
    /* A deflated member declared with no compressed bytes inflates to nothing without an
     * error from libzip 1.7: the declared size catches it (a fuzz crasher). */
    zip = members_zip(SYMBOLS, "1 sym0\n", &len);
    patch_sizes(zip, len, "Callstacks.txt", 0, 7);
    buf_fails(zip, len, "Callstacks.txt is shorter than the archive says");
    free(zip);
}

/* The member parsers below the ZIP layer (also the "sleepy-members" fuzz target): members are
 * asked for one at a time, Symbols.txt first, and the first error stops the reading. */
struct fake_members {
    const char *text[2]; /* Symbols.txt, Callstacks.txt; NULL: no such member */
    int asked;
};

static enum p2p_status fake_member(void *ctx, const char *name, struct strbuf *out,
                                   struct diag *d)
{
    struct fake_members *f = ctx;
    int i = f->asked++;
    assert_true(i < 2);
    assert_string_equal(name, i == 0 ? "Symbols.txt" : "Callstacks.txt");
    assert_int_equal(out->len, 0);
    if (!f->text[i])
        return diag_fail(d, 0, "no %s here", name);
    strbuf_adds(out, f->text[i]);
    return P2P_OK;
}

static void test_read_members(void **state)
{
    (void)state;
    struct profile *p;
    struct diag d;
    struct fake_members ok = {{SYMBOLS, "2 sym2 sym1\n"}, 0};
    diag_init(&d);
    assert_int_equal(sleepy_read_members(fake_member, &ok, &p, &d), P2P_OK);
    assert_int_equal(ok.asked, 2);
    test_expect_ev(&test_call_id(p, "app:work", "lib:leaf")->ev, PEV_SAMPLES2, 2);
    profile_free(p);

    struct fake_members bad_syms = {{"sym0 \"\xff\" \"b\" \"c\" 1\n", NULL}, 0};
    diag_init(&d);
    assert_int_equal(sleepy_read_members(fake_member, &bad_syms, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_int_equal(bad_syms.asked, 1);
    assert_string_equal(d.msg, "Symbols.txt:1: invalid UTF-8");

    struct fake_members no_stacks = {{SYMBOLS, NULL}, 0};
    diag_init(&d);
    assert_int_equal(sleepy_read_members(fake_member, &no_stacks, &p, &d), P2P_ERR_PARSE);
    assert_null(p);
    assert_int_equal(no_stacks.asked, 2);
    assert_string_equal(d.msg, "no Callstacks.txt here");
}

static void test_usage(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b"}, *const texts[] = {"x", "y"};
    struct profile *p;
    struct diag d;
    assert_int_equal(test_read_strs("sleepy", names, texts, 2, &p, &d), P2P_ERR_USAGE);
    assert_null(p);
    assert_string_equal(d.msg, "exactly one file must be given for sleepy input");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_fixture_demo),
        cmocka_unit_test(test_fixture_lower_crlf),
        cmocka_unit_test(test_fixture_bomb),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_symbol_shapes),
        cmocka_unit_test(test_callstack_shapes),
        cmocka_unit_test(test_callstack_errors),
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_bad_archives),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_read_members),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
