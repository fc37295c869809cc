/* Stores one generated demo patient through the rules the API applies: every body read by
 * rec_from_json with the patient's rec_ctx; a plan made from its protocol for the patient's
 * diagnosis and moved only along its moves; a consent only to a plan that has not ended; a
 * procedure only under a plan under way with a current consent (and, for an investigational
 * biologic, the plan's study reference), from the patient's own blood draw, harvest or
 * processing, fulfilling a planned step of its kind; a step done or skipped only while planned
 * and its plan live; a withdrawal that stops the plan. Each change is a new version of the
 * record with its own audit record. A broken rule is a bug in the generator: it is printed and
 * the patient's records are not stored. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/json_mem.h"
#include "../core/candidacy.h"
#include "../core/candidacy_decision.h"
#include "../core/consent.h"
#include "../core/plan.h"
#include "../core/procedure.h"
#include "../util/uuid.h"
#include "cli.h"

#define MAX_WRITES 512
#define MAX_PROCEDURES 32
#define MAX_CONSENTS 4

typedef struct loader {
	arena *a;
	rec_ctx cx;
	const char *mrn, *patient_id;
	const char *decider; /* the staff id candidacy decisions are recorded by */
	const char *at;      /* the part being loaded, for messages */
	vctx v;              /* the generator's mistakes */
	rec_write *w;
	int n;
	plan *plan; /* the newest version of each record that changes */
	plan_step *steps[PROTOCOL_MAX_STEPS];
	int n_steps;
	procedure *procs[MAX_PROCEDURES];
	int n_procs;
	consent *consents[MAX_CONSENTS];
	int n_consents;
} loader;

#define BUG(l, ...) v_add(&(l)->v, (l)->at, __VA_ARGS__)

/* UUIDv7 ids in the order they are made, with RFC 9562's counter in rand_a: the records of one
 * load share an instant, and then list in the order the clinic made them (a harvest before its
 * processing). */
static const char *new_id(arena *a)
{
	static uint64_t last_ms;
	static unsigned seq;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	if (ms <= last_ms) {
		seq = (seq + 1) & 0xfff; /* 4,096 ids per millisecond, then the next one */
		ms = seq ? last_ms : last_ms + 1;
	} else {
		seq = 0;
	}
	last_ms = ms;
	unsigned char rnd[10];
	randombytes_buf(rnd, sizeof rnd);
	rnd[0] = (unsigned char)(seq >> 8);
	rnd[1] = (unsigned char)(seq & 0xff);
	char *id = arena_alloc(a, UUID_STR_LEN + 1);
	uuid_v7_from(id, ms, rnd);
	return id;
}

/* The value the kind puts in its audit detail (a plan's protocol, a procedure's kind). */
static const char *detail_of(const rec_kind *k, const void *rec)
{
	const rec_field *f = k->detail_field ? rec_field_find(k, k->detail_field) : NULL;
	return f && (f->type == RT_TEXT || f->type == RT_ENUM) ? REC_CAT(rec, f->off, const char *)
	                                                       : NULL;
}

/* Queues one write with its own audit record. */
static void add(loader *l, const rec_kind *k, const void *rec, int expected, const char *detail)
{
	if (l->n == MAX_WRITES) {
		BUG(l, "more than %d records for one patient", MAX_WRITES);
		return;
	}
	rec_meta m = rec_meta_of(k, rec);
	audit_record *r = arena_zalloc(l->a, sizeof *r);
	r->at = l->cx.now;
	r->action = "demo.load";
	r->resource_type = k->resource ? k->resource : k->name;
	r->resource_id = m.id;
	r->patient_id = m.patient_id;
	r->detail = detail;
	l->w[l->n++] = (rec_write){k, rec, expected, r};
}

static void insert(loader *l, const rec_kind *k, void *rec)
{
	rec_set_new(k, rec, new_id(l->a), l->patient_id, l->cx.now, NULL);
	add(l, k, rec, 0, detail_of(k, rec));
}

