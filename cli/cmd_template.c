/* prevalence template responses|frame: the Excel workbook a county fills in. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "collector.h"

const char cmd_template_help[] =
    "usage: prevalence template responses --year Y [--county C] --out FILE.xlsx\n"
    "       prevalence template frame --year Y [--county C] --out FILE.xlsx\n"
    "\n"
    "Write an Excel workbook for a county specialist to fill in: sheet Responses\n"
    "(or Frame) with the codebook's header, the survey year and county filled in,\n"
    "a list or a rule on every column (Excel refuses what the codebook would),\n"
    "a note on each column and the header row frozen; sheet Codebook (each\n"
    "column's meaning and rule); sheet Instructions (who counts as a minor\n"
    "victim of sex trafficking, what must never be written, how to send it).\n"
    "A filled-in workbook is read by 'prevalence check' and 'prevalence load'\n"
    "as it is.\n"
    "\n"
    "  --year Y         the survey year, 2000 to 2100 (required)\n"
    "  --county C       the county, by name or FIPS code (frame: one row for it;\n"
    "                   without it, one row per county)\n"
    "  --out FILE.xlsx  the workbook to write (required); replaced whole\n"
    "\n"
    "Exit codes: 0 ok, 64 usage, 73 the file cannot be created (or is a\n"
    "symbolic link), 74 writing failed. See docs/commands/template.md.\n";

enum { OPT_YEAR = 1, OPT_COUNTY, OPT_OUT };

int cmd_template(int argc, char **argv)
{
    static const struct cli_command self = {"template", "", NULL, cmd_template_help};
    static const struct option longopts[] = {
        {"year", required_argument, NULL, OPT_YEAR},
        {"county", required_argument, NULL, OPT_COUNTY},
        {"out", required_argument, NULL, OPT_OUT},
        {NULL, 0, NULL, 0},
    };
    struct col_template_options o = {COL_KIND_RESPONSES, 0, -1};
    struct prev_error err;
    const char *out = NULL;
    long year = 0;
    int c, rc;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", longopts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_YEAR:
            if (!cli_long_arg("template", "--year", optarg, COL_YEAR_MIN, COL_YEAR_MAX, &year))
                return PREV_EX_USAGE;
            o.year = (int)year;
            break;
        case OPT_COUNTY:
            if ((o.county = col_county_find(optarg)) < 0)
                return cli_usage_error("template", "--county expects an Arizona county by "
                                       "name or FIPS code (such as Pima or 04019)");
            break;
        case OPT_OUT:
            out = optarg;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind >= argc)
        return cli_usage_error("template", "missing the kind: responses or frame");
    if (!col_kind_parse(argv[optind], &o.kind))
        return cli_usage_error("template", "the kind is responses or frame, not '%s'",
                               argv[optind]);
    if (optind + 1 < argc)
        return cli_usage_error("template", "unexpected argument '%s'", argv[optind + 1]);
    if (o.year == 0)
        return cli_usage_error("template", "missing --year Y");
    if (out == NULL)
        return cli_usage_error("template", "missing --out FILE.xlsx");
    if ((rc = col_template_write(out, &o, &err)) != 0)
        return cli_report(&err);
    if (!cli_globals.quiet)
        fprintf(stderr, "prevalence: wrote %s (%s template for %d%s%s)\n", out,
                col_kind_name(o.kind), o.year, o.county >= 0 ? ", " : "",
                o.county >= 0 ? col_counties[o.county].name : "");
    return 0;
}
