/* The HTTP server: libmicrohttpd with a bounded pool of worker threads,
 * one handler per route, forms through MHD_PostProcessor, security
 * headers on every response, and shutdown on SIGTERM after the requests
 * in flight have finished. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector.h"
#include "db.h"
#include "input_file.h"
#include "parse.h"
#include "password.h"
#include "web_internal.h"

/* No script, no external source, no framing: the pages are plain HTML
 * with one inline style sheet and inline SVG images. */
static const char csp[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void web_options_init(struct web_options *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->host, sizeof o->host, "%s", WEB_DEFAULT_HOST);
    o->port = WEB_DEFAULT_PORT;
    o->max_upload = WEB_DEFAULT_MAX_UPLOAD;
    o->threads = 4;
    o->per_client = 32;
    o->max_connections = 256;
    o->timeout = 60;
    o->version = "";
    o->git_commit = "";
}

int web_parse_listen(const char *s, struct web_options *o, struct prev_error *err)
{
    const char *colon = NULL, *host = s;
    size_t hlen;
    char port[16];
    long p;
    unsigned char buf[sizeof(struct in6_addr)];

    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (end == NULL || (end[1] != '\0' && end[1] != ':'))
            return prev_fail(err, PREV_EX_USAGE, "", "--listen: '[' without a matching ']'");
        host = s + 1;
        hlen = (size_t)(end - host);
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strrchr(s, ':');
        if (colon != NULL && strchr(s, ':') != colon)
            return prev_fail(err, PREV_EX_USAGE, "", "--listen: write an IPv6 address in "
                             "brackets: [::1]:8470");
        hlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
    }
    if (hlen >= sizeof o->host)
        return prev_fail(err, PREV_EX_USAGE, "", "--listen: address too long");
    if (hlen > 0) {
        memcpy(o->host, host, hlen);
        o->host[hlen] = '\0';
    }
    if (inet_pton(AF_INET, o->host, buf) != 1 && inet_pton(AF_INET6, o->host, buf) != 1)
        return prev_fail(err, PREV_EX_USAGE, "", "--listen: '%s' is not a numeric IPv4 or "
                         "IPv6 address", o->host);
    if (colon != NULL) {
        if (strlen(colon + 1) >= sizeof port || colon[1] == '\0')
            return prev_fail(err, PREV_EX_USAGE, "", "--listen: missing port after ':'");
        snprintf(port, sizeof port, "%s", colon + 1);
        if (!prev_parse_long(port, 1, 65535, &p))
            return prev_fail(err, PREV_EX_USAGE, "", "--listen: port must be 1 to 65535");
        o->port = (int)p;
    }
    return 0;
}

bool web_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

/* ---- requests ---------------------------------------------------------- */

const char *web_field(const struct web_request *r, const char *key)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (strcmp(r->field[i].key, key) == 0)
            return r->field[i].truncated ? NULL : r->field[i].value;
    return NULL;
}

