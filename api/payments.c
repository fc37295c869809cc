/* Payments and refunds on a patient's account, the balance, and the day's takings. A payment is
 * {amount > 0, method: cash|card|transfer, reference?, invoice_id?}; a refund the same with a
 * negative amount and a reason, and never more than the live payments net of refunds (on its
 * invoice when it names one, else on the account), checked inside the store's write. Nothing is
 * deleted: one entered in error is voided with a reason (If-Match). Balance = issued invoices -
 * credit notes - payments + refunds, in the clinic's currency. Patient data: every read and
 * write is audited with the patient (the takings once per patient listed). */
#include <string.h>
#include <time.h>

#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

static audit_record pay_audit(http_req *r, const char *action, const payment *p, const char *detail)
{
	audit_record a = http_audit(r, action, "payment", p->id, p->patient_id);
	a.detail = detail;
	return a;
}

/* 409 for a refund (or a void) that would take back more than was paid. */
static int beyond_paid(http_req *r, const payment *p, int64_t refundable, const char *what)
{
	http_problem(r, 409, "More than was paid",
	             arena_printf(r->a,
	                          "%s would take back more than was paid%s: %lld %s is refundable.",
	                          what, p->invoice_id ? " on this invoice" : "",
	                          (long long)(refundable > 0 ? refundable : 0), p->currency));
	json_object_set_new(r->out, "refundable",
	                    json_integer((json_int_t)(refundable > 0 ? refundable : 0)));
	return 409;
}

int api_payment_create(http_req *r)
{
	patient pt;
	if (api_load_patient(r, &pt))
		return r->status;
	payment p;
	payment_from_json(&r->v, r->body, api_currency(r), &p);
	if (p.invoice_id && !v_has(&r->v, "invoice_id")) {
		invoice inv;
		sw_err rc = uuid_valid(p.invoice_id)
		                ? r->st->ops->invoice_get(r->st, r->a, p.invoice_id, &inv)
		                : SW_ENOTFOUND;
		if (rc && rc != SW_ENOTFOUND)
			return http_fail(r, rc, "invoice");
		if (rc || strcmp(inv.patient_id, pt.id) != 0 || strcmp(inv.kind, "invoice") != 0)
			v_add(&r->v, "invoice_id", "is not an invoice of this patient");
		else if (strcmp(inv.status, "issued") != 0)
			v_add(&r->v, "invoice_id", "is a %s invoice: payments go on issued ones",
			      inv.status);
		else if (strcmp(inv.currency, p.currency) != 0)
			v_add(&r->v, "invoice_id", "is in %s, not the clinic's %s", inv.currency,
			      p.currency);
	}
	if (r->v.n)
		return http_invalid(r);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	p.id = id;
	p.patient_id = pt.id;
	p.status = "recorded";
	p.version = 1;
	p.received_at = p.created_at = p.updated_at = http_now(r);
	p.updated_by = r->who.id;
	audit_record a = pay_audit(
	    r, p.amount < 0 ? "payment.refund" : "payment.create", &p,
	    arena_printf(r->a, "%lld %s %s%s%s", (long long)p.amount, p.currency, p.method,
	                 p.invoice_id ? " on invoice " : "", p.invoice_id ? p.invoice_id : ""));
	int64_t refundable = 0;
	sw_err rc = r->st->ops->payment_add(r->st, &p, &a, &refundable);
	if (rc == SW_ECONFLICT)
		return beyond_paid(r, &p, refundable, "This refund");
	if (rc)
		return http_fail(r, rc, "payment");
	return api_created(r, "/api/v1/payments", id, 1, payment_to_json(&p));
}

int api_payment_list(http_req *r)
{
	patient pt;
	if (api_load_patient(r, &pt))
		return r->status;
	payment *items;
	int n;
	sw_err rc = r->st->ops->payment_list(r->st, r->a, pt.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "payment");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, payment_to_json(&items[i]));
	return api_patient_items(r, "payment.list", pt.id, arr);
}

int api_payment_void(http_req *r)
{
	const char *reason;
	int expected;
	if (api_read_void(r, &reason, &expected))
		return r->status;
	payment p;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->payment_get(r->st, r->a, r->params[0], &p)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "payment");
	if (p.version != expected)
		return http_fail(r, SW_EVERSION, "payment");
	if (strcmp(p.status, "voided") == 0) {
		http_problem(r, 409, "Voided already", "This payment was voided already.");
		json_object_set_new(r->out, "current_status", json_string(p.status));
		return 409;
	}
	p.status = "voided";
	p.void_reason = reason;
	p.version = expected + 1;
	p.updated_at = http_now(r);
	p.updated_by = r->who.id;
	audit_record a = pay_audit(r, "payment.void", &p, reason);
	int64_t refundable = 0;
	rc = r->st->ops->payment_void(r->st, &p, expected, &a, &refundable);
	if (rc == SW_ECONFLICT)
		return beyond_paid(r, &p, refundable, "Voiding this payment leaves refunds that");
	if (rc)
		return http_fail(r, rc, "payment");
	r->etag = api_etag(r, p.version);
	return http_json(r, 200, payment_to_json(&p));
}

