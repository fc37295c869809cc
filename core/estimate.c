/* Cost estimates: see estimate.h. */
#include "estimate.h"

#include "money.h"

const char *const estimate_not_included[] = {
    "Visits and tests that are not steps of this plan, and steps already done.",
    "Medicines, imaging and laboratory tests ordered from other providers.",
    "Care for side effects or complications, should any occur.",
    "Changes to the price list after this estimate's validity date.",
    NULL,
};

int estimate_total(estimate_line *lines, int n, int64_t *required, int64_t *with_optional)
{
	int64_t req = 0, all = 0;
	for (int i = 0; i < n; i++) {
		estimate_line *l = &lines[i];
		l->amount = 0;
		for (int k = 0; k < l->n_items; k++)
			if (money_add(l->amount, l->items[k].amount, &l->amount))
				return -1;
		if (money_add(all, l->amount, &all) ||
		    (!l->optional && money_add(req, l->amount, &req)))
			return -1;
	}
	*required = req;
	*with_optional = all;
	return 0;
}

civil_date estimate_valid_until(civil_date made, int days)
{
	return date_add_days(made, days > 0 ? days - 1 : 0);
}

json_t *estimate_line_json(const estimate_line *l)
{
	json_t *items = json_array();
	for (int k = 0; k < l->n_items; k++) {
		const estimate_item *it = &l->items[k];
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:I}", "kind", it->kind, "code",
		                     it->code, "biologic", it->biologic, "label", it->label,
		                     "price_id", it->price_id, "amount", (json_int_t)it->amount));
	}
	return json_pack("{s:s, s:s, s:s?, s:b, s:o, s:I}", "step_id", l->step_id, "kind",
	                 l->step_kind, "due_date", l->due_date, "optional", l->optional, "items",
	                 items, "amount", (json_int_t)l->amount);
}
