/* Treatment plans: made from a protocol for one of the patient's diagnoses, with every step of the
 * protocol scheduled from the start date, written with its steps in one transaction. A plan is
 * answered with its steps. Changing a plan (PATCH) and moving it (POST .../status) are the record
 * layer's, with the steps added to the answer. */
#include <string.h>

#include "../core/plan.h"
#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

static const char *new_id(arena *a)
{
	char *id = arena_alloc(a, UUID_STR_LEN + 1);
	uuid_v7(id);
	return id;
}

/* The patient's appointments, to show each step's visits; for a plan's answer. */
typedef struct visits {
	appointment *items;
	int n;
} visits;

static sw_err load_visits(http_req *r, const char *patient_id, visits *v)
{
	appt_query q = {.patient_id = patient_id};
	return r->st->ops->appt_list(r->st, r->a, &q, &v->items, &v->n);
}

/* A step's JSON with its visits, in order of booking: every appointment made for it, cancelled
 * and missed (no-show) ones included, so the plan shows what happened. */
static json_t *step_json(http_req *r, const plan_step *s, const rec_ctx *cx, const visits *v)
{
	json_t *o = rec_to_json(&rk_plan_step, s, cx), *arr = json_array();
	for (int i = 0; v && i < v->n; i++) {
		const appointment *ap = &v->items[i];
		if (!ap->plan_step_id || strcmp(ap->plan_step_id, s->id) != 0)
			continue;
		char at[TZ_TEXT];
		tz_format(r->srv->cfg.zone, ap->start, at);
		json_array_append_new(arr,
		                      json_pack("{s:s, s:s, s:s, s:s?}", "id", ap->id, "start", at,
		                                "status", ap->status, "reason", ap->reason));
	}
	json_object_set_new(o, "visits", arr);
	return o;
}

/* The plan's JSON with its steps (those of steps[0..n) whose plan_id is the plan's). */
static json_t *plan_json(http_req *r, const plan *p, const plan_step *steps, int n, const visits *v)
{
	rec_ctx cx = api_rec_ctx(r, NULL);
	json_t *o = rec_to_json(&rk_plan, p, &cx), *arr = json_array();
	for (int i = 0; i < n; i++)
		if (strcmp(steps[i].plan_id, p->id) == 0)
			json_array_append_new(arr, step_json(r, &steps[i], &cx, v));
	json_object_set_new(o, "steps", arr);
	return o;
}

/* The steps of one plan (plan_id) or of all the patient's plans (NULL), in order. */
static sw_err load_steps(http_req *r, const char *patient_id, const char *plan_id,
                         plan_step **steps, int *n)
{
	rec_query q = {.patient_id = patient_id, .eq = plan_id};
	return r->st->ops->rec_list(r->st, r->a, &rk_plan_step, &q, (void **)steps, n);
}

int api_plan_create(http_req *r)
{
	patient pt;
	if (api_patient_writable(r, r->params[0], &pt))
		return r->status;
	plan *p = arena_zalloc(r->a, sizeof *p);
	rec_ctx cx = api_rec_ctx(r, &pt);
	p->patient_id = pt.id;
	rec_from_json(&r->v, &rk_plan, r->body, p, 0, &cx);
	api_rec_ref(r, &rk_condition, p->condition_id, pt.id, 1, "condition_id",
	            "a diagnosis of this patient");
	if (r->v.n || r->status)
		return r->status ? r->status : http_invalid(r);
	rec_set_new(&rk_plan, p, new_id(r->a), pt.id, cx.now, r->who.id);
	const protocol *proto = protocol_find(r->srv->cfg.treatment, p->protocol_id);
	plan_step *steps = arena_zalloc(r->a, sizeof(plan_step) * PROTOCOL_MAX_STEPS);
	int n = plan_steps_new(r->a, p, proto, new_id, cx.now, r->who.id, steps);
	rec_write *w = arena_zalloc(r->a, sizeof(rec_write) * (size_t)(n + 1));
	w[0] = (rec_write){&rk_plan, p, 0};
	for (int i = 0; i < n; i++)
		w[i + 1] = (rec_write){&rk_plan_step, &steps[i], 0};
	audit_record a = http_audit(r, "plan.create", "plan", p->id, pt.id);
	a.detail = p->protocol_id;
	sw_err rc = r->st->ops->rec_write_all(r->st, r->a, w, n + 1, &a);
	if (rc)
		return http_fail(r, rc, "plan");
	return api_created(r, rk_plan.path, p->id, 1, plan_json(r, p, steps, n, NULL));
}

