/* The collector's rules as the database enforces them (sql/004_collector_rules.sql,
 * docs/security.md "Database-enforced collector rules"): each test
 * connects as the role an attacker would hold, tries what used to work,
 * and shows it is refused and that the data and the estimate are
 * unchanged; the last test shows that ordinary loads still work. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <libpq/libpq-fs.h>

#include "pg_harness.h"
#include "sec_util.h"

static char conninfo[2048];
static PGconn *db;             /* superuser, to set up and to look */
static char dir[1024];         /* this test's scratch folder */
static int test_no;
static struct sec_run run;

static const char *const county_files[] = {
    "apache", "cochise", "coconino", "gila", "graham", "greenlee", "la-paz", "maricopa",
    "mohave", "navajo", "pima", "pinal", "santa-cruz", "yavapai", "yuma",
};
#define NCOUNTY_FILES (sizeof county_files / sizeof county_files[0])

static int setup(void **state)
{
    (void)state;
    if ((db = pg_harness_fresh_db(conninfo, sizeof conninfo)) == NULL)
        return -1;
    sec_login_users(db);
    pg_harness_exec_ok(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
                           " 't_pima') THEN CREATE ROLE t_pima LOGIN IN ROLE"
                           " prevalence_collector; END IF; END $$");
    snprintf(dir, sizeof dir, "%s/rules%d", pg_harness_tmpdir(), ++test_no);
    return mkdir(dir, 0755);
}

static int teardown(void **state)
{
    (void)state;
    PQfinish(db);
    db = NULL;
    return 0;
}

/* `prevalence --db CONNINFO-as-USER --quiet args...` */
static void run_as(const char *user, const char *const *args)
{
    sec_run_as(&run, dir, conninfo, user, args);
}
#define RUN_AS(user, ...) run_as((user), SEC_ARGS(__VA_ARGS__))

static void load_sample(const char *user, const char *year)
{
    char rel[64];

    for (size_t i = 0; i < NCOUNTY_FILES; i++) {
        snprintf(rel, sizeof rel, "%s/responses-%s.csv", year, county_files[i]);
        RUN_AS(user, "load", "responses", sec_sample_path(rel));
        sec_expect_status(&run, 0);
    }
    snprintf(rel, sizeof rel, "%s/frame.csv", year);
    RUN_AS(user, "load", "frame", sec_sample_path(rel));
    sec_expect_status(&run, 0);
}

/* The active batch loaded from file_name (a fixed name of this file). */
static long batch_of(const char *file_name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT batch_id FROM batches WHERE file_name = '%s'"
                              " AND NOT superseded", file_name);
    return sec_long(db, sql);
}

/* The 2025 estimate as the analyst sees it (CSV, full precision). */
static const char *estimate_2025(void)
{
    static char out[1 << 16];
    RUN_AS("t_analyst", "estimate", "--year", "2025", "--format", "csv");
    sec_expect_status(&run, 0);
    snprintf(out, sizeof out, "%s", run.out);
    return out;
}

/* COPY data in through sql; returns the SQLSTATE ("" when it worked). */
static const char *copy_in(PGconn *conn, const char *sql, const char *data)
{
    static char state[8];
    PGresult *res = PQexec(conn, sql);
    const char *s;

    state[0] = '\0';
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        snprintf(state, sizeof state, "%s", s != NULL ? s : "?????");
        PQclear(res);
        return state;
    }
    PQclear(res);
    if (PQputCopyData(conn, data, (int)strlen(data)) != 1 || PQputCopyEnd(conn, NULL) != 1)
        fail_msg("COPY: %s", PQerrorMessage(conn));
    while ((res = PQgetResult(conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && state[0] == '\0') {
            s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            snprintf(state, sizeof state, "%s", s != NULL ? s : "?????");
        }
        PQclear(res);
    }
    return state;
}

static void expect_state(const char *got, const char *want, const char *what)
{
    if (strcmp(got, want) != 0)
        fail_msg("%s: SQLSTATE '%s', want '%s'%s", what, got, want,
                 got[0] == '\0' ? " (it succeeded)" : "");
}

/* Open a batch as the caller (BEGIN first) and return its id. */
static long open_batch(PGconn *conn, const char *kind)
{
    char sql[160];
    pg_harness_exec_ok(conn, "BEGIN");
    snprintf(sql, sizeof sql, "SELECT prevalence_open_batch('%s', 'attack.csv', 'x')", kind);
    return sec_long(conn, sql);
}

