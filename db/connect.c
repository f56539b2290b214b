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
