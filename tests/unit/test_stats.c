/* Unit tests for the statistics in stats/ (mean_ci.c, km.c, logrank.c) against reference values
 * made by R (the JSON files in tests/cases/stats/, remade by the R scripts beside them), and their
 * edge cases. Agreement is to 1e-9, relative for values above 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stats/km.h"
#include "stats/logrank.h"
#include "stats/mean_ci.h"
#include "util/arena.h"

#define TOL 1e-9
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* R's NA is stored as null and Inf as "Inf". */
static double num(const json_t *v)
{
	if (json_is_null(v))
		return NAN;
	if (json_is_string(v) && strcmp(json_string_value(v), "Inf") == 0)
		return INFINITY;
	assert_true(json_is_number(v));
	return json_number_value(v);
}

static double field(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	assert_non_null(v);
	return num(v);
}

/* The largest difference seen, relative above 1, for the report at the end of each test. */
static double worst;

static void expect_close(double got, double want, const char *what, const char *name, int i)
{
	if (isnan(want) || isinf(want)) {
		if (isnan(want) ? isnan(got) : got == want)
			return;
	} else if (isfinite(got)) {
		double err = fabs(got - want) / fmax(1, fabs(want));
		if (err > worst)
			worst = err;
		if (err <= TOL)
			return;
	}
	fail_msg("%s, %s [%d]: %.15g, R says %.15g", name, what, i, got, want);
}

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	if (!doc)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	return doc;
}

/* The array at key as doubles / ints, from the arena. */
static double *doubles(arena *a, const json_t *obj, const char *key, int *n)
{
	const json_t *arr = json_object_get(obj, key);
	assert_true(json_is_array(arr));
	*n = (int)json_array_size(arr);
	double *x = arena_alloc(a, sizeof *x * (size_t)(*n ? *n : 1));
	for (int i = 0; i < *n; i++)
		x[i] = num(json_array_get(arr, (size_t)i));
	return x;
}

static int *ints(arena *a, const json_t *obj, const char *key, int *n)
{
	double *x = doubles(a, obj, key, n);
	int *v = arena_alloc(a, sizeof *v * (size_t)(*n ? *n : 1));
	for (int i = 0; i < *n; i++)
		v[i] = (int)x[i];
	return v;
}

static void mean_ci_matches_r(void **state)
{
	(void)state;
	json_t *doc = load("tests/cases/stats/mean_ci.json");
	arena a;
	arena_init(&a);
	worst = 0;
	size_t i;
	json_t *c;
	int checked = 0;
	json_array_foreach(json_object_get(doc, "cases"), i, c)
	{
		const char *name = json_string_value(json_object_get(c, "name"));
		int n;
		double *x = doubles(&a, c, "x", &n);
		mean_ci ci;
		assert_int_equal(mean_t_ci(x, n, 0.95, &ci), 0);
		assert_int_equal(ci.n, n);
		expect_close(ci.mean, field(c, "mean"), "mean", name, 0);
		expect_close(ci.sd, field(c, "sd"), "sd", name, 0);
		expect_close(ci.lo, field(c, "lo"), "lo", name, 0);
		expect_close(ci.hi, field(c, "hi"), "hi", name, 0);
		/* The same from Welford's running sums, as the reports compute it. */
		mean_acc acc = {0};
		for (int k = 0; k < n; k++)
			mean_acc_add(&acc, x[k]);
		assert_int_equal(mean_t_ci_sums(acc.n, acc.mean, acc.ss, 0.95, &ci), 0);
		expect_close(ci.mean, field(c, "mean"), "running mean", name, 0);
		expect_close(ci.sd, field(c, "sd"), "running sd", name, 0);
		expect_close(ci.lo, field(c, "lo"), "running lo", name, 0);
		expect_close(ci.hi, field(c, "hi"), "running hi", name, 0);
		checked++;
	}
	print_message("mean_ci: %d cases, largest difference %.3g\n", checked, worst);
	assert_true(checked >= 5);
	arena_free(&a);
	json_decref(doc);
}

