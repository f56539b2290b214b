/* prevalence db start|stop|status|url|psql: the embedded cluster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "atomic_file.h"
#include "db.h"

const char cmd_db_help[] =
    "usage: prevalence db start|stop|status|url|psql [PSQL-ARGS...]\n"
    "       prevalence [--db CONNINFO] db backup [--out FILE]\n"
    "       prevalence [--db CONNINFO] db restore [--force] FILE\n"
    "       prevalence [--db CONNINFO] db verify [--year Y]\n"
    "\n"
    "Manage the embedded PostgreSQL cluster in the data home (--home DIR, else\n"
    "$PREVALENCE_HOME, else ${XDG_DATA_HOME:-~/.local/share}/prevalence). It\n"
    "listens only on a Unix socket inside that folder, never on TCP, and is\n"
    "started on demand by every command that needs the database.\n"
    "\n"
    "  start    create the cluster if needed and start it (no-op when running;\n"
    "           a stale postmaster.pid left by a crash is recovered)\n"
    "  stop     stop the server (fast shutdown)\n"
    "  status   print whether it runs, its pid, home, data and socket folders;\n"
    "           exit 0 when running, 3 when stopped\n"
    "  url      print a postgresql:// URI for --db or other tools\n"
    "  psql     run psql on the embedded database (extra arguments go to psql)\n"
    "  backup   write a consistent backup of the whole database (pg_dump of the\n"
    "           server's major version, with a manifest), whole or not at all\n"
    "  restore  check a backup, restore it into an empty database, verify it\n"
    "  verify   recompute every batch's rows and digest; exit 65 naming a batch\n"
    "           whose data changed since it was loaded\n"
    "\n"
    "backup, restore and verify work on the embedded cluster or on --db:\n"
    "  --out FILE   backup: where to write (default\n"
    "               ./prevalence-YYYYMMDDTHHMMSSZ.backup)\n"
    "  --force      restore: replace what a non-empty database holds\n"
    "  --year Y     verify: only the batches holding rows of survey year Y\n"
    "\n"
    "As root the server runs as the 'postgres' system user (PREVALENCE_PG_USER).\n"
    "When that user cannot reach $PREVALENCE_HOME (a checkout under /root), the\n"
    "cluster lives in /var/tmp/prevalence-HASH instead; 'status' shows where.\n"
    "Environment: PREVALENCE_HOME, PREVALENCE_PG_BINDIR, PREVALENCE_PG_USER.\n";

enum { OPT_OUT = 1000, OPT_FORCE, OPT_YEAR };

/* backup, restore, verify: they work on whatever database the command
 * would use (--db, the environment or the embedded cluster). */
static int data_action(const char *action, int argc, char **argv)
{
    static const struct cli_command self = {"db", "", NULL, cmd_db_help};
    static const struct option longopts[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"force", no_argument, NULL, OPT_FORCE},
        {"year", required_argument, NULL, OPT_YEAR},
        {NULL, 0, NULL, 0},
    };
    struct prev_error err;
    struct db_embedded em;
    PGconn *conn = NULL;
    const char *out = NULL;
    char conninfo[4096], bindir[1024] = "", outbuf[128];
    bool force = false;
    long year = 0;
    int c, rc = 0;

    prev_error_clear(&err);
    optind = 0;
    while ((c = cli_getopt(argc, argv, &self, "", longopts)) != CLI_OPT_END) {
        if (c == CLI_OPT_HELP)
            return 0;
        if (c == OPT_OUT && strcmp(action, "backup") == 0)
            out = optarg;
        else if (c == OPT_FORCE && strcmp(action, "restore") == 0)
            force = true;
        else if (c == OPT_YEAR && strcmp(action, "verify") == 0) {
            if (!cli_long_arg("db", "--year", optarg, 2000, 2100, &year))
                return PREV_EX_USAGE;
        } else if (c >= OPT_OUT)
            return cli_usage_error("db", "%s does not take --%s", action,
                                   c == OPT_OUT ? "out" : c == OPT_FORCE ? "force" : "year");
        else
            return PREV_EX_USAGE;
    }
    if (strcmp(action, "restore") == 0) {
        if (optind >= argc)
            return cli_usage_error("db", "restore: missing the backup FILE");
        if (optind + 1 < argc)
            return cli_usage_error("db", "unexpected argument '%s'", argv[optind + 1]);
    } else if (optind < argc) {
        return cli_usage_error("db", "unexpected argument '%s'", argv[optind]);
    }
    if (db_pick_source(cli_globals.db, conninfo, sizeof conninfo) == DB_SOURCE_EMBEDDED) {
        if ((rc = db_embedded_locate(&em, &err)) != 0)
            return cli_report(&err);
        snprintf(bindir, sizeof bindir, "%s", em.bindir);
        db_embedded_conninfo(&em, DB_EMBEDDED_DBNAME, conninfo, sizeof conninfo);
    }
    /* need_schema=false: restore fills an empty database, verify and
     * backup say themselves what is wrong with the schema. */
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, false, &conn, &err)) != 0)
        return cli_report(&err);
    if (strcmp(action, "verify") == 0) {
        rc = db_verify(conn, (int)year, stdout, stderr, &err);
    } else if (strcmp(action, "backup") == 0) {
        struct db_backup_result result;
        if (out == NULL) {
            time_t now = time(NULL);
            strftime(outbuf, sizeof outbuf, "prevalence-%Y%m%dT%H%M%SZ.backup", gmtime(&now));
            out = outbuf;
        }
        if ((rc = prev_output_check(out, NULL, 0, &err)) == 0
            && (rc = db_backup(conn, conninfo, bindir, out, &result, &err)) == 0
            && !cli_globals.quiet)
            fprintf(stderr, "prevalence: wrote %s: %d batch%s, dump of %lld bytes, sha256 "
                            "%.16s...\n", out, result.batches, result.batches == 1 ? "" : "es",
                    result.dump_bytes, result.dump_sha256);
    } else {
        rc = db_restore(conn, conninfo, bindir, argv[optind], force, &err);
        if (rc == 0 && !cli_globals.quiet)
            fprintf(stderr, "prevalence: restored %s; every batch matches its manifest "
                            "digest\n", argv[optind]);
    }
    PQfinish(conn);
    return rc != 0 ? cli_report(&err) : 0;
}

