# ---- reproduce.R: everything the report publishes, recomputed in R.
#
#   Rscript reproduce.R
#
# Reads responses.csv and frame.csv (this survey year and every earlier one)
# from the folder of this script, recomputes every family of numbers the
# Council report publishes, writes R's numbers as r_FAMILY.csv next to
# expected/, compares them with expected/*.csv (the numbers of the
# `prevalence` tool that made the bundle), prints one line per family
#   FAMILY: N of N agree to 1e-6
# and exits with status 1 when anything differs, naming the family, the row
# and the number. The parameters are set above this line.
#
# R's survey package is used wherever it has the method (svydesign,
# svyratio, degf, svyciprop, svyby, svycontrast); the rest is written out
# here in plain R from docs/methods.md of prevalence, never read from our
# output: the NCHS presentation standard, the small-cell rules, the
# Fay-Herriot model. Where our rule deliberately differs from what R's
# survey package answers, the script computes our rule itself, compares
# with it, and prints R's own answer beside ours, naming the rule
# ("R differs by rule ...").
#
# The design (docs/methods.md, "Design and estimator"): each county is a
# stratum, each responding officer a primary sampling unit (PSU), the
# frame's officer count the finite population correction:
#   svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total)
# (no fpc and equal weights in a year without a frame). Youth-level
# prevalence is svyratio(~confirmed, ~caseload) (~any = confirmed +
# suspected); the share of officers with a confirmed victim is
# svyratio(~officer_any, ~one). A county is a subset() of the design, the
# state the whole design.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script) == 1) normalizePath(dirname(script)) else getwd()
alpha <- 1 - level
tol <- 1e-6
options(survey.lonely.psu = lonely_psu)
options(warn = 1)

read <- function(name, ...) {
  path <- file.path(here, name)
  if (!file.exists(path)) return(NULL)
  read.csv(path, stringsAsFactors = FALSE, na.strings = "", check.names = FALSE, ...)
}
resp_all <- read("responses.csv", colClasses = c(county = "character",
                                                 respondent_id = "character",
                                                 role = "character"))
frame_all <- read("frame.csv", colClasses = c(county = "character"))
resp_all$any <- resp_all$confirmed + resp_all$suspected
resp_all$officer_any <- as.numeric(resp_all$confirmed > 0)
resp_all$one <- 1
years <- sort(unique(resp_all$survey_year))
stopifnot(survey_year %in% years, all(years <= survey_year))

# ---- the comparison ledger -------------------------------------------------
ledger <- new.env()
ledger$n <- list()
ledger$bad <- list()
ledger$rules <- list()
count <- function(family, ok, msg) {
  ledger$n[[family]] <- c(ledger$n[[family]], ok)
  if (!ok) {
    ledger$bad[[family]] <- c(ledger$bad[[family]], msg)
    cat(sprintf("DIFFERS %s: %s\n", family, msg))
  }
}
same_num <- function(a, b) {
  (is.na(a) && is.na(b)) || (!is.na(a) && !is.na(b) && abs(a - b) <= tol)
}
cmp_num <- function(family, where, what, ours, r) {
  count(family, same_num(ours, r),
        sprintf("%s: %s is %s in expected/, %s in R", where, what,
                format(ours, digits = 17), format(r, digits = 17)))
}
cmp_txt <- function(family, where, what, ours, r) {
  ours <- ifelse(is.na(ours), "", as.character(ours))
  r <- ifelse(is.na(r), "", as.character(r))
  count(family, identical(ours, r), sprintf("%s: %s is '%s' in expected/, '%s' in R",
                                            where, what, ours, r))
}
# A deliberate difference from R: our rule (compared above) and R's answer.
rule_note <- function(rule, where, ours, r) {
  ledger$rules[[rule]] <- c(ledger$rules[[rule]],
                            sprintf("  %s: ours %s, R %s", where, fmt_pair(ours), fmt_pair(r)))
}
fmt_pair <- function(x) {
  if (length(x) == 1) return(format(x, digits = 7))
  sprintf("(%s, %s)", format(x[1], digits = 7), format(x[2], digits = 7))
}
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))

