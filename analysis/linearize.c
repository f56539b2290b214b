/* Ratio estimator and its Taylor-linearized variance for a stratified
 * single-stage sample without replacement (docs/methods.md). */
#include "linearize.h"

#include <math.h>
#include <stdlib.h>

/* R's survey package treats a stratum whose fpc factor 1 - n/N is below
 * this as self-representing (onestrat: all(f < 0.0000001)); so do we, so
 * that a census stratum gives exactly zero variance in both. */
#define AN_CENSUS_EPS 1e-7

/* Sums beyond this could overflow the 128-bit products below; real data
 * (caseloads up to 1000, a million respondents) stay far under it. */
#define AN_MOMENT_MAX ((int64_t)1 << 62)

static void init_out(struct an_ratio_estimate *out)
{
    out->defined = false;
    out->ratio = NAN;
    out->variance = NAN;
    out->variance_wr = NAN;
    out->y_hat = 0;
    out->x_hat = 0;
    out->psus = 0;
    out->strata = 0;
    out->census = 0;
    out->lonely = 0;
    out->first_lonely = -1;
}

/* 1 - n/N as R computes it: 1 without an fpc. */
static double fpc_factor(int64_t n, int64_t pop)
{
    if (pop <= 0)
        return 1.0;
    return (double)(pop - n) / (double)pop;
}

/* Count stratum h (n PSUs of pop) into out: PSUs, strata, census strata
 * and lonely PSUs (n = 1, not a census), the first of them named. */
static void count_stratum(struct an_ratio_estimate *out, int64_t n, int64_t pop, size_t h)
{
    out->psus += n;
    out->strata++;
    if (fpc_factor(n, pop) < AN_CENSUS_EPS)
        out->census++;
    else if (n == 1 && out->lonely++ == 0)
        out->first_lonely = (long)h;
}

static bool moments_valid(const struct an_stratum_moments *s)
{
    if (s->n < 0 || s->n > INT32_MAX)
        return false;
    if (s->n == 0)
        return s->sy == 0 && s->sx == 0 && s->syy == 0 && s->sxx == 0 && s->sxy == 0;
    if (s->pop < 0 || (s->pop > 0 && s->pop < s->n))
        return false;
    if (!(s->weight > 0) || !isfinite(s->weight))
        return false;
    if (s->syy < 0 || s->sxx < 0 || s->syy > AN_MOMENT_MAX || s->sxx > AN_MOMENT_MAX
        || llabs(s->sy) > AN_MOMENT_MAX || llabs(s->sx) > AN_MOMENT_MAX
        || llabs(s->sxy) > AN_MOMENT_MAX)
        return false;
    return true;
}

/* Sum over the stratum of squared centred residuals,
 *   Q = sum_i ((y_i - ybar) - r (x_i - xbar))^2,
 * from exact integer moments. With n*Cyy, n*Cxx, n*Cxy (exact) and
 * b = Cxy/Cxx, D = Cyy*Cxx - Cxy^2 >= 0 (Cauchy-Schwarz),
 *   Q = Cxx (r - b)^2 + D / Cxx,
 * a sum of two non-negative terms: no cancellation, unlike the textbook
 * Syy - 2 r Sxy + r^2 Sxx - (Sy - r Sx)^2 / n, which loses every digit when
 * y is nearly proportional to x. Returns -1 when the moments are impossible
 * (negative variance), else 0. */
static int centred_residual_ss(const struct an_stratum_moments *s, long double r,
                               long double *q)
{
    long double n = (long double)s->n;
#if defined(__SIZEOF_INT128__)
    __int128 cyy = (__int128)s->n * s->syy - (__int128)s->sy * s->sy;
    __int128 cxx = (__int128)s->n * s->sxx - (__int128)s->sx * s->sx;
    __int128 cxy = (__int128)s->n * s->sxy - (__int128)s->sy * s->sx;
    /* Below 2^63 each, the products below stay under 2^126. */
    const __int128 lim = (__int128)1 << 63;

    if (cyy < 0 || cxx < 0)
        return -1;
    if (cxx == 0) {
        /* x constant in the stratum (officer-level measures, n = 1):
         * the residual spread is the spread of y. */
        if (cxy != 0)
            return -1;
        *q = (long double)cyy / n;
        return 0;
    }
    if (cyy < lim && cxx < lim && cxy < lim && cxy > -lim) {
        __int128 det = cyy * cxx - cxy * cxy;
        long double d;
        if (det < 0)
            return -1;
        d = r - (long double)cxy / (long double)cxx;
        *q = ((long double)cxx * d * d + (long double)det / (long double)cxx) / n;
        return 0;
    }
    /* Astronomically large strata (n^2 var(y) above 2^63, far beyond any
     * caseload survey): long double, with a 64-bit mantissa. */
    *q = ((long double)cyy - 2 * r * (long double)cxy + r * r * (long double)cxx) / n;
#else
    long double cyy = n * s->syy - (long double)s->sy * s->sy;
    long double cxx = n * s->sxx - (long double)s->sx * s->sx;
    long double cxy = n * s->sxy - (long double)s->sy * s->sx;
    if (cyy < 0 || cxx < 0)
        return -1;
    *q = (cyy - 2 * r * cxy + r * r * cxx) / n;
#endif
    if (*q < 0)
        *q = 0;
    return 0;
}

