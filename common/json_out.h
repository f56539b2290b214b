#ifndef PREV_JSON_OUT_H
#define PREV_JSON_OUT_H

#include <stdio.h>

#include <jansson.h>

/* Write a jansson document with numbers as in our CSV: the shortest form
 * that reads back to the same double (jansson itself prints %.17g, so 0.95
 * would become 0.94999999999999996). Layout: a top-level object has one key
 * per line; an array has one element per line; deeper objects stay on one
 * line. No trailing newline. */
void prev_json_write(FILE *out, const json_t *doc);

#endif
