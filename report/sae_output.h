#ifndef REP_SAE_OUTPUT_H
#define REP_SAE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis.h"

/* The columns `prevalence estimate --small-area` appends to every row
 * (public contract, docs/commands/estimate.md), and the --diagnostics
 * block. Output edge of the small-area model: writes only to the stream it
 * is given. */

/* sae_estimate, sae_mse, sae_ci_low, sae_ci_high, sae_weight, sae_variance,
 * sae_variance_source, sae_flag, sae_reasons; NULL-terminated. */
extern const char *const rep_sae_columns[];

enum rep_sae_cell_kind { REP_SAE_CELL_NULL, REP_SAE_CELL_REAL, REP_SAE_CELL_TEXT };

/* Column k of rep_sae_columns for row: a number (full precision is the
 * writer's job), a text, or missing (the state row, or no model). */
enum rep_sae_cell_kind rep_sae_cell(const struct an_sae_row *row, int k, double *num,
                                  const char **text);

/* The diagnostics an analyst needs to judge the model (docs/methods.md,
 * "Diagnostics"): sigma_u^2 and its SE, coefficients, log-likelihood,
 * benchmark ratio, and per county gamma, D_i, its source and the
 * standardized residual. rows/sae are the nrows rows given to
 * an_sae_compute. Returns 0 or PREV_EX_IOERR. */
int rep_sae_write_diagnostics(FILE *out, const struct an_sae_summary *s,
                             const struct an_estimate_row *rows, const struct an_sae_row *sae,
                             size_t nrows, struct prev_error *err);

#endif
