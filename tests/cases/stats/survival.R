# Reference values for stats/km.c and stats/logrank.c: R's survival package, Kaplan-Meier with
# log-log 95 % intervals and the median with its interval (survfit, summary(fit)$table), and the
# log-rank test between groups (survdiff).
# Remake with: Rscript tests/cases/stats/survival.R > tests/cases/stats/survival.json
# (Debian: apt-get install r-base-core r-cran-survival). The unit test reads the JSON; it does not
# need R. NA is written as null, Inf as "Inf".
suppressPackageStartupMessages(library(survival))

num <- function(x) ifelse(is.na(x), "null", ifelse(is.infinite(x), '"Inf"', sprintf("%.15g", x)))
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")

km_case <- function(name, time, event) {
  f <- survfit(Surv(time, event) ~ 1, conf.type = "log-log")
  tab <- summary(f)$table
  steps <- sprintf(paste0('        {"time": %s, "n_risk": %d, "n_event": %d, "n_censor": %d, ',
                          '"surv": %s, "std_err": %s, "lower": %s, "upper": %s}'),
                   num(f$time), as.integer(f$n.risk), as.integer(f$n.event),
                   as.integer(f$n.censor), num(f$surv), num(f$std.err), num(f$lower),
                   num(f$upper))
  paste0('    {"name": "', name, '",\n',
         '      "time": ', vec(time), ',\n',
         '      "event": ', vec(event), ',\n',
         '      "median": ', num(tab[["median"]]), ', "median_lower": ', num(tab[["0.95LCL"]]),
         ', "median_upper": ', num(tab[["0.95UCL"]]), ',\n',
         '      "steps": [\n', paste(steps, collapse = ",\n"), '\n      ]}')
}

# group holds 0 .. k - 1; a value of k that no subject has is an empty group, which R never sees
# (the factor has only the levels present), so observed and expected are 0 for it here.
logrank_case <- function(name, time, event, group, k) {
  d <- survdiff(Surv(time, event) ~ factor(group))
  present <- sort(unique(group))
  obs <- numeric(k); obs[present + 1] <- d$obs
  expd <- numeric(k); expd[present + 1] <- d$exp
  df <- sum(d$exp > 0) - 1
  paste0('    {"name": "', name, '", "k": ', k, ',\n',
         '      "time": ', vec(time), ',\n',
         '      "event": ', vec(event), ',\n',
         '      "group": ', vec(group), ',\n',
         '      "observed": ', vec(obs), ',\n',
         '      "expected": ', vec(expd), ',\n',
         '      "chisq": ', num(d$chisq), ', "df": ', df, ', "p": ', num(d$pvalue), '}')
}

set.seed(20261128)
n <- 200
t_resp <- ceiling(rexp(n, 1 / 150))
t_cens <- ceiling(runif(n, 20, 400))
r_time <- pmin(t_resp, t_cens)
r_event <- as.integer(t_resp <= t_cens)
r_group2 <- sample(0:1, n, replace = TRUE)
r_group3 <- sample(0:2, n, replace = TRUE)
# group 1 responds later, so the three-group test has something to find
r_time3 <- ifelse(r_group3 == 1, pmin(2 * t_resp, t_cens), r_time)
r_event3 <- ifelse(r_group3 == 1, as.integer(2 * t_resp <= t_cens), r_event)

km <- c(
  # events and censorings tied at days 2, 3 and 6; the last subject responds, so S reaches 0
  km_case("ties", c(1, 2, 2, 3, 3, 3, 5, 6, 6, 8), c(0, 1, 0, 1, 1, 0, 1, 0, 1, 1)),
  km_case("all_censored", c(2, 4, 6), c(0, 0, 0)),
  km_case("no_censoring", c(3, 5, 5, 8, 10, 12, 12, 15), c(1, 1, 1, 1, 1, 1, 1, 1)),
  km_case("never_half", c(1, 3, 4, 6, 7, 9, 10, 12), c(1, 0, 0, 1, 0, 0, 0, 0)),
  # S is exactly 0.5 from day 3 (a censoring on day 4 on the flat), next drop on day 5: median 4
  km_case("half_then_drop", c(1, 2, 3, 4, 5, 6), c(1, 1, 1, 0, 1, 1)),
  # S is 0.5 from day 2 to the end: median 2
  km_case("half_to_end", c(1, 2, 3, 4), c(1, 1, 0, 0)),
  km_case("one_subject", c(5), c(1)),
  km_case("all_at_once", c(4, 4, 4), c(1, 1, 1)),
  km_case("fractional_times", c(0, 0.5, 1.25, 1.25, 2.75, 3.1, 4, 4, 7.5, 9.25),
          c(1, 0, 1, 1, 0, 1, 1, 0, 1, 0)),
  km_case("aml", aml$time, aml$status),
  km_case("random200", r_time, r_event)
)

ig <- as.integer(aml$x == "Nonmaintained")
logrank <- c(
  logrank_case("two_groups_ties", c(1, 2, 2, 3, 3, 3, 5, 6, 6, 8, 2, 3, 4, 4, 7, 9),
               c(0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0),
               c(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1), 2),
  logrank_case("aml", aml$time, aml$status, ig, 2),
  logrank_case("three_groups", c(1, 3, 4, 6, 8, 2, 2, 5, 9, 11, 3, 7, 12, 14, 15, 15),
               c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1),
               c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2), 3),
  # group 2 is censored before the first response: expected 0, left out, df 1
  logrank_case("group_without_risk", c(2, 3, 3, 5, 8, 4, 6, 6, 9, 1, 1),
               c(1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0),
               c(0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2), 3),
  # group 1 has no subject: four groups asked for, three tested
  logrank_case("empty_group", c(1, 3, 4, 6, 8, 2, 2, 5, 9, 11, 3, 7, 12, 14, 15, 15),
               c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1),
               c(0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3), 4),
  logrank_case("random200_two", r_time, r_event, r_group2, 2),
  logrank_case("random200_three", r_time3, r_event3, r_group3, 3)
)

cat('{\n  "source": "R ', R.version$major, '.', R.version$minor, ', survival ',
    as.character(packageVersion("survival")),
    ': survfit(Surv(time, event) ~ 1, conf.type = \\"log-log\\") with summary(fit)$table; ',
    'survdiff(Surv(time, event) ~ factor(group))",\n', sep = '')
cat('  "km": [\n', paste(km, collapse = ",\n"), '\n  ],\n', sep = '')
cat('  "logrank": [\n', paste(logrank, collapse = ",\n"), '\n  ]\n}\n', sep = '')
