#ifndef AN_TREND_H
#define AN_TREND_H

#include <stdbool.h>
#include <stddef.h>

#include "estimate.h"
#include "nchs.h"

/* Change across annual surveys: differences and ratios between two years,
 * a weighted linear trend over three or more, and Holm's adjustment of the
 * p-values. Pure computation (GSL), no I/O. Formulas and citations:
 * docs/methods.md, "Change and trend".
 *
 * Every year is an independent sample (its own officers, drawn anew), so
 * the variance of a change is the sum of the two years' variances; its
 * degrees of freedom are Welch-Satterthwaite's from the two years'
 * variances and df (a year with variance 0 contributes none).
 *
 * Values that cannot be computed are NaN; `reasons` says why in words. */

#define AN_TREND_REASONS 400

/* One year's estimate of one series (a county or the state), as the
 * estimate command computed it. */
struct an_trend_point {
    int year;
    bool has_estimate;    /* false: no respondents that year ("no data") */
    double p;             /* the estimate, 0 <= p <= 1 */
    double se;            /* its design-based standard error, >= 0 */
    double df;            /* design degrees of freedom, >= 0 */
    enum an_flag flag;    /* NCHS flag of that year's estimate */
    bool census;          /* every officer in the domain answered: se = 0 is
                           * exact, not a variance that could not be estimated */
};

struct an_trend_change {
    int from_year, to_year;
    bool defined;                  /* both years have an estimate */
    double estimate_from, estimate_to;
    double difference;             /* estimate_to - estimate_from (proportion) */
    double se;                     /* sqrt(se_from^2 + se_to^2) */
    double df;                     /* Welch-Satterthwaite: (v_a + v_b)^2 / (v_a^2/df_a + v_b^2/df_b),
                                    * a year with v = 0 left out; NaN when both are 0 */
    double ci_low, ci_high;        /* difference -+ t(df) se; NaN when df < 1 or se = 0
                                    * (the difference itself for two censuses) */
    double ratio;                  /* estimate_to / estimate_from; NaN if either is 0 */
    double ratio_ci_low, ratio_ci_high;  /* exp(log ratio -+ t(df) se_log) */
    double p_value;                /* two-sided, t(df); NaN when se = 0 or df < 1 */
    double p_adjusted;             /* after an_trend_adjust_changes; = p_value before */
    enum an_flag flag;             /* the worse of the two years' flags */
    char reasons[AN_TREND_REASONS];
};

/* Change from `from` to `to` at confidence level (0 < level < 1).
 * Returns 0, or -1 on invalid input (p outside [0,1], se or df negative or
 * NaN, level outside (0,1), from->year >= to->year); *out untouched then. */
int an_trend_change(const struct an_trend_point *from, const struct an_trend_point *to,
                    double level, struct an_trend_change *out);

/* The changes reported for one series whose points are in year order:
 * every consecutive pair, then first to last when there are three years or
 * more (with two, first to last IS the consecutive pair). Writes at most
 * an_trend_changes_count(n) rows to out and returns how many, or -1 on
 * invalid input (points not in increasing year order, or as above). */
size_t an_trend_changes_count(size_t n);
int an_trend_series_changes(const struct an_trend_point *pts, size_t n, double level,
                            struct an_trend_change *out);

struct an_trend_slope {
    int first_year, last_year;     /* the range asked for */
    int years;                     /* years with an estimate, used in the fit */
    bool defined;
    double slope;                  /* per year (proportion per year) */
    double se;                     /* sqrt(1 / sum w (t - tbar)^2), w = 1/se^2 */
    double df;                     /* Welch-Satterthwaite df of sum c_t^2 se_t^2 */
    double ci_low, ci_high;        /* slope -+ t(df) se; NaN when df < 1 */
    double p_value;                /* two-sided, t(df) */
    double p_adjusted;
    enum an_flag flag;             /* worst flag of the years used; suppress if !defined */
    char reasons[AN_TREND_REASONS];
};

