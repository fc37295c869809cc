/* Free slots for an appointment type (GET /api/v1/slots) and the appointment types themselves.
 * The handler gathers what the search needs from the store (the active resources with their
 * hours, the closures and bookings that touch the dates) and leaves the arithmetic to
 * core/slots.c. */
#include <stdlib.h>
#include <string.h>

#include "../core/appt_type.h"
#include "../core/treatment.h"
#include "../util/uuid.h"
#include "api.h"

#define SLOTS_DEFAULT 500
#define SLOTS_MAX 5000

static const appt_types *types_of(http_req *r)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	return tx ? tx->appointments : NULL;
}

int api_appointment_types(http_req *r)
{
	const appt_types *t = types_of(r);
	if (!t)
		return http_fail(r, SW_EIO, "appointment types");
	return http_json(r, 200, appt_types_to_json(t));
}

/* A whole number query parameter in [lo, hi], or def when absent (an error recorded when
 * wrong). */
static int whole(http_req *r, const char *name, int lo, int hi, int def)
{
	const char *s = http_query(r, name);
	char *end;
	if (!s)
		return def;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi) {
		v_add(&r->v, name, "must be a whole number from %d to %d", lo, hi);
		return def;
	}
	return (int)v;
}

/* A resource's id and its place in the list (which stays in its order of kind and name), sorted
 * by id to find a closure's or booking's resource. */

static int by_id(const void *a, const void *b)
{
	return strcmp(((const id_at *)a)->id, ((const id_at *)b)->id);
}

/* The place of resource id in the list, or -1. */
static int find(const id_at *ix, int n, const char *id)
{
	id_at key = {id, -1};
	const id_at *hit = id ? bsearch(&key, ix, (size_t)n, sizeof key, by_id) : NULL;
	return hit ? hit->at : -1;
}

/* Appends span to resource i's list in lists/counts (grown in the arena). */
static void add_span(arena *a, cal_span **lists, int *counts, int *caps, int i, cal_span span)
{
	if (counts[i] == caps[i]) {
		int cap = caps[i] ? caps[i] * 2 : 8;
		cal_span *bigger = arena_alloc(a, sizeof(cal_span) * (size_t)cap);
		if (counts[i])
			memcpy(bigger, lists[i], sizeof(cal_span) * (size_t)counts[i]);
		lists[i] = bigger;
		caps[i] = cap;
	}
	lists[i][counts[i]++] = span;
}

/* The resources a slot uses, for its JSON. */
static json_t *used(const cal_slot *s, int n_needs, const resource *items)
{
	json_t *arr = json_array();
	for (int j = 0; j < n_needs; j++) {
		const resource *res = &items[s->use[j]];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "id", res->id, "kind",
		                                     res->kind, "name", res->name));
	}
	return arr;
}

