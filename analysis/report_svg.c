/* The report's two figures as inline SVG: a forest plot of the county
 * estimates and a choropleth map of Arizona. Only rows whose rate is
 * published (report_model.c) are drawn; the others say why not, so a
 * figure never shows what the table hides. */
#include "report.h"

#include <math.h>
#include <string.h>

#include "az_shapes.h"

/* ColorBrewer "Blues", 5 classes (Brewer, Penn State): sequential, prints
 * in grey scale and reads for the common forms of colour blindness. */
static const char *const palette[5] = {"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"};
#define NO_DATA_FILL "#d9d9d9"

/* A round axis maximum: the smallest of 1, 2, 2.5, 5 times a power of ten,
 * divided in `steps`, that reaches x (in percent). */
static double nice_step(double x, int steps)
{
    static const double mult[] = {1, 2, 2.5, 5, 10};
    double raw = x / steps, p;

    if (!(raw > 0))
        return 1.0;
    p = pow(10, floor(log10(raw)));
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++)
        if (mult[i] * p >= raw * (1 - 1e-12))
            return mult[i] * p;
    return 10 * p;
}

static const char *hidden_words(const struct an_pub_row *r)
{
    if (r->notes[AN_NOTE_NO_DATA])
        return "no data";
    if (r->notes[AN_NOTE_NCHS])
        return "suppressed (unreliable)";
    return "suppressed (small numbers)";
}

int an_write_forest_svg(FILE *out, const struct an_pub_table *t,
                        const struct an_estimate_row *rows)
{
    /* With model-based estimates, a legend on top and room for two
     * intervals per row. */
    const double left = 150, right = 600, width = 640;
    const double top = t->has_sae ? 30 + AN_SAE_FOREST_LEGEND_H : 30;
    const double row_h = t->has_sae ? 28 : 22;
    size_t n = t->nrows, state = n - 1;
    double xmax = 0, step, height, state_y, scale;
    int ticks = 5;
    char a[24], b[24], c[24];

    for (size_t i = 0; i < n; i++) {
        if (t->row[i].plotted && rows[i].ci_high * 100 > xmax)
            xmax = rows[i].ci_high * 100;
        if (t->has_sae && t->sae[i].plotted && t->sae[i].ci_high * 100 > xmax)
            xmax = t->sae[i].ci_high * 100;
    }
    step = nice_step(xmax > 0 ? xmax : 1, ticks);
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
    if (t->has_sae)
        an_sae_forest_legend(out, 20, 16);
    /* Grid and axis. */
    for (int k = 0; k <= ticks; k++) {
        double x = left + k * step * scale;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
                x, top - 8, x, state_y + row_h / 2);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" "
                     "fill=\"#333\">%g%%</text>\n", x, state_y + row_h / 2 + 16, k * step);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" "
                 "fill=\"#333\">Prevalence (%%), %.0f%% confidence interval</text>\n",
            (left + right) / 2, height - 6, rows[state].level * 100);

    for (size_t i = 0; i < n; i++) {
        const struct an_pub_row *r = &t->row[i];
        const struct an_estimate_row *e = &rows[i];
        double y = i == state ? state_y : top + row_h * ((double)i + 0.5);
        bool bold = i == state;
        bool model = t->has_sae && t->sae[i].plotted;
        /* Direct above, model-based below, when a row has both. */
        double y_model = r->plotted ? y + 6 : y;

        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\" "
                     "dominant-baseline=\"middle\"%s>", left - 10, y,
                bold ? " font-weight=\"bold\"" : "");
        an_html_text(out, r->cell[AN_PUB_COUNTY]);
        if (r->notes[AN_NOTE_REVIEW])
            fprintf(out, " (%s)", an_note_key(AN_NOTE_REVIEW));
        fputs("</text>\n", out);
        if (model)
            an_sae_forest_mark(out, &t->sae[i], r->cell[AN_PUB_COUNTY], e->fips, left, scale,
                               y_model);
        if (!r->plotted && !model) {
            fprintf(out, "<text class=\"hidden-est\" data-fips=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                         "font-size=\"11\" font-style=\"italic\" fill=\"#777\" "
                         "dominant-baseline=\"middle\">%s</text>\n",
                    e->fips, left + 4, y, hidden_words(r));
            continue;
        }
        if (!r->plotted)
            continue;
        if (model)
            y -= 6;
        an_fmt_pct(a, sizeof a, e->estimate);
        an_fmt_pct(b, sizeof b, e->ci_low);
        an_fmt_pct(c, sizeof c, e->ci_high);
        fprintf(out, "<g class=\"%s\" data-fips=\"%s\"><title>", i == state ? "ci state" : "ci",
                e->fips);
        an_html_text(out, r->cell[AN_PUB_COUNTY]);
        fprintf(out, ": %s%% (%s%% to %s%%)</title>\n", a, b, c);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\" "
                     "stroke-width=\"2\"/>\n",
                left + e->ci_low * 100 * scale, y, left + e->ci_high * 100 * scale, y);
        if (i == state)
            fprintf(out, "<path d=\"M%.1f,%.1fl7,7l-7,7l-7,-7z\" fill=\"#08519c\"/>",
                    left + e->estimate * 100 * scale, y - 7);
        else
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" "
                         "fill=\"#08519c\"/>", left + e->estimate * 100 * scale - 4, y - 4);
        fprintf(out, "</g>\n");
    }
    /* The statewide estimate as a reference line through the counties. */
    if (t->row[state].plotted)
        fprintf(out, "<line class=\"state-line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                     "y2=\"%.1f\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n",
                left + rows[state].estimate * 100 * scale, top - 8,
                left + rows[state].estimate * 100 * scale, state_y + row_h / 2);
    fputs("</svg>\n", out);
    return ferror(out) ? PREV_EX_IOERR : 0;
}

