/* Small-area options and model fitting shared by `estimate` and `report`. */
#include "sae_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_file.h"
#include "report.h"
#include "sha256.h"

void sae_args_init(struct sae_args *a, bool default_on)
{
    *a = (struct sae_args){
        .default_on = default_on,
        .fit = AN_FH_REML,
        .transform = AN_SAE_TRANSFORM_NONE,
    };
}

bool sae_args_option(const char *cmd, int c, const char *arg, struct sae_args *a, int *rc)
{
    *rc = 0;
    switch (c) {
    case SAE_OPT_SMALL_AREA:
        a->explicit_on = true;
        return true;
    case SAE_OPT_NO_SMALL_AREA:
        a->explicit_off = true;
        return true;
    case SAE_OPT_FIT:
        a->option_given = true;
        if (!an_fh_method_parse(arg, &a->fit))
            *rc = cli_usage_error(cmd, "--sae-fit expects reml or ml, not '%s'", arg);
        return true;
    case SAE_OPT_COVARIATES:
        a->option_given = true;
        a->covariates = arg;
        return true;
    case SAE_OPT_TRANSFORM:
        a->option_given = true;
        if (!an_sae_transform_parse(arg, &a->transform))
            *rc = cli_usage_error(cmd, "--sae-transform expects none or arcsine, not '%s'",
                                  arg);
        return true;
    case SAE_OPT_DIAGNOSTICS:
        a->option_given = true;
        a->diagnostics = true;
        return true;
    default:
        return false;
    }
}

int sae_args_finish(const char *cmd, struct sae_args *a)
{
    if (a->explicit_on && a->explicit_off)
        return cli_usage_error(cmd, "--small-area and --no-small-area contradict each other");
    if (a->option_given && a->explicit_off)
        return cli_usage_error(cmd, "--sae-fit, --covariates, --sae-transform and "
                               "--diagnostics cannot be used with --no-small-area");
    if (a->option_given && !a->explicit_on && !a->default_on)
        return cli_usage_error(cmd, "--sae-fit, --covariates, --sae-transform and "
                               "--diagnostics need --small-area");
    a->small_area = a->explicit_on || (a->default_on && !a->explicit_off);
    return 0;
}

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

int sae_args_read_covariates(const struct sae_args *a, size_t block,
                             struct sae_args_covariates *c, struct prev_error *err)
{
    int rc;

    memset(c, 0, sizeof *c);
    if (a->covariates == NULL)
        return 0;
    c->loaded = true;
    if ((rc = an_covariates_read(a->covariates, &c->file, err)) != 0)
        return rc;
    if ((rc = hash_file(a->covariates, c->sha256, err)) != 0)
        return rc;
    if ((c->values = malloc(block * c->file.ncols * sizeof *c->values)) == NULL)
        return prev_fail(err, PREV_EX_OSERR, "", "out of memory");
    c->block = block;
    for (size_t j = 0; j < c->file.ncols; j++)
        c->names[j] = c->file.names[j];
    return 0;
}

void sae_args_covariates_free(struct sae_args_covariates *c)
{
    if (c->loaded)
        an_covariates_free(&c->file);
    free(c->values);
    memset(c, 0, sizeof *c);
}

int sae_args_fit_block(const char *cmd, const struct sae_args *a,
                       struct sae_args_covariates *c, const struct an_estimate_row *rows,
                       size_t block, struct an_sae_row *sae, struct an_sae_covariates *view,
                       struct an_sae_summary *summary, struct prev_error *err)
{
    struct an_sae_covariates cov = {0, NULL, NULL};
    struct an_sae_options opt = {a->fit, a->transform, rows[0].level};
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
    if (a->diagnostics) {
        fprintf(stderr, "prevalence %s: measure %s\n", cmd, an_measure_name(rows[0].measure));
        if ((rc = rep_sae_write_diagnostics(stderr, summary, rows, sae, block, err)) != 0)
            return rc;
    }
    return 0;
}
