# Reference values for stats/mean_ci.c: mean, sample SD and the two-sided 95 % t interval of a
# mean, as R's mean, sd and t.test(x)$conf.int give them.
# Remake with: Rscript tests/cases/stats/mean_ci.R > tests/cases/stats/mean_ci.json
# (Debian: apt-get install r-base-core). The unit test reads the JSON; it does not need R.
num <- function(x) sprintf("%.15g", x)
set.seed(20261128)
cases <- list(
  two = c(3, 5),
  nrs_drops = c(4, 2.5, 6, 3, 5, 1, 0, 3.5, 4, 2),
  negative = c(-1.5, 0.25, -3, 2, -0.75, 1),
  large_offset = c(1e6 + 0.1, 1e6 + 0.2, 1e6 + 0.4, 1e6 + 0.3),
  small_spread = c(7.000001, 7.000002, 7.000004),
  normal50 = round(rnorm(50, 5, 2), 3),
  skewed500 = round(rexp(500, 1 / 30), 2)
)
out <- mapply(function(name, x) {
  ci <- t.test(x)$conf.int
  sprintf('    {"name": "%s", "x": [%s], "mean": %s, "sd": %s, "lo": %s, "hi": %s}', name,
          paste(num(x), collapse = ", "), num(mean(x)), num(sd(x)), num(ci[1]), num(ci[2]))
}, names(cases), cases)
cat('{\n  "source": "R ', R.version$major, '.', R.version$minor,
    ' mean(x), sd(x), t.test(x)$conf.int, conf.level 0.95",\n', sep = '')
cat('  "cases": [\n', paste(out, collapse = ',\n'), '\n  ]\n}\n', sep = '')
