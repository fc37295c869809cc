/* Reading and checking the biologics file and the protocol files, and scheduling a protocol's steps
 * from a plan's start date. */
#include "treatment.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../util/jsonv.h"

const char *const step_kinds[] = {"consultation", "workup",    "blood_draw", "harvest",
                                  "processing",   "injection", "follow_up",  NULL};

/* An id of lower-case letters, digits, - and _, 1..48 long. */
static int id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 48)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-' &&
		    *s != '_')
			return 0;
	return 1;
}

static int want_bool(vctx *v, json_t *o, const char *prefix, const char *key)
{
	json_t *b = json_object_get(o, key);
	if (!json_is_boolean(b)) {
		v_add(v, v_path(v, prefix, key), "must be true or false");
		return 0;
	}
	return json_is_true(b);
}

int biologics_parse(arena *a, json_t *doc, treatment_set *set, vctx *v)
{
	int start = v->n;
	static const char *const top[] = {"biologics", "source", NULL};
	static const char *const keys[] = {
	    "id", "label", "regulatory_class", "investigational", "confirmed", "basis", NULL};
	if (!json_is_object(doc)) {
		v_add(v, "", "must be an object with biologics");
		return -1;
	}
	jv_no_unknown(v, doc, NULL, top);
	json_t *list = json_object_get(doc, "biologics");
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 32) {
		v_add(v, "biologics", "must be a list of 1 to 32 biologics");
		return -1;
	}
	set->biologics = arena_zalloc(a, sizeof(biologic) * json_array_size(list));
	set->n_biologics = 0;
	size_t i;
	json_t *b;
	json_array_foreach(list, i, b)
	{
		const char *p = arena_printf(a, "biologics[%zu]", i);
		if (!json_is_object(b)) {
			v_add(v, p, "must be an object");
			continue;
		}
		jv_no_unknown(v, b, p, keys);
		biologic *out = &set->biologics[set->n_biologics++];
		out->id = jv_string(v, b, p, "id", 48, JV_REQUIRED, NULL);
		if (out->id && !id_ok(out->id))
			v_add(v, v_path(v, p, "id"), "must be lower-case letters, digits, - or _");
		for (int k = 0; out->id && k < set->n_biologics - 1; k++)
			if (strcmp(set->biologics[k].id, out->id) == 0)
				v_add(v, v_path(v, p, "id"), "%s is listed twice", out->id);
		out->label = jv_string(v, b, p, "label", 100, JV_REQUIRED, NULL);
		out->regulatory_class =
		    jv_string(v, b, p, "regulatory_class", 48, JV_REQUIRED, NULL);
		out->basis = jv_string(v, b, p, "basis", 1000, JV_REQUIRED, NULL);
		out->investigational = want_bool(v, b, p, "investigational");
		out->confirmed = want_bool(v, b, p, "confirmed");
	}
	return v->n == start ? 0 : -1;
}

const biologic *biologic_find(const treatment_set *set, const char *id)
{
	for (int i = 0; set && id && i < set->n_biologics; i++)
		if (strcmp(set->biologics[i].id, id) == 0)
			return &set->biologics[i];
	return NULL;
}

const protocol *protocol_find(const treatment_set *set, const char *id)
{
	for (int i = 0; set && id && i < set->n_protocols; i++)
		if (strcmp(set->protocols[i]->id, id) == 0)
			return set->protocols[i];
	return NULL;
}

/* A whole number in [lo, hi] at key, or -1 with the error recorded. */
static int whole(vctx *v, json_t *o, const char *p, const char *key, int lo, int hi)
{
	json_t *n = json_object_get(o, key);
	if (!json_is_integer(n) || json_integer_value(n) < lo || json_integer_value(n) > hi) {
		v_add(v, v_path(v, p, key), "must be a whole number from %d to %d", lo, hi);
		return -1;
	}
	return (int)json_integer_value(n);
}

