/* prevalence survey: the anonymous officer questionnaire's window, access
 * codes and closing (docs/commands/survey.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "cli.h"
#include "collector.h"
#include "csv_out.h"
#include "db.h"

const char cmd_survey_help[] =
    "usage: prevalence survey open --year Y [--closes YYYY-MM-DD]\n"
    "       prevalence survey codes --year Y --county COUNTY --count N --out FILE.csv\n"
    "                               [--url URL]\n"
    "       prevalence survey status --year Y\n"
    "       prevalence survey revoke CODE\n"
    "       prevalence survey close --year Y\n"
    "\n"
    "The anonymous officer questionnaire of 'prevalence serve' (its page /r).\n"
    "'open' lets officers answer for survey year Y (until 'close', or the end of\n"
    "--closes); opening a closed year again reopens it and is written to the audit\n"
    "log. 'codes' makes N single-use access codes for a county (12 symbols from a\n"
    "cryptographic generator, without look-alike characters, printed as\n"
    "7KQ4-MX2P-9TRA) and writes them to FILE.csv with the county, the year and the\n"
    "questionnaire's address: hand one to each officer, on paper or by e-mail. The\n"
    "database keeps only a keyed hash of each code: nothing links a code to a\n"
    "person. 'status' shows per county the codes issued, used and revoked, the\n"
    "answers, and the response rate against the frame. 'revoke' retires an unused\n"
    "code. 'close' ends the year's questionnaire and loads each county's answers as\n"
    "one responses batch (file name questionnaire-COUNTY-Y.csv), with every rule of\n"
    "'load'; only then do estimates see them.\n"
    "\n"
    "  --year Y            the survey year\n"
    "  --closes DATE       last day officers can answer (YYYY-MM-DD)\n"
    "  --county COUNTY     the county of the codes (name or FIPS code)\n"
    "  --count N           how many codes (1 to 10000)\n"
    "  --out FILE.csv      where the codes are written (mode 0600)\n"
    "  --url URL           the questionnaire's address printed with each code\n"
    "                      (default https://localhost:8443/r)\n"
    "\n"
    "Exit codes: 0 ok, 64 usage, 65 not possible (year not open, county already\n"
    "loaded from a file, unknown or used code, an answer refused by the codebook),\n"
    "69 database unavailable, 73 cannot write FILE.csv, 77 not permitted.\n";

enum { OPT_YEAR = 1, OPT_CLOSES, OPT_COUNTY, OPT_COUNT, OPT_OUT, OPT_URL };

/* An active responses batch of the county-year that did not come from the
 * questionnaire: answers and a file would count the same officers. */
