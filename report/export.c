/* The partner reproduction bundle, built in memory: everything a partner
 * needs to recompute our estimates with R's survey package, and nothing
 * else (no batch internals, no stored respondent codes). */
#include "export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "csv_out.h"
#include "estimate_output.h"
#include "parse.h"
#include "report_model.h"
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
    /* The report's published tables, as rep_report_tables makes them;
     * tables_refused: the disclosure audit refuses this publication (the
     * report would write nothing), so there is no table to compare. */
    struct rep_pub_table *main, *officers;
    bool tables_refused;
    char refused_why[600];
    struct rep_report_trend trend;      /* trend.trend NULL: a single year */
};

/* A number at full precision, empty when it does not exist. */
static void num(FILE *out, double x)
{
    char buf[40];
    if (!isnan(x))
        fputs(prev_fmt_double(buf, sizeof buf, x), out);
}

static void text(FILE *out, const char *s)
{
    prev_csv_field(out, s);
}

static int write_responses(FILE *out, const struct ctx *c)
{
    const struct rep_export_input *in = c->in;
    char code[32];

    fputs("survey_year,county,respondent_id,role,caseload,confirmed,suspected\n", out);
    for (size_t i = 0; i < in->nresponses; i++) {
        const struct rep_export_response *r = &in->responses[i];
        respondent_code(code, sizeof code, i);
        /* County names and roles never hold a comma or a quote (schema). */
        fprintf(out, "%d,%s,%s,%s,%ld,%ld,%ld\n", r->survey_year, r->county, code,
                r->role, r->caseload, r->confirmed, r->suspected);
    }
    return ferror(out) ? -1 : 0;
}

static int write_frame(FILE *out, const struct ctx *c)
{
    const struct rep_export_input *in = c->in;
    fputs("survey_year,county,officers_total,youth_total\n", out);
    for (size_t i = 0; i < in->nframes; i++)
        fprintf(out, "%d,%s,%ld,%ld\n", in->frames[i].survey_year, in->frames[i].county,
                in->frames[i].officers_total, in->frames[i].youth_total);
    return ferror(out) ? -1 : 0;
}

/* The parameters as R assignments, then the fixed script. */
static int write_script(FILE *out, const struct ctx *c)
{
    const struct rep_report_input *e = c->in->est;
    char level[32], coverage[32];

    fprintf(out, "# Written by prevalence %s for survey year %d: the parameters of this "
                 "bundle.\n", e->tool_version, e->survey_year);
    /* Shortest text that reads back to the same double: R parses it to
     * the level the tool used. */
    fprintf(out, "survey_year <- %dL\nmeasure <- \"%s\"\nmethod <- \"%s\"\nlevel <- %s\n"
                 "lonely_psu <- \"%s\"\nmin_cell <- %ldL\n"
                 "min_coverage <- %s   # the statewide coverage rule (0: off)\n"
                 "small_area <- %s   # the report's model: REML, untransformed, intercept only\n\n",
            e->survey_year, an_measure_name(e->measure), an_design_method_name(e->method),
            prev_fmt_double(level, sizeof level, e->level), an_lonely_psu_name(e->lonely),
            e->min_cell, prev_fmt_double(coverage, sizeof coverage, e->min_coverage),
            e->sae.on ? "TRUE" : "FALSE");
    fputs(rep_reproduce_r, out);
    return ferror(out) ? -1 : 0;
}

/* This year's rows of the measure and of officer_any, then every earlier
 * year's rows of the measure (the changes and the trend are made of them). */
