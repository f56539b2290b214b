/* prevalence: the command-line front end. It only parses the global
 * options and dispatches to a command (cli/cmd_*.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "prev_config.h"

static void print_main_help(FILE *out)
{
    fputs("usage: prevalence [--db CONNINFO] [--home DIR] [--quiet] COMMAND [ARGS...]\n"
          "\n"
          "Prevalence of minor victims of sex trafficking among youth on juvenile\n"
          "probation in Arizona, from the JJSD caseload survey.\n"
          "\n"
          "Commands:\n", out);
    for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\n"
          "Global options:\n"
          "  --db CONNINFO  PostgreSQL conninfo string or postgresql:// URI; without it\n"
          "                 the libpq environment (PGHOST, PGDATABASE, PGSERVICE, ...,\n"
          "                 DATABASE_URL) is used, and failing that the embedded cluster\n"
          "                 in the data home\n"
          "  --home DIR     the data home of the embedded cluster (default\n"
          "                 $PREVALENCE_HOME, else ${XDG_DATA_HOME:-~/.local/share}/prevalence)\n"
          "  -q, --quiet    no progress or chatter on stderr\n"
          "  -h, --help     this help; 'prevalence help COMMAND' for one command\n"
          "  --version      print the version\n"
          "\n"
          "Exit codes: 0 ok, 64 usage, 65 bad input data, 66 input missing, 69 database\n"
          "unavailable, 70 internal error, 73 cannot create output (docs/exit-codes.md).\n", out);
}

static int run_help(int argc, char **argv)
{
    const struct cli_command *c;

    if (argc < 2) {
        print_main_help(stdout);
        return 0;
    }
    if ((c = cli_find_command(argv[1])) == NULL)
        return cli_usage_error(NULL, "no such command '%s'", argv[1]);
    fputs(c->help, stdout);
    return 0;
}

/* Results go to stdout; a full disk or a closed pipe there must not end
 * in exit 0 (`prevalence batches > /dev/full`). A command that already
 * failed keeps its own code and message. */
static int finish_stdout(int rc)
{
    int flushed, saved;

    errno = 0;
    flushed = fflush(stdout) == 0;
    saved = errno;
    if ((flushed && !ferror(stdout)) || rc != 0)
        return rc;
    fprintf(stderr, "prevalence: <stdout>: cannot write the output: %s\n",
            !flushed && saved != 0 ? strerror(saved) : "a write failed");
    return PREV_EX_IOERR;
}

int main(int argc, char **argv)
{
    const struct cli_command *c;
    int i = 1;

    /* GSL's default handler aborts the process; we check return codes. */
    gsl_set_error_handler_off();

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_main_help(stdout);
            return finish_stdout(0);
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("prevalence %s\n", PREV_VERSION);
            return finish_stdout(0);
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            cli_globals.quiet = true;
        } else if (strcmp(argv[i], "--db") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error(NULL, "option '--db' needs a value");
            cli_globals.db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            cli_globals.db = argv[i] + 5;
        } else if (strcmp(argv[i], "--home") == 0 || strncmp(argv[i], "--home=", 7) == 0) {
            const char *dir = argv[i][6] == '=' ? argv[i] + 7 : NULL;
            if (dir == NULL && i + 1 >= argc)
                return cli_usage_error(NULL, "option '--home' needs a value");
            if (dir == NULL)
                dir = argv[++i];
            if (!cli_set_home(NULL, dir))
                return PREV_EX_USAGE;
        } else {
            return cli_usage_error(NULL, "unknown option '%s'", argv[i]);
        }
    }
    if (i >= argc) {
        print_main_help(stderr);
        return PREV_EX_USAGE;
    }
    if (strcmp(argv[i], "help") == 0)
        return finish_stdout(run_help(argc - i, argv + i));
    if ((c = cli_find_command(argv[i])) == NULL)
        return cli_usage_error(NULL, "no such command '%s'", argv[i]);
    optind = 1;
    return finish_stdout(c->run(argc - i, argv + i));
}
