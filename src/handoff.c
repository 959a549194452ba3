/* See handoff.h. Two counting semaphores make a bounded ring for one producer and one
 * consumer: the slot order needs no more, since each side moves through the ring in turn. */
#include "config.h"
#include "handoff.h"

#include <errno.h>

static void wait_on(sem_t *s)
{
    while (sem_wait(s) != 0 && errno == EINTR)
        ; /* a signal handler ran: wait again */
}

bool handoff_init(struct handoff *h, unsigned slots)
{
    if (sem_init(&h->full, 0, 0) != 0)
        return false;
    if (sem_init(&h->empty, 0, slots) != 0) {
        sem_destroy(&h->full);
        return false;
    }
    return true;
}

void handoff_fini(struct handoff *h)
{
    sem_destroy(&h->full);
    sem_destroy(&h->empty);
}

void handoff_claim(struct handoff *h)
{
    wait_on(&h->empty);
}

void handoff_pass(struct handoff *h)
{
    sem_post(&h->full);
}

void handoff_take(struct handoff *h)
{
    wait_on(&h->full);
}

void handoff_release(struct handoff *h)
{
    sem_post(&h->empty);
}
