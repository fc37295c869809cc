/* Unit tests for the outcome rules (core/outcomes.c) on small hand-built patients with known
 * answers, and for the statistics (stats/) against reference values made by R
 * (tests/cases/stats/, remade by the R scripts beside them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "core/outcome_report.h"
#include "core/outcomes.h"
#include "stats/binom.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void binomial_interval_matches_r(void **state)
{
	(void)state;
	json_error_t err;
	json_t *doc = json_load_file("tests/cases/stats/binom.json", 0, &err);
	assert_non_null(doc);
	size_t i;
	json_t *c;
	int checked = 0;
	json_array_foreach(json_object_get(doc, "cases"), i, c)
	{
		int x = (int)json_integer_value(json_object_get(c, "x"));
		int n = (int)json_integer_value(json_object_get(c, "n"));
		double lo, hi;
		assert_int_equal(binom_exact_ci(x, n, 0.95, &lo, &hi), 0);
		double want_lo = json_number_value(json_object_get(c, "lo"));
		double want_hi = json_number_value(json_object_get(c, "hi"));
		if (fabs(lo - want_lo) > 1e-9 || fabs(hi - want_hi) > 1e-9)
			fail_msg("%d/%d: [%.12g, %.12g], R says [%.12g, %.12g]", x, n, lo, hi,
			         want_lo, want_hi);
		checked++;
	}
	json_decref(doc);
	assert_true(checked >= 10);
	double lo, hi;
	assert_int_equal(binom_exact_ci(3, 2, 0.95, &lo, &hi), -1);
	assert_int_equal(binom_exact_ci(0, 0, 0.95, &lo, &hi), -1);
}

static void baseline_rules(void **state)
{
	(void)state;
	outcome_patient p;
	/* Day values from -14 to 0 (day 0 counts as before the injection): their mean; two
	 * readings on one day are one day value. */
	nrs_reading mean[] = {{-20, 9}, {-10, 6}, {-10, 8}, {0, 5}, {3, 1}};
	outcome_evaluate(mean, N(mean), 400, &p);
	assert_int_equal(p.baseline_kind, BASELINE_MEAN);
	assert_true(fabs(p.baseline - 6) < 1e-12); /* (7 + 5) / 2, not (6 + 8 + 5) / 3 */
	assert_true(p.evaluable);
	/* None then: the latest day value from -30 to -15. */
	nrs_reading latest[] = {{-31, 2}, {-29, 8}, {-15, 7}, {1, 1}};
	outcome_evaluate(latest, N(latest), 400, &p);
	assert_int_equal(p.baseline_kind, BASELINE_LATEST);
	assert_true(p.baseline == 7);
	/* Nothing from -30 to 0: not evaluable; a baseline of 0: not evaluable either. */
	nrs_reading none[] = {{-31, 8}, {30, 2}};
	outcome_evaluate(none, N(none), 400, &p);
	assert_int_equal(p.baseline_kind, BASELINE_NONE);
	assert_false(p.evaluable);
	assert_false(outcome_responder(&p, 0, 30));
	nrs_reading zero[] = {{-3, 0}, {30, 0}};
	outcome_evaluate(zero, N(zero), 400, &p);
	assert_int_equal(p.baseline_kind, BASELINE_ZERO);
	assert_false(p.evaluable);
	outcome_evaluate(NULL, 0, 400, &p);
	assert_false(p.evaluable);
}

