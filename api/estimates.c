/* Cost estimates, before the decision: POST /plans/{id}/estimates prices every step of the plan
 * still to come from the price list in force today, as an invoice would bill it later (the visit
 * as its appointment type, a procedure step's procedure with the plan's biologic), the optional
 * steps apart, with a validity date, what is not included, and the honest context: the clinic's
 * own results for patients like this one (or "not enough data") and the adverse events seen in
 * them. Kept as made (JSON and the PDF the patient takes home read the same later). A step with
 * no price in force is a 409 naming the prices to set: never a silent zero. Patient data: every
 * read and write is audited with the patient. */
#include <stdlib.h>
#include <string.h>

#include "../util/json_mem.h"
#include "../core/estimate.h"
#include "../core/plan.h"
#include "../core/treatment.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

/* A procedure step's kind in words. */
static const char *step_word(const char *kind)
{
	static const char *const words[][2] = {{"blood_draw", "Blood draw"},
	                                       {"harvest", "Harvest"},
	                                       {"processing", "Processing"},
	                                       {"injection", "Injection"}};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i][0], kind) == 0)
			return words[i][1];
	return kind;
}

/* Prices item (kind, code, bio) in force on `on` into *it; a missing one is added to missing
 * once. 0, or -1 with the answer given on a store failure. */
static int price_item(http_req *r, const char *kind, const char *code, const char *bio,
                      const char *label, const char *on, estimate_item *it, json_t *missing)
{
	price pr;
	int got = api_price_in_force(r, kind, code, bio, on, &pr);
	if (got < 0)
		return -1;
	*it = (estimate_item){kind, code, bio, label, NULL, 0};
	if (got) {
		it->price_id = pr.id;
		it->amount = pr.amount;
		if (pr.label)
			it->label = pr.label;
		return 0;
	}
	size_t i;
	json_t *m;
	json_array_foreach(missing, i, m)
	{
		if (!strcmp(json_string_value(json_object_get(m, "kind")), kind) &&
		    !strcmp(json_string_value(json_object_get(m, "code")), code))
			return 0;
	}
	json_array_append_new(
	    missing, json_pack("{s:s, s:s, s:s?}", "kind", kind, "code", code, "biologic", bio));
	return 0;
}

/* The lines of the plan's planned steps in order of due date; their number, or -1 with the
 * answer given (a store failure, or the 409 naming the prices missing). */
static int price_steps(http_req *r, const plan *p, const char *on, estimate_line **out)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	const appt_types *types = api_appt_types(r);
	plan_step *steps;
	int n;
	rec_query sq = {.patient_id = p->patient_id, .eq = p->id};
	sw_err rc = r->st->ops->rec_list(r->st, r->a, &rk_plan_step, &sq, (void **)&steps, &n);
	if (rc) {
		http_fail(r, rc, "plan");
		return -1;
	}
	plan_steps_by_due(steps, n);
	estimate_line *lines = arena_zalloc(r->a, sizeof(estimate_line) * (size_t)(n ? n : 1));
	json_t *missing = json_array();
	const biologic *b = biologic_find(tx, p->biologic);
	const char *bio_label = b ? b->label : p->biologic;
	int k = 0;
	for (int i = 0; i < n && k < ESTIMATE_MAX_LINES; i++) {
		const plan_step *s = &steps[i];
		if (strcmp(s->status, "planned") != 0)
			continue;
		estimate_line *l = &lines[k];
		*l = (estimate_line){s->id, s->kind, s->due_date, s->optional, {{0}}, 0, 0};
		const appt_type *t = types ? appt_type_for_step(types, s->kind) : NULL;
		int fail = 0;
		if (t)
			fail = price_item(r, "appointment", t->id,
			                  appt_type_varies(t) ? p->biologic : NULL, t->label, on,
			                  &l->items[l->n_items++], missing);
		if (!fail && plan_step_by_procedure(s->kind))
			fail =
			    price_item(r, "procedure", s->kind, p->biologic,
			               arena_printf(r->a, "%s: %s", step_word(s->kind), bio_label),
			               on, &l->items[l->n_items++], missing);
		if (fail) {
			json_decref(missing);
			return -1;
		}
		k += l->n_items > 0;
	}
	if (json_array_size(missing)) {
		http_problem(
		    r, 409, "Prices missing",
		    arena_printf(r->a,
		                 "%zu item(s) of this plan have no price in force on %s; an "
		                 "admin sets them (PUT /api/v1/prices) before an estimate "
		                 "is made.",
		                 json_array_size(missing), on));
		json_object_set_new(r->out, "missing", missing);
		return -1;
	}
	json_decref(missing);
	*out = lines;
	return k;
}

