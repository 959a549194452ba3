/* profile.h must compile on its own: it is the first and only include here. */
#include "profile.h"

size_t hdr_profile(void);
size_t hdr_profile(void)
{
    return sizeof(struct profile);
}
