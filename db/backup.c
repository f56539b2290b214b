/* prevalence db backup / restore: a pg_dump custom-format archive of the
 * whole database with a manifest appended, driven the way pg_dump drives
 * itself (an exported snapshot shared by the dump and the manifest).
 *
 * File layout (docs/commands/db.md):
 *   DUMP BYTES            pg_dump -Fc, exactly dump_bytes long
 *   MANIFEST              text lines "key value", from the header line
 *                         "# prevalence backup manifest" to "manifest_sha256 HEX"
 *   TRAILER               "prevalence-backup-trailer NNNNNNNNNNNN\n" (39 bytes),
 *                         NNN... the manifest's length in bytes
 * The trailer is written last, so a file cut anywhere has none and is refused;
 * the whole file is written to a temporary and renamed (atomic_file.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "db.h"
#include "prev_config.h"
#include "sha256.h"

#define MANIFEST_HEADER "# prevalence backup manifest\n"
#define TRAILER_PREFIX "prevalence-backup-trailer "
#define TRAILER_LEN 39
#define MAX_MANIFEST (64L * 1024 * 1024)

/* One line per batch: id, kind, state, row count and content digest
 * recomputed from the rows (the canonical form of sql/006_content_digests.sql,
 * repeated here so that a database older than 006 can be backed up and
 * checked too). The same query runs on the dumped snapshot and on the
 * restored database, and the two sets of lines must be equal. */
static const char batch_lines_sql[] =
    "WITH d AS ("
    "  SELECT t.batch_id, count(*) AS n,"
    "         encode(sha256(convert_to(string_agg(t.line, E'\\n' ORDER BY t.line COLLATE \"C\"),"
    "                                  'UTF8')), 'hex') AS sha"
    "    FROM (SELECT r.batch_id, ROW(r.survey_year, r.fips, r.respondent_id, r.role,"
    "                 r.caseload, r.confirmed, r.suspected)::text AS line FROM public.responses r"
    "          UNION ALL"
    "          SELECT f.batch_id, ROW(f.survey_year, f.fips, f.officers_total,"
    "                 f.youth_total)::text FROM public.frames f) t"
    "   GROUP BY t.batch_id)"
    " SELECT format('batch %s %s %s %s %s', coalesce(b.batch_id, d.batch_id),"
    "               coalesce(b.kind, 'none'),"
    "               CASE WHEN b.batch_id IS NULL THEN 'orphan' WHEN b.superseded"
    "                    THEN 'superseded' ELSE 'active' END,"
    "               coalesce(d.n, 0), coalesce(d.sha, '-'))"
    "   FROM public.batches b FULL JOIN d ON d.batch_id = b.batch_id"
    "  ORDER BY coalesce(b.batch_id, d.batch_id)";

/* ---- PostgreSQL's own tools ---------------------------------------------------- */

/* Major version of a PostgreSQL program ("pg_dump (PostgreSQL) 15.6"), or 0. */
static int tool_major(const char *path)
{
    char cmd[PATH_MAX + 64], line[256];
    const char *p;
    FILE *fp;
    int major = 0;

    if (access(path, X_OK) != 0 || strchr(path, '\'') != NULL)
        return 0;
    if ((size_t)snprintf(cmd, sizeof cmd, "'%s' --version 2>/dev/null", path) >= sizeof cmd)
        return 0;
    if ((fp = popen(cmd, "r")) == NULL)
        return 0;
    if (fgets(line, sizeof line, fp) != NULL && (p = strstr(line, "PostgreSQL) ")) != NULL)
        major = atoi(p + 12);
    pclose(fp);
    return major;
}

int db_pg_tool(const char *name, int major, const char *bindir_hint, char *out, size_t size,
               struct prev_error *err)
{
    char cand[4][PATH_MAX - 64];
    const char *env = getenv("PREVALENCE_PG_BINDIR");
    int n = 0;
    FILE *fp;

    if (bindir_hint != NULL && bindir_hint[0] != '\0')
        snprintf(cand[n++], sizeof cand[0], "%s/%s", bindir_hint, name);
    if (env != NULL && env[0] != '\0')
        snprintf(cand[n++], sizeof cand[0], "%s/%s", env, name);
    snprintf(cand[n++], sizeof cand[0], "/usr/lib/postgresql/%d/bin/%s", major, name);
    if ((fp = popen("pg_config --bindir 2>/dev/null", "r")) != NULL) {
        char line[PATH_MAX - 64];
        if (fgets(line, sizeof line, fp) != NULL) {
            line[strcspn(line, "\n")] = '\0';
            if ((size_t)snprintf(cand[n], sizeof cand[0], "%s/%s", line, name) < sizeof cand[0])
                n++;
        }
        pclose(fp);
    }
    for (int i = 0; i < n; i++)
        if (tool_major(cand[i]) == major) {
            snprintf(out, size, "%s", cand[i]);
            return 0;
        }
    return prev_fail(err, PREV_EX_CONFIG, name,
                     "no %s of PostgreSQL %d found (the server's major version; an older "
                     "or newer one would not do): install the PostgreSQL %d client, or set "
                     "PREVALENCE_PG_BINDIR to its bin folder", name, major, major);
}

