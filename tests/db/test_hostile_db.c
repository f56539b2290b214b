/* Hostile values through every option and field that reaches the
 * database: file names (provenance), --year, county names, respondent
 * codes (rejected and accepted), --db conninfo, --covariates, output
 * paths. Every statement of the tool takes values as parameters or COPY
 * data (docs/security.md, "SQL"); here the binary proves it against a
 * real PostgreSQL: no SQL error other than a validation message, the
 * database unchanged where the input is refused, and stored text equal
 * to what was given. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_harness.h"
#include "sec_util.h"

static char conninfo[2048];
static PGconn *db;
static char dir[1024];
static int test_no;
static struct sec_run run;

static const char *const counties[] = {
    "apache", "cochise", "coconino", "gila", "graham", "greenlee", "la-paz", "maricopa",
    "mohave", "navajo", "pima", "pinal", "santa-cruz", "yavapai", "yuma",
};
#define NCOUNTIES (sizeof counties / sizeof counties[0])

static int setup(void **state)
{
    (void)state;
    if ((db = pg_harness_fresh_db(conninfo, sizeof conninfo)) == NULL)
        return -1;
    snprintf(dir, sizeof dir, "%s/hostile%d", pg_harness_tmpdir(), ++test_no);
    return mkdir(dir, 0755);
}

static int teardown(void **state)
{
    (void)state;
    PQfinish(db);
    db = NULL;
    return 0;
}

static void run_db(const char *const *args)
{
    const char *argv[40];
    int n = 0;

    argv[n++] = "--db";
    argv[n++] = conninfo;
    for (; *args != NULL && n < 39; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    sec_run(&run, dir, argv);
}
#define RUN(...) run_db(SEC_ARGS(__VA_ARGS__))

/* Refused or accepted, a hostile value never becomes SQL: no SQLSTATE and
 * no syntax error ever reaches the user, and the tool did not crash. */
static void expect_no_sql_error(const char *what)
{
    if (strstr(run.err, "SQLSTATE") != NULL || strstr(run.err, "syntax error") != NULL
        || run.status >= 128)
        fail_msg("%s: exit %d with a database error or a crash:\n%s", what, run.status,
                 run.err);
}

static void expect_exit(int want, const char *what)
{
    expect_no_sql_error(what);
    if (run.status != want)
        fail_msg("%s: exit %d, want %d:\n%s", what, run.status, want, run.err);
}

