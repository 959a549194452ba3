/* The reader interface: one constant object per input format, a table of them, lookup by
 * name and detection from content. A reader turns inputs into a struct profile and never
 * prints, exits or touches graph/ or render/. */
#ifndef P2P_SRC_READER_H
#define P2P_SRC_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "input.h"
#include "profile.h"

/* Options for readers from the command line; NULL means all defaults. */
struct reader_opts {
    const char *event; /* callgrind: the event column to use; NULL = the first (gprof2dot) */
};

struct reader {
    const char *name;    /* --format value */
    const char *summary; /* one line for --help */
    /* How sure the reader is that a file starting with head[0..n) is its format: 0 (no) to
     * 100 (certain). Pure; allocates nothing. n is at most READER_SNIFF_BYTES. */
    int (*sniff)(const unsigned char *head, size_t n);
    /* Several inputs may be merged into one profile (else more than one is a usage error). */
    bool multi;
    /* Read n_in >= 1 inputs into a new profile (*out, owned by the caller, NULL on failure).
     * opts may be NULL. Sets d->file to the input being read so errors name it. */
    enum p2p_status (*read)(struct input *const *in, size_t n_in,
                            const struct reader_opts *opts, struct profile **out,
                            struct diag *d);
};

#define READER_SNIFF_BYTES 65536

/* All readers, in detection priority order, NULL-terminated. */
extern const struct reader *const reader_table[];

/* The reader named `name`, or NULL. */
const struct reader *reader_find(const char *name);

/* The reader whose sniff scores highest for this input (ties: table order, then the file
 * name's extension). NULL if no reader scores above 0. */
const struct reader *reader_sniff(const struct input *in);

/* "axe, callgrind, ..." for messages; static storage. */
const char *reader_names(void);

#endif
