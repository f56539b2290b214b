#ifndef AN_BETA_DIST_H
#define AN_BETA_DIST_H

#include <stdbool.h>

/* The Beta(a, b) distribution, for the interval methods (ci_methods.c).
 * GSL's own routines are not enough: gsl_cdf_beta_P returns NaN once a and
 * b pass about 10^6 (its continued fraction stops after 512 terms), and
 * gsl_cdf_beta_Pinv then never returns (its bisection loops on NaN). These
 * work for any a, b > 0 up to 10^12 or so. Pure; no GSL error handler. */

/* P(X <= x) when upper is false, P(X > x) when upper is true; asking for
 * the small tail directly keeps its relative precision. NaN if a or b is
 * not positive or the continued fraction does not converge. */
double an_beta_cdf(double x, double a, double b, bool upper);

/* The q with an_beta_cdf(q, a, b, upper) = tail, 0 < tail < 1. NaN on
 * invalid arguments. */
double an_beta_quantile(double tail, bool upper, double a, double b);

#endif
