/* The embedded PostgreSQL cluster: a private server in the user's data home
 * (--home, else $PREVALENCE_HOME, else ${XDG_DATA_HOME:-~/.local/share}/
 * prevalence: one per user, whatever the current folder) that listens only
 * on a Unix socket inside that folder (no TCP), created and started on
 * demand. PostgreSQL refuses to run as root, so when we are
 * root the cluster belongs to an unprivileged user (Debian's `postgres`). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "sha256.h"

#define DB_EMBEDDED_PORT 5432
/* sun_path holds 108 bytes including the NUL. */
#define SOCKET_PATH_MAX 107

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PostgreSQL server binaries: $PREVALENCE_PG_BINDIR, `pg_config --bindir`,
 * or the newest /usr/lib/postgresql/N/bin. */
static int find_bindir(char *buf, size_t size, struct prev_error *err)
{
    const char *env = getenv("PREVALENCE_PG_BINDIR");
    char probe[1200];
    FILE *p = NULL;
    glob_t g;

    if (env != NULL && env[0] != '\0') {
        snprintf(probe, sizeof probe, "%s/initdb", env);
        if (!is_file(probe))
            return prev_fail(err, PREV_EX_CONFIG, "PREVALENCE_PG_BINDIR",
                             "no initdb in '%s'", env);
        snprintf(buf, size, "%s", env);
        return 0;
    }
    if ((p = popen("pg_config --bindir 2>/dev/null", "r")) != NULL) {
        char line[1024] = "";
        if (fgets(line, sizeof line, p) != NULL) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(probe, sizeof probe, "%s/initdb", line);
            if (is_file(probe)) {
                snprintf(buf, size, "%s", line);
                pclose(p);
                return 0;
            }
        }
        pclose(p);
    }
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
        /* glob sorts; take the last, i.e. the newest major version
         * (compare as numbers so 9 < 15). */
        size_t best = 0;
        long best_v = -1;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
            if (v > best_v) {
                best_v = v;
                best = i;
            }
        }
        snprintf(buf, size, "%s", g.gl_pathv[best]);
        buf[strlen(buf) - strlen("/initdb")] = '\0';
        globfree(&g);
        return 0;
    }
    return prev_fail(err, PREV_EX_CONFIG, "",
                     "PostgreSQL server binaries not found (no initdb); install them "
                     "with 'apt-get install postgresql' or set PREVALENCE_PG_BINDIR");
}

/* Can uid/gid walk down to path? Checks the execute bit of every existing
 * ancestor (ACLs and supplementary groups are ignored: a conservative
 * answer just means we use the fallback location). */
static bool user_can_reach(const char *path, uid_t uid, gid_t gid)
{
    char buf[1024];
    struct stat st;

    snprintf(buf, sizeof buf, "%s", path);
    for (char *slash = buf; slash != NULL; slash = strchr(slash + 1, '/')) {
        char saved = slash[1];
        slash[1] = '\0';
        if (stat(buf, &st) != 0) {
            slash[1] = saved;
            break;    /* the rest does not exist yet; we create it */
        }
        slash[1] = saved;
        if (!((st.st_uid == uid && (st.st_mode & S_IXUSR))
              || (st.st_gid == gid && (st.st_mode & S_IXGRP))
              || (st.st_mode & S_IXOTH)))
            return false;
    }
    if (stat(path, &st) == 0)
        return (st.st_uid == uid && (st.st_mode & S_IXUSR))
               || (st.st_gid == gid && (st.st_mode & S_IXGRP)) || (st.st_mode & S_IXOTH);
    return true;
}

static void short_hash(const char *text, char out[13])
{
    struct prev_sha256 *h = prev_sha256_new();
    char hex[65] = "000000000000";

    if (h != NULL) {
        prev_sha256_update(h, text, strlen(text));
        prev_sha256_final(h, hex);
    }
    memcpy(out, hex, 12);
    out[12] = '\0';
}

