#ifndef REP_REPORT_PUBLISH_H
#define REP_REPORT_PUBLISH_H

#include <libpq-fe.h>

#include "prev_error.h"
#include "report_model.h"

/* The database edge of `prevalence publish`: the report's two published
 * tables (rep_publish_table, the very cells of tables/county_estimates.csv
 * and tables/officer_measure.csv) into publications and
 * published_estimates (sql/003_roles.sql), whence prevalence_reader reads
 * them through the view published_county_estimates. */

/* Replace the current publication of in->survey_year by main and officers
 * in one transaction; the previous one stays on record, superseded.
 * *publication_id is the new publication. Needs the prevalence_owner role.
 * Errors: 69 database, 77 permission denied. */
int rep_report_publish(PGconn *conn, const struct rep_report_input *in,
                      const struct rep_pub_table *main, const struct rep_pub_table *officers,
                      long *publication_id, struct prev_error *err);

#endif
