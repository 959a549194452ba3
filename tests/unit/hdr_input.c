/* input.h must compile on its own: it is the first and only include here. */
#include "input.h"

size_t hdr_input(void);
size_t hdr_input(void)
{
    return sizeof(struct line_reader);
}
