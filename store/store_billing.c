/* SQLite store: billing (migration 018). The price list as history, invoices and credit notes
 * with their lines, payments and refunds, a patient's balance and a day's takings. Every write is
 * one transaction with its audit record (BEGIN IMMEDIATE under the process's write mutex, so
 * writers are serialized): a number is the series' highest + 1 taken inside that transaction (no
 * gap, no duplicate; a unique index guards it), and the unique index on live lines' sources means
 * nothing is invoiced twice. Sums are SQLite integer sums, which fail rather than wrap. */
#include <stdio.h>
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define PRICE_COLS                                                                                 \
	"id, kind, code, biologic, amount, currency, effective_from, label, created_at, "          \
	"created_by"
#define INV_COLS                                                                                   \
	"id, patient_id, kind, invoice_id, seq, status, currency, total, reason, issued_at, "      \
	"version, created_at, updated_at, updated_by"
#define LINE_COLS                                                                                  \
	"id, seq, source_kind, source_id, item_kind, item_code, item_biologic, label, "            \
	"service_date, price_id, amount, credits_line, credited_by"
#define PAY_COLS                                                                                   \
	"id, patient_id, invoice_id, amount, currency, method, reference, reason, status, "        \
	"void_reason, received_at, version, created_at, updated_at, updated_by"
#define LIST_CAP 5000

/* Grows an arena array of n items of size sz to hold one more; returns the (maybe new) array. */
static void *grow(arena *a, void *items, int n, int *cap, size_t sz)
{
	if (n < *cap)
		return items;
	int bigger = *cap ? *cap * 2 : 16;
	void *out = arena_alloc(a, sz * (size_t)bigger);
	if (n)
		memcpy(out, items, sz * (size_t)n);
	*cap = bigger;
	return out;
}

/* ---- prices ---- */

typedef struct price_job {
	const price *items;
	int n;
	int *dup;
} price_job;

static sw_err write_prices(sqlite_store *s, const void *arg)
{
	const price_job *job = arg;
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO prices (" PRICE_COLS ") VALUES (?1, ?2, ?3, ?4, "
	                              "?5, ?6, ?7, ?8, ?9, ?10)");
	if (!st)
		return SW_EDB;
	sw_err rc = SW_OK;
	for (int i = 0; !rc && i < job->n; i++) {
		const price *p = &job->items[i];
		sq_text(st, 1, p->id);
		sq_text(st, 2, p->kind);
		sq_text(st, 3, p->code);
		sq_text(st, 4, p->biologic ? p->biologic : "");
		sqlite3_bind_int64(st, 5, p->amount);
		sq_text(st, 6, p->currency);
		sq_text(st, 7, p->effective_from);
		sq_text(st, 8, p->label);
		sq_text(st, 9, p->created_at);
		sq_text(st, 10, p->created_by);
		rc = sq_step_write(s, st, "price add");
		if (rc == SW_ECONFLICT)
			*job->dup = i;
	}
	return rc;
}

sw_err sqlite_price_add(store *base, const price *items, int n, audit_record *audit, int *dup)
{
	price_job job = {items, n, dup};
	return sq_write_audited(SQ(base), write_prices, &job, NULL, NULL, 0, audit);
}

static void read_price(arena *a, sqlite3_stmt *st, price *p)
{
	p->id = sq_col(a, st, 0);
	p->kind = sq_col(a, st, 1);
	p->code = sq_col(a, st, 2);
	p->biologic = sq_col(a, st, 3);
	if (p->biologic && !*p->biologic)
		p->biologic = NULL;
	p->amount = sqlite3_column_int64(st, 4);
	p->currency = sq_col(a, st, 5);
	p->effective_from = sq_col(a, st, 6);
	p->label = sq_col(a, st, 7);
	p->created_at = sq_col(a, st, 8);
	p->created_by = sq_col(a, st, 9);
}

