#!/usr/bin/env Rscript
# Golden values for `prevalence estimate` from R's survey package (4.1).
#
#   Rscript tests/reference/make_estimate_goldens.R
#
# reads tests/reference/data/estimate_*/{responses,frame}.csv (made by
# make_estimate_data.py) and writes tests/reference/estimate_goldens.csv.
# Both are committed; the C tests read the CSV and never run R.
#
# The design, as docs/methods.md states it: every respondent's caseload is
# expanded to 0/1 youth rows (one row per respondent for officer_any),
#   svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total)
# (no fpc when the data set has no frame), each county a subset() of it and
# the state the whole design. Per domain: svymean() for the estimate and its
# se, degf() for df, svyciprop(method = "beta" | "xlogit" | "mean") for
# korn-graubard, logit and wald. survey 4.1 has no method = "wilson"; its
# reference is survey 4.5's svyciprop(method = "wilson") formula applied to
# svymean's estimate and se with t(df = degf).
#
# The script also checks that svyby(~y, ~county, design, svymean) gives the
# same estimate and se per county as subset(), the lonely-PSU county
# included (both cut the design to the stratum).
#
# Where prevalence documents a different rule than R (docs/methods.md, "Where
# results differ from R"), the expected interval is that rule, computed here
# independently, and `source` names it; R's own interval stays in r_ci_low /
# r_ci_high for the record:
#   rule:degenerate  se = 0 (lonely county) or p in {0, 1}: n_eff = n
#   rule:census      a census domain (respondents = officers): (p, p) for every
#                    method, no sampling error (issue #14; R: beta gives
#                    (0.5, 0.5), wilson NaN, xlogit and mean (p, p))
#   rule:df0         wilson without t(df), df < 1 (one respondent): the
#                    Clopper-Pearson interval with n, as korn-graubard there
#   rule:logit-edge logit at p in {0, 1} (no logit interval): Clopper-Pearson
#                    with n, as korn-graubard there (issue #14: such a row is
#                    no longer suppressed, it must not be shown without limits)
#   rule:kg-cap      Korn-Graubard n_eff after the df adjustment above n: n
#   rule:clamp       Wald limits outside [0, 1] are clamped
#
# The korn-graubard rows also carry kg_before_fpc_low / _high: the interval
# under --deff-cap before-fpc (docs/methods.md, "The design-effect cap"),
# where the with-replacement design effect is capped at 1 and then the fpc
# applies: n_eff_df = min(n / fpc, n_eff (t_{n-1}/t_df)^2) with
# fpc = se^2 / se_wr^2, se_wr from the same design, same weights, without
# fpc: svydesign(ids = ~respondent_id, strata = ~county, weights = ~w),
# w = officers_total / respondents of the county. Elsewhere they equal
# the korn-graubard interval (same rules); other methods leave them empty.
suppressPackageStartupMessages(library(survey))

level <- 0.95
alpha <- 1 - level
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- normalizePath(dirname(script))
datadir <- file.path(here, "data")
datasets <- c("estimate_a", "estimate_b", "estimate_c", "estimate_d")
measures <- c("confirmed", "any", "officer_any")
methods <- c("korn-graubard", "wilson", "logit", "wald")

# survey 4.5 svyciprop(method = "wilson") on an estimate p with effective
# sample size n_eff and t quantile with df degrees of freedom.
wilson45 <- function(p, n_eff, df) {
  t <- qt(p = alpha / 2, df = df, ncp = 0, lower.tail = FALSE)
  denom <- 1 + t * t / n_eff
  root <- sqrt(4 * n_eff * p * (1 - p) + t * t)
  c((p + t * t / (2 * n_eff) - t / (2 * n_eff) * root) / denom,
    (p + t * t / (2 * n_eff) + t / (2 * n_eff) * root) / denom)
}

beta_limits <- function(p, n_eff) {
  c(if (p == 0) 0 else qbeta(alpha / 2, n_eff * p, n_eff * (1 - p) + 1),
    if (p == 1) 1 else qbeta(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)))
}

