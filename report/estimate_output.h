#ifndef REP_ESTIMATE_OUTPUT_H
#define REP_ESTIMATE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "prev_error.h"

/* Writers for `prevalence estimate` rows. CSV and JSON carry every number
 * at full precision (empty / null when missing) under the column names of
 * the public contract (docs/commands/estimate.md); the table and Markdown
 * round for people (percent with one decimal). */

enum rep_format { REP_FORMAT_TABLE, REP_FORMAT_CSV, REP_FORMAT_JSON, REP_FORMAT_MD };

const char *rep_format_name(enum rep_format f);
bool rep_format_parse(const char *name, enum rep_format *out);

/* What the rows share, for the JSON envelope and the table caption. */
struct rep_estimate_meta {
    int survey_year;
    bool has_frame;
    enum an_lonely_psu lonely;
    enum an_weights weights;         /* JSON "weights": design or calibrated */
    size_t nnotes;
    char notes[AN_MAX_NOTES][200];   /* plain-words caveats (no frame, lonely PSU) */
    const struct an_sae_row *sae;    /* NULL, or one per row: the --small-area
                                      * columns (rep_sae_columns) appended */
    const char *by;                  /* NULL, or "role": rows are domains, and the
                                      * column of that name is appended */
};

/* The CSV/JSON column names in order, NULL-terminated. */
extern const char *const rep_estimate_columns[];
/* coverage_youth, coverage_officers: written after all other columns
 * (after the --small-area and --by ones), empty except in the state row. */
extern const char *const rep_estimate_coverage_columns[];

/* A note for stderr naming the counties without responses in
 * rows[0..ncounties-1] (the state at rows[ncounties]) and what that does
 * to the statewide figures. Returns how many counties are missing; buf is
 * "" when none. */
int rep_missing_counties_note(const struct an_estimate_row *rows, size_t ncounties,
                              double min_coverage, char *buf, size_t size);

/* Write rows[0..nrows-1] to out. Returns 0, or 74 (err filled) when the
 * write fails; 70 if JSON cannot be built. */
int rep_estimate_write(FILE *out, enum rep_format format, const struct rep_estimate_meta *meta,
                      const struct an_estimate_row *rows, size_t nrows,
                      struct prev_error *err);

/* The JSON document rep_estimate_write prints, for a caller that adds to it
 * before writing (the report's estimates.json adds "manifest"). NULL when
 * out of memory; the caller json_decref()s it. */
struct json_t;
struct json_t *rep_estimate_json(const struct rep_estimate_meta *meta,
                                const struct an_estimate_row *rows, size_t nrows);
/* Write a document in rep_estimate_write's layout and number form. */
void rep_estimate_json_write(FILE *out, const struct json_t *doc);
/* One row as a JSON object under rep_estimate_columns, for documents that
 * embed estimate rows (`prevalence trend`). NULL when out of memory; the
 * CALLER json_decref()s it. */
struct json_t *rep_estimate_row_json(const struct an_estimate_row *row);

#endif
