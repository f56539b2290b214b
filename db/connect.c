#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char *nonempty_env(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

enum db_source db_pick_source(const char *opt_db, char *buf, size_t size)
{
    static const char *pgenv[] = {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE",
                                  "PGSERVICE", NULL};
    const char *v;

    buf[0] = '\0';
    if (opt_db != NULL) {
        snprintf(buf, size, "%s", opt_db);
        return DB_SOURCE_OPTION;
    }
    if ((v = nonempty_env("DATABASE_URL")) != NULL) {
        snprintf(buf, size, "%s", v);
        return DB_SOURCE_DATABASE_URL;
    }
    for (int i = 0; pgenv[i] != NULL; i++)
        if (nonempty_env(pgenv[i]) != NULL)
            return DB_SOURCE_PGENV;
    return DB_SOURCE_EMBEDDED;
}

int db_fail(struct prev_error *err, int code, PGconn *conn, const PGresult *res,
            const char *what)
{
    char msg[400];
    const char *state = NULL;
    size_t len;

    if (res != NULL && PQresultErrorMessage(res)[0] != '\0') {
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
        state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    } else if (conn != NULL) {
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
    } else {
        snprintf(msg, sizeof msg, "no connection");
    }
    /* libpq messages end in a newline and may start with "ERROR:  ". */
    len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    /* One line per error: libpq continues with "\n\t" or "\nDETAIL:  ". */
    for (size_t i = 0, o = 0; i <= len; i++) {
        if (msg[i] == '\n' || msg[i] == '\t') {
            if (o > 0 && msg[o - 1] != ' ')
                msg[o++] = ' ';
        } else {
            msg[o++] = msg[i];
        }
    }
    const char *text = msg;
    if (strncmp(text, "ERROR:  ", 8) == 0)
        text += 8;
    /* A refused privilege is not an outage: say which role is missing
     * rather than "database unavailable". */
    if (state != NULL && strcmp(state, "42501") == 0)
        return prev_fail(err, PREV_EX_NOPERM, "", "%s: %s (SQLSTATE %s); the database user "
                         "lacks the role this command needs (docs/security.md)",
                         what, text, state);
    /* A server that went away mid-statement (killed, shut down, crashed)
     * is an outage whatever the statement was: 69, not the caller's code. */
    if ((conn != NULL && PQstatus(conn) == CONNECTION_BAD)
        || (state != NULL && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0)))
        code = PREV_EX_UNAVAILABLE;
    if (state != NULL)
        return prev_fail(err, code, "", "%s: %s (SQLSTATE %s)", what, text, state);
    return prev_fail(err, code, "", "%s: %s", what, text);
}

int db_exec(PGconn *conn, const char *sql, struct prev_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "database");
    PQclear(res);
    return rc;
}

/* Quiet the NOTICEs of CREATE ... IF NOT EXISTS and friends. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int db_connect(const char *opt_db, bool quiet, bool need_schema, PGconn **out,
               struct prev_error *err)
{
    char conninfo[4096];
    enum db_source src = db_pick_source(opt_db, conninfo, sizeof conninfo);
    struct db_embedded em;
    PGconn *conn = NULL;
    int rc = 0;

    *out = NULL;
    if (src == DB_SOURCE_EMBEDDED) {
        bool started = false;
        if ((rc = db_embedded_locate(&em, err)) != 0)
            return rc;
        if ((rc = db_embedded_start(&em, quiet, &started, err)) != 0)
            return rc;
        db_embedded_conninfo(&em, DB_EMBEDDED_DBNAME, conninfo, sizeof conninfo);
    }
    conn = PQconnectdb(conninfo);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, NULL, "cannot connect to the database");
        if (src == DB_SOURCE_OPTION)
            snprintf(err->where, sizeof err->where, "--db");
        PQfinish(conn);
        return rc;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    if (src == DB_SOURCE_EMBEDDED && need_schema) {
        /* The embedded database is ours: keep its schema current. */
        int applied = 0, total = 0;
        if ((rc = db_migrate(conn, !quiet, &applied, &total, err)) != 0) {
            PQfinish(conn);
            return rc;
        }
    } else if (need_schema && (rc = db_require_schema(conn, err)) != 0) {
        PQfinish(conn);
        return rc;
    }
    *out = conn;
    return 0;
}
