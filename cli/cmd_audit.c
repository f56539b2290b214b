/* prevalence audit: the web service's audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "csv_out.h"
#include "db.h"
#include "json_out.h"

const char cmd_audit_help[] =
    "usage: prevalence audit [--since DATE] [--format table|csv|json]\n"
    "\n"
    "The audit log of the web service, oldest first: every sign-in, failed sign-in,\n"
    "sign-out, upload, check, load, replace, download, refused request and account\n"
    "change, with its time (UTC), account, client address, action, survey year,\n"
    "county, batch and result. It never holds a file's contents or a password.\n"
    "\n"
    "  --since DATE       only entries from DATE (2025-03-01, or '2025-03-01 14:00')\n"
    "  --format FORMAT    table (default on a terminal), csv (default otherwise) or\n"
    "                     json\n"
    "\n"
    "Columns: at, account, client, action, survey_year, county, batch_id, result.\n"
    "Exit codes: 0 ok, 64 usage, 69 database unavailable, 77 the database user may\n"
    "not read the log (the owner role reads it).\n";

enum { OPT_SINCE = 1, OPT_FORMAT };

static const char *const columns[] = {"at", "account", "client", "action", "survey_year",
                                      "county", "batch_id", "result"};

int cmd_audit(int argc, char **argv)
{
    static const struct cli_command self = {"audit", "", NULL, cmd_audit_help};
    static const struct option opts[] = {
        {"since", required_argument, NULL, OPT_SINCE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {NULL, 0, NULL, 0},
    };
    const char *since = NULL, *format = cli_stdout_is_tty() ? "table" : "csv";
    struct prev_error err;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    int c, rc;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", opts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_SINCE:
            since = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "table") != 0 && strcmp(optarg, "csv") != 0
                && strcmp(optarg, "json") != 0)
                return cli_usage_error("audit", "--format expects table, csv or json, not '%s'",
                                       optarg);
            format = optarg;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("audit", "unexpected argument '%s'", argv[optind]);
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0)
        goto done;
    if ((rc = db_audit_list(conn, since, &res, &err)) != 0) {
        if (rc == PREV_EX_USAGE) {
            rc = cli_usage_error("audit", "%s", err.msg);
            PQfinish(conn);
            return rc;
        }
        goto done;
    }
    if (strcmp(format, "json") == 0) {
        json_t *doc = json_array();
        for (int i = 0; i < PQntuples(res); i++) {
            json_t *o = json_object();
            for (int k = 0; k < 8; k++) {
                const char *v = PQgetvalue(res, i, k);
                if (v[0] == '\0' && k >= 4 && k <= 6)
                    json_object_set_new(o, columns[k], json_null());
                else if (k == 4 || k == 6)
                    json_object_set_new(o, columns[k], json_integer(strtoll(v, NULL, 10)));
                else
                    json_object_set_new(o, columns[k], json_string(v));
            }
            json_array_append_new(doc, o);
        }
        prev_json_write(stdout, doc);
        putchar('\n');
        json_decref(doc);
    } else if (strcmp(format, "csv") == 0) {
        for (int k = 0; k < 8; k++)
            printf("%s%s", columns[k], k < 7 ? "," : "\n");
        for (int i = 0; i < PQntuples(res); i++)
            for (int k = 0; k < 8; k++) {
                prev_csv_field(stdout, PQgetvalue(res, i, k));
                putchar(k < 7 ? ',' : '\n');
            }
    } else {
        printf("%-24s %-16s %-16s %-16s %-5s %-11s %-6s %s\n", "at (UTC)", "account",
               "client", "action", "year", "county", "batch", "result");
        for (int i = 0; i < PQntuples(res); i++)
            printf("%-24s %-16s %-16s %-16s %-5s %-11s %-6s %s\n", PQgetvalue(res, i, 0),
                   PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
                   PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6),
                   PQgetvalue(res, i, 7));
    }
    if (fflush(stdout) != 0)
        rc = prev_fail(&err, PREV_EX_IOERR, "", "cannot write to standard output");
done:
    PQclear(res);
    PQfinish(conn);
    return rc != 0 ? cli_report(&err) : 0;
}
