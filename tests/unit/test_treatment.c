/* Unit tests for the treatment data and plans: the shipped biologics and protocols load and check
 * out, broken protocol files are refused with the field named, a protocol's steps are scheduled
 * from the start date (follow-ups from the first injection), the date arithmetic under it, the
 * plan and step status moves, and the demo clinic's treatment generator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/consent.h"
#include "core/demo_treatment.h"
#include "core/plan.h"
#include "core/treatment.h"
#include "util/embedded.h"

static treatment_set shipped;
static arena ar;

static int setup(void **state)
{
	(void)state;
	arena_init(&ar);
	vctx v;
	vctx_init(&v, &ar);
	shipped.protocols = arena_zalloc(&ar, sizeof(protocol *) * 8);
	shipped.documents = arena_zalloc(&ar, sizeof(consent_doc *) * 8);
	for (const embedded_file *f = treatment_files; f->path; f++)
		if (strcmp(f->path, "biologics.json") == 0) {
			json_t *doc = json_loads((const char *)f->data, 0, NULL);
			if (biologics_parse(&ar, doc, &shipped, &v))
				return -1;
			json_decref(doc);
		}
	for (const embedded_file *f = treatment_files; f->path; f++) {
		if (strcmp(f->path, "biologics.json") == 0 ||
		    strncmp(f->path, "candidacy/", 10) == 0 ||
		    strcmp(f->path, "appointment-types.json") == 0)
			continue; /* the candidacy rules: test_candidacy.c; types: test_slots.c */
		json_t *doc = json_loads((const char *)f->data, 0, NULL);
		if (strncmp(f->path, "consent/", 8) == 0) {
			consent_doc *d;
			if (consent_doc_parse(&ar, doc, &shipped, &d, &v))
				return -1;
			json_decref(doc);
			shipped.documents[shipped.n_documents++] = d;
			continue;
		}
		protocol *p;
		if (protocol_parse(&ar, doc, &shipped, NULL, &p, &v))
			return -1;
		json_decref(doc);
		shipped.protocols[shipped.n_protocols++] = p;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < shipped.n_protocols; i++)
		protocol_release(shipped.protocols[i]);
	for (int i = 0; i < shipped.n_documents; i++)
		consent_doc_release(shipped.documents[i]);
	arena_free(&ar);
	return 0;
}

static void shipped_data_loads(void **state)
{
	(void)state;
	assert_int_equal(shipped.n_biologics, 3);
	assert_int_equal(shipped.n_protocols, 3);
	assert_true(biologic_find(&shipped, "adipose_svf")->investigational);
	assert_false(biologic_find(&shipped, "prp")->investigational);
	assert_false(biologic_find(&shipped, "bmac")->confirmed);
	const protocol *prp = protocol_find(&shipped, "prp-series");
	assert_non_null(prp);
	assert_string_equal(prp->biologic, "prp");
	assert_int_equal(prp->n_steps, 14);
	assert_null(protocol_find(&shipped, "nope"));
}

/* Parses text as a protocol against the shipped biologics; returns the errors' paths joined. */
static const char *errors_of(const char *text)
{
	json_t *doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	vctx v;
	vctx_init(&v, &ar);
	protocol *p = NULL;
	int rc = protocol_parse(&ar, doc, &shipped, NULL, &p, &v);
	json_decref(doc);
	assert_int_equal(rc != 0, v.n > 0);
	protocol_release(p);
	const char *out = "";
	for (int i = 0; i < v.n; i++)
		out = arena_printf(&ar, "%s%s%s", out, i ? " " : "", v.items[i].path);
	return out;
}

#define OK_STEPS "[{\"kind\":\"injection\",\"day\":7}]"

