#ifndef TREND_FIXTURE_H
#define TREND_FIXTURE_H

/* Shared by tests/unit/test_trend.c and tests/db/test_trend_db.c: the R
 * survey goldens of `prevalence trend` (tests/reference/trend_goldens.csv,
 * made by tests/reference/make_trend_goldens.R). */

#include <stdbool.h>
#include <stddef.h>

#include "trend.h"

/* Columns of the golden file, in order. */
enum { TG_KIND, TG_DATASET, TG_MEASURE, TG_COUNTY, TG_FIPS, TG_FROM, TG_TO, TG_EST, TG_SE,
       TG_DF, TG_CENSUS, TG_CI_LOW, TG_CI_HIGH, TG_RATIO, TG_RATIO_LOW, TG_RATIO_HIGH, TG_P,
       TG_P_HOLM, TG_R_DF, TG_R_CI_LOW, TG_R_CI_HIGH, TG_R_P, TG_SOURCE, TG_NCOLS };

struct trend_golden {
    char kind[8];          /* year, change, slope */
    char dataset[16];      /* three-years, gap, sample-data */
    char measure[16];
    char county[16];       /* or "Arizona" */
    char fips[8];
    int from, to;
    double v[TG_NCOLS];    /* numeric columns by index; NaN for an empty cell */
    char source[24];       /* survey, rule:satterthwaite, rule:satterthwaite-t */
};

struct trend_goldens {
    struct trend_golden *rows;
    size_t n;
};

/* Read the goldens from $PREVALENCE_SOURCE_DIR. Returns 0, or -1 with a
 * message on stderr. The caller frees with trend_goldens_free(). */
int trend_goldens_load(struct trend_goldens *g);
void trend_goldens_free(struct trend_goldens *g);

/* The point of series `of` (same data set, measure and county) in `year`
 * from the golden year rows; a year without a row is "no data". Flags are
 * present: R has no NCHS rules. */
struct an_trend_point trend_golden_point(const struct trend_goldens *g,
                                         const struct trend_golden *of, int year);

bool trend_golden_same_series(const struct trend_golden *a, const struct trend_golden *b);

#endif
