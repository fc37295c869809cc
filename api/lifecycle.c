/* Rules every patient record shares over its life: nothing changes for an archived patient, and
 * voiding takes a reason and the version the caller saw. */
#include <string.h>

#include "../util/jsonv.h"
#include "api.h"

int api_patient_writable(http_req *r, const char *patient_id)
{
	patient p;
	sw_err rc = r->st->ops->patient_get(r->st, r->a, patient_id, &p);
	if (rc)
		return http_fail(r, rc, "patient");
	if (p.archived_at)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived; their records cannot be changed.");
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

int api_check_void(http_req *r, const char *patient_id, const char *status, int version,
                   int expected, const char *what)
{
	if (api_patient_writable(r, patient_id))
		return r->status;
	if (strcmp(status, "voided") == 0)
		return http_problem(r, 409, "Already voided",
		                    arena_printf(r->a, "This %s is already voided.", what));
	if (version != expected)
		return http_fail(r, SW_EVERSION, what);
	return 0;
}
