/* Unit tests for the calendars: the time zone reader (offsets checked against the C library's
 * own reading of the same files, the daylight-saving days of New York, a zone file with only a
 * rule, broken files), working hours, resources and closures as JSON, the appointment types
 * file, and the slot search (working hours, grids, closures, bookings, several resources, the
 * window, the two daylight-saving days of America/New_York, and zones without DST). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/appointment.h"
#include "core/appt_type.h"
#include "core/resource.h"
#include "core/slots.h"
#include "core/treatment.h"
#include "util/embedded.h"
#include "util/tz.h"

#include "tests/unit/arena_fixture.h"

static tz_zone *zone(const char *name)
{
	tz_zone *z = NULL;
	char err[300];
	if (tz_load(&ar, name, &z, err, sizeof err))
		fail_msg("%s", err);
	return z;
}

static int64_t at(const char *s)
{
	int64_t t = 0;
	if (tz_parse_instant(s, &t))
		fail_msg("not an instant: %s", s);
	return t;
}

static const char *text(const tz_zone *z, int64_t t)
{
	char buf[TZ_TEXT];
	tz_format(z, t, buf);
	return arena_strdup(&ar, buf);
}

static civil_date day(const char *s)
{
	civil_date d = {0};
	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

static week_hours hours(const char *json)
{
	week_hours h;
	json_t *val = json_loads(json, 0, NULL);
	vctx v;
	vctx_init(&v, &ar);
	hours_from_json(&v, "hours", val, &h);
	json_decref(val);
	if (v.n)
		fail_msg("%s: %s", v.items[0].path, v.items[0].message);
	return h;
}

/* ---- the zone reader ---- */

/* The zone's offset at t as the C library reads the same file (TZ set: single-threaded here). */
static long libc_offset(time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_gmtoff;
}

/* Offsets against the C library's, and every wall time back to its first instant. */
static void zone_agrees(const char *name)
{
	tz_zone *z = zone(name);
	setenv("TZ", name, 1);
	tzset();
	int64_t from = at("1970-01-01T00:00:00Z"), to = at("2100-01-01T00:00:00Z");
	int checked = 0;
	for (int pass = 0; pass < 2; pass++) {
		/* Every 31 h 17 min over 130 years, then every 20 minutes over 2026-2028. */
		int64_t step = pass ? 1200 : 31 * 3600 + 17 * 60;
		int64_t t0 = pass ? at("2026-01-01T00:00:00Z") : from;
		int64_t t1 = pass ? at("2029-01-01T00:00:00Z") : to;
		for (int64_t t = t0; t < t1; t += step, checked++) {
			int32_t off = tz_offset(z, t);
			if (off != libc_offset((time_t)t))
				fail_msg("%s at %s: offset %d, the C library says %ld", name,
				         text(tz_utc(&ar), t), off, libc_offset((time_t)t));
			int64_t wall = t + off, u = tz_wall_to_utc(z, wall);
			if (u + tz_offset(z, u) != wall || u > t)
				fail_msg("%s: wall time of %s came back as %s", name,
				         text(tz_utc(&ar), t), text(tz_utc(&ar), u));
		}
	}
	unsetenv("TZ");
	tzset();
	assert_true(checked > 100000);
}

static void zone_offsets_match_the_c_library(void **state)
{
	(void)state;
	/* DST north and south, a 30-minute DST (Lord Howe), a rule at 26:00 (Jerusalem), rules at
	 * negative hours (Nuuk), a winter "DST" below standard time (Dublin), DST abolished (Sao
	 * Paulo), +14 (Kiritimati), +12:45 (Chatham), a table to 2087 (Casablanca), none (Tokyo,
	 * UTC). */
	static const char *const zones[] = {"America/New_York",
	                                    "Asia/Tokyo",
	                                    "UTC",
	                                    "Europe/London",
	                                    "Australia/Sydney",
	                                    "Australia/Lord_Howe",
	                                    "Asia/Jerusalem",
	                                    "America/Nuuk",
	                                    "Europe/Dublin",
	                                    "America/Sao_Paulo",
	                                    "Pacific/Kiritimati",
	                                    "Pacific/Chatham",
	                                    "Africa/Casablanca",
	                                    NULL};
	for (const char *const *z = zones; *z; z++)
		zone_agrees(*z);
}

static void new_york_daylight_saving_days(void **state)
{
	(void)state;
	tz_zone *ny = zone("America/New_York");
	/* Spring forward, 2027-03-14: 02:00 EST becomes 03:00 EDT at 07:00Z. */
	assert_int_equal(tz_offset(ny, at("2027-03-14T06:59:59Z")), -5 * 3600);
	assert_int_equal(tz_offset(ny, at("2027-03-14T07:00:00Z")), -4 * 3600);
	civil_date spring = day("2027-03-14"), fall = day("2027-11-07");
	assert_true(tz_wall_to_utc(ny, tz_wall(spring, 119)) == at("2027-03-14T06:59:00Z"));
	/* 02:00 and 02:30 never show on the clocks: the change itself. */
	assert_true(tz_wall_to_utc(ny, tz_wall(spring, 120)) == at("2027-03-14T07:00:00Z"));
	assert_true(tz_wall_to_utc(ny, tz_wall(spring, 150)) == at("2027-03-14T07:00:00Z"));
	assert_true(tz_wall_to_utc(ny, tz_wall(spring, 180)) == at("2027-03-14T07:00:00Z"));
	assert_true(tz_wall_to_utc(ny, tz_wall(spring, 181)) == at("2027-03-14T07:01:00Z"));
	/* Fall back, 2027-11-07: 01:30 shows twice; the first is EDT. */
	assert_true(tz_wall_to_utc(ny, tz_wall(fall, 90)) == at("2027-11-07T05:30:00Z"));
	assert_true(tz_wall_to_utc(ny, tz_wall(fall, 120)) == at("2027-11-07T07:00:00Z"));
	assert_string_equal(text(ny, at("2027-11-07T05:30:00Z")), "2027-11-07T01:30:00-04:00");
	assert_string_equal(text(ny, at("2027-11-07T06:30:00Z")), "2027-11-07T01:30:00-05:00");
	assert_string_equal(text(ny, at("2026-12-01T13:00:00Z")), "2026-12-01T08:00:00-05:00");
	assert_string_equal(text(zone("Asia/Tokyo"), at("2026-12-01T13:00:00Z")),
	                    "2026-12-01T22:00:00+09:00");
	assert_string_equal(text(zone("UTC"), at("2026-12-01T13:00:00Z")),
	                    "2026-12-01T13:00:00+00:00");
	/* The clinic's date, not UTC's. */
	civil_date d = tz_local_date(ny, at("2027-01-01T04:59:59Z"));
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.day, 31);
	d = tz_local_date(ny, at("2027-01-01T05:00:00Z"));
	assert_int_equal(d.year, 2027);
	assert_string_equal(tz_name(ny), "America/New_York");
}

