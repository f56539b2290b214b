/* The privacy firewall: which column names and which values count as a
 * direct identifier. Both directions matter: a miss leaks a person, a
 * false alarm refuses a good file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codebook.h"
#include "firewall.h"

static enum col_pii value(const char *s)
{
    return col_firewall_value(s, strlen(s));
}

static void want_column(const char *name, enum col_pii want)
{
    enum col_pii got = col_firewall_column(name);
    if (got != want)
        fail_msg("column '%s': want %s, got %s", name, col_pii_describe(want),
                 col_pii_describe(got));
}

static void want_value(const char *s, enum col_pii want)
{
    enum col_pii got = value(s);
    if (got != want)
        fail_msg("value '%s': want %s, got %s", s, col_pii_describe(want),
                 col_pii_describe(got));
}

static void test_firewall_column_names_a_person(void **state)
{
    static const char *names[] = {
        "name", "Name", "NAME", " name ", "first_name", "First Name", "first-name",
        "FirstName", "last_name", "LAST NAME", "lastname", "surname", "full_name",
        "youth_name", "Officer Name", "respondentName", "middle_name", "nickname", "alias",
    };
    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        want_column(names[i], COL_PII_NAME);
}

static void test_firewall_column_direct_identifiers(void **state)
{
    (void)state;
    want_column("dob", COL_PII_BIRTH);
    want_column("DOB", COL_PII_BIRTH);
    want_column("date_of_birth", COL_PII_BIRTH);
    want_column("Date of Birth", COL_PII_BIRTH);
    want_column("birthdate", COL_PII_BIRTH);
    want_column("birth-date", COL_PII_BIRTH);
    want_column("youth_dob", COL_PII_BIRTH);
    want_column("ssn", COL_PII_SSN);
    want_column("SSN", COL_PII_SSN);
    want_column("social_security_number", COL_PII_SSN);
    want_column("address", COL_PII_ADDRESS);
    want_column("Home Address", COL_PII_ADDRESS);
    want_column("street", COL_PII_ADDRESS);
    want_column("street_address", COL_PII_ADDRESS);
    want_column("phone", COL_PII_PHONE);
    want_column("Phone Number", COL_PII_PHONE);
    want_column("telephone", COL_PII_PHONE);
    want_column("cell_phone", COL_PII_PHONE);
    want_column("email", COL_PII_EMAIL);
    want_column("E-mail", COL_PII_EMAIL);
    want_column("email_address", COL_PII_EMAIL);
    want_column("case_number", COL_PII_CASE_NUMBER);
    want_column("Case Number", COL_PII_CASE_NUMBER);
    want_column("case no", COL_PII_CASE_NUMBER);
    want_column("Case #", COL_PII_CASE_NUMBER);
    want_column("case_id", COL_PII_CASE_NUMBER);
}

static void test_firewall_codebook_columns_pass(void **state)
{
    (void)state;
    for (int c = 0; c < COL_NCOLUMNS; c++)
        want_column(col_column_name((enum col_column)c), COL_PII_NONE);
    want_column("county_name", COL_PII_NONE);
    want_column("notes", COL_PII_NONE);
    want_column("caseload_notes", COL_PII_NONE);
    want_column("", COL_PII_NONE);
}

static void test_firewall_value_email(void **state)
{
    (void)state;
    want_value("jane.doe@courts.az.gov", COL_PII_EMAIL);
    want_value("  a@b  ", COL_PII_EMAIL);
    want_value("@handle", COL_PII_NONE);
}

static void test_firewall_value_phone(void **state)
{
    (void)state;
    want_value("602-555-0123", COL_PII_PHONE);
    want_value("(602) 555-0123", COL_PII_PHONE);
    want_value("602.555.0123", COL_PII_PHONE);
    want_value("6025550123", COL_PII_PHONE);
    want_value("+1 602 555 0123", COL_PII_PHONE);
    want_value("1-602-555-0123", COL_PII_PHONE);
    want_value("555-0123", COL_PII_PHONE);
    /* not North American numbers, or plainly codes */
    want_value("0123456789", COL_PII_NONE);
    want_value("PO-602", COL_PII_NONE);
    want_value("123-4567", COL_PII_NONE);
}

