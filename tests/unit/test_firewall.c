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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
