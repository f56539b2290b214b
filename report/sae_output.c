/* Small-area columns and the --diagnostics block. */
#include "sae_output.h"

#include <math.h>
#include <string.h>

const char *const rep_sae_columns[] = {
    "sae_estimate", "sae_mse", "sae_ci_low", "sae_ci_high", "sae_weight", "sae_variance",
    "sae_variance_source", "sae_flag", "sae_reasons", NULL,
};

enum rep_sae_cell_kind rep_sae_cell(const struct an_sae_row *row, int k, double *num,
                                  const char **text)
{
    /* The flag and its reasons are shown for every row, so a reader sees
     * why a row has no model-based estimate. */
    if (k == 7) {
        *text = an_flag_name(row->flag);
        return REP_SAE_CELL_TEXT;
    }
    if (k == 8) {
        *text = row->reasons;
        return REP_SAE_CELL_TEXT;
    }
    if (!row->has_sae)
        return REP_SAE_CELL_NULL;
    switch (k) {
    case 0:
        *num = row->estimate;
        break;
    case 1:
        *num = row->mse;
        break;
    case 2:
        *num = row->ci_low;
        break;
    case 3:
        *num = row->ci_high;
        break;
    case 4:
        *num = row->weight;
        break;
    case 5:
        /* A county without respondents has no sampling variance. */
        if (row->synthetic)
            return REP_SAE_CELL_NULL;
        *num = row->variance;
        break;
    case 6:
        if (row->synthetic) {
            *text = "none";
            return REP_SAE_CELL_TEXT;
        }
        *text = an_sae_variance_source_name(row->variance_source);
        return REP_SAE_CELL_TEXT;
    default:
        return REP_SAE_CELL_NULL;
    }
    return isnan(*num) ? REP_SAE_CELL_NULL : REP_SAE_CELL_REAL;
}

int rep_sae_write_diagnostics(FILE *out, const struct an_sae_summary *s,
                             const struct an_estimate_row *rows, const struct an_sae_row *sae,
                             size_t nrows, struct prev_error *err)
{
    const struct an_fh_fit *f = &s->fit;
    size_t synthetic = 0;

    for (size_t r = 0; r < nrows; r++)
        if (sae[r].synthetic)
            synthetic++;
    fprintf(out, "Small-area model (Fay-Herriot): %s fit, %s scale\n",
            an_fh_method_name(f->method),
            s->transform == AN_SAE_TRANSFORM_NONE ? "proportion" : "arcsine-square-root");
    fprintf(out, "  counties: %zu with respondents in the fit (%zu on the GVF variance), "
                 "%zu synthetic\n",
            s->m, s->n_gvf, synthetic);
    fprintf(out, "  sigma_u^2 = %.6g (SE %.3g)%s; log-likelihood %.6f; %s\n", f->sigma2_u,
            f->sigma2_u_se,
            f->at_boundary ? " at the boundary: every estimate is synthetic" : "",
            f->loglik, f->converged ? "converged" : "NOT converged");
    fprintf(out, "  GVF: p_bar = %.6g, deff_bar = %.4g\n", s->p_bar, s->deff_bar);
    for (size_t j = 0; j < s->ncoef && j < f->p; j++)
        fprintf(out, "  beta %-20s %12.6g (SE %.3g)\n", s->coef_names[j], f->beta[j],
                sqrt(f->beta_cov[j * f->p + j]));
    fprintf(out, "  benchmark ratio (direct / model, %s weights): %.6f\n",
            s->benchmark_by_population ? "youth_total" : "youth_n", s->benchmark_ratio);
    fprintf(out, "  %-12s %8s %12s %-7s %9s\n", "county", "gamma", "D", "source", "std.resid");
    for (size_t r = 0; r < nrows; r++) {
        const struct an_sae_row *o = &sae[r];

        if (!o->has_sae)
            continue;
        if (o->synthetic)
            fprintf(out, "  %-12s %8s %12s %-7s %9s\n", rows[r].county, "0", "-", "none", "-");
        else
            fprintf(out, "  %-12s %8.4f %12.4g %-7s %9.3f\n", rows[r].county, o->weight,
                    o->variance, an_sae_variance_source_name(o->variance_source),
                    o->std_resid);
    }
    if (fflush(out) != 0 || ferror(out))
        return prev_fail(err, PREV_EX_IOERR, "<stderr>", "cannot write the diagnostics");
    return 0;
}
