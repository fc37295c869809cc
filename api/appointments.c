/* Appointments: booking a patient for an appointment type at a start, with the resources it needs
 * (given, or the first free ones of their kinds, as the slot search would take them), listing,
 * and the moves (reschedule, cancel, arrive, no-show, complete), each with If-Match. Patient
 * data: every read and write is audited with the patient. The API checks working hours and
 * closures (422) and the bookings it can see (409); the store checks again, inside its write
 * transaction, that no live appointment holds a chosen resource at an overlapping time (409):
 * never a double booking. */
#include <stdlib.h>
#include <string.h>

#include "../core/appt_type.h"
#include "../core/assessment.h"
#include "../core/observation.h"
#include "../core/plan.h"
#include "../core/treatment.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

#define LIST_MAX 5000

const appt_types *api_appt_types(http_req *r)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	return tx ? tx->appointments : NULL;
}

static int answer(http_req *r, int status, const appointment *ap)
{
	r->etag = api_etag(r, ap->version);
	return http_json(r, status, appointment_to_json(ap, r->srv->cfg.zone));
}

static audit_record appt_audit(http_req *r, const char *action, const appointment *ap,
                               const char *detail)
{
	audit_record a = http_audit(r, action, "appointment", ap->id, ap->patient_id);
	a.detail = detail;
	return a;
}

/* The appointment in the route's {id}, answering 404 itself; 0 when found. */
static int load(http_req *r, appointment *ap)
{
	sw_err rc = uuid_valid(r->params[0]) ? r->st->ops->appt_get(r->st, r->a, r->params[0], ap)
	                                     : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "appointment") : 0;
}

int api_appt_conflict(http_req *r, const appt_conflict *c)
{
	const tz_zone *z = r->srv->cfg.zone;
	char s1[TZ_TEXT], s2[TZ_TEXT];
	tz_format(z, c->start, s1);
	tz_format(z, c->end, s2);
	resource res;
	const char *name = r->st->ops->resource_get(r->st, r->a, c->resource_id, &res) == SW_OK
	                       ? res.name
	                       : c->resource_id;
	http_problem(r, 409, "Already booked",
	             arena_printf(r->a, "%s is booked from %s to %s (appointment %s).", name, s1,
	                          s2, c->appointment_id));
	json_object_set_new(r->out, "conflict",
	                    json_pack("{s:s, s:s, s:s, s:s}", "appointment_id", c->appointment_id,
	                              "resource_id", c->resource_id, "start", s1, "end", s2));
	return 409;
}

int api_appt_place(http_req *r, const appt_type *t, const char *bio, int64_t start,
                   const char *field, const char *const *given, int n_given, const char *except,
                   appointment *ap)
{
	const tz_zone *z = r->srv->cfg.zone;
	civil_date day = tz_local_date(z, start);
	slot_world w;
	if (api_slot_world(r, day, day, except, &w))
		return r->status;
	slot_query q = {.zone = z, .from = day, .to = day, .minutes = t->minutes, .only = -1};
	q.n_needs = appt_type_needs(t, bio, q.needs);
	short use[SLOT_MAX_NEEDS] = {-1, -1, -1, -1};
	for (int i = 0; i < n_given; i++) {
		const char *path = arena_printf(r->a, "resources[%d]", i);
		int k = api_slot_world_find(&w, given[i]);
		if (k < 0) {
			v_add(&r->v, path, "is not a resource");
			continue;
		}
		if (!w.rs[k].hours) {
			v_add(&r->v, path, "is inactive (or its staff account is)");
			continue;
		}
		int j = 0;
		while (j < q.n_needs && (use[j] >= 0 || !((q.needs[j] >> w.rs[k].kind) & 1u)))
			j++;
		if (j == q.n_needs)
			v_add(&r->v, path, "is a %s; %s needs %s", w.items[k].kind, t->id,
			      appt_needs_text(r->a, q.needs, q.n_needs));
		else
			use[j] = (short)k;
	}
	if (r->v.n)
		return http_invalid(r);
	/* First without bookings: a need no resource works is a 422. */
	slot_resource *idle = arena_alloc(r->a, sizeof(slot_resource) * (size_t)(w.n ? w.n : 1));
	for (int i = 0; i < w.n; i++) {
		idle[i] = w.rs[i];
		idle[i].n_busy = 0;
	}
	short try[SLOT_MAX_NEEDS];
	memcpy(try, use, sizeof try);
	int miss = slots_fit(r->a, &q, idle, w.n, start, try);
	if (miss < 0)
		return http_fail(r, SW_EIO, "slot search");
	if (miss) {
		char at[TZ_TEXT];
		tz_format(z, start, at);
		if (strcmp(field, "start") == 0)
			v_add(&r->v, field,
			      "is outside the working hours of every %s that could serve (or it is "
			      "closed)",
			      appt_needs_text(r->a, &q.needs[miss - 1], 1));
		else
			v_add(&r->v, field,
			      "puts the %s at %s, outside the working hours of every %s that could "
			      "serve (or a closure)",
			      t->label, at, appt_needs_text(r->a, &q.needs[miss - 1], 1));
		return http_invalid(r);
	}
	/* With the bookings: the free resources of each need's kinds. When none is free, keep the
	 * working ones: the store's check names the booking in the way. */
	short fit[SLOT_MAX_NEEDS];
	memcpy(fit, use, sizeof fit);
	if (!slots_fit(r->a, &q, w.rs, w.n, start, fit))
		memcpy(try, fit, sizeof try);
	ap->n_resources = q.n_needs;
	for (int j = 0; j < q.n_needs; j++)
		ap->resources[j] =
		    (appt_resource){w.items[try[j]].id, w.items[try[j]].kind, w.items[try[j]].name};
	return 0;
}

