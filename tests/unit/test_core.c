/* Unit tests for core/: neuropathy codes and chronicity, permissions, patient and diagnosis
 * rules, the audit hash chain, login throttling, the demo generator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/condition.h"
#include "core/demo.h"
#include "core/neuropathy.h"
#include "core/patient.h"
#include "core/perm.h"
#include "core/staff.h"
#include "core/throttle.h"

static const civil_date today = {2026, 11, 25};

static void icd10_etiologies(void **state)
{
	(void)state;
	assert_string_equal(icd10_lookup("E11.42")->etiology, "diabetic");
	assert_string_equal(icd10_lookup("E10.42")->etiology, "diabetic");
	assert_string_equal(icd10_lookup("G62.1")->etiology, "alcohol");
	assert_string_equal(icd10_lookup("G62.0")->etiology, "chemotherapy_drug");
	assert_string_equal(icd10_lookup("G62.2")->etiology, "other_toxic");
	assert_string_equal(icd10_lookup("G60.0")->etiology, "hereditary");
	assert_string_equal(icd10_lookup("G60.8")->etiology, "idiopathic");
	assert_string_equal(icd10_lookup("E53.8")->etiology, "b12_deficiency");
	assert_string_equal(icd10_lookup("B02.23")->etiology, "post_herpetic");
	assert_null(icd10_lookup("e11.42")); /* the API upper-cases before looking up */
	assert_null(icd10_lookup("E11.9"));  /* diabetes without neuropathy is not on the list */
	assert_null(icd10_lookup(NULL));
	/* Every entry's etiology is one of the named categories. */
	for (const icd10_entry *e = icd10_neuropathy_codes; e->code; e++) {
		int ok = 0;
		for (const char *const *n = etiology_names; *n; n++)
			ok |= strcmp(*n, e->etiology) == 0;
		assert_true(ok);
	}
}

static void chronicity_boundary(void **state)
{
	(void)state;
	civil_date onset = {2025, 11, 26}; /* 11 months and 30 days before today */
	nerve_duration d = neuropathy_duration(&onset, today, CHRONIC_MONTHS_DEFAULT);
	assert_true(d.known);
	assert_int_equal(d.months, 11);
	assert_false(d.chronic);
	assert_string_equal(chronicity_name(d), "recent");
	onset.day = 25; /* exactly 12 months */
	d = neuropathy_duration(&onset, today, CHRONIC_MONTHS_DEFAULT);
	assert_int_equal(d.months, 12);
	assert_true(d.chronic);
	assert_string_equal(chronicity_name(d), "chronic");
	/* The threshold is configurable. */
	d = neuropathy_duration(&onset, today, 24);
	assert_false(d.chronic);
	/* Month-only onset counts from the 15th. */
	civil_date month_only = {2025, 11, 0};
	d = neuropathy_duration(&month_only, today, 12);
	assert_int_equal(d.months, 12); /* 2025-11-15 .. 2026-11-25 */
	month_only.month = 12;
	d = neuropathy_duration(&month_only, today, 12);
	assert_int_equal(d.months, 11);
	d = neuropathy_duration(NULL, today, 12);
	assert_false(d.known);
	assert_string_equal(chronicity_name(d), "unknown");
}

static void permission_table(void **state)
{
	(void)state;
	/* The whole matrix, stated once more here so a change to the table is a deliberate one. */
	static const int expect[ROLE_COUNT][PERM_COUNT] = {
	    /* clang-format off */
	    /*                   pub sig pr pw cr cw audit clin-r clin-w plan-r plan-w staff arch rest outc cal-r cal-a ap-r ap-w ap-s pr-r pr-a est bill-r bill-w */
	    [ROLE_ADMIN]      = {1,  1,  1, 1, 1, 1, 1,    1,     1,     1,     1,     1,    1,   1,   1,   1,    1, 1,    1, 1, 1, 1, 1, 1, 1},
	    [ROLE_CLINICIAN]  = {1,  1,  1, 1, 1, 1, 0,    1,     1,     1,     1,     0,    1,   0,   1,   1,    0, 1,    1, 0, 1, 0, 1, 1, 0},
	    [ROLE_NURSE]      = {1,  1,  1, 1, 1, 0, 0,    1,     1,     1,     0,     0,    0,   0,   0,   1,    0, 1,    1, 0, 1, 0, 0, 0, 0},
	    [ROLE_FRONT_DESK] = {1,  1,  1, 1, 0, 0, 0,    0,     0,     1,     0,     0,    0,   0,   0,   1,    0, 1,    1, 1, 1, 0, 1, 1, 1},
	    [ROLE_RESEARCHER] = {1,  1,  0, 0, 0, 0, 0,    0,     0,     0,     0,     0,    0,   0,   1,   0,    0, 0,    0, 0, 0, 0, 0, 0, 0},
	    /* clang-format on */
	};
	for (int r = 0; r < ROLE_COUNT; r++)
		for (int p = 0; p < PERM_COUNT; p++)
			assert_int_equal(perm_allows((role)r, (perm)p), expect[r][p]);
	assert_false(perm_allows(ROLE_COUNT, PERM_PUBLIC));
	role r;
	assert_int_equal(role_parse("front_desk", &r), 0);
	assert_int_equal(r, ROLE_FRONT_DESK);
	assert_int_equal(role_parse("doctor", &r), -1);
	assert_string_equal(role_name(ROLE_RESEARCHER), "researcher");
	assert_string_equal(perm_name(PERM_AUDIT_READ), "audit.read");
}

