/* Unit tests for store/ against a real SQLite file: migrations, patients and search, versions,
 * diagnoses, the audit chain and its verification, backup, calendar feed tokens, and failure
 * paths (a write whose audit append fails must leave nothing behind). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <semaphore.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit_queue.h"
#include "store/store.h"
#include "util/embedded.h"
#include "util/uuid.h"

#include "tests/unit/store_fixture.h"

static int setup(void **state)
{
	fixture *f = fixture_open();
	if (!f)
		return -1;
	*state = f;
	return 0;
}

static patient make_patient(arena *a, const char *mrn, const char *family, const char *given,
                            const char *birth)
{
	patient p;
	memset(&p, 0, sizeof p);
	char *id = arena_alloc(a, UUID_STR_LEN + 1);
	uuid_v7(id);
	p.id = id;
	p.mrn = mrn;
	p.family_name = family;
	p.given_name = given;
	p.birth_date = birth;
	p.sex_at_birth = "female";
	p.version = 1;
	p.created_at = p.updated_at = "2026-11-25T10:00:00Z";
	return p;
}

static audit_record rec(const char *action, const char *pid)
{
	audit_record r;
	memset(&r, 0, sizeof r);
	r.at = "2026-11-25T10:00:00Z";
	r.action = action;
	r.resource_type = "patient";
	r.resource_id = r.patient_id = pid;
	return r;
}

static void migrations_recorded_once(void **state)
{
	fixture *f = *state;
	int64_t shipped = 0;
	for (const embedded_file *m = migration_files; m->path; m++)
		shipped++;
	assert_true(shipped >= 2);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM schema_migrations"), shipped);
	store *again;
	char err[256];
	assert_int_equal(store_sqlite_open(f->path, &again, err, sizeof err), SW_OK);
	again->ops->close(again);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM schema_migrations"), shipped);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM pragma_journal_mode WHERE "
	                                    "journal_mode = 'wal'"),
	                 1);
}

static void open_failure_is_reported(void **state)
{
	(void)state;
	store *st = NULL;
	char err[256] = "";
	assert_int_equal(store_sqlite_open("/nonexistent-dir/x/y.db", &st, err, sizeof err),
	                 SW_EDB);
	assert_null(st);
	assert_non_null(strstr(err, "cannot open"));
}

static void patient_roundtrip_and_versions(void **state)
{
	fixture *f = *state;
	patient p = make_patient(&f->a, "M1", "Okafor", "Ada", "1955-03-01");
	p.address_city = "Bend";
	p.research_consent = 1;
	audit_record a = rec("patient.create", p.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &p, &a), SW_OK);
	assert_int_equal(a.seq, 1);
	patient got;
	assert_int_equal(f->st->ops->patient_get(f->st, &f->a, p.id, &got), SW_OK);
	assert_string_equal(got.family_name, "Okafor");
	assert_string_equal(got.address_city, "Bend");
	assert_null(got.phone);
	assert_true(got.research_consent);
	assert_int_equal(got.version, 1);
	/* Same MRN again: conflict, nothing written, no audit record either. */
	patient dup = make_patient(&f->a, "M1", "Other", "One", "1960-01-01");
	audit_record a2 = rec("patient.create", dup.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &dup, &a2), SW_ECONFLICT);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit"), 1);
	/* Update with the right version, then a stale one. */
	got.given_name = "Adaeze";
	got.version = 2;
	audit_record a3 = rec("patient.update", p.id);
	assert_int_equal(f->st->ops->patient_update(f->st, &got, 1, &a3), SW_OK);
	got.given_name = "Lost";
	got.version = 2;
	audit_record a4 = rec("patient.update", p.id);
	assert_int_equal(f->st->ops->patient_update(f->st, &got, 1, &a4), SW_EVERSION);
	patient now;
	assert_int_equal(f->st->ops->patient_get(f->st, &f->a, p.id, &now), SW_OK);
	assert_string_equal(now.given_name, "Adaeze");
	assert_int_equal(now.version, 2);
	assert_int_equal(f->st->ops->patient_get(f->st, &f->a, "0000", &now), SW_ENOTFOUND);
}

/* One page of q into *items (and *sums when sums is not NULL), q's cursor moved past it: how
 * many it shows, and in *more whether another page follows. */
