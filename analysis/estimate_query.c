/* The one aggregate query behind `prevalence estimate`. */
#include "estimate_query.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "parse.h"

/* Respondents are the PSUs, so a PSU's totals are the row's own values and
 * the variance needs only per-county counts, sums, sums of squares and
 * cross products (docs/methods.md, "Variance by linearization"). The
 * database keeps them per batch, county and role in batch_sums, equal to
 * the rows by its triggers (sql/008_batch_sums.sql), so this reads a few
 * rows per county whatever the number of respondents. Every sum is an
 * exact bigint (each product is at most 1000 * 1000); sum(bigint) is a
 * numeric, cast back. */
static const char estimate_sql[] =
    "WITH r AS (\n"
    "  SELECT fips,\n"
    "         sum(respondents)::bigint AS n,\n"
    "         sum(caseload)::bigint AS sx,\n"
    "         sum(caseload_sq)::bigint AS sxx,\n"
    "         sum(confirmed)::bigint AS c,\n"
    "         sum(confirmed_sq)::bigint AS cc,\n"
    "         sum(confirmed_caseload)::bigint AS cx,\n"
    "         sum(any_case)::bigint AS a,\n"
    "         sum(any_sq)::bigint AS aa,\n"
    "         sum(any_caseload)::bigint AS ax,\n"
    "         sum(officers_confirmed)::bigint AS o\n"
    "    FROM batch_sums\n"
    "   WHERE active AND survey_year = $1::integer\n"
    "   GROUP BY fips)\n"
    "SELECT k.fips, k.name, f.officers_total, f.youth_total,\n"
    "       coalesce(r.n, 0), coalesce(r.sx, 0), coalesce(r.sxx, 0),\n"
    "       coalesce(r.c, 0), coalesce(r.cc, 0), coalesce(r.cx, 0),\n"
    "       coalesce(r.a, 0), coalesce(r.aa, 0), coalesce(r.ax, 0),\n"
    "       coalesce(r.o, 0)\n"
    "  FROM counties k\n"
    "  LEFT JOIN frames f\n"
    "    ON f.fips = k.fips AND f.active AND f.survey_year = $1::integer\n"
    "  LEFT JOIN r ON r.fips = k.fips\n"
    " ORDER BY k.fips";

enum { COL_FIPS, COL_NAME, COL_OFFICERS, COL_YOUTH, COL_N, COL_SX, COL_SXX, COL_C, COL_CC,
       COL_CX, COL_A, COL_AA, COL_AX, COL_O, N_COLS };

/* The same sums per role and county, only where a role has respondents. */
static const char by_role_sql[] =
    "SELECT role, fips,\n"
    "       sum(respondents)::bigint, sum(caseload)::bigint, sum(caseload_sq)::bigint,\n"
    "       sum(confirmed)::bigint, sum(confirmed_sq)::bigint,\n"
    "       sum(confirmed_caseload)::bigint, sum(any_case)::bigint, sum(any_sq)::bigint,\n"
    "       sum(any_caseload)::bigint, sum(officers_confirmed)::bigint\n"
    "  FROM batch_sums\n"
    " WHERE active AND survey_year = $1::integer\n"
    " GROUP BY role, fips\n"
    "HAVING sum(respondents) > 0\n"
    " ORDER BY array_position(ARRAY['probation_officer', 'supervisor', 'other'], role),\n"
    "          role, fips";

static bool get_int64(const PGresult *res, int row, int col, int64_t *out)
{
    long v;

    if (!prev_parse_long(PQgetvalue(res, row, col), LONG_MIN, LONG_MAX, &v))
        return false;
    *out = (int64_t)v;
    return true;
}

/* Columns first .. first + 9 of row i: the ten sums, in estimate_sql's order. */
static bool get_sums(const PGresult *res, int i, int first, struct an_county_sums *c)
{
    return get_int64(res, i, first, &c->respondents)
           && get_int64(res, i, first + 1, &c->caseload)
           && get_int64(res, i, first + 2, &c->caseload_sq)
           && get_int64(res, i, first + 3, &c->confirmed)
           && get_int64(res, i, first + 4, &c->confirmed_sq)
           && get_int64(res, i, first + 5, &c->confirmed_caseload)
           && get_int64(res, i, first + 6, &c->any)
           && get_int64(res, i, first + 7, &c->any_sq)
           && get_int64(res, i, first + 8, &c->any_caseload)
           && get_int64(res, i, first + 9, &c->officers_confirmed);
}

