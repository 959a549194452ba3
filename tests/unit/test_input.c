/* Inputs: line splitting (\n, \r\n, lone \r), NUL bytes, byte-order marks, files, the
 * binary cursor. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "input.h"
#include "testutil.h"

static char *all_lines(const void *data, size_t len)
{
    struct input *in = input_new_buffer("t", data, len);
    struct line_reader lr;
    struct diag d;
    diag_init(&d);
    lines_init(&lr, in);
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, "", 0);
    const char *line;
    size_t n;
    int r;
    while ((r = lines_next(&lr, &line, &n, &d)) == 1) {
        strbuf_add(&b, line, n);
        strbuf_addc(&b, '|');
    }
    assert_int_equal(r, 0);
    input_free(in);
    return strbuf_detach(&b);
}

static void test_line_ends(void **state)
{
    (void)state;
    char *s = all_lines("a\nb\r\nc\rd", 8);
    assert_string_equal(s, "a|b|c|d|");
    free(s);
    s = all_lines("a\n\nb\n", 5);
    assert_string_equal(s, "a||b|");
    free(s);
    s = all_lines("\r\r\n", 3);
    assert_string_equal(s, "||");
    free(s);
    s = all_lines("", 0);
    assert_string_equal(s, "");
    free(s);
}

static void test_nul_is_an_error(void **state)
{
    (void)state;
    struct input *in = input_new_buffer("bin", "ok\nx\0y\n", 7);
    struct line_reader lr;
    struct diag d;
    diag_init(&d);
    lines_init(&lr, in);
    const char *line;
    size_t n;
    assert_int_equal(lines_next(&lr, &line, &n, &d), 1);
    assert_int_equal(lines_next(&lr, &line, &n, &d), -1);
    assert_true(d.failed);
    assert_int_equal(d.pos, 2);
    char buf[256];
    diag_format(&d, buf, sizeof(buf));
    assert_string_equal(buf, "bin:2: NUL byte in text (is this a binary file?)");
    input_free(in);
}

static void test_bom(void **state)
{
    (void)state;
    /* UTF-8 BOM removed */
    struct input *in = input_new_buffer("u8", "\xef\xbb\xbfhi", 5);
    assert_int_equal(in->len, 2);
    assert_memory_equal(in->data, "hi", 2);
    input_free(in);
    /* UTF-16LE with a surrogate pair and an e-acute */
    static const unsigned char le[] = {0xFF, 0xFE, 'a', 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE,
                                       '\n', 0};
    in = input_new_buffer("u16", le, sizeof(le));
    assert_int_equal(in->len, 1 + 2 + 4 + 1);
    assert_memory_equal(in->data, "a\xc3\xa9\xf0\x9f\x98\x80\n", 8);
    input_free(in);
    /* UTF-16BE; an unpaired surrogate becomes U+FFFD */
    static const unsigned char be[] = {0xFE, 0xFF, 0, 'z', 0xD8, 0x00, 0, 'q'};
    in = input_new_buffer("u16be", be, sizeof(be));
    assert_int_equal(in->len, 1 + 3 + 1);
    assert_memory_equal(in->data, "z\xef\xbf\xbdq", 5);
    input_free(in);
}

static void test_open_file(void **state)
{
    (void)state;
    char path[] = "/tmp/p2p-input-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "x y\nz\n", 6), 6);
    close(fd);
    struct input *in = NULL;
    struct diag d;
    diag_init(&d);
    assert_int_equal(input_open(path, &in, &d), P2P_OK);
    assert_int_equal(in->len, 6);
    assert_string_equal(in->name, path);
    input_free(in);
    /* an empty file */
    fd = open(path, O_WRONLY | O_TRUNC);
    close(fd);
    assert_int_equal(input_open(path, &in, &d), P2P_OK);
    assert_int_equal(in->len, 0);
    input_free(in);
    unlink(path);
    /* a missing file: I/O error naming it */
    assert_int_equal(input_open(path, &in, &d), P2P_ERR_IO);
    assert_null(in);
    assert_string_equal(d.file, path);
    assert_non_null(strstr(d.msg, "cannot open"));
    /* a directory */
    diag_init(&d);
    assert_int_equal(input_open("/tmp", &in, &d), P2P_ERR_IO);
    assert_null(in);
}

static void test_cursor(void **state)
{
    (void)state;
    static const unsigned char b[] = {1, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 9};
    struct cursor c;
    cursor_init(&c, b, sizeof(b));
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    assert_true(cursor_u8(&c, &u8) && u8 == 1);
    assert_true(cursor_u16le(&c, &u16) && u16 == 0x1234);
    assert_true(cursor_u32le(&c, &u32) && u32 == 0x12345678);
    assert_false(cursor_u64le(&c, &u64)); /* one byte left */
    assert_int_equal(c.pos, 7);
    const unsigned char *p;
    assert_false(cursor_bytes(&c, 2, &p));
    assert_true(cursor_bytes(&c, 1, &p) && *p == 9);
    assert_false(cursor_u8(&c, &u8));
    assert_false(cursor_bytes(&c, SIZE_MAX, &p)); /* no overflow in the check */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends), cmocka_unit_test(test_nul_is_an_error),
        cmocka_unit_test(test_bom),       cmocka_unit_test(test_open_file),
        cmocka_unit_test(test_cursor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
