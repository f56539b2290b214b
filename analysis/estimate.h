#ifndef AN_ESTIMATE_H
#define AN_ESTIMATE_H

#include <stdbool.h>

#include "ci_methods.h"
#include "nchs.h"

/* One output row of `prevalence estimate`: a county or the state.
 * The CSV/JSON columns are a public contract (docs/commands/estimate.md):
 * survey_year, county, fips, measure, method, level, respondents,
 * officers_total, youth_n, cases, estimate, se, ci_low, ci_high, df, deff,
 * n_eff, total_estimate, total_ci_low, total_ci_high, flag, reasons.
 * A number without a value (no respondents, no interval, no frame) is NaN;
 * officers_total and youth_total are -1 without a frame. Filled by
 * an_estimate_rows() (design.h). */

enum an_measure {
    AN_MEASURE_CONFIRMED,     /* confirmed / caseload (youth level, ratio) */
    AN_MEASURE_ANY,           /* (confirmed + suspected) / caseload */
    AN_MEASURE_OFFICER_ANY,   /* respondents with >= 1 confirmed / respondents */
    AN_MEASURE_N
};

const char *an_measure_name(enum an_measure m);
/* What the measure counts, in words for titles ("confirmed victims among
 * youth on probation"). */
const char *an_measure_title(enum an_measure m);
bool an_measure_parse(const char *name, enum an_measure *out);

enum an_lonely_psu { AN_LONELY_ADJUST, AN_LONELY_CERTAINTY, AN_LONELY_FAIL };

#define AN_STATE_NAME "Arizona"
#define AN_STATE_FIPS "04"

struct an_estimate_row {
    int survey_year;
    char county[32];          /* county name, or "Arizona" */
    char fips[8];             /* "04013", or "04" */
    enum an_measure measure;
    enum an_design_method method;
    double level;
    long respondents;         /* PSUs in the domain */
    long officers_total;      /* from the frame; -1 when no frame */
    long youth_total;         /* from the frame; -1 when no frame */
    long youth_n;             /* sum of caseloads (respondents for officer_any) */
    long cases;               /* unweighted count of cases in the sample */
    bool has_estimate;        /* false: no respondents */
    double estimate, se, ci_low, ci_high;
    double df, deff, n_eff;
    bool has_total;           /* false without a frame (youth_total unknown) */
    double total_estimate, total_ci_low, total_ci_high;
    enum an_flag flag;
    char reasons[320];
    char domain[24];          /* "" for whole counties; with --by role, the role */
    /* The state row only (NaN elsewhere and without a frame): the share of
     * the frame's youth (officers) in counties with respondents. The
     * state's totals are taken over those counties only (youth_covered,
     * officers_covered): a number of victims is never extrapolated to a
     * county that sent nothing. */
    double coverage_youth, coverage_officers;
    long youth_covered, officers_covered;     /* -1 without a frame */
    bool low_coverage;        /* coverage_youth below the options' min_coverage */
};

/* Default of --min-coverage: the statewide estimate is suppressed when the
 * responding counties hold less than this share of the frame's youth. */
#define AN_MIN_COVERAGE_DEFAULT 0.80

/* Caveats an estimate carries in plain words (no frame, lonely PSU). */
#define AN_MAX_NOTES 20

#endif
