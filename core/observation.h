/* Clinical test results of the neuropathy work-up (nerve conduction, monofilament, vibration,
 * skin biopsy, laboratory values): the catalogue of kinds with their codes, units, physically
 * possible ranges and the rules that mark a value abnormal, and the reading of one result from
 * JSON. Pure. Strings point into an arena or into the catalogue. */
#ifndef SCHWANN_OBSERVATION_H
#define SCHWANN_OBSERVATION_H

#include <jansson.h>

#include "../util/dates.h"
#include "../util/verr.h"
#include "record.h"

typedef enum obs_value_type {
	OBS_NUMBER,      /* a measured number in the kind's unit */
	OBS_GRADE,       /* one of the kind's grades (present/decreased/absent) */
	OBS_MONOFILAMENT /* three answers at one site: two real touches and one sham */
} obs_value_type;

typedef struct obs_unit {
	const char *unit;
	double factor; /* value in this unit * factor + offset = value in the kind's unit */
	double offset;
} obs_unit;

typedef struct obs_kind {
	const char *kind;
	const char *label;
	const char *code_system; /* http://loinc.org, or the local system */
	const char *code;
	obs_value_type type;
	const char *unit;            /* the canonical unit */
	const obs_unit *other_units; /* accepted and converted; NULL-terminated by unit */
	double min, max;             /* physically possible, in the canonical unit */
	int sided;                   /* a side (left/right) is required */
	const char *const *sites;    /* sites of which one is required, or NULL */
	const char *const *grades;   /* OBS_GRADE answers, normal first */
	double low, high;            /* abnormal below low / above high; NAN when none */
	const char *rule;            /* where the rule comes from, shown with the flag */
	int high_inclusive;          /* abnormal at high itself too (HbA1c "6.5 % or more") */
} obs_kind;

typedef struct observation {
	const char *id;
	const char *patient_id;
	const obs_kind *k;
	const char *kind; /* as stored (k may be NULL for a kind no longer in the catalogue) */
	const char *code_system;
	const char *code;
	double value;
	int has_value;
	const char *value_text;
	const char *unit;
	const char *side;
	const char *site;
	const char *details; /* JSON text, e.g. the monofilament answers */
	const char *performed_on;
	int abnormal; /* 1, 0, or -1 when no rule applies */
	const char *interpretation;
	REC_LIFE_MEMBERS(void_reason); /* status: final, voided */
} observation;

#define OBS_LOCAL_SYSTEM "urn:schwann:observation"

extern const obs_kind obs_kinds[];
const obs_kind *obs_kind_find(const char *kind);

/* Reads {kind, performed_on, value, unit, side, site, responses} into o: converts the unit,
 * refuses impossible values, derives the monofilament result from its answers, and marks the
 * value abnormal by the kind's rule. birth_date and sex bound the date and pick age- and
 * sex-dependent limits (skin biopsy). Returns the number of errors added to v. */
int observation_from_json(vctx *v, json_t *body, const char *birth_date, const char *sex,
                          civil_date today, observation *o);

#endif