/* Copy src to dir/name (name may hold any byte but '/' and NUL). */
static const char *copy_as(const char *src, const char *name)
{
    static char path[4][2400];
    static int which;
    char *p = path[which++ % 4], buf[8192];
    int in, out;
    ssize_t n;

    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    assert_true((in = open(src, O_RDONLY)) >= 0);
    if ((out = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
        fail_msg("cannot create %s: %s", p, strerror(errno));
    while ((n = read(in, buf, sizeof buf)) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    close(in);
    assert_int_equal(close(out), 0);
    return p;
}

static const char *write_text(const char *name, const char *text)
{
    static char path[2][2400];
    static int which;
    char *p = path[which++ % 2];
    FILE *fp;

    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    assert_non_null(fp = fopen(p, "wb"));
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
    return p;
}

/* The one value `sql` selects with $1 = param, read as a parameter too. */
static const char *value_where(const char *sql, const char *param)
{
    static char buf[2048];
    const char *params[1] = {param};
    PGresult *res = PQexecParams(db, sql, 1, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        PQclear(res);
        return NULL;
    }
    snprintf(buf, sizeof buf, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return buf;
}

static void load_sample_2025(void)
{
    for (size_t i = 0; i < NCOUNTIES; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "2025/responses-%s.csv", counties[i]);
        RUN("--quiet", "load", "responses", sec_sample_path(rel));
        expect_exit(0, rel);
    }
    RUN("--quiet", "load", "frame", sec_sample_path("2025/frame.csv"));
    expect_exit(0, "frame");
}

static void test_hostile_file_names_are_stored_as_given(void **state)
{
    char long_name[256];
    struct {
        const char *name;
        const char *stored;   /* NULL: the name itself */
    } cases[] = {
        /* lower case and no spaces: "DROP TABLE" reads as a name to the
         * file-name firewall (two capitalised words) and is refused */
        {"x';drop_table_responses;--.csv", NULL},
        {"robert');delete_from_batches;--.csv", NULL},
        {"back\\slash\\'\\n.csv", NULL},
        {"semi;colon;--.csv", NULL},
        {"$1 $$ E'\\x00' $tag$.csv", NULL},
        {"quote\"double\".csv", NULL},
        {"%s%n%x%99999d.csv", NULL},
        {"A\xc3\xb1o-\xe6\x97\xa5\xe6\x9c\xac-\xf0\x9f\x98\x80.csv", NULL},
        {"ctl\x01\x02\x7f.csv", "ctl???.csv"},
        {"tab\tnew\nline\r.csv", "tab?new?line?.csv"},
        {"latin1-\xe9t\xe9.csv", "latin1-?t?.csv"},
        {long_name, NULL},
    };
    size_t n = sizeof cases / sizeof cases[0];

    (void)state;
    memset(long_name, 'L', 250);
    memcpy(long_name + 250, ".csv", 5);
    assert_true(n <= NCOUNTIES);
    for (size_t i = 0; i < n; i++) {
        char rel[64];
        const char *want = cases[i].stored != NULL ? cases[i].stored : cases[i].name;
        const char *got;
        snprintf(rel, sizeof rel, "2025/responses-%s.csv", counties[i]);
        RUN("--quiet", "load", "responses", copy_as(sec_sample_path(rel), cases[i].name));
        expect_exit(0, cases[i].name);
        got = value_where("SELECT file_name FROM batches WHERE file_name = $1", want);
        if (got == NULL)
            fail_msg("file name not stored as '%s'", want);
    }
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches"), (long)n);
    assert_int_equal(sec_long(db, "SELECT count(DISTINCT fips) FROM responses"), (long)n);
    /* Shown again by `batches` without harm. */
    RUN("batches", "--format", "json");
    expect_exit(0, "batches");
    assert_non_null(strstr(run.out, "drop_table_responses"));
}

static void test_hostile_year_is_a_usage_error(void **state)
{
    static const char *const years[] = {
        "2025; DROP TABLE responses", "'", "2025'", "2025--", "2025 OR 1=1", "1e3", "0x7e9",
        "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95", "-1", "", "2025\n",
        "99999999999999999999999999", "2025\\", "2025\x01",
    };
    static const char *const commands[][2] = {
        {"estimate", NULL}, {"report", "--out"}, {"export", "--out"}, {"publish", NULL},
        {"status", NULL}, {"batches", NULL},
    };
    char before[2048], out_dir[1200];

    (void)state;
    load_sample_2025();
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    snprintf(out_dir, sizeof out_dir, "%s/out", dir);
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
            if (commands[c][1] != NULL)
                RUN(commands[c][0], "--year", years[y], commands[c][1], out_dir);
            else
                RUN(commands[c][0], "--year", years[y]);
            expect_exit(64, commands[c][0]);
            sec_expect_err(&run, "--year");
        }
    /* trend: both years and the county name */
    for (size_t y = 0; y < sizeof years / sizeof years[0]; y++) {
        RUN("trend", "--from", years[y], "--to", "2025");
        expect_exit(64, "trend --from");
        RUN("trend", "--from", "2024", "--to", years[y]);
        expect_exit(64, "trend --to");
    }
    RUN("trend", "--from", "2024", "--to", "2025", "--county",
        "Pima'; DROP TABLE responses; --");
    expect_no_sql_error("trend --county");
    if (run.status != 64 && run.status != 65)
        fail_msg("trend --county: exit %d:\n%s", run.status, run.err);
    assert_string_equal(sec_db_fingerprint(db), before);
    assert_int_equal(access(out_dir, F_OK), -1);
}

/* One bad value per file, in the column named; each file is refused as
 * data (65) and nothing of it reaches the database. */
static void test_hostile_field_values_are_refused(void **state)
{
    char huge[5000];
    struct {
        const char *column;   /* county, respondent_id, role, caseload */
        const char *value;    /* as written in the CSV (already quoted) */
    } cases[] = {
        {"county", "Pima'; DROP TABLE responses; --"},
        {"county", "\"Pima\"\"; DELETE FROM batches; --\""},
        {"county", "Pima\\"},
        {"county", "P\xc3\xadma"},
        {"county", "Pima\x01"},
        {"county", "\"Pi\nma\""},
        {"county", "Pi\xffma"},
        {"county", huge},
        {"respondent_id", "X'); DROP TABLE batches;--"},
        {"respondent_id", "a;b"},
        {"respondent_id", "a\\b"},
        {"respondent_id", "a'b"},
        {"respondent_id", "\"a,b\""},
        {"respondent_id", "\xc3\xbcn\xc3\xaf"},
        {"respondent_id", "a b"},
        {"respondent_id", "a\tb"},
        {"respondent_id", "a\x01" "b"},
        {"respondent_id", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        {"role", "probation_officer'; --"},
        {"caseload", "10; DROP TABLE responses"},
        {"caseload", "1e1"},
        {"caseload", "0x10"},
    };
    char before[2048];

    (void)state;
    memset(huge, 'M', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    load_sample_2025();
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *county = "Pima", *id = "HOSTILE-1", *role = "probation_officer",
                   *caseload = "10";
        char text[8192], name[32];
        int len;
        if (strcmp(cases[i].column, "county") == 0)
            county = cases[i].value;
        else if (strcmp(cases[i].column, "respondent_id") == 0)
            id = cases[i].value;
        else if (strcmp(cases[i].column, "role") == 0)
            role = cases[i].value;
        else
            caseload = cases[i].value;
        len = snprintf(text, sizeof text,
                       "survey_year,county,respondent_id,role,caseload,confirmed,suspected\n"
                       "2024,Pima,HOSTILE-OK,probation_officer,12,1,0\n"
                       "2024,%s,%s,%s,%s,0,0\n", county, id, role, caseload);
        assert_true(len > 0 && (size_t)len < sizeof text);
        snprintf(name, sizeof name, "bad-%zu.csv", i);
        RUN("load", "responses", write_text(name, text));
        expect_exit(65, cases[i].value);
        assert_string_equal(sec_db_fingerprint(db), before);
    }
    /* A NUL byte inside a quoted code: the bytes, not a C string. */
    {
        char path[2400];
        FILE *fp;
        snprintf(path, sizeof path, "%s/nul.csv", dir);
        assert_non_null(fp = fopen(path, "wb"));
        fputs("survey_year,county,respondent_id,role,caseload,confirmed,suspected\n"
              "2024,Pima,\"a", fp);
        fputc('\0', fp);
        fputs("b\",probation_officer,10,0,0\n", fp);
        assert_int_equal(fclose(fp), 0);
        RUN("load", "responses", path);
        expect_exit(65, "NUL in a code");
        assert_string_equal(sec_db_fingerprint(db), before);
    }
}

static void test_hostile_but_valid_codes_are_stored_verbatim(void **state)
{
    static const char *const ids[] = {
        /* no digit: loaded with an --id-pattern that allows that; a name
         * ("DROP-TABLE-responses") would be refused whatever the pattern */
        "a--b", "--", "-", "_", "DROP-TABLE-1--", "x_-_y", "0",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };
    char text[4096];
    size_t o = 0;

    (void)state;
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "survey_year,county,respondent_id,role,caseload,confirmed,suspected\n");
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "2024,La Paz,%s,supervisor,%zu,0,0\n",
                              ids[i], 10 + i);
    RUN("--quiet", "load", "--id-pattern", ".+", "responses", write_text("codes.csv", text));
    expect_exit(0, "codes.csv");
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *got = value_where("SELECT caseload::text FROM responses"
                                      " WHERE respondent_id = $1", ids[i]);
        char want[16];
        snprintf(want, sizeof want, "%zu", 10 + i);
        if (got == NULL || strcmp(got, want) != 0)
            fail_msg("code '%s' not stored as given", ids[i]);
    }
}

