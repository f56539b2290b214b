#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "xlsx_reader.h"

#define GROUP_LINES 5
#define GROUPS_MAX 64

struct col_diag_entry {
    uint64_t line;
    int field;
    bool warning;
    int group;                 /* index + 1 in d->group, 0 none */
    char column[64];
    char msg[600];
};

struct col_diag_group {
    char column[64];
    int code;
    uint64_t count;
    uint64_t lines[GROUP_LINES];
};

void col_diag_init(struct col_diag *d, FILE *out, const char *file, uint64_t cap,
                   struct col_progress *progress)
{
    memset(d, 0, sizeof *d);
    d->out = out;
    d->file = file;
    d->cap = cap;
    d->progress = progress;
}

/* Where a problem is: see diag.h. */
static void print_where(struct col_diag *d, const struct col_diag_entry *e)
{
    fputs(d->file, d->out);
    if (d->sheet == NULL || d->sheet[0] == '\0') {
        if (e->line > 0)
            fprintf(d->out, ":%llu", (unsigned long long)e->line);
        if (e->column[0] != '\0')
            fprintf(d->out, ":%s", e->column);
        return;
    }
    if (e->line == 0)
        return;
    if (e->field >= 0) {
        char letters[4];
        col_xlsx_column_letters((size_t)e->field, letters);
        fprintf(d->out, ":%s!%s%llu", d->sheet, letters, (unsigned long long)e->line);
    } else {
        fprintf(d->out, ":%s!row %llu", d->sheet, (unsigned long long)e->line);
    }
    if (e->column[0] != '\0')
        fprintf(d->out, ": column %s", e->column);
}

static void print_entry(struct col_diag *d, const struct col_diag_entry *e)
{
    if (d->progress != NULL)
        col_progress_clear(d->progress);
    print_where(d, e);
    fputs(e->warning ? ": warning: " : ": ", d->out);
    fputs(e->msg, d->out);
    if (e->group > 0 && d->group != NULL) {
        const struct col_diag_group *g = &d->group[e->group - 1];
        if (g->count > 1) {
            fprintf(d->out, " (the same in %llu rows: %s ", (unsigned long long)g->count,
                    d->sheet != NULL && d->sheet[0] != '\0' ? "rows" : "lines");
            for (uint64_t i = 0; i < g->count && i < GROUP_LINES; i++)
                fprintf(d->out, "%s%llu", i > 0 ? ", " : "", (unsigned long long)g->lines[i]);
            fputs(g->count > GROUP_LINES ? ", ...)" : ")", d->out);
        }
    }
    fputc('\n', d->out);
}

/* The field of a codebook column, for a workbook's cell position. */
static int field_of_column(const struct col_diag *d, const char *column)
{
    if (d->field_of == NULL || column == NULL)
        return -1;
    for (int c = 0; c < COL_NCOLUMNS; c++)
        if (strcmp(col_column_name((enum col_column)c), column) == 0)
            return d->field_of[c];
    return -1;
}

static void vemit(struct col_diag *d, uint64_t line, int field, const char *column, int group,
                  bool warning, const char *fmt, va_list ap)
{
    struct col_diag_entry *e, tmp;

    if (warning)
        d->warnings++;
    else
        d->errors++;
    if (group > 0 && column != NULL) {
        /* a repeat of a problem already held: count it, no new line */
        for (size_t i = 0; d->group != NULL && i < d->ngroups; i++) {
            struct col_diag_group *g = &d->group[i];
            if (g->code == group && strcmp(g->column, column) == 0) {
                if (g->count < GROUP_LINES)
                    g->lines[g->count] = line;
                g->count++;
                d->grouped++;
                return;
            }
        }
    }
    if (d->nentries + d->shown >= d->cap)
        return;
    if (d->entry == NULL)
        d->entry = calloc((size_t)d->cap, sizeof *d->entry);
    e = d->entry != NULL ? &d->entry[d->nentries] : &tmp;
    memset(e, 0, sizeof *e);
    e->line = line;
    e->warning = warning;
    snprintf(e->column, sizeof e->column, "%s", column != NULL ? column : "");
    e->field = field >= 0 ? field : field_of_column(d, column);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    if (group > 0 && column != NULL && d->entry != NULL) {
        if (d->group == NULL)
            d->group = calloc(GROUPS_MAX, sizeof *d->group);
        if (d->group != NULL && d->ngroups < GROUPS_MAX) {
            struct col_diag_group *g = &d->group[d->ngroups++];
            snprintf(g->column, sizeof g->column, "%s", column);
            g->code = group;
            g->count = 1;
            g->lines[0] = line;
            e->group = (int)d->ngroups;
        }
    }
    if (d->entry == NULL) {
        d->shown++;
        print_entry(d, e);    /* out of memory: print now rather than lose it */
        return;
    }
    d->nentries++;
}

void col_diag_emit(struct col_diag *d, uint64_t line, const char *column, bool warning,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(d, line, -1, column, 0, warning, fmt, ap);
    va_end(ap);
}

void col_diag_emit_field(struct col_diag *d, uint64_t line, int field, const char *column,
                         bool warning, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(d, line, field, column, 0, warning, fmt, ap);
    va_end(ap);
}

void col_diag_emit_grouped(struct col_diag *d, uint64_t line, const char *column, int group,
                           bool warning, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(d, line, -1, column, group, warning, fmt, ap);
    va_end(ap);
}

void col_diag_flush(struct col_diag *d)
{
    for (size_t i = 0; i < d->nentries; i++)
        print_entry(d, &d->entry[i]);
    d->shown += d->nentries;
    d->nentries = 0;
    /* later problems (the checks against loaded data) are new groups */
    d->ngroups = 0;
}

void col_diag_free(struct col_diag *d)
{
    free(d->entry);
    free(d->group);
    d->entry = NULL;
    d->group = NULL;
    d->nentries = 0;
    d->ngroups = 0;
}

void col_diag_finish(struct col_diag *d, bool have_rejects)
{
    uint64_t total = d->errors + d->warnings - d->grouped;

    col_diag_flush(d);
    col_diag_free(d);
    if (total <= d->shown)
        return;
    fprintf(d->out, "prevalence: %s: %llu more problem%s not shown%s\n", d->file,
            (unsigned long long)(total - d->shown), total - d->shown == 1 ? "" : "s",
            have_rejects ? " (the rejects file lists every one)"
                         : "; --rejects FILE.csv lists every one");
}