/* The conninfo given to pg_dump/pg_restore on their command line, where ps
 * shows it: without its password, which goes in PGPASSWORD instead
 * (password is set to a malloc'd copy, or NULL). "" stays "" (libpq's
 * environment). */
static int split_password(const char *conninfo, char *out, size_t size, char **password,
                          struct prev_error *err)
{
    PQconninfoOption *opts = NULL;
    char *msg = NULL;
    size_t o = 0;

    *password = NULL;
    out[0] = '\0';
    if (conninfo[0] == '\0')
        return 0;
    if ((opts = PQconninfoParse(conninfo, &msg)) == NULL) {
        PQfreemem(msg);
        return prev_fail(err, PREV_EX_UNAVAILABLE, "--db", "invalid connection string "
                         "(not shown, it may hold a password)");
    }
    for (PQconninfoOption *op = opts; op->keyword != NULL; op++) {
        if (op->val == NULL || op->val[0] == '\0')
            continue;
        if (strcmp(op->keyword, "password") == 0) {
            *password = strdup(op->val);
            continue;
        }
        o += (size_t)snprintf(out + o, o < size ? size - o : 0, "%s%s='", o ? " " : "",
                              op->keyword);
        for (const char *c = op->val; *c != '\0' && o + 3 < size; c++) {
            if (*c == '\'' || *c == '\\')
                out[o++] = '\\';
            out[o++] = *c;
        }
        if (o + 2 < size)
            out[o++] = '\'';
        out[o < size ? o : size - 1] = '\0';
    }
    PQconninfoFree(opts);
    return o + 1 < size ? 0 : prev_fail(err, PREV_EX_UNAVAILABLE, "--db",
                                        "connection string too long");
}

/* Start argv[0] with stdin from in_fd and stdout to out_fd (-1: inherited),
 * PGPASSWORD set to password when it is not NULL. */
static pid_t spawn(char *const argv[], int in_fd, int out_fd, int close_fd,
                   const char *password)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    if (in_fd >= 0 && dup2(in_fd, 0) < 0)
        _exit(127);
    if (out_fd >= 0 && dup2(out_fd, 1) < 0)
        _exit(127);
    if (close_fd >= 0)
        close(close_fd);
    if (password != NULL)
        setenv("PGPASSWORD", password, 1);
    execv(argv[0], argv);
    _exit(127);
}

static int wait_ok(pid_t pid, const char *what, struct prev_error *err)
{
    int status = 0;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return prev_fail(err, PREV_EX_OSERR, what, "waitpid: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        return prev_fail(err, PREV_EX_UNAVAILABLE, what, "killed by signal %d",
                         WTERMSIG(status));
    return prev_fail(err, PREV_EX_UNAVAILABLE, what, "failed (exit %d, its message is above)",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* ---- writing ----------------------------------------------------------------------- */

/* Append the rows of sql, one "prefix col1 col2 ..." line each, to mf. */
static int manifest_rows(PGconn *conn, FILE *mf, const char *prefix, const char *sql,
                         struct prev_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "reading the database for the manifest");
    } else {
        for (int i = 0; i < PQntuples(res); i++) {
            fputs(prefix, mf);
            for (int j = 0; j < PQnfields(res); j++)
                fprintf(mf, "%s%s", j || prefix[0] ? " " : "", PQgetvalue(res, i, j));
            fputc('\n', mf);
        }
    }
    PQclear(res);
    return rc;
}

int db_backup(PGconn *conn, const char *conninfo, const char *bindir_hint, const char *path,
              struct db_backup_result *result, struct prev_error *err)
{
    struct prev_atomic_file af = {.fp = NULL, .dirfd = -1};
    struct prev_sha256 *h = NULL, *mh = NULL;
    PGresult *res = NULL;
    char pg_dump[PATH_MAX], snapshot[128], tool_conninfo[4096], dump_hex[65], mf_hex[65];
    char *password = NULL, *mbuf = NULL, *argv[12];
    size_t mlen = 0;
    FILE *mf = NULL;
    int pipefd[2] = {-1, -1}, rc = 0, argc = 0;
    bool in_tx = false;
    pid_t pid = -1;
    long long dump_bytes = 0;
    time_t now = time(NULL);
    char stamp[32];

