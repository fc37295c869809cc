/* Reading and checking the appointment types file, and what a type needs. */
#include "appt_type.h"

#include <ctype.h>
#include <string.h>

#include "../util/jsonv.h"
#include "resource.h"
#include "treatment.h"

static int id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 48)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* A list of needs at path, each a list of distinct resource kinds, into needs[] (*n of them); room
 * is how many may be read. */
static void read_needs(vctx *v, const char *path, json_t *list, unsigned *needs, int *n, int room)
{
	*n = 0;
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > (size_t)room) {
		v_add(v, path,
		      "must be a list of needs (at most %d in all), each a list of the resource "
		      "kinds that can fill it, such as [[\"clinician\"], [\"ultrasound_room\"]]",
		      SLOT_MAX_NEEDS);
		return;
	}
	size_t i, k;
	json_t *need, *kind;
	json_array_foreach(list, i, need)
	{
		const char *p = arena_printf(v->a, "%s[%zu]", path, i);
		unsigned mask = 0;
		if (!json_is_array(need) || json_array_size(need) == 0) {
			v_add(v, p, "must be a list of one or more resource kinds");
			continue;
		}
		json_array_foreach(need, k, kind)
		{
			int r = resource_kind_of(json_string_value(kind));
			if (r < 0 || (mask & (1u << r)))
				v_add(v, arena_printf(v->a, "%s[%zu]", p, k),
				      "must be one of clinician, nurse, procedure_room, "
				      "ultrasound_room or cell_processor, once each");
			else
				mask |= 1u << r;
		}
		needs[(*n)++] = mask;
	}
}

static void read_type(vctx *v, const char *p, json_t *o, const treatment_set *tx, appt_type *t)
{
	static const char *const keys[] = {"id", "label", "minutes", "needs", "needs_for_biologic",
	                                   NULL};
	if (!json_is_object(o)) {
		v_add(v, p, "must be an object");
		return;
	}
	jv_no_unknown(v, o, p, keys);
	t->id = jv_string(v, o, p, "id", 48, JV_REQUIRED, NULL);
	if (t->id && !id_ok(t->id))
		v_add(v, v_path(v, p, "id"), "must be lower-case letters, digits or _");
	t->label = jv_string(v, o, p, "label", 100, JV_REQUIRED, NULL);
	json_t *m = json_object_get(o, "minutes");
	if (!json_is_integer(m) || json_integer_value(m) < 5 || json_integer_value(m) > 480 ||
	    json_integer_value(m) % 5)
		v_add(v, v_path(v, p, "minutes"),
		      "must be a whole number of minutes from 5 to 480, "
		      "a multiple of 5");
	else
		t->minutes = (int)json_integer_value(m);
	read_needs(v, v_path(v, p, "needs"), json_object_get(o, "needs"), t->needs, &t->n_needs,
	           SLOT_MAX_NEEDS);
	json_t *by = json_object_get(o, "needs_for_biologic");
	if (by && (!json_is_object(by) || json_object_size(by) > APPT_MAX_VARIANTS)) {
		v_add(v, v_path(v, p, "needs_for_biologic"),
		      "must be an object of at most %d biologics, each with the needs it adds",
		      APPT_MAX_VARIANTS);
		return;
	}
	const char *key;
	json_t *val;
	json_object_foreach(by, key, val)
	{
		const char *bp = arena_printf(v->a, "%s.needs_for_biologic.%s", p, key);
		appt_variant *var = &t->variants[t->n_variants++];
		var->biologic = arena_strdup(v->a, key);
		if (!biologic_find(tx, key))
			v_add(v, bp, "%s is not in the biologics file", key);
		read_needs(v, bp, val, var->needs, &var->n_needs, SLOT_MAX_NEEDS - t->n_needs);
	}
}

/* "step_kinds": every plan step kind once, each a type id or null. */
static void read_steps(vctx *v, json_t *o, appt_types *out)
{
	if (!json_is_object(o)) {
		v_add(v, "step_kinds",
		      "must be an object naming, for every plan step kind, the appointment type it "
		      "is booked as (or null)");
		return;
	}
	jv_no_unknown(v, o, "step_kinds", step_kinds);
	for (int i = 0; step_kinds[i] && i < APPT_MAX_STEP_KINDS; i++) {
		const char *p = v_path(v, "step_kinds", step_kinds[i]);
		json_t *val = json_object_get(o, step_kinds[i]);
		if (!val)
			v_add(v, p,
			      "is missing: name its appointment type, or null if it is not "
			      "booked on its own");
		else if (!json_is_null(val) &&
		         !(out->by_step[i] = appt_type_find(out, json_string_value(val))))
			v_add(v, p, "must be one of the types listed, or null");
	}
}

