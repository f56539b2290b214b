#ifndef COL_VALIDATE_H
#define COL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "codebook.h"
#include "csv_reader.h"

/* Row rules of codebook v1, one row at a time. Pure: no I/O, no state
 * across rows (duplicates are the scanner's business). */

/* Kinds of problem that tend to fill a whole column (an Excel habit
 * repeated on every row): reported once per column with a count. */
enum col_problem_code {
    COL_PC_NONE = 0,
    COL_PC_EMPTY,
    COL_PC_NOT_NUMBER,
    COL_PC_PERCENT,
    COL_PC_THOUSANDS,
    COL_PC_BAD_UTF8,
    COL_PC_NUL,
    COL_PC_DATE,
    COL_PC_EXCEL_ERROR,
    COL_PC_NO_VALUE,
    COL_PC_PERCENT_FORMAT,
    COL_PC_COUNTY,
    COL_PC_ROLE,
    COL_PC_ID_CHARS,
    COL_PC_ID_SHAPE
};

struct col_problem {
    enum col_column column;   /* COL_NCOLUMNS: the row as a whole */
    bool warning;             /* reported, but does not stop the load */
    bool privacy;             /* the privacy firewall refused it */
    int code;                 /* enum col_problem_code */
    char msg[320];
};

#define COL_ROW_PROBLEMS_MAX 16

struct col_problems {
    size_t n;
    struct col_problem item[COL_ROW_PROBLEMS_MAX];
};

void col_problems_clear(struct col_problems *p);
void col_problem_add(struct col_problems *p, enum col_column column, bool warning,
                     bool privacy, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* An error of a kind that may repeat down a column (enum col_problem_code). */
void col_problem_add_code(struct col_problems *p, enum col_column column, int code,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* One row of either kind, as it will be stored. */
struct col_record {
    int survey_year;
    int county;                                   /* index in col_counties */
    char respondent_id[COL_RESPONDENT_ID_MAX + 1];
    size_t respondent_id_len;
    enum col_role role;
    int caseload, confirmed, suspected;
    int officers_total, youth_total;
};

/* Validate one data row against the header's mapping. Appends problems
 * to p (which the caller clears) and fills *out. Returns true when the
 * row has no error (warnings allowed). Columns missing from the header
 * are not reported here (the header check did); a missing role is the
 * default. Values that look like a direct identifier are never quoted
 * in a message. */
bool col_validate_row(const struct col_header *h, const struct col_csv_row *row,
                      struct col_record *out, struct col_problems *p);

/* Describe a bad value for a message by its shape, never its text: any
 * value may be a name typed into the wrong column ("John Smith" as a
 * role), and a message is copied, logged and mailed. "10 characters:
 * letters and a space", "3 characters: digits and other symbols",
 * "not valid UTF-8". */
void col_describe_value(const char *s, size_t len, unsigned char flags, char *out,
                        size_t size);

#endif
