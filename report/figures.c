/* What the report's SVG figures share: a round axis step, and the words
 * for a county whose rate is not drawn. */
#include "report_model.h"

#include <math.h>
#include <stdlib.h>

/* A round axis maximum: the smallest of 1, 2, 2.5, 5 times a power of ten,
 * divided in `steps`, that reaches x (in percent). */
double rep_nice_step(double x, int steps)
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

const char *rep_hidden_words(const struct rep_pub_row *r)
{
    if (r->notes[REP_NOTE_NO_DATA])
        return "no data";
    if (r->notes[REP_NOTE_NCHS])
        return "suppressed (unreliable)";
    return "suppressed (small numbers)";
}

/* A figure draws the printed number, not the estimate behind it: a
 * coordinate at full precision would publish digits the label rounds away
 * (the statewide point of the trend chart gave the weighted sum of the
 * hidden counts; a model-based mark moved with a hidden count that its
 * label did not). */
double rep_printed_value(const char *cell)
{
    char *end = NULL;
    double v;

    if (cell == NULL || cell[0] == '\0')
        return NAN;
    v = strtod(cell, &end);
    if (end == cell || *end != '\0' || !isfinite(v))
        return NAN;
    return v / 100.0;
}

double rep_printed_pct(double p)
{
    char buf[32];

    if (!isfinite(p))
        return p;
    rep_fmt_pct(buf, sizeof buf, p);
    return rep_printed_value(buf);
}
