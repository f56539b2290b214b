/* Confidence intervals for one proportion: from counts (prevalence ci) and
 * from a design-based estimate and its standard error (prevalence estimate).
 * Formulas and citations: docs/methods.md, sections "Intervals from counts"
 * and "Design-based intervals". Pure computation; GSL's error handler must
 * be off (main() does it), every GSL result is checked instead. */
#include "ci_methods.h"
#include "beta_dist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

static const char *const count_names[AN_CI_N_METHODS] = {
    [AN_CI_WILSON] = "wilson",
    [AN_CI_CLOPPER_PEARSON] = "clopper-pearson",
    [AN_CI_JEFFREYS] = "jeffreys",
    [AN_CI_AGRESTI_COULL] = "agresti-coull",
    [AN_CI_WALD] = "wald",
    [AN_CI_LOGIT] = "logit",
};

static const char *const design_names[AN_DESIGN_N_METHODS] = {
    [AN_DESIGN_KORN_GRAUBARD] = "korn-graubard",
    [AN_DESIGN_WILSON] = "wilson",
    [AN_DESIGN_LOGIT] = "logit",
    [AN_DESIGN_WALD] = "wald",
};

const char *an_ci_method_name(enum an_ci_method m)
{
    return (unsigned)m < AN_CI_N_METHODS ? count_names[m] : NULL;
}

bool an_ci_method_parse(const char *name, enum an_ci_method *out)
{
    for (int m = 0; name != NULL && m < AN_CI_N_METHODS; m++)
        if (strcmp(name, count_names[m]) == 0) {
            *out = (enum an_ci_method)m;
            return true;
        }
    return false;
}

const char *an_design_method_name(enum an_design_method m)
{
    return (unsigned)m < AN_DESIGN_N_METHODS ? design_names[m] : NULL;
}

bool an_design_method_parse(const char *name, enum an_design_method *out)
{
    for (int m = 0; name != NULL && m < AN_DESIGN_N_METHODS; m++)
        if (strcmp(name, design_names[m]) == 0) {
            *out = (enum an_design_method)m;
            return true;
        }
    return false;
}

/* ---- numerical helpers ---------------------------------------------------- */

/* t quantile with P(T > t) = tail; df = infinity means the normal. */
static double t_upper(double tail, double df)
{
    return isinf(df) ? gsl_cdf_ugaussian_Qinv(tail) : gsl_cdf_tdist_Qinv(tail, df);
}

static double expit(double eta)
{
    return 1.0 / (1.0 + exp(-eta));
}

/* Append a remark to a note, "; "-separated. */
static void note_add(char *note, size_t size, const char *text)
{
    size_t len = strlen(note);

    snprintf(note + len, size - len, "%s%s", len > 0 ? "; " : "", text);
}

/* Clamp [*low, *high] into [0, 1], saying so in the note. Wald and
 * Agresti-Coull are symmetric around a centre and can overshoot. */
static void clamp_unit(double *low, double *high, char *note, size_t size)
{
    if (*low < 0.0) {
        *low = 0.0;
        note_add(note, size, "lower limit clamped to 0");
    }
    if (*high > 1.0) {
        *high = 1.0;
        note_add(note, size, "upper limit clamped to 1");
    }
}

/* ---- from counts ----------------------------------------------------------- */

