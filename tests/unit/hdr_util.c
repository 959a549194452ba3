/* util.h must compile on its own: it is the first and only include here. */
#include "util.h"

size_t hdr_util(void);
size_t hdr_util(void)
{
    return sizeof(struct strbuf);
}