#define RESPONSES_COPY "COPY responses (batch_id, survey_year, fips, respondent_id, role," \
                       " caseload, confirmed, suspected) FROM STDIN"

/* Attack: the collector adds rows to a finished batch (Pima's), with plain
 * INSERT or COPY, also from inside a load of its own. */
static void test_rows_only_into_a_batch_opened_by_this_transaction(void **state)
{
    PGconn *col = NULL;
    char before[2048], estimate[1 << 16], sql[512], data[512];
    long pima, frame, own;

    (void)state;
    load_sample("t_collector", "2025");
    pima = batch_of("responses-pima.csv");
    frame = batch_of("frame.csv");
    snprintf(estimate, sizeof estimate, "%s", estimate_2025());
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    col = sec_connect_as(conninfo, "t_collector");

    snprintf(sql, sizeof sql,
             "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload,"
             " confirmed, suspected) SELECT %ld, 2025, '04019', 'ATT-' || i, 40, 20, 0"
             "  FROM generate_series(1, 50) i", pima);
    sec_expect_denied(col, sql);
    snprintf(data, sizeof data, "%ld\t2025\t04019\tATT-1\tprobation_officer\t40\t20\t0\n", pima);
    expect_state(copy_in(col, RESPONSES_COPY, data), "42501", "COPY into Pima's batch");
    snprintf(sql, sizeof sql, "INSERT INTO frames (batch_id, survey_year, fips, officers_total,"
                              " youth_total) VALUES (%ld, 2030, '04019', 5, 50)", frame);
    sec_expect_denied(col, sql);

    /* Its own open batch does not make another batch writable, nor a
     * batch of the other kind. */
    own = open_batch(col, "responses");
    snprintf(sql, sizeof sql,
             "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload,"
             " confirmed, suspected) VALUES (%ld, 2025, '04019', 'ATT-1', 40, 20, 0),"
             " (%ld, 2025, '04019', 'ATT-2', 40, 20, 0)", own, pima);
    sec_expect_denied(col, sql);
    pg_harness_exec_ok(col, "ROLLBACK");
    own = open_batch(col, "frame");
    snprintf(sql, sizeof sql,
             "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload,"
             " confirmed, suspected) VALUES (%ld, 2025, '04019', 'ATT-1', 40, 20, 0)", own);
    sec_expect_denied(col, sql);
    pg_harness_exec_ok(col, "ROLLBACK");

    /* Changing or removing answers stays forbidden. */
    sec_expect_denied(col, "UPDATE responses SET confirmed = caseload WHERE fips = '04019'");
    sec_expect_denied(col, "DELETE FROM responses WHERE fips = '04019'");

    assert_string_equal(sec_db_fingerprint(db), before);
    assert_string_equal(estimate_2025(), estimate);
    RUN_AS("t_collector", "status", "--verify");
    sec_expect_status(&run, 0);
    sec_expect_err(&run, "verified: every batch's row count and scope match its rows");
    PQfinish(col);
}

/* Attack: a county-scoped collector retires another county's batch; an
 * unscoped one retires a batch its file does not cover. */
