/* Reading and checking the candidacy rules, and evaluating them against a patient's records for
 * every biologic. */
#include "candidacy.h"

#include <math.h>
#include <string.h>

#include "../util/jsonv.h"
#include "neuropathy.h"

const char *const cand_level_names[] = {"blocks", "caution", "note", NULL};
static const char *const check_names[] = {"diagnosis",    "medicine",        "test", "answer",
                                          "missing_test", "missing_answers", NULL};
static const char *const certainties[] = {"confirmed", "secondary", "unconfirmed", NULL};
static const char *const chronicities[] = {"recent", "chronic", NULL};

#define MAX_RULES 128
#define MAX_VALUES 16

/* The keys each check takes beyond the common ones: required, then optional. */
static const struct {
	const char *required[4];
	const char *optional[3];
} check_keys[] = {
    [CHECK_DIAGNOSIS] = {{NULL}, {"chronicity", "etiology", NULL}},
    [CHECK_MEDICINE] = {{"drug_class", NULL}, {NULL}},
    [CHECK_TEST] = {{"test", NULL}, {"above", "below", "within_days"}},
    [CHECK_ANSWER] = {{"instrument", "item", "any_of", NULL}, {"within_days", NULL}},
    [CHECK_MISSING_TEST] = {{"test", "within_days", NULL}, {"etiology", NULL}},
    [CHECK_MISSING_ANSWERS] = {{"instrument", "within_days", NULL}, {NULL}},
};
#define COMMON_KEYS 7 /* id .. source: every rule has them */
static const char *const rule_keys[] = {
    "id",     "level",  "biologics", "check",      "reason",      "certainty",
    "source", "test",   "above",     "below",      "within_days", "instrument",
    "item",   "any_of", "etiology",  "drug_class", "chronicity",  NULL};

