/* Unit tests for the record layer (core/record.c and store/store_records.c) through two test kinds
 * described here: "gadget" uses every field type (text, date, enum, int with and without its own
 * message, real with a present flag, nullable bool, JSON, list, instant), a column named unlike its
 * field, a hidden field, changeable and fixed fields, and ends as entered in error; "widget" is
 * small and ends voided. Covers the description check, reading JSON on create and PATCH with every
 * error at its path, writing JSON, and the SQLite round trip with versions and audit rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/record.h"
#include "store/store.h"

/* ---- the test kinds ---- */

#define GADGET_MAX_TAGS 3

typedef struct gadget {
	const char *id;
	const char *patient_id;
	const char *label;   /* text, 1..20, changeable */
	const char *made_on; /* date, column made_date, fixed once created */
	const char *colour;  /* enum, changeable */
	int pieces;          /* int 0..10, generic message, fixed */
	int level;           /* int 1..5, its own message, changeable */
	double weight;       /* real 0.5..100, column weight_kg, nullable */
	int has_weight;
	int working; /* nullable bool: -1 is null */
	const char *note;
	const char *extra; /* JSON text, set by the server */
	const char *tags[GADGET_MAX_TAGS];
	int n_tags;
	const char *checked_at; /* instant, set by the server, fixed */
	int total;              /* hidden from JSON, changeable */
	const char *status;
	const char *error_reason;
	int version;
	const char *created_at;
	const char *updated_at;
	const char *updated_by;
} gadget;

static const char *const gadget_statuses[] = {"active", "entered_in_error", NULL};
static const char *const colours[] = {"red", "green", "blue", NULL};
static const char *const tag_names[] = {"a", "b", "c", "d", NULL};

static const rec_field gadget_fields[] = {
    REC_META_HEAD(gadget),
    {"label", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_REQUIRED, offsetof(gadget, label), 0, 20},
    {"made_on", "made_date", RT_DATE, RF_INPUT | RF_REQUIRED | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(gadget, made_on)},
    {"colour", NULL, RT_ENUM, RF_INPUT | RF_MUTABLE | RF_REQUIRED, offsetof(gadget, colour), 0, 0,
     0, 0, colours},
    {"pieces", NULL, RT_INT, RF_INPUT | RF_REQUIRED, offsetof(gadget, pieces), 0, 0, 0, 10},
    {"level", NULL, RT_INT, RF_INPUT | RF_MUTABLE | RF_REQUIRED, offsetof(gadget, level), 0, 0, 1,
     5, NULL, "must be a level from 1 (low) to 5 (high)"},
    {"weight", "weight_kg", RT_REAL, RF_INPUT | RF_MUTABLE | RF_NULLABLE, offsetof(gadget, weight),
     offsetof(gadget, has_weight), 0, 0.5, 100},
    {"working", NULL, RT_BOOL, RF_INPUT | RF_MUTABLE | RF_NULLABLE, offsetof(gadget, working)},
    {"note", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE | RF_PHI, offsetof(gadget, note), 0,
     50},
    {"extra", NULL, RT_JSON, RF_MUTABLE | RF_NULLABLE, offsetof(gadget, extra)},
    {"tags", NULL, RT_LIST, RF_MUTABLE, offsetof(gadget, tags), offsetof(gadget, n_tags),
     GADGET_MAX_TAGS, 0, 0, tag_names},
    {"checked_at", NULL, RT_INSTANT, RF_NULLABLE, offsetof(gadget, checked_at)},
    {"total", NULL, RT_INT, RF_MUTABLE | RF_HIDDEN, offsetof(gadget, total), 0, 0, 0, 1e6},
    REC_META_TAIL(gadget, error_reason),
};

/* A derived key, to show the kind's hook runs after the fields. */
static void gadget_json(json_t *out, const void *rec, const rec_ctx *cx)
{
	(void)cx;
	const gadget *g = rec;
	json_object_set_new(out, "score", json_integer(g->pieces * g->level));
}

static const rec_kind gadget_kind = {
    .name = "gadget",
    .table = "gadgets",
    .label = "gadget",
    .path = "/api/v1/gadgets",
    .size = sizeof(gadget),
    .fields = gadget_fields,
    .life = RL_ERROR,
    .statuses = gadget_statuses,
    .ended = "entered_in_error",
    .list_order = "made_date, created_at, id",
    .detail_field = "label",
    .eq_param = "colour",
    .eq_field = "colour",
    .range_field = "made_on",
    .to_json = gadget_json,
};

typedef struct widget {
	const char *id;
	const char *patient_id;
	const char *name;
	const char *day;
	int sealed; /* a required bool */
	const char *status;
	const char *void_reason;
	int version;
	const char *created_at;
	const char *updated_at;
	const char *updated_by;
} widget;

static const char *const widget_statuses[] = {"final", "voided", NULL};

static const rec_field widget_fields[] = {
    REC_META_HEAD(widget),
    {"name", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_REQUIRED, offsetof(widget, name), 0, 10},
    {"day", NULL, RT_DATE, RF_INPUT | RF_REQUIRED | RF_NOT_FUTURE, offsetof(widget, day)},
    {"sealed", NULL, RT_BOOL, RF_INPUT | RF_REQUIRED, offsetof(widget, sealed)},
    REC_META_TAIL(widget, void_reason),
};

static const rec_kind widget_kind = {
    .name = "widget",
    .table = "widgets",
    .label = "widget",
    .path = "/api/v1/widgets",
    .size = sizeof(widget),
    .fields = widget_fields,
    .life = RL_VOID,
    .statuses = widget_statuses,
    .ended = "voided",
    .list_order = "day, id",
};

/* ---- helpers ---- */

static const civil_date today = {2026, 11, 25};
#define BIRTH "1950-06-15"
#define NOW "2026-11-25T10:00:00Z"

/* A copy of fields (terminator included) that a test may break; skip: a field to leave out. */
static void copy_fields(rec_field *dst, size_t cap, const rec_field *src, const char *skip)
{
	size_t n = 0;
	for (; src->name; src++)
		if (!skip || strcmp(src->name, skip) != 0) {
			assert_true(n + 1 < cap);
			dst[n++] = *src;
		}
	memset(&dst[n], 0, sizeof dst[n]);
}

