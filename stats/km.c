/* Kaplan-Meier: sort a copy of the subjects by time, then one pass over the distinct times with
 * the number still at risk. The interval and median rules follow survival 3.5's
 * survfit_confint (log-log) and survmean's minmin; see km.h. */
#include "km.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

typedef struct km_subject {
	double time;
	int event;
} km_subject;

static int by_time(const void *pa, const void *pb)
{
	const km_subject *a = pa, *b = pb;
	return (a->time > b->time) - (a->time < b->time);
}

/* survmean's minmin: the first time the curve (the double at offset field of each step) is
 * under 0.5 + tol, NaN skipped; when that value is 0.5 within tol and the curve later drops
 * below it, the midpoint between the two times. */
static double first_under_half(const km_step *steps, int n, size_t field)
{
	const double tol = sqrt(DBL_EPSILON);
#define AT(i) (*(const double *)((const char *)&steps[i] + field))
	int i = 0;
	while (i < n && !(AT(i) < 0.5 + tol)) /* NaN fails the test too */
		i++;
	if (i == n)
		return NAN;
	double y = AT(i);
	if (fabs(y - 0.5) < tol)
		for (int j = i + 1; j < n; j++)
			if (AT(j) < y)
				return (steps[i].time + steps[j].time) / 2;
	return steps[i].time;
#undef AT
}

int km_estimate(const double *time, const int *event, int n, double level, arena *a, km_curve *out)
{
	int rc = -1;
	out->n = n;
	out->n_events = out->n_steps = 0;
	out->steps = NULL;
	out->median = out->median_lower = out->median_upper = NAN;
	if (n < 1 || !(level > 0 && level < 1))
		goto out;
	for (int i = 0; i < n; i++)
		if (!isfinite(time[i]) || time[i] < 0 || (event[i] != 0 && event[i] != 1))
			goto out;
	km_subject *s = arena_alloc(a, sizeof *s * (size_t)n);
	for (int i = 0; i < n; i++) {
		s[i].time = time[i];
		s[i].event = event[i];
		out->n_events += event[i];
	}
	qsort(s, (size_t)n, sizeof *s, by_time);
	int distinct = 1;
	for (int i = 1; i < n; i++)
		distinct += s[i].time != s[i - 1].time;
	out->steps = arena_alloc(a, sizeof *out->steps * (size_t)distinct);

	double z = gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
	double surv = 1, greenwood = 0;
	int at_risk = n;
	for (int i = 0; i < n;) {
		km_step *st = &out->steps[out->n_steps++];
		st->time = s[i].time;
		st->n_risk = at_risk;
		st->n_event = st->n_censor = 0;
		for (; i < n && s[i].time == st->time; i++)
			if (s[i].event)
				st->n_event++;
			else
				st->n_censor++;
		int d = st->n_event;
		if (d > 0) {
			surv *= (double)(at_risk - d) / at_risk;
			greenwood +=
			    d == at_risk ? INFINITY : (double)d / ((double)at_risk * (at_risk - d));
		}
		st->surv = surv;
		st->std_err = sqrt(greenwood);
		if (surv > 0 && surv < 1) {
			double loglog = log(-log(surv)), w = z * st->std_err / log(surv);
			st->lower = exp(-exp(loglog - w));
			st->upper = exp(-exp(loglog + w));
		} else {
			st->lower = st->upper = NAN;
		}
		at_risk -= st->n_event + st->n_censor;
	}
	out->median = first_under_half(out->steps, out->n_steps, offsetof(km_step, surv));
	out->median_lower = first_under_half(out->steps, out->n_steps, offsetof(km_step, lower));
	out->median_upper = first_under_half(out->steps, out->n_steps, offsetof(km_step, upper));
	rc = 0;
out:
	return rc;
}
