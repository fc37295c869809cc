/* The patient list's directory: every patient with the summary beside the name, held in memory
 * in name order, so that a search by name reads no database page. It never goes stale: every
 * table the list shows has triggers that note the patient in outcome_changes (migrations 015,
 * 022), and each search first asks the store for the patients changed since the last sequence
 * number it applied (one indexed statement, no rows when nothing changed). Searches by birth
 * date, by part of an MRN and by last visit are not answered here (patient_dir_answers). Shared
 * by the server's threads: searches read under a shared lock; one refresh applies at a time. */
#ifndef SCHWANN_PATIENT_DIR_H
#define SCHWANN_PATIENT_DIR_H

#include "store.h"

typedef struct patient_dir patient_dir;

/* A directory for up to max patients (about 600 bytes each); a registry that has or grows more is
 * not kept, and patient_dir_answers says no from then on. NULL when out of memory. */
patient_dir *patient_dir_new(int max);
void patient_dir_free(patient_dir *d);

/* Brings the directory up to date through st (any connection to the database); the first call
 * loads every patient. */
sw_err patient_dir_refresh(patient_dir *d, store *st);

/* Whether patient_dir_search answers q: the directory is loaded and q is by name (everyone, one
 * word or two), not by last visit. */
int patient_dir_answers(patient_dir *d, const patient_query *q);

/* Exactly what the store's patient_search gives for q (up to q->limit + 1 rows with their
 * summaries, copied into a), after a refresh through st, where patient_dir_answers; anything
 * else (d NULL included) st's patient_search answers. */
sw_err patient_dir_search(patient_dir *d, store *st, arena *a, const patient_query *q,
                          patient **items, patient_summary **sums, int *n);

typedef struct patient_dir_stats {
	int patients;
	size_t bytes;
	long long seq;
	int full_loads, patient_loads;
	int too_many; /* more than max patients: not kept */
} patient_dir_stats;
void patient_dir_stats_get(patient_dir *d, patient_dir_stats *out);

#endif
