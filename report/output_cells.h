#ifndef REP_OUTPUT_CELLS_H
#define REP_OUTPUT_CELLS_H

#include <stdio.h>

#include <jansson.h>

/* One typed output cell, shared by the machine formats of `estimate` and
 * `trend`: the same value is written to CSV and JSON at full precision. */
enum rep_cell_kind { REP_CELL_NULL, REP_CELL_INT, REP_CELL_REAL, REP_CELL_TEXT };

struct rep_cell {
    enum rep_cell_kind kind;
    long long i;
    double r;
    const char *s;     /* borrowed */
};

struct rep_cell rep_cell_int(long long v);
struct rep_cell rep_cell_text(const char *s);
/* NaN is a missing value: an empty CSV field, JSON null. */
struct rep_cell rep_cell_real(double v);

/* The value as a CSV field (no separator): integers as is, reals in the
 * shortest round-trip form, text quoted when needed, NULL empty. */
void rep_cell_csv(FILE *out, struct rep_cell c);
/* A new JSON value for the cell; the caller owns the reference. */
json_t *rep_cell_json(struct rep_cell c);

#endif
