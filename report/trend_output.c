/* CSV, JSON, Markdown and terminal tables of a trend. */
#include "trend_output.h"
#include "output_cells.h"
#include "csv_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parse.h"

const char *const rep_trend_change_columns[] = {
    "county", "fips", "measure", "method", "from_year", "to_year", "estimate_from",
    "estimate_to", "difference", "se", "ci_low", "ci_high", "df", "ratio", "ratio_ci_low",
    "ratio_ci_high", "p_value", "p_adjust", "flag", "reasons", NULL,
};

const char *const rep_trend_slope_columns[] = {
    "county", "fips", "measure", "method", "from_year", "to_year", "years", "slope", "se",
    "ci_low", "ci_high", "p_value", "p_adjust", "flag", "reasons", "df", NULL,
};

static const char *const rows_names[] = {
    [REP_TREND_ROWS_ALL] = "all",
    [REP_TREND_ROWS_YEARS] = "years",
    [REP_TREND_ROWS_CHANGES] = "changes",
    [REP_TREND_ROWS_SLOPES] = "slopes",
};

const char *rep_trend_rows_name(enum rep_trend_rows r)
{
    return (size_t)r < REP_TREND_ROWS_N ? rows_names[r] : "?";
}

bool rep_trend_rows_parse(const char *name, enum rep_trend_rows *out)
{
    for (size_t i = 0; i < REP_TREND_ROWS_N; i++) {
        if (name != NULL && strcmp(name, rows_names[i]) == 0) {
            *out = (enum rep_trend_rows)i;
            return true;
        }
    }
    return false;
}

static bool shown(const struct rep_trend_meta *meta, const struct an_trend_series *s)
{
    return meta->fips == NULL || strcmp(meta->fips, s->fips) == 0;
}

static bool want(const struct rep_trend_meta *meta, enum rep_trend_rows r)
{
    return meta->rows == REP_TREND_ROWS_ALL || meta->rows == r;
}


/* Column k of a change row, in rep_trend_change_columns order. p_value is
 * the adjusted one; p_adjust names the adjustment. */
static struct rep_cell change_cell(const struct rep_trend_meta *meta, const struct an_trend_series *s,
                               const struct an_trend_change *c, int k)
{
    switch (k) {
    case 0: return rep_cell_text(s->county);
    case 1: return rep_cell_text(s->fips);
    case 2: return rep_cell_text(an_measure_name(meta->measure));
    case 3: return rep_cell_text(an_design_method_name(meta->method));
    case 4: return rep_cell_int(c->from_year);
    case 5: return rep_cell_int(c->to_year);
    case 6: return rep_cell_real(c->estimate_from);
    case 7: return rep_cell_real(c->estimate_to);
    case 8: return rep_cell_real(c->difference);
    case 9: return rep_cell_real(c->se);
    case 10: return rep_cell_real(c->ci_low);
    case 11: return rep_cell_real(c->ci_high);
    case 12: return rep_cell_real(c->df);
    case 13: return rep_cell_real(c->ratio);
    case 14: return rep_cell_real(c->ratio_ci_low);
    case 15: return rep_cell_real(c->ratio_ci_high);
    case 16: return rep_cell_real(c->p_adjusted);
    case 17: return rep_cell_text(an_trend_adjust_name(meta->adjust));
    case 18: return rep_cell_text(an_flag_name(c->flag));
    default: return rep_cell_text(c->reasons);
    }
}

static struct rep_cell slope_cell(const struct rep_trend_meta *meta, const struct an_trend_series *s,
                              int k)
{
    const struct an_trend_slope *sl = &s->slope;

    switch (k) {
    case 0: return rep_cell_text(s->county);
    case 1: return rep_cell_text(s->fips);
    case 2: return rep_cell_text(an_measure_name(meta->measure));
    case 3: return rep_cell_text(an_design_method_name(meta->method));
    case 4: return rep_cell_int(sl->first_year);
    case 5: return rep_cell_int(sl->last_year);
    case 6: return rep_cell_int(sl->years);
    case 7: return rep_cell_real(sl->slope);
    case 8: return rep_cell_real(sl->se);
    case 9: return rep_cell_real(sl->ci_low);
    case 10: return rep_cell_real(sl->ci_high);
    case 11: return rep_cell_real(sl->p_adjusted);
    case 12: return rep_cell_text(an_trend_adjust_name(meta->adjust));
    case 13: return rep_cell_text(an_flag_name(sl->flag));
    case 14: return rep_cell_text(sl->reasons);
    default: return rep_cell_real(sl->df);
    }
}

