/* prevalence trend: change across annual surveys, per county and statewide. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "db.h"
#include "analysis.h"
#include "report.h"

const char cmd_trend_help[] =
    "usage: prevalence trend --from YEAR --to YEAR [--measure confirmed|any|officer_any]\n"
    "           [--method korn-graubard|wilson|logit|wald] [--level 0.95]\n"
    "           [--deff-cap by-measure|after-fpc|before-fpc]\n"
    "           [--lonely-psu adjust|certainty|fail] [--county NAME|all]\n"
    "           [--adjust none|holm] [--rows all|years|changes|slopes]\n"
    "           [--format table|csv|json|md] [--by role]\n"
    "           [--weights design|calibrated]\n"
    "\n"
    "Change across annual surveys: for every county and for Arizona, the estimate of\n"
    "each survey year from --from to --to (as 'prevalence estimate' computes it),\n"
    "the change between consecutive survey years and between the first and the\n"
    "last (difference with its t interval and two-sided p-value, ratio with a\n"
    "log-scale interval), and a weighted linear trend over three or more years.\n"
    "Years are independent samples: the variance of a change is the sum of the two\n"
    "years' variances, its df Welch-Satterthwaite's from theirs (docs/methods.md).\n"
    "\n"
    "  --from YEAR, --to YEAR  the survey years (required; --from before --to);\n"
    "                     years without responses are left out, two must remain\n"
    "  --measure M        confirmed (default), any, officer_any (as for estimate)\n"
    "  --method M         interval of the yearly estimates: korn-graubard (default),\n"
    "                     wilson, logit, wald; their NCHS flags carry over\n"
    "  --level L          confidence level, 0 < L < 1 (default 0.95)\n"
    "  --deff-cap C       Korn-Graubard's cap 'design effect below 1 counts as 1':\n"
    "                     after-fpc (on the design effect with the finite\n"
    "                     population correction), before-fpc (on the with-\n"
    "                     replacement design effect, then the fpc applies), or\n"
    "                     by-measure (default): before-fpc for officer_any,\n"
    "                     after-fpc for confirmed and any (docs/methods.md)\n"
    "  --lonely-psu R     adjust (default), certainty, fail (as for estimate)\n"
    "  --county NAME      one county (name or fips) or Arizona; all (default)\n"
    "  --adjust A         none (default) or holm: Holm-adjusted p-values, the family\n"
    "                     being one comparison of two years (all counties and the\n"
    "                     state), and the slopes\n"
    "  --rows R           all (default; not for csv), years, changes (default for\n"
    "                     csv), slopes\n"
    "  --format F         table (default on a terminal), csv (default otherwise),\n"
    "                     json, md\n"
    "  --by role          the trend of each role's respondents (probation_officer,\n"
    "                     supervisor, other) as 'estimate --by role' computes each\n"
    "                     year: a domain, the design kept whole; a role with\n"
    "                     respondents in fewer than two years is named and left out\n"
    "  --weights W        design (default) or calibrated (as for estimate: each\n"
    "                     year's county weights calibrated to the frame's\n"
    "                     youth_total; moves the Arizona rows only; youth\n"
    "                     measures, and every year needs a frame)\n"
    "\n"
    "CSV and JSON give proportions at full precision; tables give percentage\n"
    "points. A change is flagged like its less reliable year (suppress when either\n"
    "year is suppressed or has no data). Columns: docs/commands/trend.md.\n"
    "Exit codes: 0 ok, 64 usage, 65 fewer than two survey years with responses in\n"
    "the range, a year without a frame with --weights calibrated, or a lonely PSU\n"
    "with --lonely-psu fail, 69 database unavailable.\n";

enum { OPT_FROM = 1, OPT_TO, OPT_MEASURE, OPT_METHOD, OPT_LEVEL, OPT_DEFF_CAP, OPT_LONELY, OPT_COUNTY,
       OPT_ADJUST, OPT_ROWS, OPT_FORMAT, OPT_BY, OPT_WEIGHTS };

struct trend_args {
    long from, to;
    enum an_measure measure;
    enum an_design_method method;
    double level;
    enum an_deff_cap deff_cap;
    enum an_lonely_psu lonely;
    const char *county;        /* NULL: all */
    enum an_trend_adjust adjust;
    enum rep_trend_rows rows;
    bool rows_given;
    enum rep_format format;
    bool by_role;
    enum an_weights weights;
};

