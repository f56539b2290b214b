#include "dbcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

struct scope_row {
    int64_t batch;
    bool responses;           /* kind of its batch */
    int year, county;
    uint32_t rows;
    uint64_t caseload;
};

static bool in_list(const int64_t *list, size_t n, int64_t v)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

static bool cell_in_file(struct col_scan *sc, int year, int county)
{
    return year >= COL_YEAR_MIN && year <= COL_YEAR_MAX && county >= 0
           && col_scan_cell(sc, year, county)->first_line != 0;
}

/* Active batches' scope, but for own_batch. */
static int read_scope(PGconn *conn, int64_t own_batch, struct scope_row **out, size_t *n,
                      struct prev_error *err)
{
    char own[24];
    const char *params[1] = {own};
    PGresult *res = NULL;
    int rc = 0;

    *out = NULL;
    *n = 0;
    snprintf(own, sizeof own, "%lld", (long long)own_batch);
    res = PQexecParams(conn,
                       "SELECT s.batch_id, b.kind = 'responses', s.survey_year, s.fips,"
                       "       s.row_count, s.caseload"
                       "  FROM batch_scope s JOIN batches b USING (batch_id)"
                       " WHERE NOT b.superseded AND s.batch_id <> $1",
                       1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading loaded batches");
        goto done;
    }
    if (PQntuples(res) > 0
        && (*out = calloc((size_t)PQntuples(res), sizeof **out)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        struct scope_row *s = &(*out)[*n];
        s->batch = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        s->responses = PQgetvalue(res, i, 1)[0] == 't';
        s->year = (int)strtol(PQgetvalue(res, i, 2), NULL, 10);
        s->county = col_county_by_fips(PQgetvalue(res, i, 3));
        s->rows = (uint32_t)strtoul(PQgetvalue(res, i, 4), NULL, 10);
        s->caseload = strtoull(PQgetvalue(res, i, 5), NULL, 10);
        if (s->county >= 0 && s->year >= COL_YEAR_MIN && s->year <= COL_YEAR_MAX)
            (*n)++;
    }
done:
    PQclear(res);
    return rc;
}

/* Active frames, but for own_batch and replaced ones (a frame being
 * replaced neither collides nor counts). */
static int read_frames(PGconn *conn, struct col_scan *sc, const struct col_dbcheck *dc,
                       struct prev_error *err)
{
    PGresult *res = PQexec(conn, "SELECT batch_id, survey_year, fips, officers_total, "
                                 "youth_total FROM frames WHERE active");
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading frames");
        goto done;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        int64_t batch = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        int year = (int)strtol(PQgetvalue(res, i, 1), NULL, 10);
        int county = col_county_by_fips(PQgetvalue(res, i, 2));
        struct col_cell *c;
        if (county < 0 || year < COL_YEAR_MIN || year > COL_YEAR_MAX || batch == dc->own_batch
            || (sc->kind == COL_KIND_FRAME && in_list(dc->replaced, dc->nreplaced, batch)))
            continue;
        c = col_scan_cell(sc, year, county);
        c->db_frame_batch = batch;
        c->db_officers = (int)strtol(PQgetvalue(res, i, 3), NULL, 10);
        c->db_youth = (int)strtol(PQgetvalue(res, i, 4), NULL, 10);
    }
done:
    PQclear(res);
    return rc;
}

/* Respondent codes already loaded for the file's years: streamed with
 * COPY so that a large year costs one pass and no memory. Only the active
 * batches whose scope holds those years are read: their block ranges,
 * through the BRIN index on batch_id (sql/008_batch_sums.sql), rather than
 * every row of every year (docs/scaling.md). */
