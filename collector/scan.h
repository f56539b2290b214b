#ifndef COL_SCAN_H
#define COL_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "codebook.h"
#include "csv_reader.h"
#include "diag.h"
#include "idset.h"
#include "progress.h"
#include "rejects.h"
#include "validate.h"

/* One pass over a file: header, privacy firewall, row rules, duplicates
 * inside the file, and per county-year tallies for the checks against
 * loaded data. Valid rows go to a sink (the COPY stream when loading),
 * problems to the diagnostics and the rejects file as they are found. */

/* What the file says about one county in one survey year, and what the
 * database says (filled by dbcheck.c). */
struct col_cell {
    uint64_t first_line;      /* first valid row for it; 0 when none */
    uint32_t respondents;     /* valid response rows */
    uint64_t caseload;
    int officers_total;       /* frame file: its row */
    int youth_total;

    bool db_known;            /* the fields below were read */
    int64_t db_frame_batch;   /* active frame for it, 0 when none */
    int db_officers, db_youth;
    uint32_t db_respondents;  /* active responses, other than those replaced */
    uint64_t db_caseload;
    int64_t db_replaced_scope_batch;  /* --replace would drop a batch that
                                         also covers a county-year this file
                                         lacks (see dbcheck.c) */
    int db_missing_year, db_missing_county;
};

/* Valid rows: return 0 to go on, or a prev_exit code (err filled) to stop. */
typedef int (*col_row_sink)(void *ctx, const struct col_record *rec, uint64_t line,
                            struct prev_error *err);

struct col_scan {
    /* set by the caller before col_scan_run */
    enum col_kind kind;
    const char *name;                 /* file name in messages */
    const char *const *ignore;        /* --ignore-column names */
    const regex_t *id_pattern;        /* --id-pattern, or NULL */
    size_t nignore;
    struct col_diag *diag;
    struct col_rejects *rejects;      /* may be NULL */
    struct col_progress *progress;    /* may be NULL */
    uint64_t size_hint;               /* file size when known, to size tables */
    int only_county;                  /* 1 + index in col_counties: rows of any
                                         other county are errors; 0: any county */
    col_row_sink sink;                /* may be NULL */
    void *sink_ctx;

    /* results */
    struct col_header header;
    bool header_seen;
    bool header_usable;       /* rows could be checked against it */
    bool refused_privacy;     /* the firewall refused the file */
    uint64_t rows;            /* data rows read (blank rows not counted) */
    uint64_t valid_rows;      /* rows handed to the sink */
    uint64_t caseload_total, confirmed_total, suspected_total;   /* of the valid rows */
    bool year_seen[COL_NYEARS];
    struct col_cell *cells;   /* COL_NYEARS x COL_NCOUNTIES, see col_scan_cell */
    struct col_idset *ids;    /* responses: (year, respondent_id) */
    struct col_csv_stats stats;
    bool xlsx;                /* the file was an .xlsx workbook */
    bool stopped;             /* reading stopped on a problem with the whole file */
    struct prev_error *sink_err;      /* private: where the sink reports */
    struct col_header *probe;         /* private: a later row tried as the header */
    bool hdr_pending;                 /* private: the first row named no column */
    uint64_t hdr_line;
    int hdr_lookahead;
    uint64_t pf_hash;                 /* private: key hash of the current row */
    int pf_year;
    size_t pf_len;
};

/* Allocate the tables; 70 when out of memory. */
int col_scan_init(struct col_scan *sc, struct prev_error *err);
void col_scan_free(struct col_scan *sc);

struct col_cell *col_scan_cell(struct col_scan *sc, int year, int county);

/* Read fp to the end: a CSV file, or an .xlsx workbook when its first
 * bytes are a zip's (the content decides, not the name). Returns 0 when
 * the file was read (data problems are in the diagnostics' counts, not in
 * the return value), or the sink's code, or 74 on a read error, 70 when
 * out of memory. The diagnostics held are printed before it returns. */
int col_scan_run(struct col_scan *sc, FILE *fp, struct prev_error *err);

#endif
