/* /download/...: the year's report.html, its protected tables, and the
 * partner bundle as .tar.gz, built by the same library calls as `prevalence
 * report` and `prevalence export`. Analysts and admins only. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "report.h"
#include "web_internal.h"

static void generated_at(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static la_ssize_t to_stream(struct archive *a, void *cls, const void *buf, size_t len)
{
    (void)a;
    return fwrite(buf, 1, len, cls) == len ? (la_ssize_t)len : -1;
}

/* The bundle's files under one folder, as a gzip'd tar in memory. */
static int tar_gz(const struct rep_outfiles *set, int year, char **out, size_t *outlen)
{
    FILE *fp = open_memstream(out, outlen);
    struct archive *a = NULL;
    struct archive_entry *e = NULL;
    char path[160];
    int rc = -1;
    time_t now = time(NULL);

    if (fp == NULL)
        return -1;
    if ((a = archive_write_new()) == NULL || (e = archive_entry_new()) == NULL)
        goto done;
    if (archive_write_add_filter_gzip(a) != ARCHIVE_OK
        || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK
        || archive_write_open(a, fp, NULL, to_stream, NULL) != ARCHIVE_OK)
        goto done;
    for (size_t i = 0; i < set->n; i++) {
        archive_entry_clear(e);
        snprintf(path, sizeof path, "prevalence-export-%d/%s", year, set->file[i].name);
        archive_entry_set_pathname(e, path);
        archive_entry_set_size(e, (la_int64_t)set->file[i].len);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0600);
        archive_entry_set_mtime(e, now, 0);
        if (archive_write_header(a, e) != ARCHIVE_OK
            || archive_write_data(a, set->file[i].data, set->file[i].len)
                   != (la_ssize_t)set->file[i].len)
            goto done;
    }
    if (archive_write_close(a) != ARCHIVE_OK)
        goto done;
    rc = 0;
done:
    if (e != NULL)
        archive_entry_free(e);
    if (a != NULL)
        archive_write_free(a);
    if (fclose(fp) != 0)
        rc = -1;
    if (rc != 0) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

static const struct rep_outfile *find(const struct rep_outfiles *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->file[i].name, name) == 0)
            return &set->file[i];
    return NULL;
}

void web_page_download(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    const char *what = r->url + strlen("/download/");
    bool bundle = strcmp(what, "export.tar.gz") == 0;
    const char *want = NULL;
    char table_path[64];
    struct rep_report_options opt;
    struct rep_report_data *d = NULL;
    struct rep_outfiles *set = NULL;
    struct rep_sae_fit *fit = NULL;
    struct prev_error err;
    int year = web_year_arg(r), rc = 0;
    char *data = NULL;
    size_t len = 0;

    prev_error_clear(&err);
    if (strcmp(what, "report.html") == 0)
        want = "report.html";
    else if (strcmp(what, "county_estimates.csv") == 0 || strcmp(what, "officer_measure.csv") == 0) {
        /* the report names its tables with the year: NAME_YEAR.csv */
        snprintf(table_path, sizeof table_path, "tables/%.*s_%d.csv",
                 (int)(strlen(what) - 4), what, year);
        want = table_path;
    } else if (!bundle) {
        web_error_page(r, rep, MHD_HTTP_NOT_FOUND, "No such page.");
        return;
    }
    if (r->session.role != WEB_ROLE_ADMIN && r->session.role != WEB_ROLE_ANALYST) {
        web_audit(r, db, "denied", year, r->session.fips, 0, "403 download");
        web_error_page(r, rep, MHD_HTTP_FORBIDDEN, "Downloads are for JJSD's analysts.");
        return;
    }
    if (year == 0) {
        web_error_page(r, rep, MHD_HTTP_BAD_REQUEST, "Which survey year? (?year=2025)");
        return;
    }
    memset(&opt, 0, sizeof opt);
    opt.survey_year = year;
    opt.measure = AN_MEASURE_CONFIRMED;
    opt.method = AN_DESIGN_KORN_GRAUBARD;
    opt.level = 0.95;
    opt.lonely = AN_LONELY_ADJUST;
    opt.min_cell = REP_MIN_CELL_DEFAULT;
    opt.with_microdata = bundle;
    opt.with_trend = !bundle;
    if ((d = calloc(1, sizeof *d)) == NULL || (set = calloc(1, sizeof *set)) == NULL) {
        rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "out of memory");
        goto done;
    }
    if ((rc = rep_report_load(db, &opt, d, &err)) != 0)
        goto done;
    snprintf(d->in.tool_version, sizeof d->in.tool_version, "%s", r->srv->opt.version);
    snprintf(d->in.git_commit, sizeof d->in.git_commit, "%s", r->srv->opt.git_commit);
    generated_at(d->in.generated_at, sizeof d->in.generated_at);
    if (bundle) {
        struct rep_export_input ex = {&d->in, d->responses, d->nresponses, d->frames,
                                      d->nframes};
        if ((rc = rep_export_build(&ex, set, &err)) != 0)
            goto done;
        if (tar_gz(set, year, &data, &len) != 0) {
            rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "cannot build the archive");
            goto done;
        }
        rep->content_type = "application/gzip";
        snprintf(rep->disposition, sizeof rep->disposition,
                 "attachment; filename=\"prevalence-export-%d.tar.gz\"", year);
    } else {
        /* the model-based columns as `prevalence report` makes them by
         * default: one library call, so the two reports cannot differ */
        const struct rep_sae_request rq = {.small_area = true, .insist = false,
                                           .fit = AN_FH_REML,
                                           .transform = AN_SAE_TRANSFORM_NONE};
        const struct rep_outfile *f;
        if ((fit = calloc(1, sizeof *fit)) == NULL) {
            rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "out of memory");
            goto done;
        }
        if ((rc = rep_report_sae_fit(&rq, d, fit, &err)) != 0)
            goto done;
        if ((rc = rep_report_build(&d->in, set, &err)) != 0)
            goto done;
        if ((f = find(set, want)) == NULL || (data = malloc(f->len + 1)) == NULL) {
            rc = prev_fail(&err, PREV_EX_SOFTWARE, "", "%s missing", want);
            goto done;
        }
        memcpy(data, f->data, f->len);
        len = f->len;
        rep->content_type = strstr(want, ".csv") != NULL ? "text/csv; charset=utf-8"
                                                         : "text/html; charset=utf-8";
        if (strstr(want, ".csv") != NULL)
            /* the file's own name, which holds the year */
            snprintf(rep->disposition, sizeof rep->disposition,
                     "attachment; filename=\"%s\"", strchr(want, '/') + 1);
        else
            snprintf(rep->disposition, sizeof rep->disposition,
                     "attachment; filename=\"report-%d.html\"", year);
    }
    rep->file_data = data;
    rep->file_len = len;
    data = NULL;
    web_audit(r, db, "download", year, NULL, 0, what);
done:
    if (rc != 0) {
        char msg[700];
        web_audit(r, db, "download", year, NULL, 0, "failed");
        snprintf(msg, sizeof msg, "Cannot make %s for %d: %s", what, year, err.msg);
        web_error_page(r, rep, rc == PREV_EX_DATA ? MHD_HTTP_NOT_FOUND
                                                  : MHD_HTTP_INTERNAL_SERVER_ERROR, msg);
    }
    free(data);
    if (set != NULL)
        rep_outfiles_free(set);
    free(set);
    if (d != NULL)
        rep_report_data_free(d);
    free(d);
    if (fit != NULL)
        rep_sae_fit_free(fit);
    free(fit);
}
