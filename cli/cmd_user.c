/* prevalence user: the web service's accounts. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "collector.h"
#include "db.h"
#include "password.h"

const char cmd_user_help[] =
    "usage: prevalence user add NAME --role admin|analyst|specialist [--county COUNTY]\n"
    "                           [--password-stdin]\n"
    "       prevalence user list\n"
    "       prevalence user passwd NAME [--password-stdin]\n"
    "       prevalence user disable NAME\n"
    "\n"
    "Accounts of the web service (prevalence serve). A specialist belongs to exactly\n"
    "one county and sees and sends only that county's data; analysts and admins see\n"
    "every county and download the report. 'add' and 'passwd' print a generated\n"
    "password once on standard output (give it to the person; it is stored only as\n"
    "an Argon2id hash), or read one line from standard input with --password-stdin\n"
    "(at least 12 characters). 'passwd' and 'disable' end the account's sessions.\n"
    "Every change is written to the audit log.\n"
    "\n"
    "  --role ROLE        admin, analyst or specialist\n"
    "  --county COUNTY    the specialist's county (name or FIPS code)\n"
    "  --password-stdin   read the password from standard input\n"
    "\n"
    "Exit codes: 0 ok, 64 usage, 65 the name is taken or unknown, or a password too\n"
    "short, 69 database unavailable, 77 the database user may not change accounts.\n";

enum { OPT_ROLE = 1, OPT_COUNTY, OPT_PASSWORD_STDIN };

static int read_password(char *buf, size_t size, bool from_stdin, bool *generated)
{
    size_t len;
    *generated = !from_stdin;
    if (!from_stdin) {
        prev_password_generate(buf);
        return 0;
    }
    if (fgets(buf, (int)size, stdin) == NULL) {
        fprintf(stderr, "prevalence user: no password on standard input\n");
        return PREV_EX_DATA;
    }
    len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    if (len < PREV_PASSWORD_MIN || len > PREV_PASSWORD_MAX) {
        fprintf(stderr, "prevalence user: a password needs %d to %d characters\n",
                PREV_PASSWORD_MIN, PREV_PASSWORD_MAX);
        return PREV_EX_DATA;
    }
    return 0;
}

static int list(PGconn *conn, struct prev_error *err)
{
    PGresult *res = NULL;
    int rc = db_account_list(conn, &res, err);
    if (rc != 0)
        return rc;
    printf("%-24s %-10s %-12s %-8s %-20s %s\n", "name", "role", "county", "disabled",
           "created (UTC)", "sessions");
    for (int i = 0; i < PQntuples(res); i++)
        printf("%-24s %-10s %-12s %-8s %-20s %s\n", PQgetvalue(res, i, 0),
               PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
               strcmp(PQgetvalue(res, i, 3), "t") == 0 ? "yes" : "no", PQgetvalue(res, i, 4),
               PQgetvalue(res, i, 6));
    PQclear(res);
    return 0;
}

int cmd_user(int argc, char **argv)
{
    static const struct cli_command self = {"user", "", NULL, cmd_user_help};
    static const struct option opts[] = {
        {"role", required_argument, NULL, OPT_ROLE},
        {"county", required_argument, NULL, OPT_COUNTY},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {NULL, 0, NULL, 0},
    };
    const char *role = NULL, *county = NULL, *action, *name = NULL, *fips = NULL;
    bool from_stdin = false, generated = false;
    char password[PREV_PASSWORD_MAX + 2], hash[PREV_PASSWORD_HASH_MAX];
    struct prev_error err;
    PGconn *conn = NULL;
    int c, rc = 0;

    prev_error_clear(&err);
    while ((c = cli_getopt(argc, argv, &self, "", opts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_ROLE:
            role = optarg;
            break;
        case OPT_COUNTY:
            county = optarg;
            break;
        case OPT_PASSWORD_STDIN:
            from_stdin = true;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind >= argc)
        return cli_usage_error("user", "missing the action: add, list, passwd or disable");
    action = argv[optind++];
    if (strcmp(action, "list") != 0) {
        if (optind >= argc)
            return cli_usage_error("user", "missing the account NAME");
        name = argv[optind++];
    }
    if (optind < argc)
        return cli_usage_error("user", "unexpected argument '%s'", argv[optind]);
    if (strcmp(action, "add") == 0) {
        if (role == NULL)
            return cli_usage_error("user", "add needs --role admin, analyst or specialist");
        if (strcmp(role, "admin") != 0 && strcmp(role, "analyst") != 0
            && strcmp(role, "specialist") != 0)
            return cli_usage_error("user", "--role expects admin, analyst or specialist, not "
                                   "'%s'", role);
        if ((strcmp(role, "specialist") == 0) != (county != NULL))
            return cli_usage_error("user", "a specialist needs --county, and only a "
                                   "specialist has one");
        if (county != NULL) {
            int k = col_county_find(county);
            if (k < 0)
                return cli_usage_error("user", "--county: '%s' is not an Arizona county",
                                       county);
            fips = col_counties[k].fips;
        }
    } else if (strcmp(action, "passwd") == 0) {
        if (role != NULL || county != NULL)
            return cli_usage_error("user", "passwd takes no --role or --county");
    } else if (strcmp(action, "list") == 0 || strcmp(action, "disable") == 0) {
        if (role != NULL || county != NULL || from_stdin)
            return cli_usage_error("user", "%s takes no options", action);
    } else {
        return cli_usage_error("user", "unknown action '%s'; use add, list, passwd or disable",
                               action);
    }
    if (!prev_password_init()) {
        fprintf(stderr, "prevalence user: libsodium cannot start\n");
        return PREV_EX_SOFTWARE;
    }
    if (strcmp(action, "add") == 0 || strcmp(action, "passwd") == 0) {
        if ((rc = read_password(password, sizeof password, from_stdin, &generated)) != 0)
            return rc;
        if (prev_password_hash(password, hash) != 0) {
            fprintf(stderr, "prevalence user: out of memory hashing the password\n");
            return PREV_EX_SOFTWARE;
        }
    }
    if ((rc = db_connect(cli_globals.db, cli_globals.quiet, true, &conn, &err)) != 0)
        goto done;
    if (strcmp(action, "list") == 0)
        rc = list(conn, &err);
    else if (strcmp(action, "add") == 0)
        rc = db_account_add(conn, name, role, fips, hash, &err);
    else if (strcmp(action, "passwd") == 0)
        rc = db_account_set_password(conn, name, hash, &err);
    else
        rc = db_account_disable(conn, name, &err);
    if (rc == 0 && generated) {
        printf("%s\n", password);
        if (!cli_globals.quiet)
            fprintf(stderr, "prevalence user: the password of %s is printed above, this once\n",
                    name);
    } else if (rc == 0 && !cli_globals.quiet && strcmp(action, "list") != 0) {
        fprintf(stderr, "prevalence user: %s %s: done\n", action, name);
    }
done:
    memset(password, 0, sizeof password);
    PQfinish(conn);
    return rc != 0 ? cli_report(&err) : 0;
}
