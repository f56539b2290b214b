/* The choropleth map of Arizona (inline SVG): one shape per county,
 * filled by the published estimates, hatched when hidden, grey without
 * data, with a legend. */
#include "report_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "az_shapes.h"

/* ColorBrewer "Blues", 5 classes (Brewer, Penn State): sequential, prints
 * in grey scale and reads for the common forms of colour blindness. */
static const char *const palette[5] = {"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"};
#define NO_DATA_FILL "#d9d9d9"

/* The map is drawn larger than its shapes' coordinates (viewBox), so
 * that it is at least this wide on the page. */
#define MAP_MIN_WIDTH 640
/* Room right of the state for the legend (its longest line, "percent of
 * youth on probation" at 12 px, is some 190 units) and below it for the
 * labels placed outside the state. */
#define MAP_LEGEND_W 230
#define MAP_BOTTOM 40

/* Counties too small for their name: the label goes outside the state,
 * tied to the county by a leader line (from ax,ay in the county to bx,by
 * next to the label). Found by tests/browser/check_browser.py, which fails
 * on any map label that leaves its county. */
static const struct outside_label {
    const char *fips;
    double x, y;                  /* the label's anchor */
    const char *anchor;           /* text-anchor */
    double ax, ay, bx, by;        /* the leader line */
} outside_labels[] = {
    {"04011", 410, 300, "start", 381, 300, 407, 300},     /* Greenlee, to the east */
    {"04023", 262, 476, "middle", 266, 446, 264, 465},    /* Santa Cruz, below */
};

/* Labels that fit their county once moved a little (the label point of
 * the shapes file is the shape's centroid; a two-line label is taller). */
static const struct {
    const char *fips;
    double dx, dy;
} label_nudges[] = {
    {"04001", 4, 20},     /* Apache: narrow; right of the centroid and lower it fits */
    {"04013", 0, -8},     /* Maricopa: its estimate's line would cross into Pinal */
};

static void label_point(const struct rep_county_shape *s, double *x, double *y)
{
    *x = s->label_x;
    *y = s->label_y;
    for (size_t i = 0; i < sizeof label_nudges / sizeof *label_nudges; i++)
        if (strcmp(label_nudges[i].fips, s->fips) == 0) {
            *x += label_nudges[i].dx;
            *y += label_nudges[i].dy;
        }
}

static const struct outside_label *outside_label(const char *fips)
{
    for (size_t i = 0; i < sizeof outside_labels / sizeof *outside_labels; i++)
        if (strcmp(outside_labels[i].fips, fips) == 0)
            return &outside_labels[i];
    return NULL;
}

