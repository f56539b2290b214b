/* The trend goldens, read for the unit and database tests. */
#include "trend_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool copy_field(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);

    if (len >= size)
        return false;
    memcpy(dst, src, len + 1);
    return true;
}

static bool cell(const char *s, double *out)
{
    char *end = NULL;

    if (*s == '\0') {
        *out = NAN;
        return true;
    }
    *out = strtod(s, &end);
    return *end == '\0';
}

void trend_goldens_free(struct trend_goldens *g)
{
    free(g->rows);
    g->rows = NULL;
    g->n = 0;
}

int trend_goldens_load(struct trend_goldens *g)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1024], line[1024];
    FILE *fp = NULL;
    size_t cap = 0, lineno = 1;
    int rc = -1;

    memset(g, 0, sizeof *g);
    snprintf(path, sizeof path, "%s/tests/reference/trend_goldens.csv", src ? src : ".");
    if ((fp = fopen(path, "r")) == NULL) {
        fprintf(stderr, "cannot open %s (set PREVALENCE_SOURCE_DIR)\n", path);
        goto done;
    }
    if (fgets(line, sizeof line, fp) == NULL)
        goto bad;
    while (fgets(line, sizeof line, fp) != NULL) {
        char *f[TG_NCOLS], *s = line;
        struct trend_golden *r;
        int c = 0;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        /* Plain CSV without quotes (the R script writes quote = FALSE);
         * empty cells are kept, so no strtok. */
        f[c++] = s;
        while ((s = strchr(s, ',')) != NULL && c < TG_NCOLS) {
            *s++ = '\0';
            f[c++] = s;
        }
        if (c != TG_NCOLS || s != NULL)
            goto bad;
        if (g->n == cap) {
            struct trend_golden *grown;
            cap = cap ? 2 * cap : 1024;
            if ((grown = realloc(g->rows, cap * sizeof *g->rows)) == NULL)
                goto bad;
            g->rows = grown;
        }
        r = &g->rows[g->n++];
        if (!copy_field(r->kind, sizeof r->kind, f[TG_KIND])
            || !copy_field(r->dataset, sizeof r->dataset, f[TG_DATASET])
            || !copy_field(r->measure, sizeof r->measure, f[TG_MEASURE])
            || !copy_field(r->county, sizeof r->county, f[TG_COUNTY])
            || !copy_field(r->fips, sizeof r->fips, f[TG_FIPS])
            || !copy_field(r->source, sizeof r->source, f[TG_SOURCE]))
            goto bad;
        r->from = atoi(f[TG_FROM]);
        r->to = atoi(f[TG_TO]);
        for (c = TG_EST; c < TG_SOURCE; c++)
            if (!cell(f[c], &r->v[c]))
                goto bad;
    }
    rc = 0;
    goto done;
bad:
    fprintf(stderr, "%s:%zu: not a golden row of %d columns\n", path, lineno, TG_NCOLS);
    trend_goldens_free(g);
done:
    if (fp != NULL)
        fclose(fp);
    return rc;
}

bool trend_golden_same_series(const struct trend_golden *a, const struct trend_golden *b)
{
    return strcmp(a->dataset, b->dataset) == 0 && strcmp(a->measure, b->measure) == 0
        && strcmp(a->county, b->county) == 0;
}

struct an_trend_point trend_golden_point(const struct trend_goldens *g,
                                         const struct trend_golden *of, int year)
{
    struct an_trend_point x = {year, false, 0.0, 0.0, 0.0, AN_FLAG_SUPPRESS, false};

    for (size_t i = 0; i < g->n; i++) {
        const struct trend_golden *r = &g->rows[i];
        if (strcmp(r->kind, "year") == 0 && r->from == year && trend_golden_same_series(r, of)) {
            x.has_estimate = true;
            x.p = r->v[TG_EST];
            x.se = r->v[TG_SE];
            x.df = r->v[TG_DF];
            x.flag = AN_FLAG_PRESENT;
            x.census = r->v[TG_CENSUS] == 1.0;
            break;
        }
    }
    return x;
}
