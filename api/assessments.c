/* Instruments: the definitions the UI draws forms from. Assessments (a patient's scored
 * instruments) are a record kind (core/assessment.c) served by api/records.c. */
#include <string.h>

#include "../core/instrument.h"
#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

static json_t *summary(const instrument *in)
{
	json_t *d = in->definition;
	return json_pack("{s:s, s:s, s:s, s:O?, s:O?, s:O?, s:O?}", "id", in->id, "version",
	                 in->version, "title", in->title, "citation",
	                 json_object_get(d, "citation"), "licence", json_object_get(d, "licence"),
	                 "administration", json_object_get(d, "administration"), "codes",
	                 json_object_get(d, "codes"));
}

int api_instrument_list(http_req *r)
{
	json_t *items = json_array();
	const instrument_set *set = r->srv->cfg.instruments;
	for (int i = 0; set && i < set->n; i++)
		json_array_append_new(items, summary(set->items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

/* The form as the UI draws it: items with sides expanded, their answers and points, and the
 * scores each item counts towards (what a skipped answer affects). */
static json_t *form(const instrument *in)
{
	json_t *items = json_array();
	for (int i = 0; i < in->n_items; i++) {
		const instr_item *it = &in->items[i];
		json_t *scores = json_array();
		for (int s = 0; s < in->n_scores; s++)
			for (int k = 0; k < in->scores[s].n_items; k++)
				if (in->scores[s].items[k] == i) {
					json_array_append_new(scores,
					                      json_string(in->scores[s].id));
					break;
				}
		json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:b, s:b, s:o}", "id", it->id, "text",
		                      it->text, "section", it->section, "type",
		                      it->type == ITEM_INTEGER ? "integer" : "choice", "required",
		                      it->required, "scored", it->scored, "scores", scores);
		if (it->type == ITEM_INTEGER) {
			json_object_set_new(o, "min", json_integer(it->min));
			json_object_set_new(o, "max", json_integer(it->max));
		} else {
			json_t *opts = json_array();
			for (int k = 0; k < it->n_options; k++)
				json_array_append_new(
				    opts,
				    json_pack("{s:s, s:s, s:o}", "value", it->options[k].value,
				              "label", it->options[k].label, "points",
				              it->options[k].has_points
				                  ? json_real(it->options[k].points)
				                  : json_null()));
			json_object_set_new(o, "answers", opts);
		}
		json_array_append_new(items, o);
	}
	return items;
}

int api_instrument_get(http_req *r)
{
	const instrument *in = instr_find(r->srv->cfg.instruments, r->params[0]);
	if (!in)
		return http_fail(r, SW_ENOTFOUND, "instrument");
	json_t *o = summary(in);
	json_object_set_new(o, "form", form(in));
	json_object_set(o, "definition", in->definition);
	return http_json(r, 200, o);
}
