/* Evaluating the candidacy rules against one patient's records: each rule once, each finding
 * with the records it came from, then per biologic the findings of the rules that apply to it,
 * blocks first. Ended records (voided, entered in error) and resolved diagnoses do not count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candidacy.h"
#include "neuropathy.h"

typedef struct since {
	char date[11]; /* "" when the rule looks at any date */
} since;

static since since_of(const cand_input *in, int within_days)
{
	since s = {""};
	if (within_days > 0)
		date_format(date_add_days(in->today, -within_days), s.date);
	return s;
}

static int on_or_after(const char *date, const since *s)
{
	return date && strncmp(date, s->date, 10) >= 0;
}

static json_t *source_of(const rec_kind *k, const char *id, const char *date, const char *label)
{
	return json_pack("{s:s, s:s, s:s++, s:s?, s:s?}", "kind", k->name, "id", id, "href",
	                 k->path, "/", id, "date", date, "label", label);
}

static json_t *obs_source(const observation *o)
{
	json_t *s =
	    source_of(&rk_observation, o->id, o->performed_on, o->k ? o->k->label : o->kind);
	json_object_set_new(s, "value", o->has_value ? json_real(o->value) : json_null());
	json_object_set_new(s, "unit", o->unit ? json_string(o->unit) : json_null());
	return s;
}

/* The latest live result of test on or after s (any date when s is empty), or NULL. */
static const observation *latest_obs(const cand_input *in, const char *test, const since *s)
{
	const observation *best = NULL;
	for (int i = 0; i < in->n_observations; i++) {
		const observation *o = &in->observations[i];
		if (rec_ended(&rk_observation, o) || strcmp(o->kind, test) != 0 ||
		    !on_or_after(o->performed_on, s))
			continue;
		if (!best || strcmp(o->performed_on, best->performed_on) >= 0)
			best = o;
	}
	return best;
}

static const assessment *latest_answers(const cand_input *in, const char *instr_id, const since *s)
{
	const assessment *best = NULL;
	for (int i = 0; i < in->n_assessments; i++) {
		const assessment *a = &in->assessments[i];
		if (rec_ended(&rk_assessment, a) || strcmp(a->instrument_id, instr_id) != 0 ||
		    !on_or_after(a->performed_at, s))
			continue;
		if (!best || strcmp(a->performed_at, best->performed_at) >= 0)
			best = a;
	}
	return best;
}

static json_t *answers_source(const assessment *a, const char *item, const char *answer)
{
	char date[11];
	snprintf(date, sizeof date, "%.10s", a->performed_at);
	json_t *s = source_of(&rk_assessment, a->id, date, a->instrument_id);
	if (item)
		json_object_set_new(s, "item", json_string(item));
	if (answer)
		json_object_set_new(s, "value", json_string(answer));
	return s;
}

static int matches(const cand_rule *r, const char *s)
{
	for (int i = 0; s && i < r->n_values; i++)
		if (strcmp(r->values[i], s) == 0)
			return 1;
	return 0;
}

/* Active diagnoses that match the rule's chronicity and etiology, appended to records. */
static void diagnoses(const cand_rule *r, const cand_input *in, json_t *records)
{
	for (int i = 0; i < in->n_conditions; i++) {
		const condition *c = &in->conditions[i];
		if (strcmp(c->status, "active") != 0 || (r->values && !matches(r, c->etiology)))
			continue;
		civil_date onset;
		int known = c->onset_date && date_parse_partial(c->onset_date, &onset) == 0;
		nerve_duration d =
		    neuropathy_duration(known ? &onset : NULL, in->today, in->chronic_months);
		if (r->chronicity && strcmp(chronicity_name(d), r->chronicity) != 0)
			continue;
		const icd10_entry *e = icd10_lookup(c->icd10);
		json_array_append_new(records,
		                      source_of(&rk_condition, c->id,
		                                c->onset_date ? c->onset_date : c->diagnosed_date,
		                                e ? e->description : c->icd10));
	}
}

static void medicines(const cand_rule *r, const cand_input *in, json_t *records)
{
	char today[11];
	date_format(in->today, today);
	for (int i = 0; i < in->n_medications; i++) {
		const medication *m = &in->medications[i];
		if (rec_ended(&rk_medication, m) || !matches(r, m->drug_class) ||
		    (m->start_date && strcmp(m->start_date, today) > 0) ||
		    (m->stop_date && strcmp(m->stop_date, today) < 0))
			continue;
		const drug_entry *e = drug_find(m->drug);
		json_array_append_new(records, source_of(&rk_medication, m->id, m->start_date,
		                                         e ? e->label : m->drug));
	}
}