static int file_batch(PGconn *conn, int year, const char *fips, char *name, size_t size,
                      long long *batch, struct prev_error *err)
{
    char y[16];
    const char *v[2] = {y, fips};
    PGresult *res;
    int rc = 0;

    snprintf(y, sizeof y, "%d", year);
    res = PQexecParams(conn, "SELECT b.batch_id, b.file_name FROM batch_scope s "
                             "JOIN batches b USING (batch_id) WHERE s.survey_year = $1 "
                             "AND s.fips = $2 AND b.kind = 'responses' AND NOT b.superseded "
                             "AND b.file_name NOT LIKE 'questionnaire-%' LIMIT 1",
                       2, NULL, v, NULL, NULL, 0);
    *batch = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "loaded batches");
    else if (PQntuples(res) == 1) {
        *batch = atoll(PQgetvalue(res, 0, 0));
        snprintf(name, size, "%s", PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return rc;
}

static int codes(PGconn *conn, int year, int k, long count, const char *out, const char *url,
                 struct prev_error *err)
{
    char (*list)[DB_SURVEY_CODE_SHOWN + 1] = calloc((size_t)count, sizeof *list);
    enum db_survey_window state;
    struct prev_atomic_file af;
    char name[300];
    long long batch;
    int rc;

    if (list == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    if ((rc = db_survey_state(conn, year, &state, err)) != 0)
        goto done;
    if (state != DB_SURVEY_OPEN) {
        rc = prev_fail(err, PREV_EX_DATA, "", "the questionnaire of %d is %s: 'prevalence "
                       "survey open --year %d' first", year,
                       state == DB_SURVEY_CLOSED ? "closed" : "not open", year);
        goto done;
    }
    if ((rc = file_batch(conn, year, col_counties[k].fips, name, sizeof name, &batch, err)) != 0)
        goto done;
    if (batch != 0) {
        rc = prev_fail(err, PREV_EX_DATA, "", "%s %d is already loaded from a file (batch "
                       "%lld, %s): its officers would be counted twice; retire that batch or "
                       "collect this county by file", col_counties[k].name, year, batch, name);
        goto done;
    }
    {
        /* more codes than the county has officers: a mistyped count, or
         * codes handed to people outside the survey */
        char y[16];
        const char *v[2] = {y, col_counties[k].fips};
        PGresult *res;
        snprintf(y, sizeof y, "%d", year);
        res = PQexecParams(conn, "SELECT f.officers_total, (SELECT count(*) FROM survey_codes s "
                                 "WHERE s.survey_year = $1 AND s.fips = $2 "
                                 "AND s.state <> 'revoked') FROM frames f "
                                 "WHERE f.survey_year = $1 AND f.fips = $2 AND f.active",
                           2, NULL, v, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = db_fail(err, PREV_EX_UNAVAILABLE, conn, res, "frame");
            PQclear(res);
            goto done;
        }
        if (PQntuples(res) == 1
            && atol(PQgetvalue(res, 0, 1)) + count > atol(PQgetvalue(res, 0, 0))) {
            rc = prev_fail(err, PREV_EX_DATA, "", "%s has %s officers in the %d frame and %s "
                           "codes already: %ld more would be more codes than officers (one "
                           "code per officer; revoke lost codes first)", col_counties[k].name,
                           PQgetvalue(res, 0, 0), year, PQgetvalue(res, 0, 1), count);
            PQclear(res);
            goto done;
        }
        PQclear(res);
    }
    if ((rc = prev_output_check(out, NULL, 0, err)) != 0
        || (rc = prev_atomic_open(&af, out, err)) != 0)
        goto done;
    if ((rc = db_survey_codes(conn, year, col_counties[k].fips, (size_t)count, list, err)) != 0) {
        prev_atomic_abort(&af);
        goto done;
    }
    fputs("code,county,survey_year,address\n", af.fp);
    for (long i = 0; i < count; i++) {
        fprintf(af.fp, "%s,", list[i]);
        prev_csv_field(af.fp, col_counties[k].name);
        fprintf(af.fp, ",%d,", year);
        prev_csv_field(af.fp, url);
        fputc('\n', af.fp);
    }
    if ((rc = prev_atomic_commit(&af, err)) != 0) {
        fprintf(stderr, "prevalence survey: the %ld codes were stored but could not be "
                "written; revoke none, make new ones into another file\n", count);
        goto done;
    }
    if (!cli_globals.quiet)
        fprintf(stderr, "prevalence survey: %ld codes for %s %d written to %s (they are "
                "not kept anywhere else)\n", count, col_counties[k].name, year, out);
done:
    if (list != NULL)
        memset(list, 0, (size_t)count * sizeof *list);
    free(list);
    return rc;
}

static int status(PGconn *conn, int year, struct prev_error *err)
{
    enum db_survey_window state;
    PGresult *res = NULL;
    int rc;

    if ((rc = db_survey_state(conn, year, &state, err)) != 0
        || (rc = db_survey_status(conn, year, &res, err)) != 0)
        return rc;
    printf("survey %d: %s\n", year, state == DB_SURVEY_OPEN ? "open"
                                     : state == DB_SURVEY_CLOSED ? "closed" : "not opened");
    printf("%-12s %7s %6s %8s %8s %9s %9s\n", "county", "issued", "used", "revoked",
           "answers", "officers", "response");
    for (int i = 0; i < PQntuples(res); i++) {
        char rate[16] = "-";
        long answers = atol(PQgetvalue(res, i, 5));
        if (!PQgetisnull(res, i, 6) && atol(PQgetvalue(res, i, 6)) > 0)
            snprintf(rate, sizeof rate, "%.0f%%",
                     100.0 * (double)answers / (double)atol(PQgetvalue(res, i, 6)));
        printf("%-12s %7s %6s %8s %8s %9s %9s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 2),
               PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
               PQgetisnull(res, i, 6) ? "-" : PQgetvalue(res, i, 6), rate);
    }
    PQclear(res);
    return 0;
}

/* One county's answers as a codebook CSV in dir; the file's name is what
 * the batch records. */
static int write_county_csv(const char *dir, int year, int k, PGresult *ans, int from, int to,
                            char *path, size_t size, struct prev_error *err)
{
    char slug[40];
    FILE *fp;
    size_t o = 0;

    for (const char *p = col_counties[k].name; *p != '\0' && o + 1 < sizeof slug; p++)
        slug[o++] = *p == ' ' ? '-' : (char)(*p | 0x20);
    slug[o] = '\0';
    snprintf(path, size, "%s/questionnaire-%s-%d.csv", dir, slug, year);
    if ((fp = fopen(path, "w")) == NULL)
        return prev_fail(err, PREV_EX_CANTCREAT, path, "cannot create: %s", strerror(errno));
    fputs("survey_year,county,respondent_id,role,caseload,confirmed,suspected\n", fp);
    for (int i = from; i < to; i++)
        fprintf(fp, "%d,%s,%s,%s,%s,%s,%s\n", year, col_counties[k].name,
                PQgetvalue(ans, i, 1), PQgetvalue(ans, i, 2), PQgetvalue(ans, i, 3),
                PQgetvalue(ans, i, 4), PQgetvalue(ans, i, 5));
    if (fclose(fp) != 0)
        return prev_fail(err, PREV_EX_IOERR, path, "cannot write: %s", strerror(errno));
    return 0;
}

static int close_year(PGconn *conn, int year, struct prev_error *err)
{
    enum db_survey_window state;
    PGresult *ans = NULL;
    char dir[200], path[300];
    int rc, loaded = 0, failed = 0;

    if ((rc = db_survey_state(conn, year, &state, err)) != 0)
        return rc;
    if (state == DB_SURVEY_NOT_OPENED)
        return prev_fail(err, PREV_EX_DATA, "", "the questionnaire of %d was never opened",
                         year);
    if ((rc = db_survey_answers(conn, year, &ans, err)) != 0)
        return rc;
    {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/prevalence-survey.XXXXXX",
                 tmp != NULL && tmp[0] == '/' && strlen(tmp) < 150 ? tmp : "/tmp");
    }
    if (mkdtemp(dir) == NULL) {
        PQclear(ans);
        return prev_fail(err, PREV_EX_CANTCREAT, dir, "cannot create: %s", strerror(errno));
    }
    for (int i = 0; i < PQntuples(ans) && rc == 0;) {
        int j = i, k = col_county_by_fips(PQgetvalue(ans, i, 0));
        char name[300];
        long long batch;
        while (j < PQntuples(ans) && strcmp(PQgetvalue(ans, j, 0), PQgetvalue(ans, i, 0)) == 0)
            j++;
        if (k < 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "", "an answer of an unknown county");
            break;
        }
        if ((rc = file_batch(conn, year, col_counties[k].fips, name, sizeof name, &batch,
                             err)) != 0)
            break;
        if (batch != 0) {
            fprintf(stderr, "prevalence survey: %s %d: not loaded: the county is already "
                    "loaded from a file (batch %lld, %s); its %d answers stay in the "
                    "questionnaire\n", col_counties[k].name, year, batch, name, j - i);
            failed++;
            i = j;
            continue;
        }
        if ((rc = write_county_csv(dir, year, k, ans, i, j, path, sizeof path, err)) == 0) {
            struct col_options o;
            struct col_result res;
            memset(&o, 0, sizeof o);
            o.kind = COL_KIND_RESPONSES;
            o.load = true;
            o.replace = true;      /* a reopened year's earlier questionnaire batch */
            o.diag = stderr;
            o.file_number = (size_t)(loaded + failed + 1);
            rc = col_process_file(conn, &o, path, &res, err);
            if (rc == 0 && !res.valid) {
                fprintf(stderr, "prevalence survey: %s %d: the answers were refused (above); "
                        "nothing of that county was loaded\n", col_counties[k].name, year);
                failed++;
            } else if (rc == 0) {
                loaded++;
                if (!cli_globals.quiet)
                    fprintf(stderr, "prevalence survey: %s %d: %d answers %s batch %lld\n",
                            col_counties[k].name, year, j - i,
                            res.already_loaded ? "already loaded as" : "loaded as",
                            (long long)res.batch_id);
            }
            unlink(path);
        }
        i = j;
    }
    rmdir(dir);
    PQclear(ans);
    if (rc != 0)
        return rc;
    if (failed > 0)
        return prev_fail(err, PREV_EX_DATA, "", "%d counties could not be loaded; the "
                         "questionnaire of %d stays open", failed, year);
    if ((rc = db_survey_mark_closed(conn, year, err)) != 0)
        return rc;
    if (!cli_globals.quiet)
        fprintf(stderr, "prevalence survey: %d closed; %d counties loaded\n", year, loaded);
    return 0;
}

