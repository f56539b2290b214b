# Golden values for analysis/fay_herriot.c from independent R code.
#
#   Rscript tests/reference/sae/fh_reference.R      (from the repository root)
#
# writes tests/reference/sae/fh_goldens.csv (dataset,method,quantity,index,value).
# CI never runs R: tests/unit/test_fay_herriot.c reads the committed goldens.
#
# Model (Fay & Herriot 1979): y_i = x_i'beta + u_i + e_i, u_i ~ N(0, A),
# e_i ~ N(0, D_i), V = diag(A + D_i).
#
# ML: R's nlme fits this model as a linear mixed model with one observation
# per county, the residual variance fixed to D_i (varFixed(~D) with
# sigma = 1). Its estimate, beta and EBLUPs are the ML golden values; the
# script checks that nlme's answer is the maximum of the ML likelihood
# written out below.
#
# REML: NOT nlme. With the residual scale fixed (lmeControl(sigma = 1)) the
# REML criterion nlme maximises is not the standard restricted likelihood
#   -1/2 [log|V| + log|X'V^-1X| + (y - X beta)'V^-1 (y - X beta)]:
# the script evaluates that restricted likelihood at nlme's REML estimate
# and shows it is below the maximum found by optimize() (printed below and
# stopped on if not). The REML golden values come from maximising the
# restricted likelihood directly with optimize() (tight tol, boundary A = 0
# compared explicitly).
#
# MSE: the Prasad-Rao estimator (Prasad & Rao 1990; Datta & Lahiri 2000;
# Rao & Molina 2015, sec. 6.2.1) written out here with matrices:
#   g1 = A D/(A+D), g2 = (1-gamma)^2 x'(X'V^-1X)^-1 x,
#   g3 = D^2/(A+D)^3 * 2/sum(1/(A+D)^2),
#   REML: g1 + g2 + 2 g3;  ML: g1 + g2 + 2 g3 - b_ML * (D/(A+D))^2,
#   b_ML = -tr[(X'V^-1X)^-1 X'V^-2X] / sum(1/(A+D)^2).
# The standard error of A-hat is 1/sqrt(expected information): ML
# 1/2 sum (A+D)^-2, REML 1/2 tr(P^2) with P = V^-1 - V^-1 X C X'V^-1.
#
# Arcsine scale (dataset sample_like): y* = asin(sqrt(y)), D* = 1/(4 n_eff)
# with n_eff = y(1-y)/D, REML as above; the bias-corrected back-transform
# E[sin^2(T)], T ~ N(eblup*, A (1 - gamma)) clamped to [0, pi/2], is
# computed with integrate() plus the normal mass above pi/2 (which emdi's
# "bc" leaves out; negligible for these data, stated in docs/methods.md).

suppressPackageStartupMessages(library(nlme))

here <- "tests/reference/sae"
source(file.path(here, "fh_lib.R"))

out_rows <- list()
emit <- function(dataset, method, quantity, value) {
  out_rows[[length(out_rows) + 1]] <<- data.frame(
    dataset = dataset, method = method, quantity = quantity,
    index = seq_along(value) - 1L,
    value = ifelse(is.na(value), "nan", sprintf("%.17g", value)))
}

emit_fit <- function(name, method, A, ll, y, D, X) {
  pr <- prasad_rao(A, y, D, X, method)
  emit(name, method, "sigma2_u", A)
  emit(name, method, "loglik", ll(A, y, D, X))
  for (q in c("sigma2_u_se", "beta", "gamma", "synthetic", "eblup", "g1", "g2", "g3", "mse",
              "std_resid"))
    emit(name, method, q, pr[[q]])
  invisible(pr)
}

# nlme is fitted on the percent scale (y * 100, D * 100^2; A, beta and the
# EBLUPs scale back exactly). On the proportion scale (D ~ 1e-5) its
# optimiser, started far from the solution, stops at A ~ 1e-13 on the
# covariate data with a lower likelihood (41.74 against 45.95 at the
# maximum); scaled by 10, 100 or 1000 it finds the same A to 1e-8 relative.
NLME_SCALE <- 100
nlme_fit <- function(d, X, method) {
  covs <- setdiff(colnames(d), c("county", "y", "D", "youth_n"))
  f <- as.formula(paste("y ~", if (length(covs)) paste(covs, collapse = " + ") else "1"))
  ds <- d
  ds$y <- NLME_SCALE * d$y
  ds$D <- NLME_SCALE^2 * d$D
  lme(f, random = ~ 1 | county, data = ds, weights = varFixed(~ D), method = method,
      control = lmeControl(sigma = 1, msTol = 1e-14, tolerance = 1e-14,
                           msMaxIter = 1000, maxIter = 1000, niterEM = 0))
}

