/* The store interface: every operation the API and CLI need, as a table of function pointers
 * implemented once per engine (store_sqlite.c now; PostgreSQL later). The only SQL in the program
 * lives behind it. A store is one connection: use it from one thread at a time.
 *
 * Ownership: strings in records returned by the store are allocated in the arena passed in; the
 * caller's records passed in are only read. Writes that touch patient data take an audit_record
 * whose seq, prev_hash and hash the store fills in, in the same transaction as the write. */
#ifndef SCHWANN_STORE_H
#define SCHWANN_STORE_H

#include <stdint.h>

#include "../core/appointment.h"
#include "../core/assessment.h"
#include "../core/billing.h"
#include "../core/audit.h"
#include "../core/condition.h"
#include "../core/diary.h"
#include "../core/observation.h"
#include "../core/outcome_report.h"
#include "../core/patient.h"
#include "../core/record.h"
#include "../core/resource.h"
#include "../util/arena.h"
#include "../util/err.h"

#define SESSION_TOKEN_BYTES 32

typedef struct store store;

typedef struct staff {
	const char *id;
	const char *email;
	const char *name;
	const char *role;
	const char *password_hash;
	int active;
	const char *created_at;
} staff;

/* A serious adverse event for the outcome reports; patient_id only to find the patient's
 * profile, never shown. */
typedef struct serious_event {
	const char *patient_id;
	const char *onset_date, *term, *relatedness, *outcome, *criteria;
	int grade, expected;
} serious_event;

/* A load of the outcome cohort (see outcome_cohort). */
typedef struct outcome_batch {
	outcome_subject *items;
	int n;
	const char **changed;
	int n_changed;
	long long seq; /* the latest change the load includes */
} outcome_batch;

/* An API token as the admin console lists it (never the token itself). */
typedef struct api_token {
	const char *id;
	const char *staff_id;
	const char *staff_email;
	const char *name;
	const char *created_at;
	const char *revoked_at; /* NULL while it works */
} api_token;

/* A calendar feed token (migration 019): opens one resource's iCalendar feed to a calendar app
 * that cannot sign in. The store keeps its hash only; this is what is listed. */
typedef struct feed_token {
	const char *id;
	const char *resource_id;
	const char *name; /* what it is for ("Dr Osei's phone") */
	const char *created_at, *created_by;
	const char *revoked_at, *revoked_by; /* NULL while it works */
} feed_token;

/* A cost estimate as kept (migration 020): its totals and dates as columns, and the whole
 * estimate as made (JSON text) for its JSON and PDF. */
typedef struct estimate_row {
	const char *id, *patient_id, *plan_id, *currency;
	int64_t total, total_with_optional;
	const char *prices_on, *valid_until;
	const char *body;
	const char *created_at, *created_by;
} estimate_row;

typedef struct patient_query {
	const char *q; /* name prefix, MRN, or birth date YYYY-MM-DD; NULL or "" for all */
	const char *after_family, *after_given,
	    *after_id; /* keyset cursor, all NULL for the start */
	int limit;
	int include_archived;
	int by_last_visit;       /* the whole list, most recent visit first (q must be empty) */
	const char *after_visit; /* by_last_visit's cursor: the last visit of the row before, NULL
	                          * with names when that row had none */
} patient_query;

/* What the patient list shows beside the name: the newest active diagnosis, the latest NRS
 * (a diary entry or a clinic reading) and the last visit (the latest assessment, test result or
 * procedure); each NULL / has_nrs 0 when there is none. Voided records do not count. */
typedef struct patient_summary {
	const char *icd10, *etiology, *onset_date;
	double nrs;
	int has_nrs;
	const char *nrs_date;
	const char *last_visit;
} patient_summary;

/* One patient of a load of the patient directory (see patient_delta): its row and summary, valid
 * during the call only; with gone set, a patient who no longer exists (only p->id is set).
 * Nonzero stops the load. */
typedef int (*patient_delta_fn)(void *ctx, const patient *p, const patient_summary *s, int gone);

