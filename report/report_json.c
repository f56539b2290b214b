/* published.json (public: the published cells only) and estimates.json
 * (for analysts, written only outside the public folder with --internal).
 * estimates.json: for analysts, not for publication. The document is the
 * one `prevalence estimate --format json` prints for the two measures
 * (estimate_output.c builds and writes it, so columns and number form
 * cannot drift), with a "manifest" saying where the numbers came from. */
#include "report_model.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "estimate_output.h"

/* The small-area model's parameters, so that `prevalence estimate
 * --small-area` with the same options reproduces the sae_* fields. */
static bool sae_parameters(json_t *params, const struct rep_report_sae *s, bool public)
{
    json_t *names = NULL, *file = NULL;
    bool ok = json_object_set_new(params, "small_area", json_boolean(s->on)) == 0;

    if (ok && s->requested && !s->on)
        ok = json_object_set_new(params, "small_area_note", json_string(s->fallback)) == 0;
    if (!ok || !s->on)
        return ok;
    ok = json_object_set_new(params, "sae_fit",
                             json_string(an_fh_method_name(s->opt.method))) == 0 &&
         json_object_set_new(params, "sae_transform",
                             json_string(an_sae_transform_name(s->opt.transform))) == 0 &&
         (names = json_array()) != NULL &&
         json_object_set_new(params, "sae_covariates", names) == 0;
    for (size_t j = 0; ok && j < s->cov.ncols; j++)
        ok = json_array_append_new(names, json_string(s->cov.names[j])) == 0;
    if (ok && s->covariates_file[0] != '\0')
        ok = (file = json_object()) != NULL &&
             json_object_set_new(params, "sae_covariates_file", file) == 0 &&
             (public || json_object_set_new(file, "file_name",
                                            json_string(s->covariates_file)) == 0) &&
             json_object_set_new(file, "sha256", json_string(s->covariates_sha256)) == 0;
    else if (ok)
        ok = json_object_set_new(params, "sae_covariates_file", json_null()) == 0;
    return ok;
}

/* public: for published.json, batches by number and sha256 prefix only
 * (a file name is never published, docs/security.md). */
static json_t *manifest(const struct rep_report_input *in, bool public)
{
    char prefix[16];

    json_t *m = json_object(), *params = json_object(), *batches = json_array();
    bool ok = m != NULL && params != NULL && batches != NULL;

    ok = ok && json_object_set_new(m, "tool", json_string("prevalence")) == 0 &&
         json_object_set_new(m, "version", json_string(in->tool_version)) == 0;
    if (ok && in->git_commit[0] != '\0')
        ok = json_object_set_new(m, "git_commit", json_string(in->git_commit)) == 0;
    /* synthetic.c's rule: a file of sample-data/ behind the numbers */
    ok = ok && json_object_set_new(m, "synthetic", json_boolean(rep_report_synthetic(in))) == 0;
    if (ok && rep_report_synthetic(in))
        ok = json_object_set_new(m, "data_note", json_string(REP_SYNTHETIC_BANNER)) == 0;
    ok = ok && json_object_set_new(m, "generated_at", json_string(in->generated_at)) == 0 &&
         json_object_set_new(m, "data_as_of", json_string(in->data_as_of)) == 0;
    ok = ok && json_object_set_new(params, "survey_year", json_integer(in->survey_year)) == 0 &&
         json_object_set_new(params, "measure", json_string(an_measure_name(in->measure))) == 0 &&
         json_object_set_new(params, "method",
                             json_string(an_design_method_name(in->method))) == 0 &&
         json_object_set_new(params, "level", json_real(in->level)) == 0 &&
         json_object_set_new(params, "lonely_psu",
                             json_string(an_lonely_psu_name(in->lonely))) == 0 &&
         json_object_set_new(params, "min_cell", json_integer(in->min_cell)) == 0 &&
         json_object_set_new(params, "frame", json_boolean(in->has_frame)) == 0;
    if (ok && public)
        ok = json_object_set_new(params, "protection", json_integer(in->protection)) == 0;
    ok = ok && sae_parameters(params, &in->sae, public);
    for (size_t i = 0; ok && i < in->nbatches; i++) {
        const struct rep_batch_info *b = &in->batches[i];
        json_t *o = json_object();
        ok = o != NULL && json_array_append_new(batches, o) == 0 &&
             json_object_set_new(o, "batch_id", json_integer(b->batch_id)) == 0 &&
             json_object_set_new(o, "kind", json_string(b->kind)) == 0 &&
             (public || json_object_set_new(o, "file_name", json_string(b->file_name)) == 0) &&
             json_object_set_new(o, "sha256", json_string(public ? (snprintf(prefix, sizeof prefix,
                                 "%.12s", b->sha256), prefix) : b->sha256)) == 0 &&
             json_object_set_new(o, "row_count", json_integer(b->row_count)) == 0 &&
             json_object_set_new(o, "loaded_at", json_string(b->loaded_at)) == 0;
    }
    ok = ok && json_object_set(m, "parameters", params) == 0 &&
         json_object_set(m, "batches", batches) == 0;
    json_decref(params);
    json_decref(batches);
    if (!ok) {
        json_decref(m);
        return NULL;
    }
    return m;
}

