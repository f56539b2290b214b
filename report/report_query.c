/* Reading what a report or a bundle needs, in one read-only snapshot. */
#include "report_query.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "analysis.h"
#include "parse.h"

/* The batches behind the year's active rows (batch_sums has a row for
 * each batch, year, county and role that holds any, so it answers without
 * reading responses); loaded_at in UTC. */
static const char batches_sql[] =
    "SELECT b.batch_id, b.kind, b.sha256, b.file_name, b.row_count,\n"
    "       to_char(b.loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')\n"
    "  FROM batches b\n"
    " WHERE b.batch_id IN (SELECT batch_id FROM batch_sums\n"
    "                       WHERE active AND survey_year = $1::integer\n"
    "                      UNION\n"
    "                      SELECT batch_id FROM frames\n"
    "                       WHERE active AND survey_year = $1::integer)\n"
    " ORDER BY b.batch_id";

/* Codebook columns only, of this year and every earlier one (the bundle
 * recomputes the changes and the trend the report publishes); ordered by
 * year, county and stored code, the order in which the bundle numbers its
 * respondents. */
static const char responses_sql[] =
    "SELECT r.fips, k.name, r.respondent_id, r.role, r.caseload, r.confirmed, r.suspected,\n"
    "       r.survey_year\n"
    "  FROM responses r JOIN counties k ON k.fips = r.fips\n"
    " WHERE r.active AND r.survey_year <= $1::integer\n"
    " ORDER BY r.survey_year, r.fips, r.respondent_id COLLATE \"C\"";

static const char frames_sql[] =
    "SELECT k.name, f.officers_total, f.youth_total, f.survey_year\n"
    "  FROM frames f JOIN counties k ON k.fips = f.fips\n"
    " WHERE f.active AND f.survey_year <= $1::integer\n"
    " ORDER BY f.survey_year, f.fips";

static bool get_long(const PGresult *res, int row, int col, long *out)
{
    return prev_parse_long(PQgetvalue(res, row, col), LONG_MIN, LONG_MAX, out);
}

static void copy(char *dst, size_t size, const PGresult *res, int row, int col)
{
    snprintf(dst, size, "%s", PQgetvalue(res, row, col));
}

static PGresult *query(PGconn *conn, const char *sql, int year, int ncols, const char *what,
                       struct prev_error *err)
{
    char y[16];
    const char *params[1] = {y};
    PGresult *res;

    snprintf(y, sizeof y, "%d", year);
    res = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        db_fail(err, PREV_EX_UNAVAILABLE, conn, res, what);
        PQclear(res);
        return NULL;
    }
    if (PQnfields(res) != ncols) {
        prev_fail(err, PREV_EX_SOFTWARE, "", "%s: unexpected result shape", what);
        PQclear(res);
        return NULL;
    }
    return res;
}

static int load_batches(PGconn *conn, int year, struct rep_report_data *d, struct prev_error *err)
{
    PGresult *res = query(conn, batches_sql, year, 6, "batches query", err);
    int n, rc = 0;

    if (res == NULL)
        return err->code;
    n = PQntuples(res);
    if (n > 0 && (d->batches = calloc((size_t)n, sizeof *d->batches)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        struct rep_batch_info *b = &d->batches[i];
        if (!get_long(res, i, 0, &b->batch_id) || !get_long(res, i, 4, &b->row_count)) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "batches query: bad number");
            goto done;
        }
        copy(b->kind, sizeof b->kind, res, i, 1);
        copy(b->sha256, sizeof b->sha256, res, i, 2);
        copy(b->file_name, sizeof b->file_name, res, i, 3);
        copy(b->loaded_at, sizeof b->loaded_at, res, i, 5);
        /* ISO 8601 in one zone compares as text. */
        if (strcmp(b->loaded_at, d->in.data_as_of) > 0)
            snprintf(d->in.data_as_of, sizeof d->in.data_as_of, "%s", b->loaded_at);
    }
    d->in.batches = d->batches;
    d->in.nbatches = (size_t)n;
done:
    PQclear(res);
    return rc;
}

static int load_microdata(PGconn *conn, int year, struct rep_report_data *d,
                          struct prev_error *err)
{
    PGresult *res = NULL;
    int n, rc = 0;

    long y;

