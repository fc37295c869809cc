/* Answers every patient record shares: created (Location, ETag), a patient's list (audited),
 * the archive rule, and the void request (a reason and the version the caller saw). */
#include <string.h>

#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

int api_patient_writable(http_req *r, const char *patient_id, patient *out)
{
	patient own;
	patient *p = out ? out : &own;
	sw_err rc = patient_id && uuid_valid(patient_id)
	                ? r->st->ops->patient_get(r->st, r->a, patient_id, p)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "patient");
	if (p->archived_at)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived; nothing can be added or changed.");
	return 0;
}

int api_read_void(http_req *r, const char **reason, int *expected)
{
	static const char *const fields[] = {"reason", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	*reason = jv_string(&r->v, r->body, NULL, "reason", 500, JV_REQUIRED, NULL);
	if (r->v.n)
		return http_invalid(r);
	*expected = http_if_match(r);
	if (*expected < 0)
		return http_problem(r, *expected == -1 ? 428 : 400, "If-Match required",
		                    "Send the version you are voiding in If-Match (the ETag).");
	return 0;
}

int api_patient_items(http_req *r, const char *action, const char *patient_id, json_t *items)
{
	audit_record a = http_audit(r, action, "patient", patient_id, patient_id);
	if (http_audit_reads(r, &a, 1)) {
		json_decref(items);
		return r->status;
	}
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int api_created(http_req *r, const char *collection, const char *id, int version, json_t *body)
{
	r->location = arena_printf(r->a, "%s/%s", collection, id);
	r->etag = api_etag(r, version);
	return http_json(r, 201, body);
}