int an_ci_counts(enum an_ci_method m, long x, long n, double level, struct an_interval *out)
{
    struct an_interval r;
    double alpha, z, p, dx, dn, half, centre;

    if ((unsigned)m >= AN_CI_N_METHODS || n < 1 || x < 0 || x > n
        || !(level > 0.0 && level < 1.0))
        return -1;
    memset(&r, 0, sizeof r);
    dx = (double)x;
    dn = (double)n;
    alpha = 1.0 - level;
    z = gsl_cdf_ugaussian_Qinv(alpha / 2.0);
    p = dx / dn;
    r.estimate = p;
    r.defined = true;

    switch (m) {
    case AN_CI_WILSON:
        /* Wilson (1927) score interval without continuity correction,
         * written with counts: centre (x + z^2/2)/(n + z^2), half-width
         * z sqrt(x(n-x)/n + z^2/4)/(n + z^2). At x = 0 the lower limit is
         * exactly 0 (and 1 at x = n); set it so rounding cannot give -1e-17. */
        centre = (dx + z * z / 2.0) / (dn + z * z);
        half = z * sqrt(dx * (dn - dx) / dn + z * z / 4.0) / (dn + z * z);
        r.low = x == 0 ? 0.0 : centre - half;
        r.high = x == n ? 1.0 : centre + half;
        break;
    case AN_CI_CLOPPER_PEARSON:
        /* Clopper & Pearson (1934): beta quantiles. At the edges the beta
         * has a parameter 0; the limit there is 0 (or 1), and the other
         * limit has the closed form of a Beta(1, n) or Beta(n, 1) quantile. */
        if (x == 0)
            r.low = 0.0;
        else if (x == n)
            r.low = exp(log(alpha / 2.0) / dn);
        else
            r.low = an_beta_quantile(alpha / 2.0, false, dx, dn - dx + 1.0);
        if (x == n)
            r.high = 1.0;
        else if (x == 0)
            r.high = -expm1(log(alpha / 2.0) / dn);
        else
            r.high = an_beta_quantile(alpha / 2.0, true, dx + 1.0, dn - dx);
        break;
    case AN_CI_JEFFREYS:
        /* Equal-tailed interval of the Beta(x + 1/2, n - x + 1/2) posterior;
         * Brown, Cai & DasGupta (2001) set the lower limit to 0 at x = 0
         * and the upper to 1 at x = n, so the interval covers the edge. */
        r.low = x == 0 ? 0.0 : an_beta_quantile(alpha / 2.0, false, dx + 0.5, dn - dx + 0.5);
        r.high = x == n ? 1.0 : an_beta_quantile(alpha / 2.0, true, dx + 0.5, dn - dx + 0.5);
        if (x == 0)
            note_add(r.note, sizeof r.note, "lower limit set to 0 because x = 0");
        if (x == n)
            note_add(r.note, sizeof r.note, "upper limit set to 1 because x = n");
        break;
    case AN_CI_AGRESTI_COULL: {
        /* Agresti & Coull (1998): Wald around the Wilson centre with
         * n~ = n + z^2 and p~ = (x + z^2/2)/n~. */
        double n_tilde = dn + z * z;
        double p_tilde = (dx + z * z / 2.0) / n_tilde;

        half = z * sqrt(p_tilde * (1.0 - p_tilde) / n_tilde);
        r.low = p_tilde - half;
        r.high = p_tilde + half;
        clamp_unit(&r.low, &r.high, r.note, sizeof r.note);
        break;
    }
    case AN_CI_WALD:
        half = z * sqrt(p * (1.0 - p) / dn);
        r.low = p - half;
        r.high = p + half;
        if (x == 0 || x == n)
            note_add(r.note, sizeof r.note, x == 0
                     ? "degenerate: zero width because x = 0 (estimated variance is 0)"
                     : "degenerate: zero width because x = n (estimated variance is 0)");
        clamp_unit(&r.low, &r.high, r.note, sizeof r.note);
        break;
    case AN_CI_LOGIT:
        /* Delta method on the logit scale: var(logit p) = n / (x (n - x))
         * (Brown, Cai & DasGupta 2001). */
        if (x == 0 || x == n) {
            r.defined = false;
            r.low = r.high = NAN;
            note_add(r.note, sizeof r.note, x == 0
                     ? "undefined at x = 0: the logit of 0 is minus infinity"
                     : "undefined at x = n: the logit of 1 is infinite");
            break;
        }
        half = z * sqrt(dn / (dx * (dn - dx)));
        r.low = expit(log(dx / (dn - dx)) - half);
        r.high = expit(log(dx / (dn - dx)) + half);
        break;
    default:
        return -1;
    }
    if (r.defined && (isnan(r.low) || isnan(r.high))) {
        /* Only a failing quantile routine gets here; say so, never print NaN. */
        r.defined = false;
        r.low = r.high = NAN;
        note_add(r.note, sizeof r.note, "numerical failure computing the limits");
    }
    *out = r;
    return 0;
}

