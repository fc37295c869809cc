/* Authentication of a request from its session cookie or bearer token, and the refusal (audited)
 * of a route the caller's role may not use. */
#include "auth.h"

#include <civetweb.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/uuid.h"

const char *auth_new_token(arena *a, const char *prefix, unsigned char *hash)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	char b64[64];
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	const char *token = arena_printf(a, "%s%s", prefix, b64);
	auth_hash_token(token, hash);
	return token;
}

void auth_hash_token(const char *token, unsigned char *hash)
{
	crypto_generichash(hash, SESSION_TOKEN_BYTES, (const unsigned char *)token, strlen(token),
	                   NULL, 0);
}

/* A per-thread cache of recently seen API tokens, so a script's many requests do not each cost a
 * query. An entry lives TOKEN_CACHE_S seconds: a revoked token or deactivated account stops
 * working within that time. Strings are copied into fixed fields (the thread outlives requests). */
#define TOKEN_CACHE 8
#define TOKEN_CACHE_S 10

typedef struct token_entry {
	unsigned char hash[SESSION_TOKEN_BYTES];
	time_t until;
	char id[40], email[256], name[256], role[16];
} token_entry;

static __thread token_entry tls_tokens[TOKEN_CACHE];

static int fits(const char *s, size_t size)
{
	return s && strlen(s) < size;
}

static sw_err token_cached(http_req *r, const unsigned char *hash)
{
	time_t now = time(NULL);
	token_entry *e = &tls_tokens[hash[0] % TOKEN_CACHE];
	if (e->until > now && sodium_memcmp(e->hash, hash, SESSION_TOKEN_BYTES) == 0) {
		r->who.id = arena_strdup(r->a, e->id);
		r->who.email = arena_strdup(r->a, e->email);
		r->who.name = arena_strdup(r->a, e->name);
		r->who.role = arena_strdup(r->a, e->role);
		r->who.active = 1;
		return SW_OK;
	}
	sw_err rc = r->st->ops->token_lookup(r->st, r->a, hash, &r->who);
	if (rc == SW_OK && fits(r->who.id, sizeof e->id) && fits(r->who.email, sizeof e->email) &&
	    fits(r->who.name, sizeof e->name) && fits(r->who.role, sizeof e->role)) {
		memcpy(e->hash, hash, SESSION_TOKEN_BYTES);
		snprintf(e->id, sizeof e->id, "%s", r->who.id);
		snprintf(e->email, sizeof e->email, "%s", r->who.email);
		snprintf(e->name, sizeof e->name, "%s", r->who.name);
		snprintf(e->role, sizeof e->role, "%s", r->who.role);
		e->until = now + TOKEN_CACHE_S;
	}
	return rc;
}

static const char *cookie_value(http_req *r)
{
	const char *cookies = http_header(r, "Cookie");
	if (!cookies || strlen(cookies) > 4096)
		return NULL;
	char *buf = arena_alloc(r->a, 128);
	int n = mg_get_cookie(cookies, SESSION_COOKIE, buf, 128);
	return n > 0 ? buf : NULL;
}

int auth_identify(http_req *r)
{
	unsigned char hash[SESSION_TOKEN_BYTES];
	const char *authz = http_header(r, "Authorization");
	sw_err rc;
	if (authz) {
		if (strncmp(authz, "Bearer ", 7) != 0 || strlen(authz) > 200)
			return http_problem(r, 401, "Not signed in",
			                    "The Authorization header must be 'Bearer <token>'.");
		auth_hash_token(authz + 7, hash);
		rc = token_cached(r, hash);
		if (rc == SW_ENOTFOUND)
			return http_problem(r, 401, "Not signed in",
			                    "This API token is unknown or revoked.");
		if (rc)
			return http_fail(r, rc, "token");
	} else {
		const char *cookie = cookie_value(r);
		if (!cookie)
			return 0;
		auth_hash_token(cookie, hash);
		const char *csrf = NULL;
		rc = r->st->ops->session_lookup(r->st, r->a, hash, (int64_t)time(NULL),
		                                r->srv->cfg.idle_minutes * 60, !r->on_loop, &r->who,
		                                &csrf);
		if (rc == SW_EAGAIN) {
			r->again = 1; /* the session needs a write: on a worker (engine.h) */
			return -1;
		}
		if (rc == SW_ENOTFOUND) {
			r->set_cookie =
			    SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
			return http_problem(r, 401, "Session expired",
			                    "Your session has ended. Sign in again.");
		}
		if (rc)
			return http_fail(r, rc, "session");
		r->by_cookie = 1;
		if (auth_check_csrf(r, csrf))
			return r->status;
	}
	if (role_parse(r->who.role, &r->role))
		return http_problem(r, 403, "Forbidden", "This account has no known role.");
	r->signed_in = 1;
	return 0;
}

int auth_check_csrf(http_req *r, const char *csrf)
{
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
		return 0;
	const char *sent = http_header(r, "X-CSRF-Token");
	if (sent && csrf && strlen(sent) == strlen(csrf) &&
	    sodium_memcmp(sent, csrf, strlen(csrf)) == 0)
		return 0;
	return http_problem(r, 403, "Missing CSRF token",
	                    "Requests that change data must send the X-CSRF-Token header given at "
	                    "sign-in.");
}

/* The patient a refused route would have touched: the {id} of /patients/{id}/..., or the owner
 * of the record at <kind path>/{id}; NULL when neither (or no such record). */
static const char *refused_patient(http_req *r, const route *rt, const char *id)
{
	if (!uuid_valid(id))
		return NULL;
	if (strncmp(rt->pattern, "/api/v1/patients/{id}", 21) == 0)
		return id;
	const rec_kind *k = rt->kind;
	size_t n = k ? strlen(k->path) : 0;
	if (!k || strncmp(rt->pattern, k->path, n) != 0 || strncmp(rt->pattern + n, "/{id}", 5))
		return NULL;
	void *rec = arena_zalloc(r->a, k->size);
	if (r->st->ops->rec_get(r->st, r->a, k, id, rec) != SW_OK)
		return NULL;
	return rec_meta_of(k, rec).patient_id;
}

int auth_refuse(http_req *r, const route *rt)
{
	const char *id = strchr(rt->pattern, '{') ? r->params[0] : NULL;
	const char *type =
	    rt->kind ? (rt->kind->resource ? rt->kind->resource : rt->kind->name) : "route";
	audit_record a = http_audit(r, "access.refused", type, id, refused_patient(r, rt, id));
	a.detail = arena_printf(r->a, "%s %s", r->method, r->path);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return http_problem(r, 403, "Forbidden",
	                    arena_printf(r->a, "The %s role may not do this (%s).", r->who.role,
	                                 perm_name(rt->permission)));
}