static void test_hostile_conninfo_is_a_connection_error(void **state)
{
    char big[10001], before[2048];
    static const char *const infos[] = {
        "'; DROP TABLE responses; --",
        "host='unterminated",
        "dbname=x password",
        "=",
        "postgresql://%zz",
        "postgresql://[::1",
        "postgresql://u:s3cr3t@/db?host=/nonexistent-socket-dir",
        "host=/nonexistent-socket-dir password=s3cr3t dbname",
        "service=no-such-service-anywhere",
        "dbname='t'' OR 1=1' host=/nonexistent-socket-dir",
        "host=/nonexistent-socket-dir\x01\xff",
        NULL,
    };

    (void)state;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    for (size_t i = 0; i < sizeof infos / sizeof infos[0]; i++) {
        const char *info = infos[i] != NULL ? infos[i] : big;
        sec_run(&run, dir, SEC_ARGS("--db", info, "load", "responses",
                                    sec_sample_path("2025/responses-pima.csv")));
        expect_exit(69, info[0] == 'a' ? "10 KB conninfo" : info);
        sec_expect_err(&run, "prevalence: --db: cannot connect to the database");
        /* A password typed into --db is never repeated. */
        if (strstr(run.err, "s3cr3t") != NULL)
            fail_msg("the password was printed:\n%s", run.err);
    }
    assert_string_equal(sec_db_fingerprint(db), before);
}

