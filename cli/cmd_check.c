/* prevalence check responses|frame FILE...: every check of `load`, no load. */
#include <stdio.h>

#include "cli.h"
#include "collect.h"

const char cmd_check_help[] =
    "usage: prevalence check responses|frame [--offline] [--replace]\n"
    "                        [--rejects OUT.csv] [--ignore-column NAME]...\n"
    "                        [--id-pattern REGEX] FILE...\n"
    "\n"
    "Run every check that 'prevalence load' runs, the privacy firewall included,\n"
    "and load nothing. Same messages and exit codes as load. '-' reads standard\n"
    "input.\n"
    "\n"
    "  --offline            use no database: the checks that need loaded data\n"
    "                       (respondents already loaded, frame totals) are\n"
    "                       skipped, and a note says so; the embedded cluster is\n"
    "                       never created\n"
    "  --replace            check as 'load --replace' would\n"
    "  --rejects OUT.csv    write every bad row with its reasons to OUT.csv\n"
    "  --ignore-column NAME skip a column the codebook does not know (repeatable)\n"
    "  --id-pattern REGEX   the county's respondent codes, a POSIX extended regular\n"
    "                       expression the whole code must match (default: at\n"
    "                       least one digit; also PREVALENCE_ID_PATTERN)\n"
    "  -q, --quiet          no progress line and no summary\n"
    "\n"
    "Without --offline the database is used when one is reachable; when none is\n"
    "(or the embedded cluster does not exist yet) the file is checked as with\n"
    "--offline.\n"
    "\n"
    "Exit codes: 0 the file would load, 65 data problems, 66 a FILE cannot be\n"
    "opened, 73 the rejects file cannot be created.\n";

int cmd_check(int argc, char **argv)
{
    static const struct cli_command self = {"check", "", NULL, cmd_check_help};
    struct collect_args a;
    int rc = collect_parse(argc, argv, &self, true, &a);

    if (rc < 0)
        rc = collect_run(&a, false);
    collect_args_free(&a);
    return rc;
}
