/* prevalence db verify: every batch's rows against the digest recorded when
 * it was loaded (sql/006_content_digests.sql), and the schema against the
 * migrations this version knows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* One batch as recorded and as its rows are now. The query is one pass over
 * responses and frames (prevalence_content_digests groups them by batch),
 * not one scan per batch. A FULL JOIN, so rows carrying a batch_id that
 * names no batch are found too. */
static const char verify_sql[] =
    "WITH wanted AS ("
    "    SELECT b.batch_id FROM batches b"
    "     WHERE $1::integer IS NULL"
    "        OR EXISTS (SELECT 1 FROM batch_scope s"
    "                    WHERE s.batch_id = b.batch_id AND s.survey_year = $1::integer)"
    "), now_ AS ("
    "    SELECT * FROM prevalence_content_digests("
    "        CASE WHEN $1::integer IS NULL THEN NULL"
    "             ELSE ARRAY(SELECT batch_id FROM wanted) END)"
    ")"
    " SELECT coalesce(b.batch_id, d.batch_id), b.kind, b.file_name, b.superseded,"
    "        b.row_count, c.row_count, c.content_sha256, c.at_upgrade,"
    "        coalesce(d.row_count, 0), d.content_sha256, b.batch_id IS NULL"
    "   FROM (SELECT * FROM batches WHERE batch_id IN (SELECT batch_id FROM wanted)) b"
    "   LEFT JOIN batch_content c ON c.batch_id = b.batch_id"
    "   FULL JOIN now_ d ON d.batch_id = b.batch_id"
    "  ORDER BY 1";

/* Each batch's stored sums (batch_sums, sql/008_batch_sums.sql) against
 * what its rows add up to now: the groups that differ, one line per batch
 * and county-year. Every estimate reads the sums, so a difference here is
 * a wrong published number even when the rows are intact. */
static const char sums_sql[] =
    "WITH wanted AS ("
    "    SELECT DISTINCT batch_id FROM batch_scope"
    "     WHERE $1::integer IS NULL OR survey_year = $1::integer"
    "    UNION SELECT batch_id FROM batch_sums"
    "     WHERE $1::integer IS NULL OR survey_year = $1::integer"
    "), now_ AS ("
    "    SELECT * FROM prevalence_batch_sums_from_rows("
    "        CASE WHEN $1::integer IS NULL THEN NULL"
    "             ELSE ARRAY(SELECT batch_id FROM wanted) END)"
    "), kept AS ("
    "    SELECT * FROM batch_sums"
    "     WHERE $1::integer IS NULL OR batch_id IN (SELECT batch_id FROM wanted)"
    ")"
    " SELECT DISTINCT coalesce(s.batch_id, d.batch_id), b.kind, b.file_name,"
    "        coalesce(s.survey_year, d.survey_year), k.name"
    "   FROM kept s"
    "   FULL JOIN now_ d ON d.batch_id = s.batch_id AND d.survey_year = s.survey_year"
    "                   AND d.fips = s.fips AND d.role = s.role AND d.active = s.active"
    "   LEFT JOIN batches b ON b.batch_id = coalesce(s.batch_id, d.batch_id)"
    "   LEFT JOIN counties k ON k.fips = coalesce(s.fips, d.fips)"
    "  WHERE (s.respondents, s.caseload, s.caseload_sq, s.confirmed, s.confirmed_sq,"
    "         s.confirmed_caseload, s.any_case, s.any_sq, s.any_caseload,"
    "         s.officers_confirmed)"
    "        IS DISTINCT FROM"
    "        (d.respondents, d.caseload, d.caseload_sq, d.confirmed, d.confirmed_sq,"
    "         d.confirmed_caseload, d.any_case, d.any_sq, d.any_caseload,"
    "         d.officers_confirmed)"
    "  ORDER BY 1, 4, 5";

static int verify_sums(PGconn *conn, const char *const params[1], FILE *diag, int *problems,
                       struct prev_error *err)
{
    PGresult *res = PQexecParams(conn, sums_sql, 1, NULL, params, NULL, NULL, 0);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "verifying batch sums");
        goto done;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = PQgetvalue(res, i, 0);
        fprintf(diag, "prevalence: batch %s (%s, %s): its stored sums for %s %s (batch_sums, "
                      "which every estimate reads) differ from what its rows add up to; "
                      "SELECT prevalence_batch_sums_refresh(%s) recomputes them from the "
                      "rows\n", id, PQgetisnull(res, i, 1) ? "no such batch" : PQgetvalue(res, i, 1),
                PQgetisnull(res, i, 2) ? "-" : PQgetvalue(res, i, 2),
                PQgetisnull(res, i, 4) ? "county ?" : PQgetvalue(res, i, 4),
                PQgetvalue(res, i, 3), id);
        (*problems)++;
    }
