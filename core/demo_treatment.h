/* The demo clinic's treatment: which synthetic patients get a plan, from which protocol, how far
 * the plan has got by today, and what was recorded on the way (consent, procedures from blood
 * draw or harvest to injection, follow-up assessments, adverse events), as API request bodies in
 * the order a clinic records them. Pure and deterministic (the demo's generator); the caller
 * validates and stores them. Values follow facts.md §4.1-4.4a and §2. */
#ifndef SCHWANN_DEMO_TREATMENT_H
#define SCHWANN_DEMO_TREATMENT_H

#include "demo.h"
#include "treatment.h"

/* The states a demo plan is left in; the order of plan_statuses in core/plan.c. */
enum demo_plan_state {
	DEMO_PROPOSED,
	DEMO_ACCEPTED,
	DEMO_DECLINED,
	DEMO_IN_PROGRESS,
	DEMO_COMPLETED,
	DEMO_STOPPED,
	DEMO_STATES
};

#define DEMO_PROTOCOLS 3 /* prp-series, bmac, adipose-svf */

/* What the clinic has been given so far, so that every protocol is shown in every state and the
 * rare things (a withdrawn consent, a serious infection after a harvest) happen at least once.
 * Starts zeroed. */
typedef struct demo_tally {
	int plans[DEMO_PROTOCOLS][DEMO_STATES];
	int marrow_harvests;
	int withdrawals;
	int harvest_infections;
} demo_tally;

/* One patient's course: no plan (proto NULL), or a protocol, the state its plan reaches and its
 * start date (on or after the diagnosis; in the future only while proposed). */
typedef struct demo_course {
	const protocol *proto;
	int proto_index;
	int state;
	civil_date start;
	const consent_doc *document; /* the current consent document for its biologic */
	int investigational;         /* its biologic needs a study reference */
} demo_course;

/* Decides demo patient c's course (about half the patients get a plan). */
void demo_course_pick(demo_rng *g, const treatment_set *tx, const condition *c, civil_date today,
                      demo_tally *t, demo_course *out);

/* The plan of course (proto not NULL) for a patient with diagnosis c and baseline NRS pain:
 * {"plan": {protocol, start_date, study_reference?}, "events": [{"op": ...}, ...]}, where op is
 *   move        {status, reason?}               the plan's status moves
 *   consent     {body}                          a signed consent (plan_id left out)
 *   procedure   {step, body}                    step: the plan step's seq; in the body, "from"
 *                                               and "product" are "#k", the k-th procedure
 *   step_done   {step}, skip {step, reason}     a plan step's moves
 *   assessment  {body}, adverse_event {body}    as POSTed
 *   withdraw    {consent: k, reason, withdrawn_on}
 * Nothing is dated after today. New reference. */
json_t *demo_treatment(demo_rng *g, arena *a, const demo_course *course, const condition *c,
                       int pain, civil_date today, demo_tally *t);

#endif
