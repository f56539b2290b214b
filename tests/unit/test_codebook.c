/* Codebook v1 tables: counties, columns, roles. The county list is kept in
 * C for offline checks; this test holds it to sql/001_init.sql. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codebook.h"

static void test_codebook_counties_match_schema(void **state)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[4096], line[256];
    FILE *fp;
    int found = 0;
    (void)state;

    assert_non_null(src);
    snprintf(path, sizeof path, "%s/sql/001_init.sql", src);
    fp = fopen(path, "r");
    assert_non_null(fp);
    /* lines like:    ('04001', 'Apache'), */
    while (fgets(line, sizeof line, fp) != NULL) {
        char fips[8], name[64];
        int idx;
        if (sscanf(line, " ('%5[0-9]', '%63[^']')", fips, name) != 2)
            continue;
        idx = col_county_by_fips(fips);
        if (idx < 0)
            fail_msg("county %s %s of the schema is missing from the codebook", fips, name);
        assert_string_equal(col_counties[idx].name, name);
        found++;
    }
    fclose(fp);
    assert_int_equal(found, COL_NCOUNTIES);
}

static void test_codebook_county_lookup(void **state)
{
    (void)state;
    assert_int_equal(col_county_find("Maricopa"), col_county_by_fips("04013"));
    assert_int_equal(col_county_find("  mARICOPA\t"), col_county_by_fips("04013"));
    assert_int_equal(col_county_find("04013"), col_county_by_fips("04013"));
    assert_int_equal(col_county_find("Santa Cruz"), col_county_by_fips("04023"));
    assert_int_equal(col_county_find("Santa  Cruz"), -1);
    assert_int_equal(col_county_find("Maricopa County"), -1);
    assert_int_equal(col_county_find("04014"), -1);
    /* a name pasted with Excel's non-breaking space, in capitals */
    assert_int_equal(col_county_find("PIMA\xC2\xA0"), 10);
    assert_int_equal(col_county_find(""), -1);
}

static void test_codebook_roles(void **state)
{
    enum col_role r;
    (void)state;
    assert_true(col_role_parse("", &r));
    assert_int_equal(r, COL_ROLE_PROBATION_OFFICER);
    assert_true(col_role_parse(" Supervisor ", &r));
    assert_int_equal(r, COL_ROLE_SUPERVISOR);
    assert_true(col_role_parse("OTHER", &r));
    assert_int_equal(r, COL_ROLE_OTHER);
    /* its label as a person types it (issue #17) */
    assert_true(col_role_parse("probation officer", &r));
    assert_int_equal(r, COL_ROLE_PROBATION_OFFICER);
    assert_true(col_role_parse(" Probation-Officer ", &r));
    assert_int_equal(r, COL_ROLE_PROBATION_OFFICER);
    assert_true(col_role_parse("SUPERVISOR", &r));
    assert_int_equal(r, COL_ROLE_SUPERVISOR);
    assert_false(col_role_parse("probation", &r));
    assert_false(col_role_parse("probationofficer", &r));
    assert_false(col_role_parse("officer", &r));
    assert_string_equal(col_role_name(COL_ROLE_PROBATION_OFFICER), "probation_officer");
}

static void test_codebook_kinds_and_columns(void **state)
{
    enum col_kind k;
    size_t n;
    const enum col_column *cols;
    (void)state;

    assert_true(col_kind_parse("responses", &k));
    assert_int_equal(k, COL_KIND_RESPONSES);
    assert_true(col_kind_parse("frame", &k));
    assert_int_equal(k, COL_KIND_FRAME);
    assert_false(col_kind_parse("Responses", &k));
    cols = col_kind_columns(COL_KIND_RESPONSES, &n);
    assert_int_equal(n, 7);
    assert_string_equal(col_column_name(cols[3]), "role");
    assert_false(col_column_required(COL_KIND_RESPONSES, COL_ROLE));
    assert_true(col_column_required(COL_KIND_RESPONSES, COL_SUSPECTED));
    assert_false(col_column_required(COL_KIND_RESPONSES, COL_YOUTH_TOTAL));
    cols = col_kind_columns(COL_KIND_FRAME, &n);
    assert_int_equal(n, 4);
    assert_true(col_column_required(COL_KIND_FRAME, COL_OFFICERS_TOTAL));
}

static void test_codebook_display_cuts_at_character(void **state)
{
    char out[8];
    (void)state;
    /* "ééé" is 6 bytes; 8 bytes of room leave "é..." (5 bytes) at most */
    col_display("\xC3\xA9\xC3\xA9\xC3\xA9", 6, false, out, sizeof out);
    assert_string_equal(out, "\xC3\xA9...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codebook_counties_match_schema),
        cmocka_unit_test(test_codebook_county_lookup),
        cmocka_unit_test(test_codebook_roles),
        cmocka_unit_test(test_codebook_kinds_and_columns),
        cmocka_unit_test(test_codebook_display_cuts_at_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
