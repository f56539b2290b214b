/* Forward-only schema migrations: sql/NNN_name.sql applied in order inside
 * one transaction and recorded in schema_migrations. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "prev_config.h"

#define MAX_MIGRATIONS 256

struct migration {
    int version;
    char name[256];       /* file name, e.g. 001_init.sql */
};

static bool dir_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int db_sql_dir(char *buf, size_t size, struct prev_error *err)
{
    const char *env = getenv("PREVALENCE_SQL_DIR");
    char exe[PATH_MAX];
    ssize_t n;

    if (env != NULL && env[0] != '\0') {
        if (!dir_exists(env))
            return prev_fail(err, PREV_EX_CONFIG, "PREVALENCE_SQL_DIR",
                             "'%s' is not a directory", env);
        snprintf(buf, size, "%s", env);
        return 0;
    }
    /* Running from the build directory: use the source tree's files, so an
     * older installed copy never shadows the schema being developed. */
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if (strncmp(exe, PREV_BUILD_DIR "/", strlen(PREV_BUILD_DIR) + 1) == 0
            && dir_exists(PREV_SOURCE_DIR "/sql")) {
            snprintf(buf, size, "%s", PREV_SOURCE_DIR "/sql");
            return 0;
        }
    }
    if (dir_exists(PREV_SQL_INSTALL_DIR)) {
        snprintf(buf, size, "%s", PREV_SQL_INSTALL_DIR);
        return 0;
    }
    if (dir_exists(PREV_SOURCE_DIR "/sql")) {
        snprintf(buf, size, "%s", PREV_SOURCE_DIR "/sql");
        return 0;
    }
    return prev_fail(err, PREV_EX_CONFIG, "",
                     "schema files not found in %s; set PREVALENCE_SQL_DIR",
                     PREV_SQL_INSTALL_DIR);
}

static int cmp_migration(const void *a, const void *b)
{
    return ((const struct migration *)a)->version - ((const struct migration *)b)->version;
}

/* List NNN_*.sql in dir, sorted by NNN; two files with one number is an error. */
static int list_migrations(const char *dir, struct migration *out, int *count,
                           struct prev_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return prev_fail(err, PREV_EX_CONFIG, dir, "cannot open: %s", strerror(errno));
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        size_t len = strlen(nm);
        if (len < 9 || nm[0] < '0' || nm[0] > '9' || nm[1] < '0' || nm[1] > '9'
            || nm[2] < '0' || nm[2] > '9' || nm[3] != '_' || strcmp(nm + len - 4, ".sql") != 0)
            continue;
        if (n == MAX_MIGRATIONS || len >= sizeof out[0].name) {
            closedir(d);
            return prev_fail(err, PREV_EX_CONFIG, dir, "too many or too long migration files");
        }
        out[n].version = (nm[0] - '0') * 100 + (nm[1] - '0') * 10 + (nm[2] - '0');
        snprintf(out[n].name, sizeof out[n].name, "%s", nm);
        n++;
    }
    closedir(d);
    qsort(out, (size_t)n, sizeof out[0], cmp_migration);
    for (int i = 1; i < n; i++)
        if (out[i].version == out[i - 1].version)
            return prev_fail(err, PREV_EX_CONFIG, dir, "two migrations numbered %03d: %s and %s",
                             out[i].version, out[i - 1].name, out[i].name);
    *count = n;
    return 0;
}

/* Read a whole file into a NUL-terminated buffer the caller frees. */
static char *read_file(const char *path, struct prev_error *err)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long len;

    if (fp == NULL) {
        prev_fail(err, PREV_EX_CONFIG, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0
        || (buf = malloc((size_t)len + 1)) == NULL
        || fread(buf, 1, (size_t)len, fp) != (size_t)len) {
        prev_fail(err, PREV_EX_CONFIG, path, "cannot read");
        free(buf);
        fclose(fp);
        return NULL;
    }
    buf[len] = '\0';
    fclose(fp);
    return buf;
}

