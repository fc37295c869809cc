/* The billing records' pure rules: the price in force, an invoice's state, reading price items
 * and payments, and their JSON. */
#include "billing.h"

#include <string.h>

#include "../util/dates.h"
#include "../util/jsonv.h"

const char *const price_kinds[] = {"appointment", "procedure", "test", NULL};
const char *const payment_methods[] = {"cash", "card", "transfer", NULL};

static int same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

const price *price_pick(const price *items, int n, const char *kind, const char *code,
                        const char *bio, const char *on)
{
	const price *best = NULL;
	for (int i = 0; i < n; i++) {
		const price *p = &items[i];
		if (!same(p->kind, kind) || !same(p->code, code) ||
		    strcmp(p->effective_from, on) > 0)
			continue;
		if (p->biologic && !same(p->biologic, bio))
			continue;
		if (!best) {
			best = p;
			continue;
		}
		int exact = p->biologic != NULL, best_exact = best->biologic != NULL;
		if (exact != best_exact) {
			if (exact)
				best = p;
			continue;
		}
		if (strcmp(p->effective_from, best->effective_from) > 0)
			best = p;
	}
	return best;
}

void price_from_json(vctx *v, json_t *obj, const char *prefix, const char *clinic, price *out)
{
	static const char *const fields[] = {"kind",           "code",  "biologic", "amount",
	                                     "effective_from", "label", "currency", NULL};
	memset(out, 0, sizeof *out);
	if (!json_is_object(obj)) {
		v_add(v, prefix, "must be an object");
		return;
	}
	jv_no_unknown(v, obj, prefix, fields);
	out->kind = jv_enum(v, obj, prefix, "kind", price_kinds, JV_REQUIRED, NULL);
	out->code = jv_string(v, obj, prefix, "code", 64, JV_REQUIRED, NULL);
	out->biologic = jv_string(v, obj, prefix, "biologic", 64, JV_OPTIONAL, NULL);
	money_from_json(v, obj, prefix, "amount", 0, MONEY_MAX, JV_REQUIRED, &out->amount);
	const char *from = jv_string(v, obj, prefix, "effective_from", 10, JV_REQUIRED, NULL);
	civil_date d;
	if (from && (date_parse(from, &d) || d.year < 2000 || d.year > 2200))
		v_add(v, v_path(v, prefix, "effective_from"),
		      "must be a date YYYY-MM-DD from 2000 to 2200");
	out->effective_from = from;
	out->label = jv_string(v, obj, prefix, "label", PRICE_LABEL_MAX, JV_OPTIONAL, NULL);
	const char *cur = jv_string(v, obj, prefix, "currency", 3, JV_OPTIONAL, NULL);
	if (cur && strcmp(cur, clinic) != 0)
		v_add(v, v_path(v, prefix, "currency"), "must be the clinic's currency, %s",
		      clinic);
	out->currency = clinic;
}

json_t *price_to_json(const price *p)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:I, s:s, s:s, s:o, s:s, s:o}", "id", p->id, "kind",
	                 p->kind, "code", p->code, "biologic",
	                 p->biologic ? json_string(p->biologic) : json_null(), "amount",
	                 (json_int_t)p->amount, "currency", p->currency, "effective_from",
	                 p->effective_from, "label", p->label ? json_string(p->label) : json_null(),
	                 "created_at", p->created_at, "created_by",
	                 p->created_by ? json_string(p->created_by) : json_null());
}

void invoice_number(const invoice *inv, char out[BILL_NUMBER_TEXT])
{
	if (inv->seq > 0)
		bill_number(strcmp(inv->kind, "credit_note") == 0 ? "CN" : "INV", inv->seq, out);
	else
		out[0] = '\0';
}

const char *invoice_state(const invoice *inv, int64_t *due)
{
	*due = 0;
	if (strcmp(inv->status, "issued") != 0 || strcmp(inv->kind, "invoice") != 0)
		return inv->status;
	int64_t d = inv->total - inv->credited - inv->paid;
	*due = d;
	if (inv->credited >= inv->total && inv->total > 0)
		return "credited";
	if (inv->paid == 0)
		return d > 0 ? "issued" : "paid";
	return d > 0 ? "part_paid" : "paid";
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *line_to_json(const invoice_line *l)
{
	json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:{s:s, s:s, s:o}, s:o, s:s, s:o, s:I}", "id",
	                      l->id, "seq", l->seq, "source_kind", l->source_kind, "source_id",
	                      l->source_id, "item", "kind", l->item_kind, "code", l->item_code,
	                      "biologic", str_or_null(l->item_biologic), "label",
	                      str_or_null(l->label), "service_date", l->service_date, "price_id",
	                      str_or_null(l->price_id), "amount", (json_int_t)l->amount);
	if (l->credits_line)
		json_object_set_new(o, "credits_line", json_string(l->credits_line));
	else
		json_object_set_new(o, "credited_by", str_or_null(l->credited_by));
	return o;
}

