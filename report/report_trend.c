/* The report's change over time: the "change since last survey" column and
 * the trend chart. Every year is published under this year's small-cell
 * rule first, so the page never draws or subtracts a rate its own year
 * hides. Pure: writes to the FILE * it is given. */
#include "report_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trend_chart.h"

void rep_report_trend_free(struct rep_report_trend *t)
{
    free(t->years);
    memset(t, 0, sizeof *t);
}

/* Row i of year y's table: the series at the same index (the trend's
 * series and the year's rows are both counties in fips order, then the
 * state). */
static const struct rep_pub_row *pub_row(const struct rep_report_trend *t, size_t y, size_t i)
{
    return i < t->years[y].nrows ? &t->years[y].row[i] : NULL;
}

static bool published(const struct rep_report_trend *t, size_t y, size_t i)
{
    const struct rep_pub_row *r = pub_row(t, y, i);
    return r != NULL && r->plotted;
}

/* A series has a line worth drawing when some year publishes its rate. */
static bool has_published_year(const struct rep_report_trend *t, size_t i)
{
    for (size_t y = 0; y < t->trend->nyears; y++)
        if (published(t, y, i))
            return true;
    return false;
}

int rep_report_trend_prepare(const struct rep_report_input *in, struct rep_report_trend *t)
{
    const struct an_trend_result *tr = in->trend;
    struct an_estimate_row *block = NULL;
    bool eligible[REP_SUPPRESS_MAX_ROWS];
    int rc = 0;

    memset(t, 0, sizeof *t);
    t->trend = tr;
    if (tr == NULL || tr->nseries > REP_SUPPRESS_MAX_ROWS || tr->nseries < 1)
        return -1;
    if ((t->years = calloc(tr->nyears, sizeof *t->years)) == NULL
        || (block = calloc(tr->nseries, sizeof *block)) == NULL) {
        rc = -1;
        goto done;
    }
    for (size_t y = 0; y < tr->nyears; y++) {
        for (size_t i = 0; i < tr->nseries; i++) {
            if (tr->series[i].rows[y] == NULL) {
                rc = -1;   /* every county has a row every year */
                goto done;
            }
            block[i] = *tr->series[i].rows[y];
        }
        if (rep_publish_table(block, tr->nseries - 1, in->min_cell, &t->years[y]) != 0) {
            rc = -1;
            goto done;
        }
    }

    if (in->ntrend_fips > 0) {
        for (size_t k = 0; k < in->ntrend_fips && k < REP_REPORT_TREND_MAX; k++)
            t->fips[t->nseries++] = in->trend_fips[k];
    } else {
        for (size_t i = 0; i < tr->nseries; i++)
            eligible[i] = has_published_year(t, i);
        t->nseries = an_trend_default_series(tr, eligible, 3, t->fips);
    }
done:
    free(block);
    return rc;
}

void rep_report_change_cell(const struct rep_report_trend *t, size_t i, char *buf, size_t size,
                           bool *marked)
{
    const struct an_trend_result *tr = t->trend;
    const struct an_trend_change *c;
    size_t last = tr->nyears - 1;

    *marked = false;
    snprintf(buf, size, "-");
    if (tr->nyears < 2 || i >= tr->nseries)
        return;
    c = an_trend_last_change(tr, &tr->series[i]);
    /* Both rates published in their own year, and a change that is not
     * suppressed: otherwise the change and one published rate would give
     * the hidden one back. */
    if (c == NULL || !c->defined || c->flag == AN_FLAG_SUPPRESS || !published(t, last, i)
        || !published(t, last - 1, i))
        return;
    *marked = an_trend_change_excludes_zero(c);
    snprintf(buf, size, "%+.1f%s", 100.0 * c->difference + 0.0,
             !*marked ? "" : c->difference > 0 ? " \u25b2" : " \u25bc");
}


int rep_write_trend_section(FILE *out, const struct rep_report_input *in,
                           const struct rep_report_trend *t)
{
    const struct an_trend_result *tr = t->trend;
    struct rep_chart_series series[REP_REPORT_TREND_MAX];
    struct rep_chart_point *points = NULL;
    struct rep_chart_options opt;
    char note[200], *svg = NULL;
    size_t n = 0;
    int rc = 0;

    if ((points = calloc(REP_REPORT_TREND_MAX * tr->nyears, sizeof *points)) == NULL)
        return PREV_EX_SOFTWARE;
    for (size_t k = 0; k < t->nseries; k++) {
        const struct an_trend_series *s = an_trend_find(tr, t->fips[k]);
        size_t i;
        if (s == NULL)
            continue;
        i = (size_t)(s - tr->series);
        for (size_t y = 0; y < tr->nyears; y++) {
            struct rep_chart_point *pt = &points[n * tr->nyears + y];
            const struct an_estimate_row *row = s->rows[y];
            pt->year = tr->years[y];
            pt->shown = published(t, y, i);
            /* The printed numbers, not the estimates: a coordinate
             * carries no more precision than its label. */
            pt->p = pt->shown ? rep_printed_pct(row->estimate) : 0.0;
            pt->low = pt->shown ? rep_printed_pct(row->ci_low) : NAN;
            pt->high = pt->shown ? rep_printed_pct(row->ci_high) : NAN;
        }
        series[n].name = s->county;
        series[n].points = &points[n * tr->nyears];
        series[n].n = tr->nyears;
        n++;
    }
    snprintf(note, sizeof note, "Shaded (a capped bar for a lone year): %.0f%% confidence "
             "interval. A gap: that year's estimate is not published.", 100 * in->level);
    opt = (struct rep_chart_options){0, 0, NULL, "% of youth on probation", note};
    if (rep_trend_chart_svg(series, n, &opt, &svg, NULL) != 0) {
        rc = PREV_EX_SOFTWARE;
        goto done;
    }
    fprintf(out, "<section id=\"trend\">\n<h2>Change over time, %d to %d</h2>\n<p>",
            tr->years[0], tr->years[tr->nyears - 1]);
    fputs("The same estimate for every survey year in the database, each year published "
          "under the same rules as this one. Lines: ", out);
    for (size_t k = 0; k < n; k++) {
        fputs(k == 0 ? "" : k + 1 == n ? " and " : ", ", out);
        rep_html_text(out, series[k].name);
    }
    fputs(".</p>\n<figure>\n", out);
    fputs(svg, out);
    fputs("<figcaption>Each year is a separate sample of officers, so a year-to-year "
          "difference carries the uncertainty of both years; overlapping bands do not by "
          "themselves mean that nothing changed. The county table gives the change since "
          "the last survey with its test.</figcaption>\n</figure>\n</section>\n", out);
done:
    free(svg);
    free(points);
    return rc;
}