static int in_list(const char *const *list, int n, const char *s)
{
	for (int i = 0; s && (n < 0 || i < n) && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int known_class(const char *s)
{
	return in_list(drug_classes, -1, s);
}

/* A list of 1..MAX_VALUES strings; ok() says whether one is known (NULL: any). */
static const char **read_values(vctx *v, json_t *r, const char *p, const char *key,
                                int (*ok)(const void *, const char *), const void *ctx, int *n)
{
	json_t *list = json_object_get(r, key);
	*n = 0;
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > MAX_VALUES) {
		v_add(v, v_path(v, p, key), "must be a list of 1 to %d names", MAX_VALUES);
		return NULL;
	}
	const char **out = arena_zalloc(v->a, sizeof(char *) * json_array_size(list));
	size_t i;
	json_t *s;
	json_array_foreach(list, i, s)
	{
		const char *ip = arena_printf(v->a, "%s.%s[%zu]", p, key, i);
		if (!json_is_string(s))
			v_add(v, ip, "must be a name");
		else if (ok && !ok(ctx, json_string_value(s)))
			v_add(v, ip, "%s is not known here", json_string_value(s));
		else
			out[(*n)++] = arena_strdup(v->a, json_string_value(s));
	}
	return out;
}

static int ok_etiology(const void *ctx, const char *s)
{
	(void)ctx;
	return in_list(etiology_names, -1, s);
}

static int ok_class(const void *ctx, const char *s)
{
	(void)ctx;
	return known_class(s);
}

static int ok_biologic(const void *ctx, const char *s)
{
	return biologic_find(ctx, s) != NULL;
}

static int ok_answer(const void *ctx, const char *s)
{
	const instr_item *it = ctx;
	for (int i = 0; it && i < it->n_options; i++)
		if (strcmp(it->options[i].value, s) == 0)
			return 1;
	return 0;
}

static const instr_item *find_item(const instrument *in, const char *id)
{
	for (int i = 0; in && id && i < in->n_items; i++)
		if (strcmp(in->items[i].id, id) == 0)
			return &in->items[i];
	return NULL;
}

/* The keys the check takes: each required one present, nothing of another check's. */
static void check_shape(vctx *v, json_t *r, const char *p, cand_check c)
{
	for (int i = 0; check_keys[c].required[i]; i++)
		if (!json_object_get(r, check_keys[c].required[i]))
			v_add(v, v_path(v, p, check_keys[c].required[i]),
			      "is required for a %s rule", check_names[c]);
	for (int i = COMMON_KEYS; rule_keys[i]; i++)
		if (json_object_get(r, rule_keys[i]) &&
		    !in_list(check_keys[c].required, -1, rule_keys[i]) &&
		    !in_list(check_keys[c].optional, 3, rule_keys[i]))
			v_add(v, v_path(v, p, rule_keys[i]), "is not used by a %s rule",
			      check_names[c]);
}

static void read_limits(vctx *v, json_t *r, const char *p, cand_rule *out)
{
	json_t *above = json_object_get(r, "above"), *below = json_object_get(r, "below");
	json_t *lim = above ? above : below;
	if (out->check == CHECK_TEST && (!above == !below))
		v_add(v, p, "a test rule needs one limit: above or below");
	else if (lim && !json_is_number(lim))
		v_add(v, v_path(v, p, above ? "above" : "below"), "must be a number");
	out->above = above != NULL;
	out->limit = lim ? json_number_value(lim) : NAN;
	json_t *d = json_object_get(r, "within_days");
	if (d && (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 3650))
		v_add(v, v_path(v, p, "within_days"), "must be a whole number of days, 1 to 3650");
	out->within_days = json_is_integer(d) ? (int)json_integer_value(d) : 0;
}

static void read_rule(vctx *v, json_t *r, const char *p, const treatment_set *set,
                      const instrument_set *ins, cand_rule *out)
{
	jv_no_unknown(v, r, p, rule_keys);
	out->id = jv_string(v, r, p, "id", 64, JV_REQUIRED, NULL);
	const char *level = jv_enum(v, r, p, "level", cand_level_names, JV_REQUIRED, NULL);
	const char *check = jv_enum(v, r, p, "check", check_names, JV_REQUIRED, NULL);
	out->reason = jv_string(v, r, p, "reason", 500, JV_REQUIRED, NULL);
	out->certainty = jv_enum(v, r, p, "certainty", certainties, JV_REQUIRED, NULL);
	out->source = jv_string(v, r, p, "source", 500, JV_REQUIRED, NULL);
	for (int i = 0; level && cand_level_names[i]; i++)
		if (strcmp(level, cand_level_names[i]) == 0)
			out->level = (cand_level)i;
	if (json_object_get(r, "biologics"))
		out->biologics =
		    read_values(v, r, p, "biologics", ok_biologic, set, &out->n_biologics);
	if (!check)
		return;
	for (int i = 0; check_names[i]; i++)
		if (strcmp(check, check_names[i]) == 0)
			out->check = (cand_check)i;
	check_shape(v, r, p, out->check);
	read_limits(v, r, p, out);
	out->chronicity = jv_enum(v, r, p, "chronicity", chronicities, JV_OPTIONAL, NULL);
	if (json_object_get(r, "etiology"))
		out->values = read_values(v, r, p, "etiology", ok_etiology, NULL, &out->n_values);
	if (json_object_get(r, "drug_class"))
		out->values = read_values(v, r, p, "drug_class", ok_class, NULL, &out->n_values);
	if (out->check == CHECK_DIAGNOSIS && !out->chronicity && !out->values)
		v_add(v, p, "a diagnosis rule needs chronicity or etiology");
	out->test = jv_string(v, r, p, "test", 64, JV_OPTIONAL, NULL);
	if (out->test && !obs_kind_find(out->test))
		v_add(v, v_path(v, p, "test"), "%s is not in the test catalogue", out->test);
	out->instrument = jv_string(v, r, p, "instrument", 64, JV_OPTIONAL, NULL);
	const instrument *in = out->instrument && ins ? instr_find(ins, out->instrument) : NULL;
	if (out->instrument && ins && !in)
		v_add(v, v_path(v, p, "instrument"), "%s is not a loaded instrument",
		      out->instrument);
	out->item = jv_string(v, r, p, "item", 64, JV_OPTIONAL, NULL);
	const instr_item *it = find_item(in, out->item);
	if (in && out->item && !it)
		v_add(v, v_path(v, p, "item"), "%s is not an item of %s", out->item, in->id);
	if (json_object_get(r, "any_of"))
		out->values =
		    read_values(v, r, p, "any_of", it ? ok_answer : NULL, it, &out->n_values);
}

int cand_rules_parse(arena *a, json_t *doc, const treatment_set *set,
                     const instrument_set *instruments, cand_rules *out, vctx *v)
{
	int start = v->n;
	static const char *const top[] = {"source", "rules", NULL};
	memset(out, 0, sizeof *out);
	if (!json_is_object(doc)) {
		v_add(v, "", "must be an object with rules");
		return -1;
	}
	jv_no_unknown(v, doc, NULL, top);
	out->source = jv_string(v, doc, NULL, "source", 1000, JV_REQUIRED, NULL);
	json_t *list = json_object_get(doc, "rules");
	if (!json_is_array(list) || json_array_size(list) > MAX_RULES) {
		v_add(v, "rules", "must be a list of at most %d rules", MAX_RULES);
		return -1;
	}
	out->rules = arena_zalloc(a, sizeof(cand_rule) * (json_array_size(list) + 1));
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r)
	{
		const char *p = arena_printf(a, "rules[%zu]", i);
		if (!json_is_object(r)) {
			v_add(v, p, "must be an object");
			continue;
		}
		cand_rule *rule = &out->rules[out->n];
		read_rule(v, r, p, set, instruments, rule);
		for (int k = 0; rule->id && k < out->n; k++)
			if (out->rules[k].id && strcmp(out->rules[k].id, rule->id) == 0)
				v_add(v, v_path(v, p, "id"), "%s is used by rules[%d] too",
				      rule->id, k);
		out->n++;
	}
	return v->n > start ? -1 : 0;
}
