/* SQLite store: the calendars' resources and closures (migration 016), each write in one
 * transaction with its audit record and, for a change, the version checked inside it. The busy
 * intervals the slot search keeps free come from the appointments (store_appointments.c). */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define RESOURCE_COLS                                                                              \
	"r.id, r.kind, r.name, r.staff_id, r.hours, r.active, r.version, r.created_at, "           \
	"r.updated_at, r.updated_by, coalesce(st.active, 1)"
#define RESOURCE_FROM " FROM resources r LEFT JOIN staff st ON st.id = r.staff_id"
#define CLOSURE_COLS                                                                               \
	"id, resource_id, from_at, to_at, reason, status, void_reason, version, created_at, "      \
	"updated_at, updated_by"

/* Grows an array in the arena by doubling; items of size bytes. */
static void *grow(arena *a, void *items, int *cap, size_t size)
{
	void *bigger = arena_alloc(a, size * (size_t)*cap * 2);
	memcpy(bigger, items, size * (size_t)*cap);
	*cap *= 2;
	return bigger;
}

/* ---- resources ---- */

static sw_err read_resource(arena *a, sqlite3_stmt *st, resource *out)
{
	memset(out, 0, sizeof *out);
	out->id = sq_col(a, st, 0);
	out->kind = sq_col(a, st, 1);
	out->name = sq_col(a, st, 2);
	out->staff_id = sq_col(a, st, 3);
	int bad = hours_from_text(a, (const char *)sqlite3_column_text(st, 4), &out->hours);
	out->active = sqlite3_column_int(st, 5);
	out->version = sqlite3_column_int(st, 6);
	out->created_at = sq_col(a, st, 7);
	out->updated_at = sq_col(a, st, 8);
	out->updated_by = sq_col(a, st, 9);
	out->staff_active = sqlite3_column_int(st, 10);
	return bad ? SW_EDB : SW_OK;
}

static void bind_resource(arena *a, sqlite3_stmt *st, const resource *r)
{
	sq_text(st, 1, r->id);
	sq_text(st, 2, r->kind);
	sq_text(st, 3, r->name);
	sq_text(st, 4, r->staff_id);
	sqlite3_bind_text(st, 5, hours_to_text(a, &r->hours), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, r->active);
	sqlite3_bind_int(st, 7, r->version);
	sq_text(st, 8, r->created_at);
	sq_text(st, 9, r->updated_at);
	sq_text(st, 10, r->updated_by);
}

static sw_err insert_resource(sqlite_store *s, const void *arg)
{
	const resource *r = arg;
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO resources (id, kind, name, staff_id, hours, "
	                              "active, version, created_at, updated_at, updated_by) VALUES "
	                              "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (!st)
		return SW_EDB;
	arena a;
	arena_init(&a);
	bind_resource(&a, st, r);
	sw_err rc = sq_step_write(s, st, "resource insert");
	arena_free(&a);
	return rc;
}

sw_err sqlite_resource_create(store *base, const resource *r, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_resource, r, NULL, NULL, 0, audit);
}

static sw_err update_resource(sqlite_store *s, const void *arg)
{
	const resource *r = arg;
	sqlite3_stmt *st =
	    sq_prep(s, "UPDATE resources SET kind = ?2, name = ?3, staff_id = ?4, hours = ?5, "
	               "active = ?6, version = ?7, created_at = ?8, updated_at = ?9, "
	               "updated_by = ?10 WHERE id = ?1");
	if (!st)
		return SW_EDB;
	arena a;
	arena_init(&a);
	bind_resource(&a, st, r);
	sw_err rc = sq_step_write(s, st, "resource update");
	arena_free(&a);
	return rc;
}

sw_err sqlite_resource_update(store *base, const resource *r, int expected, audit_record *audit)
{
	return sq_write_audited(SQ(base), update_resource, r,
	                        "SELECT version FROM resources WHERE id = ?", r->id, expected,
	                        audit);
}

sw_err sqlite_resource_get(store *base, arena *a, const char *id, resource *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " RESOURCE_COLS RESOURCE_FROM " WHERE r.id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int step = sqlite3_step(st);
	sw_err rc = step == SQLITE_ROW ? read_resource(a, st, out) : SW_OK;
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return SW_ENOTFOUND;
	return step == SQLITE_ROW ? rc : sq_fail(s, "resource get");
}

