#!/usr/bin/Rscript
# Golden values for `prevalence trend` (analysis/trend.c), from R survey.
#
# For each data set (the two under tests/reference/data/trend/, made by
# make_trend_data.py there, and the committed sample-data/, made by
# `prevalence synth`) and each measure, this fits ONE design over all
# survey years: strata = county x survey year, PSU = respondent, fpc = the
# county's officers in that year (weights follow from it). Years are
# independent samples, so the covariance of two years' estimates is zero and
# the change's variance is the sum of the two variances; svycontrast on
# svyby(..., covmat = TRUE) gets that from the design, not from our formula.
#
# Measures, as in analysis/estimate.h: confirmed = sum(confirmed)/sum(caseload)
# and any = sum(confirmed + suspected)/sum(caseload) are ratio estimators
# (svyratio: every respondent is a PSU, also those with caseload 0);
# officer_any = share of respondents with at least one confirmed case (svymean).
#
# Rows written to trend_goldens.csv (kind column):
#   year    estimate, se, df of one county (or the state) in one year
#           (df = PSUs - strata in the domain, survey's degf)
#   change  from year_from to year_to: estimate = difference (proportion),
#           se from svycontrast, df = Welch-Satterthwaite from the two
#           years' variances and df (a year with variance 0 contributes
#           none; empty when both are 0), t interval,
#           ratio to/from with the interval exp(log r +- t * se_log), se_log
#           from svycontrast(quote(log(`to`/`from`))) (delta method),
#           two-sided p-value from t(df); p_holm = p.adjust(holm) within one
#           comparison (data set, measure, year_from, year_to) over the rows
#           that have a p-value
#   slope   weighted least squares slope per year over the years with an
#           estimate (needs 3 or more, every se > 0): lm(estimate ~ year,
#           weights = 1/se^2); its standard error with the variances as
#           weights, sqrt(1 / sum(w (t - tbar)^2)), not lm's residual-scaled
#           one; t interval and p-value with the Welch-Satterthwaite df of
#           sum c_t^2 se_t^2 (c_t = w_t (t - tbar) / sum w (t - tbar)^2);
#           p_holm over one data set x measure.
#   r_df, r_ci_low, r_ci_high, r_p_value: what the rule replaced, where
#           source is not "survey": for a change, R's degf of the two-year
#           design (df_a + df_b, what svyciprop/confint would use) and the
#           t interval and p-value with it; for a slope, the normal
#           reference (variances taken as known) used before issue #14.
#   source  "survey" (the rule's df equals R's), "rule:satterthwaite"
#           (change), "rule:satterthwaite-t" (slope).
#   census (year rows) 1 when every officer of the domain answered that year
#           (its se of 0 is exact), else 0
# Empty cells: not defined (no data that year, se = 0 without two censuses,
# df < 1, p = 0 for a ratio).
#
# Welch-Satterthwaite df of a sum of independent variances v with df d;
# a zero variance adds nothing; NA when all are 0 (no variance, no df).
satt <- function(v, d) {
  k <- v > 0
  if (!any(k)) return(NA)
  if (any(d[k] <= 0)) return(0)
  sum(v[k])^2 / sum(v[k]^2 / d[k])
}

# Usage: Rscript tests/reference/make_trend_goldens.R   (from the repository root)
suppressPackageStartupMessages(library(survey))
# sample-data/ has a lonely PSU (Graham: one respondent of two officers each
# year). A ratio's linearized scores sum to zero over the domain, so the
# "adjust" rule's grand mean is 0 and the state's se is the same in this
# combined design as in the per-year design `prevalence estimate` uses;
# Graham's own se is 0 (and df 0) in both.
options(survey.lonely.psu = "adjust")

level <- 0.95
here <- "tests/reference"
counties <- c("04001" = "Apache", "04003" = "Cochise", "04005" = "Coconino",
              "04007" = "Gila", "04009" = "Graham", "04011" = "Greenlee",
              "04012" = "La Paz", "04013" = "Maricopa", "04015" = "Mohave",
              "04017" = "Navajo", "04019" = "Pima", "04021" = "Pinal",
              "04023" = "Santa Cruz", "04025" = "Yavapai", "04027" = "Yuma")

