/* Instruments and assessments: the definitions the UI draws forms from, and a patient's scored
 * instruments (record, list, read, void). */
#include <string.h>

#include "../core/instrument.h"
#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

static json_t *loads(const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	return j ? j : json_null();
}

json_t *api_assessment_json(const assessment *as)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(as->id));
	json_object_set_new(o, "patient_id", json_string(as->patient_id));
	json_object_set_new(o, "instrument", json_string(as->instrument_id));
	json_object_set_new(o, "instrument_version", json_string(as->instrument_version));
	json_object_set_new(o, "performed_at", json_string(as->performed_at));
	json_object_set_new(o, "answers", loads(as->answers));
	json_object_set_new(o, "score", loads(as->score));
	json_object_set_new(o, "status", json_string(as->status));
	json_object_set_new(o, "void_reason",
	                    as->void_reason ? json_string(as->void_reason) : json_null());
	json_object_set_new(o, "version", json_integer(as->version));
	json_object_set_new(o, "created_at", json_string(as->created_at));
	json_object_set_new(o, "updated_at", json_string(as->updated_at));
	json_object_set_new(o, "updated_by",
	                    as->updated_by ? json_string(as->updated_by) : json_null());
	return o;
}

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

/* The form as the UI draws it: items with sides expanded, their answers and points. */
static json_t *form(const instrument *in)
{
	json_t *items = json_array();
	for (int i = 0; i < in->n_items; i++) {
		const instr_item *it = &in->items[i];
		json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:b, s:b}", "id", it->id, "text",
		                      it->text, "section", it->section, "type",
		                      it->type == ITEM_INTEGER ? "integer" : "choice", "required",
		                      it->required, "scored", it->scored);
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

int api_assessment_create(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	if (p.archived_at)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived; nothing can be added.");
	assessment as;
	memset(&as, 0, sizeof as);
	if (assessment_from_json(&r->v, r->body, r->srv->cfg.instruments, p.birth_date,
	                         date_today(), http_now(r), &as))
		return http_invalid(r);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	as.id = id;
	as.patient_id = p.id;
	as.version = 1;
	as.created_at = as.updated_at = http_now(r);
	as.updated_by = r->who.id;
	audit_record a = http_audit(r, "assessment.create", "assessment", as.id, p.id);
	a.detail = as.instrument_id;
	sw_err rc = r->st->ops->assessment_create(r->st, &as, &a);
	if (rc)
		return http_fail(r, rc, "assessment");
	r->location = arena_printf(r->a, "/api/v1/assessments/%s", as.id);
	r->etag = api_etag(r, as.version);
	return http_json(r, 201, api_assessment_json(&as));
}

int api_assessment_list(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	assessment_query q;
	memset(&q, 0, sizeof q);
	q.patient_id = p.id;
	q.limit = 1000;
	q.include_voided = 1;
	q.instrument_id = http_query(r, "instrument");
	q.from = http_query(r, "from");
	q.to = http_query(r, "to");
	civil_date d;
	if (q.instrument_id && !instr_find(r->srv->cfg.instruments, q.instrument_id))
		v_add(&r->v, "instrument", "is not a known instrument");
	if (q.from && date_parse(q.from, &d))
		v_add(&r->v, "from", "must be a date YYYY-MM-DD");
	if (q.to && date_parse(q.to, &d))
		v_add(&r->v, "to", "must be a date YYYY-MM-DD");
	if (r->v.n)
		return http_invalid(r);
	assessment *items;
	int n;
	sw_err rc = r->st->ops->assessment_list(r->st, r->a, &q, &items, &n);
	if (rc)
		return http_fail(r, rc, "assessment");
	audit_record a = http_audit(r, "assessment.list", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	json_t *arr = json_array();
	for (int i = 0; i < n && i < q.limit; i++)
		json_array_append_new(arr, api_assessment_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

static int load_assessment(http_req *r, assessment *as)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->assessment_get(r->st, r->a, r->params[0], as)
	                : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "assessment") : 0;
}

int api_assessment_get(http_req *r)
{
	assessment as;
	if (load_assessment(r, &as))
		return r->status;
	audit_record a = http_audit(r, "assessment.read", "assessment", as.id, as.patient_id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	r->etag = api_etag(r, as.version);
	return http_json(r, 200, api_assessment_json(&as));
}

int api_assessment_void(http_req *r)
{
	const char *reason;
	int expected;
	if (api_read_void(r, &reason, &expected))
		return r->status;
	assessment as;
	if (load_assessment(r, &as) ||
	    api_check_void(r, as.patient_id, as.status, as.version, expected, "assessment"))
		return r->status;
	as.status = "voided";
	as.void_reason = reason;
	as.version = expected + 1;
	as.updated_at = http_now(r);
	as.updated_by = r->who.id;
	audit_record a = http_audit(r, "assessment.void", "assessment", as.id, as.patient_id);
	a.detail = reason;
	sw_err rc = r->st->ops->assessment_update(r->st, &as, expected, &a);
	if (rc)
		return http_fail(r, rc, "assessment");
	r->etag = api_etag(r, as.version);
	return http_json(r, 200, api_assessment_json(&as));
}
