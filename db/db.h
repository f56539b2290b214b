#ifndef PREV_DB_H
#define PREV_DB_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

#include <libpq-fe.h>

#include "prev_error.h"

/* ---- connection (db/connect.c) ------------------------------------------ */

enum db_source { DB_SOURCE_OPTION, DB_SOURCE_DATABASE_URL, DB_SOURCE_PGENV,
                 DB_SOURCE_EMBEDDED };

/* Decide where to connect: --db, else DATABASE_URL, else the libpq PG*
 * environment, else the embedded cluster. Writes the conninfo to use
 * ("" means libpq's environment) into buf. */
enum db_source db_pick_source(const char *opt_db, char *buf, size_t size);

/* Connect, starting the embedded cluster (and creating its database)
 * first when that is the source. With need_schema, the embedded database
 * gets any pending migrations applied, and a shared server must already
 * hold the current schema.
 * On success *out is an open connection the caller closes with PQfinish.
 * Errors: 69 unreachable or no schema, 78 cannot set up the embedded
 * cluster. */
int db_connect(const char *opt_db, bool quiet, bool need_schema, PGconn **out,
               struct prev_error *err);

/* ---- errors and one statement (db/db_error.c) ---------------------------- */

/* Fill err from a failed result or connection, keeping the SQLSTATE:
 * "what: message (SQLSTATE 23505)". Returns code, except for a refused
 * privilege (SQLSTATE 42501): 77 (PREV_EX_NOPERM), whatever code says. */
int db_fail(struct prev_error *err, int code, PGconn *conn, const PGresult *res,
            const char *what);

/* Run a statement that returns no rows; fill err on failure. */
int db_exec(PGconn *conn, const char *sql, struct prev_error *err);

/* The embedded cluster this process talks to (db_connect sets it): when
 * its server dies under a statement, db_fail reads the end of its log to
 * say why, e.g. that its disk is full. */
void db_error_server_log(const char *log_path, const char *data_dir);

/* ---- embedded cluster (db/embedded.c) ------------------------------------ */

struct db_embedded {
    char home[1024];        /* the data home, absolute */
    bool default_home;      /* no --home or PREVALENCE_HOME: the XDG default */
    char base[1024];        /* where data and socket live (home, or a fallback) */
    char data_dir[1100];
    char socket_dir[1100];
    char log_path[1100];
    char lock_path[1100];
    char bindir[1024];      /* PostgreSQL server binaries */
    bool as_other_user;     /* we are root: run the server as server_user */
    uid_t server_uid;
    gid_t server_gid;
    char server_user[64];
    int port;
};

/* The data home: $PREVALENCE_HOME (which --home sets; relative to the
 * current folder), else ${XDG_DATA_HOME:-$HOME/.local/share}/prevalence,
 * absolute, into buf. *from_default tells which. Error 78 without HOME. */
int db_default_home(char *buf, size_t size, bool *from_default, struct prev_error *err);

/* Work out paths, binaries and the server user for the data home
 * (db_default_home); creates nothing. */
int db_embedded_locate(struct db_embedded *em, struct prev_error *err);
/* The same for the absolute folder home. */
int db_embedded_locate_at(struct db_embedded *em, const char *home, struct prev_error *err);

/* Create the cluster if missing, start it if stopped (a second start is a
 * no-op), recover a stale postmaster.pid, and create the database.
 * *started tells whether this call started the server. */
int db_embedded_start(struct db_embedded *em, bool quiet, bool *started,
                      struct prev_error *err);

/* Stop the server (fast shutdown). *was_running tells whether it ran. */
int db_embedded_stop(struct db_embedded *em, bool *was_running, struct prev_error *err);

/* pid of the running server, or 0 when it is not running. */
long db_embedded_running_pid(const struct db_embedded *em);

/* conninfo for the embedded database (keyword form). */
void db_embedded_conninfo(const struct db_embedded *em, const char *dbname,
                          char *buf, size_t size);

/* postgresql:// URI for the embedded database, path percent-encoded. */
void db_embedded_uri(const struct db_embedded *em, char *buf, size_t size);

#define DB_EMBEDDED_DBNAME "prevalence"
#define DB_EMBEDDED_SUPERUSER "postgres"

/* ---- schema migrations (db/migrate.c) ------------------------------------ */

/* Directory holding NNN_name.sql files: $PREVALENCE_SQL_DIR, else the
 * source tree when running from the build directory, else the installed
 * share/prevalence/sql. */
