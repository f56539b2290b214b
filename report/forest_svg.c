/* The forest plot (inline SVG): one interval per county whose rate is
 * published, the state as a dashed line, words for the others, and the
 * model-based estimates' marks beside them. A figure never shows what the
 * table hides. */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int rep_write_forest_svg(FILE *out, const struct rep_pub_table *t,
                        const struct an_estimate_row *rows)
{
    /* A legend on top (a second line with model-based estimates) and,
     * with those, room for two intervals per row. */
    const double left = 150, right = 600, width = 640, legend_h = 22;
    const double top = 30 + legend_h + (t->has_sae ? REP_SAE_FOREST_LEGEND_H : 0);
    const double row_h = t->has_sae ? 28 : 22;
    size_t n = t->nrows, state = n - 1;
    double xmax = 0, step, height, state_y, scale;
    int ticks = 5;
    char a[24], b[24], c[24];

    for (size_t i = 0; i < n; i++) {
        if (t->row[i].plotted && rep_printed_pct(rows[i].ci_high) * 100 > xmax)
            xmax = rep_printed_pct(rows[i].ci_high) * 100;
        if (t->has_sae && t->sae[i].plotted && rep_printed_pct(t->sae[i].ci_high) * 100 > xmax)
            xmax = rep_printed_pct(t->sae[i].ci_high) * 100;
    }
    step = rep_nice_step(xmax > 0 ? xmax : 1, ticks);
    while (step * (ticks - 1) >= xmax && ticks > 2 && xmax > 0)
        ticks--;
    xmax = step * ticks;
    scale = (right - left) / xmax;
    /* Counties, a gap, then Arizona. */
    state_y = top + row_h * ((double)state + 1.5);
    height = state_y + row_h + 40;

    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"forest\" role=\"img\" "
                 "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
                 "aria-labelledby=\"forest-title\">\n",
            width, height, width, height);
    fputs("<title id=\"forest-title\">Estimated prevalence by county with ", out);
    fprintf(out, "%.0f%% confidence intervals</title>\n", rows[state].level * 100);
    /* Every mark the plot draws, in its legend: a county's estimate and
     * interval, Arizona's, and the statewide reference line. */
    {
        /* With model-based estimates the next line shows the county marks
         * (direct and model-based); without, this line does. */
        double x = 20;
        fputs("<g class=\"legend\" font-size=\"12\" fill=\"#333\">", out);
        if (!t->has_sae) {
            fputs("<line x1=\"20\" y1=\"16\" x2=\"50\" y2=\"16\" stroke=\"#08519c\" "
                  "stroke-width=\"2\"/><rect x=\"31\" y=\"12\" width=\"8\" height=\"8\" "
                  "fill=\"#08519c\"/><text x=\"58\" y=\"16\" dominant-baseline=\"middle\">"
                  "county estimate and interval</text>\n", out);
            x = 238;
        }
        fprintf(out, "<path d=\"M%.0f,9l7,7l-7,7l-7,-7z\" fill=\"#08519c\"/><text x=\"%.0f\" "
                     "y=\"16\" dominant-baseline=\"middle\" font-weight=\"bold\">Arizona</text>\n"
                     "<line x1=\"%.0f\" y1=\"16\" x2=\"%.0f\" y2=\"16\" stroke=\"#c0392b\" "
                     "stroke-dasharray=\"4 3\"/><text x=\"%.0f\" y=\"16\" "
                     "dominant-baseline=\"middle\">statewide estimate</text></g>\n",
                x + 7, x + 20, x + 102, x + 132, x + 140);
    }
    if (t->has_sae)
        rep_sae_forest_legend(out, 20, 16 + legend_h);
    /* Grid and axis. */
    for (int k = 0; k <= ticks; k++) {
        double x = left + k * step * scale;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
                x, top - 8, x, state_y + row_h / 2);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
                     "fill=\"#333\">%g%%</text>\n", x, state_y + row_h / 2 + 16, k * step);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
                 "fill=\"#333\">Prevalence (%%), %.0f%% confidence interval</text>\n",
            (left + right) / 2, height - 6, rows[state].level * 100);

    for (size_t i = 0; i < n; i++) {
        const struct rep_pub_row *r = &t->row[i];
        const struct an_estimate_row *e = &rows[i];
        double y = i == state ? state_y : top + row_h * ((double)i + 0.5);
        bool bold = i == state;
        bool model = t->has_sae && t->sae[i].plotted;
        /* Direct above, model-based below, when a row has both. */
        double y_model = r->plotted ? y + 6 : y;

        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\" "
                     "dominant-baseline=\"middle\"%s>", left - 10, y,
                bold ? " font-weight=\"bold\"" : "");
        rep_html_text(out, r->cell[REP_PUB_COUNTY]);
        if (r->notes[REP_NOTE_REVIEW])
            fprintf(out, " (%s)", rep_note_key(REP_NOTE_REVIEW));
        fputs("</text>\n", out);
        if (model)
            rep_sae_forest_mark(out, &t->sae[i], r->cell[REP_PUB_COUNTY], e->fips, left, scale,
                               y_model);
        if (!r->plotted && !model) {
            fprintf(out, "<text class=\"hidden-est\" data-fips=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                         "font-size=\"12\" font-style=\"italic\" fill=\"#767676\" "
                         "dominant-baseline=\"middle\">%s</text>\n",
                    e->fips, left + 4, y, rep_hidden_words(r));
            continue;
        }
        if (!r->plotted)
            continue;
        if (model)
            y -= 6;
        rep_fmt_pct(a, sizeof a, e->estimate);
        rep_fmt_pct(b, sizeof b, e->ci_low);
        rep_fmt_pct(c, sizeof c, e->ci_high);
        fprintf(out, "<g class=\"%s\" data-fips=\"%s\"><title>", i == state ? "ci state" : "ci",
                e->fips);
        rep_html_text(out, r->cell[REP_PUB_COUNTY]);
        fprintf(out, ": %s%% (%s%% to %s%%)</title>\n", a, b, c);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\" "
                     "stroke-width=\"2\"/>\n",
                left + rep_printed_pct(e->ci_low) * 100 * scale, y,
                left + rep_printed_pct(e->ci_high) * 100 * scale, y);
        if (i == state)
            fprintf(out, "<path d=\"M%.1f,%.1fl7,7l-7,7l-7,-7z\" fill=\"#08519c\"/>",
                    left + rep_printed_pct(e->estimate) * 100 * scale, y - 7);
        else
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" "
                         "fill=\"#08519c\"/>",
                    left + rep_printed_pct(e->estimate) * 100 * scale - 4, y - 4);
        fprintf(out, "</g>\n");
    }
    /* The statewide estimate as a reference line through the counties. */
    if (t->row[state].plotted)
        fprintf(out, "<line class=\"state-line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                     "y2=\"%.1f\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n",
                left + rep_printed_pct(rows[state].estimate) * 100 * scale, top - 8,
                left + rep_printed_pct(rows[state].estimate) * 100 * scale, state_y + row_h / 2);
    fputs("</svg>\n", out);
    return ferror(out) ? PREV_EX_IOERR : 0;
}

