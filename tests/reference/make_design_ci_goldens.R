#!/usr/bin/env Rscript
# Golden design-based intervals for tests/unit/test_ci_methods.c: for a grid
# of (p, se, n, df, level) the formulas that R's survey package uses in
# svyciprop(), written out in R, and first a check on a small stratified
# cluster design that these formulas equal svyciprop() itself. Run from the
# source root:
#     Rscript tests/reference/make_design_ci_goldens.R
# It writes tests/reference/design_ci_goldens.csv (the check's results are
# the comment lines at its top) and exits 1 if the check fails.
#
# Conventions where svyciprop has no answer (it returns NaN) or where NCHS
# changes it; the C code (analysis/ci_methods.c) does the same:
#  - korn-graubard = svyciprop(method = "beta") with NCHS's cap: the
#    df-adjusted effective sample size is min(n, n_eff (t_{n-1}/t_df)^2)
#    (Parker et al. 2017; svyciprop_adjusted() of CDC's surveytable). When
#    p is 0 or 1 or se is 0, n_eff = n without df adjustment (Clopper-
#    Pearson limits with n). With n <= 1 there is no t_{n-1}; the ratio
#    tends to infinity as its df goes to 0, so the cap gives n.
#  - wilson = survey 4.5's svyciprop(method = "wilson") (not in the survey
#    4.1 installed here; transcribed from the 4.5 source): Wilson's score
#    interval with z -> qt(1 - alpha/2, df) and n -> n_eff. When p is 0 or 1
#    or se is 0, n_eff = n.
#  - logit = svyciprop(method = "xlogit"): undefined (defined = 0) at p = 0
#    or 1; zero width (p, p) when se = 0.
#  - wald = svyciprop(method = "mean"), clamped into [0, 1].
suppressPackageStartupMessages(library(survey))

kg <- function(p, se, n, df, level) {
  alpha <- 1 - level
  degenerate <- p == 0 || p == 1 || se == 0
  n_eff <- if (degenerate) n else p * (1 - p) / se^2
  if (degenerate) {
    n_df <- n
  } else if (n <= 1) {
    n_df <- n
  } else {
    n_df <- min(n, n_eff * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2)
  }
  c(1, qbeta(alpha / 2, n_df * p, n_df * (1 - p) + 1),
    qbeta(1 - alpha / 2, n_df * p + 1, n_df * (1 - p)), n_eff)
}

# The same without the cap: what svyciprop(method = "beta") computes.
kg_uncapped <- function(p, se, n, df, level) {
  alpha <- 1 - level
  n_eff <- p * (1 - p) / se^2 * (qt(alpha / 2, n - 1) / qt(alpha / 2, df))^2
  c(qbeta(alpha / 2, n_eff * p, n_eff * (1 - p) + 1),
    qbeta(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)))
}

wilson <- function(p, se, n, df, level) {
  alpha <- 1 - level
  n_eff <- if (p == 0 || p == 1 || se == 0) n else p * (1 - p) / se^2
  t <- qt(alpha / 2, df, lower.tail = FALSE)
  denom <- 1 + t^2 / n_eff
  root <- sqrt(4 * n_eff * p * (1 - p) + t^2)
  low <- (p + t^2 / (2 * n_eff) - t / (2 * n_eff) * root) / denom
  high <- (p + t^2 / (2 * n_eff) + t / (2 * n_eff) * root) / denom
  # exactly 0 (1) at the edge, as the C code returns
  if (p == 0) low <- 0
  if (p == 1) high <- 1
  c(1, low, high, n_eff)
}

xlogit <- function(p, se, n, df, level) {
  n_eff <- if (p == 0 || p == 1 || se == 0) n else p * (1 - p) / se^2
  if (p == 0 || p == 1) return(c(0, NA, NA, n_eff))
  if (se == 0) return(c(1, p, p, n_eff))
  t <- qt(1 - (1 - level) / 2, df)
  eta <- log(p / (1 - p))
  c(1, plogis(eta + c(-1, 1) * t * se / (p * (1 - p))), n_eff)
}

# svyciprop(method = "mean") itself, before our clamping into [0, 1].
wald_unclamped <- function(p, se, df, level) p + c(-1, 1) * qt(1 - (1 - level) / 2, df) * se