/* The record's next version, moved to `to` (with reason), queued as an update of rec. */
static void *change(loader *l, const rec_kind *k, const void *rec, const char *to,
                    const char *reason)
{
	void *next = arena_alloc(l->a, k->size);
	memcpy(next, rec, k->size);
	rec_meta m = rec_meta_of(k, rec);
	rec_set_life(k, next, to, reason, m.version + 1, l->cx.now, NULL);
	add(l, k, next, m.version,
	    arena_printf(l->a, "%s -> %s%s%s", m.status, to, reason ? ": " : "",
	                 reason ? reason : ""));
	return next;
}

/* body read as the API reads a new record of kind k, or NULL with its errors noted. */
static void *read_body(loader *l, const rec_kind *k, json_t *body)
{
	void *rec = arena_zalloc(l->a, k->size);
	vctx v;
	vctx_init(&v, l->a);
	if (!rec_from_json(&v, k, body, rec, 0, &l->cx))
		return rec;
	for (int i = 0; i < v.n; i++)
		BUG(l, "%s: %s", v.items[i].path, v.items[i].message);
	return NULL;
}

static void record(loader *l, const rec_kind *k, json_t *body)
{
	void *rec = read_body(l, k, body);
	if (rec)
		insert(l, k, rec);
}

static void plan_create(loader *l, json_t *body, const char *condition_id)
{
	json_object_set_new(body, "condition_id", json_string(condition_id));
	plan *p = read_body(l, &rk_plan, body);
	if (!p)
		return;
	insert(l, &rk_plan, p);
	plan_step *steps = arena_zalloc(l->a, sizeof(plan_step) * PROTOCOL_MAX_STEPS);
	l->n_steps = plan_steps_new(l->a, p, protocol_find(l->cx.treatment, p->protocol_id), new_id,
	                            l->cx.now, NULL, steps);
	for (int i = 0; i < l->n_steps; i++) {
		l->steps[i] = &steps[i];
		add(l, &rk_plan_step, &steps[i], 0, NULL);
	}
	l->plan = p;
}

/* The plan step the event names by its seq, or NULL (noted when it names one that is not). */
static int step_index(loader *l, json_t *e)
{
	json_t *seq = json_object_get(e, "step");
	int i = seq ? (int)json_integer_value(seq) - 1 : -1;
	if (seq && (i < 0 || i >= l->n_steps))
		BUG(l, "step: the plan has no step %d", i + 1);
	return seq && i >= 0 && i < l->n_steps ? i : -1;
}

/* The steps left planned when the plan ends are skipped with it, as the API does. */
static void close_steps(loader *l)
{
	const char *why = arena_printf(l->a, "plan %s", l->plan->status);
	for (int i = 0; i < l->n_steps; i++)
		if (plan_step_closes(l->plan, l->steps[i]))
			l->steps[i] = change(l, &rk_plan_step, l->steps[i], "skipped", why);
}

static void move(loader *l, json_t *e)
{
	const char *to = json_string_value(json_object_get(e, "status"));
	const char *reason = json_string_value(json_object_get(e, "reason"));
	const rec_move *mv = rec_move_find(&rk_plan, l->plan, to);
	if (!mv)
		BUG(l, "a %s plan cannot move to %s", l->plan->status, to ? to : "(none)");
	else if (mv->needs_reason && !reason)
		BUG(l, "a plan moves to %s only with a reason", to);
	else {
		l->plan = change(l, &rk_plan, l->plan, to, reason);
		close_steps(l);
	}
}

static void step_move(loader *l, json_t *e, const char *to)
{
	const char *reason = json_string_value(json_object_get(e, "reason"));
	int i = step_index(l, e);
	if (i < 0)
		return;
	const rec_move *mv = rec_move_find(&rk_plan_step, l->steps[i], to);
	if (rec_ended(&rk_plan, l->plan))
		BUG(l, "the plan is %s; its steps do not change", l->plan->status);
	else if (!mv)
		BUG(l, "step %d is %s; it cannot move to %s", i + 1, l->steps[i]->status, to);
	else if (mv->needs_reason && !reason)
		BUG(l, "a step moves to %s only with a reason", to);
	else if (strcmp(to, "done") == 0 && plan_step_by_procedure(l->steps[i]->kind))
		BUG(l, "a %s step is done by its procedure", l->steps[i]->kind);
	else
		l->steps[i] = change(l, &rk_plan_step, l->steps[i], to, reason);
}

