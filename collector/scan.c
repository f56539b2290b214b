#include "scan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "firewall.h"
#include "xlsx_reader.h"

/* How many rows after a first row that names no column are tried as the
 * header (a title, a note, a blank row above it). */
#define HEADER_LOOKAHEAD 10

/* on_row's answer when the file must not be read further (a column names
 * a person): not an error code, just "stop". */
#define STOP_READING 1000

int col_scan_init(struct col_scan *sc, struct prev_error *err)
{
    sc->header_seen = false;
    sc->header_usable = false;
    sc->refused_privacy = false;
    sc->rows = 0;
    sc->valid_rows = 0;
    memset(sc->year_seen, 0, sizeof sc->year_seen);
    memset(&sc->stats, 0, sizeof sc->stats);
    sc->cells = calloc((size_t)COL_NYEARS * COL_NCOUNTIES, sizeof *sc->cells);
    sc->ids = sc->kind == COL_KIND_RESPONSES ? col_idset_new() : NULL;
    if (sc->cells == NULL || (sc->kind == COL_KIND_RESPONSES && sc->ids == NULL)) {
        col_scan_free(sc);
        return prev_fail(err, PREV_EX_SOFTWARE, sc->name, "out of memory");
    }
    if (sc->ids != NULL && sc->size_hint > 0) {
        /* A response row is some 40 bytes; a guess too large costs
         * zeroed memory, one too small a rehash or two.
         * Failing here is fine: the set grows as needed. */
        uint64_t guess = sc->size_hint / 40;
        col_idset_reserve(sc->ids, guess > 8000000 ? 8000000 : (size_t)guess);
    }
    return 0;
}

void col_scan_free(struct col_scan *sc)
{
    free(sc->probe);
    sc->probe = NULL;
    free(sc->cells);
    sc->cells = NULL;
    col_idset_free(sc->ids);
    sc->ids = NULL;
}

struct col_cell *col_scan_cell(struct col_scan *sc, int year, int county)
{
    return &sc->cells[(size_t)(year - COL_YEAR_MIN) * COL_NCOUNTIES + (size_t)county];
}

/* The rejects row for a CSV row: values by the header's mapping (or by
 * position when the row is ragged, which is the best guess left). */
static void reject_csv_row(struct col_scan *sc, const struct col_csv_row *row,
                           const char *problems)
{
    const char *values[COL_NCOLUMNS] = {NULL};
    unsigned char flags[COL_NCOLUMNS] = {0};

    if (sc->rejects == NULL)
        return;
    for (size_t f = 0; f < row->nfields && f < sc->header.nfields; f++) {
        int c = sc->header.column_of[f];
        if (c < 0)
            continue;
        values[c] = row->value[f];
        flags[c] = row->flags[f];
    }
    col_rejects_row(sc->rejects, sc->name, row->line, problems, values, flags);
}

/* Print the problems of one row and list it in the rejects file. */
static void report(struct col_scan *sc, const struct col_csv_row *row,
                   const struct col_problems *p, bool header_row)
{
    char joined[COL_ROW_PROBLEMS_MAX * 330];
    size_t o = 0;
    bool any_error = false;

    joined[0] = '\0';
    for (size_t i = 0; i < p->n; i++) {
        const struct col_problem *it = &p->item[i];
        const char *column = it->column < COL_NCOLUMNS ? col_column_name(it->column) : NULL;
        if (it->code != COL_PC_NONE && column != NULL)
            col_diag_emit_grouped(sc->diag, row->line, column, it->code, it->warning, "%s",
                                  it->msg);
        else
            col_diag_emit(sc->diag, row->line, column, it->warning, "%s", it->msg);
        if (!it->warning)
            any_error = true;
        if (o + 4 < sizeof joined)
            o += (size_t)snprintf(joined + o, sizeof joined - o, "%s%s%s%s",
                                  o > 0 ? "; " : "", column != NULL ? column : "",
                                  column != NULL ? ": " : "", it->msg);
        if (o >= sizeof joined)
            o = sizeof joined - 1;
    }
    if (!any_error)
        return;
    if (header_row) {
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, row->line, joined, NULL, NULL);
    } else {
        reject_csv_row(sc, row, joined);
    }
}

