#ifndef PREV_REPORT_ARGS_H
#define PREV_REPORT_ARGS_H

#include "cli.h"
#include "report.h"
#include "sae_args.h"

/* What `prevalence report` and `prevalence export` share: their options
 * (--year, --out, --measure, --method, --level, --lonely-psu, --min-cell)
 * and reading the year's estimates from the database. */

struct report_args {
    const char *cmd;                /* "report", "publish" or "export", for notes */
    struct rep_report_options opt;
    const char *out_dir;
    const char *internal_dir;       /* report --internal: estimates.json goes there */
    bool pdf;                       /* report --pdf: also report.pdf (Chromium) */
    const char *contact;            /* report --contact: the page's contact line */
    bool map_model;                 /* report --map model: model-based values on the map */
    struct sae_args sae;            /* report only: on unless --no-small-area */
};

/* Parse argv for the command `self`; publishes: the command writes
 * published tables (report, publish), so --min-cell applies; 'publish'
 * takes no --out. Returns 0, CLI_OPT_HELP (help was
 * printed) or PREV_EX_USAGE (the error was printed). */
int report_args_parse(int argc, char **argv, const struct cli_command *self,
                      bool publishes, struct report_args *a);

/* Connect, read the year (rep_report_load) and fill the tool version, git
 * commit and generation time (SOURCE_DATE_EPOCH when set, for reproducible
 * outputs). *d is heap-allocated; free it with report_data_free. Returns 0
 * or an exit code with err filled. */
int report_data_load(const struct report_args *a, struct rep_report_data **d,
                     struct prev_error *err);
void report_data_free(struct rep_report_data *d);

/* Fit the report's small-area model with the command's options
 * (rep_report_sae_fit) and say on stderr, unless --quiet, when the report
 * goes on without it. Free f with rep_sae_fit_free. */
int report_sae_fit(const struct report_args *a, struct rep_report_data *d,
                   struct rep_sae_fit *f, struct prev_error *err);

#endif