int db_sql_dir(char *buf, size_t size, struct prev_error *err);

/* Apply pending migrations in one transaction. *applied counts those
 * applied now, *total all known. When report is set, each one applied is
 * named on stderr. */
int db_migrate(PGconn *conn, bool report, int *applied, int *total,
               struct prev_error *err);

/* Fail with a clear message unless every migration has been applied. */
int db_require_schema(PGconn *conn, struct prev_error *err);

/* ---- web accounts and the audit log (db/accounts.c, sql/005_web.sql) ---- */

/* One line of audit_log. Never a file's contents or a password. Strings
 * may be NULL (stored as ""); survey_year and batch_id 0 mean none. */
struct db_audit_entry {
    const char *account;      /* account name, or "" when unknown */
    const char *client;       /* client address */
    const char *action;       /* login, login_failed, logout, upload, check, load, ... */
    int survey_year;
    const char *fips;
    long long batch_id;
    const char *result;       /* "ok", "403", "3 errors", ... */
};
int db_audit(PGconn *conn, const struct db_audit_entry *e, struct prev_error *err);

/* Account changes, each in one transaction with its audit line (account
 * "cli:" and the database user). role: admin, analyst or specialist;
 * fips only (and always) for a specialist. Errors: 65 the name is taken
 * or unknown, 69 database, 77 not permitted. password_hash is an Argon2id
 * string (common/password.h). Changing the password or disabling the
 * account ends its sessions. */
int db_account_add(PGconn *conn, const char *name, const char *role, const char *fips,
                   const char *password_hash, struct prev_error *err);
int db_account_set_password(PGconn *conn, const char *name, const char *password_hash,
                            struct prev_error *err);
int db_account_disable(PGconn *conn, const char *name, struct prev_error *err);

/* Accounts: name, role, county (name or ""), disabled (t/f), created_at,
 * password_set_at, sessions (open sessions), ordered by name. The caller
 * PQclears *out. */
int db_account_list(PGconn *conn, PGresult **out, struct prev_error *err);

/* audit_log since a date or time (NULL: all), oldest first: at (UTC,
 * ISO 8601), account, client, action, survey_year, county, batch_id,
 * result. 64 when since is not a date. The caller PQclears *out. */
int db_audit_list(PGconn *conn, const char *since, PGresult **out, struct prev_error *err);
/* Highest migration number among dir's files (0 when none). */
int db_highest_migration(const char *dir);

/* 69 with the recorded reason when a failed restore marked the database
 * unusable (table prevalence_unusable), else 0. db_migrate and
 * db_require_schema call it. */
int db_check_usable(PGconn *conn, struct prev_error *err);

/* How many of this version's migrations the database lacks; *has_schema
 * tells whether it has schema_migrations at all. */
int db_pending_migrations(PGconn *conn, int *pending, bool *has_schema,
                          struct prev_error *err);

/* The schema as `db verify` checks it: every migration this version knows
 * is applied under its own name (69 when one is missing), and none it does
 * not know (65: a newer version upgraded it). *version is the highest
 * applied, *count how many. */
int db_check_migrations(PGconn *conn, int *version, int *count, struct prev_error *err);

/* ---- verify (db/verify.c) ---------------------------------------------------- */

/* Recompute every batch's row count and content digest from its rows
 * (batches with rows of survey year `year` only, when year > 0) and compare
 * them with those recorded at load (batch_content, sql/006). Each batch
 * that differs is named on diag; a summary goes to out. 0 when all agree,
 * 65 when one differs, 69 schema out of date, 77 role may not read rows. */
int db_verify(PGconn *conn, int year, FILE *out, FILE *diag, struct prev_error *err);

/* ---- backup and restore (db/backup.c) -------------------------------------- */

/* The PostgreSQL program name (pg_dump, pg_restore) of major version
 * `major`, from bindir_hint (the embedded cluster's), PREVALENCE_PG_BINDIR,
 * /usr/lib/postgresql/MAJOR/bin or pg_config --bindir. 78 when none. */
int db_pg_tool(const char *name, int major, const char *bindir_hint, char *out, size_t size,
               struct prev_error *err);

struct db_backup_result {
    long long dump_bytes;
    char dump_sha256[65];
    int batches;
};

/* Write a backup of conn's database to path, whole or not at all: pg_dump
 * (custom format, the server's major version) of one exported snapshot,
 * followed by a manifest taken in the same snapshot (tool and schema
 * version, migrations, roles, per-batch row counts and digests, the dump's
 * size and sha256). conninfo is what conn was opened with ("" for libpq's
 * environment); its password reaches pg_dump through PGPASSWORD, never its
 * command line. */