static sw_err read_prices(sqlite_store *s, arena *a, sqlite3_stmt *st, price **items, int *n)
{
	int cap = 0, count = 0, step;
	price *out = NULL;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && count < LIST_CAP) {
		out = grow(a, out, count, &cap, sizeof *out);
		read_price(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	*items = out;
	*n = count;
	return step == SQLITE_DONE || step == SQLITE_ROW ? SW_OK : sq_fail(s, "price list");
}

sw_err sqlite_price_list(store *base, arena *a, const char *currency, const char *on, price **items,
                         int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st =
	    on ? sq_prep(s, "SELECT " PRICE_COLS " FROM prices p WHERE currency = ?1 AND "
	                    "effective_from = (SELECT MAX(effective_from) FROM prices q WHERE "
	                    "q.kind = p.kind AND q.code = p.code AND q.biologic = p.biologic AND "
	                    "q.currency = p.currency AND q.effective_from <= ?2) "
	                    "ORDER BY kind, code, biologic")
	       : sq_prep(s, "SELECT " PRICE_COLS " FROM prices WHERE ?1 IS NULL OR currency = ?1 "
	                    "ORDER BY kind, code, biologic, effective_from, currency");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, currency);
	if (on)
		sq_text(st, 2, on);
	return read_prices(s, a, st, items, n);
}

sw_err sqlite_price_candidates(store *base, arena *a, const char *currency, const char *kind,
                               const char *code, const char *on, price **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " PRICE_COLS " FROM prices WHERE currency = ?1 AND "
	                              "kind = ?2 AND code = ?3 AND effective_from <= ?4");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, currency);
	sq_text(st, 2, kind);
	sq_text(st, 3, code);
	sq_text(st, 4, on);
	return read_prices(s, a, st, items, n);
}

/* ---- invoices and credit notes ---- */

/* inv's lines, each live or not, inside the caller's transaction. */
static sw_err insert_lines(sqlite_store *s, const invoice *inv, int live)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO invoice_lines (" LINE_COLS ", invoice_id, live) "
	                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	                              "NULL, ?13, ?14)");
	if (!st)
		return SW_EDB;
	sw_err rc = SW_OK;
	for (int i = 0; !rc && i < inv->n_lines; i++) {
		const invoice_line *l = &inv->lines[i];
		sq_text(st, 1, l->id);
		sqlite3_bind_int(st, 2, l->seq);
		sq_text(st, 3, l->source_kind);
		sq_text(st, 4, l->source_id);
		sq_text(st, 5, l->item_kind);
		sq_text(st, 6, l->item_code);
		sq_text(st, 7, l->item_biologic);
		sq_text(st, 8, l->label);
		sq_text(st, 9, l->service_date);
		sq_text(st, 10, l->price_id);
		sqlite3_bind_int64(st, 11, l->amount);
		sq_text(st, 12, l->credits_line);
		sq_text(st, 13, inv->id);
		sqlite3_bind_int(st, 14, live);
		rc = sq_step_write(s, st, "invoice line");
	}
	return rc;
}

static sw_err insert_invoice(sqlite_store *s, const invoice *inv, int live)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO invoices (" INV_COLS ") VALUES (?1, ?2, ?3, ?4, "
	                              "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, inv->id);
	sq_text(st, 2, inv->patient_id);
	sq_text(st, 3, inv->kind);
	sq_text(st, 4, inv->invoice_id);
	if (inv->seq > 0)
		sqlite3_bind_int64(st, 5, inv->seq);
	sq_text(st, 6, inv->status);
	sq_text(st, 7, inv->currency);
	sqlite3_bind_int64(st, 8, inv->total);
	sq_text(st, 9, inv->reason);
	sq_text(st, 10, inv->issued_at);
	sqlite3_bind_int(st, 11, inv->version);
	sq_text(st, 12, inv->created_at);
	sq_text(st, 13, inv->updated_at);
	sq_text(st, 14, inv->updated_by);
	sw_err rc = sq_step_write(s, st, "invoice insert");
	return rc ? rc : insert_lines(s, inv, live);
}

static sw_err write_invoice(sqlite_store *s, const void *arg)
{
	return insert_invoice(s, arg, 1);
}

sw_err sqlite_invoice_create(store *base, const invoice *inv, audit_record *audit)
{
	return sq_write_audited(SQ(base), write_invoice, inv, NULL, NULL, 0, audit);
}

