#!/usr/bin/env Rscript
# Golden values for `prevalence estimate --weights calibrated` from R's
# survey package.
#
#   Rscript tests/reference/make_calibration_goldens.R
#
# reads the sample data (sample-data/YEAR/{frame,responses-*}.csv,
# 2023-2025) and the golden data sets with a frame
# (tests/reference/data/estimate_{a,b,c}) and writes
# tests/reference/calibration_goldens.csv. The C test (tests/unit/
# test_domains.c) reads the CSV and never runs R.
#
# The design is the whole survey on respondent rows,
#   svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total),
# and its weights are ratio-calibrated so that each county's weighted
# caseload equals the frame's youth_total:
#   calibrate(design, ~caseload:county - 1, population = youth_total,
#             calfun = "linear", variance = caseload)
# (variance = caseload makes the g-weights constant within a county, the
# ratio calibration; an officer with caseload 0, whose variance would be 0,
# gets 1 instead: such an officer has no youth, so adds nothing to either
# sum, whatever the weight). Per domain (a county, the state, and with
# --by role each role within them, subset() of the calibrated design):
# svyratio(~y, ~caseload) for the estimate and its se (R's calibration
# variance), degf() for df. The script checks that every county's estimate
# and se are those of the design without calibration (a county's ratio does
# not change when its weights are multiplied by one number, nor does its
# linearized variance), so the rows that differ are the states'.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- normalizePath(dirname(script))
root <- normalizePath(file.path(here, "..", ".."))
measures <- c("confirmed", "any")
roles <- c("probation_officer", "supervisor", "other")
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

sets <- c(setNames(file.path(root, "sample-data", 2023:2025), paste0("sample-", 2023:2025)),
          setNames(file.path(root, "tests", "reference", "data",
                             paste0("estimate_", c("a", "b", "c"))),
                   paste0("estimate_", c("a", "b", "c"))))
rows <- list()
for (set in names(sets)) {
  dir <- sets[[set]]
  files <- list.files(dir, pattern = "^responses.*\\.csv$", full.names = TRUE)
  resp <- do.call(rbind, lapply(files, read.csv, colClasses = c(respondent_id = "character")))
  frame <- read.csv(file.path(dir, "frame.csv"))
  resp <- merge(resp, frame[, c("county", "officers_total", "youth_total")], by = "county")
  resp$any <- resp$confirmed + resp$suspected
  resp$county <- factor(resp$county)
  des <- svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total, data = resp)
  pop <- frame$youth_total[match(levels(resp$county), frame$county)]
  names(pop) <- paste0("caseload:county", levels(resp$county))
  cal <- calibrate(des, ~caseload:county - 1, population = pop, calfun = "linear",
                   variance = ifelse(resp$caseload > 0, resp$caseload, 1))
  options(survey.lonely.psu = "adjust")
  stopifnot(all(abs(svyby(~caseload, ~county, cal, svytotal)[, 2] - pop) < 1e-8 * pop))
  counties <- levels(resp$county)
  for (lonely in c("adjust", "certainty")) {
    options(survey.lonely.psu = lonely)
    for (measure in measures) {
      y <- as.formula(paste0("~", measure))
      for (role in c("", intersect(roles, unique(resp$role)))) {
        for (dom in c(counties, "Arizona")) {
          keep <- (role == "" | resp$role == role) & (dom == "Arizona" | resp$county == dom)
          if (!any(keep) || sum(resp$caseload[keep]) == 0) next
          d <- suppressWarnings(eval(bquote(
            subset(cal, (.(role) == "" | role == .(role)) &
                        (.(dom) == "Arizona" | county == .(dom))))))
          d0 <- suppressWarnings(eval(bquote(
            subset(des, (.(role) == "" | role == .(role)) &
                        (.(dom) == "Arizona" | county == .(dom))))))
          est <- suppressWarnings(svyratio(y, ~caseload, d))
          p <- as.numeric(coef(est))
          se <- as.numeric(SE(est))
          if (dom != "Arizona") {
            e0 <- suppressWarnings(svyratio(y, ~caseload, d0))
            stopifnot(abs(as.numeric(coef(e0)) - p) < 1e-12,
                      abs(as.numeric(SE(e0)) - se) < 1e-12 * max(1, se))
          }
          if (se < 1e-12) se <- 0   # rounding noise where the estimate is exact
          rows[[length(rows) + 1]] <- data.frame(
            data = set, lonely_psu = lonely, measure = measure, role = role, county = dom,
            respondents = sum(keep), n = sum(resp$caseload[keep]), estimate = fmt(p),
            se = fmt(se), df = degf(d), stringsAsFactors = FALSE)
        }
      }
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "calibration_goldens.csv"), row.names = FALSE, quote = FALSE,
          na = "")
cat(sprintf("%d golden rows, %d of them Arizona (%s, survey %s)\n", nrow(out),
            sum(out$county == "Arizona"), R.version.string, packageVersion("survey")))