static void mean_ci_edges(void **state)
{
	(void)state;
	mean_ci ci;
	double one = 7.5;
	assert_int_equal(mean_t_ci(&one, 1, 0.95, &ci), -1); /* the mean is still there */
	assert_true(ci.n == 1 && ci.mean == 7.5 && isnan(ci.sd) && isnan(ci.lo) && isnan(ci.hi));
	assert_int_equal(mean_t_ci(NULL, 0, 0.95, &ci), -1);
	assert_true(isnan(ci.mean));
	double same[] = {4, 4, 4};
	assert_int_equal(mean_t_ci(same, N(same), 0.95, &ci), 0);
	assert_true(ci.sd == 0 && ci.lo == 4 && ci.hi == 4);
	double two[] = {3, 5};
	assert_int_equal(mean_t_ci(two, N(two), 1, &ci), -1);
	assert_true(ci.mean == 4);
}

static void km_matches_r(void **state)
{
	(void)state;
	json_t *doc = load("tests/cases/stats/survival.json");
	arena a;
	arena_init(&a);
	worst = 0;
	size_t i;
	json_t *c;
	int cases = 0, steps = 0, medians = 0;
	json_array_foreach(json_object_get(doc, "km"), i, c)
	{
		const char *name = json_string_value(json_object_get(c, "name"));
		int n, ne;
		double *time = doubles(&a, c, "time", &n);
		int *event = ints(&a, c, "event", &ne);
		assert_int_equal(n, ne);
		km_curve km;
		assert_int_equal(km_estimate(time, event, n, 0.95, &a, &km), 0);
		const json_t *want = json_object_get(c, "steps");
		if (km.n_steps != (int)json_array_size(want))
			fail_msg("%s: %d steps, R has %zu", name, km.n_steps,
			         json_array_size(want));
		int events = 0;
		for (int s = 0; s < km.n_steps; s++) {
			const km_step *st = &km.steps[s];
			const json_t *w = json_array_get(want, (size_t)s);
			expect_close(st->time, field(w, "time"), "time", name, s);
			expect_close(st->n_risk, field(w, "n_risk"), "n_risk", name, s);
			expect_close(st->n_event, field(w, "n_event"), "n_event", name, s);
			expect_close(st->n_censor, field(w, "n_censor"), "n_censor", name, s);
			expect_close(st->surv, field(w, "surv"), "surv", name, s);
			expect_close(st->std_err, field(w, "std_err"), "std_err", name, s);
			expect_close(st->lower, field(w, "lower"), "lower", name, s);
			expect_close(st->upper, field(w, "upper"), "upper", name, s);
			events += st->n_event;
			steps++;
		}
		assert_int_equal(km.n, n);
		assert_int_equal(km.n_events, events);
		expect_close(km.median, field(c, "median"), "median", name, 0);
		expect_close(km.median_lower, field(c, "median_lower"), "median_lower", name, 0);
		expect_close(km.median_upper, field(c, "median_upper"), "median_upper", name, 0);
		medians += !isnan(km.median);
		cases++;
	}
	print_message("km: %d curves, %d steps, largest difference %.3g\n", cases, steps, worst);
	assert_true(cases >= 10 && steps >= 100 && medians >= 5);
	arena_free(&a);
	json_decref(doc);
}

static void km_edges(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	km_curve km;
	double t[] = {3, 1, 2, 2};
	int e[] = {1, 1, 0, 1};
	assert_int_equal(km_estimate(t, e, 0, 0.95, &a, &km), -1);
	assert_int_equal(km_estimate(t, e, N(t), 0, &a, &km), -1);
	int bad_event[] = {1, 2, 0, 1};
	assert_int_equal(km_estimate(t, bad_event, N(t), 0.95, &a, &km), -1);
	double negative[] = {3, -1, 2, 2}, nan_time[] = {3, NAN, 2, 2};
	assert_int_equal(km_estimate(negative, e, N(t), 0.95, &a, &km), -1);
	assert_int_equal(km_estimate(nan_time, e, N(t), 0.95, &a, &km), -1);
	assert_int_equal(km.n_steps, 0);
	assert_null(km.steps);
	/* Unsorted input: 1 (event), 2 (event and censoring), 3 (event). */
	assert_int_equal(km_estimate(t, e, N(t), 0.95, &a, &km), 0);
	assert_int_equal(km.n_steps, 3);
	assert_true(km.steps[1].time == 2 && km.steps[1].n_risk == 3 && km.steps[1].n_event == 1 &&
	            km.steps[1].n_censor == 1);
	assert_true(fabs(km.steps[1].surv - 0.5) < 1e-15);
	assert_true(km.steps[2].surv == 0 && isinf(km.steps[2].std_err));
	assert_true(isnan(km.steps[2].lower) && isnan(km.steps[2].upper));
	assert_true(km.median == 2.5); /* 0.5 at 2, the next drop at 3 */
	arena_free(&a);
}

