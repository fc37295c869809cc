/* The audit log for administrators, newest first, paged by sequence number, filtered by patient,
 * person, action and dates; and the check of its hash chain. */
#include <stdlib.h>
#include <string.h>

#include "../util/dates.h"
#include "../util/uuid.h"
#include "api.h"

int api_audit_list(http_req *r)
{
	audit_query q;
	memset(&q, 0, sizeof q);
	q.limit = http_limit(r);
	const char *cursor = http_query(r, "cursor");
	if (cursor && *cursor) {
		char *end;
		long long v = strtoll(cursor, &end, 10);
		if (*end || v < 1)
			v_add(&r->v, "cursor", "is not a cursor this server gave out");
		q.before_seq = v;
	}
	q.patient_id = http_query(r, "patient_id");
	if (q.patient_id && !uuid_valid(q.patient_id))
		v_add(&r->v, "patient_id", "must be a patient id");
	q.actor_id = http_query(r, "actor");
	if (q.actor_id && !uuid_valid(q.actor_id))
		v_add(&r->v, "actor", "must be a staff member's id");
	q.action = http_query(r, "action");
	if (q.action && (strlen(q.action) > 64 || !*q.action))
		v_add(&r->v, "action", "must be an action such as patient.read, or its first part");
	civil_date d;
	q.from = http_query(r, "from");
	q.to = http_query(r, "to");
	if (q.from && date_parse(q.from, &d))
		v_add(&r->v, "from", "must be a date YYYY-MM-DD");
	if (q.to && date_parse(q.to, &d))
		v_add(&r->v, "to", "must be a date YYYY-MM-DD");
	if (r->v.n)
		return http_invalid(r);
	audit_record *items;
	int n;
	sw_err rc = r->st->ops->audit_page(r->st, r->a, &q, &items, &n);
	if (rc)
		return http_fail(r, rc, "audit record");
	/* Reading the log is itself recorded, with the filters used. */
	audit_record read = http_audit(r, "audit.read", "audit", NULL, q.patient_id);
	read.detail = r->query ? r->query : "";
	if (http_audit_reads(r, &read, 1))
		return r->status;
	int shown = n > q.limit ? q.limit : n;
	json_t *arr = json_array();
	for (int i = 0; i < shown; i++) {
		audit_record *a = &items[i];
		json_t *o = json_object();
		json_object_set_new(o, "seq", json_integer(a->seq));
		json_object_set_new(o, "at", api_str(a->at));
		json_object_set_new(o, "actor_id", api_str(a->actor_id));
		json_object_set_new(o, "actor_role", api_str(a->actor_role));
		json_object_set_new(o, "action", api_str(a->action));
		json_object_set_new(o, "resource_type", api_str(a->resource_type));
		json_object_set_new(o, "resource_id", api_str(a->resource_id));
		json_object_set_new(o, "patient_id", api_str(a->patient_id));
		json_object_set_new(o, "ip", api_str(a->ip));
		json_object_set_new(o, "request_id", api_str(a->request_id));
		json_object_set_new(o, "detail", api_str(a->detail));
		json_object_set_new(o, "hash", json_string(a->hash));
		json_array_append_new(arr, o);
	}
	json_t *next =
	    n > q.limit ? json_string(arena_printf(r->a, "%lld", (long long)items[shown - 1].seq))
	                : json_null();
	return http_json(r, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", next));
}

int api_audit_verify(http_req *r)
{
	int64_t checked = 0, broken = 0;
	sw_err rc = r->st->ops->audit_verify(r->st, &checked, &broken);
	if (rc)
		return http_fail(r, rc, "audit record");
	audit_record read = http_audit(r, "audit.verify", "audit", NULL, NULL);
	if (http_audit_reads(r, &read, 1))
		return r->status;
	return http_json(r, 200,
	                 json_pack("{s:b, s:I, s:o}", "intact", broken == 0, "checked",
	                           (json_int_t)checked, "first_broken_seq",
	                           broken ? json_integer(broken) : json_null()));
}
