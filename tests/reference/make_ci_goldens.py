#!/usr/bin/python3
"""Golden confidence intervals from counts for tests/unit/test_ci_methods.c.

Independent implementation: statsmodels' proportion_confint (Debian
python3-statsmodels 0.13) for wilson, clopper-pearson ('beta'), jeffreys,
agresti-coull and wald ('normal'); the logit interval, which statsmodels does
not offer, by its formula (Brown, Cai & DasGupta 2001) with scipy's normal
quantile. Run from the source root:

    /usr/bin/python3 tests/reference/make_ci_goldens.py > tests/reference/ci_goldens.csv

Conventions that differ from statsmodels, applied here explicitly:
  - jeffreys: statsmodels returns the plain Beta(x+1/2, n-x+1/2) quantiles
    at every x; we follow Brown, Cai & DasGupta (2001): lower limit 0 at
    x = 0 and upper limit 1 at x = n (the raw value is printed as a comment).
  - wilson: statsmodels computes centre - half-width at x = 0, which can be
    off 0 by rounding (1e-17); the C code returns exactly 0 (1 at x = n).
  - logit: undefined at x = 0 and x = n (defined = 0, limits empty).
statsmodels already clamps wald and agresti-coull into [0, 1], as we do.
"""
import math
import sys

import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

SM_METHODS = [
    ("wilson", "wilson"),
    ("clopper-pearson", "beta"),
    ("jeffreys", "jeffreys"),
    ("agresti-coull", "agresti_coull"),
    ("wald", "normal"),
]
NS = [1, 2, 3, 5, 10, 20, 29, 30, 50, 100, 148, 263, 1000, 5000, 100000, 10**7, 10**9]
LEVELS = [0.90, 0.95, 0.99]


def xs_for(n):
    cand = {0, 1, 2, 3, n // 10, n // 3, n // 2, n - 3, n - 2, n - 1, n}
    if n == 263:
        cand.add(81)
    if n == 148:
        cand.add(15)
    return sorted(x for x in cand if 0 <= x <= n)


def logit_ci(x, n, level):
    if x == 0 or x == n:
        return None
    z = stats.norm.isf((1 - level) / 2)
    eta = math.log(x / (n - x))
    half = z * math.sqrt(n / (x * (n - x)))
    expit = lambda t: 1 / (1 + math.exp(-t))
    return expit(eta - half), expit(eta + half)


def main():
    out = sys.stdout
    out.write("# golden intervals from counts; made by tests/reference/make_ci_goldens.py\n")
    out.write("# statsmodels %s, scipy %s; logit by formula\n"
              % (statsmodels.__version__, __import__("scipy").__version__))
    out.write("method,x,n,level,defined,low,high\n")
    for n in NS:
        for x in xs_for(n):
            for level in LEVELS:
                alpha = 1 - level
                for name, sm in SM_METHODS:
                    low, high = (float(v) for v in proportion_confint(x, n, alpha=alpha, method=sm))
                    if name == "jeffreys" and x == 0:
                        out.write("# jeffreys x=0 n=%d level=%r: statsmodels lower %r, set to 0\n"
                                  % (n, level, low))
                        low = 0.0
                    if name == "jeffreys" and x == n:
                        out.write("# jeffreys x=n=%d level=%r: statsmodels upper %r, set to 1\n"
                                  % (n, level, high))
                        high = 1.0
                    out.write("%s,%d,%d,%r,1,%r,%r\n" % (name, x, n, level, low, high))
                ci = logit_ci(x, n, level)
                if ci is None:
                    out.write("logit,%d,%d,%r,0,,\n" % (x, n, level))
                else:
                    out.write("logit,%d,%d,%r,1,%r,%r\n" % (x, n, level, ci[0], ci[1]))


if __name__ == "__main__":
    main()