static rec_field *field_in(rec_field *fields, const char *name)
{
	for (rec_field *f = fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	fail_msg("no field %s", name);
	return NULL;
}

/* Reading JSON: an arena, the error list and the context of a patient born BIRTH. */
typedef struct reader {
	arena a;
	vctx v;
	rec_ctx cx;
} reader;

static void reader_init(reader *r)
{
	arena_init(&r->a);
	vctx_init(&r->v, &r->a);
	memset(&r->cx, 0, sizeof r->cx);
	r->cx.a = &r->a;
	r->cx.birth_date = BIRTH;
	r->cx.today = today;
	r->cx.now = NOW;
}

static int reader_setup(void **state)
{
	reader *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	reader_init(r);
	*state = r;
	return 0;
}

static int reader_teardown(void **state)
{
	reader *r = *state;
	arena_free(&r->a);
	free(r);
	return 0;
}

/* Reads text into rec with a fresh error list; returns rec_from_json's count. */
static int read_json(reader *r, const rec_kind *k, const char *text, void *rec, int partial)
{
	json_error_t e;
	json_t *body = json_loads(text, 0, &e);
	if (!body)
		fail_msg("bad test JSON %s: %s", text, e.text);
	vctx_init(&r->v, &r->a);
	int n = rec_from_json(&r->v, k, body, rec, partial, &r->cx);
	json_decref(body);
	assert_int_equal(n, r->v.n);
	return n;
}

/* The errors at path, and the first one's message (NULL when none). */
static int errors_at(const vctx *v, const char *path)
{
	int n = 0;
	for (int i = 0; i < v->n; i++)
		n += strcmp(v->items[i].path, path) == 0;
	return n;
}

static const char *message_at(const vctx *v, const char *path)
{
	for (int i = 0; i < v->n; i++)
		if (strcmp(v->items[i].path, path) == 0)
			return v->items[i].message;
	return NULL;
}

static void expect_error(const vctx *v, const char *path, const char *message)
{
	if (errors_at(v, path) != 1)
		fail_msg("%d errors at %s, wanted 1", errors_at(v, path), path);
	assert_string_equal(message_at(v, path), message);
}

static void assert_same_text(const char *want, const char *got)
{
	if (!want)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void assert_gadget_equal(const gadget *want, const gadget *got)
{
	assert_same_text(want->id, got->id);
	assert_same_text(want->patient_id, got->patient_id);
	assert_same_text(want->label, got->label);
	assert_same_text(want->made_on, got->made_on);
	assert_same_text(want->colour, got->colour);
	assert_int_equal(want->pieces, got->pieces);
	assert_int_equal(want->level, got->level);
	assert_int_equal(want->has_weight, got->has_weight);
	if (want->has_weight)
		assert_true(want->weight == got->weight);
	assert_int_equal(want->working, got->working);
	assert_same_text(want->note, got->note);
	assert_same_text(want->extra, got->extra);
	assert_int_equal(want->n_tags, got->n_tags);
	for (int i = 0; i < want->n_tags; i++)
		assert_same_text(want->tags[i], got->tags[i]);
	assert_same_text(want->checked_at, got->checked_at);
	assert_int_equal(want->total, got->total);
	assert_same_text(want->status, got->status);
	assert_same_text(want->error_reason, got->error_reason);
	assert_int_equal(want->version, got->version);
	assert_same_text(want->created_at, got->created_at);
	assert_same_text(want->updated_at, got->updated_at);
	assert_same_text(want->updated_by, got->updated_by);
}

static const char *const full_body = "{\"label\":\"Blue box\",\"made_on\":\"2020-05-01\","
                                     "\"colour\":\"green\",\"pieces\":3,\"level\":2,"
                                     "\"weight\":12.5,\"working\":true,\"note\":\"fine\"}";

/* A gadget read from full_body, as a create would have it. */
static void read_full(reader *r, gadget *g)
{
	memset(g, 0, sizeof *g);
	assert_int_equal(read_json(r, &gadget_kind, full_body, g, 0), 0);
}

/* ---- the description check ---- */

static void expect_refused(const rec_kind *k, const char *field, const char *why)
{
	char err[256] = "";
	assert_int_equal(rec_kind_check(k, err, sizeof err), -1);
	if (!strstr(err, k->name) || !strstr(err, field) || !strstr(err, why))
		fail_msg("message \"%s\" does not name %s and say %s", err, field, why);
}

static void kind_check_accepts_good_and_refuses_broken(void **state)
{
	(void)state;
	char err[256] = "";
	assert_int_equal(rec_kind_check(&gadget_kind, err, sizeof err), 0);
	assert_int_equal(rec_kind_check(&widget_kind, err, sizeof err), 0);
	int shipped = 0, has_diary = 0, has_medication = 0;
	for (const rec_kind *const *k = rec_kinds; *k; k++, shipped++) {
		if (rec_kind_check(*k, err, sizeof err) != 0)
			fail_msg("shipped kind %s refused: %s", (*k)->name, err);
		has_diary |= *k == &rk_diary;
		has_medication |= *k == &rk_medication;
	}
	assert_true(shipped >= 5);
	assert_true(has_diary && has_medication);
	assert_string_equal(err, ""); /* nothing written when all is well */

	rec_field fs[40];
	rec_kind k = gadget_kind;
	k.fields = fs;

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "weight")->has_off = 0;
	expect_refused(&k, "weight", "needs has_off");

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "tags")->has_off = 0;
	expect_refused(&k, "tags", "needs has_off");

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "colour")->choices = NULL;
	expect_refused(&k, "colour", "input enum without choices");
	field_in(fs, "colour")->flags &=
	    ~(unsigned)RF_INPUT; /* a server-set enum may be any text */
	assert_int_equal(rec_kind_check(&k, err, sizeof err), 0);

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "label")->max_len = 0;
	expect_refused(&k, "label", "input text without max_len");

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "extra")->flags |= RF_INPUT;
	expect_refused(&k, "extra", "only a parse hook can read");

	/* References and find fields name fields of the kind, of a type they can use. */
	copy_fields(fs, 40, gadget_fields, NULL);
	const rec_ref bad_ref[] = {{"nope", &widget_kind, "a widget"}, {NULL, NULL, NULL}};
	k.refs = bad_ref;
	expect_refused(&k, "nope", "reference");
	const rec_ref real_ref[] = {{"weight", &widget_kind, "a widget"}, {NULL, NULL, NULL}};
	k.refs = real_ref;
	expect_refused(&k, "weight", "not a text field");
	k.refs = NULL;
	static const char *const bad_find[] = {"weight", NULL};
	k.find_fields = bad_find;
	expect_refused(&k, "weight", "find field");
	static const char *const good_find[] = {"label", "tags", NULL};
	k.find_fields = good_find;
	assert_int_equal(rec_kind_check(&k, err, sizeof err), 0);
	k.find_fields = NULL;
	static const char *const bad_unique[] = {"tags", NULL};
	k.unique_fields = bad_unique;
	expect_refused(&k, "tags", "unique field");
	static const char *const good_unique[] = {"label", NULL};
	k.unique_fields = good_unique;
	assert_int_equal(rec_kind_check(&k, err, sizeof err), 0);
	k.unique_fields = NULL;

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "checked_at")->flags |= RF_INPUT;
	expect_refused(&k, "checked_at", "only a parse hook can read");

	static const char *const metas[] = {"id",         "patient_id", "status",     "version",
	                                    "created_at", "updated_at", "updated_by", NULL};
	for (const char *const *m = metas; *m; m++) {
		copy_fields(fs, 40, gadget_fields, *m);
		expect_refused(&k, *m, "lacks the meta member");
	}

	/* A text member whose offset is beyond the record's size. */
	copy_fields(fs, 40, gadget_fields, NULL);
	k.size = offsetof(gadget, checked_at);
	expect_refused(&k, "checked_at", "offset past the end");
	k.size = sizeof(gadget);

	k.statuses = NULL;
	expect_refused(&k, "", "no statuses");
	k.statuses = gadget_statuses;
	k.ended = NULL;
	expect_refused(&k, "", "no final status");
	k.ended = "entered_in_error";
	k.eq_field = NULL;
	expect_refused(&k, "", "only one of eq_param and eq_field");
	k.eq_field = "colour";
	assert_int_equal(rec_kind_check(&k, err, sizeof err), 0);
}

/* rec_kind_check says it checks offsets, but its bound is "off + sizeof(void *) > size" and only
 * for types other than RT_INT and RT_BOOL: an int or bool member, a present flag or count
 * (has_off), or a list's max_len items that lie past the end of the record all pass, and the
 * readers (read_field, read_row, read_list) then write there. */
static void kind_check_refuses_members_past_the_end(void **state)
{
	(void)state;
	rec_field fs[40];
	rec_kind k = gadget_kind;
	k.fields = fs;
	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "pieces")->off = sizeof(gadget) + 64;
	expect_refused(&k, "pieces", "past the end");

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "working")->off = sizeof(gadget);
	expect_refused(&k, "working", "past the end");

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "weight")->has_off = sizeof(gadget) + 64;
	expect_refused(&k, "weight", "past the end");

	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "tags")->max_len = 64; /* 64 pointers from tags run far past the struct */
	expect_refused(&k, "tags", "past the end");
}

