/* Row rules of codebook v1 and the messages a county specialist reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codebook.h"
#include "validate.h"

/* A row built from string literals. */
struct test_row {
    struct col_csv_row row;
    const char *value[32];
    size_t len[32];
    unsigned char flags[32];
};

static const struct col_csv_row *make_row(struct test_row *t, const char *csv_fields)
{
    /* fields separated by '|', for readability of the tests */
    static char buf[8][512];
    static int which;
    char *b = buf[which++ % 8];
    size_t n = 0;

    snprintf(b, 512, "%s", csv_fields);
    memset(t, 0, sizeof *t);
    for (char *p = b, *f = b;; p++) {
        if (*p == '|' || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            t->value[n] = f;
            t->len[n] = strlen(f);
            n++;
            f = p + 1;
            if (end)
                break;
        }
    }
    t->row.line = 2;
    t->row.nfields = n;
    t->row.value = t->value;
    t->row.len = t->len;
    t->row.flags = t->flags;
    return &t->row;
}

static void map_header(struct col_header *h, enum col_kind kind, const char *fields)
{
    struct test_row t;
    assert_true(col_header_map(kind, make_row(&t, fields), NULL, 0, h));
}

/* The messages of a row, joined "column: msg\n". */
static const char *validate(const struct col_header *h, const char *fields,
                            struct col_record *rec, bool *ok)
{
    static char out[4096];
    struct test_row t;
    struct col_problems p;
    size_t o = 0;

    col_problems_clear(&p);
    *ok = col_validate_row(h, make_row(&t, fields), rec, &p);
    out[0] = '\0';
    for (size_t i = 0; i < p.n; i++)
        o += (size_t)snprintf(out + o, sizeof out - o, "%s: %s\n",
                              p.item[i].column < COL_NCOLUMNS
                                  ? col_column_name(p.item[i].column) : "-",
                              p.item[i].msg);
    return out;
}

static const char *RESP_HDR =
    "survey_year|county|respondent_id|role|caseload|confirmed|suspected";

static void test_validate_good_response(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    assert_string_equal(validate(&h, "2025|Pima|PO-17|supervisor|40|2|3", &r, &ok), "");
    assert_true(ok);
    assert_int_equal(r.survey_year, 2025);
    assert_string_equal(col_counties[r.county].fips, "04019");
    assert_string_equal(r.respondent_id, "PO-17");
    assert_int_equal(r.role, COL_ROLE_SUPERVISOR);
    assert_int_equal(r.caseload, 40);
    assert_int_equal(r.confirmed, 2);
    assert_int_equal(r.suspected, 3);
}

static void test_validate_county_forms(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    validate(&h, "2025| la paz |A1|other|1|0|0", &r, &ok);
    assert_true(ok);
    assert_string_equal(col_counties[r.county].fips, "04012");
    validate(&h, "2025|SANTA CRUZ|A1||1|0|0", &r, &ok);
    assert_true(ok);
    assert_string_equal(col_counties[r.county].fips, "04023");
    assert_int_equal(r.role, COL_ROLE_PROBATION_OFFICER);
    validate(&h, "2025|04027|A1||1|0|0", &r, &ok);
    assert_true(ok);
    assert_string_equal(col_counties[r.county].name, "Yuma");
    assert_string_equal(validate(&h, "2025|LaPaz|A1||1|0|0", &r, &ok),
                        "county: county is not an Arizona county (found 5 characters: letters); "
                        "write its name (such as Maricopa or La Paz) or its 5-digit FIPS code "
                        "(04001 to 04027)\n");
    assert_false(ok);
    validate(&h, "2025|04002|A1||1|0|0", &r, &ok);   /* not a county code */
    assert_false(ok);
    validate(&h, "2025|4013|A1||1|0|0", &r, &ok);    /* FIPS needs 5 digits */
    assert_false(ok);
}

static void test_validate_reports_every_problem(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    assert_string_equal(
        validate(&h, "1999|Nowhere|PO 17|judge|1001|-1|x", &r, &ok),
        "survey_year: survey_year must be a year from 2000 to 2100 (found 4 characters: "
        "digits)\n"
        "county: county is not an Arizona county (found 7 characters: letters); write its "
        "name (such as Maricopa or La Paz) or its 5-digit FIPS code (04001 to 04027)\n"
        "respondent_id: respondent_id may hold only letters A-Z, digits, '_' and '-' (the "
        "value is not shown)\n"
        "role: role is not one of the codebook's roles (found 5 characters: letters); write "
        "probation_officer, supervisor or other (or leave it empty for probation_officer)\n"
        "caseload: caseload must be a whole number from 0 to 1000 (found 4 characters: "
        "digits)\n"
        "confirmed: confirmed must be a whole number from 0 to the caseload (found 2 "
        "characters: digits and other symbols)\n"
        "suspected: suspected must be a whole number from 0 to the caseload (found 1 "
        "character: letters)\n");
    assert_false(ok);
}