int rep_write_map_svg(FILE *out, const struct rep_pub_table *t,
                     const struct an_estimate_row *rows, const struct rep_map_options *o)
{
    double vmax = 0, step;
    size_t state = t->nrows - 1;
    bool any = false, models = false;
    /* Model-based values only when asked for (report --map model): by
     * default a county whose direct estimate is not shown is hatched, never
     * coloured by a value the table does not show as its estimate. */
    bool with_model = o != NULL && o->model && t->has_sae;
    int width = REP_AZ_VIEW_W + MAP_LEGEND_W, height = REP_AZ_VIEW_H + MAP_BOTTOM;
    char a[24], b[24];

    if (width < MAP_MIN_WIDTH) {
        height = (int)lround((double)height * MAP_MIN_WIDTH / width);
        width = MAP_MIN_WIDTH;
    }

    for (size_t i = 0; i < state; i++) {
        double v = NAN;
        if (t->row[i].plotted)
            v = rep_printed_pct(rows[i].estimate);
        else if (with_model && t->sae[i].plotted)
            v = rep_printed_pct(t->sae[i].estimate);
        if (isnan(v))
            continue;
        any = true;
        if (v * 100 > vmax)
            vmax = v * 100;
        models = models || !t->row[i].plotted;
    }
    step = rep_nice_step(vmax > 0 ? vmax : 1, 5);

    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" role=\"img\" "
                 "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                 "aria-labelledby=\"map-title\">\n",
            REP_AZ_VIEW_W + MAP_LEGEND_W, REP_AZ_VIEW_H + MAP_BOTTOM, width, height);
    fputs("<title id=\"map-title\">", out);
    fputs(with_model ? "Estimated prevalence by Arizona county: direct estimates, and "
                       "model-based estimates (dotted) where the direct one is not shown"
                     : "Estimated prevalence by Arizona county: direct estimates", out);
    if (o != NULL && o->survey_year > 0)
        fprintf(out, ", %d", o->survey_year);
    fputs("</title>\n"
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
    for (unsigned k = 0; k < rep_az_shapes_n; k++) {
        const struct rep_county_shape *s = &rep_az_shapes[k];
        const struct rep_pub_row *r = NULL;
        const struct an_estimate_row *e = NULL;
        const char *fill = NO_DATA_FILL, *kind = "nodata", *ink = "#222";
        const struct rep_pub_sae_row *m = NULL;
        char model_fill[24];
        int bin = -1;

        for (size_t i = 0; i < state; i++)
            if (strcmp(rows[i].fips, s->fips) == 0) {
                r = &t->row[i];
                e = &rows[i];
                m = with_model && !r->plotted && t->sae[i].plotted ? &t->sae[i] : NULL;
            }
        if (m != NULL) {
            bin = (int)floor(rep_printed_pct(m->estimate) * 100 / step + 1e-9);
            bin = bin < 0 ? 0 : bin > 4 ? 4 : bin;
            snprintf(model_fill, sizeof model_fill, "url(#model-%d)", bin);
            fill = model_fill;
            kind = "model";
            ink = "#222";
        } else if (r != NULL && r->plotted) {
            /* Binned as printed (one decimal), so label and legend agree. */
            bin = (int)floor(rep_printed_pct(e->estimate) * 100 / step + 1e-9);
            bin = bin < 0 ? 0 : bin > 4 ? 4 : bin;
            fill = palette[bin];
            kind = "shown";
            ink = "#222";
        } else if (r != NULL && !r->notes[REP_NOTE_NO_DATA]) {
            fill = "url(#hatch)";
            kind = "hidden";
        }
        fprintf(out, "<path class=\"county %s\" data-fips=\"%s\" d=\"%s\" fill=\"%s\" "
                     "stroke=\"#fff\" stroke-width=\"1.2\"><title>", kind, s->fips, s->path, fill);
        rep_html_text(out, s->name);
        if (m != NULL) {
            fprintf(out, ": %s%% (model-based)", m->cell[REP_PUB_SAE_ESTIMATE]);
        } else if (r != NULL && r->plotted) {
            rep_fmt_pct(a, sizeof a, e->estimate);
            fprintf(out, ": %s%%", a);
        } else {
            fprintf(out, ": %s", r != NULL ? rep_hidden_words(r) : "no data");
        }
        fputs("</title></path>\n", out);
        {
            /* A halo keeps a label legible over the dots of a model-based
             * fill; a label outside the state is dark on white. */
            const struct outside_label *ol = outside_label(s->fips);
            double lx, ly;
            label_point(s, &lx, &ly);
            if (ol != NULL) {
                lx = ol->x;
                ly = ol->y;
            }
            if (ol != NULL) {
                fprintf(out, "<line class=\"leader\" data-fips=\"%s\" x1=\"%.1f\" "
                             "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\" "
                             "stroke-width=\"0.8\"/>", s->fips, ol->ax, ol->ay, ol->bx, ol->by);
                ink = "#222";
            }
            fprintf(out, "<text class=\"county-label\" data-fips=\"%s\" x=\"%.1f\" "
                         "y=\"%.1f\" font-size=\"12\" text-anchor=\"%s\" fill=\"%s\" "
                         "pointer-events=\"none\"%s>", s->fips, lx, ly,
                    ol != NULL ? ol->anchor : "middle", ink,
                    m != NULL && ol == NULL
                        ? " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"" : "");
            rep_html_text(out, s->name);
            if (m != NULL) {
                fprintf(out, "<tspan x=\"%.1f\" dy=\"12\">%s%% model</tspan>", lx,
                        m->cell[REP_PUB_SAE_ESTIMATE]);
            } else if (r != NULL && r->plotted) {
                rep_fmt_pct(a, sizeof a, e->estimate);
                fprintf(out, "<tspan x=\"%.1f\" dy=\"12\">%s%%</tspan>", lx, a);
            }
            fputs("</text>\n", out);
        }
    }
    /* Legend. */
    {
        double x = REP_AZ_VIEW_W + 16, y = 84;
        /* What is mapped, of whom, and when. */
        fprintf(out, "<g class=\"legend\"><text class=\"legend-title\" x=\"%.0f\" y=\"20\" "
                     "font-size=\"12\" font-weight=\"bold\">", x);
        rep_html_text(out, o != NULL && o->what != NULL ? o->what : "Prevalence");
        fprintf(out, "<tspan x=\"%.0f\" dy=\"15\">percent of youth on probation</tspan>", x);
        if (o != NULL && o->survey_year > 0)
            fprintf(out, "<tspan x=\"%.0f\" dy=\"15\">%s, %d</tspan>", x,
                    with_model ? "direct or model-based" : "direct estimates", o->survey_year);
        fputs("</text>\n", out);
        for (int k = 0; any && k < 5; k++, y += 22) {
            snprintf(a, sizeof a, "%g", k * step);
            snprintf(b, sizeof b, "%g", (k + 1) * step);
            fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" fill=\"%s\" "
                         "stroke=\"#999\"/><text x=\"%.0f\" y=\"%.0f\" font-size=\"12\">"
                         "%s%% to %s%s%%</text>\n",
                    x, y, palette[k], x + 26, y + 12, a, k == 4 ? "" : "under ", b);
        }
        if (models) {
            fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" "
                         "fill=\"url(#model-2)\" stroke=\"#999\"/><text x=\"%.0f\" "
                         "y=\"%.0f\" font-size=\"12\">dotted: model-based</text>\n",
                    x, y, x + 26, y + 12);
            y += 22;
        }
        fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" "
                     "fill=\"url(#hatch)\" stroke=\"#999\"/><text x=\"%.0f\" y=\"%.0f\" "
                     "font-size=\"12\">not shown</text>\n", x, y, x + 26, y + 12);
        y += 22;
        fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"18\" height=\"16\" fill=\"%s\" "
                     "stroke=\"#999\"/><text x=\"%.0f\" y=\"%.0f\" font-size=\"12\">"
                     "no data</text></g>\n", x, y, NO_DATA_FILL, x + 26, y + 12);
    }
    fputs("</svg>\n", out);
    return ferror(out) ? PREV_EX_IOERR : 0;
}
