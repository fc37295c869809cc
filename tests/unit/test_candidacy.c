/* Unit tests for the candidacy rules: the shipped file loads against the shipped biologics and
 * instruments; broken rule files are refused with the field named; and the evaluation of rules
 * against records (latest result counts, the within-days edge, ended records ignored, missing
 * data, findings per biologic ordered blocks, caution, note). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/candidacy.h"
#include "util/embedded.h"

static treatment_set tx;
static instrument_set ins;
static cand_rules shipped;
static arena ar;

static json_t *load(const embedded_file *f)
{
	return json_loadb((const char *)f->data, f->len, 0, NULL);
}

static int setup(void **state)
{
	(void)state;
	arena_init(&ar);
	vctx v;
	vctx_init(&v, &ar);
	ins.items = arena_zalloc(&ar, sizeof(instrument *) * 32);
	for (const embedded_file *f = instrument_files; f->path; f++) {
		json_t *doc = load(f);
		instrument *in;
		if (instr_parse(&ar, doc, &in, &v))
			return -1;
		json_decref(doc);
		ins.items[ins.n++] = in;
	}
	const embedded_file *rules = NULL;
	for (const embedded_file *f = treatment_files; f->path; f++) {
		if (strcmp(f->path, "candidacy/rules.json") == 0)
			rules = f;
		if (strcmp(f->path, "biologics.json") != 0)
			continue;
		json_t *doc = load(f);
		if (biologics_parse(&ar, doc, &tx, &v))
			return -1;
		json_decref(doc);
	}
	json_t *doc = rules ? load(rules) : NULL;
	int rc = cand_rules_parse(&ar, doc, &tx, &ins, &shipped, &v);
	for (int i = 0; i < v.n; i++)
		print_error("rules.json: %s: %s\n", v.items[i].path, v.items[i].message);
	json_decref(doc);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < ins.n; i++)
		instr_release((instrument *)ins.items[i]);
	arena_free(&ar);
	return 0;
}

static void shipped_rules_load(void **state)
{
	(void)state;
	assert_int_equal(shipped.n, 22);
	int levels[3] = {0, 0, 0};
	for (int i = 0; i < shipped.n; i++)
		levels[shipped.rules[i].level]++;
	assert_true(levels[CAND_BLOCKS] > 0 && levels[CAND_CAUTION] > 0 && levels[CAND_NOTE] > 0);
}

/* A one-rule file with the given rule body refused, with an error at path. */
static void refused(const char *rule, const char *path)
{
	char text[1024];
	snprintf(text, sizeof text,
	         "{\"source\": \"s\", \"rules\": [{\"id\": \"r\", \"level\": \"caution\", "
	         "\"reason\": \"x\", \"certainty\": \"secondary\", \"source\": \"y\", %s}]}",
	         rule);
	json_t *doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	arena a;
	arena_init(&a);
	vctx v;
	vctx_init(&v, &a);
	cand_rules out;
	int rc = cand_rules_parse(&a, doc, &tx, &ins, &out, &v);
	int found = 0;
	for (int i = 0; i < v.n; i++)
		found |= strcmp(v.items[i].path, path) == 0;
	if (rc == 0 || !found) {
		print_error("%s: expected an error at %s; got %d:\n", rule, path, v.n);
		for (int i = 0; i < v.n; i++)
			print_error("  %s: %s\n", v.items[i].path, v.items[i].message);
	}
	json_decref(doc);
	arena_free(&a);
	assert_int_not_equal(rc, 0);
	assert_true(found);
}

static void broken_rules_refused(void **state)
{
	(void)state;
	refused("\"check\": \"vibes\"", "rules[0].check");
	refused("\"check\": \"test\", \"test\": \"cholesterol\", \"above\": 5", "rules[0].test");
	refused("\"check\": \"test\", \"test\": \"hba1c\"", "rules[0]");
	refused("\"check\": \"test\", \"test\": \"hba1c\", \"above\": 5, \"below\": 3", "rules[0]");
	refused("\"check\": \"test\", \"test\": \"hba1c\", \"above\": \"10\"", "rules[0].above");
	refused("\"check\": \"test\", \"test\": \"hba1c\", \"above\": 10, \"within_days\": 0",
	        "rules[0].within_days");
	refused("\"check\": \"answer\", \"instrument\": \"candidacy-screening\", \"item\": "
	        "\"smoking\", \"any_of\": [\"sometimes\"]",
	        "rules[0].any_of[0]");
	refused("\"check\": \"answer\", \"instrument\": \"candidacy-screening\", \"item\": "
	        "\"alcohol\", \"any_of\": [\"yes\"]",
	        "rules[0].item");
	refused("\"check\": \"answer\", \"instrument\": \"sf-36\", \"item\": \"q1\", \"any_of\": "
	        "[\"1\"]",
	        "rules[0].instrument");
	refused("\"check\": \"answer\", \"instrument\": \"candidacy-screening\", \"item\": "
	        "\"smoking\"",
	        "rules[0].any_of");
	refused("\"check\": \"medicine\", \"drug_class\": [\"statin\"]", "rules[0].drug_class[0]");
	refused("\"check\": \"medicine\", \"drug_class\": [\"anticoagulant\"], \"test\": \"hba1c\"",
	        "rules[0].test");
	refused("\"check\": \"diagnosis\"", "rules[0]");
	refused("\"check\": \"diagnosis\", \"etiology\": [\"diabetes\"]", "rules[0].etiology[0]");
	refused("\"check\": \"diagnosis\", \"chronicity\": \"old\"", "rules[0].chronicity");
	refused("\"check\": \"diagnosis\", \"chronicity\": \"chronic\", \"biologics\": [\"botox\"]",
	        "rules[0].biologics[0]");
	refused("\"check\": \"missing_test\", \"test\": \"hba1c\"", "rules[0].within_days");
	refused("\"check\": \"diagnosis\", \"chronicity\": \"chronic\", \"colour\": 1",
	        "rules[0].colour");
	refused("\"check\": \"diagnosis\", \"chronicity\": \"chronic\", \"certainty\": \"sure\"",
	        "rules[0].certainty");
}