const char *web_arg(const struct web_request *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

int web_year_arg(const struct web_request *r)
{
    const char *y = web_arg(r, "year");
    long v;
    if (y == NULL || !prev_parse_long(y, COL_YEAR_MIN, COL_YEAR_MAX, &v))
        return 0;
    return (int)v;
}

void web_reply_init(struct web_reply *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->status = MHD_HTTP_OK;
    rep->content_type = "text/html; charset=utf-8";
    rep->out = open_memstream(&rep->body, &rep->len);
}

void web_reply_free(struct web_reply *rep)
{
    if (rep->out != NULL)
        fclose(rep->out);
    rep->out = NULL;
    free(rep->body);
    rep->body = NULL;
    free(rep->file_data);
    rep->file_data = NULL;
}

void web_redirect(struct web_reply *rep, const char *to)
{
    rep->status = MHD_HTTP_SEE_OTHER;
    snprintf(rep->location, sizeof rep->location, "%s", to);
}

void web_error_page(struct web_request *r, struct web_reply *rep, unsigned status,
                    const char *msg)
{
    char title[64];
    rep->status = status;
    rep->content_type = "text/html; charset=utf-8";
    snprintf(title, sizeof title, "%u", status);
    /* whatever a handler wrote before failing is dropped */
    if (rep->out != NULL)
        fclose(rep->out);
    free(rep->body);
    rep->body = NULL;
    rep->len = 0;
    rep->out = open_memstream(&rep->body, &rep->len);
    if (rep->out == NULL)
        return;
    web_page_begin(rep->out, &r->session, title);
    fputs("<h1>", rep->out);
    web_html(rep->out, msg);
    fputs("</h1>\n<p><a href=\"/\">Back to the dashboard</a></p>\n", rep->out);
    web_page_end(rep->out);
}

void web_audit(struct web_request *r, PGconn *db, const char *action, int year,
               const char *fips, long long batch, const char *result)
{
    struct db_audit_entry e = {r->session.valid ? r->session.account : "", r->client, action,
                               year, fips, batch, result};
    struct prev_error err;
    prev_error_clear(&err);
    if (db == NULL || db_audit(db, &e, &err) != 0)
        fprintf(stderr, "prevalence serve: cannot write the audit log (%s %s): %s\n", action,
                result != NULL ? result : "", db == NULL ? "no database" : err.msg);
}

/* ---- the post processor ------------------------------------------------ */

/* Keep the file's base name for the batch's provenance, in plain ASCII
 * (the collector checks it like a value before it is stored). */
static void safe_file_name(const char *in, char *out, size_t size)
{
    const char *base = in, *p;
    size_t o = 0;
    for (p = in; *p != '\0'; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    for (p = base; *p != '\0' && o + 1 < size; p++) {
        unsigned char ch = (unsigned char)*p;
        out[o++] = (ch < 128 && (ch == '.' || ch == '-' || ch == '_' || (ch >= '0' && ch <= '9')
                                 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
                       ? (char)ch : '_';
    }
    out[o] = '\0';
    if (o == 0 || out[0] == '.')
        snprintf(out, size, "upload.csv");
}

static int open_upload_file(struct web_request *r, const char *filename)
{
    struct web_server *s = r->srv;
    unsigned long seq;

    pthread_mutex_lock(&s->pending_lock);
    seq = ++s->upload_seq;
    pthread_mutex_unlock(&s->pending_lock);
    /* one folder per upload, so the batch keeps the file's own name */
    snprintf(r->file_dir, sizeof r->file_dir, "%s/u%lu", s->upload_dir, seq);
    if (mkdir(r->file_dir, 0700) != 0) {
        r->file_dir[0] = '\0';
        return -1;
    }
    safe_file_name(filename, r->file_name, sizeof r->file_name);
    snprintf(r->file_path, sizeof r->file_path, "%s/%s", r->file_dir, r->file_name);
    r->file_fd = open(r->file_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (r->file_fd < 0) {
        rmdir(r->file_dir);
        r->file_dir[0] = r->file_path[0] = '\0';
        return -1;
    }
    return 0;
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    struct web_request *r = cls;
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    (void)off;

    if (filename != NULL) {
        /* one file per form, in the field named "file"; none at all on the
         * questionnaire, which has no session */
        if (strcmp(key, "file") != 0 || (r->file_seen && r->file_fd < 0)
            || strcmp(r->url, "/r") == 0) {
            r->malformed = true;
            return MHD_NO;
        }
        if (!r->file_seen) {
            r->file_seen = true;
            if (open_upload_file(r, filename) != 0) {
                fprintf(stderr, "prevalence serve: cannot create an upload file in %s: %s\n",
                        r->srv->upload_dir, strerror(errno));
                return MHD_NO;
            }
        }
        while (size > 0) {
            ssize_t n = write(r->file_fd, data, size);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return MHD_NO;
            data += n;
            size -= (size_t)n;
        }
        return MHD_YES;
    }
    {
        struct web_field *f = NULL;
        for (size_t i = 0; i < r->nfields; i++)
            if (strcmp(r->field[i].key, key) == 0)
                f = &r->field[i];
        if (f == NULL) {
            if (r->nfields >= WEB_FIELDS_MAX || strlen(key) >= sizeof f->key)
                return MHD_YES;     /* not a field of ours */
            f = &r->field[r->nfields++];
            snprintf(f->key, sizeof f->key, "%s", key);
        }
        if (f->len + size >= sizeof f->value) {
            f->truncated = true;
            return MHD_YES;
        }
        memcpy(f->value + f->len, data, size);
        f->len += size;
        f->value[f->len] = '\0';
    }
    return MHD_YES;
}

/* ---- responses ----------------------------------------------------------- */

static enum MHD_Result send_reply(struct web_request *r, struct web_reply *rep)
{
    struct MHD_Response *resp = NULL;
    enum MHD_Result ret;

    if (rep->file_data != NULL) {
        resp = MHD_create_response_from_buffer(rep->file_len, rep->file_data,
                                               MHD_RESPMEM_MUST_FREE);
        rep->file_data = NULL;
    } else {
        if (rep->out != NULL)
            fclose(rep->out);
        rep->out = NULL;
        resp = MHD_create_response_from_buffer(rep->len, rep->body != NULL ? rep->body : (void *)"",
                                               rep->body != NULL ? MHD_RESPMEM_MUST_FREE
                                                                 : MHD_RESPMEM_PERSISTENT);
        rep->body = NULL;
    }
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", rep->content_type);
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->srv->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (rep->location[0] != '\0')
        MHD_add_response_header(resp, "Location", rep->location);
    if (rep->disposition[0] != '\0')
        MHD_add_response_header(resp, "Content-Disposition", rep->disposition);
    for (size_t i = 0; i < rep->ncookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", rep->cookies[i]);
    if (r->early_response)
        MHD_add_response_header(resp, "Connection", "close");
    ret = MHD_queue_response(r->conn, rep->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* A response before the body is read (too large, no session, not a
 * form): the body is never stored. */
static enum MHD_Result early(struct web_request *r, unsigned status, const char *msg)
{
    struct web_reply rep;
    enum MHD_Result ret;
    web_reply_init(&rep);
    r->early_response = true;
    web_error_page(r, &rep, status, msg);
    ret = send_reply(r, &rep);
    web_reply_free(&rep);
    return ret;
}

static bool is_post_route(const char *url)
{
    return strcmp(url, "/login") == 0 || strcmp(url, "/logout") == 0
           || strcmp(url, "/upload") == 0 || strcmp(url, "/upload/load") == 0
           || strcmp(url, "/r") == 0;
}

static bool is_get_route(const char *url)
{
    return strcmp(url, "/") == 0 || strcmp(url, "/login") == 0 || strcmp(url, "/upload") == 0
           || strcmp(url, "/healthz") == 0 || strcmp(url, "/api/v1/status") == 0
           || strcmp(url, "/api/v1/batches") == 0 || strncmp(url, "/download/", 10) == 0
           || strcmp(url, "/r") == 0;
}

static void dispatch(struct web_request *r, struct web_reply *rep)
{
    struct web_server *s = r->srv;
    PGconn *db = NULL;
    const char *u = r->url;

    if (!r->is_post && strcmp(u, "/healthz") == 0) {
        rep->content_type = "text/plain; charset=utf-8";
        fputs("ok\n", rep->out);
        return;
    }
    if (!r->is_post && strcmp(u, "/login") == 0) {
        web_page_login_get(r, rep);
        return;
    }
    if (!r->is_post && strcmp(u, "/r") == 0) {
        web_page_survey_get(r, rep);
        return;
    }
    if ((db = web_db_get(s)) == NULL) {
        web_error_page(r, rep, MHD_HTTP_SERVICE_UNAVAILABLE,
                       "The database is not reachable; try again in a minute.");
        return;
    }
    if (r->is_post && strcmp(u, "/r") == 0) {
        /* no session: the access code is the officer's only credential */
        web_page_survey_post(r, db, rep);
        goto done;
    }
    if (!r->session.valid)
        web_session_load(r, db);
    if (r->is_post && strcmp(u, "/login") == 0) {
        web_page_login_post(r, db, rep);
        goto done;
    }
    if (!r->session.valid) {
        if (strncmp(u, "/api/", 5) == 0) {
            rep->status = MHD_HTTP_UNAUTHORIZED;
            rep->content_type = "application/json";
            fputs("{\"error\": \"sign in first\"}\n", rep->out);
        } else if (r->is_post) {
            web_error_page(r, rep, MHD_HTTP_FORBIDDEN, "Your session has ended; sign in again.");
        } else {
            web_redirect(rep, "/login");
        }
        goto done;
    }
    if (r->is_post && !web_csrf_ok(r)) {
        web_audit(r, db, "denied", 0, NULL, 0, "403 csrf");
        web_error_page(r, rep, MHD_HTTP_FORBIDDEN,
                       "This form is out of date (missing or wrong form token); reload the "
                       "page and try again.");
        goto done;
    }
    if (r->is_post) {
        if (strcmp(u, "/logout") == 0)
            web_page_logout(r, db, rep);
        else if (strcmp(u, "/upload") == 0)
            web_page_upload_post(r, db, rep);
        else
            web_page_upload_load(r, db, rep);
        goto done;
    }
    if (strcmp(u, "/") == 0)
        web_page_dashboard(r, db, rep);
    else if (strcmp(u, "/upload") == 0)
        web_page_upload_get(r, rep);
    else if (strcmp(u, "/api/v1/status") == 0)
        web_api_status(r, db, rep);
    else if (strcmp(u, "/api/v1/batches") == 0)
        web_api_batches(r, db, rep);
    else
        web_page_download(r, db, rep);
done:
    web_db_put(s, db);
}

static void client_address(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "?");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    getnameinfo(ci->client_addr,
                ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                       : sizeof(struct sockaddr_in),
                out, (socklen_t)size, NULL, 0, NI_NUMERICHOST);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct web_server *s = cls;
    struct web_request *r = *con_cls;
    struct web_reply rep;
    enum MHD_Result ret;
    (void)version;

    if (r == NULL) {
        const char *len;
        if ((r = calloc(1, sizeof *r)) == NULL)
            return MHD_NO;
        r->srv = s;
        r->conn = c;
        r->file_fd = -1;
        *con_cls = r;
        snprintf(r->method, sizeof r->method, "%s", method);
        snprintf(r->url, sizeof r->url, "%s", url);
        client_address(c, r->client, sizeof r->client);
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0
            && strcmp(method, "POST") != 0)
            return early(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed.");
        r->is_post = strcmp(method, "POST") == 0;
        if (strlen(url) >= sizeof r->url
            || (r->is_post ? !is_post_route(url) : !is_get_route(url))) {
            if ((r->is_post ? is_get_route(url) : is_post_route(url)) && strlen(url) < 64)
                return early(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed.");
            return early(r, MHD_HTTP_NOT_FOUND, "No such page.");
        }
        if (!r->is_post)
            return MHD_YES;
        len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (len != NULL) {
            long long n;
            char *end;
            errno = 0;
            n = strtoll(len, &end, 10);
            if (errno != 0 || *end != '\0' || n < 0 || (uint64_t)n > s->opt.max_upload) {
                r->too_large = true;
                return early(r, MHD_HTTP_CONTENT_TOO_LARGE, "The file is larger than this "
                             "service accepts.");
            }
        }
        /* Nobody stores a file here without a session (the questionnaire
         * takes a small form, no file: see the field limits). */
        if (strcmp(url, "/login") != 0 && strcmp(url, "/r") != 0) {
            PGconn *db = web_db_get(s);
            if (db != NULL)
                web_session_load(r, db);
            web_db_put(s, db);
            if (!r->session.valid)
                return early(r, MHD_HTTP_FORBIDDEN, "Your session has ended; sign in again.");
        }
        r->pp = MHD_create_post_processor(c, 64 * 1024, on_field, r);
        if (r->pp == NULL) {
            /* No form at all is answered by the CSRF check (403); a
             * multipart form without a boundary cannot be read. */
            const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                           MHD_HTTP_HEADER_CONTENT_TYPE);
            if (type != NULL && type[0] != '\0')
                return early(r, MHD_HTTP_BAD_REQUEST, "The form could not be read.");
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->early_response)
            return MHD_YES;
        r->body_bytes += n;
        if (r->body_bytes > s->opt.max_upload) {
            r->too_large = true;
            return MHD_YES;      /* read and dropped; answered with 413 below */
        }
        if (r->pp != NULL && !r->malformed && MHD_post_process(r->pp, upload_data, n) != MHD_YES)
            r->malformed = true;
        return MHD_YES;
    }
    if (r->early_response)
        return MHD_YES;
    if (r->pp != NULL) {
        if (MHD_destroy_post_processor(r->pp) != MHD_YES)
            r->malformed = true;
        r->pp = NULL;
    }
    if (r->file_fd >= 0) {
        if (close(r->file_fd) != 0)
            r->malformed = true;
        r->file_fd = -1;
    }
    web_reply_init(&rep);
    if (rep.out == NULL)
        return MHD_NO;
    if (r->too_large) {
        web_error_page(r, &rep, MHD_HTTP_CONTENT_TOO_LARGE,
                       "The file is larger than this service accepts.");
        {
            PGconn *db = web_db_get(s);
            web_audit(r, db, "upload", 0, NULL, 0, "413 too large");
            web_db_put(s, db);
        }
    } else if (r->malformed) {
        web_error_page(r, &rep, MHD_HTTP_BAD_REQUEST, "The form could not be read.");
    } else {
        dispatch(r, &rep);
    }
    ret = send_reply(r, &rep);
    web_reply_free(&rep);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct web_request *r = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (r == NULL)
        return;
    if (r->pp != NULL)
        MHD_destroy_post_processor(r->pp);
    if (r->file_fd >= 0)
        close(r->file_fd);
    /* a file not handed to the pending store is deleted with its request */
    if (r->file_path[0] != '\0' || r->file_dir[0] != '\0')
        web_remove_upload(r->file_path, r->file_dir);
    free(r);
    *con_cls = NULL;
}

/* ---- start and stop --------------------------------------------------- */

static int read_pem(const char *path, char **out, struct prev_error *err)
{
    FILE *fp = NULL;
    char *buf = NULL;
    size_t len = 0;
    int rc = 0;

    if ((fp = fopen(path, "rb")) == NULL)
        return prev_fail(err, PREV_EX_NOINPUT, path, "cannot open: %s", strerror(errno));
    if ((buf = malloc(1024 * 1024 + 1)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    len = fread(buf, 1, 1024 * 1024, fp);
    if (ferror(fp) || len == 0 || len == 1024 * 1024) {
        rc = prev_fail(err, PREV_EX_NOINPUT, path, "cannot read a PEM file of up to 1 MiB");
        goto done;
    }
    buf[len] = '\0';
    *out = buf;
    buf = NULL;
done:
    free(buf);
    fclose(fp);
    return rc;
}

int web_serve(const struct web_options *o, struct prev_error *err)
{
    struct web_server *s = NULL;
    struct addrinfo hints, *ai = NULL;
    char port[16], *cert = NULL, *key = NULL;
    sigset_t set;
    int sig = 0, rc = 0;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    const char *tmp = getenv("TMPDIR");

    if (!web_is_loopback(o->host) && o->tls_cert == NULL && !o->insecure_http)
        return prev_fail(err, PREV_EX_USAGE, "", "refusing plain HTTP on %s, which is not a "
                         "loopback address: give --tls-cert and --tls-key, or put a TLS proxy "
                         "in front and listen on 127.0.0.1 (--insecure-http to insist)", o->host);
    if (!prev_password_init())
        return prev_fail(err, PREV_EX_SOFTWARE, "", "libsodium cannot start");
    if ((s = calloc(1, sizeof *s)) == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    s->opt = *o;
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_cond_init(&s->pool_cond, NULL);
    pthread_mutex_init(&s->pending_lock, NULL);
    pthread_mutex_init(&s->code_lock, NULL);
    if (o->tls_cert != NULL) {
        if ((rc = read_pem(o->tls_cert, &cert, err)) != 0
            || (rc = read_pem(o->tls_key, &key, err)) != 0)
            goto done;
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            rc = prev_fail(err, PREV_EX_CONFIG, "", "this libmicrohttpd has no TLS support");
            goto done;
        }
        flags |= MHD_USE_TLS;
        s->tls = true;
    }
    snprintf(s->upload_dir, sizeof s->upload_dir, "%s/prevalence-serve.XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
    if (mkdtemp(s->upload_dir) == NULL) {
        rc = prev_fail(err, PREV_EX_CANTCREAT, s->upload_dir, "cannot create the upload "
                       "folder: %s", strerror(errno));
        s->upload_dir[0] = '\0';
        goto done;
    }
    if ((rc = web_pool_open(s, err)) != 0)
        goto done;

    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%d", o->port);
    if (getaddrinfo(o->host, port, &hints, &ai) != 0 || ai == NULL) {
        rc = prev_fail(err, PREV_EX_USAGE, "", "--listen: cannot use %s", o->host);
        goto done;
    }
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The handlers' signals are the main thread's: block them before the
     * workers start, so that they inherit the mask and sigwait below gets
     * SIGTERM. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (s->tls)
        s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
            MHD_OPTION_SOCK_ADDR, ai->ai_addr,
            MHD_OPTION_THREAD_POOL_SIZE, o->threads,
            MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_client,
            MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
            MHD_OPTION_HTTPS_MEM_CERT, cert,
            MHD_OPTION_HTTPS_MEM_KEY, key,
            MHD_OPTION_END);
    else
        s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
            MHD_OPTION_SOCK_ADDR, ai->ai_addr,
            MHD_OPTION_THREAD_POOL_SIZE, o->threads,
            MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_client,
            MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
            MHD_OPTION_END);
    if (s->daemon == NULL) {
        rc = prev_fail(err, PREV_EX_OSERR, "", "cannot listen on %s port %d (in use, or not "
                       "an address of this machine)", o->host, o->port);
        goto done;
    }
    if (!o->quiet)
        fprintf(stderr, "prevalence serve: listening on %s://%s%s%s:%d/ (%u threads, uploads "
                "up to %llu bytes)\n", s->tls ? "https" : "http",
                ai->ai_family == AF_INET6 ? "[" : "", o->host,
                ai->ai_family == AF_INET6 ? "]" : "", o->port, o->threads,
                (unsigned long long)o->max_upload);
    do {
        if (sigwait(&set, &sig) != 0)
            break;
    } while (sig == SIGPIPE);
    if (!o->quiet)
        fprintf(stderr, "prevalence serve: %s: finishing the requests in progress\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* Stops accepting, lets each worker finish its handler (a load commits
     * or rolls back whole), then closes every connection. */
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    if (!o->quiet)
        fprintf(stderr, "prevalence serve: stopped\n");
done:
    if (ai != NULL)
        freeaddrinfo(ai);
    if (s->daemon != NULL)
        MHD_stop_daemon(s->daemon);
    web_pool_close(s);
    web_pending_clear(s);
    if (s->upload_dir[0] != '\0' && rmdir(s->upload_dir) != 0 && !o->quiet)
        fprintf(stderr, "prevalence serve: %s: not empty, left in place\n", s->upload_dir);
    pthread_mutex_destroy(&s->pool_lock);
    pthread_cond_destroy(&s->pool_cond);
    pthread_mutex_destroy(&s->pending_lock);
    pthread_mutex_destroy(&s->code_lock);
    free(cert);
    free(key);
    free(s);
    return rc;
}
