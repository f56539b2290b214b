#include "prev_error.h"

#include <stdarg.h>
#include <string.h>

int prev_fail(struct prev_error *e, int code, const char *where,
              const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return code;
    e->code = code;
    snprintf(e->where, sizeof e->where, "%s", where != NULL ? where : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

void prev_error_clear(struct prev_error *e)
{
    if (e == NULL)
        return;
    e->code = 0;
    e->where[0] = '\0';
    e->msg[0] = '\0';
}

void prev_error_print(const struct prev_error *e, FILE *out)
{
    if (e->where[0] != '\0')
        fprintf(out, "prevalence: %s: %s\n", e->where, e->msg);
    else
        fprintf(out, "prevalence: %s\n", e->msg);
}
