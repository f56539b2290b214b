/* prevalence db start|stop|status|url|psql: the embedded cluster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "db.h"

const char cmd_db_help[] =
    "usage: prevalence db start|stop|status|url|psql [PSQL-ARGS...]\n"
    "\n"
    "Manage the embedded PostgreSQL cluster under $PREVALENCE_HOME (default\n"
    "./.prevalence). It listens only on a Unix socket inside that folder, never on\n"
    "TCP, and is started on demand by every command that needs the database.\n"
    "\n"
    "  start    create the cluster if needed and start it (no-op when running;\n"
    "           a stale postmaster.pid left by a crash is recovered)\n"
    "  stop     stop the server (fast shutdown)\n"
    "  status   print whether it runs, its pid, data and socket folders;\n"
    "           exit 0 when running, 3 when stopped\n"
    "  url      print a postgresql:// URI for --db or other tools\n"
    "  psql     run psql on the embedded database (extra arguments go to psql)\n"
    "\n"
    "As root the server runs as the 'postgres' system user (PREVALENCE_PG_USER).\n"
    "When that user cannot reach $PREVALENCE_HOME (a checkout under /root), the\n"
    "cluster lives in /var/tmp/prevalence-HASH instead; 'status' shows where.\n"
    "Environment: PREVALENCE_HOME, PREVALENCE_PG_BINDIR, PREVALENCE_PG_USER.\n";

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
        return cli_usage_error("db", "missing action (start, stop, status, url or psql)");
    action = argv[optind];
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
