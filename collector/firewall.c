/* Privacy firewall rules. False positives cost a county specialist one
 * renamed column or one recoded respondent; a false negative puts a
 * person's identity into a statistics database. So the rules lean wide. */
#include "firewall.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const char *col_pii_describe(enum col_pii kind)
{
    switch (kind) {
    case COL_PII_NAME: return "a person's name";
    case COL_PII_BIRTH: return "a date of birth";
    case COL_PII_SSN: return "a Social Security number";
    case COL_PII_ADDRESS: return "a street address";
    case COL_PII_PHONE: return "a phone number";
    case COL_PII_EMAIL: return "an e-mail address";
    case COL_PII_CASE_NUMBER: return "a case number";
    case COL_PII_DATE: return "a date";
    case COL_PII_NONE: break;
    }
    return "nothing identifying";
}

/* ---- column names ------------------------------------------------------- */

enum match { EXACT, PREFIX, SUFFIX, CONTAINS };

struct rule {
    const char *text;         /* normalised: lowercase letters and digits */
    enum match how;
    enum col_pii kind;
};

/* Checked in order; the first match wins. */
static const struct rule column_rules[] = {
    /* e-mail first: "email address" is an e-mail, not a street address */
    {"email", CONTAINS, COL_PII_EMAIL},
    {"mail", EXACT, COL_PII_EMAIL},
    {"emal", EXACT, COL_PII_EMAIL},
    /* names */
    {"name", EXACT, COL_PII_NAME},
    {"names", EXACT, COL_PII_NAME},
    {"fname", EXACT, COL_PII_NAME},
    {"lname", EXACT, COL_PII_NAME},
    {"mname", EXACT, COL_PII_NAME},
    {"alias", EXACT, COL_PII_NAME},
    {"aka", EXACT, COL_PII_NAME},
    {"initials", EXACT, COL_PII_NAME},
    {"firstname", CONTAINS, COL_PII_NAME},
    {"lastname", CONTAINS, COL_PII_NAME},
    {"middlename", CONTAINS, COL_PII_NAME},
    {"fullname", CONTAINS, COL_PII_NAME},
    {"givenname", CONTAINS, COL_PII_NAME},
    {"familyname", CONTAINS, COL_PII_NAME},
    {"maidenname", CONTAINS, COL_PII_NAME},
    {"nickname", CONTAINS, COL_PII_NAME},
    {"surname", CONTAINS, COL_PII_NAME},
    /* dates of birth */
    {"dob", EXACT, COL_PII_BIRTH},
    {"dob", PREFIX, COL_PII_BIRTH},
    {"dob", SUFFIX, COL_PII_BIRTH},
    {"dateofbirth", CONTAINS, COL_PII_BIRTH},
    {"birthdate", CONTAINS, COL_PII_BIRTH},
    {"birthday", CONTAINS, COL_PII_BIRTH},
    {"birthdt", CONTAINS, COL_PII_BIRTH},
    {"dtofbirth", CONTAINS, COL_PII_BIRTH},
    {"placeofbirth", CONTAINS, COL_PII_BIRTH},
    /* Social Security numbers */
    {"ssn", EXACT, COL_PII_SSN},
    {"ssn", PREFIX, COL_PII_SSN},
    {"ssn", SUFFIX, COL_PII_SSN},
    {"ssno", EXACT, COL_PII_SSN},
    {"socialsecurity", CONTAINS, COL_PII_SSN},
    {"socsec", CONTAINS, COL_PII_SSN},
    /* addresses */
    {"address", CONTAINS, COL_PII_ADDRESS},
    {"addr", EXACT, COL_PII_ADDRESS},
    {"addr1", EXACT, COL_PII_ADDRESS},
    {"addr2", EXACT, COL_PII_ADDRESS},
    {"street", CONTAINS, COL_PII_ADDRESS},
    {"residence", CONTAINS, COL_PII_ADDRESS},
    {"zip", EXACT, COL_PII_ADDRESS},
    {"zipcode", EXACT, COL_PII_ADDRESS},
    {"postalcode", EXACT, COL_PII_ADDRESS},
    /* phones */
    {"phone", CONTAINS, COL_PII_PHONE},
    {"telephone", CONTAINS, COL_PII_PHONE},
    {"tel", EXACT, COL_PII_PHONE},
    {"telno", EXACT, COL_PII_PHONE},
    {"mobile", CONTAINS, COL_PII_PHONE},
    {"cell", EXACT, COL_PII_PHONE},
    {"cellno", EXACT, COL_PII_PHONE},
    {"cellnumber", EXACT, COL_PII_PHONE},
    {"fax", EXACT, COL_PII_PHONE},
    /* case numbers */
    {"casenumber", CONTAINS, COL_PII_CASE_NUMBER},
    {"caseno", EXACT, COL_PII_CASE_NUMBER},
    {"caseno", SUFFIX, COL_PII_CASE_NUMBER},
    {"casenum", EXACT, COL_PII_CASE_NUMBER},
    {"casenum", SUFFIX, COL_PII_CASE_NUMBER},
    {"caseid", EXACT, COL_PII_CASE_NUMBER},
    {"caseid", SUFFIX, COL_PII_CASE_NUMBER},
    {"docket", CONTAINS, COL_PII_CASE_NUMBER},
    {"juvenileid", CONTAINS, COL_PII_CASE_NUMBER},
    {"youthid", CONTAINS, COL_PII_CASE_NUMBER},
    {"clientid", CONTAINS, COL_PII_CASE_NUMBER},
    {"personid", CONTAINS, COL_PII_CASE_NUMBER},
    {NULL, EXACT, COL_PII_NONE},
};

