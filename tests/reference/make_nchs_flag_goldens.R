# NCHS presentation flags for every row of estimate_goldens.csv, written
# from the published standard (Parker JD et al. 2017, National Center for
# Health Statistics Data Presentation Standards for Proportions, Vital
# Health Stat 2(175)), independently of analysis/nchs.c.
#
#   Rscript tests/reference/make_nchs_flag_goldens.R \
#       tests/reference/estimate_goldens.csv > tests/reference/nchs_flag_goldens.csv
#
# The standard judges a proportion on its 95% Korn-Graubard interval,
# whatever interval a table displays, so the flag of a row depends only on
# (p, se, n, df): every method of one domain must get the same flag.
#   1. suppress: n_eff < 30 (n_eff = min(n, p(1-p)/se^2); n where that is
#      0/0 or infinite: p in {0, 1} or se = 0); absolute width >= 0.30;
#      width > 0.05 and relative width width/p > 1.30 (not computed at p = 0).
#   2. review: df < 8; p = 0 or 1 (the standard asks for statistical review
#      of 0% and 100%).
#   3. "complement unreliable" for a shown estimate whose complement 1 - p
#      fails the relative-width rule (not computed at p = 1).
# The Korn-Graubard interval: Clopper-Pearson with n_eff adjusted by
# (t(.975, n-1) / t(.975, df))^2, capped at n (NCHS: deff < 1 counts as 1);
# with p in {0, 1} or se = 0, Clopper-Pearson with n. officer_any's rows are
# also judged with the cap before the fpc (its default; below), rows
# marked deff_cap before-fpc.
args <- commandArgs(trailingOnly = TRUE)
g <- read.csv(args[1], comment.char = "#", stringsAsFactors = FALSE)
# R's se of a one-respondent county is rounding noise (about 1e-17) where
# the exact value is 0 (docs/methods.md, "Lonely PSU"): take it as 0.
g$se[!is.na(g$se) & g$se < 1e-12] <- 0

kg95 <- function(p, se, n, df) {
  a <- 0.05
  if (p == 0 || p == 1 || se == 0) {
    m <- n
  } else {
    if (is.na(df) || df < 1) return(c(NaN, NaN))
    r <- if (n > 1) qt(1 - a / 2, n - 1) / qt(1 - a / 2, df) else Inf
    m <- min(n, p * (1 - p) / se^2 * r^2)
  }
  x <- p * m
  lo <- if (p == 0) 0 else qbeta(a / 2, x, m - x + 1)
  hi <- if (p == 1) 1 else qbeta(1 - a / 2, x + 1, m - x)
  c(lo, hi)
}

flag_of <- function(p, se, n, df, kg_low = NA, kg_high = NA) {
  if (is.na(p)) return(c("suppress", "no data"))
  ci <- if (!is.na(kg_low) && se > 0 && p > 0 && p < 1) c(kg_low, kg_high)
        else kg95(p, se, n, df)
  w <- ci[2] - ci[1]
  n_eff <- if (p == 0 || p == 1 || se == 0) n else min(n, p * (1 - p) / se^2)
  why <- character(0)
  sup <- FALSE
  if (any(is.nan(ci))) { sup <- TRUE; why <- c(why, "no confidence interval") }
  if (n_eff < 30) { sup <- TRUE; why <- c(why, "effective sample size below 30") }
  if (!is.nan(w) && w >= 0.30) { sup <- TRUE; why <- c(why, "absolute CI width 0.30 or more") }
  if (!is.nan(w) && p > 0 && w > 0.05 && w / p > 1.30) {
    sup <- TRUE; why <- c(why, "relative CI width above 130%")
  }
  rev <- FALSE
  if (is.na(df) || df < 8) { rev <- TRUE; why <- c(why, "degrees of freedom below 8") }
  if (p == 0 || p == 1) { rev <- TRUE; why <- c(why, "estimate is 0 or 100%") }
  if (!sup && !is.nan(w) && p < 1 && w > 0.05 && w / (1 - p) > 1.30)
    why <- c(why, "complement unreliable")
  c(if (sup) "suppress" else if (rev) "review" else "present", paste(why, collapse = "; "))
}

out <- g[, c("dataset", "lonely_psu", "measure", "method", "county")]
f <- t(mapply(flag_of, g$estimate, g$se, g$n, g$df))
out$deff_cap <- "after-fpc"
out$flag <- f[, 1]
out$reasons <- f[, 2]

# officer_any's default cap is before-fpc (docs/methods.md, "The
# design-effect cap"): the with-replacement design effect is capped at 1 and
# the fpc applied after. Its 95% Korn-Graubard interval is the goldens'
# kg_before_fpc_low / _high (make_estimate_goldens.R, from se_wr of the
# design without fpc), on the korn-graubard row of the same domain; the
# other rules of the standard are unchanged.
o <- g[g$measure == "officer_any", ]
kg_row <- g[g$measure == "officer_any" & g$method == "korn-graubard", ]
key <- function(d) paste(d$dataset, d$lonely_psu, d$county)
k <- match(key(o), key(kg_row))
stopifnot(!any(is.na(k)))
fb <- t(mapply(flag_of, o$estimate, o$se, o$n, o$df, kg_row$kg_before_fpc_low[k],
               kg_row$kg_before_fpc_high[k]))
ob <- o[, c("dataset", "lonely_psu", "measure", "method", "county")]
ob$deff_cap <- "before-fpc"
ob$flag <- fb[, 1]
ob$reasons <- fb[, 2]
cat(sprintf("# NCHS flags of every row of estimate_goldens.csv (%d rows) with the cap after the fpc, and of officer_any with it before (%d rows), by make_nchs_flag_goldens.R, %s\n",
            nrow(out), nrow(ob), R.version.string))
out <- rbind(out, ob)
write.csv(out, stdout(), row.names = FALSE, quote = TRUE)
