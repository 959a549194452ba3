/* Two threads passing a fixed ring of slots (batches, buffers) round in order: a producer
 * fills slot 0, 1, ..., N-1, 0, ... and a consumer empties them in the same order, each
 * waiting only when the other is a whole ring ahead or behind. The slots themselves and
 * the slot numbers (k % N on both sides) are the caller's; this is the synchronisation.
 * Used where the second core pays: stacks added while parsing (stacks.c), a cycle's next
 * entry ranked while the last one is shared out (graph/propagate.c). */
#ifndef P2P_SRC_HANDOFF_H
#define P2P_SRC_HANDOFF_H

#include <semaphore.h>
#include <stdbool.h>

struct handoff {
    sem_t full, empty; /* slots filled and not yet taken; slots free to claim */
};

/* All `slots` start free. False when the semaphores cannot be made (then run on one
 * thread; nothing to free). */
bool handoff_init(struct handoff *h, unsigned slots);
void handoff_fini(struct handoff *h);

/* Producer: wait until the next slot is free; then: it is filled, the consumer may take it. */
void handoff_claim(struct handoff *h);
void handoff_pass(struct handoff *h);
/* Consumer: wait until the next slot is filled; then: it is emptied, the producer may
 * claim it again. */
void handoff_take(struct handoff *h);
void handoff_release(struct handoff *h);

#endif