raw_ci <- function(formula, d, method) {
  r <- tryCatch(suppressWarnings(svyciprop(formula, d, method = method, level = level)),
                error = function(e) NULL)
  if (is.null(r)) c(NA, NA) else as.vector(confint(r))
}

# Expected interval and where it comes from.
expected <- function(method, formula, d, p, se, n, df, census) {
  # A lonely county's se is rounding noise in R (about 1e-17); exactly 0 here.
  if (se < 1e-12) se <- 0
  # A census domain (every officer answered) has no sampling error: every
  # method shows (p, p), as svyciprop's xlogit and mean do (issue #14).
  if (census) {
    raw <- raw_ci(formula, d, c("korn-graubard" = "beta", wilson = "mean", logit = "xlogit",
                                wald = "mean")[[method]])
    if (method == "wilson") raw <- c(NA, NA)
    return(list(c(p, p), "rule:census", raw))
  }
  degenerate <- se == 0 || p == 0 || p == 1
  if (method == "korn-graubard") {
    raw <- raw_ci(formula, d, "beta")
    if (degenerate) return(list(beta_limits(p, n), "rule:degenerate", raw))
    n_eff <- p * (1 - p) / se^2 * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2
    if (n_eff > n) return(list(beta_limits(p, n), "rule:kg-cap", raw))
    return(list(raw, "svyciprop", raw))
  }
  if (method == "wilson") {
    raw <- if (df >= 1 && !degenerate) wilson45(p, p * (1 - p) / se^2, df) else c(NA, NA)
    # No t(df) below 1 df: korn-graubard's interval is shown (Clopper-Pearson
    # with n where se is 0), as for every method without an interval.
    if (df < 1) return(list(beta_limits(p, n), "rule:df0", raw))
    if (degenerate) {
      ci <- wilson45(p, n, df)
      if (p == 0) ci[1] <- 0
      if (p == 1) ci[2] <- 1
      return(list(ci, "rule:degenerate", raw))
    }
    return(list(raw, "survey-4.5-wilson", raw))
  }
  if (method == "logit") {
    raw <- raw_ci(formula, d, "xlogit")
    if (p == 0 || p == 1) return(list(beta_limits(p, n), "rule:logit-edge", raw))
    if (se == 0) return(list(c(p, p), "rule:degenerate", raw))
    return(list(raw, "svyciprop", raw))
  }
  raw <- raw_ci(formula, d, "mean")
  if (se == 0) return(list(c(p, p), "rule:degenerate", raw))
  if (raw[1] < 0 || raw[2] > 1)
    return(list(c(max(0, raw[1]), min(1, raw[2])), "rule:clamp", raw))
  list(raw, "svyciprop", raw)
}

# Korn-Graubard with the cap before the fpc (see the header).
kg_before_fpc <- function(e, p, se, se_wr, n, df, census) {
  if (census || e[[2]] == "rule:degenerate" || se < 1e-12) return(e[[1]])
  fpc <- if (se_wr > 0) se^2 / se_wr^2 else 1
  cap <- if (fpc > 0 && fpc < 1) n / fpc else n
  n_eff <- p * (1 - p) / se^2 * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2
  beta_limits(p, min(cap, n_eff))
}

fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