    memset(result, 0, sizeof *result);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    if ((rc = db_pg_tool("pg_dump", PQserverVersion(conn) / 10000, bindir_hint, pg_dump,
                         sizeof pg_dump, err)) != 0
        || (rc = split_password(conninfo, tool_conninfo, sizeof tool_conninfo, &password,
                                err)) != 0)
        goto done;
    /* One snapshot for the manifest and the dump: rows a load commits
     * meanwhile are in neither. */
    if ((rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)) != 0)
        goto done;
    in_tx = true;
    res = PQexec(conn, "SELECT pg_export_snapshot()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "exporting a snapshot");
        goto done;
    }
    snprintf(snapshot, sizeof snapshot, "--snapshot=%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;

    if ((mf = open_memstream(&mbuf, &mlen)) == NULL) {
        rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
        goto done;
    }
    fputs(MANIFEST_HEADER, mf);
    fprintf(mf, "format 1\ntool_version %s\ncreated_at %s\nserver_version %d\n", PREV_VERSION,
            stamp, PQserverVersion(conn));
    if ((rc = manifest_rows(conn, mf, "schema_version",
                            "SELECT coalesce(max(version), 0) FROM schema_migrations", err)) != 0
        || (rc = manifest_rows(conn, mf, "migration",
                               "SELECT version, name FROM schema_migrations ORDER BY version",
                               err)) != 0
        /* Roles are the cluster's, not the database's: pg_dump has their
         * grants but not the roles; restore creates them first. */
        || (rc = manifest_rows(conn, mf, "role",
                               "SELECT rolname FROM pg_roles WHERE rolname LIKE "
                               "'prevalence\\_%' ORDER BY 1", err)) != 0
        || (rc = manifest_rows(conn, mf, "member",
                               "SELECT r.rolname, m.rolname FROM pg_auth_members a"
                               " JOIN pg_roles r ON r.oid = a.roleid"
                               " JOIN pg_roles m ON m.oid = a.member"
                               " WHERE r.rolname LIKE 'prevalence\\_%'"
                               "   AND m.rolname LIKE 'prevalence\\_%' ORDER BY 1, 2", err)) != 0
        /* Without --create pg_dump leaves out the database's own privileges
         * (CONNECT, TEMPORARY, CREATE), which 003 and 004 set. */
        || (rc = manifest_rows(conn, mf, "database_privilege",
                               "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                               "            ELSE pg_get_userbyid(a.grantee) END,"
                               "       a.privilege_type"
                               "  FROM pg_database d,"
                               "       aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a"
                               " WHERE d.datname = current_database()"
                               "   AND a.grantee <> d.datdba ORDER BY 1, 2", err)) != 0
        || (rc = manifest_rows(conn, mf, "", batch_lines_sql, err)) != 0)
        goto done;

    if ((rc = prev_atomic_open(&af, path, err)) != 0)
        goto done;
    if (pipe(pipefd) != 0) {
        rc = prev_fail(err, PREV_EX_OSERR, "", "pipe: %s", strerror(errno));
        goto done;
    }
    argv[argc++] = pg_dump;
    argv[argc++] = "--format=custom";
    argv[argc++] = "--no-password";
    argv[argc++] = snapshot;
    if (tool_conninfo[0] != '\0') {
        argv[argc++] = "--dbname";
        argv[argc++] = tool_conninfo;
    }
    argv[argc] = NULL;
    fflush(NULL);
    if ((pid = spawn(argv, -1, pipefd[1], pipefd[0], password)) < 0) {
        rc = prev_fail(err, PREV_EX_OSERR, "pg_dump", "fork: %s", strerror(errno));
        goto done;
    }
    close(pipefd[1]);
    pipefd[1] = -1;
    if ((h = prev_sha256_new()) == NULL) {
        rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
        goto done;
    }
    for (;;) {
        char buf[65536];
        ssize_t got = read(pipefd[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = prev_fail(err, PREV_EX_IOERR, "pg_dump", "read: %s", strerror(errno));
            goto done;
        }
        if (got == 0)
            break;
        if (fwrite(buf, 1, (size_t)got, af.fp) != (size_t)got) {
            rc = prev_fail(err, PREV_EX_IOERR, path, "write: %s", strerror(errno));
            goto done;
        }
        prev_sha256_update(h, buf, (size_t)got);
        dump_bytes += got;
    }
    rc = wait_ok(pid, "pg_dump", err);
    pid = -1;
    if (rc != 0)
        goto done;
    prev_sha256_final(h, dump_hex);
    h = NULL;
    fprintf(mf, "dump_bytes %lld\ndump_sha256 %s\n", dump_bytes, dump_hex);
    if (fflush(mf) != 0 || (mh = prev_sha256_new()) == NULL) {
        rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
        goto done;
    }
    prev_sha256_update(mh, mbuf, mlen);
    prev_sha256_final(mh, mf_hex);
    mh = NULL;
    fprintf(mf, "manifest_sha256 %s\n", mf_hex);
    fflush(mf);
    if (fwrite(mbuf, 1, mlen, af.fp) != mlen
        || fprintf(af.fp, TRAILER_PREFIX "%012zu\n", mlen) != TRAILER_LEN) {
        rc = prev_fail(err, PREV_EX_IOERR, path, "write: %s", strerror(errno));
        goto done;
    }
    if ((rc = prev_atomic_commit(&af, err)) != 0)
        goto done;
    result->dump_bytes = dump_bytes;
    snprintf(result->dump_sha256, sizeof result->dump_sha256, "%s", dump_hex);
    for (const char *p = mbuf; (p = strstr(p, "\nbatch ")) != NULL; p++)
        result->batches++;
done:
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (h != NULL)
        prev_sha256_final(h, dump_hex);
    if (mh != NULL)
        prev_sha256_final(mh, mf_hex);
    if (rc != 0)
        prev_atomic_abort(&af);
    if (mf != NULL)
        fclose(mf);
    free(mbuf);
    if (in_tx) {
        PGresult *r = PQexec(conn, "ROLLBACK");
        PQclear(r);
    }
    PQclear(res);
    free(password);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------ */

/* Read and check a backup's manifest and its dump's sha256. Writes nothing
 * anywhere. On success *manifest is the manifest text (malloc'd, the
 * caller frees) and *dump_bytes the length of the dump at the file's
 * start. */
int db_backup_check(const char *path, char **manifest, long long *dump_bytes,
                    struct prev_error *err)
{
    struct prev_sha256 *h = NULL;
    char trailer[TRAILER_LEN + 1], hex[65], *m = NULL, *line;
    const char *want_dump_sha = NULL, *want_mf_sha = NULL;
    long long want_bytes = -1, left;
    struct stat st;
    long mlen;
    int fd = -1, rc = 0;
    size_t signed_len = 0;

    *manifest = NULL;
    *dump_bytes = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return prev_fail(err, PREV_EX_NOINPUT, path, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = prev_fail(err, PREV_EX_NOINPUT, path, "not a regular file");
        goto done;
    }
    if (st.st_size < TRAILER_LEN
        || pread(fd, trailer, TRAILER_LEN, st.st_size - TRAILER_LEN) != TRAILER_LEN
        || memcmp(trailer, TRAILER_PREFIX, strlen(TRAILER_PREFIX)) != 0
        || trailer[TRAILER_LEN - 1] != '\n') {
        rc = prev_fail(err, PREV_EX_DATA, path,
                       "not a complete prevalence backup: it has no manifest at its end "
                       "(cut short, or not made by 'prevalence db backup'); nothing was "
                       "restored");
        goto done;
    }
    trailer[TRAILER_LEN - 1] = '\0';
    mlen = strtol(trailer + strlen(TRAILER_PREFIX), NULL, 10);
    if (mlen <= 0 || mlen > MAX_MANIFEST || mlen > st.st_size - TRAILER_LEN
        || (m = malloc((size_t)mlen + 1)) == NULL
        || pread(fd, m, (size_t)mlen, st.st_size - TRAILER_LEN - mlen) != mlen) {
        rc = prev_fail(err, PREV_EX_DATA, path, "the backup's manifest cannot be read; "
                       "nothing was restored");
        goto done;
    }
    m[mlen] = '\0';
    if (strncmp(m, MANIFEST_HEADER, strlen(MANIFEST_HEADER)) != 0 || strlen(m) != (size_t)mlen) {
        rc = prev_fail(err, PREV_EX_DATA, path, "the backup's manifest is damaged; nothing "
                       "was restored");
        goto done;
    }
    /* The manifest signs itself up to its last line. */
    {
        char *last = strstr(m, "\nmanifest_sha256 ");
        if (last == NULL) {
            rc = prev_fail(err, PREV_EX_DATA, path, "the backup's manifest has no "
                           "manifest_sha256; nothing was restored");
            goto done;
        }
        signed_len = (size_t)(last - m) + 1;
        if ((h = prev_sha256_new()) == NULL) {
            rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
            goto done;
        }
        prev_sha256_update(h, m, signed_len);
        prev_sha256_final(h, hex);
        h = NULL;
        want_mf_sha = last + strlen("\nmanifest_sha256 ");
        if (strncmp(want_mf_sha, hex, 64) != 0) {
            rc = prev_fail(err, PREV_EX_DATA, path, "the backup's manifest was altered (its "
                           "sha256 does not match); nothing was restored");
            goto done;
        }
    }
    for (line = m; line != NULL && *line != '\0'; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "dump_bytes ", 11) == 0)
            want_bytes = strtoll(line + 11, NULL, 10);
        else if (strncmp(line, "dump_sha256 ", 12) == 0)
            want_dump_sha = line + 12;
    }
    if (want_bytes < 0 || want_dump_sha == NULL
        || want_bytes != (long long)st.st_size - TRAILER_LEN - mlen) {
        rc = prev_fail(err, PREV_EX_DATA, path, "the backup's dump is not the length its "
                       "manifest says (cut short or extended); nothing was restored");
        goto done;
    }
    if ((h = prev_sha256_new()) == NULL) {
        rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
        goto done;
    }
    left = want_bytes;
    while (left > 0) {
        char buf[65536];
        ssize_t got = pread(fd, buf, left < (long long)sizeof buf ? (size_t)left : sizeof buf,
                            want_bytes - left);
        if (got <= 0) {
            rc = prev_fail(err, PREV_EX_IOERR, path, "read: %s",
                           got < 0 ? strerror(errno) : "unexpected end of file");
            goto done;
        }
        prev_sha256_update(h, buf, (size_t)got);
        left -= got;
    }
    prev_sha256_final(h, hex);
    h = NULL;
    if (strncmp(want_dump_sha, hex, 64) != 0) {
        rc = prev_fail(err, PREV_EX_DATA, path, "the backup's dump was altered or damaged (its "
                       "sha256 is %.12s..., the manifest says %.12s...); nothing was restored",
                       hex, want_dump_sha);
        goto done;
    }
    *manifest = m;
    m = NULL;
    *dump_bytes = want_bytes;
done:
    if (h != NULL)
        prev_sha256_final(h, hex);
    free(m);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Feed the first n bytes of path to a process reading from wfd. */
static int feed(const char *path, long long n, int wfd, struct prev_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
    long long off = 0;

    if (fd < 0)
        return prev_fail(err, PREV_EX_NOINPUT, path, "cannot open: %s", strerror(errno));
    while (off < n) {
        char buf[65536];
        ssize_t got = pread(fd, buf, n - off < (long long)sizeof buf ? (size_t)(n - off)
                                                                      : sizeof buf, off);
        if (got <= 0) {
            rc = prev_fail(err, PREV_EX_IOERR, path, "read failed");
            break;
        }
        for (ssize_t w = 0; w < got;) {
            ssize_t put = write(wfd, buf + w, (size_t)(got - w));
            if (put < 0 && errno == EINTR)
                continue;
            if (put < 0) {
                /* The reader stopped (its message says why). */
                close(fd);
                return 0;
            }
            w += put;
        }
        off += got;
    }
    close(fd);
    return rc;
}

/* Run pg_restore on the dump part of path with extra arguments; its
 * standard output goes to out_fd (-1: ours). */
static int run_restore(char *const argv[], const char *path, long long n, int out_fd,
                       const char *password, struct prev_error *err)
{
    int in[2] = {-1, -1}, rc = 0, rc2;
    pid_t pid;
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);

    if (pipe(in) != 0) {
        signal(SIGPIPE, old);
        return prev_fail(err, PREV_EX_OSERR, "", "pipe: %s", strerror(errno));
    }
    fflush(NULL);
    if ((pid = spawn(argv, in[0], out_fd, in[1], password)) < 0) {
        close(in[0]);
        close(in[1]);
        signal(SIGPIPE, old);
        return prev_fail(err, PREV_EX_OSERR, "pg_restore", "fork: %s", strerror(errno));
    }
    close(in[0]);
    rc = feed(path, n, in[1], err);
    close(in[1]);
    rc2 = wait_ok(pid, "pg_restore", rc == 0 ? err : NULL);
    signal(SIGPIPE, old);
    return rc != 0 ? rc : rc2;
}

