#ifndef REP_TREND_CHART_H
#define REP_TREND_CHART_H

#include <stdbool.h>
#include <stddef.h>

/* The report's trend chart: one line per series (a county or the state)
 * across survey years, each with its confidence band. Pure: arrays in,
 * SVG text out; the report writer puts it in the page.
 *
 * A year whose estimate is suppressed or missing is a GAP in the line and
 * its band, never a zero: drawing it would show what NCHS says not to. */

struct rep_chart_point {
    int year;
    bool shown;          /* false: suppressed or no data -> gap */
    double p;            /* proportion, 0..1 */
    double low, high;    /* its interval; NaN when it has none (no band there) */
};

struct rep_chart_series {
    const char *name;                     /* legend text, e.g. "Pima" */
    const struct rep_chart_point *points;  /* in increasing year order */
    size_t n;
};

struct rep_chart_options {
    int width, height;        /* pixels; 0 gives 720 x 360 */
    const char *title;        /* "" or NULL for none */
    const char *y_label;      /* e.g. "Confirmed MVST, % of youth" */
    const char *note;         /* footnote under the plot, e.g. what the
                               * bands are and why a line has gaps */
};

/* Build the SVG document (an <svg> element, no XML prolog, so it can be
 * inlined in HTML). Series are drawn in the order given, colour i % 8 of
 * a colour-blind-safe palette (Okabe & Ito). Each series is one
 * <g class="trend-series" data-series="NAME"> holding exactly one
 * <path class="trend-line">, its <path class="trend-band"> runs and a
 * <circle class="trend-point"> per shown year.
 *
 * On success *svg is a NUL-terminated malloc'd string the CALLER frees,
 * *len its length (len may be NULL); returns 0. Returns -1 on invalid
 * input (a point outside [0,1], years out of order, nseries > 0 with
 * series NULL) or when memory runs out; *svg is NULL then. */
int rep_trend_chart_svg(const struct rep_chart_series *series, size_t nseries,
                       const struct rep_chart_options *opt, char **svg, size_t *len);

#endif
