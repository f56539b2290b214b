/* The trend chart as SVG text (see trend_chart.h). Pure: no files. */
#include "trend_chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Okabe & Ito (2008) colour-blind-safe palette; their yellow is left out
 * (unreadable as a thin line on white) and a grey closes the cycle. */
static const char *const palette[8] = {
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999",
};

/* A line style per series as well as a colour, so that the lines stay
 * apart in grey-scale print and for readers who cannot tell the colours
 * apart: solid, dashed, dotted, dash-dot, ... (stroke-dasharray). */
static const char *const dashes[8] = {
    "none", "8 4", "2 3", "10 3 2 3", "4 4", "12 4 2 4 2 4", "1 2", "6 2 6 6",
};

/* Growing text buffer; after the first failed allocation every append is
 * a no-op and `failed` says so, so callers check once at the end. */
struct sbuf {
    char *data;
    size_t len, cap;
    bool failed;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int need;

    if (b->failed)
        return;
    va_start(ap, fmt);
    need = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (need < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)need >= b->cap - b->len) {
        size_t cap = b->cap;
        char *p;
        while ((size_t)need >= cap - b->len)
            cap *= 2;
        if ((p = realloc(b->data, cap)) == NULL) {
            b->failed = true;
            return;
        }
        b->data = p;
        b->cap = cap;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)need;
}

/* Text content and attribute values: names come from the database. */
static void sb_escaped(struct sbuf *b, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '&': sb_printf(b, "&amp;"); break;
        case '<': sb_printf(b, "&lt;"); break;
        case '>': sb_printf(b, "&gt;"); break;
        case '"': sb_printf(b, "&quot;"); break;
        case '\'': sb_printf(b, "&#39;"); break;
        default: sb_printf(b, "%c", *s); break;
        }
    }
}

static bool unit(double x)
{
    return x >= 0.0 && x <= 1.0;
}

static bool series_valid(const struct rep_chart_series *s)
{
    size_t i;

    if (s->n > 0 && s->points == NULL)
        return false;
    for (i = 0; i < s->n; i++) {
        const struct rep_chart_point *pt = &s->points[i];
        if (i > 0 && s->points[i - 1].year >= pt->year)
            return false;
        if (pt->shown && (!unit(pt->p) || (!isnan(pt->low) && !unit(pt->low))
                          || (!isnan(pt->high) && !unit(pt->high))))
            return false;
    }
    return true;
}

static bool has_band(const struct rep_chart_point *pt)
{
    return pt->shown && !isnan(pt->low) && !isnan(pt->high);
}

/* Decimals needed to print v (a tick value in percent) exactly. */
static int decimals(double v)
{
    int d;

    for (d = 0; d < 6; d++) {
        double scaled = v * pow(10.0, d);
        if (fabs(scaled - round(scaled)) < 1e-6)
            return d;
    }
    return 6;
}

struct frame {
    double left, right, top, bottom;   /* plot area in pixels */
    int year0, year1;
    double ymax;                        /* proportion at the top of the axis */
};

/* Years sit inside the plot by this much, so that the first and last
 * points and their bands do not touch the frame. */
#define X_PAD 24.0

static double px(const struct frame *f, int year)
{
    if (f->year0 == f->year1)
        return (f->left + f->right) / 2.0;
    return f->left + X_PAD + (f->right - f->left - 2.0 * X_PAD) * (double)(year - f->year0)
        / (double)(f->year1 - f->year0);
}

static double py(const struct frame *f, double p)
{
    return f->bottom - (f->bottom - f->top) * p / f->ymax;
}

static void draw_axes(struct sbuf *b, const struct frame *f, double step,
                      const struct rep_chart_options *opt)
{
    int d = decimals(step * 100.0), year, i, nticks = (int)lround(f->ymax / step);

    sb_printf(b, "<g class=\"trend-axes\" font-size=\"12\" fill=\"#333\">\n");
    for (i = 0; i <= nticks; i++) {
        double v = step * i, y = py(f, v);
        sb_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#ddd\"/>"
                  "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">%.*f%%</text>\n",
                  f->left, y, f->right, y, f->left - 6, y + 4, d, v * 100.0);
    }
    for (year = f->year0; year <= f->year1; year++)
        sb_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">%d</text>\n",
                  px(f, year), f->bottom + 18, year);
    sb_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333\"/>\n",
              f->left, f->bottom, f->right, f->bottom);
    if (opt->y_label != NULL && *opt->y_label != '\0') {
        sb_printf(b, "<text transform=\"translate(14 %.2f) rotate(-90)\" "
                  "text-anchor=\"middle\">", (f->top + f->bottom) / 2.0);
        sb_escaped(b, opt->y_label);
        sb_printf(b, "</text>\n");
    }
    sb_printf(b, "</g>\n");
}

