/* Invoices and credit notes. A draft is made from a patient's completed appointments and
 * recorded (not voided) procedures, given by id or all not yet invoiced, each line priced from
 * the price list in force on its date of service (no price: 422 naming the item, never a zero
 * line). A draft is voided or issued (If-Match); issuing numbers it INV-000001, INV-000002, ...
 * with no gap, inside the store's write transaction, and it never changes again. A draft's
 * lines are replaced (PATCH, re-priced); the lines it drops are kept, marked removed. A credit note
 * (CN-000001, ...) credits some or all lines of an issued invoice with a reason and frees their
 * sources to be invoiced again. Patient data: every read and write is audited with the patient.
 * Billing goes on for an archived patient (a debt outlives the chart). */
#include <string.h>

#include "../core/plan.h"
#include "../core/procedure.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

static json_t *full_json(http_req *r, const invoice *inv, sw_err *rc)
{
	invoice *cns = NULL;
	int n = 0, k = 0;
	*rc = SW_OK;
	if (strcmp(inv->kind, "invoice") == 0) {
		invoice *all;
		int n_all;
		*rc = r->st->ops->invoice_list(r->st, r->a, inv->patient_id, &all, &n_all);
		if (*rc)
			return NULL;
		cns = arena_alloc(r->a, sizeof(invoice) * (size_t)(n_all ? n_all : 1));
		for (int i = 0; i < n_all; i++)
			if (all[i].invoice_id && strcmp(all[i].invoice_id, inv->id) == 0)
				cns[k++] = all[i];
		n = k;
	}
	return invoice_to_json(inv, cns, n);
}

static int answer(http_req *r, int status, const invoice *inv)
{
	sw_err rc;
	json_t *o = full_json(r, inv, &rc);
	if (!o)
		return http_fail(r, rc, "invoice");
	r->etag = api_etag(r, inv->version);
	if (status == 201)
		r->location = arena_printf(r->a, "/api/v1/invoices/%s", inv->id);
	return http_json(r, status, o);
}

static audit_record inv_audit(http_req *r, const char *action, const invoice *inv,
                              const char *detail)
{
	audit_record a = http_audit(r, action, "invoice", inv->id, inv->patient_id);
	a.detail = detail;
	return a;
}

/* The invoice or credit note in the route's {id}, answering 404 itself; 0 when found. */
static int load(http_req *r, invoice *inv)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->invoice_get(r->st, r->a, r->params[0], inv)
	                : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "invoice") : 0;
}

/* ---- making a draft ---- */

/* What one line will bill, before its price. */
typedef struct bill_item {
	const char *path; /* where the caller named it, for errors */
	const char *source_kind, *source_id;
	const char *kind, *code, *biologic, *date;
} bill_item;

/* Reads a list of ids at key (each a UUID, none twice); their number, at most room. */
static int read_ids(http_req *r, const char *key, const char **out, int room)
{
	json_t *arr = json_object_get(r->body, key);
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > (size_t)room) {
		v_add(&r->v, key, "must be a list of at most %d ids", INVOICE_MAX_SOURCES);
		return 0;
	}
	int n = 0;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *id = json_string_value(json_array_get(arr, i));
		const char *path = arena_printf(r->a, "%s[%zu]", key, i);
		if (!id || !uuid_valid(id)) {
			v_add(&r->v, path, "must be an id");
			continue;
		}
		int twice = 0;
		for (int k = 0; k < n && !twice; k++)
			twice = strcmp(out[k], id) == 0;
		if (twice)
			v_add(&r->v, path, "is given twice");
		else
			out[n++] = arena_strdup(r->a, id);
	}
	return n;
}