/* Fills records with what the rule found; 1 when it fires. */
static int run(const cand_rule *r, const cand_input *in, json_t *records)
{
	since s = since_of(in, r->within_days), any = {""};
	switch (r->check) {
	case CHECK_DIAGNOSIS: diagnoses(r, in, records); break;
	case CHECK_MEDICINE: medicines(r, in, records); break;
	case CHECK_TEST: {
		const observation *o = latest_obs(in, r->test, &s);
		if (o && o->has_value && (r->above ? o->value > r->limit : o->value < r->limit))
			json_array_append_new(records, obs_source(o));
		break;
	}
	case CHECK_ANSWER: {
		const assessment *a = latest_answers(in, r->instrument, &s);
		json_t *ans = a ? json_loads(a->answers, 0, NULL) : NULL;
		const char *v = json_string_value(json_object_get(ans, r->item));
		if (matches(r, v))
			json_array_append_new(records, answers_source(a, r->item, v));
		json_decref(ans);
		break;
	}
	case CHECK_MISSING_TEST: {
		json_t *dx = json_array();
		if (r->values) /* only for a patient with such a diagnosis */
			diagnoses(r, in, dx);
		int applies = !r->values || json_array_size(dx) > 0;
		json_decref(dx);
		if (!applies || latest_obs(in, r->test, &s))
			return 0;
		const observation *old = latest_obs(in, r->test, &any);
		if (old)
			json_array_append_new(records, obs_source(old));
		return 1;
	}
	case CHECK_MISSING_ANSWERS: {
		if (latest_answers(in, r->instrument, &s))
			return 0;
		const assessment *old = latest_answers(in, r->instrument, &any);
		if (old)
			json_array_append_new(records, answers_source(old, NULL, NULL));
		return 1;
	}
	}
	return json_array_size(records) > 0;
}

static int applies_to(const cand_rule *r, const char *bio)
{
	if (!r->biologics)
		return 1;
	for (int i = 0; i < r->n_biologics; i++)
		if (strcmp(r->biologics[i], bio) == 0)
			return 1;
	return 0;
}

json_t *cand_evaluate(const cand_rules *rules, const treatment_set *set, const cand_input *in)
{
	json_t **found = calloc((size_t)rules->n + 1, sizeof(json_t *));
	for (int i = 0; found && i < rules->n; i++) {
		const cand_rule *r = &rules->rules[i];
		json_t *records = json_array();
		if (!run(r, in, records)) {
			json_decref(records);
			continue;
		}
		int missing = r->check == CHECK_MISSING_TEST || r->check == CHECK_MISSING_ANSWERS;
		found[i] = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "level",
		                     cand_level_names[r->level], "rule", r->id, "reason", r->reason,
		                     "certainty", r->certainty, "source", r->source, "missing",
		                     missing, "records", records);
	}
	char today[11];
	date_format(in->today, today);
	json_t *out = json_pack("{s:s, s:s, s:[]}", "evaluated_on", today, "source", rules->source,
	                        "biologics");
	json_t *list = json_object_get(out, "biologics");
	for (int b = 0; b < set->n_biologics; b++) {
		const biologic *bio = &set->biologics[b];
		json_t *findings = json_array();
		int count[3] = {0, 0, 0};
		for (int level = CAND_BLOCKS; level <= CAND_NOTE; level++)
			for (int i = 0; found && i < rules->n; i++)
				if (found[i] && rules->rules[i].level == (cand_level)level &&
				    applies_to(&rules->rules[i], bio->id)) {
					json_array_append(findings, found[i]);
					count[level]++;
				}
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:o}", "biologic", bio->id,
		                    "label", bio->label, "regulatory_class", bio->regulatory_class,
		                    "investigational", bio->investigational, "blocks",
		                    count[CAND_BLOCKS], "cautions", count[CAND_CAUTION], "notes",
		                    count[CAND_NOTE], "findings", findings));
	}
	for (int i = 0; found && i < rules->n; i++)
		json_decref(found[i]);
	free(found);
	return out;
}