/* Returns 0, CLI_OPT_HELP or PREV_EX_USAGE. */
static int parse_args(int argc, char **argv, struct trend_args *a)
{
    static const struct cli_command self = {"trend", "", NULL, cmd_trend_help};
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"measure", required_argument, NULL, OPT_MEASURE},
        {"method", required_argument, NULL, OPT_METHOD},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"deff-cap", required_argument, NULL, OPT_DEFF_CAP},
        {"lonely-psu", required_argument, NULL, OPT_LONELY},
        {"county", required_argument, NULL, OPT_COUNTY},
        {"adjust", required_argument, NULL, OPT_ADJUST},
        {"rows", required_argument, NULL, OPT_ROWS},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"by", required_argument, NULL, OPT_BY},
        {"weights", required_argument, NULL, OPT_WEIGHTS},
        {NULL, 0, NULL, 0},
    };
    bool have_from = false, have_to = false;
    int c;

    *a = (struct trend_args){
        .measure = AN_MEASURE_CONFIRMED,
        .method = AN_DESIGN_KORN_GRAUBARD,
        .level = 0.95,
        .deff_cap = AN_DEFF_CAP_DEFAULT,
        .lonely = AN_LONELY_ADJUST,
        .adjust = AN_TREND_ADJUST_NONE,
        .rows = REP_TREND_ROWS_ALL,
        .format = cli_stdout_is_tty() ? REP_FORMAT_TABLE : REP_FORMAT_CSV,
    };
    while ((c = cli_getopt(argc, argv, &self, "", longopts)) != CLI_OPT_END) {
        switch (c) {
        case CLI_OPT_HELP:
            return CLI_OPT_HELP;
        case OPT_FROM:
            if (!cli_long_arg("trend", "--from", optarg, 2000, 2100, &a->from))
                return PREV_EX_USAGE;
            have_from = true;
            break;
        case OPT_TO:
            if (!cli_long_arg("trend", "--to", optarg, 2000, 2100, &a->to))
                return PREV_EX_USAGE;
            have_to = true;
            break;
        case OPT_MEASURE:
            if (!an_measure_parse(optarg, &a->measure))
                return cli_usage_error("trend", "--measure expects confirmed, any or "
                                       "officer_any, not '%s'", optarg);
            break;
        case OPT_METHOD:
            if (!an_design_method_parse(optarg, &a->method))
                return cli_usage_error("trend", "--method expects korn-graubard, wilson, "
                                       "logit or wald, not '%s'", optarg);
            break;
        case OPT_LEVEL:
            if (!cli_level_arg("trend", optarg, &a->level))
                return PREV_EX_USAGE;
            break;
        case OPT_DEFF_CAP:
            if (!an_deff_cap_parse(optarg, &a->deff_cap))
                return cli_usage_error("trend", "--deff-cap expects by-measure, after-fpc "
                                       "or before-fpc, not '%s'", optarg);
            break;
        case OPT_LONELY:
            if (!an_lonely_psu_parse(optarg, &a->lonely))
                return cli_usage_error("trend", "--lonely-psu expects adjust, certainty or "
                                       "fail, not '%s'", optarg);
            break;
        case OPT_COUNTY:
            a->county = strcmp(optarg, "all") == 0 ? NULL : optarg;
            break;
        case OPT_ADJUST:
            if (!an_trend_adjust_parse(optarg, &a->adjust))
                return cli_usage_error("trend", "--adjust expects none or holm, not '%s'",
                                       optarg);
            break;
        case OPT_ROWS:
            if (!rep_trend_rows_parse(optarg, &a->rows))
                return cli_usage_error("trend", "--rows expects all, years, changes or "
                                       "slopes, not '%s'", optarg);
            a->rows_given = true;
            break;
        case OPT_FORMAT:
            if (!rep_format_parse(optarg, &a->format))
                return cli_usage_error("trend", "--format expects table, csv, json or md, "
                                       "not '%s'", optarg);
            break;
        case OPT_BY:
            if (strcmp(optarg, "role") != 0)
                return cli_usage_error("trend", "--by expects role, not '%s'", optarg);
            a->by_role = true;
            break;
        case OPT_WEIGHTS:
            if (!an_weights_parse(optarg, &a->weights))
                return cli_usage_error("trend", "--weights expects design or calibrated, "
                                       "not '%s'", optarg);
            break;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("trend", "unexpected argument '%s'", argv[optind]);
    if (a->weights == AN_WEIGHTS_CALIBRATED && a->measure == AN_MEASURE_OFFICER_ANY)
        return cli_usage_error("trend", "--weights calibrated applies to the youth measures: "
                               "use --measure confirmed or any (officer_any is a share of "
                               "officers, whose design weights already add up to each "
                               "county's officers_total)");
    if (!have_from || !have_to)
        return cli_usage_error("trend", "missing %s", have_from ? "--to" : "--from");
    if (a->from >= a->to)
        return cli_usage_error("trend", "--to (%ld) must be a later year than --from (%ld)",
                               a->to, a->from);
    /* A CSV file has one header: one kind of row per run. */
    if (a->format == REP_FORMAT_CSV && !a->rows_given)
        a->rows = REP_TREND_ROWS_CHANGES;
    if (a->format == REP_FORMAT_CSV && a->rows == REP_TREND_ROWS_ALL)
        return cli_usage_error("trend", "csv holds one kind of row: use --rows years, "
                               "changes or slopes (or --format json for all)");
    return 0;
}

/* With --weights calibrated, a note that says so (under the table, in
 * JSON, on stderr for CSV), as `estimate` gives. */
static void note_weights(const struct trend_args *a, struct an_trend_years *y)
{
    if (a->weights != AN_WEIGHTS_CALIBRATED || y->nnotes >= AN_MAX_NOTES)
        return;
    snprintf(y->notes[y->nnotes++], sizeof y->notes[0],
             "weights calibrated to the frame's youth_total in each county: county rows as "
             "with design weights, Arizona's weights each county by its youth");
}

/* The fips of the series --county names (a county name in any case, a fips
 * code, or Arizona), or NULL if none does. */
static const char *find_series(const struct an_trend_result *res, const char *key)
{
    for (size_t i = 0; i < res->nseries; i++)
        if (strcasecmp(res->series[i].county, key) == 0 || strcmp(res->series[i].fips, key) == 0)
            return res->series[i].fips;
    return NULL;
}

/* --by role: one trend per role of the codebook that has respondents in
 * two or more of the years. */
static int by_role(PGconn *conn, const struct trend_args *a, struct prev_error *err)
{
    static const char *const roles[] = {"probation_officer", "supervisor", "other"};
    struct an_trend_years years[3];
    struct an_trend_result res[3];
    struct rep_trend_meta meta[3];
    size_t n = 0;
    int rc = 0;

    memset(years, 0, sizeof years);
    memset(res, 0, sizeof res);
    if ((rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)) != 0)
        return rc;
    for (size_t r = 0; r < 3; r++) {
        struct an_estimate_options opt = {
            .measure = a->measure, .method = a->method, .level = a->level,
            .deff_cap = a->deff_cap, .lonely = a->lonely, .weights = a->weights,
        };
        if ((rc = an_trend_query_role(conn, (int)a->from, (int)a->to, &opt, roles[r], &years[n],
                                      err)) != 0)
            goto done;
        if (years[n].nyears < 2) {
            if (!cli_globals.quiet)
                fprintf(stderr, "prevalence trend: note: role %s has respondents in %zu of the "
                        "survey years %ld-%ld: no trend for it\n", roles[r], years[n].nyears,
                        a->from, a->to);
            an_trend_years_free(&years[n]);
            continue;
        }
        if (an_trend_build(years[n].rows, years[n].nrows, a->level, a->adjust, &res[n]) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "cannot compute the changes (out of "
                           "memory or an estimate outside its range)");
            an_trend_years_free(&years[n]);
            goto done;
        }
        memset(&meta[n], 0, sizeof meta[n]);
        meta[n].measure = a->measure;
        meta[n].method = a->method;
        meta[n].level = a->level;
        meta[n].from_year = (int)a->from;
        meta[n].to_year = (int)a->to;
        meta[n].adjust = a->adjust;
        meta[n].rows = a->rows;
        meta[n].nskipped = years[n].nskipped;
        meta[n].skipped = years[n].skipped;
        note_weights(a, &years[n]);
        meta[n].nnotes = years[n].nnotes;
        meta[n].notes = (const char (*)[200])years[n].notes;
        meta[n].role = roles[r];
        if (a->county != NULL && strcmp(a->county, "all") != 0
            && (meta[n].fips = find_series(&res[n], a->county)) == NULL) {
            rc = prev_fail(err, PREV_EX_USAGE, "", "--county expects a county name, a fips "
                           "code, Arizona or all, not '%s'", a->county);
            n++;
            goto done;
        }
        n++;
    }
    if ((rc = db_exec(conn, "COMMIT", err)) != 0)
        goto done;
    if (n == 0) {
        rc = prev_fail(err, PREV_EX_DATA, "", "no role has respondents in two or more survey "
                       "years between %ld and %ld", a->from, a->to);
        goto done;
    }
    rc = rep_trend_write_by_role(stdout, a->format, meta, res, n, err);
