#ifndef COL_LISTING_H
#define COL_LISTING_H

#include <stdbool.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "output.h"
#include "prev_error.h"

/* `prevalence batches`: every batch with its provenance and status,
 * oldest first; year 0 for all, else those holding that survey year.
 * Returns 0, or 69/70 with err filled. */
int col_list_batches(PGconn *conn, int year, enum col_format format, FILE *out,
                     struct prev_error *err);

/* `prevalence status`: per survey year and county, respondents loaded,
 * the frame's officers_total, the response rate, caseload covered and the
 * frame's youth_total, with every county listed (those without data say
 * so). year 0: every year with data. verify: also count rows that break
 * rules the collector enforces (the response_integrity view; a full scan)
 * and compare each batch's row count and scope with its rows (the
 * batch_integrity view), and warn on diag. */
int col_list_status(PGconn *conn, int year, enum col_format format, bool verify, FILE *out,
                    FILE *diag, struct prev_error *err);

#endif