static void test_supersede_keeps_county_scope_and_coverage(void **state)
{
    PGconn *pima_login = NULL, *col = NULL;
    char before[2048], estimate[1 << 16], sql[512], data[256];
    long maricopa, pima, frame, own;

    (void)state;
    load_sample("t_collector", "2025");
    pg_harness_exec_ok(db, "INSERT INTO collector_counties VALUES ('t_pima', '04019')");
    maricopa = batch_of("responses-maricopa.csv");
    pima = batch_of("responses-pima.csv");
    frame = batch_of("frame.csv");
    assert_int_equal(sec_long(db, "SELECT count(*) FROM responses WHERE fips = '04013'"
                                  " AND active"), 77);
    snprintf(estimate, sizeof estimate, "%s", estimate_2025());
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));

    /* Pima's login, with a batch of its own, retires Maricopa's. */
    pima_login = sec_connect_as(conninfo, "t_pima");
    own = open_batch(pima_login, "responses");
    snprintf(sql, sizeof sql, "SELECT prevalence_supersede('responses', ARRAY[%ld::bigint], %ld)",
             maricopa, own);
    sec_expect_denied(pima_login, sql);
    pg_harness_exec_ok(pima_login, "ROLLBACK");
    /* ... also after loading Pima rows into it, and together with Pima's. */
    own = open_batch(pima_login, "responses");
    snprintf(data, sizeof data, "%ld\t2025\t04019\tATT-1\tprobation_officer\t40\t1\t0\n", own);
    expect_state(copy_in(pima_login, RESPONSES_COPY, data), "", "t_pima's own Pima row");
    snprintf(sql, sizeof sql, "SELECT prevalence_supersede('responses',"
                              " ARRAY[%ld::bigint, %ld], %ld)", pima, maricopa, own);
    sec_expect_denied(pima_login, sql);
    pg_harness_exec_ok(pima_login, "ROLLBACK");

    /* The unscoped collector: a Pima file cannot retire Maricopa's batch. */
    col = sec_connect_as(conninfo, "t_collector");
    own = open_batch(col, "responses");
    snprintf(data, sizeof data, "%ld\t2025\t04019\tATT-1\tprobation_officer\t40\t1\t0\n", own);
    expect_state(copy_in(col, RESPONSES_COPY, data), "", "a Pima row");
    snprintf(sql, sizeof sql, "SELECT prevalence_supersede('responses', ARRAY[%ld::bigint], %ld)",
             maricopa, own);
    sec_expect_denied(col, sql);
    pg_harness_exec_ok(col, "ROLLBACK");
    /* A frame of one county cannot retire the statewide frame: the
     * coverage is checked when the batch is finished, since frame rows go
     * in after the old ones are retired. */
    own = open_batch(col, "frame");
    snprintf(sql, sizeof sql, "SELECT prevalence_supersede('frame', ARRAY[%ld::bigint], %ld)",
             frame, own);
    pg_harness_exec_ok(col, sql);
    snprintf(data, sizeof data, "%ld\t2025\t04019\t30\t500\n", own);
    expect_state(copy_in(col, "COPY frames (batch_id, survey_year, fips, officers_total,"
                              " youth_total) FROM STDIN", data), "", "one frame row");
    snprintf(sql, sizeof sql, "SELECT prevalence_finish_batch(%ld, repeat('f', 64), 1)", own);
    sec_expect_denied(col, sql);
    pg_harness_exec_ok(col, "ROLLBACK");

    assert_int_equal(sec_long(db, "SELECT count(*) FROM responses WHERE fips = '04013'"
                                  " AND active"), 77);
    assert_string_equal(sec_db_fingerprint(db), before);
    assert_string_equal(estimate_2025(), estimate);
    PQfinish(col);
    PQfinish(pima_login);
    pg_harness_exec_ok(db, "DELETE FROM collector_counties");
}

/* Attack: the collector writes provenance itself: a batch with a made-up
 * sha256, row count and a backdated load time, scope rows of its own. */
