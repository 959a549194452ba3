/* Helpers shared by the cmocka unit tests: fixture paths, reading fixtures and buffers with
 * a named reader, and looking functions and calls up by name. Include after cmocka.h. */
#ifndef P2P_TESTS_TESTUTIL_H
#define P2P_TESTS_TESTUTIL_H

#include <stddef.h>

#include "diag.h"
#include "input.h"
#include "profile.h"
#include "reader.h"

/* "$top_srcdir/rel" (top_srcdir from the environment, "." if unset); caller frees. */
char *test_path(const char *rel);

/* Read the fixture file `rel` (relative to the source tree) with reader `fmt`; fails the
 * test on error. Caller frees the profile. */
struct profile *test_read_file(const char *fmt, const char *rel);

/* Read a memory buffer named `name` with reader `fmt`. Returns the status; *out is the
 * profile (NULL on failure); d holds the error. */
enum p2p_status test_read_buf(const char *fmt, const char *name, const void *data, size_t len,
                              struct profile **out, struct diag *d);

/* test_read_buf and test_read_file with reader options. */
enum p2p_status test_read_buf_opts(const char *fmt, const char *name, const void *data,
                                   size_t len, const struct reader_opts *opts,
                                   struct profile **out, struct diag *d);
struct profile *test_read_file_opts(const char *fmt, const char *rel,
                                    const struct reader_opts *opts);

/* Same for a NUL-terminated string. */
enum p2p_status test_read_str(const char *fmt, const char *text, struct profile **out,
                              struct diag *d);

/* Index of the (first) function whose display name is `name`; fails the test if none. */
size_t test_func(const struct profile *p, const char *name);
/* Index of the function named `name`, or SIZE_MAX. */
size_t test_func_maybe(const struct profile *p, const char *name);
/* The call between two functions given by name; fails the test if missing. */
const struct prof_call *test_call(const struct profile *p, const char *caller,
                                  const char *callee);
/* Same, NULL if missing. */
const struct prof_call *test_call_maybe(const struct profile *p, const char *caller,
                                        const char *callee);

/* Read a whole file into a heap buffer (NUL-terminated); fails the test on error. */
char *test_slurp(const char *path, size_t *len);

#endif
