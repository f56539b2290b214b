#!/usr/bin/env Rscript
# Golden values for `prevalence estimate --by role` from R's survey package.
#
#   Rscript tests/reference/make_domain_goldens.R
#
# reads the sample data (sample-data/YEAR/{frame,responses-*}.csv, 2023-2025:
# roles probation_officer, supervisor and other, with domains of one, a few
# and many respondents, in census and sampled counties) and writes
# tests/reference/domain_goldens.csv. The C test (tests/unit/test_domains.c)
# reads the CSV and never runs R.
#
# The design is the whole survey on respondent rows,
#   svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total)
# and a role within a county, or a role statewide, is a subpopulation of it:
# subset(design, role == r & county == c) keeps every stratum's n_h, weights
# and fpc (R's domain estimation), not a stratum of its own. Per domain:
# svyratio(~confirmed, ~caseload) (any: ~any) or svymean(~officer_any) for
# the estimate and its se, degf() of the subset for df. The script checks
# that svyby(~y, ~county + role, design, svyratio, denominator = ~caseload)
# gives the same estimate and se as subset() for every county and role.
#
# Intervals: from (p, se, n, df) by the formulas of docs/methods.md, which
# make_design_ci_goldens.R checks against svyciprop, with prevalence's
# documented rules (make_estimate_goldens.R): census domain (p, p); se = 0 or
# p in {0, 1}: n in place of n_eff; Korn-Graubard n_eff capped at n (after
# the fpc, the default --deff-cap); methods without an interval show
# Korn-Graubard's; no interval where a t quantile with df < 1 is needed.
suppressPackageStartupMessages(library(survey))

level <- 0.95
alpha <- 1 - level
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- normalizePath(dirname(script))
root <- normalizePath(file.path(here, "..", ".."))
measures <- c("confirmed", "any", "officer_any")
methods <- c("korn-graubard", "wilson", "logit", "wald")
roles <- c("probation_officer", "supervisor", "other")

beta_limits <- function(p, n) {
  c(if (p == 0) 0 else qbeta(alpha / 2, n * p, n * (1 - p) + 1),
    if (p == 1) 1 else qbeta(1 - alpha / 2, n * p + 1, n * (1 - p)))
}
tq <- function(df) qt(alpha / 2, df, lower.tail = FALSE)

kg <- function(p, se, n, df) {
  if (se == 0 || p == 0 || p == 1) return(list(beta_limits(p, n), "rule:degenerate"))
  if (df < 1) return(list(c(NA, NA), "no-t"))
  n_eff <- p * (1 - p) / se^2 * (if (n > 1) (tq(n - 1) / tq(df))^2 else Inf)
  if (n_eff > n) return(list(beta_limits(p, n), "rule:kg-cap"))
  list(beta_limits(p, n_eff), "korn-graubard")
}

interval <- function(method, p, se, n, df, census) {
  if (census) return(list(c(p, p), "rule:census"))
  k <- kg(p, se, n, df)
  if (method == "korn-graubard") return(k)
  degenerate <- se == 0 || p == 0 || p == 1
  if (method == "wilson") {
    if (df < 1) return(list(k[[1]], "rule:df0"))
    n_eff <- if (degenerate) n else p * (1 - p) / se^2
    t <- tq(df)
    denom <- 1 + t * t / n_eff
    root <- sqrt(4 * n_eff * p * (1 - p) + t * t)
    ci <- c((p + t * t / (2 * n_eff) - t / (2 * n_eff) * root) / denom,
            (p + t * t / (2 * n_eff) + t / (2 * n_eff) * root) / denom)
    if (p == 0) ci[1] <- 0
    if (p == 1) ci[2] <- 1
    return(list(ci, "survey-4.5-wilson"))
  }
  if (method == "logit") {
    if (p == 0 || p == 1) return(list(k[[1]], "rule:logit-edge"))
    if (se == 0) return(list(c(p, p), "rule:degenerate"))
    if (df < 1) return(list(k[[1]], "no-t"))
    h <- tq(df) * se / (p * (1 - p))
    return(list(plogis(qlogis(p) + c(-h, h)), "xlogit"))
  }
  if (se == 0) return(list(c(p, p), "rule:degenerate"))
  if (df < 1) return(list(k[[1]], "no-t"))
  list(c(max(0, p - tq(df) * se), min(1, p + tq(df) * se)), "mean")
}

fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

rows <- list()
for (year in 2023:2025) {
  dir <- file.path(root, "sample-data", year)
  files <- list.files(dir, pattern = "^responses-.*\\.csv$", full.names = TRUE)
  resp <- do.call(rbind, lapply(files, read.csv, colClasses = c(respondent_id = "character")))
  frame <- read.csv(file.path(dir, "frame.csv"))
  resp <- merge(resp, frame[, c("county", "officers_total")], by = "county")
  resp$any <- resp$confirmed + resp$suspected
  resp$officer_any <- as.numeric(resp$confirmed > 0)
  des <- svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total, data = resp)
  counties <- sort(unique(resp$county))
  census <- tapply(resp$officers_total, resp$county, function(x) length(x) == x[1])
  for (lonely in c("adjust", "certainty")) {
    options(survey.lonely.psu = lonely)
    for (measure in measures) {
      y <- as.formula(paste0("~", measure))
      by <- if (measure == "officer_any")
        suppressWarnings(svyby(y, ~county + role, des, svymean))
      else
        suppressWarnings(svyby(y, ~county + role, des, svyratio, denominator = ~caseload))
      for (role in intersect(roles, unique(resp$role))) {
        for (dom in c(counties, "Arizona")) {
          f <- dom
          r <- role
          keep <- resp$role == r & (dom == "Arizona" | resp$county == f)
          if (!any(keep)) next
          d <- suppressWarnings(if (dom == "Arizona") subset(des, role == r)
                                else subset(des, role == r & county == f))
          n_resp <- sum(keep)
          n <- if (measure == "officer_any") n_resp else sum(resp$caseload[keep])
          if (n == 0) next    # no youth on the domain's caseloads: nothing to divide
          est <- suppressWarnings(if (measure == "officer_any") svymean(y, d)
                                  else svyratio(y, ~caseload, d))
          p <- as.numeric(coef(est))
          se <- as.numeric(SE(est))
          if (dom != "Arizona") {
            key <- paste(f, r, sep = ".")
            stopifnot(abs(by[key, 3] - p) < 1e-14, abs(by[key, 4] - se) < 1e-14)
          }
          if (se < 1e-12) se <- 0   # rounding noise where prevalence has exactly 0
          df <- degf(d)
          strata <- unique(resp$county[keep])
          cen <- all(census[strata])
          for (method in methods) {
            e <- interval(method, min(1, max(0, p)), se, n, df, cen)
            rows[[length(rows) + 1]] <- data.frame(
              year = year, lonely_psu = lonely, measure = measure, method = method,
              role = role, county = dom, respondents = n_resp, n = n, estimate = fmt(p),
              se = fmt(se), df = df, ci_low = fmt(e[[1]][1]), ci_high = fmt(e[[1]][2]),
              source = e[[2]], stringsAsFactors = FALSE)
          }
        }
      }
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "domain_goldens.csv"), row.names = FALSE, quote = FALSE,
          na = "")
cat(sprintf("%d golden rows (%s, survey %s)\n", nrow(out), R.version.string,
            packageVersion("survey")))
print(table(out$source))
