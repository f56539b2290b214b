#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <regex.h>
#include <string.h>

#include "firewall.h"
#include "parse.h"

void col_problems_clear(struct col_problems *p)
{
    p->n = 0;
}

void col_problem_add(struct col_problems *p, enum col_column column, bool warning,
                     bool privacy, const char *fmt, ...)
{
    struct col_problem *it;
    va_list ap;

    if (p->n == COL_ROW_PROBLEMS_MAX)
        return;       /* a row has at most one problem per column, plus two */
    it = &p->item[p->n++];
    it->column = column;
    it->warning = warning;
    it->privacy = privacy;
    it->code = COL_PC_NONE;
    va_start(ap, fmt);
    vsnprintf(it->msg, sizeof it->msg, fmt, ap);
    va_end(ap);
}

void col_problem_add_code(struct col_problems *p, enum col_column column, int code,
                          const char *fmt, ...)
{
    struct col_problem *it;
    va_list ap;

    if (p->n == COL_ROW_PROBLEMS_MAX)
        return;
    it = &p->item[p->n++];
    it->column = column;
    it->warning = false;
    it->privacy = false;
    it->code = code;
    va_start(ap, fmt);
    vsnprintf(it->msg, sizeof it->msg, fmt, ap);
    va_end(ap);
}

void col_describe_value(const char *s, size_t len, unsigned char flags, char *out,
                        size_t size)
{
    const char *kinds[4];
    size_t nchars = 0, nk = 0, spaces = 0, o;
    bool letters = false, digits = false, other = false;

    if ((flags & (COL_FIELD_BAD_UTF8 | COL_FIELD_NUL)) != 0) {
        snprintf(out, size, "not valid UTF-8 text");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80)
            nchars++;          /* count characters, not bytes */
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80)
            letters = true;
        else if (c >= '0' && c <= '9')
            digits = true;
        else if (c == ' ')
            spaces++;
        else
            other = true;
    }
    if (letters)
        kinds[nk++] = "letters";
    if (digits)
        kinds[nk++] = "digits";
    if (spaces > 0)
        kinds[nk++] = spaces == 1 ? "a space" : "spaces";
    if (other)
        kinds[nk++] = "other symbols";
    o = (size_t)snprintf(out, size, "%zu character%s", nchars, nchars == 1 ? "" : "s");
    for (size_t i = 0; i < nk && o < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%s", i == 0 ? ": " : i + 1 == nk ? " and "
                                                                                     : ", ",
                              kinds[i]);
}

/* The trimmed text of column c in row, or NULL when the header lacks it
 * or the field cannot be read as text (then a problem is added). */
static const char *field_text(const struct col_header *h, const struct col_csv_row *row,
                              enum col_column c, size_t *len, unsigned char *flags,
                              struct col_problems *p)
{
    int f = h->field_of[c];
    const char *s;

    if (f < 0)
        return NULL;
    *flags = row->flags[f];
    if (row->flags[f] & COL_FIELD_NUL) {
        col_problem_add_code(p, c, COL_PC_NUL,
                             "%s holds a NUL byte (was the file saved as UTF-16? save it as "
                             "'CSV UTF-8')", col_column_name(c));
        return NULL;
    }
    if (row->flags[f] & COL_FIELD_BAD_UTF8) {
        col_problem_add_code(p, c, COL_PC_BAD_UTF8,
                             "%s is not valid UTF-8 text (save the file as 'CSV UTF-8')",
                             col_column_name(c));
        return NULL;
    }
    /* What a workbook's cell was (xlsx_reader.c); its text is not shown:
     * a date in a survey file may be a date of birth. */
    if (row->flags[f] & COL_FIELD_DATE) {
        col_problem_add_code(p, c, COL_PC_DATE,
                             "%s holds a date (the cell is formatted as a date; the value is "
                             "not shown); type the value the codebook asks for and format "
                             "the column as Number or Text", col_column_name(c));
        return NULL;
    }
    if (row->flags[f] & COL_FIELD_ERROR) {
        col_problem_add_code(p, c, COL_PC_EXCEL_ERROR,
                             "%s holds an Excel error value (such as #N/A or #DIV/0!); fix "
                             "the formula or type the value", col_column_name(c));
        return NULL;
    }
    if (row->flags[f] & COL_FIELD_NO_VALUE) {
        col_problem_add_code(p, c, COL_PC_NO_VALUE,
                             "%s holds a formula whose result was never saved; open the "
                             "file in Excel and save it again, or type the value",
                             col_column_name(c));
        return NULL;
    }
    *len = row->len[f];
    s = col_trim(row->value[f], len);
    return s;
}

