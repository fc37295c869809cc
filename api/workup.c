/* The catalogues of the work-up: the clinical tests that can be recorded and the concomitant
 * medicines. The records themselves are kinds served by api/records.c. */
#include <math.h>
#include <string.h>

#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

/* ---- catalogues ---- */

int api_observation_kinds(http_req *r)
{
	json_t *items = json_array();
	for (const obs_kind *k = obs_kinds; k->kind; k++) {
		json_t *units = json_array();
		if (k->unit)
			json_array_append_new(units, json_string(k->unit));
		for (const obs_unit *u = k->other_units; u && u->unit; u++)
			json_array_append_new(units, json_string(u->unit));
		json_t *o =
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:s?}", "kind", k->kind, "label",
		              k->label, "code_system", k->code_system, "code", k->code, "type",
		              k->type == OBS_NUMBER  ? "number"
		              : k->type == OBS_GRADE ? "grade"
		                                     : "monofilament",
		              "units", units, "sided", k->sided, "rule", k->rule);
		if (k->type == OBS_NUMBER) {
			json_object_set_new(o, "min", json_real(k->min));
			json_object_set_new(o, "max", json_real(k->max));
		}
		if (k->grades || k->sites) {
			json_t *list = json_array();
			for (const char *const *g = k->grades ? k->grades : k->sites; *g; g++)
				json_array_append_new(list, json_string(*g));
			json_object_set_new(o, k->grades ? "grades" : "sites", list);
		}
		json_array_append_new(items, o);
	}
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int api_medication_catalogue(http_req *r)
{
	json_t *items = json_array(), *classes = json_array();
	for (const drug_entry *d = drugs; d->drug; d++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s?}", "drug", d->drug, "label",
		                                       d->label, "drug_class", d->drug_class));
	for (const char *const *c = drug_classes; *c; c++)
		json_array_append_new(classes, json_string(*c));
	return http_json(
	    r, 200,
	    json_pack("{s:o, s:n, s:o}", "items", items, "next_cursor", "drug_classes", classes));
}
