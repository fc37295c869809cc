/* Records as tables: each kind of patient record (diary entry, medicine, test result, assessment,
 * diagnosis, ...) is described once, as data, by a rec_kind: its fields with their C offsets,
 * JSON and column names, types, limits and flags; its lifecycle; the hooks for the rules that are
 * not field-shaped. From that one description the layer reads and validates JSON (every error with
 * its path), writes JSON, and the store builds its SQL (store/store_records.c) and the API its
 * endpoints (api/records.c). Pure: no I/O.
 *
 * Every record struct starts with the same members, in this order, named alike:
 *   const char *id, *patient_id;  ...its own fields...  const char *status, *<reason>;
 *   int version; const char *created_at, *updated_at, *updated_by;
 * REC_META(type, reason) describes them. Strings point into an arena (or into a catalogue). */
#ifndef SCHWANN_RECORD_H
#define SCHWANN_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "../util/arena.h"
#include "../util/dates.h"
#include "../util/verr.h"

typedef enum rec_type {
	RT_TEXT,    /* const char *, 1..max_len characters, not blank */
	RT_DATE,    /* const char *, YYYY-MM-DD, a real date */
	RT_INSTANT, /* const char *, set by the server */
	RT_ENUM,    /* const char *, one of choices */
	RT_INT,     /* int, whole number in [min, max] */
	RT_REAL,    /* double in [min, max]; has_off names its int "present" flag */
	RT_BOOL,    /* int 0/1; with RF_NULLABLE, -1 is null */
	RT_JSON,    /* const char * holding JSON text; written as JSON, stored as text */
	RT_LIST,    /* const char *[max] with the count at has_off; stored comma-joined */
} rec_type;

enum rec_flag {
	RF_REQUIRED = 1 << 0,    /* a create must give it (column NOT NULL) */
	RF_INPUT = 1 << 1,       /* the client may send it on create */
	RF_MUTABLE = 1 << 2,     /* rewritten by an update; with RF_INPUT the client may PATCH it */
	RF_NULLABLE = 1 << 3,    /* may be null (optional fields; RT_BOOL: -1 is null) */
	RF_NOT_FUTURE = 1 << 4,  /* RT_DATE: not after the clinic's today */
	RF_AFTER_BIRTH = 1 << 5, /* RT_DATE: not before the patient's birth date */
	RF_PHI = 1 << 6,  /* free text that may identify the patient (dropped when de-identified) */
	RF_META = 1 << 7, /* one of the members every record has (REC_META) */
	RF_HIDDEN = 1 << 8,   /* stored but not written to JSON (e.g. a total kept for queries) */
	RF_CLINICAL = 1 << 9, /* clinical detail: left out for roles that may not read it */
};

typedef struct rec_field {
	const char *name;   /* JSON key */
	const char *column; /* column name, or NULL when the same as name */
	rec_type type;
	unsigned flags;
	size_t off; /* offsetof the value in the record */
	size_t
	    has_off; /* RT_REAL: offsetof its int present flag; RT_LIST: of its int count; else 0 */
	int max_len; /* RT_TEXT: characters; RT_LIST: items */
	double min, max;            /* RT_INT, RT_REAL */
	const char *const *choices; /* RT_ENUM, RT_LIST: NULL-terminated; NULL = any text */
	const char *message;        /* what a wrong value is told, instead of the generic words */
} rec_field;

/* How a record ends. Ended is final: no change of any kind afterwards (409). */
typedef enum rec_life {
	RL_VOID,  /* status final -> voided through POST /<kind>/{id}/void with a reason */
	RL_ERROR, /* PATCH {status: <end>, <reason>} marks it entered in error; PATCH changes
	           * fields */
	RL_MOVES, /* POST /<kind>/{id}/status {status, reason} along the kind's moves; a status with
	           * no move out of it is final; PATCH changes fields until then */
} rec_life;

/* One allowed change of status (RL_MOVES). */
typedef struct rec_move {
	const char *from, *to;
	int needs_reason;
} rec_move;

