/* UUIDv7 identifiers (RFC 9562): 48-bit Unix milliseconds, then random bits, so ids sort by
 * creation time and stay unique when clinics' data is merged. */
#ifndef SCHWANN_UUID_H
#define SCHWANN_UUID_H

#include <stdint.h>

#define UUID_STR_LEN 36

/* Writes a new UUIDv7 as 36 lowercase characters plus NUL into out. */
void uuid_v7(char out[UUID_STR_LEN + 1]);
/* Same, with the time and the random bytes given: for tests and seeded demo data. */
void uuid_v7_from(char out[UUID_STR_LEN + 1], uint64_t unix_ms, const unsigned char rnd[10]);
/* A run of UUIDv7s in strictly increasing order, for bulk loads (RFC 9562 6.2, method 1): the
 * millisecond the run began, then a 42-bit counter in the top of the random bits, then 32 random
 * bits drawn once per run. One syscall per run instead of one per id. */
typedef struct uuid_seq {
	uint64_t ms, count;
	unsigned char rnd[4];
} uuid_seq;
void uuid_seq_init(uuid_seq *q);
void uuid_seq_next(uuid_seq *q, char out[UUID_STR_LEN + 1]);
/* 1 when s is a canonical lowercase or uppercase UUID string, 0 otherwise. */
int uuid_valid(const char *s);

#endif
