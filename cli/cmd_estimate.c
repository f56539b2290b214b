/* prevalence estimate: design-based prevalence per county and statewide. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "analysis.h"
#include "report.h"
#include "sae_args.h"

const char cmd_estimate_help[] =
    "usage: prevalence estimate --year YEAR [--measure confirmed|any|officer_any|all]\n"
    "           [--method korn-graubard|wilson|logit|wald] [--level 0.95]\n"
    "           [--deff-cap by-measure|after-fpc|before-fpc]\n"
    "           [--lonely-psu adjust|certainty|fail] [--by role]\n"
    "           [--weights design|calibrated]\n"
    "           [--min-coverage 0.80] [--format table|csv|json|md]\n"
    "           [--small-area [--sae-fit reml|ml] [--covariates FILE.csv]\n"
    "            [--sae-transform none|arcsine] [--diagnostics]]\n"
    "\n"
    "Estimate the share of youth on juvenile probation who are minor victims of sex\n"
    "trafficking, for every county and for Arizona (last row), from the active\n"
    "responses of one survey year. Design: strata = counties, PSU = respondent,\n"
    "weight = officers_total / respondents, finite population correction from the\n"
    "year's frame; ratio estimator with a Taylor-linearized standard error, as R's\n"
    "survey package computes it (docs/methods.md).\n"
    "\n"
    "  --year YEAR        survey year (required)\n"
    "  --measure M        confirmed (default): confirmed victims / youth on caseloads;\n"
    "                     any: confirmed + suspected / youth on caseloads;\n"
    "                     officer_any: share of respondents with a confirmed victim;\n"
    "                     all: the three, one after the other\n"
    "  --method M         interval: korn-graubard (default), wilson, logit, wald\n"
    "  --level L          confidence level, 0 < L < 1 (default 0.95)\n"
    "  --deff-cap C       Korn-Graubard's cap 'design effect below 1 counts as 1':\n"
    "                     after-fpc (on the design effect with the finite\n"
    "                     population correction), before-fpc (on the with-\n"
    "                     replacement design effect, then the fpc applies), or\n"
    "                     by-measure (default): before-fpc for officer_any,\n"
    "                     after-fpc for confirmed and any (docs/methods.md)\n"
    "  --lonely-psu R     a county with one respondent that is not a census:\n"
    "                     adjust (default; R's \"adjust\"), certainty (no variance),\n"
    "                     fail (exit 65 naming the county)\n"
    "  --by role          estimate each role's respondents (probation_officer,\n"
    "                     supervisor, other) as a domain of the whole design, per\n"
    "                     county and statewide: one block per role present, with\n"
    "                     a role column; no totals (the frame has no role counts)\n"
    "  --weights W        design (default): officers_total / respondents in each\n"
    "                     county; calibrated: those weights scaled so that each\n"
    "                     county's weighted caseload equals the frame's youth_total\n"
    "                     (ratio calibration, R's calibrate()). County rows are the\n"
    "                     same; Arizona's is then the youth_total-weighted mean of\n"
    "                     the county ratios. Youth measures only; needs a frame\n"
    "  --min-coverage C   the Arizona row is flagged 'suppress' when the counties\n"
    "                     with responses hold less than this share of the frame's\n"
    "                     youth (0 to 1, default 0.80; 0 turns the rule off)\n"
    "  --format F         table (default on a terminal), csv (default otherwise),\n"
    "                     json, md\n"
    "  --small-area       add model-based county estimates (Fay-Herriot EBLUP):\n"
    "                     sae_estimate, sae_mse, sae_ci_low, sae_ci_high, sae_weight,\n"
    "                     sae_variance, sae_variance_source, sae_flag, sae_reasons\n"
    "  --sae-fit F        between-county variance by reml (default) or ml\n"
    "  --covariates FILE  county covariates (CSV: county plus numeric columns;\n"
    "                     docs/codebook.md); default: intercept only\n"
    "  --sae-transform T  none (default) or arcsine (arcsine-square-root scale,\n"
    "                     bias-corrected back-transformation)\n"
    "  --diagnostics      print the model's diagnostics on stderr\n"
    "\n"
    "All 15 counties are always listed; one without respondents has an empty\n"
    "estimate and flag 'suppress' (no data); a note on stderr names it, and the\n"
    "Arizona row describes the responding counties only: its totals count their\n"
    "youth, coverage_youth and coverage_officers (last columns) say what share\n"
    "of the frame they hold. Without a frame for the year the\n"
    "weights are equal, there is no finite population correction and the totals are\n"
    "empty (a note says so on stderr and in JSON). Columns: docs/commands/estimate.md.\n"
    "Exit codes: 0 ok, 64 usage (officer_any with --weights calibrated), 65 no\n"
    "responses for the year, an inconsistent frame, no frame with --weights\n"
    "calibrated, or a lonely PSU with --lonely-psu fail, 69 database unavailable.\n";

enum { OPT_YEAR = 1, OPT_MEASURE, OPT_METHOD, OPT_LEVEL, OPT_DEFF_CAP, OPT_LONELY, OPT_BY, OPT_FORMAT,
       OPT_MIN_COVERAGE, OPT_WEIGHTS };

struct estimate_args {
    long year;
    bool all_measures;
    enum an_measure measure;
    enum an_design_method method;
    double level;
    enum an_deff_cap deff_cap;
    enum an_lonely_psu lonely;
    double min_coverage;
    enum an_weights weights;
    bool by_role;
    enum rep_format format;
    struct sae_args sae;
};

/* Returns 0, CLI_OPT_HELP or PREV_EX_USAGE. */
static int parse_args(int argc, char **argv, struct estimate_args *a)
{
    static const struct cli_command self = {"estimate", "", NULL, cmd_estimate_help};
    static const struct option longopts[] = {
        {"year", required_argument, NULL, OPT_YEAR},
        {"measure", required_argument, NULL, OPT_MEASURE},
        {"method", required_argument, NULL, OPT_METHOD},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"deff-cap", required_argument, NULL, OPT_DEFF_CAP},
        {"lonely-psu", required_argument, NULL, OPT_LONELY},
        {"by", required_argument, NULL, OPT_BY},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"min-coverage", required_argument, NULL, OPT_MIN_COVERAGE},
        {"weights", required_argument, NULL, OPT_WEIGHTS},
        SAE_ARGS_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    bool have_year = false;
    int c, rc;

    *a = (struct estimate_args){
        .measure = AN_MEASURE_CONFIRMED,
        .method = AN_DESIGN_KORN_GRAUBARD,
        .level = 0.95,
        .deff_cap = AN_DEFF_CAP_DEFAULT,
        .lonely = AN_LONELY_ADJUST,
        .min_coverage = AN_MIN_COVERAGE_DEFAULT,
        .format = cli_stdout_is_tty() ? REP_FORMAT_TABLE : REP_FORMAT_CSV,
    };
    sae_args_init(&a->sae, false);
    while ((c = cli_getopt(argc, argv, &self, "", longopts)) != CLI_OPT_END) {
        if (sae_args_option("estimate", c, optarg, &a->sae, &rc)) {
            if (rc != 0)
                return rc;
            continue;
        }
        switch (c) {
        case CLI_OPT_HELP:
            return CLI_OPT_HELP;
        case OPT_YEAR:
            if (!cli_long_arg("estimate", "--year", optarg, 2000, 2100, &a->year))
                return PREV_EX_USAGE;
            have_year = true;
            break;
        case OPT_MEASURE:
            a->all_measures = strcmp(optarg, "all") == 0;
            if (!a->all_measures && !an_measure_parse(optarg, &a->measure))
                return cli_usage_error("estimate", "--measure expects confirmed, any, "
                                       "officer_any or all, not '%s'", optarg);
            break;
        case OPT_METHOD:
            if (!an_design_method_parse(optarg, &a->method))
                return cli_usage_error("estimate", "--method expects korn-graubard, wilson, "
                                       "logit or wald, not '%s'", optarg);
            break;
        case OPT_LEVEL:
            if (!cli_level_arg("estimate", optarg, &a->level))
                return PREV_EX_USAGE;
            break;
        case OPT_DEFF_CAP:
            if (!an_deff_cap_parse(optarg, &a->deff_cap))
                return cli_usage_error("estimate", "--deff-cap expects by-measure, after-fpc "
                                       "or before-fpc, not '%s'", optarg);
            break;
        case OPT_LONELY:
            if (!an_lonely_psu_parse(optarg, &a->lonely))
                return cli_usage_error("estimate", "--lonely-psu expects adjust, certainty "
                                       "or fail, not '%s'", optarg);
            break;
        case OPT_MIN_COVERAGE:
            if (!cli_double_arg("estimate", "--min-coverage", optarg, 0.0, 1.0,
                                &a->min_coverage))
                return PREV_EX_USAGE;
            break;
        case OPT_WEIGHTS:
            if (!an_weights_parse(optarg, &a->weights))
                return cli_usage_error("estimate", "--weights expects design or calibrated, "
                                       "not '%s'", optarg);
            break;
        case OPT_BY:
            if (strcmp(optarg, "role") != 0)
                return cli_usage_error("estimate", "--by expects role, not '%s'", optarg);
            a->by_role = true;
            break;
        case OPT_FORMAT:
            if (!rep_format_parse(optarg, &a->format))
                return cli_usage_error("estimate", "--format expects table, csv, json or "
                                       "md, not '%s'", optarg);
            break;
        default:
            return PREV_EX_USAGE;
        }
    }
    if ((rc = sae_args_finish("estimate", &a->sae)) != 0)
        return rc;
    if (optind < argc)
        return cli_usage_error("estimate", "unexpected argument '%s'", argv[optind]);
    if (!have_year)
        return cli_usage_error("estimate", "missing --year");
    if (a->weights == AN_WEIGHTS_CALIBRATED
        && (a->all_measures || a->measure == AN_MEASURE_OFFICER_ANY))
        return cli_usage_error("estimate", "--weights calibrated applies to the youth "
                               "measures: use --measure confirmed or any (officer_any is a "
                               "share of officers, whose design weights already add up to "
                               "each county's officers_total)");
    if (a->by_role && a->sae.small_area)
        return cli_usage_error("estimate", "--by role and --small-area cannot be combined "
                               "(the model is fitted to whole counties)");
    return 0;
}

