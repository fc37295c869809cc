/* The demo clinic's front office, written after its patients: the calendars (the demo clinician
 * and nurse, a procedure room, an ultrasound room and the cell processor, weekdays 08:00-12:00
 * and 13:00-17:00 in the server's zone), a price list in effect since 2020, the visits of the
 * plans under way booked for the next four weeks (each step due then, at the first free time of
 * its window after the plan's visit before it, found by the same slot search the API uses), and
 * invoices for the procedures of some treated patients, issued and (mostly) paid. Every write
 * goes through the store with its audit record, as the API would make it. */
#include <stdio.h>
#include <string.h>

#include "../core/appointment.h"
#include "../core/appt_type.h"
#include "../core/billing.h"
#include "../core/plan.h"
#include "../core/procedure.h"
#include "../core/resource.h"
#include "../core/treatment.h"
#include "../util/uuid.h"
#include "cli.h"

#define BOOK_DAYS 28
#define MAX_BOOKINGS 2000
#define INVOICED_PATIENTS 14

static const char *const resource_json[] = {
    "{\"kind\": \"clinician\", \"name\": \"Dr Cleo Clinician\"}",
    "{\"kind\": \"nurse\", \"name\": \"Nia Nurse\"}",
    "{\"kind\": \"procedure_room\", \"name\": \"Procedure room\"}",
    "{\"kind\": \"ultrasound_room\", \"name\": \"Ultrasound room\"}",
    "{\"kind\": \"cell_processor\", \"name\": \"Cell processor\"}",
};
#define N_RESOURCES 5

/* The price list, in cents: visits by appointment type, procedures per biologic. */
static const struct {
	const char *kind, *code, *biologic;
	int64_t amount;
	const char *label;
} demo_prices[] = {
    {"appointment", "consultation", NULL, 25000, "Consultation"},
    {"appointment", "workup", NULL, 32000, "Work-up visit"},
    {"appointment", "blood_draw", NULL, 4000, "Blood draw visit"},
    {"appointment", "harvest", NULL, 45000, "Harvest visit"},
    {"appointment", "injection", NULL, 18000, "Ultrasound-guided injection visit"},
    {"appointment", "follow_up", NULL, 9500, "Follow-up"},
    {"procedure", "blood_draw", NULL, 3500, "Blood draw"},
    {"procedure", "processing", "prp", 42000, "PRP preparation"},
    {"procedure", "injection", "prp", 38000, "PRP injection"},
    {"procedure", "harvest", "bmac", 150000, "Bone-marrow harvest"},
    {"procedure", "processing", "bmac", 260000, "BMAC concentration"},
    {"procedure", "injection", "bmac", 60000, "BMAC injection"},
    {"procedure", "harvest", "adipose_svf", 170000, "Fat harvest (lipoaspirate)"},
    {"procedure", "processing", "adipose_svf", 310000, "SVF isolation"},
    {"procedure", "injection", "adipose_svf", 60000, "SVF injection"},
};
#define N_PRICES (sizeof demo_prices / sizeof demo_prices[0])

typedef struct office {
	store *st;
	arena *a;
	const treatment_set *tx;
	const tz_zone *z;
	const char *now;
	resource res[N_RESOURCES];
	slot_resource rs[N_RESOURCES];
	cal_span *busy[N_RESOURCES];
	price prices[N_PRICES];
	int n_booked, n_invoices, n_paid;
} office;

static audit_record demo_audit(office *o, const char *type, const char *id, const char *pid)
{
	return (audit_record){.at = o->now,
	                      .action = "demo.load",
	                      .resource_type = type,
	                      .resource_id = id,
	                      .patient_id = pid};
}

static const char *new_id(arena *a)
{
	char *id = arena_alloc(a, UUID_STR_LEN + 1);
	uuid_v7(id);
	return id;
}

static int add_resources(office *o, const char *clinician_id, const char *nurse_id)
{
	json_t *hours = json_loads("[[\"08:00\", \"12:00\"], [\"13:00\", \"17:00\"]]", 0, NULL);
	int rc = 0;
	for (int i = 0; i < N_RESOURCES && !rc; i++) {
		json_t *body = json_loads(resource_json[i], 0, NULL);
		json_t *week = json_object();
		static const char *const days[] = {"mon", "tue", "wed", "thu", "fri"};
		for (int d = 0; d < 5; d++)
			json_object_set(week, days[d], hours);
		json_object_set_new(body, "hours", week);
		vctx v;
		vctx_init(&v, o->a);
		resource *r = &o->res[i];
		const char *staff_id = i == 0 ? clinician_id : i == 1 ? nurse_id : NULL;
		if (staff_id)
			json_object_set_new(body, "staff_id", json_string(staff_id));
		rc = resource_from_json(&v, body, r, 0) ? -1 : 0;
		json_decref(body);
		r->id = new_id(o->a);
		r->active = r->staff_active = 1;
		r->version = 1;
		r->created_at = r->updated_at = o->now;
		audit_record a = demo_audit(o, "resource", r->id, NULL);
		if (!rc)
			rc = o->st->ops->resource_create(o->st, r, &a) ? -1 : 0;
		o->busy[i] = arena_alloc(o->a, sizeof(cal_span) * MAX_BOOKINGS);
		o->rs[i] =
		    (slot_resource){resource_kind_of(r->kind), &r->hours, NULL, 0, o->busy[i], 0};
	}
	json_decref(hours);
	return rc;
}

