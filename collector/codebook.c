/* Codebook v1 (docs/codebook.md). The county list repeats sql/001_init.sql
 * on purpose: `check --offline` must know the counties without a
 * database; tests/unit/test_codebook.c keeps the two in step. */
#include "codebook.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const struct col_county col_counties[COL_NCOUNTIES] = {
    {"04001", "Apache"},
    {"04003", "Cochise"},
    {"04005", "Coconino"},
    {"04007", "Gila"},
    {"04009", "Graham"},
    {"04011", "Greenlee"},
    {"04012", "La Paz"},
    {"04013", "Maricopa"},
    {"04015", "Mohave"},
    {"04017", "Navajo"},
    {"04019", "Pima"},
    {"04021", "Pinal"},
    {"04023", "Santa Cruz"},
    {"04025", "Yavapai"},
    {"04027", "Yuma"},
};

static const char *const column_names[COL_NCOLUMNS] = {
    "survey_year", "county", "respondent_id", "role", "caseload", "confirmed",
    "suspected", "officers_total", "youth_total",
};

static const enum col_column response_columns[] = {
    COL_SURVEY_YEAR, COL_COUNTY, COL_RESPONDENT_ID, COL_ROLE, COL_CASELOAD,
    COL_CONFIRMED, COL_SUSPECTED,
};

static const enum col_column frame_columns[] = {
    COL_SURVEY_YEAR, COL_COUNTY, COL_OFFICERS_TOTAL, COL_YOUTH_TOTAL,
};

const char *col_kind_name(enum col_kind kind)
{
    return kind == COL_KIND_FRAME ? "frame" : "responses";
}

bool col_kind_parse(const char *s, enum col_kind *out)
{
    if (strcmp(s, "responses") == 0) {
        *out = COL_KIND_RESPONSES;
        return true;
    }
    if (strcmp(s, "frame") == 0 || strcmp(s, "frames") == 0) {
        *out = COL_KIND_FRAME;
        return true;
    }
    return false;
}

const char *col_column_name(enum col_column c)
{
    return (c >= 0 && c < COL_NCOLUMNS) ? column_names[c] : "?";
}

const enum col_column *col_kind_columns(enum col_kind kind, size_t *n)
{
    if (kind == COL_KIND_FRAME) {
        *n = sizeof frame_columns / sizeof frame_columns[0];
        return frame_columns;
    }
    *n = sizeof response_columns / sizeof response_columns[0];
    return response_columns;
}

bool col_column_required(enum col_kind kind, enum col_column c)
{
    size_t n;
    const enum col_column *cols = col_kind_columns(kind, &n);

    if (c == COL_ROLE)
        return false;
    for (size_t i = 0; i < n; i++)
        if (cols[i] == c)
            return true;
    return false;
}

