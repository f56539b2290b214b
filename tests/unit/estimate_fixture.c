/* Golden data sets and R goldens for the estimate tests. */
#include "estimate_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The counties table of sql/001_init.sql, in fips order. */
static const char *const county_fips[EST_NCOUNTIES] = {
    "04001", "04003", "04005", "04007", "04009", "04011", "04012", "04013",
    "04015", "04017", "04019", "04021", "04023", "04025", "04027",
};
static const char *const county_names[EST_NCOUNTIES] = {
    "Apache", "Cochise", "Coconino", "Gila", "Graham", "Greenlee", "La Paz", "Maricopa",
    "Mohave", "Navajo", "Pima", "Pinal", "Santa Cruz", "Yavapai", "Yuma",
};

/* Split line in place at commas (no quoting in these files); returns the
 * number of fields. */
static int split(char *line, char **field, int max)
{
    int n = 0;
    char *p = line;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        field[n++] = p;
        p = strchr(p, ',');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

/* Codebook v1 names a county by name or by FIPS code. */
static int county_index(const char *key)
{
    for (int i = 0; i < EST_NCOUNTIES; i++)
        if (strcmp(key, county_names[i]) == 0 || strcmp(key, county_fips[i]) == 0)
            return i;
    return -1;
}

static double num(const char *s)
{
    return *s == '\0' ? NAN : strtod(s, NULL);
}

int est_load_dataset(const char *name, struct est_dataset *out)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1100], line[512], *f[16];
    FILE *fp = NULL;
    int rc = -1;

    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->dir, sizeof out->dir, "%s/tests/reference/data/%s", src ? src : ".", name);
    for (int i = 0; i < EST_NCOUNTIES; i++) {
        snprintf(out->c[i].fips, sizeof out->c[i].fips, "%s", county_fips[i]);
        snprintf(out->c[i].name, sizeof out->c[i].name, "%s", county_names[i]);
        out->c[i].officers_total = -1;
        out->c[i].youth_total = -1;
    }

    snprintf(path, sizeof path, "%s/responses.csv", out->dir);
    if ((fp = fopen(path, "r")) == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        goto done;
    }
    fgets(line, sizeof line, fp);   /* header */
    while (fgets(line, sizeof line, fp) != NULL) {
        /* survey_year,county,respondent_id,role,caseload,confirmed,suspected */
        int i;
        long x, c, a;
        struct an_county_sums *s;
        if (split(line, f, 16) != 7 || (i = county_index(f[1])) < 0) {
            fprintf(stderr, "%s: bad line\n", path);
            goto done;
        }
        out->survey_year = atoi(f[0]);
        x = atol(f[4]);
        c = atol(f[5]);
        a = c + atol(f[6]);
        s = &out->c[i];
        s->respondents++;
        s->caseload += x;
        s->caseload_sq += x * x;
        s->confirmed += c;
        s->confirmed_sq += c * c;
        s->confirmed_caseload += c * x;
        s->any += a;
        s->any_sq += a * a;
        s->any_caseload += a * x;
        s->officers_confirmed += c > 0;
    }
    fclose(fp);

    snprintf(path, sizeof path, "%s/frame.csv", out->dir);
    if ((fp = fopen(path, "r")) != NULL) {
        out->has_frame = true;
        fgets(line, sizeof line, fp);
        while (fgets(line, sizeof line, fp) != NULL) {
            int i;
            if (split(line, f, 16) != 4 || (i = county_index(f[1])) < 0) {
                fprintf(stderr, "%s: bad line\n", path);
                goto done;
            }
            out->c[i].has_frame = true;
            out->c[i].officers_total = atol(f[2]);
            out->c[i].youth_total = atol(f[3]);
        }
    }
    rc = 0;
done:
    if (fp != NULL)
        fclose(fp);
    return rc;
}

