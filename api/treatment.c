/* The treatment catalogue: the biologics with their regulatory class, and the protocols plans are
 * made from. Read-only; loaded at start-up. */

#include "../core/treatment.h"
#include "api.h"

static json_t *biologic_json(const biologic *b)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "id", b->id, "label", b->label,
	                 "regulatory_class", b->regulatory_class, "investigational",
	                 b->investigational, "class_confirmed", b->confirmed, "basis", b->basis);
}

int api_biologic_list(http_req *r)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	json_t *items = json_array();
	for (int i = 0; tx && i < tx->n_biologics; i++)
		json_array_append_new(items, biologic_json(&tx->biologics[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

static json_t *protocol_summary(const treatment_set *tx, const protocol *p)
{
	const biologic *b = biologic_find(tx, p->biologic);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:O?, s:i}", "id", p->id, "version", p->version,
	                      "title", p->title, "biologic", p->biologic, "summary",
	                      json_object_get(p->definition, "summary"), "steps", p->n_steps);
	json_object_set_new(o, "regulatory_class", json_string(b->regulatory_class));
	json_object_set_new(o, "investigational", json_boolean(b->investigational));
	return o;
}

int api_protocol_list(http_req *r)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	json_t *items = json_array();
	for (int i = 0; tx && i < tx->n_protocols; i++)
		json_array_append_new(items, protocol_summary(tx, tx->protocols[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int api_protocol_get(http_req *r)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	const protocol *p = protocol_find(tx, r->params[0]);
	if (!p)
		return http_fail(r, SW_ENOTFOUND, "protocol");
	json_t *o = protocol_summary(tx, p);
	json_object_set(o, "steps", json_object_get(p->definition, "steps"));
	json_object_set_new(o, "biologic_detail", biologic_json(biologic_find(tx, p->biologic)));
	return http_json(r, 200, o);
}