/* Lowercase letters and digits only; '#' reads as "no" ("Case #"). */
static void normalise(const char *in, char *out, size_t size)
{
    size_t o = 0;

    for (const unsigned char *s = (const unsigned char *)in; *s != '\0' && o + 3 < size; s++) {
        if (isalnum(*s) && *s < 0x80) {
            out[o++] = (char)tolower(*s);
        } else if (*s == '#') {
            out[o++] = 'n';
            out[o++] = 'o';
        }
    }
    out[o] = '\0';
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

enum col_pii col_firewall_column(const char *name)
{
    char norm[256];
    size_t len;

    normalise(name, norm, sizeof norm);
    len = strlen(norm);
    if (len == 0)
        return COL_PII_NONE;
    for (const struct rule *r = column_rules; r->text != NULL; r++) {
        size_t n = strlen(r->text);
        bool hit = false;
        switch (r->how) {
        case EXACT: hit = strcmp(norm, r->text) == 0; break;
        case PREFIX: hit = strncmp(norm, r->text, n) == 0; break;
        case SUFFIX: hit = ends_with(norm, len, r->text); break;
        case CONTAINS: hit = strstr(norm, r->text) != NULL; break;
        }
        if (hit)
            return r->kind;
    }
    /* "youth_name", "officer name", "respondentName": anything that ends in
     * "name" names someone, except the few things that are not people. */
    if (ends_with(norm, len, "name") && strcmp(norm, "countyname") != 0
        && strcmp(norm, "filename") != 0 && strcmp(norm, "rolename") != 0)
        return COL_PII_NAME;
    return COL_PII_NONE;
}

/* ---- values ------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Value of n digits at s (all known to be digits). */
static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool looks_like_email(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    size_t local, domain;

    if (at == NULL)
        return false;
    local = (size_t)(at - s);
    domain = len - local - 1;
    return local > 0 && domain > 0;
}

/* Split s into runs of digits separated by single non-digit characters
 * from seps. Returns the number of runs (0 when another character is
 * present), their lengths in run_len and the separators used. */
static int digit_groups(const char *s, size_t len, const char *seps, size_t run_start[8],
                        size_t run_len[8], char sep_used[8])
{
    int runs = 0;
    size_t i = 0;

    while (i < len) {
        size_t start = i;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == start || runs == 8)
            return 0;
        run_start[runs] = start;
        run_len[runs] = i - start;
        sep_used[runs] = '\0';
        runs++;
        if (i < len) {
            if (strchr(seps, s[i]) == NULL || s[i] == '\0')
                return 0;
            sep_used[runs - 1] = s[i];
            i++;
            if (i == len)
                return 0;
        }
    }
    return runs;
}

static bool ssn_structure_valid(int area, int group, int serial)
{
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

static bool looks_like_ssn(const char *s, size_t len)
{
    size_t start[8], n[8];
    char sep[8];
    int runs = digit_groups(s, len, "- ", start, n, sep);

    if (runs == 3 && n[0] == 3 && n[1] == 2 && n[2] == 4 && sep[0] == sep[1])
        return true;          /* 123-45-6789: the shape alone is enough */
    if (runs == 1 && n[0] == 9)
        return ssn_structure_valid(digits_value(s, 3), digits_value(s + 3, 2),
                                   digits_value(s + 5, 4));
    return false;
}

/* North American numbering: area code and exchange start with 2..9. */
static bool nanp_valid(const char *ten)
{
    return ten[0] >= '2' && ten[3] >= '2';
}

static bool looks_like_phone(const char *s, size_t len)
{
    char digits[16];
    size_t nd = 0, seps = 0;
    bool plus = false;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (is_digit(c)) {
            if (nd == sizeof digits - 1)
                return false;
            digits[nd++] = c;
        } else if (c == '+' && i == 0) {
            plus = true;
        } else if (c == '-' || c == '.' || c == ' ' || c == '(' || c == ')') {
            seps++;
        } else {
            return false;
        }
    }
    digits[nd] = '\0';
    if (nd == 11 && digits[0] == '1')
        return nanp_valid(digits + 1);
    if (nd == 10 && !plus)
        return nanp_valid(digits);
    /* 555-0123: a local number written with its dash */
    if (nd == 7 && seps == 1 && len == 8 && s[3] == '-')
        return digits[0] >= '2';
    return false;
}

