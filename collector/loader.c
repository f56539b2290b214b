#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "db.h"
#include "prev_config.h"

/* Big sends: libpq copies each PQputCopyData into its buffer and flushes
 * when full; fewer, larger calls cost less. */
#define COPY_CHUNK (256 * 1024)

static int exec_ok(PGconn *conn, const char *sql, const char *what, struct prev_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, what);
    PQclear(res);
    return rc;
}

int col_loader_begin(struct col_loader *l, PGconn *conn, enum col_kind kind,
                     const char *file_name, struct prev_error *err)
{
    char name[1024];
    const char *params[3];
    PGresult *res = NULL;
    size_t len = strlen(file_name);
    int rc = 0;

    /* The name goes into a UTF-8 database and is shown again by `batches`:
     * bytes that are not UTF-8 (a Latin-1 file system) or control
     * characters become '?' rather than failing the load or reaching a
     * terminal. The sha256 identifies the file; the name is for people. */
    col_display(file_name, len, !col_utf8_valid(file_name, len), name, sizeof name);
    memset(l, 0, sizeof l[0]);
    l->conn = conn;
    l->kind = kind;
    if ((rc = exec_ok(conn, "BEGIN", "starting the load", err)) != 0)
        return rc;
    l->in_tx = true;
    /* The server creates the batch (placeholder sha256, load time now())
     * and from then on accepts rows for it from this transaction only
     * (sql/004_collector_rules.sql). */
    params[0] = col_kind_name(kind);
    params[1] = name;
    params[2] = PREV_VERSION;
    res = PQexecParams(conn, "SELECT prevalence_open_batch($1, $2, $3)",
                       3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "creating the batch");
        goto done;
    }
    l->batch_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    snprintf(l->batch_text, sizeof l->batch_text, "%lld", (long long)l->batch_id);
    PQclear(res);
    res = NULL;
    if ((l->buf = malloc(COPY_CHUNK + 512)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    l->cap = COPY_CHUNK + 512;
    if (kind == COL_KIND_RESPONSES) {
        /* Reading the file and inserting the rows overlap only as far as
         * the socket lets the reader run ahead of the server; the default
         * 200 KiB is a few milliseconds of work. A bigger buffer rides out
         * moments when one side is not scheduled. Best effort. */
        int sndbuf = 4 << 20;
        setsockopt(PQsocket(conn), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        res = PQexec(conn, "COPY responses (batch_id, survey_year, fips, respondent_id, role,"
                           " caseload, confirmed, suspected) FROM STDIN");
        if (PQresultStatus(res) != PGRES_COPY_IN) {
            rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "starting COPY");
            goto done;
        }
        l->in_copy = true;
    }
done:
    PQclear(res);
    return rc;
}

static int flush(struct col_loader *l, struct prev_error *err)
{
    if (l->len == 0)
        return 0;
    if (PQputCopyData(l->conn, l->buf, (int)l->len) != 1)
        return db_fail(err, PREV_EX_UNAVAILABLE, l->conn, NULL,
                       "sending rows (not committed: nothing of the file is kept)");
    l->len = 0;
    return 0;
}

/* Decimal digits of a non-negative int, without printf's per-call cost. */
static size_t put_uint(char *out, unsigned v)
{
    char tmp[12];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static size_t put_str(char *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n);
    return n;
}

int col_loader_sink(void *ctx, const struct col_record *rec, uint64_t line,
                    struct prev_error *err)
{
    struct col_loader *l = ctx;
    char *o;

    (void)line;
    if (l->kind != COL_KIND_RESPONSES)
        return 0;             /* frames go in at the end, from the scan's cells */
    /* COPY text format; no field can hold a tab, newline or backslash
     * (codes are [A-Za-z0-9_-], the rest numbers and fixed words). */
    o = l->buf + l->len;
    o += put_str(o, l->batch_text);
    *o++ = '\t';
    o += put_uint(o, (unsigned)rec->survey_year);
    *o++ = '\t';
    o += put_str(o, col_counties[rec->county].fips);
    *o++ = '\t';
    memcpy(o, rec->respondent_id, rec->respondent_id_len);
    o += rec->respondent_id_len;
    *o++ = '\t';
    o += put_str(o, col_role_name(rec->role));
    *o++ = '\t';
    o += put_uint(o, (unsigned)rec->caseload);
    *o++ = '\t';
    o += put_uint(o, (unsigned)rec->confirmed);
    *o++ = '\t';
    o += put_uint(o, (unsigned)rec->suspected);
    *o++ = '\n';
    l->len = (size_t)(o - l->buf);
    if (l->len >= COPY_CHUNK)
        return flush(l, err);
    return 0;
}

int col_loader_end_copy(struct col_loader *l, bool ok, struct prev_error *err)
{
    PGresult *res;
    int rc = 0;

    if (!l->in_copy)
        return 0;
    l->in_copy = false;
    if (ok && (rc = flush(l, err)) != 0)
        ok = false;
    /* A message makes the server abandon the COPY. */
    if (PQputCopyEnd(l->conn, ok ? NULL : "the file has problems; nothing is loaded") != 1)
        return rc != 0 ? rc : db_fail(err, PREV_EX_UNAVAILABLE, l->conn, NULL, "ending COPY");
    while ((res = PQgetResult(l->conn)) != NULL) {
        if (ok && rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
            /* The rows were validated against the same rules, so the
             * server refusing one is a bug, not bad data. */
            rc = db_fail(err, PREV_EX_SOFTWARE, l->conn, res, "COPY into responses");
        }
        PQclear(res);
    }
    return rc;
}

int col_loader_lock_years(struct col_loader *l, const struct col_scan *sc,
                          struct prev_error *err)
{
    /* A row lock per year through prevalence_lock_load_years (in
     * ascending order, with a lock_timeout), not an advisory lock: only
     * the collector and the owner can take it. Only integers go into the
     * array's text. */
    char years[8 * COL_NYEARS + 3];
    const char *params[1] = {years};
    PGresult *res = NULL;
    size_t o = 0;
    int rc = 0;

    o += (size_t)snprintf(years, sizeof years, "{");
    for (int y = 0; y < COL_NYEARS; y++)
        if (sc->year_seen[y])
            o += (size_t)snprintf(years + o, sizeof years - o, "%s%d", o > 1 ? "," : "",
                                  COL_YEAR_MIN + y);
    snprintf(years + o, sizeof years - o, "}");
    if (o == 1)
        return 0;
    res = PQexecParams(l->conn, "SELECT prevalence_lock_load_years($1::integer[])",
                       1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, l->conn, res,
                     "waiting for other loads of the same year");
    PQclear(res);
    return rc;
}

int col_find_active_sha(PGconn *conn, const char *sha256, int64_t *batch,
                        struct prev_error *err)
{
    const char *params[1] = {sha256};
    PGresult *res = PQexecParams(conn, "SELECT batch_id FROM batches WHERE sha256 = $1 AND NOT "
                                       "superseded", 1, NULL, params, NULL, NULL, 0);
    int rc = 0;

    *batch = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "looking up the file's sha256");
    else if (PQntuples(res) > 0)
        *batch = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}

