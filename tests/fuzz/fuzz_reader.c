/* libFuzzer entry for one reader: the input is a profile of the format named by the
 * environment variable P2P_FUZZ_FORMAT (or "-format=NAME" style first argument handled by
 * LLVMFuzzerInitialize). One harness serves every reader; a reader must return a status for
 * any bytes, free everything, and never crash.
 *
 * "sleepy-members" fuzzes the Very Sleepy member parsers below the ZIP layer, whose CRC check
 * rejects nearly every mutation of a whole archive. The input is Symbols.txt's text, then
 * SLEEPY_SEP, then Callstacks.txt's; without the separator there is no Callstacks.txt.
 *
 * "pstats-modes" reads a pstats file with the streaming decoder and with the marshal document
 * (src/read_pstats.h): where streaming succeeds the profiles must be the same, and the reader
 * (which streams, then falls back) must give exactly what the document gives. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "read_pstats.h"
#include "read_sleepy.h"
#include "reader.h"

#define SLEEPY_SEP "==> Callstacks.txt <==\n"

static const struct reader *reader;
static bool sleepy_members, pstats_modes;

struct bytes {
    const uint8_t *data;
    size_t size;
};

/* sleepy_member_fn over a fuzz input split at SLEEPY_SEP. */
static enum p2p_status member_text(void *ctx, const char *name, struct strbuf *out, struct diag *d)
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
    pstats_modes = fmt && strcmp(fmt, "pstats-modes") == 0;
    if (!reader && !sleepy_members && !pstats_modes) {
        fprintf(stderr,
                "fuzz_reader: set P2P_FUZZ_FORMAT to one of: %s, sleepy-members, pstats-modes\n",
                reader_names());
        exit(2);
    }
    return 0;
}

static bool same_events(const struct prof_events *a, const struct prof_events *b)
{
    if (a->has != b->has)
        return false;
    for (int k = 0; k < PEV_COUNT; k++)
        if (ev_has(a, (enum prof_event)k) && memcmp(&a->v[k], &b->v[k], sizeof(a->v[k])) != 0)
            return false;
    return true;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_profile(const struct profile *a, const struct profile *b)
{
    if (a->n_funcs != b->n_funcs || !same_events(&a->ev, &b->ev))
        return false;
    for (size_t i = 0; i < a->n_funcs; i++) {
        const struct prof_func *fa = &a->funcs[i], *fb = &b->funcs[i];
        if (fa->int_id != fb->int_id || !same_str(fa->name, fb->name) ||
            !same_str(fa->filename, fb->filename) || fa->has_called != fb->has_called ||
            memcmp(&fa->called, &fb->called, sizeof(fa->called)) != 0 ||
            !same_events(&fa->ev, &fb->ev) || fa->n_calls != fb->n_calls)
            return false;
        for (size_t k = 0; k < fa->n_calls; k++)
            if (fa->calls[k].callee != fb->calls[k].callee ||
                !same_events(&fa->calls[k].ev, &fb->calls[k].ev))
                return false;
    }
    return true;
}

static void check_pstats_modes(struct input *in)
{
    struct diag dd, ds, da;
    struct profile *pd = NULL, *ps = NULL, *pa = NULL;
    diag_init(&dd);
    diag_init(&ds);
    diag_init(&da);
    dd.quiet = ds.quiet = da.quiet = true;
    enum p2p_status sd = pstats_read_mode(&in, 1, PSTATS_DOCUMENT, &pd, &dd);
    enum p2p_status ss = pstats_read_mode(&in, 1, PSTATS_STREAM, &ps, &ds);
    enum p2p_status sa = pstats_read_mode(&in, 1, PSTATS_AUTO, &pa, &da);
    if (ss == P2P_OK && (sd != P2P_OK || !same_profile(ps, pd)))
        fuzz_fail("the streaming decoder read a file differently from the document");
    if (sa != sd || da.warnings != dd.warnings)
        fuzz_fail("the reader's status or warnings differ from the document's");
    if (sd == P2P_OK ? !same_profile(pa, pd)
                     : strcmp(da.msg, dd.msg) != 0 || da.pos != dd.pos || pa != NULL)
        fuzz_fail("the reader's result differs from the document's");
    profile_free(pd);
    profile_free(ps);
    profile_free(pa);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    d.quiet = true;
    struct input *in = input_new_buffer("fuzz", data, size);
    struct profile *p = NULL;
    if (pstats_modes) {
        check_pstats_modes(in);
        input_free(in);
        return 0;
    }
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
