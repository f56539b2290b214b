/* Privacy firewall rules. False positives cost a county specialist one
 * renamed column or one recoded respondent; a false negative puts a
 * person's identity into a statistics database. So the rules lean wide. */
#include "firewall.h"

#include <ctype.h>
#include <stdio.h>
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
        /* Every date form below has runs of at most 4 digits; a longer
         * run would overflow digits_value. */
        if (n[0] > 4 || n[1] > 4 || n[2] > 4)
            return false;
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

/* ---- respondent codes and file names ------------------------------------ */

enum tok_type { TOK_ALPHA, TOK_DIGIT, TOK_SEP };

struct tok {
    enum tok_type type;
    size_t start, len;
};

#define TOKENS_MAX 64

/* Letters, digits and everything else, letters also split where a lower
 * case letter meets a capital ("JohnSmith" is two words). Returns the
 * number of tokens; a value with more is judged on its first TOKENS_MAX. */
static size_t tokenize(const char *s, size_t len, struct tok *t)
{
    size_t n = 0, i = 0;

    while (i < len && n < TOKENS_MAX) {
        unsigned char c = (unsigned char)s[i];
        size_t start = i;
        enum tok_type type = is_digit((char)c) ? TOK_DIGIT
                             : (isalpha(c) && c < 0x80) ? TOK_ALPHA : TOK_SEP;
        i++;
        while (i < len) {
            unsigned char d = (unsigned char)s[i];
            enum tok_type dt = is_digit((char)d) ? TOK_DIGIT
                               : (isalpha(d) && d < 0x80) ? TOK_ALPHA : TOK_SEP;
            if (dt != type)
                break;
            if (type == TOK_ALPHA && islower((unsigned char)s[i - 1]) && isupper(d))
                break;
            i++;
        }
        t[n].type = type;
        t[n].start = start;
        t[n].len = i - start;
        n++;
    }
    return n;
}

static bool word_in(const char *s, size_t len, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strlen(*list) == len && strncasecmp(s, *list, len) == 0)
            return true;
    return false;
}

static bool all_upper(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isupper((unsigned char)s[i]))
            return false;
    return true;
}

/* A group of digit runs with only separators between them. */
struct group {
    size_t n;
    size_t start[TOKENS_MAX], len[TOKENS_MAX];
};

static bool year_ok(int y)
{
    return y >= 1900 && y <= 2100;
}

/* Does digits[0..n) with separators after the cumulative positions in
 * cuts[0..ncuts) read as a phone number? Separators may only fall between
 * the country code, area code, exchange and line. */
static bool phone_digits(const char *d, size_t n, const size_t *cuts, size_t ncuts)
{
    size_t off = 0;

    if (n == 11 && d[0] == '1')
        off = 1;
    else if (n != 10)
        return false;
    if (!nanp_valid(d + off))
        return false;
    for (size_t i = 0; i < ncuts; i++)
        if (cuts[i] != off && cuts[i] != off + 3 && cuts[i] != off + 6)
            return false;
    return true;
}

static bool date_8(const char *d)
{
    int a4 = digits_value(d, 4), m = digits_value(d + 4, 2), dd = digits_value(d + 6, 2);
    int p = digits_value(d, 2), q = digits_value(d + 2, 2), y = digits_value(d + 4, 4);

    return (year_ok(a4) && valid_month_day(m, dd))
           || (year_ok(y) && (valid_month_day(p, q) || valid_month_day(q, p)));
}

static bool date_3(int a, size_t na, int b, size_t nb, int c, size_t nc)
{
    if (na == 4 && nb <= 2 && nc <= 2)
        return year_ok(a) && valid_month_day(b, c);
    if (na <= 2 && nb <= 2 && (nc == 4 || nc == 2))
        return (nc == 2 || year_ok(c)) && (valid_month_day(a, b) || valid_month_day(b, a));
    return false;
}