static void draw_series(struct sbuf *b, const struct frame *f, const struct rep_chart_series *s,
                        const char *colour, const char *dash)
{
    size_t i, j;
    bool pen_down = false;

    sb_printf(b, "<g class=\"trend-series\" data-series=\"");
    sb_escaped(b, s->name);
    sb_printf(b, "\">\n");

    /* Bands first, under the line: one closed path per run of years that
     * have an interval; a lone year gets a narrow bar. */
    for (i = 0; i < s->n; i = j) {
        if (!has_band(&s->points[i])) {
            j = i + 1;
            continue;
        }
        for (j = i; j < s->n && has_band(&s->points[j]); j++)
            ;
        if (j - i == 1) {
            /* A lone year: its interval as an error bar with caps, not a
             * shaded band that would read as a tall bar. */
            double x = px(f, s->points[i].year), hi = py(f, s->points[i].high),
                   lo = py(f, s->points[i].low);
            sb_printf(b, "<path class=\"trend-band trend-errorbar\" fill=\"none\" "
                      "stroke=\"%s\" stroke-width=\"1.5\" d=\"M%.2f %.2fH%.2fM%.2f %.2fV%.2f"
                      "M%.2f %.2fH%.2f\"/>\n", colour, x - 5, hi, x + 5, x, hi, lo, x - 5, lo,
                      x + 5);
            continue;
        }
        sb_printf(b, "<path class=\"trend-band\" fill=\"%s\" fill-opacity=\"0.12\" d=\"", colour);
        {
            size_t k;
            for (k = i; k < j; k++)
                sb_printf(b, "%c%.2f %.2f", k == i ? 'M' : 'L', px(f, s->points[k].year),
                          py(f, s->points[k].high));
            for (k = j; k-- > i;)
                sb_printf(b, "L%.2f %.2f", px(f, s->points[k].year), py(f, s->points[k].low));
            sb_printf(b, "Z");
        }
        sb_printf(b, "\"/>\n");
    }

    /* The line: a new subpath after every gap, so a suppressed year is a
     * break and not a segment through zero or across the gap. */
    sb_printf(b, "<path class=\"trend-line\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
              "stroke-dasharray=\"%s\" d=\"", colour, dash);
    for (i = 0; i < s->n; i++) {
        if (!s->points[i].shown) {
            pen_down = false;
            continue;
        }
        sb_printf(b, "%c%.2f %.2f", pen_down ? 'L' : 'M', px(f, s->points[i].year),
                  py(f, s->points[i].p));
        pen_down = true;
    }
    sb_printf(b, "\"><title>");
    sb_escaped(b, s->name);
    sb_printf(b, "</title></path>\n");

    for (i = 0; i < s->n; i++) {
        const struct rep_chart_point *pt = &s->points[i];
        if (!pt->shown)
            continue;
        sb_printf(b, "<circle class=\"trend-point\" cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\">"
                  "<title>", px(f, pt->year), py(f, pt->p), colour);
        sb_escaped(b, s->name);
        sb_printf(b, " %d: %.1f%%", pt->year, pt->p * 100.0);
        if (has_band(pt))
            sb_printf(b, " (%.1f%% to %.1f%%)", pt->low * 100.0, pt->high * 100.0);
        sb_printf(b, "</title></circle>\n");
    }
    sb_printf(b, "</g>\n");
}