/* Caveats every reader of the numbers needs: no frame, lonely PSUs. */
static void collect_notes(const struct estimate_args *a, const struct an_county_sums *c,
                          size_t n, bool has_frame, struct rep_estimate_meta *meta)
{
    if (!has_frame)
        snprintf(meta->notes[meta->nnotes++], sizeof meta->notes[0],
                 "no frame for survey year %ld: equal weights, no finite population "
                 "correction, totals left empty", a->year);
    if (has_frame && a->weights == AN_WEIGHTS_CALIBRATED)
        snprintf(meta->notes[meta->nnotes++], sizeof meta->notes[0],
                 "weights calibrated to the frame's youth_total in each county: county "
                 "rows as with design weights, Arizona's weights each county by its youth");
    for (size_t i = 0; i < n && meta->nnotes < AN_MAX_NOTES; i++) {
        bool census = has_frame && c[i].respondents == c[i].officers_total;
        if (c[i].respondents != 1 || census)
            continue;
        snprintf(meta->notes[meta->nnotes++], sizeof meta->notes[0],
                 "%s has one respondent (a lonely PSU): --lonely-psu %s; its own row has "
                 "no variance and df 0", c[i].name, an_lonely_psu_name(a->lonely));
    }
}

/* The model, fitted separately for each measure (rows come in blocks of
 * the counties then the state). Diagnostics go to stderr. */