static void milestone_rules(void **state)
{
	(void)state;
	outcome_patient p;
	/* Day 30 +- 14: 16 and 44 are inside, 15 and 45 outside. Nearest wins; on a tie the
	 * later day. */
	nrs_reading edge[] = {{0, 10}, {15, 1}, {16, 4}, {45, 1}};
	outcome_evaluate(edge, N(edge), 400, &p);
	assert_true(p.has_value[0]);
	assert_int_equal(p.value_day[0], 16);
	nrs_reading tie[] = {{0, 10}, {28, 6}, {32, 5}};
	outcome_evaluate(tie, N(tie), 400, &p);
	assert_int_equal(p.value_day[0], 32);
	assert_true(p.value[0] == 5);
	nrs_reading near[] = {{0, 10}, {25, 2}, {31, 7}};
	outcome_evaluate(near, N(near), 400, &p);
	assert_int_equal(p.value_day[0], 31);
	/* Missing: nothing inside day 91 +- 21. */
	assert_false(p.has_value[1]);
	/* Due once the window has closed before today: day 30's window ends on day 44. */
	outcome_evaluate(near, N(near), 44, &p);
	assert_false(p.due[0]);
	outcome_evaluate(near, N(near), 45, &p);
	assert_true(p.due[0]);
	assert_false(p.due[1]);
	outcome_evaluate(near, N(near), 411, &p);
	assert_true(p.due[3]); /* 365 + 45 = 410 */
}

static void responder_rules(void **state)
{
	(void)state;
	outcome_patient p;
	/* Baseline 8: 30 % is at or under 5.6, 50 % at or under 4. */
	nrs_reading r[] = {{-5, 8}, {30, 5.6}, {91, 4}, {182, 4.1}};
	outcome_evaluate(r, N(r), 400, &p);
	assert_true(outcome_responder(&p, 0, 30));
	assert_false(outcome_responder(&p, 0, 50));
	assert_true(outcome_responder(&p, 1, 50)); /* exactly half */
	assert_false(outcome_responder(&p, 2, 50));
	assert_true(outcome_responder(&p, 2, 30));
	assert_false(outcome_responder(&p, 3, 30)); /* no value at a year */
	assert_false(outcome_responder(&p, 9, 30));
}

/* The strata at day 0 2026-01-15 of a subject with these details. */
static outcome_profile profile_of(const outcome_scheme *s, const char *onset, const char *birth,
                                  double hba1c, int treated)
{
	outcome_subject sub = {.treated = treated,
	                       .day0 = "2026-01-15",
	                       .biologic = treated ? "prp" : NULL,
	                       .etiology = "diabetic",
	                       .onset = onset,
	                       .birth_date = birth,
	                       .sex = "male",
	                       .has_hba1c = hba1c > 0,
	                       .hba1c = hba1c};
	outcome_profile p;
	assert_int_equal(outcome_profile_make(s, &sub, &p), 0);
	return p;
}

static const char *value(const outcome_scheme *s, const outcome_profile *p, int v)
{
	return s->values[v][p->var[v]];
}

static void strata_bands(void **state)
{
	(void)state;
	const char *bio[] = {"prp", "bmac"};
	outcome_scheme s;
	outcome_scheme_init(&s, bio, 2, 12);
	/* Duration at day 0: under 12 months, 12 to 60 months, over 60; chronic from 12. */
	outcome_profile p = profile_of(&s, "2025-01-16", "1976-01-15", 6.9, 1);
	assert_string_equal(value(&s, &p, OV_DURATION), "under_1y");
	assert_string_equal(value(&s, &p, OV_CHRONICITY), "recent");
	assert_string_equal(value(&s, &p, OV_AGE), "50_to_64"); /* 50 on day 0 */
	assert_string_equal(value(&s, &p, OV_HBA1C), "under_7");
	p = profile_of(&s, "2025-01-15", "1976-01-16", 7.0, 1);
	assert_string_equal(value(&s, &p, OV_DURATION), "1_to_5y");
	assert_string_equal(value(&s, &p, OV_CHRONICITY), "chronic");
	assert_string_equal(value(&s, &p, OV_AGE), "under_50"); /* 50 the next day */
	assert_string_equal(value(&s, &p, OV_HBA1C), "7_to_8.9");
	p = profile_of(&s, "2021-01-15", "1961-01-15", 9.0, 1);
	assert_string_equal(value(&s, &p, OV_DURATION), "1_to_5y"); /* exactly 60 months */
	assert_string_equal(value(&s, &p, OV_AGE), "65_plus");
	assert_string_equal(value(&s, &p, OV_HBA1C), "9_plus");
	p = profile_of(&s, "2020-12", NULL, 0, 0);
	assert_string_equal(value(&s, &p, OV_DURATION), "over_5y");
	assert_string_equal(value(&s, &p, OV_AGE), "unknown");
	assert_string_equal(value(&s, &p, OV_HBA1C), "none");
	assert_string_equal(value(&s, &p, OV_BIOLOGIC), "none");
	assert_string_equal(value(&s, &p, OV_GROUP), "comparator");
	assert_string_equal(s.values[OV_INJECTIONS][p.injections_by[0]], "none");
	p = profile_of(&s, NULL, "1960-01-01", 0, 1);
	assert_string_equal(value(&s, &p, OV_DURATION), "unknown");
	assert_string_equal(value(&s, &p, OV_CHRONICITY), "unknown");
}

