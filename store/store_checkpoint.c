/* SQLite store: signed checkpoints of the audit chain. The key lives outside the database (the
 * server reads it from its key file); each checkpoint signs a record's number and hash and is
 * written in the transaction that appends that record, and logged, so that an external log
 * keeps a copy. Verification needs only the public key. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../util/dates.h"
#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

static unsigned char g_sk[crypto_sign_SECRETKEYBYTES];
static char g_pk_hex[AUDIT_PK_HEX + 1];
static int g_every; /* 0: not signing */

void store_audit_signing(const unsigned char *sk, int every)
{
	g_every = sk && every > 0 ? every : 0;
	if (!g_every)
		return;
	memcpy(g_sk, sk, sizeof g_sk);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	crypto_sign_ed25519_sk_to_pk(pk, g_sk);
	sodium_bin2hex(g_pk_hex, sizeof g_pk_hex, pk, sizeof pk);
}

/* Signs record (seq, hash) inside the caller's transaction and logs it. */
static sw_err checkpoint(sqlite_store *s, int64_t seq, const char *hash)
{
	char sig[AUDIT_SIG_HEX + 1], at[21];
	audit_checkpoint_sign(seq, hash, g_sk, sig);
	instant_now(at);
	sqlite3_stmt *st = sq_prep(s, "INSERT OR IGNORE INTO audit_checkpoints (seq, hash, at, "
	                              "public_key, signature) VALUES (?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sq_text(st, 2, hash);
	sq_text(st, 3, at);
	sq_text(st, 4, g_pk_hex);
	sq_text(st, 5, sig);
	sw_err rc = sq_step_write(s, st, "audit checkpoint");
	if (!rc)
		fprintf(stderr,
		        "{\"at\":\"%s\",\"audit_checkpoint\":%lld,\"hash\":\"%s\",\"signature\":\"%"
		        "s\"}\n",
		        at, (long long)seq, hash, sig);
	return rc;
}

sw_err sq_audit_checkpoint_due(sqlite_store *s, const audit_record *r)
{
	return g_every && r->seq % g_every == 0 ? checkpoint(s, r->seq, r->hash) : SW_OK;
}

sw_err sqlite_audit_checkpoint_now(store *base)
{
	sqlite_store *s = SQ(base);
	if (!g_every)
		return SW_OK;
	sw_err rc = sq_begin(s);
	if (rc)
		return rc;
	sqlite3_stmt *st = sq_prep(s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	if (!st) {
		sq_rollback(s);
		return SW_EDB;
	}
	int step = sqlite3_step(st);
	int64_t seq = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	char hash[AUDIT_HASH_HEX + 1] = "";
	if (step == SQLITE_ROW)
		snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	rc = step == SQLITE_ROW    ? checkpoint(s, seq, hash)
	     : step == SQLITE_DONE ? SW_OK
	                           : sq_fail(s, "audit head");
	if (rc) {
		sq_rollback(s);
		return rc;
	}
	return sq_commit(s);
}

sw_err sqlite_audit_verify_signed(store *base, const unsigned char *pk, audit_signed_report *out)
{
	sqlite_store *s = SQ(base);
	memset(out, 0, sizeof *out);
	char pk_hex[AUDIT_PK_HEX + 1];
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, crypto_sign_PUBLICKEYBYTES);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT c.seq, c.hash, c.public_key, c.signature, a.hash FROM "
	        "audit_checkpoints c LEFT JOIN audit a ON a.seq = c.seq ORDER BY c.seq",
	        -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "audit checkpoints");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !out->problem) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *hash = (const char *)sqlite3_column_text(st, 1);
		const char *key = (const char *)sqlite3_column_text(st, 2);
		const char *sig = (const char *)sqlite3_column_text(st, 3);
		const char *rec = (const char *)sqlite3_column_text(st, 4);
		out->problem = !key || strcmp(key, pk_hex) != 0 ? "signed with another key"
		               : !audit_checkpoint_check(seq, hash, pk, sig)
		                   ? "its signature does not match"
		               : !rec                   ? "the record it signed is gone"
		               : strcmp(rec, hash) != 0 ? "the record it signed was changed"
		                                        : NULL;
		if (out->problem)
			out->bad_seq = seq;
		else {
			out->checkpoints++;
			out->last_seq = seq;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_fail(s, "audit checkpoints step");
	st = sq_prep(s, "SELECT count(*) FROM audit WHERE seq > ?");
	if (!st)
		return SW_EDB;
	sqlite3_bind_int64(st, 1, out->last_seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		out->after_last = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return SW_OK;
}
