/* A clinician's candidacy decision for one biologic (candidate, not a candidate, or deferred),
 * with the rationale in their words and a snapshot of the findings as they stood at that moment,
 * so the decision can be read later against what was known then. Voided with a reason, never
 * changed. Strings point into an arena. */
#ifndef SCHWANN_CANDIDACY_DECISION_H
#define SCHWANN_CANDIDACY_DECISION_H

#include "record.h"

typedef struct candidacy_decision {
	const char *id;
	const char *patient_id;
	const char *biologic;
	const char *decision; /* candidate, not_candidate, defer */
	const char *rationale;
	const char *findings;          /* JSON text: the biologic's candidacy entry when decided */
	const char *decided_by;        /* staff id */
	REC_LIFE_MEMBERS(void_reason); /* status: final, voided */
} candidacy_decision;

extern const rec_kind rk_candidacy_decision;

#endif