/* Follow-ups are booked, moved and cancelled by anyone with appointment.write; every other type
 * needs appointment.schedule (the front desk, admins). 0 when r may; else the refusal (403,
 * audited with the patient). */
static int may_schedule(http_req *r, const char *type, const char *patient_id)
{
	if (perm_allows(r->role, PERM_APPT_SCHEDULE) || strcmp(type, "follow_up") == 0)
		return 0;
	audit_record a = http_audit(r, "access.refused", "appointment",
	                            r->params[0] ? r->params[0] : NULL, patient_id);
	a.detail = arena_printf(r->a, "%s %s (%s)", r->method, r->path, type);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return http_problem(r, 403, "Forbidden",
	                    arena_printf(r->a,
	                                 "The %s role books follow-ups only; booking type %s "
	                                 "needs %s (the front desk's).",
	                                 r->who.role, type, perm_name(PERM_APPT_SCHEDULE)));
}

/* A start the clinic can still book: not in the past. */
static void check_future(http_req *r, int64_t start)
{
	if (start < http_now_instant(r))
		v_add(&r->v, "start", "is in the past");
}

int api_appt_create(http_req *r)
{
	const appt_types *types = api_appt_types(r);
	if (!types || !r->srv->cfg.zone)
		return http_fail(r, SW_EIO, "appointment types");
	appt_request q;
	appt_request_from_json(&r->v, r->body, &q);
	const appt_type *t = q.type ? appt_type_find(types, q.type) : NULL;
	if (q.type && !t)
		v_add(&r->v, "type", "is not an appointment type (GET /api/v1/appointment-types)");
	if (q.biologic && !biologic_find(r->srv->cfg.treatment, q.biologic))
		v_add(&r->v, "biologic", "is not one of the biologics offered");
	else if (t && appt_type_varies(t) && !q.biologic)
		v_add(&r->v, "biologic",
		      "is required for %s: the resources it needs depend on the biologic", t->id);
	if (!v_has(&r->v, "start"))
		check_future(r, q.start);
	if (r->v.n)
		return http_invalid(r);
	patient p;
	if (api_patient_writable(r, q.patient_id, &p) || may_schedule(r, t->id, p.id))
		return r->status;
	if (q.plan_step_id) {
		const plan_step *step =
		    api_rec_ref(r, &rk_plan_step, q.plan_step_id, p.id, 1, "plan_step_id",
		                "a step of this patient's plans");
		if (!step && !r->v.n)
			return r->status;
		const appt_type *want = step ? appt_type_for_step(types, step->kind) : NULL;
		if (step && want != t)
			v_add(&r->v, "plan_step_id", "is a %s step, booked as %s", step->kind,
			      want ? want->id : "part of another visit");
		if (r->v.n)
			return http_invalid(r);
	}
	appointment ap;
	memset(&ap, 0, sizeof ap);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	ap.id = id;
	if (api_appt_place(r, t, q.biologic, q.start, "start", q.resources, q.n_resources, NULL,
	                   &ap))
		return r->status;
	ap.patient_id = p.id;
	ap.type = t->id;
	ap.biologic = q.biologic;
	ap.start = q.start;
	ap.end = q.start + (int64_t)t->minutes * 60;
	ap.status = "booked";
	ap.plan_step_id = q.plan_step_id;
	ap.note = q.note;
	ap.version = 1;
	ap.created_at = ap.updated_at = http_now(r);
	ap.updated_by = r->who.id;
	char s1[TZ_TEXT];
	tz_format(r->srv->cfg.zone, ap.start, s1);
	audit_record a =
	    appt_audit(r, "appointment.create", &ap, arena_printf(r->a, "%s %s", t->id, s1));
	appt_conflict c;
	sw_err rc = r->st->ops->appt_write(r->st, &ap, 0, &a, &c);
	if (rc == SW_ECONFLICT)
		return api_appt_conflict(r, &c);
	if (rc)
		return http_fail(r, rc, "appointment");
	return api_created(r, "/api/v1/appointments", id, 1,
	                   appointment_to_json(&ap, r->srv->cfg.zone));
}

