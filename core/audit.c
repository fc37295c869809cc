/* Hash chain over audit records: SHA-256 of a length-prefixed serialisation of every field, so no
 * two different records serialise alike. */
#include "audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char audit_genesis[AUDIT_HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void feed(crypto_hash_sha256_state *st, const char *s)
{
	char len[24];
	int n = s ? snprintf(len, sizeof len, "%zu:", strlen(s)) : snprintf(len, sizeof len, "-:");
	crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)n);
	if (s)
		crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s));
}

static void compute(const audit_record *r, char out[AUDIT_HASH_HEX + 1])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	char seq[24];
	snprintf(seq, sizeof seq, "%" PRId64, r->seq);
	feed(&st, r->prev_hash);
	feed(&st, seq);
	feed(&st, r->at);
	feed(&st, r->actor_id);
	feed(&st, r->actor_role);
	feed(&st, r->action);
	feed(&st, r->resource_type);
	feed(&st, r->resource_id);
	feed(&st, r->patient_id);
	feed(&st, r->ip);
	feed(&st, r->request_id);
	feed(&st, r->detail);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, AUDIT_HASH_HEX + 1, h, sizeof h);
}

void audit_seal(audit_record *r)
{
	compute(r, r->hash);
}

int audit_check(const audit_record *r)
{
	char h[AUDIT_HASH_HEX + 1];
	compute(r, h);
	return strcmp(h, r->hash) == 0;
}

/* What a checkpoint signs: a fixed label, the record number and its hash. */
static size_t checkpoint_text(int64_t seq, const char *hash, char *out, size_t n)
{
	int len = snprintf(out, n, "schwann audit checkpoint v1 %lld %s", (long long)seq, hash);
	return len > 0 && (size_t)len < n ? (size_t)len : 0;
}

void audit_checkpoint_sign(int64_t seq, const char *hash, const unsigned char *sk, char *sig)
{
	char text[160];
	unsigned char raw[crypto_sign_BYTES];
	size_t len = checkpoint_text(seq, hash, text, sizeof text);
	crypto_sign_detached(raw, NULL, (const unsigned char *)text, len, sk);
	sodium_bin2hex(sig, AUDIT_SIG_HEX + 1, raw, sizeof raw);
}

int audit_checkpoint_check(int64_t seq, const char *hash, const unsigned char *pk, const char *sig)
{
	char text[160];
	unsigned char raw[crypto_sign_BYTES];
	size_t len = checkpoint_text(seq, hash, text, sizeof text), got = 0;
	if (!sig || sodium_hex2bin(raw, sizeof raw, sig, strlen(sig), NULL, &got, NULL) ||
	    got != sizeof raw)
		return 0;
	return crypto_sign_verify_detached(raw, (const unsigned char *)text, len, pk) == 0;
}