int api_plan_list(http_req *r)
{
	patient pt;
	if (api_load_patient(r, &pt))
		return r->status;
	rec_query q = {.patient_id = pt.id};
	plan *plans;
	plan_step *steps;
	int n, n_steps;
	sw_err rc = r->st->ops->rec_list(r->st, r->a, &rk_plan, &q, (void **)&plans, &n);
	visits v;
	if (!rc)
		rc = load_steps(r, pt.id, NULL, &steps, &n_steps);
	if (!rc)
		rc = load_visits(r, pt.id, &v);
	if (rc)
		return http_fail(r, rc, "plan");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, plan_json(r, &plans[i], steps, n_steps, &v));
	return api_patient_items(r, "plan.list", pt.id, arr);
}

/* The plan in the route, its steps and its patient's visits; 0, or the answer given (404). */
static int load_plan(http_req *r, plan *p, plan_step **steps, int *n, visits *v)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_plan, r->params[0], p)
	                : SW_ENOTFOUND;
	if (!rc)
		rc = load_steps(r, p->patient_id, p->id, steps, n);
	if (!rc && v)
		rc = load_visits(r, p->patient_id, v);
	return rc ? http_fail(r, rc, "plan") : 0;
}

/* Runs a record-layer handler on the plan in the route and adds the plan's steps to its answer.
 * The steps are read first: a plan's change or move leaves them as they are, and a write that
 * committed is never answered with an error. */
static int with_steps(http_req *r, int (*handler)(http_req *r))
{
	plan p;
	plan_step *steps;
	int n;
	visits v;
	if (load_plan(r, &p, &steps, &n, &v))
		return r->status;
	int status = handler(r);
	if (status != 200)
		return status;
	rec_ctx cx = api_rec_ctx(r, NULL);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, step_json(r, &steps[i], &cx, &v));
	json_object_set_new(r->out, "steps", arr);
	return status;
}

int api_plan_get(http_req *r)
{
	return with_steps(r, api_rec_get);
}

int api_plan_update(http_req *r)
{
	return with_steps(r, api_rec_update);
}

/* The writes (appended to w, at most max) that skip steps[0..n) left planned by p's end. */
static int close_writes(http_req *r, const plan *p, plan_step *steps, int n, rec_write *w, int max)
{
	int k = 0;
	const char *why = arena_printf(r->a, "plan %s", p->status);
	for (int i = 0; i < n && k < max; i++) {
		plan_step *s = &steps[i];
		if (!plan_step_closes(p, s))
			continue;
		rec_set_life(&rk_plan_step, s, "skipped", why, s->version + 1, p->updated_at,
		             r->who.id);
		w[k++] =
		    (rec_write){&rk_plan_step, s, s->version - 1,
		                api_rec_audit(r, &rk_plan_step, "status", s,
		                              arena_printf(r->a, "planned -> skipped: %s", why))};
	}
	return k;
}

int api_plan_closing(http_req *r, const plan *p, rec_write *w, int max)
{
	plan_step *steps;
	int n;
	sw_err rc = load_steps(r, p->patient_id, p->id, &steps, &n);
	if (rc) {
		http_fail(r, rc, "plan step");
		return -1;
	}
	return close_writes(r, p, steps, n, w, max);
}

/* The booked visits still to come of the plan's steps, cancelled in memory (reason: the plan's
 * end) as changes for appt_write_all into *out; their number. */
static int cancel_visits(http_req *r, const plan *p, const plan_step *steps, int n, visits *v,
                         appt_change **out)
{
	int64_t now = http_now_instant(r);
	*out = arena_alloc(r->a, sizeof(appt_change) * (size_t)(v->n ? v->n : 1));
	int k = 0;
	for (int i = 0; i < v->n; i++) {
		appointment *ap = &v->items[i];
		int ours = 0;
		for (int j = 0; j < n && !ours && ap->plan_step_id; j++)
			ours = strcmp(steps[j].id, ap->plan_step_id) == 0;
		if (!ours || strcmp(ap->status, "booked") != 0 || ap->start <= now)
			continue;
		ap->status = "cancelled";
		ap->reason = arena_printf(r->a, "plan %s", p->status);
		(*out)[k].expected = ap->version++;
		ap->updated_at = p->updated_at;
		ap->updated_by = r->who.id;
		(*out)[k++].ap = ap;
	}
	return k;
}

