#include "scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"

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

static void header_problem(struct header_report *hr, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void header_problem(struct header_report *hr, const char *column, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    col_diag_emit(hr->sc->diag, hr->line, column, false, "%s", msg);
    if (hr->o + 4 < sizeof hr->joined)
        hr->o += (size_t)snprintf(hr->joined + hr->o, sizeof hr->joined - hr->o, "%s%s%s%s",
                                  hr->o > 0 ? "; " : "", column != NULL ? column : "",
                                  column != NULL ? ": " : "", msg);
    if (hr->o >= sizeof hr->joined)
        hr->o = sizeof hr->joined - 1;
}

/* Header problems come as messages about named columns: the column in the
 * location is the name as the file spells it. */
static int check_header(struct col_scan *sc, const struct col_csv_row *row)
{
    struct col_header *h = &sc->header;
    struct header_report hr;
    bool pii = false;

    col_header_map(sc->kind, row, sc->ignore, sc->nignore, h);
    h->id_pattern = sc->id_pattern;
    hr.sc = sc;
    hr.line = row->line;
    hr.joined[0] = '\0';
    hr.o = 0;

    /* The firewall first, over every column, ignored ones included: a file
     * that carries a person's name is refused whatever else it holds. */
    for (size_t f = 0; f < row->nfields; f++) {
        enum col_pii kind;
        /* A header field that is itself an identifying value (a file
         * whose header row is missing starts with data) must not be
         * echoed as a column name either, readable text or not (the
         * unknown-column message shows unreadable bytes as '?'). */
        if ((kind = col_firewall_value(row->value[f], row->len[f])) != COL_PII_NONE) {
            header_problem(&hr, NULL,
                           "header field %zu holds what looks like %s, not a column name "
                           "(is the header row missing?); the survey must not identify "
                           "anyone, so the file is refused", f + 1, col_pii_describe(kind));
            pii = true;
            continue;
        }
        if (row->flags[f] & (COL_FIELD_BAD_UTF8 | COL_FIELD_NUL)) {
            header_problem(&hr, NULL, "header field %zu is not valid UTF-8 text (save the "
                           "file as 'CSV UTF-8')", f + 1);
            continue;
        }
        kind = col_firewall_column(row->value[f]);
        if (kind != COL_PII_NONE) {
            header_problem(&hr, h->display[f],
                           "this column would hold %s; the survey must not identify anyone, "
                           "so the file is refused: delete the column and send the file again",
                           col_pii_describe(kind));
            pii = true;
        }
    }
    if (pii) {
        sc->refused_privacy = true;
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, row->line, hr.joined, NULL, NULL);
        return STOP_READING;
    }
    for (size_t i = 0; i < h->nissues; i++) {
        const struct col_header_issue *is = &h->issue[i];
        switch (is->problem) {
        case COL_HDR_EMPTY_NAME:
            header_problem(&hr, NULL, "header field %zu has no name; every column needs one "
                           "(a stray comma at the end of the header?)", is->field + 1);
            break;
        case COL_HDR_UNKNOWN:
            /* A file whose header row is missing shows its first row here:
             * a name that reads like a person's is not repeated. */
            if (col_firewall_file_name(h->display[is->field], NULL, 0) != COL_PII_NONE) {
                char shape[96];
                col_describe_value(h->display[is->field], strlen(h->display[is->field]), 0,
                                   shape, sizeof shape);
                header_problem(&hr, NULL, "header field %zu is not a column of the codebook "
                               "(%s; not shown, it may be a value: is the header row "
                               "missing?)", is->field + 1, shape);
            } else if (is->suggestion[0] != '\0')
                header_problem(&hr, h->display[is->field], "unknown column; did you mean %s?",
                               is->suggestion);
            else
                header_problem(&hr, h->display[is->field],
                               "unknown column; remove it, or load with --ignore-column '%s' "
                               "to skip it", h->display[is->field]);
            break;
        case COL_HDR_DUPLICATE:
            header_problem(&hr, col_column_name(is->column),
                           "column appears twice in the header (fields %zu and %zu)",
                           is->first_field + 1, is->field + 1);
            break;
        case COL_HDR_MISSING:
            header_problem(&hr, col_column_name(is->column),
                           "required column is missing from the header");
            break;
        case COL_HDR_OK:
            break;
        }
    }
    if (h->issues_dropped > 0)
        header_problem(&hr, NULL, "and %zu more problems with the header", h->issues_dropped);
    if (hr.o > 0 && sc->rejects != NULL)
        col_rejects_row(sc->rejects, sc->name, row->line, hr.joined, NULL, NULL);
    /* Rows can still be checked column by column, so that one run shows
     * everything; a duplicated column is ambiguous, the rest is not. */
    sc->header_usable = true;
    for (size_t i = 0; i < h->nissues; i++)
        if (h->issue[i].problem == COL_HDR_DUPLICATE)
            sc->header_usable = false;
    return 0;
}