static void read_invoice_row(arena *a, sqlite3_stmt *st, invoice *out)
{
	memset(out, 0, sizeof *out);
	out->id = sq_col(a, st, 0);
	out->patient_id = sq_col(a, st, 1);
	out->kind = sq_col(a, st, 2);
	out->invoice_id = sq_col(a, st, 3);
	out->seq = sqlite3_column_int64(st, 4);
	out->status = sq_col(a, st, 5);
	out->currency = sq_col(a, st, 6);
	out->total = sqlite3_column_int64(st, 7);
	out->reason = sq_col(a, st, 8);
	out->issued_at = sq_col(a, st, 9);
	out->version = sqlite3_column_int(st, 10);
	out->created_at = sq_col(a, st, 11);
	out->updated_at = sq_col(a, st, 12);
	out->updated_by = sq_col(a, st, 13);
}

/* inv's lines, and for an invoice what its live payments and credit notes come to. */
static sw_err read_invoice_rest(sqlite_store *s, arena *a, invoice *inv)
{
	sqlite3_stmt *st = sq_prep(s, "SELECT " LINE_COLS
	                              " FROM invoice_lines WHERE invoice_id = ? AND removed = 0 "
	                              "ORDER BY seq");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, inv->id);
	int cap = 0, step;
	inv->n_lines = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		inv->lines = grow(a, inv->lines, inv->n_lines, &cap, sizeof *inv->lines);
		invoice_line *l = &inv->lines[inv->n_lines++];
		l->id = sq_col(a, st, 0);
		l->seq = sqlite3_column_int(st, 1);
		l->source_kind = sq_col(a, st, 2);
		l->source_id = sq_col(a, st, 3);
		l->item_kind = sq_col(a, st, 4);
		l->item_code = sq_col(a, st, 5);
		l->item_biologic = sq_col(a, st, 6);
		l->label = sq_col(a, st, 7);
		l->service_date = sq_col(a, st, 8);
		l->price_id = sq_col(a, st, 9);
		l->amount = sqlite3_column_int64(st, 10);
		l->credits_line = sq_col(a, st, 11);
		l->credited_by = sq_col(a, st, 12);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return sq_fail(s, "invoice lines");
	if (strcmp(inv->kind, "invoice") != 0)
		return SW_OK;
	st =
	    sq_prep(s, "SELECT (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE invoice_id = "
	               "?1 AND status = 'recorded'), (SELECT COALESCE(SUM(total), 0) FROM invoices "
	               "WHERE invoice_id = ?1 AND kind = 'credit_note' AND status = 'issued')");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, inv->id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		inv->paid = sqlite3_column_int64(st, 0);
		inv->credited = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW ? SW_OK : sq_fail(s, "invoice sums");
}

sw_err sqlite_invoice_get(store *base, arena *a, const char *id, invoice *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " INV_COLS " FROM invoices WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		read_invoice_row(a, st, out);
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return SW_ENOTFOUND;
	if (step != SQLITE_ROW)
		return sq_fail(s, "invoice get");
	return read_invoice_rest(s, a, out);
}

sw_err sqlite_invoice_list(store *base, arena *a, const char *patient_id, invoice **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " INV_COLS " FROM invoices WHERE patient_id = ? "
	                              "ORDER BY created_at, id");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, patient_id);
	int cap = 0, count = 0, step;
	invoice *out = NULL;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && count < LIST_CAP) {
		out = grow(a, out, count, &cap, sizeof *out);
		read_invoice_row(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	sw_err rc = step == SQLITE_DONE || step == SQLITE_ROW ? SW_OK : sq_fail(s, "invoice list");
	for (int i = 0; !rc && i < count; i++)
		rc = read_invoice_rest(s, a, &out[i]);
	*items = out;
	*n = count;
	return rc;
}

/* SW_ECONFLICT unless invoice id's status is want (inside the caller's transaction). */
static sw_err check_status(sqlite_store *s, const char *id, const char *want)
{
	sqlite3_stmt *st = sq_prep(s, "SELECT status FROM invoices WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int step = sqlite3_step(st);
	int ok = step == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), want) == 0;
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return SW_ENOTFOUND;
	if (step != SQLITE_ROW)
		return sq_fail(s, "invoice status");
	return ok ? SW_OK : SW_ECONFLICT;
}

