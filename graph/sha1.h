/* SHA-1 (FIPS 180-4), only to name nodes whose ids are too long, as gprof2dot does. */
#ifndef P2P_GRAPH_SHA1_H
#define P2P_GRAPH_SHA1_H

#include <stddef.h>

void sha1(const void *data, size_t len, unsigned char digest[20]);

#endif
