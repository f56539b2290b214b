#ifndef AN_CI_METHODS_H
#define AN_CI_METHODS_H

#include <stdbool.h>

/* Confidence intervals for one proportion. Pure computation (GSL), no I/O.
 * Formulas and citations: docs/methods.md. */

/* ---- from counts: x cases out of n (prevalence ci) ----------------------- */

enum an_ci_method {
    AN_CI_WILSON,
    AN_CI_CLOPPER_PEARSON,
    AN_CI_JEFFREYS,
    AN_CI_AGRESTI_COULL,
    AN_CI_WALD,
    AN_CI_LOGIT,
    AN_CI_N_METHODS
};

struct an_interval {
    double estimate;     /* x / n */
    double low, high;    /* NaN when !defined */
    bool defined;        /* false: the method has no interval here (note says why) */
    char note[160];      /* "" or a plain-words remark (degenerate, undefined, ...) */
};

/* Name as used on the command line ("wilson", "clopper-pearson", ...). */
const char *an_ci_method_name(enum an_ci_method m);
/* Parse a name; returns false if unknown. */
bool an_ci_method_parse(const char *name, enum an_ci_method *out);

/* Interval for x out of n at level (0 < level < 1). Requires 0 <= x <= n,
 * n >= 1; returns 0, or -1 on invalid arguments (out untouched). */
int an_ci_counts(enum an_ci_method m, long x, long n, double level, struct an_interval *out);

/* ---- design-based: estimate p with standard error se (estimate) ---------- */

enum an_design_method {
    AN_DESIGN_KORN_GRAUBARD,   /* default: NCHS; svyciprop(method="beta") */
    AN_DESIGN_WILSON,          /* survey 4.5 svyciprop(method="wilson") */
    AN_DESIGN_LOGIT,           /* svyciprop(method="xlogit") */
    AN_DESIGN_WALD,            /* svyciprop(method="mean") */
    AN_DESIGN_N_METHODS
};

const char *an_design_method_name(enum an_design_method m);   /* "korn-graubard", ... */
bool an_design_method_parse(const char *name, enum an_design_method *out);

/* Where Korn-Graubard's cap "a design effect below 1 counts as 1" applies
 * (docs/methods.md, "The design-effect cap"). */
enum an_deff_cap {
    AN_DEFF_CAP_AFTER_FPC,    /* n_eff_df <= n: the cap also undoes the fpc */
    AN_DEFF_CAP_BEFORE_FPC,   /* the with-replacement design effect is capped at 1,
                               * then the fpc applies: n_eff_df <= n / fpc */
    AN_DEFF_CAP_BY_MEASURE,   /* the estimate's choice per measure (design.h,
                               * an_deff_cap_for); an_ci_design, which knows no
                               * measure, applies it as after-fpc */
    AN_DEFF_CAP_N
};

/* The rule `prevalence` uses unless told otherwise, chosen by the coverage
 * study (docs/methods.md, "The design-effect cap"): after-fpc for the
 * youth measures, before-fpc for officer_any. */
#define AN_DEFF_CAP_DEFAULT AN_DEFF_CAP_BY_MEASURE

/* "after-fpc", "before-fpc", "by-measure" */
const char *an_deff_cap_name(enum an_deff_cap c);
bool an_deff_cap_parse(const char *name, enum an_deff_cap *out);

struct an_design_input {
    double p;        /* the estimate, 0 <= p <= 1 */
    double se;       /* its design-based standard error (0 for a census) */
    double n;        /* sample size in the NCHS sense: youth_n (respondents for officer_any) */
    double df;       /* design degrees of freedom: PSUs - strata in the domain */
    double level;    /* e.g. 0.95 */
    enum an_deff_cap deff_cap;   /* korn-graubard only */
    double fpc;      /* se^2 / se_wr^2, the design's finite population correction
                      * as a factor on the variance, in (0, 1]; 0 (unset) or
                      * anything outside (0, 1] counts as 1 (none) */
};

struct an_design_interval {
    double low, high;
    double n_eff;    /* p(1-p)/se^2, or n when p is 0 or 1 or se is 0 */
    bool defined;
    char note[160];
};

/* Returns 0, or -1 on invalid input (p outside [0,1], se < 0, n <= 0,
 * level outside (0,1), df < 1 for methods that need t quantiles).
 * A t quantile is needed always by wilson, and by the others only when
 * 0 < p < 1 and se > 0 (so p = 0 in a one-PSU domain still gets its
 * Clopper-Pearson limit). df = INFINITY means the normal. */
int an_ci_design(enum an_design_method m, const struct an_design_input *in,
                 struct an_design_interval *out);

#endif