static int read_loaded_ids(PGconn *conn, struct col_scan *sc, const struct col_dbcheck *dc,
                           const bool years[COL_NYEARS], const int64_t *batches,
                           size_t nbatches, struct prev_error *err)
{
    char *sql = NULL, *buf = NULL;
    size_t cap = 512 + 6 * COL_NYEARS + 24 * (dc->nreplaced + 1) + 24 * nbatches, o = 0;
    PGresult *res = NULL;
    int rc = 0, n;

    if ((sql = malloc(cap)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    /* Only integers go into this text, so building it is safe. */
    o += (size_t)snprintf(sql + o, cap - o,
                          "COPY (SELECT survey_year, respondent_id, batch_id, fips FROM responses"
                          " WHERE active AND survey_year IN (");
    for (int y = 0, first = 1; y < COL_NYEARS; y++)
        if (years[y]) {
            o += (size_t)snprintf(sql + o, cap - o, "%s%d", first ? "" : ",", COL_YEAR_MIN + y);
            first = 0;
        }
    o += (size_t)snprintf(sql + o, cap - o, ") AND batch_id NOT IN (%lld",
                          (long long)dc->own_batch);
    for (size_t i = 0; i < dc->nreplaced; i++)
        o += (size_t)snprintf(sql + o, cap - o, ",%lld", (long long)dc->replaced[i]);
    o += (size_t)snprintf(sql + o, cap - o, ") AND batch_id IN (");
    for (size_t i = 0; i < nbatches; i++)
        o += (size_t)snprintf(sql + o, cap - o, "%s%lld", i > 0 ? "," : "",
                              (long long)batches[i]);
    snprintf(sql + o, cap - o, ")) TO STDOUT");

    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COPY_OUT) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading loaded respondents");
        goto done;
    }
    PQclear(res);
    res = NULL;
    while ((n = PQgetCopyData(conn, &buf, 0)) > 0) {
        /* year \t respondent_id \t batch \t fips \n; codes need no COPY
         * escapes (letters, digits, '_' and '-') */
        char *year_end = memchr(buf, '\t', (size_t)n), *id, *id_end, *batch, *fips;
        if (year_end == NULL)
            goto bad_line;
        id = year_end + 1;
        if ((id_end = memchr(id, '\t', (size_t)(n - (id - buf)))) == NULL)
            goto bad_line;
        batch = id_end + 1;
        if ((fips = memchr(batch, '\t', (size_t)(n - (batch - buf)))) == NULL)
            goto bad_line;
        fips++;
        {
            int year = (int)strtol(buf, NULL, 10);
            char code[6] = "";
            int county;
            memcpy(code, fips, 5);
            county = col_county_by_fips(code);
            if (col_idset_mark_loaded(sc->ids, year, id, (size_t)(id_end - id),
                                      strtoll(batch, NULL, 10),
                                      (uint8_t)(county >= 0 ? county : 0)) != 0) {
                PQfreemem(buf);
                buf = NULL;
                rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
                goto drain;
            }
        }
        PQfreemem(buf);
        buf = NULL;
        continue;
bad_line:
        PQfreemem(buf);
        buf = NULL;
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "unexpected line from COPY of respondents");
        goto drain;
    }
    if (n == -2) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, NULL, "reading loaded respondents");
        goto done;
    }
drain:
    while ((res = PQgetResult(conn)) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading loaded respondents");
        PQclear(res);
    }
done:
    PQclear(res);
    free(sql);
    return rc;
}

int col_dbcheck_run(PGconn *conn, struct col_scan *sc, int64_t own_batch, bool replace,
                    struct col_dbcheck *dc, struct prev_error *err)
{
    struct scope_row *scope = NULL;
    size_t nscope = 0;
    bool id_years[COL_NYEARS] = {false};
    bool any_id_year = false;
    int64_t *id_batches = NULL;
    size_t nid_batches = 0;
    int rc;

    memset(dc, 0, sizeof *dc);
    dc->replace = replace;
    dc->own_batch = own_batch;
    if ((rc = read_scope(conn, own_batch, &scope, &nscope, err)) != 0)
        goto done;

