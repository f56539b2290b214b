/* NCHS Data Presentation Standards for Proportions (Parker et al. 2017,
 * Vital Health Stat 2(175)). The reason strings are an output column
 * (`reasons` of prevalence estimate): keep the wording stable, it is
 * documented in docs/methods.md, "NCHS presentation standard". */
#include "nchs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NCHS_MIN_N_EFF 30.0
#define NCHS_MAX_ABS_WIDTH 0.30
#define NCHS_SMALL_WIDTH 0.05     /* relative-width rules apply above this */
#define NCHS_MAX_REL_WIDTH 1.30
#define NCHS_MIN_DF 8.0

const char *an_flag_name(enum an_flag f)
{
    switch (f) {
    case AN_FLAG_PRESENT:
        return "present";
    case AN_FLAG_REVIEW:
        return "review";
    case AN_FLAG_SUPPRESS:
        return "suppress";
    }
    return NULL;
}

static void reason_add(struct an_nchs_result *out, const char *text)
{
    size_t len = strlen(out->reasons);

    snprintf(out->reasons + len, sizeof out->reasons - len, "%s%s", len > 0 ? "; " : "", text);
}

void an_nchs_evaluate(const struct an_nchs_input *in, struct an_nchs_result *out)
{
    double width, n_eff;
    bool suppress = false, review = false;

    memset(out, 0, sizeof *out);
    if (!in->has_estimate) {
        out->flag = AN_FLAG_SUPPRESS;
        reason_add(out, "no data");
        return;
    }
    /* A method without an interval here (logit at p = 0) leaves nothing to
     * judge the precision by: never show such an estimate unreviewed. */
    if (!isfinite(in->low) || !isfinite(in->high) || !isfinite(in->p)) {
        suppress = true;
        reason_add(out, "no confidence interval");
    }
    width = in->high - in->low;
    /* NCHS uses the smaller of n and n_eff (a design effect below 1 counts
     * as 1). An unknown n_eff must not pass the rule by accident. */
    n_eff = isnan(in->n_eff) ? -INFINITY : fmin(in->n, in->n_eff);
    if (!(n_eff >= NCHS_MIN_N_EFF)) {
        suppress = true;
        reason_add(out, "effective sample size below 30");
    }
    if (width >= NCHS_MAX_ABS_WIDTH) {
        suppress = true;
        reason_add(out, "absolute CI width 0.30 or more");
    }
    /* Relative width w / p > 1.30. At p = 0 it is 0/0 and the standard does
     * not compute it (Parker et al. 2017; so do the NCHS SAS macro and CDC's
     * surveytable): an estimate of 0 is judged by n_eff and the absolute
     * width, and goes to statistical review below. */
    if (in->p > 0.0 && width > NCHS_SMALL_WIDTH && width / in->p > NCHS_MAX_REL_WIDTH) {
        suppress = true;
        reason_add(out, "relative CI width above 130%");
    }
    /* Review rules fire whatever the outcome above, so a reader sees every
     * concern; the flag takes the most severe. NaN df counts as too few. */
    if (!(in->df >= NCHS_MIN_DF)) {
        review = true;
        reason_add(out, "degrees of freedom below 8");
    }
    if (in->p == 0.0 || in->p == 1.0) {
        review = true;
        reason_add(out, "estimate is 0 or 100%");
    }
    /* The complement 1 - p has the same CI width; NCHS flags it when its
     * relative width is too large, which only matters for a shown estimate.
     * At p = 1 the complement is 0, whose relative width is not computed. */
    if (!suppress && in->p < 1.0 && width > NCHS_SMALL_WIDTH
        && width / (1.0 - in->p) > NCHS_MAX_REL_WIDTH)
        reason_add(out, "complement unreliable");
    out->flag = suppress ? AN_FLAG_SUPPRESS : review ? AN_FLAG_REVIEW : AN_FLAG_PRESENT;
}

void an_nchs_describe(char *suppress, size_t ssize, char *review, size_t rsize)
{
    snprintf(suppress, ssize,
             "An estimate is suppressed when its effective sample size is below %g, when "
             "its confidence interval is %.2f wide or more, or when the interval is wider "
             "than %.2f and more than %g%% of the estimate (or the interval cannot be "
             "computed).",
             NCHS_MIN_N_EFF, NCHS_MAX_ABS_WIDTH, NCHS_SMALL_WIDTH, NCHS_MAX_REL_WIDTH * 100);
    snprintf(review, rsize,
             "It is shown but flagged for statistical review when it has fewer than %g "
             "degrees of freedom, or is 0%% or 100%%.",
             NCHS_MIN_DF);
}
