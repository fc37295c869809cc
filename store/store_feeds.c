/* SQLite store: calendar feed tokens (migration 019). Only a token's hash is stored; each write is
 * one transaction with its audit record. */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define FEED_COLS "id, resource_id, name, created_at, created_by, revoked_at, revoked_by"

static void read_feed_token(arena *a, sqlite3_stmt *st, feed_token *t)
{
	t->id = sq_col(a, st, 0);
	t->resource_id = sq_col(a, st, 1);
	t->name = sq_col(a, st, 2);
	t->created_at = sq_col(a, st, 3);
	t->created_by = sq_col(a, st, 4);
	t->revoked_at = sq_col(a, st, 5);
	t->revoked_by = sq_col(a, st, 6);
}

typedef struct add_args {
	const unsigned char *hash;
	const feed_token *t;
} add_args;

static sw_err insert_feed_token(sqlite_store *s, const void *arg)
{
	const add_args *x = arg;
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO feed_tokens (token_hash, id, resource_id, name, "
	                              "created_at, created_by) VALUES (?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	sqlite3_bind_blob(st, 1, x->hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	sq_text(st, 2, x->t->id);
	sq_text(st, 3, x->t->resource_id);
	sq_text(st, 4, x->t->name);
	sq_text(st, 5, x->t->created_at);
	sq_text(st, 6, x->t->created_by);
	return sq_step_write(s, st, "feed token insert");
}

sw_err sqlite_feed_token_add(store *base, const unsigned char *token_hash, const feed_token *t,
                             audit_record *audit)
{
	add_args x = {token_hash, t};
	return sq_write_audited(SQ(base), insert_feed_token, &x, NULL, NULL, 0, audit);
}

sw_err sqlite_feed_token_list(store *base, arena *a, const char *resource_id, feed_token **items,
                              int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st =
	    sq_prep(s, "SELECT " FEED_COLS " FROM feed_tokens WHERE resource_id = ? ORDER BY "
	               "created_at DESC, id DESC LIMIT 5000");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, resource_id);
	int cap = 8, count = 0, rc;
	feed_token *out = arena_alloc(a, sizeof(feed_token) * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			feed_token *bigger = arena_alloc(a, sizeof(feed_token) * (size_t)cap * 2);
			memcpy(bigger, out, sizeof(feed_token) * (size_t)cap);
			out = bigger;
			cap *= 2;
		}
		read_feed_token(a, st, &out[count++]);
	}
	sqlite3_reset(st);
	*items = out;
	*n = count;
	return rc == SQLITE_DONE ? SW_OK : sq_fail(s, "feed token list");
}

/* The one row st (bound) selects into out; SW_ENOTFOUND when none. */
static sw_err one(sqlite_store *s, arena *a, sqlite3_stmt *st, feed_token *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_feed_token(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "feed token");
}

sw_err sqlite_feed_token_get(store *base, arena *a, const char *id, feed_token *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " FEED_COLS " FROM feed_tokens WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	return one(s, a, st, out);
}

sw_err sqlite_feed_token_lookup(store *base, arena *a, const unsigned char *token_hash,
                                feed_token *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " FEED_COLS " FROM feed_tokens WHERE token_hash = ? "
	                              "AND revoked_at IS NULL");
	if (!st)
		return SW_EDB;
	sqlite3_bind_blob(st, 1, token_hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	return one(s, a, st, out);
}

typedef struct revoke_args {
	const char *id, *now, *by;
} revoke_args;

static sw_err revoke_feed_token(sqlite_store *s, const void *arg)
{
	const revoke_args *x = arg;
	sqlite3_stmt *st = sq_prep(s, "UPDATE feed_tokens SET revoked_at = ?2, revoked_by = ?3 "
	                              "WHERE id = ?1 AND revoked_at IS NULL");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, x->id);
	sq_text(st, 2, x->now);
	sq_text(st, 3, x->by);
	sw_err rc = sq_step_write(s, st, "feed token revoke");
	return rc ? rc : sqlite3_changes(s->db) ? SW_OK : SW_ENOTFOUND;
}

sw_err sqlite_feed_token_revoke(store *base, const char *id, const char *now, const char *by,
                                audit_record *audit)
{
	revoke_args x = {id, now, by};
	return sq_write_audited(SQ(base), revoke_feed_token, &x, NULL, NULL, 0, audit);
}
