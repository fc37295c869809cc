/* Shared helpers of the SQLite store files: the connection struct, a per-connection statement
 * cache, binding and column reading into arenas, transactions, and the audit append. Internal to
 * store/ (SQLite's btreeInt.h habit): nothing outside store/ includes it. */
#ifndef SCHWANN_SQLITE_UTIL_H
#define SCHWANN_SQLITE_UTIL_H

#include <sqlite3.h>

#include "store.h"

#define STMT_CACHE 160

typedef struct sqlite_store {
	store base;
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	int n_cached;
	int in_write; /* holds the process's write mutex (sq_begin until commit or rollback) */
	int bulk;     /* a bulk load is open (store_synth.c): patients since its last commit + 1 */
} sqlite_store;

/* A ready statement for sql (which must be a string literal: the cache keys on its address), or
 * NULL on error (logged). */
sqlite3_stmt *sq_prep(sqlite_store *s, const char *sql);
void sq_text(sqlite3_stmt *st, int i, const char *v);
const char *sq_col(arena *a, sqlite3_stmt *st, int i);
sw_err sq_begin(sqlite_store *s);
sw_err sq_commit(sqlite_store *s);
void sq_rollback(sqlite_store *s);
sw_err sq_fail(sqlite_store *s, const char *what);
/* Makes sure the database file at path exists and, when this creates it, that it is readable
 * by its owner only (0600); with tighten, an existing file is set to 0600 too (only for a file
 * no connection of this process has open: see the comment in the function). SQLite gives the
 * -wal, -shm and journal files the mode of their database. Special names (":memory:", "",
 * "file:" URIs) are left to SQLite. 0, or -1 with errno set. */
int sq_create_private(const char *path, int tighten);
/* Appends r to the chain inside the caller's transaction. */
sw_err sq_audit_insert(sqlite_store *s, audit_record *r);

/* The operations, one file per group; store_sqlite.c puts them in the ops table. */
sw_err sqlite_patient_create(store *s, const patient *p, audit_record *audit);
sw_err sqlite_patient_get(store *s, arena *a, const char *id, patient *out);
sw_err sqlite_patient_update(store *s, const patient *p, int expected_version, audit_record *audit);
sw_err sqlite_patient_search(store *s, arena *a, const patient_query *q, patient **items,
                             patient_summary **summaries, int *n);
sw_err sqlite_patient_summary(store *s, arena *a, const char *id, patient_summary *out);
sw_err sqlite_patient_delta(store *s, long long since, patient_delta_fn fn, void *ctx,
                            long long *seq);
sw_err sqlite_outcome_cohort(store *s, arena *a, long long since, outcome_batch *out);
sw_err sqlite_serious_events(store *s, arena *a, int max, serious_event **items, int *n, int *more);
void sq_read_staff(arena *a, sqlite3_stmt *st, staff *out); /* the columns of STAFF_COLS */
/* The one staff member sql (a literal, one parameter: value) selects; SW_ENOTFOUND if none. */
sw_err sq_staff_one(sqlite_store *s, arena *a, const char *sql, const char *value, staff *out);
sw_err sqlite_staff_list(store *s, arena *a, staff **items, int *n);
sw_err sqlite_staff_get(store *s, arena *a, const char *id, staff *out);
sw_err sqlite_staff_add(store *s, const staff *p, audit_record *audit);
sw_err sqlite_staff_update(store *s, const staff *p, int end_sessions, audit_record *audit);
sw_err sqlite_token_list(store *s, arena *a, api_token **items, int *n);
sw_err sqlite_token_add(store *s, const unsigned char *token_hash, const api_token *t,
                        audit_record *audit);
sw_err sqlite_token_revoke_id(store *s, const char *id, const char *now, audit_record *audit);
sw_err sqlite_rec_create(store *s, arena *a, const rec_kind *k, const void *rec,
                         audit_record *audit);
sw_err sqlite_rec_get(store *s, arena *a, const rec_kind *k, const char *id, void *out);
sw_err sqlite_rec_list(store *s, arena *a, const rec_kind *k, const rec_query *q, void **items,
                       int *n);
sw_err sqlite_rec_update(store *s, arena *a, const rec_kind *k, const void *rec, int expected,
                         audit_record *audit);
sw_err sqlite_rec_find(store *s, arena *a, const rec_kind *k, const char *value, int limit,
                       void **items, int *n);
sw_err sqlite_rec_write_all(store *s, arena *a, const rec_write *w, int n, audit_record *audit);
/* The writes of rec_write_all inside the caller's transaction (each with its own audit record). */
sw_err sq_rec_write_batch(sqlite_store *s, arena *a, const rec_write *w, int n);
sw_err sqlite_rec_check_table(store *s, const rec_kind *k, char *err, size_t errlen);
/* Inserts inside the caller's transaction, without an audit record (the bulk load's rows). */
sw_err sq_patient_insert(sqlite_store *s, const patient *p);
sw_err sq_rec_insert(sqlite_store *s, arena *a, const rec_kind *k, const void *rec);
sw_err sqlite_bulk_begin(store *s);
sw_err sqlite_bulk_put(store *s, arena *a, const patient *p, const rec_write *w, int n);
sw_err sqlite_bulk_end(store *s, audit_record *audit);
/* Runs a prepared write and resets it; a UNIQUE violation is SW_ECONFLICT. */
sw_err sq_step_write(sqlite_store *s, sqlite3_stmt *st, const char *what);
/* The stored version of row id (sql selects it), checked inside the caller's transaction. */
sw_err sq_check_version(sqlite_store *s, const char *sql, const char *id, int expected);
/* BEGIN; the caller's write; the audit record; COMMIT, or ROLLBACK on any failure. */
sw_err sq_write_audited(sqlite_store *s, sw_err (*write)(sqlite_store *, const void *),
                        const void *row, const char *version_sql, const char *id, int expected,
                        audit_record *audit);
