/* Helpers shared by the cmocka unit tests: fixture paths, reading fixtures and buffers with
 * a named reader, expecting a read to succeed or to fail in a given way, looking functions
 * and calls up by name or id, and checking events. Include after cmocka.h. Every helper
 * that "fails the test" prints what it got and what it wanted first. */
#ifndef P2P_TESTS_TESTUTIL_H
#define P2P_TESTS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

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
enum p2p_status test_read_buf_opts(const char *fmt, const char *name, const void *data, size_t len,
                                   const struct reader_opts *opts, struct profile **out,
                                   struct diag *d);
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
const struct prof_call *test_call(const struct profile *p, const char *caller, const char *callee);
/* Same, NULL if missing. */
const struct prof_call *test_call_maybe(const struct profile *p, const char *caller,
                                        const char *callee);

/* Read a whole file into a heap buffer (NUL-terminated); fails the test on error. */
char *test_slurp(const char *path, size_t *len);

/* ---- readers */

/* The reader named `fmt`; fails the test if there is none. */
const struct reader *test_reader(const char *fmt);

/* The sniff score of reader `fmt` for data[0..len), of a NUL-terminated string, and of the
 * first READER_SNIFF_BYTES of the fixture file `rel` (as the CLI sniffs). */
int test_sniff_buf(const char *fmt, const void *data, size_t len);
int test_sniff_str(const char *fmt, const char *s);
int test_sniff_file(const char *fmt, const char *rel);

/* Read a memory buffer named `name` that must succeed; fails the test with the diag message
 * otherwise. warnings NULL: the read must give no warning; else *warnings gets the count.
 * Caller frees the profile. */
struct profile *test_read_buf_ok(const char *fmt, const char *name, const void *data, size_t len,
                                 const struct reader_opts *opts, unsigned *warnings);
/* The same for a NUL-terminated text named "test", without reader options. */
struct profile *test_read_ok(const char *fmt, const char *text, unsigned *warnings);

/* Any position: test_buf_fails does not check d.pos. */
#define TEST_ANY_POS UINT64_MAX

/* Reading the buffer named `name` must fail with P2P_ERR_PARSE, leave no profile, record
 * the error against `name` at `where` and `pos` (TEST_ANY_POS: not checked), with `needle`
 * in the message (NULL: any message). Fails the test otherwise. */
void test_buf_fails(const char *fmt, const char *name, const void *data, size_t len,
                    enum diag_where where, uint64_t pos, const char *needle);
/* The same for a NUL-terminated text named "test" that must fail at `line` (0: at no line,
 * DIAG_NOWHERE; else DIAG_LINE). */
void test_read_fails(const char *fmt, const char *text, uint64_t line, const char *needle);

/* Read n NUL-terminated texts, named names[i], as one run of reader `fmt` (as the CLI reads
 * several files). Returns the status; *out as for test_read_buf; d holds the error. */
enum p2p_status test_read_strs(const char *fmt, const char *const *names, const char *const *texts,
                               size_t n, struct profile **out, struct diag *d);
/* The same for n (at most 8) fixture files, relative to the source tree; fails the test if
 * one cannot be opened. */
enum p2p_status test_read_files(const char *fmt, const char *const *rel, size_t n,
                                struct profile **out, struct diag *d);

/* Read every prefix of the fixture `rel` whose length is a multiple of `step`: each gives a
 * profile or a parse error, never a crash (the profiles are freed). */
void test_read_cuts(const char *fmt, const char *rel, size_t step);

/* ---- looking things up (all fail the test when the thing is missing) */

/* The (first) function whose display name is `name`. */
const struct prof_func *test_fn(const struct profile *p, const char *name);
/* The function with string id `id`, or with integer id `id`. */
const struct prof_func *test_fn_id(const struct profile *p, const char *id);
const struct prof_func *test_fn_int(const struct profile *p, int64_t id);
/* The call between two functions given by string ids, or by integer ids. */
const struct prof_call *test_call_id(const struct profile *p, const char *caller,
                                     const char *callee);
const struct prof_call *test_call_int(const struct profile *p, int64_t caller, int64_t callee);
/* How many calls the profile holds, over all functions. */
size_t test_total_calls(const struct profile *p);
/* a and b hold the same functions (ids, names, modules, events) in the same order, with the
 * same calls (callees, events) in the same order, and the same totals: bit for bit. */
void test_expect_same_profile(const struct profile *a, const struct profile *b);
/* Reading [data, data + len) (or the file rel when data is NULL) with the stacks added on a
 * second thread gives the same profile as adding them inline (see stacks_thread_min). */
void test_expect_threaded_same(const char *fmt, const char *rel, const void *data, size_t len);

/* ---- events */

/* Event k is present in e and exactly `want`. */
void test_expect_ev(const struct prof_events *e, enum prof_event k, double want);
/* Event k is present in e and within `tol` of `want`. */
void test_expect_ev_near(const struct prof_events *e, enum prof_event k, double want, double tol);

#endif
