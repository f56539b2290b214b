/* The partner reproduction bundle, built in memory: everything a partner
 * needs to recompute our estimates with R's survey package, and nothing
 * else (no batch internals, no stored respondent codes). */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "estimate_output.h"
#include "parse.h"
#include "sha256.h"

/* The versions reproduce.R was checked with (tests/report/test_export.sh
 * runs it wherever R and survey are installed). */
#define CHECKED_WITH "R 4.2.2 and survey 4.1-1 (Debian 12 packages r-base-core, r-cran-survey)"

/* Codes carry no meaning in the bundle: R0001, R0002, ... */
static void respondent_code(char *buf, size_t size, size_t i)
{
    snprintf(buf, size, "R%04zu", i + 1);
}

struct ctx {
    const struct rep_export_input *in;
    const struct rep_outfiles *set;
    struct prev_error *err;
};

static int write_responses(FILE *out, const struct ctx *c)
{
    const struct rep_export_input *in = c->in;
    char code[32];

    fputs("survey_year,county,respondent_id,role,caseload,confirmed,suspected\n", out);
    for (size_t i = 0; i < in->nresponses; i++) {
        const struct rep_export_response *r = &in->responses[i];
        respondent_code(code, sizeof code, i);
        /* County names and roles never hold a comma or a quote (schema). */
        fprintf(out, "%d,%s,%s,%s,%ld,%ld,%ld\n", in->est->survey_year, r->county, code,
                r->role, r->caseload, r->confirmed, r->suspected);
    }
    return ferror(out) ? -1 : 0;
}

static int write_frame(FILE *out, const struct ctx *c)
{
    const struct rep_export_input *in = c->in;
    fputs("survey_year,county,officers_total,youth_total\n", out);
    for (size_t i = 0; i < in->nframes; i++)
        fprintf(out, "%d,%s,%ld,%ld\n", in->est->survey_year, in->frames[i].county,
                in->frames[i].officers_total, in->frames[i].youth_total);
    return ferror(out) ? -1 : 0;
}

/* The parameters as R assignments, then the fixed script. */
static int write_script(FILE *out, const struct ctx *c)
{
    const struct rep_report_input *e = c->in->est;
    char level[32];

    fprintf(out, "# Written by prevalence %s for survey year %d: the parameters of this "
                 "bundle.\n", e->tool_version, e->survey_year);
    /* Shortest text that reads back to the same double: R parses it to
     * the level the tool used. */
    fprintf(out, "survey_year <- %dL\nmeasure <- \"%s\"\nmethod <- \"%s\"\nlevel <- %s\n"
                 "lonely_psu <- \"%s\"\n\n",
            e->survey_year, an_measure_name(e->measure), an_design_method_name(e->method),
            prev_fmt_double(level, sizeof level, e->level), an_lonely_psu_name(e->lonely));
    fputs(rep_reproduce_r, out);
    return ferror(out) ? -1 : 0;
}

