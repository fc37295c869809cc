/* Login throttling: after too many failed logins for one key (an e-mail or an address) within a
 * window, further attempts are refused until the window has passed. Pure state; the caller locks.
 */
#ifndef SCHWANN_THROTTLE_H
#define SCHWANN_THROTTLE_H

#include <stdint.h>
#include <time.h>

#define THROTTLE_SLOTS 1024
#define THROTTLE_MAX_FAILURES 5     /* per e-mail address */
#define THROTTLE_MAX_PER_ADDRESS 20 /* per client address: a clinic's staff may share one */
#define THROTTLE_WINDOW_S 900

typedef struct throttle_slot {
	uint64_t key; /* hash of the key; 0 = empty */
	int failures;
	time_t first;
} throttle_slot;

typedef struct throttle {
	throttle_slot slots[THROTTLE_SLOTS];
} throttle;

/* 0 when key may try now (fewer than max failures in the window); otherwise the seconds until
 * it may. */
int throttle_wait(throttle *t, const char *key, int max, time_t now);
void throttle_fail(throttle *t, const char *key, time_t now);
void throttle_success(throttle *t, const char *key);

#endif
