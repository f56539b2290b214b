#include "output.h"
#include "csv_out.h"

#include <stdlib.h>
#include <string.h>

bool col_format_parse(const char *s, enum col_format *out)
{
    if (strcmp(s, "table") == 0)
        *out = COL_FORMAT_TABLE;
    else if (strcmp(s, "csv") == 0)
        *out = COL_FORMAT_CSV;
    else if (strcmp(s, "json") == 0)
        *out = COL_FORMAT_JSON;
    else
        return false;
    return true;
}

void col_grid_init(struct col_grid *g, size_t ncols, const char *const *headers,
                   const bool *right)
{
    memset(g, 0, sizeof *g);
    g->ncols = ncols;
    g->headers = headers;
    g->right = right;
}

int col_grid_add(struct col_grid *g, const char *const *values)
{
    if (g->nrows == g->cap) {
        size_t cap = g->cap == 0 ? 16 : g->cap * 2;
        char **grown = realloc(g->cells, cap * g->ncols * sizeof *grown);
        if (grown == NULL)
            return -1;
        g->cells = grown;
        g->cap = cap;
    }
    for (size_t c = 0; c < g->ncols; c++) {
        char *copy = strdup(values[c] != NULL ? values[c] : "");
        if (copy == NULL) {
            for (size_t k = 0; k < c; k++)
                free(g->cells[g->nrows * g->ncols + k]);
            return -1;
        }
        g->cells[g->nrows * g->ncols + c] = copy;
    }
    g->nrows++;
    return 0;
}

/* Characters, not bytes: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void pad(FILE *out, size_t n)
{
    while (n-- > 0)
        fputc(' ', out);
}

void col_grid_print_table(const struct col_grid *g, FILE *out)
{
    size_t *w = calloc(g->ncols, sizeof *w);

    if (w == NULL)
        return;
    for (size_t c = 0; c < g->ncols; c++) {
        w[c] = width(g->headers[c]);
        for (size_t r = 0; r < g->nrows; r++) {
            size_t cw = width(g->cells[r * g->ncols + c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    for (size_t r = 0; r <= g->nrows; r++) {
        for (size_t c = 0; c < g->ncols; c++) {
            const char *v = r == 0 ? g->headers[c] : g->cells[(r - 1) * g->ncols + c];
            size_t gap = w[c] - width(v);
            bool last = c + 1 == g->ncols;
            if (g->right != NULL && g->right[c])
                pad(out, gap);
            fputs(v, out);
            if (!last && !(g->right != NULL && g->right[c]))
                pad(out, gap);
            if (!last)
                fputs("  ", out);
        }
        fputc('\n', out);
    }
    free(w);
}


void col_grid_print_csv(const struct col_grid *g, FILE *out)
{
    for (size_t r = 0; r <= g->nrows; r++) {
        for (size_t c = 0; c < g->ncols; c++) {
            if (c > 0)
                fputc(',', out);
            prev_csv_field(out, r == 0 ? g->headers[c] : g->cells[(r - 1) * g->ncols + c]);
        }
        fputc('\n', out);
    }
}

void col_grid_free(struct col_grid *g)
{
    for (size_t i = 0; i < g->nrows * g->ncols; i++)
        free(g->cells[i]);
    free(g->cells);
    memset(g, 0, sizeof *g);
}