static void instants_are_read_with_their_offset(void **state)
{
	(void)state;
	int64_t t;
	assert_true(at("2026-12-24T13:00:00-05:00") == at("2026-12-24T18:00:00Z"));
	assert_true(at("2026-12-24t18:00:00z") == at("2026-12-24T18:00:00Z"));
	assert_true(at("2026-12-24T18:00:00.999Z") == at("2026-12-24T18:00:00Z"));
	assert_true(at("2026-12-25T03:30:00+09:30") == at("2026-12-24T18:00:00Z"));
	assert_true(at("1970-01-01T00:00:00Z") == 0);
	static const char *const bad[] = {"2026-12-24T13:00",
	                                  "2026-12-24T13:00:00",
	                                  "2026-12-24 13:00:00Z",
	                                  "2026-02-30T00:00:00Z",
	                                  "2026-12-24T24:00:00Z",
	                                  "2026-12-24T13:60:00Z",
	                                  "2026-12-24T13:00:00+24:00",
	                                  "2026-12-24T13:00:00+0500",
	                                  "2026-12-24T13:00:00Zjunk",
	                                  "2026-12-24T13:00:00.Z",
	                                  "2026-12-24",
	                                  "",
	                                  NULL};
	for (const char *const *s = bad; *s; s++)
		if (tz_parse_instant(*s, &t) == 0)
			fail_msg("%s was read as an instant", *s);
	char out[21];
	instant_format(at("2026-12-24T13:00:00-05:00"), out);
	assert_string_equal(out, "2026-12-24T18:00:00Z");
	assert_int_equal(instant_parse(out, &t), 0);
	assert_int_equal(instant_parse("2026-12-24T13:00:00-05:00", &t), -1);
}

/* A version 2 zone file with no transitions and only a footer rule, as "slim" tzdata builds
 * write them. */
static size_t rule_only_file(unsigned char *out, const char *rule)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		static const unsigned char head[20] = {'T', 'Z', 'i', 'f', '2'};
		memcpy(out + n, head, 20);
		n += 20;
		const unsigned counts[6] = {0, 0, 0, 0, 1, 4}; /* one type, "EST\0" */
		for (int i = 0; i < 6; i++, n += 4) {
			out[n] = out[n + 1] = out[n + 2] = 0;
			out[n + 3] = (unsigned char)counts[i];
		}
		const unsigned char type[6] = {0xff, 0xff, 0xb9, 0xb0, 0, 0}; /* -18000 */
		memcpy(out + n, type, 6);
		memcpy(out + n + 6, "EST", 4);
		n += 10;
	}
	n += (size_t)sprintf((char *)out + n, "\n%s\n", rule);
	return n;
}

static void zone_files_are_checked(void **state)
{
	(void)state;
	tz_zone *z;
	char err[300];
	unsigned char buf[256];
	size_t n = rule_only_file(buf, "EST5EDT,M3.2.0,M11.1.0");
	assert_int_equal(tz_parse(&ar, "rule-only", buf, n, &z, err, sizeof err), 0);
	tz_zone *ny = zone("America/New_York");
	for (int64_t t = at("2027-01-01T00:00:00Z"); t < at("2028-01-01T00:00:00Z"); t += 900)
		assert_int_equal(tz_offset(z, t), tz_offset(ny, t));
	/* Broken files and names are refused, saying why. */
	assert_int_equal(tz_parse(&ar, "x", (const unsigned char *)"nope", 4, &z, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "not a compiled time zone file"));
	assert_int_equal(tz_parse(&ar, "cut", buf, 50, &z, err, sizeof err), -1);
	assert_non_null(strstr(err, "cut short"));
	n = rule_only_file(buf, "EST5EDT,M13.2.0,M11.1.0");
	assert_int_equal(tz_parse(&ar, "bad-rule", buf, n, &z, err, sizeof err), -1);
	assert_non_null(strstr(err, "footer rule"));
	assert_int_equal(tz_load(&ar, "Mars/Olympus_Mons", &z, err, sizeof err), -1);
	assert_int_equal(tz_load(&ar, "../../etc/passwd", &z, err, sizeof err), -1);
	assert_int_equal(tz_load(&ar, "/etc/localtime", &z, err, sizeof err), -1);
	assert_int_equal(tz_load(&ar, "right/UTC", &z, err, sizeof err), -1);
	assert_non_null(strstr(err, "leap seconds"));
	assert_non_null(tz_load_default(&ar));
}

/* ---- working hours, resources, closures ---- */