/* Judge one group of digit runs; s is the whole value. */
static enum col_pii judge_group(const char *s, const struct group *g, char *detail,
                                size_t size)
{
    for (size_t i = 0; i < g->n; i++) {
        const char *r = s + g->start[i];
        size_t n = g->len[i];
        /* SSN: 9 valid digits, or 3-2-4 */
        if (n == 9 && ssn_structure_valid(digits_value(r, 3), digits_value(r + 3, 2),
                                          digits_value(r + 5, 4))) {
            snprintf(detail, size, "9 digits");
            return COL_PII_SSN;
        }
        if (i + 2 < g->n && n == 3 && g->len[i + 1] == 2 && g->len[i + 2] == 4) {
            snprintf(detail, size, "9 digits in 3-2-4 groups");
            return COL_PII_SSN;
        }
        /* dates */
        if (n == 8 && date_8(r)) {
            snprintf(detail, size, "8 digits that read as a date");
            return COL_PII_DATE;
        }
        if (i + 2 < g->n && n <= 4 && g->len[i + 1] <= 4 && g->len[i + 2] <= 4
            && date_3(digits_value(r, n), n, digits_value(s + g->start[i + 1], g->len[i + 1]),
                      g->len[i + 1], digits_value(s + g->start[i + 2], g->len[i + 2]),
                      g->len[i + 2])) {
            snprintf(detail, size, "a year, a month and a day");
            return COL_PII_DATE;
        }
        /* phones: 10 or 11 digits from run i on, then maybe an extension */
        {
            char d[16];
            size_t nd = 0, cuts[8], ncuts = 0;
            for (size_t j = i; j < g->n && nd + g->len[j] <= 11; j++) {
                if (j > i && ncuts < 8)
                    cuts[ncuts++] = nd;
                memcpy(d + nd, s + g->start[j], g->len[j]);
                nd += g->len[j];
                if ((nd == 10 || nd == 11) && phone_digits(d, nd, cuts, ncuts)) {
                    size_t ext = 0;
                    for (size_t k = j + 1; k < g->n; k++)
                        ext += g->len[k];
                    if (ext <= 6) {
                        snprintf(detail, size, "%zu digits%s", nd,
                                 ext > 0 ? " and an extension" : "");
                        return COL_PII_PHONE;
                    }
                }
            }
        }
        /* A year and a long serial is not judged: it is also how
         * synthetic codes look at scale ("MAR-2031-123456"). */
    }
    /* 555-0143: a local number, the whole group */
    if (g->n == 2 && g->len[0] == 3 && g->len[1] == 4 && s[g->start[0]] >= '2') {
        snprintf(detail, size, "7 digits");
        return COL_PII_PHONE;
    }
    return COL_PII_NONE;
}

/* Every group of digit runs: runs joined by separators (seps_ok) or by
 * the letters of an extension ("x", "ext"). */
static enum col_pii judge_digits(const char *s, const struct tok *t, size_t nt,
                                 bool spaces_too, char *detail, size_t size)
{
    static const char *const ext_words[] = {"x", "ext", "extn", NULL};
    size_t i = 0;

    while (i < nt) {
        struct group g;
        enum col_pii kind;
        if (t[i].type != TOK_DIGIT) {
            i++;
            continue;
        }
        g.n = 0;
        while (i < nt) {
            if (t[i].type == TOK_DIGIT) {
                g.start[g.n] = t[i].start;
                g.len[g.n] = t[i].len;
                g.n++;
                i++;
                continue;
            }
            /* a separator of one or two characters continues the group */
            if (t[i].type == TOK_SEP && t[i].len <= 2 && i + 1 < nt
                && (spaces_too || memchr(s + t[i].start, ' ', t[i].len) == NULL)) {
                if (t[i + 1].type == TOK_DIGIT) {
                    i++;
                    continue;
                }
                if (t[i + 1].type == TOK_ALPHA && word_in(s + t[i + 1].start, t[i + 1].len,
                                                          ext_words)
                    && i + 2 < nt && (t[i + 2].type == TOK_DIGIT
                                      || (t[i + 2].type == TOK_SEP && i + 3 < nt
                                          && t[i + 3].type == TOK_DIGIT))) {
                    i += 2;
                    if (t[i].type == TOK_SEP)
                        i++;
                    continue;
                }
            }
            if (t[i].type == TOK_ALPHA && word_in(s + t[i].start, t[i].len, ext_words)
                && i + 1 < nt && t[i + 1].type == TOK_DIGIT) {
                i++;
                continue;
            }
            break;
        }
        if ((kind = judge_group(s, &g, detail, size)) != COL_PII_NONE)
            return kind;
    }
    return COL_PII_NONE;
}

enum col_pii col_firewall_code(const char *s, size_t len, char *detail, size_t size)
{
    static const char *const court[] = {"jv", "jd", "juv", "cr", "cv", "dr", "dep", "dkt",
                                        "case", "docket", "cause", NULL};
    static const char *const street[] = {"st", "street", "ave", "av", "avenue", "rd", "road",
                                         "blvd", "dr", "drive", "ln", "lane", "way", "ct",
                                         "court", "pl", "place", "pkwy", "hwy", "cir",
                                         "ter", "trl", "apt", "unit", NULL};
    static const struct { const char *word; enum col_pii kind; } labels[] = {
        {"dob", COL_PII_BIRTH}, {"ssn", COL_PII_SSN}, {"ssno", COL_PII_SSN},
        {"tel", COL_PII_PHONE}, {"phone", COL_PII_PHONE}, {"cell", COL_PII_PHONE},
        {"mobile", COL_PII_PHONE}, {"fax", COL_PII_PHONE}, {"email", COL_PII_EMAIL},
        {"dl", COL_PII_CASE_NUMBER}, {NULL, COL_PII_NONE}};
    struct tok t[TOKENS_MAX];
    char scratch[80];
    size_t nt, words = 0;
    bool first_alpha = true, digit_before = false, street_name = false;
    enum col_pii kind;

