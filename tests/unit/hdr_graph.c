/* graph.h must compile on its own: it is the first and only include here. */
#include "graph.h"

size_t hdr_graph(void);
size_t hdr_graph(void)
{
    return sizeof(struct graph_opts);
}
