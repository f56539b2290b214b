/* Planning a survey year: department sizes, response counts and this
 * year's rates, all in integer arithmetic (see synth.h on byte stability). */
#include "synth.h"

#include <gsl/gsl_rng.h>

#include "rng.h"

/* The year the county rates in syn_counties hold for. */
#define BASE_YEAR 2024
/* Statewide youth on juvenile probation in BASE_YEAR. Arizona counted
 * 4,853 on 1 July 2013 and 4,233 on 30 June 2014 (AOC Juvenile Justice
 * Services Division); the count drifts down YOUTH_STEP a year from here. */
#define YOUTH_BASE 4500L
#define YOUTH_STEP 60L
#define YOUTH_MIN 3000L
#define YOUTH_MAX 6000L
/* Confirmed rates rise 5% (relative) a year, as identification improves,
 * within half and one and a half times the base rate. */
#define DRIFT_STEP 50L
#define DRIFT_MIN 500L
#define DRIFT_MAX 1500L
/* Youth per officer that the role mix in generate.c gives on average:
 * 12% supervisors (mostly no caseload), 6% other staff (0-12), and
 * probation officers with standard (30-40) or, for 15%, intensive (8-15)
 * caseloads. */
#define MEAN_CASELOAD 26L
/* Below this many youth per officer a department is too small for the
 * role mix and every officer carries a mixed caseload. */
#define SMALL_DEPARTMENT 25L
/* Year-to-year spread of a county's youth count, per mille. */
#define YOUTH_JITTER 50L
/* Suspected (not confirmed) victims, as a share of the confirmed rate. */
#define SUSPECTED_PCT 40L
/* Scaled plans multiply counts by up to scale; keep products in range. */
#define SCALE_LIBRARY_MAX 1000000000L

/* num / den rounded half up; num >= 0, den > 0. */
static long long round_div(long long num, long long den)
{
    return (2 * num + den) / (2 * den);
}

static long clamp(long v, long lo, long hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static long statewide_youth(int year)
{
    return clamp(YOUTH_BASE - YOUTH_STEP * (year - BASE_YEAR), YOUTH_MIN, YOUTH_MAX);
}

static long drift_permille(int year)
{
    return clamp(1000L + DRIFT_STEP * (year - BASE_YEAR), DRIFT_MIN, DRIFT_MAX);
}

/* The base design of one county: its size, respondents and rates. */
static int plan_county(struct syn_year_plan *plan, int idx, long long pop_total,
                       struct prev_error *err)
{
    const struct syn_county *c = &syn_counties[idx];
    struct syn_county_plan *cp = &plan->county[idx];
    gsl_rng *r = NULL;
    long jitter, rate, n, per_officer, conf;

    if ((r = syn_rng_new(plan->seed, plan->year, idx, SYN_STREAM_PLAN)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    jitter = syn_rng_between(r, -YOUTH_JITTER, YOUTH_JITTER);
    rate = c->response_pct + syn_rng_between(r, -c->response_jitter, c->response_jitter);
    gsl_rng_free(r);

    cp->county = c;
    cp->youth_target = (long)round_div((long long)plan->youth_target * c->youth_pop
                                       * (1000 + jitter), pop_total * 1000);
    cp->officers_total = (long)round_div(cp->youth_target, MEAN_CASELOAD);
    if (cp->officers_total < c->min_officers)
        cp->officers_total = c->min_officers;
    per_officer = (long)round_div(cp->youth_target, cp->officers_total);
    cp->caseload_lo = cp->caseload_hi = 0;
    if (per_officer < SMALL_DEPARTMENT) {
        cp->caseload_lo = per_officer > 3 ? per_officer - 2 : 1;
        cp->caseload_hi = per_officer + 2;
    }
    rate = clamp(rate, 50, 100);
    n = (long)round_div((long long)cp->officers_total * rate, 100);
    cp->respondents = clamp(n, 1, cp->officers_total);
    conf = c->confirmed_ppm * drift_permille(plan->year) / 1000;
    cp->confirmed_ppm = (uint32_t)conf;
    cp->suspected_ppm = (uint32_t)(conf * SUSPECTED_PCT / 100);
    return 0;
}

/* Spread `scale` respondents over the counties in proportion to the base
 * design (one each first, the rest by largest remainder, ties to the
 * lower FIPS code), and size each department to keep its response rate. */
static void scale_plan(struct syn_year_plan *plan)
{
    long long base_total = 0, rest = plan->scale - SYN_NCOUNTIES, given = 0;
    long long remainder[SYN_NCOUNTIES];
    long extra[SYN_NCOUNTIES];

    for (int i = 0; i < SYN_NCOUNTIES; i++)
        base_total += plan->county[i].respondents;
    for (int i = 0; i < SYN_NCOUNTIES; i++) {
        long long q = rest * plan->county[i].respondents;
        extra[i] = (long)(q / base_total);
        remainder[i] = q % base_total;
        given += extra[i];
    }
    for (; given < rest; given++) {
        int best = 0;
        for (int i = 1; i < SYN_NCOUNTIES; i++)
            if (remainder[i] > remainder[best])
                best = i;
        extra[best]++;
        remainder[best] = -1;
    }
    for (int i = 0; i < SYN_NCOUNTIES; i++) {
        struct syn_county_plan *cp = &plan->county[i];
        long long n = 1 + extra[i];
        /* ceil(n * N / n_base): never below n, equal to n for a census. */
        cp->officers_total = (long)((n * cp->officers_total + cp->respondents - 1)
                                    / cp->respondents);
        cp->respondents = (long)n;
    }
}

int syn_plan_year(uint64_t seed, int year, long scale, struct syn_year_plan *plan,
                  struct prev_error *err)
{
    long long pop_total = 0;
    int rc;

    if (year < SYN_YEAR_MIN || year > SYN_YEAR_MAX)
        return prev_fail(err, PREV_EX_USAGE, "", "survey year %d is outside %d..%d",
                         year, SYN_YEAR_MIN, SYN_YEAR_MAX);
    if (scale != 0 && (scale < SYN_NCOUNTIES || scale > SCALE_LIBRARY_MAX))
        return prev_fail(err, PREV_EX_USAGE, "",
                         "scale %ld is outside %d..%ld respondents", scale,
                         SYN_NCOUNTIES, SCALE_LIBRARY_MAX);
    plan->seed = seed;
    plan->year = year;
    plan->scale = scale;
    plan->youth_target = statewide_youth(year);
    for (int i = 0; i < SYN_NCOUNTIES; i++)
        pop_total += syn_counties[i].youth_pop;
    for (int i = 0; i < SYN_NCOUNTIES; i++)
        if ((rc = plan_county(plan, i, pop_total, err)) != 0)
            return rc;
    if (scale != 0)
        scale_plan(plan);
    return 0;
}
