/* Small-area options shared by `estimate`, `report` and `publish`; the
 * model itself is fitted by the library (report/sae_fit.c). */
#include "sae_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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

struct rep_sae_request sae_args_request(const char *cmd, const struct sae_args *a)
{
    static char label[64];

    snprintf(label, sizeof label, "prevalence %s", cmd);
    return (struct rep_sae_request){
        .small_area = a->small_area,
        .insist = a->explicit_on || a->option_given,
        .fit = a->fit,
        .transform = a->transform,
        .covariates = a->covariates,
        .diagnostics = a->diagnostics ? stderr : NULL,
        .label = label,
    };
}