/* Mark the target unusable: every later command refuses it
 * (db_check_usable) until a restore --force succeeds. */
static void mark_unusable(PGconn *conn, const char *reason)
{
    const char *params[1] = {reason};
    PGresult *res = PQexec(conn, "ROLLBACK");

    PQclear(res);
    res = PQexec(conn, "CREATE TABLE IF NOT EXISTS public.prevalence_unusable ("
                       " reason text NOT NULL, marked_at timestamptz NOT NULL DEFAULT now())");
    PQclear(res);
    res = PQexecParams(conn, "INSERT INTO public.prevalence_unusable (reason) VALUES ($1)", 1,
                       NULL, params, NULL, NULL, 0);
    PQclear(res);
}

static bool is_empty(PGconn *conn, bool *empty, struct prev_error *err)
{
    PGresult *res = PQexec(conn,
                           "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                           "          ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                           "         AND c.relname <> 'prevalence_unusable')"
                           "     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n"
                           "          ON n.oid = p.pronamespace WHERE n.nspname = 'public')");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;

    if (!ok)
        db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "inspecting the target database");
    else
        *empty = strcmp(PQgetvalue(res, 0, 0), "0") == 0;
    PQclear(res);
    return ok;
}

/* Run one statement built from a manifest line with the names quoted by
 * the server (format %I). */