/* ---- design-based ---------------------------------------------------------- */

static const char *const deff_cap_names[AN_DEFF_CAP_N] = {
    [AN_DEFF_CAP_AFTER_FPC] = "after-fpc",
    [AN_DEFF_CAP_BEFORE_FPC] = "before-fpc",
    [AN_DEFF_CAP_BY_MEASURE] = "by-measure",
};

const char *an_deff_cap_name(enum an_deff_cap c)
{
    return (unsigned)c < AN_DEFF_CAP_N ? deff_cap_names[c] : "?";
}

bool an_deff_cap_parse(const char *name, enum an_deff_cap *out)
{
    for (int c = 0; c < AN_DEFF_CAP_N; c++) {
        if (strcmp(name, deff_cap_names[c]) == 0) {
            *out = (enum an_deff_cap)c;
            return true;
        }
    }
    return false;
}

/* Korn & Graubard (1998) as NCHS applies it (Parker et al. 2017) and as R's
 * survey svyciprop(method = "beta") computes it, with NCHS's cap at n.
 * NCHS's cap means "a design effect below 1 counts as 1". After the finite
 * population correction a large sampling fraction alone makes the design
 * effect small, so capping there (after-fpc) also throws the correction
 * away; before-fpc caps the with-replacement design effect at 1 and then
 * applies the fpc, i.e. caps n_eff_df at n / fpc. */
static void korn_graubard(const struct an_design_input *in, bool degenerate,
                          double alpha, struct an_design_interval *r)
{
    double n_eff_df, ratio, x, cap = in->n;
    bool before = in->deff_cap == AN_DEFF_CAP_BEFORE_FPC && in->fpc > 0.0 && in->fpc < 1.0;

    if (degenerate) {
        /* p(1-p)/se^2 is 0/0 or infinite here; NCHS falls back to exact
         * Clopper-Pearson limits with the actual sample size. */
        n_eff_df = in->n;
    } else {
        /* The df adjustment shrinks n_eff by (t_{n-1}/t_df)^2. With n <= 1
         * there is no t_{n-1}: as its df tends to 0 the ratio grows without
         * bound, so the cap at n decides. */
        ratio = in->n > 1.0 ? t_upper(alpha / 2.0, in->n - 1.0) / t_upper(alpha / 2.0, in->df)
                            : INFINITY;
        n_eff_df = r->n_eff * ratio * ratio;
        if (before)
            cap = in->n / in->fpc;
        if (n_eff_df > cap) {
            /* A design effect below 1 (after the df adjustment) counts as 1. */
            n_eff_df = cap;
            note_add(r->note, sizeof r->note, before
                     ? "effective sample size capped at n / fpc"
                     : "effective sample size capped at n");
        }
    }
    x = in->p * n_eff_df;
    r->low = in->p == 0.0 ? 0.0 : an_beta_quantile(alpha / 2.0, false, x, n_eff_df - x + 1.0);
    r->high = in->p == 1.0 ? 1.0 : an_beta_quantile(alpha / 2.0, true, x + 1.0, n_eff_df - x);
}

int an_ci_design(enum an_design_method m, const struct an_design_input *in,
                 struct an_design_interval *out)
{
    struct an_design_interval r;
    double alpha, p, se, t, half;
    bool degenerate, needs_t;