#define SECRET "Zq8-Vermilion-Otter-41"

/* What libpq's parse messages quote is never printed (issue #13): a
 * password with a space made "missing '=' after 'Otter-41'" print its
 * second half. Malformed strings say which part is wrong; a failed
 * connection, an unreachable host or a refused password never shows the
 * password, from --db or DATABASE_URL. */
static void test_hostile_conninfo_password_never_printed(void **state)
{
    static const char *const infos[] = {
        "host=/nonexistent-socket-dir password=Zq8-Vermilion Otter-41 dbname=x",
        "host=/nonexistent-socket-dir password='" SECRET,
        "password=" SECRET " " SECRET "=1",
        SECRET,
        "postgresql://u:" SECRET "%zz@/db",
        "postgresql://u:" SECRET "@[::1/db",
        "postgresql://u:" SECRET "@/db?nosuchparam=1",
        "postgresql://u:" SECRET "@/db?host=/nonexistent-socket-dir",
        "host=/nonexistent-socket-dir password=" SECRET,
        "host=no-such-host.invalid connect_timeout=2 password=" SECRET,
    };
    static const char *const why[] = {
        "invalid connection string: word 3 has no '='",
        "invalid connection string: a quoted value has no closing quote",
        "invalid connection string: word",
        "invalid connection string: word 1 has no '='",
        "invalid connection string: the URI holds an invalid %-escape",
        "invalid connection string: the URI's IPv6 host address",
        "invalid connection string: the URI's query",
        "No such file or directory",
        "No such file or directory",
        "no-such-host.invalid",
    };
    char hba[1024], line[2200];
    const char *file;
    PGresult *res;
    FILE *fp;

    (void)state;
    for (size_t i = 0; i < sizeof infos / sizeof infos[0]; i++) {
        for (int env = 0; env < 2; env++) {
            if (env)
                setenv("DATABASE_URL", infos[i], 1);
            sec_run(&run, dir, env ? SEC_ARGS("status")
                                   : SEC_ARGS("--db", infos[i], "status"));
            unsetenv("DATABASE_URL");
            expect_exit(69, infos[i]);
            sec_expect_err(&run, env ? "prevalence: DATABASE_URL: cannot connect"
                                     : "prevalence: --db: cannot connect");
            if (strstr(run.err, "Otter") != NULL || strstr(run.out, "Otter") != NULL
                || strstr(run.err, "Vermilion") != NULL)
                fail_msg("the password was printed:\n%s", run.err);
            sec_expect_err(&run, why[i]);
        }
    }

    /* A refused password: the server asks for one (scram) and says no. */
    file = sec_text(db, "SHOW hba_file");
    snprintf(hba, sizeof hba, "%s", file);
    if (sec_sqlstate(db, "DROP ROLE IF EXISTS t_pw")[0] != '\0'
        || sec_sqlstate(db, "CREATE ROLE t_pw LOGIN PASSWORD 'right-one'")[0] != '\0')
        fail_msg("cannot create t_pw");
    {
        /* prepend: the first matching line wins */
        char *old = NULL;
        size_t len = 0;
        FILE *in = fopen(hba, "r");
        assert_non_null(in);
        assert_true(getdelim(&old, &len, '\0', in) > 0);
        fclose(in);
        assert_non_null(fp = fopen(hba, "w"));
        fputs("local all t_pw scram-sha-256\n", fp);
        fputs(old, fp);
        assert_int_equal(fclose(fp), 0);
        res = PQexec(db, "SELECT pg_reload_conf()");
        PQclear(res);
        snprintf(line, sizeof line, "%s user=t_pw password=" SECRET, conninfo);
        sec_run(&run, dir, SEC_ARGS("--db", line, "status"));
        /* put the file back before anything can fail */
        assert_non_null(fp = fopen(hba, "w"));
        fputs(old, fp);
        assert_int_equal(fclose(fp), 0);
        free(old);
        res = PQexec(db, "SELECT pg_reload_conf()");
        PQclear(res);
    }
    expect_exit(69, "wrong password");
    sec_expect_err(&run, "password authentication failed");
    if (strstr(run.err, "Otter") != NULL || strstr(run.out, "Otter") != NULL)
        fail_msg("the password was printed:\n%s", run.err);
}