sw_err sqlite_resource_create(store *s, const resource *r, audit_record *audit);
sw_err sqlite_resource_get(store *s, arena *a, const char *id, resource *out);
sw_err sqlite_resource_list(store *s, arena *a, resource **items, int *n);
sw_err sqlite_resource_update(store *s, const resource *r, int expected, audit_record *audit);
sw_err sqlite_closure_create(store *s, const closure *c, audit_record *audit);
sw_err sqlite_closure_get(store *s, arena *a, const char *id, closure *out);
sw_err sqlite_closure_list(store *s, arena *a, const closure_query *q, closure **items, int *n);
sw_err sqlite_closure_update(store *s, const closure *c, int expected, audit_record *audit);
sw_err sqlite_resource_busy(store *s, arena *a, int64_t from, int64_t to, resource_busy **items,
                            int *n);
sw_err sqlite_appt_write(store *s, const appointment *ap, int expected, audit_record *audit,
                         appt_conflict *conflict);
sw_err sqlite_appt_write_all(store *s, arena *a, const appt_change *ch, int n,
                             const rec_write *also, int n_also, audit_record *audit,
                             appt_conflict *conflict);
sw_err sqlite_due_steps(store *s, arena *a, const char *from, const char *to, due_step **items,
                        int *n);
sw_err sqlite_appt_get(store *s, arena *a, const char *id, appointment *out);
sw_err sqlite_appt_list(store *s, arena *a, const appt_query *q, appointment **items, int *n);
sw_err sqlite_feed_token_add(store *s, const unsigned char *token_hash, const feed_token *t,
                             audit_record *audit);
sw_err sqlite_feed_token_list(store *s, arena *a, const char *resource_id, feed_token **items,
                              int *n);
sw_err sqlite_feed_token_get(store *s, arena *a, const char *id, feed_token *out);
sw_err sqlite_feed_token_revoke(store *s, const char *id, const char *now, const char *by,
                                audit_record *audit);
sw_err sqlite_feed_token_lookup(store *s, arena *a, const unsigned char *token_hash,
                                feed_token *out);
sw_err sqlite_price_add(store *s, const price *items, int n, audit_record *audit, int *dup);
sw_err sqlite_price_list(store *s, arena *a, const char *currency, const char *on, price **items,
                         int *n);
sw_err sqlite_price_candidates(store *s, arena *a, const char *currency, const char *kind,
                               const char *code, const char *on, price **items, int *n);
sw_err sqlite_invoice_create(store *s, const invoice *inv, audit_record *audit);
sw_err sqlite_invoice_get(store *s, arena *a, const char *id, invoice *out);
sw_err sqlite_invoice_list(store *s, arena *a, const char *patient_id, invoice **items, int *n);
sw_err sqlite_invoice_issue(store *s, invoice *inv, int expected, audit_record *audit);
sw_err sqlite_invoice_relines(store *s, const invoice *inv, int expected, audit_record *audit);
sw_err sqlite_invoice_void(store *s, const invoice *inv, int expected, audit_record *audit);
sw_err sqlite_credit_note_create(store *s, invoice *cn, int expected, audit_record *audit);
sw_err sqlite_bill_held(store *s, arena *a, const char *patient_id, bill_source **items, int *n);
sw_err sqlite_payment_add(store *s, const payment *p, audit_record *audit, int64_t *refundable);
sw_err sqlite_payment_get(store *s, arena *a, const char *id, payment *out);
sw_err sqlite_payment_list(store *s, arena *a, const char *patient_id, payment **items, int *n);
sw_err sqlite_payment_void(store *s, const payment *p, int expected, audit_record *audit,
                           int64_t *refundable);
sw_err sqlite_bill_balance(store *s, const char *patient_id, const char *currency,
                           bill_balance *out);
sw_err sqlite_takings(store *s, arena *a, const char *from, const char *to, taking **items, int *n);
sw_err sqlite_estimate_add(store *s, const estimate_row *e, audit_record *audit);
sw_err sqlite_estimate_get(store *s, arena *a, const char *id, estimate_row *out);
sw_err sqlite_estimate_list(store *s, arena *a, const char *patient_id, estimate_row **items,
                            int *n);
sw_err sqlite_audit_append(store *s, audit_record *recs, int n);
sw_err sqlite_audit_page(store *s, arena *a, const audit_query *q, audit_record **items, int *n);
sw_err sqlite_audit_verify(store *s, int64_t *checked, int64_t *broken_seq);
sw_err sqlite_audit_verify_signed(store *s, const unsigned char *pk, audit_signed_report *out);
sw_err sqlite_audit_checkpoint_now(store *s);
/* Signs r when its number is due for a checkpoint (inside the caller's transaction). */
sw_err sq_audit_checkpoint_due(sqlite_store *s, const audit_record *r);
sw_err sqlite_backup(store *s, const char *path);
#endif
