#include "output_cells.h"

#include <math.h>

#include "csv_out.h"
#include "parse.h"

struct rep_cell rep_cell_int(long long v)
{
    return (struct rep_cell){REP_CELL_INT, v, 0, NULL};
}

struct rep_cell rep_cell_text(const char *s)
{
    return (struct rep_cell){REP_CELL_TEXT, 0, 0, s};
}

struct rep_cell rep_cell_real(double v)
{
    if (isnan(v))
        return (struct rep_cell){REP_CELL_NULL, 0, 0, NULL};
    return (struct rep_cell){REP_CELL_REAL, 0, v, NULL};
}

void rep_cell_csv(FILE *out, struct rep_cell c)
{
    char buf[40];

    if (c.kind == REP_CELL_INT)
        fprintf(out, "%lld", c.i);
    else if (c.kind == REP_CELL_REAL)
        fputs(prev_fmt_double(buf, sizeof buf, c.r), out);
    else if (c.kind == REP_CELL_TEXT)
        prev_csv_field(out, c.s);
}

json_t *rep_cell_json(struct rep_cell c)
{
    switch (c.kind) {
    case REP_CELL_INT: return json_integer(c.i);
    case REP_CELL_REAL: return json_real(c.r);
    case REP_CELL_TEXT: return json_string(c.s);
    default: return json_null();
    }
}
