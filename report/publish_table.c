/* What a published table shows: estimate rows protected by the small-cell
 * rules (suppress.c) and rounded for people. The HTML page, the CSV and the
 * Markdown tables all print these very strings, so they cannot disagree. */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const rep_pub_col_names[REP_PUB_NCOLS] = {
    "county", "fips", "respondents", "officers_total", "coverage_pct", "youth_n", "cases",
    "estimate_pct", "ci_low_pct", "ci_high_pct", "total_estimate", "total_ci_low",
    "total_ci_high", "flag", "notes",
};

static void put(struct rep_pub_row *r, enum rep_pub_col c, const char *fmt, long v)
{
    snprintf(r->cell[c], sizeof r->cell[c], fmt, v);
}

static void put_mark(struct rep_pub_row *r, enum rep_pub_col c, enum rep_mark m, long min_cell)
{
    char buf[24];
    snprintf(r->cell[c], sizeof r->cell[c], "%s", rep_mark_symbol(m, min_cell, buf, sizeof buf));
}

/* A bound of an estimated count: a bound from 1 to min_cell - 1 reads
 * "<10" like a count would (the interval itself is no count, but a
 * published "3" next to victims is read as one). */
static void put_count_bound(struct rep_pub_row *r, enum rep_pub_col c, double x, long min_cell)
{
    long v = rep_round_count(x);
    if (rep_is_small(v, min_cell))
        put_mark(r, c, REP_MARK_SMALL, min_cell);
    else
        put(r, c, "%ld", v);
}

/* The NCHS reasons a reader may see. For a hidden rate, "estimate is 0 or
 * 100%" would give the hidden count away (0 cases), and with it the sum the
 * complementary suppression relies on: it is left out. The phrase is
 * nchs.c's; test_report checks they still match. */
static void copy_reasons(char *dst, size_t size, const char *reasons, bool shown)
{
    const char *p = reasons;
    size_t used = 0;

    dst[0] = '\0';
    while (*p != '\0') {
        const char *end = strstr(p, "; ");
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        bool keep = shown || !(len == strlen(REP_REASON_EXTREME) &&
                               strncmp(p, REP_REASON_EXTREME, len) == 0);
        if (keep && used + len + 3 < size) {
            used += (size_t)snprintf(dst + used, size - used, "%s%.*s", used > 0 ? "; " : "",
                                     (int)len, p);
        }
        p += len;
        if (end != NULL)
            p += 2;
    }
}

void rep_pub_format_row(const struct an_estimate_row *e, const struct rep_protect_cells *m,
                        long min_cell, struct rep_pub_row *r)
{
    memset(r, 0, sizeof *r);
    r->marks = *m;
    snprintf(r->cell[REP_PUB_COUNTY], sizeof r->cell[0], "%s", e->county);
    snprintf(r->cell[REP_PUB_FIPS], sizeof r->cell[0], "%s", e->fips);
    put(r, REP_PUB_RESPONDENTS, "%ld", e->respondents);
    if (e->officers_total > 0) {
        put(r, REP_PUB_OFFICERS, "%ld", e->officers_total);
        put(r, REP_PUB_COVERAGE, "%ld",
            rep_round_count(100.0 * (double)e->respondents / (double)e->officers_total));
    } else {
        put_mark(r, REP_PUB_OFFICERS, REP_MARK_NA, min_cell);
        put_mark(r, REP_PUB_COVERAGE, REP_MARK_NA, min_cell);
    }
    put(r, REP_PUB_YOUTH_N, "%ld", e->youth_n);

    if (m->cases == REP_MARK_SHOW)
        put(r, REP_PUB_CASES, "%ld", e->cases);
    else
        put_mark(r, REP_PUB_CASES, m->cases, min_cell);

    if (m->rate == REP_MARK_SHOW) {
        rep_fmt_pct(r->cell[REP_PUB_ESTIMATE], sizeof r->cell[0], e->estimate);
        rep_fmt_pct(r->cell[REP_PUB_CI_LOW], sizeof r->cell[0], e->ci_low);
        rep_fmt_pct(r->cell[REP_PUB_CI_HIGH], sizeof r->cell[0], e->ci_high);
        r->plotted = true;
    } else {
        put_mark(r, REP_PUB_ESTIMATE, m->rate, min_cell);
        put_mark(r, REP_PUB_CI_LOW, m->rate, min_cell);
        put_mark(r, REP_PUB_CI_HIGH, m->rate, min_cell);
    }

    if (m->total == REP_MARK_SHOW) {
        put(r, REP_PUB_TOTAL, "%ld", rep_round_count(e->total_estimate));
        put_count_bound(r, REP_PUB_TOTAL_CI_LOW, e->total_ci_low, min_cell);
        put_count_bound(r, REP_PUB_TOTAL_CI_HIGH, e->total_ci_high, min_cell);
    } else {
        enum rep_mark bound = m->total == REP_MARK_SMALL ? m->rate : m->total;
        put_mark(r, REP_PUB_TOTAL, m->total, min_cell);
        /* The interval of a hidden total would bracket it: hide it too. */
        put_mark(r, REP_PUB_TOTAL_CI_LOW, bound, min_cell);
        put_mark(r, REP_PUB_TOTAL_CI_HIGH, bound, min_cell);
    }

    if (e->respondents <= 0) {
        snprintf(r->cell[REP_PUB_FLAG], sizeof r->cell[0], "no data");
        r->notes[REP_NOTE_NO_DATA] = true;
    } else if (m->hidden == REP_HIDE_SMALL || m->hidden == REP_HIDE_COMPLEMENT) {
        /* The NCHS flag of a row with a hidden count is a function of the
         * count (of nothing else where the row has no sampling variance):
         * it is not published. */
        snprintf(r->cell[REP_PUB_FLAG], sizeof r->cell[0], "hidden");
    } else {
        snprintf(r->cell[REP_PUB_FLAG], sizeof r->cell[0], "%s", an_flag_name(e->flag));
    }
    r->notes[REP_NOTE_SMALL] = m->cases == REP_MARK_SMALL || m->total == REP_MARK_SMALL;
    r->notes[REP_NOTE_NCHS] = m->rate == REP_MARK_NCHS;
    r->notes[REP_NOTE_PROTECT] = m->cases == REP_MARK_PROTECT || m->rate == REP_MARK_PROTECT ||
                                m->total == REP_MARK_PROTECT;
    r->notes[REP_NOTE_REVIEW] = r->plotted && e->flag == AN_FLAG_REVIEW;
    /* Reasons only for shown rows: for a hidden row without sampling
     * variance the list of rules that fired narrows its count down. */
    if (r->plotted && r->notes[REP_NOTE_REVIEW])
        copy_reasons(r->reasons, sizeof r->reasons, e->reasons, r->plotted);
    rep_pub_row_set_notes(r);
}