/* The next number of kind's series, into *seq (inside the caller's transaction). */
static sw_err next_seq(sqlite_store *s, const char *kind, int64_t *seq)
{
	sqlite3_stmt *st = sq_prep(s, "SELECT COALESCE(MAX(seq), 0) FROM invoices WHERE kind = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, kind);
	int step = sqlite3_step(st);
	int64_t max = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	if (step != SQLITE_ROW)
		return sq_fail(s, "invoice number");
	*seq = bill_next_seq(max);
	return *seq > 0 ? SW_OK : SW_EDB;
}

/* Writes inv's status, seq, reason, issued_at, version and updated_*. */
static sw_err update_invoice(sqlite_store *s, const invoice *inv)
{
	sqlite3_stmt *st =
	    sq_prep(s, "UPDATE invoices SET status = ?2, seq = ?3, reason = ?4, issued_at = ?5, "
	               "version = ?6, updated_at = ?7, updated_by = ?8 WHERE id = ?1");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, inv->id);
	sq_text(st, 2, inv->status);
	if (inv->seq > 0)
		sqlite3_bind_int64(st, 3, inv->seq);
	else
		sqlite3_bind_null(st, 3);
	sq_text(st, 4, inv->reason);
	sq_text(st, 5, inv->issued_at);
	sqlite3_bind_int(st, 6, inv->version);
	sq_text(st, 7, inv->updated_at);
	sq_text(st, 8, inv->updated_by);
	return sq_step_write(s, st, "invoice update");
}

/* A write that numbers an invoice or credit note: the audit record's detail is led by the
 * number, which is known only inside the transaction. */
typedef struct numbered {
	invoice *inv;
	audit_record *audit;
	char detail[BILL_REASON_MAX + 300];
} numbered;

static void name_number(numbered *job)
{
	char number[BILL_NUMBER_TEXT];
	invoice_number(job->inv, number);
	const char *was = job->audit->detail;
	snprintf(job->detail, sizeof job->detail, "%s%s%s", number, was ? "; " : "",
	         was ? was : "");
	job->audit->detail = job->detail;
}

static sw_err write_issue(sqlite_store *s, const void *arg)
{
	numbered *job = (numbered *)arg;
	invoice *inv = job->inv;
	sw_err rc = check_status(s, inv->id, "draft");
	if (!rc)
		rc = next_seq(s, "invoice", &inv->seq);
	if (!rc)
		rc = update_invoice(s, inv);
	if (!rc)
		name_number(job);
	return rc;
}

sw_err sqlite_invoice_issue(store *base, invoice *inv, int expected, audit_record *audit)
{
	numbered job = {inv, audit, ""};
	const char *detail = audit->detail;
	sw_err rc =
	    sq_write_audited(SQ(base), write_issue, &job,
	                     "SELECT version FROM invoices WHERE id = ?", inv->id, expected, audit);
	audit->detail = detail; /* not left pointing at job */
	return rc;
}

static sw_err write_relines(sqlite_store *s, const void *arg)
{
	const invoice *inv = arg;
	sw_err rc = check_status(s, inv->id, "draft");
	sqlite3_stmt *st = rc ? NULL
	                      : sq_prep(s, "UPDATE invoice_lines SET live = 0, removed = 1 WHERE "
	                                   "invoice_id = ? AND removed = 0");
	if (!rc && !st)
		rc = SW_EDB;
	if (!rc) {
		sq_text(st, 1, inv->id);
		rc = sq_step_write(s, st, "invoice lines removed");
	}
	if (!rc)
		rc = insert_lines(s, inv, 1);
	st = rc ? NULL
	        : sq_prep(s, "UPDATE invoices SET total = ?2, version = ?3, updated_at = ?4, "
	                     "updated_by = ?5 WHERE id = ?1");
	if (!rc && !st)
		rc = SW_EDB;
	if (!rc) {
		sq_text(st, 1, inv->id);
		sqlite3_bind_int64(st, 2, inv->total);
		sqlite3_bind_int(st, 3, inv->version);
		sq_text(st, 4, inv->updated_at);
		sq_text(st, 5, inv->updated_by);
		rc = sq_step_write(s, st, "invoice total");
	}
	return rc;
}