static int add_prices(office *o)
{
	for (size_t i = 0; i < N_PRICES; i++)
		o->prices[i] = (price){new_id(o->a),
		                       demo_prices[i].kind,
		                       demo_prices[i].code,
		                       demo_prices[i].biologic,
		                       demo_prices[i].amount,
		                       "USD",
		                       "2020-01-01",
		                       demo_prices[i].label,
		                       o->now,
		                       NULL};
	audit_record a = demo_audit(o, "price", NULL, NULL);
	a.detail = "the demo price list";
	int dup;
	return o->st->ops->price_add(o->st, o->prices, (int)N_PRICES, &a, &dup) ? -1 : 0;
}

/* The plan of a due step, found among those seen (by id) or read. */
typedef struct seen_plan {
	const char *id, *biologic;
	int64_t last_end;
} seen_plan;

/* Books step s at the first free slot of its window from `from`, after the plan's visit
 * before it; 0 booked or no room (left for the work list), -1 on a store failure. */
static int book_step(office *o, const due_step *s, seen_plan *pl, civil_date from)
{
	const appt_type *t = appt_type_for_step(o->tx->appointments, s->kind);
	civil_date w1, w2;
	if (!t || date_parse(s->window_from, &w1) || date_parse(s->window_to, &w2))
		return 0;
	if (date_cmp(w1, from) < 0)
		w1 = from;
	if (date_cmp(date_add_days(w1, SLOT_MAX_DAYS - 1), w2) < 0)
		w2 = date_add_days(w1, SLOT_MAX_DAYS - 1);
	if (date_cmp(w1, w2) > 0)
		return 0;
	const char *bio = appt_type_varies(t) ? pl->biologic : NULL;
	slot_query q = {.zone = o->z,
	                .from = w1,
	                .to = w2,
	                .minutes = t->minutes,
	                .only = -1,
	                .not_before = pl->last_end,
	                .max = 1};
	q.n_needs = appt_type_needs(t, bio, q.needs);
	cal_slot *found;
	int more;
	if (slots_find(o->a, &q, o->rs, N_RESOURCES, &found, &more) < 1)
		return 0;
	appointment ap = {.id = new_id(o->a),
	                  .patient_id = s->patient_id,
	                  .type = t->id,
	                  .biologic = bio,
	                  .start = found[0].start,
	                  .end = found[0].end,
	                  .status = "booked",
	                  .plan_step_id = s->step_id,
	                  .n_resources = q.n_needs,
	                  .version = 1,
	                  .created_at = o->now,
	                  .updated_at = o->now};
	for (int j = 0; j < q.n_needs; j++) {
		int k = found[0].use[j];
		ap.resources[j] = (appt_resource){o->res[k].id, o->res[k].kind, o->res[k].name};
		if (o->rs[k].n_busy < MAX_BOOKINGS)
			o->busy[k][o->rs[k].n_busy++] = (cal_span){ap.start, ap.end};
	}
	audit_record a = demo_audit(o, "appointment", ap.id, s->patient_id);
	appt_conflict c;
	if (o->st->ops->appt_write(o->st, &ap, 0, &a, &c))
		return -1;
	pl->last_end = ap.end;
	o->n_booked++;
	return 0;
}

/* The steps due in the next four weeks with no appointment, booked in order of due date. */
static int book_visits(office *o)
{
	civil_date today = date_today(), tomorrow = date_add_days(today, 1);
	char from[11], to[11];
	date_format(tomorrow, from);
	date_format(date_add_days(today, BOOK_DAYS), to);
	due_step *steps;
	int n;
	if (o->st->ops->due_steps(o->st, o->a, from, to, &steps, &n))
		return -1;
	seen_plan *plans = arena_zalloc(o->a, sizeof(seen_plan) * (size_t)(n ? n : 1));
	int n_plans = 0;
	for (int i = 0; i < n; i++) {
		seen_plan *pl = NULL;
		for (int k = 0; k < n_plans && !pl; k++)
			if (strcmp(plans[k].id, steps[i].plan_id) == 0)
				pl = &plans[k];
		if (!pl) {
			plan p;
			if (o->st->ops->rec_get(o->st, o->a, &rk_plan, steps[i].plan_id, &p))
				return -1;
			pl = &plans[n_plans++];
			*pl = (seen_plan){p.id, p.biologic, 0};
		}
		if (book_step(o, &steps[i], pl, tomorrow))
			return -1;
	}
	return 0;
}