static int has_error(vctx *v, const char *path)
{
	for (int i = 0; i < v->n; i++)
		if (strcmp(v->items[i].path, path) == 0)
			return 1;
	return 0;
}

static void patient_rules(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	vctx v;
	vctx_init(&v, &a);
	patient p;
	memset(&p, 0, sizeof p);
	json_t *ok = json_loads("{\"mrn\":\"A-1\",\"family_name\":\"Doe\",\"given_name\":\"Jo\","
	                        "\"birth_date\":\"1950-02-28\",\"sex_at_birth\":\"male\","
	                        "\"address\":{\"city\":\"Bend\",\"country\":\"US\"},"
	                        "\"research_consent\":true}",
	                        0, NULL);
	assert_int_equal(patient_from_json(&v, ok, &p, 0, today), 0);
	assert_string_equal(p.family_name, "Doe");
	assert_string_equal(p.address_city, "Bend");
	assert_true(p.research_consent);

	json_t *bad = json_loads("{\"mrn\":\"A 1\",\"family_name\":\"\",\"birth_date\":"
	                         "\"2023-02-30\",\"sex_at_birth\":\"m\",\"email\":\"x@\","
	                         "\"phone\":\"12\",\"address\":{\"country\":\"usa\",\"zip\":1},"
	                         "\"extra\":1}",
	                         0, NULL);
	patient q;
	memset(&q, 0, sizeof q);
	vctx_init(&v, &a);
	assert_true(patient_from_json(&v, bad, &q, 0, today) >= 9);
	assert_true(has_error(&v, "extra"));
	assert_true(has_error(&v, "family_name"));
	assert_true(has_error(&v, "given_name"));
	assert_true(has_error(&v, "birth_date"));
	assert_true(has_error(&v, "sex_at_birth"));
	assert_true(has_error(&v, "email"));
	assert_true(has_error(&v, "phone"));
	assert_true(has_error(&v, "mrn"));
	assert_true(has_error(&v, "address.country"));
	assert_true(has_error(&v, "address.zip"));

	/* Future and pre-1900 birth dates. */
	json_t *future = json_loads("{\"birth_date\":\"2026-11-26\"}", 0, NULL);
	vctx_init(&v, &a);
	assert_int_equal(patient_from_json(&v, future, &p, 1, today), 1);
	assert_string_equal(v.items[0].message, "cannot be in the future");
	json_t *old = json_loads("{\"birth_date\":\"1899-12-31\"}", 0, NULL);
	vctx_init(&v, &a);
	assert_int_equal(patient_from_json(&v, old, &p, 1, today), 1);
	/* Partial: only what is sent changes; required fields may be absent. */
	json_t *patch = json_loads("{\"given_name\":\"Joanna\",\"phone\":null}", 0, NULL);
	vctx_init(&v, &a);
	assert_int_equal(patient_from_json(&v, patch, &p, 1, today), 0);
	assert_string_equal(p.given_name, "Joanna");
	assert_string_equal(p.family_name, "Doe");
	assert_null(p.phone);
	/* A required field cannot be cleared. */
	json_t *clear = json_loads("{\"family_name\":null}", 0, NULL);
	vctx_init(&v, &a);
	assert_int_equal(patient_from_json(&v, clear, &p, 1, today), 1);
	assert_string_equal(p.family_name, "Doe");
	json_decref(ok);
	json_decref(bad);
	json_decref(future);
	json_decref(old);
	json_decref(patch);
	json_decref(clear);
	arena_free(&a);
}