/* Header problems, printed and gathered for the rejects file's one line
 * about the header. */
struct header_report {
    struct col_scan *sc;
    uint64_t line;
    char joined[4096];
    size_t o;
};

static void header_problem(struct header_report *hr, int field, const char *column,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void header_problem(struct header_report *hr, int field, const char *column,
                           const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    col_diag_emit_field(hr->sc->diag, hr->line, field, column, false, "%s", msg);
    if (hr->o + 4 < sizeof hr->joined)
        hr->o += (size_t)snprintf(hr->joined + hr->o, sizeof hr->joined - hr->o, "%s%s%s%s",
                                  hr->o > 0 ? "; " : "", column != NULL ? column : "",
                                  column != NULL ? ": " : "", msg);
    if (hr->o >= sizeof hr->joined)
        hr->o = sizeof hr->joined - 1;
}

static bool all_empty_row(const struct col_csv_row *row);

/* The firewall over the header, every column, ignored ones included: a
 * file that carries a person's name is refused whatever else it holds.
 * True when it refused the file. */
static bool header_firewall(struct col_scan *sc, const struct col_csv_row *row,
                            struct header_report *hr)
{
    struct col_header *h = &sc->header;
    bool pii = false;

    for (size_t f = 0; f < row->nfields; f++) {
        enum col_pii kind;
        /* A header field that is itself an identifying value (a file
         * whose header row is missing starts with data) must not be
         * echoed as a column name either, readable text or not (the
         * unknown-column message shows unreadable bytes as '?'). */
        if ((kind = col_firewall_value(row->value[f], row->len[f])) != COL_PII_NONE) {
            header_problem(hr, (int)f, NULL,
                           "header field %zu holds what looks like %s, not a column name "
                           "(is the header row missing?); the survey must not identify "
                           "anyone, so the file is refused", f + 1, col_pii_describe(kind));
            pii = true;
            continue;
        }
        if (row->flags[f] & (COL_FIELD_BAD_UTF8 | COL_FIELD_NUL)) {
            header_problem(hr, (int)f, NULL, "header field %zu is not valid UTF-8 text (save "
                           "the file as 'CSV UTF-8')", f + 1);
            continue;
        }
        if (row->flags[f] & (COL_FIELD_DATE | COL_FIELD_ERROR | COL_FIELD_NO_VALUE)) {
            header_problem(hr, (int)f, NULL, "header field %zu is not a column name (a date, "
                           "an error value or a formula); the header row names the columns",
                           f + 1);
            continue;
        }
        kind = col_firewall_column(row->value[f]);
        if (kind != COL_PII_NONE) {
            header_problem(hr, (int)f, h->display[f],
                           "this column would hold %s; the survey must not identify anyone, "
                           "so the file is refused: delete the column and send the file again",
                           col_pii_describe(kind));
            pii = true;
        }
    }
    if (pii) {
        sc->refused_privacy = true;
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, row->line, hr->joined, NULL, NULL);
    }
    return pii;
}

/* Was column c suggested for an unknown header name? Then that message
 * already says what to do, and "missing" would only repeat it. */
static bool suggested(const struct col_header *h, enum col_column c)
{
    for (size_t i = 0; i < h->nissues; i++)
        if (h->issue[i].problem == COL_HDR_UNKNOWN
            && strcmp(h->issue[i].suggestion, col_column_name(c)) == 0)
            return true;
    return false;
}

/* Header problems come as messages about named columns: the column in the
 * location is the name as the file spells it. */