static int small_area(const struct estimate_args *a, const struct an_estimate_row *rows,
                      size_t nrows, size_t block, struct an_sae_row *sae,
                      struct prev_error *err)
{
    struct rep_sae_request rq = sae_args_request("estimate", &a->sae);
    struct rep_sae_covariates cov;
    struct an_sae_summary summary;
    int rc;

    memset(&summary, 0, sizeof summary);
    if ((rc = rep_sae_covariates_read(rq.covariates, block, &cov, err)) != 0)
        goto done;
    for (size_t off = 0; off < nrows; off += block) {
        if ((rc = rep_sae_fit_block(&rq, &cov, rows + off, block, sae + off, NULL, &summary,
                                    err)) != 0)
            goto done;
        an_sae_summary_free(&summary);
    }
done:
    an_sae_summary_free(&summary);
    rep_sae_covariates_free(&cov);
    return rc;
}

int cmd_estimate(int argc, char **argv)
{
    struct estimate_args a;
    struct prev_error err;
    struct an_county_sums counties[AN_MAX_COUNTIES];
    struct rep_estimate_meta meta;
    struct an_estimate_row *rows = NULL;
    struct an_sae_row *sae = NULL;
    struct an_domain_sums *domains = NULL;
    PGconn *conn = NULL;
    size_t ncounties = 0, nrows = 0, ndomains = 0, nblocks = 1;
    bool has_frame = false;
    long respondents = 0;
    int rc;

    prev_error_clear(&err);
    memset(&meta, 0, sizeof meta);
    if ((rc = parse_args(argc, argv, &a)) != 0)
        return rc == CLI_OPT_HELP ? 0 : rc;
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0)
        goto done;
    /* One snapshot for both queries: a load running meanwhile cannot give
     * the domains from another state of the data than the design. */
    if (a.by_role && (rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                                   &err)) != 0)
        goto done;
    if ((rc = an_estimate_query(conn, (int)a.year, counties, &ncounties, &has_frame,
                                &respondents, &err)) != 0)
        goto done;
    if (a.by_role) {
        if ((domains = calloc(AN_MAX_DOMAINS, sizeof *domains)) == NULL) {
            rc = prev_fail(&err, PREV_EX_OSERR, "", "out of memory");
            goto done;
        }
        if ((rc = an_estimate_query_by_role(conn, (int)a.year, counties, ncounties, domains,
                                            &ndomains, &err)) != 0
            || (rc = db_exec(conn, "COMMIT", &err)) != 0)
            goto done;
        nblocks = ndomains;
        meta.by = "role";
    }
    if (respondents == 0) {
        rc = prev_fail(&err, PREV_EX_DATA, "", "no active responses for survey year %ld; "
                       "load them first ('prevalence load')", a.year);
        goto done;
    }

    meta.survey_year = (int)a.year;
    meta.has_frame = has_frame;
    meta.lonely = a.lonely;
    meta.weights = a.weights;
    collect_notes(&a, counties, ncounties, has_frame, &meta);

    rows = calloc((ncounties + 1) * AN_MEASURE_N * (nblocks > 0 ? nblocks : 1), sizeof *rows);
    if (rows == NULL) {
        rc = prev_fail(&err, PREV_EX_OSERR, "", "out of memory");
        goto done;
    }
    for (int m = 0; m < AN_MEASURE_N; m++) {
        struct an_estimate_options opt = {
            .survey_year = (int)a.year,
            .measure = a.all_measures ? (enum an_measure)m : a.measure,
            .method = a.method,
            .level = a.level,
            .deff_cap = a.deff_cap,
            .lonely = a.lonely,
            .has_frame = has_frame,
            .min_coverage = a.min_coverage,
            .weights = a.weights,
        };
        if (!a.by_role) {
            if ((rc = an_estimate_rows(counties, ncounties, &opt, rows + nrows, &err)) != 0)
                goto done;
            nrows += ncounties + 1;
        }
        for (size_t d = 0; a.by_role && d < ndomains; d++) {
            if ((rc = an_estimate_domain_rows(counties, domains[d].c, ncounties, &opt,
                                              domains[d].name, rows + nrows, &err)) != 0)
                goto done;
            nrows += ncounties + 1;
        }
        if (!a.all_measures)
            break;
    }

    /* Caveats are printed once: the table and Markdown carry them under
     * the rows, for a person; CSV and JSON are read by programs, so there
     * they go to stderr too, to leave a trace for the person who ran it. */
    for (size_t i = 0; i < meta.nnotes; i++) {
        bool frame_note = !has_frame && i == 0;   /* never silenced: it changes the numbers */
        bool in_output = a.format == REP_FORMAT_TABLE || a.format == REP_FORMAT_MD;
        if (!in_output && (frame_note || !cli_globals.quiet))
            fprintf(stderr, "prevalence estimate: note: %s\n", meta.notes[i]);
    }
    if (!a.by_role) {
        /* Not silenced by --quiet: it changes what the statewide row means. */
        char missing[600];
        if (rep_missing_counties_note(rows, ncounties, a.min_coverage, missing,
                                      sizeof missing) > 0)
            fprintf(stderr, "prevalence estimate: note: %s\n", missing);
    }
    if (a.sae.small_area) {
        if ((sae = calloc(nrows, sizeof *sae)) == NULL) {
            rc = prev_fail(&err, PREV_EX_OSERR, "", "out of memory");
            goto done;
        }
        if ((rc = small_area(&a, rows, nrows, ncounties + 1, sae, &err)) != 0)
            goto done;
        meta.sae = sae;
    }
    rc = rep_estimate_write(stdout, a.format, &meta, rows, nrows, &err);
done:
    free(domains);
    free(sae);
    free(rows);
    PQfinish(conn);
    return rc != 0 ? cli_report(&err) : 0;
}
