/* Turning libpq failures into a prev_error, and running one statement.
 * The lowest layer of db/: connect.c, embedded.c and migrate.c all use it,
 * and it uses none of them. */
#include <stdio.h>
#include <string.h>

#include "db.h"

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