/* Versions already applied; bitmap indexed by version. */
static int applied_versions(PGconn *conn, bool have[1000], struct prev_error *err)
{
    PGresult *res = PQexec(conn, "SELECT version FROM schema_migrations");
    int rc = 0;

    memset(have, 0, 1000 * sizeof have[0]);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading schema_migrations");
    } else {
        for (int i = 0; i < PQntuples(res); i++) {
            long v = strtol(PQgetvalue(res, i, 0), NULL, 10);
            if (v >= 0 && v < 1000)
                have[v] = true;
        }
    }
    PQclear(res);
    return rc;
}

int db_highest_migration(const char *dir)
{
    static struct migration list[MAX_MIGRATIONS];
    struct prev_error e;
    int n = 0;

    if (list_migrations(dir, list, &n, &e) != 0 || n == 0)
        return 0;
    return list[n - 1].version;
}

int db_check_usable(PGconn *conn, struct prev_error *err)
{
    PGresult *res = PQexec(conn, "SELECT to_regclass('public.prevalence_unusable') IS NOT NULL");
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "database");
    } else if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        PQclear(res);
        res = PQexec(conn, "SELECT string_agg(reason, '; ' ORDER BY marked_at) "
                           "FROM public.prevalence_unusable");
        rc = prev_fail(err, PREV_EX_UNAVAILABLE, "",
                       "the database is marked unusable: %s; restore a good backup into it "
                       "with 'prevalence db restore --force FILE'",
                       PQresultStatus(res) == PGRES_TUPLES_OK && !PQgetisnull(res, 0, 0)
                           ? PQgetvalue(res, 0, 0) : "(no reason recorded)");
    }
    PQclear(res);
    return rc;
}

int db_pending_migrations(PGconn *conn, int *pending, bool *has_schema, struct prev_error *err)
{
    static struct migration list[MAX_MIGRATIONS];
    static bool have[1000];
    char dir[PATH_MAX];
    PGresult *res = NULL;
    int n = 0, rc;

    *pending = 0;
    *has_schema = false;
    if ((rc = db_sql_dir(dir, sizeof dir, err)) != 0
        || (rc = list_migrations(dir, list, &n, err)) != 0)
        return rc;
    res = PQexec(conn, "SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "database");
        PQclear(res);
        return rc;
    }
    *has_schema = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (!*has_schema) {
        *pending = n;
        return 0;
    }
    if ((rc = applied_versions(conn, have, err)) != 0)
        return rc;
    for (int i = 0; i < n; i++)
        if (!have[list[i].version])
            (*pending)++;
    return 0;
}

int db_check_migrations(PGconn *conn, int *version, int *count, struct prev_error *err)
{
    static struct migration list[MAX_MIGRATIONS];
    char dir[PATH_MAX];
    PGresult *res = NULL;
    int n = 0, rc;

    *version = 0;
    *count = 0;
    if ((rc = db_check_usable(conn, err)) != 0 || (rc = db_require_schema(conn, err)) != 0
        || (rc = db_sql_dir(dir, sizeof dir, err)) != 0
        || (rc = list_migrations(dir, list, &n, err)) != 0)
        return rc;
    res = PQexec(conn, "SELECT version, name FROM schema_migrations ORDER BY version");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading schema_migrations");
        goto done;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        long v = strtol(PQgetvalue(res, i, 0), NULL, 10);
        const char *name = PQgetvalue(res, i, 1);
        int j;
        for (j = 0; j < n && list[j].version != v; j++)
            ;
        if (j == n) {
            rc = prev_fail(err, PREV_EX_DATA, "schema_migrations",
                           "the database holds migration %03ld (%s), which this version of "
                           "prevalence does not know: it was upgraded by a newer version; "
                           "use that version", v, name);
            goto done;
        }
        if (strcmp(list[j].name, name) != 0) {
            rc = prev_fail(err, PREV_EX_DATA, "schema_migrations",
                           "migration %03ld is recorded as %s, but this version's file is %s",
                           v, name, list[j].name);
            goto done;
        }
        if (v > *version)
            *version = (int)v;
    }
    *count = PQntuples(res);
