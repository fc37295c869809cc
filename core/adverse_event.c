/* The adverse event record kind: its fields and the rules across them (a grade 5 event is fatal
 * and a fatal one is grade 5; a serious event names its criterion; it resolves on or after its
 * onset). */
#include "adverse_event.h"

#include <string.h>

static const char *const ae_statuses[] = {"recorded", "entered_in_error", NULL};
static const char *const ae_criteria[] = {"death",      "life_threatening",   "hospitalisation",
                                          "disability", "congenital_anomaly", "medically_important",
                                          NULL};
static const char *const ae_relatedness[] = {"unrelated", "unlikely", "possible",
                                             "probable",  "definite", NULL};
static const char *const ae_outcomes[] = {
    "recovered", "recovering", "not_recovered", "recovered_with_sequelae", "fatal", NULL};

#define AE_IN (RF_INPUT | RF_MUTABLE)
static const rec_field ae_fields[] = {
    REC_META_HEAD(adverse_event),
    {"term", NULL, RT_TEXT, AE_IN | RF_REQUIRED, offsetof(adverse_event, term), 0, 200},
    {"onset_date", NULL, RT_DATE, AE_IN | RF_REQUIRED | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(adverse_event, onset_date)},
    {"grade", NULL, RT_INT, AE_IN | RF_REQUIRED, offsetof(adverse_event, grade), 0, 0, 1, 5, NULL,
     "must be a CTCAE grade: a whole number from 1 (mild) to 5 (death related to the event)"},
    {"serious", NULL, RT_BOOL, AE_IN | RF_REQUIRED, offsetof(adverse_event, serious)},
    {"serious_criteria", NULL, RT_ENUM, AE_IN | RF_NULLABLE,
     offsetof(adverse_event, serious_criteria), 0, 0, 0, 0, ae_criteria},
    {"relatedness", NULL, RT_ENUM, AE_IN | RF_REQUIRED, offsetof(adverse_event, relatedness), 0, 0,
     0, 0, ae_relatedness},
    {"expected", NULL, RT_BOOL, AE_IN | RF_REQUIRED, offsetof(adverse_event, expected)},
    {"action", NULL, RT_TEXT, AE_IN | RF_NULLABLE | RF_PHI, offsetof(adverse_event, action), 0,
     1000},
    {"outcome", NULL, RT_ENUM, AE_IN | RF_REQUIRED, offsetof(adverse_event, outcome), 0, 0, 0, 0,
     ae_outcomes},
    {"resolved_date", NULL, RT_DATE, AE_IN | RF_NULLABLE | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(adverse_event, resolved_date)},
    {"procedure_id", NULL, RT_TEXT, AE_IN | RF_NULLABLE, offsetof(adverse_event, procedure_id), 0,
     36},
    REC_META_TAIL(adverse_event, status_reason),
};

static void ae_check(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)body, (void)partial, (void)cx;
	const adverse_event *e = rec;
	int fatal = e->outcome && strcmp(e->outcome, "fatal") == 0;
	if (e->grade == 5 && e->outcome && !fatal && !v_has(v, "outcome"))
		v_add(v, "outcome", "must be fatal for a grade 5 event (CTCAE grade 5 is death)");
	if (fatal && e->grade && e->grade != 5 && !v_has(v, "grade"))
		v_add(v, "grade", "must be 5 when the outcome is fatal (CTCAE grade 5 is death)");
	if (e->serious && !e->serious_criteria && !v_has(v, "serious_criteria"))
		v_add(v, "serious_criteria",
		      "is required for a serious event: which criterion it meets");
	if (!e->serious && e->serious_criteria && !v_has(v, "serious_criteria"))
		v_add(v, "serious_criteria", "is only for a serious event (serious is false)");
	if (fatal && !e->serious && !v_has(v, "serious"))
		v_add(v, "serious", "must be true for a fatal event");
	civil_date on, off;
	if (e->onset_date && e->resolved_date && !date_parse(e->onset_date, &on) &&
	    !date_parse(e->resolved_date, &off) && date_cmp(off, on) < 0 &&
	    !v_has(v, "resolved_date"))
		v_add(v, "resolved_date", "cannot be before the onset date");
}

static const rec_ref ae_refs[] = {
    {"procedure_id", &rk_procedure, "a procedure of this patient"},
    {NULL, NULL, NULL},
};

const rec_kind rk_adverse_event = {
    .name = "adverse_event",
    .table = "adverse_events",
    .label = "adverse event",
    .path = "/api/v1/adverse-events",
    .size = sizeof(adverse_event),
    .fields = ae_fields,
    .life = RL_ERROR,
    .statuses = ae_statuses,
    .ended = "entered_in_error",
    .list_order = "onset_date, created_at, id",
    .refs = ae_refs,
    .check = ae_check,
};