static void header_issues(struct col_scan *sc, struct header_report *hr)
{
    struct col_header *h = &sc->header;

    for (size_t i = 0; i < h->nissues; i++) {
        const struct col_header_issue *is = &h->issue[i];
        switch (is->problem) {
        case COL_HDR_EMPTY_NAME:
            header_problem(hr, (int)is->field, NULL, "header field %zu has no name; every "
                           "column needs one (a stray comma at the end of the header?)",
                           is->field + 1);
            break;
        case COL_HDR_UNKNOWN:
            /* A file whose header row is missing shows its first row here:
             * a name that reads like a person's is not repeated. */
            /* A name that holds a codebook column's words is a column
             * name ("Confirmed victims"), not a person's. */
            if (is->suggestion[0] == '\0'
                && col_firewall_file_name(h->display[is->field], NULL, 0) != COL_PII_NONE) {
                char shape[96];
                col_describe_value(h->display[is->field], strlen(h->display[is->field]), 0,
                                   shape, sizeof shape);
                header_problem(hr, (int)is->field, NULL, "header field %zu is not a column "
                               "of the codebook (%s; not shown, it may be a value: is the "
                               "header row missing?)", is->field + 1, shape);
            } else if (is->suggestion[0] != '\0')
                header_problem(hr, (int)is->field, h->display[is->field],
                               "unknown column; did you mean %s? rename the header to %s",
                               is->suggestion, is->suggestion);
            else
                header_problem(hr, (int)is->field, h->display[is->field],
                               "unknown column; remove it, or load with --ignore-column '%s' "
                               "to skip it", h->display[is->field]);
            break;
        case COL_HDR_DUPLICATE:
            header_problem(hr, (int)is->field, col_column_name(is->column),
                           "column appears twice in the header (fields %zu and %zu)",
                           is->first_field + 1, is->field + 1);
            break;
        case COL_HDR_MISSING:
            if (!suggested(h, is->column))
                header_problem(hr, -1, col_column_name(is->column),
                               "required column is missing from the header");
            break;
        case COL_HDR_OK:
            break;
        }
    }
    if (h->issues_dropped > 0)
        header_problem(hr, -1, NULL, "and %zu more problems with the header",
                       h->issues_dropped);
    if (hr->o > 0 && sc->rejects != NULL)
        col_rejects_row(sc->rejects, sc->name, hr->line, hr->joined, NULL, NULL);
    /* Rows can still be checked column by column, so that one run shows
     * everything; a duplicated column is ambiguous, the rest is not. */
    sc->header_usable = true;
    for (size_t i = 0; i < h->nissues; i++)
        if (h->issue[i].problem == COL_HDR_DUPLICATE)
            sc->header_usable = false;
}

static void header_report_init(struct header_report *hr, struct col_scan *sc, uint64_t line)
{
    hr->sc = sc;
    hr->line = line;
    hr->joined[0] = '\0';
    hr->o = 0;
}

static size_t columns_named(const struct col_header *h)
{
    size_t n = 0;
    for (int c = 0; c < COL_NCOLUMNS; c++)
        if (h->field_of[c] >= 0)
            n++;
    return n;
}

/* A header written with another delimiter (a European Excel's ';', or a
 * tab) reads as one field holding the names: 0, or the delimiter. */
static char other_delimiter(struct col_scan *sc, const struct col_csv_row *row)
{
    static const char delims[] = {';', '\t', '|'};

    for (size_t d = 0; d < sizeof delims; d++) {
        size_t hits = 0;
        for (size_t f = 0; f < row->nfields; f++) {
            const char *p = row->value[f], *end = p + row->len[f];
            if (memchr(p, delims[d], row->len[f]) == NULL)
                continue;
            while (p <= end) {
                const char *q = memchr(p, delims[d], (size_t)(end - p));
                size_t n = (size_t)((q != NULL ? q : end) - p);
                const char *t = col_trim(p, &n);
                size_t ncols;
                const enum col_column *cols = col_kind_columns(sc->kind, &ncols);
                for (size_t i = 0; i < ncols; i++)
                    if (strlen(col_column_name(cols[i])) == n
                        && strncasecmp(t, col_column_name(cols[i]), n) == 0)
                        hits++;
                if (q == NULL)
                    break;
                p = q + 1;
            }
        }
        if (hits >= 2)
            return delims[d];
    }
    return 0;
}

static void refuse_file(struct col_scan *sc, uint64_t line, const char *msg)
{
    col_diag_emit(sc->diag, line, NULL, false, "%s", msg);
    if (sc->rejects != NULL)
        col_rejects_row(sc->rejects, sc->name, line, msg, NULL, NULL);
    sc->stopped = true;
}