static void test_firewall_value_ssn(void **state)
{
    (void)state;
    want_value("123-45-6789", COL_PII_SSN);
    want_value("123 45 6789", COL_PII_SSN);
    want_value("000-12-3456", COL_PII_SSN);     /* the shape is enough */
    want_value("123456789", COL_PII_SSN);
    /* nine digits that cannot be an SSN stay codes */
    want_value("000123456", COL_PII_NONE);
    want_value("666123456", COL_PII_NONE);
    want_value("912345678", COL_PII_NONE);
}

static void test_firewall_value_date(void **state)
{
    (void)state;
    want_value("2009-03-14", COL_PII_DATE);
    want_value("2009/3/14", COL_PII_DATE);
    want_value("03/14/2009", COL_PII_DATE);
    want_value("3/14/09", COL_PII_DATE);
    want_value("14.03.2009", COL_PII_DATE);
    want_value("20090314", COL_PII_DATE);
    want_value("14-Mar-2009", COL_PII_DATE);
    want_value("March 14 2009", COL_PII_DATE);
    want_value("Sept-14-2009", COL_PII_DATE);
    want_value("14Mar2010", COL_PII_DATE);
    want_value("mar.14.09", COL_PII_DATE);
    want_value("2010-Mar-14", COL_PII_DATE);
    /* near misses that are codes */
    want_value("2009-13-14", COL_PII_NONE);
    want_value("20091399", COL_PII_NONE);
    want_value("Decoy123", COL_PII_NONE);
    want_value("MAR-17", COL_PII_NONE);
    want_value("PO-2009-03", COL_PII_NONE);
    /* county-year-number codes whose county starts like a month */
    want_value("MAR-2025-0014", COL_PII_NONE);
    want_value("MAR-2025-14", COL_PII_NONE);
    want_value("Mar2024", COL_PII_NONE);
    want_value("MAR-14-2010-3", COL_PII_NONE);
}

static void test_firewall_value_codes_pass(void **state)
{
    static const char *codes[] = {
        "PO-0017", "R0000001", "pima_po_3", "A", "x-1", "2025-17", "17", "MAR17",
        "0000000001", "4242",
    };
    (void)state;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        want_value(codes[i], COL_PII_NONE);
    want_value("", COL_PII_NONE);
}

/* Respondent codes that are really identifiers (issue #13): each is
 * refused with the kind and a shape-only detail. */
static void test_firewall_code_refuses_identifiers(void **state)
{
    static const struct { const char *code; enum col_pii kind; const char *detail; } cases[] = {
        {"Maria_Gonzalez", COL_PII_NAME, "2 words"},
        {"JohnSmith7", COL_PII_NAME, "2 words"},
        {"JV2019-001234", COL_PII_CASE_NUMBER, "a court prefix and a number"},
        {"JV-12345", COL_PII_CASE_NUMBER, "a court prefix and a number"},
        {"DOB-2009-04-17", COL_PII_DATE, "a year, a month and a day"},
        {"ssn-123-45-6789", COL_PII_SSN, "9 digits in 3-2-4 groups"},
        {"tel-6025550143", COL_PII_PHONE, "10 digits"},
        {"602_555_0143", COL_PII_PHONE, "10 digits"},
        {"6025550143", COL_PII_PHONE, "10 digits"},
        {"1-602-555-0143", COL_PII_PHONE, "11 digits"},
        {"602-555-0143x12", COL_PII_PHONE, "10 digits and an extension"},
        {"602-555-0143-ext-12", COL_PII_PHONE, "10 digits and an extension"},
        {"555_0143", COL_PII_PHONE, "7 digits"},
        {"123-45-6789", COL_PII_SSN, "9 digits"},
        {"R-123456789", COL_PII_SSN, "9 digits"},
        {"123-Main-St-Tucson-AZ-85701", COL_PII_ADDRESS, "a house number and a street"},
        {"Tucson-AZ-85701", COL_PII_ADDRESS, "a state and a ZIP code"},
        {"17042009", COL_PII_DATE, "8 digits that read as a date"},
        {"R-20090417", COL_PII_DATE, "8 digits that read as a date"},
        {"2009_04_17", COL_PII_DATE, "a year, a month and a day"},
        {"04-17-09", COL_PII_DATE, "6 digits"},
        {"DOB-XK7", COL_PII_BIRTH, "it carries a label for one"},
        {"x@y", COL_PII_EMAIL, "an '@'"},
    };
    char detail[80];
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum col_pii got = col_firewall_code(cases[i].code, strlen(cases[i].code), detail,
                                             sizeof detail);
        if (got != cases[i].kind || strcmp(detail, cases[i].detail) != 0)
            fail_msg("%s: got %s (%s), want %s (%s)", cases[i].code, col_pii_describe(got),
                     detail, col_pii_describe(cases[i].kind), cases[i].detail);
    }
}

