/* A patient's identified record and the rules for it. Strings point into the arena the record
 * was read or parsed with; a patient never owns memory. */
#ifndef SCHWANN_PATIENT_H
#define SCHWANN_PATIENT_H

#include <jansson.h>

#include "../util/dates.h"
#include "../util/verr.h"

typedef struct patient {
	const char *id;
	const char *mrn;
	const char *family_name;
	const char *given_name;
	const char *birth_date; /* YYYY-MM-DD */
	const char *sex_at_birth;
	const char *phone;
	const char *email;
	const char *address_line;
	const char *address_city;
	const char *address_region;
	const char *address_postal_code;
	const char *address_country;
	int research_consent;
	int synthetic; /* demo data, never a real person */
	int version;
	const char *created_at;
	const char *updated_at;
	const char *updated_by;
	const char *archived_at; /* NULL while active */
	const char *archive_reason;
} patient;

extern const char *const sex_at_birth_names[];

/* Reads the fields present in obj into p, validating each. With partial (PATCH) absent fields keep
 * p's values; otherwise the required ones must be there. Then checks the whole record against
 * `today` (no birth in the future, none before 1900). Returns the number of errors added. */
int patient_from_json(vctx *v, json_t *obj, patient *p, int partial, civil_date today);

#endif
