#include "output_cells.h"

#include <math.h>

#include "csv_out.h"
#include "parse.h"

struct an_cell an_cell_int(long long v)
{
    return (struct an_cell){AN_CELL_INT, v, 0, NULL};
}

struct an_cell an_cell_text(const char *s)
{
    return (struct an_cell){AN_CELL_TEXT, 0, 0, s};
}

struct an_cell an_cell_real(double v)
{
    if (isnan(v))
        return (struct an_cell){AN_CELL_NULL, 0, 0, NULL};
    return (struct an_cell){AN_CELL_REAL, 0, v, NULL};
}

void an_cell_csv(FILE *out, struct an_cell c)
{
    char buf[40];

    if (c.kind == AN_CELL_INT)
        fprintf(out, "%lld", c.i);
    else if (c.kind == AN_CELL_REAL)
        fputs(prev_fmt_double(buf, sizeof buf, c.r), out);
    else if (c.kind == AN_CELL_TEXT)
        prev_csv_field(out, c.s);
}

json_t *an_cell_json(struct an_cell c)
{
    switch (c.kind) {
    case AN_CELL_INT: return json_integer(c.i);
    case AN_CELL_REAL: return json_real(c.r);
    case AN_CELL_TEXT: return json_string(c.s);
    default: return json_null();
    }
}
