# ---- reproduce.R: the estimates of this bundle, recomputed with R's survey package.
#
#   Rscript reproduce.R
#
# Reads responses.csv and frame.csv from the folder of this script, writes
# r_estimates.csv there, and compares it with expected.csv (the estimates of
# the `prevalence` tool that made the bundle): it stops with an error when a
# number differs by more than 1e-6. The parameters are set above this line.
#
# The design (docs/methods.md of prevalence): each county is a stratum, each
# responding officer a primary sampling unit (PSU), the frame's officer count
# the finite population correction:
#   svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total)
# Youth-level prevalence is the ratio of victims to caseloads, svyratio();
# the share of officers with a confirmed victim is svyratio() with
# denominator 1 (the same as svymean()). A county's estimate uses a subset()
# of the design, the state the whole design.
#
# Intervals are computed from the estimate, its standard error, the domain's
# sample size n (youth on the caseloads; respondents for officer_any) and
# degf() of the domain, by the formulas of svyciprop() in survey 4.1:
#   korn-graubard  svyciprop(method = "beta")
#   logit          svyciprop(method = "xlogit")
#   wald           svyciprop(method = "mean")
#   wilson         svyciprop(method = "wilson") of survey 4.5
# with the rules prevalence documents where R has no or a degenerate answer:
# a census domain (every officer answered) has the interval (p, p); a
# standard error of 0 (a single respondent) or an estimate of 0 or 1 uses n
# as the effective sample size; a Korn-Graubard effective sample size above
# n is capped at n; Wald limits are clamped to [0, 1]; where a method has no
# interval (logit at 0 or 1, wilson with 0 degrees of freedom) the
# Korn-Graubard one is used. On the expanded data (one 0/1 row per youth, clustered by
# officer) svyciprop() itself gives the same intervals where these rules
# do not apply.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script) == 1) normalizePath(dirname(script)) else getwd()
alpha <- 1 - level
options(survey.lonely.psu = lonely_psu)

resp <- read.csv(file.path(here, "responses.csv"), stringsAsFactors = FALSE,
                 colClasses = c(county = "character", respondent_id = "character",
                                role = "character"))
frame <- read.csv(file.path(here, "frame.csv"), stringsAsFactors = FALSE,
                  colClasses = c(county = "character"))
stopifnot(all(resp$survey_year == survey_year))
has_frame <- nrow(frame) > 0

resp$any <- resp$confirmed + resp$suspected
resp$officer_any <- as.numeric(resp$confirmed > 0)
resp$one <- 1
if (has_frame) {
  dat <- merge(resp, frame[, c("county", "officers_total")], by = "county")
  stopifnot(nrow(dat) == nrow(resp))
  des <- svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total,
                   data = dat)
} else {
  # No frame: equal weights and no finite population correction.
  dat <- resp
  des <- suppressWarnings(svydesign(ids = ~respondent_id, strata = ~county, data = dat))
}

interval <- function(p, se, n, df, census = FALSE, how = method) {
  degenerate <- se == 0 || p == 0 || p == 1
  # Every officer answered: no sampling error, (p, p) for every method.
  if (census) return(c(p, p))
  # A method without an interval here (logit at p = 0 or 1, wilson below
  # 1 df) shows korn-graubard's (Clopper-Pearson with n at these edges).
  if ((how == "logit" && (p == 0 || p == 1)) || (how == "wilson" && df < 1))
    how <- "korn-graubard"
  if (how == "korn-graubard") {
    n_eff <- if (degenerate) n else
      p * (1 - p) / se^2 * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2
    n_eff <- min(n_eff, n)
    return(c(if (p == 0) 0 else qbeta(alpha / 2, n_eff * p, n_eff * (1 - p) + 1),
             if (p == 1) 1 else qbeta(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))))
  }
  if (how == "wilson") {
    n_eff <- if (degenerate) n else p * (1 - p) / se^2
    t <- qt(alpha / 2, df = df, lower.tail = FALSE)
    denom <- 1 + t * t / n_eff
    root <- sqrt(4 * n_eff * p * (1 - p) + t * t)
    ci <- c((p + t * t / (2 * n_eff) - t / (2 * n_eff) * root) / denom,
            (p + t * t / (2 * n_eff) + t / (2 * n_eff) * root) / denom)
    if (p == 0) ci[1] <- 0
    if (p == 1) ci[2] <- 1
    return(ci)
  }
  if (how == "logit") {
    if (se == 0) return(c(p, p))
    if (df < 1) return(c(NA, NA))
    half <- qt(1 - alpha / 2, df) * se / (p * (1 - p))
    return(plogis(qlogis(p) + c(-half, half)))
  }
  if (how == "wald") {
    if (se == 0) return(c(p, p))
    if (df < 1) return(c(NA, NA))
    half <- qt(1 - alpha / 2, df) * se
    return(c(max(0, p - half), min(1, p + half)))
  }
  stop("unknown method ", method)
}

