/* What the report's SVG figures share: a round axis step, and the words
 * for a county whose rate is not drawn. */
#include "report_model.h"

#include <math.h>

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
