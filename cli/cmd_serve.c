/* prevalence serve: the web front door (web/). */
#include <stdio.h>

#include "cli.h"
#include "prev_config.h"
#include "prev_git.h"
#include "web.h"

const char cmd_serve_help[] =
    "usage: prevalence serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE]\n"
    "           [--insecure-http] [--max-upload BYTES] [--threads N]\n"
    "           [--max-per-client N] [--timeout SECONDS]\n"
    "\n"
    "Serve the survey's web pages: sign-in, the dashboard (per county: respondents,\n"
    "response rate, caseload covered, last upload, who has sent nothing, the batches),\n"
    "uploads checked and loaded by the collector, downloads of the report, its\n"
    "protected tables and the partner bundle, and /api/v1/status and\n"
    "/api/v1/batches. Accounts come from 'prevalence user'. Runs until SIGTERM or\n"
    "SIGINT; requests in progress finish first (a load commits or rolls back whole).\n"
    "\n"
    "  --listen ADDR:PORT   numeric address and port (default 127.0.0.1:8470;\n"
    "                       IPv6 as [::1]:8470)\n"
    "  --tls-cert FILE      PEM certificate (with --tls-key): serve HTTPS\n"
    "  --tls-key FILE       PEM private key\n"
    "  --insecure-http      allow plain HTTP on an address that is not loopback\n"
    "                       (refused otherwise; put a TLS proxy in front instead)\n"
    "  --max-upload BYTES   largest request body (default 67108864, 64 MiB); a larger\n"
    "                       one is refused with 413\n"
    "  --threads N          worker threads and database connections (default 4)\n"
    "  --max-per-client N   connections at once from one address (default 32)\n"
    "  --timeout SECONDS    idle connection timeout (default 60)\n"
    "\n"
    "Exit codes: 0 stopped by a signal, 64 usage (plain HTTP on a public address),\n"
    "66 certificate or key unreadable, 69 database unavailable, 71 cannot listen.\n";

enum { OPT_LISTEN = 1, OPT_CERT, OPT_KEY, OPT_INSECURE, OPT_MAX_UPLOAD, OPT_THREADS,
       OPT_PER_CLIENT, OPT_TIMEOUT };

int cmd_serve(int argc, char **argv)
{
    static const struct cli_command self = {"serve", "", NULL, cmd_serve_help};
    static const struct option opts[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"tls-cert", required_argument, NULL, OPT_CERT},
        {"tls-key", required_argument, NULL, OPT_KEY},
        {"insecure-http", no_argument, NULL, OPT_INSECURE},
        {"max-upload", required_argument, NULL, OPT_MAX_UPLOAD},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"max-per-client", required_argument, NULL, OPT_PER_CLIENT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {NULL, 0, NULL, 0},
    };
    struct web_options o;
    struct prev_error err;
    long v;
    int c;

    prev_error_clear(&err);
    web_options_init(&o);
    while ((c = cli_getopt(argc, argv, &self, "", opts)) != CLI_OPT_END) {
        switch (c) {
        case OPT_LISTEN:
            if (web_parse_listen(optarg, &o, &err) != 0)
                return cli_usage_error("serve", "%s", err.msg);
            break;
        case OPT_CERT:
            o.tls_cert = optarg;
            break;
        case OPT_KEY:
            o.tls_key = optarg;
            break;
        case OPT_INSECURE:
            o.insecure_http = true;
            break;
        case OPT_MAX_UPLOAD:
            if (!cli_long_arg("serve", "--max-upload", optarg, 1024, 4L * 1024 * 1024 * 1024,
                              &v))
                return PREV_EX_USAGE;
            o.max_upload = (uint64_t)v;
            break;
        case OPT_THREADS:
            if (!cli_long_arg("serve", "--threads", optarg, 1, 64, &v))
                return PREV_EX_USAGE;
            o.threads = (unsigned)v;
            break;
        case OPT_PER_CLIENT:
            if (!cli_long_arg("serve", "--max-per-client", optarg, 1, 10000, &v))
                return PREV_EX_USAGE;
            o.per_client = (unsigned)v;
            break;
        case OPT_TIMEOUT:
            if (!cli_long_arg("serve", "--timeout", optarg, 1, 3600, &v))
                return PREV_EX_USAGE;
            o.timeout = (unsigned)v;
            break;
        case CLI_OPT_HELP:
            return 0;
        default:
            return PREV_EX_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if ((o.tls_cert == NULL) != (o.tls_key == NULL))
        return cli_usage_error("serve", "--tls-cert and --tls-key go together");
    o.db = cli_globals.db;
    o.quiet = cli_globals.quiet;
    o.version = PREV_VERSION;
    o.git_commit = PREV_GIT_DESCRIBE;
    if (web_serve(&o, &err) != 0)
        return cli_report(&err);
    return 0;
}
