/* prevalence export: the partner reproduction bundle for one survey year. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "report.h"
#include "report_args.h"

const char cmd_export_help[] =
    "usage: prevalence export --year YEAR --out FOLDER [--measure confirmed|any]\n"
    "           [--method korn-graubard|wilson|logit|wald] [--level 0.95]\n"
    "           [--lonely-psu adjust|certainty|fail] [--min-cell 10] [--protection 3]\n"
    "\n"
    "Write a bundle that lets a partner reproduce, with R's survey package and plain\n"
    "R, every number the report for YEAR publishes, into FOLDER (created if missing):\n"
    "\n"
    "  responses.csv    officer-level responses of YEAR and every earlier year,\n"
    "                   codebook columns only (survey_year,county,respondent_id,role,\n"
    "                   caseload,confirmed,suspected); codes renumbered R0001, ...\n"
    "  frame.csv        survey_year,county,officers_total,youth_total\n"
    "  reproduce.R      recomputes every family and compares it with expected/; run\n"
    "                   'Rscript reproduce.R' in FOLDER: one line per family,\n"
    "                   'FAMILY: N of N agree to 1e-6', exit 1 on any difference\n"
    "  expected/        this tool's numbers at full precision, one file per family:\n"
    "                   estimates.csv (estimates and NCHS flags, every year),\n"
    "                   table_county_estimates.csv and table_officer_measure.csv\n"
    "                   (the published tables), changes.csv and slopes.csv (with\n"
    "                   earlier years), model.csv (the model-based estimates)\n"
    "  README.md        what is compared and how, each rule where we differ from R\n"
    "  MANIFEST.sha256  sha256 of every other file ('sha256sum -c MANIFEST.sha256')\n"
    "\n"
    "The bundle holds unprotected microdata and counts: share it under the data\n"
    "agreement, not in public.\n"
    "\n"
    "  --year YEAR        survey year (required)\n"
    "  --out FOLDER       where to write (required); existing files are replaced\n"
    "  --measure M        confirmed (default) or any\n"
    "  --method M         interval: korn-graubard (default), wilson, logit, wald\n"
    "  --level L          confidence level, 0 < L < 1 (default 0.95)\n"
    "  --lonely-psu R     adjust (default), certainty or fail\n"
    "  --min-cell N       the report's smallest published count (default 10)\n"
    "  --protection N     the report's disclosure audit (2 to 8, default 3)\n"
    "\n"
    "Exit codes: 0 ok, 64 usage, 65 no responses for the year (or data the estimate\n"
    "refuses), 69 database unavailable, 73 cannot create FOLDER or a file, 74 write\n"
    "error.\n";

int cmd_export(int argc, char **argv)
{
    static const struct cli_command self = {"export", "", NULL, cmd_export_help};
    struct report_args a;
    struct rep_report_data *d = NULL;
    struct rep_sae_fit *fit = NULL;
    struct rep_outfiles *set = NULL;
    struct rep_export_input ex;
    struct prev_error err;
    int rc;

    prev_error_clear(&err);
    if ((rc = report_args_parse(argc, argv, &self, false, &a)) != 0)
        return rc == CLI_OPT_HELP ? 0 : rc;
    /* Everything the report publishes: earlier years for the changes and
     * the trend, and the report's default model (its options are the
     * report's own; the bundle reproduces the default). */
    a.opt.with_microdata = true;
    a.opt.with_trend = true;
    if ((rc = report_data_load(&a, &d, &err)) != 0)
        goto done;
    sae_args_init(&a.sae, true);
    if ((rc = sae_args_finish("export", &a.sae)) != 0)
        goto done;
    if ((fit = calloc(1, sizeof *fit)) == NULL) {
        rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    if ((rc = report_sae_fit(&a, d, fit, &err)) != 0)
        goto done;
    if ((set = calloc(1, sizeof *set)) == NULL) {
        rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    ex = (struct rep_export_input){&d->in, d->responses, d->nresponses, d->frames, d->nframes};
    if ((rc = rep_export_build(&ex, set, &err)) != 0)
        goto done;
    if ((rc = rep_outdir_write(a.out_dir, set, NULL, 0, &err)) != 0)
        goto done;
    if (!cli_globals.quiet)
        fprintf(stderr, "prevalence: bundle for survey year %d written to %s "
                "(%zu responses); run 'Rscript reproduce.R' there\n",
                a.opt.survey_year, a.out_dir, d->nresponses);
done:
    if (set != NULL)
        rep_outfiles_free(set);
    free(set);
    rep_sae_fit_free(fit);
    free(fit);
    report_data_free(d);
    return rc != 0 ? cli_report(&err) : 0;
}
