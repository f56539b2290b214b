/* prevalence ci: confidence intervals for X cases out of N, by one or all of
 * the count methods of analysis/ci_methods.c. Needs no database. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis.h"
#include "csv_out.h"
#include "cli.h"
#include "json_out.h"
#include "parse.h"

const char cmd_ci_help[] =
    "usage: prevalence ci --cases X --n N [--level L] [--method METHOD]\n"
    "                     [--format table|csv|json]\n"
    "\n"
    "Confidence interval for a proportion from counts: X cases out of N. No\n"
    "survey design and no database; for survey estimates use 'prevalence estimate'.\n"
    "\n"
    "  --cases X       number of cases, 0 <= X <= N\n"
    "  --n N           number of trials (youth), N >= 1\n"
    "  --level L       confidence level, strictly between 0 and 1 (default 0.95)\n"
    "  --method M      wilson (default), clopper-pearson, jeffreys, agresti-coull,\n"
    "                  wald, logit, or all (one row per method, in that order)\n"
    "  --format F      table (default on a terminal), csv (default otherwise), json\n"
    "\n"
    "Columns: method, cases, n, level, estimate, ci_low, ci_high, note. csv and\n"
    "json carry full precision; table rounds to percent for reading. A method\n"
    "without an interval (logit at X = 0 or X = N) has empty limits in csv, null\n"
    "in json, and a note saying why. Formulas: docs/methods.md.\n"
    "\n"
    "Exit codes: 0 ok, 64 usage error, 74 cannot write the output.\n";

enum ci_format { CI_TABLE, CI_CSV, CI_JSON };

struct ci_row {
    enum an_ci_method method;
    struct an_interval iv;
};

/* ---- csv ------------------------------------------------------------------ */


static void write_csv(FILE *out, const struct ci_row *rows, int nrows, long x, long n, double level)
{
    char b1[32], b2[32], b3[32], b4[32];

    fputs("method,cases,n,level,estimate,ci_low,ci_high,note\n", out);
    for (int i = 0; i < nrows; i++) {
        const struct an_interval *iv = &rows[i].iv;

        fprintf(out, "%s,%ld,%ld,%s,%s,%s,%s,", an_ci_method_name(rows[i].method), x, n,
                prev_fmt_double(b1, sizeof b1, level), prev_fmt_double(b2, sizeof b2, iv->estimate),
                iv->defined ? prev_fmt_double(b3, sizeof b3, iv->low) : "",
                iv->defined ? prev_fmt_double(b4, sizeof b4, iv->high) : "");
        prev_csv_field(out, iv->note);
        fputc('\n', out);
    }
}

/* ---- json ----------------------------------------------------------------- */

static int write_json(FILE *out, const struct ci_row *rows, int nrows, long x, long n, double level)
{
    json_t *doc = json_array(), *row = NULL;
    int rc = -1;

    if (doc == NULL)
        goto done;
    for (int i = 0; i < nrows; i++) {
        const struct an_interval *iv = &rows[i].iv;

        row = json_pack("{s:s, s:I, s:I, s:f, s:f, s:o, s:o, s:s}",
                        "method", an_ci_method_name(rows[i].method),
                        "cases", (json_int_t)x, "n", (json_int_t)n, "level", level,
                        "estimate", iv->estimate,
                        "ci_low", iv->defined ? json_real(iv->low) : json_null(),
                        "ci_high", iv->defined ? json_real(iv->high) : json_null(),
                        "note", iv->note);
        if (row == NULL || json_array_append_new(doc, row) != 0)
            goto done;
    }
    prev_json_write(out, doc);
    fputc('\n', out);
    rc = 0;
done:
    json_decref(doc);
    return rc;
}

/* ---- table ---------------------------------------------------------------- */