static void test_validate_confirmed_plus_suspected(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    assert_string_equal(validate(&h, "2025|Pima|A1||10|6|5", &r, &ok),
                        "suspected: confirmed + suspected (6 + 5 = 11) is more than the "
                        "caseload (10)\n");
    assert_false(ok);
    assert_string_equal(validate(&h, "2025|Pima|A1||12|14|0", &r, &ok),
                        "confirmed: confirmed (14) is more than the caseload (12)\n");
    assert_false(ok);
    validate(&h, "2025|Pima|A1||11|6|5", &r, &ok);
    assert_true(ok);
    validate(&h, "2025|Pima|A1||0|0|0", &r, &ok);
    assert_true(ok);
}

static void test_validate_empty_and_strict_numbers(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    assert_string_equal(validate(&h, "2025|Pima|A1||  |1.0|0x1", &r, &ok),
                        "caseload: caseload is empty\n"
                        "confirmed: confirmed must be a whole number from 0 to the caseload "
                        "(found 3 characters: digits and other symbols)\n"
                        "suspected: suspected must be a whole number from 0 to the caseload "
                        "(found 3 characters: letters and digits)\n");
    assert_false(ok);
}

static void test_validate_ragged_row_one_message(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    assert_string_equal(validate(&h, "2025|Pima|A1||10|1|0|extra", &r, &ok),
                        "-: row has 8 fields but the header has 7; is a comma missing, or a "
                        "value with a comma not in quotes?\n");
    assert_false(ok);
}

static void test_validate_firewall_never_echoes(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    const char *msg;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    msg = validate(&h, "2025|Pima|602-555-0123||10|1|0", &r, &ok);
    assert_false(ok);
    assert_string_equal(msg, "respondent_id: respondent_id looks like a phone number (10 "
                             "digits), which identifies a person; replace it with the "
                             "pseudonymous code (the value is not shown)\n");
    msg = validate(&h, "2025|Pima|jo@example.org||10|1|0", &r, &ok);
    assert_null(strstr(msg, "jo@example"));
    assert_non_null(strstr(msg, "e-mail address"));
    msg = validate(&h, "2025|Pima|123-45-6789||10|1|0", &r, &ok);
    assert_non_null(strstr(msg, "Social Security number"));
    msg = validate(&h, "2025|Pima|2011-04-05||10|1|0", &r, &ok);
    assert_non_null(strstr(msg, "looks like a date"));
    /* a phone number in a numeric column is not repeated either */
    msg = validate(&h, "2025|Pima|A1||602-555-0123|1|0", &r, &ok);
    assert_null(strstr(msg, "555"));
    assert_non_null(strstr(msg, "(found 12 characters: digits and other symbols)"));
}

static void test_validate_unreadable_fields(void **state)
{
    struct col_header h;
    struct test_row t;
    struct col_problems p;
    struct col_record r;
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    make_row(&t, "2025|Pima|A1||10|1|0");
    t.flags[1] = COL_FIELD_BAD_UTF8;
    t.flags[4] = COL_FIELD_NUL;
    col_problems_clear(&p);
    assert_false(col_validate_row(&h, &t.row, &r, &p));
    assert_int_equal(p.n, 2);
    assert_string_equal(p.item[0].msg,
                        "county is not valid UTF-8 text (save the file as 'CSV UTF-8')");
    assert_string_equal(p.item[1].msg, "caseload holds a NUL byte (was the file saved as "
                                       "UTF-16? save it as 'CSV UTF-8')");
}

static void test_validate_respondent_id_length(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    char row[200];
    (void)state;

    map_header(&h, COL_KIND_RESPONSES, RESP_HDR);
    snprintf(row, sizeof row, "2025|Pima|%064d||1|0|0", 7);
    validate(&h, row, &r, &ok);
    assert_true(ok);
    snprintf(row, sizeof row, "2025|Pima|%065d||1|0|0", 7);
    assert_string_equal(validate(&h, row, &r, &ok),
                        "respondent_id: respondent_id is longer than 64 characters\n");
}

static void test_validate_frame_rows(void **state)
{
    struct col_header h;
    struct col_record r;
    bool ok;
    (void)state;

    map_header(&h, COL_KIND_FRAME, "county|survey_year|youth_total|officers_total");
    assert_string_equal(validate(&h, "Yuma|2025|900|31", &r, &ok), "");
    assert_true(ok);
    assert_int_equal(r.officers_total, 31);
    assert_int_equal(r.youth_total, 900);
    /* messages come in codebook order, whatever the header's order */
    assert_string_equal(validate(&h, "Yuma|2025|-1|0", &r, &ok),
                        "officers_total: officers_total must be a whole number from 1 to "
                        "100000 (found 1 character: digits)\n"
                        "youth_total: youth_total must be a whole number from 0 to 10000000 "
                        "(found 2 characters: digits and other symbols)\n");
}

