#ifndef REP_EXPORT_H
#define REP_EXPORT_H

#include <stddef.h>

#include "outdir.h"
#include "report_model.h"

/* The partner reproduction bundle (`prevalence export`): the officer-level
 * responses and the frame in codebook columns, reproduce.R (R's survey
 * package), expected.csv (this tool's estimates), README.md and
 * MANIFEST.sha256. Pure: builds the files in memory (outdir.h). */

struct rep_export_response {
    int survey_year;
    char fips[8];                 /* for ordering only; not exported */
    char county[32];
    char respondent_id[72];       /* the stored code; replaced in the bundle */
    char role[24];
    long caseload, confirmed, suspected;
};

struct rep_export_frame {
    int survey_year;
    char county[32];
    long officers_total, youth_total;
};

struct rep_export_input {
    const struct rep_report_input *est;   /* parameters, rows, batches, versions */
    const struct rep_export_response *responses;
    size_t nresponses;
    const struct rep_export_frame *frames;
    size_t nframes;
};

/* The R script's fixed part (analysis/data/reproduce.R, embedded at build). */
extern const char rep_reproduce_r[];

/* Build every file of the bundle into set (empty on entry). The responses
 * must be sorted by fips and stored respondent code; respondent codes in
 * the bundle are R0001, R0002, ... in that order. Returns 0, or 70 with
 * err filled. */
int rep_export_build(const struct rep_export_input *in, struct rep_outfiles *set,
                    struct prev_error *err);

#endif
