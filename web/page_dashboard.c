/* GET /: per county what `prevalence status` shows for one survey year,
 * the last upload, who has sent nothing, and the batches with their
 * provenance. A specialist sees their own county only. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector.h"
#include "db.h"
#include "web_internal.h"

static void cell_int(FILE *out, json_t *v)
{
    if (json_is_integer(v))
        fprintf(out, "<td class=\"n\">%lld</td>", (long long)json_integer_value(v));
    else
        fputs("<td class=\"n\">–</td>", out);
}

static void cell_pct(FILE *out, json_t *v, const char *id)
{
    if (json_is_number(v))
        fprintf(out, "<td class=\"n\"%s%s%s>%.1f%%</td>", id != NULL ? " id=\"" : "",
                id != NULL ? id : "", id != NULL ? "\"" : "", 100.0 * json_number_value(v));
    else
        fprintf(out, "<td class=\"n\"%s%s%s>–</td>", id != NULL ? " id=\"" : "",
                id != NULL ? id : "", id != NULL ? "\"" : "");
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

/* The latest load time of an active batch holding the county. */
static const char *last_upload(json_t *batches, const char *county)
{
    const char *best = NULL;
    size_t i, j;
    json_t *b, *c;
    json_array_foreach(batches, i, b) {
        if (strcmp(str(b, "status"), "active") != 0)
            continue;
        json_array_foreach(json_object_get(b, "counties"), j, c) {
            if (json_is_string(c) && strcmp(json_string_value(c), county) == 0) {
                const char *at = str(b, "loaded_at");
                if (best == NULL || strcmp(at, best) > 0)
                    best = at;
            }
        }
    }
    return best;
}

/* The anonymous questionnaire's counts per county (never an answer):
 * codes issued, used, answers, and answers against the frame. Shown when
 * the year's questionnaire was opened. */
static void write_questionnaire(FILE *out, PGconn *db, int year, const char *fips)
{
    enum db_survey_window state;
    struct prev_error err;
    PGresult *res = NULL;

    prev_error_clear(&err);
    if (db_survey_state(db, year, &state, &err) != 0 || state == DB_SURVEY_NOT_OPENED
        || db_survey_status(db, year, &res, &err) != 0) {
        if (err.code != 0)
            fprintf(stderr, "prevalence serve: dashboard: %s\n", err.msg);
        return;
    }
    fprintf(out, "<h2>Officer questionnaire %d: %s</h2>\n<div class=\"scroll\">"
                 "<table id=\"questionnaire\">\n<tr><th>County</th><th class=\"n\">Codes "
                 "issued</th><th class=\"n\">Codes used</th><th class=\"n\">Answers</th>"
                 "<th class=\"n\">Officers in frame</th><th class=\"n\">Response rate</th>"
                 "</tr>\n", year, state == DB_SURVEY_OPEN ? "open" : "closed");
    for (int i = 0; i < PQntuples(res); i++) {
        const char *officers = PQgetvalue(res, i, 6);
        if (fips != NULL && fips[0] != '\0' && strcmp(fips, PQgetvalue(res, i, 1)) != 0)
            continue;
        if (strcmp(PQgetvalue(res, i, 2), "0") == 0)
            continue;
        fprintf(out, "<tr id=\"q-%s\"><td>", PQgetvalue(res, i, 1));
        web_html(out, PQgetvalue(res, i, 0));
        fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                     "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">",
                PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), PQgetvalue(res, i, 5),
                PQgetisnull(res, i, 6) ? "–" : officers);
        if (!PQgetisnull(res, i, 6) && atol(officers) > 0)
            fprintf(out, "%.0f%%", 100.0 * atof(PQgetvalue(res, i, 5)) / atof(officers));
        else
            fputs("–", out);
        fputs("</td></tr>\n", out);
    }
    fputs("</table></div>\n<p class=\"hint\">Counts only: no answer is shown here. "
          "Answers reach the estimates when the questionnaire is closed "
          "(<code>prevalence survey close</code>).</p>\n", out);
    PQclear(res);
}