# ---- intervals (docs/methods.md, "Design-based intervals") -----------------
cp <- function(p, n, a = alpha) {
  # Clopper-Pearson with the effective sample size n (Korn-Graubard's form).
  c(if (p == 0) 0 else qbeta(a / 2, n * p, n * (1 - p) + 1),
    if (p == 1) 1 else qbeta(1 - a / 2, n * p + 1, n * (1 - p)))
}
wilson45 <- function(p, n_eff, df) {
  # svyciprop(method = "wilson") of survey 4.5 (4.1 has no wilson).
  t <- qt(alpha / 2, df = df, lower.tail = FALSE)
  denom <- 1 + t * t / n_eff
  root <- sqrt(4 * n_eff * p * (1 - p) + t * t)
  c((p + t * t / (2 * n_eff) - t / (2 * n_eff) * root) / denom,
    (p + t * t / (2 * n_eff) + t / (2 * n_eff) * root) / denom)
}
r_ciprop <- function(var, d, how, lev = level) {
  r <- tryCatch(suppressWarnings(svyciprop(as.formula(paste0("~", var)), d, method = how,
                                           level = lev)),
                error = function(e) NULL)
  if (is.null(r)) c(NA, NA) else as.vector(confint(r))
}

# Our interval for one domain and the rule that made it; R's own svyciprop
# answer in $r. dx: the design the proportion is a mean on (one 0/1 row per
# youth, or per officer for officer_any).
interval <- function(p, se, n, df, census, dx, var, how = method) {
  kg_how <- function() {
    if (se == 0 || p == 0 || p == 1) return(list(ci = cp(p, n), rule = "edge"))
    n_eff <- p * (1 - p) / se^2 * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2
    if (n_eff > n) return(list(ci = cp(p, n), rule = "kg-cap"))
    if (nrow(dx) != n)   # weight-0 rows of officers with an empty caseload
      return(list(ci = cp(p, n_eff), rule = "empty-caseloads"))
    list(ci = r_ciprop(var, dx, "beta"), rule = "svyciprop")
  }
  r_method <- c("korn-graubard" = "beta", logit = "xlogit", wald = "mean", wilson = NA)[[how]]
  r <- if (is.na(r_method)) {
    if (df >= 1 && se > 0 && p > 0 && p < 1) wilson45(p, p * (1 - p) / se^2, df) else c(NA, NA)
  } else r_ciprop(var, dx, r_method)
  out <- if (census) list(ci = c(p, p), rule = "census")
  else if (how == "korn-graubard") kg_how()
  else if (how == "wilson") {
    if (df < 1) list(ci = kg_how()$ci, rule = "df0")
    else if (se == 0 || p == 0 || p == 1) {
      ci <- wilson45(p, n, df)
      if (p == 0) ci[1] <- 0
      if (p == 1) ci[2] <- 1
      list(ci = ci, rule = "edge")
    } else list(ci = r, rule = "survey-4.5-wilson")
  } else if (how == "logit") {
    if (p == 0 || p == 1) list(ci = cp(p, n), rule = "edge")
    else if (se == 0) list(ci = c(p, p), rule = "edge")
    else list(ci = r, rule = "svyciprop")
  } else {
    if (se == 0) list(ci = c(p, p), rule = "edge")
    else if (r[1] < 0 || r[2] > 1) list(ci = c(max(0, r[1]), min(1, r[2])), rule = "clamp")
    else list(ci = r, rule = "svyciprop")
  }
  out$r <- r
  out
}

# ---- the NCHS presentation standard (Parker et al. 2017) --------------------
# On the 95% Korn-Graubard interval whatever the displayed method: a census
# or SE 0 or p at 0 or 1 is judged on Clopper-Pearson with n.
nchs <- function(p, se, n, df, n_eff) {
  a <- 0.05
  ci <- if (se == 0 || p == 0 || p == 1) cp(p, n, a) else if (df < 1) c(NA, NA) else {
    ne <- p * (1 - p) / se^2 * (qt(a / 2, n - 1) / qt(a / 2, df))^2
    cp(p, min(ne, n), a)
  }
  w <- ci[2] - ci[1]
  sup <- character(0)
  rev <- character(0)
  if (is.na(w)) sup <- c(sup, "no confidence interval")
  if (is.na(n_eff) || min(n, n_eff) < 30) sup <- c(sup, "effective sample size below 30")
  if (!is.na(w) && w >= 0.30) sup <- c(sup, "absolute CI width 0.30 or more")
  if (!is.na(w) && p > 0 && w > 0.05 && w / p > 1.30)
    sup <- c(sup, "relative CI width above 130%")
  if (is.na(df) || df < 8) rev <- c(rev, "degrees of freedom below 8")
  if (p == 0 || p == 1) rev <- c(rev, "estimate is 0 or 100%")
  flag <- if (length(sup) > 0) "suppress" else if (length(rev) > 0) "review" else "present"
  reasons <- c(sup, rev)
  if (flag != "suppress" && p < 1 && !is.na(w) && w > 0.05 && w / (1 - p) > 1.30)
    reasons <- c(reasons, "complement unreliable")
  list(flag = flag, reasons = paste(reasons, collapse = "; "))
}

