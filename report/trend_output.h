#ifndef REP_TREND_OUTPUT_H
#define REP_TREND_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "estimate_output.h"
#include "prev_error.h"
#include "analysis.h"

/* Writers for `prevalence trend`. CSV and JSON carry every number at full
 * precision as proportions (empty / null when missing) under the columns
 * of the public contract (docs/commands/trend.md); the table and Markdown
 * round for people, changes in percentage points. */

/* Which rows: year estimates (the estimate command's columns), changes
 * between years, linear trends, or all three (not for CSV, which holds one
 * kind of row). */
enum rep_trend_rows { REP_TREND_ROWS_ALL, REP_TREND_ROWS_YEARS, REP_TREND_ROWS_CHANGES,
                     REP_TREND_ROWS_SLOPES, REP_TREND_ROWS_N };

const char *rep_trend_rows_name(enum rep_trend_rows r);   /* "all", "years", ... */
bool rep_trend_rows_parse(const char *name, enum rep_trend_rows *out);

extern const char *const rep_trend_change_columns[];   /* NULL-terminated */
extern const char *const rep_trend_slope_columns[];

struct rep_trend_meta {
    enum an_measure measure;
    enum an_design_method method;
    double level;
    int from_year, to_year;          /* the range asked for */
    enum an_trend_adjust adjust;
    enum rep_trend_rows rows;
    const char *fips;                /* NULL: every series; else only this one */
    size_t nskipped;                 /* years in the range without responses */
    const int *skipped;
    size_t nnotes;
    const char (*notes)[200];
    const char *role;                /* --by role: this result's role, else NULL */
};

/* Write the result to out. Returns 0, 74 when the write fails, 70 when
 * JSON cannot be built or rows ALL is asked of CSV (err filled). */
int rep_trend_write(FILE *out, enum rep_format format, const struct rep_trend_meta *meta,
                   const struct an_trend_result *res, struct prev_error *err);

/* --by role: one result per role (metas[k].role names it), written as one
 * output: CSV with one header and a `role` column appended (the years rows
 * with the estimate command's `role` column), JSON as {"by": "role",
 * "roles": [document, ...]} each document with its "role", the table and
 * Markdown one block per role under its heading. */
int rep_trend_write_by_role(FILE *out, enum rep_format format, const struct rep_trend_meta *metas,
                            const struct an_trend_result *results, size_t n,
                            struct prev_error *err);

#endif
