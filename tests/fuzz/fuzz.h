/* Shared by the fuzz harnesses and the replay driver. */
#ifndef P2P_TESTS_FUZZ_H
#define P2P_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken invariant: report and abort, so libFuzzer keeps the input as a crasher. */
static inline void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

#endif
