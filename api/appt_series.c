/* A plan's visits as one series: book every step not yet booked at the first free slot of its
 * window (all or none), and shift every visit still to come by some days together (each kept
 * inside its step's window, all or none). Patient data: each is audited with the patient, one
 * record for the series. Only roles with appointment.schedule (the front desk, admins). */
#include <string.h>

#include "../core/plan.h"
#include "../core/treatment.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

#define SHIFT_MAX_DAYS 365

/* The plan of the route's {id} with its steps and its patient's appointments; 0, or the answer
 * given (404, an archived patient's 409, an ended plan's 409: nothing to `what`). */
static int load_series(http_req *r, const char *what, plan *p, plan_step **steps, int *n,
                       appointment **booked, int *n_booked)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_plan, r->params[0], p)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "plan");
	if (api_patient_writable(r, p->patient_id, NULL))
		return r->status;
	if (rec_ended(&rk_plan, p))
		return http_problem(
		    r, 409, "Plan ended",
		    arena_printf(r->a, "This plan is %s: nothing to %s.", p->status, what));
	rec_query sq = {.patient_id = p->patient_id, .eq = p->id};
	appt_query aq = {.patient_id = p->patient_id};
	rc = r->st->ops->rec_list(r->st, r->a, &rk_plan_step, &sq, (void **)steps, n);
	if (!rc)
		rc = r->st->ops->appt_list(r->st, r->a, &aq, booked, n_booked);
	return rc ? http_fail(r, rc, "plan") : 0;
}

/* The first free slot of type t (biologic bio) between the clinic's dates from and to, starting
 * no earlier than not_before, into ap; 1 when found, 0 when none, -1 with the answer given. */
static int first_free(http_req *r, const appt_type *t, const char *bio, civil_date from,
                      civil_date to, int64_t not_before, appointment *ap)
{
	const appt_types *types = api_appt_types(r);
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
	const appt_types *types = api_appt_types(r);
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
	plan_step *steps;
	appointment *booked;
	int n, n_booked;
	if (load_series(r, "book", &p, &steps, &n, &booked, &n_booked))
		return r->status;
	sw_err rc;

	/* Each planned step not booked yet, in order of due date, at the first free slot of its
	 * window that starts after the previous one ends. */
	plan_steps_by_due(steps, n);
	appointment *aps = arena_zalloc(r->a, sizeof(appointment) * (size_t)(n ? n : 1));
	json_t *unplaced = json_array(), *overdue = json_array();
	int count = 0;
	int64_t after = http_now_instant(r);
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
		if (date_cmp(w2, today) < 0) {
			/* Its window has closed: on the work list as overdue, not a bar to the
			 * rest. */
			json_array_append_new(overdue,
			                      json_pack("{s:s, s:s, s:s?, s:s?}", "step_id", s->id,
			                                "kind", s->kind, "window_from",
			                                s->window_from, "window_to", s->window_to));
			continue;
		}
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
			json_decref(overdue);
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
		json_object_set_new(r->out, "overdue", overdue);
		return 409;
	}
	json_decref(unplaced);
	json_t *arr = json_array();
	if (count) {
		audit_record a = http_audit(r, "appointment.book_plan", "plan", p.id, p.patient_id);
		a.detail = arena_printf(r->a, "%d appointments", count);
		appt_change *ch = arena_alloc(r->a, sizeof(appt_change) * (size_t)count);
		for (int i = 0; i < count; i++)
			ch[i] = (appt_change){&aps[i], 0};
		appt_conflict c;
		rc = r->st->ops->appt_write_all(r->st, r->a, ch, count, NULL, 0, &a, &c);
		if (rc) {
			json_decref(arr);
			json_decref(overdue);
			return rc == SW_ECONFLICT ? api_appt_conflict(r, &c)
			                          : http_fail(r, rc, "appointment");
		}
	}
	for (int i = 0; i < count; i++)
		json_array_append_new(arr, appointment_to_json(&aps[i], z));
	return http_json(r, count ? 201 : 200,
	                 json_pack("{s:o, s:o}", "items", arr, "overdue", overdue));
}

/* The step of steps with id, or NULL. */
static const plan_step *step_of(const plan_step *steps, int n, const char *id)
{
	for (int i = 0; id && i < n; i++)
		if (strcmp(steps[i].id, id) == 0)
			return &steps[i];
	return NULL;
}

/* POST /plans/{id}/shift {days, reason}: every booked visit of the plan still to come moves by
 * days at the same clock time, with the same resources. A visit whose new day falls outside its
 * step's window, or in the past, is named in a 409 and nothing moves; a time outside working
 * hours is a 422 at days, one taken by another booking a 409 naming it (the store's check, after
 * the whole series has moved). */
