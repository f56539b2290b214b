/* Accounts of the web service and its audit log (sql/005_web.sql). Every
 * value is a statement parameter. */
#include <stdio.h>
#include <string.h>

#include "db.h"

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

int db_audit(PGconn *conn, const struct db_audit_entry *e, struct prev_error *err)
{
    char year[16], batch[32];
    const char *params[7];
    PGresult *res = NULL;
    int rc = 0;

    snprintf(year, sizeof year, "%d", e->survey_year);
    snprintf(batch, sizeof batch, "%lld", e->batch_id);
    params[0] = or_empty(e->account);
    params[1] = or_empty(e->client);
    params[2] = e->action;
    params[3] = e->survey_year > 0 ? year : NULL;
    params[4] = e->fips != NULL && e->fips[0] != '\0' ? e->fips : NULL;
    params[5] = e->batch_id > 0 ? batch : NULL;
    params[6] = or_empty(e->result);
    res = PQexecParams(conn,
                       "INSERT INTO audit_log (account, client, action, survey_year, fips,"
                       " batch_id, result) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                       7, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "audit log");
    PQclear(res);
    return rc;
}

/* One statement changing one account and its audit line, in one
 * transaction; fails with 65 when it changes no row. */
static int account_change(PGconn *conn, const char *sql, int nparams, const char *const *params,
                          const char *name, const char *action, const char *what,
                          struct prev_error *err)
{
    PGresult *res = NULL;
    const char *audit[3] = {name, action, "ok"};
    int rc;

    if ((rc = db_exec(conn, "BEGIN", err)) != 0)
        return rc;
    res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state != NULL && strcmp(state, "23505") == 0)
            rc = prev_fail(err, PREV_EX_DATA, "", "an account named %s exists already", name);
        else if (state != NULL && (strcmp(state, "23514") == 0 || strcmp(state, "23503") == 0))
            rc = prev_fail(err, PREV_EX_DATA, "", "%s: the database refuses this account "
                           "(name: lowercase letters, digits, '.', '_', '-', at most 63)",
                           what);
        else
            rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, what);
        goto done;
    }
    if (PQntuples(res) == 0) {
        rc = prev_fail(err, PREV_EX_DATA, "", "no account named %s", name);
        goto done;
    }
    PQclear(res);
    res = PQexecParams(conn,
                       "INSERT INTO audit_log (account, client, action, result)"
                       " VALUES ('cli:' || session_user, 'cli', $2, $3 || ' ' || $1)",
                       3, NULL, audit, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "audit log");
        goto done;
    }
    PQclear(res);
    res = NULL;
    rc = db_exec(conn, "COMMIT", err);
done:
    PQclear(res);
    if (rc != 0)
        PQclear(PQexec(conn, "ROLLBACK"));
    return rc;
}

int db_account_add(PGconn *conn, const char *name, const char *role, const char *fips,
                   const char *password_hash, struct prev_error *err)
{
    const char *params[4] = {name, role, fips, password_hash};
    return account_change(conn,
                          "INSERT INTO web_accounts (name, role, fips, password_hash)"
                          " VALUES ($1, $2, $3, $4) RETURNING account_id",
                          4, params, name, "account_add", "user add", err);
}

int db_account_set_password(PGconn *conn, const char *name, const char *password_hash,
                            struct prev_error *err)
{
    const char *params[2] = {name, password_hash};
    /* One statement: the new password and the end of every session. */
    return account_change(conn,
                          "WITH a AS (UPDATE web_accounts SET password_hash = $2,"
                          " password_set_at = now() WHERE name = $1 RETURNING account_id),"
                          " s AS (DELETE FROM web_sessions WHERE account_id IN"
                          " (SELECT account_id FROM a) RETURNING 1)"
                          " SELECT account_id FROM a",
                          2, params, name, "account_passwd", "user passwd", err);
}

int db_account_disable(PGconn *conn, const char *name, struct prev_error *err)
{
    const char *params[1] = {name};
    return account_change(conn,
                          "WITH a AS (UPDATE web_accounts SET disabled = true"
                          " WHERE name = $1 RETURNING account_id),"
                          " s AS (DELETE FROM web_sessions WHERE account_id IN"
                          " (SELECT account_id FROM a) RETURNING 1)"
                          " SELECT account_id FROM a",
                          1, params, name, "account_disable", "user disable", err);
}

static int query(PGconn *conn, const char *sql, int nparams, const char *const *params,
                 PGresult **out, const char *what, struct prev_error *err)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, what);
        PQclear(res);
        return rc;
    }
    *out = res;
    return 0;
}

int db_account_list(PGconn *conn, PGresult **out, struct prev_error *err)
{
    return query(conn,
                 "SELECT a.name, a.role, coalesce(c.name, ''), a.disabled::text,"
                 " to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                 " to_char(a.password_set_at AT TIME ZONE 'UTC',"
                 "         'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                 " (SELECT count(*) FROM web_sessions s WHERE s.account_id = a.account_id)"
                 "   ::text"
                 " FROM web_accounts a LEFT JOIN counties c USING (fips) ORDER BY a.name",
                 0, NULL, out, "user list", err);
}

int db_audit_list(PGconn *conn, const char *since, PGresult **out, struct prev_error *err)
{
    const char *params[1] = {since};
    PGresult *res = PQexecParams(conn,
        "SELECT to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
        " l.account, l.client, l.action, coalesce(l.survey_year::text, ''),"
        " coalesce(c.name, coalesce(l.fips, '')), coalesce(l.batch_id::text, ''), l.result"
        " FROM audit_log l LEFT JOIN counties c USING (fips)"
        " WHERE $1::timestamptz IS NULL OR l.at >= $1::timestamptz ORDER BY l.audit_id",
        1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        int rc;
        if (state != NULL && strncmp(state, "22", 2) == 0)
            rc = prev_fail(err, PREV_EX_USAGE, "", "--since: not a date or time "
                           "(for example 2025-03-01 or '2025-03-01 14:00')");
        else
            rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "audit");
        PQclear(res);
        return rc;
    }
    *out = res;
    return 0;
}
