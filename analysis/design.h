#ifndef AN_DESIGN_H
#define AN_DESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "estimate.h"
#include "linearize.h"
#include "prev_error.h"

/* Domains of `prevalence estimate`: each county (one stratum) and the state
 * (all strata). Pure: turns per-county sums into output rows. The design
 * (docs/methods.md, "Design and estimator"): strata = counties, PSU =
 * respondent, weight officers_total/respondents, fpc from officers_total. */

/* What one row of the estimate's GROUP BY query gives for a county: its
 * frame and the sufficient statistics of its active responses. The PSU
 * values are x = caseload, y = confirmed or confirmed + suspected (youth
 * measures); x = 1, y = [confirmed >= 1] (officer_any). */
struct an_county_sums {
    char fips[8];
    char name[32];
    bool has_frame;               /* an active frame row for this county */
    long officers_total;          /* from the frame, else -1 */
    long youth_total;             /* from the frame, else -1 */
    int64_t respondents;          /* n_h */
    int64_t caseload, caseload_sq;
    int64_t confirmed, confirmed_sq, confirmed_caseload;
    int64_t any, any_sq, any_caseload;          /* any = confirmed + suspected */
    int64_t officers_confirmed;   /* respondents with confirmed >= 1 */
};

/* The weights of --weights (docs/methods.md, "Calibration to the frame"):
 * the design's (officers_total / respondents in each county), or those
 * weights ratio-calibrated so that each county's weighted caseload equals
 * the frame's youth_total. Calibration applies to the youth measures
 * (confirmed, any): a county's ratio is the same under both, the state's
 * is the youth_total-weighted mean of its counties' ratios. */
enum an_weights { AN_WEIGHTS_DESIGN = 0, AN_WEIGHTS_CALIBRATED };

const char *an_weights_name(enum an_weights w);
bool an_weights_parse(const char *name, enum an_weights *out);

struct an_estimate_options {
    int survey_year;
    enum an_measure measure;
    enum an_design_method method;
    double level;
    enum an_lonely_psu lonely;
    bool has_frame;    /* the year has a frame: weights and fpc from it */
    enum an_deff_cap deff_cap;   /* Korn-Graubard's cap, displayed and flag interval */
    /* The state row is flagged suppress when the responding counties hold
     * less than this share of the frame's youth (0: never). */
    double min_coverage;
    /* Design (0, the default) or calibrated; calibrated needs a frame and
     * a youth measure, else an_estimate_rows fails with 64. */
    enum an_weights weights;
};

/* The cap the rows of options opt use: opt->deff_cap, or with
 * AN_DEFF_CAP_BY_MEASURE (the default) the coverage study's choice for the
 * measure: before-fpc for officer_any (the respondent share, whose
 * intervals the after-fpc cap widened to 98-100% coverage), after-fpc for
 * the youth measures (where before-fpc fell below 94% in some size
 * classes). */
enum an_deff_cap an_deff_cap_for(enum an_deff_cap cap, enum an_measure m);

/* The stratum moments of county c for measure m, with the weight and fpc
 * of the design (has_frame false: weight 1, no fpc). */
void an_county_moments(const struct an_county_sums *c, enum an_measure m, bool has_frame,
                       struct an_stratum_moments *out);

/* Fill rows[0 .. ncounties-1] with the counties in the given order and
 * rows[ncounties] with the state (AN_STATE_NAME). Empty numbers are NaN.
 * Errors: 65 with --lonely-psu fail and a lonely PSU (naming the county),
 * 65 for sums no sample could give (respondents above officers_total),
 * 70 on an interval the methods refuse. */
int an_estimate_rows(const struct an_county_sums *c, size_t ncounties,
                     const struct an_estimate_options *opt, struct an_estimate_row *rows,
                     struct prev_error *err);

/* Rows of one domain (a subpopulation such as a role) cut across the
 * counties: rows[0 .. ncounties-1] per county, rows[ncounties] the state,
 * each row's domain set to `domain`. whole[] are the counties' sums over all
 * respondents (the design: n_h, frame, weights, fpc), dom[] the same
 * counties' sums over the domain's respondents only (aligned with whole).
 * The design is kept whole, as R's subset() and svyby() do: a respondent
 * outside the domain is a PSU of its stratum with y = x = 0, so the
 * stratum's n_h, weight and fpc stay those of the design; df is the
 * domain's PSUs minus the strata where it has any (R's degf of the subset).
 * The frame does not count officers or youth by domain: officers_total,
 * youth_total and the totals are empty. Errors as an_estimate_rows. */
int an_estimate_domain_rows(const struct an_county_sums *whole, const struct an_county_sums *dom,
                            size_t ncounties, const struct an_estimate_options *opt,
                            const char *domain, struct an_estimate_row *rows,
                            struct prev_error *err);

/* The coverage rule for the state row (docs/methods.md, "Coverage of the
 * statewide figures"): below min_coverage of the frame's youth in
 * counties with respondents, the row is flagged suppress and its reasons
 * start with an_coverage_reason(). min_coverage 0 never suppresses. */
void an_apply_coverage_rule(struct an_estimate_row *state, double min_coverage);
void an_coverage_reason(double coverage_youth, char *buf, size_t size);

const char *an_lonely_psu_name(enum an_lonely_psu r);
bool an_lonely_psu_parse(const char *name, enum an_lonely_psu *out);

#endif