static void test_header_map_any_order_and_case(void **state)
{
    struct col_header h;
    struct test_row t;
    (void)state;

    assert_true(col_header_map(COL_KIND_RESPONSES,
                               make_row(&t, " Suspected |CONFIRMED|caseload|Respondent_ID|"
                                            "county|Survey_Year"),
                               NULL, 0, &h));
    assert_int_equal(h.field_of[COL_SUSPECTED], 0);
    assert_int_equal(h.field_of[COL_SURVEY_YEAR], 5);
    assert_int_equal(h.field_of[COL_ROLE], -1);
}

static void test_header_map_issues(void **state)
{
    struct col_header h;
    struct test_row t;
    const char *ignore[] = {" NOTES "};
    (void)state;

    assert_false(col_header_map(COL_KIND_RESPONSES,
                                make_row(&t, "survey year|county|respondent_id|county|"
                                             "caseload|confirmed|extra|"),
                                NULL, 0, &h));
    assert_int_equal(h.nissues, 6);
    assert_int_equal(h.issue[0].problem, COL_HDR_UNKNOWN);
    assert_string_equal(h.issue[0].suggestion, "survey_year");
    assert_int_equal(h.issue[1].problem, COL_HDR_DUPLICATE);
    assert_int_equal(h.issue[1].first_field, 1);
    assert_int_equal(h.issue[1].field, 3);
    assert_int_equal(h.issue[2].problem, COL_HDR_UNKNOWN);
    assert_string_equal(h.display[h.issue[2].field], "extra");
    assert_int_equal(h.issue[3].problem, COL_HDR_EMPTY_NAME);
    assert_int_equal(h.issue[4].problem, COL_HDR_MISSING);
    assert_int_equal(h.issue[4].column, COL_SURVEY_YEAR);
    assert_int_equal(h.issue[5].problem, COL_HDR_MISSING);
    assert_int_equal(h.issue[5].column, COL_SUSPECTED);
    /* an ignored column is skipped, whatever its case and spaces */
    assert_true(col_header_map(COL_KIND_FRAME,
                               make_row(&t, "survey_year|county|notes|officers_total|"
                                            "youth_total"),
                               ignore, 1, &h));
    assert_int_equal(h.column_of[2], -1);
}

static void test_header_missing_lists_all(void **state)
{
    struct col_header h;
    struct test_row t;
    (void)state;

    assert_false(col_header_map(COL_KIND_RESPONSES, make_row(&t, "county|role"), NULL, 0, &h));
    assert_int_equal(h.nissues, 5);
    for (size_t i = 0; i < h.nissues; i++)
        assert_int_equal(h.issue[i].problem, COL_HDR_MISSING);
    assert_int_equal(h.issue[0].column, COL_SURVEY_YEAR);
    assert_int_equal(h.issue[4].column, COL_SUSPECTED);
}

/* A bad value is described by its shape, never quoted (issue #13). */
static void test_describe_value_shape_only(void **state)
{
    char out[96];
    char long_value[200];
    (void)state;

    col_describe_value("John Smith", 10, 0, out, sizeof out);
    assert_string_equal(out, "10 characters: letters and a space");
    col_describe_value("Maria Gonzalez 602 555 0143", 27, 0, out, sizeof out);
    assert_string_equal(out, "27 characters: letters, digits and spaces");
    col_describe_value("DOB 04/17/2009", 14, 0, out, sizeof out);
    assert_string_equal(out, "14 characters: letters, digits, a space and other symbols");
    col_describe_value("7", 1, 0, out, sizeof out);
    assert_string_equal(out, "1 character: digits");
    col_describe_value("caf\xC3\xA9", 5, 0, out, sizeof out);
    assert_string_equal(out, "4 characters: letters");
    memset(long_value, 'z', sizeof long_value);
    col_describe_value(long_value, sizeof long_value, 0, out, sizeof out);
    assert_string_equal(out, "200 characters: letters");
    col_describe_value("caf\xE9", 4, COL_FIELD_BAD_UTF8, out, sizeof out);
    assert_string_equal(out, "not valid UTF-8 text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_good_response),
        cmocka_unit_test(test_validate_county_forms),
        cmocka_unit_test(test_validate_reports_every_problem),
        cmocka_unit_test(test_validate_confirmed_plus_suspected),
        cmocka_unit_test(test_validate_empty_and_strict_numbers),
        cmocka_unit_test(test_validate_ragged_row_one_message),
        cmocka_unit_test(test_validate_firewall_never_echoes),
        cmocka_unit_test(test_validate_unreadable_fields),
        cmocka_unit_test(test_validate_respondent_id_length),
        cmocka_unit_test(test_validate_frame_rows),
        cmocka_unit_test(test_header_map_any_order_and_case),
        cmocka_unit_test(test_header_map_issues),
        cmocka_unit_test(test_header_missing_lists_all),
        cmocka_unit_test(test_describe_value_shape_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
