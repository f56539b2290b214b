/* Series of a trend from the estimate command's rows: which years there
 * are, each county's point in each, and its changes and slope. Pure. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trend.h"

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static long year_index(const struct an_trend_result *r, int year)
{
    size_t i;

    for (i = 0; i < r->nyears; i++)
        if (r->years[i] == year)
            return (long)i;
    return -1;
}

static long series_index(const struct an_trend_result *r, const char *fips)
{
    size_t i;

    for (i = 0; i < r->nseries; i++)
        if (strcmp(r->series[i].fips, fips) == 0)
            return (long)i;
    return -1;
}

void an_trend_result_free(struct an_trend_result *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; r->series != NULL && i < r->nseries; i++) {
        free(r->series[i].points);
        free(r->series[i].rows);
        free(r->series[i].changes);
    }
    free(r->series);
    free(r->years);
    memset(r, 0, sizeof *r);
}

/* Holm families span series: gather, adjust, give back. */
static int adjust_all(struct an_trend_result *r, enum an_trend_adjust adjust)
{
    struct an_trend_change *c = NULL;
    struct an_trend_slope *s = NULL;
    size_t i, j, n = 0, k = 0;
    int rc = 0;

    for (i = 0; i < r->nseries; i++)
        n += r->series[i].nchanges;
    if ((n > 0 && (c = malloc(n * sizeof *c)) == NULL)
        || (r->nseries > 0 && (s = malloc(r->nseries * sizeof *s)) == NULL)) {
        rc = -1;
        goto done;
    }
    for (i = 0; i < r->nseries; i++) {
        for (j = 0; j < r->series[i].nchanges; j++)
            c[k++] = r->series[i].changes[j];
        s[i] = r->series[i].slope;
    }
    if (an_trend_adjust_changes(c, n, adjust) != 0
        || an_trend_adjust_slopes(s, r->nseries, adjust) != 0) {
        rc = -1;
        goto done;
    }
    for (i = 0, k = 0; i < r->nseries; i++) {
        for (j = 0; j < r->series[i].nchanges; j++)
            r->series[i].changes[j].p_adjusted = c[k++].p_adjusted;
        r->series[i].slope.p_adjusted = s[i].p_adjusted;
    }
done:
    free(c);
    free(s);
    return rc;
}

int an_trend_build(const struct an_estimate_row *rows, size_t nrows, double level,
                   enum an_trend_adjust adjust, struct an_trend_result *out)
{
    struct an_trend_result r;
    size_t i, y;
    int rc = -1;

    memset(&r, 0, sizeof r);
    if (out == NULL || (nrows > 0 && rows == NULL))
        return -1;
    for (i = 1; i < nrows; i++)
        if (rows[i].measure != rows[0].measure || rows[i].method != rows[0].method)
            return -1;

    /* Years: the distinct survey years, ascending. */
    if (nrows > 0 && (r.years = malloc(nrows * sizeof *r.years)) == NULL)
        goto done;
    for (i = 0; i < nrows; i++)
        if (year_index(&r, rows[i].survey_year) < 0)
            r.years[r.nyears++] = rows[i].survey_year;
    if (r.nyears > 1)
        qsort(r.years, r.nyears, sizeof *r.years, by_int);

    /* Series in order of first appearance, each with a slot per year. */
    if (nrows > 0 && (r.series = calloc(nrows, sizeof *r.series)) == NULL)
        goto done;
    for (i = 0; i < nrows; i++) {
        struct an_trend_series *s;
        long k = series_index(&r, rows[i].fips);
        long yi = year_index(&r, rows[i].survey_year);

        if (k < 0) {
            s = &r.series[r.nseries++];
            memcpy(s->county, rows[i].county, sizeof s->county);
            s->county[sizeof s->county - 1] = '\0';
            memcpy(s->fips, rows[i].fips, sizeof s->fips);
            s->fips[sizeof s->fips - 1] = '\0';
            if ((s->points = calloc(r.nyears, sizeof *s->points)) == NULL
                || (s->rows = calloc(r.nyears, sizeof *s->rows)) == NULL)
                goto done;
            for (y = 0; y < r.nyears; y++) {
                s->points[y].year = r.years[y];
                s->points[y].has_estimate = false;
                s->points[y].flag = AN_FLAG_SUPPRESS;
            }
        } else {
            s = &r.series[k];
        }
        if (s->rows[yi] != NULL)
            goto done;   /* one county twice in one year */
        s->rows[yi] = &rows[i];
        if (rows[i].has_estimate) {
            s->points[yi].has_estimate = true;
            s->points[yi].p = rows[i].estimate;
            s->points[yi].se = rows[i].se;
            s->points[yi].df = rows[i].df;
            s->points[yi].flag = rows[i].flag;
            s->points[yi].census = rows[i].officers_total > 0
                                   && rows[i].respondents == rows[i].officers_total;
        }
    }

