/* GET /api/v1/status and /api/v1/batches: the JSON of `prevalence status
 * --format json` and `prevalence batches --format json`, from the same
 * library calls, limited to the specialist's county. */
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "json_out.h"
#include "web_internal.h"

static json_t *listing(PGconn *db, int year, bool status, struct prev_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    json_t *doc = NULL;
    json_error_t jerr;
    int rc;

    if (out == NULL) {
        prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory");
        return NULL;
    }
    if (status) {
        /* "nothing is loaded yet" is for a terminal; the page says it itself */
        char *dbuf = NULL;
        size_t dlen = 0;
        FILE *diag = open_memstream(&dbuf, &dlen);
        rc = diag == NULL ? prev_fail(err, PREV_EX_SOFTWARE, "", "out of memory")
                          : col_list_status(db, year, COL_FORMAT_JSON, false, out, diag, err);
        if (diag != NULL)
            fclose(diag);
        free(dbuf);
    } else {
        rc = col_list_batches(db, year, COL_FORMAT_JSON, out, err);
    }
    fclose(out);
    if (rc == 0 && (doc = json_loadb(buf, len, 0, &jerr)) == NULL)
        prev_fail(err, PREV_EX_SOFTWARE, "", "listing: %s", jerr.text);
    if (rc == 0 && doc != NULL && !json_is_array(doc)) {
        json_decref(doc);
        doc = json_array();
    }
    free(buf);
    return doc;
}

json_t *web_status_json(PGconn *db, int year, const char *fips, struct prev_error *err)
{
    json_t *doc = listing(db, year, true, err), *kept;
    size_t i;
    json_t *row;

    if (doc == NULL || fips == NULL || fips[0] == '\0')
        return doc;
    kept = json_array();
    json_array_foreach(doc, i, row) {
        const char *f = json_string_value(json_object_get(row, "fips"));
        if (f != NULL && strcmp(f, fips) == 0)
            json_array_append(kept, row);
    }
    json_decref(doc);
    return kept;
}

json_t *web_batches_json(PGconn *db, int year, const char *fips, struct prev_error *err)
{
    json_t *doc = listing(db, year, false, err), *kept;
    const char *name = NULL;
    size_t i, j;
    json_t *row, *c;

    if (doc == NULL || fips == NULL || fips[0] == '\0')
        return doc;
    int k = col_county_by_fips(fips);
    name = k >= 0 ? col_counties[k].name : "";
    /* a specialist sees the batches that hold their county only */
    kept = json_array();
    json_array_foreach(doc, i, row) {
        json_array_foreach(json_object_get(row, "counties"), j, c) {
            if (json_is_string(c) && strcmp(json_string_value(c), name) == 0) {
                /* of a batch of several counties (the frame), only theirs */
                json_t *own = json_array();
                json_array_append_new(own, json_string(name));
                json_object_set_new(row, "counties", own);
                json_array_append(kept, row);
                break;
            }
        }
    }
    json_decref(doc);
    return kept;
}

static void api(struct web_request *r, PGconn *db, struct web_reply *rep, bool status)
{
    struct prev_error err;
    json_t *doc;

    prev_error_clear(&err);
    rep->content_type = "application/json";
    doc = status ? web_status_json(db, web_year_arg(r), r->session.fips, &err)
                 : web_batches_json(db, web_year_arg(r), r->session.fips, &err);
    if (doc == NULL) {
        rep->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        fputs("{\"error\": \"the database failed\"}\n", rep->out);
        fprintf(stderr, "prevalence serve: %s\n", err.msg);
        return;
    }
    prev_json_write(rep->out, doc);
    fputc('\n', rep->out);
    json_decref(doc);
}

void web_api_status(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    api(r, db, rep, true);
}

void web_api_batches(struct web_request *r, PGconn *db, struct web_reply *rep)
{
    api(r, db, rep, false);
}
