/* graph.h must compile on its own. */
#include "graph.h"
