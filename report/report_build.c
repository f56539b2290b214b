/* Every file of a report, built in memory from one set of estimate rows:
 * the published tables are computed once and printed by each writer, so
 * the page, the CSV and the Markdown cannot disagree. */
#include "report_model.h"

#include <stdlib.h>
#include <string.h>

#include "outdir.h"

struct ctx {
    const struct rep_report_input *in;
    const struct rep_pub_table *main, *officers;
    const struct rep_report_trend *trend;     /* NULL: this year alone */
    struct prev_error *err;
};

static int page(FILE *out, const struct ctx *c)
{
    return rep_write_report_html(out, c->in, c->main, c->officers);
}
static int main_md(FILE *out, const struct ctx *c)
{
    if (rep_report_synthetic(c->in))
        fputs("**" REP_SYNTHETIC_BANNER "**\n\n", out);
    return rep_write_table_md(out, c->main, "Prevalence by county");
}
static int officers_md(FILE *out, const struct ctx *c)
{
    if (rep_report_synthetic(c->in))
        fputs("**" REP_SYNTHETIC_BANNER "**\n\n", out);
    return rep_write_table_md(out, c->officers, "Officers with at least one confirmed victim");
}
static int json(FILE *out, const struct ctx *c)
{
    return rep_write_published_json(out, c->in, c->main, c->officers, c->err);
}

int rep_report_tables(const struct rep_report_input *in, struct rep_pub_table *main,
                     struct rep_pub_table *officers, struct prev_error *err)
{
    const char *no_audit;
    int rc;

    if (rep_publish_table(in->rows, in->ncounties, in->min_cell, main) != 0 ||
        rep_publish_table(in->officer_rows, in->ncounties, in->min_cell, officers) != 0)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "small-cell protection found no safe "
                         "table (a bug: please report it with the survey year)");
    if ((rc = rep_publish_sae(in, main, err)) != 0)
        return rc;
    /* The audit gates every publication. PREVALENCE_TEST_NO_AUDIT exists
     * only so that tests/report/attacker_test.sh can show the attacker
     * catching what the audit would refuse; it is documented as such and
     * never set outside the test suite. */
    no_audit = getenv("PREVALENCE_TEST_NO_AUDIT");
    if (no_audit != NULL && strcmp(no_audit, "1") == 0)
        return 0;
    return rep_audit_report(in, main, officers, err);
}

/* One file of the set: name, then the writer fills it. Returns 0, or
 * err's code. */
static int add_file(struct rep_outfiles *set, const char *name,
                    int (*write)(FILE *out, const struct ctx *c), const struct ctx *c)
{
    FILE *fp = rep_outfiles_open(set, name);
    int rc;

    if (fp == NULL)
        return prev_fail(c->err, PREV_EX_SOFTWARE, name, "out of memory");
    rc = write(fp, c);
    if (rep_outfiles_close(set, fp) != 0 && rc == 0)
        rc = -1;
    if (rc != 0) {
        if (c->err->code == 0)
            prev_fail(c->err, PREV_EX_SOFTWARE, name, "cannot build the file");
        return c->err->code;
    }
    return 0;
}

static int main_csv_about(FILE *out, const struct ctx *c)
{
    struct rep_table_about a = {c->in->survey_year, c->in->level};
    return rep_write_table_csv_about(out, c->main, &a);
}
static int officers_csv_about(FILE *out, const struct ctx *c)
{
    struct rep_table_about a = {c->in->survey_year, c->in->level};
    return rep_write_table_csv_about(out, c->officers, &a);
}
static int change_csv(FILE *out, const struct ctx *c)
{
    struct rep_table_about a = {c->in->survey_year, c->in->level};
    return rep_write_change_csv(out, c->main, c->trend, &a);
}

int rep_report_build(const struct rep_report_input *in, struct rep_outfiles *set,
                    struct prev_error *err)
{
    struct rep_pub_table *main = NULL, *officers = NULL;
    struct rep_report_trend trend;
    char name[64], main_name[40], officers_name[40], change_name[40];
    size_t first_table = 0, ntables = 0;
    int rc = 0, y = in->survey_year;