int an_write_map_svg(FILE *out, const struct an_pub_table *t,
                     const struct an_estimate_row *rows)
{
    double vmax = 0, step;
    size_t state = t->nrows - 1;
    bool any = false, models = false;
    char a[24], b[24];

    for (size_t i = 0; i < state; i++) {
        double v = NAN;
        if (t->row[i].plotted)
            v = rows[i].estimate;
        else if (t->has_sae && t->sae[i].plotted)
            v = t->sae[i].estimate;
        if (isnan(v))
            continue;
        any = true;
        if (v * 100 > vmax)
            vmax = v * 100;
        models = models || !t->row[i].plotted;
    }
    step = nice_step(vmax > 0 ? vmax : 1, 5);

    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" role=\"img\" "
                 "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                 "aria-labelledby=\"map-title\">\n",
            AN_AZ_VIEW_W + 180, AN_AZ_VIEW_H, AN_AZ_VIEW_W + 180, AN_AZ_VIEW_H);
    fputs("<title id=\"map-title\">Estimated prevalence by Arizona county</title>\n"
          "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
          "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/>"
          "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"2\"/>"
          "</pattern>", out);
    /* Model-based fills: the class colour under white dots, so they read
     * apart from the direct estimates in colour and in grey print. */
    for (int k = 0; k < 5; k++)
        fprintf(out, "<pattern id=\"model-%d\" width=\"7\" height=\"7\" "
                     "patternUnits=\"userSpaceOnUse\"><rect width=\"7\" height=\"7\" "
                     "fill=\"%s\"/><circle cx=\"3.5\" cy=\"3.5\" r=\"1.6\" fill=\"#fff\"/>"
                     "</pattern>", k, palette[k]);
    fputs("</defs>\n", out);
    for (unsigned k = 0; k < an_az_shapes_n; k++) {
        const struct an_county_shape *s = &an_az_shapes[k];
        const struct an_pub_row *r = NULL;
        const struct an_estimate_row *e = NULL;
        const char *fill = NO_DATA_FILL, *kind = "nodata", *ink = "#222";
        const struct an_pub_sae_row *m = NULL;
        char model_fill[24];
        int bin = -1;

        for (size_t i = 0; i < state; i++)
            if (strcmp(rows[i].fips, s->fips) == 0) {
                r = &t->row[i];
                e = &rows[i];
                m = t->has_sae && !r->plotted && t->sae[i].plotted ? &t->sae[i] : NULL;
            }
        if (m != NULL) {
            bin = (int)floor(round(m->estimate * 1000) / 10 / step + 1e-9);
            bin = bin < 0 ? 0 : bin > 4 ? 4 : bin;
            snprintf(model_fill, sizeof model_fill, "url(#model-%d)", bin);
            fill = model_fill;
            kind = "model";
            ink = "#222";
        } else if (r != NULL && r->plotted) {
            /* Binned as printed (one decimal), so label and legend agree. */
            bin = (int)floor(round(e->estimate * 1000) / 10 / step + 1e-9);
            bin = bin < 0 ? 0 : bin > 4 ? 4 : bin;
            fill = palette[bin];
            kind = "shown";
            ink = "#222";
        } else if (r != NULL && !r->notes[AN_NOTE_NO_DATA]) {
            fill = "url(#hatch)";
            kind = "hidden";
        }
        fprintf(out, "<path class=\"county %s\" data-fips=\"%s\" d=\"%s\" fill=\"%s\" "
                     "stroke=\"#fff\" stroke-width=\"1.2\"><title>", kind, s->fips, s->path, fill);
        an_html_text(out, s->name);
        if (m != NULL) {
            fprintf(out, ": %s%% (model-based)", m->cell[AN_PUB_SAE_ESTIMATE]);
        } else if (r != NULL && r->plotted) {
            an_fmt_pct(a, sizeof a, e->estimate);
            fprintf(out, ": %s%%", a);
        } else {
            fprintf(out, ": %s", r != NULL ? hidden_words(r) : "no data");
        }
        fputs("</title></path>\n", out);
        /* A halo keeps a label legible over the dots of a model-based fill. */
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" "
                     "fill=\"%s\" pointer-events=\"none\"%s>", s->label_x, s->label_y, ink,
                m != NULL ? " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"" : "");
        an_html_text(out, s->name);
        if (m != NULL) {
            fprintf(out, "<tspan x=\"%.1f\" dy=\"11\">%s%% model</tspan>", s->label_x,
                    m->cell[AN_PUB_SAE_ESTIMATE]);
        } else if (r != NULL && r->plotted) {
            an_fmt_pct(a, sizeof a, e->estimate);
            fprintf(out, "<tspan x=\"%.1f\" dy=\"11\">%s%%</tspan>", s->label_x, a);
        }
        fputs("</text>\n", out);
    }
    /* Legend. */
    {
        double x = AN_AZ_VIEW_W + 20, y = 40;
        fprintf(out, "<g class=\"legend\"><text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" "
                     "font-weight=\"bold\">Prevalence</text>\n", x, y - 14);
        for (int k = 0; any && k < 5; k++, y += 22) {
            snprintf(a, sizeof a, "%g", k * step);
            snprintf(b, sizeof b, "%g", (k + 1) * step);
            fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" fill=\"%s\" "
                         "stroke=\"#999\"/><text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">"
                         "%s%% to %s%s%%</text>\n",
                    x, y, palette[k], x + 26, y + 12, a, k == 4 ? "" : "under ", b);
        }
        if (models) {
            fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" "
                         "fill=\"url(#model-2)\" stroke=\"#999\"/><text x=\"%.0f\" "
                         "y=\"%.0f\" font-size=\"11\">dotted: model-based</text>\n",
                    x, y, x + 26, y + 12);
            y += 22;
        }
        fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" "
                     "fill=\"url(#hatch)\" stroke=\"#999\"/><text x=\"%.0f\" y=\"%.0f\" "
                     "font-size=\"11\">suppressed</text>\n", x, y, x + 26, y + 12);
        y += 22;
        fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" fill=\"%s\" "
                     "stroke=\"#999\"/><text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">"
                     "no data</text></g>\n", x, y, NO_DATA_FILL, x + 26, y + 12);
    }
    fputs("</svg>\n", out);
    return ferror(out) ? PREV_EX_IOERR : 0;
}
