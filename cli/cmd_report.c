/* prevalence report: the Council report for one survey year. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "report.h"
#include "report_args.h"

const char cmd_report_help[] =
    "usage: prevalence report --year YEAR --out FOLDER [--measure confirmed|any]\n"
    "           [--method korn-graubard|wilson|logit|wald] [--level 0.95]\n"
    "           [--lonely-psu adjust|certainty|fail] [--min-cell 10]\n"
    "           [--min-coverage 0.80] [--pdf] [--contact TEXT] [--map direct|model]\n"
    "           [--trend-counties NAME,NAME,...] [--protection 3] [--internal DIR]\n"
    "           [--small-area | --no-small-area] [--sae-fit reml|ml]\n"
    "           [--covariates FILE.csv] [--sae-transform none|arcsine] [--diagnostics]\n"
    "\n"
    "Write the Council report for one survey year into FOLDER (created if missing):\n"
    "\n"
    "  report.html                  one self-contained page (no network, no script):\n"
    "                               statewide headline, county table, forest plot,\n"
    "                               county map, the change over time (when earlier\n"
    "                               years are loaded), the officer-level measure,\n"
    "                               methods\n"
    "  tables/county_estimates_YEAR.csv  the county table, as published (also .md)\n"
    "  tables/officer_measure_YEAR.csv   officers with a confirmed victim (also .md)\n"
    "  tables/change_YEAR.csv       the change since the previous survey year\n"
    "  tables/notes_YEAR.csv        what every note code and flag means\n"
    "  tables/tables_YEAR.xlsx      the same tables in one Excel workbook\n"
    "  published.json               the published cells of both tables, with a manifest\n"
    "                               (version, parameters, sha256 of every file loaded);\n"
    "                               for analysts, not for publication\n"
    "\n"
    "Published tables protect small cells: a count of victims from 1 to MIN-CELL - 1\n"
    "reads '<MIN-CELL' and its row's percentage and estimated number are hidden ('x');\n"
    "estimates the NCHS standard suppresses read '*'; further counties are hidden\n"
    "('x') so that no hidden count can be worked out from the Arizona total\n"
    "(docs/methods.md, \"Small-cell protection\").\n"
    "\n"
    "Next to each direct estimate the county table shows a model-based one from a\n"
    "small-area (Fay-Herriot) model, labelled as such and drawn as open diamonds on\n"
    "dashed lines in the forest plot; columns sae_estimate_pct, sae_ci_low_pct,\n"
    "sae_ci_high_pct, sae_flag in the CSV. A model-based estimate too uncertain by\n"
    "the NCHS width rules reads '*'; one that would give a small count back reads\n"
    "'x'. When the model cannot be fitted (fewer than 3 counties with\n"
    "respondents, no case anywhere) the report is direct-only and says why.\n"
    "\n"
    "  --year YEAR        survey year (required)\n"
    "  --out FOLDER       where to write (required); existing files are replaced\n"
    "  --measure M        the youth-level measure: confirmed (default) or any\n"
    "                     (confirmed + suspected)\n"
    "  --method M         interval: korn-graubard (default), wilson, logit, wald\n"
    "  --level L          confidence level, 0 < L < 1 (default 0.95)\n"
    "  --lonely-psu R     adjust (default), certainty or fail, as for 'estimate'\n"
    "  --min-cell N       smallest count published (default 10; 1 turns it off)\n"
    "  --pdf              also print the page to report.pdf with headless Chromium\n"
    "                     (US Letter or A4, its print layout); exit 69 without\n"
    "                     Chromium (apt-get install chromium)\n"
    "  --contact TEXT     the page's contact line (default: the Juvenile Justice\n"
    "                     Services Division of the Arizona courts)\n"
    "  --map M            the map's values: direct (default: direct estimates only,\n"
    "                     hatched where not shown) or model (model-based values,\n"
    "                     dotted, where the direct estimate is not shown)\n"
    "  --min-coverage C   no statewide estimate when the counties with responses\n"
    "                     hold less than this share of the frame's youth (0 to 1,\n"
    "                     default 0.80); the headline says why\n"
    "  --protection N     values every hidden count must keep for a reader of the\n"
    "                     published files (2 to 8, default 3); else exit 65\n"
    "  --internal DIR     also write estimates.json (every estimate at full precision,\n"
    "                     not for publication) into DIR, outside FOLDER\n"
    "  --trend-counties L when the database holds earlier survey years, the lines of\n"
    "                     the trend chart: county names or fips codes and Arizona,\n"
    "                     comma-separated, at most 8 (default: Arizona and the three\n"
    "                     largest counties with a published estimate)\n"
    "  --small-area       model-based estimates (the default); an error, not a\n"
    "                     note, when the model cannot be fitted\n"
    "  --no-small-area    direct estimates only\n"
    "  --sae-fit F        between-county variance by reml (default) or ml\n"
    "  --covariates FILE  county covariates (docs/codebook.md); default intercept only\n"
    "  --sae-transform T  none (default) or arcsine\n"
    "  --diagnostics      print the model's diagnostics on stderr\n"
    "\n"
    "Each file is written to a temporary name and renamed into place once every\n"
    "file has been written, so a failure leaves no partial file.\n"
    "Exit codes: 0 ok, 64 usage, 65 no responses for the year (or data the estimate\n"
    "refuses, or a small-area model asked for that cannot be fitted, or the disclosure\n"
    "audit refuses the publication: nothing is written), 66 covariates\n"
    "file unreadable, 69 database unavailable (or --pdf without Chromium), 70\n"
    "Chromium failed to print (report.html is written), 73 cannot create FOLDER or a file, 74\n"
    "write error.\n";

int cmd_report(int argc, char **argv)
{
    static const struct cli_command self = {"report", "", NULL, cmd_report_help};
    struct report_args a;
    struct rep_report_data *d = NULL;
    struct rep_sae_fit *fit = NULL;
    struct rep_outfiles *set = NULL, *iset = NULL;
    struct prev_error err;
    char chromium[4096];
    int rc;

    prev_error_clear(&err);
    if ((rc = report_args_parse(argc, argv, &self, true, &a)) != 0)
        return rc == CLI_OPT_HELP ? 0 : rc;
    /* Before anything is read or written: no half-done --pdf. */
    if (a.pdf && (rc = rep_pdf_find_chromium(chromium, sizeof chromium, &err)) != 0)
        goto done;
    if ((rc = report_data_load(&a, &d, &err)) != 0)
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
    if ((rc = rep_report_build(&d->in, set, &err)) != 0)
        goto done;
    /* The analysts' full-precision document, never into the public folder;
     * written first so that the public folder only appears when both are.
     * Neither may replace the covariates file the numbers were read from. */
    const char *inputs[1] = {a.sae.covariates};
    if (a.internal_dir != NULL) {
        if ((iset = calloc(1, sizeof *iset)) == NULL) {
            rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "out of memory");
            goto done;
        }
        if ((rc = rep_report_build_internal(&d->in, iset, &err)) != 0 ||
            (rc = rep_outdir_write(a.internal_dir, iset, inputs, 1, &err)) != 0)
            goto done;
    }
    if ((rc = rep_outdir_write(a.out_dir, set, inputs, 1, &err)) != 0)
        goto done;
    if (!cli_globals.quiet)
        fprintf(stderr, "prevalence: report for survey year %d written to %s/report.html\n",
                a.opt.survey_year, a.out_dir);
    if (a.pdf) {
        if ((rc = rep_pdf_print(chromium, a.out_dir, &err)) != 0)
            goto done;
        if (!cli_globals.quiet)
            fprintf(stderr, "prevalence: printed to %s/report.pdf\n", a.out_dir);
    }
done:
    if (set != NULL)
        rep_outfiles_free(set);
    free(set);
    if (iset != NULL)
        rep_outfiles_free(iset);
    free(iset);
    rep_sae_fit_free(fit);
    free(fit);
    report_data_free(d);
    return rc != 0 ? cli_report(&err) : 0;
}
