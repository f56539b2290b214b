/* Reports on what is loaded. Both read batches, batch_scope and frames
 * only, never `responses`, so they stay instant whatever its size. */
#include "listing.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "parse.h"

#define ISO_UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

static PGresult *query_year(PGconn *conn, const char *sql, int year)
{
    char y[16];
    const char *params[1] = {NULL};

    if (year != 0) {
        snprintf(y, sizeof y, "%d", year);
        params[0] = y;
    }
    return PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
}

/* A JSON array from a text of items separated by sep; numbers when asked. */
static json_t *split_array(const char *text, const char *sep, bool numbers)
{
    json_t *a = json_array();
    const char *p = text;
    size_t seplen = strlen(sep);

    while (a != NULL && *p != '\0') {
        const char *end = strstr(p, sep);
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        char item[128];
        snprintf(item, sizeof item, "%.*s", (int)n, p);
        json_array_append_new(a, numbers ? json_integer(strtoll(item, NULL, 10))
                                         : json_string(item));
        p += n;
        if (end != NULL)
            p += seplen;
    }
    return a;
}

static json_t *json_text_or_null(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

static json_t *json_int_or_null(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? json_null()
                                      : json_integer(strtoll(PQgetvalue(res, row, col), NULL, 10));
}

static int print_json(json_t *doc, FILE *out, struct prev_error *err)
{
    int rc = 0;

    if (doc == NULL || json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "cannot write JSON");
    else
        fputc('\n', out);
    json_decref(doc);
    return rc;
}

int col_list_batches(PGconn *conn, int year, enum col_format format, FILE *out,
                     struct prev_error *err)
{
    static const char *csv_headers[] = {
        "batch_id", "kind", "file_name", "row_count", "loaded_at", "tool_version", "sha256",
        "status", "superseded_by", "superseded_at", "survey_years", "counties",
    };
    static const char *table_headers[] = {
        "batch", "kind", "file", "rows", "loaded (UTC)", "status", "years", "counties", "sha256",
    };
    static const bool table_right[] = {true, false, false, true, false, false, false, false, false};
    PGresult *res = NULL;
    struct col_grid grid;
    json_t *doc = NULL;
    int rc = 0;

    res = query_year(conn,
                     "SELECT b.batch_id, b.kind, b.file_name, b.row_count, "
                     ISO_UTC("b.loaded_at") ", b.tool_version, b.sha256, b.superseded, "
                     "       b.superseded_by, " ISO_UTC("b.superseded_at") ","
                     "       coalesce((SELECT string_agg(DISTINCT s.survey_year::text, ' ')"
                     "                   FROM batch_scope s WHERE s.batch_id = b.batch_id), ''),"
                     "       coalesce((SELECT string_agg(c.name, '; ' ORDER BY c.name)"
                     "                   FROM counties c WHERE c.fips IN (SELECT s.fips FROM"
                     "                        batch_scope s WHERE s.batch_id = b.batch_id)), ''),"
                     "       (SELECT count(DISTINCT s.fips) FROM batch_scope s"
                     "         WHERE s.batch_id = b.batch_id),"
                     "       to_char(b.loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
                     "  FROM batches b"
                     " WHERE $1::int IS NULL OR EXISTS (SELECT 1 FROM batch_scope s"
                     "        WHERE s.batch_id = b.batch_id AND s.survey_year = $1::int)"
                     " ORDER BY b.batch_id",
                     year);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "listing batches");
        goto done;
    }
    if (format == COL_FORMAT_JSON) {
        doc = json_array();
        for (int i = 0; doc != NULL && i < PQntuples(res); i++) {
            bool superseded = PQgetvalue(res, i, 7)[0] == 't';
            json_t *o = json_object();
            json_object_set_new(o, "batch_id", json_int_or_null(res, i, 0));
            json_object_set_new(o, "kind", json_text_or_null(res, i, 1));
            json_object_set_new(o, "file_name", json_text_or_null(res, i, 2));
            json_object_set_new(o, "row_count", json_int_or_null(res, i, 3));
            json_object_set_new(o, "loaded_at", json_text_or_null(res, i, 4));
            json_object_set_new(o, "tool_version", json_text_or_null(res, i, 5));
            json_object_set_new(o, "sha256", json_text_or_null(res, i, 6));
            json_object_set_new(o, "status", json_string(superseded ? "superseded" : "active"));
            json_object_set_new(o, "superseded_by", json_int_or_null(res, i, 8));
            json_object_set_new(o, "superseded_at", json_text_or_null(res, i, 9));
            json_object_set_new(o, "survey_years", split_array(PQgetvalue(res, i, 10), " ", true));
            json_object_set_new(o, "counties", split_array(PQgetvalue(res, i, 11), "; ", false));
            json_array_append_new(doc, o);
        }
        rc = print_json(doc, out, err);
        goto done;
    }
    if (format == COL_FORMAT_CSV) {
        col_grid_init(&grid, 12, csv_headers, NULL);
        for (int i = 0; i < PQntuples(res); i++) {
            const char *v[12];
            for (int c = 0; c < 12; c++)
                v[c] = PQgetvalue(res, i, c);
            v[7] = v[7][0] == 't' ? "superseded" : "active";
            if (col_grid_add(&grid, v) != 0) {
                rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
                break;
            }
        }
        if (rc == 0)
            col_grid_print_csv(&grid, out);
        col_grid_free(&grid);
        goto done;
    }
    col_grid_init(&grid, 9, table_headers, table_right);
    for (int i = 0; i < PQntuples(res); i++) {
        char status[48], counties[64], sha[16];
        const char *v[9];
        long ncounties = strtol(PQgetvalue(res, i, 12), NULL, 10);
        if (PQgetvalue(res, i, 7)[0] == 't')
            snprintf(status, sizeof status, "superseded by %s", PQgetvalue(res, i, 8));
        else
            snprintf(status, sizeof status, "active");
        /* a whole state's worth of names does not fit a terminal line */
        if (ncounties > 3)
            snprintf(counties, sizeof counties, "%ld counties", ncounties);
        else
            snprintf(counties, sizeof counties, "%s", PQgetvalue(res, i, 11));
        snprintf(sha, sizeof sha, "%.12s", PQgetvalue(res, i, 6));
        v[0] = PQgetvalue(res, i, 0);
        v[1] = PQgetvalue(res, i, 1);
        v[2] = PQgetvalue(res, i, 2);
        v[3] = PQgetvalue(res, i, 3);
        v[4] = PQgetvalue(res, i, 13);
        v[5] = status;
        v[6] = PQgetvalue(res, i, 10);
        v[7] = counties;
        v[8] = sha;
        if (col_grid_add(&grid, v) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
            break;
        }
    }
    if (rc == 0)
        col_grid_print_table(&grid, out);
    col_grid_free(&grid);
