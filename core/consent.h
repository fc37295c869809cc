/* A patient's consent to a plan: which document and version they signed, when, and who took it;
 * withdrawn with a reason and a date. A consent is current while it is signed and its version is
 * the document's current one. Strings point into an arena. */
#ifndef SCHWANN_CONSENT_H
#define SCHWANN_CONSENT_H

#include "record.h"
#include "treatment.h"

typedef struct consent {
	const char *id;
	const char *patient_id;
	const char *document_id;
	const char *document_version;
	const char *biologic;
	const char *plan_id;
	const char *signed_on;
	const char *witness; /* the staff member who took it, as they sign */
	const char *withdrawn_on;
	REC_LIFE_MEMBERS(status_reason); /* status: signed, withdrawn */
} consent;

extern const rec_kind rk_consent;

/* The current consent document for a biologic, or NULL. */
const consent_doc *consent_doc_for_biologic(const treatment_set *set, const char *biologic_id);
/* 1 when c is signed and of the document's current version in set. */
int consent_current(const consent *c, const treatment_set *set);

#endif