static int exec_fmt(PGconn *conn, const char *fmt, const char *a, const char *b,
                    struct prev_error *err)
{
    const char *params[3] = {fmt, a, b};
    PGresult *res = PQexecParams(conn, "SELECT format($1::text, $2::text, $3::text)", 3, NULL,
                                 params, NULL, NULL, 0);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "restore");
    } else {
        char *sql = strdup(PQgetvalue(res, 0, 0));
        PQclear(res);
        res = PQexec(conn, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, sql);
        free(sql);
    }
    PQclear(res);
    return rc;
}

/* Compare the restored rows with the manifest's batch lines. */
static int check_batches(PGconn *conn, const char *manifest, char *why, size_t size,
                         struct prev_error *err)
{
    PGresult *res = PQexec(conn, batch_lines_sql);
    const char *p = manifest;
    int i = 0, rc = 0;

    why[0] = '\0';
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "checking the restored batches");
        PQclear(res);
        return rc;
    }
    while ((p = strstr(p, "\nbatch ")) != NULL) {
        const char *line = p + 1, *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (i >= PQntuples(res)) {
            snprintf(why, size, "the backup lists %.*s, which the restored database lacks",
                     (int)(len > 40 ? 40 : len), line);
            break;
        }
        if (strlen(PQgetvalue(res, i, 0)) != len || strncmp(PQgetvalue(res, i, 0), line, len) != 0) {
            snprintf(why, size, "restored rows differ from the backup's manifest: it says "
                     "'%.*s', the restored database '%s'", (int)len, line,
                     PQgetvalue(res, i, 0));
            break;
        }
        i++;
        p = line;
    }
    if (why[0] == '\0' && i != PQntuples(res))
        snprintf(why, size, "the restored database holds %d batches, the manifest %d",
                 PQntuples(res), i);
    PQclear(res);
    return 0;
}

