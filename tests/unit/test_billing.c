/* Unit tests for the billing store (store/store_billing.c) against a real SQLite file: prices
 * never overwritten and the candidates of the price in force, numbers without gaps from drafts
 * issued by 8 threads on their own connections, an item never on two live invoices (free again
 * after a void or a credit note), refunds and voids never past what was paid, the balance, and a
 * failed audit append leaving nothing behind (no number taken). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/uuid.h"

#define NOW "2026-11-25T10:00:00Z"

#include "tests/unit/store_fixture.h"

static const char *new_id(arena *a)
{
	char *id = arena_alloc(a, UUID_STR_LEN + 1);
	uuid_v7(id);
	return id;
}

static audit_record rec(const char *action, const char *pid)
{
	audit_record r;
	memset(&r, 0, sizeof r);
	r.at = NOW;
	r.action = action;
	r.resource_type = "invoice";
	r.resource_id = r.patient_id = pid;
	return r;
}

static int setup(void **state)
{
	fixture *f = fixture_open();
	if (!f)
		return -1;
	patient p = {.id = new_id(&f->a),
	             .mrn = "B1",
	             .family_name = "Bill",
	             .given_name = "Able",
	             .birth_date = "1950-01-01",
	             .sex_at_birth = "female",
	             .version = 1,
	             .created_at = NOW,
	             .updated_at = NOW};
	audit_record a = rec("patient.create", p.id);
	if (f->st->ops->patient_create(f->st, &p, &a))
		return -1;
	f->patient_id = p.id;
	*state = f;
	return 0;
}

/* A draft of one line billing source (an appointment id) for amount. */
static invoice draft(arena *a, const char *patient_id, const char *source, int64_t amount)
{
	invoice inv = {.id = new_id(a),
	               .patient_id = patient_id,
	               .kind = "invoice",
	               .status = "draft",
	               .currency = "USD",
	               .total = amount,
	               .version = 1,
	               .created_at = NOW,
	               .updated_at = NOW};
	inv.lines = arena_zalloc(a, sizeof(invoice_line));
	inv.n_lines = 1;
	inv.lines[0] = (invoice_line){.id = new_id(a),
	                              .seq = 1,
	                              .source_kind = "appointment",
	                              .source_id = source,
	                              .item_kind = "appointment",
	                              .item_code = "consultation",
	                              .service_date = "2027-01-04",
	                              .amount = amount};
	return inv;
}

static sw_err issue(store *st, invoice *inv)
{
	audit_record a = rec("invoice.issue", inv->patient_id);
	inv->status = "issued";
	inv->issued_at = NOW;
	inv->version = 2;
	return st->ops->invoice_issue(st, inv, 1, &a);
}

static void prices_are_history(void **state)
{
	fixture *f = *state;
	price p[3] = {
	    {.id = new_id(&f->a),
	     .kind = "procedure",
	     .code = "injection",
	     .amount = 90000,
	     .currency = "USD",
	     .effective_from = "2026-01-01",
	     .created_at = NOW},
	    {.id = new_id(&f->a),
	     .kind = "procedure",
	     .code = "injection",
	     .biologic = "bmac",
	     .amount = 350000,
	     .currency = "USD",
	     .effective_from = "2026-01-01",
	     .created_at = NOW},
	    {.id = new_id(&f->a),
	     .kind = "procedure",
	     .code = "injection",
	     .amount = 95000,
	     .currency = "USD",
	     .effective_from = "2027-01-01",
	     .created_at = NOW},
	};
	audit_record a = rec("price.add", NULL);
	int dup = -1;
	assert_int_equal(f->st->ops->price_add(f->st, p, 3, &a, &dup), SW_OK);
	/* The same item and date again, after a new one: nothing of the batch is written. */
	price again[2] = {p[0], p[0]};
	again[0].id = new_id(&f->a);
	again[0].effective_from = "2028-01-01";
	again[1].id = new_id(&f->a);
	assert_int_equal(f->st->ops->price_add(f->st, again, 2, &a, &dup), SW_ECONFLICT);
	assert_int_equal(dup, 1);
	price *items;
	int n;
	assert_int_equal(f->st->ops->price_list(f->st, &f->a, NULL, NULL, &items, &n), SW_OK);
	assert_int_equal(n, 3);
	assert_int_equal(f->st->ops->price_list(f->st, &f->a, "USD", "2026-06-01", &items, &n),
	                 SW_OK);
	assert_int_equal(n, 2); /* any biologic, and bmac */
	assert_int_equal(f->st->ops->price_candidates(f->st, &f->a, "USD", "procedure", "injection",
	                                              "2027-06-01", &items, &n),
	                 SW_OK);
	assert_int_equal(n, 3);
	assert_true(price_pick(items, n, "procedure", "injection", "prp", "2027-06-01")->amount ==
	            95000);
	assert_true(price_pick(items, n, "procedure", "injection", "bmac", "2027-06-01")->amount ==
	            350000);
	assert_int_equal(f->st->ops->price_candidates(f->st, &f->a, "EUR", "procedure", "injection",
	                                              "2027-06-01", &items, &n),
	                 SW_OK);
	assert_int_equal(n, 0);
}