static void condition_rules(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	vctx v;
	vctx_init(&v, &a);
	condition c;
	memset(&c, 0, sizeof c);
	json_t *ok = json_loads("{\"icd10\":\"g62.1\",\"onset_date\":\"2020-06\","
	                        "\"diagnosed_date\":\"2021-01-10\",\"sites\":[\"foot_left\","
	                        "\"foot_right\"]}",
	                        0, NULL);
	assert_int_equal(condition_from_json(&v, ok, &c, 0, "1950-01-01", today), 0);
	assert_string_equal(c.icd10, "G62.1");
	assert_string_equal(c.etiology, "alcohol");
	assert_int_equal(c.n_sites, 2);
	assert_string_equal(c.sites[1], "foot_right");
	assert_string_equal(c.status, "active");

	json_t *bad = json_loads("{\"icd10\":\"E11.9\",\"onset_date\":\"2020-06-15\","
	                         "\"diagnosed_date\":\"2020-05-01\",\"sites\":[\"toe\","
	                         "\"hand_left\",\"hand_left\"],\"status\":\"entered_in_error\"}",
	                         0, NULL);
	condition d;
	memset(&d, 0, sizeof d);
	vctx_init(&v, &a);
	condition_from_json(&v, bad, &d, 0, "1950-01-01", today);
	assert_true(has_error(&v, "icd10"));
	assert_true(has_error(&v, "diagnosed_date")); /* before onset */
	assert_true(has_error(&v, "sites[0]"));
	assert_true(has_error(&v, "sites[2]")); /* listed twice */
	assert_true(has_error(&v, "status_reason"));

	json_t *early = json_loads("{\"icd10\":\"E11.42\",\"onset_date\":\"1949-12\"}", 0, NULL);
	condition e;
	memset(&e, 0, sizeof e);
	vctx_init(&v, &a);
	assert_int_equal(condition_from_json(&v, early, &e, 0, "1950-01-01", today), 1);
	assert_string_equal(v.items[0].path, "onset_date");
	/* Same month as birth is allowed for a month-only onset. */
	json_t *same = json_loads("{\"icd10\":\"E11.42\",\"onset_date\":\"1950-01\"}", 0, NULL);
	memset(&e, 0, sizeof e);
	vctx_init(&v, &a);
	assert_int_equal(condition_from_json(&v, same, &e, 0, "1950-01-20", today), 0);
	json_t *future = json_loads("{\"icd10\":\"E11.42\",\"onset_date\":\"2027-01\"}", 0, NULL);
	memset(&e, 0, sizeof e);
	vctx_init(&v, &a);
	assert_int_equal(condition_from_json(&v, future, &e, 0, NULL, today), 1);
	json_decref(ok);
	json_decref(bad);
	json_decref(early);
	json_decref(same);
	json_decref(future);
	arena_free(&a);
}

static void audit_chain(void **state)
{
	(void)state;
	audit_record r1 = {0}, r2 = {0};
	r1.seq = 1;
	r1.at = "2026-11-25T10:00:00Z";
	r1.action = "patient.read";
	r1.patient_id = "p1";
	memcpy(r1.prev_hash, audit_genesis, sizeof r1.prev_hash);
	audit_seal(&r1);
	assert_true(audit_check(&r1));
	r2 = r1;
	r2.seq = 2;
	memcpy(r2.prev_hash, r1.hash, sizeof r2.prev_hash);
	audit_seal(&r2);
	assert_string_not_equal(r1.hash, r2.hash);
	/* Any edited field breaks the record's hash. */
	audit_record t = r1;
	t.action = "patient.update";
	assert_false(audit_check(&t));
	t = r1;
	t.patient_id = NULL; /* NULL and "" hash differently from a value */
	assert_false(audit_check(&t));
	t = r1;
	t.at = "2026-11-25T10:00:01Z";
	assert_false(audit_check(&t));
	/* Field boundaries are unambiguous: moving a character between fields is detected. */
	audit_record x = {0}, y = {0};
	x.action = "ab";
	x.resource_type = "c";
	y.action = "a";
	y.resource_type = "bc";
	audit_seal(&x);
	audit_seal(&y);
	assert_string_not_equal(x.hash, y.hash);
}