int api_appt_list(http_req *r)
{
	appt_query q = {.patient_id = http_query(r, "patient_id"),
	                .resource_id = http_query(r, "resource"),
	                .limit = LIST_MAX + 1};
	if (q.patient_id && !uuid_valid(q.patient_id))
		v_add(&r->v, "patient_id", "is not a patient id");
	if (q.resource_id && !uuid_valid(q.resource_id))
		v_add(&r->v, "resource", "is not a resource id");
	q.from = http_day_bound(r, "from", 0);
	q.to = http_day_bound(r, "to", 1);
	if (q.from && q.to && strcmp(q.to, q.from) <= 0)
		v_add(&r->v, "to", "must not be before from");
	if (r->v.n)
		return http_invalid(r);
	appointment *items;
	int n;
	sw_err rc = r->st->ops->appt_list(r->st, r->a, &q, &items, &n);
	if (rc)
		return http_fail(r, rc, "appointment");
	int more = n > LIST_MAX;
	if (more)
		n = LIST_MAX;
	/* One read record per patient shown (or for the patient asked about). */
	audit_record *reads = arena_alloc(r->a, sizeof(audit_record) * (size_t)(n + 1));
	int n_reads = 0;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(arr, appointment_to_json(&items[i], r->srv->cfg.zone));
		int seen = 0;
		for (int k = 0; k < n_reads && !seen; k++)
			seen = strcmp(reads[k].patient_id, items[i].patient_id) == 0;
		if (!seen)
			reads[n_reads++] = http_audit(r, "appointment.list", "patient",
			                              items[i].patient_id, items[i].patient_id);
	}
	if (!n_reads && q.patient_id)
		reads[n_reads++] =
		    http_audit(r, "appointment.list", "patient", q.patient_id, q.patient_id);
	if (n_reads && http_audit_reads(r, reads, n_reads)) {
		json_decref(arr);
		return r->status;
	}
	return http_json(
	    r, 200, json_pack("{s:o, s:n, s:b}", "items", arr, "next_cursor", "truncated", more));
}

int api_appt_get(http_req *r)
{
	appointment ap;
	if (load(r, &ap))
		return r->status;
	audit_record a = appt_audit(r, "appointment.read", &ap, NULL);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return answer(r, 200, &ap);
}

/* Loads the appointment, checks If-Match (expected given) and that its patient may change;
 * freeing: a move that only frees the time (cancel, no-show), which an archived patient's
 * appointments still take, or their time would stay held for good. */
static int load_for_change(http_req *r, int expected, appointment *ap, int freeing)
{
	if (load(r, ap))
		return r->status;
	if (ap->version != expected)
		return http_fail(r, SW_EVERSION, "appointment");
	return freeing ? 0 : api_patient_writable(r, ap->patient_id, NULL);
}

