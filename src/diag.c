/* Error and warning records (see diag.h). */
#include "config.h"
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"

#define DIAG_MAX_WARNINGS 100

void diag_init(struct diag *d)
{
    memset(d, 0, sizeof(*d));
}

static void record(struct diag *d, enum diag_where where, uint64_t pos, const char *fmt,
                   va_list ap)
{
    if (d->failed)
        return;
    d->failed = true;
    if (d->file) {
        snprintf(d->file_copy_, sizeof(d->file_copy_), "%s", d->file);
        d->file = d->file_copy_;
    }
    d->where = where;
    d->pos = pos;
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    /* Messages quote input; keep them on one line. */
    for (char *p = d->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

enum p2p_status diag_fail(struct diag *d, uint64_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(d, line ? DIAG_LINE : DIAG_NOWHERE, line, fmt, ap);
    va_end(ap);
    return P2P_ERR_PARSE;
}

enum p2p_status diag_fail_at(struct diag *d, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(d, DIAG_OFFSET, offset, fmt, ap);
    va_end(ap);
    return P2P_ERR_PARSE;
}

enum p2p_status diag_error(struct diag *d, enum p2p_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(d, DIAG_NOWHERE, 0, fmt, ap);
    va_end(ap);
    return st;
}

void diag_warn(struct diag *d, const char *fmt, ...)
{
    d->warnings++;
    if (d->quiet)
        return;
    if (d->warnings > DIAG_MAX_WARNINGS) {
        if (!d->warned_limit) {
            progress_hold();
            fputs("prof2png: warning: too many warnings; the rest are not shown\n", stderr);
            progress_release();
            d->warned_limit = true;
        }
        return;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    progress_hold();
    fprintf(stderr, "prof2png: warning: %s\n", buf);
    progress_release();
}

void diag_format(const struct diag *d, char *buf, unsigned long size)
{
    const char *file = d->file;
    switch (d->where) {
    case DIAG_LINE:
        snprintf(buf, size, "%s:%llu: %s", file ? file : "-", (unsigned long long)d->pos,
                 d->msg);
        break;
    case DIAG_OFFSET:
        snprintf(buf, size, "%s: %s (offset %llu)", file ? file : "-", d->msg,
                 (unsigned long long)d->pos);
        break;
    default:
        if (file)
            snprintf(buf, size, "%s: %s", file, d->msg);
        else
            snprintf(buf, size, "%s", d->msg);
        break;
    }
}