static void consent_create(loader *l, json_t *body)
{
	json_object_set_new(body, "plan_id", json_string(l->plan->id));
	consent *c = read_body(l, &rk_consent, body);
	if (!c)
		return;
	if (strcmp(c->biologic, l->plan->biologic) != 0)
		BUG(l, "the consent is for %s, the plan for %s", c->biologic, l->plan->biologic);
	else if (rec_ended(&rk_plan, l->plan))
		BUG(l, "the plan is %s; consent to it is no longer taken", l->plan->status);
	else if (l->n_consents == MAX_CONSENTS)
		BUG(l, "more than %d consents", MAX_CONSENTS);
	else {
		insert(l, &rk_consent, c);
		l->consents[l->n_consents++] = c;
	}
}

/* Replaces "#k" at key by the id of the patient's k-th procedure, which must be of kind (or
 * kind2) and not voided. */
static void resolve(loader *l, json_t *body, const char *key, const char *kind, const char *kind2)
{
	const char *s = json_string_value(json_object_get(body, key));
	if (!s)
		return;
	char *end;
	long k = s[0] == '#' ? strtol(s + 1, &end, 10) : -1;
	const procedure *src = k >= 0 && !*end && k < l->n_procs ? l->procs[k] : NULL;
	if (!src || rec_ended(&rk_procedure, src) ||
	    (strcmp(src->kind, kind) != 0 && (!kind2 || strcmp(src->kind, kind2) != 0)))
		BUG(l, "%s: %s is not a %s%s%s of this patient", key, s, kind, kind2 ? " or " : "",
		    kind2 ? kind2 : "");
	else
		json_object_set_new(body, key, json_string(src->id));
}

static int consented(const loader *l)
{
	for (int i = 0; i < l->n_consents; i++)
		if (consent_current(l->consents[i], l->cx.treatment))
			return 1;
	return 0;
}

static void procedure_create(loader *l, json_t *e)
{
	json_t *body = json_object_get(e, "body");
	int i = step_index(l, e);
	plan_step *step = i >= 0 ? l->steps[i] : NULL;
	if (step)
		json_object_set_new(body, "step_id", json_string(step->id));
	resolve(l, body, "from", "blood_draw", "harvest");
	resolve(l, body, "product", "processing", NULL);
	procedure *pr = read_body(l, &rk_procedure, body);
	if (!pr || l->v.n)
		return;
	if (step && strcmp(step->kind, pr->kind) != 0)
		BUG(l, "step %d is a %s step, not a %s", i + 1, step->kind, pr->kind);
	else if (step && strcmp(step->status, "planned") != 0)
		BUG(l, "step %d is already %s", i + 1, step->status);
	else if (!plan_under_way(l->plan))
		BUG(l, "the plan is %s; no procedure is recorded under it", l->plan->status);
	else if (!consented(l))
		BUG(l, "the plan has no current consent");
	else if (l->plan->investigational && !l->plan->study_reference)
		BUG(l, "the plan's biologic is investigational and it has no study reference");
	else if (l->n_procs == MAX_PROCEDURES)
		BUG(l, "more than %d procedures", MAX_PROCEDURES);
	const procedure *product = NULL;
	int used = 0;
	for (int j = 0; pr->product_id && j < l->n_procs; j++) {
		if (strcmp(l->procs[j]->id, pr->product_id) == 0)
			product = l->procs[j];
		used |= l->procs[j]->product_id &&
		        strcmp(l->procs[j]->product_id, pr->product_id) == 0 &&
		        !rec_ended(&rk_procedure, l->procs[j]);
	}
	if (procedure_take_cells(pr, product, used))
		BUG(l, "cells: the product was injected before; count this injection's cells");
	if (l->v.n)
		return;
	pr->plan_id = l->plan->id;
	insert(l, &rk_procedure, pr);
	l->procs[l->n_procs++] = pr;
	if (step)
		l->steps[i] = change(l, &rk_plan_step, step, "done", NULL);
	if (rec_move_find(&rk_plan, l->plan, "in_progress"))
		l->plan = change(l, &rk_plan, l->plan, "in_progress", NULL);
}

