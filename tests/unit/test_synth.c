/* Unit tests for the synthetic registry (core/synth.c, core/synth_records.c): the same seed gives
 * the same patients; over a few thousand patients the response falls with chronicity and varies
 * with biologic and etiology as the model says, the comparator improves modestly, and the dates
 * fall where the outcome reports need them; every generated record passes the API's own
 * validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/consent.h"
#include "core/outcomes.h"
#include "core/synth.h"

#define PATIENTS 6000

static const civil_date today = {2026, 6, 15};
static synth_patient *all;

static int setup(void **state)
{
	(void)state;
	all = calloc(PATIENTS, sizeof *all);
	for (long i = 0; i < PATIENTS && all; i++)
		synth_generate(42, i, today, &all[i]);
	return all ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(all);
	return 0;
}

static void same_seed_same_patients(void **state)
{
	(void)state;
	synth_patient *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	int differ = 0;
	for (long i = 0; i < 50; i++) {
		synth_generate(42, i, today, a);
		assert_memory_equal(a, &all[i], sizeof *a);
		synth_generate(43, i, today, b);
		differ += memcmp(a, b, sizeof *a) != 0;
	}
	assert_int_equal(differ, 50);
	free(a);
	free(b);
}

/* The share of due, evaluable treated patients whose NRS fell by 30 % at day 91 (observed),
 * among those chosen by keep. */
static double responder_rate(int (*keep)(const synth_patient *), int *n)
{
	int yes = 0;
	*n = 0;
	for (int i = 0; i < PATIENTS; i++) {
		const synth_patient *p = &all[i];
		if (!keep(p))
			continue;
		nrs_reading r[SYNTH_MAX_READINGS];
		int k = 0;
		for (int j = 0; j < p->n_readings; j++)
			if (!p->readings[j].voided)
				r[k++] = (nrs_reading){p->readings[j].day, p->readings[j].nrs};
		outcome_patient o;
		outcome_evaluate(r, k, p->today, &o);
		if (!o.due[1] || !o.evaluable || !o.has_value[1])
			continue;
		(*n)++;
		yes += outcome_responder(&o, 1, 30);
	}
	return *n ? (double)yes / *n : 0;
}

static int recent(const synth_patient *p)
{
	return p->biologic != SYNTH_NONE && p->chronic_months < 12;
}
static int middling(const synth_patient *p)
{
	return p->biologic != SYNTH_NONE && p->chronic_months >= 12 && p->chronic_months < 60;
}
static int long_standing(const synth_patient *p)
{
	return p->biologic != SYNTH_NONE && p->chronic_months >= 60;
}
static int comparator(const synth_patient *p)
{
	return p->biologic == SYNTH_NONE;
}
static int prp(const synth_patient *p)
{
	return p->biologic == SYNTH_PRP;
}
static int bmac(const synth_patient *p)
{
	return p->biologic == SYNTH_BMAC;
}
static int treated(const synth_patient *p)
{
	return p->biologic != SYNTH_NONE;
}

static void response_falls_with_chronicity(void **state)
{
	(void)state;
	int n1, n2, n3, nc, np, nb, nt;
	double r1 = responder_rate(recent, &n1), r2 = responder_rate(middling, &n2),
	       r3 = responder_rate(long_standing, &n3), rc = responder_rate(comparator, &nc),
	       rp = responder_rate(prp, &np), rb = responder_rate(bmac, &nb),
	       rt = responder_rate(treated, &nt);
	print_message("day-91 responders: recent %.2f (%d), 1-5 y %.2f (%d), >5 y %.2f (%d); "
	              "prp %.2f, bmac %.2f; treated %.2f, comparator %.2f (%d)\n",
	              r1, n1, r2, n2, r3, n3, rp, rb, rt, rc, nc);
	assert_true(n1 > 300 && n2 > 300 && n3 > 300 && nc > 300);
	assert_true(r1 > r2 + 0.05 && r2 > r3 + 0.05);
	assert_true(rb > rp);
	assert_true(rt > rc + 0.15);
	assert_true(rc > 0.05 && rc < 0.30); /* modest natural improvement */
	/* The model's own probability falls with chronicity at a fixed biologic and etiology. */
	synth_patient p = all[0];
	p.biologic = SYNTH_PRP;
	p.etiology = "diabetic";
	double last = 1;
	for (double m = 3; m <= 180; m *= 2) {
		p.chronic_months = m;
		double logit = 0.60 - 0.75 * log(1 + m / 12) + 0.25 * p.dose_z;
		assert_true(1 / (1 + exp(-logit)) < last);
		last = 1 / (1 + exp(-logit));
	}
}

