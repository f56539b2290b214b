/* The shared front end of `prevalence load` and `prevalence check`. */
#include "collect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "collector.h"
#include "db.h"

enum { OPT_REPLACE = 1, OPT_REJECTS, OPT_IGNORE, OPT_OFFLINE, OPT_ID_PATTERN };

/* The whole code must match: the pattern is anchored here, so that
 * "[0-9]{4}" does not accept "Maria-1234-Gonzalez". */
static int compile_id_pattern(const char *cmd, const char *from, const char *pattern,
                              struct collect_args *a)
{
    char *anchored = NULL, why[200];
    size_t n = strlen(pattern) + 5;
    int rc;

    if (pattern[0] == '\0')
        return cli_usage_error(cmd, "%s is empty", from);
    if ((anchored = malloc(n)) == NULL) {
        fprintf(stderr, "prevalence %s: out of memory\n", cmd);
        return PREV_EX_SOFTWARE;
    }
    snprintf(anchored, n, "^(%s)$", pattern);
    rc = regcomp(&a->id_pattern, anchored, REG_EXTENDED | REG_NOSUB);
    free(anchored);
    if (rc != 0) {
        regerror(rc, NULL, why, sizeof why);
        return cli_usage_error(cmd, "%s is not a POSIX extended regular expression: %s",
                               from, why);
    }
    a->have_id_pattern = true;
    return -1;
}

int collect_parse(int argc, char **argv, const struct cli_command *self, bool check,
                  struct collect_args *a)
{
    static const struct option load_opts[] = {
        {"replace", no_argument, NULL, OPT_REPLACE},
        {"rejects", required_argument, NULL, OPT_REJECTS},
        {"ignore-column", required_argument, NULL, OPT_IGNORE},
        {"id-pattern", required_argument, NULL, OPT_ID_PATTERN},
        {NULL, 0, NULL, 0},
    };
    static const struct option check_opts[] = {
        {"replace", no_argument, NULL, OPT_REPLACE},
        {"rejects", required_argument, NULL, OPT_REJECTS},
        {"ignore-column", required_argument, NULL, OPT_IGNORE},
        {"offline", no_argument, NULL, OPT_OFFLINE},
        {"id-pattern", required_argument, NULL, OPT_ID_PATTERN},
        {NULL, 0, NULL, 0},
    };
    const char *pattern = NULL, *from = "--id-pattern";
    int c, rc;

    memset(a, 0, sizeof *a);
    if ((a->ignore = calloc((size_t)argc + 1, sizeof *a->ignore)) == NULL) {
        fprintf(stderr, "prevalence %s: out of memory\n", self->name);
        return PREV_EX_SOFTWARE;
    }
    while ((c = cli_getopt(argc, argv, self, "", check ? check_opts : load_opts)) != CLI_OPT_END) {
        switch (c) {
        case CLI_OPT_HELP:
            return 0;
        case CLI_OPT_ERROR:
            return PREV_EX_USAGE;
        case OPT_REPLACE:
            a->replace = true;
            break;
        case OPT_REJECTS:
            a->rejects = optarg;
            break;
        case OPT_IGNORE:
            a->ignore[a->nignore++] = optarg;
            break;
        case OPT_OFFLINE:
            a->offline = true;
            break;
        case OPT_ID_PATTERN:
            pattern = optarg;
            break;
        default:
            return cli_usage_error(self->name, "unexpected option");
        }
    }
    /* the option wins over the environment; an empty variable is unset */
    if (pattern == NULL) {
        pattern = getenv("PREVALENCE_ID_PATTERN");
        from = "PREVALENCE_ID_PATTERN";
        if (pattern != NULL && pattern[0] == '\0')
            pattern = NULL;
    }
    if (pattern != NULL && (rc = compile_id_pattern(self->name, from, pattern, a)) >= 0)
        return rc;
    if (optind >= argc)
        return cli_usage_error(self->name, "missing the kind of file (responses or frame)");
    if (!col_kind_parse(argv[optind], &a->kind))
        return cli_usage_error(self->name, "unknown kind '%s'; use responses or frame",
                               argv[optind]);
    optind++;
    if (optind >= argc)
        return cli_usage_error(self->name, "missing FILE (use '-' for standard input)");
    a->files = argv + optind;
    a->nfiles = argc - optind;
    for (int i = 0; i < a->nfiles; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(a->files[i], "-") == 0 && strcmp(a->files[j], "-") == 0)
                return cli_usage_error(self->name, "standard input ('-') can be read once");
    return -1;
}

void collect_args_free(struct collect_args *a)
{
    free(a->ignore);
    a->ignore = NULL;
    if (a->have_id_pattern)
        regfree(&a->id_pattern);
    a->have_id_pattern = false;
}

/* The embedded cluster is created on first use, but `check` only reads:
 * when there is no cluster yet there is no loaded data to check against
 * either, so it is not created for that. */
static bool embedded_exists(void)
{
    struct db_embedded em;
    struct prev_error err;
    char path[1200];
    struct stat st;

    prev_error_clear(&err);
    if (db_embedded_locate(&em, &err) != 0)
        return false;
    snprintf(path, sizeof path, "%s/PG_VERSION", em.data_dir);
    return stat(path, &st) == 0;
}

