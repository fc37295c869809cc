/* Sign-in throttling: failed sign-ins counted per key (an account and address pair, an account,
 * an address). After a rule's free failures each further attempt must wait a delay that doubles
 * with every failure, up to a cap: an attacker is slowed, the owner is never walled off for long,
 * and a pair's limit does not touch the same account from another address.
 *
 * Counters are never evicted to make room: the table grows to hold every key that failed within
 * the window (up to THROTTLE_MAX_KEYS, far more than argon2-priced guesses can fill in a window);
 * a key is forgotten only THROTTLE_WINDOW_S after its last failure. At the cap, new keys are not
 * counted (the ones already counted stay). Keys are hashed with a random per-table SipHash key,
 * so nobody can craft a key that lands on someone else's counter. Not thread-safe: the caller
 * locks. The table owns its memory (throttle_free). */
#ifndef SCHWANN_THROTTLE_H
#define SCHWANN_THROTTLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define THROTTLE_WINDOW_S 3600 /* a key's count is forgotten this long after its last failure */
#define THROTTLE_MAX_KEYS (1 << 22) /* ~4 million keys, 128 MiB at most */

/* When failures start to cost time: after `free_failures` within the window, the next attempt
 * waits first_delay_s after the last failure, doubling with each further failure, at most
 * max_delay_s. */
typedef struct throttle_rule {
	int free_failures;
	int first_delay_s;
	int max_delay_s;
} throttle_rule;

/* The rules of sign-in: the pair first, the account and the address only far above it. */
extern const throttle_rule throttle_pair;    /* one account from one address: 5 free */
extern const throttle_rule throttle_account; /* one account from anywhere: 50 free */
extern const throttle_rule throttle_address; /* one address, any account: 60 free */

typedef struct throttle_entry {
	uint64_t key; /* keyed hash; 0 = empty */
	int failures;
	time_t last;
} throttle_entry;

typedef struct throttle {
	throttle_entry *slots;
	size_t cap;  /* a power of two, or 0 before the first failure */
	size_t used; /* slots with a key, expired or not */
	unsigned char hash_key[16];
	int keyed;
} throttle;

/* 0 when key may try now under rule; otherwise the seconds until it may. */
int throttle_wait(throttle *t, const char *key, const throttle_rule *rule, time_t now);
/* Counts a failure of key. 0, or -1 when it could not be counted (the table is at
 * THROTTLE_MAX_KEYS, or out of memory). */
int throttle_fail(throttle *t, const char *key, time_t now);
/* Forgets key's failures (a successful sign-in of that pair). */
void throttle_success(throttle *t, const char *key);
/* Keys counted now (expired ones included until the table is rebuilt). */
size_t throttle_keys(const throttle *t);
/* Frees the table; t may be used again afterwards (it starts empty). */
void throttle_free(throttle *t);

#endif
