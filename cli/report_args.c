/* Options and database reading shared by `report` and `export`. */
#include "report_args.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "analysis.h"
#include "parse.h"
#include "prev_config.h"
#include "prev_git.h"

enum { OPT_YEAR = 1, OPT_OUT, OPT_MEASURE, OPT_METHOD, OPT_LEVEL, OPT_LONELY, OPT_MIN_CELL,
       OPT_TREND_COUNTIES, OPT_PROTECTION, OPT_INTERNAL };

int report_args_parse(int argc, char **argv, const struct cli_command *self,
                      bool publishes, struct report_args *a)
{
    static const struct option longopts[] = {
        {"year", required_argument, NULL, OPT_YEAR},
        {"out", required_argument, NULL, OPT_OUT},
        {"measure", required_argument, NULL, OPT_MEASURE},
        {"method", required_argument, NULL, OPT_METHOD},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"lonely-psu", required_argument, NULL, OPT_LONELY},
        {"min-cell", required_argument, NULL, OPT_MIN_CELL},
        {"trend-counties", required_argument, NULL, OPT_TREND_COUNTIES},
        {"protection", required_argument, NULL, OPT_PROTECTION},
        {"internal", required_argument, NULL, OPT_INTERNAL},
        SAE_ARGS_LONGOPTS,
        SAE_ARGS_LONGOPT_OFF,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = self->name;
    bool have_year = false;
    long year = 0;
    int c, rc;

    memset(a, 0, sizeof *a);
    a->opt.measure = AN_MEASURE_CONFIRMED;
    a->opt.method = AN_DESIGN_KORN_GRAUBARD;
    a->opt.level = 0.95;
    a->opt.lonely = AN_LONELY_ADJUST;
    a->opt.min_cell = REP_MIN_CELL_DEFAULT;
    a->opt.protection = REP_PROTECTION_DEFAULT;
    /* The report shows model-based estimates unless told not to; the
     * partner bundle is the data itself. */
    sae_args_init(&a->sae, publishes);
    while ((c = cli_getopt(argc, argv, self, "", longopts)) != CLI_OPT_END) {
        if (sae_args_option(cmd, c, optarg, &a->sae, &rc)) {
            if (rc == 0 && !publishes)
                rc = cli_usage_error(cmd, "the small-area options apply to 'report' only");
            if (rc != 0)
                return rc;
            continue;
        }
        switch (c) {
        case CLI_OPT_HELP:
            return CLI_OPT_HELP;
        case OPT_YEAR:
            if (!cli_long_arg(cmd, "--year", optarg, 2000, 2100, &year))
                return PREV_EX_USAGE;
            have_year = true;
            break;
        case OPT_OUT:
            if (optarg[0] == '\0')
                return cli_usage_error(cmd, "--out needs a folder name");
            a->out_dir = optarg;
            break;
        case OPT_MEASURE:
            /* officer_any is always in the report next to the youth measure. */
            if (!an_measure_parse(optarg, &a->opt.measure) ||
                a->opt.measure == AN_MEASURE_OFFICER_ANY)
                return cli_usage_error(cmd, "--measure expects confirmed or any, not '%s' "
                                       "(officer_any is always included)", optarg);
            break;
        case OPT_METHOD:
            if (!an_design_method_parse(optarg, &a->opt.method))
                return cli_usage_error(cmd, "--method expects korn-graubard, wilson, logit "
                                       "or wald, not '%s'", optarg);
            break;
        case OPT_LEVEL:
            if (!cli_level_arg(cmd, optarg, &a->opt.level))
                return PREV_EX_USAGE;
            break;
        case OPT_LONELY:
            if (!an_lonely_psu_parse(optarg, &a->opt.lonely))
                return cli_usage_error(cmd, "--lonely-psu expects adjust, certainty or "
                                       "fail, not '%s'", optarg);
            break;
        case OPT_MIN_CELL:
            /* The bundle reproduces the tables of a report made with it. */
            if (!publishes && strcmp(cmd, "export") != 0)
                return cli_usage_error(cmd, "--min-cell applies to 'report' and 'export'");
            if (!cli_long_arg(cmd, "--min-cell", optarg, 1, 1000000, &a->opt.min_cell))
                return PREV_EX_USAGE;
            break;
        case OPT_PROTECTION:
            if (!publishes && strcmp(cmd, "export") != 0)
                return cli_usage_error(cmd, "--protection applies to 'report', 'publish' "
                                       "and 'export'");
            if (!cli_long_arg(cmd, "--protection", optarg, 2, 8, &a->opt.protection))
                return PREV_EX_USAGE;
            break;
        case OPT_INTERNAL:
            /* The analysts' full-precision document, outside the public folder. */
            if (!publishes || strcmp(cmd, "report") != 0)
                return cli_usage_error(cmd, "--internal applies to 'report' only");
            if (optarg[0] == '\0')
                return cli_usage_error(cmd, "--internal needs a folder name");
            a->internal_dir = optarg;
            break;
        case OPT_TREND_COUNTIES:
            /* The chart is on the page; the bundle has none. Names are
             * checked against the database once it is read. */
            if (!publishes)
                return cli_usage_error(cmd, "--trend-counties applies to 'report' only");
            if (optarg[0] == '\0')
                return cli_usage_error(cmd, "--trend-counties needs county names, e.g. "
                                       "Arizona,Maricopa,Pima");
            a->opt.trend_counties = optarg;
            break;
        default:
            return PREV_EX_USAGE;
        }
    }
    if ((rc = sae_args_finish(cmd, &a->sae)) != 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!have_year)
        return cli_usage_error(cmd, "missing --year");
    /* publish writes tables to the database only: no folder, no chart. */
    if (strcmp(cmd, "publish") == 0 && a->out_dir != NULL)
        return cli_usage_error(cmd, "--out applies to 'report' and 'export', not 'publish'");
    if (strcmp(cmd, "publish") == 0 && a->opt.trend_counties != NULL)
        return cli_usage_error(cmd, "--trend-counties applies to 'report', not 'publish'");
    if (a->out_dir == NULL && strcmp(cmd, "publish") != 0)
        return cli_usage_error(cmd, "missing --out FOLDER");
    if (a->internal_dir != NULL && a->out_dir != NULL) {
        size_t n = strlen(a->out_dir);
        while (n > 1 && a->out_dir[n - 1] == '/')
            n--;
        if (strncmp(a->internal_dir, a->out_dir, n) == 0 &&
            (a->internal_dir[n] == '\0' || a->internal_dir[n] == '/'))
            return cli_usage_error(cmd, "--internal must be outside the public --out folder");
    }
    a->opt.survey_year = (int)year;
    a->opt.with_trend = publishes && strcmp(cmd, "publish") != 0;
    return 0;
}