static void test_hostile_covariates_and_ignore_column(void **state)
{
    char before[2048];

    (void)state;
    load_sample_2025();
    snprintf(before, sizeof before, "%s", sec_db_fingerprint(db));
    RUN("estimate", "--year", "2025", "--small-area", "--covariates",
        "/nonexistent/'; DROP TABLE responses; --.csv");
    expect_exit(66, "missing covariates file");
    RUN("estimate", "--year", "2025", "--small-area", "--covariates",
        write_text("cov'; DROP TABLE x;--.csv",
                   "county,x\nPima'; DROP TABLE responses; --,1\n"));
    expect_exit(65, "hostile county in covariates");
    RUN("estimate", "--year", "2025", "--small-area", "--covariates",
        write_text("cov2.csv", "county,x'; DROP TABLE responses; --\nPima,1e999\n"));
    expect_exit(65, "hostile covariate");
    assert_string_equal(sec_db_fingerprint(db), before);
    RUN("--quiet", "load", "--ignore-column", "x'; DROP TABLE responses; --",
        "--ignore-column", "\\\"", "responses", sec_sample_path("2024/responses-pima.csv"));
    expect_exit(0, "--ignore-column");
    /* That load added a batch; nothing else changed. */
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches"), 17);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM counties"), 15);
}