int db_restore(PGconn *conn, const char *conninfo, const char *bindir_hint, const char *path,
               bool force, struct prev_error *err)
{
    char *manifest = NULL, *password = NULL, *list = NULL, *line;
    char pg_restore[PATH_MAX], tool_conninfo[4096], list_path[] = "/tmp/prevalence-toc.XXXXXX";
    char why[1200], dbname_arg[4200];
    long long dump_bytes = 0;
    bool empty = false, superuser, marked = false;
    int rc = 0, list_fd = -1, argc = 0, version = 0, known = 0, pending = 0;
    char *argv[16];
    FILE *lf = NULL;
    bool has_schema = false;

    /* 1. Everything about the file, before the target is touched. */
    if ((rc = db_backup_check(path, &manifest, &dump_bytes, err)) != 0)
        goto done;
    for (line = manifest; line != NULL && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, "migration ", 10) == 0 && atoi(line + 10) > version)
            version = atoi(line + 10);
    {
        char dir[PATH_MAX];
        struct prev_error e2;
        /* A backup of a newer schema than this version knows is refused:
         * its data might mean something this version would misread. */
        if (db_sql_dir(dir, sizeof dir, &e2) == 0) {
            known = db_highest_migration(dir);
            if (version > known) {
                rc = prev_fail(err, PREV_EX_DATA, path, "the backup holds schema version %d, "
                               "newer than this prevalence knows (%d); restore it with that "
                               "newer version; nothing was restored", version, known);
                goto done;
            }
        }
    }
    if ((rc = db_pg_tool("pg_restore", PQserverVersion(conn) / 10000, bindir_hint, pg_restore,
                         sizeof pg_restore, err)) != 0
        || (rc = split_password(conninfo, tool_conninfo, sizeof tool_conninfo, &password,
                                err)) != 0)
        goto done;
    if (!is_empty(conn, &empty, err)) {
        rc = err->code;
        goto done;
    }
    if (!empty && !force) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, "", "the target database is not empty; "
                       "restore only into an empty database, or add --force to replace "
                       "what it holds; nothing was restored");
        goto done;
    }
    superuser = strcmp(PQparameterStatus(conn, "is_superuser") ? PQparameterStatus(conn, "is_superuser") : "off", "on") == 0;

    /* 2. The table of contents; a non-superuser cannot restore the
     * privileges on pg_catalog's large-object functions (004), so those
     * entries are left out and the restored database warns as 004 does. */
    if ((list_fd = mkstemp(list_path)) < 0) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, list_path, "cannot create: %s", strerror(errno));
        goto done;
    }
    argv[argc = 0] = pg_restore;
    argv[++argc] = "--list";
    argv[++argc] = NULL;
    if ((rc = run_restore(argv, path, dump_bytes, list_fd, password, err)) != 0)
        goto done;
    if (!superuser) {
        size_t n = 0;
        if ((lf = fopen(list_path, "r")) != NULL) {
            FILE *out = open_memstream(&list, &n);
            char buf[4096];
            while (out != NULL && fgets(buf, sizeof buf, lf) != NULL)
                fprintf(out, "%s%s", strstr(buf, " ACL pg_catalog ") ? ";" : "", buf);
            if (out != NULL)
                fclose(out);
            fclose(lf);
            lf = NULL;
            if ((lf = fopen(list_path, "w")) != NULL && list != NULL) {
                fputs(list, lf);
                fclose(lf);
            }
            lf = NULL;
        }
    }

    /* 3. The roles the dump's grants name, and their memberships among
     * themselves: cluster objects, not in the dump. */
    for (line = manifest; line != NULL && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char a[128] = "", b[128] = "";
        if (sscanf(line, "role %127s", a) == 1) {
            char q[300];
            PGresult *r;
            const char *params[1] = {a};
            r = PQexecParams(conn, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, NULL, params,
                             NULL, NULL, 0);
            bool exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
            PQclear(r);
            snprintf(q, sizeof q, "CREATE ROLE %%I NOLOGIN");
            if (!exists && (rc = exec_fmt(conn, q, a, "", err)) != 0)
                goto done;
        } else if (sscanf(line, "member %127s %127s", a, b) == 2) {
            if ((rc = exec_fmt(conn, "GRANT %I TO %I", a, b, err)) != 0)
                goto done;
        }
    }
    if (!superuser
        && (rc = exec_fmt(conn, "DO $$ BEGIN IF NOT pg_has_role(current_user, "
                                "'prevalence_owner', 'MEMBER') THEN GRANT prevalence_owner TO "
                                "%I; END IF; END $$", PQuser(conn), "", err)) != 0)
        goto done;

    /* 4. The dump, in one transaction: it is restored whole or not at all. */
    argc = 0;
    argv[argc++] = pg_restore;
    argv[argc++] = "--single-transaction";
    argv[argc++] = "--exit-on-error";
    argv[argc++] = "--no-password";
    if (force) {
        argv[argc++] = "--clean";
        argv[argc++] = "--if-exists";
    }
    argv[argc++] = "--use-list";
    argv[argc++] = list_path;
    /* Without --dbname pg_restore would print SQL instead of restoring. */
    snprintf(dbname_arg, sizeof dbname_arg, "--dbname=%s",
             tool_conninfo[0] ? tool_conninfo : PQdb(conn));
    argv[argc++] = dbname_arg;
    argv[argc] = NULL;
    if ((rc = run_restore(argv, path, dump_bytes, -1, password, err)) != 0) {
        snprintf(why, sizeof why, "restore of %s failed: %s", path, err->msg);
        mark_unusable(conn, why);
        marked = true;
        goto done;
    }

    /* A mark left by an earlier failed restore goes; the checks below set
     * it again if this restore is no better. */
    if ((rc = db_exec(conn, "DROP TABLE IF EXISTS public.prevalence_unusable", err)) != 0)
        goto done;

    /* 5. The database's own privileges, as the backup recorded them. */
    if (exec_fmt(conn, "REVOKE ALL ON DATABASE %I FROM PUBLIC", PQdb(conn), "", err) == 0) {
        for (line = manifest; line != NULL && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            char who[128], priv[32];
            if (sscanf(line, "database_privilege %127s %31s", who, priv) != 2
                || (strcmp(who, "PUBLIC") != 0 && strncmp(who, "prevalence_", 11) != 0))
                continue;
            char fmt[200];
            snprintf(fmt, sizeof fmt, "GRANT %s ON DATABASE %%I TO %s", priv,
                     strcmp(who, "PUBLIC") == 0 ? "PUBLIC" : "%I");
            if ((rc = exec_fmt(conn, fmt, PQdb(conn), who, err)) != 0)
                goto done;
        }
    } else {
        fprintf(stderr, "prevalence: warning: the database's own privileges (CONNECT, "
                        "TEMPORARY) were not restored: %s\n", err->msg);
        prev_error_clear(err);
    }

    /* 6. The rows against the manifest, then db verify. */
    if ((rc = check_batches(conn, manifest, why, sizeof why, err)) != 0)
        goto done;
    if (why[0] != '\0') {
        char reason[1400];
        snprintf(reason, sizeof reason, "restore of %s: %s", path, why);
        mark_unusable(conn, reason);
        marked = true;
        rc = prev_fail(err, PREV_EX_DATA, path, "%s; the target is marked unusable", why);
        goto done;
    }
    if ((rc = db_pending_migrations(conn, &pending, &has_schema, err)) != 0)
        goto done;
    if (pending == 0) {
        FILE *devnull = fopen("/dev/null", "w");
        rc = db_verify(conn, 0, devnull != NULL ? devnull : stdout, stderr, err);
        if (devnull != NULL)
            fclose(devnull);
        if (rc != 0) {
            char reason[1400];
            snprintf(reason, sizeof reason, "restore of %s: db verify failed: %s", path,
                     err->msg);
            mark_unusable(conn, reason);
            marked = true;
            snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                     "; the target is marked unusable");
            goto done;
        }
    }
