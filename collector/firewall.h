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

/* "a person's name", "a phone number", ... for messages. */
const char *col_pii_describe(enum col_pii kind);

#endif
