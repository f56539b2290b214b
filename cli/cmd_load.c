/* prevalence load responses|frame FILE...: check and load survey files. */
#include <stdio.h>

#include "cli.h"
#include "collect.h"

const char cmd_load_help[] =
    "usage: prevalence load responses|frame [--replace] [--rejects OUT.csv]\n"
    "                       [--ignore-column NAME]... [--id-pattern REGEX] FILE...\n"
    "\n"
    "Check each FILE against codebook v1 (docs/codebook.md) and the privacy\n"
    "firewall, then load it into the database as one batch. '-' reads standard\n"
    "input. A file is loaded whole or not at all: any error, and nothing of it\n"
    "is loaded. Every problem is reported as FILE:LINE:COLUMN: message on\n"
    "stderr (the first 100 per file, then a count).\n"
    "\n"
    "  --replace            the file corrects earlier batches: batches of the same\n"
    "                       kind holding any of its county-years are superseded\n"
    "                       (their rows stop counting; both stay on record)\n"
    "  --rejects OUT.csv    write every bad row with its reasons to OUT.csv;\n"
    "                       identifying values are written as [redacted]\n"
    "  --ignore-column NAME skip a column the codebook does not know (repeatable)\n"
    "  --id-pattern REGEX   the county's respondent codes, a POSIX extended regular\n"
    "                       expression the whole code must match (default: at\n"
    "                       least one digit; also PREVALENCE_ID_PATTERN)\n"
    "  -q, --quiet          no progress line and no summary\n"
    "\n"
    "Loading a file whose bytes are already an active batch loads nothing and\n"
    "says 'already loaded as batch N'. Without --replace, a respondent already\n"
    "loaded for the year, or a county-year that already has a frame, is an\n"
    "error.\n"
    "\n"
    "Exit codes: 0 loaded (or already loaded), 65 data problems or a file that\n"
    "identifies a person, 66 a FILE cannot be opened, 69 database unavailable,\n"
    "73 the rejects file cannot be created.\n";

int cmd_load(int argc, char **argv)
{
    static const struct cli_command self = {"load", "", NULL, cmd_load_help};
    struct collect_args a;
    int rc = collect_parse(argc, argv, &self, false, &a);

    if (rc < 0)
        rc = collect_run(&a, true);
    collect_args_free(&a);
    return rc;
}