sw_err sqlite_resource_list(store *base, arena *a, resource **items, int *n)
{
	sqlite_store *s = SQ(base);
	/* In the order of resource_kinds[], then by name. */
	sqlite3_stmt *st = sq_prep(
	    s, "SELECT " RESOURCE_COLS RESOURCE_FROM
	       " ORDER BY instr('clinician nurse procedure_room ultrasound_room cell_processor', "
	       "r.kind), r.name COLLATE NOCASE, r.id LIMIT 5000");
	if (!st)
		return SW_EDB;
	int cap = 16, count = 0, step = SQLITE_DONE;
	sw_err rc = SW_OK;
	resource *out = arena_alloc(a, sizeof(resource) * (size_t)cap);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap)
			out = grow(a, out, &cap, sizeof(resource));
		rc = read_resource(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	if (rc || (step != SQLITE_DONE && step != SQLITE_ROW))
		return rc ? rc : sq_fail(s, "resource list");
	*items = out;
	*n = count;
	return SW_OK;
}

/* ---- closures ---- */

static sw_err read_closure(arena *a, sqlite3_stmt *st, closure *out)
{
	memset(out, 0, sizeof *out);
	out->id = sq_col(a, st, 0);
	out->resource_id = sq_col(a, st, 1);
	int bad = instant_parse((const char *)sqlite3_column_text(st, 2), &out->from) ||
	          instant_parse((const char *)sqlite3_column_text(st, 3), &out->to);
	out->reason = sq_col(a, st, 4);
	out->status = sq_col(a, st, 5);
	out->void_reason = sq_col(a, st, 6);
	out->version = sqlite3_column_int(st, 7);
	out->created_at = sq_col(a, st, 8);
	out->updated_at = sq_col(a, st, 9);
	out->updated_by = sq_col(a, st, 10);
	return bad ? SW_EDB : SW_OK;
}

static void bind_closure(sqlite3_stmt *st, const closure *c)
{
	char from[21], to[21];
	instant_format(c->from, from);
	instant_format(c->to, to);
	sq_text(st, 1, c->id);
	sq_text(st, 2, c->resource_id);
	sqlite3_bind_text(st, 3, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_TRANSIENT);
	sq_text(st, 5, c->reason);
	sq_text(st, 6, c->status);
	sq_text(st, 7, c->void_reason);
	sqlite3_bind_int(st, 8, c->version);
	sq_text(st, 9, c->created_at);
	sq_text(st, 10, c->updated_at);
	sq_text(st, 11, c->updated_by);
}

static sw_err insert_closure(sqlite_store *s, const void *arg)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO resource_closures (" CLOSURE_COLS
	                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	if (!st)
		return SW_EDB;
	bind_closure(st, arg);
	return sq_step_write(s, st, "closure insert");
}

sw_err sqlite_closure_create(store *base, const closure *c, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_closure, c, NULL, NULL, 0, audit);
}

static sw_err update_closure(sqlite_store *s, const void *arg)
{
	sqlite3_stmt *st =
	    sq_prep(s, "UPDATE resource_closures SET resource_id = ?2, from_at = ?3, "
	               "to_at = ?4, reason = ?5, status = ?6, void_reason = ?7, "
	               "version = ?8, created_at = ?9, updated_at = ?10, "
	               "updated_by = ?11 WHERE id = ?1");
	if (!st)
		return SW_EDB;
	bind_closure(st, arg);
	return sq_step_write(s, st, "closure update");
}

sw_err sqlite_closure_update(store *base, const closure *c, int expected, audit_record *audit)
{
	return sq_write_audited(SQ(base), update_closure, c,
	                        "SELECT version FROM resource_closures WHERE id = ?", c->id,
	                        expected, audit);
}

sw_err sqlite_closure_get(store *base, arena *a, const char *id, closure *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st =
	    sq_prep(s, "SELECT " CLOSURE_COLS " FROM resource_closures WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int step = sqlite3_step(st);
	sw_err rc = step == SQLITE_ROW ? read_closure(a, st, out) : SW_OK;
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return SW_ENOTFOUND;
	return step == SQLITE_ROW ? rc : sq_fail(s, "closure get");
}

sw_err sqlite_closure_list(store *base, arena *a, const closure_query *q, closure **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st =
	    sq_prep(s, "SELECT " CLOSURE_COLS " FROM resource_closures WHERE (?1 IS NULL OR "
	               "resource_id = ?1) AND (?2 IS NULL OR to_at > ?2) AND (?3 IS NULL OR "
	               "from_at < ?3) AND (?4 = 0 OR status = 'active') ORDER BY from_at, id "
	               "LIMIT 5000");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, q->resource_id);
	sq_text(st, 2, q->from);
	sq_text(st, 3, q->to);
	sqlite3_bind_int(st, 4, q->active_only);
	int cap = 16, count = 0, step = SQLITE_DONE;
	sw_err rc = SW_OK;
	closure *out = arena_alloc(a, sizeof(closure) * (size_t)cap);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap)
			out = grow(a, out, &cap, sizeof(closure));
		rc = read_closure(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	if (rc || (step != SQLITE_DONE && step != SQLITE_ROW))
		return rc ? rc : sq_fail(s, "closure list");
	*items = out;
	*n = count;
	return SW_OK;
}