/* The first row with anything in it: the header, or a sign that the
 * header is elsewhere. */
static int check_header(struct col_scan *sc, const struct col_csv_row *row)
{
    struct header_report hr;
    char delim;

    if (!sc->xlsx && (delim = other_delimiter(sc, row)) != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "this file uses %s between fields, not commas: in Excel, "
                 "save it as 'CSV UTF-8 (Comma delimited)' (*.csv)",
                 delim == ';' ? "';'" : delim == '\t' ? "tabs" : "'|'");
        refuse_file(sc, row->line, msg);
        return STOP_READING;
    }
    col_header_map(sc->kind, row, sc->ignore, sc->nignore, &sc->header);
    sc->header.id_pattern = sc->id_pattern;
    header_report_init(&hr, sc, row->line);
    if (header_firewall(sc, row, &hr))
        return STOP_READING;
    if (columns_named(&sc->header) == 0) {
        /* Nothing of the codebook here: a title or a blank row above the
         * header, perhaps. Look a few rows further before saying so. */
        sc->hdr_pending = true;
        sc->hdr_line = row->line;
        sc->hdr_lookahead = 0;
        return 0;
    }
    header_issues(sc, &hr);
    return 0;
}

/* The first row named no column: is this row the header? */
static int try_later_header(struct col_scan *sc, const struct col_csv_row *row)
{
    struct header_report hr;

    if (sc->probe == NULL && (sc->probe = malloc(sizeof *sc->probe)) == NULL)
        return prev_fail(sc->sink_err, PREV_EX_SOFTWARE, sc->name, "out of memory");
    col_header_map(sc->kind, row, sc->ignore, sc->nignore, sc->probe);
    if (columns_named(sc->probe) >= 2) {
        char msg[400];
        uint64_t above = row->line - sc->hdr_line;
        snprintf(msg, sizeof msg, "the header must be the first row: %s %llu looks like the "
                 "header; delete the %s above it (a title, a note or a blank row)",
                 sc->xlsx ? "row" : "line", (unsigned long long)row->line,
                 above == 1 ? "row" : "rows");
        sc->hdr_pending = false;
        refuse_file(sc, sc->hdr_line, msg);
        return STOP_READING;
    }
    if (!all_empty_row(row))
        sc->rows++;
    if (++sc->hdr_lookahead >= HEADER_LOOKAHEAD) {
        sc->hdr_pending = false;
        header_report_init(&hr, sc, sc->hdr_line);
        header_issues(sc, &hr);
        sc->header_usable = false;    /* not one column to check */
    }
    return 0;
}

/* A "Total" or "Sum" row that a spreadsheet user adds under the data. */
static bool totals_row(const struct col_csv_row *row, const char **word)
{
    static const char *const words[] = {"total", "totals", "total:", "sum", "sum:",
                                        "grand total", "subtotal", "sub-total", "count"};

    for (size_t f = 0; f < row->nfields; f++) {
        size_t len = row->len[f];
        const char *t = col_trim(row->value[f], &len);
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strlen(words[i]) == len && strncasecmp(t, words[i], len) == 0) {
                *word = words[i];
                return true;
            }
    }
    return false;
}

/* A row of the responses template that nobody filled: nothing but the
 * survey year and county it came with (and perhaps a role). A frame has
 * one row per county and every row is data: a blank count there is an
 * error, never a row to skip. */
static bool unfilled_template_row(const struct col_scan *sc, const struct col_csv_row *row)
{
    const struct col_header *h = &sc->header;
    bool any = false;

    if (sc->kind != COL_KIND_RESPONSES)
        return false;
    if (row->nfields != h->nfields)
        return false;
    for (size_t f = 0; f < row->nfields; f++) {
        int c = h->column_of[f];
        size_t len = row->len[f];
        col_trim(row->value[f], &len);
        if (len == 0)
            continue;
        if (c == COL_SURVEY_YEAR || c == COL_COUNTY || c == COL_ROLE) {
            any = true;
            continue;
        }
        return false;
    }
    return any && h->field_of[COL_SURVEY_YEAR] >= 0 && h->field_of[COL_COUNTY] >= 0;
}