static void broken_protocols_are_refused(void **state)
{
	(void)state;
	assert_string_equal(
	    errors_of("{\"id\":\"a\",\"version\":\"1\",\"title\":\"t\",\"biologic\":"
	              "\"prp\",\"steps\":" OK_STEPS "}"),
	    "");
	/* Every top-level problem at once. */
	assert_string_equal(errors_of("{\"id\":\"Bad Id\",\"title\":\"t\",\"biologic\":\"snake\","
	                              "\"colour\":1,\"steps\":" OK_STEPS "}"),
	                    "colour id version biologic");
	assert_string_equal(errors_of("{\"id\":\"a\",\"version\":\"1\",\"title\":\"t\","
	                              "\"biologic\":\"prp\",\"steps\":[]}"),
	                    "steps");
	/* Steps: unknown kind, both day and after_first_injection, a bad window, instruments on a
	 * visit that is not a follow-up, a follow-up without instruments. */
	assert_string_equal(
	    errors_of("{\"id\":\"a\",\"version\":\"1\",\"title\":\"t\",\"biologic\":\"prp\","
	              "\"steps\":[{\"kind\":\"injection\",\"day\":7},"
	              "{\"kind\":\"massage\",\"day\":1},"
	              "{\"kind\":\"consultation\",\"day\":0,\"after_first_injection\":3},"
	              "{\"kind\":\"blood_draw\",\"day\":7,\"window\":[3]},"
	              "{\"kind\":\"workup\",\"day\":2,\"instruments\":[\"nrs\"]},"
	              "{\"kind\":\"follow_up\",\"after_first_injection\":30}]}"),
	    "steps[1].kind steps[2] steps[3].window steps[4].instruments steps[5].instruments");
	/* Without an injection counted from the start there is no day 0 for the outcomes. */
	assert_string_equal(
	    errors_of("{\"id\":\"a\",\"version\":\"1\",\"title\":\"t\",\"biologic\":\"prp\","
	              "\"steps\":[{\"kind\":\"injection\",\"day\":7,\"optional\":true}]}"),
	    "steps");
}

static void dates_move_by_days(void **state)
{
	(void)state;
	char out[11];
	civil_date d = {2024, 2, 28};
	date_format(date_add_days(d, 1), out);
	assert_string_equal(out, "2024-02-29");
	date_format(date_add_days(d, 2), out);
	assert_string_equal(out, "2024-03-01");
	date_format(date_add_days((civil_date){2026, 12, 31}, 365), out);
	assert_string_equal(out, "2027-12-31");
	date_format(date_add_days((civil_date){2026, 1, 10}, -10), out);
	assert_string_equal(out, "2025-12-31");
	for (long z = -800000; z < 800000; z += 997)
		assert_int_equal(date_days(date_from_days(z)), z);
}

static void steps_are_scheduled(void **state)
{
	(void)state;
	scheduled_step s[PROTOCOL_MAX_STEPS];
	const protocol *prp = protocol_find(&shipped, "prp-series");
	int n = protocol_schedule(prp, (civil_date){2026, 12, 30}, s);
	assert_int_equal(n, 14);
	char due[11], from[11], to[11];
	/* The first injection on day 7 (window 3 days each side). */
	date_format(s[3].due, due);
	date_format(s[3].from, from);
	date_format(s[3].to, to);
	assert_string_equal(s[3].ps->kind, "injection");
	assert_string_equal(due, "2027-01-06");
	assert_string_equal(from, "2027-01-03");
	assert_string_equal(to, "2027-01-09");
	/* The last follow-up: 365 days after that injection, +-45. */
	date_format(s[13].due, due);
	date_format(s[13].from, from);
	assert_string_equal(s[13].ps->kind, "follow_up");
	assert_string_equal(due, "2028-01-06");
	assert_string_equal(from, "2027-11-22");
	/* BMAC's optional repeat counts from the first injection (day 14), not from the start. */
	const protocol *bmac = protocol_find(&shipped, "bmac");
	n = protocol_schedule(bmac, (civil_date){2026, 1, 1}, s);
	date_format(s[6].due, due);
	assert_true(s[6].ps->optional);
	assert_string_equal(due, "2026-07-16"); /* 2026-01-15 + 182 days */
}

