#include "sec_util.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_harness.h"

extern char **environ;

const char *const sec_role_name[SEC_NROLES] = {
    "prevalence_owner", "prevalence_collector", "prevalence_analyst", "prevalence_reader",
};
const char *const sec_login_name[SEC_NROLES] = {
    "t_owner", "t_collector", "t_analyst", "t_reader",
};

void sec_login_users(PGconn *conn)
{
    char sql[512];

    for (int i = 0; i < SEC_NROLES; i++) {
        /* Only fixed names go into this text. */
        snprintf(sql, sizeof sql,
                 "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s')"
                 " THEN CREATE ROLE %s LOGIN IN ROLE %s; END IF; END $$",
                 sec_login_name[i], sec_login_name[i], sec_role_name[i]);
        pg_harness_exec_ok(conn, sql);
    }
}

const char *sec_conninfo_as(const char *base, const char *user)
{
    static char buf[4][2400];
    static int which;
    char *p = buf[which++ % 4];

    snprintf(p, sizeof buf[0], "%s user=%s", base, user);
    return p;
}

PGconn *sec_connect_as(const char *base, const char *user)
{
    PGconn *c = PQconnectdb(sec_conninfo_as(base, user));

    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("cannot connect as %s: %s", user, PQerrorMessage(c));
    return c;
}

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    size_t n = 0;

    buf[0] = '\0';
    if (fp == NULL)
        return;
    n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
}

pid_t sec_spawn(const char *scratch, const char *tag, const char *const *args)
{
    const char *bin = getenv("PREVALENCE_BIN");
    char *argv[64];
    char out[1200], err[1200];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int n = 0;

    if (bin == NULL)
        fail_msg("PREVALENCE_BIN is not set");
    argv[n++] = (char *)bin;
    for (; *args != NULL && n < 63; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    snprintf(out, sizeof out, "%s/%s.out", scratch, tag);
    snprintf(err, sizeof err, "%s/%s.err", scratch, tag);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid, bin, &fa, NULL, argv, environ) != 0)
        fail_msg("cannot start %s", bin);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

void sec_wait(pid_t pid, const char *scratch, const char *tag, struct sec_run *r)
{
    char path[1200];
    int status = 0;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    snprintf(path, sizeof path, "%s/%s.out", scratch, tag);
    slurp(path, r->out, sizeof r->out);
    snprintf(path, sizeof path, "%s/%s.err", scratch, tag);
    slurp(path, r->err, sizeof r->err);
}

void sec_run(struct sec_run *r, const char *scratch, const char *const *args)
{
    sec_wait(sec_spawn(scratch, "run", args), scratch, "run", r);
}

void sec_expect_status(const struct sec_run *r, int want)
{
    if (r->status != want)
        fail_msg("exit %d, want %d; stderr:\n%s", r->status, want, r->err);
}

void sec_expect_err(const struct sec_run *r, const char *needle)
{
    if (strstr(r->err, needle) == NULL)
        fail_msg("stderr lacks \"%s\"; it was:\n%s", needle, r->err);
}

const char *sec_sqlstate(PGconn *conn, const char *sql)
{
    static char state[8];
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    const char *s;

    state[0] = '\0';
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        snprintf(state, sizeof state, "%s", s != NULL ? s : "?????");
    }
    PQclear(res);
    return state;
}

void sec_expect_denied(PGconn *conn, const char *sql)
{
    const char *state = sec_sqlstate(conn, sql);

    if (strcmp(state, "42501") != 0)
        fail_msg("as %s: %s\n  gave SQLSTATE '%s', want 42501 (permission denied)%s%s",
                 PQuser(conn), sql, state, state[0] == '\0' ? ": it succeeded" : ": ",
                 state[0] == '\0' ? "" : PQerrorMessage(conn));
}

long sec_long(PGconn *conn, const char *sql)
{
    return strtol(sec_text(conn, sql), NULL, 10);
}

const char *sec_text(PGconn *conn, const char *sql)
{
    static char buf[4][4096];
    static int which;
    char *p = buf[which++ % 4];
    PGresult *res = PQexec(conn, sql);

    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        PQclear(res);
        fail_msg("query failed: %s: %s", sql, msg);
    }
    snprintf(p, sizeof buf[0], "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return p;
}

const char *sec_db_fingerprint(PGconn *conn)
{
    static const char *const tables[] = {
        "counties", "batches", "frames", "responses", "batch_scope", "schema_migrations",
        "publications", "published_estimates", "collector_counties",
    };
    static char buf[2048];
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[256];
        /* Only fixed names go into this text. */
        snprintf(sql, sizeof sql,
                 "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY"
                 " t::text)), '') FROM %s t", tables[i]);
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s=%s ", tables[i],
                              sec_text(conn, sql));
    }
    return buf;
}

const char *sec_source_path(const char *rel)
{
    static char buf[4][1200];
    static int which;
    char *p = buf[which++ % 4];
    const char *src = getenv("PREVALENCE_SOURCE_DIR");

    if (src == NULL)
        fail_msg("PREVALENCE_SOURCE_DIR is not set");
    snprintf(p, sizeof buf[0], "%s/%s", src, rel);
    return p;
}

const char *sec_sample_path(const char *rel)
{
    char buf[1200];

    /* sec_source_path copies into a buffer of its own */
    snprintf(buf, sizeof buf, "sample-data/%s", rel);
    return sec_source_path(buf);
}

void sec_run_as(struct sec_run *r, const char *scratch, const char *base, const char *user,
                const char *const *args)
{
    const char *argv[40];
    int n = 0;

    argv[n++] = "--db";
    argv[n++] = sec_conninfo_as(base, user);
    argv[n++] = "--quiet";
    for (; *args != NULL && n < 39; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    sec_run(r, scratch, argv);
}
