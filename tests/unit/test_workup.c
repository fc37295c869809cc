/* Unit tests for the work-up rules: test results (units, impossible values, monofilament,
 * abnormal flags, skin-biopsy norms by age and sex), diary entries and medicines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "core/diary.h"
#include "core/observation.h"

static const civil_date today = {2026, 11, 25};

typedef struct ctx {
	arena a;
	vctx v;
} ctx;

static int read_obs(ctx *c, const char *text, const char *birth, const char *sex, observation *o)
{
	json_t *body = json_loads(text, 0, NULL);
	assert_non_null(body);
	memset(o, 0, sizeof(*o));
	vctx_init(&c->v, &c->a);
	int n = observation_from_json(&c->v, body, birth, sex, today, o);
	json_decref(body);
	return n;
}

static int has(const vctx *v, const char *path)
{
	for (int i = 0; i < v->n; i++)
		if (strcmp(v->items[i].path, path) == 0)
			return 1;
	return 0;
}

static void units_convert(void **state)
{
	(void)state;
	ctx c;
	arena_init(&c.a);
	observation o;
	/* HbA1c 48 mmol/mol is 6.5 % (NGSP = 0.09148 x IFCC + 2.152). */
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"hba1c\",\"performed_on\":\"2026-01-01\","
	                          "\"value\":48,\"unit\":\"mmol/mol\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_true(fabs(o.value - 6.543) < 0.001);
	assert_string_equal(o.unit, "%");
	assert_int_equal(o.abnormal, 1);
	/* B12 148 pmol/L = 200.5 pg/mL: just normal; 147 pmol/L = 199.2: low. */
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"vitamin_b12\",\"performed_on\":\"2026-01-01\","
	                          "\"value\":148,\"unit\":\"pmol/L\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_int_equal(o.abnormal, 0);
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"vitamin_b12\",\"performed_on\":\"2026-01-01\","
	                          "\"value\":147,\"unit\":\"pmol/L\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_int_equal(o.abnormal, 1);
	/* Glucose 7.0 mmol/L = 126.1 mg/dL: diabetic range. */
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"fasting_glucose\",\"performed_on\":\"2026-01-01\","
	                          "\"value\":7.0,\"unit\":\"mmol/L\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_true(fabs(o.value - 126.112) < 0.001);
	assert_int_equal(o.abnormal, 1);
	/* CMAP in uV becomes mV. */
	assert_int_equal(
	    read_obs(&c,
	             "{\"kind\":\"peroneal_cmap_amplitude\",\"performed_on\":"
	             "\"2026-01-01\",\"side\":\"left\",\"value\":1500,\"unit\":\"uV\"}",
	             NULL, NULL, &o),
	    0);
	assert_true(fabs(o.value - 1.5) < 1e-9);
	assert_int_equal(o.abnormal, 1); /* below 2 mV */
	/* A unit that does not convert is refused. */
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"tsh\",\"performed_on\":\"2026-01-01\","
	                          "\"value\":2,\"unit\":\"mg/dL\"}",
	                          NULL, NULL, &o),
	                 1);
	assert_true(has(&c.v, "unit"));
	arena_free(&c.a);
}

static void impossible_values(void **state)
{
	(void)state;
	ctx c;
	arena_init(&c.a);
	observation o;
	assert_true(read_obs(&c,
	                     "{\"kind\":\"vibration_threshold\",\"performed_on\":\"2026-01-01\","
	                     "\"side\":\"right\",\"value\":-1,\"unit\":\"V\"}",
	                     NULL, NULL, &o) > 0);
	assert_true(has(&c.v, "value"));
	assert_true(read_obs(&c,
	                     "{\"kind\":\"sural_conduction_velocity\",\"performed_on\":"
	                     "\"2026-01-01\",\"side\":\"left\",\"value\":250,\"unit\":\"m/s\"}",
	                     NULL, NULL, &o) > 0);
	assert_true(has(&c.v, "value"));
	/* Missing side on a sided test, a side on an unsided one, a future date, an unknown kind.
	 */
	assert_true(read_obs(&c,
	                     "{\"kind\":\"vibration_threshold\",\"performed_on\":\"2026-01-01\","
	                     "\"value\":20,\"unit\":\"V\"}",
	                     NULL, NULL, &o) > 0);
	assert_true(has(&c.v, "side"));
	assert_true(read_obs(&c,
	                     "{\"kind\":\"tsh\",\"performed_on\":\"2026-12-01\",\"side\":"
	                     "\"left\",\"value\":2,\"unit\":\"mIU/L\"}",
	                     NULL, NULL, &o) >= 2);
	assert_true(has(&c.v, "side"));
	assert_true(has(&c.v, "performed_on"));
	assert_true(read_obs(&c, "{\"kind\":\"x-ray\",\"performed_on\":\"2026-01-01\"}", NULL, NULL,
	                     &o) > 0);
	assert_true(has(&c.v, "kind"));
	/* Before birth. */
	assert_true(read_obs(&c,
	                     "{\"kind\":\"tsh\",\"performed_on\":\"1950-01-01\",\"value\":2,"
	                     "\"unit\":\"mIU/L\"}",
	                     "1960-01-01", "male", &o) > 0);
	assert_true(has(&c.v, "performed_on"));
	arena_free(&c.a);
}