/* The clinic's expected results and adverse events for patients like this one treated with
 * the plan's biologic: {results, adverse_events} (new reference), or NULL with the answer. */
static json_t *context(http_req *r, const plan *p, const char *bio_label)
{
	json_t *e = api_expected_json(r, p->patient_id, p->biologic);
	if (!e)
		return NULL;
	json_t *it = json_array_get(json_object_get(e, "items"), 0);
	json_t *ae = it ? json_object_get(it, "adverse_events") : NULL;
	json_int_t treated = ae ? json_integer_value(json_object_get(ae, "patients")) : 0;
	json_int_t with = ae ? json_integer_value(json_object_get(ae, "patients_with_event")) : 0;
	json_int_t serious =
	    ae ? json_integer_value(json_object_get(ae, "patients_with_serious")) : 0;
	const char *ae_text =
	    treated
	        ? arena_printf(r->a,
	                       "Of %lld past patients like this treated with %s at this clinic, "
	                       "%lld had an adverse event and %lld a serious one.",
	                       (long long)treated, bio_label, (long long)with, (long long)serious)
	        : arena_printf(r->a,
	                       "No past patients like this have been treated with %s at this "
	                       "clinic yet: no adverse events can be reported.",
	                       bio_label);
	json_t *results =
	    it ? json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "statement",
	                   json_object_get(it, "statement"), "responders",
	                   json_object_get(it, "responders"), "denominator",
	                   json_object_get(it, "denominator"), "rate", json_object_get(it, "rate"),
	                   "ci_low", json_object_get(it, "ci_low"), "ci_high",
	                   json_object_get(it, "ci_high"), "insufficient",
	                   json_object_get(it, "insufficient"), "dropped",
	                   json_object_get(it, "dropped"), "milestone_day",
	                   json_object_get(e, "milestone_day"), "threshold_percent",
	                   json_object_get(e, "threshold_percent"))
	       : json_pack("{s:s, s:b}", "statement",
	                   "Not yet enough data: this clinic has no results for this biologic.",
	                   "insufficient", 1);
	if (!results) /* a shape the expected-outcomes answer does not have: say so plainly */
		results = json_pack("{s:s, s:b}", "statement",
		                    "Expected results are not available.", "insufficient", 1);
	json_object_set(results, "basis", json_object_get(e, "basis"));
	json_t *out = json_pack("{s:o, s:{s:I, s:I, s:I, s:s}}", "expected_results", results,
	                        "adverse_events", "patients", treated, "patients_with_event", with,
	                        "patients_with_serious", serious, "statement", ae_text);
	json_decref(e);
	return out;
}