/* An Excel habit in a number: 1 a percent sign ("12%", "12 %"), 2 a
 * thousands separator between groups of three digits ("1,200", "1.200",
 * "1 200", "1'200"); 0 neither. */
static int number_habit(const char *s, size_t len)
{
    size_t i = 0, digits = 0, group = 0;
    bool sep = false;
    char sepc = 0;

    if (len >= 2 && s[len - 1] == '%') {
        size_t n = len - 1;
        while (n > 0 && s[n - 1] == ' ')
            n--;
        for (i = 0; i < n; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ','))
                return 0;
        return n > 0 ? 1 : 0;
    }
    for (i = 0; i < len; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            digits++;
            group++;
        } else if (ch == ',' || ch == '.' || ch == ' ' || ch == '\'') {
            if (group == 0 || (sep && group != 3) || (sep && ch != sepc) || group > 3)
                return 0;
            sep = true;
            sepc = ch;
            group = 0;
        } else {
            return 0;
        }
    }
    return sep && group == 3 && digits >= 4 ? 2 : 0;
}

/* Parse a whole number column; adds a problem and returns false when it
 * is empty, not a number, or outside [min, max]. */
static bool number(const struct col_header *h, const struct col_csv_row *row,
                   enum col_column c, long min, long max, const char *range_text,
                   int *out, struct col_problems *p)
{
    char buf[32], shape[96];
    size_t len = 0;
    unsigned char flags = 0;
    const char *s = field_text(h, row, c, &len, &flags, p);
    long v;

    if (s == NULL)
        return false;
    if (len == 0) {
        col_problem_add_code(p, c, COL_PC_EMPTY, "%s is empty", col_column_name(c));
        return false;
    }
    /* Plain digits are nearly every value of a million-row file; the
     * general parser handles the rest (signs, and every error). */
    if (len <= 9) {
        long fast = 0;
        size_t i = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            fast = fast * 10 + (s[i++] - '0');
        if (i == len && fast >= min && fast <= max) {
            *out = (int)fast;
            return true;
        }
    }
    if (len < sizeof buf) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (prev_parse_long(buf, min, max, &v)) {
            if (flags & COL_FIELD_PERCENT) {
                col_problem_add_code(p, c, COL_PC_PERCENT_FORMAT,
                                     "%s is formatted as a percentage in the workbook; "
                                     "write the number of youth and format the column as "
                                     "Number", col_column_name(c));
                return false;
            }
            *out = (int)v;
            return true;
        }
    }
    if (flags & COL_FIELD_PERCENT) {
        col_problem_add_code(p, c, COL_PC_PERCENT_FORMAT,
                             "%s is formatted as a percentage in the workbook; write the "
                             "number of youth (a count, not a share) and format the column "
                             "as Number", col_column_name(c));
        return false;
    }
    switch (number_habit(s, len)) {
    case 1:
        col_problem_add_code(p, c, COL_PC_PERCENT,
                             "%s has a percent sign; write the number of youth (a count, "
                             "not a share) as plain digits", col_column_name(c));
        return false;
    case 2:
        col_problem_add_code(p, c, COL_PC_THOUSANDS,
                             "%s has a thousands separator; write whole numbers as plain "
                             "digits (1200, not 1,200)", col_column_name(c));
        return false;
    default:
        break;
    }
    col_describe_value(s, len, flags, shape, sizeof shape);
    col_problem_add_code(p, c, COL_PC_NOT_NUMBER, "%s must be %s (found %s)",
                         col_column_name(c), range_text, shape);
    return false;
}

