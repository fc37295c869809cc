/* SQLite store: the admin console's staff and token operations, each write in one transaction
 * with its audit record. */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define STAFF_COLS "id, email, name, role, password_hash, active, created_at"

void sq_read_staff(arena *a, sqlite3_stmt *st, staff *out)
{
	out->id = sq_col(a, st, 0);
	out->email = sq_col(a, st, 1);
	out->name = sq_col(a, st, 2);
	out->role = sq_col(a, st, 3);
	out->password_hash = sq_col(a, st, 4);
	out->active = sqlite3_column_int(st, 5);
	out->created_at = sq_col(a, st, 6);
}

sw_err sqlite_staff_list(store *base, arena *a, staff **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " STAFF_COLS
	                              " FROM staff ORDER BY name COLLATE NOCASE, id LIMIT 5000");
	if (!st)
		return SW_EDB;
	int cap = 16, count = 0, rc;
	staff *out = arena_alloc(a, sizeof(staff) * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			staff *bigger = arena_alloc(a, sizeof(staff) * (size_t)cap * 2);
			memcpy(bigger, out, sizeof(staff) * (size_t)cap);
			out = bigger;
			cap *= 2;
		}
		sq_read_staff(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "staff list");
	*items = out;
	*n = count;
	return SW_OK;
}

sw_err sq_staff_one(sqlite_store *s, arena *a, const char *sql, const char *value, staff *out)
{
	sqlite3_stmt *st = sq_prep(s, sql);
	if (!st)
		return SW_EDB;
	sq_text(st, 1, value);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sq_read_staff(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "staff lookup");
}

sw_err sqlite_staff_get(store *base, arena *a, const char *id, staff *out)
{
	return sq_staff_one(SQ(base), a, "SELECT " STAFF_COLS " FROM staff WHERE id = ?", id, out);
}

static sw_err insert_staff(sqlite_store *s, const void *arg)
{
	const staff *p = arg;
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO staff (" STAFF_COLS ") VALUES (?,?,?,?,?,1,?)");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, p->id);
	sq_text(st, 2, p->email);
	sq_text(st, 3, p->name);
	sq_text(st, 4, p->role);
	sq_text(st, 5, p->password_hash);
	sq_text(st, 6, p->created_at);
	return sq_step_write(s, st, "staff insert");
}

sw_err sqlite_staff_add(store *base, const staff *p, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_staff, p, NULL, NULL, 0, audit);
}

typedef struct update_args {
	const staff *p;
	int end_sessions;
} update_args;

static sw_err update_staff(sqlite_store *s, const void *arg)
{
	const update_args *u = arg;
	sqlite3_stmt *st = sq_prep(s, "UPDATE staff SET name = ?2, role = ?3, active = ?4, "
	                              "password_hash = ?5 WHERE id = ?1");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, u->p->id);
	sq_text(st, 2, u->p->name);
	sq_text(st, 3, u->p->role);
	sqlite3_bind_int(st, 4, u->p->active);
	sq_text(st, 5, u->p->password_hash);
	sw_err rc = sq_step_write(s, st, "staff update");
	if (rc || !sqlite3_changes(s->db))
		return rc ? rc : SW_ENOTFOUND;
	if (!u->end_sessions)
		return SW_OK;
	st = sq_prep(s, "DELETE FROM sessions WHERE staff_id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, u->p->id);
	return sq_step_write(s, st, "staff sessions");
}

sw_err sqlite_staff_update(store *base, const staff *p, int end_sessions, audit_record *audit)
{
	update_args u = {p, end_sessions};
	return sq_write_audited(SQ(base), update_staff, &u, NULL, NULL, 0, audit);
}

sw_err sqlite_token_list(store *base, arena *a, api_token **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT t.id, t.staff_id, st.email, t.name, t.created_at, "
	                              "t.revoked_at FROM api_tokens t JOIN staff st ON st.id = "
	                              "t.staff_id ORDER BY t.created_at DESC, t.id LIMIT 5000");
	if (!st)
		return SW_EDB;
	int cap = 16, count = 0, rc;
	api_token *out = arena_alloc(a, sizeof(api_token) * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			api_token *bigger = arena_alloc(a, sizeof(api_token) * (size_t)cap * 2);
			memcpy(bigger, out, sizeof(api_token) * (size_t)cap);
			out = bigger;
			cap *= 2;
		}
		api_token *t = &out[count++];
		t->id = sq_col(a, st, 0);
		t->staff_id = sq_col(a, st, 1);
		t->staff_email = sq_col(a, st, 2);
		t->name = sq_col(a, st, 3);
		t->created_at = sq_col(a, st, 4);
		t->revoked_at = sq_col(a, st, 5);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "token list");
	*items = out;
	*n = count;
	return SW_OK;
}

typedef struct token_args {
	const unsigned char *hash;
	const api_token *t;
} token_args;

static sw_err insert_token(sqlite_store *s, const void *arg)
{
	const token_args *x = arg;
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO api_tokens (token_hash, id, staff_id, name, "
	                              "created_at) VALUES (?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	sqlite3_bind_blob(st, 1, x->hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	sq_text(st, 2, x->t->id);
	sq_text(st, 3, x->t->staff_id);
	sq_text(st, 4, x->t->name);
	sq_text(st, 5, x->t->created_at);
	return sq_step_write(s, st, "token insert");
}

sw_err sqlite_token_add(store *base, const unsigned char *token_hash, const api_token *t,
                        audit_record *audit)
{
	token_args x = {token_hash, t};
	if (!audit) {
		sw_err rc = sq_begin(SQ(base));
		if (!rc)
			rc = insert_token(SQ(base), &x);
		if (!rc)
			return sq_commit(SQ(base));
		sq_rollback(SQ(base));
		return rc;
	}
	return sq_write_audited(SQ(base), insert_token, &x, NULL, NULL, 0, audit);
}

typedef struct revoke_args {
	const char *id, *now;
} revoke_args;

static sw_err revoke_token(sqlite_store *s, const void *arg)
{
	const revoke_args *x = arg;
	sqlite3_stmt *st = sq_prep(s, "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND "
	                              "revoked_at IS NULL");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, x->id);
	sq_text(st, 2, x->now);
	sw_err rc = sq_step_write(s, st, "token revoke");
	return rc ? rc : sqlite3_changes(s->db) ? SW_OK : SW_ENOTFOUND;
}

sw_err sqlite_token_revoke_id(store *base, const char *id, const char *now, audit_record *audit)
{
	revoke_args x = {id, now};
	return sq_write_audited(SQ(base), revoke_token, &x, NULL, NULL, 0, audit);
}