int rep_publish_table(const struct an_estimate_row *rows, size_t ncounties, long min_cell,
                     struct rep_pub_table *out)
{
    struct rep_protect_row prow[REP_SUPPRESS_MAX_ROWS];
    struct rep_protect_cells cells[REP_SUPPRESS_MAX_ROWS];

    if (ncounties + 1 > REP_SUPPRESS_MAX_ROWS)
        return -1;
    memset(out, 0, sizeof *out);
    out->measure = rows[0].measure;
    out->min_cell = min_cell;
    out->nrows = ncounties + 1;
    for (size_t i = 0; i <= ncounties; i++) {
        const struct an_estimate_row *e = &rows[i];
        prow[i] = (struct rep_protect_row){
            .has_data = e->respondents > 0 && e->has_estimate,
            .cases = e->cases,
            .has_total = e->has_total && isfinite(e->total_estimate),
            .total = e->total_estimate,
            .flag = e->flag,
            .denominator = e->youth_n,
        };
    }
    if (rep_protect_table(prow, ncounties, min_cell, cells) != 0)
        return -1;
    for (size_t i = 0; i <= ncounties; i++) {
        rep_pub_format_row(&rows[i], &cells[i], min_cell, &out->row[i]);
        for (int n = 0; n < REP_NOTE_N; n++)
            out->used[n] = out->used[n] || out->row[i].notes[n];
    }
    return 0;
}

void rep_pub_hide_state_rate(struct rep_pub_table *t)
{
    struct rep_pub_row *r = &t->row[t->nrows - 1];
    static const enum rep_pub_col cols[] = {REP_PUB_ESTIMATE, REP_PUB_CI_LOW, REP_PUB_CI_HIGH};
    static const enum rep_pub_col totals[] = {REP_PUB_TOTAL, REP_PUB_TOTAL_CI_LOW,
                                              REP_PUB_TOTAL_CI_HIGH};

    for (size_t k = 0; k < 3; k++)
        snprintf(r->cell[cols[k]], sizeof r->cell[0], "x");
    if (r->marks.total == REP_MARK_SHOW)
        for (size_t k = 0; k < 3; k++)
            snprintf(r->cell[totals[k]], sizeof r->cell[0], "x");
    r->marks.rate = REP_MARK_PROTECT;
    if (r->marks.total == REP_MARK_SHOW)
        r->marks.total = REP_MARK_PROTECT;
    r->marks.hidden = REP_HIDE_COMPLEMENT;
    r->plotted = false;
    r->reasons[0] = '\0';
    snprintf(r->cell[REP_PUB_FLAG], sizeof r->cell[0], "hidden");
    r->notes[REP_NOTE_REVIEW] = false;
    r->notes[REP_NOTE_PROTECT] = true;
    t->used[REP_NOTE_PROTECT] = true;
    rep_pub_row_set_notes(r);
}
