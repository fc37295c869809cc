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
#include "../core/plan.h"
#include "../core/treatment.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

#define LIST_MAX 5000

static const appt_types *types_of(http_req *r)
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

/* 409 naming the appointment that holds a resource at an overlapping time. */
static int conflict_answer(http_req *r, const appt_conflict *c)
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

/* The resources for an appointment of type t (biologic bio) at start: those given (ids, each
 * filling the first need of its kind still open) and, for the other needs, the first free ones
 * of their kinds. Into ap->resources; except: the appointment being moved (its own time is not
 * busy). 0, or the answer given: 422 for a resource that cannot serve or a time outside working
 * hours or in a closure. Whether the time is booked is the store's to say (inside its write). */
static int place(http_req *r, const appt_type *t, const char *bio, int64_t start,
                 const char *const *given, int n_given, const char *except, appointment *ap)
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
		v_add(&r->v, "start",
		      "is outside the working hours of every %s that could serve (or it is closed)",
		      appt_needs_text(r->a, &q.needs[miss - 1], 1));
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

/* A start the clinic can still book: not in the past. */
static void check_future(http_req *r, int64_t start)
{
	char now[21];
	int64_t t;
	instant_now(now);
	if (!instant_parse(now, &t) && start < t)
		v_add(&r->v, "start", "is in the past");
}

