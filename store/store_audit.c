/* SQLite store: the audit chain (append, page, verify) and online backup. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

sw_err sqlite_audit_append(store *base, audit_record *recs, int n)
{
	sqlite_store *s = SQ(base);
	sw_err rc = sq_begin(s);
	for (int i = 0; !rc && i < n; i++)
		rc = sq_audit_insert(s, &recs[i]);
	if (!rc)
		return sq_commit(s);
	sq_rollback(s);
	return rc;
}

#define AUDIT_COLS                                                                                 \
	"seq, at, actor_id, actor_role, action, resource_type, resource_id, patient_id, ip, "      \
	"request_id, detail, prev_hash, hash"

static void read_audit(arena *a, sqlite3_stmt *st, audit_record *r)
{
	r->seq = sqlite3_column_int64(st, 0);
	r->at = sq_col(a, st, 1);
	r->actor_id = sq_col(a, st, 2);
	r->actor_role = sq_col(a, st, 3);
	r->action = sq_col(a, st, 4);
	r->resource_type = sq_col(a, st, 5);
	r->resource_id = sq_col(a, st, 6);
	r->patient_id = sq_col(a, st, 7);
	r->ip = sq_col(a, st, 8);
	r->request_id = sq_col(a, st, 9);
	r->detail = sq_col(a, st, 10);
	const char *prev = (const char *)sqlite3_column_text(st, 11);
	const char *hash = (const char *)sqlite3_column_text(st, 12);
	snprintf(r->prev_hash, sizeof r->prev_hash, "%s", prev ? prev : "");
	snprintf(r->hash, sizeof r->hash, "%s", hash ? hash : "");
}

sw_err sqlite_audit_page(store *base, arena *a, const audit_query *q, audit_record **items, int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(
	    s, "SELECT " AUDIT_COLS " FROM audit WHERE (?1 = 0 OR seq < ?1) "
	       "AND (?2 IS NULL OR patient_id = ?2 OR (patient_id IS NULL AND action = "
	       "'patient.list' AND instr(substr(detail, 1, instr(detail, ';')), ?2) > 0)) "
	       "AND (?4 IS NULL OR actor_id = ?4) "
	       "AND (?5 IS NULL OR action = ?5 OR substr(action, 1, length(?5) + 1) = ?5 || '.') "
	       "AND (?6 IS NULL OR at >= ?6) AND (?7 IS NULL OR substr(at, 1, 10) <= ?7) "
	       "ORDER BY seq DESC LIMIT ?3");
	if (!st)
		return SW_EDB;
	sqlite3_bind_int64(st, 1, q->before_seq);
	sq_text(st, 2, q->patient_id);
	sqlite3_bind_int(st, 3, q->limit + 1);
	sq_text(st, 4, q->actor_id);
	sq_text(st, 5, q->action);
	sq_text(st, 6, q->from);
	sq_text(st, 7, q->to);
	int cap = q->limit + 1, count = 0, rc;
	audit_record *out = arena_zalloc(a, sizeof(audit_record) * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < cap)
		read_audit(a, st, &out[count++]);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_fail(s, "audit page");
	*items = out;
	*n = count;
	return SW_OK;
}

sw_err sqlite_audit_verify(store *base, int64_t *checked, int64_t *broken_seq)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = NULL;
	arena a;
	arena_init(&a);
	*checked = 0;
	*broken_seq = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq", -1, &st,
	                       NULL) != SQLITE_OK)
		return sq_fail(s, "audit verify");
	char prev[AUDIT_HASH_HEX + 1];
	memcpy(prev, audit_genesis, sizeof prev);
	int64_t expect_seq = 1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		audit_record r;
		read_audit(&a, st, &r);
		(*checked)++;
		/* A link is broken when a record was edited (its hash no longer matches), when one
		 * before it was deleted or edited (its prev_hash no longer matches), or when the
		 * numbering has a gap. */
		if (r.seq != expect_seq || strcmp(r.prev_hash, prev) != 0 || !audit_check(&r)) {
			*broken_seq = r.seq;
			break;
		}
		memcpy(prev, r.hash, sizeof prev);
		expect_seq = r.seq + 1;
		arena_clear(&a);
	}
	sqlite3_finalize(st);
	arena_free(&a);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_fail(s, "audit verify step");
	return SW_OK;
}

sw_err sqlite_backup(store *base, const char *path)
{
	sqlite_store *s = SQ(base);
	sqlite3 *dst = NULL;
	sw_err rc = SW_EIO;
	/* A backup holds every record: readable by its owner only, like the database. */
	if (sq_create_private(path, 1)) {
		fprintf(stderr, "schwann: cannot create %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (sqlite3_open(path, &dst) != SQLITE_OK) {
		fprintf(stderr, "schwann: cannot create %s: %s\n", path, sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (!b) {
		fprintf(stderr, "schwann: backup to %s failed: %s\n", path, sqlite3_errmsg(dst));
		goto out;
	}
	/* One step copies everything under one read transaction: a consistent snapshot in WAL
	 * mode, while the server keeps writing. */
	int step = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (step != SQLITE_DONE) {
		fprintf(stderr, "schwann: backup to %s failed: %s\n", path, sqlite3_errstr(step));
		goto out;
	}
	rc = SW_OK;
out:
	sqlite3_close(dst);
	return rc;
}
