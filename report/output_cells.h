#ifndef AN_OUTPUT_CELLS_H
#define AN_OUTPUT_CELLS_H

#include <stdio.h>

#include <jansson.h>

/* One typed output cell, shared by the machine formats of `estimate` and
 * `trend`: the same value is written to CSV and JSON at full precision. */
enum an_cell_kind { AN_CELL_NULL, AN_CELL_INT, AN_CELL_REAL, AN_CELL_TEXT };

struct an_cell {
    enum an_cell_kind kind;
    long long i;
    double r;
    const char *s;     /* borrowed */
};

struct an_cell an_cell_int(long long v);
struct an_cell an_cell_text(const char *s);
/* NaN is a missing value: an empty CSV field, JSON null. */
struct an_cell an_cell_real(double v);

/* The value as a CSV field (no separator): integers as is, reals in the
 * shortest round-trip form, text quoted when needed, NULL empty. */
void an_cell_csv(FILE *out, struct an_cell c);
/* A new JSON value for the cell; the caller owns the reference. */
json_t *an_cell_json(struct an_cell c);

#endif
