/* The yearly estimates behind `prevalence trend`, from the database. */
#include "trend_query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_query.h"

void an_trend_years_free(struct an_trend_years *y)
{
    if (y == NULL)
        return;
    free(y->rows);
    memset(y, 0, sizeof *y);
}

static void add_note(struct an_trend_years *y, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_note(struct an_trend_years *y, const char *fmt, ...)
{
    va_list ap;

    if (y->nnotes >= AN_MAX_NOTES)
        return;
    va_start(ap, fmt);
    vsnprintf(y->notes[y->nnotes++], sizeof y->notes[0], fmt, ap);
    va_end(ap);
}

/* Where a county has one respondent that is not a census: the years, as
 * ", 2023, 2025" (a lonely PSU: its own rows have se 0 and df 0). */
struct lonely {
    char name[32];
    char years[120];
};

static void note_lonely(struct lonely *l, size_t *nl, const char *name, int year)
{
    size_t i, len;

    for (i = 0; i < *nl; i++)
        if (strcmp(l[i].name, name) == 0)
            break;
    if (i == *nl) {
        if (*nl == AN_MAX_COUNTIES)
            return;
        snprintf(l[i].name, sizeof l[i].name, "%s", name);
        l[i].years[0] = '\0';
        (*nl)++;
    }
    len = strlen(l[i].years);
    if (len + 8 < sizeof l[i].years)
        snprintf(l[i].years + len, sizeof l[i].years - len, ", %d", year);
}

static int trend_query(PGconn *conn, int from, int to, const struct an_estimate_options *opt,
                       const char *role, struct an_trend_years *out, struct prev_error *err);

int an_trend_query(PGconn *conn, int from, int to, const struct an_estimate_options *opt,
                   struct an_trend_years *out, struct prev_error *err)
{
    return trend_query(conn, from, to, opt, NULL, out, err);
}

int an_trend_query_role(PGconn *conn, int from, int to, const struct an_estimate_options *opt,
                        const char *role, struct an_trend_years *out, struct prev_error *err)
{
    return trend_query(conn, from, to, opt, role, out, err);
}

/* The respondents of `role` in the year's counties (zero where none), as
 * an_estimate_query_by_role gives them; *found false when the year has
 * none at all. */
static int role_sums(PGconn *conn, int year, const struct an_county_sums *whole, size_t n,
                     const char *role, struct an_county_sums *out, bool *found,
                     struct prev_error *err)
{
    struct an_domain_sums *d = calloc(AN_MAX_DOMAINS, sizeof *d);
    size_t nd = 0;
    int rc;

    *found = false;
    if (d == NULL)
        return prev_fail(err, PREV_EX_OSERR, "", "out of memory");
    if ((rc = an_estimate_query_by_role(conn, year, whole, n, d, &nd, err)) == 0)
        for (size_t k = 0; k < nd; k++)
            if (strcmp(d[k].name, role) == 0) {
                memcpy(out, d[k].c, n * sizeof *out);
                *found = true;
            }
    free(d);
    return rc;
}

static int trend_query(PGconn *conn, int from, int to, const struct an_estimate_options *opt,
                       const char *role, struct an_trend_years *out, struct prev_error *err)
{
    struct an_county_sums *dom = NULL;
    struct an_trend_years y;
    struct an_county_sums sums[AN_MAX_COUNTIES];
    struct lonely *lonely = NULL;
    char frameless[200] = "";
    size_t nlonely = 0, i;
    int year, rc = 0;

    memset(&y, 0, sizeof y);
    if (from > to || to - from >= AN_TREND_MAX_YEARS)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "an_trend_query: bad year range %d-%d",
                         from, to);
    if ((lonely = calloc(AN_MAX_COUNTIES, sizeof *lonely)) == NULL) {
        rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
        goto done;
    }
    for (year = from; year <= to; year++) {
        struct an_estimate_options o = *opt;
        struct an_estimate_row *grown;
        size_t n = 0;
        bool has_frame = false;
        long respondents = 0;

        if ((rc = an_estimate_query(conn, year, sums, &n, &has_frame, &respondents, err)) != 0)
            goto done;
        if (respondents > 0 && role != NULL) {
            bool found;
            if (dom == NULL && (dom = calloc(AN_MAX_COUNTIES, sizeof *dom)) == NULL) {
                rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
                goto done;
            }
            if ((rc = role_sums(conn, year, sums, n, role, dom, &found, err)) != 0)
                goto done;
            if (!found)
                respondents = 0;   /* no respondent of this role that year */
        }
        if (respondents == 0) {
            y.skipped[y.nskipped++] = year;
            continue;
        }
        /* The same rows as `prevalence estimate --year YEAR`. */
        o.survey_year = year;
        o.has_frame = has_frame;
        if ((grown = realloc(y.rows, (y.nrows + n + 1) * sizeof *y.rows)) == NULL) {
            rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
            goto done;
        }
        y.rows = grown;
        rc = role != NULL ? an_estimate_domain_rows(sums, dom, n, &o, role, y.rows + y.nrows, err)
                          : an_estimate_rows(sums, n, &o, y.rows + y.nrows, err);
        if (rc != 0)
            goto done;
        y.nrows += n + 1;
        y.years[y.nyears++] = year;

        if (!has_frame) {
            size_t len = strlen(frameless);
            snprintf(frameless + len, sizeof frameless - len, ", %d", year);
        }
        for (i = 0; i < n; i++) {
            bool census = has_frame && sums[i].respondents == sums[i].officers_total;
            if (sums[i].respondents == 1 && !census)
                note_lonely(lonely, &nlonely, sums[i].name, year);
        }
    }

    if (frameless[0] != '\0')
        add_note(&y, "no frame for survey year%s %s: equal weights, no finite population "
                 "correction", strchr(frameless + 2, ',') != NULL ? "s" : "", frameless + 2);
    for (i = 0; i < nlonely; i++)
        add_note(&y, "%s has one respondent (a lonely PSU) in %s: --lonely-psu %s; its own "
                 "rows have no variance and df 0, so its changes have no interval or p-value",
                 lonely[i].name, lonely[i].years + 2, an_lonely_psu_name(opt->lonely));
    *out = y;
    memset(&y, 0, sizeof y);
done:
    free(lonely);
    free(dom);
    an_trend_years_free(&y);
    return rc;
}