int rep_write_estimates_json(FILE *out, const struct rep_report_input *in,
                            struct prev_error *err)
{
    struct rep_estimate_meta meta;
    struct an_estimate_row *rows = NULL;
    struct an_sae_row *sae = NULL;
    size_t n = in->ncounties + 1;
    json_t *doc = NULL, *m = NULL;
    int rc = 0;

    memset(&meta, 0, sizeof meta);
    meta.survey_year = in->survey_year;
    meta.has_frame = in->has_frame;
    meta.lonely = in->lonely;
    for (size_t i = 0; i < in->nnotes && i < AN_MAX_NOTES; i++) {
        snprintf(meta.notes[i], sizeof meta.notes[i], "%s", in->notes[i]);
        meta.nnotes++;
    }
    if ((rows = calloc(2 * n, sizeof *rows)) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "estimates.json", "out of memory");
        goto done;
    }
    memcpy(rows, in->rows, n * sizeof *rows);
    memcpy(rows + n, in->officer_rows, n * sizeof *rows);
    if (in->sae.on) {
        if ((sae = calloc(2 * n, sizeof *sae)) == NULL) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, "estimates.json", "out of memory");
            goto done;
        }
        memcpy(sae, in->sae.rows, n * sizeof *sae);
        if (in->sae.officer_rows != NULL)
            memcpy(sae + n, in->sae.officer_rows, n * sizeof *sae);
        else
            for (size_t r = n; r < 2 * n; r++)
                an_sae_evaluate(&sae[r], true);   /* "no model-based estimate" */
        meta.sae = sae;
    }
    /* json_object_set_new takes m even when it fails. */
    if ((doc = rep_estimate_json(&meta, rows, 2 * n)) == NULL || (m = manifest(in, false)) == NULL ||
        json_object_set_new(doc, "manifest", m) != 0) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "estimates.json", "cannot build the document");
        goto done;
    }
    rep_estimate_json_write(out, doc);
    if (ferror(out))
        rc = prev_fail(err, PREV_EX_IOERR, "estimates.json", "cannot write");
done:
    free(rows);
    free(sae);
    json_decref(doc);
    return rc;
}

/* One published table as an array of objects, column name -> cell text
 * exactly as tables/NAME.csv prints it. */
static json_t *table_json(const struct rep_pub_table *t)
{
    json_t *a = json_array();
    bool ok = a != NULL;

    for (size_t i = 0; ok && i < t->nrows; i++) {
        json_t *o = json_object();
        ok = o != NULL && json_array_append_new(a, o) == 0;
        for (int c = 0; ok && c < REP_PUB_NCOLS; c++)
            ok = json_object_set_new(o, rep_pub_col_names[c],
                                     json_string(t->row[i].cell[c])) == 0;
        for (int c = 0; ok && t->has_sae && c < REP_PUB_SAE_NCOLS; c++)
            ok = json_object_set_new(o, rep_pub_sae_col_names[c],
                                     json_string(t->sae[i].cell[c])) == 0;
    }
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int rep_write_published_json(FILE *out, const struct rep_report_input *in,
                             const struct rep_pub_table *main,
                             const struct rep_pub_table *officers, struct prev_error *err)
{
    json_t *doc = json_object(), *m = NULL, *t1 = NULL, *t2 = NULL;
    int rc = 0;

    if (doc == NULL || (m = manifest(in, true)) == NULL ||
        json_object_set_new(doc, "manifest", m) != 0 || (t1 = table_json(main)) == NULL ||
        json_object_set_new(doc, "county_estimates", t1) != 0 ||
        (t2 = table_json(officers)) == NULL ||
        json_object_set_new(doc, "officer_measure", t2) != 0) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "published.json", "cannot build the document");
        goto done;
    }
    if (json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', out) == EOF ||
        ferror(out))
        rc = prev_fail(err, PREV_EX_IOERR, "published.json", "cannot write");
done:
    json_decref(doc);
    return rc;
}
