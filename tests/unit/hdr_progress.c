/* progress.h must compile on its own: it is the first and only include here. */
#include "progress.h"

#include <stddef.h>

size_t hdr_progress(void);
size_t hdr_progress(void)
{
    void (*update)(uint64_t) = progress_update; /* it has no types: check a prototype */
    return sizeof(update);
}
