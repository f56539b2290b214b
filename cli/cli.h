#ifndef PREV_CLI_H
#define PREV_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "prev_error.h"

/* Options that every command understands, set before or after the command
 * name (`prevalence --db X estimate` and `prevalence estimate --db X`). */
struct cli_globals {
    const char *db;     /* --db CONNINFO, or NULL */
    bool quiet;         /* --quiet: no progress or chatter on stderr */
};

extern struct cli_globals cli_globals;

struct cli_command {
    const char *name;
    const char *summary;                  /* one line for `prevalence --help` */
    int (*run)(int argc, char **argv);    /* argv[0] is the command name */
    const char *help;                     /* full text for `--help` */
};

/* The command table, NULL-terminated (cli/commands.c). */
extern const struct cli_command cli_commands[];

const struct cli_command *cli_find_command(const char *name);

/* Print "prevalence CMD: message" and the hint
 * "try 'prevalence CMD --help'" on stderr; returns PREV_EX_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print err on stderr and return its code. */
int cli_report(const struct prev_error *err);

/* getopt_long with our conventions: errors are reported with
 * cli_usage_error and come back as CLI_OPT_ERROR; --help prints the
 * command's help and comes back as CLI_OPT_HELP; --db, --home and --quiet are
 * handled here and never returned. Call with *state == 0 first. */
enum { CLI_OPT_END = -1, CLI_OPT_ERROR = -2, CLI_OPT_HELP = -3 };
int cli_getopt(int argc, char **argv, const struct cli_command *cmd,
               const char *shortopts, const struct option *longopts);

/* --home DIR: the embedded cluster's data home for this run (sets
 * PREVALENCE_HOME). False, after a usage error, when it cannot be set. */
bool cli_set_home(const char *cmd, const char *dir);

/* Parse option values strictly; on failure print a usage error. */
bool cli_long_arg(const char *cmd, const char *opt, const char *val,
                  long min, long max, long *out);
bool cli_double_arg(const char *cmd, const char *opt, const char *val,
                    double min, double max, double *out);

/* --level: a confidence level strictly between 0 and 1; the usage error
 * says "0.95 for 95%" (a percentage is the usual slip). */
bool cli_level_arg(const char *cmd, const char *val, double *out);

/* True when stdout is a terminal (tables by default), else CSV. */
bool cli_stdout_is_tty(void);

#endif