static void read_step(vctx *v, json_t *s, const char *p, const instrument_set *instruments,
                      protocol_step *out)
{
	static const char *const keys[] = {"kind",   "day",      "after_first_injection",
	                                   "window", "optional", "instruments",
	                                   "note",   NULL};
	jv_no_unknown(v, s, p, keys);
	out->kind = jv_enum(v, s, p, "kind", step_kinds, JV_REQUIRED, NULL);
	json_t *day = json_object_get(s, "day"),
	       *after = json_object_get(s, "after_first_injection");
	if ((day != NULL) == (after != NULL))
		v_add(v, p,
		      "needs exactly one of day (from the plan's start) and "
		      "after_first_injection");
	else if (day)
		out->day = whole(v, s, p, "day", 0, 3650);
	else {
		out->day = whole(v, s, p, "after_first_injection", 1, 3650);
		out->after_injection = 1;
	}
	json_t *w = json_object_get(s, "window");
	if (w &&
	    (!json_is_array(w) || json_array_size(w) != 2 ||
	     !json_is_integer(json_array_get(w, 0)) || !json_is_integer(json_array_get(w, 1)) ||
	     json_integer_value(json_array_get(w, 0)) < 0 ||
	     json_integer_value(json_array_get(w, 1)) < 0 ||
	     json_integer_value(json_array_get(w, 0)) > 365 ||
	     json_integer_value(json_array_get(w, 1)) > 365))
		v_add(v, v_path(v, p, "window"),
		      "must be [days before, days after], each a whole number from 0 to 365");
	else if (w) {
		out->before = (int)json_integer_value(json_array_get(w, 0));
		out->after = (int)json_integer_value(json_array_get(w, 1));
	}
	if (json_object_get(s, "optional"))
		out->optional = want_bool(v, s, p, "optional");
	json_t *ins = json_object_get(s, "instruments");
	int follow_up = out->kind && strcmp(out->kind, "follow_up") == 0;
	if (ins && !follow_up)
		v_add(v, v_path(v, p, "instruments"), "are only for follow_up steps");
	else if (follow_up && (!json_is_array(ins) || json_array_size(ins) == 0 ||
	                       json_array_size(ins) > STEP_MAX_INSTRUMENTS))
		v_add(v, v_path(v, p, "instruments"),
		      "must list 1 to %d instruments due at the follow-up", STEP_MAX_INSTRUMENTS);
	else if (ins) {
		size_t i;
		json_t *id;
		json_array_foreach(ins, i, id)
		{
			const char *ip = arena_printf(v->a, "%s.instruments[%zu]", p, i);
			if (!json_is_string(id))
				v_add(v, ip, "must be an instrument id");
			else if (instruments && !instr_find(instruments, json_string_value(id)))
				v_add(v, ip, "%s is not a loaded instrument",
				      json_string_value(id));
			else
				out->instruments[out->n_instruments++] = json_string_value(id);
		}
	}
}

int protocol_parse(arena *a, json_t *doc, const treatment_set *set,
                   const instrument_set *instruments, protocol **out, vctx *v)
{
	int start = v->n;
	static const char *const keys[] = {"id",      "version", "title",  "biologic",
	                                   "summary", "steps",   "source", NULL};
	*out = NULL;
	if (!json_is_object(doc)) {
		v_add(v, "", "must be an object");
		return -1;
	}
	jv_no_unknown(v, doc, NULL, keys);
	protocol *p = arena_zalloc(a, sizeof *p);
	p->id = jv_string(v, doc, NULL, "id", 48, JV_REQUIRED, NULL);
	if (p->id && !id_ok(p->id))
		v_add(v, "id", "must be lower-case letters, digits, - or _");
	p->version = jv_string(v, doc, NULL, "version", 16, JV_REQUIRED, NULL);
	p->title = jv_string(v, doc, NULL, "title", 200, JV_REQUIRED, NULL);
	jv_string(v, doc, NULL, "summary", 2000, JV_OPTIONAL, NULL);
	p->biologic = jv_string(v, doc, NULL, "biologic", 48, JV_REQUIRED, NULL);
	if (p->biologic && !biologic_find(set, p->biologic))
		v_add(v, "biologic", "%s is not in the biologics file", p->biologic);
	json_t *steps = json_object_get(doc, "steps");
	if (!json_is_array(steps) || json_array_size(steps) == 0 ||
	    json_array_size(steps) > PROTOCOL_MAX_STEPS) {
		v_add(v, "steps", "must be a list of 1 to %d steps", PROTOCOL_MAX_STEPS);
		return -1;
	}
	size_t i;
	json_t *s;
	int injections = 0;
	json_array_foreach(steps, i, s)
	{
		const char *sp = arena_printf(a, "steps[%zu]", i);
		if (!json_is_object(s)) {
			v_add(v, sp, "must be an object");
			continue;
		}
		protocol_step *st = &p->steps[p->n_steps++];
		read_step(v, s, sp, instruments, st);
		if (st->kind && strcmp(st->kind, "injection") == 0 && !st->after_injection &&
		    !st->optional)
			injections++;
	}
	if (v->n == start && injections == 0)
		v_add(v, "steps",
		      "must have an injection that is not optional and counts from the "
		      "plan's start (the day 0 of every outcome)");
	if (v->n != start)
		return -1;
	p->definition = json_incref(doc);
	*out = p;
	return 0;
}