wald <- function(p, se, n, df, level) {
  n_eff <- if (p == 0 || p == 1 || se == 0) n else p * (1 - p) / se^2
  if (se == 0) return(c(1, p, p, n_eff))
  t <- qt(1 - (1 - level) / 2, df)
  c(1, pmin(pmax(p + c(-1, 1) * t * se, 0), 1), n_eff)
}

methods <- list("korn-graubard" = kg, "wilson" = wilson, "logit" = xlogit, "wald" = wald)

# ---- the formulas equal svyciprop on a real design -------------------------
# Two strata, three PSUs each, two youth per PSU, unequal weights.
d <- data.frame(stratum = rep(1:2, each = 6), psu = rep(1:6, each = 2),
                w = c(10, 10, 12, 12, 9, 9, 30, 30, 25, 25, 28, 28),
                y = c(1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0))
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)
m <- svymean(~y, des)
p <- as.numeric(coef(m)); se <- as.numeric(SE(m)); n <- nrow(des); df <- degf(des)
checks <- character(0)
ok <- TRUE
for (level in c(0.90, 0.95)) {
  pairs <- list(
    beta = list(svy = as.vector(attr(svyciprop(~y, des, method = "beta", level = level), "ci")),
                ours = kg_uncapped(p, se, n, df, level),
                capped = kg(p, se, n, df, level)[2:3]),
    xlogit = list(svy = as.vector(attr(svyciprop(~y, des, method = "xlogit", level = level), "ci")),
                  ours = xlogit(p, se, n, df, level)[2:3]),
    mean = list(svy = as.vector(attr(svyciprop(~y, des, method = "mean", level = level), "ci")),
                ours = wald_unclamped(p, se, df, level)))
  for (nm in names(pairs)) {
    dif <- max(abs(pairs[[nm]]$svy - pairs[[nm]]$ours))
    if (!(dif < 1e-12)) ok <- FALSE
    checks <- c(checks, sprintf("svyciprop(method=\"%s\", level=%g) = (%.15g, %.15g); formula differs by %.3g",
                                nm, level, pairs[[nm]]$svy[1], pairs[[nm]]$svy[2], dif))
  }
  # On this design the NCHS cap does not bind, so korn-graubard = beta.
  dif <- max(abs(pairs$beta$svy - pairs$beta$capped))
  if (!(dif < 1e-12)) ok <- FALSE
  checks <- c(checks, sprintf("korn-graubard (with NCHS cap) differs from svyciprop beta by %.3g", dif))
}
header <- c(
  "# golden design-based intervals; made by tests/reference/make_design_ci_goldens.R",
  sprintf("# %s, survey %s", R.version.string, packageVersion("survey")),
  sprintf("# check on a 12-row design (2 strata, 6 PSUs): p = %.17g, se = %.17g, n = %d, df = %d",
          p, se, n, df),
  paste("#", checks))
cat(header, sep = "\n")
cat("\n")
if (!ok) {
  cat("formula and svyciprop disagree\n", file = stderr())
  quit(status = 1)
}

# ---- the grid -----------------------------------------------------------------
ps <- c(0, 0.0004, 0.0569, 0.25, 0.5, 0.999, 1)
ses <- c(0, 0.0005, 0.02, 0.08)
ns <- c(1, 12, 263, 4000)
dfs <- c(1, 7, 40, Inf)
levels <- c(0.90, 0.95, 0.99)
fmt <- function(v) if (is.na(v)) "" else sprintf("%.17g", v)
rows <- character(0)
for (name in names(methods)) for (p in ps) for (se in ses) for (n in ns)
  for (df in dfs) for (level in levels) {
    r <- methods[[name]](p, se, n, df, level)
    rows <- c(rows, paste(name, fmt(p), fmt(se), fmt(n), fmt(df), fmt(level),
                          r[1], fmt(r[2]), fmt(r[3]), fmt(r[4]), sep = ","))
  }
out <- "tests/reference/design_ci_goldens.csv"
writeLines(c(header, "method,p,se,n,df,level,defined,low,high,n_eff", rows), out)
cat(sprintf("wrote %d rows to %s\n", length(rows), out))