static int search_page(fixture *f, patient_query *q, patient **items, patient_summary **sums,
                       int *more)
{
	int n;
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, q, items, sums, &n), SW_OK);
	int shown = n > q->limit ? q->limit : n;
	*more = n > q->limit;
	if (*more) {
		q->after_family = (*items)[shown - 1].family_name;
		q->after_given = (*items)[shown - 1].given_name;
		q->after_id = (*items)[shown - 1].id;
	}
	return shown;
}

static void search_modes_and_pages(void **state)
{
	fixture *f = *state;
	static const char *const names[][2] = {
	    {"Smith", "John"}, {"smithers", "Amy"}, {"Smyth", "Jo"},  {"Jones", "Smitty"},
	    {"Brown", "Ann"},  {"Smith", "Anna"},   {"O_Hara", "Kim"}};
	for (int i = 0; i < 7; i++) {
		char *mrn = arena_printf(&f->a, "S%d", i);
		patient p = make_patient(&f->a, mrn, names[i][0], names[i][1],
		                         i == 4 ? "1970-07-07" : "1980-01-01");
		audit_record a = rec("patient.create", p.id);
		assert_int_equal(f->st->ops->patient_create(f->st, &p, &a), SW_OK);
	}
	patient_query q = {0};
	patient *items;
	int n;
	q.limit = 50;
	q.q = "smi"; /* family or given name prefix, any case */
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 4); /* Jones Smitty, Smith Anna, Smith John, smithers Amy */
	assert_string_equal(items[0].family_name, "Jones");
	assert_string_equal(items[1].given_name, "Anna");
	q.q = "Smith Jo";
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].given_name, "John");
	q.q = "S4";
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].family_name, "Brown");
	q.q = "1970-07-07";
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 1);
	q.q = "O_"; /* LIKE wildcards are literal */
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 1);
	/* Pages of 3 walk all 7 in order, each once. */
	q.q = NULL;
	q.limit = 3;
	int seen = 0, more = 1;
	const char *prev_family = "";
	while (more) {
		int shown = search_page(f, &q, &items, NULL, &more);
		for (int i = 0; i < shown; i++) {
			assert_true(strcasecmp(prev_family, items[i].family_name) <= 0);
			prev_family = items[i].family_name;
		}
		seen += shown;
	}
	assert_int_equal(seen, 7);
	/* One word in pages of 2, with summaries: a patient both of whose names match, and one
	 * whose MRN is the word, each come once, in name order. */
	patient both = make_patient(&f->a, "B1", "Smitts", "Smiley", "1990-01-01");
	patient by_mrn = make_patient(&f->a, "smi", "Zed", "Zoe", "1990-01-01");
	audit_record ab = rec("patient.create", both.id), am = rec("patient.create", by_mrn.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &both, &ab), SW_OK);
	assert_int_equal(f->st->ops->patient_create(f->st, &by_mrn, &am), SW_OK);
	static const char *const order[] = {"Jones", "Smith", "Smith", "smithers", "Smitts", "Zed"};
	memset(&q, 0, sizeof q);
	q.q = "smi";
	q.limit = 2;
	seen = 0;
	more = 1;
	while (more) {
		patient_summary *sums = NULL;
		int shown = search_page(f, &q, &items, &sums, &more);
		assert_non_null(sums);
		for (int i = 0; i < shown; i++, seen++) {
			assert_true(seen < 6);
			assert_string_equal(items[i].family_name, order[seen]);
			assert_null(sums[i].icd10);
			assert_false(sums[i].has_nrs);
		}
	}
	assert_int_equal(seen, 6);
	/* A prefix with a multi-byte letter: its bytes as they are, the ASCII ones in any case. */
	patient umlaut = make_patient(&f->a, "U1", "M\xc3\xbcller", "Zo\xc3\xab", "1990-01-01");
	audit_record au = rec("patient.create", umlaut.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &umlaut, &au), SW_OK);
	memset(&q, 0, sizeof q);
	q.limit = 50;
	q.q = "m\xc3\xbc";
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].id, umlaut.id);
	q.q = "zo\xc3\xab m";
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 1);
	q.q = "m\xc3\xbd"; /* the next letter after the prefix's: nothing */
	assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &items, NULL, &n), SW_OK);
	assert_int_equal(n, 0);
}

