#ifndef WEB_WEB_H
#define WEB_WEB_H

#include <stdbool.h>
#include <stdint.h>

#include "prev_error.h"

/* The web service, `prevalence serve`: the survey's front door over
 * libmicrohttpd (docs/commands/serve.md). A front end like cli/: it parses
 * requests and formats responses, and calls the library for everything
 * else. */

struct web_options {
    const char *db;               /* --db, or NULL (same resolution as every command) */
    bool quiet;
    char host[256];               /* numeric address to listen on */
    int port;
    const char *tls_cert, *tls_key;   /* PEM files, or NULL for plain HTTP */
    bool insecure_http;           /* plain HTTP on a non-loopback address */
    uint64_t max_upload;          /* bytes of one request body */
    unsigned threads;             /* worker threads (and database connections) */
    unsigned per_client;          /* connections at once from one address */
    unsigned max_connections;
    unsigned timeout;             /* seconds a connection may stay idle */
    const char *version;          /* tool version, for the report's manifest */
    const char *git_commit;
};

#define WEB_DEFAULT_HOST "127.0.0.1"
#define WEB_DEFAULT_PORT 8470
#define WEB_DEFAULT_MAX_UPLOAD (64ULL * 1024 * 1024)

void web_options_init(struct web_options *o);

/* "ADDR:PORT", "[V6ADDR]:PORT", "ADDR" or ":PORT" into o. 64 when malformed. */
int web_parse_listen(const char *s, struct web_options *o, struct prev_error *err);

/* True for 127.0.0.0/8 and ::1. */
bool web_is_loopback(const char *host);

/* Serve until SIGTERM or SIGINT; in-flight requests finish (a load
 * commits or rolls back) before it returns. Errors: 64 plain HTTP on a
 * non-loopback address without insecure_http, 66 unreadable certificate,
 * 69 database, 71 cannot listen. */
int web_serve(const struct web_options *o, struct prev_error *err);

#endif