done:
    PQclear(res);
    return rc;
}

/* ---- status ------------------------------------------------------------- */

static const char status_sql[] =
    "WITH resp AS ("
    "  SELECT s.survey_year, s.fips, sum(s.row_count) AS respondents, sum(s.caseload) AS caseload"
    "    FROM batch_scope s JOIN batches b USING (batch_id)"
    "   WHERE NOT b.superseded AND b.kind = 'responses'"
    "   GROUP BY 1, 2),"
    " fr AS (SELECT survey_year, fips, officers_total, youth_total FROM frames WHERE active),"
    " years AS (SELECT $1::int AS survey_year WHERE $1::int IS NOT NULL"
    "           UNION SELECT survey_year FROM resp WHERE $1::int IS NULL"
    "           UNION SELECT survey_year FROM fr WHERE $1::int IS NULL)"
    "SELECT y.survey_year, c.fips, c.name, coalesce(r.respondents, 0), f.officers_total,"
    "       coalesce(r.caseload, 0), f.youth_total"
    "  FROM years y CROSS JOIN counties c"
    "  LEFT JOIN resp r ON r.survey_year = y.survey_year AND r.fips = c.fips"
    "  LEFT JOIN fr f ON f.survey_year = y.survey_year AND f.fips = c.fips"
    " ORDER BY 1, 2";

struct status_row {
    const char *year, *fips, *name;
    long respondents, caseload;
    bool have_frame;
    long officers, youth;
    bool has_rate, has_share;
    double rate, share;
    const char *state;
};