static void failed_audit_rolls_back_the_write(void **state)
{
	fixture *f = *state;
	raw_exec(f->path, "CREATE TRIGGER fail_audit BEFORE INSERT ON audit BEGIN SELECT "
	                  "RAISE(ABORT, 'injected failure'); END;");
	patient p = make_patient(&f->a, "F1", "Fail", "Case", "1950-01-01");
	audit_record a = rec("patient.create", p.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &p, &a), SW_EDB);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM patients"), 0);
	raw_exec(f->path, "DROP TRIGGER fail_audit");
	/* The connection is usable afterwards. */
	assert_int_equal(f->st->ops->patient_create(f->st, &p, &a), SW_OK);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM patients"), 1);
}

static void conditions_roundtrip(void **state)
{
	fixture *f = *state;
	patient p = make_patient(&f->a, "C1", "Cond", "Itions", "1950-01-01");
	audit_record a = rec("patient.create", p.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &p, &a), SW_OK);
	condition c;
	memset(&c, 0, sizeof c);
	char *id = arena_alloc(&f->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	c.id = id;
	c.patient_id = p.id;
	c.icd10 = "E11.42";
	c.etiology = "diabetic";
	c.onset_date = "2020-05";
	c.sites[0] = "foot_left";
	c.sites[1] = "hand_right";
	c.n_sites = 2;
	c.status = "active";
	c.version = 1;
	c.created_at = c.updated_at = "2026-11-25T10:00:00Z";
	audit_record ac = rec("condition.create", p.id);
	assert_int_equal(f->st->ops->rec_create(f->st, &f->a, &rk_condition, &c, &ac), SW_OK);
	condition *items;
	int n;
	rec_query q = {.patient_id = p.id};
	assert_int_equal(f->st->ops->rec_list(f->st, &f->a, &rk_condition, &q, (void **)&items, &n),
	                 SW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].onset_date, "2020-05");
	assert_int_equal(items[0].n_sites, 2);
	assert_string_equal(items[0].sites[1], "hand_right");
	assert_null(items[0].diagnosed_date);
	items[0].status = "entered_in_error";
	items[0].status_reason = "wrong patient";
	items[0].version = 2;
	audit_record au = rec("condition.update", p.id);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &rk_condition, &items[0], 1, &au),
	                 SW_OK);
	assert_int_equal(f->st->ops->rec_update(f->st, &f->a, &rk_condition, &items[0], 1, &au),
	                 SW_EVERSION);
	condition got;
	assert_int_equal(f->st->ops->rec_get(f->st, &f->a, &rk_condition, c.id, &got), SW_OK);
	assert_string_equal(got.status, "entered_in_error");
	/* A diagnosis for a patient that does not exist is refused by the foreign key. */
	condition orphan = c;
	char *oid = arena_alloc(&f->a, UUID_STR_LEN + 1);
	uuid_v7(oid);
	orphan.id = oid;
	orphan.patient_id = "no-such-patient";
	assert_int_not_equal(f->st->ops->rec_create(f->st, &f->a, &rk_condition, &orphan, &ac),
	                     SW_OK);
}

static void audit_verify_detects_tampering(void **state)
{
	fixture *f = *state;
	audit_record recs[5];
	for (int i = 0; i < 5; i++)
		recs[i] = rec("patient.read", "p");
	assert_int_equal(f->st->ops->audit_append(f->st, recs, 5), SW_OK);
	assert_int_equal(recs[4].seq, 5);
	int64_t checked, broken;
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(checked, 5);
	assert_int_equal(broken, 0);
	audit_query q = {0, 2, NULL};
	audit_record *items;
	int n;
	assert_int_equal(f->st->ops->audit_page(f->st, &f->a, &q, &items, &n), SW_OK);
	assert_int_equal(n, 3); /* limit + 1 */
	assert_int_equal(items[0].seq, 5);

	raw_exec(f->path, "UPDATE audit SET actor_id = 'someone' WHERE seq = 3");
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(broken, 3);
	raw_exec(f->path, "UPDATE audit SET actor_id = NULL WHERE seq = 3");
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(broken, 0);
	raw_exec(f->path, "DELETE FROM audit WHERE seq = 2");
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(broken, 3);
}

static void group_commit_from_threads(void **state)
{
	fixture *f = *state;
	audit_queue *q;
	char err[256];
	assert_int_equal(audit_queue_start(f->path, &q, err, sizeof err), SW_OK);
	audit_record recs[3];
	for (int i = 0; i < 3; i++)
		recs[i] = rec("patient.read", "p");
	assert_int_equal(audit_queue_submit(q, recs, 3), SW_OK);
	assert_int_equal(audit_queue_submit(q, recs, 1), SW_OK);
	audit_queue_stop(q);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit"), 4);
	int64_t checked, broken;
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(broken, 0);
}