static void plan_moves(void **state)
{
	(void)state;
	plan p = {0};
	p.status = "proposed";
	assert_non_null(rec_move_find(&rk_plan, &p, "accepted"));
	assert_null(rec_move_find(&rk_plan, &p, "completed"));
	assert_string_equal(rec_moves_from(&ar, &rk_plan, &p), "accepted or declined");
	assert_false(rec_ended(&rk_plan, &p));
	p.status = "in_progress";
	assert_string_equal(rec_moves_from(&ar, &rk_plan, &p), "completed or stopped");
	assert_true(rec_move_find(&rk_plan, &p, "stopped")->needs_reason);
	assert_false(rec_move_find(&rk_plan, &p, "completed")->needs_reason);
	for (const char *const *st =
	         (const char *const[]){"declined", "completed", "stopped", NULL};
	     *st; st++) {
		p.status = *st;
		assert_true(rec_ended(&rk_plan, &p));
		assert_string_equal(rec_moves_from(&ar, &rk_plan, &p), "");
	}
	plan_step s = {0};
	s.status = "planned";
	assert_true(rec_move_find(&rk_plan_step, &s, "skipped")->needs_reason);
	s.status = "skipped";
	assert_true(rec_ended(&rk_plan_step, &s));
	char err[200];
	assert_int_equal(rec_kind_check(&rk_plan, err, sizeof err), 0);
	assert_int_equal(rec_kind_check(&rk_plan_step, err, sizeof err), 0);
	/* A move to a status the kind does not have is refused in the description. */
	static const rec_move bad_moves[] = {{"proposed", "finished", 0}, {NULL, NULL, 0}};
	rec_kind broken = rk_plan;
	broken.moves = bad_moves;
	assert_int_equal(rec_kind_check(&broken, err, sizeof err), -1);
	assert_non_null(strstr(err, "finished"));
}

/* No date the generator wrote (but a plan's start) is after today. */
static void assert_not_after(json_t *j, civil_date today)
{
	static const char *const keys[] = {
	    "performed_on", "performed_at", "onset_date", "resolved_date",
	    "signed_on",    "withdrawn_on", NULL};
	const char *key;
	json_t *val;
	size_t i;
	if (json_is_array(j))
		json_array_foreach(j, i, val) assert_not_after(val, today);
	if (!json_is_object(j))
		return;
	json_object_foreach(j, key, val)
	{
		for (int k = 0; keys[k] && json_is_string(val); k++) {
			civil_date d;
			if (strcmp(key, keys[k]) != 0)
				continue;
			assert_int_equal(date_parse(json_string_value(val), &d), 0);
			assert_true(date_cmp(d, today) <= 0);
		}
		assert_not_after(val, today);
	}
}

/* The demo clinic's treatment, generated twice from the seed for several "todays": the same each
 * time, about half the patients with a plan, every protocol in every state, a withdrawal and a
 * serious infection after a harvest, plans starting after the diagnosis and only proposed ones
 * after today, and nothing recorded after today. */
