/* The collector against a real PostgreSQL: the built binary loads files
 * into a fresh database per test, and the test reads what landed. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_harness.h"
#include "prev_config.h"
#include "sha256.h"

extern char **environ;

static char conninfo[2048];
static PGconn *db;
static char dir[1024];        /* this test's scratch folder */
static int test_no;

struct run {
    int status;
    char out[1 << 16];
    char err[1 << 16];
};

static int setup(void **state)
{
    (void)state;
    db = pg_harness_fresh_db(conninfo, sizeof conninfo);
    if (db == NULL)
        return -1;
    snprintf(dir, sizeof dir, "%s/t%d", pg_harness_tmpdir(), ++test_no);
    return mkdir(dir, 0755);
}

static int teardown(void **state)
{
    (void)state;
    PQfinish(db);
    db = NULL;
    return 0;
}

static const char *path_of(const char *name)
{
    static char buf[4][1200];
    static int which;
    char *p = buf[which++ % 4];
    snprintf(p, 1200, "%s/%s", dir, name);
    return p;
}

static const char *write_file(const char *name, const char *data, size_t len)
{
    const char *p = path_of(name);
    FILE *fp = fopen(p, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return p;
}

#define WRITE(name, lit) write_file((name), (lit), sizeof(lit) - 1)

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

/* Start `prevalence --db CONNINFO args...` with stdin from stdin_path
 * (or /dev/null) and stdout/stderr into files named after tag. */
static pid_t spawn_prev(const char *tag, const char *stdin_path, const char *const *args)
{
    const char *bin = getenv("PREVALENCE_BIN");
    char *argv[64];
    char out[1200], err[1200];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int n = 0;

    assert_non_null(bin);
    argv[n++] = (char *)bin;
    argv[n++] = "--db";
    argv[n++] = conninfo;
    for (; *args != NULL && n < 62; args++)
        argv[n++] = (char *)*args;
    argv[n] = NULL;
    snprintf(out, sizeof out, "%s/%s.out", dir, tag);
    snprintf(err, sizeof err, "%s/%s.err", dir, tag);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, stdin_path != NULL ? stdin_path : "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_int_equal(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

static void wait_prev(pid_t pid, const char *tag, struct run *r)
{
    char path[1200];
    int status = 0;

    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    snprintf(path, sizeof path, "%s/%s.out", dir, tag);
    slurp(path, r->out, sizeof r->out);
    snprintf(path, sizeof path, "%s/%s.err", dir, tag);
    slurp(path, r->err, sizeof r->err);
}

static struct run *run_args(const char *stdin_path, const char *const *args)
{
    static struct run r;
    wait_prev(spawn_prev("run", stdin_path, args), "run", &r);
    return &r;
}

#define RUN(...) run_args(NULL, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_STDIN(path, ...) run_args((path), (const char *const[]){__VA_ARGS__, NULL})

static long q_long(const char *sql)
{
    PGresult *res = PQexec(db, sql);
    long v;

    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        fail_msg("query failed: %s: %s", sql, PQerrorMessage(db));
    v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

static char *q_text(const char *sql)
{
    static char buf[4096];
    PGresult *res = PQexec(db, sql);

    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        fail_msg("query failed: %s: %s", sql, PQerrorMessage(db));
    snprintf(buf, sizeof buf, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return buf;
}

static void expect_status(const struct run *r, int want)
{
    if (r->status != want)
        fail_msg("exit %d, want %d; stderr:\n%s", r->status, want, r->err);
}

static void expect_err(const struct run *r, const char *needle)
{
    if (strstr(r->err, needle) == NULL)
        fail_msg("stderr lacks \"%s\"; it was:\n%s", needle, r->err);
}

static void expect_nothing_loaded(void)
{
    assert_int_equal(q_long("SELECT count(*) FROM responses"), 0);
    assert_int_equal(q_long("SELECT count(*) FROM frames"), 0);
    assert_int_equal(q_long("SELECT count(*) FROM batches"), 0);
    assert_int_equal(q_long("SELECT count(*) FROM batch_scope"), 0);
}

static void sha256_file(const char *path, char hex[65])
{
    char buf[65536];
    struct prev_sha256 *h = prev_sha256_new();
    FILE *fp = fopen(path, "rb");
    size_t n;

    assert_non_null(h);
    assert_non_null(fp);
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        prev_sha256_update(h, buf, n);
    fclose(fp);
    assert_int_equal(prev_sha256_final(h, hex), 0);
}

#define HDR "survey_year,county,respondent_id,role,caseload,confirmed,suspected\n"

/* ---- loading ------------------------------------------------------------ */

static void test_load_valid_file_records_provenance(void **state)
{
    const char *f = WRITE("pima-2025.csv", HDR
                          "2025,Pima,PO-1,,40,1,2\n"
                          "2025,pima,PO-2,supervisor,10,0,0\n"
                          "2025,04012,LP-1,other,12,0,1\n");
    char sha[65], sql[300];
    struct run *r;
    (void)state;

    r = RUN("load", "responses", f);
    expect_status(r, 0);
    expect_err(r, "pima-2025.csv: loaded 3 rows as batch ");
    assert_string_equal(r->out, "");
    sha256_file(f, sha);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM batches WHERE sha256 = '%s' AND kind = "
             "'responses' AND file_name = 'pima-2025.csv' AND row_count = 3 AND tool_version "
             "= '%s' AND NOT superseded AND loaded_at > now() - interval '1 hour'", sha,
             PREV_VERSION);
    assert_int_equal(q_long(sql), 1);
    assert_int_equal(q_long("SELECT count(*) FROM responses r JOIN batches b USING (batch_id) "
                            "WHERE r.active"), 3);
    assert_string_equal(q_text("SELECT string_agg(fips || ':' || respondent_id || ':' || role "
                               "|| ':' || caseload || ':' || confirmed || ':' || suspected, ' ' "
                               "ORDER BY respondent_id) FROM responses"),
                        "04012:LP-1:other:12:0:1 04019:PO-1:probation_officer:40:1:2 "
                        "04019:PO-2:supervisor:10:0:0");
    assert_string_equal(q_text("SELECT string_agg(fips || ':' || row_count || ':' || caseload, "
                               "' ' ORDER BY fips) FROM batch_scope"),
                        "04012:1:12 04019:2:50");
    /* nothing bypassed a rule the database no longer checks per row */
    assert_int_equal(q_long("SELECT count(*) FROM response_integrity"), 0);
}

struct rule_case {
    const char *csv;
    const char *message;      /* expected in stderr */
};

static void test_load_each_rule_refuses_the_file(void **state)
{
    static const struct rule_case cases[] = {
        {HDR "1999,Pima,A1,,1,0,0\n", "t.csv:2:survey_year: survey_year must be a year from 2000 "
                                     "to 2100 (found 4 characters: digits)"},
        {HDR "2101,Pima,A1,,1,0,0\n", "t.csv:2:survey_year: survey_year must be a year"},
        {HDR ",Pima,A1,,1,0,0\n", "t.csv:2:survey_year: survey_year is empty"},
        {HDR "2025,Pima County,A1,,1,0,0\n", "t.csv:2:county: county is not an Arizona "
                                            "county (found 11 characters: letters and a space)"},
        {HDR "2025,04014,A1,,1,0,0\n", "t.csv:2:county: county is not an Arizona county (found "
                                "5 characters: digits)"},
        {HDR "2025,Pima,PO 1,,1,0,0\n", "t.csv:2:respondent_id: respondent_id may hold only"},
        {HDR "2025,Pima,,,1,0,0\n", "t.csv:2:respondent_id: respondent_id is empty"},
        {HDR "2025,Pima,"
             "A1234567890123456789012345678901234567890123456789012345678901234"
             ",,1,0,0\n", "t.csv:2:respondent_id: respondent_id is longer than 64"},
        {HDR "2025,Pima,A1,chief,1,0,0\n", "t.csv:2:role: role is not one of the codebook's "
                                          "roles (found 5 characters: letters)"},
        {HDR "2025,Pima,A1,,1001,0,0\n", "t.csv:2:caseload: caseload must be a whole number from "
                                        "0 to 1000 (found 4 characters: digits)"},
        {HDR "2025,Pima,A1,,12.5,0,0\n", "t.csv:2:caseload: caseload must be a whole number"},
        {HDR "2025,Pima,A1,,10,-1,0\n", "t.csv:2:confirmed: confirmed must be a whole number"},
        {HDR "2025,Pima,A1,,10,0,many\n", "t.csv:2:suspected: suspected must be a whole number"},
        {HDR "2025,Pima,A1,,10,6,5\n", "t.csv:2:suspected: confirmed + suspected (6 + 5 = 11) is "
                                      "more than the caseload (10)"},
        {HDR "2025,Pima,A1,,10,0,0,9\n", "t.csv:2: row has 8 fields but the header has 7"},
        {HDR "2025,Pima,A1,,10,0\n", "t.csv:2: row has 6 fields but the header has 7"},
        {HDR "2025,Pima,A1,,10,0,0\n2025,Yuma,A1,,3,0,0\n",
         "t.csv:3:respondent_id: respondent 'A1' appears twice for 2025 (first on line 2)"},
        {"survey_year,county,respondent_id,caseload,confirmed\n2025,Pima,A1,1,0\n",
         "t.csv:1:suspected: required column is missing from the header"},
        {"survey_year,county,respondent_id,caseload,confirmed,suspected,notes\n"
         "2025,Pima,A1,1,0,0,x\n",
         "t.csv:1:notes: unknown column; remove it, or load with --ignore-column 'notes' to "
         "skip it"},
        {"Survey Year,county,respondent_id,caseload,confirmed,suspected\n2025,Pima,A1,1,0,0\n",
         "t.csv:1:Survey Year: unknown column; did you mean survey_year?"},
        {"survey_year,county,respondent_id,caseload,confirmed,suspected,county\n"
         "2025,Pima,A1,1,0,0,Pima\n",
         "t.csv:1:county: column appears twice in the header (fields 2 and 7)"},
        {"survey_year,county,respondent_id,caseload,confirmed,suspected,\n2025,Pima,A1,1,0,0,\n",
         "t.csv:1: header field 7 has no name"},
        {NULL, NULL},
    };
    (void)state;

    for (size_t i = 0; cases[i].message != NULL; i++) {
        const char *f = write_file("t.csv", cases[i].csv, strlen(cases[i].csv));
        struct run *r = RUN("load", "responses", f);
        if (r->status != 65 || strstr(r->err, cases[i].message) == NULL)
            fail_msg("case %zu: exit %d, want 65 and \"%s\"; stderr:\n%s", i, r->status,
                     cases[i].message, r->err);
        expect_err(r, "nothing loaded");
        expect_nothing_loaded();
    }
}

static void test_load_frame_rules(void **state)
{
    static const struct rule_case cases[] = {
        {"survey_year,county,officers_total,youth_total\n2025,Pima,0,10\n",
         "t.csv:2:officers_total: officers_total must be a whole number from 1 to 100000 "
         "(found 1 character: digits)"},
        {"survey_year,county,officers_total,youth_total\n2025,Pima,5,-3\n",
         "t.csv:2:youth_total: youth_total must be a whole number from 0 to 10000000"},
        {"survey_year,county,officers_total,youth_total\n2025,Pima,5,10\n2025,04019,6,10\n",
         "t.csv:3:county: Pima 2025 appears twice (first on line 2)"},
        {"survey_year,county,officers_total\n2025,Pima,5\n",
         "t.csv:1:youth_total: required column is missing from the header"},
        {NULL, NULL},
    };
    (void)state;

    for (size_t i = 0; cases[i].message != NULL; i++) {
        const char *f = write_file("t.csv", cases[i].csv, strlen(cases[i].csv));
        struct run *r = RUN("load", "frame", f);
        if (r->status != 65 || strstr(r->err, cases[i].message) == NULL)
            fail_msg("case %zu: exit %d, want 65 and \"%s\"; stderr:\n%s", i, r->status,
                     cases[i].message, r->err);
        expect_nothing_loaded();
    }
}

static void test_load_ignore_column_skips_it(void **state)
{
    const char *f = WRITE("notes.csv", "survey_year,county,respondent_id,caseload,confirmed,"
                                       "suspected,Notes\n2025,Pima,A1,1,0,0,free text\n");
    struct run *r;
    (void)state;

    r = RUN("load", "responses", "--ignore-column", "notes", f);
    expect_status(r, 0);
    assert_int_equal(q_long("SELECT count(*) FROM responses"), 1);
}

/* ---- privacy firewall --------------------------------------------------- */

static void test_firewall_header_refuses_file(void **state)
{
    static const char *columns[] = {
        "name", "First Name", "last_name", "DOB", "date-of-birth", "birthdate", "SSN",
        "address", "Street", "phone", "Phone_Number", "email", "E-Mail", "case number",
        "Case_No", "youth_name",
    };
    (void)state;

    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        char csv[512], want[200];
        const char *f;
        struct run *r;
        snprintf(csv, sizeof csv, "survey_year,county,respondent_id,caseload,confirmed,"
                 "suspected,%s\n2025,Pima,A1,1,0,0,SECRET-VALUE-17\n", columns[i]);
        f = write_file("pii.csv", csv, strlen(csv));
        /* even when asked to ignore the column */
        r = RUN("load", "responses", "--ignore-column", columns[i], "--rejects",
                path_of("rej.csv"), f);
        snprintf(want, sizeof want, "pii.csv:1:%s: this column would hold ", columns[i]);
        if (r->status != 65 || strstr(r->err, want) == NULL)
            fail_msg("column '%s': exit %d; stderr:\n%s", columns[i], r->status, r->err);
        assert_null(strstr(r->err, "SECRET"));
        slurp(path_of("rej.csv"), r->out, sizeof r->out);
        assert_null(strstr(r->out, "SECRET"));
        expect_nothing_loaded();
    }
}

static void test_firewall_values_never_echoed(void **state)
{
    static const struct {
        const char *value, *what;
    } cases[] = {
        {"jane.doe@example.org", "an e-mail address"},
        {"602-555-0147", "a phone number"},
        {"(520) 555-0199", "a phone number"},
        {"123-45-6789", "a Social Security number"},
        {"2009-04-17", "a date"},
        {"04/17/2009", "a date"},
        /* issue #13: codes that are identifiers in a code's clothing */
        {"Maria_Gonzalez", "a person's name"},
        {"JV2019-001234", "a case number"},
        {"DOB-2009-04-17", "a date"},
        {"ssn-123-45-6789", "a Social Security number"},
        {"tel-6025550143", "a phone number"},
        {"602_555_0143", "a phone number"},
        {"123-Main-St-Tucson-AZ-85701", "a street address"},
        {"17042009", "a date"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char csv[512], want[200], rejects[4096];
        const char *f;
        struct run *r;
        snprintf(csv, sizeof csv, HDR "2025,Pima,PO-1,,10,0,0\n2025,Pima,\"%s\",,10,0,0\n",
                 cases[i].value);
        f = write_file("v.csv", csv, strlen(csv));
        r = RUN("load", "responses", "--rejects", path_of("rej.csv"), f);
        snprintf(want, sizeof want, "v.csv:3:respondent_id: respondent_id looks like %s (",
                 cases[i].what);
        expect_status(r, 65);
        expect_err(r, want);
        if (strstr(r->err, cases[i].value) != NULL)
            fail_msg("'%s' was echoed:\n%s", cases[i].value, r->err);
        slurp(path_of("rej.csv"), rejects, sizeof rejects);
        if (strstr(rejects, cases[i].value) != NULL)
            fail_msg("'%s' is in the rejects file:\n%s", cases[i].value, rejects);
        assert_non_null(strstr(rejects, "v.csv,3,"));
        expect_nothing_loaded();
    }
}

/* ---- idempotence and corrections ---------------------------------------- */

static void test_load_same_file_twice_one_batch(void **state)
{
    const char *f = WRITE("a.csv", HDR "2025,Pima,PO-1,,40,1,2\n2025,Pima,PO-2,,10,0,0\n");
    char want[64];
    struct run *r;
    long batch;
    (void)state;

    expect_status(RUN("load", "responses", f), 0);
    batch = q_long("SELECT batch_id FROM batches");
    r = RUN("load", "responses", f);
    expect_status(r, 0);
    snprintf(want, sizeof want, "a.csv: already loaded as batch %ld\n", batch);
    expect_err(r, want);
    assert_int_equal(q_long("SELECT count(*) FROM batches"), 1);
    assert_int_equal(q_long("SELECT count(*) FROM responses"), 2);
    /* check says the same, and loads nothing either */
    r = RUN("check", "responses", f);
    expect_status(r, 0);
    expect_err(r, want);
}

static void test_load_collision_suggests_replace(void **state)
{
    const char *a = WRITE("a.csv", HDR "2025,Pima,PO-1,,40,1,2\n2025,Pima,PO-2,,10,0,0\n");
    const char *b = WRITE("b.csv", HDR "2025,Pima,PO-1,,41,1,2\n");
    struct run *r;
    (void)state;

    expect_status(RUN("load", "responses", a), 0);
    r = RUN("load", "responses", b);
    expect_status(r, 65);
    expect_err(r, "b.csv:2:respondent_id: respondent 'PO-1' is already loaded for 2025 (Pima, "
                  "batch ");
    expect_err(r, "load it with --replace");
    assert_int_equal(q_long("SELECT count(*) FROM batches"), 1);
    /* check finds it too */
    r = RUN("check", "responses", b);
    expect_status(r, 65);
    expect_err(r, "already loaded for 2025");
    /* the same code in another year is another respondent */
    expect_status(RUN("load", "responses", WRITE("c.csv", HDR "2024,Pima,PO-1,,41,1,2\n")), 0);
}

static void test_load_replace_supersedes(void **state)
{
    const char *a = WRITE("a.csv", HDR "2025,Pima,PO-1,,40,1,2\n2025,Yuma,Y-1,,10,0,0\n");
    const char *fix = WRITE("fix.csv", HDR "2025,Pima,PO-1,,40,2,2\n2025,Yuma,Y-1,,10,0,1\n"
                                           "2025,Yuma,Y-2,,5,0,0\n");
    const char *partial = WRITE("partial.csv", HDR "2025,Pima,PO-1,,40,3,2\n");
    struct run *r;
    long old_batch, new_batch;
    (void)state;

    expect_status(RUN("load", "responses", a), 0);
    old_batch = q_long("SELECT batch_id FROM batches");
    /* a replacement must cover every county-year of what it replaces */
    r = RUN("load", "responses", "--replace", partial);
    expect_status(r, 65);
    expect_err(r, "partial.csv:2:county: --replace would retire batch ");
    expect_err(r, "which also holds Yuma 2025, absent from this file");
    assert_int_equal(q_long("SELECT count(*) FROM batches"), 1);

    r = RUN("load", "responses", "--replace", fix);
    expect_status(r, 0);
    expect_err(r, "replacing 1 earlier batch");
    new_batch = q_long("SELECT batch_id FROM batches WHERE NOT superseded");
    assert_true(new_batch > old_batch);
    assert_int_equal(q_long("SELECT count(*) FROM batches"), 2);
    {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM batches WHERE batch_id = %ld AND "
                 "superseded AND superseded_by = %ld AND superseded_at IS NOT NULL",
                 old_batch, new_batch);
        assert_int_equal(q_long(sql), 1);
    }
    assert_int_equal(q_long("SELECT count(*) FROM responses WHERE active"), 3);
    assert_int_equal(q_long("SELECT count(*) FROM responses WHERE NOT active"), 2);
    assert_int_equal(q_long("SELECT sum(confirmed) FROM responses WHERE active"), 2);
    assert_int_equal(q_long("SELECT count(*) FROM response_integrity"), 0);
    /* the original file is superseded, so loading it again is a new load
     * that collides with the correction */
    r = RUN("load", "responses", a);
    expect_status(r, 65);
    expect_err(r, "is already loaded for 2025");
}

static void test_load_frame_replace(void **state)
{
    const char *a = WRITE("f.csv", "survey_year,county,officers_total,youth_total\n"
                                   "2025,Pima,12,400\n");
    const char *b = WRITE("g.csv", "survey_year,county,officers_total,youth_total\n"
                                   "2025,Pima,13,410\n");
    struct run *r;
    (void)state;

    expect_status(RUN("load", "frame", a), 0);
    r = RUN("load", "frame", b);
    expect_status(r, 65);
    expect_err(r, "g.csv:2:county: Pima 2025 already has a frame (batch ");
    expect_status(RUN("load", "frame", "--replace", b), 0);
    assert_int_equal(q_long("SELECT officers_total FROM frames WHERE active"), 13);
    assert_int_equal(q_long("SELECT count(*) FROM frames"), 2);
}

/* ---- concurrency -------------------------------------------------------- */

/* A file big enough that two loads of it overlap in time. */
static const char *write_big(const char *name, int rows, const char *prefix)
{
    size_t cap = (size_t)rows * 48 + 128, o = 0;
    char *buf = malloc(cap);
    const char *p;

    assert_non_null(buf);
    o += (size_t)snprintf(buf, cap, HDR);
    for (int i = 0; i < rows; i++)
        o += (size_t)snprintf(buf + o, cap - o, "2025,%s,%s%06d,,%d,%d,%d\n",
                              i % 2 ? "Maricopa" : "Pima", prefix, i, 10 + i % 30, i % 2, i % 3);
    p = write_file(name, buf, o);
    free(buf);
    return p;
}

static void test_load_concurrent_same_file_one_batch(void **state)
{
    const char *f = write_big("same.csv", 40000, "S");
    (void)state;

    for (int round = 0; round < 3; round++) {
        const char *args[] = {"load", "responses", f, NULL};
        struct run a, b;
        pid_t pa, pb;
        PGresult *res = PQexec(db, "TRUNCATE responses, frames, batch_scope, batches");
        PQclear(res);
        pa = spawn_prev("a", NULL, args);
        pb = spawn_prev("b", NULL, args);
        wait_prev(pa, "a", &a);
        wait_prev(pb, "b", &b);
        expect_status(&a, 0);
        expect_status(&b, 0);
        assert_int_equal(q_long("SELECT count(*) FROM batches"), 1);
        assert_int_equal(q_long("SELECT count(*) FROM responses"), 40000);
        if (strstr(a.err, "already loaded as batch") == NULL
            && strstr(b.err, "already loaded as batch") == NULL)
            fail_msg("neither load said 'already loaded':\n%s\n%s", a.err, b.err);
    }
}

static void test_load_concurrent_different_files_both_load(void **state)
{
    const char *f1 = write_big("one.csv", 30000, "X");
    const char *f2 = write_big("two.csv", 30000, "Y");
    const char *a1[] = {"load", "responses", f1, NULL};
    const char *a2[] = {"load", "responses", f2, NULL};
    struct run a, b;
    pid_t pa, pb;
    (void)state;

    pa = spawn_prev("a", NULL, a1);
    pb = spawn_prev("b", NULL, a2);
    wait_prev(pa, "a", &a);
    wait_prev(pb, "b", &b);
    expect_status(&a, 0);
    expect_status(&b, 0);
    assert_int_equal(q_long("SELECT count(*) FROM batches WHERE NOT superseded"), 2);
    assert_int_equal(q_long("SELECT count(*) FROM responses WHERE active"), 60000);
}

static void test_load_concurrent_colliding_files_one_wins(void **state)
{
    /* same respondents, different bytes: exactly one may load */
    const char *f1 = write_big("one.csv", 20000, "Z");
    const char *f2 = WRITE("two.csv", HDR "2025,Pima,Z000000,,11,0,0\n");
    const char *a1[] = {"load", "responses", f1, NULL};
    const char *a2[] = {"load", "responses", f2, NULL};
    struct run a, b;
    pid_t pa, pb;
    (void)state;

    pa = spawn_prev("a", NULL, a1);
    pb = spawn_prev("b", NULL, a2);
    wait_prev(pa, "a", &a);
    wait_prev(pb, "b", &b);
    assert_true((a.status == 0) != (b.status == 0));
    assert_int_equal(q_long("SELECT count(*) FROM batches"), 1);
    assert_int_equal(q_long("SELECT count(*) FROM response_integrity"), 0);
}

/* ---- encodings and odd files -------------------------------------------- */

static void test_load_crlf_bom_quoted_newline(void **state)
{
    const char *f = WRITE("excel.csv",
                          "\xEF\xBB\xBFsurvey_year,county,respondent_id,caseload,confirmed,"
                          "suspected,comment\r\n"
                          "2025,\"La Paz\",LP-1,12,0,1,\"two\r\nlines, with \"\"quotes\"\"\"\r\n"
                          "2025,Santa Cruz,SC-1,7,1,0,plain\r\n");
    struct run *r;
    (void)state;

    r = RUN("load", "responses", "--ignore-column", "comment", f);
    expect_status(r, 0);
    assert_string_equal(q_text("SELECT string_agg(fips || ':' || respondent_id, ' ' ORDER BY "
                               "respondent_id) FROM responses"),
                        "04012:LP-1 04023:SC-1");
    /* a problem after the quoted newline is reported on its physical line */
    f = WRITE("excel2.csv", "\xEF\xBB\xBFsurvey_year,county,respondent_id,caseload,confirmed,"
                            "suspected,comment\r\n"
                            "2025,La Paz,LP-1,12,0,1,\"two\r\nlines\"\r\n"
                            "2025,Santa Cruz,SC-1,x,1,0,plain\r\n");
    r = RUN("load", "responses", "--ignore-column", "comment", f);
    expect_status(r, 65);
    expect_err(r, "excel2.csv:4:caseload: caseload must be a whole number from 0 to 1000 "
                  "(found 1 character: letters)\n");
}

static void test_load_invalid_utf8_refused(void **state)
{
    const char *f = WRITE("latin1.csv", HDR "2025,Pima,PO-1,,40,1,2\n2025,Gr\xE1ham,G-1,,4,0,0\n");
    struct run *r;
    (void)state;

    r = RUN("load", "responses", f);
    expect_status(r, 65);
    expect_err(r, "latin1.csv:3:county: county is not valid UTF-8 text (save the file as 'CSV "
                  "UTF-8')\n");
    expect_nothing_loaded();
}

static void test_load_nul_and_long_field_refused(void **state)
{
    char big[8192];
    const char *f;
    struct run *r;
    (void)state;

    f = write_file("nul.csv", HDR "2025,Pima,PO\0-1,,40,1,2\n", sizeof(HDR) - 1 + 24);
    r = RUN("load", "responses", f);
    expect_status(r, 65);
    expect_err(r, "nul.csv:2:respondent_id: respondent_id holds a NUL byte");
    expect_nothing_loaded();

    memset(big, 'x', sizeof big);
    memcpy(big, HDR "2025,Pima,\"", sizeof(HDR) - 1 + 11);
    f = write_file("long.csv", big, sizeof big);
    r = RUN("load", "responses", f);
    expect_status(r, 65);
    expect_err(r, "long.csv:2: a field is longer than 4096 bytes");
    expect_nothing_loaded();
}

static void test_load_empty_and_header_only_refused(void **state)
{
    struct run *r;
    (void)state;

    r = RUN("load", "responses", write_file("empty.csv", "", 0));
    expect_status(r, 65);
    expect_err(r, "empty.csv: the file is empty; it needs a header row and at least one data "
                  "row\n");
    r = RUN("load", "responses", WRITE("bom-only.csv", "\xEF\xBB\xBF\r\n"));
    expect_status(r, 65);
    expect_err(r, "bom-only.csv: the file is empty");
    r = RUN("load", "responses", WRITE("header.csv", HDR));
    expect_status(r, 65);
    expect_err(r, "header.csv: no data rows after the header\n");
    expect_nothing_loaded();
}

static void test_load_from_stdin(void **state)
{
    const char *f = WRITE("in.csv", HDR "2025,Pima,PO-1,,40,1,2\n");
    char sha[65], sql[200];
    struct run *r;
    (void)state;

    r = RUN_STDIN(f, "load", "responses", "-");
    expect_status(r, 0);
    expect_err(r, "<stdin>: loaded 1 row as batch ");
    sha256_file(f, sha);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM batches WHERE file_name = '<stdin>' AND "
             "sha256 = '%s'", sha);
    assert_int_equal(q_long(sql), 1);
    /* the same bytes by name are the same batch */
    r = RUN("load", "responses", f);
    expect_status(r, 0);
    expect_err(r, "already loaded as batch");
}

/* ---- frames and responses, in both orders ------------------------------- */

static void test_cross_check_frame_first(void **state)
{
    const char *frame = WRITE("f.csv", "survey_year,county,officers_total,youth_total\n"
                                       "2025,Pima,2,45\n");
    const char *resp = WRITE("r.csv", HDR "2025,Pima,PO-1,,40,1,2\n2025,Pima,PO-2,,10,0,0\n"
                                          "2025,Pima,PO-3,,10,0,0\n");
    const char *ok = WRITE("ok.csv", HDR "2025,Pima,PO-1,,40,1,2\n2025,Pima,PO-2,,10,0,0\n");
    struct run *r;
    (void)state;

    expect_status(RUN("load", "frame", frame), 0);
    r = RUN("load", "responses", resp);
    expect_status(r, 65);
    expect_err(r, "r.csv:2:county: Pima 2025 has 3 respondents in this file but its frame "
                  "(batch ");
    expect_err(r, ") has officers_total 2\n");
    r = RUN("load", "responses", ok);
    expect_status(r, 0);
    expect_err(r, "ok.csv:2:county: warning: caseloads for Pima 2025 add up to 50, more than "
                  "youth_total 45 in its frame");
    expect_err(r, "(1 warning)");
    assert_int_equal(q_long("SELECT count(*) FROM responses"), 2);
}

static void test_cross_check_responses_first(void **state)
{
    const char *resp = WRITE("r.csv", HDR "2025,Yuma,Y-1,,40,1,2\n2025,Yuma,Y-2,,10,0,0\n"
                                          "2025,Yuma,Y-3,,10,0,0\n");
    const char *frame = WRITE("f.csv", "survey_year,county,officers_total,youth_total\n"
                                       "2025,Yuma,2,100\n");
    struct run *r;
    (void)state;

    expect_status(RUN("load", "responses", resp), 0);
    r = RUN("load", "frame", frame);
    expect_status(r, 65);
    expect_err(r, "f.csv:2:officers_total: officers_total is 2 but 3 respondents are already "
                  "loaded for Yuma 2025\n");
    assert_int_equal(q_long("SELECT count(*) FROM frames"), 0);
    frame = WRITE("f2.csv", "survey_year,county,officers_total,youth_total\n2025,Yuma,3,50\n");
    r = RUN("load", "frame", frame);
    expect_status(r, 0);
    expect_err(r, "f2.csv:2:youth_total: warning: youth_total is 50 but the caseloads already "
                  "loaded for Yuma 2025 add up to 60\n");
}

/* ---- outputs and exit codes --------------------------------------------- */

static void test_load_rejects_file(void **state)
{
    const char *f = WRITE("bad.csv", HDR "2025,Pima,PO-1,,40,1,2\n2025,Pima,PO-2,,x,0,0\n"
                                         "2025,Nowhere,PO-3,,5,0,0\n");
    char rejects[4096], want[4096];
    struct run *r;
    (void)state;

    r = RUN("load", "responses", "--rejects", path_of("out.csv"), f);
    expect_status(r, 65);
    slurp(path_of("out.csv"), rejects, sizeof rejects);
    /* the file as it was named on the command line, as in the messages */
    /* where and what, never the row's values (issue #13) */
    snprintf(want, sizeof want,
             "file,line,problems\r\n"
             "%s,3,caseload: caseload must be a whole number from 0 to 1000 (found 1 "
             "character: letters)\r\n"
             "%s,4,county: county is not an Arizona county (found 7 characters: letters); "
             "write its name (such as Maricopa or La Paz) or its 5-digit FIPS code (04001 to "
             "04027)\r\n", f, f);
    assert_string_equal(rejects, want);
    expect_nothing_loaded();
    /* no temporary file left behind */
    assert_int_equal(access(path_of("out.csv.tmp"), F_OK), -1);
    assert_int_equal(access(path_of(".out.csv"), F_OK), -1);
}

static void test_load_rejects_unwritable_loads_nothing(void **state)
{
    const char *f = WRITE("a.csv", HDR "2025,Pima,PO-1,,40,1,2\n");
    struct run *r;
    (void)state;

    r = RUN("load", "responses", "--rejects", "/nonexistent-folder/out.csv", f);
    expect_status(r, 73);
    expect_err(r, "/nonexistent-folder/out.csv: cannot create");
    expect_nothing_loaded();
}

static void test_load_missing_file_and_bad_database(void **state)
{
    const char *good = WRITE("a.csv", HDR "2025,Pima,PO-1,,40,1,2\n");
    const char *bin = getenv("PREVALENCE_BIN");
    char cmd[2400], err[2048];
    struct run *r;
    int status;
    (void)state;

    /* a missing file spoils only itself */
    r = RUN("load", "responses", path_of("missing.csv"), good);
    expect_status(r, 66);
    expect_err(r, "missing.csv: cannot open: No such file or directory");
    expect_err(r, "a.csv: loaded 1 row as batch");
    /* a database that is not there */
    snprintf(cmd, sizeof cmd, "'%s' --db 'host=/nonexistent dbname=x' load responses '%s' "
             "2>'%s/err'", bin, good, dir);
    status = system(cmd);
    assert_int_equal(WEXITSTATUS(status), 69);
    slurp(path_of("err"), err, sizeof err);
    assert_non_null(strstr(err, "prevalence: --db: cannot connect to the database"));
}

static void test_check_loads_nothing(void **state)
{
    const char *f = WRITE("a.csv", HDR "2025,Pima,PO-1,,40,1,2\n");
    struct run *r;
    (void)state;

    r = RUN("check", "responses", f);
    expect_status(r, 0);
    expect_err(r, "a.csv: 1 row, no errors\n");
    expect_nothing_loaded();
    r = RUN("check", "responses", "--offline", f);
    expect_status(r, 0);
    expect_err(r, "prevalence: --offline: skipped the checks against loaded data");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_valid_file_records_provenance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_each_rule_refuses_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_frame_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_ignore_column_skips_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_firewall_header_refuses_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_firewall_values_never_echoed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_same_file_twice_one_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_collision_suggests_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_replace_supersedes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_frame_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_concurrent_same_file_one_batch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_concurrent_different_files_both_load, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_concurrent_colliding_files_one_wins, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_crlf_bom_quoted_newline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_invalid_utf8_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_nul_and_long_field_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_empty_and_header_only_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_from_stdin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_check_frame_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_check_responses_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_rejects_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_rejects_unwritable_loads_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_missing_file_and_bad_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_loads_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
