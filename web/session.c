/* Sessions: 256 random bits in an HttpOnly, SameSite=Strict cookie, kept
 * server-side as their sha256 with a CSRF token; 30 minutes idle, 8 hours
 * in all. Login with Argon2id passwords, throttled per account and per
 * client address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "password.h"
#include "sha256.h"
#include "web_internal.h"

#define IDLE_LIMIT "30 minutes"
#define ABSOLUTE_LIMIT "8 hours"
#define THROTTLE_WINDOW "5 minutes"
#define THROTTLE_FAILURES 5

static bool is_hex64(const char *s)
{
    if (s == NULL || strlen(s) != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static int sha256_hex(const char *s, char out[65])
{
    struct prev_sha256 *h = prev_sha256_new();
    if (h == NULL)
        return -1;
    prev_sha256_update(h, s, strlen(s));
    return prev_sha256_final(h, out);
}

static enum web_role role_parse(const char *s)
{
    if (strcmp(s, "admin") == 0)
        return WEB_ROLE_ADMIN;
    if (strcmp(s, "analyst") == 0)
        return WEB_ROLE_ANALYST;
    if (strcmp(s, "specialist") == 0)
        return WEB_ROLE_SPECIALIST;
    return WEB_ROLE_NONE;
}

/* A valid Argon2id string that no password matches, so that an unknown
 * name costs as much time as a known one. */
static char dummy[PREV_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[41];
    prev_random_hex(20, pw);
    if (prev_password_hash(pw, dummy) != 0)
        dummy[0] = '\0';
}

static void add_cookie(struct web_request *r, struct web_reply *rep, const char *name,
                       const char *value, bool clear)
{
    if (rep->ncookies >= sizeof rep->cookies / sizeof rep->cookies[0])
        return;
    snprintf(rep->cookies[rep->ncookies++], sizeof rep->cookies[0],
             "%s=%s; HttpOnly; SameSite=Strict; Path=/%s%s", name, value,
             r->srv->tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
}

void web_session_load(struct web_request *r, PGconn *db)
{
    const char *token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, WEB_COOKIE);
    const char *params[1];
    char hash[65];
    PGresult *res = NULL;
    struct web_session *s = &r->session;

    memset(s, 0, sizeof *s);
    if (db == NULL || !is_hex64(token) || sha256_hex(token, hash) != 0)
        return;
    params[0] = hash;
    res = PQexecParams(db,
        "UPDATE web_sessions s SET last_seen = now()"
        "  FROM web_accounts a LEFT JOIN counties c ON c.fips = a.fips"
        " WHERE s.token_sha256 = $1 AND a.account_id = s.account_id AND NOT a.disabled"
        "   AND s.last_seen > now() - interval '" IDLE_LIMIT "'"
        "   AND s.created_at > now() - interval '" ABSOLUTE_LIMIT "'"
        " RETURNING a.account_id, a.name, a.role, coalesce(a.fips, ''),"
        "           coalesce(c.name, ''), s.csrf",
        1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        s->account_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        snprintf(s->account, sizeof s->account, "%s", PQgetvalue(res, 0, 1));
        s->role = role_parse(PQgetvalue(res, 0, 2));
        snprintf(s->fips, sizeof s->fips, "%s", PQgetvalue(res, 0, 3));
        snprintf(s->county, sizeof s->county, "%s", PQgetvalue(res, 0, 4));
        snprintf(s->csrf, sizeof s->csrf, "%s", PQgetvalue(res, 0, 5));
        snprintf(s->token_sha256, sizeof s->token_sha256, "%s", hash);
        s->valid = s->role != WEB_ROLE_NONE;
    } else if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "prevalence serve: session lookup: %s", PQerrorMessage(db));
    }
    PQclear(res);
}

bool web_csrf_ok(const struct web_request *r)
{
    const char *f = web_field(r, "csrf");
    return r->session.valid && f != NULL && is_hex64(f)
           && prev_equal_secret(f, r->session.csrf);
}

static void login_form(struct web_request *r, struct web_reply *rep, const char *message)
{
    char token[65];
    prev_random_hex(32, token);
    /* Before a session there is no server-side token: the form's token
     * must equal a cookie only this site can set (double submit). */
    add_cookie(r, rep, WEB_LOGIN_COOKIE, token, false);
    web_page_begin(rep->out, NULL, "Sign in");
    fputs("<h1>Sign in</h1>\n", rep->out);
    if (message != NULL) {
        fputs("<p class=\"bad\" id=\"login-error\">", rep->out);
        web_html(rep->out, message);
        fputs("</p>\n", rep->out);
    }
    fprintf(rep->out, "<form method=\"post\" action=\"/login\" class=\"box\">\n"
            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
            "<label>Account <input name=\"name\" id=\"name\" autocomplete=\"username\" "
            "required maxlength=\"63\"></label>\n"
            "<label>Password <input type=\"password\" name=\"password\" id=\"password\" "
            "autocomplete=\"current-password\" required maxlength=\"1024\"></label>\n"
            "<button type=\"submit\" id=\"signin\">Sign in</button>\n</form>\n", token);
    web_page_end(rep->out);
}

void web_page_login_get(struct web_request *r, struct web_reply *rep)
{
    login_form(r, rep, NULL);
}

