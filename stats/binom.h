/* Exact (Clopper-Pearson) confidence interval of a binomial proportion, from the beta
 * distribution's quantiles (GSL), as R's binom.test gives it. */
#ifndef SCHWANN_BINOM_H
#define SCHWANN_BINOM_H

/* The two-sided interval at level (e.g. 0.95) for x successes in n trials (0 <= x <= n, n > 0)
 * into *lo and *hi; -1 when the arguments are impossible. */
int binom_exact_ci(int x, int n, double level, double *lo, double *hi);

#endif
