#include <stdbool.h>
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

/* Words (whitespace-separated) before s[at] plus one: where a keyword
 * form goes wrong, said without repeating it. */
static int word_number(const char *s, size_t at)
{
    int n = 0;
    bool in_word = false;

    for (size_t i = 0; i <= at && s[i] != '\0'; i++) {
        bool space = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        if (!space && !in_word)
            n++;
        in_word = !space;
    }
    return n > 0 ? n : 1;
}

/* The position of libpq's quoted fragment ("missing \"=\" after \"X\"")
 * in conninfo, or 0. */
static size_t fragment_at(const char *conninfo, const char *libpq_msg, const char *after)
{
    const char *q = strstr(libpq_msg, after);
    const char *end, *hit;
    char frag[256];

    if (q == NULL)
        return 0;
    q += strlen(after);
    if ((end = strchr(q, '"')) == NULL || (size_t)(end - q) >= sizeof frag || end == q)
        return 0;
    memcpy(frag, q, (size_t)(end - q));
    frag[end - q] = '\0';
    hit = strstr(conninfo, frag);
    return hit != NULL ? (size_t)(hit - conninfo) : 0;
}

/* libpq's parse messages quote pieces of the string, which may be (half
 * of) the password ("password=two words" gives `missing "=" after
 * "words"`). Say what is wrong in our own words, from libpq's message,
 * never a piece of the string. */
static void describe_parse_error(const char *conninfo, const char *libpq_msg, char *out,
                                 size_t size)
{
    bool uri = strncmp(conninfo, "postgresql://", 13) == 0
               || strncmp(conninfo, "postgres://", 11) == 0;

    if (strstr(libpq_msg, "missing \"=\" after") != NULL)
        snprintf(out, size, "word %d has no '=' (keyword=value expected; quote a value "
                 "with spaces in single quotes)",
                 word_number(conninfo, fragment_at(conninfo, libpq_msg, "after \"")));
    else if (strstr(libpq_msg, "unterminated quoted string") != NULL)
        snprintf(out, size, "a quoted value has no closing quote");
    else if (strstr(libpq_msg, "invalid connection option") != NULL)
        snprintf(out, size, "word %d is not a connection keyword libpq knows",
                 word_number(conninfo, fragment_at(conninfo, libpq_msg, "option \"")));
    else if (strstr(libpq_msg, "percent-encoded") != NULL)
        snprintf(out, size, "the URI holds an invalid %%-escape (write %%25 for a "
                 "literal %%)");
    else if (strstr(libpq_msg, "query parameter") != NULL)
        snprintf(out, size, "the URI's query (after '?') has a parameter libpq does not "
                 "know or a malformed one");
    else if (strstr(libpq_msg, "IPv6") != NULL)
        snprintf(out, size, "the URI's IPv6 host address has no closing ']'");
    else if (uri)
        snprintf(out, size, "the URI is malformed (postgresql://user@host:port/dbname?"
                 "keyword=value expected)");
    else
        snprintf(out, size, "not a keyword=value list or a postgresql:// URI");
}

/* Replace every occurrence of secret in s (in place). */
static void scrub(char *s, size_t size, const char *secret)
{
    static const char mask[] = "(password not shown)";
    size_t n = secret != NULL ? strlen(secret) : 0;
    char *hit;

    if (n == 0)
        return;
    while ((hit = strstr(s, secret)) != NULL) {
        size_t tail = strlen(hit + n);
        if ((size_t)(hit - s) + sizeof mask + tail > size)
            tail = size - (size_t)(hit - s) - sizeof mask;
        memmove(hit + sizeof mask - 1, hit + n, tail);
        memcpy(hit, mask, sizeof mask - 1);
        hit[sizeof mask - 1 + tail] = '\0';
    }
}

/* Check a --db / DATABASE_URL string before libpq connects with it, and
 * keep its password (malloc'd, or NULL) to scrub from libpq's messages. */
static int check_conninfo(const char *conninfo, const char *where, char **password,
                          struct prev_error *err)
{
    PQconninfoOption *opts = NULL;
    char *msg = NULL, why[300];

    *password = NULL;
    if ((opts = PQconninfoParse(conninfo, &msg)) == NULL) {
        describe_parse_error(conninfo, msg != NULL ? msg : "", why, sizeof why);
        PQfreemem(msg);
        return prev_fail(err, PREV_EX_UNAVAILABLE, where,
                         "cannot connect to the database: invalid connection string: %s "
                         "(the string is not shown, it may hold a password)", why);
    }
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL && o->val[0] != '\0')
            *password = strdup(o->val);
    PQconninfoFree(opts);
    return 0;
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
    char *password = NULL;
    int rc = 0;

    *out = NULL;
    if (src == DB_SOURCE_EMBEDDED) {
        bool started = false;
        if ((rc = db_embedded_locate(&em, err)) != 0)
            return rc;
        if ((rc = db_embedded_start(&em, quiet, &started, err)) != 0)
            return rc;
        db_error_server_log(em.log_path, em.data_dir);
        db_embedded_conninfo(&em, DB_EMBEDDED_DBNAME, conninfo, sizeof conninfo);
    }
    if ((src == DB_SOURCE_OPTION || src == DB_SOURCE_DATABASE_URL)
        && (rc = check_conninfo(conninfo, src == DB_SOURCE_OPTION ? "--db" : "DATABASE_URL",
                                &password, err)) != 0)
        return rc;
    conn = PQconnectdb(conninfo);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, NULL, "cannot connect to the database");
        if (src == DB_SOURCE_OPTION)
            snprintf(err->where, sizeof err->where, "--db");
        else if (src == DB_SOURCE_DATABASE_URL)
            snprintf(err->where, sizeof err->where, "DATABASE_URL");
        /* libpq does not print passwords today; make sure of it */
        scrub(err->msg, sizeof err->msg, password);
        scrub(err->msg, sizeof err->msg, nonempty_env("PGPASSWORD"));
        free(password);
        PQfinish(conn);
        return rc;
    }
    free(password);
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    if (src == DB_SOURCE_EMBEDDED && need_schema) {
        /* The embedded database is ours: keep its schema current. */
        int applied = 0, total = 0;
        if ((rc = db_embedded_backup_before_migrate(&em, conn, quiet, err)) != 0
            || (rc = db_migrate(conn, !quiet, &applied, &total, err)) != 0) {
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
