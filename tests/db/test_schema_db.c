/* The schema against a real PostgreSQL: migrations are idempotent and the
 * CHECK constraints and uniqueness rules mirror the collector's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "pg_harness.h"

/* Run sql; return its SQLSTATE ("" on success). */
static const char *sqlstate(PGconn *c, const char *sql, char buf[6])
{
    PGresult *res = PQexec(c, sql);
    const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    snprintf(buf, 6, "%s", st != NULL ? st : "");
    PQclear(res);
    return buf;
}

static void test_migrate_is_idempotent(void **state)
{
    char conninfo[1400];
    struct prev_error err;
    int applied = -1, total = -1;
    PGconn *c = pg_harness_empty_db(conninfo, sizeof conninfo);
    (void)state;

    assert_non_null(c);
    assert_int_equal(db_require_schema(c, &err), 69);
    assert_int_equal(db_migrate(c, false, &applied, &total, &err), 0);
    assert_true(applied >= 1);
    assert_int_equal(applied, total);
    assert_int_equal(db_migrate(c, false, &applied, &total, &err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(db_require_schema(c, &err), 0);
    PQfinish(c);
}

static void test_counties_are_the_fifteen(void **state)
{
    char conninfo[1400];
    PGconn *c = pg_harness_fresh_db(conninfo, sizeof conninfo);
    PGresult *res;
    (void)state;

    assert_non_null(c);
    res = PQexec(c, "SELECT count(*), min(fips), max(fips), "
                    "bool_and(name IN ('La Paz','Santa Cruz') OR name !~ ' ') FROM counties");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_string_equal(PQgetvalue(res, 0, 0), "15");
    assert_string_equal(PQgetvalue(res, 0, 1), "04001");
    assert_string_equal(PQgetvalue(res, 0, 2), "04027");
    PQclear(res);
    PQfinish(c);
}

static void test_constraints_mirror_validation(void **state)
{
    char conninfo[1400], st[6];
    PGconn *c = pg_harness_fresh_db(conninfo, sizeof conninfo);
    (void)state;

    assert_non_null(c);
    assert_string_equal(sqlstate(c,
        "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) VALUES "
        "('responses', repeat('a', 64), 'f.csv', 1, 't')", st), "");
    /* A good row. */
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) VALUES (1, 2025, '04013', 'MAR-1', 30, 2, 1)", st), "");
    /* confirmed + suspected > caseload */
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) VALUES (1, 2025, '04013', 'MAR-2', 3, 2, 2)", st), "23514");
    /* negative count, bad year, bad role, bad respondent code */
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) VALUES (1, 2025, '04013', 'MAR-3', 3, -1, 0)", st), "23514");
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) VALUES (1, 1999, '04013', 'MAR-4', 3, 0, 0)", st), "23514");
    /* Since sql/002_collector.sql the rules below are the collector's to
     * enforce (per-row foreign keys, regex and unique index made COPY 12x
     * slower, docs/performance.md): the database accepts such rows from
     * anyone bypassing the collector, and response_integrity lists them. */
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, role, caseload,"
        " confirmed, suspected) VALUES (1, 2025, '04013', 'MAR-5', 'judge', 3, 0, 0)", st),
        "");
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) VALUES (1, 2025, '04013', 'a@b.com', 3, 0, 0)", st), "");
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) VALUES (1, 2025, '04099', 'MAR-6', 3, 0, 0)", st), "");
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected) VALUES (1, 2025, '04019', 'MAR-1', 3, 0, 0)", st), "");
    {
        PGresult *res = PQexec(c, "SELECT string_agg(respondent_id || ': ' || problem, '; ' "
                                  "ORDER BY respondent_id, problem) FROM response_integrity");
        assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
        assert_string_equal(PQgetvalue(res, 0, 0),
                            "MAR-1: respondent listed more than once among active batches; "
                            "MAR-5: respondent_id is not a pseudonymous code, or role is "
                            "unknown; MAR-6: fips names no county; a@b.com: respondent_id is "
                            "not a pseudonymous code, or role is unknown");
        PQclear(res);
    }
    /* an inactive (superseded) copy may stay on record */
    assert_string_equal(sqlstate(c,
        "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, caseload, confirmed,"
        " suspected, active) VALUES (1, 2025, '04013', 'MAR-1', 3, 0, 0, false)", st), "");
    /* the same bytes are one active batch at most */
    assert_string_equal(sqlstate(c,
        "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) VALUES "
        "('responses', repeat('a', 64), 'g.csv', 1, 't')", st), "23505");
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_is_idempotent),
        cmocka_unit_test(test_counties_are_the_fifteen),
        cmocka_unit_test(test_constraints_mirror_validation),
    };
    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
