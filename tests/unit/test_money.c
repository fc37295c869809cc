/* Unit tests for money (core/money.c): the currency table, overflow-checked sums, half-to-even
 * shares, reading amounts from JSON (integers only) and text, display, and the invoice and
 * credit note numbers; and the billing rules (core/billing.c): the price in force, an invoice's
 * state, a balance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/billing.h"
#include "core/money.h"

#include "tests/unit/arena_fixture.h"

static void currencies(void **state)
{
	(void)state;
	assert_int_equal(currency_find("USD")->exponent, 2);
	assert_int_equal(currency_find("EUR")->exponent, 2);
	assert_int_equal(currency_find("JPY")->exponent, 0);
	assert_int_equal(currency_find("KWD")->exponent, 3);
	assert_null(currency_find("usd"));
	assert_null(currency_find("XXX"));
	assert_null(currency_find(""));
	assert_null(currency_find(NULL));
	assert_non_null(strstr(currency_codes(), "CHF"));
}

static void sums(void **state)
{
	(void)state;
	int64_t s = 0;
	assert_int_equal(money_add(150, 275, &s), 0);
	assert_int_equal(s, 425);
	assert_int_equal(money_add(-500, 200, &s), 0);
	assert_int_equal(s, -300);
	s = 7;
	assert_int_equal(money_add(INT64_MAX, 1, &s), -1);
	assert_int_equal(s, 7); /* untouched on overflow */
	assert_int_equal(money_add(INT64_MIN, -1, &s), -1);
	assert_int_equal(money_add(INT64_MAX - 1, 1, &s), 0);
	assert_true(s == INT64_MAX);
	/* 10^6 of the largest amounts still sum. */
	int64_t t = 0;
	for (int i = 0; i < 1000000; i++)
		assert_int_equal(money_add(t, MONEY_MAX, &t), 0);
	assert_true(t == MONEY_MAX * 1000000);
}