int api_balance_get(http_req *r)
{
	patient pt;
	if (api_load_patient(r, &pt))
		return r->status;
	bill_balance b;
	sw_err rc = r->st->ops->bill_balance(r->st, pt.id, api_currency(r), &b);
	if (rc)
		return http_fail(r, rc, "balance");
	audit_record a = http_audit(r, "balance.read", "patient", pt.id, pt.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return http_json(r, 200,
	                 json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "patient_id", pt.id,
	                           "currency", api_currency(r), "invoiced", (json_int_t)b.invoiced,
	                           "credited", (json_int_t)b.credited, "received",
	                           (json_int_t)b.received, "refunded", (json_int_t)b.refunded,
	                           "balance", (json_int_t)b.balance));
}

/* Per method: received, refunded (positive), count. */
typedef struct method_total {
	int64_t received, refunded;
	int count;
} method_total;

int api_takings(http_req *r)
{
	const char *date = http_query(r, "date");
	char today[11];
	if (!date) {
		date_format(tz_local_date(r->srv->cfg.zone, time(NULL)), today);
		date = today;
	}
	civil_date d;
	if (date_parse(date, &d) || d.year < 1900) {
		v_add(&r->v, "date", "must be a date YYYY-MM-DD");
		return http_invalid(r);
	}
	char from[21], to[21];
	instant_format(tz_wall_to_utc(r->srv->cfg.zone, tz_wall(d, 0)), from);
	instant_format(tz_wall_to_utc(r->srv->cfg.zone, tz_wall(d, 1440)), to);
	taking *items;
	int n;
	sw_err rc = r->st->ops->takings(r->st, r->a, from, to, &items, &n);
	if (rc)
		return http_fail(r, rc, "takings");
	method_total t[3] = {{0}};
	int64_t received = 0, refunded = 0;
	int count = 0;
	audit_record *reads = arena_alloc(r->a, sizeof(audit_record) * (size_t)(n ? n : 1));
	int n_reads = 0;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		const payment *p = &items[i].p;
		json_t *o = payment_to_json(p);
		json_object_set_new(o, "patient",
		                    json_pack("{s:s, s:s, s:s, s:s}", "id", p->patient_id, "mrn",
		                              items[i].mrn, "family_name", items[i].family_name,
		                              "given_name", items[i].given_name));
		json_array_append_new(arr, o);
		int seen = 0;
		for (int k = 0; k < n_reads && !seen; k++)
			seen = strcmp(reads[k].patient_id, p->patient_id) == 0;
		if (!seen)
			reads[n_reads++] =
			    http_audit(r, "takings.read", "patient", p->patient_id, p->patient_id);
		if (strcmp(p->status, "recorded") != 0 || strcmp(p->currency, api_currency(r)) != 0)
			continue;
		int m = 0;
		while (payment_methods[m] && strcmp(payment_methods[m], p->method) != 0)
			m++;
		if (m > 2)
			continue;
		int bad = p->amount > 0 ? money_add(t[m].received, p->amount, &t[m].received) ||
		                              money_add(received, p->amount, &received)
		                        : money_add(t[m].refunded, -p->amount, &t[m].refunded) ||
		                              money_add(refunded, -p->amount, &refunded);
		if (bad) {
			json_decref(arr);
			return http_fail(r, SW_EDB, "takings");
		}
		t[m].count++;
		count++;
	}
	if (n_reads && http_audit_reads(r, reads, n_reads)) {
		json_decref(arr);
		return r->status;
	}
	json_t *methods = json_object();
	for (int m = 0; m < 3; m++)
		json_object_set_new(
		    methods, payment_methods[m],
		    json_pack("{s:I, s:I, s:I, s:i}", "received", (json_int_t)t[m].received,
		              "refunded", (json_int_t)t[m].refunded, "net",
		              (json_int_t)(t[m].received - t[m].refunded), "count", t[m].count));
	return http_json(r, 200,
	                 json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:i, s:o}", "date",
	                           date, "from", from, "to", to, "currency", api_currency(r),
	                           "methods", methods, "received", (json_int_t)received, "refunded",
	                           (json_int_t)refunded, "net", (json_int_t)(received - refunded),
	                           "count", count, "items", arr));
}