    if (detail == NULL) {
        detail = scratch;
        size = sizeof scratch;
    }
    detail[0] = '\0';
    if ((kind = col_firewall_value(s, len)) != COL_PII_NONE) {
        size_t nd = 0;
        for (size_t i = 0; i < len; i++)
            nd += is_digit(s[i]);
        if (kind == COL_PII_EMAIL)
            snprintf(detail, size, "an '@'");
        else
            snprintf(detail, size, "%zu digits", nd);
        return kind;
    }
    nt = tokenize(s, len, t);
    /* digits first: "tel-6025550143" is best described by its 10 digits */
    if ((kind = judge_digits(s, t, nt, false, detail, size)) != COL_PII_NONE)
        return kind;
    for (size_t i = 0; i < nt; i++) {
        const char *w = s + t[i].start;
        size_t n = t[i].len;
        if (t[i].type == TOK_DIGIT)
            digit_before = true;
        if (t[i].type != TOK_ALPHA)
            continue;
        for (size_t l = 0; labels[l].word != NULL; l++)
            if (strlen(labels[l].word) == n && strncasecmp(w, labels[l].word, n) == 0) {
                snprintf(detail, size, "it carries a label for one");
                return labels[l].kind;
            }
        if (first_alpha && word_in(w, n, court)) {
            /* JV2019-001234, CR-12345 */
            for (size_t j = i + 1; j < nt && j <= i + 2; j++)
                if (t[j].type == TOK_DIGIT) {
                    snprintf(detail, size, "a court prefix and a number");
                    return COL_PII_CASE_NUMBER;
                }
        }
        if (digit_before && street_name && word_in(w, n, street)) {
            snprintf(detail, size, "a house number and a street");
            return COL_PII_ADDRESS;
        }
        if (n == 2 && strncasecmp(w, "az", 2) == 0 && i + 2 < nt && t[i + 2].type == TOK_DIGIT
            && t[i + 2].len == 5) {
            snprintf(detail, size, "a state and a ZIP code");
            return COL_PII_ADDRESS;
        }
        if (digit_before && n >= 3)
            street_name = true;
        /* a county prefix (PIMA-, MAR-) is part of the code, not a word */
        if (n >= 3 && !(first_alpha && n <= 4 && all_upper(w, n)))
            words++;
        first_alpha = false;
    }
    if (words >= 2) {
        snprintf(detail, size, "%zu words", words);
        return COL_PII_NAME;
    }
    return COL_PII_NONE;
}

enum col_pii col_firewall_file_name(const char *base, char *detail, size_t size)
{
    /* words a survey file's name uses; anything else in a capitalised
     * pair may be someone's name */
    static const char *const known[] = {
        "apache", "cochise", "coconino", "gila", "graham", "greenlee", "paz", "maricopa",
        "mohave", "navajo", "pima", "pinal", "santa", "cruz", "yavapai", "yuma", "county",
        "counties", "arizona", "responses", "response", "frame", "frames", "survey", "data",
        "final", "draft", "revised", "corrected", "correction", "copy", "export", "excel",
        "sheet", "file", "year", "probation", "juvenile", "officer", "officers", "caseload",
        "caseloads", "batch", "new", "old", "fixed", "csv", "utf", "jjsd", "the", "and",
        "for", "from", NULL};
    struct tok t[TOKENS_MAX];
    char scratch[80];
    size_t len = strlen(base), nt;
    const char *dot = strrchr(base, '.');
    enum col_pii kind;

    if (detail == NULL) {
        detail = scratch;
        size = sizeof scratch;
    }
    detail[0] = '\0';
    if (dot != NULL && dot != base && strcasecmp(dot, ".csv") == 0)
        len = (size_t)(dot - base);
    if (memchr(base, '@', len) != NULL) {
        snprintf(detail, size, "an '@'");
        return COL_PII_EMAIL;
    }
    nt = tokenize(base, len, t);
    if ((kind = judge_digits(base, t, nt, true, detail, size)) != COL_PII_NONE)
        return kind;
    for (size_t i = 0; i + 2 < nt; i++) {
        const struct tok *a = &t[i], *sep = &t[i + 1], *b = &t[i + 2];
        const char *wa = base + a->start, *wb = base + b->start;
        bool capital_a, capital_b, spaced;
        if (a->type != TOK_ALPHA || b->type != TOK_ALPHA || sep->type != TOK_SEP
            || a->len < 3 || b->len < 3 || word_in(wa, a->len, known)
            || word_in(wb, b->len, known))
            continue;
        capital_a = isupper((unsigned char)wa[0]);
        capital_b = isupper((unsigned char)wb[0]);
        spaced = memchr(base + sep->start, ' ', sep->len) != NULL;
        if ((capital_a && capital_b) || spaced) {
            snprintf(detail, size, "two words that may be a name");
            return COL_PII_NAME;
        }
    }
    /* JohnSmith: a capital inside a run of letters, no separator */
    for (size_t i = 0; i + 1 < nt; i++)
        if (t[i].type == TOK_ALPHA && t[i + 1].type == TOK_ALPHA && t[i].len >= 3
            && t[i + 1].len >= 3 && !word_in(base + t[i].start, t[i].len, known)
            && !word_in(base + t[i + 1].start, t[i + 1].len, known)) {
            snprintf(detail, size, "two words that may be a name");
            return COL_PII_NAME;
        }
    return COL_PII_NONE;
}