sw_err sqlite_invoice_relines(store *base, const invoice *inv, int expected, audit_record *audit)
{
	return sq_write_audited(SQ(base), write_relines, inv,
	                        "SELECT version FROM invoices WHERE id = ?", inv->id, expected,
	                        audit);
}

static sw_err write_void(sqlite_store *s, const void *arg)
{
	const invoice *inv = arg;
	sw_err rc = check_status(s, inv->id, "draft");
	if (!rc)
		rc = update_invoice(s, inv);
	sqlite3_stmt *st =
	    rc ? NULL : sq_prep(s, "UPDATE invoice_lines SET live = 0 WHERE invoice_id = ?");
	if (!rc && !st)
		rc = SW_EDB;
	if (!rc) {
		sq_text(st, 1, inv->id);
		rc = sq_step_write(s, st, "invoice lines void");
	}
	return rc;
}

sw_err sqlite_invoice_void(store *base, const invoice *inv, int expected, audit_record *audit)
{
	return sq_write_audited(SQ(base), write_void, inv,
	                        "SELECT version FROM invoices WHERE id = ?", inv->id, expected,
	                        audit);
}

static sw_err write_credit(sqlite_store *s, const void *arg)
{
	numbered *job = (numbered *)arg;
	invoice *cn = job->inv;
	sw_err rc = check_status(s, cn->invoice_id, "issued");
	if (!rc)
		rc = next_seq(s, "credit_note", &cn->seq);
	if (!rc)
		rc = insert_invoice(s, cn, 0);
	sqlite3_stmt *st = rc ? NULL
	                      : sq_prep(s, "UPDATE invoice_lines SET credited_by = ?1, live = 0 "
	                                   "WHERE id = ?2 AND invoice_id = ?3 AND credited_by IS "
	                                   "NULL AND removed = 0");
	if (!rc && !st)
		rc = SW_EDB;
	for (int i = 0; !rc && i < cn->n_lines; i++) {
		sq_text(st, 1, cn->id);
		sq_text(st, 2, cn->lines[i].credits_line);
		sq_text(st, 3, cn->invoice_id);
		rc = sq_step_write(s, st, "line credited");
		if (!rc && sqlite3_changes(s->db) != 1)
			rc = SW_ECONFLICT;
	}
	st = rc ? NULL
	        : sq_prep(s, "UPDATE invoices SET version = version + 1, updated_at = ?2, "
	                     "updated_by = ?3 WHERE id = ?1");
	if (!rc && !st)
		rc = SW_EDB;
	if (!rc) {
		sq_text(st, 1, cn->invoice_id);
		sq_text(st, 2, cn->updated_at);
		sq_text(st, 3, cn->updated_by);
		rc = sq_step_write(s, st, "invoice credited");
	}
	if (!rc)
		name_number(job);
	return rc;
}

sw_err sqlite_credit_note_create(store *base, invoice *cn, int expected, audit_record *audit)
{
	numbered job = {cn, audit, ""};
	const char *detail = audit->detail;
	sw_err rc = sq_write_audited(SQ(base), write_credit, &job,
	                             "SELECT version FROM invoices WHERE id = ?", cn->invoice_id,
	                             expected, audit);
	audit->detail = detail; /* not left pointing at job */
	return rc;
}

sw_err sqlite_bill_held(store *base, arena *a, const char *patient_id, bill_source **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st =
	    sq_prep(s, "SELECT l.source_kind, l.source_id, l.invoice_id FROM invoice_lines l JOIN "
	               "invoices i ON i.id = l.invoice_id WHERE i.patient_id = ? AND l.live = 1");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, patient_id);
	int cap = 0, count = 0, step;
	bill_source *out = NULL;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		out = grow(a, out, count, &cap, sizeof *out);
		out[count].source_kind = sq_col(a, st, 0);
		out[count].source_id = sq_col(a, st, 1);
		out[count].invoice_id = sq_col(a, st, 2);
		count++;
	}
	sqlite3_reset(st);
	*items = out;
	*n = count;
	return step == SQLITE_DONE ? SW_OK : sq_fail(s, "invoiced sources");
}

