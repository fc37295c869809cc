/* Calendar resources: what an appointment needs (a clinician, a nurse, a procedure room, an
 * ultrasound room, the cell processor), each with its working hours per weekday in the clinic's
 * local time, and its closures (leave, holidays, maintenance). Clinic configuration, not patient
 * records: no patient, no record layer (core/record.h is built around a patient's records). Pure:
 * reading and checking JSON, writing JSON; strings live in the caller's arena.
 *
 * hours: {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [...], ...}; a day left out
 *   (or []) is not worked. Times HH:MM (an end may be 24:00), start before end, at most
 *   HOURS_MAX_PERIODS periods a day, none overlapping (they may touch).
 * closure: {from, to, reason}. from and to are either a date YYYY-MM-DD, which means the whole
 *   day in the clinic's zone (from its start; `to` through its end), or an RFC 3339 date-time
 *   with its offset (2026-12-24T13:00:00-05:00, or Z). They are kept as UTC instants and written
 *   back in the clinic's offset. A date-time without an offset is refused: on a daylight-saving
 *   day it could mean two instants. */
#ifndef SCHWANN_RESOURCE_H
#define SCHWANN_RESOURCE_H

#include <jansson.h>

#include "../util/tz.h"
#include "../util/verr.h"
#include "slots.h"

typedef enum resource_kind {
	RES_CLINICIAN,
	RES_NURSE,
	RES_PROCEDURE_ROOM,
	RES_ULTRASOUND_ROOM,
	RES_CELL_PROCESSOR,
	RES_KIND_COUNT
} resource_kind;

/* "clinician", "nurse", "procedure_room", "ultrasound_room", "cell_processor", NULL. */
extern const char *const resource_kinds[];
/* The kind's index, or -1. */
int resource_kind_of(const char *name);
/* The staff role a resource of this kind is linked to ("clinician", "nurse"), or NULL (rooms and
 * machines have no account). */
const char *resource_kind_role(int kind);

#define CLOSURE_MAX_DAYS 366 /* a longer absence: set the resource inactive */

typedef struct resource {
	const char *id;
	const char *kind;
	const char *name;
	const char *staff_id; /* clinicians and nurses: their staff account; NULL otherwise */
	week_hours hours;
	int active;
	int version;
	const char *created_at, *updated_at, *updated_by;
	/* Read with it: whether the linked staff account is active (1 when there is none). */
	int staff_active;
} resource;

typedef struct closure {
	const char *id;
	const char *resource_id;
	int64_t from, to; /* instants, [from, to) */
	const char *reason;
	const char *status; /* active, voided */
	const char *void_reason;
	int version;
	const char *created_at, *updated_at, *updated_by;
} closure;

/* Reads a create (partial 0: kind, name and hours required) or a PATCH (partial 1: only the keys
 * present; kind cannot change) into r, every error with its path. The staff account's existence
 * and role are the caller's to check (they need the store). Returns the number of errors added. */
int resource_from_json(vctx *v, json_t *body, resource *r, int partial);
json_t *resource_to_json(const resource *r);

/* Reads hours at path (the value val) into out; errors at path.mon[1][0] and the like. */
void hours_from_json(vctx *v, const char *path, json_t *val, week_hours *out);
json_t *hours_to_json(const week_hours *h);
/* The hours as stored: compact JSON text in a, and back (-1 when the text is not valid hours). */
const char *hours_to_text(arena *a, const week_hours *h);
int hours_from_text(arena *a, const char *text, week_hours *out);

/* Reads {from, to, reason} into c (zone: the clinic's, for dates). Returns errors added. */
int closure_from_json(vctx *v, json_t *body, const tz_zone *zone, closure *c);
json_t *closure_to_json(const closure *c, const tz_zone *zone);

/* An instant as the store keeps it, YYYY-MM-DDTHH:MM:SSZ (21 bytes with the NUL), and back. */
void instant_format(int64_t t, char out[21]);
int instant_parse(const char *s, int64_t *out);

#endif