int db_backup(PGconn *conn, const char *conninfo, const char *bindir_hint, const char *path,
              struct db_backup_result *result, struct prev_error *err);

/* Check a backup file without writing anything: trailer, manifest sha256,
 * dump length and sha256. *manifest (malloc'd, caller frees) and
 * *dump_bytes on success; 65 on any damage, 66 unreadable. */
int db_backup_check(const char *path, char **manifest, long long *dump_bytes,
                    struct prev_error *err);

/* Restore a backup into conn's database: checks the file first
 * (db_backup_check), refuses a database that holds anything (73) unless
 * force, creates the prevalence_* roles the backup names, restores in one
 * transaction, then compares every batch with the manifest and runs
 * db_verify. A mismatch marks the database unusable (65). */
int db_restore(PGconn *conn, const char *conninfo, const char *bindir_hint, const char *path,
               bool force, struct prev_error *err);

/* Before migrations are applied to the embedded cluster: when the database
 * already holds a schema and some migration is pending, write a backup to
 * HOME/backups/ and keep the newest five. */
int db_embedded_backup_before_migrate(const struct db_embedded *em, PGconn *conn, bool quiet,
                                      struct prev_error *err);

/* ---- the anonymous questionnaire (db/survey.c, sql/007_survey.sql) ---- */

#define DB_SURVEY_CODE_LEN 12          /* symbols of an access code */
#define DB_SURVEY_CODE_SHOWN 14        /* as printed: 7KQ4-MX2P-9TRA */

enum db_survey_window { DB_SURVEY_NOT_OPENED, DB_SURVEY_OPEN, DB_SURVEY_CLOSED };
enum db_survey_verdict {
    DB_SURVEY_CODE_UNKNOWN,            /* not a code of any survey (or mistyped) */
    DB_SURVEY_CODE_OK,                 /* may answer (or change its answer) */
    DB_SURVEY_CODE_CLOSED,             /* its survey year is closed */
    DB_SURVEY_CODE_REVOKED
};
struct db_survey_answer {
    char role[24];
    int caseload, confirmed, suspected;
};
struct db_survey_code {
    enum db_survey_verdict verdict;
    int year;
    char fips[8];
    bool answered;                     /* prev holds the answer given */
    struct db_survey_answer prev;
};

/* A typed code as the store knows it: capitals, no dashes or spaces;
 * false when it cannot be a code (wrong length or symbol). */
bool db_survey_code_normalize(const char *in, char out[DB_SURVEY_CODE_LEN + 1]);
/* Open YEAR for answers (or reopen a closed year: *reopened; or set its
 * closing date). Makes the code key on first use. */
int db_survey_open(PGconn *conn, int year, const char *closes_on, bool *reopened,
                   struct prev_error *err);
int db_survey_state(PGconn *conn, int year, enum db_survey_window *state,
                    struct prev_error *err);
int db_survey_mark_closed(PGconn *conn, int year, struct prev_error *err);
/* count new codes for a county-year, stored as keyed hashes only; the
 * codes themselves exist only in codes[] (printed once). */
int db_survey_codes(PGconn *conn, int year, const char *fips, size_t count,
                    char (*codes)[DB_SURVEY_CODE_SHOWN + 1], struct prev_error *err);
/* Revoke an unused code (*revoked false: unknown, used or revoked already). */
int db_survey_revoke(PGconn *conn, const char *code, bool *revoked, struct prev_error *err);
/* Per county: name, fips, codes issued, used, revoked, answers, frame
 * officers_total (NULL without a frame). */
int db_survey_status(PGconn *conn, int year, PGresult **out, struct prev_error *err);
/* What a typed code may do (verdict UNKNOWN for anything that is not a
 * code of an opened survey), with its earlier answer. */
int db_survey_lookup(PGconn *conn, const char *code, struct db_survey_code *c,
                     struct prev_error *err);
/* Store code's answer in one transaction with the code's row locked: the
 * first answer inserts a row and marks the code used, a later one replaces
 * that row. Nothing is written unless c->verdict is OK. */
int db_survey_submit(PGconn *conn, const char *code, const struct db_survey_answer *a,
                     struct db_survey_code *c, struct prev_error *err);
/* fips, answer_id, role, caseload, confirmed, suspected of YEAR. */
int db_survey_answers(PGconn *conn, int year, PGresult **out, struct prev_error *err);

#endif