/* ---- CSV ------------------------------------------------------------------ */


static void csv_cell(FILE *out, struct rep_cell c, bool first)
{
    if (!first)
        fputc(',', out);
    rep_cell_csv(out, c);
}

static void csv_header(FILE *out, const char *const *cols, const struct rep_trend_meta *meta)
{
    for (int k = 0; cols[k] != NULL; k++)
        fprintf(out, "%s%s", k > 0 ? "," : "", cols[k]);
    fputs(meta->role != NULL ? ",role\n" : "\n", out);
}

/* --by role: the row's role, appended after the contract's columns. */
static void csv_role(FILE *out, const struct rep_trend_meta *meta)
{
    if (meta->role != NULL) {
        fputc(',', out);
        rep_cell_csv(out, rep_cell_text(meta->role));
    }
}

/* Changes by comparison (consecutive pairs in year order, then first to
 * last), each comparison's series in their order: one Holm family after
 * the other. */
static void write_csv_changes(FILE *out, const struct rep_trend_meta *meta,
                              const struct an_trend_result *res, bool header)
{
    size_t nc = res->nseries > 0 ? res->series[0].nchanges : 0;

    if (header)
        csv_header(out, rep_trend_change_columns, meta);
    for (size_t j = 0; j < nc; j++)
        for (size_t i = 0; i < res->nseries; i++) {
            if (!shown(meta, &res->series[i]))
                continue;
            for (int k = 0; rep_trend_change_columns[k] != NULL; k++)
                csv_cell(out, change_cell(meta, &res->series[i], &res->series[i].changes[j], k),
                         k == 0);
            csv_role(out, meta);
            fputc('\n', out);
        }
}

static void write_csv_slopes(FILE *out, const struct rep_trend_meta *meta,
                             const struct an_trend_result *res, bool header)
{
    if (header)
        csv_header(out, rep_trend_slope_columns, meta);
    for (size_t i = 0; i < res->nseries; i++) {
        if (!shown(meta, &res->series[i]))
            continue;
        for (int k = 0; rep_trend_slope_columns[k] != NULL; k++)
            csv_cell(out, slope_cell(meta, &res->series[i], k), k == 0);
        csv_role(out, meta);
        fputc('\n', out);
    }
}

/* The year rows in the estimate command's order (year, then the counties
 * and the state), copied so that its own writer prints them. NULL when
 * out of memory; the CALLER frees. */
static struct an_estimate_row *year_rows(const struct rep_trend_meta *meta,
                                         const struct an_trend_result *res, size_t *n)
{
    struct an_estimate_row *rows = malloc((res->nyears * res->nseries + 1) * sizeof *rows);

    *n = 0;
    if (rows == NULL)
        return NULL;
    for (size_t y = 0; y < res->nyears; y++)
        for (size_t i = 0; i < res->nseries; i++)
            if (shown(meta, &res->series[i]) && res->series[i].rows[y] != NULL)
                rows[(*n)++] = *res->series[i].rows[y];
    return rows;
}

/* ---- JSON ----------------------------------------------------------------- */

static bool set(json_t *obj, const char *key, json_t *v)
{
    return v != NULL && json_object_set_new(obj, key, v) == 0;
}

/* Returns the document, or NULL when out of memory; the caller decrefs.
 * Every array hangs on the document as soon as it exists, so one decref
 * frees everything. */
