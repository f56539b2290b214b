/* Streaming a county's roster: officers one at a time, respondents picked
 * as they pass, so memory does not grow with the number of rows. */
#include <stdio.h>

#include "rng.h"
#include "synth.h"

/* The role mix of a department of the usual structure, in percent. */
#define PCT_SUPERVISOR 12
#define PCT_OTHER 6                 /* surveillance officers, court staff */
#define PCT_INTENSIVE 15            /* of probation officers: JIPS */
#define PCT_SUPERVISOR_WITH_CASES 20
/* Caseloads: 30-40 youth on standard probation (Maricopa County Juvenile
 * Probation's description of the job); at most 15 for a one-person
 * intensive probation team (A.R.S. 8-353(B)). */
#define STANDARD_LO 30
#define STANDARD_HI 40
#define INTENSIVE_LO 8
#define INTENSIVE_HI 15
#define SUPERVISOR_HI 5
#define OTHER_HI 12
/* Officer-level clustering: an officer's risk relative to the county rate
 * is X = (CLUSTER_N + 1) / 2 times the second smallest of CLUSTER_N
 * uniforms, i.e. X ~ 8 Beta(2, 14): mean 1, standard deviation 0.64.
 * Many caseloads hold no victim and a few hold several, and about 60% of
 * respondents report at least one, as the 2015 ASU survey found. Order
 * statistics need only comparisons, so no rounding can differ between
 * machines. */
#define CLUSTER_N 15

static const char ROLE_OFFICER[] = "probation_officer";
static const char ROLE_SUPERVISOR[] = "supervisor";
static const char ROLE_OTHER[] = "other";

/* Draw the role and caseload of roster position i. */
static void draw_officer(gsl_rng *r, const struct syn_county_plan *cp, long i,
                         struct syn_row *row)
{
    long pick;

    if (cp->caseload_hi > 0) {
        row->role = ROLE_OFFICER;
        row->caseload = syn_rng_between(r, cp->caseload_lo, cp->caseload_hi);
        return;
    }
    /* The first officer on a roster carries a standard caseload, so even a
     * one-officer department supervises its county's youth. */
    pick = i == 0 ? 99 : syn_rng_between(r, 0, 99);
    if (pick < PCT_SUPERVISOR) {
        row->role = ROLE_SUPERVISOR;
        row->caseload = syn_rng_between(r, 0, 99) < PCT_SUPERVISOR_WITH_CASES
                        ? syn_rng_between(r, 1, SUPERVISOR_HI) : 0;
    } else if (pick < PCT_SUPERVISOR + PCT_OTHER) {
        row->role = ROLE_OTHER;
        row->caseload = syn_rng_between(r, 0, OTHER_HI);
    } else {
        row->role = ROLE_OFFICER;
        if (i != 0 && syn_rng_between(r, 0, 99) < PCT_INTENSIVE)
            row->caseload = syn_rng_between(r, INTENSIVE_LO, INTENSIVE_HI);
        else
            row->caseload = syn_rng_between(r, STANDARD_LO, STANDARD_HI);
    }
}

/* Count confirmed and suspected victims on a respondent's caseload. Rates
 * are fractions of 2^32 so that one 32-bit draw decides each youth. */
static void draw_victims(gsl_rng *r, const struct syn_county_plan *cp, struct syn_row *row)
{
    const uint64_t one = UINT64_C(1) << 32;
    uint64_t lo1 = UINT32_MAX, lo2 = UINT32_MAX, p_conf, p_susp;

    for (int k = 0; k < CLUSTER_N; k++) {
        uint64_t u = syn_rng_u32(r);
        if (u < lo1) {
            lo2 = lo1;
            lo1 = u;
        } else if (u < lo2) {
            lo2 = u;
        }
    }
    /* lo2 / 2^32 is the order statistic; rates are fractions of 2^32, so
     * p = lo2 * 8 * ppm / 10^6, below 2^53: no overflow. */
    p_conf = lo2 * ((CLUSTER_N + 1) / 2) * cp->confirmed_ppm / 1000000;
    p_susp = lo2 * ((CLUSTER_N + 1) / 2) * cp->suspected_ppm / 1000000;
    if (p_conf > one)
        p_conf = one;
    if (p_susp > one - p_conf)
        p_susp = one - p_conf;
    row->confirmed = row->suspected = 0;
    for (long y = 0; y < row->caseload; y++) {
        uint64_t u = syn_rng_u32(r);
        if (u < p_conf)
            row->confirmed++;
        else if (u < p_conf + p_susp)
            row->suspected++;
    }
}

int syn_generate_county(const struct syn_year_plan *plan, int idx,
                        int (*emit)(void *ctx, const struct syn_row *row), void *ctx,
                        struct syn_county_totals *totals, struct prev_error *err)
{
    const struct syn_county_plan *cp = NULL;
    struct syn_county_totals t = {0};
    struct syn_row row;
    gsl_rng *r = NULL;
    long need;
    int rc = 0;

    if (idx < 0 || idx >= SYN_NCOUNTIES)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "no county %d", idx);
    cp = &plan->county[idx];
    if ((r = syn_rng_new(plan->seed, plan->year, idx, SYN_STREAM_ROSTER)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    row.survey_year = plan->year;
    row.county = cp->county;
    need = cp->respondents;
    t.officers_total = cp->officers_total;
    for (long i = 0; i < cp->officers_total; i++) {
        draw_officer(r, cp, i, &row);
        t.youth_total += row.caseload;
        /* Algorithm S: take officer i with probability
         * (still needed) / (officers left), which picks exactly
         * `respondents` officers, every subset equally likely. */
        if (need == 0 || syn_rng_between(r, 0, cp->officers_total - i - 1) >= need)
            continue;
        need--;
        draw_victims(r, cp, &row);
        /* Codes were handed to the whole roster before the survey, so the
         * respondents' codes have gaps where officers did not answer. */
        snprintf(row.respondent_id, sizeof row.respondent_id, "%s-%d-%04ld",
                 cp->county->code, plan->year, i + 1);
        t.respondents++;
        t.caseload += row.caseload;
        t.confirmed += row.confirmed;
        t.suspected += row.suspected;
        t.with_confirmed += row.confirmed > 0;
        if ((rc = emit(ctx, &row)) != 0)
            goto done;
    }
    if (t.respondents != cp->respondents)
        rc = prev_fail(err, PREV_EX_SOFTWARE, cp->county->name,
                       "picked %ld respondents, planned %ld", t.respondents,
                       cp->respondents);
done:
    if (r != NULL)
        gsl_rng_free(r);
    if (rc == 0 && totals != NULL)
        *totals = t;
    return rc;
}