static int write_expected(FILE *out, const struct ctx *c)
{
    const struct rep_report_input *e = c->in->est;
    struct prev_error *err = c->err;
    struct rep_estimate_meta meta;
    struct an_estimate_row *rows = NULL;
    size_t n = e->ncounties + 1;
    int rc;

    memset(&meta, 0, sizeof meta);
    meta.survey_year = e->survey_year;
    meta.has_frame = e->has_frame;
    meta.lonely = e->lonely;
    if ((rows = calloc(2 * n, sizeof *rows)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "expected.csv", "out of memory");
    memcpy(rows, e->rows, n * sizeof *rows);
    memcpy(rows + n, e->officer_rows, n * sizeof *rows);
    /* officer_any twice would be listed twice: the main measure may be it. */
    rc = rep_estimate_write(out, REP_FORMAT_CSV, &meta, rows,
                           e->measure == AN_MEASURE_OFFICER_ANY ? n : 2 * n, err);
    free(rows);
    return rc;
}

static int write_readme(FILE *out, const struct ctx *c)
{
    const struct rep_report_input *e = c->in->est;

    fprintf(out, "# Reproduction bundle: survey year %d\n\n", e->survey_year);
    fprintf(out,
            "Made by `prevalence export` (prevalence %s%s%s) on %s, from the data loaded "
            "as of %s.\n"
            "It lets you recompute, with R's `survey` package, the estimates of the "
            "share of youth on juvenile probation in Arizona who are minor victims of sex "
            "trafficking, by county and statewide, that the Council report shows.\n\n",
            e->tool_version, e->git_commit[0] != '\0' ? ", " : "", e->git_commit,
            e->generated_at, e->data_as_of);
    fputs("## Files\n\n"
          "- `responses.csv`: one row per probation officer who answered the survey: "
          "`survey_year,county,respondent_id,role,caseload,confirmed,suspected` "
          "(codebook v1). `respondent_id` is a code made for this bundle (R0001, R0002, "
          "...), not the department's code, so that no row can be linked back to an "
          "officer; `caseload` is the number of youth on the officer's caseload, "
          "`confirmed` and `suspected` how many of them are confirmed or suspected "
          "victims.\n"
          "- `frame.csv`: `survey_year,county,officers_total,youth_total`, one row per "
          "county: all juvenile probation officers and all youth on probation on the "
          "survey date (the survey frame). Empty (header only) when no frame was "
          "loaded for the year.\n"
          "- `reproduce.R`: recomputes the estimates with the `survey` package and "
          "compares them with `expected.csv`; its comments state the design and the "
          "interval formulas.\n"
          "- `expected.csv`: the estimates of the `prevalence` tool at full precision, "
          "one row per county and for Arizona, for each measure (columns as in "
          "`prevalence estimate --format csv`). This file is not for publication: small "
          "counts are not protected in it.\n"
          "- `README.md`: this file.\n"
          "- `MANIFEST.sha256`: the SHA-256 of every other file.\n\n", out);
    fputs("## Run\n\n"
          "Check the files, then run the script from this folder:\n\n"
          "```\n"
          "sha256sum -c MANIFEST.sha256\n"
          "Rscript reproduce.R\n"
          "```\n\n"
          "It writes `r_estimates.csv` and prints `reproduce.R: N estimates agree with "
          "expected.csv`; it stops with an error naming the county, measure and number "
          "when any estimate, standard error, degrees of freedom, interval limit or "
          "estimated total differs from ours by more than 1e-6.\n\n", out);
    fprintf(out, "Checked with %s. It needs only the `survey` package "
                 "(`install.packages(\"survey\")`, or `apt-get install r-cran-survey`).\n\n",
            CHECKED_WITH);
    fputs("## Design and parameters\n\n"
          "Each county is a stratum and each responding officer a primary sampling unit; "
          "the frame's officer count gives the weights and the finite population "
          "correction:\n\n"
          "```\n"
          "svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total)\n"
          "```\n\n"
          "Youth-level prevalence is `svyratio(~confirmed, ~caseload)` (or "
          "`~confirmed + suspected` for the measure `any`); the share of officers with at "
          "least one confirmed victim is `svyratio(~officer_any, ~one)`. Counties are "
          "`subset()`s of the design, the state is the whole design.\n\n", out);
    fprintf(out, "- measure: `%s` (and `officer_any`)\n- interval method: `%s`\n"
                 "- confidence level: %g\n- lonely PSU rule: `%s` "
                 "(`options(survey.lonely.psu = \"%s\")`)\n\n",
            an_measure_name(e->measure), an_design_method_name(e->method), e->level,
            an_lonely_psu_name(e->lonely), an_lonely_psu_name(e->lonely));
    if (e->nnotes > 0) {
        fputs("## Caveats\n\n", out);
        for (size_t i = 0; i < e->nnotes; i++)
            fprintf(out, "- %s\n", e->notes[i]);
        fputc('\n', out);
    }
    fputs("## Source files\n\nThe data come from these loaded files (SHA-256 of the file "
          "as received):\n\n", out);
    for (size_t i = 0; i < e->nbatches; i++)
        fprintf(out, "- %s (%s, rows: %ld): `%s`\n", e->batches[i].file_name,
                e->batches[i].kind, e->batches[i].row_count, e->batches[i].sha256);
    return ferror(out) ? -1 : 0;
}

/* sha256sum -c format: "HEX  NAME", for every file but itself (the last). */
static int write_manifest(FILE *out, const struct ctx *c)
{
    const struct rep_outfiles *set = c->set;

    for (size_t i = 0; i + 1 < set->n; i++) {
        struct prev_sha256 *h = prev_sha256_new();
        char hex[65];
        if (h == NULL || prev_sha256_update(h, set->file[i].data, set->file[i].len) != 0) {
            if (h != NULL)
                prev_sha256_final(h, hex);
            return -1;
        }
        if (prev_sha256_final(h, hex) != 0)
            return -1;
        fprintf(out, "%s  %s\n", hex, set->file[i].name);
    }
    return ferror(out) ? -1 : 0;
}

int rep_export_build(const struct rep_export_input *in, struct rep_outfiles *set,
                    struct prev_error *err)
{
    static const struct {
        const char *name;
        int (*write)(FILE *out, const struct ctx *c);
    } files[] = {
        {"responses.csv", write_responses},
        {"frame.csv", write_frame},
        {"reproduce.R", write_script},
        {"expected.csv", write_expected},
        {"README.md", write_readme},
        {"MANIFEST.sha256", write_manifest},   /* last: it covers the others */
    };
    struct ctx c = {in, set, err};

    prev_error_clear(err);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *fp = rep_outfiles_open(set, files[i].name);
        int rc;
        if (fp == NULL)
            return prev_fail(err, PREV_EX_SOFTWARE, files[i].name, "out of memory");
        rc = files[i].write(fp, &c);
        if (rep_outfiles_close(set, fp) != 0 && rc == 0)
            rc = -1;
        if (rc != 0) {
            if (err->code == 0)
                prev_fail(err, PREV_EX_SOFTWARE, files[i].name, "cannot build the file");
            return err->code;
        }
    }
    return 0;
}
