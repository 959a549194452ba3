/* The Very Sleepy reader below its ZIP layer: the parsers of the Symbols.txt and
 * Callstacks.txt members, given a way to fetch each member's text. The reader fetches them
 * from the archive; the fuzz harness (tests/fuzz/fuzz_reader.c, "sleepy-members") hands in
 * raw texts, which libzip's CRC check would otherwise keep mutations from reaching.
 * Private to src/ and the tests. */
#ifndef P2P_SRC_READ_SLEEPY_H
#define P2P_SRC_READ_SLEEPY_H

#include "diag.h"
#include "profile.h"
#include "util.h"

/* Put the whole text of the member `name` ("Symbols.txt" or "Callstacks.txt", matched as
 * the caller sees fit) into `out`, which is empty; fail with a message if there is none. */
typedef enum p2p_status (*sleepy_member_fn)(void *ctx, const char *name, struct strbuf *out,
                                            struct diag *d);

/* Read a capture from its members into a new profile (*out, owned by the caller, NULL on
 * failure). Members are fetched and parsed one at a time, Symbols.txt first, as gprof2dot
 * does, so a bad Symbols.txt is reported before a missing Callstacks.txt. */
enum p2p_status sleepy_read_members(sleepy_member_fn get, void *ctx, struct profile **out,
                                    struct diag *d) P2P_WUR;

#endif