/* record.c's reason_field() takes the field right after status as the reason member, and
 * rec_meta_of, rec_set_life and read_life use it as a const char *. rec_kind_check does not look
 * for it: without it, the next field (version, an int) passes for the reason. */
static void kind_check_refuses_a_missing_reason_member(void **state)
{
	(void)state;
	char err[256] = "";
	rec_field fs[40];
	rec_kind k = gadget_kind;
	k.fields = fs;
	copy_fields(fs, 40, gadget_fields, "error_reason");
	assert_int_equal(rec_kind_check(&k, err, sizeof err), -1);
	assert_non_null(strstr(err, "gadget"));
}

/* ---- the lifecycle members ---- */

static void lifecycle_members(void **state)
{
	(void)state;
	gadget g;
	memset(&g, 0, sizeof g);
	rec_set_new(&gadget_kind, &g, "g-1", "p-1", NOW, "staff-1");
	assert_string_equal(g.id, "g-1");
	assert_string_equal(g.patient_id, "p-1");
	assert_string_equal(g.status, "active");
	assert_null(g.error_reason);
	assert_int_equal(g.version, 1);
	assert_string_equal(g.created_at, NOW);
	assert_string_equal(g.updated_at, NOW);
	assert_string_equal(g.updated_by, "staff-1");
	assert_int_equal(rec_ended(&gadget_kind, &g), 0);

	rec_meta m = rec_meta_of(&gadget_kind, &g);
	assert_ptr_equal(m.id, g.id);
	assert_ptr_equal(m.patient_id, g.patient_id);
	assert_ptr_equal(m.status, g.status);
	assert_int_equal(m.version, 1);

	/* NULLs leave members as they are; the version is always set. */
	rec_set_life(&gadget_kind, &g, NULL, NULL, 2, NULL, NULL);
	assert_string_equal(g.status, "active");
	assert_int_equal(g.version, 2);
	assert_string_equal(g.updated_at, NOW);
	assert_string_equal(g.updated_by, "staff-1");
	rec_set_life(&gadget_kind, &g, "entered_in_error", "duplicate", 3, "2026-11-26T08:00:00Z",
	             "staff-2");
	assert_int_equal(rec_ended(&gadget_kind, &g), 1);
	m = rec_meta_of(&gadget_kind, &g);
	assert_string_equal(g.error_reason, "duplicate");
	assert_int_equal(m.version, 3);
	assert_string_equal(g.updated_at, "2026-11-26T08:00:00Z");
	assert_string_equal(g.updated_by, "staff-2");
	assert_string_equal(g.created_at, NOW);

	widget w;
	memset(&w, 0, sizeof w);
	rec_set_new(&widget_kind, &w, "w-1", "p-1", NOW, NULL);
	assert_string_equal(w.status, "final");
	assert_null(w.updated_by);
	assert_int_equal(rec_ended(&widget_kind, &w), 0);
	rec_set_life(&widget_kind, &w, "voided", "typo", 2, NOW, "staff-1");
	assert_int_equal(rec_ended(&widget_kind, &w), 1);
	assert_string_equal(w.void_reason, "typo");
}

/* ---- reading JSON on create ---- */

static void create_reads_a_full_body(void **state)
{
	reader *r = *state;
	gadget g;
	read_full(r, &g);
	assert_string_equal(g.label, "Blue box");
	assert_string_equal(g.made_on, "2020-05-01");
	assert_string_equal(g.colour, "green");
	assert_ptr_equal(g.colour, colours[1]); /* the catalogue's string */
	assert_int_equal(g.pieces, 3);
	assert_int_equal(g.level, 2);
	assert_true(g.weight == 12.5);
	assert_int_equal(g.has_weight, 1);
	assert_int_equal(g.working, 1);
	assert_string_equal(g.note, "fine");
	/* Server-set members and the lifecycle are left alone. */
	assert_null(g.extra);
	assert_int_equal(g.n_tags, 0);
	assert_null(g.checked_at);
	assert_int_equal(g.total, 0);
	assert_null(g.id);
	assert_null(g.status);
	assert_int_equal(g.version, 0);

	/* Optional fields may be left out or sent as null; an integer is a fine real; the limits
	 * themselves are inside the ranges; today and the birth date are allowed dates. */
	memset(&g, 0, sizeof g);
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"label\":\"x\",\"made_on\":\"2026-11-25\",\"colour\":\"red\","
	                           "\"pieces\":10,\"level\":5,\"weight\":100,\"working\":null,"
	                           "\"note\":null}",
	                           &g, 0),
	                 0);
	assert_true(g.weight == 100.0);
	assert_int_equal(g.has_weight, 1);
	assert_int_equal(g.working, -1);
	assert_null(g.note);
	assert_int_equal(g.pieces, 10);
	assert_int_equal(g.level, 5);
	memset(&g, 0, sizeof g);
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"label\":\"x\",\"made_on\":\"" BIRTH "\",\"colour\":\"blue\","
	                           "\"pieces\":0,\"level\":1,\"weight\":0.5}",
	                           &g, 0),
	                 0);
	assert_int_equal(g.has_weight, 1);
	assert_int_equal(g.working, -1); /* absent on create: not said, so unknown (null) */
	assert_string_equal(g.made_on, BIRTH);

	/* The widget: a required bool given as false. */
	widget w;
	memset(&w, 0, sizeof w);
	w.sealed = 7;
	assert_int_equal(read_json(r, &widget_kind,
	                           "{\"name\":\"w\",\"day\":\"2026-01-02\",\"sealed\":false}", &w,
	                           0),
	                 0);
	assert_int_equal(w.sealed, 0);
	assert_string_equal(w.name, "w");
}