static int copy_text(PGconn *conn, const char *sql, const char *data, size_t len,
                     const char *what, struct prev_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_COPY_IN) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, what);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    if ((len > 0 && PQputCopyData(conn, data, (int)len) != 1) || PQputCopyEnd(conn, NULL) != 1)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, NULL, what);
    while ((res = PQgetResult(conn)) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = db_fail(err, PREV_EX_SOFTWARE, conn, res, what);
        PQclear(res);
    }
    return rc;
}

/* Frame rows, from the scan's county-year cells (at most COL_NYEARS x
 * COL_NCOUNTIES of them). The batch's scope is not sent: the server counts
 * it from the rows as they arrive. */
static int copy_frames(struct col_loader *l, const struct col_scan *sc, struct prev_error *err)
{
    size_t cap = (size_t)COL_NYEARS * COL_NCOUNTIES * 96 + 1, o = 0;
    char *text = malloc(cap);
    int rc;

    if (text == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    for (int y = COL_YEAR_MIN; y <= COL_YEAR_MAX; y++)
        for (int k = 0; k < COL_NCOUNTIES; k++) {
            const struct col_cell *c = col_scan_cell((struct col_scan *)sc, y, k);
            if (c->first_line == 0)
                continue;
            o += (size_t)snprintf(text + o, cap - o, "%s\t%d\t%s\t%d\t%d\n", l->batch_text,
                                  y, col_counties[k].fips, c->officers_total, c->youth_total);
        }
    rc = copy_text(l->conn, "COPY frames (batch_id, survey_year, fips, officers_total,"
                            " youth_total) FROM STDIN", text, o, "COPY into frames", err);
    free(text);
    return rc;
}

/* The rows of replaced batches stop counting and the batches are marked
 * superseded by ours, in one call: prevalence_supersede (sql/003_roles.sql,
 * 004_collector_rules.sql) runs as the schema's owner, so the collector
 * role needs no UPDATE on responses or frames; it also refuses what
 * dbcheck.c has already told the user about (a batch the file does not
 * cover, another county's batch for a county-scoped login). */
static int retire(struct col_loader *l, const struct col_dbcheck *dc, struct prev_error *err)
{
    char *list = NULL;
    size_t cap = 24 * dc->nreplaced + 8, o = 0;
    const char *params[3];
    PGresult *res = NULL;
    int rc = 0;

    if (dc->nreplaced == 0)
        return 0;
    if ((list = malloc(cap)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    o += (size_t)snprintf(list, cap, "{");
    for (size_t i = 0; i < dc->nreplaced; i++)
        o += (size_t)snprintf(list + o, cap - o, "%s%lld", i > 0 ? "," : "",
                              (long long)dc->replaced[i]);
    snprintf(list + o, cap - o, "}");
    params[0] = col_kind_name(l->kind);
    params[1] = list;
    params[2] = l->batch_text;
    res = PQexecParams(l->conn, "SELECT prevalence_supersede($1, $2::bigint[], $3::bigint)",
                       3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, l->conn, res, "retiring replaced batches");
    PQclear(res);
    free(list);
    return rc;
}

int col_loader_finish(struct col_loader *l, const struct col_scan *sc,
                      const struct col_dbcheck *dc, int64_t *already, struct prev_error *err)
{
    char rows[24];
    const char *params[3];
    PGresult *res = NULL;
    const char *state;
    int rc;

    *already = 0;
    if ((rc = retire(l, dc, err)) != 0)
        return rc;
    if (l->kind == COL_KIND_FRAME && (rc = copy_frames(l, sc, err)) != 0)
        return rc;
    /* The server sets the row count from the rows it received and
     * refuses when ours differs; the sha256 is ours alone (it never sees
     * the file). */
    snprintf(rows, sizeof rows, "%llu", (unsigned long long)sc->valid_rows);
    params[0] = l->batch_text;
    params[1] = sc->stats.sha256;
    params[2] = rows;
    res = PQexecParams(l->conn, "SELECT prevalence_finish_batch($1::bigint, $2, $3::bigint)",
                       3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state != NULL && strcmp(state, "23505") == 0) {
            /* The same bytes were committed by another load after our
             * check: theirs stands, ours goes. */
            PQclear(res);
            col_loader_abort(l);
            return col_find_active_sha(l->conn, sc->stats.sha256, already, err);
        }
        /* The file was checked against the same rules: a refusal here
         * is a bug (70), a lost server still 69 (db_fail). */
        rc = db_fail(err, PREV_EX_SOFTWARE, l->conn, res, "recording the batch");
        PQclear(res);
        return rc;
    }
    PQclear(res);
    if ((rc = exec_ok(l->conn, "COMMIT", "committing the load", err)) != 0)
        return rc;
    l->in_tx = false;
    return 0;
}

void col_loader_abort(struct col_loader *l)
{
    if (l->in_copy) {
        PGresult *res;
        l->in_copy = false;
        if (PQputCopyEnd(l->conn, "cancelled") == 1)
            while ((res = PQgetResult(l->conn)) != NULL)
                PQclear(res);
    }
    if (l->in_tx) {
        PGresult *res = PQexec(l->conn, "ROLLBACK");
        PQclear(res);
        l->in_tx = false;
    }
    free(l->buf);
    l->buf = NULL;
}
