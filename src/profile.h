/* The in-memory profile every reader produces: functions in insertion order, each with its
 * calls in insertion order, optional events on functions, calls and the whole profile, and
 * (for gprof and VTune) the cycles the file declares. Strings live in the profile's arena.
 * The graph builder derives everything else (ratios, totals, weights) from this. */
#ifndef P2P_SRC_PROFILE_H
#define P2P_SRC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Quantities a function, a call or the profile may carry. Absent is not zero. */
enum prof_event {
    PEV_CALLS,         /* number of calls */
    PEV_SAMPLES,       /* self samples / self cost; profile: total */
    PEV_SAMPLES2,      /* samples or inclusive cost flowing through a call */
    PEV_TOTAL_SAMPLES, /* samples whose stack contains the function */
    PEV_TIME,          /* self time, seconds */
    PEV_TIME_RATIO,    /* self share */
    PEV_TOTAL_TIME,    /* inclusive time, seconds */
    PEV_TTR,           /* inclusive share */
    PEV_COUNT
};

struct prof_events {
    double v[PEV_COUNT];
    unsigned has; /* bit (1 << event) set when present */
};

static inline bool ev_has(const struct prof_events *e, enum prof_event k)
{
    return (e->has >> k) & 1u;
}

static inline double ev_get(const struct prof_events *e, enum prof_event k)
{
    return e->v[k];
}

static inline void ev_set(struct prof_events *e, enum prof_event k, double v)
{
    e->v[k] = v;
    e->has |= 1u << k;
}

/* Add to an event, creating it at 0 when absent. */
static inline void ev_add(struct prof_events *e, enum prof_event k, double v)
{
    if (!ev_has(e, k)) {
        e->v[k] = 0;
        e->has |= 1u << k;
    }
    e->v[k] += v;
}

static inline void ev_unset(struct prof_events *e, enum prof_event k)
{
    e->has &= ~(1u << k);
    e->v[k] = 0;
}

#define PROF_NO_CYCLE SIZE_MAX
/* Most functions a profile may hold (call lookup keys pack two indices in 32 bits). */
#define PROF_MAX_FUNCS ((size_t)1 << 31)

struct prof_call {
    size_t callee; /* index of the callee in profile.funcs */
    struct prof_events ev;
};

struct prof_func {
    int64_t int_id;     /* the id when the profile has integer ids */
    const char *str_id; /* the id when it has string ids */
    const char *name;   /* display name; never NULL */
    const char *module; /* optional label line above the name; NULL = unset ("" is a line) */
    const char *process;  /* optional label line above the module */
    const char *filename; /* pstats only: tooltip and -p filter */
    bool has_called;
    double called;
    struct prof_events ev;
    struct prof_call *calls; /* insertion order */
    size_t n_calls, cap_calls;
    size_t cycle; /* file-declared cycle (gprof, axe) or PROF_NO_CYCLE */
};

/* How the graph builder derives totals (gprof2dot-behaviour.md 4.8). */
enum prof_recipe {
    PROF_RECIPE_SAMPLES, /* json, callgrind, hprof, sysprof, xperf, sleepy */
    PROF_RECIPE_STACKS,  /* perf, dtrace, collapse: also honour --total=callstacks */
    PROF_RECIPE_GPROF,   /* prof: cycles from the file, times */
    PROF_RECIPE_AXE,     /* VTune gprof-cc: TTR from the file */
    PROF_RECIPE_PSTATS,  /* Python: totals from the file */
};

struct arena;
struct prof_index; /* private lookup tables */

struct profile {
    enum prof_recipe recipe;
    bool int_ids;          /* ids are integers (sorted numerically) or strings */
    struct prof_func *funcs; /* insertion order */
    size_t n_funcs, cap_funcs;
    struct prof_events ev; /* profile-level totals */
    size_t n_cycles;       /* file-declared cycles, numbered 0..n_cycles-1 */
    struct arena *arena;
    struct prof_index *index_;
};

/* A new empty profile; never NULL. Free with profile_free. */
struct profile *profile_new(enum prof_recipe recipe, bool int_ids);
void profile_free(struct profile *p);

/* Room for n functions in all, so that a reader that expects many does not grow the array
 * by copying (a hint: more functions still fit; the reader's n should come from the input's
 * size, not from a count in it). */
void profile_reserve(struct profile *p, size_t n);

/* Reading is done: free the lookup tables (function ids, calls, cycles, interned strings),
 * a third of a big profile's memory, before the graph stage needs its own. Functions,
 * calls, names and events stay; finding, creating or interning anything afterwards is a bug
 * and aborts. */
void profile_seal(struct profile *p);

/* Intern a string in the profile's arena (valid as long as the profile). */
const char *profile_intern(struct profile *p, const char *s, size_t n);
/* Copy a string into the profile's arena without interning it: for a reader that looks its
 * names up in a table of its own, where a second hash table entry per name is only cost.
 * Nothing compares names by pointer, so two equal names may be two copies. */
const char *profile_copy(struct profile *p, const char *s, size_t n);

/* Find or create the function with string id [id, id+n) (profile with string ids). A new
 * function gets name = the id, no events, no module. *created (may be NULL) tells. Returns
 * the function's index. */
size_t profile_func_str(struct profile *p, const char *id, size_t n, bool *created);
/* Same for integer ids; a new function's name is "" until the reader sets it. */
size_t profile_func_int(struct profile *p, int64_t id, bool *created);
/* Index of an existing function, or SIZE_MAX. */
size_t profile_find_str(const struct profile *p, const char *id, size_t n);
size_t profile_find_int(const struct profile *p, int64_t id);

/* Find or create the call caller -> callee (indices). The pointer is valid until the next
 * call is created for the same caller. */
struct prof_call *profile_call(struct profile *p, size_t caller, size_t callee, bool *created);
/* The existing call caller -> callee, or NULL. */
struct prof_call *profile_find_call(const struct profile *p, size_t caller, size_t callee);

/* For a reader that keeps its own check against a call given twice and knows how many calls
 * each function makes before it adds them: room for n calls of caller in all (an exact size,
 * no doubling), and caller -> callee added as a new call with no lookup (zeroed events;
 * valid until caller gets another call). A profile given calls this way has none of them in
 * its call index: profile_call on it is a bug and aborts, and profile_find_call scans the
 * caller's calls (for tests, not for a reader's every call). */
void profile_reserve_calls(struct profile *p, size_t caller, size_t n);
struct prof_call *profile_call_new(struct profile *p, size_t caller, size_t callee);

/* The cycle numbered `number` in the file (gprof's <cycle N>): its index, created on first
 * use. */
size_t profile_cycle(struct profile *p, int64_t number);

#endif
