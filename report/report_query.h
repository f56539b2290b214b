#ifndef REP_REPORT_QUERY_H
#define REP_REPORT_QUERY_H

#include <stddef.h>

#include <libpq-fe.h>

#include "analysis.h"
#include "export.h"
#include "prev_error.h"
#include "report_model.h"

/* The database edge of `prevalence report` and `prevalence export`: the
 * estimate rows of a survey year for the report's measure and for
 * officer_any, the batches behind them, and (export) the responses and
 * frame themselves, all read in one snapshot so that a load running
 * meanwhile cannot mix two states of the data. */

struct rep_report_options {
    int survey_year;
    enum an_measure measure;        /* confirmed or any */
    enum an_design_method method;
    double level;
    enum an_lonely_psu lonely;
    long min_cell;
    long protection;                /* report, publish: --protection (disclosure_audit.h) */
    double min_coverage;            /* --min-coverage: the state row's coverage rule */
    bool with_microdata;            /* export: also read responses and frame */
    bool with_trend;                /* report: also every earlier survey year */
    const char *trend_counties;     /* --trend-counties: "Arizona,Pima,..." or NULL */
};

struct rep_report_data {
    struct rep_report_input in;      /* its pointers point into this struct */
    struct an_estimate_row rows[AN_MAX_COUNTIES + 1];
    struct an_estimate_row officer_rows[AN_MAX_COUNTIES + 1];
    struct rep_batch_info *batches;
    struct rep_export_response *responses;
    size_t nresponses;
    struct rep_export_frame *frames;
    size_t nframes;
    struct an_trend_years trend_years;   /* in.trend points into these two */
    struct an_trend_result trend;
};

/* Fill *d (free it with rep_report_data_free, also after a failure).
 * tool_version, git_commit and generated_at are left for the caller.
 * With with_trend, every survey year with active responses up to this one
 * is estimated the same way for in.trend (left NULL with this year alone)
 * and --trend-counties is resolved into in.trend_fips.
 * Errors: 64 a --trend-counties name that is no county; 65 no active
 * responses for the year, or data the estimate refuses (an incomplete
 * frame, a lonely PSU with --lonely-psu fail); 69 database. */
int rep_report_load(PGconn *conn, const struct rep_report_options *opt,
                   struct rep_report_data *d, struct prev_error *err);
void rep_report_data_free(struct rep_report_data *d);

#endif