static int save(http_req *r, appointment *ap, int expected, const char *action, const char *detail)
{
	ap->version = expected + 1;
	ap->updated_at = http_now(r);
	ap->updated_by = r->who.id;
	audit_record a = appt_audit(r, action, ap, detail);
	appt_conflict c;
	sw_err rc = r->st->ops->appt_write(r->st, ap, expected, &a, &c);
	if (rc == SW_ECONFLICT)
		return api_appt_conflict(r, &c);
	if (rc)
		return http_fail(r, rc, "appointment");
	return answer(r, 200, ap);
}

/* 409 with the appointment's status when it may not move to `to`; 0 when it may. */
static int refuse_move(http_req *r, const appointment *ap, const char *to)
{
	const char *refused = appt_move_refused(ap->status, to);
	if (!refused)
		return 0;
	http_problem(r, 409, "Not allowed from this status", refused);
	json_object_set_new(r->out, "current_status", json_string(ap->status));
	return 409;
}

/* A move to status `to` (reason: the cancellation's, or NULL). */
static int move(http_req *r, const char *to, const char *reason, int expected)
{
	appointment ap;
	int freeing = strcmp(to, "cancelled") == 0 || strcmp(to, "no_show") == 0;
	if (load_for_change(r, expected, &ap, freeing) ||
	    (strcmp(to, "cancelled") == 0 && may_schedule(r, ap.type, ap.patient_id)))
		return r->status;
	if (refuse_move(r, &ap, to))
		return r->status;
	ap.status = to;
	if (reason)
		ap.reason = reason;
	return save(r, &ap, expected, arena_printf(r->a, "appointment.%s", to), reason);
}

/* A move without a body: only If-Match. */
static int bare_move(http_req *r, const char *to)
{
	int expected = api_bare_version(r);
	if (expected < 0)
		return r->status;
	return move(r, to, NULL, expected);
}

int api_appt_arrive(http_req *r)
{
	return bare_move(r, "arrived");
}

int api_appt_no_show(http_req *r)
{
	return bare_move(r, "no_show");
}

/* The clinic's date of a record's date or instant (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) into day;
 * 0 when it reads. */
static int record_day(const tz_zone *z, const char *at, char day[11])
{
	int64_t t;
	if (at && strlen(at) == 10) {
		memcpy(day, at, 11);
		return 0;
	}
	if (!at || instant_parse(at, &t))
		return -1;
	date_format(tz_local_date(z, t), day);
	return 0;
}

/* 1 when the patient has an assessment or a test (not voided) dated the visit's day or today
 * (a visit completed later, or early), in the clinic's zone; 0 when not; -1 with the answer
 * given. */
static int visit_recorded(http_req *r, const appointment *ap)
{
	const tz_zone *z = r->srv->cfg.zone;
	char visit[11], today[11], day[11];
	date_format(tz_local_date(z, ap->start), visit);
	date_format(date_today(), today);
	rec_query q = {.patient_id = ap->patient_id};
	void *items;
	int n, found = 0;
	sw_err rc = r->st->ops->rec_list(r->st, r->a, &rk_assessment, &q, &items, &n);
	const assessment *as = items;
	for (int i = 0; !rc && i < n && !found; i++)
		found = !rec_ended(&rk_assessment, &as[i]) &&
		        !record_day(z, as[i].performed_at, day) &&
		        (!strcmp(day, visit) || !strcmp(day, today));
	if (!rc && !found)
		rc = r->st->ops->rec_list(r->st, r->a, &rk_observation, &q, &items, &n);
	const observation *o = items;
	for (int i = 0; !rc && i < n && !found; i++)
		found = !rec_ended(&rk_observation, &o[i]) && o[i].performed_on &&
		        (!strcmp(o[i].performed_on, visit) || !strcmp(o[i].performed_on, today));
	if (rc) {
		http_fail(r, rc, "visit records");
		return -1;
	}
	return found;
}

/* The plan step a completed visit fulfils: marked done in *w when its record is there (a
 * procedure step is done by its procedure, recorded apart). Its state for the answer, NULL when
 * ap has no step; *n_w the writes added; NULL with r->status set on a failure. */