/* The item a completed appointment bills, or an error at path. */
static void from_appointment(http_req *r, const patient *p, const appointment *ap, const char *path,
                             bill_item *it)
{
	it->path = path;
	it->source_kind = "appointment";
	it->source_id = ap->id;
	if (strcmp(ap->patient_id, p->id) != 0) {
		v_add(&r->v, path, "is not an appointment of this patient");
		return;
	}
	if (strcmp(ap->status, "completed") != 0) {
		v_add(&r->v, path, "is %s, not completed: only completed appointments are invoiced",
		      ap->status);
		return;
	}
	char day[11];
	date_format(tz_local_date(r->srv->cfg.zone, ap->start), day);
	it->kind = "appointment";
	it->code = ap->type;
	it->biologic = ap->biologic;
	it->date = arena_strdup(r->a, day);
}

/* The item a recorded procedure bills (its plan's biologic), or an error at path; -1 with the
 * answer given on a store failure. */
static int from_procedure(http_req *r, const patient *p, const procedure *pr, const char *path,
                          bill_item *it)
{
	it->path = path;
	it->source_kind = "procedure";
	it->source_id = pr->id;
	if (strcmp(pr->patient_id, p->id) != 0) {
		v_add(&r->v, path, "is not a procedure of this patient");
		return 0;
	}
	if (strcmp(pr->status, "voided") == 0) {
		v_add(&r->v, path, "is voided: only recorded procedures are invoiced");
		return 0;
	}
	plan pl;
	sw_err rc = r->st->ops->rec_get(r->st, r->a, &rk_plan, pr->plan_id, &pl);
	if (rc) {
		http_fail(r, rc, "plan");
		return -1;
	}
	it->kind = "procedure";
	it->code = pr->kind;
	it->biologic = pl.biologic;
	it->date = pr->performed_on;
	return 0;
}

/* The items of the sources the request names, or of every completed appointment and recorded
 * procedure of the patient not held by a live line (all). Their number, or -1 with the answer
 * given. */
static int gather(http_req *r, const patient *p, const char *self, int all, const char **appts,
                  int n_appts, const char **procs, int n_procs, const bill_source *held, int n_held,
                  bill_item *items)
{
	int n = 0;
	if (all) {
		appointment *aps;
		procedure *prs;
		int na, np;
		appt_query q = {.patient_id = p->id};
		rec_query rq = {.patient_id = p->id};
		sw_err rc = r->st->ops->appt_list(r->st, r->a, &q, &aps, &na);
		if (!rc)
			rc = r->st->ops->rec_list(r->st, r->a, &rk_procedure, &rq, (void **)&prs,
			                          &np);
		if (rc) {
			http_fail(r, rc, "invoice");
			return -1;
		}
		for (int i = 0; i < na; i++)
			if (strcmp(aps[i].status, "completed") == 0)
				appts[n_appts++] = aps[i].id;
		for (int i = 0; i < np; i++)
			if (strcmp(prs[i].status, "voided") != 0)
				procs[n_procs++] = prs[i].id;
		/* Those not held already, at most INVOICE_MAX_SOURCES. */
		int ka = 0, kp = 0;
		for (int i = 0; i < n_appts + n_procs; i++) {
			int is_appt = i < n_appts;
			const char *id = is_appt ? appts[i] : procs[i - n_appts];
			int taken = 0;
			for (int h = 0; h < n_held && !taken; h++)
				taken = strcmp(held[h].source_id, id) == 0 &&
				        !(self && strcmp(held[h].invoice_id, self) == 0);
			if (taken || ka + kp >= INVOICE_MAX_SOURCES)
				continue;
			if (is_appt)
				appts[ka++] = id;
			else
				procs[kp++] = id;
		}
		n_appts = ka;
		n_procs = kp;
		if (!n_appts && !n_procs) {
			v_add(&r->v, "all",
			      "finds nothing to invoice: no completed appointment or recorded "
			      "procedure that is not invoiced already");
			return http_invalid(r), -1;
		}
	}
	for (int i = 0; i < n_appts; i++) {
		const char *path = all ? "all" : arena_printf(r->a, "appointment_ids[%d]", i);
		appointment ap;
		sw_err rc = r->st->ops->appt_get(r->st, r->a, appts[i], &ap);
		if (rc == SW_ENOTFOUND) {
			v_add(&r->v, path, "is not an appointment of this patient");
			continue;
		}
		if (rc) {
			http_fail(r, rc, "appointment");
			return -1;
		}
		from_appointment(r, p, &ap, path, &items[n++]);
	}
	for (int i = 0; i < n_procs; i++) {
		const char *path = all ? "all" : arena_printf(r->a, "procedure_ids[%d]", i);
		procedure pr;
		sw_err rc = r->st->ops->rec_get(r->st, r->a, &rk_procedure, procs[i], &pr);
		if (rc == SW_ENOTFOUND) {
			v_add(&r->v, path,
			      "is not a procedure of this patient (plans and their steps are not "
			      "invoiced: only what was done)");
			continue;
		}
		if (rc) {
			http_fail(r, rc, "procedure");
			return -1;
		}
		if (from_procedure(r, p, &pr, path, &items[n++]))
			return -1;
	}
	if (r->v.n)
		return http_invalid(r), -1;
	return n;
}