static void demo_treatment_generator(void **state)
{
	(void)state;
	static const civil_date todays[] = {{2026, 11, 28}, {2028, 2, 29}, {2027, 1, 1}};
	for (size_t t = 0; t < sizeof todays / sizeof todays[0]; t++) {
		civil_date today = todays[t];
		demo_rng g1, g2;
		demo_rng_init(&g1, DEMO_SEED);
		demo_rng_init(&g2, DEMO_SEED);
		demo_tally t1 = {0}, t2 = {0};
		int plans = 0;
		for (int i = 0; i < 200; i++) {
			patient p;
			condition c1, c2;
			demo_course k1, k2;
			int pain1, pain2;
			demo_patient(&g1, i, &ar, today, &p, &c1);
			demo_patient(&g2, i, &ar, today, &p, &c2);
			demo_course_pick(&g1, &shipped, &c1, today, &t1, &k1);
			demo_course_pick(&g2, &shipped, &c2, today, &t2, &k2);
			json_t *w1 = demo_workup(&g1, &ar, &c1, today, &pain1);
			json_t *w2 = demo_workup(&g2, &ar, &c2, today, &pain2);
			assert_true(json_equal(w1, w2));
			json_decref(w1);
			json_decref(w2);
			assert_ptr_equal(k1.proto, k2.proto);
			if (!k1.proto)
				continue;
			plans++;
			civil_date diag;
			assert_int_equal(date_parse(c1.diagnosed_date, &diag), 0);
			assert_true(date_cmp(k1.start, diag) >= 0);
			assert_true(k1.state == DEMO_PROPOSED || date_cmp(k1.start, today) <= 0);
			json_t *e1 = demo_treatment(&g1, &ar, &k1, &c1, pain1, today, &t1);
			json_t *e2 = demo_treatment(&g2, &ar, &k2, &c2, pain2, today, &t2);
			assert_true(json_equal(e1, e2));
			assert_not_after(json_object_get(e1, "events"), today);
			json_decref(e1);
			json_decref(e2);
		}
		assert_in_range(plans, 80, 120);
		for (int p = 0; p < DEMO_PROTOCOLS; p++)
			for (int s = 0; s < DEMO_STATES; s++)
				assert_true(t1.plans[p][s] >= 1);
		assert_int_equal(t1.harvest_infections, 1);
		assert_true(t1.withdrawals >= 1);
	}
}

static void consent_is_current_for_the_newest_version(void **state)
{
	(void)state;
	assert_int_equal(shipped.n_documents, 3);
	const consent_doc *prp = consent_doc_find(&shipped, "prp", NULL);
	assert_non_null(prp);
	assert_string_equal(prp->biologic, "prp");
	assert_ptr_equal(consent_doc_find(&shipped, "prp", "1"), prp);
	assert_null(consent_doc_find(&shipped, "prp", "2"));
	consent c = {0};
	c.document_id = "prp";
	c.document_version = "1";
	c.status = "signed";
	assert_true(consent_current(&c, &shipped));
	c.status = "withdrawn";
	assert_false(consent_current(&c, &shipped));
	/* A version 2 of the document makes a version 1 consent no longer current. */
	json_t *v2 =
	    json_loads("{\"id\":\"prp\",\"version\":\"2\",\"biologic\":\"prp\","
	               "\"title\":\"t\",\"sections\":[{\"heading\":\"h\",\"text\":\"t\"}]}",
	               0, NULL);
	vctx v;
	vctx_init(&v, &ar);
	consent_doc *d;
	assert_int_equal(consent_doc_parse(&ar, v2, &shipped, &d, &v), 0);
	json_decref(v2);
	shipped.documents[shipped.n_documents++] = d;
	c.status = "signed";
	assert_false(consent_current(&c, &shipped));
	assert_ptr_equal(consent_doc_find(&shipped, "prp", NULL), d);
	c.document_version = "2";
	assert_true(consent_current(&c, &shipped));
	/* Broken documents: the fields named. */
	json_t *bad = json_loads("{\"id\":\"x\",\"version\":\"one\",\"biologic\":\"tea\","
	                         "\"sections\":[{\"heading\":\"h\"}]}",
	                         0, NULL);
	vctx_init(&v, &ar);
	assert_int_equal(consent_doc_parse(&ar, bad, &shipped, &d, &v), -1);
	json_decref(bad);
	assert_int_equal(v.n, 4); /* version, biologic, title, sections[0].text */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shipped_data_loads),
	    cmocka_unit_test(broken_protocols_are_refused),
	    cmocka_unit_test(dates_move_by_days),
	    cmocka_unit_test(steps_are_scheduled),
	    cmocka_unit_test(plan_moves),
	    cmocka_unit_test(demo_treatment_generator),
	    cmocka_unit_test(consent_is_current_for_the_newest_version),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
