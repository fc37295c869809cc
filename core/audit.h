/* Audit records and their hash chain. Each record's hash covers its fields and the previous
 * record's hash, so editing or deleting any record breaks every link after it. */
#ifndef SCHWANN_AUDIT_H
#define SCHWANN_AUDIT_H

#include <stdint.h>

#define AUDIT_HASH_HEX 64

typedef struct audit_record {
	int64_t seq;
	const char *at;       /* instant, UTC */
	const char *actor_id; /* staff id, NULL for the system */
	const char *actor_role;
	const char *action;        /* e.g. patient.read, patient.create, condition.update */
	const char *resource_type; /* patient, condition, session, ... */
	const char *resource_id;
	const char *patient_id; /* the patient whose data this touches, or NULL */
	const char *ip;
	const char *request_id;
	const char *detail; /* short free text: the search query, the reason */
	char prev_hash[AUDIT_HASH_HEX + 1];
	char hash[AUDIT_HASH_HEX + 1];
} audit_record;

/* The hash of the chain's start, before any record. */
extern const char audit_genesis[AUDIT_HASH_HEX + 1];

/* Computes r->hash from r's fields and r->prev_hash (which the caller sets). */
void audit_seal(audit_record *r);
/* 1 when r->hash is what audit_seal would compute. */
int audit_check(const audit_record *r);

/* Signed checkpoints of the chain's head (Ed25519, libsodium), made with a key kept outside the
 * database: whoever rewrites the chain without the key cannot make checkpoints that match. */
#define AUDIT_SIG_HEX 128 /* crypto_sign_BYTES as hex */
#define AUDIT_PK_HEX 64   /* crypto_sign_PUBLICKEYBYTES as hex */
/* sig (AUDIT_SIG_HEX + 1) = the signature of checkpoint (seq, hash) with secret key sk. */
void audit_checkpoint_sign(int64_t seq, const char *hash, const unsigned char *sk, char *sig);
/* 1 when sig is the signature of checkpoint (seq, hash) by public key pk. */
int audit_checkpoint_check(int64_t seq, const char *hash, const unsigned char *pk, const char *sig);

#endif