static void write_table(FILE *out, const struct ci_row *rows, int nrows, long x, long n, double level)
{
    int decimals = 1;

    /* One decimal of a percent, two when a non-zero value would otherwise
     * print as 0.0% (rare events are what this tool is for). */
    for (int i = 0; i < nrows; i++) {
        const struct an_interval *iv = &rows[i].iv;
        double v[3] = {iv->estimate, iv->defined ? iv->low : 0.0, iv->defined ? iv->high : 0.0};

        for (int j = 0; j < 3; j++)
            if (v[j] > 0.0 && v[j] < 0.01)
                decimals = 2;
    }
    fprintf(out, "%ld case%s out of %ld, %g%% confidence\n\n", x, x == 1 ? "" : "s", n,
            level * 100.0);
    fprintf(out, "%-16s %9s %9s %9s  %s\n", "method", "estimate", "ci_low", "ci_high", "note");
    for (int i = 0; i < nrows; i++) {
        const struct an_interval *iv = &rows[i].iv;
        char low[16] = "-", high[16] = "-";

        if (iv->defined) {
            snprintf(low, sizeof low, "%.*f%%", decimals, iv->low * 100.0);
            snprintf(high, sizeof high, "%.*f%%", decimals, iv->high * 100.0);
        }
        fprintf(out, "%-16s %8.*f%% %9s %9s%s%s\n", an_ci_method_name(rows[i].method), decimals,
                iv->estimate * 100.0, low, high, iv->note[0] != '\0' ? "  " : "", iv->note);
    }
}

/* ---- the command ------------------------------------------------------------ */

int cmd_ci(int argc, char **argv)
{
    static const struct cli_command self = {"ci", "", NULL, cmd_ci_help};
    static const struct option longopts[] = {
        {"cases", required_argument, NULL, 'x'},
        {"n", required_argument, NULL, 'n'},
        {"level", required_argument, NULL, 'l'},
        {"method", required_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    struct ci_row rows[AN_CI_N_METHODS];
    const char *method = "wilson", *format = NULL;
    long x = 0, n = 0;
    bool have_x = false, have_n = false;
    double level = 0.95;
    enum ci_format fmt;
    int c, nrows = 0;

    while ((c = cli_getopt(argc, argv, &self, "", longopts)) != CLI_OPT_END) {
        switch (c) {
        case 'x':
            if (!prev_parse_long(optarg, 0, LONG_MAX, &x))
                return cli_usage_error("ci", "--cases expects a whole number of at least 0, "
                                             "not '%s'", optarg);
            have_x = true;
            break;
        case 'n':
            if (!prev_parse_long(optarg, 1, LONG_MAX, &n))
                return cli_usage_error("ci", "--n expects a whole number of at least 1, not '%s'",
                                       optarg);
            have_n = true;
            break;
        case 'l':
            if (!cli_level_arg("ci", optarg, &level))
                return PREV_EX_USAGE;
            break;
        case 'm':
            method = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("ci", "unexpected argument '%s'", argv[optind]);
    if (!have_x || !have_n)
        return cli_usage_error("ci", "missing %s", !have_x && !have_n ? "--cases and --n"
                                                   : !have_x ? "--cases" : "--n");
    if (x > n)
        return cli_usage_error("ci", "--cases (%ld) cannot exceed --n (%ld)", x, n);

    if (strcmp(method, "all") == 0) {
        for (int m = 0; m < AN_CI_N_METHODS; m++)
            rows[nrows++].method = (enum an_ci_method)m;
    } else if (an_ci_method_parse(method, &rows[0].method)) {
        nrows = 1;
    } else {
        return cli_usage_error("ci", "unknown method '%s' (wilson, clopper-pearson, jeffreys, "
                                     "agresti-coull, wald, logit or all)", method);
    }
    if (format == NULL)
        fmt = cli_stdout_is_tty() ? CI_TABLE : CI_CSV;
    else if (strcmp(format, "table") == 0)
        fmt = CI_TABLE;
    else if (strcmp(format, "csv") == 0)
        fmt = CI_CSV;
    else if (strcmp(format, "json") == 0)
        fmt = CI_JSON;
    else
        return cli_usage_error("ci", "unknown format '%s' (table, csv or json)", format);

    for (int i = 0; i < nrows; i++)
        if (an_ci_counts(rows[i].method, x, n, level, &rows[i].iv) != 0) {
            /* The arguments were checked above; getting here is a bug. */
            fprintf(stderr, "prevalence ci: internal error: %s rejected %ld of %ld at %g\n",
                    an_ci_method_name(rows[i].method), x, n, level);
            return PREV_EX_SOFTWARE;
        }

    if (fmt == CI_CSV) {
        write_csv(stdout, rows, nrows, x, n, level);
    } else if (fmt == CI_TABLE) {
        write_table(stdout, rows, nrows, x, n, level);
    } else if (write_json(stdout, rows, nrows, x, n, level) != 0) {
        fprintf(stderr, "prevalence ci: out of memory building the json output\n");
        return PREV_EX_SOFTWARE;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "prevalence ci: cannot write the output: %s\n", strerror(errno));
        return PREV_EX_IOERR;
    }
    return 0;
}
