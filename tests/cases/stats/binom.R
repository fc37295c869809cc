# Reference values for stats/binom.c: R's binom.test exact (Clopper-Pearson) 95 % intervals.
# Remake with: Rscript tests/cases/stats/binom.R > tests/cases/stats/binom.json
# (Debian: apt-get install r-base-core). The unit test reads the JSON; it does not need R.
cases <- list(c(0, 1), c(1, 1), c(0, 10), c(10, 10), c(1, 10), c(3, 10), c(7, 20), c(9, 10),
              c(1400, 7000), c(5000, 10000), c(123456, 1000000), c(3, 1000000),
              c(12, 37), c(50, 100), c(1, 1000), c(333, 1000), c(999, 1000), c(5, 11),
              c(17, 23), c(2, 3))
out <- sapply(cases, function(k) {
  ci <- binom.test(k[1], k[2], conf.level = 0.95)$conf.int
  sprintf('    {"x": %d, "n": %d, "lo": %.15g, "hi": %.15g}', k[1], k[2], ci[1], ci[2])
})
cat('{\n  "source": "R', R.version$major, '.', R.version$minor, ' binom.test(x, n)$conf.int, conf.level 0.95",\n', sep = '')
cat('  "cases": [\n', paste(out, collapse = ',\n'), '\n  ]\n}\n', sep = '')