static bool year(const struct col_header *h, const struct col_csv_row *row, int *out,
                 struct col_problems *p)
{
    return number(h, row, COL_SURVEY_YEAR, COL_YEAR_MIN, COL_YEAR_MAX,
                  "a year from 2000 to 2100", out, p);
}

static bool county(const struct col_header *h, const struct col_csv_row *row, int *out,
                   struct col_problems *p)
{
    char shape[96];
    size_t len = 0;
    unsigned char flags = 0;
    const char *s = field_text(h, row, COL_COUNTY, &len, &flags, p);

    if (s == NULL)
        return false;
    if (len == 0) {
        col_problem_add(p, COL_COUNTY, false, false, "county is empty");
        return false;
    }
    if ((*out = col_county_find_n(s, len)) >= 0)
        return true;
    col_describe_value(s, len, flags, shape, sizeof shape);
    col_problem_add_code(p, COL_COUNTY, COL_PC_COUNTY,
                         "county is not an Arizona county (found %s); write its name (such "
                         "as Maricopa or La Paz) or its 5-digit FIPS code (04001 to 04027)",
                         shape);
    return false;
}

static bool respondent(const struct col_header *h, const struct col_csv_row *row,
                       char out[COL_RESPONDENT_ID_MAX + 1], size_t *out_len,
                       struct col_problems *p)
{
    size_t len = 0;
    unsigned char flags = 0;
    const char *s = field_text(h, row, COL_RESPONDENT_ID, &len, &flags, p);
    char detail[80];
    bool has_digit;
    enum col_pii pii;

    if (s == NULL)
        return false;
    if (len == 0) {
        col_problem_add(p, COL_RESPONDENT_ID, false, false, "respondent_id is empty");
        return false;
    }
    /* The firewall comes first: a code that is really a phone number must
     * be refused as such, whatever else is wrong with it. */
    if ((pii = col_firewall_code(s, len, detail, sizeof detail)) != COL_PII_NONE) {
        col_problem_add(p, COL_RESPONDENT_ID, false, true,
                        "respondent_id looks like %s (%s), which identifies a person; "
                        "replace it with the pseudonymous code (the value is not shown)",
                        col_pii_describe(pii), detail);
        return false;
    }
    if (len > COL_RESPONDENT_ID_MAX) {
        col_problem_add(p, COL_RESPONDENT_ID, false, false,
                        "respondent_id is longer than %d characters", COL_RESPONDENT_ID_MAX);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '_' || c == '-')) {
            /* It may be a name: never repeat it. */
            col_problem_add_code(p, COL_RESPONDENT_ID, COL_PC_ID_CHARS,
                                 "respondent_id may hold only letters A-Z, digits, '_' and "
                                 "'-' (the value is not shown)");
            return false;
        }
    }
    memcpy(out, s, len);
    out[len] = '\0';
    has_digit = strpbrk(out, "0123456789") != NULL;
    /* The shape of a code: the county's own pattern, or a digit at least
     * (a bare word is a name more often than a code). */
    if (h->id_pattern != NULL ? regexec(h->id_pattern, out, 0, NULL, 0) != 0 : !has_digit) {
        out[0] = '\0';
        col_problem_add(p, COL_RESPONDENT_ID, false, false,
                        "respondent_id does not look like a pseudonymous code (%zu "
                        "character%s, %s); the codes are %s (the value is not shown)", len,
                        len == 1 ? "" : "s", has_digit ? "with digits" : "no digit",
                        h->id_pattern != NULL ? "those --id-pattern describes"
                                              : "letters, digits, '_' and '-' with at least "
                                                "one digit");
        return false;
    }
    *out_len = len;
    return true;
}

