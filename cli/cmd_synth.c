/* prevalence synth: write synthetic survey data (sample data, benchmarks). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "parse.h"
#include "synth.h"

const char cmd_synth_help[] =
    "usage: prevalence synth --seed S --out DIR (--year Y | --years Y1-Y2)...\n"
    "                        [--scale ROWS] [--single-file]\n"
    "\n"
    "Write synthetic caseload-survey data in the codebook v1 format: for each\n"
    "survey year, DIR/YEAR/responses-COUNTY.csv for each of the 15 Arizona\n"
    "counties (COUNTY as in la-paz, santa-cruz) and DIR/YEAR/frame.csv. Every\n"
    "row is invented; no real person is described. The same seed, years and\n"
    "scale give the same bytes on every machine, and a year comes out the same\n"
    "whichever other years are written with it.\n"
    "\n"
    "  --seed S         the random seed, 0 to 9223372036854775807 (required)\n"
    "  --out DIR        the output folder, created if missing (required)\n"
    "  --year Y         a survey year, 2000 to 2100; repeat for several\n"
    "  --years Y1-Y2    every year from Y1 to Y2\n"
    "  --scale ROWS     ROWS respondent rows per year (10000 to 10000000)\n"
    "                   instead of the realistic 120-odd; departments grow\n"
    "                   alike, so response rates and the frame stay consistent\n"
    "  --single-file    all counties in one DIR/YEAR/responses.csv\n"
    "\n"
    "Files are replaced whole (written to a temporary file, then renamed);\n"
    "other files in DIR are left alone. Memory stays constant at any scale.\n"
    "Exit codes: 0 ok, 64 usage, 73 cannot create a folder or file, 74 write\n"
    "failed. See docs/commands/synth.md.\n";

enum { OPT_SEED = 1, OPT_OUT, OPT_YEAR, OPT_YEARS, OPT_SCALE, OPT_SINGLE };

/* Parse "2023-2025" into first and last year. */
static bool parse_years(const char *val, long *first, long *last)
{
    char buf[32];
    char *dash = NULL;

    if (strlen(val) >= sizeof buf)
        return false;
    strcpy(buf, val);
    if ((dash = strchr(buf, '-')) == NULL)
        return false;
    *dash = '\0';
    return prev_parse_long(buf, SYN_YEAR_MIN, SYN_YEAR_MAX, first)
           && prev_parse_long(dash + 1, SYN_YEAR_MIN, SYN_YEAR_MAX, last) && *first <= *last;
}

int cmd_synth(int argc, char **argv)
{
    static const struct cli_command self = {"synth", "", NULL, cmd_synth_help};
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"out", required_argument, NULL, OPT_OUT},
        {"year", required_argument, NULL, OPT_YEAR},
        {"years", required_argument, NULL, OPT_YEARS},
        {"scale", required_argument, NULL, OPT_SCALE},
        {"single-file", no_argument, NULL, OPT_SINGLE},
        {NULL, 0, NULL, 0},
    };
    bool want[SYN_YEAR_MAX - SYN_YEAR_MIN + 1] = {false};
    bool have_seed = false, any_year = false, single_file = false;
    const char *out = NULL;
    long seed = 0, scale = 0, first, last;
    struct prev_error err;
    int c, rc;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", longopts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_SEED:
            if (!cli_long_arg("synth", "--seed", optarg, 0, LONG_MAX, &seed))
                return PREV_EX_USAGE;
            have_seed = true;
            break;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_YEAR:
            if (!cli_long_arg("synth", "--year", optarg, SYN_YEAR_MIN, SYN_YEAR_MAX, &first))
                return PREV_EX_USAGE;
            want[first - SYN_YEAR_MIN] = any_year = true;
            break;
        case OPT_YEARS:
            if (!parse_years(optarg, &first, &last))
                return cli_usage_error("synth", "--years expects FIRST-LAST, two years "
                                       "from %d to %d in order, not '%s'",
                                       SYN_YEAR_MIN, SYN_YEAR_MAX, optarg);
            for (long y = first; y <= last; y++)
                want[y - SYN_YEAR_MIN] = any_year = true;
            break;
        case OPT_SCALE:
            if (!cli_long_arg("synth", "--scale", optarg, SYN_SCALE_MIN, SYN_SCALE_MAX,
                              &scale))
                return PREV_EX_USAGE;
            break;
        case OPT_SINGLE:
            single_file = true;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("synth", "unexpected argument '%s'", argv[optind]);
    if (!have_seed)
        return cli_usage_error("synth", "missing --seed (the same seed gives the same data)");
    if (out == NULL)
        return cli_usage_error("synth", "missing --out DIR");
    if (!any_year)
        return cli_usage_error("synth", "missing --year or --years");

    for (int y = SYN_YEAR_MIN; y <= SYN_YEAR_MAX; y++) {
        struct syn_year_plan plan;
        struct syn_year_summary sum;

        if (!want[y - SYN_YEAR_MIN])
            continue;
        if ((rc = syn_plan_year((uint64_t)seed, y, scale, &plan, &err)) != 0
            || (rc = syn_write_year(out, &plan, single_file, &sum, &err)) != 0)
            return cli_report(&err);
        if (!cli_globals.quiet)
            fprintf(stderr, "prevalence: wrote %d files in %s/%d: %lld respondents of "
                            "%lld officers, %lld youth\n", sum.files, out, y, sum.respondents,
                    sum.officers_total, sum.youth_total);
    }
    return 0;
}
