/* The model-based (Fay-Herriot) estimates' words in the Council report:
 * the introduction, the methods and the protection paragraphs. */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void rep_sae_write_intro_html(FILE *out, const struct rep_report_input *in)
{
    if (!in->sae.on)
        return;
    fputs("<p class=\"model-intro\">The table <em>Model-based estimates</em> below comes "
          "from a "
          "small-area model that combines each county's own answers with the pattern "
          "across all counties (see Methods, \"Model-based estimates\"). They are "
          "estimates of a rate, not counts from the survey, and are shown where they are "
          "reliable and do not reveal a small count; the forest plot draws them as open "
          "diamonds on dashed lines next to the direct estimates.</p>\n", out);
}

static const char *fit_words(enum an_fh_method m)
{
    return m == AN_FH_ML ? "maximum likelihood" : "restricted maximum likelihood (REML)";
}

void rep_sae_write_methods_html(FILE *out, const struct rep_report_input *in)
{
    const struct rep_report_sae *s = &in->sae;

    if (!s->requested)
        return;
    fputs("<h3 id=\"methods-model\">Model-based estimates (small-area model)</h3>\n<p>", out);
    if (!s->on) {
        fputs("Model-based estimates were asked for but not made: ", out);
        rep_html_text(out, s->fallback);
        fputs(". The report shows direct estimates only.</p>\n", out);
        return;
    }
    fputs("Most counties have too few officers for a reliable estimate of their own. Next "
          "to each direct (survey-only) estimate the report therefore gives a model-based "
          "one, from a Fay&ndash;Herriot small-area model (Fay and Herriot 1979; Rao and "
          "Molina 2015). The model assumes that the counties' true shares scatter around ",
          out);
    if (s->cov.ncols == 0) {
        fputs("a common statewide level", out);
    } else {
        fputs("a line in the county covariates ", out);
        for (size_t j = 0; j < s->cov.ncols; j++) {
            fputs(j == 0 ? "<code>" : j + 1 == s->cov.ncols ? " and <code>" : ", <code>", out);
            rep_html_text(out, s->cov.names[j]);
            fputs("</code>", out);
        }
        /* A file is named by its sha256, never by its name (docs/security.md). */
        if (s->covariates_file[0] != '\0')
            fprintf(out, " (covariates file with sha256 <code>%.12s&hellip;</code>)",
                    s->covariates_sha256);
    }
    fprintf(out, ", and estimates from the data how far they scatter: the between-county "
                 "variance, fitted by %s. Each county's model-based estimate is a weighted "
                 "average of its own direct estimate and the model's prediction for it, "
                 "weighted by how precise its own estimate is: a county with many "
                 "respondents keeps almost its own estimate, a county with few is pulled "
                 "towards the prediction. ", fit_words(s->opt.method));
    if (s->opt.transform == AN_SAE_TRANSFORM_ARCSINE)
        fputs("The model works on the arcsine-square-root scale, where the uncertainty of a "
              "share hardly depends on the share itself, and its results are transformed "
              "back with a bias correction. ", out);
    fprintf(out, "This year %zu of the %zu counties had respondents and entered the model",
            s->m, s->counties);
    if (s->n_gvf > 0)
        fprintf(out, "; for %zu of them the county's own sampling variance was too unstable "
                     "to use (fewer than three respondents, every officer answered, or an "
                     "estimate of 0) and a smoothed variance across counties (a generalized "
                     "variance function) took its place", s->n_gvf);
    fputs(". ", out);
    if (s->n_synthetic > 0)
        fprintf(out, "%zu count%s without respondents get%s the model's prediction alone, "
                     "which always calls for review. ", s->n_synthetic,
                s->n_synthetic == 1 ? "y" : "ies", s->n_synthetic == 1 ? "s" : "");
    if (s->at_boundary)
        fputs("The between-county variance was estimated as 0: the counties differ no more "
              "than sampling error explains, so every model-based estimate equals the "
              "model's prediction. ", out);
    if (!s->converged)
        fputs("The fit did not converge this year, so every model-based estimate is "
              "suppressed. ", out);
    fprintf(out, "Intervals (%.0f%%) come from the model's mean squared error (Prasad and Rao "
                 "1990). The NCHS width thresholds apply to them as to direct estimates, "
                 "without the sample-size rule (carrying small counties is what the model is "
                 "for): an interval still too wide reads <strong>*</strong>. A model-based "
                 "estimate borrows strength from the other counties and is pulled towards "
                 "their level; it does not replace a county's own count where that is what "
                 "is needed.</p>\n", s->opt.level * 100);
}

void rep_sae_write_protection_html(FILE *out, const struct rep_report_input *in,
                                  const struct rep_pub_table *t)
{
    if (!in->sae.on)
        return;
    fprintf(out, "<p>Model-based estimates are rates, but not anonymous ones: a county's "
                 "model-based estimate moves with its own count of victims, by as much as a "
                 "percentage point per victim in a small county, and the model's parameters "
                 "can be rebuilt from what is published, so the count could be worked back "
                 "from it. A model-based estimate is therefore shown only where the county's "
                 "count may be known: it is 0 or %ld or more (otherwise the cell reads "
                 "<strong>x</strong>). Every county's count also moves the other counties' "
                 "model-based estimates a little, through the level and the spread the model "
                 "shares. So the report plays the reader once more: for each hidden count it "
                 "looks for other counts, within what their symbols allow and with the same "
                 "Arizona total, under which the model, refitted, prints every published "
                 "model-based figure exactly the same. Counties that can trade cases this way "
                 "are taken to reveal only their sum, a county that cannot its count, and "
                 "neither may be from 1 to %ld; otherwise a further model-based estimate is "
                 "hidden (<strong>x</strong>). No model-based number of victims is published: "
                 "the estimated numbers in the tables are the direct ones.</p>\n",
            t->min_cell, t->min_cell - 1);
}
