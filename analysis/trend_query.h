#ifndef AN_TREND_QUERY_H
#define AN_TREND_QUERY_H

#include <stddef.h>

#include <libpq-fe.h>

#include "design.h"
#include "estimate.h"
#include "prev_error.h"

/* The database edge of `prevalence trend`: the estimate rows of every
 * survey year in a range, each year exactly as `prevalence estimate
 * --year YEAR` computes it (its one aggregate query, then
 * an_estimate_rows). */

#define AN_TREND_MAX_YEARS 101   /* survey years run 2000..2100 */

struct an_trend_years {
    struct an_estimate_row *rows;   /* nrows: per year with responses, in year
                                     * order, the counties (fips order) then
                                     * the state */
    size_t nrows;
    size_t nyears;                  /* years with responses */
    int years[AN_TREND_MAX_YEARS];
    size_t nskipped;                /* years in the range without responses */
    int skipped[AN_TREND_MAX_YEARS];
    size_t nnotes;
    char notes[AN_MAX_NOTES][200];  /* caveats: no frame, lonely PSUs */
};

/* Fill *out for the years from..to (from <= to) with the measure, method,
 * level and lonely-PSU rule of *opt (its survey_year and has_frame are
 * set per year here). On success the CALLER frees with
 * an_trend_years_free(). Errors: 69 database, 65 as an_estimate_rows
 * (a lonely PSU with AN_LONELY_FAIL, impossible sums), 71 out of memory;
 * *out holds nothing to free then. */
int an_trend_query(PGconn *conn, int from, int to, const struct an_estimate_options *opt,
                   struct an_trend_years *out, struct prev_error *err);
/* The same for the respondents of one role (a domain: the design kept
 * whole, as `estimate --by role`); a year without any respondent of that
 * role is among the skipped ones. */
int an_trend_query_role(PGconn *conn, int from, int to, const struct an_estimate_options *opt,
                        const char *role, struct an_trend_years *out, struct prev_error *err);
void an_trend_years_free(struct an_trend_years *y);

#endif
