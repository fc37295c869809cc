/* Neuropathy diagnoses on a patient: record, list, read, change. Audited like patient data. */
#include <string.h>

#include "../util/dates.h"
#include "../util/uuid.h"
#include "api.h"

int api_condition_create(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	if (p.archived_at)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived; diagnoses cannot be added.");
	condition c;
	memset(&c, 0, sizeof c);
	if (condition_from_json(&r->v, r->body, &c, 0, p.birth_date, date_today()))
		return http_invalid(r);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	c.id = id;
	c.patient_id = p.id;
	c.version = 1;
	c.created_at = c.updated_at = http_now(r);
	c.updated_by = r->who.id;
	audit_record a = http_audit(r, "condition.create", "condition", c.id, p.id);
	sw_err rc = r->st->ops->condition_create(r->st, r->a, &c, &a);
	if (rc)
		return http_fail(r, rc, "diagnosis");
	r->location = arena_printf(r->a, "/api/v1/conditions/%s", c.id);
	r->etag = api_etag(r, c.version);
	return http_json(r, 201, api_condition_json(r, &c));
}

int api_condition_list(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	condition *items;
	int n;
	sw_err rc = r->st->ops->condition_list(r->st, r->a, p.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "diagnosis");
	audit_record a = http_audit(r, "condition.list", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, api_condition_json(r, &items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

static int load_condition(http_req *r, condition *c)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->condition_get(r->st, r->a, r->params[0], c)
	                : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "diagnosis") : 0;
}

int api_condition_get(http_req *r)
{
	condition c;
	if (load_condition(r, &c))
		return r->status;
	audit_record a = http_audit(r, "condition.read", "condition", c.id, c.patient_id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	r->etag = api_etag(r, c.version);
	return http_json(r, 200, api_condition_json(r, &c));
}

int api_condition_update(http_req *r)
{
	int expected = http_if_match(r);
	if (expected == -1)
		return http_problem(
		    r, 428, "If-Match required",
		    "Send the version you edited in If-Match (the ETag of your GET).");
	if (expected == -2)
		return http_problem(r, 400, "Malformed If-Match",
		                    "If-Match must be the ETag the server sent, such as \"3\".");
	condition c;
	if (load_condition(r, &c))
		return r->status;
	if (c.version != expected)
		return http_fail(r, SW_EVERSION, "diagnosis");
	patient p;
	sw_err rc = r->st->ops->patient_get(r->st, r->a, c.patient_id, &p);
	if (rc)
		return http_fail(r, rc, "patient");
	if (p.archived_at)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived; diagnoses cannot be changed.");
	if (condition_from_json(&r->v, r->body, &c, 1, p.birth_date, date_today()))
		return http_invalid(r);
	c.version = expected + 1;
	c.updated_at = http_now(r);
	c.updated_by = r->who.id;
	audit_record a = http_audit(r, "condition.update", "condition", c.id, c.patient_id);
	rc = r->st->ops->condition_update(r->st, r->a, &c, expected, &a);
	if (rc)
		return http_fail(r, rc, "diagnosis");
	r->etag = api_etag(r, c.version);
	return http_json(r, 200, api_condition_json(r, &c));
}
