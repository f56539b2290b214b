/* The roles of sql/003_roles.sql against a real PostgreSQL: each test
 * connects as a login user that holds one role (as a department sets them
 * up, docs/security.md) and proves what that role may and may not do,
 * both in SQL and through the built binary. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

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
    snprintf(dir, sizeof dir, "%s/sec%d", pg_harness_tmpdir(), ++test_no);
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

/* The 2025 sample data, loaded by the collector's login. */
static void load_sample_2025(void)
{
    for (size_t i = 0; i < NCOUNTY_FILES; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "2025/responses-%s.csv", county_files[i]);
        RUN_AS("t_collector", "load", "responses", sec_sample_path(rel));
        sec_expect_status(&run, 0);
    }
    RUN_AS("t_collector", "load", "frame", sec_sample_path("2025/frame.csv"));
    sec_expect_status(&run, 0);
}

/* A corrected Pima file: the first respondent's caseload changed. */
static const char *corrected_pima(void)
{
    static char path[1200];
    char line[512];
    FILE *in = NULL, *out = NULL;
    int n = 0;

    snprintf(path, sizeof path, "%s/responses-pima-corrected.csv", dir);
    assert_non_null(in = fopen(sec_sample_path("2025/responses-pima.csv"), "r"));
    assert_non_null(out = fopen(path, "w"));
    while (fgets(line, sizeof line, in) != NULL) {
        if (++n == 2) {
            static const char first[] = "2025,Pima,PIM-2025-0001,probation_officer,40,";
            assert_int_equal(strncmp(line, first, sizeof first - 1), 0);
            memcpy(line + sizeof first - 4, "39", 2);
        }
        fputs(line, out);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
    return path;
}

static void test_roles_nologin_without_password(void **state)
{
    (void)state;
    for (int i = 0; i < SEC_NROLES; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb OR"
                 " rolbypassrls OR rolreplication OR rolpassword IS NOT NULL"
                 "  FROM pg_authid WHERE rolname = '%s'", sec_role_name[i]);
        if (strcmp(sec_text(db, sql), "f") != 0)
            fail_msg("%s can log in, has a password or a special attribute",
                     sec_role_name[i]);
    }
}

/* Roles are cluster-wide: a second database on the same server (the
 * harness cluster already holds the roles from every earlier test) gets
 * the schema, and a role the department changed is left as it is. */
static void test_migration_with_roles_already_there(void **state)
{
    char other[2048];
    PGconn *second = NULL;

    (void)state;
    pg_harness_exec_ok(db, "ALTER ROLE prevalence_reader LOGIN");
    second = pg_harness_fresh_db(other, sizeof other);
    pg_harness_exec_ok(db, "ALTER ROLE prevalence_reader NOLOGIN");
    assert_non_null(second);
    assert_int_equal(sec_long(second, "SELECT count(*) FROM schema_migrations WHERE name ="
                                      " '003_roles.sql'"), 1);
    assert_string_equal(sec_text(second, "SELECT tableowner FROM pg_tables"
                                         " WHERE tablename = 'responses'"), "prevalence_owner");
    PQfinish(second);
}

/* How docs/security.md sets up a shared server: a database owner with
 * CREATEROLE (not a superuser) runs `init`; the roles already exist. */
static void test_init_by_a_database_owner_not_superuser(void **state)
{
    char dbname[64], sql[256], info[2400];
    PGconn *as_dba = NULL;

    (void)state;
    snprintf(dbname, sizeof dbname, "dba_%d", test_no);
    pg_harness_exec_ok(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
                    " 't_dba') THEN CREATE ROLE t_dba LOGIN CREATEROLE; END IF; END $$");
    snprintf(sql, sizeof sql, "CREATE DATABASE %s OWNER t_dba", dbname);
    pg_harness_exec_ok(db, sql);
    snprintf(info, sizeof info, "%s dbname=%s", conninfo, dbname);
    {
        const char *argv[] = {"--db", sec_conninfo_as(info, "t_dba"), "init", NULL};
        sec_run(&run, dir, argv);
    }
    sec_expect_status(&run, 0);
    as_dba = sec_connect_as(info, "t_dba");
    assert_string_equal(sec_text(as_dba, "SELECT string_agg(DISTINCT tableowner, ',')"
                                         "  FROM pg_tables WHERE schemaname = 'public'"),
                        "prevalence_owner");
    assert_string_equal(sec_text(as_dba, "SELECT pg_has_role('t_dba', 'prevalence_owner',"
                                         " 'MEMBER')"), "t");
    PQfinish(as_dba);
}