static void tallies_by_two(void **state)
{
	(void)state;
	const char *bio[] = {"prp", "bmac"};
	outcome_scheme s;
	outcome_scheme_init(&s, bio, 2, 12);
	outcome_profile p[4] = {
	    profile_of(&s, "2020-01-01", "1950-01-01", 0, 1), /* chronic, 65+ */
	    profile_of(&s, "2025-12-01", "1950-01-01", 0, 1), /* recent, 65+ */
	    profile_of(&s, "2025-12-01", "1990-01-01", 0, 1), /* recent, under 50 */
	    profile_of(&s, "2025-12-01", "1990-01-01", 0, 0), /* the comparator */
	};
	outcome_query q;
	outcome_query_init(&q, p[0].day0 + 400);
	q.by[0] = OV_AGE;
	q.by[1] = OV_CHRONICITY;
	arena a;
	arena_init(&a);
	outcome_tally *rows;
	int n;
	assert_int_equal(outcome_responders(&s, p, 4, &q, &a, &rows, &n), 0);
	/* The treated only; cells in the scheme's order, empty ones left out. */
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].patients, 3);
	assert_int_equal(rows[0].due, 3);
	assert_int_equal(rows[0].not_evaluable, 3); /* no readings at all */
	int want[3][2] = {{0, 0}, {2, 0}, {2, 1}};  /* under_50 recent, 65+ recent, 65+ chronic */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rows[1 + i].value[0], want[i][0]);
		assert_int_equal(rows[1 + i].value[1], want[i][1]);
		assert_int_equal(rows[1 + i].patients, 1);
	}
	/* By group: the comparator too; a filter on two values of a variable. */
	q.by[0] = OV_GROUP;
	q.by[1] = -1;
	q.filter[OV_AGE] = 1u << 0 | 1u << 2;
	assert_int_equal(outcome_responders(&s, p, 4, &q, &a, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].patients, 4);
	assert_int_equal(rows[0].treated, 3);
	assert_int_equal(rows[2].value[0], 1);
	assert_int_equal(rows[2].patients, 1);
	q.filter[OV_AGE] = 1u << 1; /* 50 to 64: nobody */
	assert_int_equal(outcome_responders(&s, p, 4, &q, &a, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].patients, 0);
	/* Not due until the window has closed. */
	outcome_query_init(&q, p[0].day0 + 91 + 21);
	assert_int_equal(outcome_responders(&s, p, 4, &q, &a, &rows, &n), 0);
	assert_int_equal(rows[0].due, 0);
	outcome_query_init(&q, p[0].day0 + 91 + 22);
	assert_int_equal(outcome_responders(&s, p, 4, &q, &a, &rows, &n), 0);
	assert_int_equal(rows[0].due, 3);
	arena_free(&a);
}

