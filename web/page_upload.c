/* /upload: a county's file checked by the collector exactly as `prevalence
 * check` does, every problem shown with its line and column; a clean file
 * kept server-side (private folder, keyed by the session) until its Load
 * button loads it through the collector's own path: whole or nothing,
 * once per sha256, under the per-year load lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "password.h"
#include "web_internal.h"

#define PENDING_SECONDS 3600

static long long now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

void web_remove_upload(const char *path, const char *dir)
{
    if (path != NULL && path[0] != '\0' && unlink(path) != 0 && errno != ENOENT)
        fprintf(stderr, "prevalence serve: cannot remove an upload: %s\n", strerror(errno));
    if (dir != NULL && dir[0] != '\0')
        rmdir(dir);
}

static void pending_free(struct web_pending *p)
{
    web_remove_upload(p->path, p->dir);
    memset(p, 0, sizeof *p);
}

void web_pending_drop_session(struct web_server *s, const char *token_sha256)
{
    pthread_mutex_lock(&s->pending_lock);
    for (size_t i = 0; i < WEB_PENDING_MAX; i++)
        if (s->pending[i].used && strcmp(s->pending[i].token_sha256, token_sha256) == 0)
            pending_free(&s->pending[i]);
    pthread_mutex_unlock(&s->pending_lock);
}

void web_pending_clear(struct web_server *s)
{
    for (size_t i = 0; i < WEB_PENDING_MAX; i++)
        if (s->pending[i].used)
            pending_free(&s->pending[i]);
}

/* Hand the request's file to the store; false when it is full. */
static bool pending_add(struct web_request *r, int kind, char id[33])
{
    struct web_server *s = r->srv;
    struct web_pending *slot = NULL;
    long long now = now_seconds();

    pthread_mutex_lock(&s->pending_lock);
    for (size_t i = 0; i < WEB_PENDING_MAX; i++) {
        struct web_pending *p = &s->pending[i];
        /* one file waiting per session and expired ones go */
        if (p->used && (p->expires < now
                        || strcmp(p->token_sha256, r->session.token_sha256) == 0))
            pending_free(p);
        if (!p->used && slot == NULL)
            slot = p;
    }
    if (slot != NULL) {
        slot->used = true;
        snprintf(slot->token_sha256, sizeof slot->token_sha256, "%s", r->session.token_sha256);
        prev_random_hex(16, slot->id);
        snprintf(slot->path, sizeof slot->path, "%s", r->file_path);
        snprintf(slot->dir, sizeof slot->dir, "%s", r->file_dir);
        snprintf(slot->name, sizeof slot->name, "%s", r->file_name);
        snprintf(slot->fips, sizeof slot->fips, "%s", r->session.fips);
        slot->kind = kind;
        slot->expires = now + PENDING_SECONDS;
        snprintf(id, 33, "%s", slot->id);
        r->file_path[0] = r->file_dir[0] = '\0';     /* the store owns it now */
    }
    pthread_mutex_unlock(&s->pending_lock);
    return slot != NULL;
}

