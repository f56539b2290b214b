# Small-area golden values on the committed sample data (sample-data/2025,
# measure confirmed), from independent R code:
#
#   Rscript tests/reference/sae/fh_sample_data.R      (from the repository root)
#
# 1. The direct county estimates with R's survey package, with the design of
#    `prevalence estimate` (docs/methods.md): PSU = respondent,
#    svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total),
#    lonely PSUs "adjust", each county a subset() of the design, and the
#    ratio estimator svyratio(~confirmed, ~caseload). (Expanding caseloads to
#    one row per youth would drop the respondents with caseload 0 -- the
#    supervisors in Maricopa and Pima -- as PSUs and change the variance.)
#    A census county's se is rounding noise in R (about 1e-17): taken as 0.
#    Written to fh_sample_2025_rows.csv (the input of tests/unit/test_sae.c),
#    with an empty poverty column and the frame's officers_total (a county
#    whose respondents are all its officers is a census: known, not fitted).
# 2. The sae_* columns from them (fh_lib.R, sae_columns()), REML and ML,
#    untransformed and arcsine, written to fh_sample_goldens.csv.
suppressPackageStartupMessages(library(survey))

here <- "tests/reference/sae"
source(file.path(here, "fh_lib.R"))
options(survey.lonely.psu = "adjust")

year <- 2025
dir <- file.path("sample-data", year)
frame <- read.csv(file.path(dir, "frame.csv"))
resp <- do.call(rbind, lapply(list.files(dir, "^responses-.*\\.csv$", full.names = TRUE),
                              read.csv, colClasses = c(respondent_id = "character")))
resp <- merge(resp, frame[, c("county", "officers_total", "youth_total")], by = "county")
des <- svydesign(ids = ~respondent_id, strata = ~county, fpc = ~officers_total, data = resp)

fips <- c(Apache = "04001", Cochise = "04003", Coconino = "04005", Gila = "04007",
          Graham = "04009", Greenlee = "04011", `La Paz` = "04012", Maricopa = "04013",
          Mohave = "04015", Navajo = "04017", Pima = "04019", Pinal = "04021",
          `Santa Cruz` = "04023", Yavapai = "04025", Yuma = "04027")
rows <- do.call(rbind, lapply(names(fips), function(cn) {
  r <- resp[resp$county == cn, ]
  fr <- frame[frame$county == cn, ]
  if (nrow(r) == 0)
    return(data.frame(county = cn, fips = fips[[cn]], respondents = 0, youth_n = 0,
                      youth_total = fr$youth_total, has_estimate = 0, estimate = 0, se = 0,
                      poverty = NA, officers_total = fr$officers_total))
  d <- suppressWarnings(subset(des, county == cn))
  m <- suppressWarnings(svyratio(~confirmed, ~caseload, d))
  se <- as.numeric(SE(m))
  if (se < 1e-12) se <- 0
  data.frame(county = cn, fips = fips[[cn]], respondents = nrow(r), youth_n = sum(r$caseload),
             youth_total = fr$youth_total, has_estimate = 1, estimate = as.numeric(coef(m)),
             se = se, poverty = NA, officers_total = fr$officers_total)
}))
fmt <- function(x) sprintf("%.17g", x)
out <- rows
out$estimate <- fmt(out$estimate)
out$se <- fmt(out$se)
write.csv(out, file.path(here, "fh_sample_2025_rows.csv"), row.names = FALSE, quote = FALSE,
          na = "")

g <- list()
for (cfg in list(list(name = "sample_2025_none", tr = "none", method = "reml"),
                 list(name = "sample_2025_none", tr = "none", method = "ml"),
                 list(name = "sample_2025_arcsine", tr = "arcsine", method = "reml"))) {
  cols <- sae_columns(rows, cfg$tr, matrix(1, nrow(rows), 1), cfg$method)
  for (q in c("sigma2_u", "p_bar", "deff_bar", "benchmark_ratio", "sae_estimate", "sae_mse",
              "sae_ci_low", "sae_ci_high", "sae_weight", "sae_variance", "sae_gvf"))
    g[[length(g) + 1]] <- data.frame(dataset = cfg$name, method = cfg$method, quantity = q,
      index = seq_along(cols[[q]]) - 1L,
      value = ifelse(is.na(cols[[q]]), "nan", fmt(cols[[q]])))
  cat(sprintf("%-20s %-4s sigma2_u %.6g, %d of %d counties with a GVF variance, benchmark %.6f\n",
              cfg$name, cfg$method, cols$sigma2_u, sum(cols$sae_gvf), nrow(rows),
              cols$benchmark_ratio))
}
write.csv(do.call(rbind, g), file.path(here, "fh_sample_goldens.csv"), row.names = FALSE,
          quote = FALSE)