static int write_expected(FILE *out, const struct ctx *c)
{
    const struct rep_report_input *e = c->in->est;
    const struct an_trend_result *tr = e->trend;
    struct prev_error *err = c->err;
    struct rep_estimate_meta meta;
    struct an_estimate_row *rows = NULL;
    size_t n = e->ncounties + 1, k = 0, earlier = 0;
    int rc;

    memset(&meta, 0, sizeof meta);
    meta.survey_year = e->survey_year;
    meta.has_frame = e->has_frame;
    meta.lonely = e->lonely;
    if (tr != NULL)
        earlier = (tr->nyears - 1) * tr->nseries;
    if ((rows = calloc(2 * n + earlier, sizeof *rows)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "expected/estimates.csv", "out of memory");
    memcpy(rows, e->rows, n * sizeof *rows);
    k = n;
    /* officer_any twice would be listed twice: the main measure may be it. */
    if (e->measure != AN_MEASURE_OFFICER_ANY) {
        memcpy(rows + n, e->officer_rows, n * sizeof *rows);
        k += n;
    }
    for (size_t y = 0; tr != NULL && y + 1 < tr->nyears; y++)
        for (size_t i = 0; i < tr->nseries; i++)
            if (tr->series[i].rows[y] != NULL)
                rows[k++] = *tr->series[i].rows[y];
    rc = rep_estimate_write(out, REP_FORMAT_CSV, &meta, rows, k, err);
    free(rows);
    return rc;
}

/* The two published tables, cell for cell as tables/NAME.csv prints them. */
static int write_table_main(FILE *out, const struct ctx *c)
{
    return rep_write_table_csv(out, c->main) != 0 ? -1 : 0;
}

static int write_table_officers(FILE *out, const struct ctx *c)
{
    return rep_write_table_csv(out, c->officers) != 0 ? -1 : 0;
}

/* Every change `prevalence trend` computes (consecutive years, then first
 * to last) for every county and the state, and the report's "change since"
 * cell for the last one ("" for the others). */
static int write_changes(FILE *out, const struct ctx *c)
{
    const struct an_trend_result *tr = c->in->est->trend;
    const char *m = an_measure_name(c->in->est->measure);

    fputs("county,fips,measure,from_year,to_year,estimate_from,estimate_to,difference,se,df,"
          "ci_low,ci_high,ratio,ratio_ci_low,ratio_ci_high,p_value,flag,reasons,published\n",
          out);
    for (size_t i = 0; i < tr->nseries; i++) {
        const struct an_trend_series *s = &tr->series[i];
        const struct an_trend_change *last = an_trend_last_change(tr, s);
        for (size_t k = 0; k < s->nchanges; k++) {
            const struct an_trend_change *ch = &s->changes[k];
            char cell[64] = "";
            bool marked;
            if (ch == last)
                rep_report_change_cell(&c->trend, i, cell, sizeof cell, &marked);
            text(out, s->county);
            fprintf(out, ",%s,%s,%d,%d,", s->fips, m, ch->from_year, ch->to_year);
            const double v[] = {ch->estimate_from, ch->estimate_to, ch->difference, ch->se,
                                ch->df, ch->ci_low, ch->ci_high, ch->ratio, ch->ratio_ci_low,
                                ch->ratio_ci_high, ch->p_value};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                num(out, ch->defined ? v[j] : NAN);
                fputc(',', out);
            }
            fprintf(out, "%s,", an_flag_name(ch->flag));
            text(out, ch->reasons);
            fputc(',', out);
            text(out, cell);
            fputc('\n', out);
        }
    }
    return ferror(out) ? -1 : 0;
}