static bool role(const struct col_header *h, const struct col_csv_row *row,
                 enum col_role *out, struct col_problems *p)
{
    char shape[96];
    size_t len = 0;
    unsigned char flags = 0;
    const char *s;

    *out = COL_ROLE_PROBATION_OFFICER;
    if (h->field_of[COL_ROLE] < 0)
        return true;
    if ((s = field_text(h, row, COL_ROLE, &len, &flags, p)) == NULL)
        return false;
    if (col_role_parse_n(s, len, out))
        return true;
    col_describe_value(s, len, flags, shape, sizeof shape);
    col_problem_add_code(p, COL_ROLE, COL_PC_ROLE,
                         "role is not one of the codebook's roles (found %s); write "
                         "probation_officer, supervisor or other (or leave it empty for "
                         "probation_officer)", shape);
    return false;
}

bool col_validate_row(const struct col_header *h, const struct col_csv_row *row,
                      struct col_record *out, struct col_problems *p)
{
    size_t before = p->n;
    bool ok = true;

    memset(out, 0, sizeof *out);
    out->county = -1;
    if (row->nfields != h->nfields) {
        /* Fields no longer line up with columns: any other message about
         * this row would name the wrong column. */
        col_problem_add(p, COL_NCOLUMNS, false, false,
                        "row has %zu field%s but the header has %zu; is a comma missing, or a "
                        "value with a comma not in quotes?", row->nfields,
                        row->nfields == 1 ? "" : "s", h->nfields);
        return false;
    }
    ok &= year(h, row, &out->survey_year, p);
    ok &= county(h, row, &out->county, p);
    if (h->kind == COL_KIND_RESPONSES) {
        bool have_caseload, have_confirmed, have_suspected;
        ok &= respondent(h, row, out->respondent_id, &out->respondent_id_len, p);
        ok &= role(h, row, &out->role, p);
        have_caseload = number(h, row, COL_CASELOAD, 0, COL_CASELOAD_MAX,
                               "a whole number from 0 to 1000", &out->caseload, p);
        have_confirmed = number(h, row, COL_CONFIRMED, 0, COL_CASELOAD_MAX,
                                "a whole number from 0 to the caseload", &out->confirmed, p);
        have_suspected = number(h, row, COL_SUSPECTED, 0, COL_CASELOAD_MAX,
                                "a whole number from 0 to the caseload", &out->suspected, p);
        ok &= have_caseload && have_confirmed && have_suspected;
        /* Point at the number a person has to fix: confirmed when it alone
         * is too big, else the sum. */
        if (have_caseload && have_confirmed && out->confirmed > out->caseload) {
            col_problem_add(p, COL_CONFIRMED, false, false,
                            "confirmed (%d) is more than the caseload (%d)", out->confirmed,
                            out->caseload);
            ok = false;
        } else if (have_caseload && have_confirmed && have_suspected
                   && out->confirmed + out->suspected > out->caseload) {
            col_problem_add(p, COL_SUSPECTED, false, false,
                            "confirmed + suspected (%d + %d = %d) is more than the caseload "
                            "(%d)", out->confirmed, out->suspected,
                            out->confirmed + out->suspected, out->caseload);
            ok = false;
        }
    } else {
        ok &= number(h, row, COL_OFFICERS_TOTAL, 1, COL_OFFICERS_MAX,
                     "a whole number from 1 to 100000", &out->officers_total, p);
        ok &= number(h, row, COL_YOUTH_TOTAL, 0, COL_YOUTH_MAX,
                     "a whole number from 0 to 10000000", &out->youth_total, p);
    }
    /* A missing required column was already reported for the header. */
    for (size_t i = before; i < p->n; i++)
        if (!p->item[i].warning)
            ok = false;
    return ok;
}
