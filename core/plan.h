/* A patient's treatment plan, made from a protocol for one of their diagnoses, and its steps (the
 * visits, each due on a date with a window). A plan moves proposed -> accepted or declined;
 * accepted -> in_progress or stopped; in_progress -> completed or stopped; stopping needs a
 * reason. A step is planned until done (by a procedure) or skipped (with a reason); a planned step
 * whose window has closed reads as overdue. Strings point into an arena. */
#ifndef SCHWANN_PLAN_H
#define SCHWANN_PLAN_H

#include "record.h"
#include "treatment.h"

#define PLAN_MAX_STEPS 64 /* the protocol's and those added */

typedef struct plan {
	const char *id;
	const char *patient_id;
	const char *protocol_id;
	const char *protocol_version;
	const char *biologic;
	const char *regulatory_class;
	int investigational; /* procedures need study_reference */
	const char *condition_id;
	const char *start_date;
	const char *study_reference; /* IND, IRB approval or registry number */
	const char *notes;
	REC_LIFE_MEMBERS(status_reason);
} plan;

typedef struct plan_step {
	const char *id;
	const char *patient_id;
	const char *plan_id;
	int seq; /* order within the plan */
	const char *kind;
	const char *due_date;
	const char *window_from;
	const char *window_to;
	int optional;
	const char *instruments[STEP_MAX_INSTRUMENTS];
	int n_instruments;
	const char *added_reason; /* a step added to the protocol's (a repeat injection): why */
	REC_LIFE_MEMBERS(status_reason);
} plan_step;

extern const rec_kind rk_plan, rk_plan_step;

/* 1 when the plan is accepted or in progress: procedures are recorded under it. */
int plan_under_way(const plan *p);
/* Where a plan goes when its consent is withdrawn: stopped once accepted or under way,
 * declined while only proposed; NULL when it has already ended. */
const char *plan_status_on_withdrawal(const plan *p);

/* 1 for the step kinds a procedure fulfils (blood_draw, harvest, processing, injection); the
 * others (consultation, workup, follow_up) are marked done by hand. */
/* Sorts steps by due date, then by their order in the plan. */
void plan_steps_by_due(plan_step *steps, int n);
int plan_step_by_procedure(const char *kind);

/* 1 when step s of plan p will not happen because p has ended (declined, completed, stopped)
 * while s was still planned: it is skipped, in the plan's move, with "plan <status>" as reason. */
int plan_step_closes(const plan *p, const plan_step *s);

/* A step added to plan p by a clinician (a repeat injection): {kind, due_date, reason,
 * window_days?} read from body into out (window due_date +- window_days, default 7; the due
 * date on or after the plan's start and within 3 years of it), numbered seq. Returns the number
 * of errors added to v. */
int plan_step_from_json(vctx *v, json_t *body, const plan *p, int seq, plan_step *out);

/* The steps of a new plan p from its protocol, in order, in the arena: ids from new_id, the
 * patient's id, created now by who. Returns how many (<= PROTOCOL_MAX_STEPS). */
int plan_steps_new(arena *a, const plan *p, const protocol *proto, const char *(*new_id)(arena *),
                   const char *now, const char *who, plan_step *out);

#endif
