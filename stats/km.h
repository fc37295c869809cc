/* Kaplan-Meier estimate of the time to response from (time, event) pairs, with Greenwood's
 * variance, log-log confidence intervals and the median with its interval, as R's
 * survival::survfit(Surv(time, event) ~ 1, conf.type = "log-log") and print(fit) give them.
 * Times are compared exactly (R's survfit first merges times closer than about 1.5e-8 relative;
 * integer days never are). NaN stands where R gives NA. */
#ifndef SCHWANN_KM_H
#define SCHWANN_KM_H

#include "../util/arena.h"

/* One distinct time with at least one event or censoring. */
typedef struct km_step {
	double time;
	int n_risk;   /* subjects with time >= this time */
	int n_event;  /* responses at this time */
	int n_censor; /* censored at this time */
	double surv;  /* S(t) just after this time */
	/* The standard error of log S (survfit's std.err): sqrt of Greenwood's sum of
	 * d / (n (n - d)); 0 before the first event, +Inf once S is 0. */
	double std_err;
	/* The log-log interval: exp(-exp(log(-log S) -+ z std_err / log S)); NaN where S is 1
	 * or 0, as R's NA. */
	double lower, upper;
} km_step;

typedef struct km_curve {
	int n;        /* subjects */
	int n_events; /* responses */
	int n_steps;
	km_step *steps; /* n_steps, by time; from the caller's arena */
	/* The first time S is at or under 0.5, taking the midpoint up to the next drop when S is
	 * 0.5 (within 1.5e-8) on a flat stretch; the interval bounds are the same rule applied to
	 * the lower and upper curves, skipping their NaN. NaN when a curve never reaches 0.5. */
	double median, median_lower, median_upper;
} km_curve;

/* Estimates the curve of n subjects, time[i] >= 0 (days or any unit) and event[i] 1 (response)
 * or 0 (censored), at level (e.g. 0.95) into *out. The steps and a sorted copy of the input
 * (16 bytes a subject) are allocated from a; O(n log n). Returns 0, or -1 when n < 1, a time is
 * negative or not finite, an event is not 0 or 1, or level is outside (0, 1). */
int km_estimate(const double *time, const int *event, int n, double level, arena *a, km_curve *out)
    __attribute__((warn_unused_result));

#endif