int api_appt_create(http_req *r)
{
	const appt_types *types = types_of(r);
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
	if (api_patient_writable(r, q.patient_id, &p))
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
	if (place(r, t, q.biologic, q.start, q.resources, q.n_resources, NULL, &ap))
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
		return conflict_answer(r, &c);
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

/* Loads the appointment, checks If-Match (expected given) and that its patient may change. */
static int load_for_change(http_req *r, int expected, appointment *ap)
{
	if (load(r, ap))
		return r->status;
	if (ap->version != expected)
		return http_fail(r, SW_EVERSION, "appointment");
	return api_patient_writable(r, ap->patient_id, NULL);
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
		return conflict_answer(r, &c);
	if (rc)
		return http_fail(r, rc, "appointment");
	return answer(r, 200, ap);
}

/* A move to status `to` (reason: the cancellation's, or NULL). */
static int move(http_req *r, const char *to, const char *reason, int expected)
{
	appointment ap;
	if (load_for_change(r, expected, &ap))
		return r->status;
	const char *refused = appt_move_refused(ap.status, to);
	if (refused) {
		http_problem(r, 409, "Not allowed from this status", refused);
		json_object_set_new(r->out, "current_status", json_string(ap.status));
		return 409;
	}
	ap.status = to;
	if (reason)
		ap.reason = reason;
	return save(r, &ap, expected, arena_printf(r->a, "appointment.%s", to), reason);
}

/* A move without a body: only If-Match. */
static int bare_move(http_req *r, const char *to)
{
	static const char *const none[] = {NULL};
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	if (r->body)
		jv_no_unknown(&r->v, r->body, NULL, none);
	if (r->v.n)
		return http_invalid(r);
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

int api_appt_complete(http_req *r)
{
	return bare_move(r, "completed");
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
	const appt_types *types = types_of(r);
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
	if (load_for_change(r, expected, &ap))
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
	if (place(r, t, ap.biologic, start, given, ap.n_resources, ap.id, &ap))
		return r->status;
	ap.start = start;
	ap.end = start + (int64_t)t->minutes * 60;
	return save(r, &ap, expected, "appointment.reschedule", arena_printf(r->a, "from %s", was));
}

/* ---- a plan booked as one series ---- */

/* The first free slot of type t (biologic bio) between the clinic's dates from and to, starting
 * no earlier than not_before, into ap; 1 when found, 0 when none, -1 with the answer given. */
static int first_free(http_req *r, const appt_type *t, const char *bio, civil_date from,
                      civil_date to, int64_t not_before, appointment *ap)
{
	const appt_types *types = types_of(r);
	while (date_cmp(from, to) <= 0) {
		civil_date last = date_add_days(from, SLOT_MAX_DAYS - 1);
		if (date_cmp(last, to) > 0)
			last = to;
		slot_world w;
		if (api_slot_world(r, from, last, NULL, &w))
			return -1;
		slot_query q = {.zone = r->srv->cfg.zone,
		                .from = from,
		                .to = last,
		                .minutes = t->minutes,
		                .grid = types->grid_minutes && types->grid_minutes < t->minutes
		                            ? types->grid_minutes
		                            : 0,
		                .only = -1,
		                .not_before = not_before,
		                .max = 1};
		q.n_needs = appt_type_needs(t, bio, q.needs);
		cal_slot *found;
		int more;
		int count = slots_find(r->a, &q, w.rs, w.n, &found, &more);
		if (count < 0) {
			http_fail(r, SW_EIO, "slot search");
			return -1;
		}
		if (count) {
			ap->start = found[0].start;
			ap->end = found[0].end;
			ap->n_resources = q.n_needs;
			for (int j = 0; j < q.n_needs; j++) {
				const resource *res = &w.items[found[0].use[j]];
				ap->resources[j] = (appt_resource){res->id, res->kind, res->name};
			}
			return 1;
		}
		from = date_add_days(last, 1);
	}
	return 0;
}

/* Steps by due date, then by their order in the plan. */
static int by_due(const void *a, const void *b)
{
	const plan_step *x = a, *y = b;
	int c = strcmp(x->due_date ? x->due_date : "", y->due_date ? y->due_date : "");
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* 1 when a live appointment is booked for step id among items. */
static int step_booked(const appointment *items, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (items[i].plan_step_id && strcmp(items[i].plan_step_id, id) == 0 &&
		    appt_holds_time(items[i].status))
			return 1;
	return 0;
}

int api_plan_book(http_req *r)
{
	static const char *const fields[] = {"from", NULL};
	const appt_types *types = types_of(r);
	const tz_zone *z = r->srv->cfg.zone;
	if (!types || !z)
		return http_fail(r, SW_EIO, "appointment types");
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *from_s = jv_string(&r->v, r->body, NULL, "from", 10, JV_OPTIONAL, NULL);
	civil_date today = date_today(), from = today;
	if (from_s && (date_parse(from_s, &from) || from.year < 1900))
		v_add(&r->v, "from", "must be a date YYYY-MM-DD");
	if (r->v.n)
		return http_invalid(r);
	if (date_cmp(from, today) < 0)
		from = today;
	plan p;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_plan, r->params[0], &p)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "plan");
	if (api_patient_writable(r, p.patient_id, NULL))
		return r->status;
	if (rec_ended(&rk_plan, &p))
		return http_problem(
		    r, 409, "Plan ended",
		    arena_printf(r->a, "This plan is %s: nothing to book.", p.status));
	plan_step *steps;
	appointment *booked;
	int n, n_booked;
	rec_query sq = {.patient_id = p.patient_id, .eq = p.id};
	appt_query aq = {.patient_id = p.patient_id};
	rc = r->st->ops->rec_list(r->st, r->a, &rk_plan_step, &sq, (void **)&steps, &n);
	if (!rc)
		rc = r->st->ops->appt_list(r->st, r->a, &aq, &booked, &n_booked);
	if (rc)
		return http_fail(r, rc, "plan");

	/* Each planned step not booked yet, in order of due date, at the first free slot of its
	 * window that starts after the previous one ends. */
	qsort(steps, (size_t)n, sizeof *steps, by_due);
	appointment *aps = arena_zalloc(r->a, sizeof(appointment) * (size_t)(n ? n : 1));
	json_t *unplaced = json_array();
	int count = 0;
	char now_s[21];
	int64_t after = 0;
	instant_now(now_s);
	instant_parse(now_s, &after);
	const char *now = http_now(r);
	for (int i = 0; i < n; i++) {
		const plan_step *s = &steps[i];
		const appt_type *t = appt_type_for_step(types, s->kind);
		if (!t || strcmp(s->status, "planned") != 0 || s->optional ||
		    step_booked(booked, n_booked, s->id))
			continue;
		civil_date w1, w2;
		if (date_parse(s->window_from ? s->window_from : s->due_date, &w1) ||
		    date_parse(s->window_to ? s->window_to : s->due_date, &w2))
			return http_fail(r, SW_EDB, "plan step");
		civil_date start_day = tz_local_date(z, after);
		if (date_cmp(w1, from) < 0)
			w1 = from;
		if (date_cmp(w1, start_day) < 0)
			w1 = start_day;
		appointment *ap = &aps[count];
		int got = date_cmp(w1, w2) <= 0
		              ? first_free(r, t, appt_type_varies(t) ? p.biologic : NULL, w1, w2,
		                           after, ap)
		              : 0;
		if (got < 0) {
			json_decref(unplaced);
			return r->status;
		}
		if (!got) {
			json_array_append_new(unplaced,
			                      json_pack("{s:s, s:s, s:s?, s:s?}", "step_id", s->id,
			                                "kind", s->kind, "window_from",
			                                s->window_from, "window_to", s->window_to));
			continue;
		}
		char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
		uuid_v7(id);
		ap->id = id;
		ap->patient_id = p.patient_id;
		ap->type = t->id;
		ap->biologic = appt_type_varies(t) ? p.biologic : NULL;
		ap->status = "booked";
		ap->plan_step_id = s->id;
		ap->version = 1;
		ap->created_at = ap->updated_at = now;
		ap->updated_by = r->who.id;
		after = ap->end;
		count++;
	}
	if (json_array_size(unplaced)) {
		http_problem(r, 409, "Steps could not be placed",
		             arena_printf(r->a,
		                          "%zu step(s) have no free slot inside their window after "
		                          "the steps before them; nothing was booked.",
		                          json_array_size(unplaced)));
		json_object_set_new(r->out, "unplaced", unplaced);
		return 409;
	}
	json_decref(unplaced);
	json_t *arr = json_array();
	if (count) {
		audit_record a = http_audit(r, "appointment.book_plan", "plan", p.id, p.patient_id);
		a.detail = arena_printf(r->a, "%d appointments", count);
		appt_conflict c;
		rc = r->st->ops->appt_insert_all(r->st, aps, count, &a, &c);
		if (rc == SW_ECONFLICT) {
			json_decref(arr);
			return conflict_answer(r, &c);
		}
		if (rc) {
			json_decref(arr);
			return http_fail(r, rc, "appointment");
		}
	}
	for (int i = 0; i < count; i++)
		json_array_append_new(arr, appointment_to_json(&aps[i], z));
	return http_json(r, count ? 201 : 200, json_pack("{s:o}", "items", arr));
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