done:
    PQclear(res);
    return rc;
}

int db_migrate(PGconn *conn, bool report, int *applied, int *total, struct prev_error *err)
{
    static struct migration list[MAX_MIGRATIONS];
    static bool have[1000];
    char dir[PATH_MAX], path[PATH_MAX + 300];
    char *sql = NULL;
    PGresult *res = NULL;
    int n = 0, rc = 0;
    bool in_tx = false;

    *applied = 0;
    *total = 0;
    if ((rc = db_sql_dir(dir, sizeof dir, err)) != 0)
        return rc;
    if ((rc = list_migrations(dir, list, &n, err)) != 0)
        return rc;
    *total = n;
    if ((rc = db_check_usable(conn, err)) != 0)
        return rc;
    if ((rc = db_exec(conn, "BEGIN", err)) != 0)
        goto done;
    in_tx = true;
    /* The key is any constant: it serialises concurrent `init`s. */
    if ((rc = db_exec(conn, "SELECT pg_advisory_xact_lock(4242001)", err)) != 0
        || (rc = db_exec(conn,
                         "CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version integer PRIMARY KEY,"
                         " name text NOT NULL,"
                         " applied_at timestamptz NOT NULL DEFAULT now())", err)) != 0
        || (rc = applied_versions(conn, have, err)) != 0)
        goto done;
    for (int i = 0; i < n; i++) {
        char version[16];
        const char *params[2];
        if (have[list[i].version])
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, list[i].name);
        if ((sql = read_file(path, err)) == NULL) {
            rc = err->code;
            goto done;
        }
        res = PQexec(conn, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = db_fail(err, PREV_EX_SOFTWARE, conn, res, list[i].name);
            goto done;
        }
        PQclear(res);
        snprintf(version, sizeof version, "%d", list[i].version);
        params[0] = version;
        params[1] = list[i].name;
        res = PQexecParams(conn, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                           2, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "recording migration");
            goto done;
        }
        PQclear(res);
        res = NULL;
        free(sql);
        sql = NULL;
        if (report)
            fprintf(stderr, "prevalence: applied migration %s\n", list[i].name);
        (*applied)++;
    }
    rc = db_exec(conn, "COMMIT", err);
    in_tx = false;
done:
    if (in_tx) {
        PGresult *r = PQexec(conn, "ROLLBACK");
        PQclear(r);
        *applied = 0;
    }
    PQclear(res);
    free(sql);
    return rc;
}

int db_require_schema(PGconn *conn, struct prev_error *err)
{
    static struct migration list[MAX_MIGRATIONS];
    static bool have[1000];
    char dir[PATH_MAX];
    PGresult *res = NULL;
    int n = 0, rc;

    if ((rc = db_check_usable(conn, err)) != 0
        || (rc = db_sql_dir(dir, sizeof dir, err)) != 0
        || (rc = list_migrations(dir, list, &n, err)) != 0)
        return rc;
    res = PQexec(conn, "SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "database");
        PQclear(res);
        return rc;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        PQclear(res);
        return prev_fail(err, PREV_EX_UNAVAILABLE, "",
                         "the database has no prevalence schema; run 'prevalence init'");
    }
    PQclear(res);
    if ((rc = applied_versions(conn, have, err)) != 0)
        return rc;
    for (int i = 0; i < n; i++)
        if (!have[list[i].version])
            return prev_fail(err, PREV_EX_UNAVAILABLE, "",
                             "the database schema is out of date (%s not applied); run "
                             "'prevalence init'", list[i].name);
    return 0;
}
