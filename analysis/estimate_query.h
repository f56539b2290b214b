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

#endif