measures <- unique(c(measure, "officer_any"))
counties <- sort(unique(dat$county))
rows <- list()
for (m in measures) {
  num <- if (m == "officer_any") ~officer_any else if (m == "any") ~any else ~confirmed
  den <- if (m == "officer_any") ~one else ~caseload
  for (dom in c(counties, "Arizona")) {
    state <- dom == "Arizona"
    sub <- if (state) dat else dat[dat$county == dom, ]
    d <- if (state) des else subset(des, county == dom)
    n <- if (m == "officer_any") nrow(sub) else sum(sub$caseload)
    if (n == 0) next
    r <- svyratio(num, den, d)
    p <- min(1, max(0, as.numeric(coef(r))))
    se <- as.numeric(SE(r))
    # A lonely county's standard error is rounding noise in R (1e-17).
    if (se < 1e-12) se <- 0
    df <- degf(d)
    census <- has_frame && all(sapply(if (state) counties else dom, function(k)
      sum(dat$county == k) == frame$officers_total[frame$county == k][1]))
    ci <- interval(p, se, n, df, census)
    base <- NA
    if (has_frame) {
      fr <- if (state) frame else frame[frame$county == dom, ]
      base <- if (m == "officer_any") sum(fr$officers_total) else sum(fr$youth_total)
    }
    rows[[length(rows) + 1]] <- data.frame(
      county = dom, measure = m, respondents = nrow(sub), youth_n = n,
      cases = if (m == "officer_any") sum(sub$officer_any) else
        sum(if (m == "any") sub$any else sub$confirmed),
      estimate = p, se = se, df = df, ci_low = ci[1], ci_high = ci[2],
      total_estimate = base * p, total_ci_low = base * ci[1], total_ci_high = base * ci[2],
      stringsAsFactors = FALSE)
  }
}
out <- do.call(rbind, rows)
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
num_cols <- c("estimate", "se", "df", "ci_low", "ci_high", "total_estimate",
              "total_ci_low", "total_ci_high")
written <- out
for (col in num_cols) written[[col]] <- fmt(out[[col]])
write.csv(written, file.path(here, "r_estimates.csv"), row.names = FALSE, quote = FALSE)

# Compare with the tool's numbers.
exp <- read.csv(file.path(here, "expected.csv"), stringsAsFactors = FALSE,
                colClasses = c(county = "character", fips = "character"))
exp <- exp[!is.na(exp$estimate), ]
worst <- 0
for (i in seq_len(nrow(exp))) {
  e <- exp[i, ]
  o <- out[out$county == e$county & out$measure == e$measure, ]
  if (nrow(o) != 1) stop("no R estimate for ", e$county, " / ", e$measure)
  for (col in c("respondents", "youth_n", "cases")) {
    if (o[[col]] != e[[col]]) stop(e$county, " / ", e$measure, ": ", col, " ", o[[col]],
                                   " in R, ", e[[col]], " expected")
  }
  for (col in num_cols) {
    a <- o[[col]]
    b <- e[[col]]
    if (is.na(a) != is.na(b)) stop(e$county, " / ", e$measure, ": ", col, " is ",
                                   a, " in R, ", b, " expected")
    if (!is.na(a)) worst <- max(worst, abs(a - b))
    if (!is.na(a) && abs(a - b) > 1e-6) stop(e$county, " / ", e$measure, ": ", col, " ",
                                            format(a, digits = 17), " in R, ",
                                            format(b, digits = 17), " expected")
  }
}
if (nrow(exp) != nrow(out)) stop(nrow(out), " estimates in R, ", nrow(exp), " expected")
cat(sprintf("reproduce.R: %d estimates agree with expected.csv (largest difference %.3g); %s, survey %s\n",
            nrow(out), worst, R.version.string, as.character(packageVersion("survey"))))
