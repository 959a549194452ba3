/* Output: the presentation graph as DOT text (written by prof2png itself, byte-compatible with
 * gprof2dot and without layout, so it pipes into `dot`), or through Graphviz's cgraph and
 * libgvc (dot layout) as PNG, SVG, PDF or any other format the installed plugins offer.
 * Nothing reaches the destination unless every step succeeded. */
#ifndef P2P_RENDER_RENDER_H
#define P2P_RENDER_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "graph.h"

/* The output format named by a file name's extension ("x.svg" -> "svg", "x.gv" -> "dot"),
 * or NULL if it has none. The result points into path or at a static string. */
const char *render_format_from_path(const char *path);

/* Whether a format's output is binary (refused on a terminal). */
bool render_format_is_binary(const char *format);

/* Whether the format is plain DOT written without layout. */
bool render_format_is_dot(const char *format);

/* Write g as DOT text to f (no error checking of f: the caller checks ferror). */
void render_dot(const struct graph *g, FILE *f);

/* Escape plain text for a quoted DOT string (without the quotes): \ " newline tab. */
void render_dot_escape(FILE *f, const char *s);

/* Render g in `format` to `path` (NULL or "-" = standard output). The output is written to a
 * temporary file first and renamed into place (or copied to stdout) only on success; on
 * failure nothing is left behind. Returns P2P_ERR_IO (and a message in d) on write, layout
 * or rendering failures, P2P_ERR_USAGE for an unknown format or binary output to a
 * terminal. */
enum p2p_status render_write(const struct graph *g, const char *format, const char *path,
                             struct diag *d) P2P_WUR;

/* Write g through libgvc in `format` to the stream f (layout with dot unless the format is
 * DOT). Exposed for tests. */
enum p2p_status render_gvc(const struct graph *g, const char *format, FILE *f, struct diag *d)
    P2P_WUR;

/* Graphs with more nodes or more edges than these take dot more than a couple of seconds
 * with its default settings (tests/bench/layout.sh measures it; figures in render.c). */
#define RENDER_FAST_LAYOUT_NODES 700
#define RENDER_FAST_LAYOUT_EDGES 900

/* Whether g is above either size, so that dot's default settings would be slow. */
bool render_layout_is_large(const struct graph *g);

/* Add cheaper dot settings to g's graph attributes, where both the DOT text (so that
 * `prof2png | dot` behaves the same) and prof2png's own layout take them. Returns them as
 * text for a note, e.g. "nslimit=2". */
const char *render_use_fast_layout(struct graph *g);

/* Release the Graphviz context that rendering keeps for the whole process. */
void render_fini(void);

#endif