int an_linearize_moments(const struct an_stratum_moments *s, size_t nstrata,
                         enum an_lonely_psu rule, struct an_ratio_estimate *out)
{
    long double y_hat = 0, x_hat = 0, r, var = 0, var_wr = 0, zsum = 0, zbar;

    init_out(out);
    for (size_t h = 0; h < nstrata; h++) {
        if (!moments_valid(&s[h]))
            return AN_LINEARIZE_INVALID;
        if (s[h].n == 0)
            continue;
        y_hat += (long double)s[h].weight * s[h].sy;
        x_hat += (long double)s[h].weight * s[h].sx;
        count_stratum(out, s[h].n, s[h].pop, h);
    }
    out->y_hat = (double)y_hat;
    out->x_hat = (double)x_hat;
    if (out->lonely > 0 && rule == AN_LONELY_FAIL)
        return AN_LINEARIZE_LONELY;
    if (x_hat == 0)
        return AN_LINEARIZE_OK;
    r = y_hat / x_hat;

    /* Grand mean of the PSU values z over the whole domain, where R's
     * "adjust" centres a lonely PSU (survey >= 4.2 onestage; 4.1 centres at
     * 0). The z of a ratio sum to zero, so both agree up to rounding. */
    for (size_t h = 0; h < nstrata; h++)
        if (s[h].n > 0)
            zsum += (long double)s[h].weight * ((long double)s[h].sy - r * s[h].sx) / x_hat;
    zbar = zsum / (long double)out->psus;

    for (size_t h = 0; h < nstrata; h++) {
        long double g, wx, q;

        if (s[h].n == 0)
            continue;
        g = fpc_factor(s[h].n, s[h].pop);
        wx = (long double)s[h].weight / x_hat;
        if (s[h].n == 1) {
            long double z = wx * ((long double)s[h].sy - r * s[h].sx) - zbar;
            if (rule == AN_LONELY_ADJUST) {
                var_wr += z * z;
                if (g >= AN_CENSUS_EPS)
                    var += g * z * z;
            }
            continue;
        }
        if (centred_residual_ss(&s[h], r, &q) != 0)
            return AN_LINEARIZE_INVALID;
        q = (long double)s[h].n / (long double)(s[h].n - 1) * wx * wx * q;
        var_wr += q;
        if (g >= AN_CENSUS_EPS)
            var += g * q;
    }
    out->defined = true;
    out->ratio = (double)r;
    out->variance = (double)var;
    out->variance_wr = (double)var_wr;
    return AN_LINEARIZE_OK;
}

int an_linearize_calibrated(const struct an_stratum_moments *dom,
                            const struct an_stratum_moments *whole, const double *xtotal,
                            size_t nstrata, enum an_lonely_psu rule,
                            struct an_ratio_estimate *out)
{
    long double y_cal = 0, d_cal = 0, r, var = 0, var_wr = 0;

    init_out(out);
    for (size_t h = 0; h < nstrata; h++) {
        if (!moments_valid(&dom[h]) || !moments_valid(&whole[h]) || dom[h].n != whole[h].n
            || !(xtotal[h] >= 0) || !isfinite(xtotal[h]))
            return AN_LINEARIZE_INVALID;
        if (dom[h].n == 0)
            continue;
        if (whole[h].sx == 0 ? (dom[h].sx != 0 || dom[h].sy != 0) : !(xtotal[h] > 0))
            return AN_LINEARIZE_INVALID;
        if (whole[h].sx > 0) {
            long double a = (long double)xtotal[h] / (long double)whole[h].sx;
            y_cal += a * dom[h].sy;
            d_cal += a * dom[h].sx;
        }
        count_stratum(out, dom[h].n, dom[h].pop, h);
    }
    out->y_hat = (double)y_cal;
    out->x_hat = (double)d_cal;
    if (out->lonely > 0 && rule == AN_LONELY_FAIL)
        return AN_LINEARIZE_LONELY;
    if (d_cal == 0)
        return AN_LINEARIZE_OK;
    r = y_cal / d_cal;