/* ISO 8601 UTC of now, or of SOURCE_DATE_EPOCH (reproducible-builds.org)
 * so that a test or an archive can make byte-identical outputs. */
static void generation_time(char *buf, size_t size)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    long epoch;
    time_t t = time(NULL);
    struct tm tm;

    if (sde != NULL && prev_parse_long(sde, 0, 253402300799L, &epoch))
        t = (time_t)epoch;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int report_data_load(const struct report_args *a, struct rep_report_data **d,
                     struct prev_error *err)
{
    PGconn *conn = NULL;
    int rc;

    if ((*d = calloc(1, sizeof **d)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, err)) != 0)
        goto done;
    if ((rc = rep_report_load(conn, &a->opt, *d, err)) != 0)
        goto done;
    snprintf((*d)->in.tool_version, sizeof (*d)->in.tool_version, "%s", PREV_VERSION);
    snprintf((*d)->in.git_commit, sizeof (*d)->in.git_commit, "%s", PREV_GIT_DESCRIBE);
    generation_time((*d)->in.generated_at, sizeof (*d)->in.generated_at);
done:
    PQfinish(conn);
    return rc;
}

void report_data_free(struct rep_report_data *d)
{
    if (d == NULL)
        return;
    rep_report_data_free(d);
    free(d);
}

