#ifndef PREV_SEC_UTIL_H
#define PREV_SEC_UTIL_H

/* Helpers shared by the security tests (roles, hostile input, faults,
 * concurrency): run the built binary, connect as a role, and ask the
 * database small questions. Failures go through cmocka's fail_msg. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <libpq-fe.h>

struct sec_run {
    int status;               /* exit code, or 128 + signal */
    char out[1 << 16];
    char err[1 << 16];
};

/* The four roles of sql/003_roles.sql and a login user for each
 * ("t_owner", ...): created once per cluster by sec_login_users. */
enum sec_role { SEC_OWNER, SEC_COLLECTOR, SEC_ANALYST, SEC_READER, SEC_NROLES };
extern const char *const sec_role_name[SEC_NROLES];   /* prevalence_owner, ... */
extern const char *const sec_login_name[SEC_NROLES];  /* t_owner, ... */

/* Create (if missing) one LOGIN user per role, member of that role only.
 * conn is a superuser connection; roles are cluster-wide. */
void sec_login_users(PGconn *conn);

/* conninfo of `base` connecting as `user` (keyword form, appended). */
const char *sec_conninfo_as(const char *base, const char *user);
/* Connect to base as user; fails the test when that is impossible. */
PGconn *sec_connect_as(const char *base, const char *user);

/* Run `prevalence args...` (PREVALENCE_BIN) with stdin from /dev/null and
 * outputs captured under scratch (a folder). args is NULL-terminated and
 * holds everything after the binary name, --db included if wanted. */
void sec_run(struct sec_run *r, const char *scratch, const char *const *args);
/* Start it without waiting; outputs in scratch/tag.out and tag.err. */
pid_t sec_spawn(const char *scratch, const char *tag, const char *const *args);
/* Wait for a spawned run and read its outputs. */
void sec_wait(pid_t pid, const char *scratch, const char *tag, struct sec_run *r);

#define SEC_ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

void sec_expect_status(const struct sec_run *r, int want);
void sec_expect_err(const struct sec_run *r, const char *needle);

/* Run sql; returns its SQLSTATE ("" when it succeeded). */
const char *sec_sqlstate(PGconn *conn, const char *sql);
/* Run sql and fail unless it was refused with SQLSTATE 42501. */
void sec_expect_denied(PGconn *conn, const char *sql);
/* One-value queries. */
long sec_long(PGconn *conn, const char *sql);
const char *sec_text(PGconn *conn, const char *sql);

/* A fingerprint of every table of the schema (row counts and an md5 of
 * the rows in a fixed order): equal before and after means unchanged. */
const char *sec_db_fingerprint(PGconn *conn);

/* PREVALENCE_SOURCE_DIR/rel */
const char *sec_source_path(const char *rel);
/* PREVALENCE_SOURCE_DIR/sample-data/REL, in one of sec_source_path's buffers. */
const char *sec_sample_path(const char *rel);

/* `prevalence --db BASE-as-USER --quiet ARGS...` run in scratch, into r. */
void sec_run_as(struct sec_run *r, const char *scratch, const char *base, const char *user,
                const char *const *args);

#endif