/* ---- payments ---- */

/* The live payments net of refunds on invoice_id (when not NULL) or on the patient's whole
 * account, into *net (inside the caller's transaction). */
static sw_err net_paid(sqlite_store *s, const char *patient_id, const char *invoice_id,
                       int64_t *net)
{
	sqlite3_stmt *st = sq_prep(s, "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE "
	                              "patient_id = ?1 AND status = 'recorded' AND (?2 IS NULL OR "
	                              "invoice_id = ?2)");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, patient_id);
	sq_text(st, 2, invoice_id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*net = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return step == SQLITE_ROW ? SW_OK : sq_fail(s, "net paid");
}

typedef struct pay_job {
	const payment *p;
	int insert;
	int64_t *refundable;
} pay_job;

/* A refund or a void of a payment must leave the net paid, on the invoice and on the account,
 * at or above 0: delta is what the write changes it by. */
static sw_err check_net(sqlite_store *s, const payment *p, int64_t delta, int64_t *refundable)
{
	sw_err rc = SW_OK;
	const char *scopes[2] = {p->invoice_id, NULL};
	for (int i = p->invoice_id ? 0 : 1; !rc && i < 2; i++) {
		int64_t net = 0;
		rc = net_paid(s, p->patient_id, scopes[i], &net);
		if (!rc && net + delta < 0) {
			*refundable = net;
			rc = SW_ECONFLICT;
		}
	}
	return rc;
}

static sw_err write_payment(sqlite_store *s, const void *arg)
{
	const pay_job *job = arg;
	const payment *p = job->p;
	sw_err rc = SW_OK;
	if (job->insert && p->amount < 0)
		rc = check_net(s, p, p->amount, job->refundable);
	else if (!job->insert && p->amount > 0)
		rc = check_net(s, p, -p->amount, job->refundable);
	if (rc)
		return rc;
	if (!job->insert) {
		sqlite3_stmt *st =
		    sq_prep(s, "UPDATE payments SET status = 'voided', void_reason = ?2, "
		               "version = ?3, updated_at = ?4, updated_by = ?5 WHERE id "
		               "= ?1 AND status = 'recorded'");
		if (!st)
			return SW_EDB;
		sq_text(st, 1, p->id);
		sq_text(st, 2, p->void_reason);
		sqlite3_bind_int(st, 3, p->version);
		sq_text(st, 4, p->updated_at);
		sq_text(st, 5, p->updated_by);
		rc = sq_step_write(s, st, "payment void");
		return !rc && sqlite3_changes(s->db) != 1 ? SW_ECONFLICT : rc; /* voided already */
	}
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO payments (" PAY_COLS ") VALUES (?1, ?2, ?3, ?4, "
	                              "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, p->id);
	sq_text(st, 2, p->patient_id);
	sq_text(st, 3, p->invoice_id);
	sqlite3_bind_int64(st, 4, p->amount);
	sq_text(st, 5, p->currency);
	sq_text(st, 6, p->method);
	sq_text(st, 7, p->reference);
	sq_text(st, 8, p->reason);
	sq_text(st, 9, p->status);
	sq_text(st, 10, p->void_reason);
	sq_text(st, 11, p->received_at);
	sqlite3_bind_int(st, 12, p->version);
	sq_text(st, 13, p->created_at);
	sq_text(st, 14, p->updated_at);
	sq_text(st, 15, p->updated_by);
	return sq_step_write(s, st, "payment insert");
}

sw_err sqlite_payment_add(store *base, const payment *p, audit_record *audit, int64_t *refundable)
{
	pay_job job = {p, 1, refundable};
	return sq_write_audited(SQ(base), write_payment, &job, NULL, NULL, 0, audit);
}

sw_err sqlite_payment_void(store *base, const payment *p, int expected, audit_record *audit,
                           int64_t *refundable)
{
	pay_job job = {p, 0, refundable};
	return sq_write_audited(SQ(base), write_payment, &job,
	                        "SELECT version FROM payments WHERE id = ?", p->id, expected,
	                        audit);
}

static void read_payment(arena *a, sqlite3_stmt *st, payment *p)
{
	memset(p, 0, sizeof *p);
	p->id = sq_col(a, st, 0);
	p->patient_id = sq_col(a, st, 1);
	p->invoice_id = sq_col(a, st, 2);
	p->amount = sqlite3_column_int64(st, 3);
	p->currency = sq_col(a, st, 4);
	p->method = sq_col(a, st, 5);
	p->reference = sq_col(a, st, 6);
	p->reason = sq_col(a, st, 7);
	p->status = sq_col(a, st, 8);
	p->void_reason = sq_col(a, st, 9);
	p->received_at = sq_col(a, st, 10);
	p->version = sqlite3_column_int(st, 11);
	p->created_at = sq_col(a, st, 12);
	p->updated_at = sq_col(a, st, 13);
	p->updated_by = sq_col(a, st, 14);
}

sw_err sqlite_payment_get(store *base, arena *a, const char *id, payment *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " PAY_COLS " FROM payments WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		read_payment(a, st, out);
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return SW_ENOTFOUND;
	return step == SQLITE_ROW ? SW_OK : sq_fail(s, "payment get");
}

sw_err sqlite_payment_list(store *base, arena *a, const char *patient_id, payment **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " PAY_COLS " FROM payments WHERE patient_id = ? "
	                              "ORDER BY received_at, id LIMIT 5000");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, patient_id);
	int cap = 0, count = 0, step;
	payment *out = NULL;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		out = grow(a, out, count, &cap, sizeof *out);
		read_payment(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	*items = out;
	*n = count;
	return step == SQLITE_DONE ? SW_OK : sq_fail(s, "payment list");
}