int cmd_db(int argc, char **argv)
{
    static const struct cli_command self = {"db", "", NULL, cmd_db_help};
    struct db_embedded em;
    struct prev_error err;
    const char *action;
    int c, rc;

    prev_error_clear(&err);
    /* '+': stop at the action so `db psql -c ...` passes psql's options on. */
    while ((c = cli_getopt(argc, argv, &self, "+", NULL)) != CLI_OPT_END) {
        if (c == CLI_OPT_HELP)
            return 0;
        return PREV_EX_USAGE;
    }
    if (optind >= argc)
        return cli_usage_error("db", "missing action (start, stop, status, url, psql, backup, restore or verify)");
    action = argv[optind];
    if (strcmp(action, "backup") == 0 || strcmp(action, "restore") == 0
        || strcmp(action, "verify") == 0)
        return data_action(action, argc - optind, argv + optind);
    if (strcmp(action, "psql") != 0 && optind + 1 < argc)
        return cli_usage_error("db", "unexpected argument '%s'", argv[optind + 1]);
    if ((rc = db_embedded_locate(&em, &err)) != 0)
        return cli_report(&err);

    if (strcmp(action, "start") == 0) {
        bool started = false;
        if ((rc = db_embedded_start(&em, cli_globals.quiet, &started, &err)) != 0)
            return cli_report(&err);
        if (!cli_globals.quiet)
            fprintf(stderr, "prevalence: embedded server %s (socket %s)\n",
                    started ? "started" : "already running", em.socket_dir);
        return 0;
    }
    if (strcmp(action, "stop") == 0) {
        bool was_running = false;
        if ((rc = db_embedded_stop(&em, &was_running, &err)) != 0)
            return cli_report(&err);
        if (!cli_globals.quiet)
            fprintf(stderr, "prevalence: embedded server %s\n",
                    was_running ? "stopped" : "was not running");
        return 0;
    }
    if (strcmp(action, "status") == 0) {
        long pid = db_embedded_running_pid(&em);
        if (pid != 0)
            printf("running\npid: %ld\n", pid);
        else
            printf("stopped\n");
        printf("home: %s%s\ndata: %s\nsocket: %s\nlog: %s\n", em.home,
               em.default_home ? " (default)" : "", em.data_dir, em.socket_dir, em.log_path);
        if (em.as_other_user)
            printf("server user: %s\n", em.server_user);
        return pid != 0 ? 0 : 3;
    }
    if (strcmp(action, "url") == 0) {
        char uri[2048];
        db_embedded_uri(&em, uri, sizeof uri);
        printf("%s\n", uri);
        return 0;
    }
    if (strcmp(action, "psql") == 0) {
        char conninfo[2048], psql[1100];
        char **args = calloc((size_t)argc + 4, sizeof *args);
        bool started = false;
        int n = 0;
        if (args == NULL)
            return prev_fail(&err, PREV_EX_OSERR, "", "out of memory") ? cli_report(&err) : 1;
        if ((rc = db_embedded_start(&em, cli_globals.quiet, &started, &err)) != 0) {
            free(args);
            return cli_report(&err);
        }
        db_embedded_conninfo(&em, DB_EMBEDDED_DBNAME, conninfo, sizeof conninfo);
        snprintf(psql, sizeof psql, "%s/psql", em.bindir);
        if (access(psql, X_OK) != 0)
            snprintf(psql, sizeof psql, "psql");
        args[n++] = psql;
        args[n++] = conninfo;
        for (int i = optind + 1; i < argc; i++)
            args[n++] = argv[i];
        args[n] = NULL;
        fflush(NULL);
        execvp(psql, args);
        prev_fail(&err, PREV_EX_UNAVAILABLE, psql, "cannot run psql");
        free(args);
        return cli_report(&err);
    }
    return cli_usage_error("db", "unknown action '%s'", action);
}
