/* Clopper-Pearson: the lower limit is the alpha/2 quantile of Beta(x, n - x + 1) (0 when x is 0),
 * the upper the 1 - alpha/2 quantile of Beta(x + 1, n - x) (1 when x is n). */
#include "binom.h"

#include <gsl/gsl_cdf.h>

int binom_exact_ci(int x, int n, double level, double *lo, double *hi)
{
	if (n <= 0 || x < 0 || x > n || !(level > 0 && level < 1))
		return -1;
	double alpha = 1 - level;
	*lo = x == 0 ? 0 : gsl_cdf_beta_Pinv(alpha / 2, x, n - x + 1);
	*hi = x == n ? 1 : gsl_cdf_beta_Pinv(1 - alpha / 2, x + 1, n - x);
	return 0;
}