/* POST /plans/{id}/status {status, reason}: the record layer's move, and when the plan ends its
 * steps still planned are skipped and its booked visits still to come cancelled (their time
 * freed), in one transaction. */
int api_plan_move(http_req *r)
{
	static const char *const fields[] = {"status", "reason", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *to =
	    jv_enum(&r->v, r->body, NULL, "status", rk_plan.statuses, JV_REQUIRED, NULL);
	const char *reason = jv_string(&r->v, r->body, NULL, "reason", 500, JV_OPTIONAL, NULL);
	if (r->v.n)
		return http_invalid(r);
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	plan p;
	plan_step *steps;
	int n;
	visits v;
	if (load_plan(r, &p, &steps, &n, &v))
		return r->status;
	audit_record *a = api_rec_prepare_move(r, &rk_plan, &p, to, reason, expected);
	if (!a)
		return r->status;
	rec_write *w = arena_zalloc(r->a, sizeof(rec_write) * (size_t)(n + 1));
	w[0] = (rec_write){&rk_plan, &p, expected, NULL};
	int k = 1 + close_writes(r, &p, steps, n, w + 1, n);
	appt_change *ch = NULL;
	int n_ch = rec_ended(&rk_plan, &p) ? cancel_visits(r, &p, steps, n, &v, &ch) : 0;
	if (n_ch)
		a->detail = arena_printf(r->a, "%s; %d visit(s) to come cancelled",
		                         a->detail ? a->detail : p.status, n_ch);
	appt_conflict c;
	sw_err rc = n_ch ? r->st->ops->appt_write_all(r->st, r->a, ch, n_ch, w, k, a, &c)
	                 : r->st->ops->rec_write_all(r->st, r->a, w, k, a);
	if (rc)
		return http_fail(r, rc, "plan");
	r->etag = api_etag(r, p.version);
	return http_json(r, 200, plan_json(r, &p, steps, n, &v));
}

/* The step in the route and its plan; 0, or the answer given (404, or 409 when the plan has
 * ended: the steps of a declined, completed or stopped plan no longer change). */
static int load_step(http_req *r, plan_step *s, plan *pl)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_plan_step, r->params[0], s)
	                : SW_ENOTFOUND;
	if (!rc)
		rc = r->st->ops->rec_get(r->st, r->a, &rk_plan, s->plan_id, pl);
	if (rc)
		return http_fail(r, rc, "plan step");
	if (rec_ended(&rk_plan, pl))
		return http_problem(
		    r, 409, "No further change",
		    arena_printf(r->a, "This step's plan is %s; its steps cannot change any more.",
		                 pl->status));
	return 0;
}