static bool all_empty_row(const struct col_csv_row *row)
{
    for (size_t f = 0; f < row->nfields; f++) {
        size_t len = row->len[f];
        col_trim(row->value[f], &len);
        if (len > 0)
            return false;
    }
    return true;
}

/* Rules across rows of this file: a respondent once per year, a frame
 * row once per county-year. */
static bool check_unique(struct col_scan *sc, const struct col_record *rec, bool row_ok,
                         uint64_t line, struct col_problems *p, int *oom)
{
    if (sc->kind == COL_KIND_RESPONSES) {
        size_t len = rec->respondent_id_len;
        /* the prefetch saw the same bytes unless the key was not valid */
        uint64_t h = (rec->survey_year == sc->pf_year && len == sc->pf_len)
                         ? sc->pf_hash : col_idset_hash(rec->survey_year, rec->respondent_id, len);
        /* what the row adds to the totals if nothing else is wrong with it
         * (on_row's rules), to take back should it prove a repeat later */
        struct col_idset_row row = {
            row_ok && (sc->only_county == 0 || rec->county == sc->only_county - 1),
            (uint8_t)rec->county, (uint16_t)rec->caseload, (uint16_t)rec->confirmed,
            (uint16_t)rec->suspected};
        uint64_t first = 0;
        int r = col_idset_add(sc->ids, h, rec->survey_year, rec->respondent_id, len, line,
                              !row_ok, &row, &first);
        if (r < 0) {
            *oom = 1;
            return false;
        }
        if (r == 1) {
            col_problem_add(p, COL_RESPONDENT_ID, false, false,
                            "respondent '%s' appears twice for %d (first on line %llu)",
                            rec->respondent_id, rec->survey_year, (unsigned long long)first);
            return false;
        }
        return true;
    }
    {
        struct col_cell *c = col_scan_cell(sc, rec->survey_year, rec->county);
        if (c->first_line != 0) {
            col_problem_add(p, COL_COUNTY, false, false,
                            "%s %d appears twice (first on line %llu)",
                            col_counties[rec->county].name, rec->survey_year,
                            (unsigned long long)c->first_line);
            return false;
        }
        if (!row_ok)
            return true;
        c->first_line = line;
        c->officers_total = rec->officers_total;
        c->youth_total = rec->youth_total;
        return true;
    }
}

/* The duplicate check's slot is a cache miss; asking for it before
 * validating the row lets the validation hide the wait. A key that
 * turns out invalid only wastes the prefetch. */
static void prefetch_key(struct col_scan *sc, const struct col_csv_row *row)
{
    int fy = sc->header.field_of[COL_SURVEY_YEAR], fi = sc->header.field_of[COL_RESPONDENT_ID];
    size_t ylen, ilen;
    const char *y, *id;
    int year = 0;

    sc->pf_len = (size_t)-1;
    if (fy < 0 || fi < 0 || (size_t)fy >= row->nfields || (size_t)fi >= row->nfields)
        return;
    ylen = row->len[fy];
    y = col_trim(row->value[fy], &ylen);
    ilen = row->len[fi];
    id = col_trim(row->value[fi], &ilen);
    for (size_t i = 0; i < ylen && i < 4; i++)
        year = year * 10 + (y[i] - '0');
    sc->pf_year = year;
    sc->pf_len = ilen;
    sc->pf_hash = col_idset_hash(year, id, ilen);
    col_idset_prefetch(sc->ids, sc->pf_hash);
}