sw_err sqlite_bill_balance(store *base, const char *patient_id, const char *currency,
                           bill_balance *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(
	    s,
	    "SELECT (SELECT COALESCE(SUM(total), 0) FROM invoices WHERE patient_id = ?1 AND "
	    "currency = ?2 AND kind = 'invoice' AND status = 'issued'), (SELECT "
	    "COALESCE(SUM(total), 0) FROM invoices WHERE patient_id = ?1 AND currency = ?2 AND "
	    "kind = 'credit_note' AND status = 'issued'), (SELECT COALESCE(SUM(amount), 0) FROM "
	    "payments WHERE patient_id = ?1 AND currency = ?2 AND status = 'recorded' AND amount "
	    "> 0), (SELECT COALESCE(-SUM(amount), 0) FROM payments WHERE patient_id = ?1 AND "
	    "currency = ?2 AND status = 'recorded' AND amount < 0)");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, patient_id);
	sq_text(st, 2, currency);
	int step = sqlite3_step(st);
	memset(out, 0, sizeof *out);
	if (step == SQLITE_ROW) {
		out->invoiced = sqlite3_column_int64(st, 0);
		out->credited = sqlite3_column_int64(st, 1);
		out->received = sqlite3_column_int64(st, 2);
		out->refunded = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW)
		return sq_fail(s, "balance");
	return bill_balance_close(out) ? SW_EDB : SW_OK;
}

sw_err sqlite_takings(store *base, arena *a, const char *from, const char *to, taking **items,
                      int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(
	    s, "SELECT p.id, p.patient_id, p.invoice_id, p.amount, p.currency, p.method, "
	       "p.reference, p.reason, p.status, p.void_reason, p.received_at, p.version, "
	       "p.created_at, p.updated_at, p.updated_by, pt.mrn, pt.family_name, pt.given_name "
	       "FROM payments p JOIN patients pt ON pt.id = p.patient_id WHERE p.received_at >= ?1 "
	       "AND p.received_at < ?2 ORDER BY p.received_at, p.id LIMIT 5000");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, from);
	sq_text(st, 2, to);
	int cap = 0, count = 0, step;
	taking *out = NULL;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		out = grow(a, out, count, &cap, sizeof *out);
		read_payment(a, st, &out[count].p);
		out[count].mrn = sq_col(a, st, 15);
		out[count].family_name = sq_col(a, st, 16);
		out[count].given_name = sq_col(a, st, 17);
		count++;
	}
	sqlite3_reset(st);
	*items = out;
	*n = count;
	return step == SQLITE_DONE ? SW_OK : sq_fail(s, "takings");
}