    if ((unsigned)m >= AN_DESIGN_N_METHODS || in == NULL
        || !(in->p >= 0.0 && in->p <= 1.0) || !(in->se >= 0.0) || !isfinite(in->se)
        || !(in->n > 0.0) || !isfinite(in->n) || !(in->level > 0.0 && in->level < 1.0))
        return -1;
    p = in->p;
    se = in->se;
    alpha = 1.0 - in->level;
    degenerate = p == 0.0 || p == 1.0 || se == 0.0;
    switch (m) {
    case AN_DESIGN_KORN_GRAUBARD:
        needs_t = !degenerate;
        break;
    case AN_DESIGN_WILSON:
        needs_t = true;
        break;
    case AN_DESIGN_LOGIT:
        needs_t = p > 0.0 && p < 1.0 && se > 0.0;
        break;
    default:
        needs_t = se > 0.0;
        break;
    }
    /* df >= 1 is false for NaN too. */
    if (needs_t && !(in->df >= 1.0))
        return -1;

    memset(&r, 0, sizeof r);
    r.defined = true;
    r.n_eff = degenerate ? in->n : p * (1.0 - p) / (se * se);
    t = needs_t ? t_upper(alpha / 2.0, in->df) : NAN;

    switch (m) {
    case AN_DESIGN_KORN_GRAUBARD:
        if (degenerate)
            note_add(r.note, sizeof r.note, se == 0.0 && p > 0.0 && p < 1.0
                     ? "no sampling variance (se = 0): Clopper-Pearson limits with n"
                     : "estimate is 0 or 1: Clopper-Pearson limits with n");
        korn_graubard(in, degenerate, alpha, &r);
        break;
    case AN_DESIGN_WILSON: {
        /* survey 4.5 svyciprop(method = "wilson"): the Wilson score interval
         * with z replaced by t(df) and n by n_eff. R returns NaN when n_eff is
         * 0/0 or infinite; we use n there, like Korn-Graubard. */
        double t2 = t * t, denom = 1.0 + t2 / r.n_eff;
        double centre = (p + t2 / (2.0 * r.n_eff)) / denom;

        if (degenerate)
            note_add(r.note, sizeof r.note, se == 0.0 && p > 0.0 && p < 1.0
                     ? "no sampling variance (se = 0): Wilson interval with n"
                     : "estimate is 0 or 1: Wilson interval with n");
        half = t / (2.0 * r.n_eff) * sqrt(4.0 * r.n_eff * p * (1.0 - p) + t2) / denom;
        r.low = p == 0.0 ? 0.0 : centre - half;
        r.high = p == 1.0 ? 1.0 : centre + half;
        break;
    }
    case AN_DESIGN_LOGIT:
        /* svyciprop(method = "xlogit"): se on the logit scale by the delta
         * method, se / (p (1 - p)), back-transformed. */
        if (p == 0.0 || p == 1.0) {
            r.defined = false;
            r.low = r.high = NAN;
            note_add(r.note, sizeof r.note, p == 0.0
                     ? "undefined at p = 0: the logit of 0 is minus infinity"
                     : "undefined at p = 1: the logit of 1 is infinite");
            break;
        }
        if (se == 0.0) {
            r.low = r.high = p;
            note_add(r.note, sizeof r.note, "degenerate: zero width because se = 0");
            break;
        }
        half = t * se / (p * (1.0 - p));
        r.low = expit(log(p / (1.0 - p)) - half);
        r.high = expit(log(p / (1.0 - p)) + half);
        break;
    case AN_DESIGN_WALD:
        /* svyciprop(method = "mean"): p +- t(df) se. */
        if (se == 0.0) {
            r.low = r.high = p;
            note_add(r.note, sizeof r.note, "degenerate: zero width because se = 0");
            break;
        }
        r.low = p - t * se;
        r.high = p + t * se;
        clamp_unit(&r.low, &r.high, r.note, sizeof r.note);
        break;
    default:
        return -1;
    }
    if (r.defined && (isnan(r.low) || isnan(r.high))) {
        r.defined = false;
        r.low = r.high = NAN;
        note_add(r.note, sizeof r.note, "numerical failure computing the limits");
    }
    *out = r;
    return 0;
}
