/* Domains of `prevalence estimate`: per-county sums -> county and state
 * rows (estimate, linearized se, interval, design effect, NCHS flag). */
#include "design.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const measure_names[AN_MEASURE_N] = {
    [AN_MEASURE_CONFIRMED] = "confirmed",
    [AN_MEASURE_ANY] = "any",
    [AN_MEASURE_OFFICER_ANY] = "officer_any",
};

const char *an_measure_title(enum an_measure m)
{
    switch (m) {
    case AN_MEASURE_CONFIRMED:
        return "confirmed victims among youth on probation";
    case AN_MEASURE_ANY:
        return "confirmed or suspected victims among youth on probation";
    default:
        return "officers with at least one confirmed victim on their caseload";
    }
}

const char *an_measure_name(enum an_measure m)
{
    if ((int)m < 0 || m >= AN_MEASURE_N)
        return "?";
    return measure_names[m];
}

bool an_measure_parse(const char *name, enum an_measure *out)
{
    for (int m = 0; m < AN_MEASURE_N; m++) {
        if (strcmp(name, measure_names[m]) == 0) {
            *out = (enum an_measure)m;
            return true;
        }
    }
    return false;
}

const char *an_lonely_psu_name(enum an_lonely_psu r)
{
    switch (r) {
    case AN_LONELY_ADJUST:
        return "adjust";
    case AN_LONELY_CERTAINTY:
        return "certainty";
    case AN_LONELY_FAIL:
        return "fail";
    }
    return "?";
}