static void throttle_logins(void **state)
{
	(void)state;
	throttle t;
	memset(&t, 0, sizeof t);
	time_t now = 1000000;
	for (int i = 0; i < throttle_pair.free_failures - 1; i++)
		assert_int_equal(throttle_fail(&t, "a@x.org", now), 0);
	assert_int_equal(throttle_wait(&t, "a@x.org", &throttle_pair, now), 0);
	throttle_fail(&t, "A@X.org", now + 1); /* case-insensitive */
	/* A growing delay, not a wall: first_delay_s after the last failure, then twice that. */
	assert_int_equal(throttle_wait(&t, "a@x.org", &throttle_pair, now + 2),
	                 throttle_pair.first_delay_s - 1);
	assert_int_equal(throttle_wait(&t, "b@x.org", &throttle_pair, now + 2), 0);
	assert_int_equal(throttle_wait(&t, "a@x.org", &throttle_pair, now + 1 + 15), 0);
	throttle_fail(&t, "a@x.org", now + 16);
	assert_int_equal(throttle_wait(&t, "a@x.org", &throttle_pair, now + 16), 30);
	for (int i = 0; i < 20; i++)
		throttle_fail(&t, "a@x.org", now + 17);
	assert_int_equal(throttle_wait(&t, "a@x.org", &throttle_pair, now + 17),
	                 throttle_pair.max_delay_s);
	/* Forgotten a window after the last failure. */
	assert_int_equal(throttle_wait(&t, "a@x.org", &throttle_pair, now + 18 + THROTTLE_WINDOW_S),
	                 0);
	/* A success forgets the key's failures. */
	for (int i = 0; i < throttle_pair.free_failures; i++)
		throttle_fail(&t, "c@x.org", now);
	assert_true(throttle_wait(&t, "c@x.org", &throttle_pair, now) > 0);
	throttle_success(&t, "c@x.org");
	assert_int_equal(throttle_wait(&t, "c@x.org", &throttle_pair, now), 0);
	/* The account and address rules are far above the pair's. */
	assert_true(throttle_account.free_failures >= 10 * throttle_pair.free_failures);
	assert_true(throttle_address.free_failures > throttle_account.free_failures);
	throttle_free(&t);
}

/* 1,000 failures with made-up e-mails (and as many addresses) push no counter out: the victim's
 * pair and the attacker's address are still limited afterwards. */
static void throttle_cannot_be_flushed(void **state)
{
	(void)state;
	throttle t;
	memset(&t, 0, sizeof t);
	time_t now = 2000000;
	for (int i = 0; i < throttle_pair.free_failures; i++)
		throttle_fail(&t, "p|victim@x.org|10.0.0.1", now);
	int before = throttle_wait(&t, "p|victim@x.org|10.0.0.1", &throttle_pair, now);
	assert_true(before > 0);
	char key[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "p|made-up-%d@x.org|10.0.0.1", i);
		assert_int_equal(throttle_fail(&t, key, now), 0);
		snprintf(key, sizeof key, "a|made-up-%d@x.org", i);
		assert_int_equal(throttle_fail(&t, key, now), 0);
		snprintf(key, sizeof key, "i|10.1.%d.%d", i / 256, i % 256);
		assert_int_equal(throttle_fail(&t, key, now), 0);
		assert_int_equal(throttle_fail(&t, "i|10.0.0.1", now), 0);
	}
	assert_true(throttle_keys(&t) >= 3001);
	assert_int_equal(throttle_wait(&t, "p|victim@x.org|10.0.0.1", &throttle_pair, now), before);
	assert_true(throttle_wait(&t, "i|10.0.0.1", &throttle_address, now) > 0);
	/* Expired keys are dropped when the table is rebuilt, live ones kept. */
	time_t later = now + THROTTLE_WINDOW_S + 1;
	for (int i = 0; i < 6000; i++) {
		snprintf(key, sizeof key, "later-%d", i);
		assert_int_equal(throttle_fail(&t, key, later), 0);
	}
	assert_true(throttle_keys(&t) <= 6000);
	assert_int_equal(throttle_wait(&t, "later-0", &throttle_pair, later), 0);
	throttle_free(&t);
}

