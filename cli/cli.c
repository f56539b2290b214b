#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

struct cli_globals cli_globals;

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "prevalence%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ntry 'prevalence%s%s --help'\n", cmd ? " " : "", cmd ? cmd : "");
    return PREV_EX_USAGE;
}

int cli_report(const struct prev_error *err)
{
    prev_error_print(err, stderr);
    return err->code;
}

/* Long options every command accepts, appended to the command's own. */
enum { OPT_DB = 0x1000, OPT_HOME, OPT_QUIET, OPT_HELP };

bool cli_set_home(const char *cmd, const char *dir)
{
    /* The library reads the data home from the environment, so that
     * every path to the embedded cluster (and a child psql) sees one. */
    if (dir[0] == '\0') {
        cli_usage_error(cmd, "option '--home' needs a folder");
        return false;
    }
    if (setenv("PREVALENCE_HOME", dir, 1) != 0) {
        cli_usage_error(cmd, "cannot set the data home");
        return false;
    }
    return true;
}

int cli_getopt(int argc, char **argv, const struct cli_command *cmd,
               const char *shortopts, const struct option *longopts)
{
    struct option all[64];
    size_t n = 0;
    char shorts[128];
    int c;

    while (longopts != NULL && longopts[n].name != NULL && n < 60) {
        all[n] = longopts[n];
        n++;
    }
    all[n++] = (struct option){"db", required_argument, NULL, OPT_DB};
    all[n++] = (struct option){"home", required_argument, NULL, OPT_HOME};
    all[n++] = (struct option){"quiet", no_argument, NULL, OPT_QUIET};
    all[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    all[n] = (struct option){NULL, 0, NULL, 0};
    /* A leading ':' (after an optional '+', which stops at the first
     * non-option) makes a missing argument come back as ':'. */
    if (shortopts != NULL && shortopts[0] == '+')
        snprintf(shorts, sizeof shorts, "+:%sqh", shortopts + 1);
    else
        snprintf(shorts, sizeof shorts, ":%sqh", shortopts != NULL ? shortopts : "");

    for (;;) {
        opterr = 0;
        c = getopt_long(argc, argv, shorts, all, NULL);
        switch (c) {
        case OPT_DB:
            cli_globals.db = optarg;
            continue;
        case OPT_HOME:
            if (!cli_set_home(cmd->name, optarg))
                return CLI_OPT_ERROR;
            continue;
        case OPT_QUIET:
        case 'q':
            cli_globals.quiet = true;
            continue;
        case OPT_HELP:
        case 'h':
            fputs(cmd->help, stdout);
            return CLI_OPT_HELP;
        case ':':
            cli_usage_error(cmd->name, "option '%s' needs a value", argv[optind - 1]);
            return CLI_OPT_ERROR;
        case '?':
            if (optopt != 0)
                cli_usage_error(cmd->name, "unknown option '-%c'", optopt);
            else
                cli_usage_error(cmd->name, "unknown option '%s'", argv[optind - 1]);
            return CLI_OPT_ERROR;
        default:
            return c;
        }
    }
}

bool cli_long_arg(const char *cmd, const char *opt, const char *val,
                  long min, long max, long *out)
{
    if (prev_parse_long(val, min, max, out))
        return true;
    cli_usage_error(cmd, "%s expects a whole number from %ld to %ld, not '%s'",
                    opt, min, max, val);
    return false;
}

bool cli_double_arg(const char *cmd, const char *opt, const char *val,
                    double min, double max, double *out)
{
    if (prev_parse_double(val, min, max, out))
        return true;
    cli_usage_error(cmd, "%s expects a number from %g to %g, not '%s'",
                    opt, min, max, val);
    return false;
}

bool cli_level_arg(const char *cmd, const char *val, double *out)
{
    double level;

    if (prev_parse_double(val, 0.0, 1.0, &level) && level > 0.0 && level < 1.0) {
        *out = level;
        return true;
    }
    cli_usage_error(cmd, "--level expects a number strictly between 0 and 1 "
                    "(0.95 for 95%%), not '%s'", val);
    return false;
}

bool cli_stdout_is_tty(void)
{
    return isatty(STDOUT_FILENO) == 1;
}
