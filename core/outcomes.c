/* The outcome rules for one treated patient: day values, baseline, milestone values, due and
 * responder (see outcomes.h and docs/OUTCOMES.md). */
#include "outcomes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const int outcome_milestone_day[OUTCOME_MILESTONES] = {30, 91, 182, 365};
const int outcome_milestone_window[OUTCOME_MILESTONES] = {14, 21, 30, 45};

static int by_day(const void *a, const void *b)
{
	long x = ((const nrs_reading *)a)->day, y = ((const nrs_reading *)b)->day;
	return (x > y) - (x < y);
}

/* The readings as day values (the mean of each day's readings), in day order; returns how many.
 * days and values have room for n. */
static int day_values(const nrs_reading *readings, int n, long *days, double *values)
{
	nrs_reading *sorted = malloc(sizeof *sorted * (size_t)(n ? n : 1));
	if (!sorted)
		return 0;
	if (n)
		memcpy(sorted, readings, sizeof *sorted * (size_t)n);
	qsort(sorted, (size_t)n, sizeof *sorted, by_day);
	int k = 0;
	for (int i = 0; i < n;) {
		double sum = 0;
		int count = 0;
		long d = sorted[i].day;
		for (; i < n && sorted[i].day == d; i++, count++)
			sum += sorted[i].value;
		days[k] = d;
		values[k++] = sum / count;
	}
	free(sorted);
	return k;
}

static void baseline(const long *days, const double *values, int k, outcome_patient *out)
{
	double sum = 0;
	int count = 0, latest = -1;
	for (int i = 0; i < k; i++) {
		if (days[i] >= -14 && days[i] <= 0) {
			sum += values[i];
			count++;
		} else if (days[i] >= -30 && days[i] <= -15) {
			latest = i;
		}
	}
	if (count) {
		out->baseline_kind = BASELINE_MEAN;
		out->baseline = sum / count;
	} else if (latest >= 0) {
		out->baseline_kind = BASELINE_LATEST;
		out->baseline = values[latest];
	}
	if (out->baseline_kind != BASELINE_NONE && out->baseline == 0)
		out->baseline_kind = BASELINE_ZERO;
	out->evaluable =
	    out->baseline_kind == BASELINE_MEAN || out->baseline_kind == BASELINE_LATEST;
}

void outcome_evaluate(const nrs_reading *readings, int n, long today, outcome_patient *out)
{
	memset(out, 0, sizeof *out);
	long *days = malloc(sizeof *days * (size_t)(n ? n : 1));
	double *values = malloc(sizeof *values * (size_t)(n ? n : 1));
	int k = days && values ? day_values(readings, n, days, values) : 0;
	baseline(days, values, k, out);
	for (int m = 0; m < OUTCOME_MILESTONES; m++) {
		long at = outcome_milestone_day[m], w = outcome_milestone_window[m];
		out->due[m] = at + w < today;
		long best = -1;
		for (int i = 0; i < k; i++) {
			if (days[i] < at - w || days[i] > at + w)
				continue;
			/* Nearest to the milestone; on a tie the later day (days are in order). */
			if (best < 0 || labs(days[i] - at) <= labs(days[best] - at))
				best = i;
		}
		if (best >= 0) {
			out->has_value[m] = 1;
			out->value_day[m] = (int32_t)days[best];
			out->value[m] = values[best];
		}
	}
	for (int i = 0; i < k; i++) {
		if (days[i] <= 0)
			continue;
		out->last_day = (int32_t)days[i];
		if (out->n_lows && values[i] >= out->low_value[out->n_lows - 1])
			continue;
		if (out->n_lows == OUTCOME_LOWS) {
			out->lows_cut = 1;
			continue;
		}
		out->low_day[out->n_lows] = (int32_t)days[i];
		out->low_value[out->n_lows++] = values[i];
	}
	free(days);
	free(values);
}

int outcome_first_response(const outcome_patient *p, int threshold, long *day)
{
	if (!p->evaluable || p->last_day <= 0)
		return -1;
	double at = p->baseline * (1 - threshold / 100.0) + 1e-9; /* as outcome_responder */
	for (int i = 0; i < p->n_lows; i++)
		if (p->low_value[i] <= at) {
			*day = p->low_day[i];
			return 1;
		}
	*day = p->last_day;
	return 0;
}

int outcome_responder(const outcome_patient *p, int m, int threshold)
{
	if (m < 0 || m >= OUTCOME_MILESTONES || !p->evaluable || !p->has_value[m])
		return 0;
	/* At or under baseline x (1 - T/100), with a tolerance for the rounding of decimals. */
	return p->value[m] <= p->baseline * (1 - threshold / 100.0) + 1e-9;
}