static void create_reports_every_wrong_field(void **state)
{
	reader *r = *state;
	gadget g;
	memset(&g, 0, sizeof g);
	int n = read_json(r, &gadget_kind,
	                  "{\"label\":\"abcdefghijklmnopqrstuvwxyz\",\"made_on\":\"2026-11-26\","
	                  "\"colour\":\"purple\",\"pieces\":11,\"level\":0,\"weight\":0.25,"
	                  "\"working\":\"yes\",\"note\":12,\"size\":1,\"extra\":{},\"total\":3,"
	                  "\"weight_kg\":3,\"id\":\"mine\",\"status\":7}",
	                  &g, 0);
	expect_error(&r->v, "label", "must be at most 20 characters");
	expect_error(&r->v, "made_on", "cannot be in the future");
	expect_error(&r->v, "colour", "must be one of: red, green, blue");
	expect_error(&r->v, "pieces", "must be a whole number from 0 to 10");
	expect_error(&r->v, "level", "must be a level from 1 (low) to 5 (high)");
	expect_error(&r->v, "weight", "must be a number from 0.5 to 100");
	expect_error(&r->v, "working", "must be true or false");
	expect_error(&r->v, "note", "must be a string");
	/* Keys that are no input field: unknown, server-set, hidden, a column name, meta. */
	expect_error(&r->v, "size", "unknown field");
	expect_error(&r->v, "extra", "unknown field");
	expect_error(&r->v, "total", "unknown field");
	expect_error(&r->v, "weight_kg", "unknown field");
	expect_error(&r->v, "id", "unknown field");
	/* status: 7 is not a status; whether the key itself is allowed on create is the subject of
	 * create_refuses_status_and_reason; here one error at status either way. */
	assert_int_equal(errors_at(&r->v, "status"), 1);
	assert_int_equal(n, 14);
	/* Nothing wrong was stored. */
	assert_null(g.label);
	assert_null(g.made_on);
	assert_null(g.colour);
	assert_int_equal(g.pieces, 0);
	assert_int_equal(g.level, 0);
	assert_int_equal(g.has_weight, 0);
	assert_int_equal(g.working, 0);
	assert_null(g.note);
	assert_null(g.id);

	/* Dates: before birth (the message names it), not a real date, not the format, not text;
	 * wrong types for the numbers. */
	n = read_json(r, &gadget_kind,
	              "{\"label\":\"  \",\"made_on\":\"1950-06-14\",\"colour\":3,\"pieces\":2.5,"
	              "\"level\":\"3\",\"weight\":\"12\",\"working\":1}",
	              &g, 0);
	assert_int_equal(n, 7);
	expect_error(&r->v, "label", "must not be blank");
	expect_error(&r->v, "made_on", "cannot be before the patient's birth date (1950-06-15)");
	expect_error(&r->v, "colour", "must be one of: red, green, blue");
	expect_error(&r->v, "pieces", "must be a whole number from 0 to 10");
	expect_error(&r->v, "level", "must be a level from 1 (low) to 5 (high)");
	expect_error(&r->v, "weight", "must be a number from 0.5 to 100");
	expect_error(&r->v, "working", "must be true or false");
	static const char *const bad_dates[] = {"2021-02-29", "2021-13-01", "21-01-01", "yesterday",
	                                        NULL};
	for (const char *const *d = bad_dates; *d; d++) {
		char *text = arena_printf(&r->a,
		                          "{\"label\":\"x\",\"made_on\":\"%s\",\"colour\":\"red\","
		                          "\"pieces\":1,\"level\":1}",
		                          *d);
		memset(&g, 0, sizeof g);
		assert_int_equal(read_json(r, &gadget_kind, text, &g, 0), 1);
		expect_error(&r->v, "made_on", "must be a real date written YYYY-MM-DD");
		assert_null(g.made_on);
	}
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"label\":\"x\",\"made_on\":20200101,\"colour\":\"red\","
	                           "\"pieces\":1,\"level\":1}",
	                           &g, 0),
	                 1);
	expect_error(&r->v, "made_on", "must be a string");
	/* Without a birth date there is no lower bound. */
	r->cx.birth_date = NULL;
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"label\":\"x\",\"made_on\":\"1900-01-01\",\"colour\":\"red\","
	                           "\"pieces\":1,\"level\":1}",
	                           &g, 0),
	                 0);
}

static void create_reports_every_missing_field(void **state)
{
	reader *r = *state;
	gadget g;
	memset(&g, 0, sizeof g);
	/* Five required input fields, all reported at once; the optional ones are not. */
	assert_int_equal(read_json(r, &gadget_kind, "{}", &g, 0), 5);
	expect_error(&r->v, "label", "is required");
	expect_error(&r->v, "made_on", "is required");
	expect_error(&r->v, "colour", "is required");
	assert_int_equal(errors_at(&r->v, "pieces"), 1);
	expect_error(&r->v, "level", "must be a level from 1 (low) to 5 (high)");
	assert_int_equal(
	    errors_at(&r->v, "weight") + errors_at(&r->v, "working") + errors_at(&r->v, "note"), 0);
	/* Null is no value either. */
	assert_int_equal(
	    read_json(r, &gadget_kind,
	              "{\"label\":null,\"made_on\":null,\"colour\":null,\"pieces\":null,"
	              "\"level\":null,\"weight\":2}",
	              &g, 0),
	    5);
	expect_error(&r->v, "label", "is required");
	expect_error(&r->v, "made_on", "is required");
	expect_error(&r->v, "colour", "is required");
	assert_int_equal(errors_at(&r->v, "pieces"), 1);
	assert_int_equal(errors_at(&r->v, "level"), 1);
	/* The widget: two missing, one wrong. */
	widget w;
	memset(&w, 0, sizeof w);
	assert_int_equal(read_json(r, &widget_kind, "{\"sealed\":\"no\"}", &w, 0), 3);
	expect_error(&r->v, "name", "is required");
	expect_error(&r->v, "day", "is required");
	expect_error(&r->v, "sealed", "must be true or false");
}

/* record.h: on create only RF_INPUT fields are read; status and reason are for PATCH of RL_ERROR
 * kinds. rec_from_json accepts them on create too (allowed_keys and read_life ignore partial),
 * and rec_set_new keeps a status already set, so a POST can create a record already entered in
 * error. Shown on the test kind and on the shipped medication kind. */
static void create_refuses_status_and_reason(void **state)
{
	reader *r = *state;
	gadget g;
	memset(&g, 0, sizeof g);
	int n = read_json(r, &gadget_kind,
	                  "{\"label\":\"x\",\"made_on\":\"2020-01-01\",\"colour\":\"red\","
	                  "\"pieces\":1,\"level\":1,\"status\":\"entered_in_error\","
	                  "\"error_reason\":\"made up\"}",
	                  &g, 0);
	assert_null(g.status);
	assert_null(g.error_reason);
	expect_error(&r->v, "status", "unknown field");
	expect_error(&r->v, "error_reason", "unknown field");
	assert_int_equal(n, 2);

	medication m;
	memset(&m, 0, sizeof m);
	n = read_json(r, &rk_medication,
	              "{\"drug\":\"aspirin\",\"status\":\"entered_in_error\","
	              "\"void_reason\":\"made up\"}",
	              &m, 0);
	assert_null(m.status);
	expect_error(&r->v, "status", "unknown field");
	expect_error(&r->v, "void_reason", "unknown field");
	assert_int_equal(n, 2);
}

/* record.h: on create "required ones must be there", bools too. (At HEAD read_field's RT_BOOL
 * case called jv_bool, which ignores an absent key, so an absent required bool was stored as a
 * false nobody sent.) */
static void create_requires_a_required_bool(void **state)
{
	reader *r = *state;
	widget w;
	memset(&w, 0, sizeof w);
	int n = read_json(r, &widget_kind, "{\"name\":\"w\",\"day\":\"2026-01-02\"}", &w, 0);
	assert_int_equal(errors_at(&r->v, "sealed"), 1);
	assert_true(strncmp(message_at(&r->v, "sealed"), "is required", 11) == 0);
	assert_int_equal(n, 1);
	/* Null is no value either. */
	n = read_json(r, &widget_kind, "{\"name\":\"w\",\"day\":\"2026-01-02\",\"sealed\":null}",
	              &w, 0);
	assert_int_equal(errors_at(&r->v, "sealed"), 1);
	assert_int_equal(n, 1);
}

/* ---- reading JSON on PATCH ---- */

