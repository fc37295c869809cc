/* SQLite engine: opening with the durability settings, migrations, staff, sessions and tokens.
 * Patients and diagnoses are in store_clinical.c, the audit chain in store_audit.c. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/embedded.h"
#include "../util/uuid.h"
#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

static void sqlite_close(store *base)
{
	sqlite_store *s = SQ(base);
	if (!s)
		return;
	for (int i = 0; i < s->n_cached; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

static sw_err sqlite_staff_create(store *base, const staff *p)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO staff (id, email, name, role, password_hash, "
	                              "active, created_at) VALUES (?,?,?,?,?,1,?)");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, p->id);
	sq_text(st, 2, p->email);
	sq_text(st, 3, p->name);
	sq_text(st, 4, p->role);
	sq_text(st, 5, p->password_hash);
	sq_text(st, 6, p->created_at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return SW_ECONFLICT;
	return rc == SQLITE_DONE ? SW_OK : sq_fail(s, "staff insert");
}

static sw_err sqlite_staff_by_email(store *base, arena *a, const char *email, staff *out)
{
	return sq_staff_one(SQ(base), a,
	                    "SELECT id, email, name, role, password_hash, active, created_at "
	                    "FROM staff WHERE email = ?",
	                    email, out);
}

static sw_err sqlite_staff_count(store *base, int64_t *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT count(*) FROM staff");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return sq_fail(s, "staff count");
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return SW_OK;
}

static sw_err sqlite_session_create(store *base, const unsigned char *token_hash,
                                    const char *staff_id, const char *csrf, int64_t now,
                                    const char *ip)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO sessions (token_hash, staff_id, csrf_token, "
	                              "created_at, last_seen, ip) VALUES (?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	sqlite3_bind_blob(st, 1, token_hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	sq_text(st, 2, staff_id);
	sq_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	sq_text(st, 6, ip);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK : sq_fail(s, "session insert");
}

static sw_err sqlite_session_lookup(store *base, arena *a, const unsigned char *token_hash,
                                    int64_t now, int idle_s, int may_write, staff *out,
                                    const char **csrf)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(
	    s, "SELECT st.id, st.email, st.name, st.role, st.password_hash, st.active, "
	       "st.created_at, se.csrf_token, se.last_seen FROM sessions se JOIN staff st ON "
	       "st.id = se.staff_id WHERE se.token_hash = ?");
	if (!st)
		return SW_EDB;
	sqlite3_bind_blob(st, 1, token_hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int64_t last = 0;
	if (rc == SQLITE_ROW) {
		sq_read_staff(a, st, out);
		*csrf = sq_col(a, st, 7);
		last = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return SW_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sq_fail(s, "session lookup");
	int expired = now - last > idle_s || !out->active;
	if (!may_write && (expired || now - last >= 30)) {
		memset(out, 0, sizeof *out);
		*csrf = NULL;
		return SW_EAGAIN;
	}
	if (expired) {
		s->base.ops->session_delete(base, token_hash);
		return SW_ENOTFOUND;
	}
	if (now - last >= 30) {
		/* Refresh at most twice a minute: a write per request would cap reads. */
		st = sq_prep(s, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
		if (!st)
			return SW_EDB;
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_blob(st, 2, token_hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sq_fail(s, "session touch");
	}
	return SW_OK;
}

static sw_err sqlite_session_delete(store *base, const unsigned char *token_hash)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "DELETE FROM sessions WHERE token_hash = ?");
	if (!st)
		return SW_EDB;
	sqlite3_bind_blob(st, 1, token_hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK : sq_fail(s, "session delete");
}

/* The CLI's token: an id of its own, no audit record (the command line is not the API). */
static sw_err sqlite_token_create(store *base, const unsigned char *token_hash,
                                  const char *staff_id, const char *name, const char *now)
{
	char id[UUID_STR_LEN + 1];
	uuid_v7(id);
	api_token t = {id, staff_id, NULL, name, now, NULL};
	return sqlite_token_add(base, token_hash, &t, NULL);
}