static json_t *build_json(const struct rep_trend_meta *meta, const struct an_trend_result *res)
{
    json_t *doc = json_object(), *arr = NULL;
    bool ok = doc != NULL
              && set(doc, "measure", json_string(an_measure_name(meta->measure)))
              && set(doc, "method", json_string(an_design_method_name(meta->method)))
              && set(doc, "level", json_real(meta->level))
              && set(doc, "from_year", json_integer(meta->from_year))
              && set(doc, "to_year", json_integer(meta->to_year))
              && set(doc, "adjust", json_string(an_trend_adjust_name(meta->adjust)))
              && (meta->role == NULL || set(doc, "role", json_string(meta->role)))
              && set(doc, "survey_years", arr = json_array());
    size_t nc = res->nseries > 0 ? res->series[0].nchanges : 0;

    for (size_t y = 0; ok && y < res->nyears; y++)
        ok = json_array_append_new(arr, json_integer(res->years[y])) == 0;
    ok = ok && set(doc, "years_without_responses", arr = json_array());
    for (size_t y = 0; ok && y < meta->nskipped; y++)
        ok = json_array_append_new(arr, json_integer(meta->skipped[y])) == 0;
    ok = ok && set(doc, "notes", arr = json_array());
    for (size_t i = 0; ok && i < meta->nnotes; i++)
        ok = json_array_append_new(arr, json_string(meta->notes[i])) == 0;

    if (ok && want(meta, REP_TREND_ROWS_YEARS)) {
        ok = set(doc, "years", arr = json_array());
        for (size_t y = 0; ok && y < res->nyears; y++)
            for (size_t i = 0; ok && i < res->nseries; i++) {
                const struct an_estimate_row *row = res->series[i].rows[y];
                json_t *obj;
                if (!shown(meta, &res->series[i]) || row == NULL)
                    continue;
                obj = rep_estimate_row_json(row);
                ok = obj != NULL && json_array_append_new(arr, obj) == 0;
            }
    }
    if (ok && want(meta, REP_TREND_ROWS_CHANGES)) {
        ok = set(doc, "changes", arr = json_array());
        for (size_t j = 0; ok && j < nc; j++)
            for (size_t i = 0; ok && i < res->nseries; i++) {
                const struct an_trend_series *s = &res->series[i];
                json_t *obj;
                if (!shown(meta, s))
                    continue;
                obj = json_object();
                ok = obj != NULL && json_array_append_new(arr, obj) == 0;
                for (int k = 0; ok && rep_trend_change_columns[k] != NULL; k++)
                    ok = set(obj, rep_trend_change_columns[k],
                             rep_cell_json(change_cell(meta, s, &s->changes[j], k)));
            }
    }
    if (ok && want(meta, REP_TREND_ROWS_SLOPES)) {
        ok = set(doc, "slopes", arr = json_array());
        for (size_t i = 0; ok && i < res->nseries; i++) {
            json_t *obj;
            if (!shown(meta, &res->series[i]))
                continue;
            obj = json_object();
            ok = obj != NULL && json_array_append_new(arr, obj) == 0;
            for (int k = 0; ok && rep_trend_slope_columns[k] != NULL; k++)
                ok = set(obj, rep_trend_slope_columns[k], rep_cell_json(slope_cell(meta, &res->series[i], k)));
        }
    }
    if (!ok) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* ---- for people: terminal table and Markdown ------------------------------ */

/* The flag as a one-letter mark after a number: S suppress, R review. */
static const char *mark(enum an_flag f)
{
    return f == AN_FLAG_SUPPRESS ? " S" : f == AN_FLAG_REVIEW ? " R" : "";
}

static void year_cell(char *buf, size_t size, const struct an_estimate_row *row)
{
    if (row == NULL || !row->has_estimate)
        snprintf(buf, size, "-");
    else if (isnan(row->ci_low) || isnan(row->ci_high))
        snprintf(buf, size, "%.1f%%%s", 100 * row->estimate, mark(row->flag));
    else
        snprintf(buf, size, "%.1f%% (%.1f-%.1f)%s", 100 * row->estimate, 100 * row->ci_low,
                 100 * row->ci_high, mark(row->flag));
}

static void pct(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", 100 * p);
}

/* Percentage points with a sign: people read "+0.7" as a rise. */
static void pp(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%+.1f", 100 * x + 0.0);
}

static void pp_interval(char *buf, size_t size, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%+.1f to %+.1f", 100 * lo + 0.0, 100 * hi + 0.0);
}

static void ratio_text(char *buf, size_t size, const struct an_trend_change *c)
{
    if (isnan(c->ratio))
        snprintf(buf, size, "-");
    else if (isnan(c->ratio_ci_low) || isnan(c->ratio_ci_high))
        snprintf(buf, size, "%.2f", c->ratio);
    else
        snprintf(buf, size, "%.2f (%.2f-%.2f)", c->ratio, c->ratio_ci_low, c->ratio_ci_high);
}

static void p_text(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "-");
    else if (p < 0.001)
        snprintf(buf, size, "<0.001");
    else
        snprintf(buf, size, "%.3f", p);
}

