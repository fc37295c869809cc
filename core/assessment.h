/* An instrument filled in for a patient: the answers as given, the score computed from them by
 * the instrument's definition, and which version of the definition scored it. Strings point into
 * an arena. An assessment entered in error is voided with a reason, never deleted. */
#ifndef SCHWANN_ASSESSMENT_H
#define SCHWANN_ASSESSMENT_H

#include <jansson.h>

#include "../util/dates.h"
#include "../util/verr.h"
#include "record.h"
#include "instrument.h"

typedef struct assessment {
	const char *id;
	const char *patient_id;
	const char *instrument_id;
	const char *instrument_version;
	const char *performed_at; /* YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ */
	const char *answers;      /* compact JSON text, keys sorted */
	const char *score;        /* compact JSON text of instr_result_json */
	double total;
	int has_total;
	REC_LIFE_MEMBERS(void_reason); /* status: final, voided */
} assessment;

/* Reads {instrument, performed_at, answers} from body, scores the answers, and fills out (answers
 * and score as JSON text in the arena). Errors name the field or "answers.<item>", all of them
 * at once. performed_at may not be later than now (an instant YYYY-MM-DDTHH:MM:SSZ) nor before
 * birth_date (when given). */
int assessment_from_json(vctx *v, json_t *body, const instrument_set *set, const char *birth_date,
                         civil_date today, const char *now, assessment *out);
/* 0 when s is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (a real date and time); its date in *d. */
int performed_at_parse(const char *s, civil_date *d);

#endif