/* ---- the forest plot's marks ------------------------------------------------ */

/* Purple: apart from the direct estimates' blue and the red statewide
 * line, and distinct in grey print by the dashes and the open diamond. */
#define MODEL_INK "#6a3d9a"

void rep_sae_forest_legend(FILE *out, double x, double y)
{
    fprintf(out, "<g class=\"legend\" font-size=\"12\" fill=\"#333\">"
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\" "
                 "stroke-width=\"2\"/><rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" "
                 "fill=\"#08519c\"/><text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"middle\">"
                 "direct (the county's own answers)</text>\n",
            x, y, x + 30, y, x + 11, y - 4, x + 38, y);
    x += 250;
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                 "stroke-width=\"2\" stroke-dasharray=\"5 3\"/><path d=\"M%.1f,%.1fl5,5l-5,5"
                 "l-5,-5z\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"1.5\"/><text x=\"%.1f\" "
                 "y=\"%.1f\" dominant-baseline=\"middle\">model-based (small-area model)"
                 "</text></g>\n",
            x, y, x + 30, y, MODEL_INK, x + 15, y - 5, MODEL_INK, x + 38, y);
}

void rep_sae_forest_mark(FILE *out, const struct rep_pub_sae_row *s, const char *county,
                        const char *fips, double left, double scale, double y)
{
    fprintf(out, "<g class=\"ci-model\" data-fips=\"%s\"><title>", fips);
    rep_html_text(out, county);
    fprintf(out, ", model-based: %s%% (%s%% to %s%%)</title>\n", s->cell[REP_PUB_SAE_ESTIMATE],
            s->cell[REP_PUB_SAE_CI_LOW], s->cell[REP_PUB_SAE_CI_HIGH]);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                 "stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n",
            left + rep_printed_pct(s->ci_low) * 100 * scale, y,
            left + rep_printed_pct(s->ci_high) * 100 * scale, y, MODEL_INK);
    fprintf(out, "<path d=\"M%.1f,%.1fl5,5l-5,5l-5,-5z\" fill=\"#fff\" stroke=\"%s\" "
                 "stroke-width=\"1.5\"/></g>\n",
            left + rep_printed_pct(s->estimate) * 100 * scale, y - 5, MODEL_INK);
}