    for (size_t h = 0; h < nstrata; h++) {
        const struct an_stratum_moments *s = &dom[h];
        long double a, b, su, suu, sux, q, g;

        if (s->n < 2 || whole[h].sx == 0)
            continue;   /* no PSU, a lonely PSU (e = 0), or nothing weighted */
        a = (long double)xtotal[h] / (long double)whole[h].sx / d_cal;
        su = (long double)s->sy - r * s->sx;
        suu = (long double)s->syy - 2 * r * s->sxy + r * r * s->sxx;
        sux = (long double)s->sxy - r * s->sxx;
        b = su / (long double)whole[h].sx;
        q = suu - 2 * b * sux + b * b * (long double)whole[h].sxx;
        if (q < 0) {
            /* Rounding where every residual is 0; a real negative sum is
             * impossible moments. */
            if (q < -1e-9L * (suu + b * b * (long double)whole[h].sxx) - 1e-12L)
                return AN_LINEARIZE_INVALID;
            q = 0;
        }
        q *= (long double)s->n / (long double)(s->n - 1) * a * a;
        g = fpc_factor(s->n, s->pop);
        var_wr += q;
        if (g >= AN_CENSUS_EPS)
            var += g * q;
    }
    out->defined = true;
    out->ratio = (double)r;
    out->variance = (double)var;
    out->variance_wr = (double)var_wr;
    return AN_LINEARIZE_OK;
}

int an_linearize_direct(size_t npsu, const size_t *stratum, const double *y,
                        const double *x, const double *w, size_t nstrata,
                        const int64_t *pop, enum an_lonely_psu rule,
                        struct an_ratio_estimate *out)
{
    int64_t *n = NULL;
    double *zsum = NULL, *ss = NULL;
    double y_hat = 0, x_hat = 0, r, var = 0, var_wr = 0, zall = 0, zbar;
    int rc = AN_LINEARIZE_OK;

    init_out(out);
    n = calloc(nstrata + 1, sizeof *n);
    zsum = calloc(nstrata + 1, sizeof *zsum);
    ss = calloc(nstrata + 1, sizeof *ss);
    if (n == NULL || zsum == NULL || ss == NULL) {
        rc = AN_LINEARIZE_INVALID;
        goto done;
    }
    for (size_t i = 0; i < npsu; i++) {
        if (stratum[i] >= nstrata || !(w[i] > 0) || !isfinite(y[i]) || !isfinite(x[i])) {
            rc = AN_LINEARIZE_INVALID;
            goto done;
        }
        n[stratum[i]]++;
        y_hat += w[i] * y[i];
        x_hat += w[i] * x[i];
    }
    for (size_t h = 0; h < nstrata; h++) {
        if (n[h] == 0)
            continue;
        if (pop[h] < 0 || (pop[h] > 0 && pop[h] < n[h])) {
            rc = AN_LINEARIZE_INVALID;
            goto done;
        }
        count_stratum(out, n[h], pop[h], h);
    }
    out->y_hat = y_hat;
    out->x_hat = x_hat;
    if (out->lonely > 0 && rule == AN_LONELY_FAIL) {
        rc = AN_LINEARIZE_LONELY;
        goto done;
    }
    if (x_hat == 0)
        goto done;
    r = y_hat / x_hat;

    for (size_t i = 0; i < npsu; i++) {
        double z = w[i] * (y[i] - r * x[i]) / x_hat;
        zsum[stratum[i]] += z;
        zall += z;
    }
    zbar = zall / (double)out->psus;
    for (size_t i = 0; i < npsu; i++) {
        size_t h = stratum[i];
        double z = w[i] * (y[i] - r * x[i]) / x_hat;
        double c = n[h] == 1 ? zbar : zsum[h] / (double)n[h];
        ss[h] += (z - c) * (z - c);
    }
    for (size_t h = 0; h < nstrata; h++) {
        double g = fpc_factor(n[h], pop[h]), v;
        if (n[h] == 0)
            continue;
        if (n[h] == 1) {
            if (rule == AN_LONELY_ADJUST) {
                var_wr += ss[h];
                if (g >= AN_CENSUS_EPS)
                    var += g * ss[h];
            }
            continue;
        }
        v = (double)n[h] / (double)(n[h] - 1) * ss[h];
        var_wr += v;
        if (g >= AN_CENSUS_EPS)
            var += g * v;
    }
    out->defined = true;
    out->ratio = r;
    out->variance = var;
    out->variance_wr = var_wr;
done:
    free(n);
    free(zsum);
    free(ss);
    return rc;
}