typedef struct rec_query {
	const char *patient_id;
	const char *eq;        /* the kind's equality filter (rec_kind.eq_field), or NULL */
	const char *from, *to; /* date range on the kind's range_field (inclusive), or NULL */
	int limit;             /* 0 for the most a list gives (5,000) */
} rec_query;

/* One write of rec_write_all. */
typedef struct rec_write {
	const rec_kind *k;
	const void *rec;
	int expected;        /* 0: insert it; else update it if the stored version is this */
	audit_record *audit; /* its own audit record (a side effect: a plan stopped), or NULL */
} rec_write;

/* Closures to list: one resource's (any status) or every resource's (resource_id NULL), those
 * overlapping [from, to) (instants as stored, YYYY-MM-DDTHH:MM:SSZ; NULL for no bound). */
typedef struct closure_query {
	const char *resource_id;
	const char *from, *to;
	int active_only;
} closure_query;

/* A time a resource is taken by a booking, [start, end) in instants. */
typedef struct resource_busy {
	const char *resource_id;
	const char *appointment_id; /* the booking that takes it */
	int64_t start, end;
} resource_busy;

/* Appointments to list, each filter NULL for any: the patient's, those taking the resource, those
 * overlapping [from, to) (instants as stored). At most limit (up to 5,001, so a caller showing
 * 5,000 can tell there are more; 0: 5,000), by start. */
typedef struct appt_query {
	const char *patient_id, *resource_id;
	const char *from, *to;
	int limit;
} appt_query;

/* The live appointment that holds a resource a booking wants, at an overlapping time. */
typedef struct appt_conflict {
	char appointment_id[40];
	char resource_id[40];
	int64_t start, end;
} appt_conflict;

/* One appointment write of appt_write_all: an insert (expected 0) or an update of the stored
 * version expected. */
typedef struct appt_change {
	const appointment *ap;
	int expected;
} appt_change;

/* A plan step due with no live appointment (the front desk's work list), with its patient. */
typedef struct due_step {
	const char *step_id, *plan_id, *patient_id;
	const char *mrn, *family_name, *given_name, *phone;
	const char *kind, *due_date, *window_from, *window_to;
} due_step;

/* A source (completed appointment or recorded procedure) held by a live invoice line: invoiced
 * and neither voided with its draft nor credited. */
typedef struct bill_source {
	const char *source_kind, *source_id;
	const char *invoice_id;
} bill_source;

/* A payment of the day's takings, with the patient the front desk needs to see. */
typedef struct taking {
	payment p;
	const char *mrn, *family_name, *given_name;
} taking;

typedef struct audit_query {
	int64_t before_seq; /* 0 for the newest */
	int limit;
	const char *patient_id; /* filters, each NULL for any: */
	const char *actor_id;
	const char *action;    /* "patient.read", or a prefix such as "patient" */
	const char *from, *to; /* dates YYYY-MM-DD, inclusive */
} audit_query;

/* What the signed checkpoints say of the chain (audit_verify_signed). */
typedef struct audit_signed_report {
	int64_t checkpoints; /* checkpoints whose signature and record matched */
	int64_t last_seq;    /* the last such checkpoint's record, 0 if none */
	int64_t after_last;  /* records after it (not covered by any signature yet) */
	int64_t bad_seq;     /* the first checkpoint that failed, 0 if none */
	const char *problem; /* why it failed, or NULL */
} audit_signed_report;