/* Writers on threads of their own, as the server's workers are: each creates `n` patients, every
 * fifth with an MRN a patient has already (refused: SW_ECONFLICT). */
typedef struct writer_arg {
	const char *path;
	int k, n;
	int ok, conflicts, other;
} writer_arg;

static void *write_patients(void *arg)
{
	writer_arg *w = arg;
	store *st;
	char err[256];
	if (store_sqlite_open(w->path, &st, err, sizeof err)) {
		w->other = w->n;
		return NULL;
	}
	arena a;
	arena_init(&a);
	for (int i = 0; i < w->n; i++) {
		const char *mrn = i % 5 == 4 ? "MRN-TAKEN" : arena_printf(&a, "T-%d-%d", w->k, i);
		patient p =
		    make_patient(&a, mrn, "Thread", arena_printf(&a, "P%d", i), "1970-01-01");
		audit_record r = rec("patient.create", p.id);
		sw_err rc = st->ops->patient_create(st, &p, &r);
		if (rc == SW_OK)
			w->ok++;
		else if (rc == SW_ECONFLICT)
			w->conflicts++;
		else
			w->other++;
	}
	arena_free(&a);
	st->ops->close(st);
	return NULL;
}

/* Concurrent writes share transactions (group commit): each is answered on its own, a refused
 * one leaves the others of its batch written, and every written one has its audit record in an
 * unbroken chain. */
static void writes_from_threads_commit_together(void **state)
{
	fixture *f = *state;
	enum { THREADS = 8, EACH = 40 };
	patient taken = make_patient(&f->a, "MRN-TAKEN", "First", "Owner", "1970-01-01");
	audit_record r0 = rec("patient.create", taken.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &taken, &r0), SW_OK);
	pthread_t t[THREADS];
	writer_arg w[THREADS];
	for (int k = 0; k < THREADS; k++) {
		w[k] = (writer_arg){f->path, k, EACH, 0, 0, 0};
		assert_int_equal(pthread_create(&t[k], NULL, write_patients, &w[k]), 0);
	}
	int ok = 0, conflicts = 0;
	for (int k = 0; k < THREADS; k++) {
		pthread_join(t[k], NULL);
		assert_int_equal(w[k].other, 0);
		ok += w[k].ok;
		conflicts += w[k].conflicts;
	}
	assert_int_equal(ok, THREADS * EACH * 4 / 5);
	assert_int_equal(conflicts, THREADS * EACH / 5);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM patients"), ok + 1);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit WHERE action = "
	                                    "'patient.create'"),
	                 ok + 1);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM patients p WHERE NOT EXISTS "
	                                    "(SELECT 1 FROM audit a WHERE a.patient_id = p.id)"),
	                 0);
	int64_t checked, broken;
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(broken, 0);
}

/* An event loop's completion: counts the calls and remembers the last result. */
typedef struct async_done {
	sem_t called;
	sw_err rc;
} async_done;

static void on_async_done(void *arg, sw_err rc)
{
	async_done *d = arg;
	d->rc = rc;
	sem_post(&d->called);
}

static void group_commit_calls_back_when_durable(void **state)
{
	fixture *f = *state;
	audit_queue *q;
	char err[256];
	assert_int_equal(audit_queue_start(f->path, &q, err, sizeof err), SW_OK);
	audit_record recs[2] = {rec("patient.read", "p"), rec("patient.read", "p")};
	async_done d[3];
	for (int i = 0; i < 3; i++) {
		sem_init(&d[i].called, 0, 0);
		d[i].rc = SW_EDB;
		assert_int_equal(
		    audit_queue_submit_async(q, recs, i == 1 ? 2 : 1, on_async_done, &d[i]), SW_OK);
	}
	/* Each callback comes once, after its records are committed. */
	for (int i = 0; i < 3; i++) {
		sem_wait(&d[i].called);
		assert_int_equal(d[i].rc, SW_OK);
	}
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit"), 4);
	/* Waiting and called-back submitters share the queue. */
	assert_int_equal(audit_queue_submit(q, recs, 1), SW_OK);
	audit_queue_stop(q);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sem_trywait(&d[i].called), -1);
		sem_destroy(&d[i].called);
	}
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit"), 5);
}

