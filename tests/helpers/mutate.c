/* Makes hostile variants of a profile for tests/hostile.sh, deterministically:
 *   mutate MODE SEED IN OUT
 * MODE: truncate (cut at a seeded point), flip (flip 8 seeded bits), binary (4 KiB of seeded
 * bytes), nul (insert NUL bytes), crlf (every \n becomes \r\n), longline (an 8 MiB line after
 * the first line), hugenum (every digit run becomes 40 nines), inject (identifier-like runs
 * become DOT/HTML/escape injection text). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static bool is_ident(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: mutate MODE SEED IN OUT\n", stderr);
        return 2;
    }
    const char *mode = argv[1];
    rng = 0x9E3779B97F4A7C15ULL ^ strtoull(argv[2], NULL, 10);
    FILE *f = fopen(argv[3], "rb");
    if (!f) {
        perror(argv[3]);
        return 1;
    }
    struct strbuf in, out;
    strbuf_init(&in);
    strbuf_init(&out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&in, buf, n);
    fclose(f);
    strbuf_add(&in, "", 0);
    strbuf_add(&out, "", 0);
    const unsigned char *s = (const unsigned char *)in.s;
    size_t len = in.len;
    if (strcmp(mode, "truncate") == 0) {
        strbuf_add(&out, s, len ? next() % len : 0);
    } else if (strcmp(mode, "flip") == 0) {
        strbuf_add(&out, s, len);
        for (int k = 0; k < 8 && len; k++)
            out.s[next() % len] ^= (char)(1u << (next() % 8));
    } else if (strcmp(mode, "binary") == 0) {
        for (int k = 0; k < 4096; k++)
            strbuf_addc(&out, (char)next());
    } else if (strcmp(mode, "nul") == 0) {
        size_t at = len ? next() % len : 0;
        strbuf_add(&out, s, at);
        strbuf_add(&out, "\0\0\0\0", 4);
        strbuf_add(&out, s + at, len - at);
    } else if (strcmp(mode, "crlf") == 0) {
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '\n')
                strbuf_addc(&out, '\r');
            strbuf_addc(&out, (char)s[i]);
        }
    } else if (strcmp(mode, "longline") == 0) {
        const unsigned char *nl = memchr(s, '\n', len);
        size_t at = nl ? (size_t)(nl - s) + 1 : len;
        strbuf_add(&out, s, at);
        for (size_t k = 0; k < ((size_t)8 << 20); k++)
            strbuf_addc(&out, (char)('a' + k % 26));
        strbuf_addc(&out, '\n');
        strbuf_add(&out, s + at, len - at);
    } else if (strcmp(mode, "hugenum") == 0) {
        for (size_t i = 0; i < len;) {
            if (s[i] >= '0' && s[i] <= '9') {
                while (i < len && s[i] >= '0' && s[i] <= '9')
                    i++;
                strbuf_adds(&out, "9999999999999999999999999999999999999999");
            } else {
                strbuf_addc(&out, (char)s[i++]);
            }
        }
    } else if (strcmp(mode, "inject") == 0) {
        static const char *const evil[] = {
            "a\\\"];x[label=<b>pwn</b>];\\\"", "<script>alert(1)</script>&amp;",
            "\\N\\G\\l\\\\", "}digraph{", "graph", "0x41"};
        size_t k = 0;
        for (size_t i = 0; i < len;) {
            if (is_ident(s[i]) && (next() % 8) == 0) {
                while (i < len && is_ident(s[i]))
                    i++;
                strbuf_adds(&out, evil[k++ % (sizeof(evil) / sizeof(evil[0]))]);
            } else {
                strbuf_addc(&out, (char)s[i++]);
            }
        }
    } else {
        fprintf(stderr, "mutate: unknown mode %s\n", mode);
        return 2;
    }
    f = fopen(argv[4], "wb");
    if (!f || fwrite(out.s, 1, out.len, f) != out.len || fclose(f) != 0) {
        perror(argv[4]);
        return 1;
    }
    strbuf_fini(&in);
    strbuf_fini(&out);
    return 0;
}
