#ifndef REP_REPORT_H
#define REP_REPORT_H

/* What the public and the partners see, the one header front ends include:
 * loading a year for the report (report_query.h), the Council report and
 * its protected tables (report_model.h), `publish` (report_publish.h), the
 * partner bundle (export.h), writing a folder whole (outdir.h), and the
 * machine outputs of `estimate` and `trend` (estimate_output.h,
 * trend_output.h, sae_output.h). */

#include "estimate_output.h"
#include "export.h"
#include "outdir.h"
#include "report_model.h"
#include "report_pdf.h"
#include "report_publish.h"
#include "report_query.h"
#include "sae_fit.h"
#include "sae_output.h"
#include "trend_output.h"

#endif
