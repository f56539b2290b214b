#ifndef COL_CODEBOOK_H
#define COL_CODEBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include <regex.h>

#include "csv_reader.h"

/* Codebook v1: the two file kinds, their columns, and the counties
 * (docs/codebook.md is the description for people). Pure: no I/O. */

enum col_kind { COL_KIND_RESPONSES, COL_KIND_FRAME };

/* Every column either kind can have; a kind uses a subset. */
enum col_column {
    COL_SURVEY_YEAR,
    COL_COUNTY,
    COL_RESPONDENT_ID,
    COL_ROLE,
    COL_CASELOAD,
    COL_CONFIRMED,
    COL_SUSPECTED,
    COL_OFFICERS_TOTAL,
    COL_YOUTH_TOTAL,
    COL_NCOLUMNS
};

#define COL_YEAR_MIN 2000
#define COL_YEAR_MAX 2100
#define COL_NYEARS (COL_YEAR_MAX - COL_YEAR_MIN + 1)
#define COL_NCOUNTIES 15
#define COL_RESPONDENT_ID_MAX 64
#define COL_CASELOAD_MAX 1000
/* Upper bounds that no Arizona county comes near; they keep sums in int. */
#define COL_OFFICERS_MAX 100000
#define COL_YOUTH_MAX 10000000

enum col_role { COL_ROLE_PROBATION_OFFICER, COL_ROLE_SUPERVISOR, COL_ROLE_OTHER };

struct col_county {
    const char *fips;     /* "04013" */
    const char *name;     /* "Maricopa" */
};

extern const struct col_county col_counties[COL_NCOUNTIES];

/* "responses" / "frame" */
const char *col_kind_name(enum col_kind kind);
bool col_kind_parse(const char *s, enum col_kind *out);

/* Canonical column name ("survey_year"). */
const char *col_column_name(enum col_column c);
/* Columns of a kind in codebook order, and how many. */
const enum col_column *col_kind_columns(enum col_kind kind, size_t *n);
bool col_column_required(enum col_kind kind, enum col_column c);

/* County from its name (any case, surrounding spaces ignored, "La Paz"
 * and "Santa Cruz" with their space) or its 5-digit FIPS code. Returns
 * the index in col_counties, or -1. */
int col_county_find(const char *s);
/* The same for s[0..len) (not necessarily NUL-terminated). */
int col_county_find_n(const char *s, size_t len);
/* Index of a FIPS code such as "04013", or -1. */
int col_county_by_fips(const char *fips);

const char *col_role_name(enum col_role r);
/* Empty (after trimming) means probation_officer; any case accepted. */
bool col_role_parse(const char *s, enum col_role *out);
bool col_role_parse_n(const char *s, size_t len, enum col_role *out);

/* ---- header ------------------------------------------------------------- */

enum col_header_problem {
    COL_HDR_OK = 0,
    COL_HDR_EMPTY_NAME,       /* a header field with no name */
    COL_HDR_UNKNOWN,          /* not in the codebook and not ignored */
    COL_HDR_DUPLICATE,        /* the same column twice */
    COL_HDR_MISSING           /* a required column is absent */
};

struct col_header_issue {
    enum col_header_problem problem;
    size_t field;             /* 0-based header field (not for MISSING) */
    enum col_column column;   /* DUPLICATE, MISSING */
    size_t first_field;       /* DUPLICATE: where it was first */
    char suggestion[32];      /* UNKNOWN: a codebook column it resembles, or "" */
};

#define COL_HEADER_ISSUES_MAX 32

struct col_header {
    enum col_kind kind;
    size_t nfields;                           /* fields in the header row */
    int field_of[COL_NCOLUMNS];               /* header field of each column, -1 */
    signed char column_of[COL_CSV_FIELDS_MAX];/* column of each field, -1 ignored */
    char display[COL_CSV_FIELDS_MAX][64];     /* each header name, trimmed,
                                                 shortened for messages */
    size_t nissues;
    size_t issues_dropped;                    /* beyond COL_HEADER_ISSUES_MAX */
    const regex_t *id_pattern;                /* --id-pattern, or NULL for the
                                                 default (a digit somewhere) */
    struct col_header_issue issue[COL_HEADER_ISSUES_MAX];
};

/* Map a header row onto the codebook: names matched without regard to
 * case or surrounding spaces; a name in ignore[0..nignore) (same
 * matching) is skipped. Fills h, issues included; returns true when there
 * is no issue. */
bool col_header_map(enum col_kind kind, const struct col_csv_row *row,
                    const char *const *ignore, size_t nignore, struct col_header *h);

/* Trim ASCII spaces and tabs: returns the first non-space byte and sets
 * *len to the trimmed length. */
const char *col_trim(const char *s, size_t *len);

/* Copy s[0..len) into out for a message: control characters (and, when
 * bad_utf8, every non-ASCII byte) become '?', and a long text is cut at a
 * character boundary with "...". size must be at least 8. */
void col_display(const char *s, size_t len, bool bad_utf8, char *out, size_t size);

#endif