static void skipped_note(const char *why)
{
    if (cli_globals.quiet)
        return;
    fprintf(stderr, "prevalence: %s: skipped the checks against loaded data (respondents "
                    "already loaded, frames already loaded, officers_total and youth_total of "
                    "loaded frames, --replace)\n", why);
}

static void plural(char *buf, size_t size, uint64_t n, const char *word)
{
    snprintf(buf, size, "%llu %s%s", (unsigned long long)n, word, n == 1 ? "" : "s");
}

int collect_run(const struct collect_args *a, bool load)
{
    struct col_rejects *rejects = NULL;
    struct prev_error err;
    PGconn *conn = NULL;
    int exit_code = 0, rc;

    prev_error_clear(&err);
    /* The rejects file is opened first so that a path that cannot be
     * written stops everything before anything is loaded; before that,
     * it must not be a link or one of the files to read (`--rejects f.csv
     * f.csv` would destroy the county's file). */
    if (a->rejects != NULL
        && ((rc = prev_output_check(a->rejects, (const char *const *)a->files,
                                    (size_t)a->nfiles, &err)) != 0
            || (rc = col_rejects_open(&rejects, a->rejects, a->kind, &err)) != 0))
        return cli_report(&err);

    if (load) {
        if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0) {
            exit_code = cli_report(&err);
            goto done;
        }
    } else if (a->offline) {
        skipped_note("--offline");
    } else {
        char conninfo[4096];
        if (db_pick_source(cli_globals.db, conninfo, sizeof conninfo) == DB_SOURCE_EMBEDDED
            && !embedded_exists()) {
            skipped_note("no database yet (the embedded cluster has not been created)");
        } else if (db_connect(cli_globals.db, true, true, &conn, &err) != 0) {
            char why[900];
            snprintf(why, sizeof why, "no database reachable (%s)", err.msg);
            skipped_note(why);
            prev_error_clear(&err);
            conn = NULL;
        }
    }

    for (int i = 0; i < a->nfiles; i++) {
        struct col_options o;
        struct col_result res;
        const char *file = a->files[i];
        const char *shown = strcmp(file, "-") == 0 ? "<stdin>" : file;
        char errors[32], warnings[32];

        memset(&o, 0, sizeof o);
        o.kind = a->kind;
        o.ignore = a->ignore;
        o.nignore = (size_t)a->nignore;
        o.id_pattern = a->have_id_pattern ? &a->id_pattern : NULL;
        o.replace = a->replace;
        o.load = load;
        o.progress = !cli_globals.quiet && isatty(STDERR_FILENO);
        o.rejects = rejects;
        o.diag = stderr;
        o.file_number = (size_t)i + 1;
        rc = col_process_file(conn, &o, file, &res, &err);
        if (rc != 0) {
            cli_report(&err);
            if (exit_code == 0)
                exit_code = rc;
            /* A missing file (or one far too large to be a survey file)
             * spoils only itself; a database failure or a bug,
             * everything after it. */
            if (rc == PREV_EX_NOINPUT || rc == PREV_EX_DATA)
                continue;
            goto done;
        }
        plural(errors, sizeof errors, res.errors, "error");
        plural(warnings, sizeof warnings, res.warnings, "warning");
        if (!res.valid) {
            fprintf(stderr, "prevalence: %s: %s%s%s; %s\n", shown, errors,
                    res.warnings > 0 ? ", " : "", res.warnings > 0 ? warnings : "",
                    load ? "nothing loaded" : "it would not load");
            if (exit_code == 0)
                exit_code = PREV_EX_DATA;
            continue;
        }
        if (cli_globals.quiet)
            continue;
        if (res.already_loaded) {
            fprintf(stderr, "prevalence: %s: already loaded as batch %lld\n", shown,
                    (long long)res.batch_id);
        } else if (load) {
            fprintf(stderr, "prevalence: %s: loaded %llu row%s as batch %lld in %.2f s",
                    shown, (unsigned long long)res.rows, res.rows == 1 ? "" : "s",
                    (long long)res.batch_id, res.seconds);
            if (res.replaced > 0)
                fprintf(stderr, ", replacing %zu earlier batch%s", res.replaced,
                        res.replaced == 1 ? "" : "es");
            if (res.warnings > 0)
                fprintf(stderr, " (%s)", warnings);
            fputc('\n', stderr);
        } else {
            fprintf(stderr, "prevalence: %s: %llu row%s, no errors%s%s\n", shown,
                    (unsigned long long)res.rows, res.rows == 1 ? "" : "s",
                    res.warnings > 0 ? ", " : "", res.warnings > 0 ? warnings : "");
        }
    }
done:
    PQfinish(conn);
    if (rejects != NULL && exit_code != 0 && exit_code != PREV_EX_DATA
        && exit_code != PREV_EX_NOINPUT) {
        /* the run broke off: a partial list would mislead */
        col_rejects_abort(rejects);
    } else if (rejects != NULL) {
        if ((rc = col_rejects_commit(rejects, &err)) != 0) {
            cli_report(&err);
            if (exit_code == 0)
                exit_code = rc;
        }
    }
    return exit_code;
}
