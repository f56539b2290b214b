#include "pg_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"

static char tmpdir[512];
static struct db_embedded em;
static int db_counter;

int pg_harness_start(void)
{
    struct prev_error err;
    char home[600];
    bool started = false;
    const char *base = getenv("TMPDIR");

    prev_error_clear(&err);
    /* Nothing of the caller's libpq environment may reach another server. */
    static const char *pgvars[] = {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE",
                                   "PGSERVICE", "PGUSER", "DATABASE_URL", NULL};
    for (int i = 0; pgvars[i] != NULL; i++)
        unsetenv(pgvars[i]);
    snprintf(tmpdir, sizeof tmpdir, "%s/prevalence-db.XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL || chmod(tmpdir, 0755) != 0) {
        perror("pg_harness: mkdtemp");
        return -1;
    }
    snprintf(home, sizeof home, "%s/home", tmpdir);
    setenv("PREVALENCE_HOME", home, 1);
    if (db_embedded_locate(&em, &err) != 0
        || db_embedded_start(&em, true, &started, &err) != 0) {
        prev_error_print(&err, stderr);
        return -1;
    }
    return 0;
}

int pg_harness_stop(void)
{
    struct prev_error err;
    bool was = false;
    char cmd[700];
    int rc = 0;

    prev_error_clear(&err);
    if (db_embedded_stop(&em, &was, &err) != 0) {
        prev_error_print(&err, stderr);
        rc = -1;
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (tmpdir[0] != '\0' && system(cmd) != 0)
        rc = -1;
    return rc;
}

const char *pg_harness_tmpdir(void)
{
    return tmpdir;
}

static PGconn *new_db(char *conninfo, size_t size, bool schema)
{
    char admin[1400], name[64], sql[128];
    struct prev_error err;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    int applied = 0, total = 0;

    prev_error_clear(&err);
    snprintf(name, sizeof name, "t_%ld_%d", (long)getpid(), ++db_counter);
    db_embedded_conninfo(&em, "postgres", admin, sizeof admin);
    conn = PQconnectdb(admin);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "pg_harness: %s", PQerrorMessage(conn));
        PQclear(res);
        PQfinish(conn);
        return NULL;
    }
    PQclear(res);
    PQfinish(conn);
    db_embedded_conninfo(&em, name, conninfo, size);
    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "pg_harness: %s", PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    if (schema && db_migrate(conn, false, &applied, &total, &err) != 0) {
        prev_error_print(&err, stderr);
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

PGconn *pg_harness_fresh_db(char *conninfo, size_t size)
{
    return new_db(conninfo, size, true);
}

PGconn *pg_harness_empty_db(char *conninfo, size_t size)
{
    return new_db(conninfo, size, false);
}

int pg_harness_group_setup(void **state)
{
    (void)state;
    return pg_harness_start();
}

int pg_harness_group_teardown(void **state)
{
    (void)state;
    return pg_harness_stop();
}

void pg_harness_exec_ok(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        PQclear(res);
        fail_msg("as %s: %s\n  failed: %s", PQuser(conn), sql, msg);
    }
    PQclear(res);
}