bool an_lonely_psu_parse(const char *name, enum an_lonely_psu *out)
{
    static const enum an_lonely_psu all[] = {AN_LONELY_ADJUST, AN_LONELY_CERTAINTY,
                                             AN_LONELY_FAIL};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, an_lonely_psu_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

const char *an_weights_name(enum an_weights w)
{
    return w == AN_WEIGHTS_CALIBRATED ? "calibrated" : "design";
}

bool an_weights_parse(const char *name, enum an_weights *out)
{
    if (strcmp(name, "design") == 0)
        *out = AN_WEIGHTS_DESIGN;
    else if (strcmp(name, "calibrated") == 0)
        *out = AN_WEIGHTS_CALIBRATED;
    else
        return false;
    return true;
}

enum an_deff_cap an_deff_cap_for(enum an_deff_cap cap, enum an_measure m)
{
    if (cap != AN_DEFF_CAP_BY_MEASURE)
        return cap;
    return m == AN_MEASURE_OFFICER_ANY ? AN_DEFF_CAP_BEFORE_FPC : AN_DEFF_CAP_AFTER_FPC;
}

void an_county_moments(const struct an_county_sums *c, enum an_measure m, bool has_frame,
                       struct an_stratum_moments *out)
{
    out->n = c->respondents;
    out->pop = has_frame ? c->officers_total : 0;
    /* Equal weights without a frame: the ratio is then the unweighted
     * pooled ratio and only its standard error loses the fpc. */
    out->weight = (has_frame && c->respondents > 0)
                      ? (double)c->officers_total / (double)c->respondents
                      : 1.0;
    switch (m) {
    case AN_MEASURE_CONFIRMED:
        out->sy = c->confirmed;
        out->syy = c->confirmed_sq;
        out->sxy = c->confirmed_caseload;
        out->sx = c->caseload;
        out->sxx = c->caseload_sq;
        break;
    case AN_MEASURE_ANY:
        out->sy = c->any;
        out->syy = c->any_sq;
        out->sxy = c->any_caseload;
        out->sx = c->caseload;
        out->sxx = c->caseload_sq;
        break;
    default:
        /* A respondent-level proportion is the ratio with x = 1; y is 0/1 so
         * y^2 = xy = y. */
        out->sy = c->officers_confirmed;
        out->syy = c->officers_confirmed;
        out->sxy = c->officers_confirmed;
        out->sx = c->respondents;
        out->sxx = c->respondents;
        break;
    }
}

static void empty_numbers(struct an_estimate_row *row)
{
    row->has_estimate = false;
    row->estimate = row->se = row->ci_low = row->ci_high = NAN;
    row->df = row->deff = row->n_eff = NAN;
    row->has_total = false;
    row->total_estimate = row->total_ci_low = row->total_ci_high = NAN;
}

/* The fixed part of a row: names and counts. */
static void row_header(struct an_estimate_row *row, const struct an_estimate_options *opt,
                       const char *name, const char *fips)
{
    memset(row, 0, sizeof *row);
    row->survey_year = opt->survey_year;
    snprintf(row->county, sizeof row->county, "%s", name);
    snprintf(row->fips, sizeof row->fips, "%s", fips);
    row->measure = opt->measure;
    row->method = opt->method;
    row->level = opt->level;
    row->officers_total = -1;
    row->youth_total = -1;
    row->youth_covered = row->officers_covered = -1;
    row->coverage_youth = row->coverage_officers = NAN;
    empty_numbers(row);
}

/* The NCHS standard (Parker et al. 2017) defines its rules on the 95%
 * Korn-Graubard interval. The flag must not depend on the interval the
 * user asked to see (--method, --level): a county suppressed under the
 * default would otherwise be "present" with --method wald or --level 0.90.
 * So the flag's interval is computed here, always at 95% by Korn-Graubard,
 * whatever the row displays. */
#define AN_NCHS_LEVEL 0.95

static void flag_row(struct an_estimate_row *row, enum an_deff_cap cap, double fpc)
{
    struct an_nchs_input in = {
        .has_estimate = row->has_estimate,
        .p = row->estimate,
        .low = NAN,
        .high = NAN,
        .n = (double)row->youth_n,
        .n_eff = row->n_eff,
        .df = row->df,
    };
    struct an_nchs_result res;
    struct an_design_interval kg;

    if (row->has_estimate) {
        struct an_design_input din = {
            .p = row->estimate,
            .se = row->se,
            .n = (double)row->youth_n,
            .df = row->df,
            .level = AN_NCHS_LEVEL,
            .deff_cap = cap,
            .fpc = fpc,
        };
        /* Fails only for 0 < p < 1 with se > 0 and df < 1, where no t
         * quantile exists: the interval stays NaN and the rules suppress. */
        if (an_ci_design(AN_DESIGN_KORN_GRAUBARD, &din, &kg) == 0 && kg.defined) {
            in.low = kg.low;
            in.high = kg.high;
        }
    }
    an_nchs_evaluate(&in, &res);
    row->flag = res.flag;
    snprintf(row->reasons, sizeof row->reasons, "%s", res.reasons);
}

/* The calibrated ratio of a domain across counties (an_linearize_calibrated):
 * the design's moments m[] with the domain's sums, the whole counties c[]
 * for their caseloads and the frame's youth_total. */
static int linearize_calibrated(const struct an_stratum_moments *m, size_t k,
                                const struct an_county_sums *c,
                                const struct an_estimate_options *opt,
                                struct an_ratio_estimate *est, struct prev_error *err)
{
    struct an_stratum_moments whole[64];
    double total[64];
    int rc;

    if (k > sizeof whole / sizeof whole[0])
        return prev_fail(err, PREV_EX_SOFTWARE, "", "too many counties (%zu)", k);
    for (size_t i = 0; i < k; i++) {
        an_county_moments(&c[i], opt->measure, opt->has_frame, &whole[i]);
        total[i] = (double)c[i].youth_total;
        if (m[i].n > 0 && whole[i].sx > 0 && c[i].youth_total <= 0)
            return prev_fail(err, PREV_EX_DATA, "",
                             "survey year %d, %s: the frame counts no youth on probation "
                             "but the county's respondents report youth on their caseloads, "
                             "so no weights can be calibrated to it; correct youth_total "
                             "in the frame or use --weights design",
                             opt->survey_year, c[i].name);
    }
    rc = an_linearize_calibrated(m, whole, total, k, opt->lonely, est);
    if (rc == AN_LINEARIZE_INVALID)
        return prev_fail(err, PREV_EX_DATA, "",
                         "survey year %d: the response sums are impossible for calibrated "
                         "weights; check the responses table", opt->survey_year);
    return rc;
}

/* Estimate one domain (the strata m[0..k-1]) into row, whose header and
 * counts are set; `across` marks the state's row, the one domain that
 * calibrated weights change (a county's ratio is the same under both).
 * Returns 0, or an error code with err filled. */
static int estimate_domain(struct an_estimate_row *row, const struct an_stratum_moments *m,
                           size_t k, const struct an_county_sums *c /* aligned with m */,
                           bool across, const struct an_estimate_options *opt,
                           struct prev_error *err)
{
    struct an_ratio_estimate est;
    struct an_design_input in;
    struct an_design_interval ci;
    double total_base, fpc = 1.0;
    enum an_deff_cap cap = an_deff_cap_for(opt->deff_cap, opt->measure);
    int rc;

    if (row->respondents == 0) {
        flag_row(row, cap, 1.0);
        return 0;
    }
    if (across && opt->weights == AN_WEIGHTS_CALIBRATED) {
        rc = linearize_calibrated(m, k, c, opt, &est, err);
        if (rc != AN_LINEARIZE_OK && rc != AN_LINEARIZE_LONELY)
            return rc;
    } else {
        rc = an_linearize_moments(m, k, opt->lonely, &est);
    }
    if (rc == AN_LINEARIZE_LONELY)
        return prev_fail(err, PREV_EX_DATA, "",
                         "survey year %d, %s: one respondent out of %ld officers is a "
                         "lonely PSU with no variance estimate (--lonely-psu fail); "
                         "use --lonely-psu adjust or certainty",
                         opt->survey_year, c[est.first_lonely].name,
                         c[est.first_lonely].officers_total);
    if (rc != AN_LINEARIZE_OK)
        return prev_fail(err, PREV_EX_DATA, "",
                         "survey year %d, %s: the response sums are impossible "
                         "(negative variance); check the responses table",
                         opt->survey_year, row->county);
    if (!est.defined) {
        /* Respondents, but no youth on any caseload: nothing to divide. */
        flag_row(row, cap, 1.0);
        snprintf(row->reasons, sizeof row->reasons, "no youth on caseloads");
        return 0;
    }
    row->has_estimate = true;
    row->estimate = fmin(1.0, fmax(0.0, est.ratio));
    row->se = sqrt(est.variance);
    /* PSUs of the domain (not of its strata, for a subpopulation) minus
     * the strata it has PSUs in: R's degf() of the subset design. */
    row->df = (double)(row->respondents - est.strata);
    if (row->estimate > 0 && row->estimate < 1)
        row->deff = row->se * row->se
                    / (row->estimate * (1 - row->estimate) / (double)row->youth_n);

    if (est.variance_wr > 0)
        fpc = est.variance / est.variance_wr;
    in = (struct an_design_input){
        .p = row->estimate,
        .se = row->se,
        .n = (double)row->youth_n,
        .df = row->df,
        .level = opt->level,
        .deff_cap = cap,
        .fpc = fpc,
    };
    memset(&ci, 0, sizeof ci);
    ci.n_eff = NAN;
    if (an_ci_design(opt->method, &in, &ci) != 0 || !ci.defined) {
        /* The method has no interval here: logit at p = 0 or 1, wilson
         * (which needs t(df)) with one respondent. The NCHS flag no longer
         * suppresses such rows for the method's sake, so they would be shown
         * without limits; show korn-graubard's instead (Clopper-Pearson with
         * n at these edges). n_eff does not depend on the method. */
        struct an_design_interval kg;
        if (an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &kg) == 0)
            ci = kg;
        else
            ci.defined = false;
    }
    if (ci.defined || isfinite(ci.n_eff))
        row->n_eff = ci.n_eff;
    if (ci.defined) {
        row->ci_low = ci.low;
        row->ci_high = ci.high;
    }
    if (est.census > 0 && est.census == est.strata) {
        /* Every officer of the domain answered: the finite-population
         * proportion is known, so every method's interval is [p, p], the
         * same rule that makes a change between two censuses exact. The
         * NCHS flag still judges p as a proportion of n (flag_row). */
        row->ci_low = row->ci_high = row->estimate;
    }
    if (opt->has_frame && row->domain[0] == '\0') {
        /* For the state the base is the frame of the responding counties
         * only (youth_covered): with all counties responding, the frame. */
        long officers = row->officers_covered >= 0 ? row->officers_covered
                                                   : row->officers_total;
        long youth = row->youth_covered >= 0 ? row->youth_covered : row->youth_total;
        total_base = opt->measure == AN_MEASURE_OFFICER_ANY ? (double)officers
                                                            : (double)youth;
        row->has_total = true;
        row->total_estimate = total_base * row->estimate;
        row->total_ci_low = total_base * row->ci_low;
        row->total_ci_high = total_base * row->ci_high;
    }
    flag_row(row, cap, fpc);
    return 0;
}

