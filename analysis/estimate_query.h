#ifndef AN_ESTIMATE_QUERY_H
#define AN_ESTIMATE_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "design.h"
#include "prev_error.h"

/* The database edge of `prevalence estimate`: ONE aggregate query over the
 * active responses of a survey year, grouped by county, returning every
 * county (in fips order, with zeros where nobody responded) with its
 * active frame row and the sufficient statistics of docs/methods.md.
 *
 * out must hold AN_MAX_COUNTIES entries; *n gets the number of counties,
 * *has_frame whether the year has any active frame row, *respondents the
 * number of active responses. Errors: 69 database. */
#define AN_MAX_COUNTIES 64

int an_estimate_query(PGconn *conn, int survey_year, struct an_county_sums *out, size_t *n,
                      bool *has_frame, long *respondents, struct prev_error *err);

/* The domains of `prevalence estimate --by role`: the same sums per county
 * over the respondents of one role, for every role with active responses
 * in the year (in the codebook's order: probation_officer, supervisor,
 * other). whole[0 .. n-1] are an_estimate_query's counties; each domain's
 * c[] copies their names and frames, with the role's sums (zeros where the
 * role has no respondent). out must hold AN_MAX_DOMAINS entries. Errors: 69
 * database, 70 an unexpected result. */
#define AN_MAX_DOMAINS 8

struct an_domain_sums {
    char name[24];
    struct an_county_sums c[AN_MAX_COUNTIES];
};

int an_estimate_query_by_role(PGconn *conn, int survey_year, const struct an_county_sums *whole,
                              size_t n, struct an_domain_sums *out, size_t *ndomains,
                              struct prev_error *err);

#endif
