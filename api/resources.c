/* The calendars' resources and their closures: admins add and change them, clinicians, nurses and
 * the front desk read them. Clinic configuration, not patient data: writes are audited (like
 * staff changes), reads are not. Nothing is deleted: a resource is set inactive, a closure
 * entered in error is voided with a reason. */
#include <string.h>

#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

static const tz_zone *zone(http_req *r)
{
	return r->srv->cfg.zone;
}

/* A clinician's or nurse's staff account: it exists, has the kind's role and, while the resource
 * is active, is active itself. Errors go to r->v; a store failure is answered (non-zero). */
static int check_staff(http_req *r, const resource *res)
{
	const char *wanted = resource_kind_role(resource_kind_of(res->kind));
	if (!wanted || !res->staff_id || v_has(&r->v, "staff_id"))
		return 0;
	staff s;
	sw_err rc = uuid_valid(res->staff_id)
	                ? r->st->ops->staff_get(r->st, r->a, res->staff_id, &s)
	                : SW_ENOTFOUND;
	if (rc == SW_ENOTFOUND)
		v_add(&r->v, "staff_id", "is not a staff account");
	else if (rc)
		return http_fail(r, rc, "staff member");
	else if (strcmp(s.role, wanted) != 0)
		v_add(&r->v, "staff_id", "is a %s's account; a %s resource is a %s's", s.role,
		      res->kind, wanted);
	else if (res->active && !s.active)
		v_add(&r->v, "staff_id", "is a deactivated account");
	return 0;
}

/* 409 naming the resource that has res's name or staff account already; 0 when none does. */
static int taken(http_req *r, const resource *res)
{
	resource *items;
	int n;
	sw_err rc = r->st->ops->resource_list(r->st, r->a, &items, &n);
	if (rc)
		return http_fail(r, rc, "resource");
	for (int i = 0; i < n; i++) {
		const resource *o = &items[i];
		if (res->id && strcmp(o->id, res->id) == 0)
			continue;
		const char *why =
		    strcasecmp(o->name, res->name) == 0 ? "Another resource has this name"
		    : res->staff_id && o->staff_id && strcmp(o->staff_id, res->staff_id) == 0
		        ? "This staff account has a resource already"
		        : NULL;
		if (!why)
			continue;
		http_problem(
		    r, 409, "Already a resource",
		    arena_printf(r->a, "%s (%s, /api/v1/resources/%s).", why, o->name, o->id));
		json_object_set_new(r->out, "existing_id", json_string(o->id));
		return 409;
	}
	return 0;
}

static int answer(http_req *r, int status, const resource *res)
{
	r->etag = api_etag(r, res->version);
	return http_json(r, status, resource_to_json(res));
}

/* The resource in the route's {id}, answering 404 itself; 0 when found. */
static int load(http_req *r, resource *res)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->resource_get(r->st, r->a, r->params[0], res)
	                : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "resource") : 0;
}

static audit_record resource_audit(http_req *r, const char *action, const char *id,
                                   const char *detail)
{
	audit_record a = http_audit(r, action, "resource", id, NULL);
	a.detail = detail;
	return a;
}

int api_resource_create(http_req *r)
{
	resource res;
	memset(&res, 0, sizeof res);
	if (resource_from_json(&r->v, r->body, &res, 0))
		return http_invalid(r);
	if (check_staff(r, &res))
		return r->status;
	if (r->v.n)
		return http_invalid(r);
	if (taken(r, &res))
		return r->status;
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	res.id = id;
	res.version = 1;
	res.created_at = res.updated_at = http_now(r);
	res.updated_by = r->who.id;
	res.staff_active = 1;
	audit_record a = resource_audit(r, "resource.create", id,
	                                arena_printf(r->a, "%s %s", res.kind, res.name));
	sw_err rc = r->st->ops->resource_create(r->st, &res, &a);
	if (rc)
		return http_fail(r, rc, "resource");
	return api_created(r, "/api/v1/resources", id, 1, resource_to_json(&res));
}