/* Take the session's file with this id out of the store. */
static bool pending_take(struct web_request *r, const char *id, struct web_pending *out)
{
    struct web_server *s = r->srv;
    bool found = false;

    pthread_mutex_lock(&s->pending_lock);
    for (size_t i = 0; i < WEB_PENDING_MAX; i++) {
        struct web_pending *p = &s->pending[i];
        if (p->used && strcmp(p->token_sha256, r->session.token_sha256) == 0
            && prev_equal_secret(p->id, id) && p->expires >= now_seconds()) {
            *out = *p;
            memset(p, 0, sizeof *p);
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&s->pending_lock);
    return found;
}

void web_page_upload_get(struct web_request *r, struct web_reply *rep)
{
    const struct web_session *s = &r->session;
    FILE *out = rep->out;

    web_page_begin(out, s, "Upload");
    fputs("<h1>Upload a survey file</h1>\n", out);
    if (s->role == WEB_ROLE_SPECIALIST) {
        fputs("<p>Your county's responses file (CSV), as described in the codebook. "
              "Only rows of ", out);
        web_html(out, s->county);
        fputs(" are accepted. The file is checked first; nothing is loaded until you "
              "press Load.</p>\n", out);
    } else {
        fputs("<p>A responses file of any county, or the frame file. The file is checked "
              "first; nothing is loaded until you press Load.</p>\n", out);
    }
    fputs("<form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\" "
          "class=\"box\">\n", out);
    web_csrf_field(out, s);
    if (s->role != WEB_ROLE_SPECIALIST)
        fputs("<label>Kind <select name=\"kind\" id=\"kind\"><option>responses</option>"
              "<option>frame</option></select></label>\n", out);
    else
        fputs("<input type=\"hidden\" name=\"kind\" value=\"responses\">\n", out);
    fputs("<label>File <input type=\"file\" name=\"file\" id=\"file\" accept=\".csv,text/csv\" "
          "required></label>\n<button type=\"submit\" id=\"check\">Check the file</button>\n"
          "</form>\n", out);
    web_page_end(out);
}

/* Replace every occurrence of the private path by the file's own name. */
static void show_line(FILE *out, const char *line, const char *path, const char *name)
{
    size_t plen = strlen(path);
    const char *p = line, *hit;
    char *buf = NULL;
    size_t len = 0;
    FILE *tmp = open_memstream(&buf, &len);
    if (tmp == NULL)
        return;
    while ((hit = strstr(p, path)) != NULL) {
        fwrite(p, 1, (size_t)(hit - p), tmp);
        fputs(name, tmp);
        p = hit + plen;
    }
    fputs(p, tmp);
    fclose(tmp);
    web_html(out, buf);
    free(buf);
}

/* The collector's diagnostics ("PATH:LINE:COLUMN: message", "PATH:LINE:
 * message", "PATH: message") as a table. Returns how many rows name
 * another county. */
static size_t problems_table(FILE *out, const char *diag, const char *path, const char *name)
{
    size_t plen = strlen(path), nother = 0, n = 0;
    const char *line = diag;

    fputs("<div class=\"scroll\"><table id=\"problems\">\n<tr><th class=\"n\">Line</th>"
          "<th>Column</th><th>Problem</th></tr>\n", out);
    while (line != NULL && *line != '\0') {
        const char *eol = strchr(line, '\n');
        size_t llen = eol != NULL ? (size_t)(eol - line) : strlen(line);
        char *l = strndup(line, llen);
        const char *p, *col = "", *msg;
        char lineno[24] = "", column[128] = "";
        bool warning;

        line = eol != NULL ? eol + 1 : NULL;
        if (l == NULL)
            break;
        msg = l;
        if (strncmp(l, path, plen) == 0 && l[plen] == ':') {
            p = l + plen + 1;
            if (*p >= '0' && *p <= '9') {
                size_t k = 0;
                while (*p >= '0' && *p <= '9' && k + 1 < sizeof lineno)
                    lineno[k++] = *p++;
                lineno[k] = '\0';
                if (*p == ':')
                    p++;
                if (*p != ' ') {
                    const char *end = strstr(p, ": ");
                    if (end != NULL) {
                        snprintf(column, sizeof column, "%.*s", (int)(end - p), p);
                        col = column;
                        p = end + 1;
                    }
                }
            }
            while (*p == ' ')
                p++;
            msg = p;
        }
        warning = strncmp(msg, "warning: ", 9) == 0;
        if (strstr(msg, "'s rows only") != NULL)
            nother++;
        fprintf(out, "<tr class=\"%s\"><td class=\"n\">%s</td><td>", warning ? "warn" : "bad",
                lineno);
        web_html(out, col);
        fputs("</td><td>", out);
        show_line(out, msg, path, name);
        fputs("</td></tr>\n", out);
        n++;
        free(l);
    }
    fputs("</table></div>\n", out);
    (void)n;
    return nother;
}

static int run_collector(struct web_request *r, PGconn *db, int kind, const char *path,
                         const char *fips, bool load, bool replace, struct col_result *res,
                         char **diag, struct prev_error *err)
{
    struct col_options o;
    size_t dlen = 0;
    FILE *d = open_memstream(diag, &dlen);
    int rc;
    (void)r;

    if (d == NULL)
        return prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
    memset(&o, 0, sizeof o);
    o.kind = (enum col_kind)kind;
    o.load = load;
    o.replace = replace;
    o.diag = d;
    o.file_number = 1;
    o.only_fips = fips[0] != '\0' ? fips : NULL;
    rc = col_process_file(db, &o, path, res, err);
    fclose(d);
    return rc;
}

static void summary(FILE *out, int kind, const struct col_result *res)
{
    fputs("<table id=\"summary\">\n", out);
    fprintf(out, "<tr><th>Rows</th><td class=\"n\" id=\"sum-rows\">%llu</td></tr>\n",
            (unsigned long long)res->rows);
    if (kind == COL_KIND_RESPONSES)
        fprintf(out, "<tr><th>Respondents</th><td class=\"n\">%llu</td></tr>\n"
                "<tr><th>Total caseload</th><td class=\"n\">%llu</td></tr>\n"
                "<tr><th>Confirmed victims</th><td class=\"n\">%llu</td></tr>\n"
                "<tr><th>Suspected victims</th><td class=\"n\">%llu</td></tr>\n",
                (unsigned long long)res->rows, (unsigned long long)res->caseload,
                (unsigned long long)res->confirmed, (unsigned long long)res->suspected);
    fputs("</table>\n", out);
}

static int batch_year(PGconn *db, long long batch)
{
    char id[32];
    const char *params[1] = {id};
    PGresult *res;
    int year = 0;
    snprintf(id, sizeof id, "%lld", batch);
    res = PQexecParams(db, "SELECT min(survey_year) FROM batch_scope WHERE batch_id = $1", 1,
                       NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        year = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return year;
}

void web_page_upload_post(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    const struct web_session *s = &r->session;
    const char *kind_s = web_field(r, "kind");
    enum col_kind kind = COL_KIND_RESPONSES;
    struct col_result res;
    struct prev_error err;
    char *diag = NULL, id[33], result[64];
    FILE *out = rep->out;
    size_t nother;
    int rc;

    prev_error_clear(&err);
    if (!r->file_seen || r->file_path[0] == '\0') {
        web_error_page(r, rep, MHD_HTTP_BAD_REQUEST, "Choose a file to upload.");
        return;
    }
    if (kind_s != NULL && !col_kind_parse(kind_s, &kind)) {
        web_error_page(r, rep, MHD_HTTP_BAD_REQUEST, "Unknown kind of file.");
        return;
    }
    if (kind == COL_KIND_FRAME && s->role == WEB_ROLE_SPECIALIST) {
        web_audit(r, db, "denied", 0, s->fips, 0, "403 frame by a specialist");
        web_error_page(r, rep, MHD_HTTP_FORBIDDEN, "The frame file is sent by JJSD, not by "
                       "a county.");
        return;
    }
    rc = run_collector(r, db, kind, r->file_path, s->fips, false, false, &res, &diag, &err);
    web_page_begin(out, s, "Upload");
    fputs("<h1>Checking ", out);
    web_html(out, r->file_name);
    fputs("</h1>\n", out);
    if (rc != 0) {
        rep->status = rc == PREV_EX_DATA ? MHD_HTTP_UNPROCESSABLE_CONTENT
                                         : MHD_HTTP_INTERNAL_SERVER_ERROR;
        fputs("<p class=\"bad\" id=\"outcome\">", out);
        show_line(out, err.msg, r->file_path, r->file_name);
        fputs("</p>\n", out);
        snprintf(result, sizeof result, "refused (%d)", rc);
        web_audit(r, db, "check", 0, s->fips, 0, result);
        goto end;
    }
    if (!res.valid) {
        nother = problems_table(out, diag, r->file_path, r->file_name);
        fprintf(out, "<p class=\"bad\" id=\"outcome\">%llu error%s: nothing can be loaded. "
                "Correct the file and upload it again.</p>\n", (unsigned long long)res.errors,
                res.errors == 1 ? "" : "s");
        rep->status = nother > 0 ? MHD_HTTP_FORBIDDEN : MHD_HTTP_UNPROCESSABLE_CONTENT;
        snprintf(result, sizeof result, "%s%llu errors", nother > 0 ? "403 other county; " : "",
                 (unsigned long long)res.errors);
        web_audit(r, db, "check", 0, s->fips, 0, result);
        goto end;
    }
    if (res.warnings > 0)
        problems_table(out, diag, r->file_path, r->file_name);
    if (res.already_loaded) {
        fprintf(out, "<p class=\"ok\" id=\"outcome\">This file is already loaded as batch "
                "%lld; nothing to do.</p>\n", (long long)res.batch_id);
        web_audit(r, db, "check", batch_year(db, res.batch_id), s->fips, res.batch_id,
                  "already loaded");
        goto end;
    }
    fputs("<p class=\"ok\" id=\"outcome\">No errors: the file can be loaded.</p>\n", out);
    summary(out, kind, &res);
    if (!pending_add(r, kind, id)) {
        fputs("<p class=\"bad\">The service holds too many files waiting to be loaded; try "
              "again in a few minutes.</p>\n", out);
        rep->status = MHD_HTTP_SERVICE_UNAVAILABLE;
        goto end;
    }
    fprintf(out, "<form method=\"post\" action=\"/upload/load\" class=\"box\">\n"
            "<input type=\"hidden\" name=\"id\" value=\"%s\">\n", id);
    web_csrf_field(out, s);
    fputs("\n<label><input type=\"checkbox\" name=\"replace\" value=\"1\" id=\"replace\"> "
          "This file replaces my earlier file (its counties and years)</label>\n"
          "<button type=\"submit\" id=\"load\">Load</button>\n</form>\n", out);
    web_audit(r, db, "check", 0, s->fips, 0, "ok");
end:
    fputs("<p><a href=\"/upload\">Upload another file</a> · <a href=\"/\">Dashboard</a></p>\n",
          out);
    web_page_end(out);
    free(diag);
}

void web_page_upload_load(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    const struct web_session *s = &r->session;
    const char *id = web_field(r, "id"), *rep_s = web_field(r, "replace");
    bool replace = rep_s != NULL && strcmp(rep_s, "1") == 0;
    struct web_pending p;
    struct col_result res;
    struct prev_error err;
    char *diag = NULL, result[96];
    FILE *out = rep->out;
    int rc, year;

    prev_error_clear(&err);
    if (id == NULL || !pending_take(r, id, &p)) {
        web_error_page(r, rep, MHD_HTTP_NOT_FOUND, "That upload is no longer waiting (it was "
                       "loaded, or it expired); upload the file again.");
        return;
    }
    /* the collector's own path: checked again under the load lock */
    rc = run_collector(r, db, p.kind, p.path, p.fips, true, replace, &res, &diag, &err);
    web_page_begin(out, s, "Load");
    fputs("<h1>Loading ", out);
    web_html(out, p.name);
    fputs("</h1>\n", out);
    if (rc != 0) {
        rep->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        fputs("<p class=\"bad\" id=\"outcome\">Nothing was loaded: ", out);
        show_line(out, err.msg, p.path, p.name);
        fputs("</p>\n", out);
        snprintf(result, sizeof result, "failed (%d)", rc);
        web_audit(r, db, replace ? "replace" : "load", 0, s->fips, 0, result);
    } else if (!res.valid) {
        rep->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
        problems_table(out, diag, p.path, p.name);
        fprintf(out, "<p class=\"bad\" id=\"outcome\">%llu error%s: nothing was loaded.</p>\n",
                (unsigned long long)res.errors, res.errors == 1 ? "" : "s");
        snprintf(result, sizeof result, "%llu errors", (unsigned long long)res.errors);
        web_audit(r, db, replace ? "replace" : "load", 0, s->fips, 0, result);
    } else if (res.already_loaded) {
        fprintf(out, "<p class=\"ok\" id=\"outcome\">Already loaded as batch %lld; nothing "
                "changed.</p>\n", (long long)res.batch_id);
        web_audit(r, db, replace ? "replace" : "load", batch_year(db, res.batch_id), s->fips,
                  res.batch_id, "already loaded");
    } else {
        year = batch_year(db, res.batch_id);
        fprintf(out, "<p class=\"ok\" id=\"outcome\">Loaded %llu row%s as batch %lld",
                (unsigned long long)res.rows, res.rows == 1 ? "" : "s",
                (long long)res.batch_id);
        if (res.replaced > 0)
            fprintf(out, ", replacing %zu earlier batch%s", res.replaced,
                    res.replaced == 1 ? "" : "es");
        fputs(".</p>\n", out);
        summary(out, p.kind, &res);
        snprintf(result, sizeof result, "ok %llu rows%s", (unsigned long long)res.rows,
                 res.replaced > 0 ? ", replaced earlier batches" : "");
        web_audit(r, db, replace ? "replace" : "load", year, s->fips, res.batch_id, result);
        if (year > 0)
            fprintf(out, "<p><a href=\"/?year=%d\" id=\"to-dashboard\">See the dashboard for "
                    "%d</a></p>\n", year, year);
    }
    fputs("<p><a href=\"/upload\">Upload another file</a> · <a href=\"/\">Dashboard</a></p>\n",
          out);
    web_page_end(out);
    web_remove_upload(p.path, p.dir);
    free(diag);
}
