/* Failed-login counting in a fixed table (no allocation; oldest entry evicted when full). */
#include "throttle.h"

static uint64_t key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 1099511628211ull;
	}
	return h ? h : 1;
}

static throttle_slot *find(throttle *t, uint64_t h, int create, time_t now)
{
	throttle_slot *oldest = &t->slots[h % THROTTLE_SLOTS];
	for (int i = 0; i < 8; i++) {
		throttle_slot *s = &t->slots[(h + (uint64_t)i) % THROTTLE_SLOTS];
		if (s->key == h)
			return s;
		if (s->key == 0 || s->first < oldest->first || now - s->first > THROTTLE_WINDOW_S)
			oldest = s;
	}
	if (!create)
		return NULL;
	oldest->key = h;
	oldest->failures = 0;
	oldest->first = now;
	return oldest;
}

int throttle_wait(throttle *t, const char *key, int max, time_t now)
{
	throttle_slot *s = find(t, key_hash(key), 0, now);
	if (!s || s->failures < max)
		return 0;
	time_t left = s->first + THROTTLE_WINDOW_S - now;
	if (left <= 0) {
		s->key = 0;
		return 0;
	}
	return (int)left;
}

void throttle_fail(throttle *t, const char *key, time_t now)
{
	throttle_slot *s = find(t, key_hash(key), 1, now);
	if (now - s->first > THROTTLE_WINDOW_S) {
		s->failures = 0;
		s->first = now;
	}
	s->failures++;
}

void throttle_success(throttle *t, const char *key)
{
	throttle_slot *s = find(t, key_hash(key), 0, 0);
	if (s)
		s->key = 0;
}