int db_default_home(char *buf, size_t size, bool *from_default, struct prev_error *err)
{
    const char *home = getenv("PREVALENCE_HOME");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *user_home = getenv("HOME");
    char cwd[PATH_MAX];
    int n;

    *from_default = false;
    if (home != NULL && home[0] != '\0') {
        while (strncmp(home, "./", 2) == 0)
            home += 2;
        if (home[0] == '/') {
            n = snprintf(buf, size, "%s", home);
        } else {
            if (getcwd(cwd, sizeof cwd) == NULL)
                return prev_fail(err, PREV_EX_CONFIG, "", "cannot read the current directory: %s",
                                 strerror(errno));
            n = snprintf(buf, size, "%s/%s", cwd, home);
        }
        if (n < 0 || (size_t)n >= size)
            return prev_fail(err, PREV_EX_CONFIG, "PREVALENCE_HOME", "path is too long");
        return 0;
    }
    *from_default = true;
    /* The XDG base directory rule: a relative XDG_DATA_HOME is invalid and
     * ignored. */
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(buf, size, "%s/prevalence", xdg);
    else if (user_home != NULL && user_home[0] == '/')
        n = snprintf(buf, size, "%s/.local/share/prevalence", user_home);
    else
        return prev_fail(err, PREV_EX_CONFIG, "",
                         "no data home: HOME is not set; give one with --home DIR or "
                         "PREVALENCE_HOME");
    if (n < 0 || (size_t)n >= size)
        return prev_fail(err, PREV_EX_CONFIG, "HOME", "path is too long");
    return 0;
}

int db_embedded_locate(struct db_embedded *em, struct prev_error *err)
{
    char home[1024];
    bool from_default = false;
    int rc;

    if ((rc = db_default_home(home, sizeof home, &from_default, err)) != 0)
        return rc;
    if ((rc = db_embedded_locate_at(em, home, err)) != 0)
        return rc;
    em->default_home = from_default;
    return 0;
}

int db_embedded_locate_at(struct db_embedded *em, const char *home, struct prev_error *err)
{
    char hash[13];
    int rc;

    memset(em, 0, sizeof *em);
    em->port = DB_EMBEDDED_PORT;
    if (home[0] != '/')
        return prev_fail(err, PREV_EX_SOFTWARE, home, "data home is not an absolute path");
    if (snprintf(em->home, sizeof em->home, "%s", home) >= (int)sizeof em->home)
        return prev_fail(err, PREV_EX_CONFIG, home, "path is too long");
    if ((rc = find_bindir(em->bindir, sizeof em->bindir, err)) != 0)
        return rc;

    snprintf(em->base, sizeof em->base, "%s", em->home);
    short_hash(em->home, hash);
    if (geteuid() == 0) {
        const char *user = getenv("PREVALENCE_PG_USER");
        struct passwd *pw;
        if (user == NULL || user[0] == '\0')
            user = "postgres";
        if ((pw = getpwnam(user)) == NULL || pw->pw_uid == 0)
            return prev_fail(err, PREV_EX_CONFIG, "",
                             "running as root, and PostgreSQL refuses to run as root; no "
                             "unprivileged user '%s' to run it as (install the postgresql "
                             "package, or set PREVALENCE_PG_USER, or run as an ordinary user)",
                             user);
        em->as_other_user = true;
        em->server_uid = pw->pw_uid;
        em->server_gid = pw->pw_gid;
        snprintf(em->server_user, sizeof em->server_user, "%s", user);
        /* A checkout under a 0700 home folder (/root) is out of the server
         * user's reach: keep the cluster in a folder it can reach instead,
         * named after the home path so the same home finds it again. */
        if (!user_can_reach(em->home, em->server_uid, em->server_gid))
            snprintf(em->base, sizeof em->base, "/var/tmp/prevalence-%s", hash);
    } else {
        em->server_uid = geteuid();
        em->server_gid = getegid();
    }
    snprintf(em->data_dir, sizeof em->data_dir, "%s/pgdata", em->base);
    snprintf(em->socket_dir, sizeof em->socket_dir, "%s/run", em->base);
    snprintf(em->log_path, sizeof em->log_path, "%s/server.log", em->base);
    snprintf(em->lock_path, sizeof em->lock_path, "%s/.lock", em->home);
    if (strlen(em->socket_dir) + strlen("/.s.PGSQL.5432") > SOCKET_PATH_MAX - 1)
        snprintf(em->socket_dir, sizeof em->socket_dir, "/tmp/prevalence-%s", hash);
    return 0;
}

