/* The admin console's staff accounts and API tokens, and a staff member's own password change.
 * Every change is audited; a generated password and a new token are shown once, in the answer
 * that made them. An admin cannot deactivate themselves nor take away their own admin role. */
#include <sodium.h>
#include <string.h>

#include "../core/staff.h"
#include "../http/auth.h"
#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

#define ONE_TIME_CHARS 20

static json_t *staff_json(const staff *s)
{
	json_t *o = api_staff_json(s);
	json_object_set_new(o, "active", json_boolean(s->active));
	json_object_set_new(o, "created_at", api_str(s->created_at));
	return o;
}

static audit_record staff_audit(http_req *r, const char *action, const staff *s, const char *d)
{
	audit_record a = http_audit(r, action, "staff", s->id, NULL);
	a.detail = d;
	return a;
}

/* The staff member in the route (404 answered); 0 when found. */
static int load(http_req *r, staff *s)
{
	sw_err rc = uuid_valid(r->params[0]) ? r->st->ops->staff_get(r->st, r->a, r->params[0], s)
	                                     : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "staff member") : 0;
}

/* A new one-time password for s (hash set), shown once. NULL when hashing failed (answered). */
static const char *new_password(http_req *r, staff *s)
{
	char *pw = arena_alloc(r->a, ONE_TIME_CHARS + 1), *hash;
	password_generate(pw, ONE_TIME_CHARS + 1);
	hash = arena_alloc(r->a, crypto_pwhash_STRBYTES);
	if (password_hash(pw, hash)) {
		http_fail(r, SW_EIO, "password");
		return NULL;
	}
	s->password_hash = hash;
	return pw;
}