# ---- direct estimates of one year ------------------------------------------
year_design <- function(y) {
  resp <- resp_all[resp_all$survey_year == y, ]
  fr <- if (is.null(frame_all)) NULL else frame_all[frame_all$survey_year == y, ]
  has_frame <- !is.null(fr) && nrow(fr) > 0
  if (has_frame) {
    resp <- merge(resp, fr[, c("county", "officers_total")], by = "county")
    resp <- resp[order(resp$respondent_id), ]
  }
  n_h <- table(resp$county)
  resp$w <- if (has_frame) resp$officers_total / as.numeric(n_h[resp$county]) else 1
  des <- if (has_frame)
    svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total, data = resp)
  else suppressWarnings(svydesign(ids = ~respondent_id, strata = ~county, data = resp))
  # One 0/1 row per youth; an officer with an empty caseload keeps one row of
  # weight 0, so that it stays a PSU (as in svyratio on officer rows).
  k <- pmax(resp$caseload, 1)
  idx <- rep(seq_len(nrow(resp)), k)
  j <- sequence(k)
  youth <- resp[idx, ]
  youth$confirmed <- as.numeric(j <= resp$confirmed[idx] & resp$caseload[idx] > 0)
  youth$any <- as.numeric(j <= resp$any[idx] & resp$caseload[idx] > 0)
  youth$w <- ifelse(resp$caseload[idx] > 0, youth$w, 0)
  dyouth <- if (has_frame)
    svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total, weights = ~w,
              data = youth)
  else suppressWarnings(svydesign(ids = ~respondent_id, strata = ~county, weights = ~w,
                                  data = youth))
  list(resp = resp, frame = fr, has_frame = has_frame, des = des, dyouth = dyouth)
}

estimate_year <- function(y, measures) {
  yd <- year_design(y)
  resp <- yd$resp
  fr <- yd$frame
  counties <- sort(unique(resp$county))
  census_county <- sapply(counties, function(k) yd$has_frame &&
                            sum(resp$county == k) == fr$officers_total[fr$county == k][1])
  rows <- list()
  for (m in measures) {
    num <- as.formula(paste0("~", m))
    den <- if (m == "officer_any") ~one else ~caseload
    for (dom in c(counties, "Arizona")) {
      state <- dom == "Arizona"
      sub <- if (state) resp else resp[resp$county == dom, ]
      d <- if (state) yd$des else subset(yd$des, county == dom)
      dx <- if (m == "officer_any") d else if (state) yd$dyouth else
        subset(yd$dyouth, county == dom)
      n <- if (m == "officer_any") nrow(sub) else sum(sub$caseload)
      if (n == 0) next
      r <- svyratio(num, den, d)
      p <- min(1, max(0, as.numeric(coef(r))))
      se <- as.numeric(SE(r))
      lonely <- se > 0 && se < 1e-12
      if (se < 1e-12) se <- 0
      df <- degf(d)
      census <- all(census_county[if (state) counties else dom])
      iv <- interval(p, se, n, df, census, dx, m)
      n_eff <- if (p == 0 || p == 1 || se == 0) n else p * (1 - p) / se^2
      deff <- if (p == 0 || p == 1) NA else se^2 / (p * (1 - p) / n)
      fl <- nchs(p, se, n, df, n_eff)
      base <- NA
      if (yd$has_frame) {
        f <- if (state) fr else fr[fr$county == dom, ]
        base <- if (m == "officer_any") sum(f$officers_total) else sum(f$youth_total)
      }
      rows[[length(rows) + 1]] <- data.frame(
        survey_year = y, county = dom, measure = m, respondents = nrow(sub), youth_n = n,
        cases = sum(sub[[m]]), estimate = p, se = se, df = df, ci_low = iv$ci[1],
        ci_high = iv$ci[2], deff = deff, n_eff = n_eff, total_estimate = base * p,
        total_ci_low = base * iv$ci[1], total_ci_high = base * iv$ci[2], flag = fl$flag,
        reasons = fl$reasons, rule = iv$rule, r_ci_low = iv$r[1], r_ci_high = iv$r[2],
        lonely = lonely, census = census, stringsAsFactors = FALSE)
    }
  }
  do.call(rbind, rows)
}

est <- read("expected/estimates.csv", colClasses = c(county = "character",
                                                     fips = "character"))
r_est <- do.call(rbind, lapply(years, function(y)
  estimate_year(y, if (y == survey_year) unique(c(measure, "officer_any")) else measure)))
