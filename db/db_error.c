/* Turning libpq failures into a prev_error, and running one statement.
 * The lowest layer of db/: connect.c, embedded.c and migrate.c all use it,
 * and it uses none of them. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "db.h"

static char server_log[1100], server_data[1100];

void db_error_server_log(const char *log_path, const char *data_dir)
{
    snprintf(server_log, sizeof server_log, "%s", log_path);
    snprintf(server_data, sizeof server_data, "%s", data_dir);
}

/* Did the embedded server's last PANIC (the end of its log) say that its
 * disk was full? A server that cannot write its write-ahead log stops all
 * sessions and restarts; the client only sees the connection close. */
static bool embedded_disk_full(void)
{
    char tail[16384];
    const char *panic = NULL, *p;
    size_t n;
    FILE *fp;

    if (server_log[0] == '\0' || (fp = fopen(server_log, "r")) == NULL)
        return false;
    if (fseek(fp, -(long)(sizeof tail - 1), SEEK_END) != 0)
        rewind(fp);
    n = fread(tail, 1, sizeof tail - 1, fp);
    fclose(fp);
    tail[n] = '\0';
    for (p = tail; (p = strstr(p, "PANIC:")) != NULL; p++)
        panic = p;
    if (panic == NULL)
        return false;
    p = strchr(panic, '\n');
    return strstr(panic, "No space left on device") != NULL
           && (p == NULL || strstr(panic, "No space left on device") < p);
}

/* What to do when the server's disk is full, with the free space left. */
static void disk_full_advice(char *buf, size_t size, bool embedded)
{
    struct statvfs vfs;

    if (embedded && statvfs(server_data, &vfs) == 0)
        snprintf(buf, size, "; the database's disk is full (%s, %llu MiB free now): make "
                 "room there, then run the same command again; nothing of it was kept",
                 server_data, (unsigned long long)vfs.f_bavail * vfs.f_frsize >> 20);
    else
        snprintf(buf, size, "; the database server's disk is full: ask its administrator "
                 "to make room, then run the same command again; nothing of it was kept");
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
    bool lost = (conn != NULL && PQstatus(conn) == CONNECTION_BAD)
                || (state != NULL && (strncmp(state, "08", 2) == 0
                                      || strncmp(state, "57P0", 4) == 0));
    /* A full disk (SQLSTATE 53100 from any server, or the embedded
     * server's PANIC while writing its log) is said in words. */
    char advice[1400] = "";
    if (state != NULL && strcmp(state, "53100") == 0) {
        disk_full_advice(advice, sizeof advice, server_data[0] != '\0');
        lost = true;
    } else if (lost && embedded_disk_full()) {
        disk_full_advice(advice, sizeof advice, true);
        text = "the database server stopped";   /* libpq's two sentences say no more */
    }
    if (lost)
        code = PREV_EX_UNAVAILABLE;
    if (state != NULL)
        return prev_fail(err, code, "", "%s: %s (SQLSTATE %s)%s", what, text, state, advice);
    return prev_fail(err, code, "", "%s: %s%s", what, text, advice);
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
