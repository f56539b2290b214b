/* CSV, JSON, Markdown and terminal tables of estimate rows. */
#include "estimate_output.h"
#include "output_cells.h"
#include "csv_out.h"
#include "json_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis.h"
#include "parse.h"
#include "sae_output.h"

const char *const rep_estimate_columns[] = {
    "survey_year", "county", "fips", "measure", "method", "level", "respondents",
    "officers_total", "youth_n", "cases", "estimate", "se", "ci_low", "ci_high", "df",
    "deff", "n_eff", "total_estimate", "total_ci_low", "total_ci_high", "flag", "reasons",
    NULL,
};

/* Appended after every other column (after the --small-area and --by
 * columns too), so that no existing column moves. */
const char *const rep_estimate_coverage_columns[] = {"coverage_youth", "coverage_officers", NULL};

static struct rep_cell coverage_cell(const struct an_estimate_row *row, int k)
{
    return rep_cell_real(k == 0 ? row->coverage_youth : row->coverage_officers);
}

static const char *const format_names[] = {
    [REP_FORMAT_TABLE] = "table",
    [REP_FORMAT_CSV] = "csv",
    [REP_FORMAT_JSON] = "json",
    [REP_FORMAT_MD] = "md",
};

const char *rep_format_name(enum rep_format f)
{
    return (size_t)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "?";
}

bool rep_format_parse(const char *name, enum rep_format *out)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcmp(name, format_names[i]) == 0) {
            *out = (enum rep_format)i;
            return true;
        }
    }
    return false;
}


/* Column k of row, in rep_estimate_columns order. */
static struct rep_cell row_cell(const struct an_estimate_row *row, int k)
{
    switch (k) {
    case 0: return rep_cell_int(row->survey_year);
    case 1: return rep_cell_text(row->county);
    case 2: return rep_cell_text(row->fips);
    case 3: return rep_cell_text(an_measure_name(row->measure));
    case 4: return rep_cell_text(an_design_method_name(row->method));
    case 5: return rep_cell_real(row->level);
    case 6: return rep_cell_int(row->respondents);
    case 7:
        return row->officers_total < 0 ? (struct rep_cell){REP_CELL_NULL, 0, 0, NULL}
                                       : rep_cell_int(row->officers_total);
    case 8: return rep_cell_int(row->youth_n);
    case 9: return rep_cell_int(row->cases);
    case 10: return rep_cell_real(row->has_estimate ? row->estimate : NAN);
    case 11: return rep_cell_real(row->has_estimate ? row->se : NAN);
    case 12: return rep_cell_real(row->has_estimate ? row->ci_low : NAN);
    case 13: return rep_cell_real(row->has_estimate ? row->ci_high : NAN);
    case 14: return rep_cell_real(row->has_estimate ? row->df : NAN);
    case 15: return rep_cell_real(row->has_estimate ? row->deff : NAN);
    case 16: return rep_cell_real(row->has_estimate ? row->n_eff : NAN);
    case 17: return rep_cell_real(row->has_total ? row->total_estimate : NAN);
    case 18: return rep_cell_real(row->has_total ? row->total_ci_low : NAN);
    case 19: return rep_cell_real(row->has_total ? row->total_ci_high : NAN);
    case 20: return rep_cell_text(an_flag_name(row->flag));
    default: return rep_cell_text(row->reasons);
    }
}

/* ---- CSV ------------------------------------------------------------------ */


/* The --small-area columns of row r, after the others. */
static struct rep_cell sae_cell(const struct an_sae_row *row, int k)
{
    double v = 0.0;
    const char *t = NULL;

    switch (rep_sae_cell(row, k, &v, &t)) {
    case REP_SAE_CELL_REAL: return rep_cell_real(v);
    case REP_SAE_CELL_TEXT: return rep_cell_text(t);
    default: return (struct rep_cell){REP_CELL_NULL, 0, 0, NULL};
    }
}