static void shares_round_half_even(void **state)
{
	(void)state;
	int64_t s;
	/* 10% of 1005 = 100.5 -> 100 (even); 10% of 1015 = 101.5 -> 102 (even). */
	assert_int_equal(money_share(1005, 1000, &s), 0);
	assert_int_equal(s, 100);
	assert_int_equal(money_share(1015, 1000, &s), 0);
	assert_int_equal(s, 102);
	/* Not a tie: 12.5% of 333 = 41.625 -> 42; 33.33% of 100 = 33.33 -> 33. */
	assert_int_equal(money_share(333, 1250, &s), 0);
	assert_int_equal(s, 42);
	assert_int_equal(money_share(100, 3333, &s), 0);
	assert_int_equal(s, 33);
	/* Negative amounts round symmetrically: -100.5 -> -100, -101.5 -> -102, -41.625 -> -42. */
	assert_int_equal(money_share(-1005, 1000, &s), 0);
	assert_int_equal(s, -100);
	assert_int_equal(money_share(-1015, 1000, &s), 0);
	assert_int_equal(s, -102);
	assert_int_equal(money_share(-333, 1250, &s), 0);
	assert_int_equal(s, -42);
	/* 100% and 0%. */
	assert_int_equal(money_share(MONEY_MAX, 10000, &s), 0);
	assert_true(s == MONEY_MAX);
	assert_int_equal(money_share(12345, 0, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(money_share(100, -1, &s), -1);
	assert_int_equal(money_share(MONEY_MAX + 1, 100, &s), -1);
}

static int amount_of(const char *json, int64_t *out, const char **msg)
{
	vctx v;
	vctx_init(&v, &ar);
	json_error_t e;
	json_t *o = json_loads(json, 0, &e);
	assert_non_null(o);
	int ok = money_from_json(&v, o, NULL, "amount", -MONEY_MAX, MONEY_MAX, 1, out);
	*msg = v.n ? v.items[0].message : NULL;
	json_decref(o);
	return ok;
}

static void amounts_from_json(void **state)
{
	(void)state;
	int64_t x = 0;
	const char *msg;
	assert_int_equal(amount_of("{\"amount\": 1050}", &x, &msg), 1);
	assert_int_equal(x, 1050);
	assert_int_equal(amount_of("{\"amount\": -25}", &x, &msg), 1);
	assert_int_equal(x, -25);
	assert_int_equal(amount_of("{\"amount\": 1000000000000}", &x, &msg), 1);
	assert_int_equal(amount_of("{\"amount\": 1.5}", &x, &msg), 0);
	assert_non_null(strstr(msg, "fraction"));
	assert_int_equal(amount_of("{\"amount\": 1.0}", &x, &msg), 0);
	assert_int_equal(amount_of("{\"amount\": 1e3}", &x, &msg), 0);
	assert_int_equal(amount_of("{\"amount\": \"10\"}", &x, &msg), 0);
	assert_non_null(strstr(msg, "whole number"));
	assert_int_equal(amount_of("{\"amount\": true}", &x, &msg), 0);
	assert_int_equal(amount_of("{\"amount\": 1000000000001}", &x, &msg), 0);
	assert_non_null(strstr(msg, "1000000000000"));
	assert_int_equal(amount_of("{\"amount\": -1000000000001}", &x, &msg), 0);
	assert_int_equal(amount_of("{}", &x, &msg), 0);
	assert_string_equal(msg, "is required");
	assert_int_equal(amount_of("{\"amount\": null}", &x, &msg), 0);
}

static void text_in_and_out(void **state)
{
	(void)state;
	const money_currency *usd = currency_find("USD"), *jpy = currency_find("JPY"),
	                     *kwd = currency_find("KWD");
	int64_t x;
	assert_int_equal(money_parse("1234.50", usd, &x), 0);
	assert_int_equal(x, 123450);
	assert_int_equal(money_parse("1234.5", usd, &x), 0);
	assert_int_equal(x, 123450);
	assert_int_equal(money_parse("1234", usd, &x), 0);
	assert_int_equal(x, 123400);
	assert_int_equal(money_parse("-0.05", usd, &x), 0);
	assert_int_equal(x, -5);
	assert_int_equal(money_parse("0.001", kwd, &x), 0);
	assert_int_equal(x, 1);
	assert_int_equal(money_parse("1500", jpy, &x), 0);
	assert_int_equal(x, 1500);
	assert_int_equal(money_parse("10000000000", usd, &x), 0);
	assert_true(x == MONEY_MAX);
	/* Never rounded, never guessed. */
	assert_int_equal(money_parse("1.005", usd, &x), -1);
	assert_int_equal(money_parse("1.5", jpy, &x), -1);
	assert_int_equal(money_parse("1,234.50", usd, &x), -1);
	assert_int_equal(money_parse("1.", usd, &x), -1);
	assert_int_equal(money_parse(".5", usd, &x), -1);
	assert_int_equal(money_parse("", usd, &x), -1);
	assert_int_equal(money_parse("-", usd, &x), -1);
	assert_int_equal(money_parse("+1", usd, &x), -1);
	assert_int_equal(money_parse("10000000000.01", usd, &x), -1);
	assert_int_equal(money_parse("99999999999999999999999", usd, &x), -1);

	char out[MONEY_TEXT];
	money_format(123450, usd, out);
	assert_string_equal(out, "1,234.50 USD");
	money_format(5, usd, out);
	assert_string_equal(out, "0.05 USD");
	money_format(-123456789, usd, out);
	assert_string_equal(out, "-1,234,567.89 USD");
	money_format(0, usd, out);
	assert_string_equal(out, "0.00 USD");
	money_format(1500, jpy, out);
	assert_string_equal(out, "1,500 JPY");
	money_format(999, jpy, out);
	assert_string_equal(out, "999 JPY");
	money_format(1234567, kwd, out);
	assert_string_equal(out, "1,234.567 KWD");
	money_format(INT64_MIN, usd, out);
	assert_string_equal(out, "-92,233,720,368,547,758.08 USD");
	/* Round trip. */
	for (int64_t v = -100001; v <= 100001; v += 997) {
		money_format(v, usd, out);
		char plain[MONEY_TEXT];
		size_t k = 0;
		for (const char *c = out; *c && *c != ' '; c++)
			if (*c != ',')
				plain[k++] = *c;
		plain[k] = '\0';
		assert_int_equal(money_parse(plain, usd, &x), 0);
		assert_true(x == v);
	}
}

static void numbers(void **state)
{
	(void)state;
	char out[BILL_NUMBER_TEXT];
	bill_number("INV", 1, out);
	assert_string_equal(out, "INV-000001");
	bill_number("INV", 123, out);
	assert_string_equal(out, "INV-000123");
	bill_number("CN", 1234567, out);
	assert_string_equal(out, "CN-1234567");
	assert_int_equal(bill_number_seq("INV", "INV-000123"), 123);
	assert_int_equal(bill_number_seq("CN", "CN-1234567"), 1234567);
	assert_int_equal(bill_number_seq("INV", "CN-000123"), -1);
	assert_int_equal(bill_number_seq("INV", "INV-123"), -1);
	assert_int_equal(bill_number_seq("INV", "INV-0000123"), -1); /* not how it is written */
	assert_int_equal(bill_number_seq("INV", "INV-000000"), -1);
	assert_int_equal(bill_number_seq("INV", "INV-00012x"), -1);
	assert_int_equal(bill_number_seq("INV", NULL), -1);
	/* The series: each next is one more, none skipped, none repeated. */
	int64_t max = 0;
	for (int i = 1; i <= 1000; i++) {
		int64_t next = bill_next_seq(max);
		assert_true(next == max + 1);
		bill_number("INV", next, out);
		assert_true(bill_number_seq("INV", out) == next);
		max = next;
	}
	assert_int_equal(bill_next_seq(999999999999LL), -1);
	assert_int_equal(bill_next_seq(-1), -1);
}

static void price_in_force(void **state)
{
	(void)state;
	price list[] = {
	    {.id = "a",
	     .kind = "appointment",
	     .code = "consultation",
	     .amount = 15000,
	     .effective_from = "2026-01-01"},
	    {.id = "b",
	     .kind = "appointment",
	     .code = "consultation",
	     .amount = 17500,
	     .effective_from = "2027-01-01"},
	    {.id = "c",
	     .kind = "procedure",
	     .code = "injection",
	     .amount = 90000,
	     .effective_from = "2026-01-01"},
	    {.id = "d",
	     .kind = "procedure",
	     .code = "injection",
	     .biologic = "bmac",
	     .amount = 350000,
	     .effective_from = "2026-06-01"},
	    {.id = "e",
	     .kind = "procedure",
	     .code = "injection",
	     .amount = 95000,
	     .effective_from = "2026-09-01"},
	};
	int n = 5;
	assert_null(price_pick(list, n, "appointment", "consultation", NULL, "2025-12-31"));
	assert_string_equal(
	    price_pick(list, n, "appointment", "consultation", NULL, "2026-01-01")->id, "a");
	assert_string_equal(
	    price_pick(list, n, "appointment", "consultation", NULL, "2026-12-31")->id, "a");
	assert_string_equal(
	    price_pick(list, n, "appointment", "consultation", NULL, "2027-01-01")->id, "b");
	/* A biologic's own price wins over the one for any biologic, even an older one. */
	assert_string_equal(price_pick(list, n, "procedure", "injection", "bmac", "2026-10-01")->id,
	                    "d");
	assert_string_equal(price_pick(list, n, "procedure", "injection", "bmac", "2026-05-31")->id,
	                    "c");
	assert_string_equal(price_pick(list, n, "procedure", "injection", "prp", "2026-10-01")->id,
	                    "e");
	assert_string_equal(price_pick(list, n, "procedure", "injection", NULL, "2026-08-31")->id,
	                    "c");
	assert_null(price_pick(list, n, "procedure", "harvest", NULL, "2027-01-01"));
	assert_null(price_pick(list, n, "test", "consultation", NULL, "2027-01-01"));
	assert_null(price_pick(list, 0, "appointment", "consultation", NULL, "2027-01-01"));
}

static void invoice_states(void **state)
{
	(void)state;
	invoice inv = {.kind = "invoice", .status = "draft", .total = 10000};
	int64_t due;
	assert_string_equal(invoice_state(&inv, &due), "draft");
	assert_int_equal(due, 0);
	inv.status = "issued";
	assert_string_equal(invoice_state(&inv, &due), "issued");
	assert_int_equal(due, 10000);
	inv.paid = 4000;
	assert_string_equal(invoice_state(&inv, &due), "part_paid");
	assert_int_equal(due, 6000);
	inv.paid = 10000;
	assert_string_equal(invoice_state(&inv, &due), "paid");
	assert_int_equal(due, 0);
	inv.paid = 0;
	inv.credited = 10000;
	assert_string_equal(invoice_state(&inv, &due), "credited");
	inv.credited = 3000;
	inv.paid = 7000;
	assert_string_equal(invoice_state(&inv, &due), "paid");
	inv.status = "void";
	assert_string_equal(invoice_state(&inv, &due), "void");
	char num[BILL_NUMBER_TEXT];
	inv.seq = 0;
	invoice_number(&inv, num);
	assert_string_equal(num, "");
	inv.seq = 42;
	invoice_number(&inv, num);
	assert_string_equal(num, "INV-000042");
	inv.kind = "credit_note";
	invoice_number(&inv, num);
	assert_string_equal(num, "CN-000042");
}

static void balances(void **state)
{
	(void)state;
	bill_balance b = {
	    .invoiced = 50000, .credited = 10000, .received = 30000, .refunded = 5000};
	assert_int_equal(bill_balance_close(&b), 0);
	assert_int_equal(b.balance, 15000);
	b = (bill_balance){.received = 2000};
	assert_int_equal(bill_balance_close(&b), 0);
	assert_int_equal(b.balance, -2000);
	b = (bill_balance){.invoiced = INT64_MAX, .refunded = 1};
	assert_int_equal(bill_balance_close(&b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(currencies),
	    cmocka_unit_test(sums),
	    cmocka_unit_test(shares_round_half_even),
	    cmocka_unit_test_setup_teardown(amounts_from_json, setup, teardown),
	    cmocka_unit_test(text_in_and_out),
	    cmocka_unit_test(numbers),
	    cmocka_unit_test(price_in_force),
	    cmocka_unit_test(invoice_states),
	    cmocka_unit_test(balances),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
