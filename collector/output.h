#ifndef COL_OUTPUT_H
#define COL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Listings for people (aligned table) and for programs (CSV, JSON). The
 * columns and their order are a public contract (docs/commands/). */

enum col_format { COL_FORMAT_TABLE, COL_FORMAT_CSV, COL_FORMAT_JSON };

bool col_format_parse(const char *s, enum col_format *out);

/* A grid of strings, printed as a table or as CSV. */
struct col_grid {
    size_t ncols, nrows, cap;
    const char *const *headers;
    const bool *right;        /* right-align column i in tables (numbers) */
    char **cells;             /* nrows * ncols, owned */
};

void col_grid_init(struct col_grid *g, size_t ncols, const char *const *headers,
                   const bool *right);
/* Copy one row of ncols values (NULL prints as empty). 0, or -1 when out
 * of memory. */
int col_grid_add(struct col_grid *g, const char *const *values);
/* Columns padded to their widest value (counting characters, not bytes). */
void col_grid_print_table(const struct col_grid *g, FILE *out);
/* RFC 4180 with a header row and LF line ends. */
void col_grid_print_csv(const struct col_grid *g, FILE *out);
void col_grid_free(struct col_grid *g);

#endif