static bool all_empty(const struct col_csv_row *row)
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
        struct col_idset_entry *e = NULL;
        size_t len = rec->respondent_id_len;
        /* the prefetch saw the same bytes unless the key was not valid */
        uint64_t h = (rec->survey_year == sc->pf_year && len == sc->pf_len)
                         ? sc->pf_hash : col_idset_hash(rec->survey_year, rec->respondent_id, len);
        int r = col_idset_insert_hashed(sc->ids, h, rec->survey_year, rec->respondent_id, len,
                                        line, &e);
        if (r < 0) {
            *oom = 1;
            return false;
        }
        if (r == 1) {
            col_problem_add(p, COL_RESPONDENT_ID, false, false,
                            "respondent '%s' appears twice for %d (first on line %llu)",
                            rec->respondent_id, rec->survey_year,
                            (unsigned long long)e->line);
            return false;
        }
        /* the row is kept with its entry for the checks against loaded data */
        if (row_ok) {
            e->county = (uint8_t)rec->county;
            e->role = (uint8_t)rec->role;
            e->caseload = (uint16_t)rec->caseload;
            e->confirmed = (uint16_t)rec->confirmed;
            e->suspected = (uint16_t)rec->suspected;
        } else {
            e->rejected = 1;
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
    if (all_empty(row))
        return 0;         /* ",,,,," rows that spreadsheets leave behind */
    sc->rows++;
    if (!sc->header_usable)
        return 0;
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
            return prev_fail(sc->sink_err, PREV_EX_SOFTWARE, sc->name, "out of memory");
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

int col_scan_run(struct col_scan *sc, FILE *fp, struct prev_error *err)
{
    int rc;

    sc->sink_err = err;
    rc = col_csv_read(fp, sc->name, on_row, on_progress, sc, &sc->stats, err);
    if (sc->progress != NULL)
        col_progress_clear(sc->progress);
    if (rc == STOP_READING)
        return 0;
    if (rc == PREV_EX_DATA) {
        /* The reader could not go on; that is one more data problem, and
         * the file is refused like any other with problems. */
        char msg[600];
        snprintf(msg, sizeof msg, "%s", err->msg);
        col_diag_emit(sc->diag, sc->stats.error_line, NULL, false, "%s", msg);
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, sc->stats.error_line, msg, NULL, NULL);
        prev_error_clear(err);
        return 0;
    }
    if (rc != 0)
        return rc;
    if (!sc->header_seen) {
        col_diag_emit(sc->diag, 0, NULL, false,
                      "the file is empty; it needs a header row and at least one data row");
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, 0, "the file is empty", NULL, NULL);
    } else if (sc->rows == 0 && !sc->refused_privacy) {
        col_diag_emit(sc->diag, 0, NULL, false, "no data rows after the header");
        if (sc->rejects != NULL)
            col_rejects_row(sc->rejects, sc->name, 0, "no data rows after the header", NULL,
                            NULL);
    }
    return 0;
}