# VarCorr() returns rounded text; read the variance from the fitted
# structure instead (sigma is fixed at 1, so it is the variance of u).
re_var <- function(m)
  as.numeric(pdMatrix(m$modelStruct$reStruct)[[1]]) * m$sigma^2 / NLME_SCALE^2

report <- character()
for (name in c("sample_like", "covariate", "boundary")) {
  d <- read.csv(file.path(here, paste0("fh_", name, ".csv")))
  d$county <- factor(d$county)
  y <- d$y
  D <- d$D
  X <- design(d)

  # REML: restricted likelihood maximised directly.
  A_reml <- maximise(loglik_reml, y, D, X, "reml")
  emit_fit(name, "reml", A_reml, loglik_reml, y, D, X)

  # ML: nlme, checked against the likelihood written out above.
  m_ml <- nlme_fit(d, X, "ML")
  A_nlme <- re_var(m_ml)
  A_opt <- maximise(loglik_ml, y, D, X, "ml")
  if (abs(A_nlme - A_opt) > 1e-6 * max(1e-8, A_opt) + 1e-12)
    stop(sprintf("%s: nlme ML A = %.10g but the ML likelihood peaks at %.10g", name, A_nlme, A_opt))
  # nlme parametrises log(sd(u)), so it cannot reach A = 0: when the ML
  # likelihood peaks at the boundary its tiny A (~1e-15) is that boundary.
  A_ml <- if (A_opt == 0 && A_nlme < 1e-12) 0 else A_nlme
  pr <- emit_fit(name, "ml", A_ml, loglik_ml, y, D, X)
  # The golden EBLUPs and beta are nlme's own.
  eb_nlme <- as.vector(fitted(m_ml, level = 1)) / NLME_SCALE
  beta_nlme <- as.vector(fixef(m_ml)) / NLME_SCALE
  emit(name, "ml", "eblup_nlme", eb_nlme)
  emit(name, "ml", "beta_nlme", beta_nlme)
  if (max(abs(eb_nlme - pr$eblup)) > 1e-9 || max(abs(beta_nlme - pr$beta)) > 1e-9)
    stop(sprintf("%s: nlme EBLUP/beta differ from the Prasad-Rao code", name))

  # The point of not using nlme for REML, shown on each data set.
  m_reml <- nlme_fit(d, X, "REML")
  A_nlme_reml <- re_var(m_reml)
  ll_at_nlme <- loglik_reml(A_nlme_reml, y, D, X)
  ll_at_max <- loglik_reml(A_reml, y, D, X)
  report <- c(report, sprintf(
    "%-12s REML A: optimize+root %.10g (restricted loglik %.12f); nlme %.10g (restricted loglik %.12f); ML A: nlme %.10g optimize+root %.10g",
    name, A_reml, ll_at_max, A_nlme_reml, ll_at_nlme, A_nlme, A_opt))
  if (name != "boundary" && !(ll_at_nlme < ll_at_max))
    stop(sprintf("%s: nlme's REML A reaches the restricted likelihood maximum", name))

  if (name == "sample_like") {
    # Arcsine-square-root scale, REML.
    n_eff <- y * (1 - y) / D
    ys <- asin(sqrt(y))
    Ds <- 1 / (4 * n_eff)
    A_s <- maximise(loglik_reml, ys, Ds, X, "reml")
    pr_s <- emit_fit("sample_like_arcsine", "reml", A_s, loglik_reml, ys, Ds, X)
    back <- mapply(back_bc, pr_s$eblup, A_s * (1 - pr_s$gamma))
    emit("sample_like_arcsine", "reml", "back_bc", back)
  }
}

# ---- analysis/sae.c: from estimate rows to the sae_* columns -------------
# fh_rows.csv holds direct estimates as `prevalence estimate` reports them
# (the state row last); the rules are in fh_lib.R, sae_columns().
rows <- read.csv(file.path(here, "fh_rows.csv"), colClasses = c(fips = "character"))
cty <- rows[rows$fips != "04", ]
for (cfg in list(list(name = "rows_none", tr = "none", cov = FALSE, method = "reml"),
                 list(name = "rows_poverty_ml", tr = "none", cov = TRUE, method = "ml"),
                 list(name = "rows_arcsine", tr = "arcsine", cov = FALSE, method = "reml"))) {
  Xall <- if (cfg$cov) cbind(1, cty$poverty) else matrix(1, nrow(cty), 1)
  cols <- sae_columns(cty, cfg$tr, Xall, cfg$method)
  for (q in c("sigma2_u", "p_bar", "deff_bar", "benchmark_ratio", "sae_estimate", "sae_mse",
              "sae_ci_low", "sae_ci_high", "sae_weight", "sae_variance"))
    emit(cfg$name, cfg$method, q, cols[[q]])
}

write.csv(do.call(rbind, out_rows), file.path(here, "fh_goldens.csv"),
          row.names = FALSE, quote = FALSE)
writeLines(report)
