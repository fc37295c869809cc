/* The price list: GET /prices (in force on a date, or the whole history) and PUT /prices (adds
 * prices; history is never overwritten). Each price names an item of the real catalogues: an
 * appointment type, a procedure kind (with the plan's biologic where it matters) or a test (an
 * observation kind). Clinic configuration, not patient data: writes are audited without a
 * patient, reads are not. Also the one lookup an invoice or an estimate uses: the price in force
 * on a date for an item (api_price_in_force). */
#include <string.h>
#include <time.h>

#include "../core/appt_type.h"
#include "../core/observation.h"
#include "../core/procedure.h"
#include "../core/treatment.h"
#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

const char *api_currency(http_req *r)
{
	return r->srv->cfg.currency ? r->srv->cfg.currency : "USD";
}

/* 1 when kind is a procedure kind (the procedure record's own list of kinds). */
static int procedure_kind(const char *kind)
{
	for (const rec_field *f = rk_procedure.fields; f->name; f++)
		if (strcmp(f->name, "kind") == 0 && f->choices) {
			for (int i = 0; f->choices[i]; i++)
				if (strcmp(f->choices[i], kind) == 0)
					return 1;
			return 0;
		}
	return 0;
}

/* Checks item p's code and biologic against the catalogues, errors at prefix. */
static void check_item(http_req *r, const char *prefix, const price *p)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	const appt_types *types = tx ? tx->appointments : NULL;
	if (!p->kind || !p->code)
		return;
	const char *code = v_path(&r->v, prefix, "code");
	const char *bio = v_path(&r->v, prefix, "biologic");
	int per_biologic = 0;
	if (strcmp(p->kind, "appointment") == 0) {
		const appt_type *t = types ? appt_type_find(types, p->code) : NULL;
		if (!t)
			v_add(&r->v, code,
			      "is not an appointment type (GET /api/v1/appointment-types)");
		per_biologic = t && appt_type_varies(t);
	} else if (strcmp(p->kind, "procedure") == 0) {
		if (!procedure_kind(p->code))
			v_add(
			    &r->v, code,
			    "is not a procedure kind (blood_draw, harvest, processing, injection)");
		per_biologic = 1;
	} else if (!obs_kind_find(p->code)) {
		v_add(&r->v, code, "is not a test (GET /api/v1/observation-kinds)");
	}
	if (!p->biologic)
		return;
	if (!per_biologic)
		v_add(&r->v, bio, "is not priced per biologic for a %s %s", p->kind, p->code);
	else if (!biologic_find(tx, p->biologic))
		v_add(&r->v, bio, "is not one of the biologics offered (GET /api/v1/biologics)");
}

int api_price_in_force(http_req *r, const char *kind, const char *code, const char *bio,
                       const char *on, price *out)
{
	price *items;
	int n;
	sw_err rc =
	    r->st->ops->price_candidates(r->st, r->a, api_currency(r), kind, code, on, &items, &n);
	if (rc) {
		http_fail(r, rc, "price");
		return -1;
	}
	const price *p = price_pick(items, n, kind, code, bio, on);
	if (!p)
		return 0;
	*out = *p;
	return 1;
}

int api_price_list(http_req *r)
{
	const char *on = http_query(r, "on"), *history = http_query(r, "history");
	civil_date d;
	char today[11];
	if (on && (date_parse(on, &d) || d.year < 1900))
		v_add(&r->v, "on", "must be a date YYYY-MM-DD");
	if (history && strcmp(history, "1") != 0 && strcmp(history, "0") != 0)
		v_add(&r->v, "history", "must be 1 (every price) or 0");
	int all = history && strcmp(history, "1") == 0;
	if (all && on)
		v_add(&r->v, "on", "is not taken with history=1 (the whole history is answered)");
	if (r->v.n)
		return http_invalid(r);
	if (!on && !all) {
		date_format(tz_local_date(r->srv->cfg.zone, time(NULL)), today);
		on = today;
	}
	price *items;
	int n;
	sw_err rc = r->st->ops->price_list(r->st, r->a, all ? NULL : api_currency(r),
	                                   all ? NULL : on, &items, &n);
	if (rc)
		return http_fail(r, rc, "price");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, price_to_json(&items[i]));
	return http_json(r, 200,
	                 json_pack("{s:s, s:o, s:o}", "currency", api_currency(r), "on",
	                           all ? json_null() : json_string(on), "items", arr));
}

int api_price_put(http_req *r)
{
	static const char *const fields[] = {"items", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	json_t *arr = json_object_get(r->body, "items");
	size_t n = json_array_size(arr);
	if (!json_is_array(arr) || n == 0 || n > PRICE_MAX_ITEMS)
		v_add(&r->v, "items", "must be a list of 1 to %d prices", PRICE_MAX_ITEMS);
	if (r->v.n)
		return http_invalid(r);
	price *items = arena_zalloc(r->a, sizeof(price) * n);
	const char *now = http_now(r);
	for (size_t i = 0; i < n; i++) {
		const char *prefix = arena_printf(r->a, "items[%zu]", i);
		price_from_json(&r->v, json_array_get(arr, i), prefix, api_currency(r), &items[i]);
		check_item(r, prefix, &items[i]);
		char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
		uuid_v7(id);
		items[i].id = id;
		items[i].created_at = now;
		items[i].created_by = r->who.id;
		for (size_t k = 0;
		     k < i && items[i].kind && items[i].code && items[i].effective_from; k++)
			if (items[k].kind && items[k].code && items[k].effective_from &&
			    strcmp(items[k].kind, items[i].kind) == 0 &&
			    strcmp(items[k].code, items[i].code) == 0 &&
			    strcmp(items[k].biologic ? items[k].biologic : "",
			           items[i].biologic ? items[i].biologic : "") == 0 &&
			    strcmp(items[k].effective_from, items[i].effective_from) == 0)
				v_add(&r->v, prefix, "repeats items[%zu] (same item and date)", k);
	}
	if (r->v.n)
		return http_invalid(r);
	audit_record a = http_audit(r, "price.add", "price", items[0].id, NULL);
	a.detail = arena_printf(r->a, "%zu price(s) in %s", n, api_currency(r));
	int dup = -1;
	sw_err rc = r->st->ops->price_add(r->st, items, (int)n, &a, &dup);
	if (rc == SW_ECONFLICT && dup >= 0) {
		http_problem(
		    r, 409, "Price already set",
		    arena_printf(
		        r->a,
		        "items[%d]: %s %s%s%s already has a price taking effect on "
		        "%s. Prices are history and never overwritten: give the "
		        "new price another effective_from.",
		        dup, items[dup].kind, items[dup].code, items[dup].biologic ? " " : "",
		        items[dup].biologic ? items[dup].biologic : "", items[dup].effective_from));
		json_object_set_new(r->out, "path",
		                    json_string(arena_printf(r->a, "items[%d]", dup)));
		return 409;
	}
	if (rc)
		return http_fail(r, rc, "price");
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, price_to_json(&items[i]));
	return http_json(r, 200,
	                 json_pack("{s:s, s:o}", "currency", api_currency(r), "items", out));
}