static void backup_copies_everything(void **state)
{
	fixture *f = *state;
	patient p = make_patient(&f->a, "B1", "Back", "Up", "1950-01-01");
	audit_record a = rec("patient.create", p.id);
	assert_int_equal(f->st->ops->patient_create(f->st, &p, &a), SW_OK);
	char to[128];
	snprintf(to, sizeof to, "%s/copy.db", f->dir);
	assert_int_equal(f->st->ops->backup(f->st, to), SW_OK);
	assert_int_equal(raw_count(to, "SELECT count(*) FROM patients WHERE mrn = 'B1'"), 1);
	assert_int_equal(raw_count(to, "SELECT count(*) FROM audit"), 1);
	assert_int_equal(f->st->ops->backup(f->st, "/nonexistent-dir/copy.db"), SW_EIO);
}

/* The attack an unkeyed chain cannot see: delete a record, renumber and re-hash the rest. The
 * chain then verifies; the signed checkpoints do not. Deleting the newest records past the last
 * checkpoint shows as records removed under a checkpoint, or as fewer records after it. */
static void signed_checkpoints_catch_a_rewritten_chain(void **state)
{
	fixture *f = *state;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	crypto_sign_keypair(pk, sk);
	store_audit_signing(sk, 4);
	audit_record recs[10];
	static const char *const who[] = {"p0", "p1", "p2", "p3", "p4",
	                                  "p5", "p6", "p7", "p8", "p9"};
	for (int i = 0; i < 10; i++)
		recs[i] = rec("patient.read", who[i]);
	assert_int_equal(f->st->ops->audit_append(f->st, recs, 10), SW_OK);
	assert_int_equal(f->st->ops->audit_checkpoint_now(f->st), SW_OK); /* at record 10 */
	audit_signed_report rep;
	assert_int_equal(f->st->ops->audit_verify_signed(f->st, pk, &rep), SW_OK);
	assert_null(rep.problem);
	assert_int_equal(rep.checkpoints, 3); /* 4, 8 and 10 */
	assert_int_equal(rep.last_seq, 10);
	assert_int_equal(rep.after_last, 0);

	/* The rewrite: record 3 gone, 4..10 renumbered 3..9 and re-hashed. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = "
	                              "seq - 1 WHERE seq > 3",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT seq, at, actor_id, actor_role, action, "
	                                    "resource_type, resource_id, patient_id, ip, "
	                                    "request_id, detail FROM audit ORDER BY seq",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	char prev[AUDIT_HASH_HEX + 1];
	memcpy(prev, audit_genesis, sizeof prev);
	while (sqlite3_step(st) == SQLITE_ROW) {
		audit_record r = {0};
		const char **cols[] = {
		    &r.at,          &r.actor_id,   &r.actor_role, &r.action,     &r.resource_type,
		    &r.resource_id, &r.patient_id, &r.ip,         &r.request_id, &r.detail};
		r.seq = sqlite3_column_int64(st, 0);
		for (int i = 0; i < 10; i++)
			*cols[i] = (const char *)sqlite3_column_text(st, i + 1);
		memcpy(r.prev_hash, prev, sizeof prev);
		audit_seal(&r);
		char *sql =
		    sqlite3_mprintf("UPDATE audit SET prev_hash = %Q, hash = %Q WHERE seq = "
		                    "%lld",
		                    r.prev_hash, r.hash, (long long)r.seq);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_free(sql);
		memcpy(prev, r.hash, sizeof prev);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	int64_t checked, broken;
	assert_int_equal(f->st->ops->audit_verify(f->st, &checked, &broken), SW_OK);
	assert_int_equal(broken, 0); /* the unkeyed chain is fooled */
	assert_int_equal(checked, 9);
	assert_int_equal(f->st->ops->audit_verify_signed(f->st, pk, &rep), SW_OK);
	assert_non_null(rep.problem); /* the signatures are not */
	assert_int_equal(rep.bad_seq, 4);

	/* Another key's checkpoints do not count. */
	unsigned char pk2[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
	crypto_sign_keypair(pk2, sk2);
	assert_int_equal(f->st->ops->audit_verify_signed(f->st, pk2, &rep), SW_OK);
	assert_string_equal(rep.problem, "signed with another key");
	store_audit_signing(NULL, 0);
}

/* Calendar feed tokens: stored as a hash only, found by it while live, listed newest first,
 * revoked once (a second revoke and a lookup after it find nothing), and a write whose audit
 * append fails leaves no token behind. */
static void feed_tokens_by_hash(void **state)
{
	fixture *f = *state;
	raw_exec(f->path, "INSERT INTO resources (id, kind, name, hours, version, created_at, "
	                  "updated_at) VALUES ('r1', 'procedure_room', 'Room', '{}', 1, "
	                  "'2026-11-25T10:00:00Z', '2026-11-25T10:00:00Z')");
	unsigned char h1[SESSION_TOKEN_BYTES], h2[SESSION_TOKEN_BYTES], h3[SESSION_TOKEN_BYTES];
	memset(h1, 1, sizeof h1);
	memset(h2, 2, sizeof h2);
	memset(h3, 3, sizeof h3);
	feed_token t1 = {"t1", "r1", "Phone", "2026-11-25T10:00:00Z", NULL, NULL, NULL};
	feed_token t2 = {"t2", "r1", "Desk", "2026-11-26T10:00:00Z", NULL, NULL, NULL};
	audit_record a = rec("feed_token.create", NULL);
	assert_int_equal(f->st->ops->feed_token_add(f->st, h1, &t1, &a), SW_OK);
	a = rec("feed_token.create", NULL);
	assert_int_equal(f->st->ops->feed_token_add(f->st, h2, &t2, &a), SW_OK);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit WHERE action = "
	                                    "'feed_token.create'"),
	                 2);
	feed_token got;
	assert_int_equal(f->st->ops->feed_token_lookup(f->st, &f->a, h1, &got), SW_OK);
	assert_string_equal(got.id, "t1");
	assert_string_equal(got.resource_id, "r1");
	assert_null(got.revoked_at);
	assert_int_equal(f->st->ops->feed_token_lookup(f->st, &f->a, h3, &got), SW_ENOTFOUND);
	feed_token *items;
	int n;
	assert_int_equal(f->st->ops->feed_token_list(f->st, &f->a, "r1", &items, &n), SW_OK);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].id, "t2");
	a = rec("feed_token.revoke", NULL);
	assert_int_equal(
	    f->st->ops->feed_token_revoke(f->st, "t1", "2026-11-27T10:00:00Z", NULL, &a), SW_OK);
	assert_int_equal(f->st->ops->feed_token_lookup(f->st, &f->a, h1, &got), SW_ENOTFOUND);
	assert_int_equal(f->st->ops->feed_token_get(f->st, &f->a, "t1", &got), SW_OK);
	assert_string_equal(got.revoked_at, "2026-11-27T10:00:00Z");
	a = rec("feed_token.revoke", NULL);
	assert_int_equal(
	    f->st->ops->feed_token_revoke(f->st, "t1", "2026-11-28T10:00:00Z", NULL, &a),
	    SW_ENOTFOUND);
	assert_int_equal(f->st->ops->feed_token_get(f->st, &f->a, "nope", &got), SW_ENOTFOUND);
	assert_int_equal(f->st->ops->feed_token_lookup(f->st, &f->a, h2, &got), SW_OK);
	/* A token whose audit record cannot be written is not stored. */
	raw_exec(f->path, "CREATE TRIGGER fail_audit BEFORE INSERT ON audit BEGIN SELECT "
	                  "RAISE(ABORT, 'injected failure'); END;");
	feed_token t3 = {"t3", "r1", "Lost", "2026-11-28T10:00:00Z", NULL, NULL, NULL};
	a = rec("feed_token.create", NULL);
	assert_int_equal(f->st->ops->feed_token_add(f->st, h3, &t3, &a), SW_EDB);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM feed_tokens"), 2);
	/* The same hash twice is refused. */
	raw_exec(f->path, "DROP TRIGGER fail_audit");
	feed_token dup = {"t4", "r1", "Dup", "2026-11-28T10:00:00Z", NULL, NULL, NULL};
	a = rec("feed_token.create", NULL);
	assert_int_equal(f->st->ops->feed_token_add(f->st, h2, &dup, &a), SW_ECONFLICT);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(migrations_recorded_once),
	    cmocka_unit_test(open_failure_is_reported),
	    T(patient_roundtrip_and_versions),
	    T(search_modes_and_pages),
	    T(failed_audit_rolls_back_the_write),
	    T(conditions_roundtrip),
	    T(audit_verify_detects_tampering),
	    T(writes_from_threads_commit_together),
	    T(group_commit_from_threads),
	    T(group_commit_calls_back_when_durable),
	    T(backup_copies_everything),
	    T(signed_checkpoints_catch_a_rewritten_chain),
	    T(feed_tokens_by_hash),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
