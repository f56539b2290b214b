/* Fitting the small-area (Fay-Herriot) model for `estimate`, `report`,
 * `publish` and the web service's report: the covariates file read once
 * (capped like every input, its sha256 for the manifest), aligned with a
 * block of rows, and the model fitted to it. One function for every front
 * end, so a report from the web and from the command line cannot differ. */
#include "sae_fit.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_file.h"
#include "report_query.h"
#include "sae_output.h"
#include "sha256.h"

/* sha256 of the file, for the report's manifest. */
static int hash_file(const char *path, char hex[65], struct prev_error *err)
{
    static const struct prev_input_limits limits = {
        "covariates file", PREV_COVARIATES_MAX_BYTES, PREV_COVARIATES_MAX_LINES,
        PREV_COVARIATES_MAX_LINE};
    struct prev_sha256 *h = NULL;
    struct prev_input in;
    bool in_open = false;
    FILE *fp = NULL;
    unsigned char buf[8192];
    size_t n;
    int rc = 0;

    /* read a second time, so capped (and time-limited) the same way */
    if ((rc = prev_input_open(&in, path, &limits, err)) != 0)
        goto done;
    in_open = true;
    fp = in.fp;
    if ((h = prev_sha256_new()) == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, path, "out of memory");
        goto done;
    }
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        if (prev_sha256_update(h, buf, n) != 0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, path, "sha256 failed");
            goto done;
        }
    if (ferror(fp)) {
        if ((rc = prev_input_limit_error(&in, err)) == 0)
            rc = prev_fail(err, PREV_EX_IOERR, path, "cannot read: %s", strerror(errno));
        goto done;
    }
    rc = prev_sha256_final(h, hex) == 0 ? 0
         : prev_fail(err, PREV_EX_SOFTWARE, path, "sha256 failed");
    h = NULL;
done:
    if (h != NULL)
        prev_sha256_final(h, hex);
    if (in_open)
        prev_input_close(&in);
    return rc;
}

int rep_sae_covariates_read(const char *path, size_t block, struct rep_sae_covariates *c,
                            struct prev_error *err)
{
    int rc;

    memset(c, 0, sizeof *c);
    if (path == NULL)
        return 0;
    c->loaded = true;
    if ((rc = an_covariates_read(path, &c->file, err)) != 0)
        return rc;
    if ((rc = hash_file(path, c->sha256, err)) != 0)
        return rc;
    if ((c->values = malloc(block * c->file.ncols * sizeof *c->values)) == NULL)
        return prev_fail(err, PREV_EX_OSERR, "", "out of memory");
    c->block = block;
    for (size_t j = 0; j < c->file.ncols; j++)
        c->names[j] = c->file.names[j];
    return 0;
}

void rep_sae_covariates_free(struct rep_sae_covariates *c)
{
    if (c->loaded)
        an_covariates_free(&c->file);
    free(c->values);
    memset(c, 0, sizeof *c);
}

int rep_sae_fit_block(const struct rep_sae_request *rq, struct rep_sae_covariates *c,
                      const struct an_estimate_row *rows, size_t block, struct an_sae_row *sae,
                      struct an_sae_covariates *view, struct an_sae_summary *summary,
                      struct prev_error *err)
{
    struct an_sae_covariates cov = {0, NULL, NULL};
    struct an_sae_options opt = {rq->fit, rq->transform, rows[0].level};
    int rc;

    memset(summary, 0, sizeof *summary);
    if (c->loaded) {
        if (block != c->block)
            return prev_fail(err, PREV_EX_SOFTWARE, "", "covariates read for %zu rows, not %zu",
                             c->block, block);
        if ((rc = an_covariates_align(&c->file, rows, block, c->values, err)) != 0)
            return rc;
        cov = (struct an_sae_covariates){c->file.ncols, c->names, c->values};
    }
    if (view != NULL)
        *view = cov;
    if ((rc = an_sae_compute(rows, block, c->loaded ? &cov : NULL, &opt, sae, summary, err)) != 0)
        return rc;
    if (rq->diagnostics != NULL) {
        fprintf(rq->diagnostics, "%s: measure %s\n", rq->label, an_measure_name(rows[0].measure));
        if ((rc = rep_sae_write_diagnostics(rq->diagnostics, summary, rows, sae, block, err)) != 0)
            return rc;
    }
    return 0;
}

