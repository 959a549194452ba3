/* reader.h must compile on its own: it is the first and only include here. */
#include "reader.h"

size_t hdr_reader(void);
size_t hdr_reader(void)
{
    return sizeof(struct reader);
}
