/* Authentication of a request from its session cookie or bearer token. */
#include "auth.h"

#include <civetweb.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

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
		rc = r->st->ops->token_lookup(r->st, r->a, hash, &r->who);
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
		                                r->srv->cfg.idle_minutes * 60, &r->who, &csrf);
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