const char *col_trim(const char *s, size_t *len)
{
    size_t n = *len;

    if (n == 0 || (s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t'))
        return s;

    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

static bool equal_nocase(const char *a, size_t alen, const char *b)
{
    return strlen(b) == alen && strncasecmp(a, b, alen) == 0;
}

int col_county_by_fips(const char *fips)
{
    for (int i = 0; i < COL_NCOUNTIES; i++)
        if (strcmp(col_counties[i].fips, fips) == 0)
            return i;
    return -1;
}

int col_county_find(const char *s)
{
    return col_county_find_n(s, strlen(s));
}

int col_county_find_n(const char *s, size_t len)
{
    /* name lengths, in col_counties order */
    static const unsigned char name_len[COL_NCOUNTIES] = {6, 7, 8, 4, 6, 8, 6, 8, 6, 6,
                                                          4, 5, 10, 7, 4};
    const char *t = col_trim(s, &len);

    /* Excel's non-breaking spaces around a pasted name */
    while (len >= 2 && (unsigned char)t[len - 2] == 0xC2 && (unsigned char)t[len - 1] == 0xA0) {
        len -= 2;
        t = col_trim(t, &len);
    }
    while (len >= 2 && (unsigned char)t[0] == 0xC2 && (unsigned char)t[1] == 0xA0) {
        t += 2;
        len -= 2;
        t = col_trim(t, &len);
    }
    if (len == 5 && t[0] == '0') {
        for (int i = 0; i < COL_NCOUNTIES; i++)
            if (memcmp(t, col_counties[i].fips, 5) == 0)
                return i;
        return -1;
    }
    for (int i = 0; i < COL_NCOUNTIES; i++)
        if (name_len[i] == len && strncasecmp(t, col_counties[i].name, len) == 0)
            return i;
    return -1;
}

const char *col_role_name(enum col_role r)
{
    switch (r) {
    case COL_ROLE_SUPERVISOR: return "supervisor";
    case COL_ROLE_OTHER: return "other";
    case COL_ROLE_PROBATION_OFFICER: break;
    }
    return "probation_officer";
}

bool col_role_parse(const char *s, enum col_role *out)
{
    return col_role_parse_n(s, strlen(s), out);
}

/* A role's label as a person types it: "Probation Officer",
 * "probation-officer", "PROBATION OFFICER" are probation_officer. Only
 * spaces, '-' and '_' between the words are dropped; nothing is guessed. */
static bool role_label(const char *t, size_t len, const char *want)
{
    size_t i = 0, j = 0;

    while (i < len && want[j] != '\0') {
        char a = (char)tolower((unsigned char)t[i]), b = want[j];
        if (b == '_') {
            if (a != ' ' && a != '-' && a != '_')
                return false;
            while (i < len && (t[i] == ' ' || t[i] == '-' || t[i] == '_'))
                i++;
            j++;
            continue;
        }
        if (a != b)
            return false;
        i++;
        j++;
    }
    return i == len && want[j] == '\0';
}

bool col_role_parse_n(const char *s, size_t len, enum col_role *out)
{
    const char *t = col_trim(s, &len);

    if (len == 0 || role_label(t, len, "probation_officer"))
        *out = COL_ROLE_PROBATION_OFFICER;
    else if (role_label(t, len, "supervisor"))
        *out = COL_ROLE_SUPERVISOR;
    else if (role_label(t, len, "other"))
        *out = COL_ROLE_OTHER;
    else
        return false;
    return true;
}

void col_display(const char *s, size_t len, bool bad_utf8, char *out, size_t size)
{
    size_t o = 0, i;

    for (i = 0; i < len && o + 4 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || (bad_utf8 && c >= 0x80))
            out[o++] = '?';
        else
            out[o++] = (char)c;
    }
    if (i < len) {
        /* never cut a UTF-8 sequence in half */
        while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 0 && (unsigned char)out[o - 1] >= 0xC0)
            o--;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

/* ---- header ------------------------------------------------------------- */

/* Letters and digits only, lowercased: "Survey Year" and "survey-year"
 * both become "surveyyear", to suggest the column meant. */
static void loose(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0;

    for (size_t i = 0; i < len && o + 1 < size; i++)
        if (isalnum((unsigned char)s[i]) && (unsigned char)s[i] < 0x80)
            out[o++] = (char)tolower((unsigned char)s[i]);
    out[o] = '\0';
}

/* Edit distance of two short strings (at most 63 bytes each). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

    if (la > 63 || lb > 63)
        return 64;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof cur[0]);
    }
    return prev[lb];
}

/* The codebook column a header name most likely means, or NULL: the same
 * letters ("Survey Year"), a name that holds the column's
 * ("Confirmed victims", "caseload size"), the column's name holding it
 * ("year"), its first word ("officers" in "total officers"), or a typo
 * (two letters off). have is loose(). */
static const char *suggest_column(const char *have, const enum col_column *cols, size_t ncols)
{
    char want[64];

    if (have[0] == '\0')
        return NULL;
    for (size_t i = 0; i < ncols; i++) {
        loose(column_names[cols[i]], strlen(column_names[cols[i]]), want, sizeof want);
        if (strcmp(want, have) == 0 || strstr(have, want) != NULL
            || (strlen(have) >= 4 && strstr(want, have) != NULL))
            return column_names[cols[i]];
    }
    for (size_t i = 0; i < ncols; i++) {
        const char *name = column_names[cols[i]], *us = strchr(name, '_');
        size_t n = us != NULL ? (size_t)(us - name) : strlen(name);
        loose(name, n, want, sizeof want);
        if (strlen(want) >= 5 && strstr(have, want) != NULL)
            return name;
    }
    for (size_t i = 0; i < ncols; i++) {
        loose(column_names[cols[i]], strlen(column_names[cols[i]]), want, sizeof want);
        if (strlen(have) >= 4 && distance(want, have) <= 2)
            return column_names[cols[i]];
    }
    return NULL;
}

static void add_issue(struct col_header *h, enum col_header_problem p, size_t field,
                      enum col_column column, size_t first_field, const char *suggestion)
{
    struct col_header_issue *is;

    if (h->nissues == COL_HEADER_ISSUES_MAX) {
        h->issues_dropped++;
        return;
    }
    is = &h->issue[h->nissues++];
    memset(is, 0, sizeof *is);
    is->problem = p;
    is->field = field;
    is->column = column;
    is->first_field = first_field;
    if (suggestion != NULL)
        snprintf(is->suggestion, sizeof is->suggestion, "%s", suggestion);
}

static bool ignored(const char *name, size_t len, const char *const *ignore, size_t nignore)
{
    for (size_t i = 0; i < nignore; i++) {
        size_t ilen = strlen(ignore[i]);
        const char *t = col_trim(ignore[i], &ilen);
        if (ilen == len && strncasecmp(t, name, len) == 0)
            return true;
    }
    return false;
}

bool col_header_map(enum col_kind kind, const struct col_csv_row *row,
                    const char *const *ignore, size_t nignore, struct col_header *h)
{
    size_t ncols;
    const enum col_column *cols = col_kind_columns(kind, &ncols);

    memset(h, 0, sizeof *h);
    h->kind = kind;
    h->nfields = row->nfields;
    for (int c = 0; c < COL_NCOLUMNS; c++)
        h->field_of[c] = -1;
    for (size_t f = 0; f < row->nfields; f++) {
        size_t len = row->len[f];
        const char *name = col_trim(row->value[f], &len);
        int found = -1;

        h->column_of[f] = -1;
        /* A header name is shown in messages; keep it short and printable. */
        col_display(name, len, (row->flags[f] & COL_FIELD_BAD_UTF8) != 0, h->display[f],
                    sizeof h->display[f]);
        if (len == 0) {
            add_issue(h, COL_HDR_EMPTY_NAME, f, COL_NCOLUMNS, 0, NULL);
            continue;
        }
        for (size_t i = 0; i < ncols; i++)
            if (equal_nocase(name, len, column_names[cols[i]]))
                found = (int)cols[i];
        if (found < 0) {
            char have[64];
            const char *suggest = NULL;
            if (ignored(name, len, ignore, nignore))
                continue;
            loose(name, len, have, sizeof have);
            suggest = suggest_column(have, cols, ncols);
            add_issue(h, COL_HDR_UNKNOWN, f, COL_NCOLUMNS, 0, suggest);
            continue;
        }
        if (h->field_of[found] >= 0) {
            add_issue(h, COL_HDR_DUPLICATE, f, (enum col_column)found,
                      (size_t)h->field_of[found], NULL);
            continue;
        }
        h->field_of[found] = (int)f;
        h->column_of[f] = (signed char)found;
    }
    /* "did you mean confirmed?" is wrong when confirmed is there too */
    for (size_t i = 0; i < h->nissues; i++) {
        struct col_header_issue *is = &h->issue[i];
        for (size_t k = 0; k < ncols && is->problem == COL_HDR_UNKNOWN; k++)
            if (strcmp(is->suggestion, column_names[cols[k]]) == 0 && h->field_of[cols[k]] >= 0)
                is->suggestion[0] = '\0';
    }
    for (size_t i = 0; i < ncols; i++)
        if (h->field_of[cols[i]] < 0 && col_column_required(kind, cols[i]))
            add_issue(h, COL_HDR_MISSING, 0, cols[i], 0, NULL);
    return h->nissues == 0 && h->issues_dropped == 0;
}
