/* Text escaped for HTML and SVG: the one escaper of the report (the page,
 * the figures and the model-based sections all print through it). */
#include "report_model.h"

#include <stdio.h>
#include <string.h>

void rep_html_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* "12,345" from "12345" (or "-1234"): a published cell with its thousands
 * separated for people; anything that is not an integer is copied as is
 * ("<10", "*", "12.5"). */
void rep_thousands(const char *cell, char *buf, size_t size)
{
    size_t len = strlen(cell), digits = 0, start = 0, o = 0;

    if (len > 0 && cell[0] == '-' && len > 1)
        start = 1;
    for (size_t i = start; i < len; i++) {
        if (cell[i] < '0' || cell[i] > '9') {
            snprintf(buf, size, "%s", cell);
            return;
        }
        digits++;
    }
    if (digits == 0 || size < len + len / 3 + 2) {
        snprintf(buf, size, "%s", cell);
        return;
    }
    if (start)
        buf[o++] = '-';
    for (size_t i = 0; i < digits; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = cell[start + i];
    }
    buf[o] = '\0';
}

void rep_html_count(FILE *out, const char *cell)
{
    char buf[64];
    rep_thousands(cell, buf, sizeof buf);
    rep_html_text(out, buf);
}