static void patch_changes_only_what_is_sent(void **state)
{
	reader *r = *state;
	gadget g, before;
	read_full(r, &g);
	g.extra = "{\"k\":1}";
	g.tags[0] = "a";
	g.n_tags = 1;
	g.total = 9;
	rec_set_new(&gadget_kind, &g, "g-1", "p-1", NOW, "staff-1");
	before = g;

	/* One key: only it changes. */
	assert_int_equal(read_json(r, &gadget_kind, "{\"level\":4}", &g, 1), 0);
	assert_int_equal(g.level, 4);
	before.level = 4;
	assert_gadget_equal(&before, &g);

	/* Null clears nullable text, real (its flag drops) and bool (-1). */
	assert_int_equal(
	    read_json(r, &gadget_kind, "{\"note\":null,\"weight\":null,\"working\":null}", &g, 1),
	    0);
	assert_null(g.note);
	assert_int_equal(g.has_weight, 0);
	assert_int_equal(g.working, -1);
	assert_string_equal(g.label, "Blue box");
	assert_string_equal(g.colour, "green");
	assert_int_equal(g.level, 4);
	/* And back. */
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"note\":\"again\",\"weight\":2,\"working\":false,"
	                           "\"label\":\"Red box\",\"colour\":\"red\"}",
	                           &g, 1),
	                 0);
	assert_string_equal(g.note, "again");
	assert_true(g.weight == 2.0);
	assert_int_equal(g.has_weight, 1);
	assert_int_equal(g.working, 0);
	assert_string_equal(g.label, "Red box");
	assert_string_equal(g.colour, "red");
	before = g;

	/* Fixed input fields, server-set fields and meta are unknown to a PATCH; nothing moves. */
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"made_on\":\"2021-01-01\",\"pieces\":1,\"extra\":null,"
	                           "\"tags\":[],\"total\":1,\"checked_at\":\"x\",\"version\":5,"
	                           "\"id\":\"g-2\"}",
	                           &g, 1),
	                 8);
	static const char *const fixed[] = {"made_on",    "pieces",  "extra", "tags", "total",
	                                    "checked_at", "version", "id",    NULL};
	for (const char *const *k = fixed; *k; k++)
		expect_error(&r->v, *k, "unknown field");
	assert_gadget_equal(&before, &g);

	/* A required field may be left out of a PATCH but not cleared; wrong values are refused
	 * and leave the old ones. */
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"label\":null,\"colour\":null,\"level\":9,\"weight\":500,"
	                           "\"working\":\"maybe\"}",
	                           &g, 1),
	                 5);
	expect_error(&r->v, "label", "is required");
	expect_error(&r->v, "colour", "is required");
	expect_error(&r->v, "level", "must be a level from 1 (low) to 5 (high)");
	expect_error(&r->v, "weight", "must be a number from 0.5 to 100");
	expect_error(&r->v, "working", "must be true or false");
	assert_gadget_equal(&before, &g);
}

static void patch_ends_a_record_with_a_reason(void **state)
{
	reader *r = *state;
	gadget g, before;
	read_full(r, &g);
	rec_set_new(&gadget_kind, &g, "g-1", "p-1", NOW, "staff-1");
	before = g;

	/* Ended without a reason: the error is at the kind's reason member. */
	assert_int_equal(read_json(r, &gadget_kind, "{\"status\":\"entered_in_error\"}", &g, 1), 1);
	expect_error(&r->v, "error_reason", "is required when a gadget is marked entered_in_error");
	g = before;
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"status\":\"entered_in_error\",\"error_reason\":null}", &g,
	                           1),
	                 1);
	expect_error(&r->v, "error_reason", "is required when a gadget is marked entered_in_error");
	g = before;
	assert_int_equal(read_json(r, &gadget_kind, "{\"status\":\"broken\"}", &g, 1), 1);
	expect_error(&r->v, "status", "must be one of: active, entered_in_error");
	assert_string_equal(g.status, "active");
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"status\":\"entered_in_error\",\"error_reason\":\"\"}", &g,
	                           1),
	                 1);
	assert_int_equal(errors_at(&r->v, "error_reason"), 1);
	g = before;
	assert_int_equal(rec_ended(&gadget_kind, &g), 0);

	/* With the reason it is accepted; a field may change in the same PATCH. */
	assert_int_equal(read_json(r, &gadget_kind,
	                           "{\"status\":\"entered_in_error\",\"error_reason\":\"wrong "
	                           "patient\",\"note\":\"see reason\"}",
	                           &g, 1),
	                 0);
	assert_int_equal(rec_ended(&gadget_kind, &g), 1);
	assert_string_equal(g.status, "entered_in_error");
	assert_string_equal(g.error_reason, "wrong patient");
	assert_string_equal(g.note, "see reason");
	assert_int_equal(g.version, 1); /* the caller bumps it */

	/* A voided kind ends through its own endpoint: status and reason are unknown to PATCH. */
	widget w;
	memset(&w, 0, sizeof w);
	rec_set_new(&widget_kind, &w, "w-1", "p-1", NOW, NULL);
	w.name = "old";
	w.day = "2026-01-01";
	assert_int_equal(read_json(r, &widget_kind,
	                           "{\"status\":\"voided\",\"void_reason\":\"x\",\"day\":"
	                           "\"2026-02-02\",\"sealed\":true}",
	                           &w, 1),
	                 4);
	expect_error(&r->v, "status", "unknown field");
	expect_error(&r->v, "void_reason", "unknown field");
	expect_error(&r->v, "day", "unknown field");
	expect_error(&r->v, "sealed", "unknown field");
	assert_string_equal(w.status, "final");
	assert_null(w.void_reason);
	assert_string_equal(w.day, "2026-01-01");
	assert_int_equal(read_json(r, &widget_kind, "{\"name\":\"new\"}", &w, 1), 0);
	assert_string_equal(w.name, "new");
	assert_int_equal(rec_ended(&widget_kind, &w), 0);
}

/* ---- writing JSON ---- */

