/* prevalence batches: what has been loaded, with provenance. */
#include <stdio.h>

#include "cli.h"
#include "collector.h"
#include "db.h"

const char cmd_batches_help[] =
    "usage: prevalence batches [--year Y] [--format table|csv|json]\n"
    "\n"
    "List every batch (one per file loaded), oldest first, with its provenance:\n"
    "kind, file name, rows, load time (UTC), tool version, sha256 of the file's\n"
    "bytes, status (active, or superseded by a later batch), survey years and\n"
    "counties.\n"
    "\n"
    "  --year Y         only batches holding survey year Y\n"
    "  --format FORMAT  table (default on a terminal), csv (default otherwise)\n"
    "                   or json; csv and json carry every field in full\n";

enum { OPT_YEAR = 1, OPT_FORMAT };

int cmd_batches(int argc, char **argv)
{
    static const struct cli_command self = {"batches", "", NULL, cmd_batches_help};
    static const struct option opts[] = {
        {"year", required_argument, NULL, OPT_YEAR},
        {"format", required_argument, NULL, OPT_FORMAT},
        {NULL, 0, NULL, 0},
    };
    enum col_format format = cli_stdout_is_tty() ? COL_FORMAT_TABLE : COL_FORMAT_CSV;
    struct prev_error err;
    PGconn *conn = NULL;
    long year = 0;
    int c, rc;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", opts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_YEAR:
            if (!cli_long_arg("batches", "--year", optarg, COL_YEAR_MIN, COL_YEAR_MAX, &year))
                return PREV_EX_USAGE;
            break;
        case OPT_FORMAT:
            if (!col_format_parse(optarg, &format))
                return cli_usage_error("batches", "--format expects table, csv or json, not '%s'",
                                       optarg);
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("batches", "unexpected argument '%s'", argv[optind]);
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0)
        return cli_report(&err);
    rc = col_list_batches(conn, (int)year, format, stdout, &err);
    PQfinish(conn);
    if (rc != 0)
        return cli_report(&err);
    return 0;
}
