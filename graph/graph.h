/* The graph builder: from a profile to the picture's content. It derives ratios and
 * inclusive totals (cycles, call ratios, propagation), prunes by thresholds, paths, roots
 * and leaves, and computes every label, colour and size exactly as gprof2dot does
 * (spec/gprof2dot-behaviour.md sections 3-8 and 10). The result is a presentation graph:
 * nodes and edges with DOT attributes as strings, in output order; render/ writes it. */
#ifndef P2P_GRAPH_GRAPH_H
#define P2P_GRAPH_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "profile.h"

enum graph_theme { GRAPH_THEME_COLOR, GRAPH_THEME_PINK, GRAPH_THEME_GRAY, GRAPH_THEME_BW,
                   GRAPH_THEME_PRINT };

enum graph_total { GRAPH_TOTAL_CALLRATIOS, GRAPH_TOTAL_CALLSTACKS };

/* --node-label values. */
enum graph_label { GRAPH_LABEL_SELF_TIME, GRAPH_LABEL_SELF_PCT, GRAPH_LABEL_TOTAL_TIME,
                   GRAPH_LABEL_TOTAL_PCT };

#define GRAPH_MAX_LABELS 32

struct graph_opts {
    double node_thres; /* percent: nodes below are dropped (default 0.5) */
    double edge_thres; /* percent: edges below are dropped (default 0.1) */
    const char *const *paths; /* -p prefixes; n_paths of them */
    size_t n_paths;
    bool color_by_selftime;
    const char *root;  /* -z glob, or NULL */
    const char *leaf;  /* -l glob, or NULL */
    long depth;        /* --depth for -z/-l; < 0 unlimited */
    const char *list_functions; /* --list-functions selector, or NULL */
    enum graph_total total;
    enum graph_theme theme;
    double skew;       /* 0 = keep the theme's 1.0 */
    bool strip, wrap, show_samples;
    const char *time_format; /* printf format for times (validated by the caller) */
    enum graph_label labels[GRAPH_MAX_LABELS];
    size_t n_labels;   /* 0 = default: total-time-percentage, self-time-percentage */
    /* compare mode */
    double compare_tolerance;
    bool compare_only_slower, compare_only_faster, compare_color_by_difference;
    /* --max-nodes (not in gprof2dot): after pruning and selection keep at most this many
     * functions and what connects them (graph/limit.c); 0 = no limit (default) */
    size_t max_nodes;
};

/* gprof2dot's defaults. */
void graph_opts_init(struct graph_opts *o);

/* One DOT attribute; values are plain text (render/ quotes and escapes them). */
struct graph_attr {
    const char *name;
    char *value;
    bool raw; /* a number written bare in DOT (gprof2dot writes Python numbers unquoted) */
};

struct graph_attrs {
    struct graph_attr *a; /* sorted by name */
    size_t n;
};

struct graph_node {
    char *id;   /* DOT node id (plain text, unique) */
    struct graph_attrs attrs;
};

struct graph_edge {
    size_t tail, head; /* indices into graph.nodes */
    struct graph_attrs attrs;
};

struct graph {
    const char *tooltip;            /* graph attribute statement tooltip=" " */
    struct graph_attrs graph_attrs; /* "graph [...]" */
    struct graph_attrs node_defaults, edge_defaults;
    struct graph_node *nodes; /* output order */
    size_t n_nodes;
    struct graph_edge *edges; /* output order: each node's edges follow it */
    size_t n_edges;
    char *listing; /* --list-functions output (print and exit 0), or NULL */
    size_t cap_nodes_, cap_edges_;
};

/* Build the graph of profile p. On success *out is a new graph the caller frees with
 * graph_free. Fails with P2P_ERR_PARSE for data the derivation cannot use and for a
 * -z/-l glob that matches nothing (the message says so). Does not modify p. */
enum p2p_status graph_build(const struct profile *p, const struct graph_opts *o,
                            struct graph **out, struct diag *d) P2P_WUR;

/* graph_build for a profile that is freed afterwards: the calls' events are worked on in
 * place instead of in a copy, which for a big profile is a third of the memory. The graph
 * is the same; p is left fit only for profile_free. */
enum p2p_status graph_build_owned(struct profile *p, const struct graph_opts *o,
                                  struct graph **out, struct diag *d) P2P_WUR;

/* Compare mode: profile a drawn with the numbers of profile b beside it (spec section 10). */
enum p2p_status graph_build_compare(const struct profile *a, const struct profile *b,
                                    const struct graph_opts *o, struct graph **out,
                                    struct diag *d) P2P_WUR;

void graph_free(struct graph *g);

/* The value of attribute `name` among attrs, or NULL. */
const char *graph_attr_get(const struct graph_attrs *attrs, const char *name);

/* Set attribute `name` (a string that outlives attrs, e.g. a literal) to a copy of value,
 * replacing an earlier value; attrs stay sorted by name. raw: written bare in DOT. */
void graph_attr_set(struct graph_attrs *attrs, const char *name, const char *value, bool raw);

/* Whether fmt is a safe --time-format: text with exactly one floating-point or integer
 * conversion (flags, width, precision allowed) and any number of "%%". */
bool graph_time_format_ok(const char *fmt);

#endif
