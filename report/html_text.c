/* Text escaped for HTML and SVG: the one escaper of the report (the page,
 * the figures and the model-based sections all print through it). */
#include "report_model.h"

#include <stdio.h>

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
