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

int api_expected_version(http_req *r)
{
	int v = http_if_match(r);
	if (v == -1)
		http_problem(r, 428, "If-Match required",
		             "Send the version you changed in If-Match (the ETag of your GET), so "
		             "that nobody's change is silently overwritten.");
	else if (v == -2)
		http_problem(r, 400, "Malformed If-Match",
		             "If-Match must be the ETag the server sent, such as \"3\".");
	return v < 0 ? -1 : v;
}

int api_bare_version(http_req *r)
{
	static const char *const none[] = {NULL};
	if (r->body)
		jv_no_unknown(&r->v, r->body, NULL, none);
	if (r->v.n) {
		http_invalid(r);
		return -1;
	}
	return api_expected_version(r);
}

void *api_rec_ref(http_req *r, const rec_kind *k, const char *id, const char *patient_id, int live,
                  const char *field, const char *what)
{
	if (!id || v_has(&r->v, field))
		return NULL;
	void *rec = arena_alloc(r->a, k->size);
	sw_err rc = uuid_valid(id) ? r->st->ops->rec_get(r->st, r->a, k, id, rec) : SW_ENOTFOUND;
	if (rc == SW_ENOTFOUND || (!rc && strcmp(rec_meta_of(k, rec).patient_id, patient_id)))
		v_add(&r->v, field, "is not %s", what);
	else if (rc)
		http_fail(r, rc, k->label);
	else if (live && rec_ended(k, rec))
		v_add(&r->v, field, "is %s and cannot be used", rec_meta_of(k, rec).status);
	else
		return rec;
	return NULL;
}

int api_read_void(http_req *r, const char **reason, int *expected)
{
	static const char *const fields[] = {"reason", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	*reason = jv_string(&r->v, r->body, NULL, "reason", 500, JV_REQUIRED, NULL);
	if (r->v.n)
		return http_invalid(r);
	*expected = api_expected_version(r);
	return *expected < 0 ? r->status : 0;
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
