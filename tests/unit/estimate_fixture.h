#ifndef EST_FIXTURE_H
#define EST_FIXTURE_H

/* Shared by tests/unit/test_estimate.c and tests/db/test_estimate_db.c:
 * the golden data sets (tests/reference/data/estimate_*) read into
 * per-county sums, and the R goldens (tests/reference/estimate_goldens.csv)
 * to compare estimate rows with. */

#include <stdbool.h>
#include <stddef.h>

#include "design.h"

#define EST_NCOUNTIES 15

struct est_dataset {
    char name[32];
    char dir[1024];            /* folder with responses.csv and, maybe, frame.csv */
    int survey_year;
    bool has_frame;
    struct an_county_sums c[EST_NCOUNTIES];   /* fips order, as the query */
};

/* Read tests/reference/data/NAME under $PREVALENCE_SOURCE_DIR. Returns 0, or
 * -1 with a message on stderr. */
int est_load_dataset(const char *name, struct est_dataset *out);

struct est_golden {
    char dataset[32];
    enum an_lonely_psu lonely;
    enum an_measure measure;
    enum an_design_method method;
    char county[32];                               /* or "Arizona" */
    double n, estimate, se, df, ci_low, ci_high;   /* NaN when empty */
    char source[32];
    double r_deff_replace;
    double kg_before_fpc_low, kg_before_fpc_high;   /* korn-graubard under
                                                     * --deff-cap before-fpc */
};

/* Read the goldens; *out is malloc'ed, the caller frees it. */
int est_load_goldens(struct est_golden **out, size_t *n);

struct est_compare_stats {
    size_t rows;          /* golden rows compared */
    size_t values;        /* numbers compared */
    size_t from_r;        /* rows whose interval is R's own */
    size_t mismatches;
    double max_diff;      /* largest |ours - R| over every number compared */
};

/* Compare rows (counties then state, as an_estimate_rows fills them) with
 * every golden of the data set, lonely rule, measure and method; a county
 * without a golden must be the "no data" kind. Prints each mismatch. With
 * opt->deff_cap before-fpc the korn-graubard limits are compared with the
 * goldens' kg_before_fpc columns. */
void est_compare(const struct est_golden *g, size_t ng, const char *dataset,
                 const struct an_estimate_options *opt, const struct an_estimate_row *rows,
                 size_t nrows, double tol, struct est_compare_stats *st);

#endif
