/* The first error of a run (input name, line or byte offset, message) and the warnings.
 * Stages record into a struct diag and never print errors themselves; main.c prints the
 * error as "prof2png: FILE:LINE: message" or "prof2png: FILE: message (offset N)". */
#ifndef P2P_SRC_DIAG_H
#define P2P_SRC_DIAG_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum diag_where {
    DIAG_NOWHERE, /* message about the run or the whole file */
    DIAG_LINE,    /* text formats: 1-based line number */
    DIAG_OFFSET,  /* binary formats: byte offset */
};

struct diag {
    const char *file;  /* name of the input being read, or NULL */
    bool failed;       /* an error has been recorded */
    enum diag_where where;
    uint64_t pos;      /* line or offset, as `where` says */
    char msg[512];
    char file_copy_[512]; /* the recorded error keeps its own copy of the file name */
    bool quiet;        /* -q: warnings are counted but not printed */
    unsigned warnings; /* how many warnings were issued */
    bool warned_limit; /* warning flood notice already printed */
};

void diag_init(struct diag *d);

/* Record an error at a line of d->file (line 0: no line). Keeps only the first error.
 * Returns P2P_ERR_PARSE so that readers can `return diag_fail(...)`. */
enum p2p_status diag_fail(struct diag *d, uint64_t line, const char *fmt, ...)
    P2P_PRINTF(3, 4);
/* Same at a byte offset, for binary formats. */
enum p2p_status diag_fail_at(struct diag *d, uint64_t offset, const char *fmt, ...)
    P2P_PRINTF(3, 4);
/* Record an error with an explicit status (usage or I/O). */
enum p2p_status diag_error(struct diag *d, enum p2p_status st, const char *fmt, ...)
    P2P_PRINTF(3, 4);

/* Print "prof2png: warning: ..." to stderr at once, unless quiet. After 100 warnings the
 * rest are only counted. */
void diag_warn(struct diag *d, const char *fmt, ...) P2P_PRINTF(2, 3);

/* Format the recorded error as one line without a trailing newline. */
void diag_format(const struct diag *d, char *buf, unsigned long size);

#endif
