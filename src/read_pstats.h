/* The pstats reader with a choice of decoder: the streaming one that reads the shape
 * profilers write in one pass, or the marshal document that reads everything. The reader
 * (reader_pstats) streams and falls back to the document; the tests and the fuzz harness
 * compare the two. Private to src/ and the tests. */
#ifndef P2P_SRC_READ_PSTATS_H
#define P2P_SRC_READ_PSTATS_H

#include <stddef.h>

#include "diag.h"
#include "input.h"
#include "profile.h"
#include "util.h"

enum pstats_mode {
    PSTATS_AUTO,     /* stream each file, re-read it as a document if streaming gives up */
    PSTATS_STREAM,   /* stream only: a file streaming gives up on is an error */
    PSTATS_DOCUMENT, /* the marshal document only */
};

/* Read and merge n_in statistics files, as reader_pstats does, into a new profile (*out,
 * owned by the caller, NULL on failure). */
enum p2p_status pstats_read_mode(struct input *const *in, size_t n_in, enum pstats_mode mode,
                                 struct profile **out, struct diag *d) P2P_WUR;

#endif
