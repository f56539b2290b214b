#ifndef REP_REPORT_PDF_H
#define REP_REPORT_PDF_H

#include "prev_error.h"

/* report.pdf from report.html through headless Chromium's --print-to-pdf
 * (`prevalence report --pdf`): the page's own print stylesheet decides the
 * layout, header and footer. */

/* The Chromium to print with: $PREVALENCE_CHROMIUM when set, else the
 * first of chromium, chromium-browser on PATH. Returns 0 with path
 * filled, or 69 (err names the package to install) when there is none. */
int rep_pdf_find_chromium(char *path, size_t size, struct prev_error *err);

/* Print dir/report.html to dir/report.pdf: Chromium writes a temporary
 * .report.pdf.XXXXXX in dir (a private profile in $TMPDIR, removed after),
 * renamed into place only when it exited 0 and wrote a PDF. Returns 0, 70
 * when Chromium fails (its exit status in err), 73/74 on file errors. */
int rep_pdf_print(const char *chromium, const char *dir, struct prev_error *err);

#endif
