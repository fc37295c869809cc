/* Appointment types as data (data/appointment-types.json): each type's length and the resources it
 * needs at once, and which type each kind of plan step is booked as. Read and checked at start-up
 * against the biologics and the plan step kinds (core/treatment.h); a broken file stops the
 * server. Pure; strings live in the arena the file was read into.
 *
 * {"grid_minutes": 15 (optional: the clinic's finer grid of starts; without it a type's slots
 *    follow each other at its own length),
 *  "types": [{"id", "label", "minutes" (5..480, a multiple of 5),
 *             "needs": [["clinician"], ["ultrasound_room"]]   (each need: the resource kinds
 *                                                             that can fill it, one of them),
 *             "needs_for_biologic": {"bmac": [["cell_processor"]]}   (optional: needs added
 *                                                             when the biologic is this one)}],
 *  "step_kinds": {"consultation": "consultation", ..., "processing": null}   (every plan step
 *    kind, each the type it is booked as, or null when it is not booked on its own)} */
#ifndef SCHWANN_APPT_TYPE_H
#define SCHWANN_APPT_TYPE_H

#include <jansson.h>

#include "../util/arena.h"
#include "../util/verr.h"
#include "slots.h"

#define APPT_MAX_TYPES 32
#define APPT_MAX_VARIANTS 16 /* biologics with needs of their own, per type */
#define APPT_MAX_STEP_KINDS 16

struct treatment_set;

typedef struct appt_variant {
	const char *biologic;
	unsigned needs[SLOT_MAX_NEEDS]; /* added to the type's own */
	int n_needs;
} appt_variant;

typedef struct appt_type {
	const char *id;
	const char *label;
	int minutes;
	unsigned needs[SLOT_MAX_NEEDS]; /* per need a mask of resource kinds (1 << resource_kind) */
	int n_needs;
	appt_variant variants[APPT_MAX_VARIANTS];
	int n_variants;
} appt_type;

typedef struct appt_types {
	appt_type types[APPT_MAX_TYPES];
	int n;
	int grid_minutes; /* 0: none */
	/* Per entry of step_kinds[] (core/treatment.h), the type it is booked as, or NULL. */
	const appt_type *by_step[APPT_MAX_STEP_KINDS];
} appt_types;

/* Reads the file doc into out, checking biologics against tx; every problem into v. 0 when
 * good. */
int appt_types_parse(arena *a, json_t *doc, const struct treatment_set *tx, appt_types *out,
                     vctx *v);
const appt_type *appt_type_find(const appt_types *t, const char *id);
/* The type a plan step of this kind is booked as, or NULL (processing: within another visit). */
const appt_type *appt_type_for_step(const appt_types *t, const char *step_kind);
/* 1 when what the type needs depends on the biologic. */
int appt_type_varies(const appt_type *t);
/* The needs of type t for biologic bio (NULL: none given) into out; their number. */
int appt_type_needs(const appt_type *t, const char *bio, unsigned out[SLOT_MAX_NEEDS]);
/* The needs as JSON: [["clinician"], ["ultrasound_room"]]. */
json_t *appt_needs_json(const unsigned *needs, int n);
/* The needs in words, in a: "clinician or nurse", "clinician, ultrasound_room and
 * cell_processor". */
const char *appt_needs_text(arena *a, const unsigned *needs, int n);
/* Everything, as GET /api/v1/appointment-types answers it. */
json_t *appt_types_to_json(const appt_types *t);

#endif