/* What --weights calibrated needs: a youth measure and a frame. */
static int check_weights(const struct an_estimate_options *opt, struct prev_error *err)
{
    if (opt->weights != AN_WEIGHTS_CALIBRATED)
        return 0;
    if (opt->measure == AN_MEASURE_OFFICER_ANY)
        return prev_fail(err, PREV_EX_USAGE, "",
                         "--weights calibrated applies to the youth measures (confirmed, "
                         "any): officer_any is a share of officers, whose design weights "
                         "already add up to each county's officers_total, and calibrating "
                         "them to youth would miscount officers; use --weights design");
    if (!opt->has_frame)
        return prev_fail(err, PREV_EX_DATA, "",
                         "survey year %d has no frame: calibrated weights need each "
                         "county's youth_total; load the frame or use --weights design",
                         opt->survey_year);
    return 0;
}

/* Unweighted counts of the domain for measure m. */
static void add_counts(struct an_estimate_row *row, const struct an_stratum_moments *m,
                       enum an_measure measure)
{
    row->respondents += m->n;
    row->youth_n += measure == AN_MEASURE_OFFICER_ANY ? m->n : m->sx;
    row->cases += m->sy;
}

int an_estimate_rows(const struct an_county_sums *c, size_t ncounties,
                     const struct an_estimate_options *opt, struct an_estimate_row *rows,
                     struct prev_error *err)
{
    struct an_stratum_moments m[64];
    struct an_estimate_row *state = &rows[ncounties];
    long state_officers = 0, state_youth = 0, covered_officers = 0, covered_youth = 0;
    int rc;