    if ((res = query(conn, responses_sql, year, 8, "responses query", err)) == NULL)
        return err->code;
    n = PQntuples(res);
    if (n > 0 && (d->responses = calloc((size_t)n, sizeof *d->responses)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        struct rep_export_response *r = &d->responses[i];
        copy(r->fips, sizeof r->fips, res, i, 0);
        copy(r->county, sizeof r->county, res, i, 1);
        copy(r->respondent_id, sizeof r->respondent_id, res, i, 2);
        copy(r->role, sizeof r->role, res, i, 3);
        if (!get_long(res, i, 4, &r->caseload) || !get_long(res, i, 5, &r->confirmed) ||
            !get_long(res, i, 6, &r->suspected) || !get_long(res, i, 7, &y)) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "responses query: bad number");
            goto done;
        }
        r->survey_year = (int)y;
    }
    d->nresponses = (size_t)n;
    PQclear(res);

    if ((res = query(conn, frames_sql, year, 4, "frame query", err)) == NULL)
        return err->code;
    n = PQntuples(res);
    if (n > 0 && (d->frames = calloc((size_t)n, sizeof *d->frames)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        struct rep_export_frame *f = &d->frames[i];
        copy(f->county, sizeof f->county, res, i, 0);
        if (!get_long(res, i, 1, &f->officers_total) || !get_long(res, i, 2, &f->youth_total)
            || !get_long(res, i, 3, &y)) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "frame query: bad number");
            goto done;
        }
        f->survey_year = (int)y;
    }
    d->nframes = (size_t)n;
done:
    PQclear(res);
    return rc;
}

/* The first survey year with active responses, up to this one. */
static const char first_year_sql[] =
    "SELECT coalesce(min(survey_year), $1::integer) FROM batch_sums\n"
    " WHERE active AND survey_year <= $1::integer";

/* --trend-counties: names (any case) or fips codes, comma-separated,
 * resolved against the year's rows (the counties, then Arizona / 04),
 * also when there is no earlier year to draw, so a typo never passes. */
static int resolve_trend_counties(struct rep_report_data *d, size_t nrows, const char *list,
                                  struct prev_error *err)
{
    const char *p = list;

    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        const struct an_estimate_row *found = NULL;
        char name[64];

        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == 0 || len >= sizeof name)
            return prev_fail(err, PREV_EX_USAGE, "--trend-counties",
                             "expects county names separated by commas, not '%s'", list);
        memcpy(name, p, len);
        name[len] = '\0';
        for (size_t i = 0; i < nrows && found == NULL; i++)
            if (strcasecmp(d->rows[i].county, name) == 0 || strcmp(d->rows[i].fips, name) == 0)
                found = &d->rows[i];
        if (found == NULL)
            return prev_fail(err, PREV_EX_USAGE, "--trend-counties",
                             "'%s' is not a county name, a fips code or Arizona", name);
        if (d->in.ntrend_fips == REP_REPORT_TREND_MAX)
            return prev_fail(err, PREV_EX_USAGE, "--trend-counties",
                             "at most %d lines fit in the chart", REP_REPORT_TREND_MAX);
        d->in.trend_fips[d->in.ntrend_fips++] = found->fips;
        p += len;
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Every survey year with responses up to this one, for the change column
 * and the chart; in.trend stays NULL when there is this year alone. */
static int load_trend(PGconn *conn, const struct rep_report_options *opt,
                      struct rep_report_data *d, struct prev_error *err)
{
    struct an_estimate_options eo = {opt->survey_year, opt->measure, opt->method, opt->level,
                                     opt->lonely, false, AN_DEFF_CAP_DEFAULT,
                                     opt->min_coverage, AN_WEIGHTS_DESIGN};
    PGresult *res = query(conn, first_year_sql, opt->survey_year, 1, "first survey year", err);
    long first = 0;
    int rc = 0;

    if (res == NULL)
        return err->code;
    if (!get_long(res, 0, 0, &first)) {
        PQclear(res);
        return prev_fail(err, PREV_EX_SOFTWARE, "", "first survey year: bad number");
    }
    PQclear(res);
    if (first >= opt->survey_year)
        return 0;
    if ((rc = an_trend_query(conn, (int)first, opt->survey_year, &eo, &d->trend_years, err)) != 0)
        return rc;
    if (d->trend_years.nyears < 2)
        return 0;
    if (an_trend_build(d->trend_years.rows, d->trend_years.nrows, opt->level,
                       AN_TREND_ADJUST_NONE, &d->trend) != 0)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "cannot compute the change over time");
    d->in.trend = &d->trend;
    return 0;
}

