/* The mean of a sample with its sample standard deviation and two-sided t confidence interval, as
 * R's mean, sd and t.test(x)$conf.int give them. */
#ifndef SCHWANN_MEAN_CI_H
#define SCHWANN_MEAN_CI_H

typedef struct mean_ci {
	int n;
	double mean; /* NaN when n is 0 */
	double sd;   /* sample SD (divisor n - 1); NaN when n < 2 */
	double lo;   /* mean -+ t(1 - alpha/2, n - 1) x sd / sqrt(n); NaN when n < 2 */
	double hi;
} mean_ci;

/* Fills *out from x[0..n) (finite values) at level (e.g. 0.95). Returns 0, or -1 when the interval
 * is undefined: n < 2 (the mean is still filled for n == 1) or level outside (0, 1). A sample of
 * equal values gives sd 0 and lo == hi == mean, where R's t.test stops with an error. */
int mean_t_ci(const double *x, int n, double level, mean_ci *out)
    __attribute__((warn_unused_result));

/* The same from n, the mean and the sum of squared deviations from it. */
int mean_t_ci_sums(int n, double mean, double ss, double level, mean_ci *out)
    __attribute__((warn_unused_result));

/* Welford's running mean and sum of squared deviations, for values seen one at a time. */
typedef struct mean_acc {
	int n;
	double mean, ss;
} mean_acc;
void mean_acc_add(mean_acc *acc, double x);

#endif
