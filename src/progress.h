/* A progress line on standard error for stages that take a while ("prof2png: reading
 * big.perf: 312 MB of 1.1 GB (3 s)"), rewritten in place and cleared when the stage ends.
 * Shown only when standard error is a terminal and -q was not given, and only for a stage
 * that has lasted more than a second, so short runs and redirected runs look as before.
 * Every function is cheap and safe to call when progress is disabled or no stage is open. */
#ifndef P2P_SRC_PROGRESS_H
#define P2P_SRC_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Enable progress when `enable` (main: stderr is a terminal and not -q). The delay before
 * a stage is shown is 1 s, or P2P_PROGRESS_DELAY seconds from the environment (tests set 0:
 * then a stage is shown as soon as it starts). Call once, before the first stage. */
void progress_init(bool enable);

/* Stop the progress thread and clear the line. Safe without progress_init. */
void progress_fini(void);

/* Start a stage (ending any open one). `what` is copied, e.g. "reading perf.txt" or
 * "layout of 812 nodes, 1546 edges"; total is the amount of work in bytes, 0 if unknown
 * (then only the elapsed time is shown, or the bytes done if any are reported). */
void progress_stage(const char *what, uint64_t total);

/* Set or change the total of the open stage (e.g. once the file size is known). */
void progress_total(uint64_t total);

/* Bytes done so far in the open stage: a relaxed atomic store, cheap enough for every line
 * or every read() of the input. Ignored when no stage is open. */
void progress_update(uint64_t done);

/* Add to the bytes done of the open stage (for readers that see one input of several, or
 * a piece at a time). An atomic addition: call it per megabyte, not per line. */
void progress_advance(uint64_t bytes);

/* Bytes done so far in the stage (counted whether or not progress is shown). */
uint64_t progress_done(void);

/* End the open stage and clear its line if one is shown. */
void progress_end(void);

/* Around any other write to standard error (warnings, errors, notes): progress_hold clears
 * the line and keeps it from being redrawn until progress_release. Calls do not nest. */
void progress_hold(void);
void progress_release(void);

#endif