static void time_to_response(void **state)
{
	(void)state;
	outcome_patient p;
	long day;
	/* Baseline 8; new lows after day 0: 7 on day 5, 6 on day 9, 5 on day 20 (the 6 on day 30 is
	 * not a new low); the last reading on day 40. */
	nrs_reading r[] = {{-1, 8}, {5, 7}, {9, 6}, {12, 7}, {20, 5}, {30, 6}, {40, 6}};
	outcome_evaluate(r, N(r), 400, &p);
	assert_int_equal(p.n_lows, 3);
	assert_int_equal(outcome_first_response(&p, 30, &day), 1);
	assert_int_equal(day, 20); /* 5 <= 5.6; 6 is not */
	assert_int_equal(outcome_first_response(&p, 25, &day), 1);
	assert_int_equal(day, 9); /* 6 <= 6 exactly */
	assert_int_equal(outcome_first_response(&p, 10, &day), 1);
	assert_int_equal(day, 5);
	assert_int_equal(outcome_first_response(&p, 50, &day), 0);
	assert_int_equal(day, 40); /* censored at the last reading */
	/* Day 0 belongs to the baseline, not the course. */
	nrs_reading none[] = {{-1, 8}, {0, 2}};
	outcome_evaluate(none, N(none), 400, &p);
	assert_int_equal(outcome_first_response(&p, 30, &day), -1);
	/* Not evaluable: out of the curve. */
	nrs_reading nobase[] = {{10, 2}};
	outcome_evaluate(nobase, N(nobase), 400, &p);
	assert_int_equal(outcome_first_response(&p, 30, &day), -1);
	/* More new lows than kept: the cut is flagged. */
	nrs_reading many[12];
	many[0] = (nrs_reading){-1, 10};
	for (int i = 1; i < 12; i++)
		many[i] = (nrs_reading){i, 10 - 0.5 * i};
	outcome_evaluate(many, N(many), 400, &p);
	assert_int_equal(p.n_lows, OUTCOME_LOWS);
	assert_true(p.lows_cut);
}

static void scores_at_milestones(void **state)
{
	(void)state;
	const char *bio[] = {"prp"};
	outcome_scheme s;
	outcome_scheme_init(&s, bio, 1, 12);
	nrs_reading dn4[] = {{-100, 9}, {-60, 7}, {-20, 6}, {25, 4}, {40, 2}, {91, 1}, {91, 3}};
	outcome_subject sub = {.treated = 1, .day0 = "2026-01-15", .biologic = "prp"};
	sub.scores[0] = dn4;
	sub.n_scores[0] = N(dn4);
	nrs_reading pf[] = {{-3, 40}, {180, 65}}; /* RAND-36 physical functioning */
	sub.scores[OUTCOME_TOTALS] = pf;
	sub.n_scores[OUTCOME_TOTALS] = N(pf);
	outcome_profile p;
	assert_int_equal(outcome_profile_make(&s, &sub, &p), 0);
	assert_true(p.score_base[OUTCOME_TOTALS] == 40);
	assert_true(p.score_at[OUTCOME_TOTALS][2] == 65);
	assert_string_equal(outcome_score_names[OUTCOME_TOTALS], "rand36_physical_functioning");
	assert_true(p.score_base[0] == 6);  /* the latest from day -90 to day 0 */
	assert_true(p.score_at[0][0] == 4); /* day 25 is nearer 30 than day 40 */
	assert_true(p.score_at[0][1] == 2); /* two on day 91: their mean */
	assert_true(isnan(p.score_at[0][2]));
	assert_true(isnan(p.score_base[1]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(binomial_interval_matches_r),
	    cmocka_unit_test(baseline_rules),
	    cmocka_unit_test(milestone_rules),
	    cmocka_unit_test(responder_rules),
	    cmocka_unit_test(strata_bands),
	    cmocka_unit_test(tallies_by_two),
	    cmocka_unit_test(time_to_response),
	    cmocka_unit_test(scores_at_milestones),
	};
	return cmocka_run_group_tests_name("outcomes", tests, NULL, NULL);
}
