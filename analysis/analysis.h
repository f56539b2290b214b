#ifndef AN_ANALYSIS_H
#define AN_ANALYSIS_H

/* The statistics of `prevalence`, the one header other modules include:
 * the design-based estimator (design.h, linearization inside), interval
 * methods (ci_methods.h), NCHS flags (nchs.h), change and trend (trend.h),
 * small-area models (sae.h, fay_herriot.h, sae_covariates.h), and the
 * queries that feed them from the database (estimate_query.h,
 * trend_query.h). Nothing in analysis/ writes a file, HTML or SVG; what is
 * published is report/'s. */

#include "ci_methods.h"
#include "design.h"
#include "estimate.h"
#include "estimate_query.h"
#include "fay_herriot.h"
#include "nchs.h"
#include "sae.h"
#include "sae_covariates.h"
#include "trend.h"
#include "trend_query.h"

#endif