static void logrank_matches_r(void **state)
{
	(void)state;
	json_t *doc = load("tests/cases/stats/survival.json");
	arena a;
	arena_init(&a);
	worst = 0;
	size_t i;
	json_t *c;
	int cases = 0, three_or_more = 0;
	json_array_foreach(json_object_get(doc, "logrank"), i, c)
	{
		const char *name = json_string_value(json_object_get(c, "name"));
		int n, ne, ng, k = (int)json_integer_value(json_object_get(c, "k"));
		double *time = doubles(&a, c, "time", &n);
		int *event = ints(&a, c, "event", &ne);
		int *group = ints(&a, c, "group", &ng);
		assert_true(n == ne && n == ng);
		logrank_result lr;
		assert_int_equal(logrank_test(time, event, group, n, k, &a, &lr), 0);
		assert_int_equal(lr.k, k);
		int nobs, nexp;
		double *observed = doubles(&a, c, "observed", &nobs);
		double *expected = doubles(&a, c, "expected", &nexp);
		assert_true(nobs == k && nexp == k);
		for (int j = 0; j < k; j++) {
			expect_close(lr.observed[j], observed[j], "observed", name, j);
			expect_close(lr.expected[j], expected[j], "expected", name, j);
		}
		assert_int_equal(lr.df, (int)json_integer_value(json_object_get(c, "df")));
		assert_int_equal(lr.groups_tested, lr.df + 1);
		expect_close(lr.chisq, field(c, "chisq"), "chisq", name, 0);
		expect_close(lr.p, field(c, "p"), "p", name, 0);
		three_or_more += lr.df >= 2;
		cases++;
	}
	print_message("logrank: %d tests, largest difference %.3g\n", cases, worst);
	assert_true(cases >= 6 && three_or_more >= 2);
	arena_free(&a);
	json_decref(doc);
}

static void logrank_edges(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	logrank_result lr;
	double t[] = {1, 2, 3, 4};
	int e[] = {1, 1, 0, 1}, g[] = {0, 1, 0, 1};
	assert_int_equal(logrank_test(t, e, g, N(t), 1, &a, &lr), -1);
	assert_int_equal(logrank_test(t, e, g, 0, 2, &a, &lr), -1);
	int out_of_range[] = {0, 2, 0, 1};
	assert_int_equal(logrank_test(t, e, out_of_range, N(t), 2, &a, &lr), -1);
	assert_null(lr.observed);
	/* Group 1 leaves before the first response: only group 0 is tested, df 0, no test. */
	double late[] = {5, 6, 1, 2};
	int g_late[] = {0, 0, 1, 1}, e_late[] = {1, 1, 0, 0};
	assert_int_equal(logrank_test(late, e_late, g_late, N(late), 2, &a, &lr), -1);
	assert_int_equal(lr.df, 0);
	assert_true(lr.observed[0] == 2 && lr.expected[1] == 0 && isnan(lr.chisq) && isnan(lr.p));
	/* Everyone at risk responds at the one response time: the variance is 0. */
	double once[] = {5, 5};
	int e_once[] = {1, 1}, g_once[] = {0, 1};
	assert_int_equal(logrank_test(once, e_once, g_once, N(once), 2, &a, &lr), -1);
	assert_int_equal(lr.df, 1);
	assert_true(isnan(lr.chisq));
	/* Two groups: one response each, the second later. */
	assert_int_equal(logrank_test(t, e, g, N(t), 2, &a, &lr), 0);
	assert_true(lr.observed[0] == 1 && lr.observed[1] == 2 && lr.df == 1);
	assert_true(lr.chisq > 0 && lr.p > 0 && lr.p < 1);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(mean_ci_matches_r), cmocka_unit_test(mean_ci_edges),
	    cmocka_unit_test(km_matches_r),      cmocka_unit_test(km_edges),
	    cmocka_unit_test(logrank_matches_r), cmocka_unit_test(logrank_edges),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
