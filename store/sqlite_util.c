/* Helpers shared by the SQLite store: statement cache, binding, transactions, audit append. */
#include "sqlite_util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../util/dates.h"

sw_err sq_fail(sqlite_store *s, const char *what)
{
	fprintf(stderr,
	        "{\"level\":\"error\",\"where\":\"store\",\"what\":\"%s\",\"sqlite\":\"%s\"}\n",
	        what, sqlite3_errmsg(s->db));
	return SW_EDB;
}

sqlite3_stmt *sq_prep(sqlite_store *s, const char *sql)
{
	for (int i = 0; i < s->n_cached; i++)
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			return s->cache[i].st;
		}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		sq_fail(s, "prepare");
		return NULL;
	}
	if (s->n_cached < STMT_CACHE) {
		s->cache[s->n_cached].sql = sql;
		s->cache[s->n_cached].st = st;
		s->n_cached++;
	} else {
		fprintf(stderr, "{\"level\":\"error\",\"where\":\"store\",\"what\":\"statement "
		                "cache full\"}\n");
	}
	return st;
}

void sq_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

const char *sq_col(arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t)
		return NULL;
	return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

static sw_err exec(sqlite_store *s, const char *sql)
{
	sqlite3_stmt *st = sq_prep(s, sql);
	if (!st || sqlite3_step(st) != SQLITE_DONE)
		return sq_fail(s, sql);
	sqlite3_reset(st);
	return SW_OK;
}

/* Write transactions of this process queue on a mutex before asking SQLite for its lock: a
 * waiter then wakes the moment the lock is free, where SQLite's busy handler would sleep for up to
 * 100 ms between tries. Other processes (the CLI) still meet the busy timeout. */
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;

sw_err sq_begin(sqlite_store *s)
{
	pthread_mutex_lock(&write_mu);
	sw_err rc = exec(s, "BEGIN IMMEDIATE");
	if (rc)
		pthread_mutex_unlock(&write_mu);
	else
		s->in_write = 1;
	return rc;
}

sw_err sq_commit(sqlite_store *s)
{
	sw_err rc = exec(s, "COMMIT");
	if (rc) {
		sq_rollback(s);
		return rc;
	}
	s->in_write = 0;
	pthread_mutex_unlock(&write_mu);
	return rc;
}

void sq_rollback(sqlite_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	if (s->in_write) {
		s->in_write = 0;
		pthread_mutex_unlock(&write_mu);
	}
}

sw_err sq_audit_insert(sqlite_store *s, audit_record *r)
{
	char at[21];
	sqlite3_stmt *st = sq_prep(s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
	if (!st)
		return SW_EDB;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		r->seq = sqlite3_column_int64(st, 0) + 1;
		snprintf(r->prev_hash, sizeof r->prev_hash, "%s",
		         (const char *)sqlite3_column_text(st, 1));
	} else if (step == SQLITE_DONE) {
		r->seq = 1;
		memcpy(r->prev_hash, audit_genesis, sizeof r->prev_hash);
	} else {
		return sq_fail(s, "audit last");
	}
	sqlite3_reset(st);
	if (!r->at) {
		instant_now(at);
		r->at = at;
	}
	audit_seal(r);
	st = sq_prep(s, "INSERT INTO audit (seq, at, actor_id, actor_role, action, resource_type, "
	                "resource_id, patient_id, ip, request_id, detail, prev_hash, hash) "
	                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	sqlite3_bind_int64(st, 1, r->seq);
	sq_text(st, 2, r->at);
	sq_text(st, 3, r->actor_id);
	sq_text(st, 4, r->actor_role);
	sq_text(st, 5, r->action);
	sq_text(st, 6, r->resource_type);
	sq_text(st, 7, r->resource_id);
	sq_text(st, 8, r->patient_id);
	sq_text(st, 9, r->ip);
	sq_text(st, 10, r->request_id);
	sq_text(st, 11, r->detail);
	sq_text(st, 12, r->prev_hash);
	sq_text(st, 13, r->hash);
	int ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_reset(st);
	sw_err rc = ok ? sq_audit_checkpoint_due(s, r) : sq_fail(s, "audit insert");
	if (r->at == at)
		r->at = NULL; /* do not leave a pointer to this stack frame behind */
	return rc;
}

sw_err sq_step_write(sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int ext = sqlite3_extended_errcode(s->db);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return SW_OK;
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return SW_ECONFLICT;
	return sq_fail(s, what);
}

sw_err sq_check_version(sqlite_store *s, const char *sql, const char *id, int expected)
{
	sqlite3_stmt *st = sq_prep(s, sql);
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int rc = sqlite3_step(st);
	int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return SW_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sq_fail(s, "version check");
	return version == expected ? SW_OK : SW_EVERSION;
}

/* Group commit of writes: concurrent sq_write_audited calls share one transaction and one
 * fsync. A caller queues its job; the first to find no leader leads: it takes every job queued,
 * runs each inside its own SAVEPOINT on its own connection (a job that fails is rolled back to
 * its savepoint and the others go on), commits once, and hands each job its answer. A job is
 * answered only after the commit that holds it is durable, so an acknowledged write survives a
 * crash exactly as before; each keeps its own audit record, chained in commit order. Each job
 * has its own condition variable: a commit wakes the owners of its jobs and, when more are
 * queued, the first of them to lead next; a broadcast woke every waiter at every commit, and
 * they fought for the mutex only to sleep again. */
typedef struct write_job {
	sw_err (*write)(sqlite_store *, const void *);
	const void *row;
	const char *version_sql, *id;
	int expected;
	audit_record *audit;
	sw_err rc;
	int done;
	pthread_cond_t wake; /* its owner waits on it: answered, or its turn to lead */
	struct write_job *next;
} write_job;

static pthread_mutex_t group_mu = PTHREAD_MUTEX_INITIALIZER;
static write_job *group_head, *group_tail;
static int group_leading;

/* One job inside the open transaction, in a savepoint of its own. */
static sw_err run_job(sqlite_store *s, write_job *j)
{
	sw_err rc = exec(s, "SAVEPOINT job");
	if (rc)
		return rc;
	if (j->version_sql)
		rc = sq_check_version(s, j->version_sql, j->id, j->expected);
	if (!rc)
		rc = j->write(s, j->row);
	if (!rc)
		rc = sq_audit_insert(s, j->audit);
	if (rc && !sqlite3_get_autocommit(s->db)) {
		sqlite3_exec(s->db, "ROLLBACK TO job", NULL, NULL, NULL);
	}
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "RELEASE job"); /* prepared once (sqlite3_exec compiled it every time) */
	return rc;
}