static void never_invoiced_twice(void **state)
{
	fixture *f = *state;
	const char *src = new_id(&f->a);
	invoice one = draft(&f->a, f->patient_id, src, 15000);
	invoice two = draft(&f->a, f->patient_id, src, 15000);
	audit_record a = rec("invoice.create", f->patient_id);
	assert_int_equal(f->st->ops->invoice_create(f->st, &one, &a), SW_OK);
	assert_int_equal(f->st->ops->invoice_create(f->st, &two, &a), SW_ECONFLICT);
	/* Voided, its item is free. */
	one.status = "void";
	one.reason = "wrong patient";
	one.version = 2;
	assert_int_equal(f->st->ops->invoice_void(f->st, &one, 1, &a), SW_OK);
	assert_int_equal(f->st->ops->invoice_void(f->st, &one, 2, &a), SW_ECONFLICT);
	assert_int_equal(f->st->ops->invoice_create(f->st, &two, &a), SW_OK);
	/* Issued, then credited: free again; a line credits once. */
	assert_int_equal(issue(f->st, &two), SW_OK);
	assert_int_equal(two.seq, 1);
	invoice cn = draft(&f->a, f->patient_id, src, 15000);
	cn.kind = "credit_note";
	cn.invoice_id = two.id;
	cn.status = "issued";
	cn.reason = "cancelled";
	cn.lines[0].credits_line = two.lines[0].id;
	assert_int_equal(f->st->ops->credit_note_create(f->st, &cn, 2, &a), SW_OK);
	assert_int_equal(cn.seq, 1);
	invoice cn2 = cn;
	cn2.id = new_id(&f->a);
	cn2.lines = arena_zalloc(&f->a, sizeof(invoice_line));
	cn2.lines[0] = cn.lines[0];
	cn2.lines[0].id = new_id(&f->a);
	assert_int_equal(f->st->ops->credit_note_create(f->st, &cn2, 3, &a), SW_ECONFLICT);
	invoice three = draft(&f->a, f->patient_id, src, 17500);
	assert_int_equal(f->st->ops->invoice_create(f->st, &three, &a), SW_OK);
	invoice got;
	assert_int_equal(f->st->ops->invoice_get(f->st, &f->a, two.id, &got), SW_OK);
	assert_true(got.credited == 15000);
	assert_string_equal(got.lines[0].credited_by, cn.id);
	int64_t due;
	assert_string_equal(invoice_state(&got, &due), "credited");
}

typedef struct issuer {
	const char *path;
	invoice *drafts;
	int from, n;
	int failures;
} issuer;

static void *issue_some(void *arg)
{
	issuer *w = arg;
	store *st;
	char err[256];
	if (store_sqlite_open(w->path, &st, err, sizeof err)) {
		w->failures = w->n;
		return NULL;
	}
	for (int i = w->from; i < w->from + w->n; i++)
		if (issue(st, &w->drafts[i]) != SW_OK)
			w->failures++;
	st->ops->close(st);
	return NULL;
}

