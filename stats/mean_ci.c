/* Two passes, as R does: the mean (with R's correction term, summed in long double), then the sum
 * of squared deviations from it; the t quantile from GSL. For data seen once, Welford's running
 * mean and sum of squares feed the same interval. */
#include "mean_ci.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

int mean_t_ci(const double *x, int n, double level, mean_ci *out)
{
	int rc = -1;
	out->n = n;
	out->mean = out->sd = out->lo = out->hi = NAN;
	if (n < 1)
		goto out;
	long double sum = 0;
	for (int i = 0; i < n; i++)
		sum += x[i];
	long double mean = sum / n, correction = 0;
	for (int i = 0; i < n; i++)
		correction += x[i] - mean;
	mean += correction / n;
	out->mean = (double)mean;
	if (n < 2 || !(level > 0 && level < 1))
		goto out;
	double ss = 0;
	for (int i = 0; i < n; i++)
		ss += (x[i] - out->mean) * (x[i] - out->mean);
	rc = mean_t_ci_sums(n, out->mean, ss, level, out);
out:
	return rc;
}

int mean_t_ci_sums(int n, double mean, double ss, double level, mean_ci *out)
{
	out->n = n;
	out->mean = n >= 1 ? mean : NAN;
	out->sd = out->lo = out->hi = NAN;
	if (n < 2 || !(level > 0 && level < 1))
		return -1;
	out->sd = sqrt(ss / (n - 1));
	double half = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, n - 1) * out->sd / sqrt(n);
	out->lo = mean - half;
	out->hi = mean + half;
	return 0;
}

void mean_acc_add(mean_acc *acc, double x)
{
	acc->n++;
	double d = x - acc->mean;
	acc->mean += d / acc->n;
	acc->ss += d * (x - acc->mean);
}