    /* --replace retires whole batches: those of this kind holding any
     * county-year this file holds. */
    if (replace) {
        if (nscope > 0 && (dc->replaced = calloc(nscope, sizeof *dc->replaced)) == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
            goto done;
        }
        for (size_t i = 0; i < nscope; i++) {
            const struct scope_row *s = &scope[i];
            if (s->responses == (sc->kind == COL_KIND_RESPONSES)
                && cell_in_file(sc, s->year, s->county)
                && !in_list(dc->replaced, dc->nreplaced, s->batch))
                dc->replaced[dc->nreplaced++] = s->batch;
        }
        /* A batch to retire that also holds a county-year this file
         * lacks would lose that data: say so at the earliest line of the
         * file that touches the batch. */
        for (size_t i = 0; i < nscope; i++) {
            const struct scope_row *s = &scope[i];
            struct col_cell *best = NULL;
            if (!in_list(dc->replaced, dc->nreplaced, s->batch)
                || cell_in_file(sc, s->year, s->county))
                continue;
            for (size_t j = 0; j < nscope; j++) {
                struct col_cell *c;
                if (scope[j].batch != s->batch || !cell_in_file(sc, scope[j].year, scope[j].county))
                    continue;
                c = col_scan_cell(sc, scope[j].year, scope[j].county);
                if (best == NULL || c->first_line < best->first_line)
                    best = c;
            }
            if (best != NULL && best->db_replaced_scope_batch == 0) {
                best->db_replaced_scope_batch = s->batch;
                best->db_missing_year = s->year;
                best->db_missing_county = s->county;
            }
        }
    }

    /* Respondents already loaded per county-year, but for batches being
     * replaced. */
    for (size_t i = 0; i < nscope; i++) {
        const struct scope_row *s = &scope[i];
        struct col_cell *c;
        if (!s->responses)
            continue;
        if (sc->kind == COL_KIND_RESPONSES && in_list(dc->replaced, dc->nreplaced, s->batch))
            continue;
        c = col_scan_cell(sc, s->year, s->county);
        c->db_respondents += s->rows;
        c->db_caseload += s->caseload;
        if (sc->kind == COL_KIND_RESPONSES && sc->year_seen[s->year - COL_YEAR_MIN]) {
            id_years[s->year - COL_YEAR_MIN] = true;
            any_id_year = true;
            if (id_batches == NULL
                && (id_batches = calloc(nscope, sizeof *id_batches)) == NULL) {
                rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
                goto done;
            }
            if (!in_list(id_batches, nid_batches, s->batch))
                id_batches[nid_batches++] = s->batch;
        }
    }
    if ((rc = read_frames(conn, sc, dc, err)) != 0)
        goto done;
    if (any_id_year
        && (rc = read_loaded_ids(conn, sc, dc, id_years, id_batches, nid_batches, err)) != 0)
        goto done;
    for (size_t i = 0; i < (size_t)COL_NYEARS * COL_NCOUNTIES; i++)
        sc->cells[i].db_known = true;
done:
    free(id_batches);
    free(scope);
    return rc;
}

void col_dbcheck_free(struct col_dbcheck *dc)
{
    free(dc->replaced);
    dc->replaced = NULL;
    dc->nreplaced = 0;
}

/* ---- reporting ---------------------------------------------------------- */

struct cell_ref {
    uint64_t line;
    int year, county;
};

