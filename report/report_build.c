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
    struct prev_error *err;
};

static int page(FILE *out, const struct ctx *c)
{
    return rep_write_report_html(out, c->in, c->main, c->officers);
}
static int main_csv(FILE *out, const struct ctx *c)
{
    return rep_write_table_csv(out, c->main);
}
static int main_md(FILE *out, const struct ctx *c)
{
    return rep_write_table_md(out, c->main, "Prevalence by county");
}
static int officers_csv(FILE *out, const struct ctx *c)
{
    return rep_write_table_csv(out, c->officers);
}
static int officers_md(FILE *out, const struct ctx *c)
{
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

int rep_report_build(const struct rep_report_input *in, struct rep_outfiles *set,
                    struct prev_error *err)
{
    static const struct {
        const char *name;
        int (*write)(FILE *out, const struct ctx *c);
    } files[] = {
        {"report.html", page},
        {"tables/county_estimates.csv", main_csv},
        {"tables/county_estimates.md", main_md},
        {"tables/officer_measure.csv", officers_csv},
        {"tables/officer_measure.md", officers_md},
        {"published.json", json},
    };
    struct rep_pub_table *main = NULL, *officers = NULL;
    int rc = 0;

    prev_error_clear(err);
    if ((main = calloc(1, sizeof *main)) == NULL ||
        (officers = calloc(1, sizeof *officers)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    if ((rc = rep_report_tables(in, main, officers, err)) != 0)
        goto done;
    struct ctx c = {in, main, officers, err};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *fp = rep_outfiles_open(set, files[i].name);
        if (fp == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, files[i].name, "out of memory");
            goto done;
        }
        rc = files[i].write(fp, &c);
        if (rep_outfiles_close(set, fp) != 0 && rc == 0)
            rc = -1;
        if (rc != 0) {
            if (err->code == 0)
                prev_fail(err, PREV_EX_SOFTWARE, files[i].name, "cannot build the file");
            rc = err->code;
            goto done;
        }
    }
done:
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