int api_plan_shift(http_req *r)
{
	static const char *const fields[] = {"days", "reason", NULL};
	const appt_types *types = api_appt_types(r);
	const tz_zone *z = r->srv->cfg.zone;
	if (!types || !z)
		return http_fail(r, SW_EIO, "appointment types");
	jv_no_unknown(&r->v, r->body, NULL, fields);
	json_t *d = json_object_get(r->body, "days");
	long long days = json_is_integer(d) ? json_integer_value(d) : 0;
	if (!d)
		v_add(&r->v, "days", "is required");
	else if (!days || days < -SHIFT_MAX_DAYS || days > SHIFT_MAX_DAYS)
		v_add(&r->v, "days", "must be a whole number of days from -%d to %d, not 0",
		      SHIFT_MAX_DAYS, SHIFT_MAX_DAYS);
	const char *reason =
	    jv_string(&r->v, r->body, NULL, "reason", APPT_REASON_MAX, JV_REQUIRED, NULL);
	if (r->v.n)
		return http_invalid(r);
	plan p;
	plan_step *steps;
	appointment *aps;
	int n, n_aps;
	if (load_series(r, "shift", &p, &steps, &n, &aps, &n_aps))
		return r->status;
	int64_t now = http_now_instant(r);
	appt_change *ch = arena_alloc(r->a, sizeof(appt_change) * (size_t)(n_aps ? n_aps : 1));
	json_t *blocked = json_array();
	int count = 0;
	for (int i = 0; i < n_aps; i++) {
		appointment *ap = &aps[i];
		const plan_step *s = step_of(steps, n, ap->plan_step_id);
		if (!s || strcmp(ap->status, "booked") != 0 || ap->start <= now)
			continue;
		int64_t start = appt_shift_start(z, ap->start, (int)days);
		char day[11], at[TZ_TEXT];
		date_format(tz_local_date(z, start), day);
		tz_format(z, start, at);
		const char *from = s->window_from ? s->window_from : s->due_date;
		const char *to = s->window_to ? s->window_to : s->due_date;
		const char *why = start <= now ? "would be in the past"
		                  : from && strcmp(day, from) < 0
		                      ? "would be before its step's window"
		                  : to && strcmp(day, to) > 0 ? "would be after its step's window"
		                                              : NULL;
		if (why) {
			json_array_append_new(blocked,
			                      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}",
			                                "appointment_id", ap->id, "step_id", s->id,
			                                "kind", s->kind, "start", at, "reason", why,
			                                "window_from", from, "window_to", to));
			continue;
		}
		const appt_type *t = appt_type_find(types, ap->type);
		if (!t) {
			json_decref(blocked);
			return http_fail(r, SW_EIO, "appointment type");
		}
		const char *given[SLOT_MAX_NEEDS];
		for (int k = 0; k < ap->n_resources; k++)
			given[k] = ap->resources[k].id;
		if (api_appt_place(r, t, ap->biologic, start, "days", given, ap->n_resources,
		                   ap->id, ap)) {
			json_decref(blocked);
			return r->status;
		}
		ap->end = start + (ap->end - ap->start);
		ap->start = start;
		ch[count].expected = ap->version++;
		ap->updated_at = http_now(r);
		ap->updated_by = r->who.id;
		ch[count++].ap = ap;
	}
	if (json_array_size(blocked)) {
		http_problem(
		    r, 409, "Visits cannot move",
		    arena_printf(r->a,
		                 "%zu visit(s) would leave their step's window or fall in the "
		                 "past; nothing was moved.",
		                 json_array_size(blocked)));
		json_object_set_new(r->out, "blocked", blocked);
		return 409;
	}
	json_decref(blocked);
	if (!count)
		return http_problem(r, 409, "Nothing to move",
		                    "This plan has no booked visits still to come.");
	audit_record a = http_audit(r, "appointment.shift_plan", "plan", p.id, p.patient_id);
	a.detail = arena_printf(r->a, "%d appointments by %+lld days: %s", count, days, reason);
	appt_conflict c;
	sw_err rc = r->st->ops->appt_write_all(r->st, r->a, ch, count, NULL, 0, &a, &c);
	if (rc == SW_ECONFLICT)
		return api_appt_conflict(r, &c);
	if (rc)
		return http_fail(r, rc, "appointment");
	json_t *arr = json_array();
	for (int i = 0; i < count; i++)
		json_array_append_new(arr, appointment_to_json(ch[i].ap, z));
	return http_json(r, 200, json_pack("{s:o}", "items", arr));
}