int appt_types_parse(arena *a, json_t *doc, const treatment_set *tx, appt_types *out, vctx *v)
{
	static const char *const keys[] = {"types", "step_kinds", "grid_minutes", "source", NULL};
	int start = v->n;
	memset(out, 0, sizeof *out);
	if (!json_is_object(doc)) {
		v_add(v, "", "must be an object with types and step_kinds");
		return -1;
	}
	jv_no_unknown(v, doc, NULL, keys);
	json_t *g = json_object_get(doc, "grid_minutes");
	if (g && !json_is_null(g) &&
	    (!json_is_integer(g) || json_integer_value(g) < 5 || json_integer_value(g) > 240))
		v_add(v, "grid_minutes",
		      "must be a whole number of minutes from 5 to 240, or null");
	else if (g && json_is_integer(g))
		out->grid_minutes = (int)json_integer_value(g);
	json_t *list = json_object_get(doc, "types");
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > APPT_MAX_TYPES) {
		v_add(v, "types", "must be a list of 1 to %d appointment types", APPT_MAX_TYPES);
		return -1;
	}
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o)
	{
		const char *p = arena_printf(a, "types[%zu]", i);
		appt_type *t = &out->types[out->n];
		read_type(v, p, o, tx, t);
		if (t->id && appt_type_find(out, t->id))
			v_add(v, v_path(v, p, "id"), "%s is listed twice", t->id);
		out->n++;
	}
	read_steps(v, json_object_get(doc, "step_kinds"), out);
	return v->n == start ? 0 : -1;
}

const appt_type *appt_type_find(const appt_types *t, const char *id)
{
	for (int i = 0; t && id && i < t->n; i++)
		if (t->types[i].id && strcmp(t->types[i].id, id) == 0)
			return &t->types[i];
	return NULL;
}

const appt_type *appt_type_for_step(const appt_types *t, const char *step_kind)
{
	for (int i = 0; step_kind && step_kinds[i] && i < APPT_MAX_STEP_KINDS; i++)
		if (strcmp(step_kinds[i], step_kind) == 0)
			return t->by_step[i];
	return NULL;
}

int appt_type_varies(const appt_type *t)
{
	return t->n_variants > 0;
}

int appt_type_needs(const appt_type *t, const char *bio, unsigned out[SLOT_MAX_NEEDS])
{
	int n = 0;
	for (int i = 0; i < t->n_needs && n < SLOT_MAX_NEEDS; i++)
		out[n++] = t->needs[i];
	for (int k = 0; bio && k < t->n_variants; k++)
		if (strcmp(t->variants[k].biologic, bio) == 0)
			for (int i = 0; i < t->variants[k].n_needs && n < SLOT_MAX_NEEDS; i++)
				out[n++] = t->variants[k].needs[i];
	return n;
}

json_t *appt_needs_json(const unsigned *needs, int n)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		json_t *kinds = json_array();
		for (int k = 0; k < RES_KIND_COUNT; k++)
			if (needs[i] & (1u << k))
				json_array_append_new(kinds, json_string(resource_kinds[k]));
		json_array_append_new(list, kinds);
	}
	return list;
}

const char *appt_needs_text(arena *a, const unsigned *needs, int n)
{
	const char *out = "";
	for (int i = 0; i < n; i++) {
		const char *one = "";
		for (int k = 0; k < RES_KIND_COUNT; k++)
			if (needs[i] & (1u << k))
				one = arena_printf(a, "%s%s%s", one, *one ? " or " : "",
				                   resource_kinds[k]);
		out = arena_printf(a, "%s%s%s", out,
		                   i == 0       ? ""
		                   : i == n - 1 ? " and "
		                                : ", ",
		                   one);
	}
	return out;
}

json_t *appt_types_to_json(const appt_types *t)
{
	json_t *items = json_array(), *steps = json_object();
	for (int i = 0; i < t->n; i++) {
		const appt_type *ty = &t->types[i];
		json_t *o =
		    json_pack("{s:s, s:s, s:i, s:o}", "id", ty->id, "label", ty->label, "minutes",
		              ty->minutes, "needs", appt_needs_json(ty->needs, ty->n_needs));
		if (ty->n_variants) {
			json_t *by = json_object();
			for (int k = 0; k < ty->n_variants; k++)
				json_object_set_new(by, ty->variants[k].biologic,
				                    appt_needs_json(ty->variants[k].needs,
				                                    ty->variants[k].n_needs));
			json_object_set_new(o, "needs_for_biologic", by);
		}
		json_array_append_new(items, o);
	}
	for (int i = 0; step_kinds[i] && i < APPT_MAX_STEP_KINDS; i++)
		json_object_set_new(steps, step_kinds[i],
		                    t->by_step[i] ? json_string(t->by_step[i]->id) : json_null());
	return json_pack("{s:o, s:o, s:o}", "items", items, "step_kinds", steps, "grid_minutes",
	                 t->grid_minutes ? json_integer(t->grid_minutes) : json_null());
}