/* The summary's numbers the report's methods text and manifest need. */
static void take_summary(const struct an_sae_summary *s, const struct an_sae_row *rows,
                         size_t n, struct rep_report_sae *out)
{
    out->counties = s->counties;
    out->m = s->m;
    out->n_gvf = s->n_gvf;
    out->n_synthetic = 0;
    for (size_t i = 0; i < n; i++)
        out->n_synthetic += rows[i].synthetic ? 1 : 0;
    out->sigma2_u = s->fit.sigma2_u;
    out->at_boundary = s->fit.at_boundary;
    out->converged = s->fit.converged;
}

int report_sae_fit(const struct report_args *a, struct rep_report_data *d,
                   struct report_sae_fit *f, struct prev_error *err)
{
    struct rep_report_input *in = &d->in;
    struct rep_report_sae *s = &in->sae;
    struct an_sae_summary summary;
    struct prev_error fit_err;
    size_t n = in->ncounties + 1;
    bool insist = a->sae.explicit_on || a->sae.option_given;
    char path[256];
    int rc;

    memset(&summary, 0, sizeof summary);
    memset(s, 0, sizeof *s);
    memset(f, 0, sizeof *f);
    if (!a->sae.small_area)
        return 0;
    s->requested = true;
    s->opt = (struct an_sae_options){a->sae.fit, a->sae.transform, a->opt.level};
    if ((rc = sae_args_read_covariates(&a->sae, n, &f->cov, err)) != 0)
        goto done;
    prev_error_clear(&fit_err);
    rc = sae_args_fit_block("report", &a->sae, &f->cov, in->rows, n, f->rows, &s->cov, &summary,
                            &fit_err);
    if (rc == PREV_EX_DATA && !insist) {
        /* The default must not stop a report: say why there is no model. */
        snprintf(s->fallback, sizeof s->fallback, "%.190s", fit_err.msg);
        if (in->nnotes < REP_REPORT_MAX_NOTES)
            snprintf(in->notes[in->nnotes++], sizeof in->notes[0],
                     "no model-based estimates: %.170s", fit_err.msg);
        if (!cli_globals.quiet)
            fprintf(stderr, "prevalence report: note: no model-based estimates: %s\n",
                    fit_err.msg);
        rc = 0;
        goto done;
    }
    if (rc != 0) {
        *err = fit_err;
        goto done;
    }
    s->on = true;
    s->rows = f->rows;
    take_summary(&summary, f->rows, n, s);
    an_sae_summary_free(&summary);
    if (a->sae.covariates != NULL) {
        snprintf(path, sizeof path, "%s", a->sae.covariates);
        snprintf(s->covariates_file, sizeof s->covariates_file, "%s", basename(path));
        snprintf(s->covariates_sha256, sizeof s->covariates_sha256, "%s", f->cov.sha256);
    }
    /* officer_any only feeds estimates.json; without a model there its
     * rows say "no model-based estimate". */
    prev_error_clear(&fit_err);
    rc = sae_args_fit_block("report", &a->sae, &f->cov, in->officer_rows, n, f->officer_rows,
                            NULL, &summary, &fit_err);
    if (rc == PREV_EX_DATA) {
        for (size_t i = 0; i < n; i++) {
            memset(&f->officer_rows[i], 0, sizeof f->officer_rows[i]);
            an_sae_evaluate(&f->officer_rows[i], true);
        }
        if (in->nnotes < REP_REPORT_MAX_NOTES)
            snprintf(in->notes[in->nnotes++], sizeof in->notes[0],
                     "no model-based estimates for officer_any: %.150s", fit_err.msg);
        rc = 0;
    } else if (rc != 0) {
        *err = fit_err;
        goto done;
    }
    s->officer_rows = f->officer_rows;
done:
    an_sae_summary_free(&summary);
    return rc;
}

void report_sae_fit_free(struct report_sae_fit *f)
{
    if (f != NULL)
        sae_args_covariates_free(&f->cov);
}
