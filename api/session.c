/* Sign-in, sign-out and "who am I". Failed sign-ins are throttled per account and address, and
 * far above that per account and per address (core/throttle.h). */
#include <civetweb.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/throttle.h"
#include "../http/auth.h"
#include "../util/jsonv.h"
#include "api.h"

static throttle g_throttle;
static pthread_mutex_t g_throttle_mu = PTHREAD_MUTEX_INITIALIZER;

/* The three counters of a sign-in attempt: this account from this address, the account from
 * anywhere, and the address for any account (core/throttle.h has their rules). */
typedef struct attempt_keys {
	const char *pair, *account, *address;
} attempt_keys;

static attempt_keys keys_of(http_req *r, const char *email)
{
	attempt_keys k = {arena_printf(r->a, "p\x1f%s\x1f%s", email, r->ip),
	                  arena_printf(r->a, "a\x1f%s", email),
	                  arena_printf(r->a, "i\x1f%s", r->ip)};
	return k;
}

static int wait_seconds(const attempt_keys *k, time_t now)
{
	pthread_mutex_lock(&g_throttle_mu);
	int a = throttle_wait(&g_throttle, k->pair, &throttle_pair, now);
	int b = throttle_wait(&g_throttle, k->account, &throttle_account, now);
	int c = throttle_wait(&g_throttle, k->address, &throttle_address, now);
	pthread_mutex_unlock(&g_throttle_mu);
	return a > b ? (a > c ? a : c) : (b > c ? b : c);
}

/* A success forgets the pair's failures only: the account's count from elsewhere stays. */
static void record(const attempt_keys *k, int ok, time_t now)
{
	pthread_mutex_lock(&g_throttle_mu);
	int full = 0;
	if (ok) {
		throttle_success(&g_throttle, k->pair);
	} else {
		full |= throttle_fail(&g_throttle, k->pair, now);
		full |= throttle_fail(&g_throttle, k->account, now);
		full |= throttle_fail(&g_throttle, k->address, now);
	}
	pthread_mutex_unlock(&g_throttle_mu);
	if (full)
		fprintf(stderr, "{\"level\":\"warn\",\"what\":\"sign-in throttle full: a failure "
		                "was not counted\"}\n");
}

/* Compared against when the e-mail is unknown, so both cases take as long. */
static char g_dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t g_dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
	if (crypto_pwhash_str(g_dummy_hash, "not a password", 14,
	                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		g_dummy_hash[0] = '\0'; /* verify then fails, as it should */
}

int api_session_create(http_req *r)
{
	static const char *const fields[] = {"email", "password", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *email = jv_string(&r->v, r->body, NULL, "email", 254, JV_REQUIRED, NULL);
	const char *password = jv_string(&r->v, r->body, NULL, "password", 1024, JV_REQUIRED, NULL);
	if (r->v.n)
		return http_invalid(r);
	time_t now = time(NULL);
	attempt_keys keys = keys_of(r, email);
	int wait = wait_seconds(&keys, now);
	if (wait) {
		r->retry_after = wait;
		return http_problem(
		    r, 429, "Too many failed sign-ins",
		    wait < 120 ? arena_printf(r->a, "Try again in %d seconds.", wait)
		               : arena_printf(r->a, "Try again in %d minutes.", (wait + 59) / 60));
	}
	staff who;
	sw_err rc = r->st->ops->staff_by_email(r->st, r->a, email, &who);
	if (rc && rc != SW_ENOTFOUND)
		return http_fail(r, rc, "staff member");
	pthread_once(&g_dummy_once, make_dummy);
	const char *hash = rc ? g_dummy_hash : who.password_hash;
	int ok =
	    crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && !rc && who.active;
	record(&keys, ok, now);
	if (!ok) {
		/* Refused sign-ins are kept too (who tried which account from where). */
		audit_record a =
		    http_audit(r, "session.refused", "staff", rc ? NULL : who.id, NULL);
		a.detail = email;
		if (http_audit_reads(r, &a, 1))
			return r->status;
		return http_problem(r, 401, "Sign-in failed", "The e-mail or password is wrong.");
	}
	unsigned char token_hash[SESSION_TOKEN_BYTES], csrf_hash[SESSION_TOKEN_BYTES];
	const char *token = auth_new_token(r->a, "", token_hash);
	const char *csrf = auth_new_token(r->a, "", csrf_hash);
	rc = r->st->ops->session_create(r->st, token_hash, who.id, csrf, (int64_t)now, r->ip);
	if (rc)
		return http_fail(r, rc, "session");
	r->who = who;
	r->signed_in = 1;
	audit_record a = http_audit(r, "session.create", "staff", who.id, NULL);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	r->set_cookie =
	    arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Strict", SESSION_COOKIE, token);
	return http_json(r, 201,
	                 json_pack("{s:s, s:o, s:i}", "csrf_token", csrf, "staff",
	                           api_staff_json(&who), "idle_timeout_minutes",
	                           r->srv->cfg.idle_minutes));
}

/* Ends the cookie's session. A bearer token is no session: answering 204 to it would suggest it
 * stopped working, so it is refused and the caller is told how tokens end. */
int api_session_delete(http_req *r)
{
	if (!r->by_cookie)
		return http_problem(
		    r, 400, "Not a session",
		    "This request is signed with an API token, which signing out does "
		    "not end. An admin revokes a token with POST "
		    "/api/v1/tokens/{id}/revoke.");
	r->set_cookie = SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
	const char *cookies = http_header(r, "Cookie");
	char token[128];
	if (cookies && mg_get_cookie(cookies, SESSION_COOKIE, token, sizeof token) > 0) {
		unsigned char hash[SESSION_TOKEN_BYTES];
		auth_hash_token(token, hash);
		sw_err rc = r->st->ops->session_delete(r->st, hash);
		if (rc)
			return http_fail(r, rc, "session");
	}
	r->status = 204;
	return 204;
}

int api_me(http_req *r)
{
	json_t *perms = json_array();
	for (int p = 0; p < PERM_COUNT; p++)
		if (perm_allows(r->role, (perm)p))
			json_array_append_new(perms, json_string(perm_name((perm)p)));
	json_t *me = api_staff_json(&r->who);
	json_object_set_new(me, "permissions", perms);
	/* What the screens need to show the clinic's dates: its zone, its today, its currency. */
	char today[11];
	date_format(tz_local_date(r->srv->cfg.zone, time(NULL)), today);
	json_object_set_new(me, "clinic",
	                    json_pack("{s:s?, s:s, s:s, s:s?}", "name", r->srv->cfg.clinic_name,
	                              "time_zone", tz_name(r->srv->cfg.zone), "today", today,
	                              "currency", r->srv->cfg.currency));
	return http_json(r, 200, me);
}