/* Codes of the shapes counties use, the sample data's among them. */
static void test_firewall_code_passes_codes(void **state)
{
    static const char *const codes[] = {
        "MAR-2025-0042", "MAR-2025-0412", "MAR-2023-1231", "PIMA-001", "SACR-002",
        "LAPA-001", "PIMA-JUV-001", "R-20250042", "ABC12345", "A1", "0", "mar_2024_0007",
        "X-1", "COC-2024-0009", "YAV-2023-0101", "MAR-2031-123456", "MAR-2031-1234567",
    };
    (void)state;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char detail[80];
        enum col_pii got = col_firewall_code(codes[i], strlen(codes[i]), detail, sizeof detail);
        if (got != COL_PII_NONE)
            fail_msg("%s refused as %s (%s)", codes[i], col_pii_describe(got), detail);
    }
}

/* File names are checked like values; the sample's and tests' pass. */
static void test_firewall_file_names(void **state)
{
    static const char *const refused[] = {
        "John Smith 2009-04-17 602-555-0143 jsmith@example.com.csv", "John Smith.csv",
        "maria gonzalez.csv", "MARIA-GONZALEZ-2025.csv", "JohnSmith.csv",
        "responses 2009-04-17.csv", "tel 602 555 0143.csv", "(602) 555-0143.csv",
        "123-45-6789.csv", "jsmith@example.com.csv",
    };
    static const char *const passed[] = {
        "responses-pima.csv", "responses-santa-cruz.csv", "responses-la-paz.csv",
        "frame.csv", "responses-2025.csv", "frame-2025.csv", "bom-crlf-valid.csv",
        "phone-respondent-id.csv", "pii-column.csv", "excel-export.csv", "Santa Cruz 2025.csv",
        "Pima County Responses 2025.csv", "county-pima-2025.csv", "responses.csv",
    };
    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (col_firewall_file_name(refused[i], NULL, 0) == COL_PII_NONE)
            fail_msg("file name passed: %s", refused[i]);
    for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++) {
        char detail[80];
        enum col_pii got = col_firewall_file_name(passed[i], detail, sizeof detail);
        if (got != COL_PII_NONE)
            fail_msg("file name refused: %s as %s (%s)", passed[i], col_pii_describe(got),
                     detail);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_firewall_column_names_a_person),
        cmocka_unit_test(test_firewall_column_direct_identifiers),
        cmocka_unit_test(test_firewall_codebook_columns_pass),
        cmocka_unit_test(test_firewall_value_email),
        cmocka_unit_test(test_firewall_value_phone),
        cmocka_unit_test(test_firewall_value_ssn),
        cmocka_unit_test(test_firewall_value_date),
        cmocka_unit_test(test_firewall_value_codes_pass),
        cmocka_unit_test(test_firewall_code_refuses_identifiers),
        cmocka_unit_test(test_firewall_code_passes_codes),
        cmocka_unit_test(test_firewall_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
