/* Working state shared by the graph/ files only: a mutable copy of the profile's events,
 * ratios and weights per function and call, the cycles, and the helpers between stages. */
#ifndef P2P_GRAPH_GRAPH_INT_H
#define P2P_GRAPH_GRAPH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph.h"
#include "profile.h"
#include "util.h"

#define NO_CYCLE SIZE_MAX

struct wcall {
    size_t callee;
    /* The call's events: a copy in work.call_ev, or, when the graph is built from a profile
     * it may change (graph_build_owned), the profile's own. A pointer, so that a big
     * profile's calls are not held twice (40 bytes a call here instead of 120). */
    struct prof_events *ev;
    double ratio;
    double weight;
    bool has_ratio;
    bool has_weight;
    bool removed;
};

struct wfunc {
    struct prof_events ev;
    struct wcall *calls; /* same order as the profile's */
    size_t n_calls;
    size_t cycle;     /* index into work.cycles or NO_CYCLE */
    bool removed;
    bool has_weight;
    double weight;
};

struct wcycle {
    size_t *members; /* function indices, insertion order */
    size_t n_members, cap_members;
    struct prof_events ev;
};

/* The profile being derived: parallel to p->funcs. */
struct work {
    const struct profile *p;
    struct wfunc *f;
    size_t n;
    struct wcall *call_pool;       /* storage of all wfunc.calls */
    struct prof_events *call_ev;   /* copies of the calls' events, or NULL (see wcall.ev) */
    struct wcycle *cycles;
    size_t n_cycles;
    struct prof_events ev;
    struct diag *d;
};

/* build.c */
/* owned: p's call events may be changed in place (p is only freed afterwards); NULL: they
 * are copied, and p is left as it is. */
void work_init(struct work *w, const struct profile *p, struct profile *owned, struct diag *d);
void work_fini(struct work *w);
/* Derive TIME_RATIO, ratios and TTR per the profile's recipe (spec 4.8). */
enum p2p_status work_derive(struct work *w, enum graph_total total) P2P_WUR;

/* cycles.c: strongly connected components (iterative Tarjan) become cycles. */
void cycles_tarjan(struct work *w);
/* Cycles declared by the file (gprof, axe). */
void cycles_from_profile(struct work *w);

/* propagate.c */
double safe_ratio(struct work *w, double n, double d);
enum p2p_status derive_ratio(struct work *w, enum prof_event out, enum prof_event in) P2P_WUR;
void derive_call_ratios(struct work *w, enum prof_event e);
enum p2p_status derive_integrate(struct work *w, enum prof_event out, enum prof_event in) P2P_WUR;
/* A cycle's entries are ranked on a second thread when entries x (members + calls inside)
 * reach this (below it, a thread costs more than it saves); tests lower it. */
extern uint64_t propagate_thread_work;
void derive_callstacks(struct work *w);

/* prune.c */
void prune(struct work *w, const struct graph_opts *o);

/* select.c */
bool glob_match(const char *pat, const char *s);
/* Functions selected by glob (one id per distinct name, the last wins); returns count and
 * a heap array in *out (insertion order of the selected functions). */
size_t select_by_glob(const struct work *w, const char *glob, size_t **out);
void restrict_root(struct work *w, const size_t *sel, size_t n_sel, long depth);
void restrict_leaf(struct work *w, const size_t *sel, size_t n_sel, long depth);
char *list_functions(const struct work *w, const char *selector);

/* limit.c: --max-nodes, after select_stage (see the comment at the top of limit.c). */
void limit_nodes(struct work *w, size_t max_nodes);

/* colour.c */
struct theme {
    double min_hsl[3], max_hsl[3];
    double gamma;
    double minfont, maxfont, minpen, maxpen;
    const char *style;     /* node style */
    bool fontcolor_black;  /* print: font colour = colour; default "black" */
    double skew;
};
void theme_get(struct theme *t, enum graph_theme which, double skew);
/* "#rrggbb" of weight w. */
void theme_color(const struct theme *t, double w, char out[8]);
double theme_fontsize(const struct theme *t, double w);
double theme_penwidth(const struct theme *t, double w);
double theme_arrowsize(const struct theme *t, double w);

/* label.c */
/* Display name per spec 6.2: strip, truncate (with warning), wrap. Heap result. */
char *label_display_name(const char *name, bool strip, bool truncate, bool wrap, struct diag *d);
char *label_strip(const char *name);
/* s cut to 4095 characters and "…" when it has 4096 or more (Graphviz cannot parse very long
 * quoted strings), with a warning naming `what`. Heap result. */
char *label_truncate(const char *s, const char *what, struct diag *d);
/* Append s (truncated as above) and a newline to a label, if s is set. */
void label_add_line(struct strbuf *b, const char *s, const char *what, struct diag *d);
char *label_wrap(const char *name);
/* Text of event k's value v as shown in labels (pct, (pct), N×, time). */
void label_event(struct strbuf *b, enum prof_event k, double v, const char *time_format);
/* "%u" of gprof2dot: truncated toward zero, as an integer. */
void label_u(struct strbuf *b, double v);
void label_pct(struct strbuf *b, double ratio);
/* Node events for the label list of the options. */
size_t label_node_events(const struct graph_opts *o, enum prof_event *ev, size_t max);

/* present.c */
/* A map from strings (kept alive by the caller) to size_t, open addressing. */
struct name_index {
    const char **names;
    size_t *vals;
    size_t mask;
};
void ni_init(struct name_index *m, size_t n); /* room for n names */
void ni_fini(struct name_index *m);
/* The slot holding name, or the empty slot where it would go. */
size_t ni_slot(const struct name_index *m, const char *name);
size_t ni_get(const struct name_index *m, const char *name); /* SIZE_MAX if absent */
/* Gives nodes whose ids are equal distinct ids (see present.c). */
void graph_unique_ids(struct graph *g);
struct graph *graph_alloc(enum graph_theme theme, bool compare);
void attrs_add(struct graph_attrs *a, const char *name, char *value);
void attrs_sort(struct graph_attrs *a);
/* Output order: indices of the remaining functions sorted by id. */
size_t *sorted_funcs(const struct work *w, size_t *n_out);
/* Sorted indices into f->calls of the remaining calls of function i, by callee id. */
size_t *sorted_calls(const struct work *w, size_t i, size_t *n_out);
int func_id_cmp(const struct profile *p, size_t a, size_t b);
char *node_id(const struct profile *p, size_t i);
struct graph *present(const struct work *w, const struct graph_opts *o, struct diag *d);
void graph_add_node(struct graph *g, char *id);
void graph_add_edge(struct graph *g, size_t tail, size_t head);
void present_edge_label(struct strbuf *b, const struct wcall *c);
/* The seven edge attributes; takes ownership of label. */
void present_edge_attrs(struct graph_attrs *a, const struct theme *t, double weight,
                        char *label);
double present_edge_weight(const struct work *w, const struct wcall *c);

/* compare.c */
struct graph *present_compare(const struct work *a, const struct work *b,
                              const struct graph_opts *o, struct diag *d);

#endif