static bool valid_month_day(int month, int day)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1];
}

/* Month written as a word at s (Mar, mar., March, Sept), its length in
 * *used; 0 when there is none. */
static int month_from_name(const char *s, size_t n, size_t *used)
{
    static const char *names[] = {"january", "february", "march", "april", "may", "june",
                                  "july", "august", "september", "october", "november",
                                  "december"};
    size_t run = 0;

    while (run < n && isalpha((unsigned char)s[run]))
        run++;
    if (run < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(names[m]);
        bool abbrev = run == 3 || (m == 8 && run == 4);
        if ((abbrev || run == full) && run <= full
            && strncasecmp(s, names[m], run) == 0) {
            *used = run;
            return m + 1;
        }
    }
    return 0;
}

static bool looks_like_date(const char *s, size_t len)
{
    size_t start[8], n[8];
    char sep[8];
    int runs = digit_groups(s, len, "-/.", start, n, sep);

    if (runs == 3 && sep[0] == sep[1]) {
        int a = digits_value(s + start[0], n[0]);
        int b = digits_value(s + start[1], n[1]);
        int c = digits_value(s + start[2], n[2]);
        /* 2010-03-14, 2010/3/14 */
        if (n[0] == 4 && n[1] <= 2 && n[2] <= 2)
            return a >= 1900 && a <= 2100 && valid_month_day(b, c);
        /* 03/14/2010, 14.03.2010, 3/14/10 */
        if (n[0] <= 2 && n[1] <= 2 && (n[2] == 4 || n[2] == 2))
            return valid_month_day(a, b) || valid_month_day(b, a);
        return false;
    }
    if (runs == 1 && len == 8) {
        /* 20100314 */
        int y = digits_value(s, 4), m = digits_value(s + 4, 2), d = digits_value(s + 6, 2);
        return y >= 1900 && y <= 2100 && valid_month_day(m, d);
    }
    /* 14-Mar-2010, Mar-14-2010, March 14 2009, 14Mar2010: one month word,
     * a day (1 or 2 digits, 1..31) and a year (2 or 4 digits), date
     * separators and nothing else. "MAR-2025-0014" (a Maricopa code) has
     * no day, so it stays a code. */
    {
        int months = 0, nruns = 0, month_pos = 0;
        size_t run_len[3] = {0};
        int run_val[3] = {0};
        size_t i = 0;
        while (i < len) {
            size_t used = 0;
            if (isalpha((unsigned char)s[i])) {
                if (month_from_name(s + i, len - i, &used) == 0 || ++months > 1)
                    return false;
                month_pos = nruns;
                i += used;
            } else if (is_digit(s[i])) {
                size_t start = i;
                while (i < len && is_digit(s[i]))
                    i++;
                if (nruns == 2 || i - start > 4)
                    return false;
                run_len[nruns] = i - start;
                run_val[nruns] = digits_value(s + start, i - start);
                nruns++;
            } else if (strchr("-/. ,", s[i]) != NULL) {
                i++;
            } else {
                return false;
            }
        }
        if (months != 1 || nruns != 2)
            return false;
        for (int d = 0; d < 2; d++) {
            int y = 1 - d;
            bool day_ok = run_len[d] <= 2 && run_val[d] >= 1 && run_val[d] <= 31;
            bool year_ok = run_len[y] == 2
                           || (run_len[y] == 4 && run_val[y] >= 1900 && run_val[y] <= 2100);
            /* the year comes last, unless the month separates it from the
             * day (2010-Mar-14) */
            bool order_ok = d == 0 || month_pos == 1;
            if (day_ok && year_ok && order_ok)
                return true;
        }
    }
    return false;
}

enum col_pii col_firewall_value(const char *s, size_t len)
{
    /* surrounding spaces say nothing */
    while (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0)
        return COL_PII_NONE;
    if (looks_like_email(s, len))
        return COL_PII_EMAIL;
    if (looks_like_ssn(s, len))
        return COL_PII_SSN;
    if (looks_like_date(s, len))
        return COL_PII_DATE;
    if (looks_like_phone(s, len))
        return COL_PII_PHONE;
    return COL_PII_NONE;
}