    if (ncounties > sizeof m / sizeof m[0])
        return prev_fail(err, PREV_EX_SOFTWARE, "", "too many counties (%zu)", ncounties);
    if ((rc = check_weights(opt, err)) != 0)
        return rc;
    for (size_t i = 0; i < ncounties; i++) {
        if (c[i].respondents < 0)
            return prev_fail(err, PREV_EX_SOFTWARE, "", "%s: negative respondent count",
                             c[i].name);
        if (opt->has_frame && c[i].respondents > 0 && !c[i].has_frame)
            return prev_fail(err, PREV_EX_DATA, "",
                             "survey year %d: the frame has no row for %s, which has %lld "
                             "respondents; load a complete frame for the year",
                             opt->survey_year, c[i].name, (long long)c[i].respondents);
        if (opt->has_frame && c[i].has_frame && c[i].respondents > c[i].officers_total)
            return prev_fail(err, PREV_EX_DATA, "",
                             "survey year %d, %s: %lld respondents but the frame counts "
                             "only %ld officers; correct the frame or the responses",
                             opt->survey_year, c[i].name, (long long)c[i].respondents,
                             c[i].officers_total);
        an_county_moments(&c[i], opt->measure, opt->has_frame, &m[i]);
        if (opt->has_frame && c[i].has_frame) {
            state_officers += c[i].officers_total;
            state_youth += c[i].youth_total;
            if (c[i].respondents > 0) {
                covered_officers += c[i].officers_total;
                covered_youth += c[i].youth_total;
            }
        }
    }

    for (size_t i = 0; i < ncounties; i++) {
        row_header(&rows[i], opt, c[i].name, c[i].fips);
        if (opt->has_frame && c[i].has_frame) {
            rows[i].officers_total = c[i].officers_total;
            rows[i].youth_total = c[i].youth_total;
        }
        add_counts(&rows[i], &m[i], opt->measure);
        if ((rc = estimate_domain(&rows[i], &m[i], 1, &c[i], false, opt, err)) != 0)
            return rc;
    }

    row_header(state, opt, AN_STATE_NAME, AN_STATE_FIPS);
    if (opt->has_frame) {
        state->officers_total = state_officers;
        state->youth_total = state_youth;
        state->officers_covered = covered_officers;
        state->youth_covered = covered_youth;
        state->coverage_youth = state_youth > 0 ? (double)covered_youth / (double)state_youth
                                                : NAN;
        state->coverage_officers = state_officers > 0
                                       ? (double)covered_officers / (double)state_officers
                                       : NAN;
    }
    for (size_t i = 0; i < ncounties; i++)
        add_counts(state, &m[i], opt->measure);
    if ((rc = estimate_domain(state, m, ncounties, c, true, opt, err)) != 0)
        return rc;
    an_apply_coverage_rule(state, opt->min_coverage);
    return 0;
}

void an_coverage_reason(double coverage_youth, char *buf, size_t size)
{
    /* Rounded down, so that a share just under the threshold never reads
     * as the threshold itself ("only 80%" for 79.6%). */
    snprintf(buf, size, "responding counties cover only %.0f%% of youth on probation",
             floor(coverage_youth * 100.0));
}

