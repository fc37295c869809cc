/* The in-memory outcome profiles (outcome_cache.h): a flat array of profiles, the patient id of
 * each slot beside it, and an open-addressing table from id to slot. A refresh loads from the
 * store outside the lock and applies the result under the exclusive lock; a slot whose patient
 * left the cohort is marked dead and keeps its key, so the patient returns to it. */
#include "outcome_cache.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util/uuid.h"

typedef char patient_key[UUID_STR_LEN + 1];

struct outcome_cache {
	pthread_mutex_t refreshing; /* one refresh at a time */
	pthread_rwlock_t lock;      /* reports share it; applying a refresh takes it alone */
	outcome_scheme scheme;
	int loaded;
	long long seq;
	outcome_profile *profiles; /* [0..n), dead slots included */
	patient_key *keys;
	int n, cap;
	int *table; /* slot + 1, 0 empty; size a power of two, at most half full */
	int table_size;
	int full_loads, patient_loads;
};

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The table position holding id, or the empty one where it would go. */
static int find(const outcome_cache *c, const char *id)
{
	uint32_t mask = (uint32_t)c->table_size - 1, i = hash(id) & mask;
	while (c->table[i] && strcmp(c->keys[c->table[i] - 1], id) != 0)
		i = (i + 1) & mask;
	return (int)i;
}

static int grow_table(outcome_cache *c, int need)
{
	if (c->table_size && need * 2 <= c->table_size)
		return 0;
	int size = c->table_size ? c->table_size : 1024;
	while (size < need * 2)
		size *= 2;
	int *old = c->table, old_size = c->table_size;
	c->table = calloc((size_t)size, sizeof *c->table);
	if (!c->table) {
		c->table = old;
		return -1;
	}
	c->table_size = size;
	for (int i = 0; i < old_size; i++)
		if (old[i])
			c->table[find(c, c->keys[old[i] - 1])] = old[i];
	free(old);
	return 0;
}

static int grow_slots(outcome_cache *c, int need)
{
	if (need <= c->cap)
		return 0;
	int cap = c->cap ? c->cap : 1024;
	while (cap < need)
		cap *= 2;
	outcome_profile *p = realloc(c->profiles, sizeof *p * (size_t)cap);
	if (p)
		c->profiles = p;
	patient_key *k = p ? realloc(c->keys, sizeof *k * (size_t)cap) : NULL;
	if (k)
		c->keys = k;
	if (!k)
		return -1;
	c->cap = cap;
	return 0;
}

outcome_cache *outcome_cache_new(const outcome_scheme *scheme)
{
	outcome_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	pthread_mutex_init(&c->refreshing, NULL);
	pthread_rwlock_init(&c->lock, NULL);
	c->scheme = *scheme;
	return c;
}

void outcome_cache_free(outcome_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->refreshing);
	pthread_rwlock_destroy(&c->lock);
	free(c->profiles);
	free(c->keys);
	free(c->table);
	free(c);
}

/* Puts the profile of id in its slot, or in a new one. -1 when out of memory. */
static int put(outcome_cache *c, const char *id, const outcome_profile *p)
{
	if (grow_table(c, c->n + 1) || grow_slots(c, c->n + 1))
		return -1;
	int at = find(c, id);
	if (!c->table[at]) {
		int slot = c->n++;
		memcpy(c->keys[slot], id, sizeof(patient_key));
		c->table[at] = slot + 1;
	}
	c->profiles[c->table[at] - 1] = *p;
	return 0;
}

/* Marks id's slot dead (it stays in the table, so the patient comes back to the same slot). */
static void drop(outcome_cache *c, const char *id)
{
	if (!c->table_size)
		return;
	int at = find(c, id);
	if (c->table[at])
		c->profiles[c->table[at] - 1].live = 0;
}

static int usable_id(const char *id)
{
	return id && strlen(id) <= UUID_STR_LEN;
}

/* Applies a load: with full, the cache is emptied first. */
static int apply(outcome_cache *c, const outcome_batch *b, const outcome_profile *profiles,
                 const int *ok, int full)
{
	if (full) {
		c->n = 0;
		if (c->table)
			memset(c->table, 0, sizeof *c->table * (size_t)c->table_size);
		if (grow_table(c, b->n) || grow_slots(c, b->n))
			return -1;
	}
	for (int i = 0; i < b->n_changed; i++)
		if (usable_id(b->changed[i]))
			drop(c, b->changed[i]);
	for (int i = 0; i < b->n; i++)
		if (ok[i] && usable_id(b->items[i].patient_id) &&
		    put(c, b->items[i].patient_id, &profiles[i]))
			return -1;
	c->seq = b->seq;
	c->loaded = 1;
	if (full)
		c->full_loads++;
	else
		c->patient_loads += b->n_changed;
	return 0;
}

sw_err outcome_cache_refresh(outcome_cache *c, store *st)
{
	pthread_mutex_lock(&c->refreshing);
	arena a;
	arena_init(&a);
	outcome_batch b;
	int full = !c->loaded;
	sw_err rc = st->ops->outcome_cohort(st, &a, full ? -1 : c->seq, &b);
	outcome_profile *profiles = NULL;
	int *ok = NULL;
	if (!rc && (full || b.n_changed)) {
		profiles = malloc(sizeof *profiles * (size_t)(b.n ? b.n : 1));
		ok = malloc(sizeof *ok * (size_t)(b.n ? b.n : 1));
		for (int i = 0; profiles && ok && i < b.n; i++)
			ok[i] = outcome_profile_make(&c->scheme, &b.items[i], &profiles[i]) == 0;
		pthread_rwlock_wrlock(&c->lock);
		if (!profiles || !ok || apply(c, &b, profiles, ok, full)) {
			rc = SW_EDB;
			c->loaded = 0; /* load everyone again next time */
		}
		pthread_rwlock_unlock(&c->lock);
	}
	free(profiles);
	free(ok);
	arena_free(&a);
	if (full)
		malloc_trim(0); /* give the load's working memory back (glibc keeps freed memory) */
	pthread_mutex_unlock(&c->refreshing);
	return rc;
}

const outcome_profile *outcome_cache_acquire(outcome_cache *c, int *n)
{
	pthread_rwlock_rdlock(&c->lock);
	*n = c->n;
	return c->profiles;
}

void outcome_cache_release(outcome_cache *c)
{
	pthread_rwlock_unlock(&c->lock);
}

const outcome_scheme *outcome_cache_scheme(const outcome_cache *c)
{
	return &c->scheme;
}

int outcome_cache_find(const outcome_cache *c, const char *id, outcome_profile *out)
{
	if (!c->table_size || !usable_id(id))
		return -1;
	int at = find(c, id);
	if (!c->table[at] || !c->profiles[c->table[at] - 1].live)
		return -1;
	*out = c->profiles[c->table[at] - 1];
	return 0;
}

void outcome_cache_stats_get(outcome_cache *c, outcome_cache_stats *out)
{
	pthread_rwlock_rdlock(&c->lock);
	memset(out, 0, sizeof *out);
	for (int i = 0; i < c->n; i++)
		out->patients += c->profiles[i].live;
	out->bytes = (sizeof *c->profiles + sizeof *c->keys) * (size_t)c->cap +
	             sizeof *c->table * (size_t)c->table_size;
	out->seq = c->seq;
	out->full_loads = c->full_loads;
	out->patient_loads = c->patient_loads;
	pthread_rwlock_unlock(&c->lock);
}
