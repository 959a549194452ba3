/* Inputs: line splitting (\n, \r\n, lone \r), NUL bytes, byte-order marks, files, the
 * binary cursor, the bytes reported to the progress line. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "input.h"
#include "progress.h"
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

/* The one-pass search for '\r' and NUL, at every position around its 8-byte steps, against
 * the obvious byte loop. */
static void test_line_scan_positions(void **state)
{
    (void)state;
    char buf[64];
    for (size_t len = 1; len < 40; len++)
        for (size_t at = 0; at < len; at++)
            for (int kind = 0; kind < 2; kind++) {
                memset(buf, 'x', len);
                buf[at] = kind ? '\r' : '\0';
                buf[len] = '\n';
                struct input *in = input_new_buffer("t", buf, len + 1);
                struct line_reader lr;
                struct diag d;
                diag_init(&d);
                d.quiet = true;
                lines_init(&lr, in);
                const char *line;
                size_t n;
                int r = lines_next(&lr, &line, &n, &d);
                if (kind) { /* a line break at `at` ("\r\n" when it is last) */
                    assert_int_equal(r, 1);
                    assert_int_equal(n, at);
                    if (at + 1 < len) {
                        assert_int_equal(lines_next(&lr, &line, &n, &d), 1);
                        assert_int_equal(n, len - at - 1);
                    }
                    assert_int_equal(lines_next(&lr, &line, &n, &d), 0);
                } else {
                    assert_int_equal(r, -1);
                    assert_int_equal(d.pos, 1);
                }
                input_free(in);
            }
    /* A NUL after a '\r' belongs to the next line. */
    char *s = all_lines("ab\r\n", 4);
    assert_string_equal(s, "ab|");
    free(s);
    struct input *in = input_new_buffer("t", "ab\r\0c\n", 6);
    struct line_reader lr;
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    lines_init(&lr, in);
    const char *line;
    size_t n;
    assert_int_equal(lines_next(&lr, &line, &n, &d), 1);
    assert_int_equal(n, 2);
    assert_int_equal(lines_next(&lr, &line, &n, &d), -1);
    assert_int_equal(d.pos, 2);
    input_free(in);
}

static char *temp_file(size_t lines)
{
    char *path = xstrdup("/tmp/p2p-input-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    for (size_t i = 0; i < lines; i++)
        fprintf(f, "line %zu of a mapped file, long enough to fill pages quickly\n", i);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* A mapped file larger than the window kept while reading: every line comes out right, and
 * the start, given back to the kernel on the way, still reads the same afterwards. */
static void test_big_mapped_file(void **state)
{
    (void)state;
    size_t lines = 700000; /* about 45 MB */
    char *path = temp_file(lines);
    struct input *in = NULL;
    struct diag d;
    diag_init(&d);
    assert_int_equal(input_open(path, &in, &d), P2P_OK);
    struct line_reader lr;
    lines_init(&lr, in);
    const char *line;
    size_t n, i = 0;
    char want[128];
    while (lines_next(&lr, &line, &n, &d) == 1) {
        int w = snprintf(want, sizeof(want),
                         "line %zu of a mapped file, long enough to fill pages quickly", i++);
        assert_int_equal(n, (size_t)w);
        assert_memory_equal(line, want, n);
    }
    assert_int_equal(i, lines);
    assert_memory_equal(in->data, "line 0 of a mapped file", 23);
    input_free(in);
    unlink(path);
    free(path);
}

/* The line reader reports the bytes it has passed to the progress stage: never ahead of the
 * lines returned, at most a megabyte (plus the line) behind, and all of them at the end,
 * exactly once. Lines of varying length end with \n or \r\n so that checkpoints fall
 * inside lines and terminators. */
static void test_progress_bytes(void **state)
{
    (void)state;
    struct strbuf b;
    strbuf_init(&b);
    for (size_t i = 0; b.len < ((size_t)5 << 20) + 12345; i++) {
        for (size_t k = 0; k < i % 97; k++)
            strbuf_addc(&b, 'a' + (char)(k % 26));
        strbuf_add(&b, i % 3 ? "\n" : "\r\n", i % 3 ? 1 : 2);
    }
    strbuf_add(&b, "last line, no terminator", 24);
    struct input *in = input_new_buffer("t", b.s, b.len);
    struct line_reader lr;
    struct diag d;
    diag_init(&d);
    progress_stage("test", in->len);
    lines_init(&lr, in);
    const char *line;
    size_t n, lines = 0;
    uint64_t seen_below = 0;
    while (lines_next(&lr, &line, &n, &d) == 1) {
        uint64_t done = progress_done();
        assert_true(done <= lr.pos);
        assert_true(lr.pos - done < ((uint64_t)1 << 20) + n + 2);
        seen_below += done < lr.pos;
        lines++;
    }
    assert_true(lines > 100000);
    assert_true(seen_below > 0); /* reported in steps, not per line */
    assert_int_equal(progress_done(), in->len);
    assert_int_equal(lines_next(&lr, &line, &n, &d), 0);
    assert_int_equal(progress_done(), in->len);
    progress_end();

    /* A new stage starts from zero; an empty input reports nothing. */
    progress_stage("empty", 0);
    assert_int_equal(progress_done(), 0);
    struct input *empty = input_new_buffer("e", "", 0);
    lines_init(&lr, empty);
    assert_int_equal(lines_next(&lr, &line, &n, &d), 0);
    assert_int_equal(progress_done(), 0);
    progress_end();
    input_free(empty);
    input_free(in);
    strbuf_fini(&b);
}

/* Another process shortens the file while it is mapped: one line naming the file on stderr
 * and exit status 3, not a crash. Run in a child, whose stderr is a pipe. */
static void test_file_shrinks_while_read(void **state)
{
    (void)state;
    char *path = temp_file(100000);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pfd[1], STDERR_FILENO);
        close(pfd[0]);
        struct input *in = NULL;
        struct diag d;
        diag_init(&d);
        if (input_open(path, &in, &d) != P2P_OK)
            _exit(10);
        if (truncate(path, 0) != 0)
            _exit(11);
        volatile unsigned char c = in->data[in->len / 2];
        (void)c;
        _exit(12); /* not reached: the read faults */
    }
    close(pfd[1]);
    char msg[512] = "";
    size_t got = 0;
    ssize_t r;
    while ((r = read(pfd[0], msg + got, sizeof(msg) - 1 - got)) > 0)
        got += (size_t)r;
    msg[got] = '\0';
    close(pfd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    char want[512];
    snprintf(want, sizeof(want), "prof2png: %s: the file shrank while it was being read\n", path);
    assert_string_equal(msg, want);
    unlink(path);
    free(path);
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
        cmocka_unit_test(test_line_scan_positions),
        cmocka_unit_test(test_big_mapped_file),
        cmocka_unit_test(test_progress_bytes),
        cmocka_unit_test(test_file_shrinks_while_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