/* 409 naming the sources a live line holds already, or 0 when none does. */
static int refuse_held(http_req *r, const char *self, const bill_item *items, int n,
                       const bill_source *held, int n_held)
{
	json_t *taken = json_array();
	for (int i = 0; i < n; i++)
		for (int h = 0; h < n_held; h++)
			if (strcmp(held[h].source_id, items[i].source_id) == 0 &&
			    !(self && strcmp(held[h].invoice_id, self) == 0))
				json_array_append_new(
				    taken, json_pack("{s:s, s:s, s:s, s:s}", "path", items[i].path,
				                     "source_kind", items[i].source_kind,
				                     "source_id", items[i].source_id, "invoice_id",
				                     held[h].invoice_id));
	if (!json_array_size(taken)) {
		json_decref(taken);
		return 0;
	}
	http_problem(r, 409, "Already invoiced",
	             arena_printf(r->a,
	                          "%zu item(s) are on another invoice already (a draft or an "
	                          "issued one not credited): nothing is invoiced twice.",
	                          json_array_size(taken)));
	json_object_set_new(r->out, "invoiced", taken);
	return 409;
}

/* The lines the request body names ({appointment_ids?, procedure_ids?} or {all: true}) for
 * patient p, priced, into inv (lines, n_lines, total); self: the draft being changed (its own
 * items are not "on another invoice"), or NULL. 0, or the answer given. */