static void to_json_writes_every_shown_field(void **state)
{
	reader *r = *state;
	gadget g;
	memset(&g, 0, sizeof g);
	g.label = "L";
	g.made_on = "2020-01-02";
	g.colour = "blue";
	g.pieces = 2;
	g.level = 3;
	g.weight = 99.0; /* not shown: its flag is 0 */
	g.has_weight = 0;
	g.working = -1;
	g.note = NULL;
	g.extra = "{\"a\":[1,2],\"b\":\"c\"}";
	g.tags[0] = "a";
	g.tags[1] = "c";
	g.tags[2] = "never shown"; /* past the count */
	g.n_tags = 2;
	g.checked_at = "2026-11-24T09:30:00Z";
	g.total = 77;
	rec_set_new(&gadget_kind, &g, "g-1", "p-1", NOW, NULL);

	json_t *o = rec_to_json(&gadget_kind, &g, &r->cx);
	assert_non_null(o);
	/* Every field but the hidden one, and the kind's derived key. */
	size_t shown = 0;
	for (const rec_field *f = gadget_fields; f->name; f++)
		shown += !(f->flags & RF_HIDDEN);
	assert_int_equal(shown, 19);
	assert_int_equal(json_object_size(o), shown + 1);
	assert_string_equal(json_string_value(json_object_get(o, "id")), "g-1");
	assert_string_equal(json_string_value(json_object_get(o, "patient_id")), "p-1");
	assert_string_equal(json_string_value(json_object_get(o, "label")), "L");
	assert_string_equal(json_string_value(json_object_get(o, "made_on")), "2020-01-02");
	assert_string_equal(json_string_value(json_object_get(o, "colour")), "blue");
	assert_true(json_is_integer(json_object_get(o, "pieces")));
	assert_int_equal(json_integer_value(json_object_get(o, "pieces")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "level")), 3);
	assert_true(json_is_null(json_object_get(o, "weight")));
	assert_true(json_is_null(json_object_get(o, "working")));
	assert_true(json_is_null(json_object_get(o, "note")));
	json_t *extra = json_object_get(o, "extra");
	assert_true(json_is_object(extra));
	assert_int_equal(json_array_size(json_object_get(extra, "a")), 2);
	assert_string_equal(json_string_value(json_object_get(extra, "b")), "c");
	json_t *tags = json_object_get(o, "tags");
	assert_true(json_is_array(tags));
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "a");
	assert_string_equal(json_string_value(json_array_get(tags, 1)), "c");
	assert_string_equal(json_string_value(json_object_get(o, "checked_at")),
	                    "2026-11-24T09:30:00Z");
	assert_string_equal(json_string_value(json_object_get(o, "status")), "active");
	assert_true(json_is_null(json_object_get(o, "error_reason")));
	assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(o, "created_at")), NOW);
	assert_string_equal(json_string_value(json_object_get(o, "updated_at")), NOW);
	assert_true(json_is_null(json_object_get(o, "updated_by")));
	assert_int_equal(json_integer_value(json_object_get(o, "score")), 6);
	/* The hidden field and the column names are not keys. */
	assert_null(json_object_get(o, "total"));
	assert_null(json_object_get(o, "made_date"));
	assert_null(json_object_get(o, "weight_kg"));
	assert_null(json_object_get(o, "has_weight"));
	assert_null(json_object_get(o, "n_tags"));
	json_decref(o);

	/* The other values: a real with its flag, true and false, no JSON, bad JSON, no tags. */
	g.weight = 12.25;
	g.has_weight = 1;
	g.working = 1;
	g.note = "n";
	g.extra = NULL;
	g.n_tags = 0;
	o = rec_to_json(&gadget_kind, &g, &r->cx);
	assert_true(json_is_real(json_object_get(o, "weight")));
	assert_true(json_real_value(json_object_get(o, "weight")) == 12.25);
	assert_true(json_is_true(json_object_get(o, "working")));
	assert_string_equal(json_string_value(json_object_get(o, "note")), "n");
	assert_true(json_is_null(json_object_get(o, "extra")));
	assert_true(json_is_array(json_object_get(o, "tags")));
	assert_int_equal(json_array_size(json_object_get(o, "tags")), 0);
	json_decref(o);
	g.working = 0;
	g.extra = "{not json";
	o = rec_to_json(&gadget_kind, &g, &r->cx);
	assert_true(json_is_false(json_object_get(o, "working")));
	assert_true(json_is_null(json_object_get(o, "extra")));
	json_decref(o);

	/* What rec_to_json writes, rec_from_json reads back (the input fields). */
	gadget back;
	memset(&back, 0, sizeof back);
	g.extra = NULL;
	o = rec_to_json(&gadget_kind, &g, &r->cx);
	json_t *body = json_object();
	static const char *const inputs[] = {"label",  "made_on", "colour", "pieces", "level",
	                                     "weight", "working", "note",   NULL};
	for (const char *const *k = inputs; *k; k++)
		json_object_set(body, *k, json_object_get(o, *k));
	vctx_init(&r->v, &r->a);
	assert_int_equal(rec_from_json(&r->v, &gadget_kind, body, &back, 0, &r->cx), 0);
	assert_string_equal(back.label, g.label);
	assert_string_equal(back.made_on, g.made_on);
	assert_string_equal(back.colour, g.colour);
	assert_int_equal(back.pieces, g.pieces);
	assert_int_equal(back.level, g.level);
	assert_true(back.weight == g.weight);
	assert_int_equal(back.working, g.working);
	assert_string_equal(back.note, g.note);
	json_decref(body);
	json_decref(o);
}

/* ---- the SQLite store ---- */

#include "tests/unit/store_fixture.h"

static int64_t audit_rows(fixture *f)
{
	return raw_count(f->path, "SELECT count(*) FROM audit");
}

static audit_record audit_of(const rec_kind *k, const char *action, const void *rec)
{
	rec_meta m = rec_meta_of(k, rec);
	audit_record r;
	memset(&r, 0, sizeof r);
	r.at = NOW;
	r.actor_id = "staff-1";
	r.action = action;
	r.resource_type = k->name;
	r.resource_id = m.id;
	r.patient_id = m.patient_id;
	return r;
}

/* Runs the CREATE TABLE the kind's description implies. */
static void create_table(fixture *f, const rec_kind *k)
{
	char *sql = store_rec_create_table(k);
	assert_non_null(sql);
	raw_exec(f->path, sql);
	free(sql);
}

static void add_patient(fixture *f, const char *id, const char *mrn)
{
	patient p;
	memset(&p, 0, sizeof p);
	p.id = id;
	p.mrn = mrn;
	p.family_name = "Okafor";
	p.given_name = "Ada";
	p.birth_date = BIRTH;
	p.sex_at_birth = "female";
	p.version = 1;
	p.created_at = p.updated_at = NOW;
	audit_record a;
	memset(&a, 0, sizeof a);
	a.at = NOW;
	a.action = "patient.create";
	a.resource_type = "patient";
	a.resource_id = a.patient_id = id;
	assert_int_equal(f->st->ops->patient_create(f->st, &p, &a), SW_OK);
}

static int setup(void **state)
{
	fixture *f = fixture_open();
	if (!f)
		return -1;
	*state = f;
	add_patient(f, "p-1", "M1");
	add_patient(f, "p-2", "M2");
	create_table(f, &gadget_kind);
	create_table(f, &widget_kind);
	return 0;
}

/* A new gadget of patient pid made on made, every member set. */
static gadget new_gadget(const char *id, const char *pid, const char *made, const char *colour)
{
	gadget g;
	memset(&g, 0, sizeof g);
	g.label = "Box";
	g.made_on = made;
	g.colour = colour;
	g.pieces = 3;
	g.level = 2;
	g.weight = 0;
	g.has_weight = 0;
	g.working = -1;
	g.note = NULL;
	g.extra = "{\"k\":[1,2]}";
	g.tags[0] = "a";
	g.tags[1] = "b";
	g.tags[2] = "c";
	g.n_tags = 3;
	g.checked_at = "2026-11-24T09:00:00Z";
	g.total = 42;
	rec_set_new(&gadget_kind, &g, id, pid, NOW, "staff-1");
	return g;
}

static void create_table_sql_follows_the_description(void **state)
{
	(void)state;
	char *sql = store_rec_create_table(&gadget_kind);
	assert_non_null(sql);
	static const char *const want[] = {
	    "CREATE TABLE gadgets (",
	    "id TEXT PRIMARY KEY",
	    "patient_id TEXT NOT NULL REFERENCES patients(id)",
	    "label TEXT NOT NULL",
	    "made_date TEXT NOT NULL",
	    "colour TEXT NOT NULL",
	    "pieces INTEGER NOT NULL",
	    "weight_kg REAL,",
	    "working INTEGER,",
	    "note TEXT,",
	    "extra TEXT,",
	    "tags TEXT NOT NULL",
	    "checked_at TEXT,",
	    "total INTEGER,",
	    "status TEXT NOT NULL CHECK (status IN ('active','entered_in_error'))",
	    "error_reason TEXT,",
	    "version INTEGER NOT NULL",
	    "updated_by TEXT\n);",
	    "CREATE INDEX gadgets_by_patient ON gadgets (patient_id, made_date, created_at, id);",
	    NULL};
	for (const char *const *w = want; *w; w++)
		if (!strstr(sql, *w))
			fail_msg("no \"%s\" in\n%s", *w, sql);
	assert_null(strstr(sql, "made_on"));
	assert_null(strstr(sql, "weight "));
	free(sql);
}

