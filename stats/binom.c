/* Clopper-Pearson: the lower limit is the alpha/2 quantile of Beta(x, n - x + 1) (0 when x is 0),
 * the upper the 1 - alpha/2 quantile of Beta(x + 1, n - x) (1 when x is n). GSL's quantile
 * search fails to converge for some large counts (1,400 of 7,000, say); its default error
 * handler would then abort the server, so the handler is switched off (once, for the process:
 * every function in stats/ checks GSL's results itself) and the quantile is found by bisection
 * on the distribution function instead. */
#include "binom.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>

static pthread_once_t quiet = PTHREAD_ONCE_INIT;

static void handler_off(void)
{
	gsl_set_error_handler_off();
}

/* The p quantile of Beta(a, b). */
static double beta_quantile(double p, double a, double b)
{
	double x = gsl_cdf_beta_Pinv(p, a, b);
	if (isfinite(x) && x >= 0 && x <= 1)
		return x;
	double lo = 0, hi = 1;
	for (int i = 0; i < 200 && hi - lo > 1e-15; i++) {
		double mid = (lo + hi) / 2;
		if (gsl_cdf_beta_P(mid, a, b) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

int binom_exact_ci(int x, int n, double level, double *lo, double *hi)
{
	pthread_once(&quiet, handler_off);
	if (n <= 0 || x < 0 || x > n || !(level > 0 && level < 1))
		return -1;
	double alpha = 1 - level;
	*lo = x == 0 ? 0 : beta_quantile(alpha / 2, x, n - x + 1);
	*hi = x == n ? 1 : beta_quantile(1 - alpha / 2, x + 1, n - x);
	return 0;
}
