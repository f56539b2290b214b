/* prevalence publish: store the report's published tables in the database
 * for the prevalence_reader role. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "db.h"
#include "report_args.h"
#include "report.h"

const char cmd_publish_help[] =
    "usage: prevalence publish --year YEAR [--measure confirmed|any]\n"
    "           [--method korn-graubard|wilson|logit|wald] [--level 0.95]\n"
    "           [--lonely-psu adjust|certainty|fail] [--min-cell 10] [--protection 3]\n"
    "           [--min-coverage 0.80]\n"
    "           [--small-area | --no-small-area] [--sae-fit reml|ml]\n"
    "           [--covariates FILE.csv] [--sae-transform none|arcsine]\n"
    "           [--diagnostics]\n"
    "\n"
    "Store the two published tables of the Council report for YEAR (the cells of\n"
    "tables/county_estimates_YEAR.csv and tables/officer_measure_YEAR.csv that 'prevalence\n"
    "report' writes with the same options, small cells protected) in the database,\n"
    "where the role prevalence_reader reads them through the view\n"
    "published_county_estimates. Nothing else reaches that role. A new\n"
    "publication of a year supersedes the previous one; both stay on record.\n"
    "Needs the role prevalence_owner (docs/security.md).\n"
    "\n"
    "  --year YEAR        survey year (required)\n"
    "  --measure M        the youth-level measure: confirmed (default) or any\n"
    "  --method M         interval: korn-graubard (default), wilson, logit, wald\n"
    "  --level L          confidence level, 0 < L < 1 (default 0.95)\n"
    "  --lonely-psu R     adjust (default), certainty or fail, as for 'estimate'\n"
    "  --min-cell N       smallest count published (default 10; 1 turns it off)\n"
    "  --min-coverage C   the Arizona row is suppressed below this share of the\n"
    "                     frame's youth in counties with responses (default 0.80)\n"
    "  --protection N     values every hidden count must keep for a reader (2 to 8,\n"
    "                     default 3); the disclosure audit refuses otherwise (exit 65)\n"
    "  --small-area | --no-small-area, --sae-fit, --covariates, --sae-transform,\n"
    "  --diagnostics      the model-based columns, as for 'report'\n"
    "\n"
    "Prints the publication number on stdout.\n"
    "Exit codes: 0 ok, 64 usage, 65 no responses for the year (or data the estimate\n"
    "refuses), 66 covariates file unreadable, 69 database unavailable, 74 stdout\n"
    "cannot be written, 77 the database user lacks prevalence_owner.\n";

int cmd_publish(int argc, char **argv)
{
    static const struct cli_command self = {"publish", "", NULL, cmd_publish_help};
    struct report_args a;
    struct rep_report_data *d = NULL;
    struct rep_sae_fit *fit = NULL;
    struct rep_pub_table *main = NULL, *officers = NULL;
    struct prev_error err;
    PGconn *conn = NULL;
    long publication = 0;
    int rc;

    prev_error_clear(&err);
    if ((rc = report_args_parse(argc, argv, &self, true, &a)) != 0)
        return rc == CLI_OPT_HELP ? 0 : rc;
    if ((rc = report_data_load(&a, &d, &err)) != 0)
        goto done;
    if ((fit = calloc(1, sizeof *fit)) == NULL || (main = calloc(1, sizeof *main)) == NULL
        || (officers = calloc(1, sizeof *officers)) == NULL) {
        rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    /* The report's own steps and function: what is stored is what the
     * report shows. */
    if ((rc = report_sae_fit(&a, d, fit, &err)) != 0
        || (rc = rep_report_tables(&d->in, main, officers, &err)) != 0)
        goto done;
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0
        || (rc = rep_report_publish(conn, &d->in, main, officers, &publication, &err)) != 0)
        goto done;
    printf("%ld\n", publication);
    if (!cli_globals.quiet)
        fprintf(stderr, "prevalence: survey year %d published as publication %ld (%zu + %zu "
                "rows)\n", a.opt.survey_year, publication, main->nrows, officers->nrows);
done:
    PQfinish(conn);
    free(main);
    free(officers);
    rep_sae_fit_free(fit);
    free(fit);
    report_data_free(d);
    return rc != 0 ? cli_report(&err) : 0;
}