static void store_round_trip(void **state)
{
	fixture *f = *state;
	char err[256] = "";
	assert_int_equal(f->st->ops->rec_check_table(f->st, &gadget_kind, err, sizeof err), SW_OK);
	assert_int_equal(f->st->ops->rec_check_table(f->st, &widget_kind, err, sizeof err), SW_OK);

	/* Nulls everywhere they may be: real, bool, text; a full list. */
	gadget g1 = new_gadget("g-1", "p-1", "2021-03-04", "red");
	audit_record a = audit_of(&gadget_kind, "gadget.create", &g1);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &g1, &a), SW_OK);
	/* Every value present, false, no tags, no JSON. */
	gadget g2 = new_gadget("g-2", "p-1", "2019-01-01", "blue");
	g2.weight = 7.25;
	g2.has_weight = 1;
	g2.working = 0;
	g2.note = "with a note, and a comma";
	g2.extra = NULL;
	g2.n_tags = 0;
	g2.checked_at = NULL;
	g2.total = 0;
	a = audit_of(&gadget_kind, "gadget.create", &g2);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &g2, &a), SW_OK);
	gadget g3 = new_gadget("g-3", "p-1", "2023-07-07", "red");
	g3.working = 1;
	g3.tags[0] = "d";
	g3.n_tags = 1;
	a = audit_of(&gadget_kind, "gadget.create", &g3);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &g3, &a), SW_OK);
	gadget g4 = new_gadget("g-4", "p-2", "2020-01-01", "red");
	a = audit_of(&gadget_kind, "gadget.create", &g4);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &g4, &a), SW_OK);

	gadget got;
	memset(&got, 0x5a, sizeof got);
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &gadget_kind, "g-1", &got), SW_OK);
	assert_gadget_equal(&g1, &got);
	assert_int_equal(got.working, -1);
	assert_int_equal(got.has_weight, 0);
	assert_int_equal(got.n_tags, 3);
	assert_string_equal(got.tags[2], "c");
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &gadget_kind, "g-2", &got), SW_OK);
	assert_gadget_equal(&g2, &got);
	assert_true(got.weight == 7.25);
	assert_int_equal(got.working, 0);
	assert_int_equal(got.n_tags, 0);
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &gadget_kind, "g-3", &got), SW_OK);
	assert_gadget_equal(&g3, &got);
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &gadget_kind, "g-9", &got),
	                 SW_ENOTFOUND);

	/* As stored: under the column names, nulls as NULL, the list comma-joined. */
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM gadgets WHERE id = 'g-1' AND "
	                                    "made_date = '2021-03-04' AND weight_kg IS NULL AND "
	                                    "working IS NULL AND note IS NULL AND tags = 'a,b,c' "
	                                    "AND total = 42 AND status = 'active'"),
	                 1);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM gadgets WHERE id = 'g-2' AND "
	                                    "weight_kg = 7.25 AND working = 0 AND tags = '' AND "
	                                    "extra IS NULL AND checked_at IS NULL"),
	                 1);

	/* A patient's list: only theirs, in made_date order; filters and limit. */
	gadget *items;
	int n;
	rec_query q = {.patient_id = "p-1"};
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &gadget_kind, &q, (void **)&items, &n),
	                 SW_OK);
	assert_int_equal(n, 3);
	assert_string_equal(items[0].id, "g-2");
	assert_string_equal(items[1].id, "g-1");
	assert_string_equal(items[2].id, "g-3");
	assert_gadget_equal(&g2, &items[0]);
	assert_gadget_equal(&g1, &items[1]);
	assert_gadget_equal(&g3, &items[2]);
	q.eq = "red";
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &gadget_kind, &q, (void **)&items, &n),
	                 SW_OK);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].id, "g-1");
	assert_string_equal(items[1].id, "g-3");
	q.eq = NULL;
	q.from = "2020-01-01";
	q.to = "2021-03-04"; /* inclusive */
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &gadget_kind, &q, (void **)&items, &n),
	                 SW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].id, "g-1");
	q.from = q.to = NULL;
	q.limit = 2;
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &gadget_kind, &q, (void **)&items, &n),
	                 SW_OK);
	assert_int_equal(n, 2);
	assert_string_equal(items[1].id, "g-1");
	rec_query q2 = {.patient_id = "p-2"};
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &gadget_kind, &q2, (void **)&items, &n),
	                 SW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].id, "g-4");
	rec_query q3 = {.patient_id = "p-3"};
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &gadget_kind, &q3, (void **)&items, &n),
	                 SW_OK);
	assert_int_equal(n, 0);

	/* A second kind in the same database, listed in its own order. */
	widget w1, w2;
	memset(&w1, 0, sizeof w1);
	w1.name = "late";
	w1.day = "2026-05-05";
	w1.sealed = 1;
	rec_set_new(&widget_kind, &w1, "w-1", "p-1", NOW, NULL);
	w2 = w1;
	w2.name = "early";
	w2.day = "2026-01-01";
	w2.sealed = 0;
	w2.id = "w-2";
	a = audit_of(&widget_kind, "widget.create", &w1);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &widget_kind, &w1, &a), SW_OK);
	a = audit_of(&widget_kind, "widget.create", &w2);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &widget_kind, &w2, &a), SW_OK);
	widget *ws;
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &widget_kind, &q, (void **)&ws, &n),
	                 SW_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ws[0].name, "early");
	assert_int_equal(ws[0].sealed, 0);
	assert_string_equal(ws[1].name, "late");
	assert_int_equal(ws[1].sealed, 1);
	assert_string_equal(ws[1].status, "final");
	assert_null(ws[1].updated_by);
}

static void store_update_writes_only_changeable_fields(void **state)
{
	fixture *f = *state;
	gadget g = new_gadget("g-1", "p-1", "2021-03-04", "red");
	audit_record a = audit_of(&gadget_kind, "gadget.create", &g);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &g, &a), SW_OK);
	const gadget orig = g;

	gadget u = g;
	/* Changeable: */
	u.label = "New label";
	u.colour = "blue";
	u.level = 5;
	u.weight = 3.5;
	u.has_weight = 1;
	u.working = 1;
	u.note = "added";
	u.extra = "[true]";
	u.tags[0] = "d";
	u.n_tags = 1;
	u.total = 7;
	/* Fixed: */
	u.made_on = "1999-09-09";
	u.pieces = 9;
	u.checked_at = "2000-01-01T00:00:00Z";
	u.created_at = "2000-01-01T00:00:00Z";
	u.patient_id = "p-2";
	rec_set_life(&gadget_kind, &u, NULL, NULL, 2, "2026-11-26T08:00:00Z", "staff-2");
	a = audit_of(&gadget_kind, "gadget.update", &u);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &u, 1, &a), SW_OK);

	gadget got;
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &gadget_kind, "g-1", &got), SW_OK);
	gadget want = u;
	want.made_on = orig.made_on;
	want.pieces = orig.pieces;
	want.checked_at = orig.checked_at;
	want.created_at = orig.created_at;
	want.patient_id = orig.patient_id;
	assert_gadget_equal(&want, &got);
	assert_int_equal(got.version, 2);
	assert_string_equal(got.updated_at, "2026-11-26T08:00:00Z");
	assert_string_equal(got.updated_by, "staff-2");
	assert_string_equal(got.made_on, "2021-03-04");
	assert_int_equal(got.pieces, 3);
	assert_string_equal(got.patient_id, "p-1");

	/* Stale version: nothing written. */
	gadget stale = u;
	stale.label = "Lost";
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &stale, 1, &a),
	                 SW_EVERSION);
	/* Unknown id. */
	gadget ghost = u;
	ghost.id = "g-404";
	rec_set_life(&gadget_kind, &ghost, NULL, NULL, 3, NULL, NULL);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &ghost, 2, &a),
	                 SW_ENOTFOUND);
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &gadget_kind, "g-1", &got), SW_OK);
	assert_string_equal(got.label, "New label");
	assert_int_equal(got.version, 2);

	/* Clearing nullable members writes NULLs; ending it writes the lifecycle. */
	u = got;
	u.has_weight = 0;
	u.working = -1;
	u.note = NULL;
	u.extra = NULL;
	u.n_tags = 0;
	rec_set_life(&gadget_kind, &u, "entered_in_error", "wrong patient", 3, NOW, "staff-1");
	a = audit_of(&gadget_kind, "gadget.update", &u);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &u, 2, &a), SW_OK);
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &gadget_kind, "g-1", &got), SW_OK);
	assert_gadget_equal(&u, &got);
	assert_int_equal(rec_ended(&gadget_kind, &got), 1);
	assert_string_equal(got.error_reason, "wrong patient");
	assert_int_equal(got.version, 3);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM gadgets WHERE weight_kg IS NULL "
	                                    "AND working IS NULL AND tags = '' AND version = 3"),
	                 1);
}

