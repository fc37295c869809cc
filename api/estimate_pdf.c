/* The estimate the patient takes home, as a PDF (util/pdf.h): the clinic, the patient, the plan,
 * the schedule with each step's amount, the totals with and without the optional steps, what is
 * not included, the clinic's expected results and adverse events for patients like this, and
 * the validity date. Read from the estimate as kept, so it prints the same every time. */
#include <string.h>

#include "../core/money.h"
#include "../util/pdf.h"
#include "api.h"

/* The schedule's columns: due date, step, amount (flush right). */
static const double w[] = {0.17, 0.63, 0.2};
static const int right[] = {0, 0, 1};

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static const char *amount(arena *a, json_t *o, const char *key, const money_currency *c)
{
	char buf[MONEY_TEXT];
	money_format((int64_t)json_integer_value(json_object_get(o, key)), c, buf);
	return arena_strdup(a, buf);
}

/* One table row per line of the estimate whose optional flag is `optional`. */
static int rows(arena *a, pdf_doc *d, json_t *lines, int optional, const money_currency *c)
{
	size_t i;
	json_t *l;
	int n = 0;
	json_array_foreach(lines, i, l)
	{
		if (json_is_true(json_object_get(l, "optional")) != optional)
			continue;
		json_t *items = json_object_get(l, "items");
		const char *what = json_array_size(items) ? str(json_array_get(items, 0), "label")
		                                          : str(l, "kind");
		const char *parts = "";
		size_t k;
		json_t *it;
		if (json_array_size(items) > 1)
			json_array_foreach(items, k, it)
			{
				parts = arena_printf(
				    a, "%s%s%s %s", parts, k ? " + " : "",
				    strcmp(str(it, "kind"), "procedure") ? "visit" : "procedure",
				    amount(a, it, "amount", c));
			}
		const char *cols[] = {str(l, "due_date"),
		                      *parts ? arena_printf(a, "%s\n%s", what, parts) : what,
		                      amount(a, l, "amount", c)};
		pdf_row(d, cols, 3, w, right, 0);
		n++;
	}
	return n;
}

int api_estimate_render(arena *a, json_t *e, unsigned char **out, size_t *len)
{
	const money_currency *c = currency_find(str(e, "currency"));
	if (!c)
		return -1;
	json_t *pt = json_object_get(e, "patient"), *plan = json_object_get(e, "plan");
	pdf_doc *d = pdf_new(strcmp(c->code, "USD") && strcmp(c->code, "CAD"),
	                     arena_printf(a, "Cost estimate for %s %s", str(pt, "given_name"),
	                                  str(pt, "family_name")));
	if (!d)
		return -1;
	pdf_title(d, *str(e, "clinic") ? str(e, "clinic") : "Cost estimate");
	pdf_heading(d, "Cost estimate");
	pdf_text(d,
	         arena_printf(a, "For %s %s (MRN %s), born %s.", str(pt, "given_name"),
	                      str(pt, "family_name"), str(pt, "mrn"), str(pt, "birth_date")),
	         0);
	pdf_text(d,
	         arena_printf(a, "Plan: %s, starting %s.",
	                      *str(plan, "title") ? str(plan, "title") : str(plan, "protocol_id"),
	                      str(plan, "start_date")),
	         0);
	pdf_text(d,
	         arena_printf(a,
	                      "Made on %s with the prices in force that day; valid until %s. "
	                      "Amounts in %s. Estimate %s.",
	                      str(e, "prices_on"), str(e, "valid_until"), c->code, str(e, "id")),
	         0);

	json_t *lines = json_object_get(e, "lines");
	pdf_heading(d, "Schedule and costs");
	const char *head[] = {"Due", "Step", "Amount"};
	pdf_row(d, head, 3, w, right, 1);
	pdf_rule(d);
	rows(a, d, lines, 0, c);
	pdf_rule(d);
	const char *total[] = {"", "Total", amount(a, e, "total", c)};
	pdf_row(d, total, 3, w, right, 1);
	if (json_integer_value(json_object_get(e, "total_optional")) > 0 ||
	    json_integer_value(json_object_get(e, "total_with_optional")) !=
	        json_integer_value(json_object_get(e, "total"))) {
		pdf_heading(d, "Optional steps (only if you and your clinician decide on them)");
		pdf_row(d, head, 3, w, right, 1);
		pdf_rule(d);
		rows(a, d, lines, 1, c);
		pdf_rule(d);
		const char *with[] = {"", "Total with the optional steps",
		                      amount(a, e, "total_with_optional", c)};
		pdf_row(d, with, 3, w, right, 1);
	}

	pdf_heading(d, "Not included");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(e, "not_included"), i, s)
	{
		pdf_text(d, arena_printf(a, "- %s", json_string_value(s)), 0);
	}

	json_t *res = json_object_get(e, "expected_results");
	pdf_heading(d, "What results to expect");
	pdf_text(d, str(res, "statement"), 0);
	pdf_text(d,
	         "How this is worked out: from this clinic's own past patients treated with the "
	         "same biologic, matched on the cause and duration of their neuropathy (widened "
	         "one criterion at a time while there are too few). An observational estimate, not "
	         "a promise.",
	         1);
	pdf_heading(d, "Side effects seen at this clinic");
	pdf_text(d, str(json_object_get(e, "adverse_events"), "statement"), 0);
	if (*str(e, "note")) {
		pdf_heading(d, "Note");
		pdf_text(d, str(e, "note"), 0);
	}
	pdf_space(d, 10);
	pdf_text(d,
	         "This is an estimate, not an invoice: you are billed for the visits and "
	         "procedures that take place, at the prices in force on their day. Regenerative "
	         "injections for neuropathy are supported by a small number of studies; they may "
	         "help some patients and not others.",
	         1);
	return pdf_finish(d, a, out, len);
}