/* The summary's numbers the report's methods text and manifest need. */
static void take_summary(const struct an_sae_summary *s, const struct an_sae_row *rows,
                         size_t n, struct rep_report_sae *out)
{
    out->counties = s->counties;
    out->m = s->m;
    out->n_gvf = s->n_gvf;
    out->n_synthetic = 0;
    for (size_t i = 0; i < n; i++)
        out->n_synthetic += rows[i].synthetic ? 1 : 0;
    out->sigma2_u = s->fit.sigma2_u;
    out->at_boundary = s->fit.at_boundary;
    out->converged = s->fit.converged;
}

int rep_report_sae_fit(const struct rep_sae_request *rq, struct rep_report_data *d,
                       struct rep_sae_fit *f, struct prev_error *err)
{
    struct rep_report_input *in = &d->in;
    struct rep_report_sae *s = &in->sae;
    struct an_sae_summary summary;
    struct prev_error fit_err;
    size_t n = in->ncounties + 1;
    char path[256];
    int rc;

    memset(&summary, 0, sizeof summary);
    memset(s, 0, sizeof *s);
    memset(f, 0, sizeof *f);
    if (!rq->small_area)
        return 0;
    s->requested = true;
    s->opt = (struct an_sae_options){rq->fit, rq->transform, in->level};
    if ((rc = rep_sae_covariates_read(rq->covariates, n, &f->cov, err)) != 0)
        goto done;
    prev_error_clear(&fit_err);
    rc = rep_sae_fit_block(rq, &f->cov, in->rows, n, f->rows, &s->cov, &summary, &fit_err);
    if (rc == PREV_EX_DATA && !rq->insist) {
        /* The default must not stop a report: say why there is no model. */
        snprintf(s->fallback, sizeof s->fallback, "%.190s", fit_err.msg);
        if (in->nnotes < REP_REPORT_MAX_NOTES)
            snprintf(in->notes[in->nnotes++], sizeof in->notes[0],
                     "no model-based estimates: %.170s", fit_err.msg);
        rc = 0;
        goto done;
    }
    if (rc != 0) {
        *err = fit_err;
        goto done;
    }
    s->on = true;
    s->rows = f->rows;
    take_summary(&summary, f->rows, n, s);
    an_sae_summary_free(&summary);
    if (rq->covariates != NULL) {
        snprintf(path, sizeof path, "%s", rq->covariates);
        snprintf(s->covariates_file, sizeof s->covariates_file, "%s", basename(path));
        snprintf(s->covariates_sha256, sizeof s->covariates_sha256, "%s", f->cov.sha256);
    }
    /* officer_any only feeds estimates.json; without a model there its
     * rows say "no model-based estimate". */
    prev_error_clear(&fit_err);
    rc = rep_sae_fit_block(rq, &f->cov, in->officer_rows, n, f->officer_rows, NULL, &summary,
                           &fit_err);
    if (rc == PREV_EX_DATA) {
        for (size_t i = 0; i < n; i++) {
            memset(&f->officer_rows[i], 0, sizeof f->officer_rows[i]);
            an_sae_evaluate(&f->officer_rows[i], true);
        }
        if (in->nnotes < REP_REPORT_MAX_NOTES)
            snprintf(in->notes[in->nnotes++], sizeof in->notes[0],
                     "no model-based estimates for officer_any: %.150s", fit_err.msg);
        rc = 0;
    } else if (rc != 0) {
        *err = fit_err;
        goto done;
    }
    s->officer_rows = f->officer_rows;
done:
    an_sae_summary_free(&summary);
    return rc;
}

void rep_sae_fit_free(struct rep_sae_fit *f)
{
    if (f != NULL)
        rep_sae_covariates_free(&f->cov);
}