rows <- list()
for (ds in datasets) {
  resp <- read.csv(file.path(datadir, ds, "responses.csv"),
                   colClasses = c(county = "character", respondent_id = "character"))
  frame_path <- file.path(datadir, ds, "frame.csv")
  has_frame <- file.exists(frame_path)
  if (has_frame) {
    frame <- read.csv(frame_path, colClasses = c(county = "character"))
    resp <- merge(resp, frame[, c("county", "officers_total")], by = "county")
  }
  stopifnot(all(resp$caseload >= 1))
  # One row per youth: the first `confirmed` of a caseload are confirmed
  # victims, the first confirmed + suspected are "any".
  idx <- rep(seq_len(nrow(resp)), resp$caseload)
  k <- sequence(resp$caseload)
  youth <- resp[idx, ]
  youth$confirmed <- as.numeric(k <= resp$confirmed[idx])
  youth$any <- as.numeric(k <= (resp$confirmed + resp$suspected)[idx])
  officers <- resp
  officers$officer_any <- as.numeric(resp$confirmed > 0)
  make_design <- function(data, fpc = has_frame) {
    if (!fpc && has_frame) {
      data$w <- data$officers_total / n_resp[data$county]
      svydesign(ids = ~respondent_id, strata = ~county, weights = ~w, data = data)
    } else if (fpc)
      svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total, data = data)
    else
      suppressWarnings(svydesign(ids = ~respondent_id, strata = ~county, data = data))
  }
  designs <- list(confirmed = make_design(youth), any = make_design(youth),
                  officer_any = make_design(officers))
  n_resp <- table(resp$county)
  designs_wr <- list(confirmed = make_design(youth, FALSE), any = make_design(youth, FALSE),
                     officer_any = make_design(officers, FALSE))
  counties <- sort(unique(resp$county))
  # Census county: as many respondents as officers in the frame.
  census_county <- if (has_frame) tapply(resp$officers_total, resp$county,
                                         function(x) length(x) == x[1]) else
    setNames(rep(FALSE, length(counties)), counties)
  for (lonely in c("adjust", "certainty")) {
    options(survey.lonely.psu = lonely)
    for (measure in measures) {
      des <- designs[[measure]]
      des_wr <- designs_wr[[measure]]
      formula <- as.formula(paste0("~", measure))
      # svyby() cuts the design per county as subset() does, lonely-PSU
      # county included: check that the per-county numbers are the same.
      by <- suppressWarnings(svyby(formula, ~county, des, svymean))
      for (f in counties) {
        s <- suppressWarnings(svymean(formula, subset(des, county == f)))
        stopifnot(abs(by[f, 2] - coef(s)) < 1e-15, abs(by[f, 3] - SE(s)) < 1e-15)
      }
      for (dom in c(counties, "Arizona")) {
        d <- if (dom == "Arizona") des else {
          f <- dom
          suppressWarnings(subset(des, county == f))
        }
        d_wr <- if (dom == "Arizona") des_wr else {
          f <- dom
          suppressWarnings(subset(des_wr, county == f))
        }
        se_wr <- as.numeric(SE(suppressWarnings(svymean(formula, d_wr))))
        m <- suppressWarnings(svymean(formula, d, deff = TRUE))
        m_rep <- suppressWarnings(svymean(formula, d, deff = "replace"))
        p <- as.numeric(coef(m))
        se <- as.numeric(SE(m))
        n <- nrow(d)
        df <- degf(d)
        for (method in methods) {
          cen <- all(census_county[if (dom == "Arizona") counties else dom])
          e <- suppressWarnings(expected(method, formula, d, p, se, n, df, cen))
          kb <- if (method == "korn-graubard")
            kg_before_fpc(e, p, se, se_wr, n, df, cen) else c(NA, NA)
          rows[[length(rows) + 1]] <- data.frame(
            dataset = ds, lonely_psu = lonely, measure = measure, method = method,
            county = dom, n = n, estimate = fmt(p), se = fmt(se), df = df,
            ci_low = fmt(e[[1]][1]), ci_high = fmt(e[[1]][2]), source = e[[2]],
            r_ci_low = fmt(e[[3]][1]), r_ci_high = fmt(e[[3]][2]),
            r_deff = fmt(as.numeric(deff(m))), r_deff_replace = fmt(as.numeric(deff(m_rep))),
            kg_before_fpc_low = fmt(kb[1]), kg_before_fpc_high = fmt(kb[2]),
            stringsAsFactors = FALSE)
        }
      }
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "estimate_goldens.csv"), row.names = FALSE, quote = FALSE,
          na = "")
cat(sprintf("%d golden rows (%s)\n", nrow(out), R.version.string))
print(table(out$source))
