#ifndef PREV_CLI_COLLECT_H
#define PREV_CLI_COLLECT_H

#include <regex.h>
#include <stdbool.h>

#include "cli.h"
#include "collector.h"

/* What `load` and `check` share: their options and the loop over files. */
struct collect_args {
    enum col_kind kind;
    const char **ignore;      /* --ignore-column, argv pointers */
    int nignore;
    bool replace;             /* --replace */
    const char *rejects;      /* --rejects OUT.csv */
    bool offline;             /* --offline (check only) */
    regex_t id_pattern;       /* --id-pattern / PREVALENCE_ID_PATTERN, compiled */
    bool have_id_pattern;
    char **files;
    int nfiles;
};

/* Parse `KIND [options] FILE...`. Returns -1 to go on, else the exit code
 * (0 after --help, 64 on misuse, message printed). a->ignore is
 * allocated; free it with collect_args_free. */
int collect_parse(int argc, char **argv, const struct cli_command *self, bool check,
                  struct collect_args *a);
void collect_args_free(struct collect_args *a);

/* Check (load false) or load every file and print a summary line for
 * each. Returns the exit code. */
int collect_run(const struct collect_args *a, bool load);

#endif
