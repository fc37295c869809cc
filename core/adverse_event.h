/* Adverse events after regenerative treatment: what happened, how bad (CTCAE grade 1-5), whether
 * it was serious and why, how likely the treatment caused it, and how it ended. Recorded by
 * clinicians and nurses, changed as the event evolves, never deleted (entered in error instead).
 * Strings point into an arena. */
#ifndef SCHWANN_ADVERSE_EVENT_H
#define SCHWANN_ADVERSE_EVENT_H

#include "record.h"

typedef struct adverse_event {
	const char *id;
	const char *patient_id;
	const char *term; /* what happened, in the clinician's words ("injection-site bruising") */
	const char *onset_date;
	int grade;                    /* CTCAE 1 mild .. 5 death related to the event */
	int serious;                  /* meets a seriousness criterion (ICH E2A) */
	const char *serious_criteria; /* which one, when serious */
	const char *relatedness;      /* unrelated, unlikely, possible, probable, definite */
	int expected;                 /* a known risk of the procedure (listed in the consent) */
	const char *action;           /* what was done about it */
	const char
	    *outcome; /* recovered, recovering, not_recovered, recovered_with_sequelae, fatal */
	const char *resolved_date;
	const char *procedure_id;        /* the procedure it followed, when known */
	REC_LIFE_MEMBERS(status_reason); /* status: recorded, entered_in_error */
} adverse_event;

#endif
