/* A cmocka fixture for unit tests against a real SQLite file: a fresh database in a temporary
 * directory with its store and an arena, removed by teardown; and raw SQL on the same file
 * beside the store (as another process would), for setting up and checking what the store
 * wrote. Include after cmocka.h. */
#ifndef SCHWANN_TEST_STORE_FIXTURE_H
#define SCHWANN_TEST_STORE_FIXTURE_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

typedef struct fixture {
	char dir[64];
	char path[96];
	store *st;
	arena a;
	const char *patient_id; /* the patient a test file's setup registers, when it needs one */
} fixture;

/* A new fixture, its database migrated; NULL on failure. */
static inline fixture *fixture_open(void)
{
	fixture *f = calloc(1, sizeof *f);
	char err[256];
	if (!f)
		return NULL;
	snprintf(f->dir, sizeof f->dir, "/tmp/schwann-unit-XXXXXX");
	snprintf(f->path, sizeof f->path, "%s/t.db", mkdtemp(f->dir) ? f->dir : "/nonexistent");
	if (store_sqlite_open(f->path, &f->st, err, sizeof err)) {
		free(f);
		return NULL;
	}
	arena_init(&f->a);
	return f;
}

static int teardown(void **state)
{
	fixture *f = *state;
	f->st->ops->close(f->st);
	arena_free(&f->a);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static inline void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "raw_exec: %s\n", msg);
	sqlite3_free(msg);
	sqlite3_close(db);
	assert_int_equal(rc, SQLITE_OK);
}

static inline int64_t raw_count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

#endif
