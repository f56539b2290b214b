/* prevalence status: per county, what is loaded and what is missing. */
#include <stdio.h>

#include "cli.h"
#include "collector.h"
#include "db.h"

const char cmd_status_help[] =
    "usage: prevalence status [--year Y] [--format table|csv|json] [--verify]\n"
    "\n"
    "For each survey year with data (or year Y) and each of the 15 counties:\n"
    "respondents loaded, officers_total from the frame, response rate\n"
    "(respondents / officers_total), caseload covered by the respondents,\n"
    "youth_total from the frame, the caseload's share of it, and a status: ok,\n"
    "no responses, no frame, or no data. Only active batches count. On a\n"
    "terminal the table ends with the counties that have sent no responses.\n"
    "\n"
    "  --year Y         one survey year, listing all counties even with no data\n"
    "  --format FORMAT  table (default on a terminal), csv (default otherwise)\n"
    "                   or json; csv and json give rates as full-precision\n"
    "                   fractions\n"
    "  --verify         also check every response row against the rules the\n"
    "                   collector enforces, and each batch's recorded row count\n"
    "                   and scope against its rows (reads the whole table)\n";

enum { OPT_YEAR = 1, OPT_FORMAT, OPT_VERIFY };

int cmd_status(int argc, char **argv)
{
    static const struct cli_command self = {"status", "", NULL, cmd_status_help};
    static const struct option opts[] = {
        {"year", required_argument, NULL, OPT_YEAR},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"verify", no_argument, NULL, OPT_VERIFY},
        {NULL, 0, NULL, 0},
    };
    enum col_format format = cli_stdout_is_tty() ? COL_FORMAT_TABLE : COL_FORMAT_CSV;
    struct prev_error err;
    PGconn *conn = NULL;
    long year = 0;
    bool verify = false;
    int c, rc;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", opts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_YEAR:
            if (!cli_long_arg("status", "--year", optarg, COL_YEAR_MIN, COL_YEAR_MAX, &year))
                return PREV_EX_USAGE;
            break;
        case OPT_FORMAT:
            if (!col_format_parse(optarg, &format))
                return cli_usage_error("status", "--format expects table, csv or json, not '%s'",
                                       optarg);
            break;
        case OPT_VERIFY:
            verify = true;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("status", "unexpected argument '%s'", argv[optind]);
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0)
        return cli_report(&err);
    rc = col_list_status(conn, (int)year, format, verify, stdout, stderr, &err);
    PQfinish(conn);
    if (rc != 0)
        return cli_report(&err);
    return 0;
}