# A folder of survey years in the codebook v1 layout (YEAR/responses*.csv,
# YEAR/frame.csv; counties by name).
read_dataset <- function(dir) {
  rd <- function(pattern) do.call(rbind, lapply(sort(Sys.glob(file.path(dir, "*", pattern))),
                                                read.csv, stringsAsFactors = FALSE))
  d <- merge(rd("responses*.csv"), rd("frame.csv"), by = c("survey_year", "county"))
  d$fips <- names(counties)[match(d$county, counties)]
  stopifnot(!is.na(d$fips))
  d$any <- d$confirmed + d$suspected
  d$officer_any <- as.numeric(d$confirmed > 0)
  d$stratum <- interaction(d$fips, d$survey_year, drop = TRUE)
  d
}

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

# Per-year estimates and their joint covariance in one domain.
by_year <- function(des, measure) {
  switch(measure,
    confirmed   = svyby(~confirmed, ~survey_year, des, svyratio,
                        denominator = ~caseload, covmat = TRUE),
    any         = svyby(~any, ~survey_year, des, svyratio,
                        denominator = ~caseload, covmat = TRUE),
    officer_any = svyby(~officer_any, ~survey_year, des, svymean, covmat = TRUE))
}

rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- data.frame(..., stringsAsFactors = FALSE)

# census: per year (names), TRUE when every officer of the domain answered.
domain_rows <- function(dataset, measure, des, county, fips, all_years, census) {
  est <- by_year(des, measure)
  years <- as.character(est$survey_year)
  p <- setNames(as.numeric(coef(est)), years)
  se <- setNames(as.numeric(SE(est)), years)
  df <- setNames(sapply(years, function(y)
    degf(subset(des, survey_year == as.integer(y)))), years)
  for (y in years)
    add(kind = "year", dataset = dataset, measure = measure, county = county, fips = fips,
        year_from = y, year_to = y, estimate = p[y], se = se[y], df = df[y],
        census = as.integer(census[[y]]), ci_low = NA, ci_high = NA, ratio = NA, ratio_ci_low = NA, ratio_ci_high = NA,
        p_value = NA, p_holm = NA, r_df = NA, r_ci_low = NA, r_ci_high = NA, r_p_value = NA,
        source = "survey")
  ys <- as.character(all_years)
  pairs <- c(lapply(seq_len(length(ys) - 1), function(i) ys[i:(i + 1)]),
             list(ys[c(1, length(ys))]))
  for (pr in pairs) {
    a <- pr[1]; b <- pr[2]
    r <- list(d = NA, se = NA, df = NA, lo = NA, hi = NA, ratio = NA, rlo = NA, rhi = NA, pv = NA,
              rdf = NA, r_lo = NA, r_hi = NA, r_pv = NA, src = "survey")
    if (a %in% years && b %in% years) {
      con <- svycontrast(est, setNames(c(-1, 1), c(a, b)))
      r$d <- as.numeric(coef(con)); r$se <- as.numeric(SE(con))
      r$rdf <- df[a] + df[b]
      r$df <- satt(c(se[a]^2, se[b]^2), c(df[a], df[b]))
      if (r$se > 0 && r$rdf >= 1) {
        rq <- qt(1 - (1 - level) / 2, r$rdf)
        r$r_lo <- r$d - rq * r$se; r$r_hi <- r$d + rq * r$se
        r$r_pv <- 2 * pt(-abs(r$d / r$se), r$rdf)
      }
      if (is.na(r$df) || r$df != r$rdf) r$src <- "rule:satterthwaite"
      exact <- census[[a]] && census[[b]]
      # As analysis/trend.c: a t interval and p-value need se > 0 and
      # df >= 1; with se = 0 only two censuses give an (exact) interval.
      tq <- NA
      if (r$se > 0 && !is.na(r$df) && r$df >= 1) {
        tq <- qt(1 - (1 - level) / 2, r$df)
        r$lo <- r$d - tq * r$se; r$hi <- r$d + tq * r$se
        r$pv <- 2 * pt(-abs(r$d / r$se), r$df)
      } else if (r$se == 0 && exact) {
        r$lo <- r$hi <- r$d
      }
      if (p[a] > 0 && p[b] > 0) {
        lr <- svycontrast(est, eval(bquote(quote(log(.(as.name(b)) / .(as.name(a)))))))
        r$ratio <- exp(as.numeric(coef(lr)))
        if (!is.na(tq)) {
          r$rlo <- exp(as.numeric(coef(lr)) - tq * as.numeric(SE(lr)))
          r$rhi <- exp(as.numeric(coef(lr)) + tq * as.numeric(SE(lr)))
        } else if (r$se == 0 && exact) {
          r$rlo <- r$rhi <- r$ratio
        }
      }
    }
    add(kind = "change", dataset = dataset, measure = measure, county = county, fips = fips,
        year_from = a, year_to = b, estimate = r$d, se = r$se, df = r$df,
        census = NA, ci_low = r$lo, ci_high = r$hi, ratio = r$ratio, ratio_ci_low = r$rlo,
        ratio_ci_high = r$rhi, p_value = r$pv, p_holm = NA,
        r_df = r$rdf, r_ci_low = r$r_lo, r_ci_high = r$r_hi, r_p_value = r$r_pv, source = r$src)
  }
  s <- list(b = NA, se = NA, df = NA, lo = NA, hi = NA, pv = NA, r_lo = NA, r_hi = NA, r_pv = NA)
  if (length(years) >= 3 && all(se > 0)) {
    t <- as.numeric(years); w <- 1 / se^2
    fit <- lm(p ~ t, weights = w)
    s$b <- as.numeric(coef(fit)[2])
    tbar <- sum(w * t) / sum(w)
    s$se <- sqrt(1 / sum(w * (t - tbar)^2))
    cc <- w * (t - tbar) / sum(w * (t - tbar)^2)
    stopifnot(abs(sum(cc^2 * se^2) - s$se^2) < 1e-12 * s$se^2)
    s$df <- satt(cc^2 * se^2, df)
    if (!is.na(s$df) && s$df >= 1) {
      tq <- qt(1 - (1 - level) / 2, s$df)
      s$lo <- s$b - tq * s$se; s$hi <- s$b + tq * s$se
      s$pv <- 2 * pt(-abs(s$b / s$se), s$df)
    }
    zq <- qnorm(1 - (1 - level) / 2)
    s$r_lo <- s$b - zq * s$se; s$r_hi <- s$b + zq * s$se
    s$r_pv <- 2 * pnorm(-abs(s$b / s$se))
  }
  add(kind = "slope", dataset = dataset, measure = measure, county = county, fips = fips,
      year_from = ys[1], year_to = ys[length(ys)], estimate = s$b, se = s$se, df = s$df,
      census = NA, ci_low = s$lo, ci_high = s$hi, ratio = NA, ratio_ci_low = NA, ratio_ci_high = NA,
      p_value = s$pv, p_holm = NA, r_df = NA, r_ci_low = s$r_lo, r_ci_high = s$r_hi,
      r_p_value = s$r_pv, source = "rule:satterthwaite-t")
}