json_t *invoice_to_json(const invoice *inv, const invoice *credit_notes, int n)
{
	char number[BILL_NUMBER_TEXT];
	invoice_number(inv, number);
	int64_t due;
	const char *state = invoice_state(inv, &due);
	json_t *lines = json_array();
	int64_t subtotal = 0;
	for (int i = 0; i < inv->n_lines; i++) {
		json_array_append_new(lines, line_to_json(&inv->lines[i]));
		subtotal += inv->lines[i].amount; /* each <= MONEY_MAX, at most 200 lines */
	}
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:i, s:s, s:s, s:o}", "id",
	    inv->id, "patient_id", inv->patient_id, "kind", inv->kind, "number",
	    *number ? json_string(number) : json_null(), "status", state, "currency", inv->currency,
	    "lines", lines, "subtotal", (json_int_t)subtotal, "total", (json_int_t)inv->total,
	    "reason", str_or_null(inv->reason), "issued_at", str_or_null(inv->issued_at), "version",
	    inv->version, "created_at", inv->created_at, "updated_at", inv->updated_at,
	    "updated_by", str_or_null(inv->updated_by));
	if (strcmp(inv->kind, "credit_note") == 0) {
		json_object_set_new(o, "invoice_id", json_string(inv->invoice_id));
		return o;
	}
	json_object_set_new(o, "credited", json_integer((json_int_t)inv->credited));
	json_object_set_new(o, "paid", json_integer((json_int_t)inv->paid));
	json_object_set_new(o, "due", json_integer((json_int_t)due));
	json_t *cns = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(cns, invoice_to_json(&credit_notes[i], NULL, 0));
	json_object_set_new(o, "credit_notes", cns);
	return o;
}

void payment_from_json(vctx *v, json_t *body, const char *clinic, payment *out)
{
	static const char *const fields[] = {"amount", "method",   "reference", "invoice_id",
	                                     "reason", "currency", NULL};
	memset(out, 0, sizeof *out);
	jv_no_unknown(v, body, NULL, fields);
	if (money_from_json(v, body, NULL, "amount", -MONEY_MAX, MONEY_MAX, JV_REQUIRED,
	                    &out->amount) &&
	    out->amount == 0)
		v_add(v, "amount", "must not be 0");
	out->method = jv_enum(v, body, NULL, "method", payment_methods, JV_REQUIRED, NULL);
	out->reference =
	    jv_string(v, body, NULL, "reference", PAYMENT_REFERENCE_MAX, JV_OPTIONAL, NULL);
	out->invoice_id = jv_string(v, body, NULL, "invoice_id", 36, JV_OPTIONAL, NULL);
	out->reason = jv_string(v, body, NULL, "reason", BILL_REASON_MAX, JV_OPTIONAL, NULL);
	if (out->amount < 0 && !out->reason && !v_has(v, "reason"))
		v_add(v, "reason", "is required for a refund (a negative amount)");
	else if (out->amount > 0 && out->reason)
		v_add(v, "reason", "is only for a refund (a negative amount)");
	const char *cur = jv_string(v, body, NULL, "currency", 3, JV_OPTIONAL, NULL);
	if (cur && strcmp(cur, clinic) != 0)
		v_add(v, "currency", "must be the clinic's currency, %s", clinic);
	out->currency = clinic;
}

json_t *payment_to_json(const payment *p)
{
	return json_pack("{s:s, s:s, s:o, s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s, s:i, s:s, "
	                 "s:s, s:o}",
	                 "id", p->id, "patient_id", p->patient_id, "invoice_id",
	                 str_or_null(p->invoice_id), "amount", (json_int_t)p->amount, "currency",
	                 p->currency, "kind", p->amount < 0 ? "refund" : "payment", "method",
	                 p->method, "reference", str_or_null(p->reference), "reason",
	                 str_or_null(p->reason), "status", p->status, "void_reason",
	                 str_or_null(p->void_reason), "received_at", p->received_at, "version",
	                 p->version, "created_at", p->created_at, "updated_at", p->updated_at,
	                 "updated_by", str_or_null(p->updated_by));
}

int bill_balance_close(bill_balance *b)
{
	int64_t x;
	if (money_add(b->invoiced, -b->credited, &x) || money_add(x, -b->received, &x) ||
	    money_add(x, b->refunded, &x))
		return -1;
	b->balance = x;
	return 0;
}