/* What hooks and the JSON writer may need beyond the record itself. */
typedef struct rec_ctx {
	arena *a;
	const char *birth_date;  /* the patient's, for date bounds */
	const char *sex;         /* the patient's sex at birth */
	civil_date today;        /* the clinic's today */
	const char *now;         /* the current instant */
	const void *instruments; /* the loaded instrument set */
	const void *treatment;   /* the loaded biologics and protocols */
	int redact;              /* leave out RF_CLINICAL fields (the caller may not read them) */
	int chronic_months;      /* onset this long ago or more is chronic */
} rec_ctx;

typedef struct rec_kind rec_kind;

/* A field that names another record of the same patient (an adverse event's procedure): the API
 * checks it exists, is that patient's and has not ended. */
typedef struct rec_ref {
	const char *field;
	const rec_kind *k;
	const char *what; /* "a procedure of this patient" */
} rec_ref;

struct rec_kind {
	const char *name;        /* "medication": the audit action prefix (medication.create) */
	const char *resource;    /* the audit resource type when not the same as name */
	const char *table;       /* "medications" */
	const char *label;       /* "medicine": what messages call one */
	const char *path;        /* "/api/v1/medications": where one lives */
	size_t size;             /* sizeof the record */
	const rec_field *fields; /* REC_META first, then its own fields; ends with name NULL */
	rec_life life;
	const char *const *statuses; /* NULL-terminated; [0] is a new record's */
	const char *ended;     /* the final status: "voided", "entered_in_error" (RL_MOVES: none) */
	const rec_move *moves; /* RL_MOVES: the allowed moves, ending with from NULL */
	const char *list_order;   /* columns a patient's list is sorted by, "a, b, id" */
	const char *detail_field; /* its value goes into the audit record's detail, or NULL */
	/* Optional list filters: ?<eq_param>= on eq_field, ?from=&to= (dates) on range_field. */
	const char *eq_param, *eq_field, *range_field;
	/* Checks an eq_param value: NULL when fine, else what is wrong with it. */
	const char *(*check_filter)(const char *value, const rec_ctx *cx);
	const rec_ref *refs; /* ending with field NULL, or NULL */
	/* Fields a value is looked up in across patients (a lot recall: the kit lot and the lots
	 * used), NULL-terminated, or NULL. A list field matches when it holds the value. */
	const char *const *find_fields;
	/* Text fields whose values together may appear once among a patient's records that have not
	 * ended (a diagnosis: code and onset), NULL-terminated, or NULL. */
	const char *const *unique_fields;
	/* Replaces the field reader (create, and PATCH when partial) for kinds whose input is not
	 * field-shaped: test results with unit conversion, scored assessments, diagnoses. */
	void (*parse)(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx);
	/* Rules across fields, after the field reader (create and PATCH). */
	void (*check)(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx);
	/* Fills members derived from stored ones after a read (e.g. a catalogue pointer). */
	void (*after_read)(void *rec);
	/* Adds derived keys to its JSON. */
	void (*to_json)(json_t *out, const void *rec, const rec_ctx *cx);
};

/* The lifecycle members every record struct ends with, in this order. */
#define REC_LIFE_MEMBERS(reason)                                                                   \
	const char *status;                                                                        \
	const char *reason;                                                                        \
	int version;                                                                               \
	const char *created_at;                                                                    \
	const char *updated_at;                                                                    \
	const char *updated_by

/* The members every record has. reason: the member that holds why it ended. */
#define REC_META_HEAD(T)                                                                           \
	{"id", NULL, RT_TEXT, RF_META | RF_REQUIRED, offsetof(T, id), 0, 36},                      \
	{                                                                                          \
		"patient_id", NULL, RT_TEXT, RF_META | RF_REQUIRED, offsetof(T, patient_id), 0, 36 \
	}