void an_apply_coverage_rule(struct an_estimate_row *state, double min_coverage)
{
    char reason[96], rest[sizeof state->reasons];

    if (!(min_coverage > 0) || isnan(state->coverage_youth)
        || state->coverage_youth >= min_coverage)
        return;
    /* The statewide estimate then describes only the responding counties'
     * youth; below the threshold it is not a statewide figure at all. */
    state->low_coverage = true;
    state->flag = AN_FLAG_SUPPRESS;
    an_coverage_reason(state->coverage_youth, reason, sizeof reason);
    memcpy(rest, state->reasons, sizeof rest);
    if (rest[0] != '\0')
        snprintf(state->reasons, sizeof state->reasons, "%s; %.200s", reason, rest);
    else
        snprintf(state->reasons, sizeof state->reasons, "%s", reason);
}

int an_estimate_domain_rows(const struct an_county_sums *whole, const struct an_county_sums *dom,
                            size_t ncounties, const struct an_estimate_options *opt,
                            const char *domain, struct an_estimate_row *rows,
                            struct prev_error *err)
{
    struct an_stratum_moments m[64], own, sm[64];
    struct an_county_sums sc[64];
    struct an_estimate_row *state = &rows[ncounties];
    size_t k = 0;
    int rc;

    if (ncounties > sizeof m / sizeof m[0])
        return prev_fail(err, PREV_EX_SOFTWARE, "", "too many counties (%zu)", ncounties);
    if ((rc = check_weights(opt, err)) != 0)
        return rc;
    /* The whole design's checks (frame, respondents against officers). */
    for (size_t i = 0; i < ncounties; i++) {
        if (dom[i].respondents < 0 || dom[i].respondents > whole[i].respondents)
            return prev_fail(err, PREV_EX_SOFTWARE, "", "%s: domain respondents %lld outside "
                             "0..%lld", whole[i].name, (long long)dom[i].respondents,
                             (long long)whole[i].respondents);
        if (opt->has_frame && whole[i].respondents > 0 && !whole[i].has_frame)
            return prev_fail(err, PREV_EX_DATA, "",
                             "survey year %d: the frame has no row for %s, which has %lld "
                             "respondents; load a complete frame for the year",
                             opt->survey_year, whole[i].name, (long long)whole[i].respondents);
        if (opt->has_frame && whole[i].has_frame
            && whole[i].respondents > whole[i].officers_total)
            return prev_fail(err, PREV_EX_DATA, "",
                             "survey year %d, %s: %lld respondents but the frame counts "
                             "only %ld officers; correct the frame or the responses",
                             opt->survey_year, whole[i].name,
                             (long long)whole[i].respondents, whole[i].officers_total);
        /* The stratum's n, pop and weight; the domain's sums (outsiders
         * add 0 to every sum, so these are the moments of y d and x d over
         * all n_h PSUs). */
        an_county_moments(&whole[i], opt->measure, opt->has_frame, &m[i]);
        an_county_moments(&dom[i], opt->measure, false, &own);
        m[i].sy = own.sy;
        m[i].sx = own.sx;
        m[i].syy = own.syy;
        m[i].sxx = own.sxx;
        m[i].sxy = own.sxy;
    }

    for (size_t i = 0; i < ncounties; i++) {
        struct an_stratum_moments counts;

        row_header(&rows[i], opt, whole[i].name, whole[i].fips);
        snprintf(rows[i].domain, sizeof rows[i].domain, "%s", domain);
        an_county_moments(&dom[i], opt->measure, false, &counts);
        add_counts(&rows[i], &counts, opt->measure);
        if ((rc = estimate_domain(&rows[i], &m[i], 1, &whole[i], false, opt, err)) != 0)
            return rc;
        if (dom[i].respondents > 0) {
            /* The state's domain: the strata where it has respondents. */
            sm[k] = m[i];
            sc[k] = whole[i];
            k++;
        }
    }

    row_header(state, opt, AN_STATE_NAME, AN_STATE_FIPS);
    snprintf(state->domain, sizeof state->domain, "%s", domain);
    for (size_t i = 0; i < ncounties; i++) {
        struct an_stratum_moments counts;
        an_county_moments(&dom[i], opt->measure, false, &counts);
        add_counts(state, &counts, opt->measure);
    }
    return estimate_domain(state, sm, k, sc, true, opt, err);
}