    prev_error_clear(err);
    memset(&trend, 0, sizeof trend);
    if ((main = calloc(1, sizeof *main)) == NULL ||
        (officers = calloc(1, sizeof *officers)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    if ((rc = rep_report_tables(in, main, officers, err)) != 0)
        goto done;
    if (in->trend != NULL) {
        if (rep_report_trend_prepare(in, &trend) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
            goto done;
        }
        rep_report_trend_follow(&trend, main);
    }
    struct ctx c = {in, main, officers, in->trend != NULL ? &trend : NULL, err};
    /* Every table file names its year, so that files of several years can
     * sit in one folder (and a file passed on alone still says which). */
    snprintf(main_name, sizeof main_name, "county_estimates_%d.csv", y);
    snprintf(officers_name, sizeof officers_name, "officer_measure_%d.csv", y);
    snprintf(change_name, sizeof change_name, "change_%d.csv", y);
    if ((rc = add_file(set, "report.html", page, &c)) != 0)
        goto done;
    first_table = set->n;
    snprintf(name, sizeof name, "tables/%s", main_name);
    if ((rc = add_file(set, name, main_csv_about, &c)) != 0)
        goto done;
    snprintf(name, sizeof name, "tables/%s", officers_name);
    if ((rc = add_file(set, name, officers_csv_about, &c)) != 0)
        goto done;
    if (c.trend != NULL) {
        snprintf(name, sizeof name, "tables/%s", change_name);
        if ((rc = add_file(set, name, change_csv, &c)) != 0)
            goto done;
    }
    ntables = set->n - first_table;
    {
        const struct rep_pub_table *tables[] = {main, officers};
        const char *names[] = {main_name, officers_name};
        FILE *fp;
        snprintf(name, sizeof name, "tables/notes_%d.csv", y);
        if ((fp = rep_outfiles_open(set, name)) == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, name, "out of memory");
            goto done;
        }
        rc = rep_write_notes_csv(fp, tables, names, 2, rep_report_synthetic(in));
        if (rep_outfiles_close(set, fp) != 0 || rc != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, name, "cannot build the file");
            goto done;
        }
    }
    {
        /* the workbook: the same CSV texts, plus Notes and About */
        const char *sheet[] = {"County estimates", "Officer measure", "Change", "Notes"};
        const char *texts[4];
        size_t lens[4], n = 0;
        FILE *fp;
        for (size_t k = 0; k < ntables; k++) {
            texts[n] = set->file[first_table + k].data;
            lens[n] = set->file[first_table + k].len;
            n++;
        }
        texts[n] = set->file[set->n - 1].data;          /* notes */
        lens[n] = set->file[set->n - 1].len;
        const char *names[4];
        for (size_t k = 0; k < n; k++)
            names[k] = sheet[k];
        names[n++] = sheet[3];
        snprintf(name, sizeof name, "tables/tables_%d.xlsx", y);
        if ((fp = rep_outfiles_open(set, name)) == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, name, "out of memory");
            goto done;
        }
        rc = rep_write_tables_xlsx(fp, in, names, texts, lens, n);
        if (rep_outfiles_close(set, fp) != 0 || rc != 0) {
            rc = prev_fail(err, rc != 0 ? rc : PREV_EX_SOFTWARE, name,
                           "cannot build the workbook");
            goto done;
        }
    }
    snprintf(name, sizeof name, "tables/county_estimates_%d.md", y);
    if ((rc = add_file(set, name, main_md, &c)) != 0)
        goto done;
    snprintf(name, sizeof name, "tables/officer_measure_%d.md", y);
    if ((rc = add_file(set, name, officers_md, &c)) != 0)
        goto done;
    rc = add_file(set, "published.json", json, &c);
done:
    if (in->trend != NULL)
        rep_report_trend_free(&trend);
    free(main);
    free(officers);
    return rc;
}

int rep_report_build_internal(const struct rep_report_input *in, struct rep_outfiles *set,
                              struct prev_error *err)
{
    FILE *fp = rep_outfiles_open(set, "estimates.json");
    int rc;

    prev_error_clear(err);
    if (fp == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "estimates.json", "out of memory");
    rc = rep_write_estimates_json(fp, in, err);
    if (rep_outfiles_close(set, fp) != 0 && rc == 0)
        rc = prev_fail(err, PREV_EX_SOFTWARE, "estimates.json", "cannot build the file");
    return rc;
}
