/* The table of readers, lookup and format detection (see reader.h). */
#include "config.h"
#include "reader.h"

#include <string.h>

extern const struct reader reader_axe, reader_callgrind, reader_collapse, reader_dtrace,
    reader_hprof, reader_json, reader_perf, reader_prof, reader_pstats, reader_sleepy,
    reader_sysprof, reader_xperf;

/* Order = priority when two readers are equally sure. Binary formats first: their magic
 * bytes are unambiguous. */
const struct reader *const reader_table[] = {
    &reader_pstats, &reader_sleepy,    &reader_sysprof, &reader_json,
    &reader_callgrind, &reader_prof,   &reader_axe,     &reader_hprof,
    &reader_perf,   &reader_dtrace,    &reader_xperf,   &reader_collapse,
    NULL,
};

const struct reader *reader_find(const char *name)
{
    for (size_t i = 0; reader_table[i]; i++)
        if (strcmp(reader_table[i]->name, name) == 0)
            return reader_table[i];
    return NULL;
}

/* The extension of the input's name equals the reader's name (x.callgrind, x.perf ...). */
static bool extension_matches(const struct input *in, const struct reader *r)
{
    const char *dot = strrchr(in->name, '.');
    if (!dot || strchr(dot, '/'))
        return false;
    if (strcmp(dot + 1, r->name) == 0)
        return true;
    return strcmp(r->name, "pstats") == 0 && strcmp(dot + 1, "prof") == 0;
}

const struct reader *reader_sniff(const struct input *in)
{
    size_t n = in->len < READER_SNIFF_BYTES ? in->len : READER_SNIFF_BYTES;
    const struct reader *best = NULL;
    int best_score = 0;
    bool best_ext = false;
    for (size_t i = 0; reader_table[i]; i++) {
        const struct reader *r = reader_table[i];
        int s = r->sniff(in->data, n);
        if (s <= 0)
            continue;
        bool ext = extension_matches(in, r);
        if (s > best_score || (s == best_score && ext && !best_ext)) {
            best = r;
            best_score = s;
            best_ext = ext;
        }
    }
    return best;
}

const char *reader_names(void)
{
    static char buf[256];
    if (!buf[0]) {
        for (size_t i = 0; reader_table[i]; i++) {
            if (i)
                strcat(buf, ", ");
            strcat(buf, reader_table[i]->name);
        }
    }
    return buf;
}