done:
    for (size_t k = 0; k < 3; k++) {
        an_trend_result_free(&res[k]);
        an_trend_years_free(&years[k]);
    }
    return rc;
}

int cmd_trend(int argc, char **argv)
{
    struct trend_args a;
    struct prev_error err;
    struct an_trend_years years;
    struct an_trend_result res;
    struct rep_trend_meta meta;
    PGconn *conn = NULL;
    bool printed = false;   /* a usage error is printed where it is found */
    int rc;

    prev_error_clear(&err);
    memset(&years, 0, sizeof years);
    memset(&res, 0, sizeof res);
    if ((rc = parse_args(argc, argv, &a)) != 0)
        return rc == CLI_OPT_HELP ? 0 : rc;
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0)
        goto done;
    if (a.by_role) {
        rc = by_role(conn, &a, &err);
        goto done;
    }
    {
        struct an_estimate_options opt = {
            .measure = a.measure,
            .method = a.method,
            .level = a.level,
            .deff_cap = a.deff_cap,
            .lonely = a.lonely,
            .weights = a.weights,
        };
        /* One snapshot for every year's query: a load running meanwhile
         * cannot give two years from two states of the data. */
        if ((rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &err)) != 0)
            goto done;
        rc = an_trend_query(conn, (int)a.from, (int)a.to, &opt, &years, &err);
        if (rc == 0)
            rc = db_exec(conn, "COMMIT", &err);
        if (rc != 0)
            goto done;   /* PQfinish ends the transaction */
    }
    if (years.nyears < 2) {
        rc = prev_fail(&err, PREV_EX_DATA, "", "a trend needs active responses for two or "
                       "more survey years between %ld and %ld; found %zu (load them first: "
                       "'prevalence load')", a.from, a.to, years.nyears);
        goto done;
    }
    if (an_trend_build(years.rows, years.nrows, a.level, a.adjust, &res) != 0) {
        rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "cannot compute the changes (out of "
                       "memory or an estimate outside its range)");
        goto done;
    }

    memset(&meta, 0, sizeof meta);
    meta.measure = a.measure;
    meta.method = a.method;
    meta.level = a.level;
    meta.from_year = (int)a.from;
    meta.to_year = (int)a.to;
    meta.adjust = a.adjust;
    meta.rows = a.rows;
    meta.nskipped = years.nskipped;
    meta.skipped = years.skipped;
    note_weights(&a, &years);
    meta.nnotes = years.nnotes;
    meta.notes = (const char (*)[200])years.notes;
    if (a.county != NULL && (meta.fips = find_series(&res, a.county)) == NULL) {
        rc = cli_usage_error("trend", "--county expects a county name, a fips code, Arizona "
                             "or all, not '%s'", a.county);
        printed = true;
        goto done;
    }

    /* Caveats go to stderr too, so that a CSV read by a program still
     * leaves a trace for the person who ran it; the missing frame changes
     * the numbers and is never silenced. */
    for (size_t i = 0; i < years.nskipped && !cli_globals.quiet; i++)
        fprintf(stderr, "prevalence trend: note: no responses for survey year %d: left out\n",
                years.skipped[i]);
    /* The table and Markdown carry the notes under the rows: once is enough. */
    for (size_t i = 0; i < years.nnotes; i++)
        if (a.format != REP_FORMAT_TABLE && a.format != REP_FORMAT_MD
            && (!cli_globals.quiet || strncmp(years.notes[i], "no frame", 8) == 0))
            fprintf(stderr, "prevalence trend: note: %s\n", years.notes[i]);
    rc = rep_trend_write(stdout, a.format, &meta, &res, &err);
done:
    if (rc != 0 && !printed)
        rc = cli_report(&err);
    an_trend_result_free(&res);
    an_trend_years_free(&years);
    PQfinish(conn);
    return rc;
}
