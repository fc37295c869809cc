/* The plan and plan-step record kinds: their fields, their status moves, the protocol a plan is
 * made from, and the schedule of a new plan's steps. */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "../util/jsonv.h"

static const char *const plan_statuses[] = {"proposed",  "accepted", "declined", "in_progress",
                                            "completed", "stopped",  NULL};
static const rec_move plan_moves[] = {
    {"proposed", "accepted", 0},
    {"proposed", "declined", 0},
    {"accepted", "in_progress", 0},
    {"accepted", "stopped", 1},
    {"in_progress", "completed", 0},
    {"in_progress", "stopped", 1},
    {NULL, NULL, 0},
};

static const rec_field plan_fields[] = {
    REC_META_HEAD(plan),
    {"protocol", "protocol_id", RT_TEXT, RF_INPUT | RF_REQUIRED, offsetof(plan, protocol_id), 0,
     48},
    {"protocol_version", NULL, RT_TEXT, RF_REQUIRED, offsetof(plan, protocol_version), 0, 16},
    {"biologic", NULL, RT_TEXT, RF_REQUIRED, offsetof(plan, biologic), 0, 48},
    {"regulatory_class", NULL, RT_TEXT, RF_REQUIRED, offsetof(plan, regulatory_class), 0, 48},
    {"investigational", NULL, RT_BOOL, RF_REQUIRED, offsetof(plan, investigational)},
    {"condition_id", NULL, RT_TEXT, RF_INPUT | RF_REQUIRED | RF_CLINICAL,
     offsetof(plan, condition_id), 0, 36},
    {"start_date", NULL, RT_DATE, RF_INPUT | RF_REQUIRED | RF_AFTER_BIRTH,
     offsetof(plan, start_date)},
    {"study_reference", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE | RF_CLINICAL,
     offsetof(plan, study_reference), 0, 200},
    {"notes", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE | RF_PHI | RF_CLINICAL,
     offsetof(plan, notes), 0, 2000},
    REC_META_TAIL_FLAGS(plan, status_reason, RF_CLINICAL),
};

/* The protocol must be loaded; the plan takes its version, biologic and regulatory class. */
static void plan_check(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)body;
	plan *p = rec;
	if (partial || !p->protocol_id || v_has(v, "protocol"))
		return;
	const treatment_set *tx = cx->treatment;
	const protocol *proto = protocol_find(tx, p->protocol_id);
	if (!proto) {
		v_add(v, "protocol",
		      "is not a protocol of this clinic (see GET /api/v1/protocols)");
		return;
	}
	const biologic *b = biologic_find(tx, proto->biologic);
	p->protocol_version = proto->version;
	p->biologic = proto->biologic;
	p->regulatory_class = b->regulatory_class;
	p->investigational = b->investigational;
}

const rec_kind rk_plan = {
    .name = "plan",
    .table = "plans",
    .label = "plan",
    .path = "/api/v1/plans",
    .size = sizeof(plan),
    .fields = plan_fields,
    .life = RL_MOVES,
    .statuses = plan_statuses,
    .moves = plan_moves,
    .list_order = "start_date, created_at, id",
    .detail_field = "protocol",
    .check = plan_check,
};

static const char *const step_statuses[] = {"planned", "done", "skipped", NULL};
static const rec_move step_moves[] = {
    {"planned", "done", 0},
    {"planned", "skipped", 1},
    {NULL, NULL, 0},
};

static const rec_field step_fields[] = {
    REC_META_HEAD(plan_step),
    {"plan_id", NULL, RT_TEXT, RF_REQUIRED, offsetof(plan_step, plan_id), 0, 36},
    {"seq", NULL, RT_INT, RF_REQUIRED, offsetof(plan_step, seq), 0, 0, 0, 1000},
    {"kind", NULL, RT_ENUM, RF_REQUIRED, offsetof(plan_step, kind), 0, 0, 0, 0, step_kinds},
    {"due_date", NULL, RT_DATE, RF_REQUIRED, offsetof(plan_step, due_date)},
    {"window_from", NULL, RT_DATE, RF_REQUIRED, offsetof(plan_step, window_from)},
    {"window_to", NULL, RT_DATE, RF_REQUIRED, offsetof(plan_step, window_to)},
    /* Changes when a clinician accepts an optional step. */
    {"optional", NULL, RT_BOOL, RF_REQUIRED | RF_MUTABLE, offsetof(plan_step, optional)},
    {"instruments", NULL, RT_LIST, 0, offsetof(plan_step, instruments),
     offsetof(plan_step, n_instruments), STEP_MAX_INSTRUMENTS},
    {"added_reason", NULL, RT_TEXT, RF_NULLABLE | RF_CLINICAL, offsetof(plan_step, added_reason), 0,
     500},
    REC_META_TAIL_FLAGS(plan_step, status_reason, RF_CLINICAL),
};

/* A planned step whose window closed before today reads as overdue; an optional one nobody took
 * up was never due. */