/* POST /plan-steps/{id}/skip {reason}: the step's move to skipped. */
int api_plan_step_skip(http_req *r)
{
	static const char *const fields[] = {"reason", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *reason = jv_string(&r->v, r->body, NULL, "reason", 500, JV_OPTIONAL, NULL);
	if (r->v.n)
		return http_invalid(r);
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	plan_step *s = arena_alloc(r->a, sizeof *s);
	plan pl;
	if (load_step(r, s, &pl))
		return r->status;
	return api_rec_apply_move(r, &rk_plan_step, s, "skipped", reason, expected);
}

/* POST /plan-steps/{id}/done: a visit with no procedure of its own (consultation, work-up,
 * follow-up) took place. The other steps are done by recording their procedure. */
int api_plan_step_done(http_req *r)
{
	int expected = api_bare_version(r);
	if (expected < 0)
		return r->status;
	plan_step *s = arena_alloc(r->a, sizeof *s);
	plan pl;
	if (load_step(r, s, &pl))
		return r->status;
	if (plan_step_by_procedure(s->kind))
		return http_problem(r, 409, "Done by its procedure",
		                    arena_printf(r->a,
		                                 "A %s step is done by recording its procedure "
		                                 "under the plan, with this step.",
		                                 s->kind));
	civil_date opens;
	if (!date_parse(s->window_from, &opens) && date_cmp(date_today(), opens) < 0)
		return http_problem(r, 409, "Not due yet",
		                    arena_printf(r->a,
		                                 "This %s is due on %s; its window opens on %s.",
		                                 s->kind, s->due_date, s->window_from));
	return api_rec_apply_move(r, &rk_plan_step, s, "done", NULL, expected);
}

/* POST /plans/{id}/steps {kind, due_date, reason, window_days?}: a step beyond the protocol's (a
 * repeat injection), added by a clinician with a reason, to a plan that has not ended. */
int api_plan_step_add(http_req *r)
{
	plan p;
	plan_step *steps;
	int n;
	if (load_plan(r, &p, &steps, &n, NULL))
		return r->status;
	if (api_patient_writable(r, p.patient_id, NULL))
		return r->status;
	if (rec_ended(&rk_plan, &p))
		return http_problem(
		    r, 409, "No further change",
		    arena_printf(r->a, "This plan is %s; no step can be added to it.", p.status));
	if (n >= PLAN_MAX_STEPS)
		return http_problem(
		    r, 409, "Too many steps",
		    arena_printf(r->a, "A plan has at most %d steps.", PLAN_MAX_STEPS));
	int seq = 0;
	for (int i = 0; i < n; i++)
		seq = steps[i].seq > seq ? steps[i].seq : seq;
	plan_step *s = arena_alloc(r->a, sizeof *s);
	if (plan_step_from_json(&r->v, r->body, &p, seq + 1, s))
		return http_invalid(r);
	rec_set_new(&rk_plan_step, s, new_id(r->a), p.patient_id, http_now(r), r->who.id);
	audit_record *a = api_rec_audit(
	    r, &rk_plan_step, "add", s,
	    arena_printf(r->a, "%s on %s: %s", s->kind, s->due_date, s->added_reason));
	sw_err rc = r->st->ops->rec_create(r->st, r->a, &rk_plan_step, s, a);
	if (rc)
		return http_fail(r, rc, "plan step");
	return api_created(r, rk_plan_step.path, s->id, 1, api_rec_json(r, &rk_plan_step, s));
}

/* POST /plan-steps/{id}/accept: a clinician takes up a protocol's optional step (the repeat
 * harvest and injection), with the other optional steps due the same day; from then on it is
 * due like any other step. */
int api_plan_step_accept(http_req *r)
{
	int expected = api_bare_version(r);
	if (expected < 0)
		return r->status;
	plan_step *s = arena_alloc(r->a, sizeof *s), *steps;
	plan pl;
	int n;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_plan_step, r->params[0], s)
	                : SW_ENOTFOUND;
	if (!rc)
		rc = r->st->ops->rec_get(r->st, r->a, &rk_plan, s->plan_id, &pl);
	if (!rc)
		rc = load_steps(r, pl.patient_id, pl.id, &steps, &n);
	if (rc)
		return http_fail(r, rc, "plan step");
	if (api_patient_writable(r, pl.patient_id, NULL))
		return r->status;
	if (s->version != expected)
		return http_fail(r, SW_EVERSION, "plan step");
	if (rec_ended(&rk_plan, &pl) || !s->optional || strcmp(s->status, "planned") != 0)
		return http_problem(
		    r, 409, "Not an optional step to accept",
		    arena_printf(r->a,
		                 "Only a planned optional step of a plan that has not "
		                 "ended can be accepted; this step is %s%s and its plan %s.",
		                 s->optional ? "optional and " : "not optional, ", s->status,
		                 pl.status));
	const char *now = http_now(r);
	rec_write *w = arena_zalloc(r->a, sizeof(rec_write) * (size_t)(n + 1));
	int k = 0;
	s->optional = 0;
	rec_set_life(&rk_plan_step, s, NULL, NULL, expected + 1, now, r->who.id);
	w[k++] = (rec_write){&rk_plan_step, s, expected, NULL};
	for (int i = 0; i < n; i++) {
		plan_step *o = &steps[i];
		if (strcmp(o->id, s->id) == 0 || !o->optional ||
		    strcmp(o->status, "planned") != 0 || strcmp(o->due_date, s->due_date) != 0)
			continue;
		o->optional = 0;
		rec_set_life(&rk_plan_step, o, NULL, NULL, o->version + 1, now, r->who.id);
		w[k++] =
		    (rec_write){&rk_plan_step, o, o->version - 1,
		                api_rec_audit(r, &rk_plan_step, "accept", o, "due the same day")};
	}
	audit_record *a = api_rec_audit(r, &rk_plan_step, "accept", s, s->kind);
	rc = r->st->ops->rec_write_all(r->st, r->a, w, k, a);
	if (rc)
		return http_fail(r, rc, "plan step");
	r->etag = api_etag(r, s->version);
	return http_json(r, 200, api_rec_json(r, &rk_plan_step, s));
}
