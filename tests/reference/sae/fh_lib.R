# Shared by fh_reference.R and fh_sample_data.R: the Fay-Herriot model and
# the sae_* columns written out independently of the C code. Model (Fay &
# Herriot 1979): y_i = x_i'beta + u_i + e_i, u_i ~ N(0, A), e_i ~ N(0, D_i),
# V = diag(A + D_i).

design <- function(d) {
  covs <- setdiff(names(d), c("county", "y", "D", "youth_n"))
  cbind(1, as.matrix(d[, covs, drop = FALSE]))
}

gls_at <- function(A, y, D, X) {
  v <- A + D
  XtVX <- crossprod(X, X / v)
  beta <- solve(XtVX, crossprod(X, y / v))
  r <- as.vector(y - X %*% beta)
  list(v = v, XtVX = XtVX, beta = as.vector(beta), r = r)
}

loglik_ml <- function(A, y, D, X) {
  g <- gls_at(A, y, D, X)
  -0.5 * (length(y) * log(2 * pi) + sum(log(g$v)) + sum(g$r^2 / g$v))
}

loglik_reml <- function(A, y, D, X) {
  g <- gls_at(A, y, D, X)
  -0.5 * ((length(y) - ncol(X)) * log(2 * pi) + sum(log(g$v)) +
            as.numeric(determinant(g$XtVX, logarithm = TRUE)$modulus) +
            sum(g$r^2 / g$v))
}

# Derivatives of the two likelihoods in A: REML -1/2 tr(P) + 1/2 y'P^2 y
# with the projection P = V^-1 - V^-1 X (X'V^-1X)^-1 X'V^-1; ML
# -1/2 tr(V^-1) + 1/2 r'V^-2 r with the GLS residuals r.
score <- function(A, y, D, X, method) {
  v <- A + D
  Vi <- diag(1 / v)
  P <- Vi - Vi %*% X %*% solve(t(X) %*% Vi %*% X) %*% t(X) %*% Vi
  if (method == "ml")
    return(-0.5 * sum(1 / v) + 0.5 * sum((P %*% y)^2))   # P y = V^-1 r
  -0.5 * sum(diag(P)) + 0.5 * as.numeric(t(y) %*% P %*% P %*% y)
}

# Maximise over A >= 0 with optimize(); the boundary is compared explicitly
# because optimize() never returns an end point of its interval. The
# likelihood is flat to 1e-14 near its peak, so optimize() places the
# maximum only to about 1e-7 relative; the answer is then polished by
# solving score(A) = 0 with uniroot() in a narrow bracket around it (and
# must not move by more than 1e-6 relative).
maximise <- function(ll, y, D, X, method) {
  upper <- 10 * (var(y) + max(D))
  o <- optimize(function(A) ll(A, y, D, X), c(0, upper), maximum = TRUE,
                tol = 1e-16)
  if (ll(0, y, D, X) >= o$objective) return(0)
  lo <- o$maximum * (1 - 1e-5)
  hi <- o$maximum * (1 + 1e-5)
  if (!(score(lo, y, D, X, method) > 0 && score(hi, y, D, X, method) < 0))
    stop("the score does not change sign around optimize()'s maximum")
  root <- uniroot(function(A) score(A, y, D, X, method), c(lo, hi), tol = 1e-300)$root
  if (abs(root - o$maximum) > 1e-6 * o$maximum) stop("optimize() and the score root differ")
  root
}

prasad_rao <- function(A, y, D, X, method) {
  g <- gls_at(A, y, D, X)
  v <- g$v
  Cinv <- solve(g$XtVX)
  gamma <- A / v
  synth <- as.vector(X %*% g$beta)
  eblup <- gamma * y + (1 - gamma) * synth
  g1 <- gamma * D
  g2 <- (1 - gamma)^2 * rowSums((X %*% Cinv) * X)
  vbar <- 2 / sum(1 / v^2)
  g3 <- D^2 / v^3 * vbar
  mse <- g1 + g2 + 2 * g3
  if (method == "ml") {
    b_ml <- -sum(diag(Cinv %*% crossprod(X, X / v^2))) / sum(1 / v^2)
    mse <- mse - b_ml * (1 - gamma)^2
  }
  # SE of A-hat from the expected information of the method:
  # ML 1/2 sum V^-2, REML 1/2 tr(P^2), P = V^-1 - V^-1 X C X' V^-1.
  Vi <- diag(1 / v)
  P <- Vi - Vi %*% X %*% Cinv %*% t(X) %*% Vi
  info <- if (method == "ml") 0.5 * sum(1 / v^2) else 0.5 * sum(diag(P %*% P))
  list(sigma2_u_se = 1 / sqrt(info), beta = g$beta, gamma = gamma, synthetic = synth, eblup = eblup,
       g1 = g1, g2 = g2, g3 = g3, mse = mse, std_resid = (y - synth) / sqrt(v))
}

sin2c <- function(t) sin(pmin(pmax(t, 0), pi / 2))^2

