/* Placeholder: the pstats reader is not written yet. */
#include "config.h"
#include "reader.h"

static int sniff(const unsigned char *head, size_t n)
{
    (void)head;
    (void)n;
    return 0;
}

static enum p2p_status read_pstats(struct input *const *in, size_t n_in, struct profile **out,
                               struct diag *d)
{
    (void)n_in;
    *out = NULL;
    d->file = in[0]->name;
    return diag_fail(d, 0, "the pstats reader is not implemented yet");
}

const struct reader reader_pstats = {
    .name = "pstats",
    .summary = "(not implemented yet)",
    .sniff = sniff,
    .multi = false,
    .read = read_pstats,
};
