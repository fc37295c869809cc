/* Synthetic demo clinic: deterministic patients and diagnoses from a fixed seed. Every record is
 * marked synthetic and no name or number belongs to a real person. Pure: the caller stores them. */
#ifndef SCHWANN_DEMO_H
#define SCHWANN_DEMO_H

#include <stdint.h>

#include "condition.h"
#include "patient.h"

#define DEMO_SEED 20261125u

typedef struct demo_rng {
	uint64_t state;
} demo_rng;

void demo_rng_init(demo_rng *g, uint64_t seed);
uint64_t demo_next(demo_rng *g);
/* A number from 0 to n - 1. */
int demo_pick(demo_rng *g, int n);
/* Fills p and c (strings in a) for demo patient number i (0-based). Ids, timestamps and
 * patient_id are left for the caller. Onset dates are placed relative to today. */
void demo_patient(demo_rng *g, int i, arena *a, civil_date today, patient *p, condition *c);

/* Answers to instrument (nrs, dn4, mnsi-history or rand-36) from a patient whose NRS is pain:
 * neuropathic features more likely, and RAND-36 answers less favourable, the worse the pain.
 * NULL for another instrument. New reference. */
json_t *demo_answers(demo_rng *g, arena *a, const char *instrument, int pain);
/* A plausible work-up for one demo patient as API request bodies: {"diary": [...],
 * "assessments": [...], "observations": [...]}, at a visit 1 to 60 days before last (today, or
 * the start of the patient's plan); *pain is the NRS found then (3 to 8). New reference. */
json_t *demo_workup(demo_rng *g, arena *a, const condition *c, civil_date last, int *pain);

#endif