static json_t *step_outcome(http_req *r, const appointment *ap, rec_write *w, int *n_w, int *fail)
{
	*n_w = 0;
	*fail = 0;
	if (!ap->plan_step_id)
		return NULL;
	plan_step *s = arena_alloc(r->a, sizeof *s);
	plan pl;
	sw_err rc = r->st->ops->rec_get(r->st, r->a, &rk_plan_step, ap->plan_step_id, s);
	if (!rc)
		rc = r->st->ops->rec_get(r->st, r->a, &rk_plan, s->plan_id, &pl);
	if (rc) {
		*fail = 1;
		http_fail(r, rc, "plan step");
		return NULL;
	}
	const char *waiting = NULL;
	if (strcmp(s->status, "planned") != 0 || rec_ended(&rk_plan, &pl))
		waiting = NULL;
	else if (plan_step_by_procedure(s->kind))
		waiting = "its procedure, recorded under the plan with this step";
	else {
		int got = visit_recorded(r, ap);
		if (got < 0) {
			*fail = 1;
			return NULL;
		}
		if (got) {
			rec_set_life(&rk_plan_step, s, "done", NULL, s->version + 1, http_now(r),
			             r->who.id);
			w[(*n_w)++] = (rec_write){
			    &rk_plan_step, s, s->version - 1,
			    api_rec_audit(
			        r, &rk_plan_step, "status", s,
			        arena_printf(r->a, "planned -> done by appointment %s", ap->id))};
		} else {
			waiting =
			    "an assessment or test recorded on the visit's day (then mark the "
			    "step done)";
		}
	}
	return json_pack("{s:s, s:s, s:s, s:s?}", "id", s->id, "kind", s->kind, "status", s->status,
	                 "waiting_for", waiting);
}

int api_appt_complete(http_req *r)
{
	int expected = api_bare_version(r);
	if (expected < 0)
		return r->status;
	appointment ap;
	if (load_for_change(r, expected, &ap, 0))
		return r->status;
	if (refuse_move(r, &ap, "completed"))
		return r->status;
	rec_write w[1];
	int n_w, fail;
	json_t *step = step_outcome(r, &ap, w, &n_w, &fail);
	if (fail)
		return r->status;
	ap.status = "completed";
	ap.version = expected + 1;
	ap.updated_at = http_now(r);
	ap.updated_by = r->who.id;
	audit_record a = appt_audit(r, "appointment.completed", &ap, NULL);
	appt_change ch = {&ap, expected};
	appt_conflict c;
	sw_err rc = r->st->ops->appt_write_all(r->st, r->a, &ch, 1, w, n_w, &a, &c);
	if (rc) {
		json_decref(step);
		return rc == SW_ECONFLICT ? api_appt_conflict(r, &c)
		                          : http_fail(r, rc, "appointment");
	}
	r->etag = api_etag(r, ap.version);
	json_t *body = appointment_to_json(&ap, r->srv->cfg.zone);
	if (step)
		json_object_set_new(body, "plan_step", step);
	return http_json(r, 200, body);
}

int api_appt_cancel(http_req *r)
{
	const char *reason;
	int expected;
	if (api_read_void(r, &reason, &expected))
		return r->status;
	return move(r, "cancelled", reason, expected);
}

int api_appt_reschedule(http_req *r)
{
	static const char *const fields[] = {"start", NULL};
	const appt_types *types = api_appt_types(r);
	if (!types || !r->srv->cfg.zone)
		return http_fail(r, SW_EIO, "appointment types");
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *s = jv_string(&r->v, r->body, NULL, "start", 64, JV_REQUIRED, NULL);
	int64_t start = 0;
	if (s && tz_parse_instant(s, &start))
		v_add(&r->v, "start",
		      "must be an RFC 3339 date-time with its offset (2027-01-04T09:00:00-05:00)");
	else if (s)
		check_future(r, start);
	if (r->v.n)
		return http_invalid(r);
	appointment ap;
	if (load_for_change(r, expected, &ap, 0) || may_schedule(r, ap.type, ap.patient_id))
		return r->status;
	if (strcmp(ap.status, "booked") != 0) {
		http_problem(r, 409, "Not allowed from this status",
		             "Only a booked appointment is rescheduled.");
		json_object_set_new(r->out, "current_status", json_string(ap.status));
		return 409;
	}
	const appt_type *t = appt_type_find(types, ap.type);
	if (!t)
		return http_fail(r, SW_EIO, "appointment type");
	/* The same resources at the new time. */
	const char *given[SLOT_MAX_NEEDS];
	for (int i = 0; i < ap.n_resources; i++)
		given[i] = ap.resources[i].id;
	char was[TZ_TEXT];
	tz_format(r->srv->cfg.zone, ap.start, was);
	if (api_appt_place(r, t, ap.biologic, start, "start", given, ap.n_resources, ap.id, &ap))
		return r->status;
	ap.start = start;
	ap.end = start + (int64_t)t->minutes * 60;
	return save(r, &ap, expected, "appointment.reschedule", arena_printf(r->a, "from %s", was));
}