/* Every object of the schema belongs to prevalence_owner, and no role has
 * more than sql/003_roles.sql grants: this is what catches a later
 * migration that forgets its ALTER ... OWNER and GRANTs. */
static void test_every_object_owned_and_granted_as_documented(void **state)
{
    (void)state;
    assert_string_equal(sec_text(db,
        "SELECT coalesce(string_agg(c.relname, ', '), '') FROM pg_class c"
        "  JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')"
        "   AND pg_get_userbyid(c.relowner) <> 'prevalence_owner'"), "");
    assert_string_equal(sec_text(db,
        "SELECT coalesce(string_agg(p.proname, ', '), '') FROM pg_proc p"
        "  JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'prevalence_owner'"),
        "");
    /* The reader: one view, read only. */
    assert_string_equal(sec_text(db,
        "SELECT coalesce(string_agg(c.relname, ', ' ORDER BY c.relname), '') FROM pg_class c"
        "  JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')"
        "   AND (has_any_column_privilege('prevalence_reader', c.oid,"
        "                                 'SELECT, INSERT, UPDATE, REFERENCES')"
        "        OR has_table_privilege('prevalence_reader', c.oid,"
        "                               'SELECT, INSERT, UPDATE, DELETE, TRUNCATE,"
        "                                REFERENCES, TRIGGER'))"),
        "published_county_estimates");
    assert_string_equal(sec_text(db,
        "SELECT has_table_privilege('prevalence_reader', 'published_county_estimates',"
        " 'INSERT, UPDATE, DELETE, TRUNCATE')"), "f");
    /* The analyst writes nothing anywhere. */
    assert_string_equal(sec_text(db,
        "SELECT coalesce(string_agg(c.relname, ', '), '') FROM pg_class c"
        "  JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')"
        "   AND (has_any_column_privilege('prevalence_analyst', c.oid, 'INSERT, UPDATE')"
        "        OR has_table_privilege('prevalence_analyst', c.oid,"
        "                               'INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER'))"), "");
    /* The collector never deletes, truncates or updates answers. */
    assert_string_equal(sec_text(db,
        "SELECT coalesce(string_agg(c.relname, ', '), '') FROM pg_class c"
        "  JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')"
        "   AND has_table_privilege('prevalence_collector', c.oid, 'DELETE, TRUNCATE')"), "");
    assert_string_equal(sec_text(db,
        "SELECT has_any_column_privilege('prevalence_collector', 'responses', 'UPDATE')"
        "    OR has_any_column_privilege('prevalence_collector', 'frames', 'UPDATE')"), "f");
    /* Provenance is written by SECURITY DEFINER functions only (004). */
    assert_string_equal(sec_text(db,
        "SELECT has_any_column_privilege('prevalence_collector', 'batches', 'INSERT, UPDATE')"
        "    OR has_any_column_privilege('prevalence_collector', 'batch_scope',"
        "                                'INSERT, UPDATE')"), "f");
    /* Nothing in the schema is executable by PUBLIC. */
    assert_string_equal(sec_text(db,
        "SELECT coalesce(string_agg(p.proname, ', '), '') FROM pg_proc p"
        "  JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'public' AND has_function_privilege('prevalence_reader', p.oid,"
        "                                                        'EXECUTE')"), "");
}