static void vpt_and_fork(void **state)
{
	(void)state;
	ctx c;
	arena_init(&c.a);
	observation o;
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"vibration_threshold\",\"performed_on\":"
	                          "\"2026-01-01\",\"side\":\"left\",\"value\":25,\"unit\":\"V\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_int_equal(o.abnormal, 0); /* > 25 V is the rule: 25 itself is not above it */
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"vibration_threshold\",\"performed_on\":"
	                          "\"2026-01-01\",\"side\":\"left\",\"value\":25.5,\"unit\":\"V\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_int_equal(o.abnormal, 1);
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"tuning_fork\",\"performed_on\":\"2026-01-01\","
	                          "\"side\":\"right\",\"value\":\"present\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_int_equal(o.abnormal, 0);
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"tuning_fork\",\"performed_on\":\"2026-01-01\","
	                          "\"side\":\"right\",\"value\":\"decreased\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_int_equal(o.abnormal, 1);
	/* Tibial conduction has no rule in facts.md: no flag either way. */
	assert_int_equal(read_obs(&c,
	                          "{\"kind\":\"tibial_cmap_amplitude\",\"performed_on\":"
	                          "\"2026-01-01\",\"side\":\"left\",\"value\":0.5,\"unit\":\"mV\"}",
	                          NULL, NULL, &o),
	                 0);
	assert_int_equal(o.abnormal, -1);
	arena_free(&c.a);
}

