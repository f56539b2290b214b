/* prevalence init: create or upgrade the schema. */
#include <stdio.h>

#include "cli.h"
#include "db.h"

const char cmd_init_help[] =
    "usage: prevalence init [--db CONNINFO]\n"
    "\n"
    "Apply the schema migrations in share/prevalence/sql (sql/ in the source tree)\n"
    "that the database has not seen yet, in order, inside one transaction, and\n"
    "record them in schema_migrations. Running it again changes nothing and says\n"
    "so. Without --db (or a PG* / DATABASE_URL environment) the embedded cluster\n"
    "is created and started first.\n";

int cmd_init(int argc, char **argv)
{
    static const struct cli_command self = {"init", "", NULL, cmd_init_help};
    struct prev_error err;
    PGconn *conn = NULL;
    int c, rc, applied = 0, total = 0;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", NULL)) != CLI_OPT_END)
        return c == CLI_OPT_HELP ? 0 : PREV_EX_USAGE;
    if (optind < argc)
        return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    /* need_schema=false: init is what creates it. */
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, false, &conn, &err)) != 0)
        return cli_report(&err);
    {
        /* The embedded cluster is backed up before its schema changes; on
         * a shared server that is the department's backup routine. */
        char conninfo[16];
        struct db_embedded em;
        if (db_pick_source(cli_globals.db, conninfo, sizeof conninfo) == DB_SOURCE_EMBEDDED
            && ((rc = db_embedded_locate(&em, &err)) != 0
                || (rc = db_embedded_backup_before_migrate(&em, conn, cli_globals.quiet,
                                                           &err)) != 0)) {
            PQfinish(conn);
            return cli_report(&err);
        }
    }
    rc = db_migrate(conn, !cli_globals.quiet, &applied, &total, &err);
    PQfinish(conn);
    if (rc != 0)
        return cli_report(&err);
    if (!cli_globals.quiet) {
        if (applied == 0)
            fprintf(stderr, "prevalence: schema already up to date (%d migration%s); "
                            "nothing changed\n", total, total == 1 ? "" : "s");
        else
            fprintf(stderr, "prevalence: applied %d of %d migration%s\n", applied, total,
                    total == 1 ? "" : "s");
    }
    return 0;
}
