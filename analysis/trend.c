/* Change and trend across annual surveys (docs/methods.md, "Change and
 * trend"). Pure: numbers in, numbers out. */
#include "trend.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>

/* Append one reason to a "; "-separated list, truncating rather than
 * overflowing (the list is for people; every rule is also in the flag). */
static void add_reason(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_reason(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    if (len > 0 && len + 2 < size) {
        memcpy(buf + len, "; ", 3);
        len += 2;
    }
    if (len + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

static bool point_valid(const struct an_trend_point *pt)
{
    if (!pt->has_estimate)
        return true;
    /* The comparisons are written so that NaN fails them. */
    return pt->p >= 0.0 && pt->p <= 1.0 && pt->se >= 0.0 && isfinite(pt->se)
        && pt->df >= 0.0 && isfinite(pt->df)
        && (pt->flag == AN_FLAG_PRESENT || pt->flag == AN_FLAG_REVIEW
            || pt->flag == AN_FLAG_SUPPRESS);
}

/* Welch-Satterthwaite degrees of freedom of a sum of independent variance
 * estimates v[i], each with df[i] degrees of freedom (Satterthwaite 1946;
 * Welch 1947): (sum c v)^2 / sum (c v)^2 / df, here with the coefficients
 * already in v. A term with v = 0 carries no sampling variance and adds
 * nothing (a census, an estimate of 0, one respondent): the sum's df is
 * that of the variances that are there. A term with v > 0 but df = 0
 * would make the df 0. NaN when every v is 0: no variance, no df. */
static double satterthwaite_df(const double *v, const double *df, size_t k)
{
    double num = 0.0, den = 0.0;

    for (size_t i = 0; i < k; i++) {
        if (!(v[i] > 0.0))
            continue;
        num += v[i];
        if (!(df[i] > 0.0))
            return 0.0;
        den += v[i] * v[i] / df[i];
    }
    if (num == 0.0)
        return NAN;
    return num * num / den;
}

static bool level_valid(double level)
{
    return level > 0.0 && level < 1.0;
}

static enum an_flag worse(enum an_flag a, enum an_flag b)
{
    return a > b ? a : b;
}

/* A change is as presentable as the less presentable of its two years:
 * a difference with a suppressed end is no more reliable than that end. */
static enum an_flag year_flag(const struct an_trend_point *pt, char *reasons, size_t size)
{
    if (!pt->has_estimate) {
        add_reason(reasons, size, "no data in %d", pt->year);
        return AN_FLAG_SUPPRESS;
    }
    if (pt->flag == AN_FLAG_SUPPRESS)
        add_reason(reasons, size, "%d estimate suppressed", pt->year);
    else if (pt->flag == AN_FLAG_REVIEW)
        add_reason(reasons, size, "%d estimate flagged for review", pt->year);
    return pt->flag;
}

int an_trend_change(const struct an_trend_point *from, const struct an_trend_point *to,
                    double level, struct an_trend_change *out)
{
    struct an_trend_change c;
    double tq = NAN;
    bool exact;

    if (from == NULL || to == NULL || out == NULL || !point_valid(from)
        || !point_valid(to) || !level_valid(level) || from->year >= to->year)
        return -1;

    memset(&c, 0, sizeof c);
    c.from_year = from->year;
    c.to_year = to->year;
    c.estimate_from = from->has_estimate ? from->p : NAN;
    c.estimate_to = to->has_estimate ? to->p : NAN;
    c.difference = c.se = c.df = c.ci_low = c.ci_high = NAN;
    c.ratio = c.ratio_ci_low = c.ratio_ci_high = c.p_value = c.p_adjusted = NAN;
    /* Two statements: the reasons must read in year order, and the
     * order of evaluation of function arguments is unspecified. */
    c.flag = year_flag(from, c.reasons, sizeof c.reasons);
    c.flag = worse(c.flag, year_flag(to, c.reasons, sizeof c.reasons));
    c.defined = from->has_estimate && to->has_estimate;
    if (!c.defined) {
        *out = c;
        return 0;
    }

    c.difference = to->p - from->p;
    c.se = sqrt(from->se * from->se + to->se * to->se);
    {
        double v[2] = {from->se * from->se, to->se * to->se};
        double df[2] = {from->df, to->df};
        c.df = satterthwaite_df(v, df, 2);
    }
    exact = from->census && to->census;
    if (c.se > 0.0 && c.df >= 1.0) {
        tq = gsl_cdf_tdist_Pinv(1.0 - (1.0 - level) / 2.0, c.df);
        c.ci_low = c.difference - tq * c.se;
        c.ci_high = c.difference + tq * c.se;
        c.p_value = 2.0 * gsl_cdf_tdist_Q(fabs(c.difference) / c.se, c.df);
        if (c.p_value > 1.0)
            c.p_value = 1.0;
    } else if (c.se > 0.0) {
        /* Below one degree of freedom t has no usable quantile (a year
         * whose variance rests on no df at all). */
        add_reason(c.reasons, sizeof c.reasons,
                   "no interval or p-value: fewer than 1 degree of freedom");
    } else if (exact) {
        /* Two censuses: every officer answered both years, nothing was
         * sampled, the change is known without error. */
        c.ci_low = c.ci_high = c.difference;
        add_reason(c.reasons, sizeof c.reasons,
                   "no p-value: both years are a census, the change is exact");
    } else {
        /* se 0 without a census (no cases in a sample, a lonely PSU) is
         * not precision but a variance the design cannot estimate. */
        add_reason(c.reasons, sizeof c.reasons,
                   "no interval or p-value: standard error 0 in both years "
                   "(no cases or a lonely PSU) but not a census");
    }
    c.p_adjusted = c.p_value;

    if (from->p > 0.0 && to->p > 0.0) {
        /* Delta method on the log scale, where the ratio is closer to
         * normal and the interval stays positive. */
        double se_log = sqrt(from->se * from->se / (from->p * from->p)
                             + to->se * to->se / (to->p * to->p));
        double log_ratio = log(to->p) - log(from->p);
        c.ratio = to->p / from->p;
        if (!isnan(tq)) {
            c.ratio_ci_low = exp(log_ratio - tq * se_log);
            c.ratio_ci_high = exp(log_ratio + tq * se_log);
        } else if (exact) {
            c.ratio_ci_low = c.ratio_ci_high = c.ratio;
        }
    } else {
        add_reason(c.reasons, sizeof c.reasons, "ratio undefined: %d estimate is 0",
                   from->p == 0.0 ? from->year : to->year);
    }
    *out = c;
    return 0;
}

size_t an_trend_changes_count(size_t n)
{
    if (n < 2)
        return 0;
    return n == 2 ? 1 : n;
}

int an_trend_series_changes(const struct an_trend_point *pts, size_t n, double level,
                            struct an_trend_change *out)
{
    size_t i, k = 0;

    if (n > 0 && pts == NULL)
        return -1;
    for (i = 1; i < n; i++)
        if (pts[i - 1].year >= pts[i].year)
            return -1;
    for (i = 1; i < n; i++)
        if (an_trend_change(&pts[i - 1], &pts[i], level, &out[k++]) != 0)
            return -1;
    if (n > 2 && an_trend_change(&pts[0], &pts[n - 1], level, &out[k++]) != 0)
        return -1;
    return (int)k;
}

int an_trend_slope(const struct an_trend_point *pts, size_t n, double level,
                   struct an_trend_slope *out)
{
    struct an_trend_slope s;
    double *t = NULL, *w = NULL, *y = NULL;
    double *v = NULL, *dfs = NULL;
    double c0, c1, cov00, cov01, cov11, chisq, tq, tbar, sw;
    size_t i, k = 0;
    bool zero_variance = false;
    char zero_years[128] = "";
    int rc = 0;

    if ((n > 0 && pts == NULL) || out == NULL || !level_valid(level))
        return -1;
    for (i = 0; i < n; i++)
        if (!point_valid(&pts[i]) || (i > 0 && pts[i - 1].year >= pts[i].year))
            return -1;

    memset(&s, 0, sizeof s);
    s.first_year = n > 0 ? pts[0].year : 0;
    s.last_year = n > 0 ? pts[n - 1].year : 0;
    s.slope = s.se = s.df = s.ci_low = s.ci_high = s.p_value = s.p_adjusted = NAN;
    s.flag = AN_FLAG_PRESENT;

    if (n > 0 && ((t = malloc(n * sizeof *t)) == NULL || (w = malloc(n * sizeof *w)) == NULL
                  || (y = malloc(n * sizeof *y)) == NULL || (v = malloc(n * sizeof *v)) == NULL
                  || (dfs = malloc(n * sizeof *dfs)) == NULL)) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < n; i++) {
        s.flag = worse(s.flag, year_flag(&pts[i], s.reasons, sizeof s.reasons));
        if (!pts[i].has_estimate)
            continue;
        s.years++;
        /* Years counted from the first: the slope is the same, and the
         * weighted sums stay small. */
        t[k] = (double)(pts[i].year - pts[0].year);
        y[k] = pts[i].p;
        w[k] = pts[i].se > 0.0 ? 1.0 / (pts[i].se * pts[i].se) : INFINITY;
        dfs[k] = pts[i].df;
        k++;
    }
    if (k < 3) {
        add_reason(s.reasons, sizeof s.reasons,
                   "no slope: %zu year%s with an estimate, 3 needed", k, k == 1 ? "" : "s");
        s.flag = AN_FLAG_SUPPRESS;
        goto finish;
    }
    for (i = 0; i < k; i++) {
        if (isinf(w[i])) {
            /* An infinite inverse-variance weight would make that year
             * the whole fit: no honest slope then. */
            size_t len = strlen(zero_years);
            snprintf(zero_years + len, sizeof zero_years - len, "%s%d",
                     zero_variance ? ", " : "", pts[0].year + (int)t[i]);
            zero_variance = true;
        }
    }
    if (zero_variance) {
        add_reason(s.reasons, sizeof s.reasons, "no slope: standard error 0 in %s", zero_years);
        s.flag = AN_FLAG_SUPPRESS;
    }
    if (zero_variance)
        goto finish;
    if (gsl_fit_wlinear(t, 1, w, 1, y, 1, k, &c0, &c1, &cov00, &cov01, &cov11, &chisq)
        != GSL_SUCCESS) {
        rc = -1;
        goto done;
    }
    /* GSL's cov11 is 1 / sum w (t - tbar)^2: the slope's variance when the
     * weights are the inverse variances (no residual scaling). The slope is
     * sum c_t p_t with c_t = w_t (t - tbar) / sum w (t - tbar)^2, so its
     * variance is sum c_t^2 se_t^2, a sum of the years' variance estimates
     * each resting on df_t degrees of freedom: the reference is t with
     * their Welch-Satterthwaite df, not the normal, which treated estimated
     * variances as known (3-year county slopes covered 80-89% at 95%). */
    for (i = 0, sw = 0.0, tbar = 0.0; i < k; i++) {
        sw += w[i];
        tbar += w[i] * t[i];
    }
    tbar /= sw;
    for (i = 0; i < k; i++) {
        double ci = w[i] * (t[i] - tbar) * cov11;
        v[i] = ci * ci / w[i];
    }
    s.defined = true;
    s.slope = c1;
    s.se = sqrt(cov11);
    s.df = satterthwaite_df(v, dfs, k);
    if (!(s.df >= 1.0)) {
        add_reason(s.reasons, sizeof s.reasons,
                   "no interval or p-value: fewer than 1 degree of freedom");
        goto finish;
    }
    tq = gsl_cdf_tdist_Pinv(1.0 - (1.0 - level) / 2.0, s.df);
    s.ci_low = c1 - tq * s.se;
    s.ci_high = c1 + tq * s.se;
    s.p_value = 2.0 * gsl_cdf_tdist_Q(fabs(c1) / s.se, s.df);
    if (s.p_value > 1.0)
        s.p_value = 1.0;
    s.p_adjusted = s.p_value;
finish:
    *out = s;
done:
    free(t);
    free(w);
    free(y);
    free(v);
    free(dfs);
    return rc;
}

const char *an_trend_adjust_name(enum an_trend_adjust a)
{
    switch (a) {
    case AN_TREND_ADJUST_NONE: return "none";
    case AN_TREND_ADJUST_HOLM: return "holm";
    case AN_TREND_ADJUST_N: break;
    }
    return "?";
}

bool an_trend_adjust_parse(const char *name, enum an_trend_adjust *out)
{
    int a;

    if (name == NULL)
        return false;
    for (a = 0; a < AN_TREND_ADJUST_N; a++) {
        if (strcmp(name, an_trend_adjust_name((enum an_trend_adjust)a)) == 0) {
            *out = (enum an_trend_adjust)a;
            return true;
        }
    }
    return false;
}

struct ranked { double p; size_t i; };

static int by_p(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->p < y->p)
        return -1;
    if (x->p > y->p)
        return 1;
    /* Ties in index order: qsort is not stable, the answer must be. */
    return x->i < y->i ? -1 : x->i > y->i;
}

int an_trend_holm(const double *p, size_t n, double *adjusted)
{
    struct ranked *r = NULL;
    size_t i, m = 0;
    double running = 0.0;

    if (n == 0)
        return 0;
    if ((r = malloc(n * sizeof *r)) == NULL)
        return -1;
    for (i = 0; i < n; i++)
        if (!isnan(p[i]))
            r[m++] = (struct ranked){p[i], i};
    qsort(r, m, sizeof *r, by_p);
    for (i = 0; i < n; i++)
        if (isnan(p[i]))
            adjusted[i] = NAN;
    /* p_(j) is multiplied by the number of hypotheses still standing,
     * m - j + 1; the running maximum keeps the adjusted values in the
     * same order as the raw ones (Holm 1979). */
    for (i = 0; i < m; i++) {
        double a = (double)(m - i) * r[i].p;
        if (a > 1.0)
            a = 1.0;
        if (a > running)
            running = a;
        adjusted[r[i].i] = running;
    }
    free(r);
    return 0;
}

int an_trend_adjust_changes(struct an_trend_change *rows, size_t n, enum an_trend_adjust a)
{
    double *p = NULL;
    size_t *member = NULL;
    bool *done_row = NULL;
    size_t i, j, m;
    int rc = 0;

    for (i = 0; i < n; i++)
        rows[i].p_adjusted = rows[i].p_value;
    if (a == AN_TREND_ADJUST_NONE || n == 0)
        return 0;
    if ((p = malloc(n * sizeof *p)) == NULL || (member = malloc(n * sizeof *member)) == NULL
        || (done_row = calloc(n, sizeof *done_row)) == NULL) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (done_row[i])
            continue;
        m = 0;
        for (j = i; j < n; j++) {
            if (!done_row[j] && rows[j].from_year == rows[i].from_year
                && rows[j].to_year == rows[i].to_year) {
                done_row[j] = true;
                member[m] = j;
                p[m++] = rows[j].p_value;
            }
        }
        if (an_trend_holm(p, m, p) != 0) {
            rc = -1;
            goto done;
        }
        for (j = 0; j < m; j++)
            rows[member[j]].p_adjusted = p[j];
    }
done:
    free(p);
    free(member);
    free(done_row);
    return rc;
}

int an_trend_adjust_slopes(struct an_trend_slope *rows, size_t n, enum an_trend_adjust a)
{
    double *p = NULL;
    size_t i;
    int rc = 0;

    for (i = 0; i < n; i++)
        rows[i].p_adjusted = rows[i].p_value;
    if (a == AN_TREND_ADJUST_NONE || n == 0)
        return 0;
    if ((p = malloc(n * sizeof *p)) == NULL)
        return -1;
    for (i = 0; i < n; i++)
        p[i] = rows[i].p_value;
    if (an_trend_holm(p, n, p) != 0) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < n; i++)
        rows[i].p_adjusted = p[i];
done:
    free(p);
    return rc;
}