    for (i = 0; i < r.nseries; i++) {
        struct an_trend_series *s = &r.series[i];
        size_t nc = an_trend_changes_count(r.nyears);
        int got;

        if (nc > 0 && (s->changes = malloc(nc * sizeof *s->changes)) == NULL)
            goto done;
        if ((got = an_trend_series_changes(s->points, r.nyears, level, s->changes)) < 0)
            goto done;
        s->nchanges = (size_t)got;
        if (an_trend_slope(s->points, r.nyears, level, &s->slope) != 0)
            goto done;
    }
    if (adjust_all(&r, adjust) != 0)
        goto done;
    *out = r;
    memset(&r, 0, sizeof r);
    rc = 0;
done:
    an_trend_result_free(&r);
    return rc;
}

const struct an_trend_series *an_trend_find(const struct an_trend_result *r, const char *fips)
{
    long k = fips != NULL ? series_index(r, fips) : -1;
    return k < 0 ? NULL : &r->series[k];
}

const struct an_trend_change *an_trend_last_change(const struct an_trend_result *r,
                                                   const struct an_trend_series *s)
{
    /* Consecutive changes come first, in year order: the last pair is
     * at nyears - 2. */
    if (r->nyears < 2 || s->nchanges < r->nyears - 1)
        return NULL;
    return &s->changes[r->nyears - 2];
}

bool an_trend_change_excludes_zero(const struct an_trend_change *c)
{
    return c != NULL && c->defined && !isnan(c->ci_low) && !isnan(c->ci_high)
        && (c->ci_low > 0.0 || c->ci_high < 0.0);
}

/* Size of a county for the default chart: the frame's youth in the
 * latest year that has one, else youth on the respondents' caseloads. */
static double county_size(const struct an_trend_result *r, const struct an_trend_series *s)
{
    for (size_t y = r->nyears; y-- > 0;)
        if (s->rows[y] != NULL && s->rows[y]->youth_total >= 0)
            return (double)s->rows[y]->youth_total;
    for (size_t y = r->nyears; y-- > 0;)
        if (s->rows[y] != NULL)
            return (double)s->rows[y]->youth_n;
    return 0.0;
}

static bool any_shown(const struct an_trend_result *r, const struct an_trend_series *s)
{
    for (size_t y = 0; y < r->nyears; y++)
        if (s->rows[y] != NULL && s->rows[y]->has_estimate && s->rows[y]->flag != AN_FLAG_SUPPRESS)
            return true;
    return false;
}

size_t an_trend_default_series(const struct an_trend_result *r, const bool *eligible,
                               size_t ncounties, const char **out)
{
    const struct an_trend_series *state = an_trend_find(r, AN_STATE_FIPS);
    size_t n = 0, k;

    if (state != NULL)
        out[n++] = state->fips;
    /* Selection by repeated maximum: fifteen counties, a handful chosen. */
    for (k = 0; k < ncounties; k++) {
        const struct an_trend_series *best = NULL;
        double best_size = -1.0;
        for (size_t i = 0; i < r->nseries; i++) {
            const struct an_trend_series *s = &r->series[i];
            bool taken = false;
            if (s == state || !(eligible != NULL ? eligible[i] : any_shown(r, s)))
                continue;
            for (size_t j = 0; j < n; j++)
                taken = taken || strcmp(out[j], s->fips) == 0;
            if (!taken && county_size(r, s) > best_size) {
                best = s;
                best_size = county_size(r, s);
            }
        }
        if (best == NULL)
            break;
        out[n++] = best->fips;
    }
    return n;
}