typedef struct store_ops {
	void (*close)(store *s);

	sw_err (*staff_create)(store *s, const staff *st);
	sw_err (*staff_by_email)(store *s, arena *a, const char *email, staff *out);
	sw_err (*staff_count)(store *s, int64_t *n);

	sw_err (*session_create)(store *s, const unsigned char *token_hash, const char *staff_id,
	                         const char *csrf, int64_t now, const char *ip);
	/* Finds a session not idle for more than idle_s; refreshes its last use (at most twice a
	 * minute) and deletes it when it has expired. Without may_write, SW_EAGAIN instead of
	 * either write (nothing written, nothing in out). */
	sw_err (*session_lookup)(store *s, arena *a, const unsigned char *token_hash, int64_t now,
	                         int idle_s, int may_write, staff *out, const char **csrf);
	sw_err (*session_delete)(store *s, const unsigned char *token_hash);
	sw_err (*token_create)(store *s, const unsigned char *token_hash, const char *staff_id,
	                       const char *name, const char *now);

	/* The admin console's: every staff member by name; one; a new one and a change (name,
	 * role, active, password hash; with end_sessions the member's sessions end in the same
	 * transaction), each with its audit record. A taken e-mail is SW_ECONFLICT. */
	sw_err (*staff_list)(store *s, arena *a, staff **items, int *n);
	sw_err (*staff_get)(store *s, arena *a, const char *id, staff *out);
	sw_err (*staff_add)(store *s, const staff *p, audit_record *audit);
	sw_err (*staff_update)(store *s, const staff *p, int end_sessions, audit_record *audit);
	/* Tokens newest first; a new one with its id; revoking by id (SW_ENOTFOUND if none live).
	 */
	sw_err (*token_list)(store *s, arena *a, api_token **items, int *n);
	sw_err (*token_add)(store *s, const unsigned char *token_hash, const api_token *t,
	                    audit_record *audit);
	sw_err (*token_revoke_id)(store *s, const char *id, const char *now, audit_record *audit);
	sw_err (*token_lookup)(store *s, arena *a, const unsigned char *token_hash, staff *out);
	/* Marks a token revoked; SW_ENOTFOUND when no such live token exists. */
	sw_err (*token_revoke)(store *s, const unsigned char *token_hash, const char *now);

	sw_err (*patient_create)(store *s, const patient *p, audit_record *audit);
	sw_err (*patient_get)(store *s, arena *a, const char *id, patient *out);
	/* Writes p (all fields) if the stored version is expected_version; bumps the version. */
	sw_err (*patient_update)(store *s, const patient *p, int expected_version,
	                         audit_record *audit);
	/* Up to q->limit + 1 rows, so the caller can tell whether there is a next page; with
	 * summaries non-NULL, each row's summary too (*summaries parallel to *items), read in the
	 * same statement. */
	sw_err (*patient_search)(store *s, arena *a, const patient_query *q, patient **items,
	                         patient_summary **summaries, int *n);
	sw_err (*patient_summary)(store *s, arena *a, const char *id, patient_summary *out);
	/* The patients with their summaries for the in-memory directory (store/patient_dir.c):
	 * since < 0 every patient; else those changed after that sequence number of
	 * outcome_changes, whose triggers cover every table the list shows. One read transaction.
	 */
	sw_err (*patient_delta)(store *s, long long since, patient_delta_fn fn, void *ctx,
	                        long long *seq);
	/* The outcome cohort: every treated patient and the comparator (core/outcome_report.h). */
	/* since < 0: everyone; else only the patients changed after that sequence number, all of
	 * them named in changed[] (those no longer in the cohort are there and not in items). */
	sw_err (*outcome_cohort)(store *s, arena *a, long long since, outcome_batch *out);
	/* Every serious adverse event not entered in error, oldest first, at most max (*more set
	 * when there were others). */
	sw_err (*serious_events)(store *s, arena *a, int max, serious_event **items, int *n,
	                         int *more);

	/* Patient records of every kind (core/record.h): rec points to the kind's struct. Create
	 * and update commit with their audit record; update writes the changeable fields and the
	 * lifecycle if the stored version is expected (SW_EVERSION if not). Lists are oldest first
	 * in the kind's order, at most q->limit (or 5,000) rows. */
	sw_err (*rec_create)(store *s, arena *a, const rec_kind *k, const void *rec,
	                     audit_record *audit);
	sw_err (*rec_get)(store *s, arena *a, const rec_kind *k, const char *id, void *out);
	sw_err (*rec_list)(store *s, arena *a, const rec_kind *k, const rec_query *q, void **items,
	                   int *n);
	sw_err (*rec_update)(store *s, arena *a, const rec_kind *k, const void *rec, int expected,
	                     audit_record *audit);
	/* Records of every patient whose k->find_fields hold value (letter case ignored), in the
	 * kind's order, at most limit (or 5,000). */
	sw_err (*rec_find)(store *s, arena *a, const rec_kind *k, const char *value, int limit,
	                   void **items, int *n);
	/* Several inserts and updates in one transaction, all or nothing: audit for the whole (a
	 * plan and its steps), and each write's own audit record where it has one. */
	sw_err (*rec_write_all)(store *s, arena *a, const rec_write *w, int n, audit_record *audit);
	/* SW_OK when k's table has every column its description names, with its type. */
	sw_err (*rec_check_table)(store *s, const rec_kind *k, char *err, size_t errlen);

	/* Calendar resources and their closures (core/resource.h): clinic configuration, each
	 * write in one transaction with its audit record. A name used by another resource (letter
	 * case ignored) or a staff account that has a resource already is SW_ECONFLICT; an update
	 * or void of a stale version SW_EVERSION. Lists: resources by kind and name, closures by
	 * start; at most 5,000. */
	sw_err (*resource_create)(store *s, const resource *r, audit_record *audit);
	sw_err (*resource_get)(store *s, arena *a, const char *id, resource *out);
	sw_err (*resource_list)(store *s, arena *a, resource **items, int *n);
	sw_err (*resource_update)(store *s, const resource *r, int expected, audit_record *audit);
	sw_err (*closure_create)(store *s, const closure *c, audit_record *audit);
	sw_err (*closure_get)(store *s, arena *a, const char *id, closure *out);
	sw_err (*closure_list)(store *s, arena *a, const closure_query *q, closure **items, int *n);
	sw_err (*closure_update)(store *s, const closure *c, int expected, audit_record *audit);
	/* The times resources are booked between from and to (instants), any order: what the
	 * slot search (core/slots.h) must keep free. The booking phase fills it from the
	 * appointments not cancelled; until appointments exist there are none. */
	sw_err (*resource_busy)(store *s, arena *a, int64_t from, int64_t to, resource_busy **items,
	                        int *n);

	/* Appointments (core/appointment.h). appt_write inserts ap with its resources (expected 0)
	 * or updates it if the stored version is expected (SW_EVERSION if not), moving its
	 * resources' times with it; with its audit record, in one transaction. Inside that
	 * transaction, when ap holds time (appt_holds_time), every resource is checked for a live
	 * appointment overlapping [start, end): if one is found nothing is written, *conflict names
	 * it and the answer is SW_ECONFLICT. SQLite serializes writers, so two bookings cannot both
	 * pass the check. Reads give the resources with their kind and name, in the needs' order.
	 */
	sw_err (*appt_write)(store *s, const appointment *ap, int expected, audit_record *audit,
	                     appt_conflict *conflict);
	/* Several appointment writes (each an insert, expected 0, or an update of that stored
	 * version) and the record writes `also` (a plan step done with its completed visit), all
	 * or none, in one transaction with one audit record (and each `also` its own). Every
	 * appointment that holds time is checked, once all are written, against every other live
	 * one, those of the batch included: a series cannot overlap itself or anything booked,
	 * and a whole series moves together even onto times its own members leave. */
	sw_err (*appt_write_all)(store *s, arena *a, const appt_change *ch, int n,
	                         const rec_write *also, int n_also, audit_record *audit,
	                         appt_conflict *conflict);
	sw_err (*appt_get)(store *s, arena *a, const char *id, appointment *out);
	/* The planned, not optional steps of accepted or in-progress plans of patients not
	 * archived, whose window meets the dates from..to (YYYY-MM-DD, both included), of the kinds
	 * booked on their own (not processing), with no live appointment: by due date, at most
	 * 5,000. */
	sw_err (*due_steps)(store *s, arena *a, const char *from, const char *to, due_step **items,
	                    int *n);
	sw_err (*appt_list)(store *s, arena *a, const appt_query *q, appointment **items, int *n);
	/* Calendar feed tokens: a new one with its hash and its audit record; a resource's, newest
	 * first, at most 5,000 (never the token itself); one by id; revoking by id with its audit
	 * record (SW_ENOTFOUND when no live token has it); and the live token with a hash
	 * (SW_ENOTFOUND when none: unknown or revoked). */
	sw_err (*feed_token_add)(store *s, const unsigned char *token_hash, const feed_token *t,
	                         audit_record *audit);
	sw_err (*feed_token_list)(store *s, arena *a, const char *resource_id, feed_token **items,
	                          int *n);
	sw_err (*feed_token_get)(store *s, arena *a, const char *id, feed_token *out);
	sw_err (*feed_token_revoke)(store *s, const char *id, const char *now, const char *by,
	                            audit_record *audit);
	sw_err (*feed_token_lookup)(store *s, arena *a, const unsigned char *token_hash,
	                            feed_token *out);

	/* Billing (core/billing.h); each write in one transaction with its audit record. Money is
	 * int64 minor units; SQLite's sums fail rather than wrap on overflow. */
	/* Adds prices (history is never overwritten): one already set for an item, currency and
	 * date is SW_ECONFLICT with *dup its index in items, and nothing is written. */
	sw_err (*price_add)(store *s, const price *items, int n, audit_record *audit, int *dup);
	/* Prices in currency: with on (YYYY-MM-DD) each item's price in force that day, else
	 * every price (of any currency when currency is NULL); by kind, code, biologic, date. */
	sw_err (*price_list)(store *s, arena *a, const char *currency, const char *on,
	                     price **items, int *n);
	/* The prices of item (kind, code) in currency that took effect on or before `on`, every
	 * biologic: the candidates price_pick chooses from. */
	sw_err (*price_candidates)(store *s, arena *a, const char *currency, const char *kind,
	                           const char *code, const char *on, price **items, int *n);
	/* A draft invoice with its lines (each live). A source some live line holds already is
	 * SW_ECONFLICT (the unique index on live lines' sources): never invoiced twice. */
	sw_err (*invoice_create)(store *s, const invoice *inv, audit_record *audit);
	/* An invoice or credit note with its lines, and (an invoice) what was paid on it and
	 * credited. */
	sw_err (*invoice_get)(store *s, arena *a, const char *id, invoice *out);
	/* The patient's invoices and credit notes, oldest first, each as invoice_get reads it. */
	sw_err (*invoice_list)(store *s, arena *a, const char *patient_id, invoice **items, int *n);
	/* Issues draft inv (version expected; SW_EVERSION if stale, SW_ECONFLICT if no longer a
	 * draft): inside the write transaction inv->seq becomes the series' highest + 1, so the
	 * numbers have no gap and no duplicate; status, issued_at, version, updated_* written. */
	sw_err (*invoice_issue)(store *s, invoice *inv, int expected, audit_record *audit);
	/* Replaces draft inv's lines with inv->lines (version expected; the old lines stay,
	 * marked removed and no longer live), writing its total, version and updated_*;
	 * SW_ECONFLICT if not a draft or a new line's source is on another live invoice. */
	sw_err (*invoice_relines)(store *s, const invoice *inv, int expected, audit_record *audit);
	/* Voids draft inv (reason in inv) and frees its lines' sources; SW_ECONFLICT if not a
	 * draft. */
	sw_err (*invoice_void)(store *s, const invoice *inv, int expected, audit_record *audit);
	/* Credit note cn (its lines' credits_line name lines of invoice cn->invoice_id, version
	 * expected, which must be issued): numbered as invoice_issue numbers, each line credited
	 * at most once (a line credited already: SW_ECONFLICT), its sources freed; the invoice's
	 * version bumped. */
	sw_err (*credit_note_create)(store *s, invoice *cn, int expected, audit_record *audit);
	/* The patient's sources held by live invoice lines. */
	sw_err (*bill_held)(store *s, arena *a, const char *patient_id, bill_source **items,
	                    int *n);
	/* Records p. A refund (amount < 0) more than the live payments net of refunds (on its
	 * invoice when it names one, else on the patient's account) is SW_ECONFLICT with that
	 * net in *refundable, checked inside the transaction. */
	sw_err (*payment_add)(store *s, const payment *p, audit_record *audit, int64_t *refundable);
	sw_err (*payment_get)(store *s, arena *a, const char *id, payment *out);
	/* The patient's payments and refunds, voided ones too, oldest first. */
	sw_err (*payment_list)(store *s, arena *a, const char *patient_id, payment **items, int *n);
	/* Voids p (void_reason set; version expected). Voiding a payment that refunds already
	 * made rely on is SW_ECONFLICT with the net left in *refundable. */
	sw_err (*payment_void)(store *s, const payment *p, int expected, audit_record *audit,
	                       int64_t *refundable);
	/* The patient's account in currency (bill_balance_close applied). */
	sw_err (*bill_balance)(store *s, const char *patient_id, const char *currency,
	                       bill_balance *out);
	/* Payments and refunds received in [from, to) (instants), voided too, by time; at most
	 * 5,000. */
	sw_err (*takings)(store *s, arena *a, const char *from, const char *to, taking **items,
	                  int *n);
	/* Cost estimates: written once with their audit record, never changed; a patient's
	 * newest first, at most 5,000. */
	sw_err (*estimate_add)(store *s, const estimate_row *e, audit_record *audit);
	sw_err (*estimate_get)(store *s, arena *a, const char *id, estimate_row *out);
	sw_err (*estimate_list)(store *s, arena *a, const char *patient_id, estimate_row **items,
	                        int *n);

	/* Appends records in one transaction (the read-audit group commit). */
	sw_err (*audit_append)(store *s, audit_record *recs, int n);
	sw_err (*audit_page)(store *s, arena *a, const audit_query *q, audit_record **items,
	                     int *n);
	/* Walks the chain: *checked records read; *broken_seq the first bad one, 0 if none. */
	sw_err (*audit_verify)(store *s, int64_t *checked, int64_t *broken_seq);
	/* Checks every signed checkpoint against public key pk (crypto_sign_PUBLICKEYBYTES). */
	sw_err (*audit_verify_signed)(store *s, const unsigned char *pk, audit_signed_report *out);
	/* Signs the head now (at shutdown), if signing is on and the head is not signed yet. */
	sw_err (*audit_checkpoint_now)(store *s);

	/* A consistent copy of the whole database to path, safe while others write. */
	sw_err (*backup)(store *s, const char *path);

	/* The bulk load of a synthetic registry (schwann synth). bulk_begin refuses a database
	 * that holds a patient who is not synthetic (SW_ECONFLICT), then opens a long write with
	 * durability relaxed (synchronous off, a large page cache); bulk_put inserts a patient and
	 * its records (w: inserts only, no audit record of their own), committing every few
	 * thousand patients (a taken MRN or id: SW_ECONFLICT); bulk_end with an audit record
	 * commits and appends it for the whole load, without one rolls back what is not yet
	 * committed (batches already committed stay), and either way restores durability. */
	sw_err (*bulk_begin)(store *s);
	sw_err (*bulk_put)(store *s, arena *a, const patient *p, const rec_write *w, int n);
	sw_err (*bulk_end)(store *s, audit_record *audit);
} store_ops;

struct store {
	const store_ops *ops;
};

/* Signs the audit chain's head with sk (crypto_sign_SECRETKEYBYTES) every `every` records, in the
 * transaction that appends the record, and writes each checkpoint to stderr as a log line; NULL
 * stops signing. Process-wide: call before the store is used by several threads. */
void store_audit_signing(const unsigned char *sk, int every);

/* The CREATE TABLE (and by-patient index) that k's description implies, malloc'd; for writing a
 * new kind's migration and for tests. */
char *store_rec_create_table(const rec_kind *k);

/* Opens (creating if needed) an SQLite database and applies pending migrations. On failure writes
 * a message into err. */
sw_err store_sqlite_open(const char *path, store **out, char *err, size_t errlen);
/* Whether connections opened from now on checkpoint the WAL themselves, inside the commit that
 * crosses 1,000 pages (SQLite's default, on) or leave it to a wal_checkpointer (off). */
void store_sqlite_auto_checkpoints(int on);

#endif