static int write_slopes(FILE *out, const struct ctx *c)
{
    const struct an_trend_result *tr = c->in->est->trend;
    const char *m = an_measure_name(c->in->est->measure);

    fputs("county,fips,measure,first_year,last_year,years,slope,se,df,ci_low,ci_high,"
          "p_value,flag,reasons\n", out);
    for (size_t i = 0; i < tr->nseries; i++) {
        const struct an_trend_slope *sl = &tr->series[i].slope;
        text(out, tr->series[i].county);
        fprintf(out, ",%s,%s,%d,%d,%d,", tr->series[i].fips, m, sl->first_year,
                sl->last_year, sl->years);
        const double v[] = {sl->slope, sl->se, sl->df, sl->ci_low, sl->ci_high, sl->p_value};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
            num(out, sl->defined ? v[j] : NAN);
            fputc(',', out);
        }
        fprintf(out, "%s,", an_flag_name(sl->flag));
        text(out, sl->reasons);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

/* The report's model-based estimates (Fay-Herriot, REML, Prasad-Rao MSE)
 * for its measure, every county; the state has none. */
static int write_model(FILE *out, const struct ctx *c)
{
    const struct rep_report_input *e = c->in->est;
    const char *m = an_measure_name(e->measure);

    fputs("county,fips,measure,synthetic,estimate,mse,ci_low,ci_high,weight,variance,"
          "variance_source,std_resid,flag,reasons\n", out);
    for (size_t i = 0; i < e->ncounties; i++) {
        const struct an_sae_row *r = &e->sae.rows[i];
        if (!r->has_sae)
            continue;
        text(out, e->rows[i].county);
        fprintf(out, ",%s,%s,%s,", e->rows[i].fips, m, r->synthetic ? "true" : "false");
        const double v[] = {r->estimate, r->mse, r->ci_low, r->ci_high, r->weight, r->variance};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
            num(out, v[j]);
            fputc(',', out);
        }
        fprintf(out, "%s,", r->synthetic ? "" : an_sae_variance_source_name(r->variance_source));
        num(out, r->std_resid);
        fprintf(out, ",%s,", an_flag_name(r->flag));
        text(out, r->reasons);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}

static int write_readme(FILE *out, const struct ctx *c)
{
    const struct rep_report_input *e = c->in->est;
    const struct an_trend_result *tr = e->trend;

    fprintf(out, "# Reproduction bundle: survey year %d\n\n", e->survey_year);
    fprintf(out,
            "Made by `prevalence export` (prevalence %s%s%s) on %s, from the data loaded "
            "as of %s.\n"
            "It lets you recompute, with R's `survey` package and plain R, every number "
            "the Council report for survey year %d publishes: the share of youth on "
            "juvenile probation in Arizona who are minor victims of sex trafficking, by "
            "county and statewide, and everything published about it.\n\n",
            e->tool_version, e->git_commit[0] != '\0' ? ", " : "", e->git_commit,
            e->generated_at, e->data_as_of, e->survey_year);
    fputs("## Files\n\n"
          "- `responses.csv`: one row per probation officer who answered the survey, "
          "this year and every earlier survey year in the database (the changes and the "
          "trend are computed from them): "
          "`survey_year,county,respondent_id,role,caseload,confirmed,suspected` "
          "(codebook v1). `respondent_id` is a code made for this bundle (R0001, R0002, "
          "...), not the department's code, so that no row can be linked back to an "
          "officer; `caseload` is the number of youth on the officer's caseload, "
          "`confirmed` and `suspected` how many of them are confirmed or suspected "
          "victims.\n"
          "- `frame.csv`: `survey_year,county,officers_total,youth_total`, one row per "
          "county and year: all juvenile probation officers and all youth on probation "
          "on the survey date (the survey frame). A year without a row has no frame.\n"
          "- `reproduce.R`: recomputes everything below and compares it with "
          "`expected/`; its comments state the design and every rule.\n"
          "- `expected/`: the `prevalence` tool's numbers at full precision, one file per "
          "family (below). Not for publication: small counts are not protected in "
          "`estimates.csv`, `changes.csv`, `slopes.csv` and `model.csv`.\n"
          "- `README.md`: this file.\n"
          "- `MANIFEST.sha256`: the SHA-256 of every other file.\n\n", out);
    fputs("## Run\n\n"
          "Check the files, then run the script from this folder:\n\n"
          "```\n"
          "sha256sum -c MANIFEST.sha256\n"
          "Rscript reproduce.R\n"
          "```\n\n"
          "It writes what R computed next to `expected/` (`r_*.csv`), prints one line "
          "per family, `FAMILY: N of N agree to 1e-6`, and exits with status 1 when "
          "any number, flag, reason or table cell differs, naming the family, the row "
          "and the number. Numbers agree when they differ by at most 1e-6; flags, "
          "reasons and cells must be identical.\n\n", out);
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
                 "(`options(survey.lonely.psu = \"%s\")`)\n"
                 "- smallest published count (`--min-cell`): %ld\n"
                 "- model-based estimates: %s\n\n",
            an_measure_name(e->measure), an_design_method_name(e->method), e->level,
            an_lonely_psu_name(e->lonely), an_lonely_psu_name(e->lonely), e->min_cell,
            e->sae.on ? "Fay-Herriot, REML, untransformed, intercept only (the report's default)"
                      : "none (the model could not be fitted)");
    fputs("## What is compared, and how\n\n"
          "| family | file | R computes it with |\n|---|---|---|\n"
          "| estimates | `expected/estimates.csv` | `svyratio()` per county (`subset()`) and "
          "for the state: estimate, SE, `degf()`, design effect, effective sample size, "
          "totals; the interval with `svyciprop()` on the same design expanded to one 0/1 "
          "row per youth (korn-graubard = `method = \"beta\"`, logit = `\"xlogit\"`, "
          "wald = `\"mean\"`; wilson by the formula of survey 4.5, which 4.1 lacks) |\n"
          "| flags | `expected/estimates.csv` | the NCHS presentation standard (Parker et "
          "al. 2017) written out in R: flag and every reason, on the 95% Korn-Graubard "
          "interval |\n"
          "| tables | `expected/table_county_estimates.csv`, "
          "`expected/table_officer_measure.csv` | the small-cell rules (primary, small "
          "denominators, complementary suppression) written out in R from the methods; "
          "every cell as printed |\n", out);
    if (tr != NULL)
        fputs("| changes | `expected/changes.csv` | `svycontrast()` on one design over all "
              "years (strata county x year), with the Welch-Satterthwaite df; the report's "
              "\"change since\" cell |\n"
              "| slopes | `expected/slopes.csv` | `svycontrast()` with the weighted "
              "least-squares coefficients, Welch-Satterthwaite df |\n", out);
    if (e->sae.on)
        fputs("| model | `expected/model.csv` | the Fay-Herriot model written out in R: "
              "REML by `optimize()` and `uniroot()` on the score, Prasad-Rao MSE with "
              "matrices, the GVF, the presentation rules |\n", out);
    fputs("\n## Where our rules differ from R, and how the script handles it\n\n"
          "The script computes each rule itself, in R, compares our number with the "
          "rule, and prints R's own answer beside ours, naming the rule:\n\n"
          "- **census** (every officer of the domain answered): no sampling error, the "
          "interval is (p, p) for every method; `svyciprop(method = \"beta\")` gives "
          "(0.5, 0.5).\n"
          "- **edge** (p = 0 or 1, or SE 0 as for a single respondent): the effective "
          "sample size is n (Clopper-Pearson with n for korn-graubard, and for logit, "
          "which has no interval there); R gives NaN.\n"
          "- **df0** (wilson with 0 degrees of freedom, one respondent): korn-graubard's "
          "interval; R has no t(0).\n"
          "- **kg-cap** (NCHS): a Korn-Graubard effective sample size above n is capped at "
          "n (a design effect below 1 counts as 1); `svyciprop` has no cap.\n"
          "- **clamp**: Wald limits are clamped to [0, 1]; `svyciprop` does not clamp.\n"
          "- **empty caseloads**: an officer with caseload 0 is a PSU; in the expanded "
          "data it is one row of weight 0, which `svyciprop(\"beta\")` counts in "
          "`nrow(design) - 1` and `degf()` leaves out; we count youth for n and every "
          "PSU for df (other methods get `svyciprop(df = )` with the design's df).\n"
          "- **lonely**: a county's single respondent has SE exactly 0 here and about "
          "1e-17 in R; df 0 either way.\n"
          "- **change df**: the df of a change or slope is Welch-Satterthwaite's; R's "
          "`degf()` of the combined design is printed beside it.\n"
          "- **disclosure audit** (a GLPK integer program): where it hides a statewide "
          "rate (`x`) beyond the rules above, the script takes that decision from "
          "the expected table and says so; and the model-based `x` of the witness "
          "search of the methods (\"Model-based estimates\", rules 2-3) is checked to "
          "hide only cells the R rules would show, not re-searched.\n\n", out);
    if (e->nnotes > 0) {
        fputs("## Caveats\n\n", out);
        for (size_t i = 0; i < e->nnotes; i++)
            fprintf(out, "- %s\n", e->notes[i]);
        fputc('\n', out);
    }
    if (c->tables_refused)
        fprintf(out, "## No published tables\n\nThe disclosure audit refuses the report "
                     "for these parameters (%s): nothing is published, so no table is "
                     "compared.\n\n", c->refused_why);
    fputs("## Source files\n\nThe data of this year come from these loaded files (SHA-256 "
          "of the file as received):\n\n", out);
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
    enum { ALWAYS, TABLES, TREND, MODEL };
    static const struct {
        const char *name;
        int (*write)(FILE *out, const struct ctx *c);
        int when;
    } files[] = {
        {"responses.csv", write_responses, ALWAYS},
        {"frame.csv", write_frame, ALWAYS},
        {"reproduce.R", write_script, ALWAYS},
        {"expected/estimates.csv", write_expected, ALWAYS},
        {"expected/table_county_estimates.csv", write_table_main, TABLES},
        {"expected/table_officer_measure.csv", write_table_officers, TABLES},
        {"expected/changes.csv", write_changes, TREND},
        {"expected/slopes.csv", write_slopes, TREND},
        {"expected/model.csv", write_model, MODEL},
        {"README.md", write_readme, ALWAYS},
        {"MANIFEST.sha256", write_manifest, ALWAYS},   /* last: it covers the others */
    };
    struct ctx c;
    struct prev_error terr;
    int rc = 0;

    prev_error_clear(err);
    memset(&c, 0, sizeof c);
    c.in = in;
    c.set = set;
    c.err = err;
    if ((c.main = calloc(1, sizeof *c.main)) == NULL ||
        (c.officers = calloc(1, sizeof *c.officers)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    /* The tables exactly as the report would publish them. A report the
     * disclosure audit refuses publishes nothing: the bundle says so. */
    prev_error_clear(&terr);
    if ((rc = rep_report_tables(in->est, c.main, c.officers, &terr)) == PREV_EX_DATA) {
        c.tables_refused = true;
        snprintf(c.refused_why, sizeof c.refused_why, "%s", terr.msg);
        rc = 0;
    } else if (rc != 0) {
        *err = terr;
        goto done;
    }
    if (in->est->trend != NULL) {
        if (rep_report_trend_prepare(in->est, &c.trend) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "cannot protect the earlier years");
            goto done;
        }
        if (!c.tables_refused)
            rep_report_trend_follow(&c.trend, c.main);
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if ((files[i].when == TABLES && c.tables_refused) ||
            (files[i].when == TREND && in->est->trend == NULL) ||
            (files[i].when == MODEL && !in->est->sae.on))
            continue;
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
    rep_report_trend_free(&c.trend);
    free(c.main);
    free(c.officers);
    return rc;
}