int api_estimate_create(http_req *r)
{
	static const char *const fields[] = {"valid_days", "note", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	json_t *vd = json_object_get(r->body, "valid_days");
	int days = ESTIMATE_VALID_DAYS;
	if (vd &&
	    (!json_is_integer(vd) || json_integer_value(vd) < 1 || json_integer_value(vd) > 180))
		v_add(&r->v, "valid_days", "must be a whole number of days from 1 to 180");
	else if (vd)
		days = (int)json_integer_value(vd);
	const char *note =
	    jv_string(&r->v, r->body, NULL, "note", ESTIMATE_NOTE_MAX, JV_OPTIONAL, NULL);
	if (r->v.n)
		return http_invalid(r);
	plan p;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_plan, r->params[0], &p)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "plan");
	patient pt;
	if (api_patient_writable(r, p.patient_id, &pt))
		return r->status;
	if (rec_ended(&rk_plan, &p))
		return http_problem(
		    r, 409, "Plan ended",
		    arena_printf(r->a, "This plan is %s: nothing to estimate.", p.status));
	civil_date today = date_today();
	char on[11], until[11];
	date_format(today, on);
	date_format(estimate_valid_until(today, days), until);
	estimate_line *lines;
	int n = price_steps(r, &p, on, &lines);
	if (n < 0)
		return r->status;
	if (!n)
		return http_problem(r, 409, "Nothing to estimate",
		                    "Every step of this plan is done or skipped.");
	int64_t total, with_optional;
	if (estimate_total(lines, n, &total, &with_optional))
		return http_problem(r, 422, "Amount too large",
		                    "The estimate's total is beyond what an amount can hold.");
	const treatment_set *tx = r->srv->cfg.treatment;
	const biologic *b = biologic_find(tx, p.biologic);
	const protocol *proto = protocol_find(tx, p.protocol_id);
	json_t *ctx = context(r, &p, b ? b->label : p.biologic);
	if (!ctx)
		return r->status;
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, estimate_line_json(&lines[i]));
	json_t *not_included = json_array();
	for (int i = 0; estimate_not_included[i]; i++)
		json_array_append_new(not_included, json_string(estimate_not_included[i]));
	const char *now = http_now(r);
	json_t *body = json_pack(
	    "{s:s, s:s, s:s, s:s?, s:{s:s, s:s, s:s, s:s?}, s:{s:s, s:s?, s:s?, s:s?, s:s?}, s:s, "
	    "s:s, s:s, s:o, s:I, s:I, s:I, s:o, s:s?, s:s, s:s}",
	    "id", id, "patient_id", pt.id, "plan_id", p.id, "clinic", r->srv->cfg.clinic_name,
	    "patient", "mrn", pt.mrn, "family_name", pt.family_name, "given_name", pt.given_name,
	    "birth_date", pt.birth_date, "plan", "protocol_id", p.protocol_id, "title",
	    proto ? proto->title : NULL, "biologic", p.biologic, "biologic_label",
	    b ? b->label : NULL, "start_date", p.start_date, "currency", api_currency(r),
	    "prices_on", on, "valid_until", until, "lines", arr, "total", (json_int_t)total,
	    "total_optional", (json_int_t)(with_optional - total), "total_with_optional",
	    (json_int_t)with_optional, "not_included", not_included, "note", note, "created_at",
	    now, "created_by", r->who.id);
	if (!body) {
		json_decref(ctx);
		return http_fail(r, SW_EIO, "estimate");
	}
	json_object_update(body, ctx);
	json_decref(ctx);
	char *text = json_mem_dumps(r->a, body, JSON_COMPACT);
	estimate_row e = {id,    pt.id, p.id, api_currency(r), total, with_optional, on,
	                  until, text,  now,  r->who.id};
	audit_record a = http_audit(r, "estimate.create", "estimate", id, pt.id);
	a.detail = arena_printf(r->a, "plan %s, %lld %s", p.id, (long long)total, api_currency(r));
	rc = text ? r->st->ops->estimate_add(r->st, &e, &a) : SW_EIO;
	if (rc) {
		json_decref(body);
		return http_fail(r, rc, "estimate");
	}
	return api_created(r, "/api/v1/estimates", id, 1, body);
}

/* The estimate in the route's {id} with its body parsed; answering 404 itself; 0 when found. */
static int load(http_req *r, estimate_row *e, json_t **body)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->estimate_get(r->st, r->a, r->params[0], e)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "estimate");
	*body = json_loads(e->body, 0, NULL);
	return *body ? 0 : http_fail(r, SW_EDB, "estimate");
}

int api_estimate_get(http_req *r)
{
	estimate_row e;
	json_t *body;
	if (load(r, &e, &body))
		return r->status;
	audit_record a = http_audit(r, "estimate.read", "estimate", e.id, e.patient_id);
	if (http_audit_reads(r, &a, 1)) {
		json_decref(body);
		return r->status;
	}
	return http_json(r, 200, body);
}

int api_estimate_list(http_req *r)
{
	patient pt;
	if (api_load_patient(r, &pt))
		return r->status;
	estimate_row *items;
	int n;
	sw_err rc = r->st->ops->estimate_list(r->st, r->a, pt.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "estimate");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		const estimate_row *e = &items[i];
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s?}", "id", e->id,
		                   "plan_id", e->plan_id, "currency", e->currency, "total",
		                   (json_int_t)e->total, "total_with_optional",
		                   (json_int_t)e->total_with_optional, "prices_on", e->prices_on,
		                   "valid_until", e->valid_until, "created_at", e->created_at,
		                   "created_by", e->created_by));
	}
	return api_patient_items(r, "estimate.list", pt.id, arr);
}

int api_estimate_pdf(http_req *r)
{
	estimate_row e;
	json_t *body;
	if (load(r, &e, &body))
		return r->status;
	unsigned char *pdf;
	size_t len;
	int bad = api_estimate_render(r->a, body, &pdf, &len);
	json_decref(body);
	if (bad)
		return http_fail(r, SW_EIO, "estimate document");
	audit_record a = http_audit(r, "estimate.print", "estimate", e.id, e.patient_id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return http_text(r, 200, "application/pdf", (const char *)pdf, len,
	                 arena_printf(r->a, "estimate-%.8s.pdf", e.id));
}
