/* options.h must compile on its own: it is the first and only include here. */
#include "options.h"

size_t hdr_options(void);
size_t hdr_options(void)
{
    return sizeof(struct options);
}