datasets <- c("three-years" = file.path(here, "data", "trend", "three-years"),
              "gap" = file.path(here, "data", "trend", "gap"),
              "sample-data" = "sample-data")
for (dataset in names(datasets)) {
  d <- read_dataset(datasets[[dataset]])
  des <- svydesign(ids = ~1, strata = ~stratum, fpc = ~officers_total, data = d)
  all_years <- sort(unique(d$survey_year))
  # A census stratum: respondents = officers_total in that county-year.
  d$one <- 1
  n <- aggregate(one ~ fips + survey_year + officers_total, data = d, FUN = sum)
  n$census <- n$one == n$officers_total
  census_of <- function(rows) setNames(lapply(as.character(all_years), function(y)
    all(rows$census[rows$survey_year == as.integer(y)])), as.character(all_years))
  for (measure in c("confirmed", "any", "officer_any")) {
    for (code in names(counties))
      domain_rows(dataset, measure, subset(des, fips == code), counties[[code]], code, all_years,
                  census_of(n[n$fips == code, ]))
    domain_rows(dataset, measure, des, "Arizona", "04", all_years, census_of(n))
  }
}
out <- do.call(rbind, rows)

# Holm within each family: one comparison of one measure in one data set.
family <- paste(out$kind, out$dataset, out$measure, out$year_from, out$year_to)
family[out$kind == "slope"] <- paste("slope", out$dataset, out$measure)[out$kind == "slope"]
for (f in unique(family[out$kind != "year"])) {
  i <- which(family == f & !is.na(out$p_value))
  out$p_holm[i] <- p.adjust(out$p_value[i], method = "holm")
}

for (col in c("estimate", "se", "df", "ci_low", "ci_high", "ratio", "ratio_ci_low",
              "ratio_ci_high", "p_value", "p_holm", "r_df", "r_ci_low", "r_ci_high", "r_p_value"))
  out[[col]] <- num(out[[col]])
out$census <- ifelse(is.na(out$census), "", as.character(out$census))
tmp <- file.path(here, "trend_goldens.csv.tmp")
write.csv(out, tmp, row.names = FALSE, quote = FALSE)
invisible(file.rename(tmp, file.path(here, "trend_goldens.csv")))
cat(sprintf("%d rows (survey %s)\n", nrow(out), packageVersion("survey")))