int api_staff_list(http_req *r)
{
	staff *items;
	int n;
	sw_err rc = r->st->ops->staff_list(r->st, r->a, &items, &n);
	if (rc)
		return http_fail(r, rc, "staff member");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, staff_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

/* name: 1..200 characters with at least one that shows. */
static const char *read_name(http_req *r, int required)
{
	const char *name = jv_string(&r->v, r->body, NULL, "name", 200, required, NULL);
	if (name && !text_visible(name))
		v_add(&r->v, "name", "must have a visible character");
	return name;
}

int api_staff_create(http_req *r)
{
	static const char *const fields[] = {"email", "name", "role", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	staff s = {0};
	s.email = jv_string(&r->v, r->body, NULL, "email", 254, JV_REQUIRED, NULL);
	const char *why = s.email ? staff_email_problem(s.email) : NULL;
	if (why)
		v_add(&r->v, "email", "%s", why);
	s.name = read_name(r, JV_REQUIRED);
	s.role = jv_enum(&r->v, r->body, NULL, "role", role_names, JV_REQUIRED, NULL);
	if (r->v.n)
		return http_invalid(r);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	s.id = id;
	s.active = 1;
	s.created_at = http_now(r);
	const char *pw = new_password(r, &s);
	if (!pw)
		return r->status;
	audit_record a = staff_audit(r, "staff.create", &s, s.role);
	sw_err rc = r->st->ops->staff_add(r->st, &s, &a);
	if (rc == SW_ECONFLICT) {
		v_add(&r->v, "email", "is already used by another staff member");
		return http_invalid(r);
	}
	if (rc)
		return http_fail(r, rc, "staff member");
	json_t *out = staff_json(&s);
	json_object_set_new(out, "password", json_string(pw));
	r->location = arena_printf(r->a, "/api/v1/staff/%s", s.id);
	return http_json(r, 201, out);
}

int api_staff_update(http_req *r)
{
	static const char *const fields[] = {"name", "role", "active", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *name = read_name(r, JV_OPTIONAL);
	const char *role_text =
	    jv_enum(&r->v, r->body, NULL, "role", role_names, JV_OPTIONAL, NULL);
	int active = -1;
	jv_bool(&r->v, r->body, NULL, "active", &active);
	if (r->v.n)
		return http_invalid(r);
	staff s;
	if (load(r, &s))
		return r->status;
	int self = strcmp(s.id, r->who.id) == 0;
	if (self && ((role_text && strcmp(role_text, "admin") != 0) || active == 0))
		return http_problem(
		    r, 409, "Not on your own account",
		    "You cannot deactivate yourself or give up your own admin role; "
		    "another admin can.");
	const char *detail = arena_printf(
	    r->a, "%s%s%s%s", role_text ? "role " : "", role_text ? role_text : "",
	    active >= 0 ? (active ? " activated" : " deactivated") : "", name ? " renamed" : "");
	int deactivated = s.active && active == 0;
	if (name)
		s.name = name;
	if (role_text)
		s.role = role_text;
	if (active >= 0)
		s.active = active;
	audit_record a = staff_audit(r, "staff.update", &s, detail);
	sw_err rc = r->st->ops->staff_update(r->st, &s, deactivated, &a);
	return rc ? http_fail(r, rc, "staff member") : http_json(r, 200, staff_json(&s));
}

int api_staff_password_reset(http_req *r)
{
	staff s;
	if (load(r, &s))
		return r->status;
	const char *pw = new_password(r, &s);
	if (!pw)
		return r->status;
	audit_record a = staff_audit(r, "staff.password_reset", &s, NULL);
	sw_err rc = r->st->ops->staff_update(r->st, &s, 1, &a);
	if (rc)
		return http_fail(r, rc, "staff member");
	json_t *out = staff_json(&s);
	json_object_set_new(out, "password", json_string(pw));
	return http_json(r, 200, out);
}

int api_me_password(http_req *r)
{
	static const char *const fields[] = {"current_password", "new_password", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *cur =
	    jv_string(&r->v, r->body, NULL, "current_password", 2048, JV_REQUIRED, NULL);
	json_t *nv = json_object_get(r->body, "new_password");
	const char *next = json_string_value(nv);
	const char *why = next ? password_problem(next, r->who.email) : "is required";
	if (why)
		v_add(&r->v, "new_password", "%s", why);
	if (r->v.n)
		return http_invalid(r);
	staff s;
	sw_err rc = r->st->ops->staff_get(r->st, r->a, r->who.id, &s);
	if (rc)
		return http_fail(r, rc, "staff member");
	if (crypto_pwhash_str_verify(s.password_hash, cur, strlen(cur)) != 0) {
		v_add(&r->v, "current_password", "is not your current password");
		return http_invalid(r);
	}
	if (strcmp(cur, next) == 0) {
		v_add(&r->v, "new_password", "must differ from the current one");
		return http_invalid(r);
	}
	char *hash = arena_alloc(r->a, crypto_pwhash_STRBYTES);
	if (password_hash(next, hash))
		return http_fail(r, SW_EIO, "password");
	s.password_hash = hash;
	audit_record a = staff_audit(r, "staff.password_change", &s, NULL);
	rc = r->st->ops->staff_update(r->st, &s, 0, &a);
	if (rc)
		return http_fail(r, rc, "staff member");
	r->status = 204;
	return 204;
}

static json_t *token_json(const api_token *t)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s?}", "id", t->id, "staff_id", t->staff_id,
	                 "staff_email", t->staff_email, "name", t->name, "created_at",
	                 t->created_at, "revoked_at", t->revoked_at);
}

int api_token_list(http_req *r)
{
	api_token *items;
	int n;
	sw_err rc = r->st->ops->token_list(r->st, r->a, &items, &n);
	if (rc)
		return http_fail(r, rc, "token");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, token_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

int api_token_create(http_req *r)
{
	static const char *const fields[] = {"staff_id", "name", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *staff_id = jv_string(&r->v, r->body, NULL, "staff_id", 36, JV_REQUIRED, NULL);
	const char *name = read_name(r, JV_REQUIRED);
	staff who;
	sw_err rc = SW_OK;
	if (staff_id && !uuid_valid(staff_id))
		v_add(&r->v, "staff_id", "is not an active staff member");
	else if (staff_id && !r->v.n) {
		rc = r->st->ops->staff_get(r->st, r->a, staff_id, &who);
		if (rc == SW_ENOTFOUND || (!rc && !who.active))
			v_add(&r->v, "staff_id", "is not an active staff member");
		else if (rc)
			return http_fail(r, rc, "staff member");
	}
	if (r->v.n)
		return http_invalid(r);
	unsigned char hash[SESSION_TOKEN_BYTES];
	const char *token = auth_new_token(r->a, "sw_", hash);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	api_token t = {id, who.id, who.email, name, http_now(r), NULL};
	audit_record a = http_audit(r, "api_token.create", "api_token", id, NULL);
	a.detail = arena_printf(r->a, "for %s: %s", who.email, name);
	rc = r->st->ops->token_add(r->st, hash, &t, &a);
	if (rc)
		return http_fail(r, rc, "token");
	json_t *out = token_json(&t);
	json_object_set_new(out, "token", json_string(token));
	r->location = arena_printf(r->a, "/api/v1/tokens/%s", id);
	return http_json(r, 201, out);
}

int api_token_revoke(http_req *r)
{
	const char *now = http_now(r);
	audit_record a = http_audit(r, "api_token.revoke", "api_token", r->params[0], NULL);
	sw_err rc = strlen(r->params[0]) <= 64
	                ? r->st->ops->token_revoke_id(r->st, r->params[0], now, &a)
	                : SW_ENOTFOUND;
	if (rc == SW_ENOTFOUND)
		return http_problem(
		    r, 404, "No such token",
		    "No token that still works has this id; it may be revoked already.");
	if (rc)
		return http_fail(r, rc, "token");
	return http_json(r, 200, json_pack("{s:s, s:s}", "id", r->params[0], "revoked_at", now));
}