static void shape_of_the_registry(void **state)
{
	(void)state;
	int n_treated = 0, readings = 0, due365 = 0, not_due91 = 0, unknown = 0, voided = 0,
	    dropouts = 0, over5y = 0, recent_n = 0;
	for (int i = 0; i < PATIENTS; i++) {
		const synth_patient *p = &all[i];
		long age_days = date_days(today) - date_days(p->birth);
		assert_true(age_days >= 30 * 365 && age_days <= 86 * 365);
		assert_true(date_days(p->onset) <= date_days(p->day0));
		assert_true(date_days(p->onset) > date_days(p->birth));
		assert_true(p->today >= 7 && p->today <= 1095);
		for (int j = 0; j < p->n_readings; j++) {
			const synth_reading *r = &p->readings[j];
			assert_true(r->nrs >= 0 && r->nrs <= 10);
			assert_true(r->day <= p->today && r->day <= p->followed_to);
			voided += r->voided;
		}
		for (int j = 0; j < p->n_events; j++)
			assert_true(p->events[j].day <= p->today);
		readings += p->n_readings;
		unknown += p->onset_recorded == 0;
		dropouts += p->dropout_day != LONG_MAX;
		over5y += p->chronic_months > 60;
		recent_n += p->chronic_months < 12;
		if (p->biologic == SYNTH_NONE)
			continue;
		n_treated++;
		assert_true(p->n_sessions >= 1 && p->sessions[0].day == 0);
		assert_true(date_days(p->plan_start) < date_days(p->day0));
		due365 += p->today > 365 + 45;
		not_due91 += p->today <= 91 + 21;
	}
	double mean = (double)readings / PATIENTS;
	print_message("treated %d of %d, %.1f readings each, %d voided, unknown onset %d, "
	              "recent %d, over 5 years %d, drop-outs %d\n",
	              n_treated, PATIENTS, mean, voided, unknown, recent_n, over5y, dropouts);
	assert_true(n_treated > PATIENTS * 0.70 && n_treated < PATIENTS * 0.80);
	assert_true(mean > 17 && mean < 24);
	assert_true(due365 > n_treated / 2 && not_due91 > 0 && not_due91 < n_treated / 5);
	assert_true(unknown > 0 && voided > 0 && over5y > PATIENTS / 4 && recent_n > PATIENTS / 8);
}

/* Keeps the members of out that are input fields of k (their JSON names). */
static json_t *as_input(const rec_kind *k, json_t *out)
{
	json_t *body = json_object();
	for (const rec_field *f = k->fields; f->name; f++) {
		json_t *v = json_object_get(out, f->name);
		if ((f->flags & RF_INPUT) && v && !json_is_null(v))
			json_object_set(body, f->name, v);
	}
	return body;
}

/* A generated record as the API would have received it. */
static json_t *request_of(const synth_record *r, const rec_ctx *cx)
{
	if (r->k == &rk_assessment) {
		const assessment *x = r->rec;
		return json_pack("{s:s, s:s, s:o}", "instrument", x->instrument_id, "performed_at",
		                 x->performed_at, "answers", json_loads(x->answers, 0, NULL));
	}
	if (r->k == &rk_observation) {
		const observation *o = r->rec;
		return json_pack("{s:s, s:s, s:f, s:s}", "kind", o->kind, "performed_on",
		                 o->performed_on, "value", o->value, "unit", o->unit);
	}
	json_t *out = rec_to_json(r->k, r->rec, cx);
	json_t *body = as_input(r->k, out);
	json_decref(out);
	if (r->k == &rk_consent) /* "version" is the document's; the record's own is meta */
		json_object_set_new(body, "version",
		                    json_string(((const consent *)r->rec)->document_version));
	return body;
}

static const char *counter_id(arena *a)
{
	static long n;
	return arena_printf(a, "00000000-0000-7000-8000-%012ld", ++n);
}

static void records_pass_the_api_rules(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	instrument_set set = {0};
	treatment_set tx = {0};
	synth_catalogue *cat = calloc(1, sizeof *cat);
	char err[256];
	assert_int_equal(cli_load_instruments(&a, NULL, &set), 0);
	assert_int_equal(cli_load_treatment(&a, NULL, &set, &tx), 0);
	assert_int_equal(synth_catalogue_init(&a, &set, &tx, today, cat, err, sizeof err), 0);
	synth_record recs[SYNTH_MAX_RECORDS];
	int checked = 0, kinds_seen = 0;
	const rec_kind *seen[16];
	for (int i = 0; i < 400; i++) {
		arena r;
		arena_init(&r);
		patient p;
		int n = synth_records(&r, cat, &all[i], 42, counter_id, "2026-06-15T12:00:00Z", &p,
		                      recs, SYNTH_MAX_RECORDS);
		assert_true(n > 0 && n < SYNTH_MAX_RECORDS);
		assert_int_equal(p.synthetic, 1);
		assert_non_null(strstr(p.mrn, "SYN-42-"));
		rec_ctx cx = {.a = &r,
		              .birth_date = p.birth_date,
		              .sex = p.sex_at_birth,
		              .today = today,
		              .now = "2026-06-15T12:00:00Z",
		              .instruments = &set,
		              .treatment = &tx,
		              .chronic_months = 12};
		for (int j = 0; j < n; j++) {
			json_t *body = request_of(&recs[j], &cx);
			void *back = arena_zalloc(&r, recs[j].k->size);
			vctx v;
			vctx_init(&v, &r);
			if (rec_from_json(&v, recs[j].k, body, back, 0, &cx))
				fail_msg("patient %d, %s: %s: %s (%s)", i, recs[j].k->name,
				         v.items[0].path, v.items[0].message,
				         json_dumps(body, JSON_COMPACT));
			json_decref(body);
			checked++;
			int known = 0;
			for (int s = 0; s < kinds_seen; s++)
				known |= seen[s] == recs[j].k;
			if (!known && kinds_seen < 16)
				seen[kinds_seen++] = recs[j].k;
		}
		arena_free(&r);
	}
	print_message("%d records of %d kinds read back through the API's rules\n", checked,
	              kinds_seen);
	assert_int_equal(kinds_seen, 8);
	free(cat);
	cli_release_treatment(&tx);
	cli_release_instruments(&set);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(same_seed_same_patients),
	    cmocka_unit_test(response_falls_with_chronicity),
	    cmocka_unit_test(shape_of_the_registry),
	    cmocka_unit_test(records_pass_the_api_rules),
	};
	return cmocka_run_group_tests_name("synth", tests, setup, teardown);
}