int an_estimate_query_by_role(PGconn *conn, int survey_year, const struct an_county_sums *whole,
                              size_t n, struct an_domain_sums *out, size_t *ndomains,
                              struct prev_error *err)
{
    PGresult *res = NULL;
    char year[16];
    const char *params[1] = {year};
    int rows, rc = 0;

    *ndomains = 0;
    if (n > AN_MAX_COUNTIES)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "too many counties (%zu)", n);
    snprintf(year, sizeof year, "%d", survey_year);
    res = PQexecParams(conn, by_role_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "estimate query by role");
        goto done;
    }
    rows = PQntuples(res);
    if (PQnfields(res) != 12) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "estimate query by role: unexpected result "
                       "shape (%d columns)", PQnfields(res));
        goto done;
    }
    for (int i = 0; i < rows; i++) {
        const char *role = PQgetvalue(res, i, 0), *fips = PQgetvalue(res, i, 1);
        struct an_domain_sums *d = *ndomains > 0 ? &out[*ndomains - 1] : NULL;
        size_t k;

        if (d == NULL || strcmp(d->name, role) != 0) {
            if (*ndomains == AN_MAX_DOMAINS) {
                rc = prev_fail(err, PREV_EX_SOFTWARE, "", "more than %d roles",
                               AN_MAX_DOMAINS);
                goto done;
            }
            d = &out[(*ndomains)++];
            memset(d, 0, sizeof *d);
            snprintf(d->name, sizeof d->name, "%s", role);
            for (k = 0; k < n; k++) {
                struct an_county_sums *c = &d->c[k];
                snprintf(c->fips, sizeof c->fips, "%s", whole[k].fips);
                snprintf(c->name, sizeof c->name, "%s", whole[k].name);
                c->has_frame = whole[k].has_frame;
                c->officers_total = whole[k].officers_total;
                c->youth_total = whole[k].youth_total;
            }
        }
        for (k = 0; k < n && strcmp(whole[k].fips, fips) != 0; k++)
            ;
        if (k == n || !get_sums(res, i, 2, &d->c[k])) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "estimate query by role: row %d "
                           "(county %s) does not fit the counties", i, fips);
            goto done;
        }
    }
done:
    PQclear(res);
    return rc;
}

int an_estimate_query(PGconn *conn, int survey_year, struct an_county_sums *out, size_t *n,
                      bool *has_frame, long *respondents, struct prev_error *err)
{
    PGresult *res = NULL;
    char year[16];
    const char *params[1] = {year};
    int rows, rc = 0;

    *n = 0;
    *has_frame = false;
    *respondents = 0;
    snprintf(year, sizeof year, "%d", survey_year);
    res = PQexecParams(conn, estimate_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "estimate query");
        goto done;
    }
    rows = PQntuples(res);
    if (PQnfields(res) != N_COLS || rows < 1 || rows > AN_MAX_COUNTIES) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "estimate query: unexpected result shape "
                       "(%d rows, %d columns)", rows, PQnfields(res));
        goto done;
    }
    for (int i = 0; i < rows; i++) {
        struct an_county_sums *c = &out[i];
        int64_t officers = -1, youth = -1;
        bool ok = true;

        memset(c, 0, sizeof *c);
        snprintf(c->fips, sizeof c->fips, "%s", PQgetvalue(res, i, COL_FIPS));
        snprintf(c->name, sizeof c->name, "%s", PQgetvalue(res, i, COL_NAME));
        c->has_frame = !PQgetisnull(res, i, COL_OFFICERS);
        if (c->has_frame)
            ok = get_int64(res, i, COL_OFFICERS, &officers) && get_int64(res, i, COL_YOUTH, &youth);
        c->officers_total = (long)officers;
        c->youth_total = (long)youth;
        ok = ok && get_int64(res, i, COL_N, &c->respondents)
             && get_int64(res, i, COL_SX, &c->caseload)
             && get_int64(res, i, COL_SXX, &c->caseload_sq)
             && get_int64(res, i, COL_C, &c->confirmed)
             && get_int64(res, i, COL_CC, &c->confirmed_sq)
             && get_int64(res, i, COL_CX, &c->confirmed_caseload)
             && get_int64(res, i, COL_A, &c->any)
             && get_int64(res, i, COL_AA, &c->any_sq)
             && get_int64(res, i, COL_AX, &c->any_caseload)
             && get_int64(res, i, COL_O, &c->officers_confirmed);
        if (!ok) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "estimate query: %s: a sum is not a "
                           "whole number within range", c->name);
            goto done;
        }
        if (c->has_frame)
            *has_frame = true;
        *respondents += (long)c->respondents;
    }
    *n = (size_t)rows;
done:
    PQclear(res);
    return rc;
}