int api_slot_world(http_req *r, civil_date from, civil_date to, const char *except, slot_world *w)
{
	const tz_zone *z = r->srv->cfg.zone;
	int64_t start = tz_wall_to_utc(z, tz_wall(from, 0)),
	        end = tz_wall_to_utc(z, tz_wall(to, 1440));
	char from_at[21], to_at[21];
	instant_format(start, from_at);
	instant_format(end, to_at);
	resource *items;
	closure *cl;
	resource_busy *busy;
	int n, n_cl, n_busy;
	closure_query cq = {NULL, from_at, to_at, 1};
	sw_err rc = r->st->ops->resource_list(r->st, r->a, &items, &n);
	if (!rc)
		rc = r->st->ops->closure_list(r->st, r->a, &cq, &cl, &n_cl);
	if (!rc)
		rc = r->st->ops->resource_busy(r->st, r->a, start, end, &busy, &n_busy);
	if (rc)
		return http_fail(r, rc, "resource");
	id_at *ix = arena_alloc(r->a, sizeof(id_at) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		ix[i] = (id_at){items[i].id, i};
	qsort(ix, (size_t)n, sizeof *ix, by_id);

	/* Each resource with its closures and bookings; an inactive one, or one whose staff
	 * account is deactivated, takes no appointments. */
	size_t m = (size_t)(n ? n : 1);
	slot_resource *rs = arena_zalloc(r->a, sizeof(slot_resource) * m);
	cal_span **closed = arena_zalloc(r->a, sizeof(cal_span *) * m),
	         **booked = arena_zalloc(r->a, sizeof(cal_span *) * m);
	int *n_closed = arena_zalloc(r->a, sizeof(int) * m),
	    *cap_closed = arena_zalloc(r->a, sizeof(int) * m),
	    *n_booked = arena_zalloc(r->a, sizeof(int) * m),
	    *cap_booked = arena_zalloc(r->a, sizeof(int) * m);
	for (int i = 0; i < n_cl; i++) {
		int k = find(ix, n, cl[i].resource_id);
		if (k >= 0)
			add_span(r->a, closed, n_closed, cap_closed, k,
			         (cal_span){cl[i].from, cl[i].to});
	}
	for (int i = 0; i < n_busy; i++) {
		int k = find(ix, n, busy[i].resource_id);
		if (k >= 0 && !(except && strcmp(busy[i].appointment_id, except) == 0))
			add_span(r->a, booked, n_booked, cap_booked, k,
			         (cal_span){busy[i].start, busy[i].end});
	}
	for (int i = 0; i < n; i++) {
		int usable = items[i].active && items[i].staff_active;
		rs[i] = (slot_resource){.kind = resource_kind_of(items[i].kind),
		                        .hours = usable ? &items[i].hours : NULL,
		                        .closures = closed[i],
		                        .n_closures = n_closed[i],
		                        .busy = booked[i],
		                        .n_busy = n_booked[i]};
		if (rs[i].kind < 0)
			rs[i].kind = RES_KIND_COUNT; /* not a kind any need asks for */
	}
	w->items = items;
	w->rs = rs;
	w->n = n;
	w->ix = ix;
	return 0;
}

/* The place of resource id in a world's list, or -1. */
int api_slot_world_find(const slot_world *w, const char *id)
{
	return find(w->ix, w->n, id);
}

/* The world cut down to ap's own resources, in its needs' order (so each need takes its own);
 * 0, or a 422 when one of them no longer works. */
static int keep_own(http_req *r, const appointment *ap, const slot_world *w, resource **items,
                    slot_resource **rs, int *n)
{
	resource *it = arena_alloc(r->a, sizeof(resource) * (size_t)(ap->n_resources + 1));
	slot_resource *sr =
	    arena_alloc(r->a, sizeof(slot_resource) * (size_t)(ap->n_resources + 1));
	for (int k = 0; k < ap->n_resources; k++) {
		int i = api_slot_world_find(w, ap->resources[k].id);
		if (i < 0 || !w->rs[i].hours) {
			v_add(&r->v, "appointment", "takes %s, which no longer takes appointments",
			      ap->resources[k].name ? ap->resources[k].name : ap->resources[k].id);
			return http_invalid(r);
		}
		it[k] = w->items[i];
		sr[k] = w->rs[i];
	}
	*items = it;
	*rs = sr;
	*n = ap->n_resources;
	return 0;
}

int api_slot_list(http_req *r)
{
	const appt_types *types = types_of(r);
	const tz_zone *z = r->srv->cfg.zone;
	if (!types || !z)
		return http_fail(r, SW_EIO, "appointment types");
	const char *type_id = http_query(r, "type"), *only_id = http_query(r, "resource"),
	           *bio = http_query(r, "biologic"), *appt_id = http_query(r, "appointment");
	/* Times to move a booked appointment to: its type, biologic and every one of its
	 * resources, its own time free. */
	appointment ap = {0};
	if (appt_id) {
		sw_err rc = uuid_valid(appt_id) ? r->st->ops->appt_get(r->st, r->a, appt_id, &ap)
		                                : SW_ENOTFOUND;
		if (rc == SW_ENOTFOUND)
			v_add(&r->v, "appointment", "is not an appointment");
		else if (rc)
			return http_fail(r, rc, "appointment");
		if (type_id || only_id || bio)
			v_add(&r->v, "appointment",
			      "is searched alone: its type, biologic and resources are its own");
		if (r->v.n)
			return http_invalid(r);
		type_id = ap.type;
		bio = ap.biologic;
	}
	const appt_type *t = appt_type_find(types, type_id);
	if (!t) {
		const char *ids = "";
		for (int i = 0; i < types->n; i++)
			ids = arena_printf(r->a, "%s%s%s", ids, i ? ", " : "", types->types[i].id);
		v_add(&r->v, "type", "is required: one of %s", ids);
	}
	civil_date from = {0}, to = {0};
	http_date_range(r, &from, &to, SLOT_MAX_DAYS, " (search a month at a time)");
	if (bio && !biologic_find(r->srv->cfg.treatment, bio))
		v_add(&r->v, "biologic", "is not one of the biologics offered");
	else if (t && appt_type_varies(t) && !bio)
		v_add(&r->v, "biologic",
		      "is required for %s: the resources it needs depend on the biologic", t->id);
	int grid = whole(
	    r, "grid", 5, t ? t->minutes : 480,
	    types->grid_minutes && t && types->grid_minutes < t->minutes ? types->grid_minutes : 0);
	int limit = whole(r, "limit", 1, SLOTS_MAX, SLOTS_DEFAULT);
	if (only_id && !uuid_valid(only_id))
		v_add(&r->v, "resource", "is not a resource");
	if (r->v.n)
		return http_invalid(r);

	slot_query q = {.zone = z,
	                .from = from,
	                .to = to,
	                .minutes = t->minutes,
	                .grid = grid,
	                .only = -1,
	                .max = limit};
	q.n_needs = appt_type_needs(t, bio, q.needs);
	q.not_before = http_now_instant(r);

	slot_world w;
	if (api_slot_world(r, from, to, appt_id ? ap.id : NULL, &w))
		return r->status;
	resource *items = w.items;
	slot_resource *rs = w.rs;
	int n = w.n;
	id_at *ix = w.ix;
	if (appt_id && keep_own(r, &ap, &w, &items, &rs, &n))
		return r->status;
	if (only_id) {
		q.only = find(ix, n, only_id);
		if (q.only < 0)
			v_add(&r->v, "resource", "is not a resource");
		else if (!rs[q.only].hours)
			v_add(&r->v, "resource", "is inactive (or its staff account is)");
		else {
			int fits = 0;
			for (int j = 0; j < q.n_needs; j++)
				fits |= (q.needs[j] >> rs[q.only].kind) & 1u;
			if (!fits)
				v_add(&r->v, "resource", "is a %s; %s needs %s", items[q.only].kind,
				      t->id, appt_needs_text(r->a, q.needs, q.n_needs));
		}
		if (r->v.n)
			return http_invalid(r);
	}

	cal_slot *found;
	int more;
	int count = slots_find(r->a, &q, rs, n, &found, &more);
	if (count < 0)
		return http_fail(r, SW_EIO, "slot search");
	json_t *out = json_array();
	for (int i = 0; i < count; i++) {
		char s1[TZ_TEXT], s2[TZ_TEXT];
		tz_format(z, found[i].start, s1);
		tz_format(z, found[i].end, s2);
		json_array_append_new(out,
		                      json_pack("{s:s, s:s, s:o}", "start", s1, "end", s2,
		                                "resources", used(&found[i], q.n_needs, items)));
	}
	char day1[11], day2[11];
	date_format(from, day1);
	date_format(to, day2);
	return http_json(r, 200,
	                 json_pack("{s:s, s:i, s:i, s:o, s:s, s:s, s:s, s:s?, s:o, s:b}", "type",
	                           t->id, "minutes", t->minutes, "grid", grid ? grid : t->minutes,
	                           "needs", appt_needs_json(q.needs, q.n_needs), "time_zone",
	                           tz_name(z), "from", day1, "to", day2, "biologic", bio, "items",
	                           out, "truncated", more));
}