int rep_trend_chart_svg(const struct rep_chart_series *series, size_t nseries,
                       const struct rep_chart_options *opt, char **svg, size_t *len)
{
    static const struct rep_chart_options defaults = {0, 0, NULL, NULL, NULL};
    struct sbuf b = {NULL, 0, 0, false};
    struct frame f;
    double top = 0.0, raw, mag, step = 0.0;
    static const double nice[] = {1.0, 2.0, 2.5, 5.0, 10.0};
    int width, height;
    bool any_year = false;
    size_t i, k;
    int rc = 0;

    if (svg == NULL)
        return -1;
    *svg = NULL;
    if (nseries > 0 && series == NULL)
        return -1;
    if (opt == NULL)
        opt = &defaults;
    for (i = 0; i < nseries; i++)
        if (!series_valid(&series[i]))
            return -1;
    width = opt->width > 0 ? opt->width : 720;
    height = opt->height > 0 ? opt->height : 360;

    memset(&f, 0, sizeof f);
    for (i = 0; i < nseries; i++) {
        for (k = 0; k < series[i].n; k++) {
            const struct rep_chart_point *pt = &series[i].points[k];
            if (!any_year || pt->year < f.year0)
                f.year0 = pt->year;
            if (!any_year || pt->year > f.year1)
                f.year1 = pt->year;
            any_year = true;
            if (pt->shown) {
                top = fmax(top, pt->p);
                if (has_band(pt))
                    top = fmax(top, pt->high);
            }
        }
    }
    /* Prevalence starts at zero: a y axis cut above zero would make small
     * changes look large. The top is a round number of percent. */
    if (top <= 0.0)
        top = 0.01;
    raw = top / 5.0;
    mag = pow(10.0, floor(log10(raw)));
    for (k = 0; k < sizeof nice / sizeof nice[0]; k++) {
        step = nice[k] * mag;
        if (step >= raw * (1.0 - 1e-12))
            break;
    }
    f.ymax = ceil(top / step - 1e-9) * step;
    f.left = 64;
    f.right = width - 160;
    f.top = 36;
    f.bottom = height - 56;
    if (f.right - f.left < 40 || f.bottom - f.top < 40)
        return -1;

    b.cap = 4096;
    if ((b.data = malloc(b.cap)) == NULL)
        return -1;
    b.data[0] = '\0';
    sb_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend-chart\" "
              "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
              "font-family=\"sans-serif\">\n", width, height, width, height);
    if (opt->title != NULL && *opt->title != '\0') {
        sb_printf(&b, "<title>");
        sb_escaped(&b, opt->title);
        sb_printf(&b, "</title>\n<text x=\"%.2f\" y=\"22\" font-size=\"15\" "
                  "font-weight=\"bold\">", f.left);
        sb_escaped(&b, opt->title);
        sb_printf(&b, "</text>\n");
    }
    if (any_year)
        draw_axes(&b, &f, step, opt);
    for (i = 0; i < nseries; i++)
        draw_series(&b, &f, &series[i], palette[i % 8], dashes[i % 8]);

    sb_printf(&b, "<g class=\"trend-legend\" font-size=\"12\">\n");
    for (i = 0; i < nseries; i++) {
        double y = f.top + 8 + 20.0 * (double)i;
        bool drawn = false;
        for (k = 0; k < series[i].n; k++)
            drawn = drawn || series[i].points[k].shown;
        sb_printf(&b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
                  "stroke-width=\"2\" stroke-dasharray=\"%s\"/><text x=\"%.2f\" y=\"%.2f\">",
                  f.right + 10, y, f.right + 40, y, palette[i % 8], dashes[i % 8], f.right + 46,
                  y + 4);
        sb_escaped(&b, series[i].name);
        /* A chosen series with nothing to draw says so, rather than
         * looking like a line hidden under another. */
        if (!drawn)
            sb_printf(&b, "<tspan fill=\"#777\"> (not shown)</tspan>");
        sb_printf(&b, "</text>\n");
    }
    sb_printf(&b, "</g>\n");
    if (opt->note != NULL && *opt->note != '\0') {
        sb_printf(&b, "<text class=\"trend-note\" x=\"%.2f\" y=\"%d\" font-size=\"12\" "
                  "fill=\"#555\">", f.left, height - 10);
        sb_escaped(&b, opt->note);
        sb_printf(&b, "</text>\n");
    }
    sb_printf(&b, "</svg>\n");

    if (b.failed) {
        rc = -1;
        goto done;
    }
    *svg = b.data;
    b.data = NULL;
    if (len != NULL)
        *len = b.len;
done:
    free(b.data);
    return rc;
}
