/* Who is calling: session cookies (with CSRF tokens) and bearer tokens. Tokens are random
 * 32-byte values handed out once; only their BLAKE2b hash is stored. */
#ifndef SCHWANN_AUTH_H
#define SCHWANN_AUTH_H

#include "http.h"

#define SESSION_COOKIE "schwann_session"

/* A new random token as base64url text (arena) and its hash (out, SESSION_TOKEN_BYTES). */
const char *auth_new_token(arena *a, const char *prefix, unsigned char *hash);
/* Hash of a presented token. */
void auth_hash_token(const char *token, unsigned char *hash);
/* Fills r->who from the cookie or bearer token. Returns 0, or a 401 response when a credential
 * was presented but is not valid (absent credentials leave r->signed_in 0 and return 0). */
int auth_identify(http_req *r);
/* 0 when a state-changing cookie request carries the session's CSRF token; else a 403. */
int auth_check_csrf(http_req *r, const char *csrf);
/* The 403 for route rt, which the caller's role may not use. The attempt is audited first
 * (access.refused: who, METHOD path, and the patient the route would have touched), so probing
 * for records leaves a trace. Returns the status. */
int auth_refuse(http_req *r, const route *rt);

#endif