void protocol_release(protocol *p)
{
	if (p)
		json_decref(p->definition);
}

int protocol_schedule(const protocol *p, civil_date start, scheduled_step *out)
{
	/* The first injection: the earliest non-optional injection counted from the start. */
	int first = -1;
	for (int i = 0; i < p->n_steps; i++) {
		const protocol_step *s = &p->steps[i];
		if (strcmp(s->kind, "injection") == 0 && !s->after_injection && !s->optional &&
		    (first < 0 || s->day < first))
			first = s->day;
	}
	for (int i = 0; i < p->n_steps; i++) {
		const protocol_step *s = &p->steps[i];
		long day = s->after_injection ? first + s->day : s->day;
		out[i].ps = s;
		out[i].due = date_add_days(start, day);
		out[i].from = date_add_days(start, day - s->before);
		out[i].to = date_add_days(start, day + s->after);
	}
	return p->n_steps;
}

int consent_doc_parse(arena *a, json_t *doc, const treatment_set *set, consent_doc **out, vctx *v)
{
	int start = v->n;
	static const char *const keys[] = {"id", "version", "biologic", "title", "sections", NULL};
	static const char *const skeys[] = {"heading", "text", NULL};
	*out = NULL;
	if (!json_is_object(doc)) {
		v_add(v, "", "must be an object");
		return -1;
	}
	jv_no_unknown(v, doc, NULL, keys);
	consent_doc *d = arena_zalloc(a, sizeof *d);
	d->id = jv_string(v, doc, NULL, "id", 48, JV_REQUIRED, NULL);
	if (d->id && !id_ok(d->id))
		v_add(v, "id", "must be lower-case letters, digits, - or _");
	d->version = jv_string(v, doc, NULL, "version", 8, JV_REQUIRED, NULL);
	char *end = NULL;
	if (d->version && (strtol(d->version, &end, 10) < 1 || *end))
		v_add(v, "version", "must be a whole number from 1, as text (\"1\")");
	d->biologic = jv_string(v, doc, NULL, "biologic", 48, JV_REQUIRED, NULL);
	if (d->biologic && !biologic_find(set, d->biologic))
		v_add(v, "biologic", "%s is not in the biologics file", d->biologic);
	d->title = jv_string(v, doc, NULL, "title", 200, JV_REQUIRED, NULL);
	json_t *sections = json_object_get(doc, "sections");
	size_t i;
	json_t *sec;
	if (!json_is_array(sections) || json_array_size(sections) == 0)
		v_add(v, "sections", "must be a list of sections, each {heading, text}");
	else
		json_array_foreach(sections, i, sec)
		{
			const char *sp = arena_printf(a, "sections[%zu]", i);
			if (!json_is_object(sec)) {
				v_add(v, sp, "must be an object");
				continue;
			}
			jv_no_unknown(v, sec, sp, skeys);
			jv_string(v, sec, sp, "heading", 200, JV_REQUIRED, NULL);
			jv_string(v, sec, sp, "text", 5000, JV_REQUIRED, NULL);
		}
	if (v->n != start)
		return -1;
	d->definition = json_incref(doc);
	*out = d;
	return 0;
}

void consent_doc_release(consent_doc *d)
{
	if (d)
		json_decref(d->definition);
}

const consent_doc *consent_doc_find(const treatment_set *set, const char *id, const char *version)
{
	const consent_doc *best = NULL;
	for (int i = 0; set && id && i < set->n_documents; i++) {
		const consent_doc *d = set->documents[i];
		if (strcmp(d->id, id) != 0)
			continue;
		if (version && strcmp(d->version, version) == 0)
			return d;
		if (!version && (!best || atoi(d->version) > atoi(best->version)))
			best = d;
	}
	return best;
}