/* mkdir -p, each new directory with mode, owned by uid/gid when root. */
static int make_dirs(const char *path, mode_t mode, const struct db_embedded *em,
                     bool give_to_server, struct prev_error *err)
{
    char buf[1100];

    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, mode) == 0) {
                if (give_to_server && em->as_other_user && saved == '\0'
                    && chown(buf, em->server_uid, em->server_gid) != 0)
                    return prev_fail(err, PREV_EX_CONFIG, buf, "cannot hand to user %s: %s",
                                     em->server_user, strerror(errno));
            } else if (errno != EEXIST) {
                return prev_fail(err, PREV_EX_CONFIG, buf, "cannot create directory: %s",
                                 strerror(errno));
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    return 0;
}

/* Run argv (argv[0] an absolute path) as the server user, output appended
 * to out_path. Returns the exit status, or -1 if it could not run. */
static int run_as_server(const struct db_embedded *em, char *const argv[],
                         const char *out_path)
{
    pid_t pid;
    int status = 0;

    fflush(NULL);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int devnull = open("/dev/null", O_RDONLY);
        if (fd < 0 || devnull < 0)
            _exit(127);
        dup2(devnull, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (em->as_other_user) {
            if (setgroups(0, NULL) != 0 || setgid(em->server_gid) != 0
                || setuid(em->server_uid) != 0)
                _exit(126);
        }
        if (chdir("/") != 0)
            _exit(125);
        /* The server and its tools read PG* variables too (an empty
         * PGPORT makes initdb fail): none of the caller's apply here. */
        static const char *pgvars[] = {"PGDATA", "PGPORT", "PGHOST", "PGHOSTADDR",
                                       "PGDATABASE", "PGUSER", "PGSERVICE", "PGOPTIONS",
                                       "PGPASSWORD", "PGTZ", "PGCLIENTENCODING", NULL};
        for (int i = 0; pgvars[i] != NULL; i++)
            unsetenv(pgvars[i]);
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The last lines of a log, to show why a server command failed. */
static void tail_file(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    long len;
    size_t n;

    buf[0] = '\0';
    if (fp == NULL)
        return;
    if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) > 0) {
        long from = len > (long)size - 1 ? len - ((long)size - 1) : 0;
        fseek(fp, from, SEEK_SET);
        n = fread(buf, 1, size - 1, fp);
        buf[n] = '\0';
        while (n > 0 && buf[n - 1] == '\n')
            buf[--n] = '\0';
        for (size_t i = 0; i < n; i++)
            if (buf[i] == '\n')
                buf[i] = ' ';
    }
    fclose(fp);
}

long db_embedded_running_pid(const struct db_embedded *em)
{
    char path[1200], line[64], comm[64];
    FILE *fp;
    long pid = 0;

    snprintf(path, sizeof path, "%s/postmaster.pid", em->data_dir);
    if ((fp = fopen(path, "r")) == NULL)
        return 0;
    if (fgets(line, sizeof line, fp) != NULL)
        pid = strtol(line, NULL, 10);
    fclose(fp);
    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
        return 0;
    /* The pid may have been reused by an unrelated process after a crash,
     * or be a zombie nobody reaped (containers whose pid 1 does not reap):
     * /proc/PID/stat is "PID (comm) STATE ...". */
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    if ((fp = fopen(path, "r")) != NULL) {
        char stat[256] = "";
        const char *close_paren;
        bool ours = fgets(stat, sizeof stat, fp) != NULL
                    && sscanf(stat, "%*d (%63[^)])", comm) == 1
                    && strcmp(comm, "postgres") == 0
                    && (close_paren = strrchr(stat, ')')) != NULL
                    && close_paren[1] == ' ' && close_paren[2] != 'Z';
        fclose(fp);
        if (!ours)
            return 0;
    }
    return pid;
}

/* Settings that make the server private: no TCP, socket in our folder.
 * Rewritten at every start so a moved home keeps working. */