/* ---- the front desk's work list ---- */

#define WORKLIST_MAX_DAYS 92

static json_t *patient_brief(const char *id, const char *mrn, const char *family, const char *given,
                             const char *phone)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "mrn", mrn, "family_name", family,
	                 "given_name", given, "phone", phone ? json_string(phone) : json_null());
}

/* Adds a read record for patient id to reads unless it has one. */
static void read_of(http_req *r, audit_record *reads, int *n, const char *id)
{
	for (int k = 0; k < *n; k++)
		if (strcmp(reads[k].patient_id, id) == 0)
			return;
	reads[(*n)++] = http_audit(r, "worklist.read", "patient", id, id);
}

int api_worklist_due(http_req *r)
{
	civil_date from = {0}, to = {0};
	http_date_range(r, &from, &to, WORKLIST_MAX_DAYS, "");
	if (r->v.n)
		return http_invalid(r);
	char day1[11], day2[11];
	date_format(from, day1);
	date_format(to, day2);
	due_step *steps;
	appointment *aps;
	int n_steps, n_aps;
	appt_query q = {.from = http_day_bound(r, "from", 0), .to = http_day_bound(r, "to", 1)};
	sw_err rc = r->st->ops->due_steps(r->st, r->a, day1, day2, &steps, &n_steps);
	if (!rc)
		rc = r->st->ops->appt_list(r->st, r->a, &q, &aps, &n_aps);
	if (rc)
		return http_fail(r, rc, "work list");
	audit_record *reads =
	    arena_alloc(r->a, sizeof(audit_record) * (size_t)(n_steps + n_aps + 1));
	int n_reads = 0;
	char today[11];
	date_format(date_today(), today);
	json_t *unbooked = json_array(), *no_shows = json_array();
	for (int i = 0; i < n_steps; i++) {
		const due_step *d = &steps[i];
		json_array_append_new(
		    unbooked, json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b}", "step_id",
		                        d->step_id, "plan_id", d->plan_id, "patient",
		                        patient_brief(d->patient_id, d->mrn, d->family_name,
		                                      d->given_name, d->phone),
		                        "kind", d->kind, "due_date", d->due_date, "window_from",
		                        d->window_from, "window_to", d->window_to, "overdue",
		                        strcmp(d->window_to, today) < 0));
		read_of(r, reads, &n_reads, d->patient_id);
	}
	for (int i = 0; i < n_aps; i++) {
		if (strcmp(aps[i].status, "no_show") != 0)
			continue;
		patient p;
		rc = r->st->ops->patient_get(r->st, r->a, aps[i].patient_id, &p);
		if (rc) {
			json_decref(unbooked);
			json_decref(no_shows);
			return http_fail(r, rc, "patient");
		}
		json_t *o = appointment_to_json(&aps[i], r->srv->cfg.zone);
		json_object_set_new(
		    o, "patient", patient_brief(p.id, p.mrn, p.family_name, p.given_name, p.phone));
		json_array_append_new(no_shows, o);
		read_of(r, reads, &n_reads, p.id);
	}
	if (n_reads && http_audit_reads(r, reads, n_reads)) {
		json_decref(unbooked);
		json_decref(no_shows);
		return r->status;
	}
	return http_json(r, 200,
	                 json_pack("{s:s, s:s, s:o, s:o}", "from", day1, "to", day2, "unbooked",
	                           unbooked, "no_shows", no_shows));
}