static void test_hostile_output_paths(void **state)
{
    char sub[1200], out_dir[1400], rejects[1400], path[1600];
    struct stat st;

    (void)state;
    load_sample_2025();
    snprintf(sub, sizeof sub, "%s/o'; DROP TABLE responses; --", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(out_dir, sizeof out_dir, "%s/report \"$HOME\" `id` \xf0\x9f\x98\x80", sub);
    RUN("--quiet", "report", "--year", "2025", "--out", out_dir);
    expect_exit(0, "report --out");
    snprintf(path, sizeof path, "%s/tables/county_estimates_2025.csv", out_dir);
    assert_int_equal(stat(path, &st), 0);
    snprintf(rejects, sizeof rejects, "%s/rej;ects'--.csv", sub);
    RUN("--quiet", "load", "--rejects", rejects, "responses",
        sec_sample_path("bad/confirmed-gt-caseload.csv"));
    expect_exit(65, "--rejects");
    assert_int_equal(stat(rejects, &st), 0);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM batches"), 16);
}

/* An identifying value is never repeated: not on the terminal, not in the
 * rejects file, not in the server's log (the collector never sends a row
 * of a file with an error, and statement parameters are not logged). */
static void test_hostile_identifying_values_never_logged(void **state)
{
    static const char *const files[] = {
        "bad/phone-respondent-id.csv", "bad/pii-column.csv",
    };
    static const char *const secrets[] = {
        "602-555-0143", "2009-03-14", "2008-11-02", "2010-06-27",
    };
    char rejects[1200], rejects_text[1 << 16] = "", log_path[1200], line[4096];
    FILE *fp;

    (void)state;
    load_sample_2025();
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        snprintf(rejects, sizeof rejects, "%s/rejects-%zu.csv", dir, f);
        RUN("load", "--rejects", rejects, "responses", sec_sample_path(files[f]));
        expect_exit(65, files[f]);
        assert_non_null(fp = fopen(rejects, "r"));
        rejects_text[fread(rejects_text, 1, sizeof rejects_text - 1, fp)] = '\0';
        fclose(fp);
        for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
            if (strstr(run.err, secrets[i]) != NULL || strstr(run.out, secrets[i]) != NULL
                || strstr(rejects_text, secrets[i]) != NULL)
                fail_msg("%s repeated '%s':\n%s\n%s", files[f], secrets[i], run.err,
                         rejects_text);
    }
    snprintf(log_path, sizeof log_path, "%s/home/server.log", pg_harness_tmpdir());
    assert_non_null(fp = fopen(log_path, "r"));
    while (fgets(line, sizeof line, fp) != NULL)
        for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
            if (strstr(line, secrets[i]) != NULL)
                fail_msg("the server log holds '%s': %s", secrets[i], line);
    fclose(fp);
}

/* Issue #13: identifiers typed into any column, or into the file's name,
 * are refused and never repeated: not on the terminal, not in the
 * rejects file, not in the server log, not by `batches`. */