static int write_settings(const struct db_embedded *em, struct prev_error *err)
{
    char path[1200];
    FILE *fp;

    snprintf(path, sizeof path, "%s/prevalence.conf", em->data_dir);
    if ((fp = fopen(path, "w")) == NULL)
        return prev_fail(err, PREV_EX_CONFIG, path, "cannot write: %s", strerror(errno));
    fprintf(fp, "# Written by prevalence at every start; edit postgresql.conf instead.\n"
                "listen_addresses = ''\n"
                "port = %d\n"
                "unix_socket_directories = '", em->port);
    for (const char *c = em->socket_dir; *c != '\0'; c++) {
        if (*c == '\'')
            fputc('\'', fp);
        fputc(*c, fp);
    }
    fputs("'\n", fp);
    if (fclose(fp) != 0)
        return prev_fail(err, PREV_EX_CONFIG, path, "cannot write: %s", strerror(errno));
    if (em->as_other_user && chown(path, em->server_uid, em->server_gid) != 0)
        return prev_fail(err, PREV_EX_CONFIG, path, "cannot hand to %s: %s",
                         em->server_user, strerror(errno));
    return 0;
}

static int init_cluster(const struct db_embedded *em, bool quiet, struct prev_error *err)
{
    char initdb[1100], out_path[1200], conf[1200], why[600];
    char *argv[16];
    int n = 0, status;
    FILE *fp;

    if (!quiet)
        fprintf(stderr, "prevalence: creating the embedded PostgreSQL cluster in %s\n",
                em->data_dir);
    snprintf(initdb, sizeof initdb, "%s/initdb", em->bindir);
    snprintf(out_path, sizeof out_path, "%s/initdb.log", em->base);
    argv[n++] = initdb;
    argv[n++] = "-D";
    argv[n++] = (char *)em->data_dir;
    argv[n++] = "-U";
    argv[n++] = DB_EMBEDDED_SUPERUSER;
    /* Access control is the socket folder's permissions (0700): only its
     * owner and root can reach the socket at all. */
    argv[n++] = "--auth=trust";
    argv[n++] = "--encoding=UTF8";
    argv[n++] = "--locale=C";
    argv[n++] = "--no-instructions";
    argv[n] = NULL;
    status = run_as_server(em, argv, out_path);
    if (status != 0) {
        tail_file(out_path, why, sizeof why);
        return prev_fail(err, PREV_EX_CONFIG, em->data_dir, "initdb failed (status %d): %s",
                         status, why);
    }
    snprintf(conf, sizeof conf, "%s/postgresql.conf", em->data_dir);
    if ((fp = fopen(conf, "a")) == NULL)
        return prev_fail(err, PREV_EX_CONFIG, conf, "cannot append: %s", strerror(errno));
    fputs("\n# prevalence: private socket, no TCP\ninclude_if_exists = 'prevalence.conf'\n", fp);
    if (fclose(fp) != 0)
        return prev_fail(err, PREV_EX_CONFIG, conf, "cannot append: %s", strerror(errno));
    return 0;
}

static int create_database(const struct db_embedded *em, struct prev_error *err)
{
    char conninfo[1400];
    PGconn *conn = NULL;
    PGresult *res = NULL;
    int rc = 0;

    db_embedded_conninfo(em, "postgres", conninfo, sizeof conninfo);
    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, NULL,
                     "cannot connect to the embedded server");
        goto done;
    }
    res = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = '" DB_EMBEDDED_DBNAME "'");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "embedded server");
        goto done;
    }
    if (PQntuples(res) == 0)
        rc = db_exec(conn, "CREATE DATABASE " DB_EMBEDDED_DBNAME, err);
done:
    PQclear(res);
    PQfinish(conn);
    return rc;
}

static int lock_home(const struct db_embedded *em, struct prev_error *err)
{
    int fd = open(em->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        prev_fail(err, PREV_EX_CONFIG, em->lock_path, "cannot open lock file: %s",
                  strerror(errno));
        return -1;
    }
    /* Two commands starting the cluster at once: the second waits, then
     * finds it running. */
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(fd);
            prev_fail(err, PREV_EX_CONFIG, em->lock_path, "cannot lock: %s", strerror(errno));
            return -1;
        }
    }
    return fd;
}

/* Before this version the default data home was ./.prevalence in the
 * current folder. A command run beside such a cluster with an empty
 * default home would otherwise create a second, empty cluster and report
 * "no data"; say instead where the data are and how to keep them. */