static void write_csv(FILE *out, const struct rep_estimate_meta *meta,
                      const struct an_estimate_row *rows, size_t nrows)
{
    for (int k = 0; rep_estimate_columns[k] != NULL; k++)
        fprintf(out, "%s%s", k > 0 ? "," : "", rep_estimate_columns[k]);
    for (int k = 0; meta->sae != NULL && rep_sae_columns[k] != NULL; k++)
        fprintf(out, ",%s", rep_sae_columns[k]);
    if (meta->by != NULL)
        fprintf(out, ",%s", meta->by);
    for (int k = 0; rep_estimate_coverage_columns[k] != NULL; k++)
        fprintf(out, ",%s", rep_estimate_coverage_columns[k]);
    fputc('\n', out);
    for (size_t r = 0; r < nrows; r++) {
        for (int k = 0; rep_estimate_columns[k] != NULL; k++) {
            if (k > 0)
                fputc(',', out);
            rep_cell_csv(out, row_cell(&rows[r], k));
        }
        for (int k = 0; meta->sae != NULL && rep_sae_columns[k] != NULL; k++) {
            fputc(',', out);
            rep_cell_csv(out, sae_cell(&meta->sae[r], k));
        }
        if (meta->by != NULL) {
            fputc(',', out);
            rep_cell_csv(out, rep_cell_text(rows[r].domain));
        }
        for (int k = 0; rep_estimate_coverage_columns[k] != NULL; k++) {
            fputc(',', out);
            rep_cell_csv(out, coverage_cell(&rows[r], k));
        }
        fputc('\n', out);
    }
}

/* ---- JSON ----------------------------------------------------------------- */

/* Returns the document, or NULL when out of memory. The caller json_decref()s.
 * The arrays hang on the document from the start, so one decref frees all. */
