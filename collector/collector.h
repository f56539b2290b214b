#ifndef COL_COLLECTOR_H
#define COL_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>
#include <regex.h>

#include "codebook.h"
#include "listing.h"
#include "prev_error.h"
#include "rejects.h"
#include "xlsx_reader.h"
#include "xlsx_template.h"

/* The collector's entry point for `prevalence load` and `prevalence
 * check`: one file, checked whole, and loaded whole or not at all. */

struct col_options {
    enum col_kind kind;
    const char *const *ignore;    /* --ignore-column */
    const regex_t *id_pattern;    /* --id-pattern (whole code), or NULL */
    size_t nignore;
    bool replace;                 /* --replace */
    bool load;                    /* false: check only */
    bool progress;                /* draw a progress line (terminal, not quiet) */
    struct col_rejects *rejects;  /* --rejects, or NULL */
    FILE *diag;                   /* where problems go (stderr) */
    const char *only_fips;        /* rows of any other county are errors (a
                                     county's own account), or NULL */
    size_t file_number;           /* 1-based place among the command's files, for
                                     naming a file whose name may not be shown */
};

struct col_result {
    bool valid;                   /* no errors (warnings allowed) */
    bool already_loaded;          /* the same bytes are an active batch */
    bool db_checked;              /* the checks against loaded data ran */
    int64_t batch_id;             /* batch created, or the one already there */
    uint64_t rows;                /* valid data rows (loaded rows when loading) */
    uint64_t errors, warnings;
    size_t replaced;              /* batches retired by --replace */
    uint64_t caseload, confirmed, suspected;   /* sums over the valid rows */
    double seconds;
};

/* Process path ("-" is standard input, shown as "<stdin>"). conn NULL:
 * only the checks that need no database. Data problems are reported on
 * o->diag and in o->rejects and give res->valid = false with return 0;
 * the return value is for what stops processing: 66 cannot open, 69
 * database, 70 internal, 74 read error (err filled). */
int col_process_file(PGconn *conn, const struct col_options *o, const char *path,
                     struct col_result *res, struct prev_error *err);

#endif