static void status_row_read(PGresult *res, int i, struct status_row *s)
{
    s->year = PQgetvalue(res, i, 0);
    s->fips = PQgetvalue(res, i, 1);
    s->name = PQgetvalue(res, i, 2);
    s->respondents = strtol(PQgetvalue(res, i, 3), NULL, 10);
    s->have_frame = !PQgetisnull(res, i, 4);
    s->officers = s->have_frame ? strtol(PQgetvalue(res, i, 4), NULL, 10) : 0;
    s->caseload = strtol(PQgetvalue(res, i, 5), NULL, 10);
    s->youth = s->have_frame ? strtol(PQgetvalue(res, i, 6), NULL, 10) : 0;
    s->has_rate = s->have_frame && s->officers > 0;
    s->rate = s->has_rate ? (double)s->respondents / (double)s->officers : 0;
    s->has_share = s->have_frame && s->youth > 0;
    s->share = s->has_share ? (double)s->caseload / (double)s->youth : 0;
    if (s->respondents == 0 && !s->have_frame)
        s->state = "no data";
    else if (s->respondents == 0)
        s->state = "no responses";
    else if (!s->have_frame)
        s->state = "no frame";
    else
        s->state = "ok";
}

static int verify_integrity(PGconn *conn, FILE *diag, struct prev_error *err)
{
    PGresult *res = PQexec(conn, "SELECT problem, count(*) FROM response_integrity GROUP BY 1 "
                                 "ORDER BY 1");
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "verifying responses");
    } else if (PQntuples(res) == 0) {
        fprintf(diag, "prevalence: verified: every response row keeps the collector's rules\n");
    } else {
        for (int i = 0; i < PQntuples(res); i++)
            fprintf(diag, "prevalence: warning: %s: %s row%s (see the response_integrity "
                          "view)\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
                    strcmp(PQgetvalue(res, i, 1), "1") == 0 ? "" : "s");
    }
    PQclear(res);
    return rc;
}

/* Each batch's recorded row count and scope against the rows that carry
 * its batch_id (the batch_integrity view, sql/004_collector_rules.sql):
 * one warning per batch, or per batch and county-year. */
static int verify_batches(PGconn *conn, FILE *diag, struct prev_error *err)
{
    PGresult *res = PQexec(conn, "SELECT i.batch_id, i.survey_year, c.name, i.problem"
                                 "  FROM batch_integrity i LEFT JOIN counties c USING (fips)"
                                 " ORDER BY i.batch_id, i.survey_year NULLS FIRST, i.fips,"
                                 "          i.problem");
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "verifying batches");
    } else if (PQntuples(res) == 0) {
        fprintf(diag, "prevalence: verified: every batch's row count and scope match its "
                      "rows\n");
    } else {
        for (int i = 0; i < PQntuples(res); i++) {
            if (PQgetisnull(res, i, 1))
                fprintf(diag, "prevalence: warning: batch %s %s (see the batch_integrity "
                              "view)\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 3));
            else
                fprintf(diag, "prevalence: warning: batch %s, %s %s: %s (see the "
                              "batch_integrity view)\n", PQgetvalue(res, i, 0),
                        PQgetvalue(res, i, 2), PQgetvalue(res, i, 1), PQgetvalue(res, i, 3));
        }
    }
    PQclear(res);
    return rc;
}