/* A rule without an id before one with an id: refused at its path, not a crash. */
static void rule_without_id(void **state)
{
	(void)state;
	const char *text =
	    "{\"source\": \"s\", \"rules\": ["
	    "{\"level\": \"note\", \"check\": \"diagnosis\", \"chronicity\": \"chronic\", "
	    "\"reason\": \"x\", \"certainty\": \"secondary\", \"source\": \"y\"}, "
	    "{\"id\": \"b\", \"level\": \"note\", \"check\": \"diagnosis\", \"chronicity\": "
	    "\"chronic\", \"reason\": \"x\", \"certainty\": \"secondary\", \"source\": \"y\"}]}";
	json_t *doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	arena a;
	arena_init(&a);
	vctx v;
	vctx_init(&v, &a);
	cand_rules out;
	assert_int_not_equal(cand_rules_parse(&a, doc, &tx, &ins, &out, &v), 0);
	assert_true(v_has(&v, "rules[0].id"));
	json_decref(doc);
	arena_free(&a);
}

/* The finding of rule in biologic's entry, or NULL. */
static json_t *finding(json_t *out, const char *bio, const char *rule)
{
	size_t i, j;
	json_t *b, *f;
	json_array_foreach(json_object_get(out, "biologics"), i, b)
	{
		if (strcmp(json_string_value(json_object_get(b, "biologic")), bio) != 0)
			continue;
		json_array_foreach(json_object_get(b, "findings"), j, f)
		{
			if (strcmp(json_string_value(json_object_get(f, "rule")), rule) == 0)
				return f;
		}
	}
	return NULL;
}

static observation obs(const char *id, const char *kind, double value, const char *on,
                       const char *status)
{
	observation o = {.id = id,
	                 .kind = kind,
	                 .k = obs_kind_find(kind),
	                 .value = value,
	                 .has_value = 1,
	                 .performed_on = on,
	                 .status = status};
	return o;
}

static void evaluation(void **state)
{
	(void)state;
	civil_date today = {2026, 6, 30};
	condition dx = {.id = "c1",
	                .icd10 = "E11.42",
	                .etiology = "diabetic",
	                .onset_date = "2020-01",
	                .status = "active"};
	medication meds[] = {
	    {.id = "m1",
	     .drug = "apixaban",
	     .drug_class = "anticoagulant",
	     .start_date = "2025-01-01",
	     .status = "active"},
	    {.id = "m2",
	     .drug = "aspirin",
	     .drug_class = "antiplatelet",
	     .start_date = "2025-01-01",
	     .stop_date = "2026-06-29",
	     .status = "active"},
	};
	/* 2026-04-01 is exactly 90 days before today: still recent. The later normal count wins
	 * over the earlier low one; a voided HbA1c is not read. */
	observation o[] = {
	    obs("o1", "platelet_count", 80, "2026-04-01", "final"),
	    obs("o2", "platelet_count", 180, "2026-05-01", "final"),
	    obs("o3", "hba1c", 12, "2026-06-01", "voided"),
	    obs("o4", "hba1c", 10.5, "2026-03-31", "final"),
	};
	cand_input in = {.conditions = &dx,
	                 .n_conditions = 1,
	                 .medications = meds,
	                 .n_medications = 2,
	                 .observations = o,
	                 .n_observations = 4,
	                 .today = today,
	                 .chronic_months = 12};
	json_t *out = cand_evaluate(&shipped, &tx, &in);
	assert_null(finding(out, "prp", "platelets_low"));
	assert_null(finding(out, "bmac", "no_platelets_before_harvest"));
	assert_null(finding(out, "bmac", "hba1c_high"));     /* 91 days old: not current ... */
	json_t *f = finding(out, "bmac", "no_recent_hba1c"); /* ... so it is missing */
	assert_non_null(f);
	assert_true(json_is_true(json_object_get(f, "missing")));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(f, "records"), 0), "id")),
	                    "o4");
	f = finding(out, "prp", "anticoagulant");
	assert_int_equal(json_array_size(json_object_get(f, "records")), 1); /* aspirin stopped */
	assert_null(finding(out, "adipose_svf", "anticoagulant"));
	assert_non_null(finding(out, "adipose_svf", "chronic_neuropathy"));
	json_decref(out);

	o[0].performed_on = "2026-05-02"; /* the low count is now the latest */
	in.today.month = 7, in.today.day = 1;
	out = cand_evaluate(&shipped, &tx, &in);
	assert_non_null(finding(out, "bmac", "platelets_low"));
	json_t *b = json_array_get(json_object_get(out, "biologics"), 0);
	const char *last = "blocks";
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(b, "findings"), i, x)
	{
		const char *level = json_string_value(json_object_get(x, "level"));
		assert_true(strcmp(last, "note") != 0 || strcmp(level, "note") == 0);
		assert_true(strcmp(last, "caution") != 0 || strcmp(level, "blocks") != 0);
		last = level;
	}
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shipped_rules_load),
	    cmocka_unit_test(broken_rules_refused),
	    cmocka_unit_test(rule_without_id),
	    cmocka_unit_test(evaluation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