#define REC_META_TAIL(T, reason) REC_META_TAIL_FLAGS(T, reason, 0)
/* The same, with extra flags on the reason (RF_CLINICAL: a reason the front desk may not read). */
#define REC_META_TAIL_FLAGS(T, reason, flags)                                                       \
	{"status", NULL, RT_ENUM, RF_META | RF_REQUIRED, offsetof(T, status), 0, 32},               \
	    {#reason, NULL, RT_TEXT, RF_META | RF_NULLABLE | (flags), offsetof(T, reason), 0, 500}, \
	    {"version", NULL, RT_INT, RF_META | RF_REQUIRED, offsetof(T, version), 0, 0, 1, 1e9},   \
	    {"created_at", NULL, RT_INSTANT, RF_META | RF_REQUIRED, offsetof(T, created_at)},       \
	    {"updated_at", NULL, RT_INSTANT, RF_META | RF_REQUIRED, offsetof(T, updated_at)},       \
	    {"updated_by", NULL, RT_TEXT, RF_META | RF_NULLABLE, offsetof(T, updated_by), 0, 36},   \
	{                                                                                           \
		NULL                                                                                \
	}

/* The kinds this server keeps, NULL-terminated. */
extern const rec_kind *const rec_kinds[];
extern const rec_kind rk_diary, rk_medication, rk_observation, rk_assessment, rk_condition,
    rk_adverse_event, rk_plan, rk_plan_step, rk_consent, rk_procedure, rk_candidacy_decision;

/* Typed access to a member at a field's offset. */
#define REC_AT(rec, off, T) (*(T *)((char *)(rec) + (off)))
#define REC_CAT(rec, off, T) (*(const T *)((const char *)(rec) + (off)))

/* The meta members of any record (they sit at the offsets REC_META gives them). */
typedef struct rec_meta {
	const char *id, *patient_id, *status;
	int version;
} rec_meta;
rec_meta rec_meta_of(const rec_kind *k, const void *rec);
/* Sets the lifecycle members: status, reason, version, updated_at/by (NULL leaves one as is). */
void rec_set_life(const rec_kind *k, void *rec, const char *status, const char *reason, int version,
                  const char *now, const char *who);
/* Sets the members of a new record: id, patient, the first status, version 1, created/updated. */
void rec_set_new(const rec_kind *k, void *rec, const char *id, const char *patient_id,
                 const char *now, const char *who);
/* The field named name (JSON key), or NULL. */
const rec_field *rec_field_find(const rec_kind *k, const char *name);
/* The column of f. */
static inline const char *rec_column(const rec_field *f)
{
	return f->column ? f->column : f->name;
}

/* Reads the client's fields from body into rec, validating each (every error with its path) and
 * refusing unknown keys; then the kind's check. partial: PATCH (only keys present change, only
 * RF_MUTABLE input fields and, for RL_ERROR kinds, status and reason are accepted); else create
 * (parse hook when the kind has one, else RF_INPUT fields; required ones must be there). Returns
 * the number of errors added. */
int rec_from_json(vctx *v, const rec_kind *k, json_t *body, void *rec, int partial,
                  const rec_ctx *cx);
/* Checks s, the value of date field f: a real date and, where f says so, not in the future and
 * not before the patient's birth; errors at f's name. */
void rec_check_date(vctx *v, const rec_field *f, const char *s, const rec_ctx *cx);
/* The record as JSON (new reference): every field but those whose JSON name is NULL, then the
 * kind's derived keys. */
json_t *rec_to_json(const rec_kind *k, const void *rec, const rec_ctx *cx);
/* 1 when the record has ended (voided, entered in error, or a status with no move out of it):
 * nothing may change any more. */
int rec_ended(const rec_kind *k, const void *rec);
/* RL_MOVES: the move from the record's status to `to`, or NULL when there is none. */
const rec_move *rec_move_find(const rec_kind *k, const void *rec, const char *to);
/* RL_MOVES: "a, b or c": the statuses the record can move to now, in the arena ("" if none). */
const char *rec_moves_from(arena *a, const rec_kind *k, const void *rec);
/* Checks a kind's description (offsets, flags, statuses); on a mistake writes it to err and
 * returns -1. Run at start-up and in the unit tests. */
int rec_kind_check(const rec_kind *k, char *err, size_t errlen);

#endif