static int build_lines(http_req *r, const patient *p, const char *self, invoice *inv)
{
	static const char *const fields[] = {"appointment_ids", "procedure_ids", "all", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	/* Room for "all": every appointment and procedure the store lists. */
	const char **appts = arena_alloc(r->a, sizeof(char *) * 5001);
	const char **procs = arena_alloc(r->a, sizeof(char *) * 5001);
	int n_appts = read_ids(r, "appointment_ids", appts, INVOICE_MAX_SOURCES);
	int n_procs = read_ids(r, "procedure_ids", procs, INVOICE_MAX_SOURCES);
	int all = 0;
	jv_bool(&r->v, r->body, NULL, "all", &all);
	if (all && (n_appts || n_procs))
		v_add(&r->v, "all", "is not taken with appointment_ids or procedure_ids");
	else if (!all && !n_appts && !n_procs && !r->v.n)
		v_add(&r->v, "appointment_ids",
		      "or procedure_ids must name what to invoice (or all: true)");
	else if (n_appts + n_procs > INVOICE_MAX_SOURCES)
		v_add(&r->v, "procedure_ids", "make more than %d lines with appointment_ids",
		      INVOICE_MAX_SOURCES);
	if (r->v.n)
		return http_invalid(r);
	bill_source *held;
	int n_held;
	sw_err rc = r->st->ops->bill_held(r->st, r->a, p->id, &held, &n_held);
	if (rc)
		return http_fail(r, rc, "invoice");
	bill_item *items = arena_zalloc(r->a, sizeof(bill_item) * (INVOICE_MAX_SOURCES + 1));
	int n = gather(r, p, self, all, appts, n_appts, procs, n_procs, held, n_held, items);
	if (n < 0)
		return r->status;
	if (refuse_held(r, self, items, n, held, n_held))
		return r->status;
	inv->lines = arena_zalloc(r->a, sizeof(invoice_line) * (size_t)(n ? n : 1));
	inv->n_lines = n;
	inv->total = 0;
	for (int i = 0; i < n; i++) {
		const bill_item *it = &items[i];
		price pr;
		int found = api_price_in_force(r, it->kind, it->code, it->biologic, it->date, &pr);
		if (found < 0)
			return r->status;
		if (!found) {
			v_add(&r->v, it->path,
			      "has no price: no %s price for %s%s%s in %s in force on %s (PUT "
			      "/api/v1/prices)",
			      it->kind, it->code, it->biologic ? " with " : "",
			      it->biologic ? it->biologic : "", inv->currency, it->date);
			continue;
		}
		char *lid = arena_alloc(r->a, UUID_STR_LEN + 1);
		uuid_v7(lid);
		inv->lines[i] = (invoice_line){
		    .id = lid,
		    .seq = i + 1,
		    .source_kind = it->source_kind,
		    .source_id = it->source_id,
		    .item_kind = it->kind,
		    .item_code = it->code,
		    .item_biologic = it->biologic,
		    .label = pr.label
		                 ? pr.label
		                 : arena_printf(r->a, "%s%s%s", it->code, it->biologic ? " " : "",
		                                it->biologic ? it->biologic : ""),
		    .service_date = it->date,
		    .price_id = pr.id,
		    .amount = pr.amount};
		if (money_add(inv->total, pr.amount, &inv->total) || inv->total > MONEY_MAX)
			v_add(&r->v, it->path, "makes the total more than %lld minor units",
			      (long long)MONEY_MAX);
	}
	return r->v.n ? http_invalid(r) : 0;
}

/* 409 when the store found an item on another live invoice after the API's check. */
static int raced(http_req *r)
{
	return http_problem(r, 409, "Already invoiced",
	                    "An item was invoiced by another request just now: nothing is "
	                    "invoiced twice. Reload the patient's invoices.");
}

int api_invoice_create(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	invoice inv;
	memset(&inv, 0, sizeof inv);
	inv.currency = api_currency(r);
	if (build_lines(r, &p, NULL, &inv))
		return r->status;
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	inv.id = id;
	inv.patient_id = p.id;
	inv.kind = "invoice";
	inv.status = "draft";
	inv.version = 1;
	inv.created_at = inv.updated_at = http_now(r);
	inv.updated_by = r->who.id;
	audit_record a = inv_audit(r, "invoice.create", &inv,
	                           arena_printf(r->a, "draft, %d line(s), %lld %s", inv.n_lines,
	                                        (long long)inv.total, inv.currency));
	sw_err rc = r->st->ops->invoice_create(r->st, &inv, &a);
	if (rc == SW_ECONFLICT)
		return raced(r);
	if (rc)
		return http_fail(r, rc, "invoice");
	return answer(r, 201, &inv);
}

/* ---- reading ---- */

int api_invoice_list(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	invoice *items;
	int n;
	sw_err rc = r->st->ops->invoice_list(r->st, r->a, p.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "invoice");
	json_t *arr = json_array();
	/* One buffer for every invoice's credit notes: each is written to JSON at once. */
	invoice *cns = arena_alloc(r->a, sizeof(invoice) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		if (strcmp(items[i].kind, "invoice") != 0)
			continue;
		int k = 0;
		for (int j = 0; j < n; j++)
			if (items[j].invoice_id && strcmp(items[j].invoice_id, items[i].id) == 0)
				cns[k++] = items[j];
		json_array_append_new(arr, invoice_to_json(&items[i], cns, k));
	}
	return api_patient_items(r, "invoice.list", p.id, arr);
}

int api_invoice_get(http_req *r)
{
	invoice inv;
	if (load(r, &inv))
		return r->status;
	audit_record a = inv_audit(r, "invoice.read", &inv, NULL);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return answer(r, 200, &inv);
}

/* ---- issue, void ---- */

/* 409 for a change that only a draft takes. */
static int not_draft(http_req *r, const invoice *inv, const char *what)
{
	int64_t due;
	http_problem(r, 409, "Not a draft",
	             arena_printf(r->a,
	                          "Only a draft invoice is %s; this one is %s. An issued invoice "
	                          "never changes: correct it with a credit note.",
	                          what, inv->status));
	json_object_set_new(r->out, "current_status", json_string(invoice_state(inv, &due)));
	return 409;
}

/* The invoice in the route's {id} when it is a draft at version expected; 0, or the answer
 * given (404, 412, or the 409 that it can no longer be `what`). */
static int load_draft(http_req *r, int expected, const char *what, invoice *inv)
{
	if (load(r, inv))
		return r->status;
	if (inv->version != expected)
		return http_fail(r, SW_EVERSION, "invoice");
	if (strcmp(inv->kind, "invoice") != 0 || strcmp(inv->status, "draft") != 0)
		return not_draft(r, inv, what);
	return 0;
}

/* The answer to a draft's write the store refused: issued or voided meanwhile (SW_ECONFLICT), or
 * another failure. */
static int draft_lost(http_req *r, sw_err rc)
{
	if (rc == SW_ECONFLICT)
		return http_problem(r, 409, "Not a draft",
		                    "This invoice was issued or voided just now.");
	return http_fail(r, rc, "invoice");
}

int api_invoice_issue(http_req *r)
{
	int expected = api_bare_version(r);
	if (expected < 0)
		return r->status;
	invoice inv;
	if (load_draft(r, expected, "issued", &inv))
		return r->status;
	inv.status = "issued";
	inv.issued_at = inv.updated_at = http_now(r);
	inv.updated_by = r->who.id;
	inv.version = expected + 1;
	audit_record a =
	    inv_audit(r, "invoice.issue", &inv,
	              arena_printf(r->a, "%lld %s", (long long)inv.total, inv.currency));
	sw_err rc = r->st->ops->invoice_issue(r->st, &inv, expected, &a);
	if (rc)
		return draft_lost(r, rc);
	/* The store leads the audit record's detail with the number it gave. */
	return answer(r, 200, &inv);
}

int api_invoice_void(http_req *r)
{
	const char *reason;
	int expected;
	if (api_read_void(r, &reason, &expected))
		return r->status;
	invoice inv;
	if (load_draft(r, expected, "voided", &inv))
		return r->status;
	inv.status = "void";
	inv.reason = reason;
	inv.updated_at = http_now(r);
	inv.updated_by = r->who.id;
	inv.version = expected + 1;
	audit_record a = inv_audit(r, "invoice.void", &inv, reason);
	sw_err rc = r->st->ops->invoice_void(r->st, &inv, expected, &a);
	if (rc)
		return draft_lost(r, rc);
	return answer(r, 200, &inv);
}

int api_invoice_update(http_req *r)
{
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	invoice inv;
	if (load_draft(r, expected, "changed", &inv))
		return r->status;
	patient p;
	sw_err rc = r->st->ops->patient_get(r->st, r->a, inv.patient_id, &p);
	if (rc)
		return http_fail(r, rc, "patient");
	if (build_lines(r, &p, inv.id, &inv))
		return r->status;
	inv.updated_at = http_now(r);
	inv.updated_by = r->who.id;
	inv.version = expected + 1;
	audit_record a = inv_audit(r, "invoice.update", &inv,
	                           arena_printf(r->a, "draft, %d line(s), %lld %s", inv.n_lines,
	                                        (long long)inv.total, inv.currency));
	rc = r->st->ops->invoice_relines(r->st, &inv, expected, &a);
	if (rc == SW_ECONFLICT)
		return raced(r);
	if (rc)
		return http_fail(r, rc, "invoice");
	return answer(r, 200, &inv);
}

/* ---- credit notes ---- */

int api_credit_note_create(http_req *r)
{
	static const char *const fields[] = {"reason", "lines", NULL};
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *reason =
	    jv_string(&r->v, r->body, NULL, "reason", BILL_REASON_MAX, JV_REQUIRED, NULL);
	const char **ids = arena_alloc(r->a, sizeof(char *) * INVOICE_MAX_SOURCES);
	int n_ids = read_ids(r, "lines", ids, INVOICE_MAX_SOURCES);
	if (json_is_array(json_object_get(r->body, "lines")) && !n_ids && !r->v.n)
		v_add(&r->v, "lines",
		      "must name at least one line (or be left out for every line)");
	if (r->v.n)
		return http_invalid(r);
	invoice inv;
	if (load(r, &inv))
		return r->status;
	if (inv.version != expected)
		return http_fail(r, SW_EVERSION, "invoice");
	if (strcmp(inv.kind, "invoice") != 0 || strcmp(inv.status, "issued") != 0) {
		http_problem(
		    r, 409, "Not issued",
		    arena_printf(r->a, "Only an issued invoice takes a credit note; this is a %s.",
		                 strcmp(inv.kind, "invoice") ? "credit note" : inv.status));
		return 409;
	}
	invoice cn;
	memset(&cn, 0, sizeof cn);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	cn.id = id;
	cn.patient_id = inv.patient_id;
	cn.kind = "credit_note";
	cn.invoice_id = inv.id;
	cn.status = "issued";
	cn.currency = inv.currency;
	cn.reason = reason;
	cn.version = 1;
	cn.created_at = cn.updated_at = cn.issued_at = http_now(r);
	cn.updated_by = r->who.id;
	cn.lines = arena_zalloc(r->a, sizeof(invoice_line) * (size_t)(inv.n_lines + 1));
	for (int i = 0; i < inv.n_lines; i++) {
		const invoice_line *l = &inv.lines[i];
		int wanted = !n_ids;
		for (int k = 0; k < n_ids && !wanted; k++)
			wanted = strcmp(ids[k], l->id) == 0;
		if (!wanted || (!n_ids && l->credited_by))
			continue;
		invoice_line *c = &cn.lines[cn.n_lines++];
		*c = *l;
		char *lid = arena_alloc(r->a, UUID_STR_LEN + 1);
		uuid_v7(lid);
		c->id = lid;
		c->seq = cn.n_lines;
		c->credits_line = l->id;
		c->credited_by = NULL;
		cn.total += l->amount; /* within the invoice's total */
	}
	for (int k = 0; k < n_ids; k++) {
		const char *path = arena_printf(r->a, "lines[%d]", k);
		const invoice_line *l = NULL;
		for (int i = 0; i < inv.n_lines && !l; i++)
			if (strcmp(inv.lines[i].id, ids[k]) == 0)
				l = &inv.lines[i];
		if (!l)
			v_add(&r->v, path, "is not a line of this invoice");
		else if (l->credited_by)
			v_add(&r->v, path, "is credited already (credit note %s)", l->credited_by);
	}
	if (r->v.n)
		return http_invalid(r);
	if (!cn.n_lines)
		return http_problem(r, 409, "Nothing to credit",
		                    "Every line of this invoice is credited already.");
	audit_record a = http_audit(r, "invoice.credit", "invoice", inv.id, inv.patient_id);
	char number[BILL_NUMBER_TEXT];
	invoice_number(&inv, number);
	a.detail = arena_printf(r->a, "credit note %s of %s, %d line(s), %lld %s: %s", cn.id,
	                        number, cn.n_lines, (long long)cn.total, cn.currency, reason);
	sw_err rc = r->st->ops->credit_note_create(r->st, &cn, expected, &a);
	if (rc == SW_ECONFLICT)
		return http_problem(r, 409, "Conflict",
		                    "A line was credited by another request just now. Reload the "
		                    "invoice.");
	if (rc)
		return http_fail(r, rc, "invoice");
	r->location = arena_printf(r->a, "/api/v1/invoices/%s", cn.id);
	r->etag = api_etag(r, cn.version);
	return http_json(r, 201, invoice_to_json(&cn, NULL, 0));
}
