/* A neuropathy diagnosis on a patient and the rules for it. Strings point into an arena. */
#ifndef SCHWANN_CONDITION_H
#define SCHWANN_CONDITION_H

#include <jansson.h>

#include "../util/dates.h"
#include "../util/verr.h"
#include "record.h"

#define CONDITION_MAX_SITES 8

typedef struct condition {
	const char *id;
	const char *patient_id;
	const char *icd10;
	const char *etiology;       /* derived from icd10, stored for queries */
	const char *onset_date;     /* YYYY-MM-DD or YYYY-MM, or NULL when unknown */
	const char *diagnosed_date; /* YYYY-MM-DD or NULL */
	const char *sites[CONDITION_MAX_SITES];
	int n_sites;
	const char *notes;
	REC_LIFE_MEMBERS(status_reason); /* status: active, resolved, entered_in_error */
} condition;

extern const char *const condition_status_names[];

/* Reads and validates the fields present in obj into c (see patient_from_json for partial).
 * birth_date, when known, bounds the onset. Returns the number of errors added. */
int condition_from_json(vctx *v, json_t *obj, condition *c, int partial, const char *birth_date,
                        civil_date today);
/* Records an error at "birth_date" when birth_date is after the onset or diagnosis date of any
 * of the n diagnoses that are not marked entered_in_error, and returns that diagnosis's index
 * (else -1). The message names its code and date only when may_read (the caller may read
 * diagnoses): a validation message must not carry what the caller may not read. */
int condition_check_birth(vctx *v, const char *birth_date, const condition *c, int n, int may_read);

#endif
