#ifndef COL_FIREWALL_H
#define COL_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

/* The privacy firewall: the survey is about caseloads, never about a
 * person. A file that names a person or carries a direct identifier is
 * refused whole, and the suspicious value is never repeated anywhere
 * (terminal, rejects file), because repeating it is itself a disclosure.
 * Pure functions: no I/O. */

enum col_pii {
    COL_PII_NONE = 0,
    COL_PII_NAME,          /* a person's name */
    COL_PII_BIRTH,         /* a date of birth */
    COL_PII_SSN,           /* a Social Security number */
    COL_PII_ADDRESS,       /* a street address */
    COL_PII_PHONE,         /* a phone number */
    COL_PII_EMAIL,         /* an e-mail address */
    COL_PII_CASE_NUMBER,   /* a court case number */
    COL_PII_DATE           /* a date (values only: birth dates hide as codes) */
};

/* What a column called `name` would hold, judged on its name after
 * normalising case, spaces, underscores, hyphens and dots
 * ("Last-Name", "last_name", "LASTNAME" alike). COL_PII_NONE for every
 * codebook column. */
enum col_pii col_firewall_column(const char *name);

/* What a value looks like, if it looks like a direct identifier rather
 * than a pseudonymous code: an e-mail address, a US phone number, an SSN,
 * or a date. s[0..len) need not be NUL-terminated. */
enum col_pii col_firewall_value(const char *s, size_t len);

/* The respondent_id rules (docs/codebook.md, "respondent_id"): what a
 * code looks like if it looks like a person's identifier rather than a
 * pseudonymous code. Beyond col_firewall_value:
 *   - a name: two or more words of 3+ letters ("Maria_Gonzalez",
 *     "JohnSmith"), a first word of up to 4 capitals (a county prefix,
 *     "PIMA-JUV-001") not counted;
 *   - digits, with any separators or none, that read as a phone number
 *     (10 digits with an area code and exchange 2-9, or 11 starting with
 *     1, separators only between area code, exchange and line, an
 *     extension allowed: "602_555_0143", "tel-6025550143",
 *     "602-555-0143x12"), a 7-digit local number ("555-0143"), an SSN
 *     (3-2-4, or 9 valid digits: "ssn-123-45-6789") or a date (8 digits
 *     YYYYMMDD, MMDDYYYY or DDMMYYYY: "17042009"; Y-M-D, M-D-Y or D-M-Y
 *     with separators: "DOB-2009-04-17");
 *   - a court case number: a court prefix (JV, JD, JUV, CR, CV, DR, DEP,
 *     DKT, CASE, DOCKET, CAUSE) first, before digits ("JV2019-001234");
 *   - a street address: a house number and a street word ("123-Main-St-"),
 *     or the state code AZ before a 5-digit ZIP;
 *   - a label that names an identifier (DOB, SSN, TEL, PHONE, CELL,
 *     MOBILE, FAX, EMAIL, DL).
 * detail (may be NULL) gets a short description of the shape, never a
 * piece of the value ("10 digits", "2 words"). Pure. */
enum col_pii col_firewall_code(const char *s, size_t len, char *detail, size_t size);

/* A file's base name: refused when it holds an e-mail address, a phone
 * number, an SSN or a date (digits read as in col_firewall_code, with
 * spaces, dots and parentheses as separators too), or a person's name
 * written as one: two neighbouring words of 3+ letters that are
 * Capitalised or ALL CAPS, or separated by a space, and are not words a
 * survey file name uses (counties, "responses", "frame", ...).
 * "responses-santa-cruz.csv" passes, "John Smith.csv" does not. */
enum col_pii col_firewall_file_name(const char *base, char *detail, size_t size);

/* "a person's name", "a phone number", ... for messages. */
const char *col_pii_describe(enum col_pii kind);

#endif
