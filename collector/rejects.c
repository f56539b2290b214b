#include "rejects.h"

#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

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
    int rc;

    *out = NULL;
    if (rj == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, path, "out of memory");
    if ((rc = prev_atomic_open(&rj->af, path, err)) != 0) {
        free(rj);
        return rc;
    }
    rj->kind = kind;
    fputs("file,line,problems\r\n", rj->af.fp);
    *out = rj;
    return 0;
}

void col_rejects_row(struct col_rejects *rj, const char *file, uint64_t line,
                     const char *problems, const char *const values[COL_NCOLUMNS],
                     const unsigned char flags[COL_NCOLUMNS])
{
    /* The row's values are never written: any of them may be a name
     * typed into the wrong column, and redacting only what looks like an
     * identifier let "John Smith" as a role through. The line number
     * finds the row in the county's own file. */
    (void)values;
    (void)flags;
    if (rj == NULL)
        return;
    put_field(rj->af.fp, file);
    fprintf(rj->af.fp, ",%llu,", (unsigned long long)line);
    put_field(rj->af.fp, problems);
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
