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
       OPT_TREND_COUNTIES, OPT_PROTECTION, OPT_INTERNAL, OPT_MIN_COVERAGE, OPT_PDF,
       OPT_CONTACT, OPT_MAP };

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
        {"min-coverage", required_argument, NULL, OPT_MIN_COVERAGE},
        {"pdf", no_argument, NULL, OPT_PDF},
        {"contact", required_argument, NULL, OPT_CONTACT},
        {"map", required_argument, NULL, OPT_MAP},
        SAE_ARGS_LONGOPTS,
        SAE_ARGS_LONGOPT_OFF,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = self->name;
    bool have_year = false;
    long year = 0;
    int c, rc;

    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->opt.measure = AN_MEASURE_CONFIRMED;
    a->opt.method = AN_DESIGN_KORN_GRAUBARD;
    a->opt.level = 0.95;
    a->opt.lonely = AN_LONELY_ADJUST;
    a->opt.min_cell = REP_MIN_CELL_DEFAULT;
    a->opt.protection = REP_PROTECTION_DEFAULT;
    a->opt.min_coverage = AN_MIN_COVERAGE_DEFAULT;
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
        case OPT_MIN_COVERAGE:
            if (!publishes)
                return cli_usage_error(cmd, "--min-coverage applies to 'report' and 'publish'");
            if (!cli_double_arg(cmd, "--min-coverage", optarg, 0.0, 1.0, &a->opt.min_coverage))
                return PREV_EX_USAGE;
            break;
        case OPT_CONTACT:
            if (strcmp(cmd, "report") != 0)
                return cli_usage_error(cmd, "--contact applies to 'report' only");
            if (optarg[0] == '\0' || strlen(optarg) > 250)
                return cli_usage_error(cmd, "--contact needs a line of 1 to 250 characters");
            a->contact = optarg;
            break;
        case OPT_MAP:
            if (strcmp(cmd, "report") != 0)
                return cli_usage_error(cmd, "--map applies to 'report' only");
            if (strcmp(optarg, "direct") != 0 && strcmp(optarg, "model") != 0)
                return cli_usage_error(cmd, "--map is direct or model, not '%s'", optarg);
            a->map_model = strcmp(optarg, "model") == 0;
            break;
        case OPT_PDF:
            if (strcmp(cmd, "report") != 0)
                return cli_usage_error(cmd, "--pdf applies to 'report' only");
            a->pdf = true;
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
    {
        /* Not silenced by --quiet: it changes what the statewide figures mean. */
        char missing[600];
        if (rep_missing_counties_note((*d)->rows, (*d)->in.ncounties, a->opt.min_coverage,
                                      missing, sizeof missing) > 0)
            fprintf(stderr, "prevalence %s: note: %s\n", a->cmd, missing);
    }
    snprintf((*d)->in.tool_version, sizeof (*d)->in.tool_version, "%s", PREV_VERSION);
    (*d)->in.map_model = a->map_model;
    if (a->contact != NULL)
        snprintf((*d)->in.contact, sizeof (*d)->in.contact, "%s", a->contact);
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

int report_sae_fit(const struct report_args *a, struct rep_report_data *d,
                   struct rep_sae_fit *f, struct prev_error *err)
{
    struct rep_sae_request rq = sae_args_request("report", &a->sae);
    int rc = rep_report_sae_fit(&rq, d, f, err);

    if (rc == 0 && d->in.sae.fallback[0] != '\0' && !cli_globals.quiet)
        fprintf(stderr, "prevalence report: note: no model-based estimates: %s\n",
                d->in.sae.fallback);
    return rc;
}