static void working_hours_are_checked(void **state)
{
	(void)state;
	week_hours h = hours("{\"mon\": [[\"13:00\", \"17:00\"], [\"08:00\", \"12:00\"]], "
	                     "\"sun\": [[\"22:00\", \"24:00\"]], \"tue\": []}");
	assert_int_equal(h.n[0], 2);
	assert_int_equal(h.start[0][0], 8 * 60); /* put in order */
	assert_int_equal(h.end[0][1], 17 * 60);
	assert_int_equal(h.n[1], 0);
	assert_int_equal(h.end[6][0], 1440);
	const char *stored = hours_to_text(&ar, &h);
	assert_string_equal(stored, "{\"mon\":[[\"08:00\",\"12:00\"],[\"13:00\",\"17:00\"]],"
	                            "\"sun\":[[\"22:00\",\"24:00\"]]}");
	week_hours back;
	assert_int_equal(hours_from_text(&ar, stored, &back), 0);
	assert_memory_equal(&h, &back, sizeof h);
	assert_int_equal(hours_from_text(&ar, "{\"mon\": 1}", &back), -1);

	static const struct {
		const char *json, *path;
	} bad[] = {
	    {"{\"mon\": [[\"08:00\", \"12:00\"], [\"11:00\", \"13:00\"]]}", "hours.mon"},
	    {"{\"mon\": [[\"08:00\", \"08:00\"]]}", "hours.mon[0]"},
	    {"{\"mon\": [[\"12:00\", \"08:00\"]]}", "hours.mon[0]"},
	    {"{\"mon\": [[\"24:00\", \"24:00\"]]}", "hours.mon[0][0]"},
	    {"{\"mon\": [[\"08:00\", \"24:30\"]]}", "hours.mon[0][1]"},
	    {"{\"mon\": [[\"8:00\", \"12:00\"]]}", "hours.mon[0][0]"},
	    {"{\"mon\": [[\"08:00\", 12]]}", "hours.mon[0][1]"},
	    {"{\"mon\": [[\"08:00\"]]}", "hours.mon[0]"},
	    {"{\"mon\": [[\"01:00\", \"02:00\"], [\"03:00\", \"04:00\"], [\"05:00\", \"06:00\"], "
	     "[\"07:00\", \"08:00\"], [\"09:00\", \"10:00\"]]}",
	     "hours.mon"},
	    {"{\"monday\": []}", "hours.monday"},
	    {"[]", "hours"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *val = json_loads(bad[i].json, 0, NULL);
		vctx v;
		vctx_init(&v, &ar);
		hours_from_json(&v, "hours", val, &h);
		json_decref(val);
		if (v.n != 1 || strcmp(v.items[0].path, bad[i].path) != 0)
			fail_msg("%s: expected one error at %s, got %d (%s)", bad[i].json,
			         bad[i].path, v.n, v.n ? v.items[0].path : "");
	}
}

/* The errors rule gives for body as a create (partial 0) or PATCH onto r. */
static vctx resource_errors(const char *body, int partial, resource *r)
{
	json_t *b = json_loads(body, 0, NULL);
	vctx v;
	vctx_init(&v, &ar);
	resource_from_json(&v, b, r, partial);
	json_decref(b);
	return v;
}

static int has_error(const vctx *v, const char *path)
{
	return v_has(v, path);
}

static void resources_and_closures_as_json(void **state)
{
	(void)state;
	resource r;
	memset(&r, 0, sizeof r);
	vctx v = resource_errors("{\"kind\": \"ultrasound_room\", \"name\": \"US 1\", \"hours\": "
	                         "{\"mon\": [[\"08:00\", \"17:00\"]]}}",
	                         0, &r);
	assert_int_equal(v.n, 0);
	assert_string_equal(r.kind, "ultrasound_room");
	assert_int_equal(r.active, 1);
	memset(&r, 0, sizeof r);
	v = resource_errors("{\"kind\": \"clinician\", \"name\": \"\\u200b\", \"hours\": {}, "
	                    "\"colour\": \"red\"}",
	                    0, &r);
	assert_true(has_error(&v, "staff_id") && has_error(&v, "name") && has_error(&v, "colour"));
	memset(&r, 0, sizeof r);
	v = resource_errors("{\"kind\": \"procedure_room\", \"name\": \"PR\", \"staff_id\": "
	                    "\"01a224c7-f11f-7723-b8b8-517ad4cd061f\", \"hours\": {}}",
	                    0, &r);
	assert_true(has_error(&v, "staff_id"));
	memset(&r, 0, sizeof r);
	v = resource_errors("{\"kind\": \"robot\", \"name\": \"R\"}", 0, &r);
	assert_true(has_error(&v, "kind") && has_error(&v, "hours"));
	/* PATCH: the kind stays; a clinician keeps an account; active must be a boolean. */
	r = (resource){.kind = "clinician", .name = "Dr A", .staff_id = "x", .active = 1};
	v = resource_errors("{\"kind\": \"nurse\", \"staff_id\": null, \"active\": 1}", 1, &r);
	assert_true(has_error(&v, "kind") && has_error(&v, "staff_id") && has_error(&v, "active"));
	v = resource_errors("{\"name\": null}", 1, &r);
	assert_true(has_error(&v, "name"));
	r = (resource){.kind = "clinician", .name = "Dr A", .staff_id = "x", .active = 1};
	v = resource_errors("{\"name\": \"Dr B\", \"active\": false}", 1, &r);
	assert_int_equal(v.n, 0);
	assert_string_equal(r.name, "Dr B");
	assert_int_equal(r.active, 0);

	/* Closures: a date is the whole day in the clinic's zone; a date-time needs its offset. */
	tz_zone *ny = zone("America/New_York");
	closure c;
	memset(&c, 0, sizeof c);
	json_t *b = json_loads("{\"from\": \"2027-03-14\", \"to\": \"2027-03-14\", \"reason\": "
	                       "\"Holiday\"}",
	                       0, NULL);
	vctx_init(&v, &ar);
	assert_int_equal(closure_from_json(&v, b, ny, &c), 0);
	json_decref(b);
	assert_true(c.from == at("2027-03-14T05:00:00Z"));
	assert_true(c.to == at("2027-03-15T04:00:00Z")); /* the day DST starts has 23 hours */
	c.id = "c";
	c.resource_id = "r";
	c.status = "active";
	c.created_at = c.updated_at = "2026-11-29T00:00:00Z";
	json_t *out = closure_to_json(&c, ny);
	assert_string_equal(json_string_value(json_object_get(out, "from")),
	                    "2027-03-14T00:00:00-05:00");
	assert_string_equal(json_string_value(json_object_get(out, "to")),
	                    "2027-03-15T00:00:00-04:00");
	json_decref(out);
	b = json_loads("{\"from\": \"2027-03-14T12:00:00-04:00\", \"to\": "
	               "\"2027-03-14T17:00:00Z\", \"reason\": \"Meeting\"}",
	               0, NULL);
	vctx_init(&v, &ar);
	assert_int_equal(closure_from_json(&v, b, ny, &c), 0);
	json_decref(b);
	assert_true(c.to - c.from == 3600);
	static const struct {
		const char *json, *path;
	} bad[] = {
	    {"{\"from\": \"2027-03-14T13:00\", \"to\": \"2027-03-15\", \"reason\": \"x\"}", "from"},
	    {"{\"from\": \"2027-03-15\", \"to\": \"2027-03-14\", \"reason\": \"x\"}", "to"},
	    {"{\"from\": \"2027-03-14T13:00:00Z\", \"to\": \"2027-03-14T13:00:00Z\", \"reason\": "
	     "\"x\"}",
	     "to"},
	    {"{\"from\": \"2027-01-01\", \"to\": \"2028-01-02\", \"reason\": \"x\"}", "to"},
	    {"{\"from\": \"2027-01-01\", \"to\": \"2027-01-02\"}", "reason"},
	    {"{\"from\": \"2027-01-01\", \"to\": \"2027-01-02\", \"reason\": \"x\", \"all_day\": "
	     "true}",
	     "all_day"},
	    {"{\"to\": \"2027-01-02\", \"reason\": \"x\"}", "from"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		b = json_loads(bad[i].json, 0, NULL);
		vctx_init(&v, &ar);
		closure_from_json(&v, b, ny, &c);
		json_decref(b);
		if (v.n != 1 || strcmp(v.items[0].path, bad[i].path) != 0)
			fail_msg("%s: expected one error at %s, got %d (%s)", bad[i].json,
			         bad[i].path, v.n, v.n ? v.items[0].path : "");
	}
}

/* ---- appointment types ---- */

static json_t *embedded(const char *path)
{
	for (const embedded_file *f = treatment_files; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return json_loads((const char *)f->data, 0, NULL);
	fail_msg("%s is not built in", path);
	return NULL;
}

static void appointment_types_file(void **state)
{
	(void)state;
	treatment_set tx = {0};
	appt_types t;
	vctx v;
	vctx_init(&v, &ar);
	json_t *doc = embedded("biologics.json");
	assert_int_equal(biologics_parse(&ar, doc, &tx, &v), 0);
	json_decref(doc);
	doc = embedded("appointment-types.json");
	assert_int_equal(appt_types_parse(&ar, doc, &tx, &t, &v), 0);
	const appt_type *inj = appt_type_find(&t, "injection");
	assert_non_null(inj);
	assert_int_equal(inj->minutes, 45);
	assert_ptr_equal(appt_type_for_step(&t, "injection"), inj);
	assert_null(appt_type_for_step(&t, "processing"));
	assert_int_equal(appt_type_for_step(&t, "follow_up")->minutes, 20);
	assert_int_equal(appt_type_find(&t, "harvest")->minutes, 90);
	unsigned needs[SLOT_MAX_NEEDS];
	assert_int_equal(appt_type_needs(inj, "prp", needs), 2);
	assert_int_equal(appt_type_needs(inj, "bmac", needs), 3);
	assert_int_equal(needs[2], 1u << RES_CELL_PROCESSOR);
	assert_string_equal(appt_needs_text(&ar, needs, 3),
	                    "clinician, ultrasound_room and cell_processor");
	assert_true(appt_type_varies(inj));
	const appt_type *fu = appt_type_find(&t, "follow_up");
	assert_int_equal(appt_type_needs(fu, NULL, needs), 1);
	assert_int_equal(needs[0], (1u << RES_CLINICIAN) | (1u << RES_NURSE));
	assert_string_equal(appt_needs_text(&ar, needs, 1), "clinician or nurse");
	/* Every plan step kind is named, processing as not booked on its own. */
	json_t *out = appt_types_to_json(&t);
	assert_true(
	    json_is_null(json_object_get(json_object_get(out, "step_kinds"), "processing")));
	assert_int_equal(json_object_size(json_object_get(out, "step_kinds")), 7);
	json_decref(out);

	/* Broken: each mistake at its path. */
	json_object_set_new(doc, "grid_minutes", json_integer(1));
	json_t *types = json_object_get(doc, "types");
	json_object_set_new(json_array_get(types, 0), "minutes", json_integer(33));
	json_array_set_new(json_object_get(json_array_get(types, 1), "needs"), 0,
	                   json_pack("[s]", "surgeon"));
	json_object_set_new(json_object_get(json_array_get(types, 4), "needs_for_biologic"),
	                    "unicorn", json_pack("[[s]]", "cell_processor"));
	json_object_set_new(json_array_get(types, 5), "id", json_string("consultation"));
	json_object_del(json_object_get(doc, "step_kinds"), "harvest");
	json_object_set_new(json_object_get(doc, "step_kinds"), "workup", json_string("massage"));
	vctx_init(&v, &ar);
	assert_int_equal(appt_types_parse(&ar, doc, &tx, &t, &v), -1);
	json_decref(doc);
	static const char *const paths[] = {
	    "grid_minutes",         "types[0].minutes",
	    "types[1].needs[0][0]", "types[4].needs_for_biologic.unicorn",
	    "types[5].id",          "step_kinds.harvest",
	    "step_kinds.workup",    NULL};
	for (const char *const *p = paths; *p; p++)
		if (!v_has(&v, *p))
			fail_msg("no error at %s", *p);
}

/* ---- the slot search ---- */

static const unsigned CLIN = 1u << RES_CLINICIAN, NURSE = 1u << RES_NURSE,
                      ROOM = 1u << RES_ULTRASOUND_ROOM;

static slot_query query(const tz_zone *z, const char *from, const char *to, int minutes)
{
	slot_query q = {.zone = z,
	                .from = day(from),
	                .to = day(to),
	                .minutes = minutes,
	                .needs = {CLIN},
	                .n_needs = 1,
	                .only = -1,
	                .not_before = INT64_MIN,
	                .max = 100000};
	return q;
}

static int find_slots(const slot_query *q, const slot_resource *rs, int n, cal_slot **out)
{
	int more;
	int count = slots_find(&ar, q, rs, n, out, &more);
	assert_false(more);
	return count;
}

/* The local start times of the slots, "08:00 08:30 ...", for comparing. */
static const char *starts(const tz_zone *z, const cal_slot *s, int n)
{
	const char *out = "";
	for (int i = 0; i < n; i++)
		out = arena_printf(&ar, "%s%s%.5s", out, i ? " " : "", text(z, s[i].start) + 11);
	return out;
}

static void slots_follow_working_hours_and_the_grid(void **state)
{
	(void)state;
	tz_zone *utc = zone("UTC");
	week_hours h = hours("{\"mon\": [[\"08:00\", \"12:00\"], [\"13:00\", \"17:00\"]], "
	                     "\"wed\": [[\"08:00\", \"09:50\"]]}");
	slot_resource doc = {.kind = RES_CLINICIAN, .hours = &h};
	cal_slot *s;
	/* Monday 2026-12-07: two periods of four hours, 30-minute consultations. */
	slot_query q = query(utc, "2026-12-07", "2026-12-07", 30);
	assert_int_equal(find_slots(&q, &doc, 1, &s), 16);
	assert_string_equal(starts(utc, s, 16), "08:00 08:30 09:00 09:30 10:00 10:30 11:00 11:30 "
	                                        "13:00 13:30 14:00 14:30 15:00 15:30 16:00 16:30");
	assert_string_equal(text(utc, s[0].end), "2026-12-07T08:30:00+00:00");
	assert_int_equal(s[0].use[0], 0);
	/* Tuesday has no hours; Wednesday's period fits two 45-minute slots, not a third. */
	q = query(utc, "2026-12-08", "2026-12-08", 30);
	assert_int_equal(find_slots(&q, &doc, 1, &s), 0);
	q = query(utc, "2026-12-09", "2026-12-09", 45);
	assert_int_equal(find_slots(&q, &doc, 1, &s), 2);
	assert_string_equal(starts(utc, s, 2), "08:00 08:45");
	/* A finer grid: every 15 minutes, each slot still 30 long and inside the period. */
	q = query(utc, "2026-12-07", "2026-12-07", 30);
	q.grid = 15;
	assert_int_equal(find_slots(&q, &doc, 1, &s), 30);
	assert_string_equal(starts(utc, s, 3), "08:00 08:15 08:30");
	assert_string_equal(text(utc, s[14].start), "2026-12-07T11:30:00+00:00");
	assert_true(s[14].end - s[14].start == 1800);
	/* The window: both dates included; a week has Monday's and Wednesday's. */
	q = query(utc, "2026-12-07", "2026-12-13", 30);
	assert_int_equal(find_slots(&q, &doc, 1, &s), 16 + 3);
	/* Not before now; at most max, with more said. */
	q = query(utc, "2026-12-07", "2026-12-13", 30);
	q.not_before = at("2026-12-07T16:10:00Z");
	assert_int_equal(find_slots(&q, &doc, 1, &s), 1 + 3);
	assert_string_equal(starts(utc, s, 1), "16:30");
	q.max = 2;
	int more = 0;
	assert_int_equal(slots_find(&ar, &q, &doc, 1, &s, &more), 2);
	assert_true(more);
	q.max = 4;
	assert_int_equal(slots_find(&ar, &q, &doc, 1, &s, &more), 4);
	assert_false(more);
	/* Out of bounds. */
	q = query(utc, "2026-12-07", "2026-12-06", 30);
	assert_int_equal(slots_find(&ar, &q, &doc, 1, &s, &more), -1);
	q = query(utc, "2026-12-01", "2027-01-01", 30); /* 32 days */
	assert_int_equal(slots_find(&ar, &q, &doc, 1, &s, &more), -1);
	q = query(utc, "2026-12-01", "2026-12-31", 30); /* 31: fine */
	assert_true(slots_find(&ar, &q, &doc, 1, &s, &more) > 0);
	q.n_needs = 0;
	assert_int_equal(slots_find(&ar, &q, &doc, 1, &s, &more), -1);
	q = query(utc, "2026-12-07", "2026-12-07", 0);
	assert_int_equal(slots_find(&ar, &q, &doc, 1, &s, &more), -1);
}

static void closures_and_bookings_are_kept_free(void **state)
{
	(void)state;
	tz_zone *utc = zone("UTC");
	week_hours h = hours("{\"mon\": [[\"08:00\", \"12:00\"]]}");
	cal_span closed[] = {{at("2026-12-07T10:00:00Z"), at("2026-12-07T11:00:00Z")}};
	slot_resource doc = {
	    .kind = RES_CLINICIAN, .hours = &h, .closures = closed, .n_closures = 1};
	cal_slot *s;
	slot_query q = query(utc, "2026-12-07", "2026-12-07", 30);
	assert_int_equal(find_slots(&q, &doc, 1, &s), 6);
	assert_string_equal(starts(utc, s, 6), "08:00 08:30 09:00 09:30 11:00 11:30");
	/* A closure that ends as a slot starts leaves that slot. */
	closed[0] = (cal_span){at("2026-12-07T07:00:00Z"), at("2026-12-07T08:30:00Z")};
	assert_int_equal(find_slots(&q, &doc, 1, &s), 7);
	/* A year of bookings in any order, overlapping one another, most far from the week: only
	 * 08:15-08:45 and 09:50-10:10 touch it, and take 08:00, 08:30, 09:30 and 10:00. */
	int n = 0;
	cal_span *busy = arena_alloc(&ar, sizeof(cal_span) * 3000);
	int64_t year = at("2026-06-01T08:00:00Z");
	for (int i = 0; i < 2996; i++) {
		int64_t t = year + (int64_t)((i * 7919) % 2996) * 3 * 3600;
		if (t > at("2026-12-05T00:00:00Z") && t < at("2026-12-09T00:00:00Z"))
			t += 30 * 86400;
		busy[n++] = (cal_span){t, t + 2700};
	}
	busy[n++] = (cal_span){at("2026-12-07T08:15:00Z"), at("2026-12-07T08:45:00Z")};
	busy[n++] = (cal_span){at("2026-12-07T08:20:00Z"), at("2026-12-07T08:40:00Z")};
	busy[n++] = (cal_span){at("2026-12-07T09:50:00Z"), at("2026-12-07T10:10:00Z")};
	doc.n_closures = 0;
	doc.busy = busy;
	doc.n_busy = n;
	assert_int_equal(find_slots(&q, &doc, 1, &s), 4);
	assert_string_equal(starts(utc, s, 4), "09:00 10:30 11:00 11:30");
	/* An empty or backwards booking takes nothing. */
	busy[n - 1] = (cal_span){at("2026-12-07T11:10:00Z"), at("2026-12-07T11:10:00Z")};
	busy[n - 2] = (cal_span){at("2026-12-07T11:40:00Z"), at("2026-12-07T11:20:00Z")};
	assert_int_equal(find_slots(&q, &doc, 1, &s), 6);
}

static void every_need_takes_a_free_working_resource(void **state)
{
	(void)state;
	tz_zone *utc = zone("UTC");
	week_hours day_long = hours("{\"mon\": [[\"08:00\", \"17:00\"]]}"),
	           morning = hours("{\"mon\": [[\"09:00\", \"12:00\"]]}");
	cal_span closed[] = {{at("2026-12-07T09:00:00Z"), at("2026-12-07T12:00:00Z")}};
	slot_resource rs[] = {
	    {.kind = RES_ULTRASOUND_ROOM, .hours = &morning},  /* 0: room A, mornings */
	    {.kind = RES_CLINICIAN, .hours = &day_long},       /* 1: the clinician */
	    {.kind = RES_ULTRASOUND_ROOM, .hours = &day_long}, /* 2: room B */
	    {.kind = RES_NURSE, .hours = &day_long},           /* 3: a nurse */
	};
	cal_slot *s;
	slot_query q = query(utc, "2026-12-07", "2026-12-07", 45);
	q.needs[1] = ROOM;
	q.n_needs = 2;
	int n = find_slots(&q, rs, 4, &s);
	assert_int_equal(n, 12); /* 08:00 ... 16:15, 45 minutes each, the clinician leading */
	assert_int_equal(s[0].use[0], 1);
	assert_int_equal(s[0].use[1], 2); /* room A does not work at 08:00 */
	assert_int_equal(s[1].use[1], 2); /* nor at 08:45 */
	assert_int_equal(s[2].use[1], 0); /* 09:30: room A, the first of the kind */
	assert_int_equal(s[4].use[1], 0); /* 11:00-11:45: A works till 12:00 ... */
	assert_int_equal(s[5].use[1], 2); /* ... but 11:45-12:30 is past its morning */
	/* Room A closed: room B everywhere. Room B booked all day too: nothing. */
	rs[0].closures = closed;
	rs[0].n_closures = 1;
	n = find_slots(&q, rs, 4, &s);
	assert_int_equal(n, 12);
	for (int i = 0; i < n; i++)
		assert_int_equal(s[i].use[1], 2);
	cal_span all_day[] = {{at("2026-12-07T00:00:00Z"), at("2026-12-08T00:00:00Z")}};
	rs[2].busy = all_day;
	rs[2].n_busy = 1;
	assert_int_equal(find_slots(&q, rs, 4, &s), 0);
	rs[2].n_busy = 0;
	rs[0].n_closures = 0;
	/* Only room B: every slot uses it. Only the nurse: she cannot lead an injection. */
	q.only = 2;
	n = find_slots(&q, rs, 4, &s);
	assert_int_equal(n, 12);
	for (int i = 0; i < n; i++)
		assert_int_equal(s[i].use[1], 2);
	q.only = 3;
	assert_int_equal(find_slots(&q, rs, 4, &s), 0);
	/* Two clinicians needed at once: with one there is no slot; with two, each fills one. */
	q = query(utc, "2026-12-07", "2026-12-07", 45);
	q.needs[1] = CLIN;
	q.n_needs = 2;
	assert_int_equal(find_slots(&q, rs, 4, &s), 0);
	slot_resource two[] = {rs[1], rs[1]};
	n = find_slots(&q, two, 2, &s);
	assert_int_equal(n, 24); /* each leads once at every start */
	assert_int_equal(s[0].use[0], 0);
	assert_int_equal(s[0].use[1], 1);
	assert_int_equal(s[1].use[0], 1);
	assert_int_equal(s[1].use[1], 0);
	/* A follow-up takes a clinician or a nurse: both lead, in order of start, then of resource.
	 */
	week_hours early = hours("{\"mon\": [[\"08:00\", \"09:00\"]]}");
	slot_resource people[] = {{.kind = RES_NURSE, .hours = &early},
	                          {.kind = RES_PROCEDURE_ROOM, .hours = &early},
	                          {.kind = RES_CLINICIAN, .hours = &early}};
	q = query(utc, "2026-12-07", "2026-12-07", 20);
	q.needs[0] = CLIN | NURSE;
	n = find_slots(&q, people, 3, &s);
	assert_int_equal(n, 6);
	assert_string_equal(starts(utc, s, 6), "08:00 08:00 08:20 08:20 08:40 08:40");
	assert_int_equal(s[0].use[0], 0);
	assert_int_equal(s[1].use[0], 2);
	q.only = 2;
	assert_int_equal(find_slots(&q, people, 3, &s), 3);
	q.only = 1; /* a room cannot fill it */
	assert_int_equal(find_slots(&q, people, 3, &s), 0);
	/* A resource without hours (inactive) never works. */
	people[0].hours = NULL;
	q.only = -1;
	assert_int_equal(find_slots(&q, people, 3, &s), 3);
}

/* Slots of a night clinic 00:00-04:00 on one Sunday in zone z, 30 minutes each. */
static int night(const tz_zone *z, const char *date, cal_slot **s)
{
	week_hours h = hours("{\"sun\": [[\"00:00\", \"04:00\"]]}");
	slot_resource doc = {.kind = RES_CLINICIAN, .hours = &h};
	slot_query q = query(z, date, date, 30);
	int n = find_slots(&q, &doc, 1, s);
	for (int i = 1; i < n; i++) {
		assert_true((*s)[i].start >= (*s)[i - 1].end); /* none twice, none overlapping */
		assert_true((*s)[i].end - (*s)[i].start == 1800);
	}
	return n;
}

/* A booking at one start: the given resource must serve and work, the others are the first free
 * of their kinds; a need nothing can fill is named by its place. */
static void a_booking_fits_one_start(void **state)
{
	(void)state;
	tz_zone *utc = zone("UTC");
	week_hours h = hours("{\"mon\": [[\"08:00\", \"12:00\"]]}");
	cal_span busy[] = {{at("2026-12-07T09:00:00Z"), at("2026-12-07T09:30:00Z")}};
	slot_resource rs[] = {
	    {.kind = RES_CLINICIAN, .hours = &h, .busy = busy, .n_busy = 1},
	    {.kind = RES_CLINICIAN, .hours = &h},
	    {.kind = RES_ULTRASOUND_ROOM, .hours = &h},
	};
	slot_query q = {.zone = utc,
	                .from = day("2026-12-07"),
	                .minutes = 45,
	                .n_needs = 2,
	                .needs = {1u << RES_CLINICIAN, 1u << RES_ULTRASOUND_ROOM}};
	short use[SLOT_MAX_NEEDS] = {-1, -1, -1, -1};
	assert_int_equal(slots_fit(&ar, &q, rs, 3, at("2026-12-07T08:00:00Z"), use), 0);
	assert_int_equal(use[0], 0);
	assert_int_equal(use[1], 2);
	/* The first clinician is booked at 09:15: the second takes it. */
	short any[SLOT_MAX_NEEDS] = {-1, -1, -1, -1};
	assert_int_equal(slots_fit(&ar, &q, rs, 3, at("2026-12-07T09:15:00Z"), any), 0);
	assert_int_equal(any[0], 1);
	/* Chosen, the first clinician cannot: need 1 (the clinician) is named. */
	short mine[SLOT_MAX_NEEDS] = {0, -1, -1, -1};
	assert_int_equal(slots_fit(&ar, &q, rs, 3, at("2026-12-07T09:15:00Z"), mine), 1);
	/* Past the end of the hours (11:30 + 45 minutes): nobody works it. */
	short late[SLOT_MAX_NEEDS] = {-1, -1, -1, -1};
	assert_int_equal(slots_fit(&ar, &q, rs, 3, at("2026-12-07T11:30:00Z"), late), 1);
	/* The room is the one that fails when it is closed. */
	cal_span closed[] = {{at("2026-12-07T08:00:00Z"), at("2026-12-07T12:00:00Z")}};
	rs[2].closures = closed;
	rs[2].n_closures = 1;
	short room[SLOT_MAX_NEEDS] = {-1, -1, -1, -1};
	assert_int_equal(slots_fit(&ar, &q, rs, 3, at("2026-12-07T08:00:00Z"), room), 2);
	/* A resource of the wrong kind chosen for a need cannot fill it. */
	short wrong[SLOT_MAX_NEEDS] = {2, -1, -1, -1};
	assert_int_equal(slots_fit(&ar, &q, rs, 3, at("2026-12-07T08:00:00Z"), wrong), 1);
}

/* The moves an appointment may make, and the time it holds. */
static void appointment_moves(void **state)
{
	(void)state;
	assert_null(appt_move_refused("booked", "arrived"));
	assert_null(appt_move_refused("booked", "cancelled"));
	assert_null(appt_move_refused("booked", "no_show"));
	assert_null(appt_move_refused("arrived", "completed"));
	assert_non_null(appt_move_refused("booked", "completed"));
	assert_non_null(appt_move_refused("arrived", "cancelled"));
	assert_non_null(appt_move_refused("arrived", "arrived"));
	assert_non_null(appt_move_refused("completed", "no_show"));
	assert_non_null(appt_move_refused("cancelled", "booked"));
	assert_true(appt_holds_time("booked") && appt_holds_time("arrived") &&
	            appt_holds_time("completed"));
	assert_false(appt_holds_time("cancelled") || appt_holds_time("no_show"));
}

/* A series moved by days keeps its clock time, across both changes of New York's clocks; a time
 * the new day skips moves to the change; a zone without daylight saving moves by whole days. */
static void shifting_keeps_the_clock_time(void **state)
{
	(void)state;
	const tz_zone *ny = zone("America/New_York");
	/* Into summer time (2027-03-14): a day less an hour later in absolute time. */
	int64_t t = appt_shift_start(ny, at("2027-03-12T09:00:00-05:00"), 3);
	assert_string_equal(text(ny, t), "2027-03-15T09:00:00-04:00");
	assert_int_equal(t - at("2027-03-12T09:00:00-05:00"), 3 * 86400 - 3600);
	/* Back out of it (2027-11-07), and backwards across it. */
	assert_string_equal(text(ny, appt_shift_start(ny, at("2027-11-05T14:30:00-04:00"), 7)),
	                    "2027-11-12T14:30:00-05:00");
	assert_string_equal(text(ny, appt_shift_start(ny, at("2027-11-12T14:30:00-05:00"), -7)),
	                    "2027-11-05T14:30:00-04:00");
	/* 02:30 does not exist on 2027-03-14: the change itself, 03:00 summer time. */
	assert_string_equal(text(ny, appt_shift_start(ny, at("2027-03-13T02:30:00-05:00"), 1)),
	                    "2027-03-14T03:00:00-04:00");
	const tz_zone *tokyo = zone("Asia/Tokyo");
	assert_int_equal(appt_shift_start(tokyo, at("2027-03-12T09:00:00+09:00"), 30) -
	                     at("2027-03-12T09:00:00+09:00"),
	                 30 * 86400);
}

static void daylight_saving_days_in_new_york(void **state)
{
	(void)state;
	tz_zone *ny = zone("America/New_York");
	cal_slot *s;
	/* Spring forward, Sunday 2027-03-14: 00:00-04:00 lasts three hours; no slot at 02:xx. */
	int n = night(ny, "2027-03-14", &s);
	assert_int_equal(n, 6);
	const char *all = "";
	for (int i = 0; i < n; i++)
		all = arena_printf(&ar, "%s %s", all, text(ny, s[i].start));
	assert_string_equal(all, " 2027-03-14T00:00:00-05:00 2027-03-14T00:30:00-05:00"
	                         " 2027-03-14T01:00:00-05:00 2027-03-14T01:30:00-05:00"
	                         " 2027-03-14T03:00:00-04:00 2027-03-14T03:30:00-04:00");
	/* Fall back, Sunday 2027-11-07: five hours; 01:00 and 01:30 twice, at different
	 * instants. */
	n = night(ny, "2027-11-07", &s);
	assert_int_equal(n, 10);
	all = "";
	for (int i = 0; i < n; i++)
		all = arena_printf(&ar, "%s %s", all, text(ny, s[i].start));
	assert_string_equal(all, " 2027-11-07T00:00:00-04:00 2027-11-07T00:30:00-04:00"
	                         " 2027-11-07T01:00:00-04:00 2027-11-07T01:30:00-04:00"
	                         " 2027-11-07T01:00:00-05:00 2027-11-07T01:30:00-05:00"
	                         " 2027-11-07T02:00:00-05:00 2027-11-07T02:30:00-05:00"
	                         " 2027-11-07T03:00:00-05:00 2027-11-07T03:30:00-05:00");
	/* An ordinary Sunday: eight. */
	assert_int_equal(night(ny, "2027-03-07", &s), 8);
	/* A period wholly in the skipped hour has no slot; one across it only its real part. */
	week_hours gap = hours("{\"sun\": [[\"02:00\", \"02:30\"], [\"02:40\", \"03:40\"]]}");
	slot_resource doc = {.kind = RES_CLINICIAN, .hours = &gap};
	slot_query q = query(ny, "2027-03-14", "2027-03-14", 20);
	n = find_slots(&q, &doc, 1, &s);
	assert_int_equal(n, 2);
	assert_string_equal(text(ny, s[0].start), "2027-03-14T03:00:00-04:00");
	assert_string_equal(text(ny, s[1].start), "2027-03-14T03:20:00-04:00");
	/* Office hours the week of the change: the same local times, the offset moves. */
	week_hours office = hours("{\"fri\": [[\"08:00\", \"17:00\"]], \"mon\": [[\"08:00\", "
	                          "\"17:00\"]]}");
	doc.hours = &office;
	q = query(ny, "2027-03-12", "2027-03-15", 60);
	n = find_slots(&q, &doc, 1, &s);
	assert_int_equal(n, 18);
	assert_string_equal(text(ny, s[0].start), "2027-03-12T08:00:00-05:00");
	assert_string_equal(text(ny, s[9].start), "2027-03-15T08:00:00-04:00");
	assert_true(s[9].start - s[0].start == 3 * 86400 - 3600);
}

static void zones_without_daylight_saving(void **state)
{
	(void)state;
	cal_slot *s;
	tz_zone *tokyo = zone("Asia/Tokyo"), *utc = zone("UTC");
	assert_int_equal(night(tokyo, "2027-03-14", &s), 8);
	assert_string_equal(text(tokyo, s[4].start), "2027-03-14T02:00:00+09:00");
	assert_true(s[0].start == at("2027-03-13T15:00:00Z"));
	assert_int_equal(night(tokyo, "2027-11-07", &s), 8);
	assert_int_equal(night(utc, "2027-03-14", &s), 8);
	assert_string_equal(text(utc, s[7].start), "2027-03-14T03:30:00+00:00");
	assert_int_equal(night(utc, "2027-11-07", &s), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(zone_offsets_match_the_c_library),
	    cmocka_unit_test(new_york_daylight_saving_days),
	    cmocka_unit_test(shifting_keeps_the_clock_time),
	    cmocka_unit_test(instants_are_read_with_their_offset),
	    cmocka_unit_test(zone_files_are_checked),
	    cmocka_unit_test(working_hours_are_checked),
	    cmocka_unit_test(resources_and_closures_as_json),
	    cmocka_unit_test(appointment_types_file),
	    cmocka_unit_test(slots_follow_working_hours_and_the_grid),
	    cmocka_unit_test(closures_and_bookings_are_kept_free),
	    cmocka_unit_test(every_need_takes_a_free_working_resource),
	    cmocka_unit_test(a_booking_fits_one_start),
	    cmocka_unit_test(appointment_moves),
	    cmocka_unit_test(daylight_saving_days_in_new_york),
	    cmocka_unit_test(zones_without_daylight_saving),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
