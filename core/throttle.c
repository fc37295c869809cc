/* Failed sign-ins counted in an open-addressing table that grows instead of evicting (see
 * throttle.h for why). Expired keys are dropped only when the table is rebuilt. */
#include "throttle.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 1024

const throttle_rule throttle_pair = {5, 15, 900};
const throttle_rule throttle_account = {50, 15, 900};
const throttle_rule throttle_address = {60, 15, 900};

/* SipHash of the key in lower case (e-mail addresses are case-insensitive here). */
static uint64_t key_hash(throttle *t, const char *s)
{
	if (!t->keyed) {
		randombytes_buf(t->hash_key, sizeof t->hash_key);
		t->keyed = 1;
	}
	size_t n = strlen(s);
	unsigned char buf[512], out[crypto_shorthash_BYTES];
	if (n > sizeof buf)
		n = sizeof buf;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
	}
	crypto_shorthash(out, buf, n, t->hash_key);
	uint64_t h;
	memcpy(&h, out, sizeof h);
	return h ? h : 1;
}

static int expired(const throttle_entry *e, time_t now)
{
	return now - e->last > THROTTLE_WINDOW_S;
}

static throttle_entry *lookup(const throttle *t, uint64_t h)
{
	for (size_t i = 0; t->cap && i < t->cap; i++) {
		throttle_entry *e = &t->slots[(h + i) & (t->cap - 1)];
		if (e->key == h)
			return e;
		if (e->key == 0)
			return NULL;
	}
	return NULL;
}

static void put(throttle_entry *slots, size_t cap, const throttle_entry *e)
{
	size_t i = e->key & (cap - 1);
	while (slots[i].key)
		i = (i + 1) & (cap - 1);
	slots[i] = *e;
}

/* Rebuilds the table without expired keys, at a size that leaves room to grow. 0, or -1 when
 * the live keys already fill THROTTLE_MAX_KEYS or memory runs out (the old table is kept). */
static int rebuild(throttle *t, time_t now)
{
	size_t live = 0;
	for (size_t i = 0; i < t->cap; i++)
		live += t->slots[i].key && !expired(&t->slots[i], now);
	if (live + 1 > THROTTLE_MAX_KEYS)
		return -1;
	size_t cap = INITIAL_SLOTS;
	while (cap < 4 * (live + 1))
		cap *= 2;
	throttle_entry *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].key && !expired(&t->slots[i], now))
			put(slots, cap, &t->slots[i]);
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	t->used = live;
	return 0;
}

int throttle_wait(throttle *t, const char *key, const throttle_rule *rule, time_t now)
{
	const throttle_entry *e = lookup(t, key_hash(t, key));
	if (!e || expired(e, now) || e->failures < rule->free_failures)
		return 0;
	/* The first delay after free_failures, doubled for each failure beyond them. */
	long delay = rule->first_delay_s;
	for (int n = rule->free_failures; n < e->failures && delay < rule->max_delay_s; n++)
		delay *= 2;
	if (delay > rule->max_delay_s)
		delay = rule->max_delay_s;
	long left = (long)(e->last + delay - now);
	return left > 0 ? (int)left : 0;
}

int throttle_fail(throttle *t, const char *key, time_t now)
{
	uint64_t h = key_hash(t, key);
	throttle_entry *e = lookup(t, h);
	if (!e) {
		if ((t->used + 1) * 2 > t->cap && rebuild(t, now))
			return -1;
		throttle_entry fresh = {h, 0, now};
		put(t->slots, t->cap, &fresh);
		t->used++;
		e = lookup(t, h);
	}
	if (expired(e, now))
		e->failures = 0;
	e->failures++;
	e->last = now;
	return 0;
}

void throttle_success(throttle *t, const char *key)
{
	throttle_entry *e = lookup(t, key_hash(t, key));
	if (e)
		e->failures = 0;
}

size_t throttle_keys(const throttle *t)
{
	return t->used;
}

void throttle_free(throttle *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}