static void monofilament_two_of_three(void **state)
{
	(void)state;
	ctx c;
	arena_init(&c.a);
	observation o;
	static const char *const cases[][2] = {
	    {"[true,true,true]", "present"},   {"[true,true,false]", "present"},
	    {"[true,false,true]", "present"},  {"[false,true,true]", "present"},
	    {"[true,false,false]", "absent"},  {"[false,false,true]", "absent"},
	    {"[false,false,false]", "absent"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *text =
		    arena_printf(&c.a,
		                 "{\"kind\":\"monofilament\",\"performed_on\":\"2026-01-01\","
		                 "\"side\":\"left\",\"site\":\"metatarsal_5\",\"responses\":%s}",
		                 cases[i][0]);
		assert_int_equal(read_obs(&c, text, NULL, NULL, &o), 0);
		assert_string_equal(o.value_text, cases[i][1]);
		assert_int_equal(o.abnormal, strcmp(cases[i][1], "absent") == 0);
	}
	assert_true(read_obs(&c,
	                     "{\"kind\":\"monofilament\",\"performed_on\":\"2026-01-01\","
	                     "\"side\":\"left\",\"site\":\"heel\",\"responses\":[true,true]}",
	                     NULL, NULL, &o) >= 2);
	assert_true(has(&c.v, "site"));
	assert_true(has(&c.v, "responses"));
	arena_free(&c.a);
}

static void ienfd_by_age_and_sex(void **state)
{
	(void)state;
	ctx c;
	arena_init(&c.a);
	observation o;
	const char *text = "{\"kind\":\"ienfd\",\"performed_on\":\"2026-01-01\",\"value\":5.3,"
	                   "\"unit\":\"fibers/mm\"}";
	/* 30 years old: men 5.5, women 6.1; 50: men 5.1, women 5.2; 70: men 1.9, women 3.1. */
	assert_int_equal(read_obs(&c, text, "1996-01-01", "male", &o), 0);
	assert_int_equal(o.abnormal, 1);
	assert_int_equal(read_obs(&c, text, "1976-01-01", "male", &o), 0);
	assert_int_equal(o.abnormal, 0);
	assert_int_equal(read_obs(&c, text, "1976-01-01", "female", &o), 0);
	assert_int_equal(o.abnormal, 0);
	assert_int_equal(read_obs(&c, text, "1996-01-01", "female", &o), 0);
	assert_int_equal(o.abnormal, 1);
	/* No norm for an unknown sex: no flag. */
	assert_int_equal(read_obs(&c, text, "1996-01-01", "unknown", &o), 0);
	assert_int_equal(o.abnormal, -1);
	arena_free(&c.a);
}

/* Reads body as a new (or, with partial, changed) record of kind k for a patient born on birth. */
static int read_rec(vctx *v, const rec_kind *k, json_t *body, int partial, const char *birth,
                    void *rec)
{
	rec_ctx cx = {.a = v->a, .birth_date = birth, .today = today};
	return rec_from_json(v, k, body, rec, partial, &cx);
}
#define diary_from_json(v, body, birth, today, d) read_rec(v, &rk_diary, body, 0, birth, d)
#define medication_from_json(v, body, partial, birth, today, m)                                    \
	read_rec(v, &rk_medication, body, partial, birth, m)

static void diary_and_medicines(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	vctx v;
	vctx_init(&v, &a);
	diary_entry d;
	memset(&d, 0, sizeof d);
	json_t *ok = json_loads("{\"entry_date\":\"2026-11-24\",\"nrs\":7}", 0, NULL);
	assert_int_equal(diary_from_json(&v, ok, "1950-01-01", today, &d), 0);
	assert_int_equal(d.nrs, 7);
	json_t *bad = json_loads("{\"entry_date\":\"2026-11-26\",\"nrs\":11}", 0, NULL);
	assert_int_equal(diary_from_json(&v, bad, "1950-01-01", today, &d), 2);
	json_t *half = json_loads("{\"entry_date\":\"2026-11-20\",\"nrs\":6.5}", 0, NULL);
	vctx_init(&v, &a);
	assert_int_equal(diary_from_json(&v, half, NULL, today, &d), 1);
	assert_string_equal(v.items[0].path, "nrs");

	medication m;
	memset(&m, 0, sizeof m);
	json_t *med = json_loads("{\"drug\":\"apixaban\",\"dose_value\":5,\"dose_unit\":\"mg\","
	                         "\"start_date\":\"2025-01-01\",\"stop_date\":\"2027-01-01\"}",
	                         0, NULL);
	vctx_init(&v, &a);
	assert_int_equal(medication_from_json(&v, med, 0, "1950-01-01", today, &m), 0);
	assert_string_equal(m.drug_class, "anticoagulant");
	medication w;
	memset(&w, 0, sizeof w);
	json_t *wrong = json_loads("{\"drug\":\"aspirin\",\"dose_value\":75,\"start_date\":"
	                           "\"2025-02-01\",\"stop_date\":\"2025-01-01\"}",
	                           0, NULL);
	vctx_init(&v, &a);
	medication_from_json(&v, wrong, 0, NULL, today, &w);
	assert_true(has(&v, "dose_unit"));
	assert_true(has(&v, "stop_date"));
	json_t *unknown = json_loads("{\"drug\":\"snake oil\"}", 0, NULL);
	memset(&w, 0, sizeof w);
	vctx_init(&v, &a);
	assert_int_equal(medication_from_json(&v, unknown, 0, NULL, today, &w), 1);
	/* entered_in_error needs a reason (PATCH). */
	json_t *err = json_loads("{\"status\":\"entered_in_error\"}", 0, NULL);
	vctx_init(&v, &a);
	assert_int_equal(medication_from_json(&v, err, 1, NULL, today, &m), 1);
	assert_string_equal(v.items[0].path, "void_reason");
	json_decref(ok);
	json_decref(bad);
	json_decref(half);
	json_decref(med);
	json_decref(wrong);
	json_decref(unknown);
	json_decref(err);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(units_convert),        cmocka_unit_test(impossible_values),
	    cmocka_unit_test(vpt_and_fork),         cmocka_unit_test(monofilament_two_of_three),
	    cmocka_unit_test(ienfd_by_age_and_sex), cmocka_unit_test(diary_and_medicines),
	};
	return cmocka_run_group_tests_name("workup", tests, NULL, NULL);
}
