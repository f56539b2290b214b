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
# df: the design's degf() on officer rows. On the youth rows, degf() leaves
# out the weight-0 rows of officers with an empty caseload, which are PSUs
# of the design all the same; svyciprop's df argument takes the right one
# (its "beta" method calls degf() itself: see the rule empty-caseloads).
r_ciprop <- function(var, d, how, df, lev = level) {
  r <- tryCatch(suppressWarnings(svyciprop(as.formula(paste0("~", var)), d, method = how,
                                           level = lev, df = df)),
                error = function(e) NULL)
  if (is.null(r)) c(NA, NA) else as.vector(confint(r))
}

# Our interval for one domain and the rule that made it; R's own svyciprop
# answer in $r. dx: the design the proportion is a mean on (one 0/1 row per
# youth, or per officer for officer_any). cap: the largest effective sample
# size Korn-Graubard may use (NCHS: a design effect below 1 counts as 1;
# see kg_cap below).
interval <- function(p, se, n, df, census, dx, var, cap, how = method) {
  kg_how <- function() {
    if (se == 0 || p == 0 || p == 1) return(list(ci = cp(p, n), rule = "edge"))
    n_eff <- p * (1 - p) / se^2 * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2
    if (n_eff > cap) return(list(ci = cp(p, cap), rule = "kg-cap"))
    if (nrow(dx) != n || degf(dx) != df)   # weight-0 rows: officers with an empty caseload
      return(list(ci = cp(p, n_eff), rule = "empty-caseloads"))
    list(ci = r_ciprop(var, dx, "beta", df), rule = "svyciprop")
  }
  r_method <- c("korn-graubard" = "beta", logit = "xlogit", wald = "mean", wilson = NA)[[how]]
  r <- if (is.na(r_method)) {
    if (df >= 1 && se > 0 && p > 0 && p < 1) wilson45(p, p * (1 - p) / se^2, df) else c(NA, NA)
  } else r_ciprop(var, dx, r_method, df)
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

# Where the cap applies (docs/methods.md, "The design-effect cap"): for the
# youth measures on the design effect with the finite population correction
# (n_eff at most n); for officer_any on the with-replacement design effect,
# the fpc applied after: n_eff at most n / fpc, fpc = se^2 / se_wr^2 with
# se_wr from the same design and weights without fpc.
kg_cap <- function(m, n, se, se_wr) {
  if (m != "officer_any" || is.na(se_wr) || !(se_wr > 0)) return(n)
  fpc <- se^2 / se_wr^2
  if (fpc > 0 && fpc < 1) n / fpc else n
}

# ---- the NCHS presentation standard (Parker et al. 2017) --------------------
# On the 95% Korn-Graubard interval whatever the displayed method: a census
# or SE 0 or p at 0 or 1 is judged on Clopper-Pearson with n.
nchs <- function(p, se, n, df, n_eff, cap) {
  a <- 0.05
  ci <- if (se == 0 || p == 0 || p == 1) cp(p, n, a) else if (df < 1) c(NA, NA) else {
    ne <- p * (1 - p) / se^2 * (qt(a / 2, n - 1) / qt(a / 2, df))^2
    cp(p, min(ne, cap), a)
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
  # The same design and weights without the fpc: the with-replacement
  # variance that officer_any's design-effect cap compares with.
  des_wr <- if (has_frame)
    svydesign(ids = ~respondent_id, strata = ~county, weights = ~w, data = resp)
  else des
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
  list(resp = resp, frame = fr, has_frame = has_frame, des = des, des_wr = des_wr,
       dyouth = dyouth)
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
      d_wr <- if (state) yd$des_wr else subset(yd$des_wr, county == dom)
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
      se_wr <- if (m == "officer_any" && yd$has_frame) as.numeric(SE(svyratio(num, den, d_wr)))
               else NA
      cap <- kg_cap(m, n, se, se_wr)
      iv <- interval(p, se, n, df, census, dx, m, cap)
      n_eff <- if (p == 0 || p == 1 || se == 0) n else p * (1 - p) / se^2
      deff <- if (p == 0 || p == 1) NA else se^2 / (p * (1 - p) / n)
      fl <- nchs(p, se, n, df, n_eff, cap)
      base <- NA
      if (yd$has_frame) {
        # The statewide number is for the responding counties' youth (or
        # officers) only, never extrapolated to counties without responses.
        responding <- fr$county %in% unique(resp$county)
        f <- if (state) fr[responding, ] else fr[fr$county == dom, ]
        base <- if (m == "officer_any") sum(f$officers_total) else sum(f$youth_total)
        # The coverage rule (docs/methods.md, "Coverage of the statewide
        # figures"): below min_coverage of the frame's youth the statewide
        # row is suppressed, its reason first.
        coverage_youth <- sum(fr$youth_total[responding]) / sum(fr$youth_total)
        if (state && min_coverage > 0 && coverage_youth < min_coverage) {
          why <- sprintf("responding counties cover only %.0f%% of youth on probation",
                         floor(coverage_youth * 100))
          fl$flag <- "suppress"
          fl$reasons <- if (nzchar(fl$reasons)) paste0(why, "; ", fl$reasons) else why
        }
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
  "kg-cap" = paste("NCHS: Korn-Graubard effective sample size capped at n (n / fpc for",
                   "officer_any; svyciprop has no cap)"),
  clamp = "Wald limits clamped to [0, 1] (svyciprop does not clamp)",
  df0 = "wilson with 0 df: korn-graubard's interval (R has no t(0))",
  "empty-caseloads" = paste("officers with caseload 0 are PSUs; on the youth rows",
                            "svyciprop(beta) counts their weight-0 rows in nrow(design) - 1",
                            "and leaves them out of degf(); we count youth for n and every",
                            "PSU for df (the beta formula with those, as svyciprop writes it)"),
  lonely = "a single respondent: SE exactly 0 here, rounding noise in R",
  "change-df" = "Welch-Satterthwaite df for a change (R's degf of the two-year design beside)",
  "slope-df" = "Welch-Satterthwaite df for a slope (R's degf of the combined design beside)",
  audit = "the disclosure audit's decision (GLPK), taken from expected/, not recomputed",
  "sae-witness" = paste("model-based 'x' from the witness search (methods, 'Model-based",
                        "estimates', rules 2-3): R checks it hides only what R's rules show"))

# ---- the model-based estimates (docs/methods.md, "Small-area estimates") ---
# Fay-Herriot, intercept only, untransformed (the report's default):
# y_i = beta + u_i + e_i, u_i ~ N(0, A), e_i ~ N(0, D_i). A by REML: the
# restricted likelihood maximised with optimize() (A = 0 compared
# explicitly) and polished by uniroot() on its score; the Prasad-Rao MSE
# g1 + g2 + 2 g3 written out with matrices. D_i is se^2 where the direct
# variance is usable (se > 0, 0 < p < 1, at least 3 respondents), else the
# GVF p_bar (1 - p_bar) deff_bar / n_i. Counties without respondents get
# beta-hat with MSE A + x'Cx. Interval estimate -+ z sqrt(mse) in [0, 1].
# A census county (every officer answered) is known: it is not in the fit,
# its model-based estimate is its direct one with MSE 0, weight 1, D 0, and
# its flag and reasons are the direct row's.
fh_reml <- function(y, D) {
  X <- matrix(1, length(y), 1)
  gls <- function(A) {
    v <- A + D
    C <- solve(crossprod(X, X / v))
    beta <- as.vector(C %*% crossprod(X, y / v))
    list(v = v, C = C, beta = beta, r = y - as.vector(X %*% beta))
  }
  ll <- function(A) {
    g <- gls(A)
    -0.5 * ((length(y) - 1) * log(2 * pi) + sum(log(g$v)) - log(det(g$C)) + sum(g$r^2 / g$v))
  }
  score <- function(A) {
    v <- A + D
    Vi <- diag(1 / v)
    P <- Vi - Vi %*% X %*% solve(t(X) %*% Vi %*% X) %*% t(X) %*% Vi
    -0.5 * sum(diag(P)) + 0.5 * as.numeric(t(y) %*% P %*% P %*% y)
  }
  upper <- 10 * (var(y) + max(D))
  o <- optimize(ll, c(0, upper), maximum = TRUE, tol = 1e-16)
  A <- 0
  if (score(0) > 0 && ll(0) < o$objective) {
    lo <- o$maximum * (1 - 1e-5)
    hi <- o$maximum * (1 + 1e-5)
    A <- if (score(lo) > 0 && score(hi) < 0)
      uniroot(score, c(lo, hi), tol = 1e-300)$root else o$maximum
  }
  g <- gls(A)
  list(A = A, beta = g$beta, C = g$C, v = g$v, X = X)
}

model_rows <- function(rest, ids) {
  cty <- ids[ids$county != "Arizona", ]
  d <- merge(cty, rest, by = "county", all.x = TRUE, sort = FALSE)
  d <- d[match(cty$county, d$county), ]
  has_est <- !is.na(d$estimate)
  census <- has_est & d$census
  has <- has_est & !census
  usable <- has & d$se > 0 & d$estimate > 0 & d$estimate < 1 & d$respondents >= 3
  p_bar <- sum(d$youth_n[has_est] * d$estimate[has_est]) / sum(d$youth_n[has_est])
  deff_bar <- if (any(usable)) max(1, mean(d$se[usable]^2 * d$youth_n[usable] /
                                          (d$estimate[usable] * (1 - d$estimate[usable])))) else 1
  D <- ifelse(usable, d$se^2, p_bar * (1 - p_bar) * deff_bar / d$youth_n)
  fit <- fh_reml(d$estimate[has], D[has])
  z <- qnorm(1 - alpha / 2)
  out <- data.frame(county = d$county, synthetic = !has_est, estimate = NA, mse = NA,
                    ci_low = NA, ci_high = NA, weight = NA, variance = NA,
                    variance_source = ifelse(census, "census",
                                             ifelse(usable, "direct", ifelse(has, "gvf", ""))),
                    std_resid = NA, flag = "", reasons = "", stringsAsFactors = FALSE)
  A <- fit$A
  xCx <- as.numeric(fit$C)
  vbar <- 2 / sum(1 / fit$v^2)
  for (i in seq_len(nrow(d))) {
    if (census[i]) {
      out[i, c("estimate", "ci_low", "ci_high")] <- d$estimate[i]
      out[i, c("mse", "variance")] <- 0
      out$weight[i] <- 1
      out$flag[i] <- d$flag[i]
      out$reasons[i] <- d$reasons[i]
      next
    }
    if (has[i]) {
      gamma <- A / (A + D[i])
      est <- gamma * d$estimate[i] + (1 - gamma) * fit$beta
      mse <- gamma * D[i] + (1 - gamma)^2 * xCx + 2 * D[i]^2 / (A + D[i])^3 * vbar
      out$weight[i] <- gamma
      out$variance[i] <- D[i]
      out$std_resid[i] <- (d$estimate[i] - fit$beta) / sqrt(A + D[i])
    } else {
      est <- fit$beta
      mse <- A + xCx
      out$weight[i] <- 0
    }
    out$estimate[i] <- est
    out$mse[i] <- mse
    out$ci_low[i] <- min(1, max(0, est - z * sqrt(mse)))
    out$ci_high[i] <- min(1, max(0, est + z * sqrt(mse)))
    # The presentation rules (methods, "Presentation rules for model-based
    # estimates"): the NCHS widths on the model's interval, no sample-size rule.
    w <- out$ci_high[i] - out$ci_low[i]
    sup <- c(if (w >= 0.30) "absolute CI width 0.30 or more",
             if (w > 0.05 && w > 1.30 * est) "relative CI width above 130%")
    rev <- c(if (!has[i]) "synthetic estimate (no respondents)"
             else if (abs(out$std_resid[i]) > 3) "standardized residual above 3",
             if (est == 0) "estimate is 0")
    reasons <- c(sup, rev)
    if (length(sup) == 0 && w > 0.05 && w > 1.30 * (1 - est))
      reasons <- c(reasons, "complement unreliable")
    out$flag[i] <- if (length(sup) > 0) "suppress" else if (length(rev) > 0) "review" else "present"
    out$reasons[i] <- paste(reasons, collapse = "; ")
  }
  out
}

model_exp <- read("expected/model.csv", colClasses = c(county = "character", fips = "character",
                                                      variance_source = "character"))
ids <- unique(est[est$survey_year == survey_year, c("county", "fips")])
r_model <- NULL
if (small_area) {
  r_model <- model_rows(r_est[r_est$survey_year == survey_year & r_est$measure == measure, ],
                        ids)
  w <- r_model
  for (col in names(w)) if (is.numeric(w[[col]])) w[[col]] <- fmt(w[[col]])
  write.csv(w, file.path(here, "r_model.csv"), row.names = FALSE, quote = TRUE)
  for (i in seq_len(nrow(model_exp))) {
    e <- model_exp[i, ]
    o <- r_model[r_model$county == e$county, ]
    where <- sprintf("%d %s %s", survey_year, e$county, e$measure)
    for (col in c("estimate", "mse", "ci_low", "ci_high", "weight", "variance", "std_resid"))
      cmp_num("model", where, col, e[[col]], o[[col]])
    cmp_txt("model", where, "synthetic", e$synthetic, tolower(as.character(o$synthetic)))
    cmp_txt("model", where, "variance_source", e$variance_source, o$variance_source)
    cmp_txt("model", where, "flag", e$flag, o$flag)
    cmp_txt("model", where, "reasons", e$reasons, o$reasons)
  }
  count("model", nrow(model_exp) == nrow(r_model),
        sprintf("%d model rows in R, %d in expected/", nrow(r_model), nrow(model_exp)))
}

# ---- the published tables (docs/methods.md, "Small-cell protection") -------
# Written out from the methods: primary suppression (a small count or
# estimated total, a 0 over a denominator below min_cell, NCHS suppress),
# then complementary suppression until no hidden cell can be recovered from
# the counties' sum and the state, for the counts and for the totals. A
# reader's knowledge of a hidden cell is a set of integers (a union of
# intervals); the feasible values of each hidden cell are computed exactly.
INF <- 2^40
iv_norm <- function(s) {
  if (nrow(s) == 0) return(s)
  s <- s[order(s[, 1]), , drop = FALSE]
  out <- s[1, , drop = FALSE]
  for (i in seq_len(nrow(s))[-1]) {
    k <- nrow(out)
    if (s[i, 1] <= out[k, 2] + 1) out[k, 2] <- max(out[k, 2], s[i, 2])
    else out <- rbind(out, s[i, ])
  }
  out
}
sat <- function(x) pmin(INF, pmax(-INF, x))
iv <- function(lo, hi) matrix(c(lo, hi), ncol = 2)
iv_add <- function(a, b, sign) {
  bl <- if (sign > 0) b[, 1] else -b[, 2]
  bh <- if (sign > 0) b[, 2] else -b[, 1]
  r <- matrix(numeric(0), ncol = 2)
  for (i in seq_len(nrow(a))) for (j in seq_len(nrow(b)))
    r <- rbind(r, c(sat(a[i, 1] + bl[j]), sat(a[i, 2] + bh[j])))
  iv_norm(r)
}
iv_common <- function(a, b) {
  n <- 0
  for (i in seq_len(nrow(a))) for (j in seq_len(nrow(b))) {
    lo <- max(a[i, 1], b[j, 1]); hi <- min(a[i, 2], b[j, 2])
    if (hi >= lo) n <- n + hi - lo + 1
  }
  min(n, 2)
}
round_count <- function(x) sign(x) * floor(abs(x) + 0.5)   # half away from zero
is_small <- function(v, mc) v >= 1 & v < mc
hides_small <- function(v, d, mc) is_small(v, mc) | (v == 0 & d > 0 & d < mc)

# Marks of a row hidden for `why` ("none", "small", "nchs", "complement").
marks_for <- function(r, why, mc) {
  kind <- if (why == "nchs") "*" else "x"
  if (!r$has_data) return(list(hidden = why, cases = "-", total = "-", rate = "-"))
  if (why == "none") return(list(hidden = why, cases = "show", rate = "show",
                                 total = if (r$has_total) "show" else "-"))
  cases <- if (hides_small(r$cases, r$den, mc)) "<" else kind
  total <- if (!r$has_total) "-" else if (cases == "<") "x"
    else if (is_small(round_count(r$total), mc)) "<" else kind
  list(hidden = why, cases = cases, total = total, rate = kind)
}
domain_of <- function(m, value, mc, zero_small) {
  if (m == "<") return(iv(if (zero_small) 0 else 1, mc - 1))
  if (m == "x" && !is.na(value) && value >= mc) return(iv(mc, INF))
  if (m %in% c("x", "*")) return(iv_norm(rbind(c(0, 0), c(mc, INF))))
  iv(0, INF)
}
relation <- function(rows, cells, totals, mc) {
  n <- length(rows)
  rel <- lapply(seq_len(n), function(i) {
    r <- rows[[i]]
    m <- if (totals) cells[[i]]$total else cells[[i]]$cases
    has_value <- if (totals) r$has_data && r$has_total else TRUE
    value <- if (!has_value) NA else if (totals) round_count(r$total)
      else if (r$has_data) r$cases else 0
    known <- has_value && (m == "show" || !r$has_data)
    dom <- if (!known) domain_of(m, value, mc, r$den > 0 && r$den < mc) else NULL
    if (totals && !known && cells[[i]]$cases == "<") dom <- iv(0, INF)
    list(sign = if (i < n) 1 else -1, known = known, guarded = !known && m != "-",
         has_value = has_value, value = value, dom = dom)
  })
  rel
}
relation_safe_for <- function(rel, rhs, mc, strict) {
  p <- 0; counties_only <- TRUE; any_guarded <- FALSE
  for (c in rel) {
    if (c$known) p <- p + c$sign * c$value
    else {
      if (c$sign < 0) counties_only <- FALSE
      if (c$guarded) any_guarded <- TRUE
    }
  }
  if (!any_guarded) return(TRUE)
  if (counties_only && is_small(rhs - p, mc)) return(FALSE)
  for (i in seq_along(rel)) {
    c <- rel[[i]]
    if (c$known || !c$guarded) next
    if (!strict && !(c$has_value && is_small(c$value, mc))) next
    t <- iv(0, 0)
    for (j in seq_along(rel)) if (j != i && !rel[[j]]$known)
      t <- iv_add(t, rel[[j]]$dom, rel[[j]]$sign)
    allowed <- iv_add(iv(sat(rhs - p), sat(rhs - p)), t, -1)
    if (c$sign < 0) allowed <- iv_add(iv(0, 0), allowed, -1)
    if (iv_common(allowed, c$dom) == 1) return(FALSE)
  }
  TRUE
}
relation_safe <- function(rel, mc, strict) {
  rhs <- sum(sapply(rel, function(c) if (c$has_value) c$sign * c$value else 0))
  relation_safe_for(rel, 0, mc, strict) && (rhs == 0 || relation_safe_for(rel, rhs, mc, strict))
}
table_safe <- function(rows, cells, mc, strict)
  relation_safe(relation(rows, cells, FALSE, mc), mc, strict) &&
  relation_safe(relation(rows, cells, TRUE, mc), mc, strict)

protect <- function(rows, mc) {
  n <- length(rows)
  cells <- lapply(rows, function(r) {
    why <- "none"
    if (r$has_data) {
      if (hides_small(r$cases, r$den, mc) || (r$has_total && is_small(round_count(r$total), mc)))
        why <- "small"
      else if (r$flag == "suppress") why <- "nchs"
    }
    marks_for(r, why, mc)
  })
  repeat {
    if (table_safe(rows, cells, mc, TRUE)) return(cells)
    cand <- which(sapply(seq_len(n - 1), function(i)
      rows[[i]]$has_data && cells[[i]]$hidden == "none" && rows[[i]]$cases >= 1))
    if (length(cand) > 0) {
      tot <- sapply(cand, function(i) if (rows[[i]]$has_total) rows[[i]]$total else 0)
      cand <- cand[order(sapply(cand, function(i) rows[[i]]$cases), tot)]
    }
    done <- FALSE
    for (k in cand) {
      cells[[k]] <- marks_for(rows[[k]], "complement", mc)
      if (table_safe(rows, cells, mc, TRUE)) { done <- TRUE; break }
      cells[[k]] <- marks_for(rows[[k]], "none", mc)
    }
    if (done) return(cells)
    if (length(cand) > 0) cells[[cand[1]]] <- marks_for(rows[[cand[1]]], "complement", mc)
    else if (rows[[n]]$has_data && cells[[n]]$hidden == "none")
      cells[[n]] <- marks_for(rows[[n]], "complement", mc)
    else {
      if (!table_safe(rows, cells, mc, FALSE)) stop("no safe table")
      return(cells)
    }
  }
}

pct <- function(p) { v <- p * 100; if (abs(v) < 0.05) v <- 0; sprintf("%.1f", v) }
sym <- function(m, mc) if (m == "<") paste0("<", mc) else m
note_keys <- c(small = "a", nchs = "b", protect = "c", review = "d", nodata = "e",
               sae_nchs = "f", sae_protect = "g", sae_review = "h")

# One published row: the cells of tables/NAME.csv.
format_row <- function(e, m, mc) {
  cell <- list(county = e$county, fips = e$fips, respondents = as.character(e$respondents))
  if (!is.na(e$officers_total) && e$officers_total > 0) {
    cell$officers_total <- as.character(e$officers_total)
    cell$coverage_pct <- as.character(round_count(100 * e$respondents / e$officers_total))
  } else cell$officers_total <- cell$coverage_pct <- "-"
  cell$youth_n <- as.character(e$youth_n)
  cell$cases <- if (m$cases == "show") as.character(e$cases) else sym(m$cases, mc)
  plotted <- m$rate == "show"
  if (plotted) {
    cell$estimate_pct <- pct(e$estimate); cell$ci_low_pct <- pct(e$ci_low)
    cell$ci_high_pct <- pct(e$ci_high)
  } else cell$estimate_pct <- cell$ci_low_pct <- cell$ci_high_pct <- sym(m$rate, mc)
  bound <- function(x) { v <- round_count(x); if (is_small(v, mc)) sym("<", mc) else sprintf("%.0f", v) }
  if (m$total == "show") {
    cell$total_estimate <- sprintf("%.0f", round_count(e$total_estimate))
    cell$total_ci_low <- bound(e$total_ci_low); cell$total_ci_high <- bound(e$total_ci_high)
  } else {
    b <- if (m$total == "<") m$rate else m$total
    cell$total_estimate <- sym(m$total, mc)
    cell$total_ci_low <- cell$total_ci_high <- sym(b, mc)
  }
  cell$flag <- if (e$respondents <= 0) "no data"
    else if (m$hidden %in% c("small", "complement")) "hidden" else e$flag
  notes <- c(small = m$cases == "<" || m$total == "<", nchs = m$rate == "*",
             protect = "x" %in% c(m$cases, m$rate, m$total),
             review = plotted && e$flag == "review", nodata = e$respondents <= 0,
             sae_nchs = FALSE, sae_protect = FALSE, sae_review = FALSE)
  list(cell = cell, notes = notes, marks = m)
}
notes_cell <- function(notes) paste(note_keys[names(notes)[notes]], collapse = " ")

# Every row of one year's table, from R's own estimates; ids: the counties
# (name, fips) in the order of the table, the state last.
publish_table <- function(rest, ids, fr, mc) {
  rows <- lapply(seq_len(nrow(ids)), function(i) {
    o <- rest[rest$county == ids$county[i], ]
    f <- if (is.null(fr) || nrow(fr) == 0) NA else
      if (ids$county[i] == "Arizona") sum(fr$officers_total) else
      fr$officers_total[fr$county == ids$county[i]][1]
    if (nrow(o) == 0)
      return(list(county = ids$county[i], fips = ids$fips[i], respondents = 0,
                  officers_total = f, youth_n = 0, cases = 0, has_data = FALSE,
                  has_total = FALSE, total = NA, flag = "suppress", den = 0))
    list(county = o$county, fips = ids$fips[i], respondents = o$respondents,
         officers_total = f, youth_n = o$youth_n, cases = o$cases, has_data = TRUE,
         has_total = !is.na(o$total_estimate), total = o$total_estimate, flag = o$flag,
         den = o$youth_n, estimate = o$estimate, ci_low = o$ci_low, ci_high = o$ci_high,
         total_estimate = o$total_estimate, total_ci_low = o$total_ci_low,
         total_ci_high = o$total_ci_high)
  })
  cells <- protect(rows, mc)
  lapply(seq_along(rows), function(i) format_row(rows[[i]], cells[[i]], mc))
}

# The model-based cells of the county table (methods, "Model-based
# estimates", rule 1 and the presentation rules): x for a county whose own
# count or total reads "<10", * where the model-based estimate is
# suppressed, else shown; "-" for the state.
sae_cells <- function(pub, model, ids) {
  for (i in seq_along(pub)) {
    m <- if (ids$county[i] == "Arizona") NULL else model[model$county == ids$county[i], ]
    mk <- pub[[i]]$marks
    if (is.null(m) || nrow(m) == 0) {
      pub[[i]]$sae <- rep("-", 4)
    } else if (mk$cases == "<" || mk$total == "<") {
      pub[[i]]$sae <- rep("x", 4); pub[[i]]$notes["sae_protect"] <- TRUE
    } else if (m$flag == "suppress") {
      pub[[i]]$sae <- c("*", "*", "*", "suppress"); pub[[i]]$notes["sae_nchs"] <- TRUE
    } else {
      pub[[i]]$sae <- c(pct(m$estimate), pct(m$ci_low), pct(m$ci_high), m$flag)
      pub[[i]]$notes["sae_review"] <- m$flag == "review"
    }
  }
  pub
}

compare_table <- function(name, pub, expected, with_sae) {
  sae_cols <- c("sae_estimate_pct", "sae_ci_low_pct", "sae_ci_high_pct", "sae_flag")
  for (i in seq_len(nrow(expected))) {
    e <- expected[i, ]
    r <- pub[[i]]
    where <- sprintf("%s %s", name, e$county)
    # The disclosure audit may hide the statewide rate beyond these rules.
    if (e$county == "Arizona" && identical(e$estimate_pct, "x") &&
        r$cell$estimate_pct != "x") {
      rule_note("audit", where, "x", r$cell$estimate_pct)
      r$cell$estimate_pct <- r$cell$ci_low_pct <- r$cell$ci_high_pct <- "x"
      if (r$marks$total == "show") r$cell$total_estimate <- r$cell$total_ci_low <-
        r$cell$total_ci_high <- "x"
      r$cell$flag <- "hidden"
      r$notes["review"] <- FALSE
      r$notes["protect"] <- TRUE
    }
    if (with_sae && identical(e$sae_flag, "x") && r$sae[4] != "x" && r$sae[1] != "-") {
      # The witness search hid a model-based estimate R's rule 1 shows.
      rule_note("sae-witness", where, "x", r$sae[1])
      r$sae <- rep("x", 4)
      r$notes["sae_protect"] <- TRUE
      r$notes["sae_review"] <- FALSE
      r$notes["sae_nchs"] <- FALSE
    }
    r$cell$notes <- notes_cell(r$notes)
    for (col in setdiff(names(expected), sae_cols))
      cmp_txt("tables", where, col, e[[col]], r$cell[[col]])
    if (with_sae) for (k in 1:4) cmp_txt("tables", where, sae_cols[k], e[[sae_cols[k]]],
                                         r$sae[k])
  }
}

fr_year <- if (is.null(frame_all)) NULL else frame_all[frame_all$survey_year == survey_year, ]
tab_main <- read("expected/table_county_estimates.csv", colClasses = "character")
tab_off <- read("expected/table_officer_measure.csv", colClasses = "character")
if (!is.null(tab_main)) {
  ry <- r_est[r_est$survey_year == survey_year, ]
  pub_main <- publish_table(ry[ry$measure == measure, ], ids, fr_year, min_cell)
  with_sae <- "sae_flag" %in% names(tab_main)
  if (with_sae) pub_main <- sae_cells(pub_main, r_model, ids)
  compare_table("county_estimates", pub_main, tab_main, with_sae)
  pub_off <- publish_table(ry[ry$measure == "officer_any", ], ids, fr_year, min_cell)
  compare_table("officer_measure", pub_off, tab_off, FALSE)
}

# ---- changes and the trend (docs/methods.md, "Change and trend") -----------
# One design over every year (strata county x year, as `prevalence trend`
# and Korn & Graubard 1999): svyby() over the years of a domain with its
# joint covariance, the difference and the log ratio by svycontrast(), and
# the slope as svycontrast() with the weighted least-squares coefficients
# c_t = w_t (t - tbar) / sum w (t - tbar)^2, w_t = 1/se_t^2. The df are
# Welch-Satterthwaite's from the years' variances and degf() (our rule; R's
# degf of the combined domain is printed beside it); flags: the worse of
# the years'. The published "change since" cell: shown where both years'
# rates are published in their own year's table (each protected by the
# rules above) and the change is not suppressed; marked where its interval
# excludes 0.
satt <- function(v, df) {
  keep <- v > 0
  if (!any(keep)) return(NA)
  sum(v[keep])^2 / sum(v[keep]^2 / df[keep])
}
exp_changes <- read("expected/changes.csv", colClasses = c(county = "character",
                                                          fips = "character",
                                                          published = "character"))
exp_slopes <- read("expected/slopes.csv", colClasses = c(county = "character",
                                                        fips = "character"))
if (!is.null(exp_changes)) {
  all <- resp_all
  if (!is.null(frame_all) && nrow(frame_all) > 0)
    all <- merge(all, frame_all[, c("survey_year", "county", "officers_total")],
                 by = c("survey_year", "county"))
  all$stratum <- interaction(all$county, all$survey_year, drop = TRUE)
  all$psu <- paste(all$survey_year, all$respondent_id)
  tdes <- if ("officers_total" %in% names(all))
    svydesign(ids = ~psu, strata = ~stratum, fpc = ~officers_total, data = all)
  else suppressWarnings(svydesign(ids = ~psu, strata = ~stratum, data = all))
  num <- as.formula(paste0("~", measure))
  den <- if (measure == "officer_any") ~one else ~caseload
  lv <- 1 - alpha
  yearly <- r_est[r_est$measure == measure, ]
  flag_words <- function(y, o) {
    if (nrow(o) == 0) return(list(flag = "suppress", why = sprintf("no data in %d", y)))
    if (o$flag == "suppress") return(list(flag = "suppress",
                                          why = sprintf("%d estimate suppressed", y)))
    if (o$flag == "review") return(list(flag = "review",
                                        why = sprintf("%d estimate flagged for review", y)))
    list(flag = "present", why = character(0))
  }
  worst <- function(f) if ("suppress" %in% f) "suppress" else if ("review" %in% f) "review"
    else "present"
  # Each year's table, protected on its own under the same min_cell.
  published_rate <- lapply(years, function(y) {
    fy <- if (is.null(frame_all)) NULL else frame_all[frame_all$survey_year == y, ]
    pub <- publish_table(yearly[yearly$survey_year == y, ], ids, fy, min_cell)
    setNames(sapply(pub, function(r) r$marks$rate == "show"), ids$county)
  })
  names(published_rate) <- years
  # What this year's table hides beyond its own rules (the audit's state).
  if (!is.null(tab_main) && identical(tab_main$estimate_pct[tab_main$county == "Arizona"], "x"))
    published_rate[[as.character(survey_year)]]["Arizona"] <- FALSE
  for (cty in ids$county) {
    d <- if (cty == "Arizona") tdes else subset(tdes, county == cty)
    yr <- yearly[yearly$county == cty, ]
    yr <- yr[order(yr$survey_year), ]
    by <- if (nrow(yr) > 0) suppressWarnings(svyby(num, ~survey_year, d, svyratio,
                                                   denominator = den, covmat = TRUE)) else NULL
    ylab <- as.character(yr$survey_year)
    # R's own per-year se from the combined design (equal to the year's).
    for (k in seq_len(nrow(yr))) {
      if (!same_num(as.numeric(SE(by))[k], yr$se[k]) && yr$se[k] > 0)
        count("changes", FALSE, sprintf("%s %s: the combined design's se differs", cty, ylab[k]))
    }
    ech <- exp_changes[exp_changes$county == cty, ]
    for (i in seq_len(nrow(ech))) {
      e <- ech[i, ]
      a <- as.character(e$from_year); b <- as.character(e$to_year)
      where <- sprintf("%s %s-%s", cty, a, b)
      oa <- yr[yr$survey_year == e$from_year, ]; ob <- yr[yr$survey_year == e$to_year, ]
      fa <- flag_words(e$from_year, oa); fb <- flag_words(e$to_year, ob)
      why <- c(fa$why, fb$why)
      r <- list(estimate_from = NA, estimate_to = NA, difference = NA, se = NA, df = NA,
                ci_low = NA, ci_high = NA, ratio = NA, ratio_ci_low = NA, ratio_ci_high = NA,
                p_value = NA)
      if (nrow(oa) == 1 && nrow(ob) == 1) {
        con <- svycontrast(by, setNames(c(-1, 1), c(a, b)))
        r$estimate_from <- oa$estimate; r$estimate_to <- ob$estimate
        r$difference <- as.numeric(coef(con))
        se <- as.numeric(SE(con))
        if (se < 1e-12) se <- 0
        r$se <- se
        r$df <- satt(c(oa$se^2, ob$se^2), c(oa$df, ob$df))
        r_degf <- degf(subset(d, survey_year %in% c(e$from_year, e$to_year)))
        exact <- oa$census && ob$census
        tq <- NA
        if (se > 0 && !is.na(r$df) && r$df >= 1) {
          tq <- qt(1 - alpha / 2, r$df)
          r$ci_low <- r$difference - tq * se; r$ci_high <- r$difference + tq * se
          r$p_value <- min(1, 2 * pt(-abs(r$difference / se), r$df))
          if (!same_num(r$df, r_degf))
            rule_note("change-df", where, r$df, r_degf)
        } else if (se > 0) {
          why <- c(why, "no interval or p-value: fewer than 1 degree of freedom")
        } else if (exact) {
          r$ci_low <- r$ci_high <- r$difference
          why <- c(why, "no p-value: both years are a census, the change is exact")
        } else {
          why <- c(why, paste("no interval or p-value: standard error 0 in both years",
                              "(no cases or a lonely PSU) but not a census"))
        }
        if (oa$estimate > 0 && ob$estimate > 0) {
          lr <- svycontrast(by, eval(bquote(quote(log(.(as.name(b)) / .(as.name(a)))))))
          r$ratio <- exp(as.numeric(coef(lr)))
          if (!is.na(tq)) {
            r$ratio_ci_low <- exp(as.numeric(coef(lr)) - tq * as.numeric(SE(lr)))
            r$ratio_ci_high <- exp(as.numeric(coef(lr)) + tq * as.numeric(SE(lr)))
          } else if (exact) r$ratio_ci_low <- r$ratio_ci_high <- r$ratio
        } else {
          why <- c(why, sprintf("ratio undefined: %s estimate is 0",
                                if (oa$estimate == 0) a else b))
        }
      }
      flag <- worst(c(fa$flag, fb$flag))
      for (col in names(r)) cmp_num("changes", where, col, e[[col]], r[[col]])
      cmp_txt("changes", where, "flag", e$flag, flag)
      cmp_txt("changes", where, "reasons", e$reasons, paste(why, collapse = "; "))
      # The report's cell, for the change since the last survey.
      last <- e$to_year == years[length(years)] && e$from_year == years[length(years) - 1]
      cell <- ""
      if (last) {
        cell <- "-"
        if (!is.na(r$difference) && flag != "suppress" &&
            published_rate[[a]][[cty]] && published_rate[[b]][[cty]]) {
          marked <- !is.na(r$ci_low) && (r$ci_low > 0 || r$ci_high < 0)
          cell <- paste0(sprintf("%+.1f", 100 * r$difference + 0),
                         if (!marked) "" else if (r$difference > 0) " \u25b2" else " \u25bc")
        }
      }
      cmp_txt("changes", where, "published", e$published, cell)
    }
    # The slope.
    es <- exp_slopes[exp_slopes$county == cty, ]
    for (i in seq_len(nrow(es))) {
      e <- es[i, ]
      where <- sprintf("%s %d-%d", cty, e$first_year, e$last_year)
      fl <- lapply(years, function(y) flag_words(y, yr[yr$survey_year == y, ]))
      why <- unlist(lapply(fl, `[[`, "why"))
      flag <- worst(sapply(fl, `[[`, "flag"))
      s <- list(slope = NA, se = NA, df = NA, ci_low = NA, ci_high = NA, p_value = NA)
      if (nrow(yr) < 3) {
        why <- c(why, sprintf("no slope: %d year%s with an estimate, 3 needed", nrow(yr),
                              if (nrow(yr) == 1) "" else "s"))
        flag <- "suppress"
      } else if (any(yr$se == 0)) {
        why <- c(why, sprintf("no slope: standard error 0 in %s",
                              paste(yr$survey_year[yr$se == 0], collapse = ", ")))
        flag <- "suppress"
      } else {
        t <- yr$survey_year - yr$survey_year[1]
        w <- 1 / yr$se^2
        tbar <- sum(w * t) / sum(w)
        cc <- w * (t - tbar) / sum(w * (t - tbar)^2)
        con <- svycontrast(by, setNames(cc, ylab))
        s$slope <- as.numeric(coef(con))
        s$se <- as.numeric(SE(con))
        s$df <- satt(cc^2 * yr$se^2, yr$df)
        rule_note("slope-df", where, s$df, degf(d))
        if (!is.na(s$df) && s$df >= 1) {
          tq <- qt(1 - alpha / 2, s$df)
          s$ci_low <- s$slope - tq * s$se; s$ci_high <- s$slope + tq * s$se
          s$p_value <- min(1, 2 * pt(-abs(s$slope / s$se), s$df))
        } else why <- c(why, "no interval or p-value: fewer than 1 degree of freedom")
      }
      for (col in names(s)) cmp_num("slopes", where, col, e[[col]], s[[col]])
      cmp_num("slopes", where, "years", e$years, nrow(yr))
      cmp_txt("slopes", where, "flag", e$flag, flag)
      cmp_txt("slopes", where, "reasons", e$reasons, paste(why, collapse = "; "))
    }
  }
}


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