# Arcsine back-transform: E[sin^2(T)], T ~ N(mu, var) clamped to [0, pi/2].
back_bc <- function(mu, var) {
  if (var == 0) return(sin2c(mu))
  sd <- sqrt(var)
  integrate(function(t) sin(t)^2 * dnorm(t, mu, sd), 0, pi / 2,
            rel.tol = 1e-13, abs.tol = 0)$value + pnorm(pi / 2, mu, sd, lower.tail = FALSE)
}

# analysis/sae.c: from estimate rows to the sae_* columns. The rules, as
# docs/methods.md states them:
# a county's direct variance se^2 is used when se > 0, 0 < p < 1 and it has
# at least 3 respondents; otherwise D = p_bar (1 - p_bar) deff_bar / n with
# p_bar the youth_n-weighted mean of the direct estimates and deff_bar the
# mean design effect se^2 n / (p (1 - p)) of the usable counties (at least
# 1). Arcsine: y = asin(sqrt(p)), D = se^2 / (4 p (1 - p)) or deff_bar/(4 n).
# Counties without respondents get x'beta with MSE A + x'(X'V^-1X)^-1 x.
# CI: estimate -+ z sqrt(mse) clamped to [0, 1]; under arcsine the interval
# is sin^2 of the transformed-scale interval (clamped to [0, pi/2]) and the
# MSE the delta method sin(2 mu)^2 mse*. Benchmark ratio: youth_total-
# weighted mean of the direct estimates over that of the model-based ones.
# cty: county rows (no state row) with respondents, youth_n, youth_total,
# has_estimate (0/1), estimate, se; Xall: the design for every county.
sae_columns <- function(cty, tr, Xall, method, level = 0.95) {
  has_est <- cty$has_estimate == 1
  # A census county (every officer answered: respondents = officers_total,
  # when the rows carry the frame) has a known value: model-based = direct,
  # MSE 0, weight 1, D 0, not in the fit; it still counts in p_bar and the
  # benchmark.
  census <- if (is.null(cty$officers_total)) rep(FALSE, nrow(cty)) else
    has_est & !is.na(cty$officers_total) & cty$officers_total > 0 &
      cty$respondents == cty$officers_total
  has <- has_est & !census
  usable <- has & cty$se > 0 & cty$estimate > 0 & cty$estimate < 1 &
    cty$respondents >= 3 & cty$youth_n > 0
  p_bar <- sum(cty$youth_n[has_est] * cty$estimate[has_est]) / sum(cty$youth_n[has_est])
  deff_bar <- if (any(usable))
    max(1, mean(with(cty[usable, ], se^2 * youth_n / (estimate * (1 - estimate))))) else 1
  z <- qnorm(1 - (1 - level) / 2)
  p <- cty$estimate
  n <- cty$youth_n
  if (tr == "none") {
    yy <- p
    DD <- ifelse(usable, cty$se^2, p_bar * (1 - p_bar) * deff_bar / n)
  } else {
    yy <- asin(sqrt(p))
    DD <- ifelse(usable, cty$se^2 / (4 * p * (1 - p)), deff_bar / (4 * n))
  }
  ll <- if (method == "ml") loglik_ml else loglik_reml
  Xh <- Xall[has, , drop = FALSE]
  A <- maximise(ll, yy[has], DD[has], Xh, method)
  pr <- prasad_rao(A, yy[has], DD[has], Xh, method)
  Cinv <- solve(gls_at(A, yy[has], DD[has], Xh)$XtVX)
  mu <- mse_star <- post <- weight <- rep(NA, nrow(cty))
  mu[has] <- pr$eblup
  mse_star[has] <- pr$mse
  post[has] <- A * (1 - pr$gamma)
  weight[has] <- pr$gamma
  for (i in which(!has_est)) {
    xi <- Xall[i, ]
    mu[i] <- sum(xi * pr$beta)
    mse_star[i] <- A + as.numeric(t(xi) %*% Cinv %*% xi)
    post[i] <- A
    weight[i] <- 0
  }
  if (tr == "none") {
    est <- pmin(pmax(mu, 0), 1)
    mse <- mse_star
    lo <- pmin(pmax(mu - z * sqrt(mse_star), 0), 1)
    hi <- pmin(pmax(mu + z * sqrt(mse_star), 0), 1)
  } else {
    est <- rep(NA, nrow(cty))
    est[!census] <- mapply(back_bc, mu[!census], post[!census])
    mse <- sin(2 * mu)^2 * mse_star
    lo <- sin2c(mu - z * sqrt(mse_star))
    hi <- sin2c(mu + z * sqrt(mse_star))
  }
  est[census] <- lo[census] <- hi[census] <- p[census]
  mse[census] <- 0
  weight[census] <- 1
  w <- cty$youth_total[has_est]
  list(sigma2_u = A, p_bar = p_bar, deff_bar = deff_bar,
       benchmark_ratio = sum(w * p[has_est]) / sum(w * est[has_est]),
       sae_estimate = est, sae_mse = mse, sae_ci_low = lo, sae_ci_high = hi,
       sae_weight = weight, sae_variance = ifelse(census, 0, ifelse(has, DD, NA)),
       sae_gvf = as.numeric(has & !usable))
}