/* An invoice for the patient's recorded procedures, issued; paid in full, in part or not yet. */
static int invoice_patient(office *o, const patient *p, int which)
{
	rec_query q = {.patient_id = p->id};
	procedure *procs;
	int n;
	if (o->st->ops->rec_list(o->st, o->a, &rk_procedure, &q, (void **)&procs, &n))
		return -1;
	invoice inv = {.id = new_id(o->a),
	               .patient_id = p->id,
	               .kind = "invoice",
	               .status = "draft",
	               .currency = "USD",
	               .version = 1,
	               .created_at = o->now,
	               .updated_at = o->now};
	inv.lines = arena_zalloc(o->a, sizeof(invoice_line) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		if (strcmp(procs[i].status, "voided") == 0)
			continue;
		plan pl;
		if (o->st->ops->rec_get(o->st, o->a, &rk_plan, procs[i].plan_id, &pl))
			return -1;
		const price *pr = price_pick(o->prices, (int)N_PRICES, "procedure", procs[i].kind,
		                             pl.biologic, procs[i].performed_on);
		if (!pr)
			continue;
		inv.lines[inv.n_lines] = (invoice_line){.id = new_id(o->a),
		                                        .seq = inv.n_lines + 1,
		                                        .source_kind = "procedure",
		                                        .source_id = procs[i].id,
		                                        .item_kind = "procedure",
		                                        .item_code = procs[i].kind,
		                                        .item_biologic = pl.biologic,
		                                        .label = pr->label,
		                                        .service_date = procs[i].performed_on,
		                                        .price_id = pr->id,
		                                        .amount = pr->amount};
		inv.total += pr->amount;
		inv.n_lines++;
	}
	if (!inv.n_lines)
		return 0;
	audit_record a = demo_audit(o, "invoice", inv.id, p->id);
	if (o->st->ops->invoice_create(o->st, &inv, &a))
		return -1;
	audit_record b = demo_audit(o, "invoice", inv.id, p->id);
	inv.status = "issued";
	inv.issued_at = o->now;
	inv.version = 2;
	if (o->st->ops->invoice_issue(o->st, &inv, 1, &b))
		return -1;
	o->n_invoices++;
	/* Most pay at once by card; some pay half by transfer; a few owe it all. */
	int64_t paid = which % 5 == 4 ? 0 : which % 5 == 3 ? inv.total / 2 : inv.total;
	if (!paid)
		return 0;
	payment pay = {.id = new_id(o->a),
	               .patient_id = p->id,
	               .invoice_id = inv.id,
	               .amount = paid,
	               .currency = "USD",
	               .method = which % 5 == 3 ? "transfer" : "card",
	               .reference = which % 5 == 3 ? "Bank transfer (first half)" : NULL,
	               .status = "recorded",
	               .received_at = o->now,
	               .version = 1,
	               .created_at = o->now,
	               .updated_at = o->now};
	audit_record c = demo_audit(o, "payment", pay.id, p->id);
	int64_t refundable;
	if (o->st->ops->payment_add(o->st, &pay, &c, &refundable))
		return -1;
	o->n_paid++;
	return 0;
}

static int add_invoices(office *o)
{
	patient_query q = {.limit = 500};
	patient *items;
	int n, done = 0;
	if (o->st->ops->patient_search(o->st, o->a, &q, &items, NULL, &n))
		return -1;
	for (int i = 0; i < n && done < INVOICED_PATIENTS; i++) {
		int before = o->n_invoices;
		if (invoice_patient(o, &items[i], done))
			return -1;
		done += o->n_invoices > before;
	}
	return 0;
}

int cli_demo_office(store *st, const treatment_set *tx, const char *clinician_id,
                    const char *nurse_id, demo_office_counts *out)
{
	arena a;
	arena_init(&a);
	char now[21];
	instant_now(now);
	office *o = arena_zalloc(&a, sizeof *o);
	*o = (office){.st = st, .a = &a, .tx = tx, .z = tz_load_default(&a), .now = now};
	int rc = tx->appointments ? 0 : -1;
	if (!rc)
		rc = add_resources(o, clinician_id, nurse_id);
	if (!rc)
		rc = add_prices(o);
	if (!rc)
		rc = book_visits(o);
	if (!rc)
		rc = add_invoices(o);
	if (rc)
		fprintf(stderr, "schwann: demo: the front office (calendars, prices, bookings, "
		                "invoices) could not be written\n");
	*out = (demo_office_counts){o->n_booked, o->n_invoices, o->n_paid};
	arena_free(&a);
	return rc;
}