static void heading(FILE *out, bool md, const char *text)
{
    fprintf(out, "\n%s%s\n%s", md ? "#### " : "", text, md ? "\n" : "");
}

static void write_people_years(FILE *out, bool md, const struct rep_trend_meta *meta,
                               const struct an_trend_result *res)
{
    char cell[64];

    heading(out, md, "Estimates by survey year");
    fprintf(out, md ? "| County |" : "%-12s", "County");
    for (size_t y = 0; y < res->nyears; y++) {
        if (md)
            fprintf(out, " %d |", res->years[y]);
        else   /* no trailing blanks after the last column */
            fprintf(out, y + 1 < res->nyears ? "  %-24d" : "  %d", res->years[y]);
    }
    fputc('\n', out);
    if (md) {
        fputs("|---|", out);
        for (size_t y = 0; y < res->nyears; y++)
            fputs("--:|", out);
        fputc('\n', out);
    }
    for (size_t i = 0; i < res->nseries; i++) {
        const struct an_trend_series *s = &res->series[i];
        if (!shown(meta, s))
            continue;
        fprintf(out, md ? "| %s |" : "%-12s", s->county);
        for (size_t y = 0; y < res->nyears; y++) {
            year_cell(cell, sizeof cell, s->rows[y]);
            if (md)
                fprintf(out, " %s |", cell);
            else if (y + 1 < res->nyears)
                fprintf(out, "  %-24s", cell);
            else
                fprintf(out, "  %s", cell);
        }
        fputc('\n', out);
    }
}

static void write_people_changes(FILE *out, bool md, const struct rep_trend_meta *meta,
                                 const struct an_trend_result *res, const char *cilabel)
{
    char d[32], ci[48], ratio[48], p[16], title[96];
    size_t nc = res->nseries > 0 ? res->series[0].nchanges : 0;
    const char *plabel = meta->adjust == AN_TREND_ADJUST_HOLM ? "p (Holm)" : "p";

    for (size_t j = 0; j < nc; j++) {
        const struct an_trend_change *first = &res->series[0].changes[j];
        snprintf(title, sizeof title, "Change %d to %d (percentage points)", first->from_year,
                 first->to_year);
        heading(out, md, title);
        if (md)
            fprintf(out, "| County | %d | %d | Change | %s | Ratio (%s) | %s | Flag | Reasons |\n"
                    "|---|--:|--:|--:|--:|--:|--:|---|---|\n", first->from_year,
                    first->to_year, cilabel, cilabel, plabel);
        else
            fprintf(out, "%-12s %7d %7d %7s %16s %19s %8s  %-8s  %s\n", "County",
                    first->from_year, first->to_year, "Change", cilabel, "Ratio (CI)", plabel,
                    "Flag", "Reasons");
        for (size_t i = 0; i < res->nseries; i++) {
            const struct an_trend_series *s = &res->series[i];
            const struct an_trend_change *c = &s->changes[j];
            char from[16], to[16];
            if (!shown(meta, s))
                continue;
            pct(from, sizeof from, c->estimate_from);
            pct(to, sizeof to, c->estimate_to);
            pp(d, sizeof d, c->difference);
            pp_interval(ci, sizeof ci, c->ci_low, c->ci_high);
            ratio_text(ratio, sizeof ratio, c);
            p_text(p, sizeof p, c->p_adjusted);
            if (md)
                fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s->county, from,
                        to, d, ci, ratio, p, an_flag_name(c->flag), c->reasons);
            else
                fprintf(out, "%-12s %7s %7s %7s %16s %19s %8s  %-*s%s\n", s->county, from, to,
                        d, ci, ratio, p, c->reasons[0] != '\0' ? 10 : 0, an_flag_name(c->flag),
                        c->reasons);
        }
    }
}

