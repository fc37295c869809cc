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
/* 1 when s is a canonical lowercase or uppercase UUID string, 0 otherwise. */
int uuid_valid(const char *s);

#endif
