/* diag.h must compile on its own: it is the first and only include here. */
#include "diag.h"

size_t hdr_diag(void);
size_t hdr_diag(void)
{
    return sizeof(struct diag);
}