static int cmp_cell_ref(const void *a, const void *b)
{
    const struct cell_ref *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void reject_cell(struct col_scan *sc, const struct cell_ref *r, const char *problem)
{
    const char *values[COL_NCOLUMNS] = {NULL};
    char year[8], officers[16], youth[16];
    const struct col_cell *c = col_scan_cell(sc, r->year, r->county);

    if (sc->rejects == NULL)
        return;
    snprintf(year, sizeof year, "%d", r->year);
    values[COL_SURVEY_YEAR] = year;
    values[COL_COUNTY] = col_counties[r->county].name;
    if (sc->kind == COL_KIND_FRAME) {
        snprintf(officers, sizeof officers, "%d", c->officers_total);
        snprintf(youth, sizeof youth, "%d", c->youth_total);
        values[COL_OFFICERS_TOTAL] = officers;
        values[COL_YOUTH_TOTAL] = youth;
    }
    col_rejects_row(sc->rejects, sc->name, r->line, problem, values, NULL);
}

static void scope_problem(struct col_scan *sc, const struct cell_ref *r, const struct col_cell *c)
{
    char msg[400];

    snprintf(msg, sizeof msg,
             "--replace would retire batch %lld, which also holds %s %d, absent from this "
             "file; a corrected file must cover every county and year of the batch it replaces",
             (long long)c->db_replaced_scope_batch, col_counties[c->db_missing_county].name,
             c->db_missing_year);
    col_diag_emit(sc->diag, r->line, "county", false, "%s", msg);
    reject_cell(sc, r, msg);
}

/* County-year problems of a responses file, at the county's first row. */
static void report_response_cell(struct col_scan *sc, const struct cell_ref *r)
{
    const struct col_cell *c = col_scan_cell(sc, r->year, r->county);
    const char *name = col_counties[r->county].name;
    uint64_t respondents = (uint64_t)c->respondents + c->db_respondents;
    uint64_t caseload = c->caseload + c->db_caseload;
    char msg[400];

    if (c->db_replaced_scope_batch != 0)
        scope_problem(sc, r, c);
    if (c->db_frame_batch != 0 && respondents > (uint64_t)c->db_officers) {
        if (c->db_respondents > 0)
            snprintf(msg, sizeof msg,
                     "%s %d would have %llu respondents (%u in this file, %u already loaded) "
                     "but its frame (batch %lld) has officers_total %d", name, r->year,
                     (unsigned long long)respondents, c->respondents, c->db_respondents,
                     (long long)c->db_frame_batch, c->db_officers);
        else
            snprintf(msg, sizeof msg,
                     "%s %d has %u respondents in this file but its frame (batch %lld) has "
                     "officers_total %d", name, r->year, c->respondents,
                     (long long)c->db_frame_batch, c->db_officers);
        col_diag_emit(sc->diag, r->line, "county", false, "%s", msg);
        reject_cell(sc, r, msg);
    }
    if (c->db_frame_batch != 0 && caseload > (uint64_t)c->db_youth) {
        if (c->db_respondents > 0)
            col_diag_emit(sc->diag, r->line, "county", true,
                          "caseloads for %s %d add up to %llu (%llu in this file, %llu already "
                          "loaded), more than youth_total %d in its frame (batch %lld)", name,
                          r->year, (unsigned long long)caseload,
                          (unsigned long long)c->caseload, (unsigned long long)c->db_caseload,
                          c->db_youth, (long long)c->db_frame_batch);
        else
            col_diag_emit(sc->diag, r->line, "county", true,
                          "caseloads for %s %d add up to %llu, more than youth_total %d in "
                          "its frame (batch %lld)", name, r->year,
                          (unsigned long long)caseload, c->db_youth,
                          (long long)c->db_frame_batch);
    }
}

static void report_frame_cell(struct col_scan *sc, const struct col_dbcheck *dc,
                              const struct cell_ref *r)
{
    const struct col_cell *c = col_scan_cell(sc, r->year, r->county);
    const char *name = col_counties[r->county].name;
    char msg[400];

    if (c->db_replaced_scope_batch != 0)
        scope_problem(sc, r, c);
    if (c->db_frame_batch != 0) {
        snprintf(msg, sizeof msg, "%s %d already has a frame (batch %lld)%s", name, r->year,
                 (long long)c->db_frame_batch,
                 dc->replace ? "" : "; if this file corrects it, load it with --replace");
        col_diag_emit(sc->diag, r->line, "county", false, "%s", msg);
        reject_cell(sc, r, msg);
    }
    if (c->db_respondents > (uint32_t)c->officers_total) {
        snprintf(msg, sizeof msg, "officers_total is %d but %u respondents are already loaded "
                 "for %s %d", c->officers_total, c->db_respondents, name, r->year);
        col_diag_emit(sc->diag, r->line, "officers_total", false, "%s", msg);
        reject_cell(sc, r, msg);
    }
    if (c->db_caseload > (uint64_t)c->youth_total)
        col_diag_emit(sc->diag, r->line, "youth_total", true,
                      "youth_total is %d but the caseloads already loaded for %s %d add up "
                      "to %llu", c->youth_total, name, r->year,
                      (unsigned long long)c->db_caseload);
}

static void report_respondent(struct col_scan *sc, const struct col_dbcheck *dc,
                              const struct col_idset_loaded *l)
{
    char code[COL_RESPONDENT_ID_MAX + 1], msg[400];
    const char *loaded_in = col_counties[l->loaded_county].name;

    memcpy(code, l->id, l->len);
    code[l->len] = '\0';
    if (!dc->replace)
        snprintf(msg, sizeof msg, "respondent '%s' is already loaded for %d (%s, batch %lld); "
                 "if this file corrects that batch, load it with --replace", code, l->year,
                 loaded_in, (long long)l->loaded_batch);
    else
        snprintf(msg, sizeof msg, "respondent '%s' is already loaded for %s %d (batch %lld), "
                 "which --replace leaves alone because this file has no %s %d rows", code,
                 loaded_in, l->year, (long long)l->loaded_batch, loaded_in, l->year);
    col_diag_emit(sc->diag, l->line, "respondent_id", false, "%s", msg);
    /* a row with problems of its own is already in the rejects file; the
     * rejects file never holds a row's values (rejects.c) */
    if (sc->rejects == NULL || l->rejected)
        return;
    col_rejects_row(sc->rejects, sc->name, l->line, msg, NULL, NULL);
}

/* Respondents come in file order; county-year problems go in at their
 * first line, so the whole report reads top to bottom. */
struct report_ctx {
    struct col_scan *sc;
    const struct col_dbcheck *dc;
    const struct cell_ref *refs;
    size_t nrefs, next;
};

static void report_loaded(void *vctx, const struct col_idset_loaded *l)
{
    struct report_ctx *rc = vctx;

    while (rc->next < rc->nrefs && rc->refs[rc->next].line <= l->line)
        report_response_cell(rc->sc, &rc->refs[rc->next++]);
    report_respondent(rc->sc, rc->dc, l);
}

void col_dbcheck_report(struct col_scan *sc, const struct col_dbcheck *dc)
{
    struct cell_ref *refs = NULL;
    struct report_ctx rctx;
    size_t nrefs = 0, next = 0;

    refs = calloc((size_t)COL_NYEARS * COL_NCOUNTIES, sizeof *refs);
    if (refs == NULL)
        return;
    for (int y = COL_YEAR_MIN; y <= COL_YEAR_MAX; y++)
        for (int k = 0; k < COL_NCOUNTIES; k++) {
            const struct col_cell *c = col_scan_cell(sc, y, k);
            if (c->first_line != 0 && c->db_known)
                refs[nrefs++] = (struct cell_ref){c->first_line, y, k};
        }
    qsort(refs, nrefs, sizeof *refs, cmp_cell_ref);
    if (sc->kind == COL_KIND_FRAME) {
        for (size_t i = 0; i < nrefs; i++)
            report_frame_cell(sc, dc, &refs[i]);
        free(refs);
        return;
    }
    rctx = (struct report_ctx){sc, dc, refs, nrefs, 0};
    if (col_idset_each_loaded(sc->ids, report_loaded, &rctx) != 0)
        col_diag_emit(sc->diag, 0, NULL, false, "cannot read back the respondent spill file "
                      "in $TMPDIR; the respondents already loaded are not all listed");
    next = rctx.next;
    while (next < nrefs)
        report_response_cell(sc, &refs[next++]);
    free(refs);
}
