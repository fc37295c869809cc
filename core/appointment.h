/* Appointments: a patient booked for an appointment type at an instant, with the resources it
 * takes (core/appt_type.h, core/resource.h). Pure: the status rules, reading a booking request and
 * writing JSON; strings in the caller's arena. The store (store_ops.appt_write) refuses a booking
 * that overlaps another live one on any of its resources, inside its write transaction.
 *
 * Statuses: booked -> arrived, cancelled (with a reason), no_show; arrived -> completed. Only a
 * booked appointment is rescheduled. Cancelled and no-show appointments free their resources. */
#ifndef SCHWANN_APPOINTMENT_H
#define SCHWANN_APPOINTMENT_H

#include <jansson.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/tz.h"
#include "../util/verr.h"
#include "slots.h"

#define APPT_NOTE_MAX 2000
#define APPT_REASON_MAX 500

/* One resource an appointment takes (kind and name read with it, for the answer). */
typedef struct appt_resource {
	const char *id, *kind, *name;
} appt_resource;

typedef struct appointment {
	const char *id;
	const char *patient_id;
	const char *type;
	const char *biologic; /* an injection's biologic (its needs depend on it), or NULL */
	int64_t start, end;   /* instants, [start, end) */
	const char *status;   /* booked, arrived, completed, cancelled, no_show */
	const char *plan_step_id;
	const char *note;
	const char *reason; /* why it was cancelled */
	appt_resource resources[SLOT_MAX_NEEDS];
	int n_resources;
	int version;
	const char *created_at, *updated_at, *updated_by;
	/* Read with a list (NULL otherwise): the patient's MRN and name, for the schedule. */
	const char *patient_mrn, *patient_family, *patient_given;
} appointment;

/* The request of POST /appointments: what the caller sent, before the type's rules. */
typedef struct appt_request {
	const char *patient_id, *type, *biologic, *plan_step_id, *note;
	int64_t start;
	const char *resources[SLOT_MAX_NEEDS]; /* ids given, or none */
	int n_resources;
} appt_request;

/* Reads {patient_id, type, start, resources?, biologic?, plan_step_id?, note?}; every error into
 * v with its field. Returns the number of errors added. */
int appt_request_from_json(vctx *v, json_t *body, appt_request *out);

/* 1 when a live appointment holds its resources (booked, arrived or completed). */
int appt_holds_time(const char *status);
/* Whether status `from` may move to `to`: NULL when it may, else why not (a sentence). */
const char *appt_move_refused(const char *from, const char *to);

json_t *appointment_to_json(const appointment *ap, const tz_zone *zone);

/* The start `days` days from start at the same clock time in zone z: across a daylight-saving
 * change the instant moves by a day more or less an hour; a clock time the new day skips moves
 * to the change (tz_wall_to_utc). */
int64_t appt_shift_start(const tz_zone *z, int64_t start, int days);

#endif