static int refuse_beside_legacy(const struct db_embedded *em, struct prev_error *err)
{
    struct db_embedded old;
    struct prev_error ignored;
    char cwd[PATH_MAX], legacy[PATH_MAX + 16], version[1200];

    if (getcwd(cwd, sizeof cwd) == NULL)
        return 0;
    if (snprintf(legacy, sizeof legacy, "%s/.prevalence", cwd) >= (int)sizeof legacy)
        return 0;
    if (strcmp(legacy, em->home) == 0 || !is_dir(legacy))
        return 0;
    if (db_embedded_locate_at(&old, legacy, &ignored) != 0)
        return 0;
    snprintf(version, sizeof version, "%s/PG_VERSION", old.data_dir);
    if (!is_file(version))
        return 0;
    return prev_fail(err, PREV_EX_CONFIG, legacy,
                     "this folder holds survey data in the data home of an older version "
                     "(./.prevalence), and the default data home %s is empty, so nothing "
                     "was created. Keep using the old data with 'prevalence --home %s "
                     "COMMAND', or put 'export PREVALENCE_HOME=%s' in your shell profile",
                     em->home, legacy, legacy);
}

int db_embedded_start(struct db_embedded *em, bool quiet, bool *started,
                      struct prev_error *err)
{
    char path[1200], pg_ctl[1100], out_path[1200], why[600];
    char *argv[16];
    int lock_fd = -1, rc = 0, n = 0;
    struct stat st;

    *started = false;
    if ((rc = make_dirs(em->home, em->as_other_user ? 0755 : 0700, em, false, err)) != 0)
        return rc;
    if ((lock_fd = lock_home(em, err)) < 0)
        return err->code;
    if (strcmp(em->base, em->home) != 0
        && (rc = make_dirs(em->base, 0700, em, true, err)) != 0)
        goto done;
    if ((rc = make_dirs(em->socket_dir, 0700, em, true, err)) != 0)
        goto done;
    /* A socket folder in /tmp must be ours, or someone else could listen there. */
    if (stat(em->socket_dir, &st) != 0 || st.st_uid != em->server_uid) {
        rc = prev_fail(err, PREV_EX_CONFIG, em->socket_dir,
                       "socket folder is owned by another user; remove it");
        goto done;
    }

    snprintf(path, sizeof path, "%s/PG_VERSION", em->data_dir);
    if (!is_file(path)) {
        if (em->default_home && (rc = refuse_beside_legacy(em, err)) != 0)
            goto done;
        if (!quiet)
            fprintf(stderr, "prevalence: new data home %s: the embedded PostgreSQL server "
                            "keeps the survey data there and stays running in the background "
                            "('prevalence db stop' stops it)\n", em->home);
        if (is_dir(em->data_dir) && rmdir(em->data_dir) != 0 && errno != ENOENT) {
            rc = prev_fail(err, PREV_EX_CONFIG, em->data_dir,
                           "exists but holds no PostgreSQL cluster; move it away");
            goto done;
        }
        if ((rc = make_dirs(em->data_dir, 0700, em, true, err)) != 0)
            goto done;
        if ((rc = init_cluster(em, quiet, err)) != 0)
            goto done;
    }

    if (db_embedded_running_pid(em) != 0)
        goto ensure_db;