static void step_json(json_t *out, const void *rec, const rec_ctx *cx)
{
	const plan_step *s = rec;
	civil_date to;
	if (strcmp(s->status, "planned") == 0 && !s->optional && !date_parse(s->window_to, &to) &&
	    date_cmp(to, cx->today) < 0)
		json_object_set_new(out, "status", json_string("overdue"));
}

const rec_kind rk_plan_step = {
    .name = "plan_step",
    .table = "plan_steps",
    .label = "plan step",
    .path = "/api/v1/plan-steps",
    .size = sizeof(plan_step),
    .fields = step_fields,
    .life = RL_MOVES,
    .statuses = step_statuses,
    .moves = step_moves,
    .list_order = "plan_id, seq, id",
    .eq_param = "plan_id",
    .eq_field = "plan_id",
    .to_json = step_json,
};

int plan_steps_new(arena *a, const plan *p, const protocol *proto, const char *(*new_id)(arena *),
                   const char *now, const char *who, plan_step *out)
{
	scheduled_step sched[PROTOCOL_MAX_STEPS];
	civil_date start;
	if (date_parse(p->start_date, &start))
		return 0;
	int n = protocol_schedule(proto, start, sched);
	for (int i = 0; i < n; i++) {
		plan_step *s = &out[i];
		memset(s, 0, sizeof *s);
		s->plan_id = p->id;
		s->seq = i + 1;
		s->kind = sched[i].ps->kind;
		char *d = arena_alloc(a, 33);
		date_format(sched[i].due, d);
		date_format(sched[i].from, d + 11);
		date_format(sched[i].to, d + 22);
		s->due_date = d;
		s->window_from = d + 11;
		s->window_to = d + 22;
		s->optional = sched[i].ps->optional;
		for (int k = 0; k < sched[i].ps->n_instruments; k++)
			s->instruments[k] = sched[i].ps->instruments[k];
		s->n_instruments = sched[i].ps->n_instruments;
		rec_set_new(&rk_plan_step, s, new_id(a), p->patient_id, now, who);
	}
	return n;
}

int plan_step_by_procedure(const char *kind)
{
	static const char *const kinds[] = {"blood_draw", "harvest", "processing", "injection",
	                                    NULL};
	for (int i = 0; kind && kinds[i]; i++)
		if (strcmp(kinds[i], kind) == 0)
			return 1;
	return 0;
}

int plan_step_closes(const plan *p, const plan_step *s)
{
	return rec_ended(&rk_plan, p) && strcmp(s->plan_id, p->id) == 0 &&
	       strcmp(s->status, "planned") == 0;
}

int plan_step_from_json(vctx *v, json_t *body, const plan *p, int seq, plan_step *out)
{
	static const char *const fields[] = {"kind", "due_date", "reason", "window_days", NULL};
	int start = v->n;
	memset(out, 0, sizeof *out);
	jv_no_unknown(v, body, NULL, fields);
	out->kind = jv_enum(v, body, NULL, "kind", step_kinds, JV_REQUIRED, NULL);
	out->added_reason = jv_string(v, body, NULL, "reason", 500, JV_REQUIRED, NULL);
	const char *due = jv_string(v, body, NULL, "due_date", 10, JV_REQUIRED, NULL);
	json_t *w = json_object_get(body, "window_days");
	int days = 7;
	if (w && (!json_is_integer(w) || json_integer_value(w) < 0 || json_integer_value(w) > 60))
		v_add(v, "window_days", "must be a whole number of days from 0 to 60");
	else if (w)
		days = (int)json_integer_value(w);
	civil_date d, begin = {1970, 1, 1};
	date_parse(p->start_date, &begin);
	if (due && date_parse(due, &d))
		v_add(v, "due_date", "must be a date YYYY-MM-DD");
	else if (due && date_cmp(d, begin) < 0)
		v_add(v, "due_date", "cannot be before the plan's start (%s)", p->start_date);
	else if (due && date_cmp(d, date_add_days(begin, 3 * 366)) > 0)
		v_add(v, "due_date", "must be within 3 years of the plan's start");
	if (v->n > start)
		return v->n - start;
	char *dates = arena_alloc(v->a, 33);
	date_format(d, dates);
	date_format(date_add_days(d, -days), dates + 11);
	date_format(date_add_days(d, days), dates + 22);
	out->due_date = dates;
	out->window_from = dates + 11;
	out->window_to = dates + 22;
	out->plan_id = p->id;
	out->seq = seq;
	return 0;
}

const char *plan_status_on_withdrawal(const plan *p)
{
	return rec_move_find(&rk_plan, p, "stopped")    ? "stopped"
	       : rec_move_find(&rk_plan, p, "declined") ? "declined"
	                                                : NULL;
}

int plan_under_way(const plan *p)
{
	return rec_move_find(&rk_plan, p, "stopped") != NULL;
}

static int by_due(const void *a, const void *b)
{
	const plan_step *x = a, *y = b;
	int c = strcmp(x->due_date ? x->due_date : "", y->due_date ? y->due_date : "");
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

void plan_steps_by_due(plan_step *steps, int n)
{
	if (n > 1)
		qsort(steps, (size_t)n, sizeof *steps, by_due);
}
