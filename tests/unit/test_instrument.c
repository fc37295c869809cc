/* The instrument engine against data: every shipped definition in data/instruments/ must load;
 * every case in tests/cases/instruments/<id>.json must score as it says; every definition in
 * tests/cases/instrument-defs/ must load (good/) or be refused with the errors it names (bad/).
 * Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/instrument.h"

#define DEFS "data/instruments"
#define CASES "tests/cases/instruments"
#define TEST_DEFS "tests/cases/instrument-defs"

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		fail_msg("%s: %s (line %d)", path, err.text, err.line);
	return j;
}

static void print_errors(const char *what, const vctx *v)
{
	for (int i = 0; i < v->n; i++)
		print_error("%s: %s: %s\n", what, v->items[i].path, v->items[i].message);
}

/* Calls fn(path) for each .json file in dir; returns how many. */
static int each_json(const char *dir, void (*fn)(const char *path, void *ctx), void *ctx)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int n = 0;
	char path[512];
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		fn(path, ctx);
		n++;
	}
	closedir(d);
	return n;
}

static instrument *parse_or_fail(arena *a, const char *path, json_t *def)
{
	vctx v;
	vctx_init(&v, a);
	instrument *in = NULL;
	if (instr_parse(a, def, &in, &v)) {
		print_errors(path, &v);
		fail_msg("%s does not load", path);
	}
	return in;
}

static void load_shipped(const char *path, void *ctx)
{
	(void)ctx;
	arena a;
	arena_init(&a);
	json_t *def = load(path);
	instrument *in = parse_or_fail(&a, path, def);
	/* The file is named after its id. */
	const char *base = strrchr(path, '/') + 1;
	assert_int_equal(strncmp(base, in->id, strlen(in->id)), 0);
	assert_string_equal(base + strlen(in->id), ".json");
	instr_release(in);
	json_decref(def);
	arena_free(&a);
}

static void shipped_definitions_load(void **state)
{
	(void)state;
	assert_int_equal(each_json(DEFS, load_shipped, NULL), 9);
}

static int numeq(json_t *got, json_t *want)
{
	if (json_is_null(want))
		return json_is_null(got);
	if (json_is_number(want))
		return json_is_number(got) &&
		       fabs(json_number_value(got) - json_number_value(want)) < 1e-9;
	return json_equal(got, want);
}

static void check_expect(const char *where, json_t *score, json_t *expect)
{
	const char *key;
	json_t *want;
	json_object_foreach(expect, key, want)
	{
		if (!strcmp(key, "band")) {
			json_t *band = json_object_get(score, "band");
			json_t *label =
			    json_is_object(band) ? json_object_get(band, "label") : band;
			if (!numeq(label, want))
				fail_msg("%s: band is %s, expected %s", where,
				         json_is_string(label) ? json_string_value(label) : "null",
				         json_is_string(want) ? json_string_value(want) : "null");
		} else if (!strcmp(key, "cutoffs")) {
			/* {"label": true/false} for each cut-off named */
			const char *lk;
			json_t *lv;
			json_object_foreach(want, lk, lv)
			{
				json_t *c, *hit = NULL;
				size_t i;
				json_array_foreach(
				    json_object_get(score, "cutoffs"), i,
				    c) if (!strcmp(json_string_value(json_object_get(c, "label")),
				                   lk)) hit = c;
				if (!hit)
					fail_msg("%s: no cut-off labelled %s", where, lk);
				if (!numeq(json_object_get(hit, "met"), lv))
					fail_msg("%s: cut-off %s met is wrong", where, lk);
			}
		} else if (!strcmp(key, "subscores")) {
			const char *sk;
			json_t *sv;
			json_object_foreach(want, sk, sv)
			{
				json_t *sub =
				    json_object_get(json_object_get(score, "subscores"), sk);
				if (!sub || !numeq(json_object_get(sub, "value"), sv))
					fail_msg("%s: subscore %s is %s", where, sk,
					         sub ? json_dumps(json_object_get(sub, "value"),
					                          JSON_ENCODE_ANY)
					             : "missing");
			}
		} else if (!strcmp(key, "flags")) {
			const char *fk;
			json_t *fv;
			json_object_foreach(
			    want, fk,
			    fv) if (!json_equal(json_object_get(json_object_get(score, "flags"),
			                                        fk),
			                        fv)) fail_msg("%s: flag %s is wrong", where, fk);
		} else {
			json_t *got = json_object_get(score, key);
			if (!got || !numeq(got, want)) {
				char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
				char *w = json_dumps(want, JSON_ENCODE_ANY);
				fail_msg("%s: %s is %s, expected %s", where, key, g ? g : "missing",
				         w);
			}
		}
	}
}

