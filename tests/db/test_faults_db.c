/* Faults against a real PostgreSQL: the embedded server killed in the
 * middle of a million-row load, and output paths on a full or read-only
 * file system. The binary runs without --db, on the harness's embedded
 * cluster (PREVALENCE_HOME is the harness's), so `prevalence db start` is
 * what recovers it.
 *
 * Full and read-only file systems are tiny tmpfs mounts, which needs root
 * (the CI machine runs as root). Without the right to mount, those tests
 * fail under CI=true and are skipped elsewhere. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_harness.h"
#include "sec_util.h"

extern char **environ;

static char dir[1024];
static int test_no;
static struct sec_run run;

static char mounted[2][1200];   /* unmounted by teardown if a test failed */

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++)
        if (mounted[i][0] != '\0') {
            umount2(mounted[i], MNT_DETACH);
            rmdir(mounted[i]);
            mounted[i][0] = '\0';
        }
    return 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/fault%d", pg_harness_tmpdir(), ++test_no);
    return mkdir(dir, 0755);
}

#define RUN(...) sec_run(&run, dir, SEC_ARGS(__VA_ARGS__))

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The embedded database's conninfo, as `prevalence db url` prints it. */
static const char *embedded_url(void)
{
    static char url[2048];
    RUN("db", "url");
    sec_expect_status(&run, 0);
    run.out[strcspn(run.out, "\n")] = '\0';
    if (strlen(run.out) >= sizeof url)
        fail_msg("db url is too long");
    memcpy(url, run.out, strlen(run.out) + 1);
    return url;
}

static PGconn *connect_embedded(void)
{
    PGconn *c = PQconnectdb(embedded_url());

    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("cannot connect to the embedded database: %s", PQerrorMessage(c));
    return c;
}

static long postmaster_pid(void)
{
    const char *p;
    RUN("db", "status");
    sec_expect_status(&run, 0);
    if ((p = strstr(run.out, "pid: ")) == NULL)
        fail_msg("no pid in db status:\n%s", run.out);
    return strtol(p + 5, NULL, 10);
}