int est_load_goldens(struct est_golden **out, size_t *n)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1100], line[1024], *f[20];
    FILE *fp = NULL;
    struct est_golden *g = NULL;
    size_t cap = 0, len = 0;
    int rc = -1;

    snprintf(path, sizeof path, "%s/tests/reference/estimate_goldens.csv", src ? src : ".");
    if ((fp = fopen(path, "r")) == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        goto done;
    }
    fgets(line, sizeof line, fp);
    while (fgets(line, sizeof line, fp) != NULL) {
        /* dataset,lonely_psu,measure,method,county,n,estimate,se,df,ci_low,
         * ci_high,source,r_ci_low,r_ci_high,r_deff,r_deff_replace,
         * kg_before_fpc_low,kg_before_fpc_high */
        struct est_golden *e;
        if (split(line, f, 20) != 18) {
            fprintf(stderr, "%s: bad line\n", path);
            goto done;
        }
        if (len == cap) {
            struct est_golden *bigger = realloc(g, (cap = cap ? 2 * cap : 256) * sizeof *g);
            if (bigger == NULL)
                goto done;
            g = bigger;
        }
        e = &g[len++];
        memset(e, 0, sizeof *e);
        snprintf(e->dataset, sizeof e->dataset, "%s", f[0]);
        if (!an_lonely_psu_parse(f[1], &e->lonely) || !an_measure_parse(f[2], &e->measure)
            || !an_design_method_parse(f[3], &e->method)) {
            fprintf(stderr, "%s: unknown name on line %zu\n", path, len + 1);
            goto done;
        }
        snprintf(e->county, sizeof e->county, "%s", f[4]);
        e->n = num(f[5]);
        e->estimate = num(f[6]);
        e->se = num(f[7]);
        e->df = num(f[8]);
        e->ci_low = num(f[9]);
        e->ci_high = num(f[10]);
        snprintf(e->source, sizeof e->source, "%s", f[11]);
        e->r_deff_replace = num(f[15]);
        e->kg_before_fpc_low = num(f[16]);
        e->kg_before_fpc_high = num(f[17]);
    }
    *out = g;
    *n = len;
    g = NULL;
    rc = 0;
done:
    free(g);
    if (fp != NULL)
        fclose(fp);
    return rc;
}

static void check(struct est_compare_stats *st, const char *what, const struct est_golden *g,
                  double ours, double want, double tol)
{
    double d;

    st->values++;
    if (isnan(want) || isnan(ours)) {
        if (isnan(want) != isnan(ours)) {
            st->mismatches++;
            fprintf(stderr, "%s %s %s %s %s: %s: ours %.17g, R %.17g (one is empty)\n",
                    g->dataset, an_lonely_psu_name(g->lonely), an_measure_name(g->measure),
                    an_design_method_name(g->method), g->county, what, ours, want);
        }
        return;
    }
    d = fabs(ours - want);
    if (d > st->max_diff)
        st->max_diff = d;
    if (!(d <= tol)) {
        st->mismatches++;
        fprintf(stderr, "%s %s %s %s %s: %s: ours %.17g, R %.17g (diff %.3g) [%s]\n",
                g->dataset, an_lonely_psu_name(g->lonely), an_measure_name(g->measure),
                an_design_method_name(g->method), g->county, what, ours, want, d, g->source);
    }
}

void est_compare(const struct est_golden *g, size_t ng, const char *dataset,
                 const struct an_estimate_options *opt, const struct an_estimate_row *rows,
                 size_t nrows, double tol, struct est_compare_stats *st)
{
    for (size_t r = 0; r < nrows; r++) {
        const struct an_estimate_row *row = &rows[r];
        const struct est_golden *e = NULL;

        for (size_t i = 0; i < ng && e == NULL; i++)
            if (strcmp(g[i].dataset, dataset) == 0 && g[i].lonely == opt->lonely
                && g[i].measure == opt->measure && g[i].method == opt->method
                && strcmp(g[i].county, row->county) == 0)
                e = &g[i];
        if (e == NULL) {
            /* R has no domain without data: we must list it empty. */
            if (row->has_estimate || row->respondents != 0 || row->flag != AN_FLAG_SUPPRESS
                || strcmp(row->reasons, "no data") != 0) {
                st->mismatches++;
                fprintf(stderr, "%s %s: no golden, but the row is not an empty 'no data' row\n",
                        dataset, row->county);
            }
            continue;
        }
        st->rows++;
        if (strcmp(e->source, "svyciprop") == 0 || strcmp(e->source, "survey-4.5-wilson") == 0)
            st->from_r++;
        check(st, "n", e, (double)row->youth_n, e->n, 0);
        check(st, "estimate", e, row->estimate, e->estimate, tol);
        check(st, "se", e, row->se, e->se, tol);
        check(st, "df", e, row->df, e->df, 0);
        if (opt->deff_cap == AN_DEFF_CAP_BEFORE_FPC && opt->method == AN_DESIGN_KORN_GRAUBARD) {
            check(st, "ci_low (before-fpc)", e, row->ci_low, e->kg_before_fpc_low, tol);
            check(st, "ci_high (before-fpc)", e, row->ci_high, e->kg_before_fpc_high, tol);
        } else {
            check(st, "ci_low", e, row->ci_low, e->ci_low, tol);
            check(st, "ci_high", e, row->ci_high, e->ci_high, tol);
        }
        /* Our deff is Kish's against SRS with replacement of youth_n youth;
         * R's deff = "replace" divides by the weighted variance with its
         * n/(n-1) factor: ours = R's * n/(n-1) (docs/methods.md). */
        if (!isnan(e->r_deff_replace) && e->n > 1)
            check(st, "deff", e, row->deff, e->r_deff_replace * e->n / (e->n - 1),
                  tol * fmax(1, e->r_deff_replace));
    }
}
