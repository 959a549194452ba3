/* render.h must compile on its own: it is the first and only include here. */
#include "render.h"

size_t hdr_render(void);
size_t hdr_render(void)
{
    return sizeof(enum p2p_status);
}