static void write_people_slopes(FILE *out, bool md, const struct rep_trend_meta *meta,
                                const struct an_trend_result *res, const char *cilabel)
{
    char b[32], ci[48], p[16];
    const char *plabel = meta->adjust == AN_TREND_ADJUST_HOLM ? "p (Holm)" : "p";

    heading(out, md, "Linear trend (weighted least squares, percentage points per year)");
    if (md)
        fprintf(out, "| County | Years | Slope | %s | %s | Flag | Reasons |\n"
                "|---|--:|--:|--:|--:|---|---|\n", cilabel, plabel);
    else
        fprintf(out, "%-12s %5s %7s %16s %8s  %-8s  %s\n", "County", "Years", "Slope", cilabel,
                plabel, "Flag", "Reasons");
    for (size_t i = 0; i < res->nseries; i++) {
        const struct an_trend_series *s = &res->series[i];
        if (!shown(meta, s))
            continue;
        pp(b, sizeof b, s->slope.slope);
        pp_interval(ci, sizeof ci, s->slope.ci_low, s->slope.ci_high);
        p_text(p, sizeof p, s->slope.p_adjusted);
        if (md)
            fprintf(out, "| %s | %d | %s | %s | %s | %s | %s |\n", s->county, s->slope.years, b,
                    ci, p, an_flag_name(s->slope.flag), s->slope.reasons);
        else
            fprintf(out, "%-12s %5d %7s %16s %8s  %-*s%s\n", s->county, s->slope.years, b, ci, p,
                    s->slope.reasons[0] != '\0' ? 10 : 0, an_flag_name(s->slope.flag),
                    s->slope.reasons);
    }
}

/* What a reader must know to read the tables: the marks, how many tests
 * were run and whether their p-values were adjusted, the data's caveats. */
static void write_footnotes(FILE *out, bool md, const struct rep_trend_meta *meta,
                            const struct an_trend_result *res)
{
    size_t nc = res->nseries > 0 ? res->series[0].nchanges : 0;
    const char *bullet = md ? "- " : "Note: ";

    fputc('\n', out);
    if (want(meta, REP_TREND_ROWS_YEARS))
        fprintf(out, "%sS: suppressed, R: flagged for review under the NCHS presentation "
                "standards; a change or trend is flagged like its least reliable year.\n",
                bullet);
    if (want(meta, REP_TREND_ROWS_CHANGES) && nc > 0) {
        fprintf(out, "%s%zu comparison%s of %zu rows each (%zu counties and the state): when "
                "nothing changed, about 1 in 20 of them still shows p < 0.05 by chance. ",
                bullet, nc, nc == 1 ? "" : "s", res->nseries, res->nseries - 1);
        if (meta->adjust == AN_TREND_ADJUST_HOLM)
            fprintf(out, "p-values are Holm-adjusted within each comparison (and across the "
                    "slopes), so the chance of any false finding in a comparison stays "
                    "below 5%%.\n");
        else
            fprintf(out, "p-values are NOT adjusted for multiple testing; --adjust holm "
                    "adjusts them within each comparison.\n");
    }
    if (want(meta, REP_TREND_ROWS_SLOPES))
        fprintf(out, "%sSlope: weighted least squares on the yearly estimates with weights "
                "1/se^2; t reference with Welch-Satterthwaite df from the years' variances.\n",
                bullet);
    for (size_t y = 0; y < meta->nskipped; y++)
        fprintf(out, "%sno responses for survey year %d: left out.\n", bullet,
                meta->skipped[y]);
    for (size_t i = 0; i < meta->nnotes; i++)
        fprintf(out, "%s%s\n", bullet, meta->notes[i]);
}

static void write_people(FILE *out, bool md, const struct rep_trend_meta *meta,
                         const struct an_trend_result *res)
{
    char cilabel[32];

    snprintf(cilabel, sizeof cilabel, "%g%% CI", 100 * meta->level);
    fprintf(out, "%sTrend %d-%d: %s (%s, %s)\n", md ? "### " : "",
            res->nyears > 0 ? res->years[0] : meta->from_year,
            res->nyears > 0 ? res->years[res->nyears - 1] : meta->to_year,
            an_measure_title(meta->measure), an_design_method_name(meta->method), cilabel);
    if (want(meta, REP_TREND_ROWS_YEARS))
        write_people_years(out, md, meta, res);
    if (want(meta, REP_TREND_ROWS_CHANGES))
        write_people_changes(out, md, meta, res, cilabel);
    if (want(meta, REP_TREND_ROWS_SLOPES))
        write_people_slopes(out, md, meta, res, cilabel);
    write_footnotes(out, md, meta, res);
}