done:
    (void)marked;
    if (list_fd >= 0) {
        close(list_fd);
        unlink(list_path);
    }
    free(list);
    free(manifest);
    free(password);
    return rc;
}

/* ---- before a schema upgrade ---------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the newest `keep` files named pre-migrate-*.backup in dir (their
 * names sort by time). */
static void prune_backups(const char *dir, int keep)
{
    char *names[1024];
    int n = 0;

    {
        struct dirent *de;
        DIR *d = opendir(dir);
        if (d == NULL)
            return;
        while ((de = readdir(d)) != NULL && n < 1024)
            if (strncmp(de->d_name, "pre-migrate-", 12) == 0
                && strlen(de->d_name) > 7
                && strcmp(de->d_name + strlen(de->d_name) - 7, ".backup") == 0)
                names[n++] = strdup(de->d_name);
        closedir(d);
    }
    qsort(names, (size_t)n, sizeof names[0], cmp_names);
    for (int i = 0; i < n; i++) {
        if (i < n - keep) {
            char p[PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", dir, names[i]);
            unlink(p);
        }
        free(names[i]);
    }
}

int db_embedded_backup_before_migrate(const struct db_embedded *em, PGconn *conn, bool quiet,
                                      struct prev_error *err)
{
    struct db_backup_result result;
    char dir[1200], path[1400], conninfo[2048], stamp[32];
    int pending = 0, rc;
    bool has_schema = false;
    time_t now = time(NULL);

    if ((rc = db_pending_migrations(conn, &pending, &has_schema, err)) != 0)
        return rc;
    if (!has_schema || pending == 0)
        return 0;
    snprintf(dir, sizeof dir, "%s/backups", em->home);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return prev_fail(err, PREV_EX_CANTCREAT, dir, "cannot create: %s; the schema was not "
                         "upgraded", strerror(errno));
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
    snprintf(path, sizeof path, "%s/pre-migrate-%s-%d.backup", dir, stamp, (int)getpid());
    db_embedded_conninfo(em, DB_EMBEDDED_DBNAME, conninfo, sizeof conninfo);
    if ((rc = db_backup(conn, conninfo, em->bindir, path, &result, err)) != 0) {
        snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                 "; the backup before the schema upgrade failed, so the schema was not "
                 "upgraded");
        return rc;
    }
    if (!quiet)
        fprintf(stderr, "prevalence: %d migration%s to apply; backed up the database first "
                        "to %s\n", pending, pending == 1 ? "" : "s", path);
    prune_backups(dir, 5);
    return 0;
}
