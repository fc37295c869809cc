/* SQLite store: cost estimates (migration 020), written once with their audit record. */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define EST_COLS                                                                                   \
	"id, patient_id, plan_id, currency, total, total_with_optional, prices_on, valid_until, "  \
	"body, created_at, created_by"

static void read_estimate(arena *a, sqlite3_stmt *st, estimate_row *e)
{
	e->id = sq_col(a, st, 0);
	e->patient_id = sq_col(a, st, 1);
	e->plan_id = sq_col(a, st, 2);
	e->currency = sq_col(a, st, 3);
	e->total = sqlite3_column_int64(st, 4);
	e->total_with_optional = sqlite3_column_int64(st, 5);
	e->prices_on = sq_col(a, st, 6);
	e->valid_until = sq_col(a, st, 7);
	e->body = sq_col(a, st, 8);
	e->created_at = sq_col(a, st, 9);
	e->created_by = sq_col(a, st, 10);
}

static sw_err insert_estimate(sqlite_store *s, const void *arg)
{
	const estimate_row *e = arg;
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO estimates (" EST_COLS
	                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, e->id);
	sq_text(st, 2, e->patient_id);
	sq_text(st, 3, e->plan_id);
	sq_text(st, 4, e->currency);
	sqlite3_bind_int64(st, 5, e->total);
	sqlite3_bind_int64(st, 6, e->total_with_optional);
	sq_text(st, 7, e->prices_on);
	sq_text(st, 8, e->valid_until);
	sq_text(st, 9, e->body);
	sq_text(st, 10, e->created_at);
	sq_text(st, 11, e->created_by);
	return sq_step_write(s, st, "estimate insert");
}

sw_err sqlite_estimate_add(store *base, const estimate_row *e, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_estimate, e, NULL, NULL, 0, audit);
}

sw_err sqlite_estimate_get(store *base, arena *a, const char *id, estimate_row *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " EST_COLS " FROM estimates WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_estimate(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "estimate");
}

sw_err sqlite_estimate_list(store *base, arena *a, const char *patient_id, estimate_row **items,
                            int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " EST_COLS " FROM estimates WHERE patient_id = ? "
	                              "ORDER BY created_at DESC, id DESC LIMIT 5000");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, patient_id);
	int cap = 8, count = 0, rc;
	estimate_row *out = arena_alloc(a, sizeof(estimate_row) * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			estimate_row *bigger =
			    arena_alloc(a, sizeof(estimate_row) * (size_t)cap * 2);
			memcpy(bigger, out, sizeof(estimate_row) * (size_t)cap);
			out = bigger;
			cap *= 2;
		}
		read_estimate(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "estimates");
	*items = out;
	*n = count;
	return SW_OK;
}
