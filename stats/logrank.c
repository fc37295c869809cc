/* Log-rank: sort a copy of the subjects by time and walk the distinct times with the number at
 * risk in each group, accumulating observed and expected responses and the hypergeometric
 * variance matrix as survdiff's C code does. The statistic drops the first tested group (its row
 * is minus the sum of the others) and solves with GSL's LU decomposition. */
#include "logrank.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct lr_subject {
	double time;
	int event;
	int group;
} lr_subject;

static int by_time(const void *pa, const void *pb)
{
	const lr_subject *a = pa, *b = pb;
	return (a->time > b->time) - (a->time < b->time);
}

/* Adds one response time's terms: d responses among at_risk subjects, risk[j] of them in group
 * j; var is k x k, row-major. */
static void add_time(double *expected, double *var, const int *risk, int k, int d, int at_risk)
{
	double n = at_risk;
	for (int j = 0; j < k; j++)
		expected[j] += d * risk[j] / n;
	if (at_risk == 1)
		return;
	for (int j = 0; j < k; j++) {
		if (!risk[j])
			continue;
		double t = d * risk[j] * (n - d) / (n * (n - 1));
		var[j * k + j] += t;
		for (int l = 0; l < k; l++)
			var[j * k + l] -= t * risk[l] / n;
	}
}

int logrank_test(const double *time, const int *event, const int *group, int n, int k, arena *a,
                 logrank_result *out)
{
	int rc = -1;
	memset(out, 0, sizeof *out);
	out->k = k;
	out->chisq = out->p = NAN;
	if (n < 1 || k < 2 || k > LOGRANK_MAX_GROUPS)
		goto out;
	for (int i = 0; i < n; i++)
		if (!isfinite(time[i]) || time[i] < 0 || (event[i] != 0 && event[i] != 1) ||
		    group[i] < 0 || group[i] >= k)
			goto out;

	lr_subject *s = arena_alloc(a, sizeof *s * (size_t)n);
	int *risk = arena_zalloc(a, sizeof *risk * (size_t)k);
	double *var = arena_zalloc(a, sizeof *var * (size_t)k * (size_t)k);
	out->observed = arena_zalloc(a, sizeof *out->observed * (size_t)k);
	out->expected = arena_zalloc(a, sizeof *out->expected * (size_t)k);
	for (int i = 0; i < n; i++) {
		s[i] = (lr_subject){time[i], event[i], group[i]};
		risk[group[i]]++;
	}
	qsort(s, (size_t)n, sizeof *s, by_time);
	int at_risk = n;
	for (int i = 0; i < n;) {
		int d = 0, first = i;
		for (; i < n && s[i].time == s[first].time; i++) {
			d += s[i].event;
			out->observed[s[i].group] += s[i].event;
		}
		if (d > 0)
			add_time(out->expected, var, risk, k, d, at_risk);
		for (int j = first; j < i; j++)
			risk[s[j].group]--;
		at_risk -= i - first;
	}

	/* The tested groups, in order; the first is dropped from the quadratic form. */
	int *tested = risk; /* all zero again: reuse */
	for (int j = 0; j < k; j++)
		if (out->expected[j] > 0)
			tested[out->groups_tested++] = j;
	out->df = out->groups_tested - 1;
	if (out->groups_tested < 2)
		goto out;
	int m = out->df;
	double *v = arena_alloc(a, sizeof *v * (size_t)m * (size_t)m);
	double *diff = arena_alloc(a, sizeof *diff * (size_t)m);
	double *sol = arena_alloc(a, sizeof *sol * (size_t)m);
	size_t *perm_data = arena_alloc(a, sizeof *perm_data * (size_t)m);
	double scale = 0;
	for (int r = 0; r < m; r++) {
		int gr = tested[r + 1];
		diff[r] = out->observed[gr] - out->expected[gr];
		for (int c = 0; c < m; c++)
			v[r * m + c] = var[gr * k + tested[c + 1]];
		scale = fmax(scale, fabs(v[r * m + r]));
	}
	gsl_matrix_view vm = gsl_matrix_view_array(v, (size_t)m, (size_t)m);
	gsl_vector_view dv = gsl_vector_view_array(diff, (size_t)m);
	gsl_vector_view sv = gsl_vector_view_array(sol, (size_t)m);
	gsl_permutation perm = {(size_t)m, perm_data};
	int signum;
	if (gsl_linalg_LU_decomp(&vm.matrix, &perm, &signum))
		goto out;
	/* R's solve() refuses a matrix this close to singular; GSL would call its error handler. */
	for (int r = 0; r < m; r++)
		if (!(fabs(v[r * m + r]) > 1e-12 * scale))
			goto out;
	if (gsl_linalg_LU_solve(&vm.matrix, &perm, &dv.vector, &sv.vector))
		goto out;
	double chisq = 0;
	for (int r = 0; r < m; r++)
		chisq += sol[r] * diff[r];
	out->chisq = chisq;
	out->p = gsl_cdf_chisq_Q(chisq, m);
	rc = 0;
out:
	return rc;
}