static void test_hostile_identifiers_anywhere_never_repeated(void **state)
{
    static const char *const people[] = {
        "John Smith", "Maria Gonzalez 602 555 0143", "DOB 04/17/2009",
    };
    static const char *const codes[] = {
        "Maria_Gonzalez", "JV2019-001234", "DOB-2009-04-17", "ssn-123-45-6789",
        "tel-6025550143", "602_555_0143", "123-Main-St-Tucson-AZ-85701", "17042009",
    };
    /* pieces that must appear nowhere */
    static const char *const secrets[] = {
        "John", "Smith", "Maria", "Gonzalez", "0143", "04/17", "2009-04-17", "001234",
        "6789", "Main", "Tucson", "17042009", "jsmith",
    };
    char text[8192], rejects[1200], rejects_text[1 << 16] = "", log_path[1200], line[4096];
    size_t o = 0, nrows = 0;
    const char *bad_name;
    FILE *fp;

    (void)state;
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "survey_year,county,respondent_id,role,caseload,confirmed,suspected\n");
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        o += (size_t)snprintf(text + o, sizeof text - o, "2025,Pima,P-%zu,%s,10,0,0\n", i,
                              people[i]);
        o += (size_t)snprintf(text + o, sizeof text - o, "2025,%s,C-%zu,,10,0,0\n", people[i],
                              i);
        o += (size_t)snprintf(text + o, sizeof text - o, "2025,Pima,S-%zu,,10,0,%s\n", i,
                              people[i]);
        nrows += 3;
    }
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++, nrows++)
        o += (size_t)snprintf(text + o, sizeof text - o, "2025,Pima,%s,,10,0,0\n", codes[i]);
    snprintf(rejects, sizeof rejects, "%s/rejects-ids.csv", dir);
    RUN("load", "--rejects", rejects, "responses", write_text("ids.csv", text));
    expect_exit(65, "identifiers in every column");
    if (strstr(run.err, "(found ") == NULL || strstr(run.err, "looks like a street address")
        == NULL)
        fail_msg("the problems are not described:\n%s", run.err);
    assert_non_null(fp = fopen(rejects, "r"));
    rejects_text[fread(rejects_text, 1, sizeof rejects_text - 1, fp)] = '\0';
    fclose(fp);
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        if (strstr(run.err, secrets[i]) != NULL || strstr(run.out, secrets[i]) != NULL
            || strstr(rejects_text, secrets[i]) != NULL)
            fail_msg("'%s' repeated:\n%s\n%s", secrets[i], run.err, rejects_text);

    /* a file named after a person: refused before it is read, the name
     * nowhere, not stored */
    bad_name = write_text("John Smith 2009-04-17 602-555-0143 jsmith@example.com.csv",
                          "survey_year,county,respondent_id,role,caseload,confirmed,suspected\n"
                          "2025,Pima,PIMA-9001,,10,0,0\n");
    RUN("load", "--rejects", rejects, "responses", bad_name);
    expect_exit(65, "identifying file name");
    sec_expect_err(&run, "prevalence: file 1: its name looks like it holds");
    sec_expect_err(&run, "rename it");
    assert_non_null(fp = fopen(rejects, "r"));
    rejects_text[fread(rejects_text, 1, sizeof rejects_text - 1, fp)] = '\0';
    fclose(fp);
    RUN("batches", "--format", "csv");
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        if (strstr(run.err, secrets[i]) != NULL || strstr(run.out, secrets[i]) != NULL
            || strstr(rejects_text, secrets[i]) != NULL)
            fail_msg("'%s' repeated:\n%s\n%s\n%s", secrets[i], run.out, run.err,
                     rejects_text);

    snprintf(log_path, sizeof log_path, "%s/home/server.log", pg_harness_tmpdir());
    assert_non_null(fp = fopen(log_path, "r"));
    while (fgets(line, sizeof line, fp) != NULL)
        for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
            if (strstr(line, secrets[i]) != NULL)
                fail_msg("the server log holds '%s': %s", secrets[i], line);
    fclose(fp);
    (void)nrows;
}

/* After every hostile run above (same cluster), the server never saw a
 * statement it could not parse. */
static void test_hostile_server_log_has_no_syntax_error(void **state)
{
    char path[1200], line[4096];
    FILE *fp;
    int lines = 0;

    (void)state;
    snprintf(path, sizeof path, "%s/home/server.log", pg_harness_tmpdir());
    if ((fp = fopen(path, "r")) == NULL)
        fail_msg("cannot read the server log %s", path);
    while (fgets(line, sizeof line, fp) != NULL) {
        lines++;
        if (strstr(line, "syntax error") != NULL || strstr(line, "42601") != NULL)
            fail_msg("server log: %s", line);
    }
    fclose(fp);
    assert_true(lines > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hostile_file_names_are_stored_as_given, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hostile_year_is_a_usage_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_field_values_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_but_valid_codes_are_stored_verbatim, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hostile_conninfo_is_a_connection_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hostile_conninfo_password_never_printed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hostile_covariates_and_ignore_column, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hostile_output_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_identifying_values_never_logged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hostile_identifiers_anywhere_never_repeated, setup,
                                        teardown),
        cmocka_unit_test(test_hostile_server_log_has_no_syntax_error),
    };
    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
