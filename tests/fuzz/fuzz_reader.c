/* libFuzzer entry for one reader: the input is a profile of the format named by the
 * environment variable P2P_FUZZ_FORMAT (or "-format=NAME" style first argument handled by
 * LLVMFuzzerInitialize). One harness serves every reader; a reader must return a status for
 * any bytes, free everything, and never crash. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reader.h"

static const struct reader *reader;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *fmt = getenv("P2P_FUZZ_FORMAT");
    for (int i = 1; i < *argc; i++)
        if (strncmp((*argv)[i], "--format=", 9) == 0)
            fmt = (*argv)[i] + 9;
    reader = fmt ? reader_find(fmt) : NULL;
    if (!reader) {
        fprintf(stderr, "fuzz_reader: set P2P_FUZZ_FORMAT to one of: %s\n", reader_names());
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
    enum p2p_status st = reader->read(&in, 1, NULL, &p, &d);
    if ((st == P2P_OK) != (p != NULL) || (st != P2P_OK && !d.failed))
        fuzz_fail("status and profile disagree, or an error without a message");
    profile_free(p);
    input_free(in);
    return 0;
}