static void test_provenance_written_only_by_the_functions(void **state)
{
    PGconn *col = NULL;
    char before[2048], sql[512], data[512];
    long pima, own;

    (void)state;
    load_sample("t_collector", "2025");
    pima = batch_of("responses-pima.csv");
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    col = sec_connect_as(conninfo, "t_collector");

    sec_expect_denied(col, "INSERT INTO batches (kind, sha256, file_name, row_count,"
                           " tool_version) VALUES ('responses', repeat('a', 64), 'made-up.csv',"
                           " 500, 'x')");
    snprintf(sql, sizeof sql, "INSERT INTO batch_scope VALUES (%ld, 2025, '04013', 500, 9000)",
             pima);
    sec_expect_denied(col, sql);
    snprintf(sql, sizeof sql, "UPDATE batches SET loaded_at = now() - interval '1 year'"
                              " WHERE batch_id = %ld", pima);
    sec_expect_denied(col, sql);
    snprintf(sql, sizeof sql, "UPDATE batch_scope SET row_count = 1 WHERE batch_id = %ld", pima);
    sec_expect_denied(col, sql);

    /* Inside a load of its own: the same. */
    own = open_batch(col, "responses");
    snprintf(sql, sizeof sql, "UPDATE batches SET row_count = 500, loaded_at = '2020-01-01'"
                              " WHERE batch_id = %ld", own);
    sec_expect_denied(col, sql);
    pg_harness_exec_ok(col, "ROLLBACK");

    /* The row count is the rows'; the loader's claim must agree. */
    own = open_batch(col, "responses");
    snprintf(data, sizeof data, "%ld\t2025\t04001\tNEW-1\tprobation_officer\t10\t1\t0\n"
                                "%ld\t2025\t04001\tNEW-2\tprobation_officer\t12\t0\t1\n", own, own);
    expect_state(copy_in(col, RESPONSES_COPY, data), "", "two rows");
    snprintf(sql, sizeof sql, "SELECT prevalence_finish_batch(%ld, repeat('b', 64), 500)", own);
    expect_state(sec_sqlstate(col, sql), "22000", "finishing with a made-up row count");
    pg_harness_exec_ok(col, "ROLLBACK");
    /* An open batch cannot be committed unfinished (placeholder sha256,
     * no row count), nor another transaction's batch be finished. */
    open_batch(col, "responses");
    sec_expect_denied(col, "COMMIT");
    snprintf(sql, sizeof sql, "SELECT prevalence_finish_batch(%ld, repeat('b', 64), 20)", pima);
    pg_harness_exec_ok(col, "BEGIN");
    sec_expect_denied(col, sql);
    pg_harness_exec_ok(col, "ROLLBACK");
    assert_string_equal(sec_db_fingerprint(db), before);

    /* Done properly, from SQL: the count and load time are the server's. */
    own = open_batch(col, "responses");
    snprintf(data, sizeof data, "%ld\t2025\t04001\tNEW-1\tprobation_officer\t10\t1\t0\n"
                                "%ld\t2025\t04001\tNEW-2\tprobation_officer\t12\t0\t1\n", own, own);
    expect_state(copy_in(col, RESPONSES_COPY, data), "", "two rows");
    snprintf(sql, sizeof sql, "SELECT prevalence_finish_batch(%ld, repeat('b', 64), 2)", own);
    pg_harness_exec_ok(col, sql);
    snprintf(sql, sizeof sql, "SELECT row_count || ' ' || (loaded_at = now()) FROM batches"
                              " WHERE batch_id = %ld", own);
    assert_string_equal(sec_text(col, sql), "2 true");
    pg_harness_exec_ok(col, "COMMIT");
    snprintf(sql, sizeof sql, "SELECT string_agg(survey_year || ' ' || fips || ' ' || row_count"
                              " || ' ' || caseload, ',') FROM batch_scope WHERE batch_id = %ld",
             own);
    assert_string_equal(sec_text(db, sql), "2025 04001 2 22");
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batch_integrity"), 0);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM open_batches"), 0);
    PQfinish(col);
}

/* Attack: a reader or analyst takes the loader's lock and blocks every
 * load. The lock is now a row of load_locks that only loaders can lock;
 * the old advisory lock, held, no longer stops anything. */
static void test_only_loaders_take_the_load_lock(void **state)
{
    static const char *const lockers[] = {"t_reader", "t_analyst"};
    PGconn *holder = NULL, *col = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof lockers / sizeof lockers[0]; i++) {
        PGconn *c = sec_connect_as(conninfo, lockers[i]);
        sec_expect_denied(c, "SELECT prevalence_lock_load_years('{2025}')");
        pg_harness_exec_ok(c, "BEGIN");
        sec_expect_denied(c, "SELECT * FROM load_locks WHERE survey_year = 2025 FOR UPDATE");
        pg_harness_exec_ok(c, "ROLLBACK");
        pg_harness_exec_ok(c, "BEGIN");
        sec_expect_denied(c, "SELECT * FROM load_locks FOR KEY SHARE");
        pg_harness_exec_ok(c, "ROLLBACK");
        pg_harness_exec_ok(c, "BEGIN");
        sec_expect_denied(c, "LOCK TABLE load_locks IN EXCLUSIVE MODE");
        pg_harness_exec_ok(c, "ROLLBACK");
        PQfinish(c);
    }
    /* The reader holds what used to be the loader's lock for 2025; the
     * load does not wait for it (it would give up after lock_timeout). */
    holder = sec_connect_as(conninfo, "t_reader");
    pg_harness_exec_ok(holder, "SELECT pg_advisory_lock(4242002, 2025)");
    setenv("PGOPTIONS", "-c lock_timeout=5s", 1);
    RUN_AS("t_collector", "load", "responses", sec_sample_path("2025/responses-pima.csv"));
    unsetenv("PGOPTIONS");
    sec_expect_status(&run, 0);
    PQfinish(holder);

    /* Another load of the year holds it: after lock_timeout, a message
     * that says so, exit 69; the default timeout is restored after. */
    col = sec_connect_as(conninfo, "t_collector");
    assert_string_equal(sec_text(col, "SHOW lock_timeout"), "0");
    pg_harness_exec_ok(col, "BEGIN");
    pg_harness_exec_ok(col, "SELECT prevalence_lock_load_years('{2025}')");
    assert_string_equal(sec_text(col, "SHOW lock_timeout"), "0");
    setenv("PGOPTIONS", "-c lock_timeout=1s", 1);
    RUN_AS("t_collector", "load", "responses", sec_sample_path("2025/responses-pinal.csv"));
    unsetenv("PGOPTIONS");
    sec_expect_status(&run, 69);
    sec_expect_err(&run, "another load of year 2025 is running; try again");
    sec_expect_err(&run, "SQLSTATE 55P03");
    pg_harness_exec_ok(col, "ROLLBACK");
    RUN_AS("t_collector", "load", "responses", sec_sample_path("2025/responses-pinal.csv"));
    sec_expect_status(&run, 0);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches"), 2);
    PQfinish(col);
}