static void run_case_file(const char *path, void *ctx)
{
	int *total_cases = ctx;
	arena a;
	arena_init(&a);
	json_t *file = load(path);
	const char *id = json_string_value(json_object_get(file, "instrument"));
	assert_non_null(id);
	char defpath[256];
	snprintf(defpath, sizeof defpath, "%s/%s.json", DEFS, id);
	json_t *def = load(defpath);
	instrument *in = parse_or_fail(&a, defpath, def);
	json_t *cases = json_object_get(file, "cases"), *c;
	size_t i;
	json_array_foreach(cases, i, c)
	{
		const char *rule = json_string_value(json_object_get(c, "rule"));
		char where[400];
		snprintf(where, sizeof where, "%s case %zu (%s)", path, i, rule ? rule : "no rule");
		assert_non_null(rule); /* each case says which rule it checks */
		vctx v;
		vctx_init(&v, &a);
		instr_result r;
		int rc = instr_evaluate(&a, in, json_object_get(c, "answers"), &r, &v);
		json_t *errors = json_object_get(c, "errors");
		if (errors) {
			if (rc == 0)
				fail_msg("%s: expected errors, but it scored", where);
			json_t *e;
			size_t k;
			json_array_foreach(errors, k, e)
			{
				int found = 0;
				for (int m = 0; m < v.n; m++)
					found |= !strcmp(v.items[m].path, json_string_value(e));
				if (!found) {
					print_errors(where, &v);
					fail_msg("%s: no error at %s", where, json_string_value(e));
				}
			}
			if ((size_t)v.n != json_array_size(errors)) {
				print_errors(where, &v);
				fail_msg("%s: %d errors, expected %zu", where, v.n,
				         json_array_size(errors));
			}
		} else {
			if (rc) {
				print_errors(where, &v);
				fail_msg("%s: did not score", where);
			}
			json_t *score = instr_result_json(&r);
			check_expect(where, score, json_object_get(c, "expect"));
			json_decref(score);
		}
		(*total_cases)++;
	}
	if (json_array_size(cases) < 8)
		fail_msg("%s: only %zu cases; every instrument needs at least 8", path,
		         json_array_size(cases));
	instr_release(in);
	json_decref(def);
	json_decref(file);
	arena_free(&a);
}

static void scoring_cases(void **state)
{
	(void)state;
	int cases = 0;
	int files = each_json(CASES, run_case_file, &cases);
	/* Every shipped instrument has a case file. */
	assert_int_equal(files, 9);
	print_message("%d scoring cases in %d files\n", cases, files);
}

static void good_definition(const char *path, void *ctx)
{
	(void)ctx;
	arena a;
	arena_init(&a);
	json_t *def = load(path);
	instrument *in = parse_or_fail(&a, path, def);
	instr_release(in);
	json_decref(def);
	arena_free(&a);
}

static void bad_definition(const char *path, void *ctx)
{
	(void)ctx;
	arena a;
	arena_init(&a);
	json_t *file = load(path);
	vctx v;
	vctx_init(&v, &a);
	instrument *in = NULL;
	if (instr_parse(&a, json_object_get(file, "definition"), &in, &v) == 0)
		fail_msg("%s: a broken definition was accepted", path);
	json_t *e;
	size_t k;
	json_array_foreach(json_object_get(file, "errors"), k, e)
	{
		int found = 0;
		for (int m = 0; m < v.n; m++)
			found |= !strcmp(v.items[m].path, json_string_value(e));
		if (!found) {
			print_errors(path, &v);
			fail_msg("%s: no error at %s", path, json_string_value(e));
		}
	}
	json_decref(file);
	arena_free(&a);
}

static void test_definitions(void **state)
{
	(void)state;
	int good = each_json(TEST_DEFS "/good", good_definition, NULL);
	int bad = each_json(TEST_DEFS "/bad", bad_definition, NULL);
	print_message("%d good and %d bad test definitions\n", good, bad);
	assert_true(good >= 6); /* BPI, painDETECT, NPSI, EQ-5D, Norfolk QOL-DN, LANSS */
	assert_true(bad >= 8);
}

/* A profile score is built from answers that carry no points (EQ-5D-5L levels). */
static void profile_of_pointless_answers(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	json_t *def = load(TEST_DEFS "/good/eq5d5l.json");
	instrument *in = parse_or_fail(&a, "eq5d5l", def);
	json_t *answers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "mobility", "1", "self_care",
	                            "2", "usual_activities", "3", "pain_discomfort", "4",
	                            "anxiety_depression", "5", "vas", 70);
	vctx v;
	vctx_init(&v, &a);
	instr_result r;
	assert_int_equal(instr_evaluate(&a, in, answers, &r, &v), 0);
	json_t *score = instr_result_json(&r);
	json_t *profile = json_object_get(
	    json_object_get(json_object_get(score, "subscores"), "profile"), "value");
	assert_string_equal(json_string_value(profile), "12345");
	json_decref(score);
	json_decref(answers);
	instr_release(in);
	json_decref(def);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shipped_definitions_load),
	    cmocka_unit_test(scoring_cases),
	    cmocka_unit_test(test_definitions),
	    cmocka_unit_test(profile_of_pointless_answers),
	};
	return cmocka_run_group_tests_name("instrument", tests, NULL, NULL);
}
