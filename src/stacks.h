/* Adding sampled call stacks to a profile: the part the perf, dtrace and collapse readers
 * share. A stack with count N gives its leaf N self samples, each adjacent caller/callee pair
 * N on the call's SAMPLES2, and each distinct function of the stack N on TOTAL_SAMPLES (once
 * per stack, however often it recurs there). Private to src/. */
#ifndef P2P_SRC_STACKS_H
#define P2P_SRC_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "input.h"
#include "profile.h"
#include "util.h"

/* Which end of a stack the reader sees first. */
enum stacks_order {
    STACKS_LEAF_FIRST, /* perf, dtrace: the sampled function, then its callers */
    STACKS_ROOT_FIRST, /* collapse: the outermost caller first, the leaf last */
};

struct stacks {
    struct profile *p;
    enum stacks_order order;
    double count;    /* of the stack being added */
    size_t n_frames; /* frames added to it so far */
    size_t prev;     /* its previous frame (function index) */
    uint64_t gen;    /* stamp of the stack being added; 0 is never a stack's */
    uint64_t *stamp; /* per function: stamp of the last stack that counted its TOTAL_SAMPLES */
    size_t cap_stamp;
    struct strbuf scratch; /* for the reader: building function ids */
};

/* Reads one input into s->p (d->file is already set). */
typedef enum p2p_status (*stacks_read_fn)(struct stacks *s, const struct input *in, struct diag *d);

/* The reader's whole read(): a new profile (recipe PROF_RECIPE_STACKS, string ids) into which
 * every input is read in turn by fn, so that several inputs add up. On failure *out = NULL and
 * the status of the failing fn. */
enum p2p_status stacks_read(struct input *const *in, size_t n_in, enum stacks_order order,
                            stacks_read_fn fn, struct profile **out, struct diag *d);

/* Prepare to add stacks to p (which must have string ids); sets the profile's SAMPLES to 0
 * when it has none yet. s borrows p; release s with stacks_fini. */
void stacks_init(struct stacks *s, struct profile *p, enum stacks_order order);
void stacks_fini(struct stacks *s);

/* The perf, dtrace and collapse readers take only ASCII whitespace (pytext_ascii_space,
 * span_strip_ascii) where gprof2dot's `\s` and strip() also take the Unicode spaces: a line
 * with U+00A0 or U+2003 in its layout reads differently from gprof2dot there. */

/* Next line of a sniffed head [buf, buf+n) from *pos (\n, \r\n or \r ends it). False at the
 * end. *complete is false for a last line cut off without a terminator. */
bool stacks_sniff_line(const unsigned char *buf, size_t n, size_t *pos, const char **line,
                       size_t *len, bool *complete);

/* Length of symbol [s, s+n) without a trailing "+0xOFFSET" (hex digits, at least one). */
size_t stacks_strip_offset(const char *s, size_t n);

/* "dir/lib.so" -> "lib.so": the text after the last '/', as os.path.basename. */
const char *stacks_basename(const char *s, size_t n, size_t *out_n);

/* The function with id [id, id+id_n), created on first use with the given name, module (NULL
 * for none; "" is an empty module line) and SAMPLES = TOTAL_SAMPLES = 0. An existing
 * function keeps its name and module. Returns its index. */
size_t stacks_func(struct stacks *s, const char *id, size_t id_n, const char *name, size_t name_n,
                   const char *module, size_t module_n);

/* Where the perf and collapse readers send the stacks they parse. For an input of at least
 * stacks_thread_min bytes a second thread adds them to the profile while the reader parses
 * the next lines; otherwise (or when no thread can be made) each is added at once. Either
 * way the operations are applied in the order they were made, so the profile is the same.
 * A stack is stacks_sink_begin, its frames in the reader's order, stacks_sink_end. */
struct stacks_sink;
/* Tests lower it to run small inputs on a thread, or raise it to run big ones inline. */
extern size_t stacks_thread_min;
struct stacks_sink *stacks_sink_open(struct stacks *s, size_t input_len);
void stacks_sink_begin(struct stacks_sink *k, double count);
/* A frame whose function id is A + ":" + B (A alone if B is NULL), with its name and module
 * (module_at SIZE_MAX for none) at the given places within that id; as stacks_func. */
void stacks_sink_frame(struct stacks_sink *k, const char *a, size_t a_n, const char *b,
                       size_t b_n, size_t name_at, size_t name_n, size_t module_at,
                       size_t module_n);
/* Frame i of the stack before, again (same function; its call is looked up first where it
 * was found then). */
void stacks_sink_same(struct stacks_sink *k, size_t i);
void stacks_sink_end(struct stacks_sink *k);
/* Waits until every operation is applied; frees k. */
void stacks_sink_close(struct stacks_sink *k);

/* Add one stack: stacks_begin, then each frame (a function index from stacks_func) in the
 * reader's order, then stacks_end. A stack without frames changes nothing. */
void stacks_begin(struct stacks *s, double count);
void stacks_frame(struct stacks *s, size_t func);
/* stacks_frame for readers that remember the stacks before: hint is where the call from the
 * frame before was found last time (checked, so any value is safe; SIZE_MAX for none).
 * Returns where it is now, for the next hint (SIZE_MAX for the first frame). */
size_t stacks_frame_hint(struct stacks *s, size_t func, size_t hint);
void stacks_end(struct stacks *s);

#endif