int rep_trend_write(FILE *out, enum rep_format format, const struct rep_trend_meta *meta,
                   const struct an_trend_result *res, struct prev_error *err)
{
    struct an_estimate_row *rows = NULL;
    struct rep_estimate_meta emeta;
    json_t *doc = NULL;
    size_t n = 0;
    int rc = 0;

    switch (format) {
    case REP_FORMAT_CSV:
        if (meta->rows == REP_TREND_ROWS_CHANGES) {
            write_csv_changes(out, meta, res, true);
        } else if (meta->rows == REP_TREND_ROWS_SLOPES) {
            write_csv_slopes(out, meta, res, true);
        } else if (meta->rows == REP_TREND_ROWS_YEARS) {
            if ((rows = year_rows(meta, res, &n)) == NULL) {
                rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
                goto done;
            }
            memset(&emeta, 0, sizeof emeta);
            if ((rc = rep_estimate_write(out, REP_FORMAT_CSV, &emeta, rows, n, err)) != 0)
                goto done;
        } else {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "CSV holds one kind of row");
            goto done;
        }
        break;
    case REP_FORMAT_JSON:
        if ((doc = build_json(meta, res)) == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "cannot build the JSON output");
            goto done;
        }
        rep_estimate_json_write(out, doc);
        break;
    case REP_FORMAT_TABLE:
    case REP_FORMAT_MD:
        write_people(out, format == REP_FORMAT_MD, meta, res);
        break;
    }
    if (fflush(out) != 0 || ferror(out))
        rc = prev_fail(err, PREV_EX_IOERR, "<stdout>", "cannot write the output");
done:
    free(rows);
    json_decref(doc);
    return rc;
}

int rep_trend_write_by_role(FILE *out, enum rep_format format, const struct rep_trend_meta *metas,
                            const struct an_trend_result *results, size_t n,
                            struct prev_error *err)
{
    json_t *top = NULL, *arr = NULL;
    struct an_estimate_row *all = NULL;
    int rc = 0;

    if (format == REP_FORMAT_CSV && metas[0].rows == REP_TREND_ROWS_YEARS) {
        /* every role's year rows, through the estimate writer's --by role */
        struct rep_estimate_meta emeta;
        size_t total = 0;
        for (size_t k = 0; k < n; k++) {
            size_t m = 0;
            struct an_estimate_row *rows = year_rows(&metas[k], &results[k], &m), *grown;
            if (rows == NULL || (grown = realloc(all, (total + m + 1) * sizeof *all)) == NULL) {
                free(rows);
                rc = prev_fail(err, PREV_EX_OSERR, "", "out of memory");
                goto done;
            }
            all = grown;
            memcpy(all + total, rows, m * sizeof *rows);
            total += m;
            free(rows);
        }
        memset(&emeta, 0, sizeof emeta);
        emeta.by = "role";
        rc = rep_estimate_write(out, REP_FORMAT_CSV, &emeta, all, total, err);
        goto done;
    }
    if (format == REP_FORMAT_JSON) {
        bool ok = (top = json_object()) != NULL && set(top, "by", json_string("role"))
                  && set(top, "roles", arr = json_array());
        for (size_t k = 0; ok && k < n; k++) {
            json_t *doc = build_json(&metas[k], &results[k]);
            ok = doc != NULL && json_array_append_new(arr, doc) == 0;
        }
        if (!ok) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "cannot build the JSON output");
            goto done;
        }
        rep_estimate_json_write(out, top);
    }
    for (size_t k = 0; format != REP_FORMAT_JSON && k < n; k++) {
        if (format == REP_FORMAT_CSV) {
            if (metas[k].rows == REP_TREND_ROWS_CHANGES)
                write_csv_changes(out, &metas[k], &results[k], k == 0);
            else if (metas[k].rows == REP_TREND_ROWS_SLOPES)
                write_csv_slopes(out, &metas[k], &results[k], k == 0);
            else {
                rc = prev_fail(err, PREV_EX_SOFTWARE, "", "CSV holds one kind of row");
                goto done;
            }
        } else {
            bool md = format == REP_FORMAT_MD;
            fprintf(out, "%s%sRespondents with role %s\n\n", k > 0 ? "\n" : "", md ? "## " : "",
                    metas[k].role);
            write_people(out, md, &metas[k], &results[k]);
        }
    }
    if (fflush(out) != 0 || ferror(out))
        rc = prev_fail(err, PREV_EX_IOERR, "<stdout>", "cannot write the output");
done:
    free(all);
    json_decref(top);
    return rc;
}