static sw_err sqlite_token_lookup(store *base, arena *a, const unsigned char *token_hash,
                                  staff *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st =
	    sq_prep(s, "SELECT st.id, st.email, st.name, st.role, st.password_hash, st.active, "
	               "st.created_at FROM api_tokens t JOIN staff st ON st.id = t.staff_id "
	               "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND st.active = 1");
	if (!st)
		return SW_EDB;
	sqlite3_bind_blob(st, 1, token_hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sq_read_staff(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "token lookup");
}

static sw_err sqlite_token_revoke(store *base, const unsigned char *token_hash, const char *now)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? "
	                              "AND revoked_at IS NULL");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, now);
	sqlite3_bind_blob(st, 2, token_hash, SESSION_TOKEN_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "token revoke");
	return sqlite3_changes(s->db) ? SW_OK : SW_ENOTFOUND;
}

static const store_ops sqlite_ops = {
    .close = sqlite_close,
    .staff_create = sqlite_staff_create,
    .staff_by_email = sqlite_staff_by_email,
    .staff_count = sqlite_staff_count,
    .session_create = sqlite_session_create,
    .session_lookup = sqlite_session_lookup,
    .session_delete = sqlite_session_delete,
    .token_create = sqlite_token_create,
    .token_lookup = sqlite_token_lookup,
    .token_revoke = sqlite_token_revoke,
    .staff_list = sqlite_staff_list,
    .staff_get = sqlite_staff_get,
    .staff_add = sqlite_staff_add,
    .staff_update = sqlite_staff_update,
    .token_list = sqlite_token_list,
    .token_add = sqlite_token_add,
    .token_revoke_id = sqlite_token_revoke_id,
    .patient_create = sqlite_patient_create,
    .patient_get = sqlite_patient_get,
    .patient_update = sqlite_patient_update,
    .patient_search = sqlite_patient_search,
    .patient_summary = sqlite_patient_summary,
    .patient_delta = sqlite_patient_delta,
    .outcome_cohort = sqlite_outcome_cohort,
    .serious_events = sqlite_serious_events,
    .rec_create = sqlite_rec_create,
    .rec_get = sqlite_rec_get,
    .rec_list = sqlite_rec_list,
    .rec_find = sqlite_rec_find,
    .rec_update = sqlite_rec_update,
    .rec_write_all = sqlite_rec_write_all,
    .rec_check_table = sqlite_rec_check_table,
    .resource_create = sqlite_resource_create,
    .resource_get = sqlite_resource_get,
    .resource_list = sqlite_resource_list,
    .resource_update = sqlite_resource_update,
    .closure_create = sqlite_closure_create,
    .closure_get = sqlite_closure_get,
    .closure_list = sqlite_closure_list,
    .closure_update = sqlite_closure_update,
    .resource_busy = sqlite_resource_busy,
    .appt_write = sqlite_appt_write,
    .appt_write_all = sqlite_appt_write_all,
    .appt_get = sqlite_appt_get,
    .due_steps = sqlite_due_steps,
    .appt_list = sqlite_appt_list,
    .feed_token_add = sqlite_feed_token_add,
    .feed_token_list = sqlite_feed_token_list,
    .feed_token_get = sqlite_feed_token_get,
    .feed_token_revoke = sqlite_feed_token_revoke,
    .feed_token_lookup = sqlite_feed_token_lookup,
    .price_add = sqlite_price_add,
    .price_list = sqlite_price_list,
    .price_candidates = sqlite_price_candidates,
    .invoice_create = sqlite_invoice_create,
    .invoice_get = sqlite_invoice_get,
    .invoice_list = sqlite_invoice_list,
    .invoice_issue = sqlite_invoice_issue,
    .invoice_relines = sqlite_invoice_relines,
    .invoice_void = sqlite_invoice_void,
    .credit_note_create = sqlite_credit_note_create,
    .bill_held = sqlite_bill_held,
    .payment_add = sqlite_payment_add,
    .payment_get = sqlite_payment_get,
    .payment_list = sqlite_payment_list,
    .payment_void = sqlite_payment_void,
    .bill_balance = sqlite_bill_balance,
    .takings = sqlite_takings,
    .estimate_add = sqlite_estimate_add,
    .estimate_get = sqlite_estimate_get,
    .estimate_list = sqlite_estimate_list,
    .audit_append = sqlite_audit_append,
    .audit_page = sqlite_audit_page,
    .audit_verify = sqlite_audit_verify,
    .audit_verify_signed = sqlite_audit_verify_signed,
    .audit_checkpoint_now = sqlite_audit_checkpoint_now,
    .backup = sqlite_backup,
    .bulk_begin = sqlite_bulk_begin,
    .bulk_put = sqlite_bulk_put,
    .bulk_end = sqlite_bulk_end,
};