static void demo_is_deterministic(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	demo_rng g1, g2;
	demo_rng_init(&g1, DEMO_SEED);
	demo_rng_init(&g2, DEMO_SEED);
	int chronic = 0, recent = 0;
	for (int i = 0; i < 200; i++) {
		patient p1, p2;
		condition c1, c2;
		demo_patient(&g1, i, &a, today, &p1, &c1);
		demo_patient(&g2, i, &a, today, &p2, &c2);
		assert_string_equal(p1.family_name, p2.family_name);
		assert_string_equal(p1.birth_date, p2.birth_date);
		assert_string_equal(c1.onset_date, c2.onset_date);
		assert_true(p1.synthetic);
		/* Every generated record passes the same rules as entered data. */
		civil_date onset, birth, diag;
		assert_int_equal(date_parse(p1.birth_date, &birth), 0);
		assert_int_equal(date_parse_partial(c1.onset_date, &onset), 0);
		assert_int_equal(date_parse(c1.diagnosed_date, &diag), 0);
		assert_true(date_cmp(onset, today) <= 0);
		assert_true(date_cmp(diag, onset) >= 0);
		assert_true(date_cmp(diag, today) <= 0);
		assert_true(date_cmp(onset, birth) > 0);
		assert_non_null(icd10_lookup(c1.icd10));
		nerve_duration d = neuropathy_duration(&onset, today, 12);
		if (d.chronic)
			chronic++;
		else
			recent++;
	}
	/* Both kinds are present so the demo shows the distinction. */
	assert_true(recent >= 20);
	assert_true(chronic >= 100);
	arena_free(&a);
}

static void staff_rules(void **state)
{
	(void)state;
	assert_null(staff_email_problem("nia.nurse@clinic.example"));
	const char *bad_emails[] = {"",
	                            "nia",
	                            "@clinic.example",
	                            "nia@",
	                            "nia@clinic",
	                            "nia@clinic.",
	                            "a b@clinic.example",
	                            " nia@clinic.example",
	                            "a@b@c.example"};
	for (size_t i = 0; i < sizeof bad_emails / sizeof *bad_emails; i++)
		if (!staff_email_problem(bad_emails[i]))
			fail_msg("e-mail \"%s\" taken", bad_emails[i]);
	assert_null(password_problem("correct horse battery", "nia@clinic.example"));
	assert_null(password_problem("ünïcödé-pässwörd", NULL)); /* 16 characters, 22 bytes */
	assert_non_null(password_problem("ünïcödé-päs", NULL));  /* 11 characters, 15 bytes */
	assert_non_null(password_problem("PASSWORD1234", NULL)); /* common, any case */
	assert_null(password_problem("            x", NULL));    /* spaces, but not only spaces */
	assert_non_null(password_problem("             ", NULL));
	assert_non_null(password_problem("zzzzzzzzzzzzzz", NULL));
	assert_non_null(password_problem("niamh.nurse1", "niamh.nurse1@clinic.example"));
	char long_pw[1026];
	for (size_t i = 0; i < sizeof long_pw - 1; i++)
		long_pw[i] = (char)('a' + i % 26);
	long_pw[1025] = '\0';
	assert_non_null(password_problem(long_pw, NULL)); /* 1,025 bytes: refused, not cut */
	long_pw[1024] = '\0';
	assert_null(password_problem(long_pw, NULL)); /* 1,024 bytes: taken */
	char gen[21];
	password_generate(gen, sizeof gen);
	assert_int_equal(strlen(gen), 20);
	assert_null(password_problem(gen, NULL));
	assert_true(text_visible("Zoë"));
	assert_false(text_visible("\xe2\x80\x8b\xef\xbb\xbf \xe2\x80\xae")); /* ZWSP, BOM, RLO */
	assert_false(text_visible(""));
	assert_false(text_visible(NULL));
	/* LRI..PDI, soft hyphen, ALM, Hangul filler, a C1 control: none of them shows. */
	assert_false(text_visible("\xe2\x81\xa6\xe2\x81\xa9\xc2\xad\xd8\x9c\xe3\x85\xa4\xc2\x85"));
	assert_true(text_visible("\xe2\x80\x8b"
	                         "A\xe2\x80\xae"));
	assert_true(text_visible("\xf0\x9f\x98\x80")); /* an emoji shows */
	/* Tag characters (U+E0041, U+E007F) and a variation selector (U+FE0F) do not. */
	assert_false(text_visible("\xf3\xa0\x81\x81\xf3\xa0\x81\xbf\xef\xb8\x8f"));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(icd10_etiologies),      cmocka_unit_test(chronicity_boundary),
	    cmocka_unit_test(permission_table),      cmocka_unit_test(patient_rules),
	    cmocka_unit_test(condition_rules),       cmocka_unit_test(audit_chain),
	    cmocka_unit_test(throttle_logins),       cmocka_unit_test(throttle_cannot_be_flushed),
	    cmocka_unit_test(demo_is_deterministic), cmocka_unit_test(staff_rules),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