static void test_fault_server_killed_mid_load(void **state)
{
    char big[1200], sql[256];
    PGconn *watch = NULL;
    pid_t load;
    long pm, seen = 0;
    int waited;

    (void)state;
    RUN("--quiet", "init");
    sec_expect_status(&run, 0);
    RUN("--quiet", "synth", "--seed", "1000000", "--out", dir, "--year", "2031", "--scale",
        "1000000", "--single-file");
    sec_expect_status(&run, 0);
    snprintf(big, sizeof big, "%s/2031/responses.csv", dir);
    pm = postmaster_pid();
    watch = connect_embedded();

    load = sec_spawn(dir, "load", SEC_ARGS("load", "responses", big));
    /* Kill the postmaster once COPY has streamed a good part of the file,
     * well before the end (the collector commits only after all of it). */
    for (waited = 0; waited < 60000; waited += 10) {
        PGresult *res = PQexec(watch, "SELECT coalesce(max(tuples_processed), 0)"
                                      "  FROM pg_stat_progress_copy");
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            seen = strtol(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        if (seen >= 200000)
            break;
        if (waitpid(load, NULL, WNOHANG) == load)
            fail_msg("the load ended before it could be interrupted");
        sleep_ms(10);
    }
    if (seen < 200000)
        fail_msg("COPY never got going (%ld rows after 60 s)", seen);
    assert_int_equal(kill((pid_t)pm, SIGKILL), 0);
    sec_wait(load, dir, "load", &run);
    PQfinish(watch);
    if (seen >= 1000000)
        fail_msg("the server was killed after COPY had finished");
    /* The collector says the database went away: exit 69. */
    sec_expect_status(&run, 69);
    /* libpq's words, or the dying backend's, whichever arrives first. */
    if (strstr(run.err, "server closed the connection unexpectedly") == NULL
        && strstr(run.err, "terminating connection due to unexpected postmaster exit") == NULL)
        fail_msg("no clear message about the lost server:\n%s", run.err);

    /* `db start` finds the stale postmaster.pid and recovers. */
    RUN("db", "start");
    sec_expect_status(&run, 0);
    sec_expect_err(&run, "not shut down cleanly");
    watch = connect_embedded();
    /* Nothing of the interrupted transaction: no batch, no row, no scope. */
    assert_int_equal(sec_long(watch, "SELECT count(*) FROM batches"), 0);
    assert_int_equal(sec_long(watch, "SELECT count(*) FROM responses"), 0);
    assert_int_equal(sec_long(watch, "SELECT count(*) FROM batch_scope"), 0);

    /* The same command again loads the file, once. */
    RUN("load", "responses", big);
    sec_expect_status(&run, 0);
    sec_expect_err(&run, "loaded 1000000 rows as batch");
    RUN("load", "responses", big);
    sec_expect_status(&run, 0);
    sec_expect_err(&run, "already loaded as batch");
    assert_int_equal(sec_long(watch, "SELECT count(*) FROM batches"), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM responses WHERE survey_year = 2031");
    assert_int_equal(sec_long(watch, sql), 1000000);
    assert_int_equal(sec_long(watch, "SELECT count(*) FROM response_integrity"), 0);
    PQfinish(watch);
}

/* ---- file systems that refuse ------------------------------------------- */

/* Mount a tmpfs of `size` (read-only when ro) at path; false when this
 * process may not mount (then the test is skipped, or fails under CI). */
static bool mount_tmpfs(const char *path, const char *size, bool ro)
{
    char opts[64];

    snprintf(opts, sizeof opts, "size=%s,mode=0755", size);
    assert_int_equal(mkdir(path, 0755), 0);
    if (mount("tmpfs", path, "tmpfs", ro ? MS_RDONLY : 0, opts) == 0) {
        snprintf(mounted[ro ? 1 : 0], sizeof mounted[0], "%s", path);
        return true;
    }
    {
        const char *ci = getenv("CI");
        if (ci != NULL && strcmp(ci, "true") == 0)
            fail_msg("cannot mount a tmpfs at %s (%s): run as root", path, strerror(errno));
    }
    print_message("cannot mount a tmpfs (%s); skipped\n", strerror(errno));
    return false;
}

static void unmount(const char *path)
{
    assert_int_equal(umount(path), 0);
    rmdir(path);
    for (int i = 0; i < 2; i++)
        if (strcmp(mounted[i], path) == 0)
            mounted[i][0] = '\0';
}

/* Every entry under path, recursively, as "name name ..."; "" if none.
 * Folders are listed with a trailing '/'. */
static void list_tree(const char *path, char *out, size_t size)
{
    DIR *d = opendir(path);
    struct dirent *de;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        char sub[2400];
        struct stat st;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        if (lstat(sub, &st) != 0)
            continue;
        size_t o = strlen(out);
        snprintf(out + o, size - o, "%s%s ", de->d_name, S_ISDIR(st.st_mode) ? "/" : "");
        if (S_ISDIR(st.st_mode))
            list_tree(sub, out, size);
    }
    closedir(d);
}

/* No temporary file left under path. */
static void expect_no_tmp(const char *path)
{
    char tree[4096] = "";

    list_tree(path, tree, sizeof tree);
    /* temporaries are ".NAME.XXXXXX" (and were "NAME.tmp.PID") */
    if (strstr(tree, ".tmp.") != NULL || tree[0] == '.' || strstr(tree, " .") != NULL
        || strstr(tree, "/.") != NULL)
        fail_msg("a temporary file was left in %s: %s", path, tree);
}

/* No regular file at all under path (empty folders are not output). */
static void expect_no_files(const char *path)
{
    char tree[4096] = "";
    char *tok, *save = NULL;

    list_tree(path, tree, sizeof tree);
    for (tok = strtok_r(tree, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save))
        if (tok[strlen(tok) - 1] != '/')
            fail_msg("a file was left in %s: %s", path, tok);
}

/* A responses file with n bad rows (each in the rejects file). */
static const char *many_bad_rows(int n)
{
    static char path[1200];
    FILE *fp;

    snprintf(path, sizeof path, "%s/bad-rows.csv", dir);
    assert_non_null(fp = fopen(path, "w"));
    fputs("survey_year,county,respondent_id,role,caseload,confirmed,suspected\n", fp);
    for (int i = 0; i < n; i++)
        fprintf(fp, "2024,Pima,BAD-%06d,probation_officer,5,4,4\n", i);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static void load_sample_2025(void)
{
    static const char *const counties[] = {
        "apache", "cochise", "coconino", "gila", "graham", "greenlee", "la-paz", "maricopa",
        "mohave", "navajo", "pima", "pinal", "santa-cruz", "yavapai", "yuma",
    };
    for (size_t i = 0; i < sizeof counties / sizeof counties[0]; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "2025/responses-%s.csv", counties[i]);
        RUN("--quiet", "load", "responses", sec_sample_path(rel));
        if (run.status != 0 && strstr(run.err, "already loaded") == NULL)
            sec_expect_status(&run, 0);
    }
    RUN("--quiet", "load", "frame", sec_sample_path("2025/frame.csv"));
}

static void test_fault_full_disk_outputs(void **state)
{
    char tiny[1200], path[1400];

    (void)state;
    snprintf(tiny, sizeof tiny, "%s/tiny", dir);
    if (!mount_tmpfs(tiny, "16k", false)) {
        skip();
        return;
    }
    load_sample_2025();

    /* --rejects: 3000 bad rows do not fit in 16 KiB. The problems are still
     * reported (exit 65); the rejects file is not left half-written. */
    snprintf(path, sizeof path, "%s/rejects.csv", tiny);
    RUN("check", "--offline", "--rejects", path, "responses", many_bad_rows(3000));
    sec_expect_status(&run, 65);
    sec_expect_err(&run, "rejects.csv: cannot write: No space left on device");
    expect_no_files(tiny);

    /* report, export and synth --out */
    snprintf(path, sizeof path, "%s/report", tiny);
    RUN("--quiet", "report", "--year", "2025", "--out", path);
    sec_expect_status(&run, 74);
    sec_expect_err(&run, "No space left on device");
    expect_no_files(tiny);
    snprintf(path, sizeof path, "%s/bundle", tiny);
    RUN("--quiet", "export", "--year", "2025", "--out", path);
    sec_expect_status(&run, 74);
    sec_expect_err(&run, "No space left on device");
    expect_no_files(tiny);
    snprintf(path, sizeof path, "%s/synth", tiny);
    RUN("--quiet", "synth", "--seed", "1", "--out", path, "--year", "2025", "--scale", "10000");
    sec_expect_status(&run, 74);
    sec_expect_err(&run, "No space left on device");
    /* synth writes file by file: those before the full disk are whole. */
    expect_no_tmp(tiny);
    unmount(tiny);
}

static void test_fault_read_only_outputs(void **state)
{
    char ro[1200], path[1400], before[2048];
    PGconn *conn = NULL;

    (void)state;
    snprintf(ro, sizeof ro, "%s/ro", dir);
    if (!mount_tmpfs(ro, "64k", true)) {
        skip();
        return;
    }
    load_sample_2025();
    conn = connect_embedded();
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(conn));

    /* The rejects file is opened before anything is loaded: nothing is. */
    snprintf(path, sizeof path, "%s/rejects.csv", ro);
    RUN("load", "--rejects", path, "responses", sec_sample_path("2024/responses-pima.csv"));
    sec_expect_status(&run, 73);
    sec_expect_err(&run, "rejects.csv: cannot create: Read-only file system");
    assert_string_equal(sec_db_fingerprint(conn), before);
    snprintf(path, sizeof path, "%s/report", ro);
    RUN("--quiet", "report", "--year", "2025", "--out", path);
    sec_expect_status(&run, 73);
    sec_expect_err(&run, "Read-only file system");
    snprintf(path, sizeof path, "%s/synth", ro);
    RUN("--quiet", "synth", "--seed", "1", "--out", path, "--year", "2025");
    sec_expect_status(&run, 73);
    sec_expect_err(&run, "Read-only file system");
    expect_no_files(ro);
    PQfinish(conn);
    unmount(ro);
}

