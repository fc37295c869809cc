/* Calendar resources and their closures: reading and checking their JSON, writing it back, and
 * the working hours' text as stored. */
#include "resource.h"

#include <stdio.h>
#include <string.h>

#include "../util/json_mem.h"
#include "../util/jsonv.h"
#include "../util/text.h"

const char *const resource_kinds[] = {"clinician",       "nurse",          "procedure_room",
                                      "ultrasound_room", "cell_processor", NULL};

static const char *const day_keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

int resource_kind_of(const char *name)
{
	for (int i = 0; name && resource_kinds[i]; i++)
		if (strcmp(resource_kinds[i], name) == 0)
			return i;
	return -1;
}

const char *resource_kind_role(int kind)
{
	return kind == RES_CLINICIAN ? "clinician" : kind == RES_NURSE ? "nurse" : NULL;
}

/* ---- working hours ---- */

/* "HH:MM" as minutes from midnight; 24:00 only when end. -1 when it is not such a time. */
static int read_hm(const char *s, int end)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m || !end)))
		return -1;
	return h * 60 + m;
}

/* One day's periods at path: sorted into out's day w. */
static void read_day(vctx *v, const char *path, json_t *list, week_hours *out, int w)
{
	if (!json_is_array(list) || json_array_size(list) > HOURS_MAX_PERIODS) {
		v_add(v, path,
		      "must be a list of at most %d periods such as [\"08:00\", \"12:00\"]",
		      HOURS_MAX_PERIODS);
		return;
	}
	int before = v->n, n = 0;
	short start[HOURS_MAX_PERIODS], end[HOURS_MAX_PERIODS];
	size_t i;
	json_t *period;
	json_array_foreach(list, i, period)
	{
		const char *p = arena_printf(v->a, "%s[%zu]", path, i);
		if (!json_is_array(period) || json_array_size(period) != 2) {
			v_add(v, p, "must be a period [\"HH:MM\", \"HH:MM\"]");
			continue;
		}
		int s = read_hm(json_string_value(json_array_get(period, 0)), 0);
		int e = read_hm(json_string_value(json_array_get(period, 1)), 1);
		if (s < 0)
			v_add(v, arena_printf(v->a, "%s[0]", p),
			      "must be a time HH:MM from 00:00 to 23:59");
		if (e < 0)
			v_add(v, arena_printf(v->a, "%s[1]", p),
			      "must be a time HH:MM from 00:01 to 24:00");
		if (s >= 0 && e >= 0 && s >= e)
			v_add(v, p, "must start before it ends");
		if (v->n == before) {
			/* Insertion in order of start. */
			int k = n++;
			while (k > 0 && start[k - 1] > s) {
				start[k] = start[k - 1];
				end[k] = end[k - 1];
				k--;
			}
			start[k] = (short)s;
			end[k] = (short)e;
		}
	}
	for (int k = 1; v->n == before && k < n; k++)
		if (start[k] < end[k - 1])
			v_add(v, path,
			      "has periods that overlap (%02d:%02d-%02d:%02d and "
			      "%02d:%02d-%02d:%02d)",
			      start[k - 1] / 60, start[k - 1] % 60, end[k - 1] / 60,
			      end[k - 1] % 60, start[k] / 60, start[k] % 60, end[k] / 60,
			      end[k] % 60);
	if (v->n != before)
		return;
	out->n[w] = (unsigned char)n;
	memcpy(out->start[w], start, sizeof(short) * (size_t)n);
	memcpy(out->end[w], end, sizeof(short) * (size_t)n);
}

void hours_from_json(vctx *v, const char *path, json_t *val, week_hours *out)
{
	memset(out, 0, sizeof *out);
	if (!json_is_object(val)) {
		v_add(v, path,
		      "must be an object of weekdays (mon ... sun), each a list of periods such as "
		      "[[\"08:00\", \"12:00\"], [\"13:00\", \"17:00\"]]");
		return;
	}
	jv_no_unknown(v, val, path, day_keys);
	for (int w = 0; w < 7; w++) {
		json_t *list = json_object_get(val, day_keys[w]);
		if (list && !json_is_null(list))
			read_day(v, v_path(v, path, day_keys[w]), list, out, w);
	}
}

static json_t *hm(int minutes)
{
	char buf[8];
	snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
	return json_string(buf);
}

json_t *hours_to_json(const week_hours *h)
{
	json_t *o = json_object();
	for (int w = 0; w < 7; w++) {
		if (!h->n[w])
			continue;
		json_t *list = json_array();
		for (int i = 0; i < h->n[w]; i++)
			json_array_append_new(
			    list, json_pack("[o, o]", hm(h->start[w][i]), hm(h->end[w][i])));
		json_object_set_new(o, day_keys[w], list);
	}
	return o;
}