static void test_reader_sees_only_the_published_tables(void **state)
{
    static const char *const denied[] = {
        "SELECT * FROM responses",
        "SELECT count(*) FROM responses",
        "SELECT respondent_id FROM responses",
        "SELECT * FROM frames",
        "SELECT * FROM batches",
        "SELECT * FROM batch_scope",
        "SELECT * FROM counties",
        "SELECT * FROM schema_migrations",
        "SELECT * FROM publications",
        "SELECT * FROM published_estimates",
        "SELECT * FROM response_integrity",
        "SELECT * FROM collector_counties",
        "COPY responses TO STDOUT",
        "INSERT INTO published_estimates SELECT * FROM published_estimates",
        "UPDATE publications SET superseded = true",
        "DELETE FROM publications",
        "SELECT prevalence_supersede('responses', ARRAY[1::bigint], 1)",
        "CREATE TABLE mine (x int)",
    };
    PGconn *reader = NULL;
    char out_dir[1200], csv[1300], line[512];
    FILE *fp = NULL;
    long rows = 0;

    (void)state;
    load_sample_2025();
    RUN_AS("t_owner", "publish", "--year", "2025");
    sec_expect_status(&run, 0);
    reader = sec_connect_as(conninfo, "t_reader");
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        sec_expect_denied(reader, denied[i]);
    assert_int_equal(sec_long(reader, "SELECT count(*) FROM published_county_estimates"
                                      " WHERE survey_year = 2025"), 32);

    /* What the reader sees is the report's table, cell for cell. */
    snprintf(out_dir, sizeof out_dir, "%s/report", dir);
    RUN_AS("t_analyst", "report", "--year", "2025", "--out", out_dir);
    sec_expect_status(&run, 0);
    for (int t = 0; t < 2; t++) {
        static const char *const tables[] = {"county_estimates", "officer_measure"};
        snprintf(csv, sizeof csv, "%s/tables/%s_2025.csv", out_dir, tables[t]);
        assert_non_null(fp = fopen(csv, "r"));
        assert_non_null(fgets(line, sizeof line, fp));
        rows = 0;
        while (fgets(line, sizeof line, fp) != NULL) {
            char sql[1024];
            line[strcspn(line, "\r\n")] = '\0';
            /* the stand-alone columns survey_year, measure, level come
             * last; the published rows hold the table's own columns */
            for (int k = 0; k < 3; k++) {
                char *comma = strrchr(line, ',');
                assert_non_null(comma);
                *comma = '\0';
            }
            rows++;
            /* Published cells hold no quote or comma (counties and numbers);
             * concat_ws skips the model-based columns where they are NULL,
             * as the CSV leaves them out. */
            snprintf(sql, sizeof sql,
                     "SELECT concat_ws(',', county, fips, respondents, officers_total,"
                     " coverage_pct, youth_n, cases, estimate_pct, ci_low_pct, ci_high_pct,"
                     " total_estimate, total_ci_low, total_ci_high, flag, notes,"
                     " sae_estimate_pct, sae_ci_low_pct, sae_ci_high_pct, sae_flag)"
                     "  FROM published_county_estimates WHERE survey_year = 2025"
                     "   AND table_name = '%s' AND row_number = %ld", tables[t], rows);
            assert_string_equal(sec_text(reader, sql), line);
        }
        fclose(fp);
        assert_int_equal(rows, 16);
    }

    /* No command of the tool works for the reader. */
    RUN_AS("t_reader", "estimate", "--year", "2025");
    sec_expect_status(&run, 77);
    sec_expect_err(&run, "SQLSTATE 42501");
    PQfinish(reader);
}

static void test_publish_again_supersedes(void **state)
{
    PGconn *reader = NULL, *squatter = NULL;

    (void)state;
    load_sample_2025();
    /* A reader holding the advisory lock publish once took cannot stall a
     * publication (lock_timeout turns a wait into a failure here). */
    squatter = sec_connect_as(conninfo, "t_reader");
    assert_string_equal(sec_text(squatter, "SELECT pg_advisory_lock(4242003, 2025)::text"), "");
    setenv("PGOPTIONS", "-c lock_timeout=5s", 1);
    RUN_AS("t_owner", "publish", "--year", "2025");
    unsetenv("PGOPTIONS");
    PQfinish(squatter);
    sec_expect_status(&run, 0);
    assert_string_equal(run.out, "1\n");
    /* and a reader cannot take the lock publish takes */
    reader = sec_connect_as(conninfo, "t_reader");
    PQclear(PQexec(reader, "BEGIN"));
    assert_string_equal(sec_sqlstate(reader, "LOCK TABLE publications IN SHARE ROW EXCLUSIVE MODE"),
                        "42501");
    PQfinish(reader);
    reader = NULL;
    RUN_AS("t_owner", "publish", "--year", "2025", "--min-cell", "5");
    sec_expect_status(&run, 0);
    assert_string_equal(run.out, "2\n");
    assert_int_equal(sec_long(db, "SELECT count(*) FROM publications WHERE superseded"), 1);
    reader = sec_connect_as(conninfo, "t_reader");
    assert_string_equal(sec_text(reader, "SELECT string_agg(DISTINCT min_cell::text, ',')"
                                         "  FROM published_county_estimates"), "5");
    PQfinish(reader);
    RUN_AS("t_owner", "publish", "--year", "2025", "--out", dir);
    sec_expect_status(&run, 64);
}