/* Run the binary with stdout on /dev/full. */
static void run_to_dev_full(const char *const *args)
{
    const char *bin = getenv("PREVALENCE_BIN");
    char *argv[32], err_path[1200];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int n = 0, status = 0;

    argv[n++] = (char *)bin;
    for (; *args != NULL && n < 31; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    snprintf(err_path, sizeof err_path, "%s/full.err", dir);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/full", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    {
        FILE *fp = fopen(err_path, "r");
        size_t got = fp != NULL ? fread(run.err, 1, sizeof run.err - 1, fp) : 0;
        run.err[got] = '\0';
        if (fp != NULL)
            fclose(fp);
    }
}

/* Devices as outputs: /dev/full as --rejects and as stdout is a clear
 * write error, /dev/null takes the rejects, and neither device is
 * replaced by a file. */
static void test_fault_device_outputs(void **state)
{
    struct stat st;

    (void)state;
    load_sample_2025();
    RUN("check", "--offline", "--rejects", "/dev/full", "responses",
        sec_sample_path("bad/ragged-row.csv"));
    sec_expect_status(&run, 65);
    sec_expect_err(&run, "/dev/full: cannot write: No space left on device");
    RUN("check", "--offline", "--rejects", "/dev/null", "responses",
        sec_sample_path("bad/ragged-row.csv"));
    sec_expect_status(&run, 65);
    if (strstr(run.err, "/dev/null:") != NULL)
        fail_msg("writing the rejects to /dev/null failed:\n%s", run.err);
    RUN("--quiet", "load", "--rejects", "/dev/full", "responses",
        sec_sample_path("2024/responses-yuma.csv"));
    sec_expect_status(&run, 74);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(stat("/dev/full", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    run_to_dev_full(SEC_ARGS("estimate", "--year", "2025", "--format", "csv"));
    sec_expect_status(&run, 74);
    run_to_dev_full(SEC_ARGS("batches"));
    sec_expect_status(&run, 74);
    sec_expect_err(&run, "<stdout>: cannot write the output: No space left on device");
    run_to_dev_full(SEC_ARGS("status", "--year", "2025"));
    sec_expect_status(&run, 74);
    run_to_dev_full(SEC_ARGS("--help"));
    sec_expect_status(&run, 74);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fault_server_killed_mid_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_full_disk_outputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_read_only_outputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_device_outputs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