int cmd_survey(int argc, char **argv)
{
    static const struct cli_command self = {"survey", "", NULL, cmd_survey_help};
    static const struct option opts[] = {
        {"year", required_argument, NULL, OPT_YEAR},
        {"closes", required_argument, NULL, OPT_CLOSES},
        {"county", required_argument, NULL, OPT_COUNTY},
        {"count", required_argument, NULL, OPT_COUNT},
        {"out", required_argument, NULL, OPT_OUT},
        {"url", required_argument, NULL, OPT_URL},
        {NULL, 0, NULL, 0},
    };
    const char *closes = NULL, *county = NULL, *out = NULL, *url = "https://localhost:8443/r";
    const char *action, *code = NULL;
    long year = 0, count = 0;
    struct prev_error err;
    PGconn *conn = NULL;
    int c, k = -1, rc = 0;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", opts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_YEAR:
            if (!cli_long_arg("survey", "--year", optarg, COL_YEAR_MIN, COL_YEAR_MAX, &year))
                return PREV_EX_USAGE;
            break;
        case OPT_CLOSES: {
            int y, m, d;
            char extra;
            if (sscanf(optarg, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12
                || d < 1 || d > 31 || strlen(optarg) != 10)
                return cli_usage_error("survey", "--closes expects a date as YYYY-MM-DD, "
                                       "e.g. 2026-03-31");
            closes = optarg;
            break;
        }
        case OPT_COUNTY:
            county = optarg;
            break;
        case OPT_COUNT:
            if (!cli_long_arg("survey", "--count", optarg, 1, 10000, &count))
                return PREV_EX_USAGE;
            break;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_URL:
            url = optarg;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind >= argc)
        return cli_usage_error("survey", "missing the action: open, codes, status, revoke or "
                               "close");
    action = argv[optind++];
    if (strcmp(action, "revoke") == 0) {
        if (optind >= argc)
            return cli_usage_error("survey", "revoke needs the CODE");
        code = argv[optind++];
    }
    if (optind < argc)
        return cli_usage_error("survey", "unexpected argument '%s'", argv[optind]);
    if (strcmp(action, "open") != 0 && strcmp(action, "codes") != 0
        && strcmp(action, "status") != 0 && strcmp(action, "revoke") != 0
        && strcmp(action, "close") != 0)
        return cli_usage_error("survey", "unknown action '%s'; use open, codes, status, "
                               "revoke or close", action);
    if (strcmp(action, "revoke") != 0 && year == 0)
        return cli_usage_error("survey", "%s needs --year", action);
    if (closes != NULL && strcmp(action, "open") != 0)
        return cli_usage_error("survey", "--closes goes with open");
    if (strcmp(action, "codes") == 0) {
        if (county == NULL || count == 0 || out == NULL)
            return cli_usage_error("survey", "codes needs --county, --count and --out");
        if ((k = col_county_find(county)) < 0)
            return cli_usage_error("survey", "--county: '%s' is not an Arizona county", county);
    } else if (county != NULL || count != 0 || out != NULL) {
        return cli_usage_error("survey", "--county, --count and --out go with codes");
    }
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0)
        goto done;
    if (strcmp(action, "open") == 0) {
        bool reopened = false;
        if ((rc = db_survey_open(conn, (int)year, closes, &reopened, &err)) == 0) {
            struct db_audit_entry e = {"cli:", "", reopened ? "survey_reopen" : "survey_open",
                                       (int)year, "", 0, "ok"};
            rc = db_audit(conn, &e, &err);
            if (rc == 0 && !cli_globals.quiet)
                fprintf(stderr, "prevalence survey: %d %s for answers%s%s\n", (int)year,
                        reopened ? "reopened" : "open", closes != NULL ? " until " : "",
                        closes != NULL ? closes : "");
        }
    } else if (strcmp(action, "codes") == 0) {
        if ((rc = codes(conn, (int)year, k, count, out, url, &err)) == 0) {
            char n[32];
            struct db_audit_entry e = {"cli:", "", "survey_codes", (int)year,
                                       col_counties[k].fips, 0, n};
            snprintf(n, sizeof n, "%ld codes", count);
            rc = db_audit(conn, &e, &err);
        }
    } else if (strcmp(action, "status") == 0) {
        rc = status(conn, (int)year, &err);
    } else if (strcmp(action, "revoke") == 0) {
        bool revoked = false;
        if ((rc = db_survey_revoke(conn, code, &revoked, &err)) == 0 && !revoked)
            rc = prev_fail(&err, PREV_EX_DATA, "", "no unused code matches: it is mistyped, "
                           "already used (an answer cannot be withdrawn by its code) or "
                           "already revoked");
        else if (rc == 0) {
            struct db_audit_entry e = {"cli:", "", "survey_revoke", 0, "", 0, "ok"};
            rc = db_audit(conn, &e, &err);
            if (rc == 0 && !cli_globals.quiet)
                fprintf(stderr, "prevalence survey: the code is revoked\n");
        }
    } else {
        rc = close_year(conn, (int)year, &err);
        if (rc == 0) {
            struct db_audit_entry e = {"cli:", "", "survey_close", (int)year, "", 0, "ok"};
            rc = db_audit(conn, &e, &err);
        }
    }
done:
    PQfinish(conn);
    return rc != 0 ? cli_report(&err) : 0;
}