void web_page_dashboard(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    struct prev_error err;
    json_t *all = NULL, *rows = NULL, *batches = NULL, *row, *b;
    bool years[COL_NYEARS] = {false};
    int year = web_year_arg(r), latest = 0;
    size_t i, nmissing = 0;
    FILE *out = rep->out;
    const struct web_session *s = &r->session;
    char title[64];

    prev_error_clear(&err);
    if ((all = web_status_json(db, 0, s->fips, &err)) == NULL)
        goto failed;
    json_array_foreach(all, i, row) {
        int y = (int)json_integer_value(json_object_get(row, "survey_year"));
        if (y >= COL_YEAR_MIN && y <= COL_YEAR_MAX) {
            years[y - COL_YEAR_MIN] = true;
            if (y > latest)
                latest = y;
        }
    }
    if (year == 0) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        year = latest != 0 ? latest : tm.tm_year + 1900;
    }
    years[year - COL_YEAR_MIN] = true;
    if ((rows = web_status_json(db, year, s->fips, &err)) == NULL
        || (batches = web_batches_json(db, year, s->fips, &err)) == NULL)
        goto failed;

    snprintf(title, sizeof title, "Survey %d", year);
    web_page_begin(out, s, title);
    fprintf(out, "<h1>Caseload survey %d%s", year, s->role == WEB_ROLE_SPECIALIST ? ": " : "");
    if (s->role == WEB_ROLE_SPECIALIST)
        web_html(out, s->county);
    fputs("</h1>\n<form method=\"get\" action=\"/\"><label>Survey year "
          "<select name=\"year\" id=\"year\">", out);
    for (int y = COL_YEAR_MAX; y >= COL_YEAR_MIN; y--)
        if (years[y - COL_YEAR_MIN])
            fprintf(out, "<option%s>%d</option>", y == year ? " selected" : "", y);
    fputs("</select></label> <button type=\"submit\">Show</button></form>\n", out);

    fputs("<div class=\"scroll\"><table id=\"status\">\n<tr><th>County</th>"
          "<th class=\"n\">Respondents</th><th class=\"n\">Officers in frame</th>"
          "<th class=\"n\">Response rate</th><th class=\"n\">Caseload covered</th>"
          "<th class=\"n\">Youth on probation</th><th>Last upload (UTC)</th>"
          "<th>Status</th></tr>\n", out);
    json_array_foreach(rows, i, row) {
        const char *county = str(row, "county"), *fips = str(row, "fips");
        const char *last = last_upload(batches, county);
        char id[32];
        snprintf(id, sizeof id, "rate-%s", fips);
        fprintf(out, "<tr id=\"county-%s\"><td>", fips);
        web_html(out, county);
        fputs("</td>", out);
        cell_int(out, json_object_get(row, "respondents"));
        cell_int(out, json_object_get(row, "officers_total"));
        cell_pct(out, json_object_get(row, "response_rate"), id);
        cell_int(out, json_object_get(row, "caseload"));
        cell_int(out, json_object_get(row, "youth_total"));
        fputs("<td>", out);
        if (last != NULL)
            fprintf(out, "%.16s", last);
        else
            fputs("–", out);
        fprintf(out, "</td><td class=\"%s\">", strcmp(str(row, "status"), "ok") == 0 ? "ok"
                                                                                  : "warn");
        web_html(out, str(row, "status"));
        fputs("</td></tr>\n", out);
        if (json_integer_value(json_object_get(row, "respondents")) == 0)
            nmissing++;
    }
    fputs("</table></div>\n", out);
    if (nmissing > 0) {
        size_t k = 0;
        fprintf(out, "<p id=\"missing\"><strong>No responses yet for %d:</strong> ", year);
        json_array_foreach(rows, i, row) {
            if (json_integer_value(json_object_get(row, "respondents")) != 0)
                continue;
            if (k++ > 0)
                fputs(", ", out);
            web_html(out, str(row, "county"));
        }
        fputs("</p>\n", out);
    }

    write_questionnaire(out, db, year, s->fips);

    fputs("<h2>Files loaded</h2>\n<div class=\"scroll\"><table id=\"batches\">\n<tr>"
          "<th class=\"n\">Batch</th><th>Kind</th><th>File</th><th class=\"n\">Rows</th>"
          "<th>Loaded (UTC)</th><th>Status</th><th>Counties</th><th>sha256</th></tr>\n", out);
    json_array_foreach(batches, i, b) {
        size_t j;
        json_t *c;
        fprintf(out, "<tr><td class=\"n\">%lld</td><td>",
                (long long)json_integer_value(json_object_get(b, "batch_id")));
        web_html(out, str(b, "kind"));
        fputs("</td><td>", out);
        web_html(out, str(b, "file_name"));
        fprintf(out, "</td><td class=\"n\">%lld</td><td>%.16s</td><td>",
                (long long)json_integer_value(json_object_get(b, "row_count")),
                str(b, "loaded_at"));
        web_html(out, str(b, "status"));
        if (json_is_integer(json_object_get(b, "superseded_by")))
            fprintf(out, " by %lld",
                    (long long)json_integer_value(json_object_get(b, "superseded_by")));
        fputs("</td><td>", out);
        json_array_foreach(json_object_get(b, "counties"), j, c) {
            if (j > 0)
                fputs(", ", out);
            web_html(out, json_string_value(c));
        }
        fputs("</td><td><code>", out);
        fprintf(out, "%.12s", str(b, "sha256"));
        fputs("</code></td></tr>\n", out);
    }
    if (json_array_size(batches) == 0)
        fputs("<tr><td colspan=\"8\">No file loaded for this year yet.</td></tr>\n", out);
    fputs("</table></div>\n", out);

    fputs("<p><a href=\"/upload\">Upload a file</a></p>\n", out);
    if (s->role == WEB_ROLE_ADMIN || s->role == WEB_ROLE_ANALYST) {
        fprintf(out, "<h2>Downloads for %d</h2>\n<ul id=\"downloads\">\n"
                "<li><a id=\"dl-report\" href=\"/download/report.html?year=%d\">The Council "
                "report (report.html)</a></li>\n"
                "<li><a href=\"/download/county_estimates.csv?year=%d\">Protected county "
                "table (CSV)</a></li>\n"
                "<li><a href=\"/download/officer_measure.csv?year=%d\">Protected officer "
                "table (CSV)</a></li>\n"
                "<li><a id=\"dl-export\" href=\"/download/export.tar.gz?year=%d\">Partner "
                "bundle (.tar.gz; unprotected microdata: share under the data agreement "
                "only)</a></li>\n</ul>\n", year, year, year, year, year);
    }
    web_page_end(out);
    goto done;
failed:
    fprintf(stderr, "prevalence serve: dashboard: %s\n", err.msg);
    web_error_page(r, rep, MHD_HTTP_INTERNAL_SERVER_ERROR, "The database failed; try again.");
done:
    json_decref(all);
    json_decref(rows);
    json_decref(batches);
}
