/* libFuzzer entry for one reader: the input is a profile of the format named by the
 * environment variable P2P_FUZZ_FORMAT (or "-format=NAME" style first argument handled by
 * LLVMFuzzerInitialize). One harness serves every reader; a reader must return a status for
 * any bytes, free everything, and never crash.
 *
 * "sleepy-members" fuzzes the Very Sleepy member parsers below the ZIP layer, whose CRC check
 * rejects nearly every mutation of a whole archive. The input is Symbols.txt's text, then
 * SLEEPY_SEP, then Callstacks.txt's; without the separator there is no Callstacks.txt. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "read_sleepy.h"
#include "reader.h"

#define SLEEPY_SEP "==> Callstacks.txt <==\n"

static const struct reader *reader;
static bool sleepy_members;

struct bytes {
    const uint8_t *data;
    size_t size;
};

/* sleepy_member_fn over a fuzz input split at SLEEPY_SEP. */
static enum p2p_status member_text(void *ctx, const char *name, struct strbuf *out,
                                   struct diag *d)
{
    const struct bytes *in = ctx;
    const size_t sep_n = strlen(SLEEPY_SEP);
    const uint8_t *sep = memmem(in->data, in->size, SLEEPY_SEP, sep_n);
    const uint8_t *p = in->data;
    size_t n = sep ? (size_t)(sep - in->data) : in->size;
    if (strcmp(name, "Symbols.txt") != 0) {
        if (!sep)
            return diag_fail(d, 0, "the input has no %s member", name);
        p = sep + sep_n;
        n = in->size - n - sep_n;
    }
    if (n == 0)
        return P2P_OK; /* as libzip gives an empty member: no buffer at all */
    /* An exact-size copy, so that ASan sees any read past the end of the text. */
    strbuf_fini(out);
    out->s = xmalloc(n + 1);
    memcpy(out->s, p, n);
    out->s[n] = '\0';
    out->len = n;
    out->cap = n + 1;
    return P2P_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *fmt = getenv("P2P_FUZZ_FORMAT");
    for (int i = 1; i < *argc; i++)
        if (strncmp((*argv)[i], "--format=", 9) == 0)
            fmt = (*argv)[i] + 9;
    reader = fmt ? reader_find(fmt) : NULL;
    sleepy_members = fmt && strcmp(fmt, "sleepy-members") == 0;
    if (!reader && !sleepy_members) {
        fprintf(stderr, "fuzz_reader: set P2P_FUZZ_FORMAT to one of: %s, sleepy-members\n",
                reader_names());
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    struct input *in = input_new_buffer("fuzz", data, size);
    struct profile *p = NULL;
    /* The members are raw bytes from the archive: no BOM decoding as for an input. */
    struct bytes b = {data, size};
    enum p2p_status st = sleepy_members ? sleepy_read_members(member_text, &b, &p, &d)
                                        : reader->read(&in, 1, NULL, &p, &d);
    if ((st == P2P_OK) != (p != NULL) || (st != P2P_OK && !d.failed))
        fuzz_fail("status and profile disagree, or an error without a message");
    profile_free(p);
    input_free(in);
    return 0;
}
