#ifndef WEB_INTERNAL_H
#define WEB_INTERNAL_H

/* What the files of web/ share: the server, one request, the session of
 * its sender, and the response being built. Private to web/. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>

#include <microhttpd.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "web.h"

#define WEB_FIELDS_MAX 16
#define WEB_FIELD_MAX 4096
#define WEB_PENDING_MAX 256

enum web_role { WEB_ROLE_NONE, WEB_ROLE_ADMIN, WEB_ROLE_ANALYST, WEB_ROLE_SPECIALIST };

struct web_session {
    bool valid;
    long long account_id;
    char account[64];
    enum web_role role;
    char fips[8];                 /* specialist: the county; else "" */
    char county[32];              /* its name */
    char csrf[65];
    char token_sha256[65];
};

/* An uploaded file kept between its check and its load, keyed by the
 * session that sent it. */
struct web_pending {
    bool used;
    char token_sha256[65];
    char id[33];                  /* random, in the Load form */
    char path[1300];              /* in the private upload folder */
    char dir[1100];
    char name[128];               /* as the batch will record it */
    int kind;                     /* enum col_kind */
    char fips[8];                 /* the specialist's county, or "" */
    long long expires;            /* monotonic seconds */
};

/* Failed access codes per client address (page_survey.c), memory only. */
#define WEB_CODE_FAILURE_SLOTS 1024
struct web_code_failures {
    char client[64];
    long long window_start;       /* monotonic seconds */
    int failures;
};

struct web_server {
    struct web_options opt;
    struct MHD_Daemon *daemon;
    bool tls;
    char upload_dir[1024];        /* private (0700), removed at exit */
    char conninfo[4096];
    /* database connections, one per worker thread */
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_cond;
    PGconn **pool;
    bool *pool_busy;
    unsigned pool_size;
    /* uploads between check and load */
    pthread_mutex_t pending_lock;
    struct web_pending pending[WEB_PENDING_MAX];
    unsigned long upload_seq;
    /* the questionnaire's guessing brake */
    pthread_mutex_t code_lock;
    struct web_code_failures code_failures[WEB_CODE_FAILURE_SLOTS];
};

struct web_field {
    char key[32];
    char value[WEB_FIELD_MAX];
    size_t len;
    bool truncated;
};

struct web_request {
    struct web_server *srv;
    struct MHD_Connection *conn;
    char method[8];
    char url[512];
    char client[64];
    bool is_post;
    struct MHD_PostProcessor *pp;
    bool malformed;               /* the form could not be parsed */
    bool too_large;               /* the body passed --max-upload */
    bool early_response;          /* answered before the body was read */
    uint64_t body_bytes;
    struct web_field field[WEB_FIELDS_MAX];
    size_t nfields;
    /* the file part of a multipart form */
    int file_fd;
    bool file_seen;
    char file_dir[1100];
    char file_path[1300];
    char file_name[128];
    struct web_session session;
};

/* The response under construction: a body in memory, a status, a type. */
struct web_reply {
    unsigned status;
    const char *content_type;
    char *body;
    size_t len;
    FILE *out;                    /* open_memstream over body */
    char location[512];           /* redirect target, or "" */
    char cookies[3][256];         /* Set-Cookie values */
    size_t ncookies;
    char disposition[200];        /* Content-Disposition, or "" */
    void *file_data;              /* a binary body (malloc'd), instead of out */
    size_t file_len;
};

/* ---- server.c ---- */
/* A form field's value, or NULL. */
const char *web_field(const struct web_request *r, const char *key);
/* A query-string argument, or NULL. */
const char *web_arg(const struct web_request *r, const char *key);
/* A survey year from ?year=, or 0 when absent or malformed. */
int web_year_arg(const struct web_request *r);
void web_reply_init(struct web_reply *rep);
void web_reply_free(struct web_reply *rep);
void web_redirect(struct web_reply *rep, const char *to);
/* A short page with one message, for errors (403, 404, 413, 429...). */
void web_error_page(struct web_request *r, struct web_reply *rep, unsigned status,
                    const char *msg);
/* Append a line to audit_log; a failure is printed, never shown. */
void web_audit(struct web_request *r, PGconn *db, const char *action, int year,
               const char *fips, long long batch, const char *result);

/* ---- dbpool.c ---- */
int web_pool_open(struct web_server *s, struct prev_error *err);
void web_pool_close(struct web_server *s);
/* A connection for this request (waits for one); NULL when the database
 * cannot be reached. */
PGconn *web_db_get(struct web_server *s);
void web_db_put(struct web_server *s, PGconn *c);

/* ---- html.c ---- */
void web_html(FILE *out, const char *s);      /* escaped text or attribute */
void web_page_begin(FILE *out, const struct web_session *s, const char *title);
void web_page_end(FILE *out);
/* The hidden CSRF field of a form. */
void web_csrf_field(FILE *out, const struct web_session *s);
const char *web_role_name(enum web_role r);

/* ---- session.c ---- */
/* The session of the request's cookie, if valid (updates last_seen). */
void web_session_load(struct web_request *r, PGconn *db);
/* True when the form's csrf field equals the session's token. */
bool web_csrf_ok(const struct web_request *r);
/* Login / logout handlers. */
void web_page_login_get(struct web_request *r, struct web_reply *rep);
void web_page_login_post(struct web_request *r, PGconn *db, struct web_reply *rep);
void web_page_logout(struct web_request *r, PGconn *db, struct web_reply *rep);
#define WEB_COOKIE "prevalence_session"
#define WEB_LOGIN_COOKIE "prevalence_login"

/* ---- pages ---- */
void web_page_dashboard(struct web_request *r, PGconn *db, struct web_reply *rep);
void web_page_upload_get(struct web_request *r, struct web_reply *rep);
void web_page_upload_post(struct web_request *r, PGconn *db, struct web_reply *rep);
void web_page_upload_load(struct web_request *r, PGconn *db, struct web_reply *rep);
void web_page_download(struct web_request *r, PGconn *db, struct web_reply *rep);
void web_api_status(struct web_request *r, PGconn *db, struct web_reply *rep);
void web_api_batches(struct web_request *r, PGconn *db, struct web_reply *rep);
/* The anonymous questionnaire (page_survey.c): no session, no cookie. */
void web_page_survey_get(struct web_request *r, struct web_reply *rep);
void web_page_survey_post(struct web_request *r, PGconn *db, struct web_reply *rep);

/* ---- upload store (page_upload.c) ---- */
void web_pending_drop_session(struct web_server *s, const char *token_sha256);
void web_pending_clear(struct web_server *s);
/* Remove a file and its folder in the upload area. */
void web_remove_upload(const char *path, const char *dir);

/* ---- status JSON shared by the dashboard and the API (api.c) ---- */
/* col_list_status / col_list_batches as parsed JSON, limited to one
 * county when fips is not empty. NULL on failure (err filled). */
json_t *web_status_json(PGconn *db, int year, const char *fips, struct prev_error *err);
json_t *web_batches_json(PGconn *db, int year, const char *fips, struct prev_error *err);

#endif
