#ifndef PREV_CSV_OUT_H
#define PREV_CSV_OUT_H

#include <stdio.h>

/* Write one CSV field (RFC 4180): as is, or quoted with doubled quotes
 * when it holds a comma, quote or line break. Every CSV we write uses it,
 * so a field reads back the same in R, Python and spreadsheets. */
void prev_csv_field(FILE *out, const char *s);

#endif