static int on_row(void *ctx, const struct col_csv_row *row)
{
    struct col_scan *sc = ctx;
    struct col_problems p;
    struct col_record rec;
    bool ok;
    int oom = 0;

    if (!sc->header_seen) {
        sc->header_seen = true;
        return check_header(sc, row);
    }
    if (sc->hdr_pending)
        return try_later_header(sc, row);
    if (all_empty_row(row))
        return 0;         /* ",,,,," rows that spreadsheets leave behind */
    if (sc->header_usable && unfilled_template_row(sc, row))
        return 0;
    sc->rows++;
    if (!sc->header_usable)
        return 0;
    {
        const char *word = NULL;
        if (totals_row(row, &word)) {
            char msg[300];
            snprintf(msg, sizeof msg, "this looks like a totals row ('%s'); the file holds "
                     "one row per %s and the tool adds them up itself: delete this row",
                     word, sc->kind == COL_KIND_FRAME ? "county and year" : "respondent");
            col_diag_emit(sc->diag, row->line, NULL, false, "%s", msg);
            if (sc->rejects != NULL)
                col_rejects_row(sc->rejects, sc->name, row->line, msg, NULL, NULL);
            return 0;
        }
    }
    if (sc->ids != NULL)
        prefetch_key(sc, row);
    col_problems_clear(&p);
    ok = col_validate_row(&sc->header, row, &rec, &p);
    /* Duplicates need a year and a key that are themselves valid. */
    if (row->nfields == sc->header.nfields && rec.survey_year != 0 && rec.county >= 0
        && (sc->kind == COL_KIND_FRAME || rec.respondent_id[0] != '\0')) {
        bool key_ok = true;
        for (size_t i = 0; i < p.n; i++)
            if (p.item[i].column == COL_SURVEY_YEAR || p.item[i].column == COL_RESPONDENT_ID
                || (sc->kind == COL_KIND_FRAME && p.item[i].column == COL_COUNTY))
                key_ok = false;
        if (key_ok && !check_unique(sc, &rec, ok, row->line, &p, &oom))
            ok = false;
        if (oom)
            return prev_fail(sc->sink_err, PREV_EX_SOFTWARE, sc->name, "out of memory, or "
                             "cannot write the respondent spill file in $TMPDIR");
    }
    if (p.n > 0)
        report(sc, row, &p, false);
    if (!ok)
        return 0;
    /* A county's own account may send its own county's rows only (the web
     * service's specialists); each other row is named by its line. */
    if (sc->only_county > 0 && rec.county != sc->only_county - 1) {
        col_diag_emit(sc->diag, row->line, col_column_name(COL_COUNTY), false,
                      "a row of %s; this account sends %s's rows only",
                      col_counties[rec.county].name, col_counties[sc->only_county - 1].name);
        return 0;
    }
    sc->year_seen[rec.survey_year - COL_YEAR_MIN] = true;
    sc->caseload_total += (uint64_t)rec.caseload;
    sc->confirmed_total += (uint64_t)rec.confirmed;
    sc->suspected_total += (uint64_t)rec.suspected;
    if (sc->kind == COL_KIND_RESPONSES) {
        struct col_cell *c = col_scan_cell(sc, rec.survey_year, rec.county);
        if (c->first_line == 0)
            c->first_line = row->line;
        c->respondents++;
        c->caseload += (uint64_t)rec.caseload;
    }
    sc->valid_rows++;
    /* Once a file has an error nothing of it is loaded: stop feeding the
     * sink, keep checking to report every problem. */
    if (sc->sink != NULL && sc->diag->errors == 0)
        return sc->sink(sc->sink_ctx, &rec, row->line, sc->sink_err);
    return 0;
}

static void on_progress(void *ctx, uint64_t bytes, uint64_t rows)
{
    struct col_scan *sc = ctx;

    if (sc->progress != NULL)
        col_progress_update(sc->progress, bytes, rows);
}

static bool utf16(const unsigned char *h, size_t n)
{
    if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF)))
        return true;
    /* without a byte-order mark: ASCII text with a NUL beside each byte */
    return n >= 4 && ((h[0] != 0 && h[1] == 0 && h[2] != 0 && h[3] == 0)
                      || (h[0] == 0 && h[1] != 0 && h[2] == 0 && h[3] != 0));
}

/* A respondent repeated past the exact part of the set, found at the end
 * of the file (idset.h): the same message as a repeat found at once, after
 * the file's other problems, and the row's share of the totals taken back. */