const char *hours_to_text(arena *a, const week_hours *h)
{
	json_t *o = hours_to_json(h);
	const char *s = json_mem_dumps(a, o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	const char *out = s ? s : "{}";
	json_decref(o);
	return out;
}

int hours_from_text(arena *a, const char *text, week_hours *out)
{
	json_t *val = text ? json_loads(text, 0, NULL) : NULL;
	vctx v;
	vctx_init(&v, a);
	hours_from_json(&v, "hours", val, out);
	json_decref(val);
	return v.n ? -1 : 0;
}

/* ---- resources ---- */

int resource_from_json(vctx *v, json_t *body, resource *r, int partial)
{
	static const char *const create_keys[] = {"kind",  "name",   "staff_id",
	                                          "hours", "active", NULL};
	static const char *const patch_keys[] = {"kind",  "name",   "staff_id",
	                                         "hours", "active", NULL};
	int start = v->n, present;
	jv_no_unknown(v, body, NULL, partial ? patch_keys : create_keys);
	if (partial && json_object_get(body, "kind"))
		v_add(v, "kind", "cannot change; add a new resource of the other kind instead");
	if (!partial)
		r->kind = jv_enum(v, body, NULL, "kind", resource_kinds, JV_REQUIRED, NULL);
	const char *name = jv_string(v, body, NULL, "name", 100, !partial, &present);
	if (name && !text_visible(name))
		v_add(v, "name", "must have a visible character");
	else if (name)
		r->name = name;
	else if (present && partial && !v_has(v, "name"))
		v_add(v, "name", "cannot be removed");
	const char *staff = jv_string(v, body, NULL, "staff_id", 36, JV_OPTIONAL, &present);
	if (present)
		r->staff_id = staff;
	json_t *hours = json_object_get(body, "hours");
	if (hours || !partial)
		hours_from_json(v, "hours", hours, &r->hours);
	if (!partial)
		r->active = 1;
	jv_bool(v, body, NULL, "active", &r->active);
	int kind = resource_kind_of(r->kind);
	if (kind >= 0 && resource_kind_role(kind) && !r->staff_id && !v_has(v, "staff_id"))
		v_add(v, "staff_id", "is required for a %s: the staff account of the person",
		      r->kind);
	else if (kind >= 0 && !resource_kind_role(kind) && r->staff_id)
		v_add(v, "staff_id",
		      "must be absent: only clinicians and nurses have a staff account");
	return v->n - start;
}

json_t *resource_to_json(const resource *r)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:b, s:i, s:s, s:s, s:s?}", "id", r->id,
	                      "kind", r->kind, "name", r->name, "staff_id", r->staff_id, "hours",
	                      hours_to_json(&r->hours), "active", r->active, "version", r->version,
	                      "created_at", r->created_at, "updated_at", r->updated_at,
	                      "updated_by", r->updated_by);
	if (o && r->staff_id)
		json_object_set_new(o, "staff_active", json_boolean(r->staff_active));
	return o;
}

/* ---- closures ---- */

void instant_format(int64_t t, char out[21])
{
	long day = (long)(t / 86400 - (t % 86400 < 0));
	int64_t secs = t - (int64_t)day * 86400;
	civil_date d = date_from_days(day);
	snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)d.year % 10000u,
	         (unsigned)d.month % 100u, (unsigned)d.day % 100u, (unsigned)(secs / 3600),
	         (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
}

int instant_parse(const char *s, int64_t *out)
{
	return s && strlen(s) == 20 ? tz_parse_instant(s, out) : -1;
}

/* from or to: a date (the whole local day) or an RFC 3339 date-time with its offset. */
static int read_bound(vctx *v, json_t *body, const char *key, const tz_zone *zone, int end,
                      int64_t *out)
{
	const char *s = jv_string(v, body, NULL, key, 40, JV_REQUIRED, NULL);
	civil_date d;
	if (!s)
		return -1;
	if (strlen(s) == 10 && date_parse(s, &d) == 0 && d.year >= 1900) {
		*out = tz_wall_to_utc(zone, tz_wall(d, end ? 1440 : 0));
		return 0;
	}
	if (tz_parse_instant(s, out) == 0)
		return 0;
	v_add(v, key,
	      "must be a date YYYY-MM-DD (the whole day in the clinic's time zone) or a date and "
	      "time with its offset, such as 2026-12-24T13:00:00-05:00");
	return -1;
}

int closure_from_json(vctx *v, json_t *body, const tz_zone *zone, closure *c)
{
	static const char *const keys[] = {"from", "to", "reason", NULL};
	int start = v->n;
	jv_no_unknown(v, body, NULL, keys);
	int ok = read_bound(v, body, "from", zone, 0, &c->from) == 0;
	ok &= read_bound(v, body, "to", zone, 1, &c->to) == 0;
	c->reason = jv_string(v, body, NULL, "reason", 500, JV_REQUIRED, NULL);
	if (c->reason && !text_visible(c->reason))
		v_add(v, "reason", "must have a visible character");
	if (ok && c->to <= c->from)
		v_add(v, "to", "must be after from");
	else if (ok && c->to - c->from > (int64_t)CLOSURE_MAX_DAYS * 86400)
		v_add(v, "to",
		      "must be at most %d days after from; for a longer absence set the resource "
		      "inactive",
		      CLOSURE_MAX_DAYS);
	return v->n - start;
}

json_t *closure_to_json(const closure *c, const tz_zone *zone)
{
	char from[TZ_TEXT], to[TZ_TEXT];
	tz_format(zone, c->from, from);
	tz_format(zone, c->to, to);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:i, s:s, s:s, s:s?}", "id", c->id,
	                 "resource_id", c->resource_id, "from", from, "to", to, "reason", c->reason,
	                 "status", c->status, "void_reason", c->void_reason, "version", c->version,
	                 "created_at", c->created_at, "updated_at", c->updated_at, "updated_by",
	                 c->updated_by);
}