/* Weighted least squares slope of p on year with inverse-variance weights
 * (gsl_fit_wlinear) over the points that have an estimate. Undefined (flag
 * suppress, reason given) with fewer than three such years or when one of
 * them has se = 0 (no finite weight). Points must be in increasing year
 * order. Returns 0, or -1 on invalid input. */
int an_trend_slope(const struct an_trend_point *pts, size_t n, double level,
                   struct an_trend_slope *out);

enum an_trend_adjust { AN_TREND_ADJUST_NONE, AN_TREND_ADJUST_HOLM, AN_TREND_ADJUST_N };

const char *an_trend_adjust_name(enum an_trend_adjust a);   /* "none", "holm" */
bool an_trend_adjust_parse(const char *name, enum an_trend_adjust *out);

/* Holm (1979) step-down adjusted p-values of n tests. NaN entries are not
 * tests: they stay NaN and do not count in m. adjusted may be p.
 * Returns 0, or -1 when memory runs out. */
int an_trend_holm(const double *p, size_t n, double *adjusted);

/* Fill p_adjusted of every row. With AN_TREND_ADJUST_HOLM the family is
 * one comparison: all rows with the same from_year and to_year (each
 * county and the state). Returns 0, or -1 when memory runs out. */
int an_trend_adjust_changes(struct an_trend_change *rows, size_t n, enum an_trend_adjust a);

/* The same for slopes: all rows are one family. */
int an_trend_adjust_slopes(struct an_trend_slope *rows, size_t n, enum an_trend_adjust a);

/* ---- series from estimate rows (analysis/trend_series.c) ---------------- */

/* One county (or the state) across the survey years of a trend. */
struct an_trend_series {
    char county[32];
    char fips[8];
    struct an_trend_point *points;          /* nyears, in year order */
    const struct an_estimate_row **rows;    /* nyears; NULL: no row that year */
    struct an_trend_change *changes;        /* nchanges: consecutive, then first-last */
    size_t nchanges;
    struct an_trend_slope slope;
};

struct an_trend_result {
    size_t nyears;
    int *years;                             /* the survey years present, ascending */
    size_t nseries;
    struct an_trend_series *series;         /* in order of first appearance in rows */
};

/* Group estimate rows (one measure and method; any number of years, in any
 * order) into series by fips, and compute every series' changes and slope
 * at `level`, adjusting the p-values with `adjust` (families: see
 * an_trend_adjust_changes; all series' slopes). A county without a row in
 * some year, or a row without an estimate, is "no data" that year.
 * The result points into rows: keep them alive while it is used.
 * Returns 0; -1 on invalid input (rows of different measures or methods,
 * two rows of one county in one year, a row the pure functions reject) or
 * when memory runs out. On success the CALLER frees with
 * an_trend_result_free(); on failure *out holds nothing to free. */
int an_trend_build(const struct an_estimate_row *rows, size_t nrows, double level,
                   enum an_trend_adjust adjust, struct an_trend_result *out);
void an_trend_result_free(struct an_trend_result *r);

/* ---- for the report (analysis/trend_series.c) ----------------------------- */

/* The series with this fips (a county's, or AN_STATE_FIPS), or NULL. */
const struct an_trend_series *an_trend_find(const struct an_trend_result *r, const char *fips);

/* The change since the last survey: between the last two survey years of
 * the result; NULL with fewer than two years. */
const struct an_trend_change *an_trend_last_change(const struct an_trend_result *r,
                                                   const struct an_trend_series *s);

/* True when the change's interval lies wholly above or below zero (and the
 * change is defined): the only case the report marks. */
bool an_trend_change_excludes_zero(const struct an_trend_change *c);

/* The report's default chart series: the state, then the `ncounties`
 * largest counties (by youth_total of the frame in the latest year with
 * one, else youth on the respondents' caseloads) that are eligible:
 * eligible[i] for series i, or, when eligible is NULL, those with a year
 * whose estimate is not suppressed. Writes up to 1 + ncounties fips
 * pointers (into r) to out and returns how many. */
size_t an_trend_default_series(const struct an_trend_result *r, const bool *eligible,
                               size_t ncounties, const char **out);

#endif