static void withdraw(loader *l, json_t *e)
{
	json_int_t k = json_integer_value(json_object_get(e, "consent"));
	const char *reason = json_string_value(json_object_get(e, "reason"));
	const char *on = json_string_value(json_object_get(e, "withdrawn_on"));
	consent *c = k >= 0 && k < l->n_consents ? l->consents[k] : NULL;
	civil_date d, signed_on;
	if (!c || !reason || !on || rec_ended(&rk_consent, c)) {
		BUG(l, "no signed consent %lld to withdraw with a reason and a date", (long long)k);
		return;
	}
	int before = l->v.n;
	rec_check_date(&l->v, rec_field_find(&rk_consent, "withdrawn_on"), on, &l->cx);
	if (l->v.n == before && !date_parse(on, &d) && !date_parse(c->signed_on, &signed_on) &&
	    date_cmp(d, signed_on) < 0)
		BUG(l, "withdrawn_on %s is before the consent was signed (%s)", on, c->signed_on);
	if (l->v.n != before)
		return;
	c = change(l, &rk_consent, c, "withdrawn", reason);
	c->withdrawn_on = on;
	l->consents[k] = c;
	const char *to = plan_status_on_withdrawal(l->plan);
	if (to) {
		l->plan = change(l, &rk_plan, l->plan, to,
		                 arena_printf(l->a, "Consent withdrawn on %s: %s", on, reason));
		close_steps(l);
	}
}

/* The records of kind k queued so far (the work-up is never changed while loading), those
 * dated after `on` left out; a new array in the arena, its length in *n. */
static void *queued(loader *l, const rec_kind *k, const char *date_field, const char *on, int *n)
{
	char *out = arena_alloc(l->a, k->size * (size_t)(l->n + 1));
	const rec_field *f = date_field ? rec_field_find(k, date_field) : NULL;
	*n = 0;
	for (int i = 0; i < l->n; i++) {
		if (l->w[i].k != k)
			continue;
		const char *d = f ? REC_CAT(l->w[i].rec, f->off, const char *) : NULL;
		if (!d || strncmp(d, on, 10) <= 0)
			memcpy(out + k->size * (size_t)(*n)++, l->w[i].rec, k->size);
	}
	return out;
}

