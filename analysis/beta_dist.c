/* The Beta(a, b) distribution function and its quantiles, for
 * Clopper-Pearson, Jeffreys and Korn-Graubard limits. See beta_dist.h for
 * why GSL's own routines are not used. */
#include "beta_dist.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

/* n = 10^12 needs about 10^6 terms near the mean; beyond 10^7 we give up
 * (NaN) rather than keep a caller waiting for minutes. */
#define CF_MAX_TERMS 10000000L
#define LOG_2PI 1.8378770664093454836

/* lgamma(z) - [(z - 1/2) log z - z + log(2 pi)/2], Stirling's series; for
 * z >= 10 the first six terms are exact to about 1e-17. */
static double stirling_delta(double z)
{
    double r = 1.0 / z, r2 = r * r;

    return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680
                - r2 * (1.0 / 1188 - r2 * (691.0 / 360360))))));
}

/* log( x^a (1 - x)^b / B(a, b) ), 0 < x < 1. Written the obvious way the
 * three terms are each about a + b and cancel to a number near 0, losing
 * (a + b) * 1e-16 in absolute terms: 1e-7 for n = 10^9 (GSL's beta_inc
 * has this error). For large a and b we expand around the mode
 * x0 = a / (a + b) instead, where the terms are of order sqrt(a + b) and
 * an error in x0 cancels between the two log1p terms. */
static double log_front(double x, double a, double b)
{
    if (a >= 10.0 && b >= 10.0) {
        double s = a + b, x0 = a / s, d = x - x0;

        return a * log1p(d / x0) + b * log1p(-d / (b / s))
               + 0.5 * (log(a) + log(b) - log(s) - LOG_2PI)
               - (stirling_delta(a) + stirling_delta(b) - stirling_delta(s));
    }
    return a * log(x) + b * log1p(-x) - gsl_sf_lnbeta(a, b);
}

/* The continued fraction of I_x(a, b) (Numerical Recipes, 2nd ed., 6.4),
 * by the modified Lentz method. It converges quickly for
 * x < (a + 1)/(a + b + 2); past that the caller swaps the tails. */
static double beta_cf(double x, double a, double b)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    h = d;
    for (long m = 1; m <= CF_MAX_TERMS; m++) {
        double dm = (double)m, m2 = 2.0 * dm, aa, del;

        aa = dm * (b - dm) * x / ((a - 1.0 + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + dm) * (a + b + dm) * x / ((a + m2) * (a + 1.0 + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 2.0 * DBL_EPSILON)
            return h;
    }
    return NAN;
}

double an_beta_cdf(double x, double a, double b, bool upper)
{
    double front, y, tail;

    if (!(a > 0.0 && b > 0.0) || !isfinite(a) || !isfinite(b) || isnan(x))
        return NAN;
    if (x <= 0.0)
        return upper ? 1.0 : 0.0;
    if (x >= 1.0)
        return upper ? 0.0 : 1.0;
    if (x < (a + 1.0) / (a + b + 2.0)) {
        front = exp(log_front(x, a, b));
        tail = front == 0.0 ? 0.0 : fmin(front * beta_cf(x, a, b) / a, 1.0);   /* P(X <= x) */
        return upper ? 1.0 - tail : tail;
    }
    /* Past the mean, P(X > x) = I_{1-x}(b, a). The fraction in 1 - x is
     * only accurate past the mean (tried: in x it can be off by 100% for
     * a = 300, b = 1e9, six SDs out). But 1 - x keeps only the digits of x
     * down to 1e-16; evaluating the prefactor at the x that y = 1 - x
     * stands for keeps the two parts consistent, so the result is exact
     * for a point within 1.1e-16 of x (only for n beyond 10^12 does that
     * show, as a small limit losing relative precision). */
    y = 1.0 - x;
    x = 1.0 - y;
    if (x <= 0.0)
        return upper ? 1.0 : 0.0;
    front = exp(log_front(x, a, b));
    tail = front == 0.0 ? 0.0 : fmin(front * beta_cf(y, b, a) / b, 1.0);      /* P(X > x) */
    return upper ? tail : 1.0 - tail;
}

/* The density, from the same prefactor. */
static double beta_pdf(double x, double a, double b)
{
    return exp(log_front(x, a, b)) / (x * (1.0 - x));
}

/* Where to look next when a Newton step leaves the bracket [lo, hi].
 * Quantiles of Beta(a, b) with a small a can be as small as 1e-160, so the
 * search shrinks the exponent, not the value, when the bracket spans orders
 * of magnitude. */
static double bracket_split(double lo, double hi)
{
    if (lo <= 0.0)
        return hi * 1e-4;
    if (hi > 4.0 * lo)
        return sqrt(lo) * sqrt(hi);
    return lo + (hi - lo) / 2.0;
}

double an_beta_quantile(double tail, bool upper, double a, double b)
{
    double lo = 0.0, hi = 1.0, s, x, next, g, dens;

    if (!(a > 0.0 && b > 0.0 && tail > 0.0 && tail < 1.0) || !isfinite(a) || !isfinite(b))
        return NAN;
    /* Start from the normal approximation; Newton steps kept inside a
     * shrinking bracket take it from there. */
    s = a + b;
    x = a / s + (upper ? 1.0 : -1.0) * gsl_cdf_ugaussian_Qinv(tail)
                    * sqrt(a * b / (s * s * (s + 1.0)));
    if (!(x > 0.0 && x < 1.0))
        x = a / s;
    for (int i = 0; i < 1000; i++) {
        /* g increases with x and is 0 at the quantile. */
        g = upper ? tail - an_beta_cdf(x, a, b, true) : an_beta_cdf(x, a, b, false) - tail;
        if (isnan(g))
            return NAN;
        if (g == 0.0)
            return x;
        if (g < 0.0)
            lo = x;
        else
            hi = x;
        dens = beta_pdf(x, a, b);
        next = (dens > 0.0 && isfinite(dens)) ? x - g / dens : NAN;
        if (!(next > lo && next < hi))
            next = bracket_split(lo, hi);
        if (fabs(next - x) <= 2.0 * DBL_EPSILON * x || hi - lo <= 2.0 * DBL_EPSILON * hi)
            return next;
        x = next;
    }
    return x;
}