/* Attack: every role stores arbitrary data as large objects, and the
 * reader and analyst create temporary tables. */
static void test_no_role_stores_large_objects_or_temporary_tables(void **state)
{
    static const char *const denied[] = {
        "SELECT lo_from_bytea(0, 'anything at all')",
        "SELECT lo_creat(-1)",
        "SELECT lo_create(0)",
        "SELECT lo_import('/etc/hostname')",
        "SELECT lo_put(1, 0, 'x')",
        "CREATE TEMPORARY TABLE stash (x text)",
    };
    char sql[512];

    (void)state;
    for (int r = 0; r < SEC_NROLES; r++) {
        PGconn *c = sec_connect_as(conninfo, sec_login_name[r]);
        for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
            sec_expect_denied(c, denied[i]);
        /* libpq's own large-object calls go through the same functions. */
        pg_harness_exec_ok(c, "BEGIN");
        assert_int_equal(lo_creat(c, INV_READ | INV_WRITE), 0);
        PQclear(PQexec(c, "ROLLBACK"));
        /* Only the owner creates objects in the schema. */
        if (r == SEC_OWNER) {
            pg_harness_exec_ok(c, "CREATE TABLE public.owner_may (x int)");
            pg_harness_exec_ok(c, "DROP TABLE public.owner_may");
        } else {
            sec_expect_denied(c, "CREATE TABLE public.mine (x int)");
            sec_expect_denied(c, "CREATE SCHEMA mine");
        }
        PQfinish(c);
        snprintf(sql, sizeof sql,
                 "SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), '')"
                 "  FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace"
                 "   AND (p.proname LIKE 'lo\\_%%' OR p.proname IN ('loread', 'lowrite'))"
                 "   AND has_function_privilege('%s', p.oid, 'EXECUTE')", sec_role_name[r]);
        assert_string_equal(sec_text(db, sql), "");
        snprintf(sql, sizeof sql, "SELECT has_database_privilege('%s', current_database(),"
                                  " 'TEMPORARY')", sec_role_name[r]);
        assert_string_equal(sec_text(db, sql), "f");
    }
    assert_int_equal(sec_long(db, "SELECT count(*) FROM pg_largeobject_metadata"), 0);
    /* The tool itself needs none of it. */
    load_sample("t_collector", "2025");
    estimate_2025();
}

/* status --verify: a batch whose rows were changed behind the loader's
 * back (as the collector could before 004; now only the owner can) is
 * reported, by count and by county-year. */
static void test_verify_reports_batches_that_disagree_with_their_rows(void **state)
{
    char sql[512], want[256];
    long pima, maricopa;

    (void)state;
    load_sample("t_collector", "2025");
    pima = batch_of("responses-pima.csv");
    maricopa = batch_of("responses-maricopa.csv");
    RUN_AS("t_analyst", "status", "--verify");
    sec_expect_status(&run, 0);
    sec_expect_err(&run, "verified: every batch's row count and scope match its rows");

    snprintf(sql, sizeof sql,
             "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload,"
             " confirmed, suspected) SELECT %ld, 2025, '04019', 'ATT-' || i, 40, 1, 0"
             "  FROM generate_series(1, 50) i", pima);
    pg_harness_exec_ok(db, sql);
    snprintf(sql, sizeof sql, "UPDATE batch_scope SET caseload = caseload + 1"
                              " WHERE batch_id = %ld", maricopa);
    pg_harness_exec_ok(db, sql);
    for (int r = SEC_COLLECTOR; r <= SEC_ANALYST; r++) {
        RUN_AS(sec_login_name[r], "status", "--verify", "--year", "2025");
        sec_expect_status(&run, 0);
        snprintf(want, sizeof want, "warning: batch %ld records 20 rows, but 70 rows carry its"
                                    " batch_id", pima);
        sec_expect_err(&run, want);
        snprintf(want, sizeof want, "warning: batch %ld, Pima 2025: its scope records 20 rows,"
                                    " but 70 rows carry its batch_id", pima);
        sec_expect_err(&run, want);
        snprintf(want, sizeof want, "warning: batch %ld, Maricopa 2025: its scope records a"
                                    " caseload its rows do not add up to", maricopa);
        sec_expect_err(&run, want);
    }
}