/* A candidacy decision, kept with the findings as the rules saw the record on its day. */
static void decision(loader *l, json_t *e)
{
	const char *on = json_string_value(json_object_get(e, "on"));
	civil_date day;
	candidacy_decision *d = read_body(l, &rk_candidacy_decision, json_object_get(e, "body"));
	if (!d)
		return;
	if (!on || date_parse(on, &day)) {
		BUG(l, "on: a decision needs its date");
		return;
	}
	const treatment_set *tx = l->cx.treatment;
	cand_input in = {
	    .today = day, .chronic_months = l->cx.chronic_months, .instruments = l->cx.instruments};
	in.conditions = queued(l, &rk_condition, NULL, on, &in.n_conditions);
	in.medications = queued(l, &rk_medication, "start_date", on, &in.n_medications);
	in.observations = queued(l, &rk_observation, "performed_on", on, &in.n_observations);
	in.assessments = queued(l, &rk_assessment, "performed_at", on, &in.n_assessments);
	json_t *all = cand_evaluate(tx->candidacy, tx, &in), *b, *found = NULL;
	size_t i;
	json_array_foreach(json_object_get(all, "biologics"), i, b)
	{
		if (strcmp(json_string_value(json_object_get(b, "biologic")), d->biologic) == 0)
			found = b;
	}
	json_object_set(found, "evaluated_on", json_object_get(all, "evaluated_on"));
	char *text = found ? json_mem_dumps(l->a, found, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(all);
	if (!text) {
		BUG(l, "biologic %s has no candidacy", d->biologic);
		return;
	}
	d->findings = text;
	d->decided_by = l->decider;
	insert(l, &rk_candidacy_decision, d);
}

static void event(loader *l, json_t *e)
{
	const char *op = json_string_value(json_object_get(e, "op"));
	json_t *body = json_object_get(e, "body");
	op = op ? op : "";
	if (strcmp(op, "move") == 0)
		move(l, e);
	else if (strcmp(op, "consent") == 0)
		consent_create(l, body);
	else if (strcmp(op, "procedure") == 0)
		procedure_create(l, e);
	else if (strcmp(op, "step_done") == 0)
		step_move(l, e, "done");
	else if (strcmp(op, "skip") == 0)
		step_move(l, e, "skipped");
	else if (strcmp(op, "assessment") == 0)
		record(l, &rk_assessment, body);
	else if (strcmp(op, "adverse_event") == 0)
		record(l, &rk_adverse_event, body);
	else if (strcmp(op, "observation") == 0)
		record(l, &rk_observation, body);
	else if (strcmp(op, "decision") == 0)
		decision(l, e);
	else if (strcmp(op, "withdraw") == 0)
		withdraw(l, e);
	else
		BUG(l, "unknown op \"%s\"", op);
}

int cli_demo_store(store *st, arena *a, const rec_ctx *cx, const char *decider, patient *p,
                   condition *c, json_t *workup, json_t *treatment)
{
	static const struct {
		const char *key;
		const rec_kind *k;
	} parts[] = {{"diary", &rk_diary},
	             {"assessments", &rk_assessment},
	             {"observations", &rk_observation}};
	loader l = {.a = a, .cx = *cx, .mrn = p->mrn, .at = "condition", .decider = decider};
	l.cx.birth_date = p->birth_date;
	l.cx.sex = p->sex_at_birth;
	vctx_init(&l.v, a);
	l.w = arena_alloc(a, sizeof(rec_write) * MAX_WRITES);
	p->id = new_id(a);
	p->version = 1;
	p->created_at = p->updated_at = cx->now;
	audit_record ap = {.at = cx->now,
	                   .action = "demo.load",
	                   .resource_type = "patient",
	                   .resource_id = p->id,
	                   .patient_id = p->id};
	l.patient_id = p->id;
	if (st->ops->patient_create(st, p, &ap))
		return -1;
	rec_set_new(&rk_condition, c, new_id(a), p->id, cx->now, NULL);
	add(&l, &rk_condition, c, 0, NULL);
	for (size_t j = 0; j < sizeof parts / sizeof parts[0]; j++) {
		size_t i;
		json_t *body;
		json_array_foreach(json_object_get(workup, parts[j].key), i, body)
		{
			l.at = arena_printf(a, "%s[%zu]", parts[j].key, i);
			record(&l, parts[j].k, body);
		}
	}
	if (treatment) {
		l.at = "plan";
		plan_create(&l, json_object_get(treatment, "plan"), c->id);
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(treatment, "events"), i, e)
		{
			l.at = arena_printf(a, "events[%zu]", i);
			if (l.plan)
				event(&l, e);
		}
	}
	for (int i = 0; i < l.v.n; i++)
		fprintf(stderr, "schwann: demo generator bug: %s %s: %s\n", l.mrn,
		        l.v.items[i].path, l.v.items[i].message);
	if (l.v.n)
		return -1;
	/* The first record's audit record stands for the transaction. */
	audit_record *first = l.w[0].audit;
	l.w[0].audit = NULL;
	return st->ops->rec_write_all(st, a, l.w, l.n, first) ? -1 : 0;
}