static json_t *build_json(const struct rep_estimate_meta *meta,
                          const struct an_estimate_row *rows, size_t nrows)
{
    json_t *doc = json_object(), *notes = json_array(), *arr = json_array();
    bool ok = doc != NULL
              && json_object_set_new(doc, "survey_year", json_integer(meta->survey_year)) == 0
              && json_object_set_new(doc, "frame", json_boolean(meta->has_frame)) == 0
              && json_object_set_new(doc, "lonely_psu",
                                     json_string(an_lonely_psu_name(meta->lonely))) == 0
              && json_object_set_new(doc, "weights",
                                     json_string(an_weights_name(meta->weights))) == 0
              && json_object_set(doc, "notes", notes) == 0
              && json_object_set(doc, "rows", arr) == 0;

    for (size_t i = 0; ok && i < meta->nnotes; i++)
        ok = json_array_append_new(notes, json_string(meta->notes[i])) == 0;
    for (size_t r = 0; ok && r < nrows; r++) {
        json_t *obj = json_object();
        ok = obj != NULL && json_array_append_new(arr, obj) == 0;
        for (int k = 0; ok && rep_estimate_columns[k] != NULL; k++)
            ok = json_object_set_new(obj, rep_estimate_columns[k],
                                     rep_cell_json(row_cell(&rows[r], k))) == 0;
        for (int k = 0; ok && meta->sae != NULL && rep_sae_columns[k] != NULL; k++)
            ok = json_object_set_new(obj, rep_sae_columns[k],
                                     rep_cell_json(sae_cell(&meta->sae[r], k))) == 0;
        if (ok && meta->by != NULL)
            ok = json_object_set_new(obj, meta->by, json_string(rows[r].domain)) == 0;
        for (int k = 0; ok && rep_estimate_coverage_columns[k] != NULL; k++)
            ok = json_object_set_new(obj, rep_estimate_coverage_columns[k],
                                     rep_cell_json(coverage_cell(&rows[r], k))) == 0;
    }
    json_decref(notes);
    json_decref(arr);
    if (!ok) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

json_t *rep_estimate_row_json(const struct an_estimate_row *row)
{
    json_t *obj = json_object();
    bool ok = obj != NULL;

    for (int k = 0; ok && rep_estimate_columns[k] != NULL; k++)
        ok = json_object_set_new(obj, rep_estimate_columns[k], rep_cell_json(row_cell(row, k))) == 0;
    for (int k = 0; ok && rep_estimate_coverage_columns[k] != NULL; k++)
        ok = json_object_set_new(obj, rep_estimate_coverage_columns[k],
                                 rep_cell_json(coverage_cell(row, k))) == 0;
    if (!ok) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* ---- for people: terminal table and Markdown ------------------------------ */

static void pct(char *buf, size_t size, double p)
{
    if (isnan(p))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", 100 * p);
}

static void interval(char *buf, size_t size, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%% - %.1f%%", 100 * lo, 100 * hi);
}

static void count_range(char *buf, size_t size, const struct an_estimate_row *row)
{
    if (!row->has_total || isnan(row->total_estimate))
        snprintf(buf, size, "-");
    else if (isnan(row->total_ci_low) || isnan(row->total_ci_high))
        snprintf(buf, size, "%.0f", row->total_estimate);
    else
        snprintf(buf, size, "%.0f (%.0f - %.0f)", row->total_estimate, row->total_ci_low,
                 row->total_ci_high);
}

static void write_people(FILE *out, bool markdown, const struct rep_estimate_meta *meta,
                         const struct an_estimate_row *rows, size_t nrows)
{
    char est[32], ci[64], total[96], cilabel[32], why[400];
    bool any_review = false;

    for (size_t r = 0; r < nrows; r++) {
        const struct an_estimate_row *row = &rows[r];
        bool officers = row->measure == AN_MEASURE_OFFICER_ANY;

        if (r == 0 || row->measure != rows[r - 1].measure
            || strcmp(row->domain, rows[r - 1].domain) != 0) {
            snprintf(cilabel, sizeof cilabel, "%g%% CI", 100 * row->level);
            if (r > 0)
                fputc('\n', out);
            fprintf(out, "%sSurvey year %d: %s%s%s (%s, %s)\n%s", markdown ? "### " : "",
                    row->survey_year, an_measure_title(row->measure),
                    meta->by != NULL ? ", respondents with role " : "", row->domain,
                    an_design_method_name(row->method), cilabel, markdown ? "\n" : "");
            if (markdown)
                fprintf(out, "| County | Respondents | %s | %s | Estimate | %s | %s | Flag "
                        "| Reasons |\n|---|--:|--:|--:|--:|--:|--:|---|---|\n",
                        officers ? "Officers" : "Youth", officers ? "With confirmed" : "Cases",
                        cilabel, officers ? "Officers (est.)" : "Victims (est.)");
            else
                fprintf(out, "%-12s %11s %8s %8s %8s %15s %22s  %-8s  %s\n", "County",
                        "Respondents", officers ? "Officers" : "Youth",
                        officers ? "With" : "Cases", "Estimate", cilabel,
                        officers ? "Officers (est.)" : "Victims (est.)", "Flag", "Reasons");
        }
        pct(est, sizeof est, row->has_estimate ? row->estimate : NAN);
        interval(ci, sizeof ci, row->ci_low, row->ci_high);
        count_range(total, sizeof total, row);
        snprintf(why, sizeof why, "%s", row->reasons);
        if (row->flag == AN_FLAG_REVIEW) {
            /* A reviewed estimate is shown, so it must not read like a
             * presentable one: a mark on the number and the warning in
             * words before its reasons (issue #14: such rows covered 67.5%
             * at a nominal 95% in the coverage study's predecessor). */
            size_t len = strlen(est);
            if (len + 1 < sizeof est) {
                est[len] = '!';
                est[len + 1] = '\0';
            }
            snprintf(why, sizeof why, "use with caution: %s", row->reasons);
            any_review = true;
        }
        if (markdown)
            fprintf(out, "| %s | %ld | %ld | %ld | %s | %s | %s | %s | %s |\n", row->county,
                    row->respondents, row->youth_n, row->cases, est, ci, total,
                    an_flag_name(row->flag), why);
        else
            fprintf(out, "%-12s %11ld %8ld %8ld %8s %15s %22s  %-*s%s\n", row->county,
                    row->respondents, row->youth_n, row->cases, est, ci, total,
                    why[0] != '\0' ? 10 : 0, an_flag_name(row->flag), why);
    }
    if (meta->nnotes > 0 || any_review)
        fputc('\n', out);
    if (any_review)
        fprintf(out, "%s! use with caution: flagged for statistical review under the NCHS "
                "standard (few degrees of freedom, or an estimate of 0 or 100%%); its "
                "interval may cover the true value less often than stated.\n",
                markdown ? "- " : "Note: ");
    for (size_t i = 0; i < meta->nnotes; i++)
        fprintf(out, "%s%s\n", markdown ? "- " : "Note: ", meta->notes[i]);
}

/* --small-area for people: one table per measure after the direct ones,
 * so the direct table keeps its layout. */
static void write_people_sae(FILE *out, bool markdown, const struct an_estimate_row *rows,
                             const struct an_sae_row *sae, size_t nrows)
{
    char est[32], ci[64], cilabel[32], weight[16];

    for (size_t r = 0; r < nrows; r++) {
        const struct an_estimate_row *row = &rows[r];
        const struct an_sae_row *m = &sae[r];

        if (r == 0 || row->measure != rows[r - 1].measure) {
            snprintf(cilabel, sizeof cilabel, "%g%% CI", 100 * row->level);
            fprintf(out, "\n%sModel-based (Fay-Herriot): %s\n%s", markdown ? "### " : "",
                    an_measure_title(row->measure), markdown ? "\n" : "");
            if (markdown)
                fprintf(out, "| County | Estimate | %s | Weight | Variance | Flag | Reasons "
                        "|\n|---|--:|--:|--:|---|---|---|\n", cilabel);
            else
                fprintf(out, "%-12s %8s %15s %6s  %-8s  %-8s  %s\n", "County", "Estimate",
                        cilabel, "Weight", "Variance", "Flag", "Reasons");
        }
        if (!m->has_sae)
            continue;
        pct(est, sizeof est, m->estimate);
        interval(ci, sizeof ci, m->ci_low, m->ci_high);
        snprintf(weight, sizeof weight, "%.2f", m->weight);
        if (markdown)
            fprintf(out, "| %s | %s | %s | %s | %s | %s | %s |\n", row->county, est, ci, weight,
                    m->synthetic ? "none" : an_sae_variance_source_name(m->variance_source),
                    an_flag_name(m->flag), m->reasons);
        else
            fprintf(out, "%-12s %8s %15s %6s  %-8s  %-*s%s\n", row->county, est, ci, weight,
                    m->synthetic ? "none" : an_sae_variance_source_name(m->variance_source),
                    m->reasons[0] != '\0' ? 10 : 0, an_flag_name(m->flag), m->reasons);
    }
}

int rep_estimate_write(FILE *out, enum rep_format format, const struct rep_estimate_meta *meta,
                      const struct an_estimate_row *rows, size_t nrows,
                      struct prev_error *err)
{
    json_t *doc = NULL;
    int rc = 0;

    switch (format) {
    case REP_FORMAT_CSV:
        write_csv(out, meta, rows, nrows);
        break;
    case REP_FORMAT_JSON:
        if ((doc = build_json(meta, rows, nrows)) == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "cannot build the JSON output");
            goto done;
        }
        prev_json_write(out, doc);
        fputc('\n', out);
        break;
    case REP_FORMAT_TABLE:
    case REP_FORMAT_MD:
        write_people(out, format == REP_FORMAT_MD, meta, rows, nrows);
        if (meta->sae != NULL)
            write_people_sae(out, format == REP_FORMAT_MD, rows, meta->sae, nrows);
        break;
    }
    if (fflush(out) != 0 || ferror(out))
        rc = prev_fail(err, PREV_EX_IOERR, "<stdout>", "cannot write the output");
done:
    json_decref(doc);
    return rc;
}

json_t *rep_estimate_json(const struct rep_estimate_meta *meta,
                         const struct an_estimate_row *rows, size_t nrows)
{
    return build_json(meta, rows, nrows);
}

void rep_estimate_json_write(FILE *out, const json_t *doc)
{
    prev_json_write(out, doc);
    fputc('\n', out);
}

int rep_missing_counties_note(const struct an_estimate_row *rows, size_t ncounties,
                              double min_coverage, char *buf, size_t size)
{
    const struct an_estimate_row *state = &rows[ncounties];
    size_t missing = 0, len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < ncounties; i++) {
        if (rows[i].respondents > 0)
            continue;
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
                                missing > 0 ? ", " : "no responses from ", rows[i].county);
        missing++;
        if (len >= size)
            len = size - 1;
    }
    if (missing == 0)
        return 0;
    if (!isnan(state->coverage_youth)) {
        char reason[96];
        an_coverage_reason(state->coverage_youth, reason, sizeof reason);
        if (state->low_coverage)
            snprintf(buf + len, size - len, "; %s (below --min-coverage %g): no statewide "
                     "estimate", reason, min_coverage);
        else
            snprintf(buf + len, size - len, "; the statewide row describes the responding "
                     "counties only (%.1f%% of youth on probation), and its number of "
                     "victims their youth", 100.0 * state->coverage_youth);
    }
    return (int)missing;
}
