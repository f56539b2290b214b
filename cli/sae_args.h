#ifndef PREV_SAE_ARGS_H
#define PREV_SAE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "analysis.h"

/* The small-area options that `estimate` and `report` share (--small-area,
 * --sae-fit, --covariates, --sae-transform, --diagnostics; report also
 * --no-small-area) and fitting the model with them: one parser, one reading
 * of the covariates file, so the two commands cannot drift. */

enum {
    SAE_OPT_SMALL_AREA = 0x100, SAE_OPT_NO_SMALL_AREA, SAE_OPT_FIT, SAE_OPT_COVARIATES,
    SAE_OPT_TRANSFORM, SAE_OPT_DIAGNOSTICS
};

/* Entries for a command's getopt_long table. */
#define SAE_ARGS_LONGOPTS                                              \
    {"small-area", no_argument, NULL, SAE_OPT_SMALL_AREA},             \
    {"sae-fit", required_argument, NULL, SAE_OPT_FIT},                 \
    {"covariates", required_argument, NULL, SAE_OPT_COVARIATES},       \
    {"sae-transform", required_argument, NULL, SAE_OPT_TRANSFORM},     \
    {"diagnostics", no_argument, NULL, SAE_OPT_DIAGNOSTICS}
/* Only for a command where the model is on by default (report). */
#define SAE_ARGS_LONGOPT_OFF {"no-small-area", no_argument, NULL, SAE_OPT_NO_SMALL_AREA}

struct sae_args {
    bool default_on;          /* the command fits the model unless told not to */
    bool small_area;          /* fit the model (after sae_args_finish) */
    bool explicit_on;         /* --small-area given: a model that cannot be fitted is an error */
    bool explicit_off;        /* --no-small-area given */
    bool option_given;        /* --sae-fit, --covariates, --sae-transform or --diagnostics */
    bool diagnostics;
    enum an_fh_method fit;
    enum an_sae_transform transform;
    const char *covariates;   /* or NULL */
};

void sae_args_init(struct sae_args *a, bool default_on);

/* c is what cli_getopt returned. Returns false when c is not a small-area
 * option; else true with *rc 0, or PREV_EX_USAGE after printing the error. */
bool sae_args_option(const char *cmd, int c, const char *arg, struct sae_args *a, int *rc);

/* After the option loop: decide a->small_area, reject contradictions.
 * Returns 0 or PREV_EX_USAGE (printed). */
int sae_args_finish(const char *cmd, struct sae_args *a);

/* The covariates file, read once, and its values aligned with a block of
 * rows (a measure's counties, then the state). */
struct sae_args_covariates {
    bool loaded;
    struct an_covariates file;
    const char *names[AN_COV_MAX_COLS];
    double *values;           /* block * file.ncols */
    size_t block;
    char sha256[65];          /* of the file as read */
};

/* Read a->covariates (nothing when NULL) for blocks of `block` rows.
 * Free c with sae_args_covariates_free, also after a failure. Returns 0 or
 * an error code (66 unreadable, 65 malformed) with err filled. */
int sae_args_read_covariates(const struct sae_args *a, size_t block,
                             struct sae_args_covariates *c, struct prev_error *err);
void sae_args_covariates_free(struct sae_args_covariates *c);

/* Fit the model to one block rows[0..block) into sae[0..block), with the
 * covariates aligned to these rows (c may be unloaded: intercept only);
 * with --diagnostics print them on stderr, labelled "prevalence CMD".
 * view (may be NULL) receives the aligned covariates as the model saw them;
 * it points into c. summary is filled on success (free it with
 * an_sae_summary_free). Returns 0 or an_sae_compute's error. */
int sae_args_fit_block(const char *cmd, const struct sae_args *a,
                       struct sae_args_covariates *c, const struct an_estimate_row *rows,
                       size_t block, struct an_sae_row *sae, struct an_sae_covariates *view,
                       struct an_sae_summary *summary, struct prev_error *err);

#endif
