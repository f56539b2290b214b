#ifndef PREV_SAE_ARGS_H
#define PREV_SAE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "analysis.h"
#include "report.h"

/* The small-area options that `estimate`, `report` and `publish` share
 * (--small-area, --sae-fit, --covariates, --sae-transform, --diagnostics;
 * report also --no-small-area): one parser, so the commands cannot drift;
 * the model is fitted by the library (report/sae_fit.h). */

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

/* The library's request for these options (labels diagnostics
 * "prevalence CMD"; the label lives until the next call). */
struct rep_sae_request sae_args_request(const char *cmd, const struct sae_args *a);

#endif
