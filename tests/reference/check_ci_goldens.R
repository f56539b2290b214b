#!/usr/bin/env Rscript
# Second, independent check of tests/reference/ci_goldens.csv (made with
# statsmodels by make_ci_goldens.py) against base R: binom.test for
# Clopper-Pearson (qbeta for n > 1e5), prop.test(correct = FALSE) for
# Wilson, qbeta for Jeffreys, and the formulas for Agresti-Coull, Wald (both
# clamped into [0, 1]) and logit. Prints the largest absolute difference per method and fails if any
# exceeds 1e-12. Run from the source root:
#     Rscript tests/reference/check_ci_goldens.R
g <- read.csv("tests/reference/ci_goldens.csv", comment.char = "#",
              colClasses = c("character", "numeric", "numeric", "numeric",
                             "integer", "numeric", "numeric"))
clamp <- function(v) pmin(pmax(v, 0), 1)
ref <- function(method, x, n, level) {
  z <- qnorm(1 - (1 - level) / 2)
  switch(method,
    "wilson" = suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = level)$conf.int[1:2]),
    # binom.test's p-value sums over all n outcomes, too slow for n = 1e9;
    # its interval is these two qbeta calls, so use them directly there.
    "clopper-pearson" = if (n <= 1e5) binom.test(x, n, conf.level = level)$conf.int[1:2] else
      c(if (x == 0) 0 else qbeta((1 - level) / 2, x, n - x + 1),
        if (x == n) 1 else qbeta((1 + level) / 2, x + 1, n - x)),
    "jeffreys" = c(if (x == 0) 0 else qbeta((1 - level) / 2, x + 0.5, n - x + 0.5),
                   if (x == n) 1 else qbeta((1 + level) / 2, x + 0.5, n - x + 0.5)),
    "agresti-coull" = {
      nt <- n + z^2; pt <- (x + z^2 / 2) / nt
      clamp(pt + c(-1, 1) * z * sqrt(pt * (1 - pt) / nt))
    },
    "wald" = { p <- x / n; clamp(p + c(-1, 1) * z * sqrt(p * (1 - p) / n)) },
    "logit" = if (x == 0 || x == n) c(NA, NA) else
      plogis(qlogis(x / n) + c(-1, 1) * z * sqrt(n / (x * (n - x)))))
}
worst <- list()
for (i in seq_len(nrow(g))) {
  r <- ref(g$method[i], g$x[i], g$n[i], g$level[i])
  if (g$defined[i] == 0) {
    d <- if (all(is.na(r))) 0 else Inf
  } else {
    d <- max(abs(r - c(g$low[i], g$high[i])))
  }
  worst[[g$method[i]]] <- max(worst[[g$method[i]]], d)
}
for (m in names(worst)) cat(sprintf("%-16s max |R - golden| = %.3g\n", m, worst[[m]]))
if (any(unlist(worst) > 1e-12)) quit(status = 1)
