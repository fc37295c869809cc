/* The log-rank test of equal time-to-response curves between k groups, as R's
 * survival::survdiff(Surv(time, event) ~ group) gives it. Times are compared exactly (R first
 * merges times closer than about 1.5e-8 relative; integer days never are). */
#ifndef SCHWANN_LOGRANK_H
#define SCHWANN_LOGRANK_H

#include "../util/arena.h"

#define LOGRANK_MAX_GROUPS 256

typedef struct logrank_result {
	int k;             /* groups asked for */
	double *observed;  /* k: responses in each group; from the caller's arena */
	double *expected;  /* k: expected responses under equal curves; 0 for an empty group */
	int groups_tested; /* groups with expected > 0 (R leaves the others out) */
	int df;            /* groups_tested - 1 */
	double chisq; /* (O - E)' V^-1 (O - E) over the tested groups but the first; NaN if none */
	double p;     /* upper tail of chi-square with df; NaN if no test */
} logrank_result;

/* Tests n subjects, time[i] >= 0, event[i] 1 (response) or 0 (censored), group[i] in 0..k-1,
 * 2 <= k <= LOGRANK_MAX_GROUPS (a group may have no subjects), into *out; scratch and the arrays
 * come from a; O(n log n + distinct times x k^2). Returns 0, or -1 when an argument is out of
 * range or no test is possible: fewer than two groups with expected > 0 (R then gives chisq 0
 * and p 1 for df 0, or p NaN), or a singular variance matrix, e.g. everyone at risk responding
 * at the one response time (R's solve() stops). observed and expected are filled whenever the
 * arguments are valid. */
int logrank_test(const double *time, const int *event, const int *group, int n, int k, arena *a,
                 logrank_result *out) __attribute__((warn_unused_result));

#endif