static void check_table_names_what_is_missing(void **state)
{
	fixture *f = *state;
	char err[256];
	rec_field fs[40];

	/* A table without the weight_kg column (a migration that forgot it). */
	rec_kind lacking = gadget_kind;
	lacking.table = "gadgets_short";
	lacking.fields = fs;
	copy_fields(fs, 40, gadget_fields, "weight");
	create_table(f, &lacking);
	rec_kind k = gadget_kind;
	k.table = "gadgets_short";
	err[0] = '\0';
	assert_int_not_equal(f->st->ops->rec_check_table(f->st, &k, err, sizeof err), SW_OK);
	if (!strstr(err, "weight_kg") || !strstr(err, "gadgets_short") || !strstr(err, "gadget"))
		fail_msg("message \"%s\" does not name the column and table", err);
	assert_int_equal(f->st->ops->rec_check_table(f->st, &lacking, err, sizeof err), SW_OK);

	/* A column of the wrong type. */
	rec_kind typed = gadget_kind;
	typed.table = "gadgets_typed";
	typed.fields = fs;
	copy_fields(fs, 40, gadget_fields, NULL);
	field_in(fs, "pieces")->type = RT_TEXT;
	create_table(f, &typed);
	k.table = "gadgets_typed";
	err[0] = '\0';
	assert_int_not_equal(f->st->ops->rec_check_table(f->st, &k, err, sizeof err), SW_OK);
	if (!strstr(err, "pieces INTEGER"))
		fail_msg("message \"%s\" does not name pieces INTEGER", err);

	/* A renamed column: the description's column name is what counts. */
	raw_exec(f->path, "ALTER TABLE gadgets RENAME COLUMN made_date TO made_on");
	err[0] = '\0';
	assert_int_not_equal(f->st->ops->rec_check_table(f->st, &gadget_kind, err, sizeof err),
	                     SW_OK);
	if (!strstr(err, "made_date"))
		fail_msg("message \"%s\" does not name made_date", err);

	/* No table at all. */
	k.table = "no_such_table";
	err[0] = '\0';
	assert_int_not_equal(f->st->ops->rec_check_table(f->st, &k, err, sizeof err), SW_OK);
	if (!strstr(err, "no_such_table") || !strstr(err, " id "))
		fail_msg("message \"%s\" does not name the table and its first column", err);
}

static void audited_writes_leave_one_row_each(void **state)
{
	fixture *f = *state;
	int64_t rows = audit_rows(f);
	assert_int_equal(rows, 2); /* the two patients */

	gadget g = new_gadget("g-1", "p-1", "2021-03-04", "red");
	audit_record a = audit_of(&gadget_kind, "gadget.create", &g);
	a.detail = g.label;
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &g, &a), SW_OK);
	assert_int_equal(audit_rows(f), ++rows);
	assert_int_equal(a.seq, rows);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit WHERE action = "
	                                    "'gadget.create' AND resource_type = 'gadget' AND "
	                                    "resource_id = 'g-1' AND patient_id = 'p-1' AND detail "
	                                    "= 'Box'"),
	                 1);

	/* Refused writes leave none: the same id again, an unknown patient, a stale version, an
	 * unknown id. */
	audit_record dup = audit_of(&gadget_kind, "gadget.create", &g);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &g, &dup),
	                 SW_ECONFLICT);
	assert_int_equal(audit_rows(f), rows);
	gadget orphan = new_gadget("g-2", "p-404", "2021-03-04", "red");
	audit_record ao = audit_of(&gadget_kind, "gadget.create", &orphan);
	assert_int_not_equal(f->st->ops->rec_create(f->st, &f->a, &gadget_kind, &orphan, &ao),
	                     SW_OK);
	assert_int_equal(audit_rows(f), rows);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM gadgets"), 1);

	gadget u = g;
	u.level = 4;
	rec_set_life(&gadget_kind, &u, NULL, NULL, 2, NOW, "staff-1");
	audit_record au = audit_of(&gadget_kind, "gadget.update", &u);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &u, 1, &au), SW_OK);
	assert_int_equal(audit_rows(f), ++rows);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit WHERE action = "
	                                    "'gadget.update' AND resource_id = 'g-1'"),
	                 1);
	audit_record stale = audit_of(&gadget_kind, "gadget.update", &u);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &u, 1, &stale),
	                 SW_EVERSION);
	assert_int_equal(audit_rows(f), rows);
	gadget ghost = u;
	ghost.id = "g-404";
	audit_record ag = audit_of(&gadget_kind, "gadget.update", &ghost);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &ghost, 1, &ag),
	                 SW_ENOTFOUND);
	assert_int_equal(audit_rows(f), rows);

	/* Ending it (a void of the widget, an entered-in-error of the gadget): one row each. */
	widget w;
	memset(&w, 0, sizeof w);
	w.name = "w";
	w.day = "2026-01-01";
	rec_set_new(&widget_kind, &w, "w-1", "p-2", NOW, NULL);
	audit_record aw = audit_of(&widget_kind, "widget.create", &w);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &widget_kind, &w, &aw), SW_OK);
	assert_int_equal(audit_rows(f), ++rows);
	rec_set_life(&widget_kind, &w, "voided", "typo", 2, NOW, "staff-1");
	aw = audit_of(&widget_kind, "widget.void", &w);
	aw.detail = "typo";
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &widget_kind, &w, 1, &aw), SW_OK);
	assert_int_equal(audit_rows(f), ++rows);
	rec_set_life(&gadget_kind, &u, "entered_in_error", "dup", 3, NOW, "staff-1");
	au = audit_of(&gadget_kind, "gadget.update", &u);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &gadget_kind, &u, 2, &au), SW_OK);
	assert_int_equal(audit_rows(f), ++rows);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit WHERE action = "
	                                    "'widget.void' AND patient_id = 'p-2' AND detail = "
	                                    "'typo'"),
	                 1);

	/* The chain is whole. */
	int64_t checked, broken;
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(checked, rows);
	assert_int_equal(broken, 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define R(fn) cmocka_unit_test_setup_teardown(fn, reader_setup, reader_teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kind_check_accepts_good_and_refuses_broken),
	    cmocka_unit_test(kind_check_refuses_members_past_the_end),
	    cmocka_unit_test(kind_check_refuses_a_missing_reason_member),
	    cmocka_unit_test(lifecycle_members),
	    R(create_reads_a_full_body),
	    R(create_reports_every_wrong_field),
	    R(create_reports_every_missing_field),
	    R(create_refuses_status_and_reason),
	    R(create_requires_a_required_bool),
	    R(patch_changes_only_what_is_sent),
	    R(patch_ends_a_record_with_a_reason),
	    R(to_json_writes_every_shown_field),
	    cmocka_unit_test(create_table_sql_follows_the_description),
	    T(store_round_trip),
	    T(store_update_writes_only_changeable_fields),
	    T(check_table_names_what_is_missing),
	    T(audited_writes_leave_one_row_each),
	};
	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