written <- r_est
for (col in names(written)) if (is.numeric(written[[col]])) written[[col]] <- fmt(written[[col]])
write.csv(written, file.path(here, "r_estimates.csv"), row.names = FALSE, quote = TRUE)

est_cols <- c("estimate", "se", "df", "ci_low", "ci_high", "deff", "n_eff", "total_estimate",
              "total_ci_low", "total_ci_high")
for (i in seq_len(nrow(est))) {
  e <- est[i, ]
  where <- sprintf("%d %s %s", e$survey_year, e$county, e$measure)
  o <- r_est[r_est$survey_year == e$survey_year & r_est$county == e$county &
               r_est$measure == e$measure, ]
  if (is.na(e$estimate)) {
    # No respondents: nothing to estimate; the flag says so.
    count("estimates", nrow(o) == 0, paste(where, ": R has an estimate, expected/ none"))
    cmp_txt("flags", where, "flag", e$flag, "suppress")
    cmp_txt("flags", where, "reasons", e$reasons, "no data")
    next
  }
  if (nrow(o) != 1) {
    count("estimates", FALSE, paste(where, ": no R estimate"))
    next
  }
  for (col in c("respondents", "youth_n", "cases"))
    cmp_num("estimates", where, col, e[[col]], o[[col]])
  for (col in est_cols) cmp_num("estimates", where, col, e[[col]], o[[col]])
  cmp_txt("flags", where, "flag", e$flag, o$flag)
  cmp_txt("flags", where, "reasons", e$reasons, o$reasons)
  if (o$rule %in% c("census", "edge", "kg-cap", "clamp", "df0", "empty-caseloads"))
    rule_note(o$rule, where, c(o$ci_low, o$ci_high), c(o$r_ci_low, o$r_ci_high))
  if (o$lonely) rule_note("lonely", where, 0, "about 1e-17 (rounding)")
}
n_expected <- sum(!is.na(est$estimate))
count("estimates", n_expected == nrow(r_est),
      sprintf("%d estimates in R, %d in expected/", nrow(r_est), n_expected))

rule_words <- c(
  census = "census domain: (p, p), no sampling error; svyciprop(beta) gives (0.5, 0.5)",
  edge = "p = 0 or 1, or SE 0: effective sample size n (R: NaN, or a zero-width interval)",
  "kg-cap" = "NCHS: Korn-Graubard effective sample size capped at n (svyciprop has no cap)",
  clamp = "Wald limits clamped to [0, 1] (svyciprop does not clamp)",
  df0 = "wilson with 0 df: korn-graubard's interval (R has no t(0))",
  "empty-caseloads" = paste("officers with caseload 0 are PSUs; svyciprop(beta) counts their",
                            "weight-0 rows in nrow(design) - 1, we count youth only"),
  lonely = "a single respondent: SE exactly 0 here, rounding noise in R",
  "change-df" = "Welch-Satterthwaite df for a change (R's degf of the two-year design beside)",
  "slope-df" = "Welch-Satterthwaite df for a slope (R's degf of the combined design beside)",
  audit = "the disclosure audit's decision (GLPK), taken from expected/, not recomputed",
  "sae-witness" = paste("model-based 'x' from the witness search (methods, 'Model-based",
                        "estimates', rules 2-3): R checks it hides only what R's rules show"))

#@@TABLES@@

#@@TREND@@

#@@MODEL@@

# ---- summary ---------------------------------------------------------------
if (length(ledger$rules) > 0) {
  cat("Where our rules differ from R's survey package (our number compared; R's beside it):\n")
  for (rule in names(ledger$rules)) {
    cat(sprintf("- %s: %s\n", rule, rule_words[[rule]]))
    cat(paste(head(ledger$rules[[rule]], 5), collapse = "\n"), "\n", sep = "")
    if (length(ledger$rules[[rule]]) > 5)
      cat(sprintf("  ... and %d more\n", length(ledger$rules[[rule]]) - 5))
  }
}
failed <- character(0)
for (family in names(ledger$n)) {
  ok <- sum(ledger$n[[family]])
  cat(sprintf("%s: %d of %d agree to 1e-6\n", family, ok, length(ledger$n[[family]])))
  if (ok < length(ledger$n[[family]])) failed <- c(failed, family)
}
cat(sprintf("(%s, survey %s)\n", R.version.string, as.character(packageVersion("survey"))))
if (length(failed) > 0) {
  cat(sprintf("reproduce.R: DISAGREEMENT in %s\n", paste(failed, collapse = ", ")))
  quit(status = 1)
}