static void test_analyst_reads_and_writes_nothing(void **state)
{
    static const char *const denied[] = {
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload,"
        " confirmed, suspected) VALUES (1, 2025, '04019', 'X-1', 10, 0, 0)",
        "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) VALUES"
        " ('responses', repeat('a', 64), 'f.csv', 0, 'x')",
        "INSERT INTO frames (batch_id, survey_year, fips, officers_total, youth_total)"
        " VALUES (1, 2030, '04019', 1, 1)",
        "COPY responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) FROM STDIN",
        "UPDATE responses SET caseload = 0",
        "UPDATE responses SET active = false",
        "DELETE FROM responses",
        "TRUNCATE responses",
        "UPDATE batch_sums SET confirmed = 0",
        "DELETE FROM batch_sums",
        "SELECT prevalence_batch_sums_refresh(1)",
        "UPDATE batches SET file_name = 'x'",
        "DELETE FROM batches",
        "UPDATE frames SET youth_total = 0",
        "INSERT INTO publications (survey_year, measure, method, level, lonely_psu, min_cell,"
        " data_as_of, tool_version) VALUES (2025, 'confirmed', 'wald', 0.9, 'adjust', 1,"
        " 'x', 'x')",
        "DELETE FROM published_estimates",
        "INSERT INTO collector_counties VALUES ('t_analyst', '04019')",
        "SELECT prevalence_supersede('responses', ARRAY[1::bigint], 1)",
        "CREATE TABLE mine (x int)",
        "ALTER TABLE responses ADD COLUMN name text",
        "DROP TABLE responses",
    };
    PGconn *analyst = NULL;
    char before[2048], out_dir[1200];

    (void)state;
    load_sample_2025();
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    analyst = sec_connect_as(conninfo, "t_analyst");
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        sec_expect_denied(analyst, denied[i]);
    assert_int_equal(sec_long(analyst, "SELECT sum(caseload) FROM responses WHERE active") > 0,
                     1);
    assert_int_equal(sec_long(analyst, "SELECT count(*) FROM frames"), 15);
    pg_harness_exec_ok(analyst, "SELECT * FROM batches, batch_scope LIMIT 1");

    RUN_AS("t_analyst", "estimate", "--year", "2025");
    sec_expect_status(&run, 0);
    snprintf(out_dir, sizeof out_dir, "%s/report", dir);
    RUN_AS("t_analyst", "report", "--year", "2025", "--out", out_dir);
    sec_expect_status(&run, 0);
    snprintf(out_dir, sizeof out_dir, "%s/bundle", dir);
    RUN_AS("t_analyst", "export", "--year", "2025", "--out", out_dir);
    sec_expect_status(&run, 0);
    RUN_AS("t_analyst", "batches");
    sec_expect_status(&run, 0);
    RUN_AS("t_analyst", "status", "--year", "2025");
    sec_expect_status(&run, 0);
    RUN_AS("t_analyst", "check", "responses", sec_sample_path("2024/responses-pima.csv"));
    sec_expect_status(&run, 0);
    RUN_AS("t_analyst", "load", "responses", sec_sample_path("2024/responses-pima.csv"));
    sec_expect_status(&run, 77);
    sec_expect_err(&run, "SQLSTATE 42501");
    RUN_AS("t_analyst", "publish", "--year", "2025");
    sec_expect_status(&run, 77);
    RUN_AS("t_analyst", "init");
    sec_expect_status(&run, 77);
    assert_string_equal(sec_db_fingerprint(db), before);
    PQfinish(analyst);
}