static void audit_login(struct web_request *r, PGconn *db, const char *account,
                        const char *action, const char *result)
{
    struct db_audit_entry e = {account, r->client, action, 0, NULL, 0, result};
    struct prev_error err;
    prev_error_clear(&err);
    if (db_audit(db, &e, &err) != 0)
        fprintf(stderr, "prevalence serve: cannot write the audit log (%s): %s\n", action,
                err.msg);
}

void web_page_login_post(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
                                                     WEB_LOGIN_COOKIE);
    const char *form = web_field(r, "csrf");
    const char *name = web_field(r, "name"), *pw = web_field(r, "password");
    const char *params[4];
    PGresult *res = NULL;
    char token[65], hash[65], csrf[65], known[64] = "";
    bool ok = false;

    if (!is_hex64(cookie) || !is_hex64(form) || !prev_equal_secret(cookie, form)) {
        audit_login(r, db, "", "denied", "403 login csrf");
        web_error_page(r, rep, MHD_HTTP_FORBIDDEN,
                       "This sign-in form is out of date; open the sign-in page again.");
        return;
    }
    if (name == NULL || pw == NULL || name[0] == '\0' || strlen(name) > 63
        || strlen(pw) > PREV_PASSWORD_MAX) {
        rep->status = MHD_HTTP_UNAUTHORIZED;
        login_form(r, rep, "Give your account name and password.");
        return;
    }
    res = PQexecParams(db, "SELECT account_id, password_hash, disabled FROM web_accounts"
                           " WHERE name = $1", 1, NULL, &name, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        web_error_page(r, rep, MHD_HTTP_SERVICE_UNAVAILABLE, "The database failed; try again.");
        goto done;
    }
    /* Failures are counted under the account's name only when it exists:
     * a password typed into the name field never reaches the log. */
    if (PQntuples(res) == 1)
        snprintf(known, sizeof known, "%s", name);
    {
        PGresult *t;
        params[0] = known;
        params[1] = r->client;
        params[2] = THROTTLE_WINDOW;
        t = PQexecParams(db, "SELECT by_account, by_client FROM"
                             " prevalence_web_login_failures($1, $2, $3::interval)",
                         3, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(t) != PGRES_TUPLES_OK) {
            PQclear(t);
            web_error_page(r, rep, MHD_HTTP_SERVICE_UNAVAILABLE,
                           "The database failed; try again.");
            goto done;
        }
        if ((known[0] != '\0' && atol(PQgetvalue(t, 0, 0)) >= THROTTLE_FAILURES)
            || atol(PQgetvalue(t, 0, 1)) >= THROTTLE_FAILURES) {
            PQclear(t);
            audit_login(r, db, known, "login_throttled", "429");
            rep->status = MHD_HTTP_TOO_MANY_REQUESTS;
            login_form(r, rep, "Too many failed sign-ins; wait five minutes and try again.");
            goto done;
        }
        PQclear(t);
    }
    if (known[0] != '\0') {
        ok = prev_password_verify(PQgetvalue(res, 0, 1), pw)
             && strcmp(PQgetvalue(res, 0, 2), "f") == 0;
    } else {
        pthread_once(&dummy_once, make_dummy);
        (void)prev_password_verify(dummy, pw);
    }
    if (!ok) {
        audit_login(r, db, known, "login_failed", "401");
        rep->status = MHD_HTTP_UNAUTHORIZED;
        login_form(r, rep, "Wrong account name or password (or the account is disabled).");
        goto done;
    }
    prev_random_hex(32, token);
    prev_random_hex(32, csrf);
    if (sha256_hex(token, hash) != 0) {
        web_error_page(r, rep, MHD_HTTP_INTERNAL_SERVER_ERROR, "Internal error.");
        goto done;
    }
    PQclear(PQexec(db, "DELETE FROM web_sessions WHERE last_seen < now() - interval '"
                       IDLE_LIMIT "' OR created_at < now() - interval '" ABSOLUTE_LIMIT "'"));
    params[0] = hash;
    params[1] = PQgetvalue(res, 0, 0);
    params[2] = csrf;
    {
        PGresult *ins = PQexecParams(db, "INSERT INTO web_sessions (token_sha256, account_id,"
                                         " csrf) VALUES ($1, $2, $3)",
                                     3, NULL, params, NULL, NULL, 0);
        bool inserted = PQresultStatus(ins) == PGRES_COMMAND_OK;
        PQclear(ins);
        if (!inserted) {
            web_error_page(r, rep, MHD_HTTP_SERVICE_UNAVAILABLE,
                           "The database failed; try again.");
            goto done;
        }
    }
    audit_login(r, db, known, "login", "ok");
    add_cookie(r, rep, WEB_COOKIE, token, false);
    add_cookie(r, rep, WEB_LOGIN_COOKIE, "", true);
    web_redirect(rep, "/");
done:
    PQclear(res);
}

void web_page_logout(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    const char *params[1] = {r->session.token_sha256};
    PGresult *res = PQexecParams(db, "DELETE FROM web_sessions WHERE token_sha256 = $1", 1,
                                 NULL, params, NULL, NULL, 0);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    web_pending_drop_session(r->srv, r->session.token_sha256);
    web_audit(r, db, "logout", 0, NULL, 0, ok ? "ok" : "failed");
    add_cookie(r, rep, WEB_COOKIE, "", true);
    web_redirect(rep, "/login");
}
