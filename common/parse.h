#ifndef PREV_PARSE_H
#define PREV_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* Strict number parsing: the whole string must be the number (surrounding
 * ASCII spaces allowed), no overflow, within [min, max]. Returns true on
 * success. NaN and infinities are never accepted. */
bool prev_parse_long(const char *s, long min, long max, long *out);
bool prev_parse_double(const char *s, double min, double max, double *out);

/* Format a double so that it reads back to the same value (shortest of
 * %.15g/%.16g/%.17g that round-trips). buf should hold 32 bytes. */
const char *prev_fmt_double(char *buf, size_t size, double x);

#endif