/* Applies each embedded migration whose number is not yet recorded, each in its own
 * transaction with its record. */
static sw_err migrate(sqlite_store *s, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db,
	                 "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
	                 "KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT "
	                 "(strftime('%Y-%m-%dT%H:%M:%SZ','now')))",
	                 NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	for (const embedded_file *m = migration_files; m->path; m++) {
		long version = strtol(m->path, NULL, 10);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM schema_migrations WHERE version = ?",
		                       -1, &st, NULL) != SQLITE_OK)
			goto fail_db;
		sqlite3_bind_int64(st, 1, version);
		int done = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (done)
			continue;
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, (const char *)m->data, NULL, NULL, &msg) != SQLITE_OK) {
			sq_rollback(s);
			snprintf(err, errlen, "migration %s failed: %s", m->path, msg ? msg : "?");
			sqlite3_free(msg);
			return SW_EDB;
		}
		if (sqlite3_prepare_v2(
		        s->db, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", -1,
		        &st, NULL) != SQLITE_OK) {
			sq_rollback(s);
			goto fail_db;
		}
		sqlite3_bind_int64(st, 1, version);
		sqlite3_bind_text(st, 2, m->path, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			sq_rollback(s);
			goto fail_db;
		}
	}
	return SW_OK;
fail:
	snprintf(err, errlen, "%s", msg ? msg : "unknown error");
	sqlite3_free(msg);
	return SW_EDB;
fail_db:
	snprintf(err, errlen, "migration bookkeeping failed: %s", sqlite3_errmsg(s->db));
	return SW_EDB;
}

/* Process-wide SQLite settings, before its first use: no memory statistics (they take a global
 * mutex on every allocation, which the worker threads fought over); statement journals in memory
 * up to 16 MiB. The group commit runs each write in a SAVEPOINT, and every page a write touches
 * that was in the database when its savepoint began is copied to the statement journal: past
 * SQLite's default of 64 KiB that went to a temporary file (open, unlink, a pwrite per page),
 * about every second commit. In memory, creates went from 7.1-7.4k to 7.8-8.6k a second at 16
 * connections (bench/run's create, A/B on one database) with 13 % less CPU each. Not unbounded
 * (-1, measured as fast and 2 MB smaller): one statement over a large registry inside a
 * transaction, a migration say, would hold every page it changes in memory. */
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 16 << 20);
}

static atomic_int manual_checkpoints;

void store_sqlite_auto_checkpoints(int on)
{
	atomic_store(&manual_checkpoints, !on);
}

sw_err store_sqlite_open(const char *path, store **out, char *err, size_t errlen)
{
	sqlite_store *s = calloc(1, sizeof(*s));
	sw_err rc = SW_EDB;
	char *msg = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return SW_EDB;
	}
	s->base.ops = &sqlite_ops;
	if (sq_create_private(path, 0)) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	pthread_once(&sqlite_configured, configure_sqlite);
	if (sqlite3_open_v2(path, &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (atomic_load(&manual_checkpoints))
		sqlite3_wal_autocheckpoint(s->db, 0);
	if (sqlite3_exec(
	        s->db,
	        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
	        /* 1 MiB page cache per connection: every commit by another
	         * connection empties it anyway, and there is one per thread. */
	        "PRAGMA cache_size=-1024; "
	        /* After a burst the WAL is cut back to 8 MiB at the first commit that starts it
	         * again (it otherwise keeps its largest size; store/wal_checkpointer.c). */
	        "PRAGMA journal_size_limit=8388608;",
	        NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		goto out;
	}
	rc = migrate(s, err, errlen);
	/* Every record kind's description must match its migrated table. */
	for (const rec_kind *const *k = rec_kinds; !rc && *k; k++) {
		rc = rec_kind_check(*k, err, errlen) ? SW_EINVAL : SW_OK;
		if (!rc)
			rc = sqlite_rec_check_table(&s->base, *k, err, errlen);
	}
out:
	if (rc) {
		sqlite_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return SW_OK;
}