int api_resource_list(http_req *r)
{
	const char *kind = http_query(r, "kind"), *active = http_query(r, "active");
	if (kind && resource_kind_of(kind) < 0)
		v_add(&r->v, "kind",
		      "must be one of clinician, nurse, procedure_room, ultrasound_room or "
		      "cell_processor");
	if (active && strcmp(active, "true") != 0 && strcmp(active, "false") != 0)
		v_add(&r->v, "active", "must be true or false");
	if (r->v.n)
		return http_invalid(r);
	resource *items;
	int n;
	sw_err rc = r->st->ops->resource_list(r->st, r->a, &items, &n);
	if (rc)
		return http_fail(r, rc, "resource");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		if ((!kind || strcmp(items[i].kind, kind) == 0) &&
		    (!active || items[i].active == (strcmp(active, "true") == 0)))
			json_array_append_new(arr, resource_to_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

int api_resource_get(http_req *r)
{
	resource res;
	return load(r, &res) ? r->status : answer(r, 200, &res);
}

int api_resource_update(http_req *r)
{
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	resource res;
	if (load(r, &res))
		return r->status;
	if (res.version != expected)
		return http_fail(r, SW_EVERSION, "resource");
	if (resource_from_json(&r->v, r->body, &res, 1))
		return http_invalid(r);
	int activating = 0;
	jv_bool(&r->v, r->body, NULL, "active", &activating);
	if ((json_object_get(r->body, "staff_id") || activating) && check_staff(r, &res))
		return r->status;
	if (r->v.n)
		return http_invalid(r);
	if (taken(r, &res))
		return r->status;
	/* What changed, for the audit record: the keys sent. */
	const char *changed = "", *key;
	json_t *val;
	json_object_foreach(r->body, key, val)
	{
		changed = arena_printf(r->a, "%s%s%s", changed, *changed ? ", " : "", key);
	}
	res.version = expected + 1;
	res.updated_at = http_now(r);
	res.updated_by = r->who.id;
	audit_record a = resource_audit(r, "resource.update", res.id, changed);
	sw_err rc = r->st->ops->resource_update(r->st, &res, expected, &a);
	if (rc)
		return http_fail(r, rc, "resource");
	/* The linked account's state as it is now (the answer shows it). */
	resource fresh;
	rc = r->st->ops->resource_get(r->st, r->a, res.id, &fresh);
	return answer(r, 200, rc ? &res : &fresh);
}

/* ---- closures ---- */

static int closure_answer(http_req *r, int status, const closure *c)
{
	r->etag = api_etag(r, c->version);
	return http_json(r, status, closure_to_json(c, zone(r)));
}

int api_closure_create(http_req *r)
{
	resource res;
	if (load(r, &res))
		return r->status;
	closure c;
	memset(&c, 0, sizeof c);
	if (closure_from_json(&r->v, r->body, zone(r), &c))
		return http_invalid(r);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	c.id = id;
	c.resource_id = res.id;
	c.status = "active";
	c.version = 1;
	c.created_at = c.updated_at = http_now(r);
	c.updated_by = r->who.id;
	char from[TZ_TEXT], to[TZ_TEXT];
	tz_format(zone(r), c.from, from);
	tz_format(zone(r), c.to, to);
	audit_record a = http_audit(r, "closure.create", "resource_closure", id, NULL);
	a.detail = arena_printf(r->a, "%s %s to %s: %s", res.name, from, to, c.reason);
	sw_err rc = r->st->ops->closure_create(r->st, &c, &a);
	if (rc)
		return http_fail(r, rc, "closure");
	r->location = arena_printf(r->a, "/api/v1/closures/%s", id);
	return closure_answer(r, 201, &c);
}

int api_closure_list(http_req *r)
{
	resource res;
	if (load(r, &res))
		return r->status;
	closure_query q = {res.id, http_day_bound(r, "from", 0), http_day_bound(r, "to", 1), 0};
	const char *status = http_query(r, "status");
	if (status && strcmp(status, "active") != 0)
		v_add(&r->v, "status", "can only be active (leave it out for every closure)");
	q.active_only = status != NULL;
	if (r->v.n)
		return http_invalid(r);
	closure *items;
	int n;
	sw_err rc = r->st->ops->closure_list(r->st, r->a, &q, &items, &n);
	if (rc)
		return http_fail(r, rc, "closure");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, closure_to_json(&items[i], zone(r)));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

static int load_closure(http_req *r, closure *c)
{
	sw_err rc = uuid_valid(r->params[0]) ? r->st->ops->closure_get(r->st, r->a, r->params[0], c)
	                                     : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "closure") : 0;
}

int api_closure_get(http_req *r)
{
	closure c;
	return load_closure(r, &c) ? r->status : closure_answer(r, 200, &c);
}

int api_closure_void(http_req *r)
{
	const char *reason;
	int expected;
	if (api_read_void(r, &reason, &expected))
		return r->status;
	closure c;
	if (load_closure(r, &c))
		return r->status;
	if (strcmp(c.status, "voided") == 0)
		return http_problem(r, 409, "Already voided", "This closure is already voided.");
	if (c.version != expected)
		return http_fail(r, SW_EVERSION, "closure");
	c.status = "voided";
	c.void_reason = reason;
	c.version = expected + 1;
	c.updated_at = http_now(r);
	c.updated_by = r->who.id;
	audit_record a = http_audit(r, "closure.void", "resource_closure", c.id, NULL);
	a.detail = reason;
	sw_err rc = r->st->ops->closure_update(r->st, &c, expected, &a);
	return rc ? http_fail(r, rc, "closure") : closure_answer(r, 200, &c);
}