done:
    PQclear(res);
    return rc;
}

int db_verify(PGconn *conn, int year, FILE *out, FILE *diag, struct prev_error *err)
{
    PGresult *res = NULL;
    char ybuf[16];
    const char *params[1];
    int rc = 0, version = 0, n_migrations = 0, problems = 0, at_upgrade = 0;
    long long rows = 0;

    if ((rc = db_check_migrations(conn, &version, &n_migrations, err)) != 0)
        return rc;
    snprintf(ybuf, sizeof ybuf, "%d", year);
    params[0] = year > 0 ? ybuf : NULL;
    if ((rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)) != 0)
        return rc;
    res = PQexecParams(conn, verify_sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "verifying batches");
        goto done;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = PQgetvalue(res, i, 0);
        const char *kind = PQgetvalue(res, i, 1), *file = PQgetvalue(res, i, 2);
        bool orphan = strcmp(PQgetvalue(res, i, 10), "t") == 0;
        bool no_digest = PQgetisnull(res, i, 6);
        long long recorded = no_digest ? 0 : strtoll(PQgetvalue(res, i, 5), NULL, 10);
        long long batch_rows = orphan ? 0 : strtoll(PQgetvalue(res, i, 4), NULL, 10);
        long long now_rows = strtoll(PQgetvalue(res, i, 8), NULL, 10);
        const char *now_sha = PQgetisnull(res, i, 9) ? "" : PQgetvalue(res, i, 9);
        char what[1200];

        rows += now_rows;
        snprintf(what, sizeof what, "batch %s (%s, %s)", id, kind, file);
        if (orphan) {
            fprintf(diag, "prevalence: batch %s: %lld rows carry this batch_id, but no such "
                          "batch exists\n", id, now_rows);
            problems++;
            continue;
        }
        if (strcmp(PQgetvalue(res, i, 7), "t") == 0)
            at_upgrade++;
        if (no_digest) {
            fprintf(diag, "prevalence: %s: no content digest is recorded for it, so its rows "
                          "cannot be checked (it was not loaded by prevalence_finish_batch)\n",
                    what);
            problems++;
        } else if (now_rows != recorded) {
            fprintf(diag, "prevalence: %s: %lld rows when it was loaded, %lld now; rows were "
                          "%s since\n", what, recorded, now_rows,
                    now_rows < recorded ? "lost or deleted" : "added");
            problems++;
        } else if (strcmp(now_sha, PQgetvalue(res, i, 6)) != 0) {
            fprintf(diag, "prevalence: %s: its %lld rows changed since it was loaded (content "
                          "sha256 %.12s... recorded, %.12s... now)\n",
                    what, now_rows, PQgetvalue(res, i, 6), now_sha);
            problems++;
        } else if (batch_rows != now_rows) {
            fprintf(diag, "prevalence: %s: batches.row_count says %lld, but it holds %lld "
                          "rows\n", what, batch_rows, now_rows);
            problems++;
        }
    }
    if ((rc = verify_sums(conn, params, diag, &problems, err)) != 0)
        goto done;
    if (problems > 0) {
        rc = prev_fail(err, PREV_EX_DATA, "", "%d batch%s no longer hold%s the rows loaded "
                       "(above); restore the last good backup (prevalence db restore)",
                       problems, problems == 1 ? "" : "es", problems == 1 ? "s" : "");
        goto done;
    }
    fprintf(out, "verified %d batch%s%s, %lld rows: each holds exactly the rows it was "
                 "loaded with; schema version %d (%d migration%s)\n",
            PQntuples(res), PQntuples(res) == 1 ? "" : "es",
            year > 0 ? " of that year" : "", rows, version, n_migrations,
            n_migrations == 1 ? "" : "s");
    if (at_upgrade > 0)
        fprintf(out, "note: %d batch%s loaded before digests existed (migration 006) %s "
                     "checked against the digest taken at that upgrade\n",
                at_upgrade, at_upgrade == 1 ? "" : "es", at_upgrade == 1 ? "is" : "are");
done:
    PQclear(res);
    res = PQexec(conn, "ROLLBACK");
    PQclear(res);
    return rc;
}