/* Runs a batch of jobs in one transaction; each job's rc is set. */
static void run_batch(sqlite_store *s, write_job *batch)
{
	sw_err rc = sq_begin(s);
	int lost = 0; /* the transaction itself ended (an I/O error rolls it back whole) */
	for (write_job *j = batch; j; j = j->next) {
		j->rc = rc ? rc : lost ? SW_EDB : run_job(s, j);
		if (!rc && !lost && sqlite3_get_autocommit(s->db))
			lost = 1;
	}
	if (rc)
		return;
	if (lost) {
		sq_rollback(s);
		for (write_job *j = batch; j; j = j->next)
			if (!j->rc)
				j->rc = SW_EDB;
		return;
	}
	rc = sq_commit(s);
	for (write_job *j = batch; rc && j; j = j->next)
		if (!j->rc)
			j->rc = rc;
}

sw_err sq_write_audited(sqlite_store *s, sw_err (*write)(sqlite_store *, const void *),
                        const void *row, const char *version_sql, const char *id, int expected,
                        audit_record *audit)
{
	write_job job = {write, row, version_sql, id, expected, audit, SW_OK, 0, .next = NULL};
	pthread_cond_init(&job.wake, NULL);
	pthread_mutex_lock(&group_mu);
	if (group_tail)
		group_tail->next = &job;
	else
		group_head = &job;
	group_tail = &job;
	while (!job.done) {
		if (group_leading) {
			pthread_cond_wait(&job.wake, &group_mu);
			continue;
		}
		group_leading = 1;
		write_job *batch = group_head;
		group_head = group_tail = NULL;
		pthread_mutex_unlock(&group_mu);
		run_batch(s, batch);
		pthread_mutex_lock(&group_mu);
		for (write_job *j = batch; j;) {
			write_job *next = j->next; /* j may be gone once its owner sees done */
			j->done = 1;
			if (j != &job)
				pthread_cond_signal(
				    &j->wake); /* it runs only once the mutex is free */
			j = next;
		}
		group_leading = 0;
		if (group_head)
			pthread_cond_signal(
			    &group_head->wake); /* queued meanwhile: it leads next */
	}
	pthread_mutex_unlock(&group_mu);
	pthread_cond_destroy(&job.wake);
	return job.rc;
}

int sq_create_private(const char *path, int tighten)
{
	if (!path || !*path || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return 0;
	/* O_EXCL: an existing file is never opened here. Closing a descriptor drops every POSIX
	 * lock this process holds on the file, so opening the live database beside SQLite's own
	 * connections would release their locks (and let another process delete the WAL). */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && tighten)
		fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	int rc = tighten ? fchmod(fd, 0600) : 0;
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