static void on_late_repeat(void *ctx, const struct col_idset_dup *d)
{
    struct col_scan *sc = ctx;
    char code[COL_RESPONDENT_ID_MAX + 1], msg[400];

    memcpy(code, d->id, d->len);
    code[d->len] = '\0';
    snprintf(msg, sizeof msg, "respondent '%s' appears twice for %d (first on line %llu)",
             code, d->year, (unsigned long long)d->first_line);
    col_diag_emit(sc->diag, d->line, col_column_name(COL_RESPONDENT_ID), false, "%s", msg);
    if (sc->rejects != NULL) {
        char joined[450];
        snprintf(joined, sizeof joined, "%s: %s", col_column_name(COL_RESPONDENT_ID), msg);
        col_rejects_row(sc->rejects, sc->name, d->line, joined, NULL, NULL);
    }
    if (d->row.counted) {
        struct col_cell *c = col_scan_cell(sc, d->year, d->row.county);
        sc->valid_rows--;
        sc->caseload_total -= d->row.caseload;
        sc->confirmed_total -= d->row.confirmed;
        sc->suspected_total -= d->row.suspected;
        c->respondents--;
        c->caseload -= d->row.caseload;
    }
}

int col_scan_run(struct col_scan *sc, FILE *fp, struct prev_error *err)
{
    unsigned char head[4];
    size_t nhead;
    int rc;

    sc->sink_err = err;
    sc->diag->field_of = sc->header.field_of;
    nhead = fread(head, 1, sizeof head, fp);
    if (utf16(head, nhead)) {
        refuse_file(sc, 0, "this file is UTF-16 text (Excel's 'Unicode Text'); save it as "
                    "'CSV UTF-8 (Comma delimited)' (*.csv) and send that");
        sc->header_seen = true;
        col_diag_flush(sc->diag);
        return 0;
    }
    if (col_xlsx_sniff(head, nhead)) {
        sc->xlsx = true;
        sc->diag->sheet = sc->stats.sheet;
        rc = col_xlsx_read_stream(fp, head, nhead, sc->name, sc->kind, on_row, sc, &sc->stats,
                                  err);
    } else {
        rc = col_csv_read_prefixed(head, nhead, fp, sc->name, on_row, on_progress, sc,
                                   &sc->stats, err);
    }
    if (sc->progress != NULL)
        col_progress_clear(sc->progress);
    if (rc == 0 && sc->hdr_pending) {
        /* the file ended before any row looked like the header */
        struct header_report hr;
        sc->hdr_pending = false;
        header_report_init(&hr, sc, sc->hdr_line);
        header_issues(sc, &hr);
        sc->header_usable = false;
    }
    if (rc == 0 && sc->ids != NULL && col_idset_resolve(sc->ids, on_late_repeat, sc) != 0) {
        col_diag_flush(sc->diag);
        return prev_fail(err, PREV_EX_IOERR, sc->name, "cannot read back the respondent "
                         "spill file in $TMPDIR");
    }
    if (rc == STOP_READING) {
        col_diag_flush(sc->diag);
        return 0;
    }
    if (rc == PREV_EX_DATA) {
        /* The reader could not go on; that is one more data problem, and
         * the file is refused like any other with problems. */
        char msg[600];
        snprintf(msg, sizeof msg, "%s", err->msg);
        col_diag_emit(sc->diag, sc->stats.error_line, NULL, false, "%s", msg);
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, sc->stats.error_line, msg, NULL, NULL);
        prev_error_clear(err);
        col_diag_flush(sc->diag);
        return 0;
    }
    if (rc != 0) {
        col_diag_flush(sc->diag);
        return rc;
    }
    if (!sc->header_seen) {
        col_diag_emit(sc->diag, 0, NULL, false,
                      "the file is empty; it needs a header row and at least one data row");
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, 0, "the file is empty", NULL, NULL);
    } else if (sc->rows == 0 && !sc->refused_privacy && !sc->stopped) {
        col_diag_emit(sc->diag, 0, NULL, false, "no data rows after the header");
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, 0, "no data rows after the header", NULL,
                            NULL);
    }
    col_diag_flush(sc->diag);
    return 0;
}