static void test_collector_loads_but_cannot_change_or_read_answers(void **state)
{
    static const char *const denied[] = {
        "SELECT * FROM responses",
        "SELECT caseload FROM responses",
        "SELECT confirmed, suspected FROM responses",
        "SELECT role FROM responses",
        "COPY responses TO STDOUT",
        /* sums of answers are answers (sql/008_batch_sums.sql) */
        "SELECT * FROM batch_sums",
        "SELECT sum(confirmed) FROM batch_sums",
        "SELECT * FROM prevalence_batch_sums_from_rows(NULL)",
        "SELECT prevalence_batch_sums_refresh(1)",
        "UPDATE batch_sums SET confirmed = 0",
        "UPDATE responses SET active = false",
        "UPDATE responses SET caseload = 0 WHERE respondent_id = 'PIM-2025-0001'",
        "DELETE FROM responses",
        "DELETE FROM responses WHERE fips = '04019'",
        "TRUNCATE responses",
        "UPDATE frames SET active = false",
        "DELETE FROM frames",
        "DELETE FROM batches",
        "UPDATE batches SET file_name = 'other.csv'",
        "UPDATE batches SET superseded = true, superseded_by = batch_id",
        /* Batches are opened and finished by the functions of
         * sql/004_collector_rules.sql only. */
        "UPDATE batches SET row_count = 0 WHERE batch_id = 1",
        /* Superseding in favour of a batch it did not just open. */
        "SELECT prevalence_supersede('responses', ARRAY[1::bigint], 2)",
        "INSERT INTO published_estimates SELECT * FROM published_estimates",
        "INSERT INTO collector_counties VALUES ('t_collector', '04019')",
        "SELECT * FROM published_county_estimates",
        "CREATE TABLE mine (x int)",
    };
    PGconn *collector = NULL;
    char before[2048];

    (void)state;
    load_sample_2025();
    /* check reads the loaded respondents through the columns it may see. */
    RUN_AS("t_collector", "check", "responses", corrected_pima());
    sec_expect_status(&run, 65);
    sec_expect_err(&run, "already loaded");
    RUN_AS("t_collector", "check", "--replace", "responses", corrected_pima());
    sec_expect_status(&run, 0);
    RUN_AS("t_collector", "batches");
    sec_expect_status(&run, 0);
    RUN_AS("t_collector", "status", "--year", "2025");
    sec_expect_status(&run, 0);

    collector = sec_connect_as(conninfo, "t_collector");
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        sec_expect_denied(collector, denied[i]);
    assert_string_equal(sec_db_fingerprint(db), before);
    /* What the "once per year" check needs, and provenance. */
    assert_int_equal(sec_long(collector, "SELECT count(respondent_id) FROM responses"
                                         " WHERE active AND fips = '04019'"),
                     sec_long(db, "SELECT count(*) FROM responses WHERE fips = '04019'"));
    pg_harness_exec_ok(collector, "SELECT batch_id, sha256, file_name FROM batches");

    /* --replace retires through prevalence_supersede: the old rows stay,
     * inactive, and the old batch names its successor. */
    RUN_AS("t_collector", "load", "--replace", "responses", corrected_pima());
    sec_expect_status(&run, 0);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches WHERE superseded"), 1);
    assert_int_equal(sec_long(db, "SELECT caseload FROM responses WHERE active AND"
                                  " respondent_id = 'PIM-2025-0001'"), 39);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM responses WHERE NOT active AND"
                                  " respondent_id = 'PIM-2025-0001' AND caseload = 40"), 1);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM response_integrity"), 0);

    RUN_AS("t_collector", "estimate", "--year", "2025");
    sec_expect_status(&run, 77);
    RUN_AS("t_collector", "publish", "--year", "2025");
    sec_expect_status(&run, 77);
    PQfinish(collector);
}

/* collector_counties: a county's login loads its own county only. */
static void test_collector_county_scope(void **state)
{
    char before[2048];

    (void)state;
    pg_harness_exec_ok(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
                    " 't_pima') THEN CREATE ROLE t_pima LOGIN IN ROLE prevalence_collector;"
                    " END IF; END $$");
    /* The checks exist only while someone is scoped (they cost a load
     * some 10-15%). */
    assert_int_equal(sec_long(db, "SELECT count(*) FROM pg_trigger"
                                  " WHERE tgname LIKE '%county_scope'"), 0);
    pg_harness_exec_ok(db, "INSERT INTO collector_counties VALUES ('t_pima', '04019')");
    assert_int_equal(sec_long(db, "SELECT count(*) FROM pg_trigger"
                                  " WHERE tgname LIKE '%county_scope'"), 3);
    RUN_AS("t_pima", "load", "responses", sec_sample_path("2025/responses-pima.csv"));
    sec_expect_status(&run, 0);
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    RUN_AS("t_pima", "load", "responses", sec_sample_path("2025/responses-maricopa.csv"));
    sec_expect_status(&run, 77);
    sec_expect_err(&run, "t_pima may load only counties 04019, not 04013");
    RUN_AS("t_pima", "load", "frame", sec_sample_path("2025/frame.csv"));
    sec_expect_status(&run, 77);
    assert_string_equal(sec_db_fingerprint(db), before);
    /* An unscoped collector loads any county. */
    RUN_AS("t_collector", "load", "responses", sec_sample_path("2025/responses-maricopa.csv"));
    sec_expect_status(&run, 0);
    /* Only the owner changes the scopes; the last one gone, so are the checks. */
    {
        PGconn *pima = sec_connect_as(conninfo, "t_pima");
        sec_expect_denied(pima, "DELETE FROM collector_counties");
        sec_expect_denied(pima, "SELECT prevalence_county_scope_sync()");
        PQfinish(pima);
    }
    pg_harness_exec_ok(db, "DELETE FROM collector_counties");
    assert_int_equal(sec_long(db, "SELECT count(*) FROM pg_trigger"
                                  " WHERE tgname LIKE '%county_scope'"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roles_nologin_without_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_with_roles_already_there, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_init_by_a_database_owner_not_superuser, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_every_object_owned_and_granted_as_documented,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_sees_only_the_published_tables, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_publish_again_supersedes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyst_reads_and_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collector_loads_but_cannot_change_or_read_answers,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_collector_county_scope, setup, teardown),
    };
    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
