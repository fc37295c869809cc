/* The outcome profiles of the whole cohort held in memory for the reports, one per patient in
 * a flat array that a report scans without touching the database. It never goes stale: every
 * table the reports read has triggers that note the patient and a sequence number in
 * outcome_changes (migration 015), and before each report outcome_cache_refresh reloads just the
 * patients changed since the last sequence number it saw; the first refresh loads everyone.
 * Shared by the server's threads: one refresh at a time, reports read under a shared lock. */
#ifndef SCHWANN_OUTCOME_CACHE_H
#define SCHWANN_OUTCOME_CACHE_H

#include "../core/outcome_report.h"
#include "store.h"

typedef struct outcome_cache outcome_cache;

/* A cache for the reports of one database with this scheme (copied); NULL when out of memory. */
outcome_cache *outcome_cache_new(const outcome_scheme *scheme);
void outcome_cache_free(outcome_cache *c);

/* Brings the cache up to date through st (any connection to the database). */
sw_err outcome_cache_refresh(outcome_cache *c, store *st);

/* The profiles under a shared lock until outcome_cache_release: p[0..n) (patients who left the
 * cohort are in it with live 0, which the reports pass over). */
const outcome_profile *outcome_cache_acquire(outcome_cache *c, int *n);
void outcome_cache_release(outcome_cache *c);
const outcome_scheme *outcome_cache_scheme(const outcome_cache *c);
/* The live profile of patient id into *out (call between acquire and release); 0, or -1 when
 * the patient is not in the cohort. */
int outcome_cache_find(const outcome_cache *c, const char *id, outcome_profile *out);

typedef struct outcome_cache_stats {
	int patients;      /* live profiles */
	size_t bytes;      /* memory held */
	long long seq;     /* the last change applied */
	int full_loads;    /* loads of the whole cohort */
	int patient_loads; /* patients reloaded after a change */
} outcome_cache_stats;
void outcome_cache_stats_get(outcome_cache *c, outcome_cache_stats *out);

#endif
