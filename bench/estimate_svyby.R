#!/usr/bin/env Rscript
# R's side of bench/estimate.sh: the same three measures, per county and
# statewide, by svydesign + svyby(svyratio) on the respondent rows.
#   estimate_svyby.R responses.csv frame.csv RUNS out.csv
# prints one elapsed time (seconds) per run; writes fips,measure,estimate,se.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
a <- commandArgs(trailingOnly = TRUE)
resp <- read.csv(a[1], header = FALSE, colClasses = c("integer", "character", "character",
                 "character", "integer", "integer", "integer"),
                 col.names = c("survey_year", "fips", "respondent_id", "role", "caseload",
                               "confirmed", "suspected"))
frame <- read.csv(a[2], header = FALSE, colClasses = c("integer", "character", "integer",
                  "integer"), col.names = c("survey_year", "fips", "officers_total",
                  "youth_total"))
resp$officers_total <- frame$officers_total[match(resp$fips, frame$fips)]
resp$any <- resp$confirmed + resp$suspected
resp$officer_any <- as.numeric(resp$confirmed > 0)
resp$one <- 1
runs <- as.integer(a[3])
for (run in seq_len(runs)) {
  t <- system.time({
    des <- svydesign(ids = ~respondent_id, strata = ~fips, fpc = ~officers_total, data = resp)
    by <- list(
      confirmed = svyby(~confirmed, ~fips, denominator = ~caseload, des, svyratio),
      any = svyby(~any, ~fips, denominator = ~caseload, des, svyratio),
      officer_any = svyby(~officer_any, ~fips, denominator = ~one, des, svyratio))
    state <- list(confirmed = svyratio(~confirmed, ~caseload, des),
                  any = svyratio(~any, ~caseload, des),
                  officer_any = svyratio(~officer_any, ~one, des))
  })
  cat(sprintf("%.3f\n", t[["elapsed"]]))
}
out <- do.call(rbind, lapply(names(by), function(m) rbind(
  data.frame(fips = by[[m]]$fips, measure = m, estimate = by[[m]][, 2], se = by[[m]][, 3]),
  data.frame(fips = "04", measure = m, estimate = as.numeric(coef(state[[m]])),
             se = as.numeric(SE(state[[m]]))))))
write.csv(out, a[4], row.names = FALSE, quote = FALSE)