int col_list_status(PGconn *conn, int year, enum col_format format, bool verify, FILE *out,
                    FILE *diag, struct prev_error *err)
{
    static const char *csv_headers[] = {
        "survey_year", "fips", "county", "respondents", "officers_total", "response_rate",
        "caseload", "youth_total", "caseload_share", "status",
    };
    static const char *table_headers[] = {
        "year", "county", "respondents", "officers", "response rate", "caseload", "youth",
        "caseload share", "status",
    };
    static const bool table_right[] = {false, false, true, true, true, true, true, true, false};
    PGresult *res = NULL;
    struct col_grid grid;
    json_t *doc = NULL;
    int rc = 0;

    if (verify && ((rc = verify_integrity(conn, diag, err)) != 0
                   || (rc = verify_batches(conn, diag, err)) != 0))
        return rc;
    res = query_year(conn, status_sql, year);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading status");
        goto done;
    }
    if (PQntuples(res) == 0) {
        fprintf(diag, "prevalence: nothing is loaded yet\n");
        if (format == COL_FORMAT_JSON)
            rc = print_json(json_array(), out, err);
        else if (format == COL_FORMAT_CSV) {
            col_grid_init(&grid, 10, csv_headers, NULL);
            col_grid_print_csv(&grid, out);
        }
        goto done;
    }
    if (format == COL_FORMAT_JSON) {
        doc = json_array();
        for (int i = 0; doc != NULL && i < PQntuples(res); i++) {
            struct status_row s;
            json_t *o = json_object();
            status_row_read(res, i, &s);
            json_object_set_new(o, "survey_year", json_integer(strtol(s.year, NULL, 10)));
            json_object_set_new(o, "fips", json_string(s.fips));
            json_object_set_new(o, "county", json_string(s.name));
            json_object_set_new(o, "respondents", json_integer(s.respondents));
            json_object_set_new(o, "officers_total",
                                s.have_frame ? json_integer(s.officers) : json_null());
            json_object_set_new(o, "response_rate", s.has_rate ? json_real(s.rate) : json_null());
            json_object_set_new(o, "caseload", json_integer(s.caseload));
            json_object_set_new(o, "youth_total", s.have_frame ? json_integer(s.youth)
                                                                : json_null());
            json_object_set_new(o, "caseload_share",
                                s.has_share ? json_real(s.share) : json_null());
            json_object_set_new(o, "status", json_string(s.state));
            json_array_append_new(doc, o);
        }
        rc = print_json(doc, out, err);
        goto done;
    }
    col_grid_init(&grid, format == COL_FORMAT_CSV ? 10 : 9,
                  format == COL_FORMAT_CSV ? csv_headers : table_headers,
                  format == COL_FORMAT_CSV ? NULL : table_right);
    for (int i = 0; i < PQntuples(res); i++) {
        struct status_row s;
        char resp[24], off[24], rate[40], load[24], youth[24], share[40];
        const char *v[10];
        status_row_read(res, i, &s);
        snprintf(resp, sizeof resp, "%ld", s.respondents);
        snprintf(load, sizeof load, "%ld", s.caseload);
        snprintf(off, sizeof off, "%ld", s.officers);
        snprintf(youth, sizeof youth, "%ld", s.youth);
        if (format == COL_FORMAT_CSV) {
            /* full precision for programs */
            prev_fmt_double(rate, sizeof rate, s.rate);
            prev_fmt_double(share, sizeof share, s.share);
            v[0] = s.year;
            v[1] = s.fips;
            v[2] = s.name;
            v[3] = resp;
            v[4] = s.have_frame ? off : "";
            v[5] = s.has_rate ? rate : "";
            v[6] = load;
            v[7] = s.have_frame ? youth : "";
            v[8] = s.has_share ? share : "";
            v[9] = s.state;
        } else {
            snprintf(rate, sizeof rate, "%.1f%%", 100.0 * s.rate);
            snprintf(share, sizeof share, "%.1f%%", 100.0 * s.share);
            v[0] = s.year;
            v[1] = s.name;
            v[2] = resp;
            v[3] = s.have_frame ? off : "-";
            v[4] = s.has_rate ? rate : "-";
            v[5] = load;
            v[6] = s.have_frame ? youth : "-";
            v[7] = s.has_share ? share : "-";
            v[8] = s.state;
        }
        if (col_grid_add(&grid, v) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
            break;
        }
    }
    if (rc == 0 && format == COL_FORMAT_CSV) {
        col_grid_print_csv(&grid, out);
    } else if (rc == 0) {
        col_grid_print_table(&grid, out);
        /* the question a coordinator asks first: who has not sent data */
        int missing = 0;
        for (int i = 0; i < PQntuples(res); i++) {
            struct status_row s;
            bool first_of_year = i == 0 || strcmp(PQgetvalue(res, i - 1, 0),
                                                  PQgetvalue(res, i, 0)) != 0;
            bool last_of_year = i + 1 == PQntuples(res)
                                || strcmp(PQgetvalue(res, i + 1, 0), PQgetvalue(res, i, 0)) != 0;
            if (first_of_year)
                missing = 0;
            status_row_read(res, i, &s);
            if (s.respondents == 0) {
                if (missing == 0)
                    fprintf(out, "\nno responses yet for %s: ", s.year);
                fprintf(out, "%s%s", missing > 0 ? ", " : "", s.name);
                missing++;
            }
            if (last_of_year && missing > 0)
                fputc('\n', out);
        }
    }
    col_grid_free(&grid);
done:
    PQclear(res);
    return rc;
}
