/* libFuzzer entry for the whole pipeline: detection, reader, graph builder and DOT writer.
 * The first two bytes choose options (theme, strip, wrap, thresholds, labels), as cmark's
 * fuzzer spends its first bytes on options. Oracle: whatever the input, the DOT written
 * must be valid UTF-8 and parse back with Graphviz's own parser into the same number of
 * nodes and edges. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>

#include "fuzz.h"
#include "graph.h"
#include "reader.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    struct graph_opts o;
    graph_opts_init(&o);
    uint8_t a = data[0], b = data[1];
    o.theme = (enum graph_theme)(a % 5);
    o.strip = a & 0x08;
    o.wrap = a & 0x10;
    o.show_samples = a & 0x20;
    o.color_by_selftime = a & 0x40;
    o.total = (a & 0x80) ? GRAPH_TOTAL_CALLSTACKS : GRAPH_TOTAL_CALLRATIOS;
    if (b & 1)
        o.node_thres = o.edge_thres = 0;
    if (b & 2) {
        o.labels[0] = GRAPH_LABEL_SELF_TIME;
        o.labels[1] = GRAPH_LABEL_TOTAL_TIME;
        o.n_labels = 2;
    }
    if (b & 4)
        o.skew = 0.5;
    data += 2;
    size -= 2;

    struct diag d;
    diag_init(&d);
    d.quiet = true;
    struct input *in = input_new_buffer("fuzz", data, size);
    const struct reader *r = reader_sniff(in);
    struct profile *p = NULL;
    struct graph *g = NULL;
    bool ok = r && r->read(&in, 1, NULL, &p, &d) == P2P_OK;
    if (ok) {
        /* As main does: the input goes, the lookup tables go, the graph works in place. */
        input_free(in);
        in = NULL;
        profile_seal(p);
    }
    if (ok && graph_build_owned(p, &o, &g, &d) == P2P_OK) {
        char *dot = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&dot, &len);
        render_dot(g, f);
        fclose(f);
        for (size_t i = 0; i < len;) {
            size_t l = utf8_seq_len((const unsigned char *)dot + i, len - i);
            if (!l)
                fuzz_fail("DOT output is not valid UTF-8");
            i += l;
        }
        Agraph_t *G = agmemread(dot);
        if (!G)
            fuzz_fail("DOT output does not parse");
        if ((size_t)agnnodes(G) != g->n_nodes || (size_t)agnedges(G) != g->n_edges)
            fuzz_fail("DOT output parses into another graph");
        agclose(G);
        free(dot);
    }
    graph_free(g);
    profile_free(p);
    input_free(in);
    return 0;
}
