/* The command line: gprof2dot's options (same names, short forms and defaults) plus GNU
 * conventions (--help, --version, -T, -q). Parsing validates every value; main.c acts. */
#ifndef P2P_SRC_OPTIONS_H
#define P2P_SRC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "graph.h"

struct options {
    struct graph_opts graph;
    const char *format;  /* -f, NULL = detect */
    const char *output;  /* -o, NULL = stdout */
    const char *type;    /* -T output format, NULL = from -o's extension, else dot */
    const char *event;   /* --event (callgrind), NULL = first */
    bool compare;
    bool quiet;
    bool timings;        /* --timings: stage times and peak memory on stderr */
    bool full_layout;    /* --full-layout: dot's default settings whatever the size */
    bool help, version;
    const char **inputs; /* positional arguments ("-" = stdin) */
    size_t n_inputs;
    const char **paths_;  /* storage behind graph.paths */
};

/* Parse argv into o (which the caller frees with options_fini). Returns P2P_ERR_USAGE with a
 * message in d on a bad command line. */
enum p2p_status options_parse(int argc, char **argv, struct options *o, struct diag *d) P2P_WUR;
void options_fini(struct options *o);

/* The --help text. */
void options_usage(FILE *f);

#endif
