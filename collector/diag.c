#include "diag.h"

#include <stdarg.h>

void col_diag_init(struct col_diag *d, FILE *out, const char *file, uint64_t cap,
                   struct col_progress *progress)
{
    d->out = out;
    d->file = file;
    d->errors = 0;
    d->warnings = 0;
    d->shown = 0;
    d->cap = cap;
    d->progress = progress;
}

void col_diag_emit(struct col_diag *d, uint64_t line, const char *column, bool warning,
                   const char *fmt, ...)
{
    va_list ap;

    if (warning)
        d->warnings++;
    else
        d->errors++;
    if (d->shown >= d->cap)
        return;
    d->shown++;
    if (d->progress != NULL)
        col_progress_clear(d->progress);
    fputs(d->file, d->out);
    if (line > 0)
        fprintf(d->out, ":%llu", (unsigned long long)line);
    if (column != NULL && column[0] != '\0')
        fprintf(d->out, ":%s", column);
    fputs(warning ? ": warning: " : ": ", d->out);
    va_start(ap, fmt);
    vfprintf(d->out, fmt, ap);
    va_end(ap);
    fputc('\n', d->out);
}

void col_diag_finish(struct col_diag *d, bool have_rejects)
{
    uint64_t total = d->errors + d->warnings;

    if (total <= d->shown)
        return;
    fprintf(d->out, "prevalence: %s: %llu more problem%s not shown%s\n", d->file,
            (unsigned long long)(total - d->shown), total - d->shown == 1 ? "" : "s",
            have_rejects ? " (the rejects file lists every one)"
                         : "; --rejects FILE.csv lists every one");
}
