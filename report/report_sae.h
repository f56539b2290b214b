#ifndef AN_REPORT_SAE_H
#define AN_REPORT_SAE_H

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
struct an_report_sae {
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
enum an_pub_sae_col {
    AN_PUB_SAE_ESTIMATE,      /* percent, one decimal */
    AN_PUB_SAE_CI_LOW,
    AN_PUB_SAE_CI_HIGH,
    AN_PUB_SAE_FLAG,          /* present, review, suppress, x, - */
    AN_PUB_SAE_NCOLS
};

extern const char *const an_pub_sae_col_names[AN_PUB_SAE_NCOLS];

/* What a county's model-based cells show. */
enum an_sae_shown {
    AN_SAE_SHOWN,             /* the estimate and its interval */
    AN_SAE_NO_MODEL,          /* "-": the state, or no model */
    AN_SAE_UNRELIABLE,        /* "*": flagged suppress on its MSE (an_sae_presentable) */
    AN_SAE_HIDDEN_OWN,        /* "x": it would give back the county's own small count */
    AN_SAE_HIDDEN_OTHER       /* "x": it would narrow a small count elsewhere too far */
};

struct an_pub_sae_row {
    char cell[AN_PUB_SAE_NCOLS][48];
    enum an_sae_shown shown;
    bool plotted;                     /* shown: drawn in the figures */
    double estimate, ci_low, ci_high; /* the model's numbers, when plotted */
    char reasons[320];                /* the model's flag reasons, for "*" and review */
};

/* Decide which model-based estimates may be shown, on plain arrays.
 * rows[0..ncounties] the direct estimate rows (the state last), cells their
 * marks from an_protect_table, sae the model fitted to rows with cov and
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
int an_sae_protect(const struct an_estimate_row *rows, size_t ncounties,
                   const struct an_protect_cells *cells, long min_cell,
                   const struct an_sae_row *sae, const struct an_sae_covariates *cov,
                   const struct an_sae_options *opt, enum an_sae_shown *out,
                   struct prev_error *err);

/* The cells and notes of one row from its decision. */
void an_sae_format(const struct an_sae_row *m, enum an_sae_shown shown,
                   struct an_pub_sae_row *out);

struct an_pub_table;
struct an_report_input;

/* Fill t's model-based cells (t->has_sae, t->sae[], the notes f, g, h) for
 * the report's measure. t was published by an_publish_table from
 * in->rows. Nothing happens unless in->sae.on. Returns 0 or an error
 * code with err filled. */
int an_publish_sae(const struct an_report_input *in, struct an_pub_table *t,
                   struct prev_error *err);

/* ---- words and marks (report_sae.c) --------------------------------------- */

/* The text of the notes AN_NOTE_SAE_NCHS, AN_NOTE_SAE_PROTECT and
 * AN_NOTE_SAE_REVIEW. */
void an_sae_note_text(int note, long min_cell, char *buf, size_t size);

/* HTML: the sentence above the county table, the methods subsection on the
 * model (from the parameters in in->sae), and the paragraph on how its
 * estimates are protected. Nothing when the model is off. */
void an_sae_write_intro_html(FILE *out, const struct an_report_input *in);
void an_sae_write_methods_html(FILE *out, const struct an_report_input *in);
void an_sae_write_protection_html(FILE *out, const struct an_report_input *in,
                                  const struct an_pub_table *t);

/* SVG forest plot: the legend (direct = filled square and solid line,
 * model-based = open diamond and dashed line) at (x, y), and one
 * model-based interval (class "ci-model") at row height y. */
#define AN_SAE_FOREST_LEGEND_H 22
void an_sae_forest_legend(FILE *out, double x, double y);
void an_sae_forest_mark(FILE *out, const struct an_pub_sae_row *s, const char *county,
                        const char *fips, double left, double scale, double y);

#endif
