#include "rejects.h"

#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "csv_reader.h"
#include "firewall.h"

struct col_rejects {
    struct prev_atomic_file af;
    enum col_kind kind;
};

/* RFC 4180 quoting when needed; spreadsheets read both forms. */
static void put_field(FILE *fp, const char *s)
{
    bool quote = s[0] == ' ' || strpbrk(s, ",\"\r\n") != NULL
                 || (s[0] != '\0' && s[strlen(s) - 1] == ' ');

    if (!quote) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

int col_rejects_open(struct col_rejects **out, const char *path, enum col_kind kind,
                     struct prev_error *err)
{
    struct col_rejects *rj = calloc(1, sizeof *rj);
    const enum col_column *cols;
    size_t n;
    int rc;

    *out = NULL;
    if (rj == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, path, "out of memory");
    if ((rc = prev_atomic_open(&rj->af, path, err)) != 0) {
        free(rj);
        return rc;
    }
    rj->kind = kind;
    fputs("file,line,problems", rj->af.fp);
    cols = col_kind_columns(kind, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(rj->af.fp, ",%s", col_column_name(cols[i]));
    fputs("\r\n", rj->af.fp);
    *out = rj;
    return 0;
}

void col_rejects_row(struct col_rejects *rj, const char *file, uint64_t line,
                     const char *problems, const char *const values[COL_NCOLUMNS],
                     const unsigned char flags[COL_NCOLUMNS])
{
    const enum col_column *cols;
    size_t n;

    if (rj == NULL)
        return;
    put_field(rj->af.fp, file);
    fprintf(rj->af.fp, ",%llu,", (unsigned long long)line);
    put_field(rj->af.fp, problems);
    cols = col_kind_columns(rj->kind, &n);
    for (size_t i = 0; i < n; i++) {
        const char *v = values != NULL ? values[cols[i]] : NULL;
        unsigned char f = flags != NULL ? flags[cols[i]] : 0;
        fputc(',', rj->af.fp);
        if (v == NULL)
            continue;
        if ((f & (COL_FIELD_NUL | COL_FIELD_BAD_UTF8)) != 0)
            fputs(COL_UNREADABLE, rj->af.fp);
        else if (col_firewall_value(v, strlen(v)) != COL_PII_NONE)
            fputs(COL_REDACTED, rj->af.fp);
        else
            put_field(rj->af.fp, v);
    }
    fputs("\r\n", rj->af.fp);
}

int col_rejects_commit(struct col_rejects *rj, struct prev_error *err)
{
    int rc = prev_atomic_commit(&rj->af, err);

    free(rj);
    return rc;
}

void col_rejects_abort(struct col_rejects *rj)
{
    if (rj == NULL)
        return;
    prev_atomic_abort(&rj->af);
    free(rj);
}
