#ifndef PREV_REPORT_ARGS_H
#define PREV_REPORT_ARGS_H

#include "cli.h"
#include "report_query.h"

/* What `prevalence report` and `prevalence export` share: their options
 * (--year, --out, --measure, --method, --level, --lonely-psu, --min-cell)
 * and reading the year's estimates from the database. */

struct report_args {
    struct an_report_options opt;
    const char *out_dir;
};

/* Parse argv for the command `self`; publishes: the command writes
 * published tables (report), so --min-cell applies. Returns 0, CLI_OPT_HELP (help was
 * printed) or PREV_EX_USAGE (the error was printed). */
int report_args_parse(int argc, char **argv, const struct cli_command *self,
                      bool publishes, struct report_args *a);

/* Connect, read the year (an_report_load) and fill the tool version, git
 * commit and generation time (SOURCE_DATE_EPOCH when set, for reproducible
 * outputs). *d is heap-allocated; free it with report_data_free. Returns 0
 * or an exit code with err filled. */
int report_data_load(const struct report_args *a, struct an_report_data **d,
                     struct prev_error *err);
void report_data_free(struct an_report_data *d);

#endif