    snprintf(path, sizeof path, "%s/postmaster.pid", em->data_dir);
    if (is_file(path)) {
        if (!quiet)
            fprintf(stderr, "prevalence: the embedded server was not shut down cleanly; "
                            "removing its stale postmaster.pid and recovering\n");
        if (unlink(path) != 0) {
            rc = prev_fail(err, PREV_EX_CONFIG, path, "cannot remove stale pid file: %s",
                           strerror(errno));
            goto done;
        }
        /* The socket's lock file names the dead server too; PostgreSQL
         * would refuse to start while a zombie holds that pid. The folder
         * is private to this cluster, so whatever is there is stale. */
        snprintf(path, sizeof path, "%s/.s.PGSQL.%d.lock", em->socket_dir, em->port);
        unlink(path);
        snprintf(path, sizeof path, "%s/.s.PGSQL.%d", em->socket_dir, em->port);
        unlink(path);
    }
    if ((rc = write_settings(em, err)) != 0)
        goto done;
    /* The server log must be writable by the server user. */
    {
        int fd = open(em->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0 || (em->as_other_user && fchown(fd, em->server_uid, em->server_gid) != 0)) {
            rc = prev_fail(err, PREV_EX_CONFIG, em->log_path, "cannot create server log: %s",
                           strerror(errno));
            if (fd >= 0)
                close(fd);
            goto done;
        }
        close(fd);
    }
    snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", em->bindir);
    snprintf(out_path, sizeof out_path, "%s/pg_ctl.log", em->base);
    argv[n++] = pg_ctl;
    argv[n++] = "-D";
    argv[n++] = em->data_dir;
    argv[n++] = "-l";
    argv[n++] = em->log_path;
    argv[n++] = "-w";
    argv[n++] = "-t";
    argv[n++] = "120";
    argv[n++] = "start";
    argv[n] = NULL;
    if (run_as_server(em, argv, out_path) != 0) {
        tail_file(em->log_path, why, sizeof why);
        rc = prev_fail(err, PREV_EX_UNAVAILABLE, em->data_dir,
                       "the embedded PostgreSQL server did not start (see %s): %s",
                       em->log_path, why);
        goto done;
    }
    *started = true;
ensure_db:
    rc = create_database(em, err);
done:
    if (lock_fd >= 0)
        close(lock_fd);
    return rc;
}

int db_embedded_stop(struct db_embedded *em, bool *was_running, struct prev_error *err)
{
    char pg_ctl[1100], out_path[1200], why[600];
    char *argv[12];
    int n = 0, lock_fd, rc = 0;

    *was_running = false;
    if (!is_dir(em->home))
        return 0;
    if ((lock_fd = lock_home(em, err)) < 0)
        return err->code;
    if (db_embedded_running_pid(em) == 0)
        goto done;
    *was_running = true;
    snprintf(pg_ctl, sizeof pg_ctl, "%s/pg_ctl", em->bindir);
    snprintf(out_path, sizeof out_path, "%s/pg_ctl.log", em->base);
    argv[n++] = pg_ctl;
    argv[n++] = "-D";
    argv[n++] = em->data_dir;
    argv[n++] = "-m";
    argv[n++] = "fast";
    argv[n++] = "-w";
    argv[n++] = "-t";
    argv[n++] = "120";
    argv[n++] = "stop";
    argv[n] = NULL;
    if (run_as_server(em, argv, out_path) != 0) {
        tail_file(out_path, why, sizeof why);
        rc = prev_fail(err, PREV_EX_UNAVAILABLE, em->data_dir,
                       "could not stop the embedded server: %s", why);
    }
done:
    close(lock_fd);
    return rc;
}

void db_embedded_conninfo(const struct db_embedded *em, const char *dbname,
                          char *buf, size_t size)
{
    /* Quote per libpq's keyword syntax: single quotes, backslash escapes. */
    size_t o = 0;
    const char *c;

    o += (size_t)snprintf(buf + o, size - o, "host='");
    for (c = em->socket_dir; *c != '\0' && o + 3 < size; c++) {
        if (*c == '\'' || *c == '\\')
            buf[o++] = '\\';
        buf[o++] = *c;
    }
    buf[o] = '\0';
    snprintf(buf + o, size - o, "' port=%d dbname=%s user=%s", em->port, dbname,
             DB_EMBEDDED_SUPERUSER);
}

void db_embedded_uri(const struct db_embedded *em, char *buf, size_t size)
{
    size_t o = 0;

    o += (size_t)snprintf(buf, size, "postgresql:///%s?host=", DB_EMBEDDED_DBNAME);
    for (const unsigned char *c = (const unsigned char *)em->socket_dir;
         *c != '\0' && o + 4 < size; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
            || *c == '-' || *c == '_' || *c == '.' || *c == '~')
            buf[o++] = (char)*c;
        else
            o += (size_t)snprintf(buf + o, size - o, "%%%02X", *c);
    }
    buf[o] = '\0';
    snprintf(buf + o, size - o, "&port=%d&user=%s", em->port, DB_EMBEDDED_SUPERUSER);
}