/* The caveats a reader of the numbers needs (the estimate prints the same
 * on stderr): no frame, and counties with a lonely PSU. */
static void add_notes(struct rep_report_data *d, const struct an_county_sums *c, size_t n,
                      bool has_frame, const struct rep_report_options *opt)
{
    struct rep_report_input *in = &d->in;

    if (!has_frame)
        snprintf(in->notes[in->nnotes++], sizeof in->notes[0],
                 "no frame for survey year %d: equal weights, no finite population "
                 "correction, no estimated numbers of victims", opt->survey_year);
    for (size_t i = 0; i < n && in->nnotes < REP_REPORT_MAX_NOTES; i++) {
        if (c[i].respondents != 1 || (has_frame && c[i].officers_total == 1))
            continue;
        snprintf(in->notes[in->nnotes++], sizeof in->notes[0],
                 "%s has a single respondent: its own estimate has no sampling variance, "
                 "and the state's variance treats it by the '%s' rule", c[i].name,
                 an_lonely_psu_name(opt->lonely));
    }
}

int rep_report_load(PGconn *conn, const struct rep_report_options *opt,
                   struct rep_report_data *d, struct prev_error *err)
{
    struct an_county_sums counties[AN_MAX_COUNTIES];
    struct an_estimate_options eo;
    size_t n = 0;
    bool has_frame = false, in_tx = false;
    long respondents = 0;
    int rc;

    memset(d, 0, sizeof *d);
    /* One snapshot for every query below. */
    if ((rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)) != 0)
        goto done;
    in_tx = true;
    if ((rc = an_estimate_query(conn, opt->survey_year, counties, &n, &has_frame,
                                &respondents, err)) != 0)
        goto done;
    if (respondents == 0) {
        rc = prev_fail(err, PREV_EX_DATA, "", "no active responses for survey year %d; "
                       "load them first ('prevalence load')", opt->survey_year);
        goto done;
    }
    eo = (struct an_estimate_options){opt->survey_year, opt->measure, opt->method,
                                      opt->level, opt->lonely, has_frame,
                                      AN_DEFF_CAP_DEFAULT, opt->min_coverage,
                                      AN_WEIGHTS_DESIGN};
    if ((rc = an_estimate_rows(counties, n, &eo, d->rows, err)) != 0)
        goto done;
    eo.measure = AN_MEASURE_OFFICER_ANY;
    if ((rc = an_estimate_rows(counties, n, &eo, d->officer_rows, err)) != 0)
        goto done;
    if ((rc = load_batches(conn, opt->survey_year, d, err)) != 0)
        goto done;
    if (opt->with_microdata && (rc = load_microdata(conn, opt->survey_year, d, err)) != 0)
        goto done;
    if (opt->with_trend && (rc = load_trend(conn, opt, d, err)) != 0)
        goto done;
    if (opt->with_trend && opt->trend_counties != NULL
        && (rc = resolve_trend_counties(d, n + 1, opt->trend_counties, err)) != 0)
        goto done;
    rc = db_exec(conn, "COMMIT", err);
    in_tx = false;
    if (rc != 0)
        goto done;

    d->in.survey_year = opt->survey_year;
    d->in.measure = opt->measure;
    d->in.method = opt->method;
    d->in.level = opt->level;
    d->in.lonely = opt->lonely;
    d->in.min_cell = opt->min_cell;
    d->in.protection = opt->protection;
    d->in.min_coverage = opt->min_coverage;
    d->in.has_frame = has_frame;
    d->in.rows = d->rows;
    d->in.officer_rows = d->officer_rows;
    d->in.ncounties = n;
    add_notes(d, counties, n, has_frame, opt);
done:
    if (in_tx) {
        struct prev_error ignored;
        db_exec(conn, "ROLLBACK", &ignored);
    }
    return rc;
}

void rep_report_data_free(struct rep_report_data *d)
{
    an_trend_result_free(&d->trend);
    an_trend_years_free(&d->trend_years);
    d->in.trend = NULL;
    free(d->batches);
    free(d->responses);
    free(d->frames);
    d->batches = NULL;
    d->responses = NULL;
    d->frames = NULL;
}
