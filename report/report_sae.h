#ifndef REP_REPORT_SAE_H
#define REP_REPORT_SAE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "prev_error.h"
#include "suppress.h"

/* Model-based (small-area) estimates in the Council report: which of them
 * may be published next to the direct estimates, their table cells, their
 * marks in the forest plot, and the report's words about them
 * (docs/methods.md, "Small-cell protection", "Model-based estimates").
 * Pure: plain structs in, cells out; writers print to the FILE * given. */

/* The model behind the report, as the command fitted it. */
struct rep_report_sae {
    bool requested;                 /* small-area estimates wanted (report's default) */
    bool on;                        /* the model was fitted: the fields below are set */
    struct an_sae_options opt;
    struct an_sae_covariates cov;   /* aligned with the report's rows; ncols 0: intercept only */
    const struct an_sae_row *rows;          /* one per row of the report's measure */
    const struct an_sae_row *officer_rows;  /* one per officer_any row (estimates.json) */
    size_t counties;                /* in the state */
    size_t m;                       /* with respondents: in the fit */
    size_t n_gvf;                   /* of them with a smoothed (GVF) sampling variance */
    size_t n_synthetic;             /* without respondents: the model's prediction alone */
    double sigma2_u;
    bool at_boundary, converged;
    char covariates_file[256];      /* base name; "" when intercept only */
    char covariates_sha256[65];
    char fallback[200];             /* requested but not on: why (a note in the report) */
};

/* Columns appended to tables/county_estimates.csv with the model (a public
 * contract, docs/commands/report.md). */
enum rep_pub_sae_col {
    REP_PUB_SAE_ESTIMATE,      /* percent, one decimal */
    REP_PUB_SAE_CI_LOW,
    REP_PUB_SAE_CI_HIGH,
    REP_PUB_SAE_FLAG,          /* present, review, suppress, x, - */
    REP_PUB_SAE_NCOLS
};

extern const char *const rep_pub_sae_col_names[REP_PUB_SAE_NCOLS];

/* What a county's model-based cells show. */
enum rep_sae_shown {
    REP_SAE_SHOWN,             /* the estimate and its interval */
    REP_SAE_NO_MODEL,          /* "-": the state, or no model */
    REP_SAE_UNRELIABLE,        /* "*": flagged suppress on its MSE (an_sae_presentable) */
    REP_SAE_HIDDEN_OWN,        /* "x": it would give back the county's own small count */
    REP_SAE_HIDDEN_OTHER       /* "x": it would narrow a small count elsewhere too far */
};

struct rep_pub_sae_row {
    char cell[REP_PUB_SAE_NCOLS][48];
    enum rep_sae_shown shown;
    bool plotted;                     /* shown: drawn in the figures */
    double estimate, ci_low, ci_high; /* the model's numbers, when plotted */
    char reasons[320];                /* the model's flag reasons, for "*" and review */
};

/* Decide which model-based estimates may be shown, on plain arrays.
 * rows[0..ncounties] the direct estimate rows (the state last), cells their
 * marks from rep_protect_table, sae the model fitted to rows with cov and
 * opt (refitted here with hidden counts changed). out[i] for every row.
 *
 * A shown model-based estimate is taken to publish its county's count, so
 * a county hidden for a small count (or total) gets "x", and one whose
 * model-based interval fails the NCHS width rules "*". Then the reader is
 * played: hidden counties are linked when other counts, within their
 * symbols and with Arizona's sum, make the refitted model print every
 * published model-based cell the same (a witness); a linked group may
 * reveal its sum, an unlinked county its count, and neither may be small.
 * While that fails, one model-based estimate more is hidden ("x").
 * Returns 0, or an error code with err filled (out of memory, or the
 * refit does not reproduce sae: an internal error). */
int rep_sae_protect(const struct an_estimate_row *rows, size_t ncounties,
                   const struct rep_protect_cells *cells, long min_cell,
                   const struct an_sae_row *sae, const struct an_sae_covariates *cov,
                   const struct an_sae_options *opt, enum rep_sae_shown *out,
                   struct prev_error *err);

/* The cells and notes of one row from its decision. */
void rep_sae_format(const struct an_sae_row *m, enum rep_sae_shown shown,
                   struct rep_pub_sae_row *out);

struct rep_pub_table;
struct rep_report_input;

/* Fill t's model-based cells (t->has_sae, t->sae[], the notes f, g, h) for
 * the report's measure. t was published by rep_publish_table from
 * in->rows. Nothing happens unless in->sae.on. Returns 0 or an error
 * code with err filled. */
int rep_publish_sae(const struct rep_report_input *in, struct rep_pub_table *t,
                   struct prev_error *err);

/* ---- words and marks (report_sae.c) --------------------------------------- */

/* The text of the notes REP_NOTE_SAE_NCHS, REP_NOTE_SAE_PROTECT and
 * REP_NOTE_SAE_REVIEW. */
void rep_sae_note_text(int note, long min_cell, char *buf, size_t size);

/* HTML: the sentence above the county table, the methods subsection on the
 * model (from the parameters in in->sae), and the paragraph on how its
 * estimates are protected. Nothing when the model is off. */
void rep_sae_write_intro_html(FILE *out, const struct rep_report_input *in);
void rep_sae_write_methods_html(FILE *out, const struct rep_report_input *in);
void rep_sae_write_protection_html(FILE *out, const struct rep_report_input *in,
                                  const struct rep_pub_table *t);

/* SVG forest plot: the legend (direct = filled square and solid line,
 * model-based = open diamond and dashed line) at (x, y), and one
 * model-based interval (class "ci-model") at row height y. */
#define REP_SAE_FOREST_LEGEND_H 22
void rep_sae_forest_legend(FILE *out, double x, double y);
void rep_sae_forest_mark(FILE *out, const struct rep_pub_sae_row *s, const char *county,
                        const char *fips, double left, double scale, double y);

#endif