/* What the rules must not stop: loads, --replace of responses and of the
 * frame, the same and different files at once, all as the collector. */
static void test_loads_replace_and_concurrent_loads_still_work(void **state)
{
    char path[1200], line[512], tag[32];
    FILE *in = NULL, *out = NULL;
    pid_t pids[NCOUNTY_FILES + 2];
    int n = 0;

    (void)state;
    load_sample("t_collector", "2025");
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches b WHERE row_count <> (SELECT"
                                  " sum(row_count) FROM batch_scope s WHERE"
                                  " s.batch_id = b.batch_id)"), 0);

    /* --replace: a corrected Pima file, and a corrected frame. */
    snprintf(path, sizeof path, "%s/responses-pima.csv", dir);
    assert_non_null(in = fopen(sec_sample_path("2025/responses-pima.csv"), "r"));
    assert_non_null(out = fopen(path, "w"));
    while (fgets(line, sizeof line, in) != NULL) {
        if (++n == 2)
            line[strlen(line) - 2] = line[strlen(line) - 2] == '0' ? '1' : '0';
        fputs(line, out);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
    RUN_AS("t_collector", "load", "--replace", "responses", path);
    sec_expect_status(&run, 0);
    snprintf(path, sizeof path, "%s/frame.csv", dir);
    assert_non_null(in = fopen(sec_sample_path("2025/frame.csv"), "r"));
    assert_non_null(out = fopen(path, "w"));
    while (fgets(line, sizeof line, in) != NULL) {
        if (strncmp(line, "2025,Pima,", 10) == 0)
            snprintf(line, sizeof line, "2025,Pima,60,2000\n");
        fputs(line, out);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
    RUN_AS("t_collector", "load", "--replace", "frame", path);
    sec_expect_status(&run, 0);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches WHERE superseded"), 2);
    assert_int_equal(sec_long(db, "SELECT officers_total FROM frames WHERE active"
                                  " AND fips = '04019'"), 60);

    /* 2024 all at once, the frame twice. */
    for (size_t i = 0; i < NCOUNTY_FILES; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "2024/responses-%s.csv", county_files[i]);
        snprintf(tag, sizeof tag, "load%zu", i);
        pids[i] = sec_spawn(dir, tag, SEC_ARGS("--db", sec_conninfo_as(conninfo, "t_collector"),
                                               "-q", "load", "responses", sec_sample_path(rel)));
    }
    for (size_t i = 0; i < 2; i++) {
        snprintf(tag, sizeof tag, "frame%zu", i);
        pids[NCOUNTY_FILES + i] = sec_spawn(dir, tag, SEC_ARGS("--db",
                                            sec_conninfo_as(conninfo, "t_collector"), "-q",
                                            "load", "frame", sec_sample_path("2024/frame.csv")));
    }
    for (size_t i = 0; i < NCOUNTY_FILES + 2; i++) {
        if (i < NCOUNTY_FILES)
            snprintf(tag, sizeof tag, "load%zu", i);
        else
            snprintf(tag, sizeof tag, "frame%zu", i - NCOUNTY_FILES);
        sec_wait(pids[i], dir, tag, &run);
        if (run.status != 0)
            fail_msg("%s exited %d:\n%s", tag, run.status, run.err);
    }
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches b JOIN batch_scope s"
                                  " USING (batch_id) WHERE s.survey_year = 2024"
                                  " AND b.kind = 'frame'"), 15);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batch_integrity"), 0);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM response_integrity"), 0);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM open_batches"), 0);
    RUN_AS("t_collector", "status", "--verify");
    sec_expect_status(&run, 0);
    sec_expect_err(&run, "verified: every batch's row count and scope match its rows");
    estimate_2025();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_only_into_a_batch_opened_by_this_transaction,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_supersede_keeps_county_scope_and_coverage, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_provenance_written_only_by_the_functions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_only_loaders_take_the_load_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_role_stores_large_objects_or_temporary_tables,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_reports_batches_that_disagree_with_their_rows,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_loads_replace_and_concurrent_loads_still_work,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