static void numbers_have_no_gap(void **state)
{
	fixture *f = *state;
	enum { THREADS = 8, EACH = 10, N = THREADS * EACH };
	invoice *drafts = arena_zalloc(&f->a, sizeof(invoice) * N);
	audit_record a = rec("invoice.create", f->patient_id);
	for (int i = 0; i < N; i++) {
		drafts[i] = draft(&f->a, f->patient_id, new_id(&f->a), 1000 + i);
		assert_int_equal(f->st->ops->invoice_create(f->st, &drafts[i], &a), SW_OK);
	}
	/* A failed audit append takes no number. */
	invoice extra = draft(&f->a, f->patient_id, new_id(&f->a), 5);
	assert_int_equal(f->st->ops->invoice_create(f->st, &extra, &a), SW_OK);
	raw_exec(f->path, "CREATE TRIGGER fail_audit BEFORE INSERT ON audit BEGIN SELECT "
	                  "RAISE(ABORT, 'injected failure'); END;");
	assert_int_equal(issue(f->st, &extra), SW_EDB);
	raw_exec(f->path, "DROP TRIGGER fail_audit");
	invoice back;
	assert_int_equal(f->st->ops->invoice_get(f->st, &f->a, extra.id, &back), SW_OK);
	assert_string_equal(back.status, "draft");
	assert_true(back.seq == 0);

	pthread_t t[THREADS];
	issuer w[THREADS];
	for (int k = 0; k < THREADS; k++) {
		w[k] = (issuer){f->path, drafts, k * EACH, EACH, 0};
		assert_int_equal(pthread_create(&t[k], NULL, issue_some, &w[k]), 0);
	}
	for (int k = 0; k < THREADS; k++) {
		pthread_join(t[k], NULL);
		assert_int_equal(w[k].failures, 0);
	}
	int seen[N + 1] = {0};
	for (int i = 0; i < N; i++) {
		invoice g;
		assert_int_equal(f->st->ops->invoice_get(f->st, &f->a, drafts[i].id, &g), SW_OK);
		assert_true(g.seq >= 1 && g.seq <= N);
		seen[g.seq]++;
	}
	for (int s = 1; s <= N; s++)
		assert_int_equal(seen[s], 1);
	/* The failed one, issued now, is next. */
	assert_int_equal(issue(f->st, &extra), SW_OK);
	assert_true(extra.seq == N + 1);
}

static void refunds_never_past_paid(void **state)
{
	fixture *f = *state;
	invoice inv = draft(&f->a, f->patient_id, new_id(&f->a), 20000);
	audit_record a = rec("payment.create", f->patient_id);
	assert_int_equal(f->st->ops->invoice_create(f->st, &inv, &a), SW_OK);
	assert_int_equal(issue(f->st, &inv), SW_OK);
	payment p = {.id = new_id(&f->a),
	             .patient_id = f->patient_id,
	             .invoice_id = inv.id,
	             .amount = 8000,
	             .currency = "USD",
	             .method = "card",
	             .status = "recorded",
	             .received_at = NOW,
	             .version = 1,
	             .created_at = NOW,
	             .updated_at = NOW};
	int64_t refundable = -1;
	assert_int_equal(f->st->ops->payment_add(f->st, &p, &a, &refundable), SW_OK);
	payment cash = p;
	cash.id = new_id(&f->a);
	cash.invoice_id = NULL;
	cash.amount = 1000;
	cash.method = "cash";
	assert_int_equal(f->st->ops->payment_add(f->st, &cash, &a, &refundable), SW_OK);
	payment back = p;
	back.id = new_id(&f->a);
	back.amount = -8001;
	back.reason = "overcharged";
	assert_int_equal(f->st->ops->payment_add(f->st, &back, &a, &refundable), SW_ECONFLICT);
	assert_true(refundable == 8000);
	back.amount = -3000;
	assert_int_equal(f->st->ops->payment_add(f->st, &back, &a, &refundable), SW_OK);
	/* Voiding the card payment would leave the refund above what was paid on the invoice. */
	payment v = p;
	v.status = "voided";
	v.void_reason = "keyed twice";
	v.version = 2;
	assert_int_equal(f->st->ops->payment_void(f->st, &v, 1, &a, &refundable), SW_ECONFLICT);
	assert_true(refundable == 5000);
	payment vr = back;
	vr.status = "voided";
	vr.void_reason = "refund keyed in error";
	vr.version = 2;
	assert_int_equal(f->st->ops->payment_void(f->st, &vr, 1, &a, &refundable), SW_OK);
	assert_int_equal(f->st->ops->payment_void(f->st, &vr, 2, &a, &refundable), SW_ECONFLICT);
	assert_int_equal(f->st->ops->payment_void(f->st, &v, 1, &a, &refundable), SW_OK);
	bill_balance b;
	assert_int_equal(f->st->ops->bill_balance(f->st, f->patient_id, "USD", &b), SW_OK);
	assert_true(b.invoiced == 20000 && b.received == 1000 && b.refunded == 0);
	assert_true(b.balance == 19000);
	payment *items;
	int n;
	assert_int_equal(f->st->ops->payment_list(f->st, &f->a, f->patient_id, &items, &n), SW_OK);
	assert_int_equal(n, 3); /* nothing deleted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(prices_are_history, setup, teardown),
	    cmocka_unit_test_setup_teardown(never_invoiced_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(numbers_have_no_gap, setup, teardown),
	    cmocka_unit_test_setup_teardown(refunds_never_past_paid, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
