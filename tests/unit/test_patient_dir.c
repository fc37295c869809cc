/* Unit tests for the patient directory (store/patient_dir.c) against the store's SQL search on a
 * real SQLite file: random patients (names in mixed case, accents, the same name twice, archived
 * ones, an MRN that looks like a name), hundreds of random searches with their following pages,
 * each answered by both and compared field by field; again after small changes (moved one at a
 * time) and after a large batch (sorted again), made with raw SQL as another process would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/patient_find.h"
#include "store/patient_dir.h"
#include "store/store.h"

#include "tests/unit/store_fixture.h"

static const char *const families[] = {"Smith",   "smith", "SMITH",  "Smithers", "Jones",
                                       "Johnson", "Élise", "élan",   "Ng",       "Nguyen",
                                       "O'Neil",  "Lee",   "Leeson", "García",   "Garcia",
                                       "Ma",      "Mac",   "Müller", "Zhou",     "Ann Marie"};
static const char *const givens[] = {"John", "john", "Joan", "Maria", "María", "Ann",
                                     "Anna", "Lee",  "Ng",   "Zoë",   "Sam",   "Samuel"};

static unsigned rnd_state = 12345;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static int next_patient = 1;

/* Inserts a random patient with raw SQL (as another process would), a third of them with a
 * diagnosis. */
static void insert_random(const char *path)
{
	int i = next_patient++;
	const char *mrn_kind[] = {"M%05d", "SMITH%d", "X-%d"};
	char mrn[32];
	snprintf(mrn, sizeof mrn, mrn_kind[rnd(3)], i);
	if (i == 97)
		snprintf(mrn, sizeof mrn, "Smith"); /* an MRN a name search matches exactly */
	char *sql = sqlite3_mprintf(
	    "INSERT INTO patients (id, mrn, family_name, given_name, birth_date, sex_at_birth, "
	    "phone, created_at, updated_at, archived_at) VALUES ('p%06d', %Q, %Q, %Q, "
	    "'19%02d-0%d-1%d', 'female', %s, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', %s)",
	    i, mrn, families[rnd(20)], givens[rnd(12)], (int)rnd(90) + 10, (int)rnd(9) + 1,
	    (int)rnd(9), rnd(2) ? "'555-0100'" : "NULL",
	    rnd(8) == 0 ? "'2026-02-01T00:00:00Z'" : "NULL");
	raw_exec(path, sql);
	sqlite3_free(sql);
	if (rnd(3) == 0) {
		sql = sqlite3_mprintf(
		    "INSERT INTO conditions (id, patient_id, icd10, etiology, onset_date, "
		    "created_at, "
		    "updated_at) VALUES ('c%06d', 'p%06d', 'E11.42', 'diabetes', '2025-0%d-01', "
		    "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
		    i, i, (int)rnd(9) + 1);
		raw_exec(path, sql);
		sqlite3_free(sql);
	}
}

static void same_str(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		fail_msg("%s: \"%s\" and \"%s\"", what, a ? a : "(null)", b ? b : "(null)");
}

static void same_rows(const patient *a, const patient_summary *as, const patient *b,
                      const patient_summary *bs)
{
	same_str(a->id, b->id, "id");
	same_str(a->mrn, b->mrn, "mrn");
	same_str(a->family_name, b->family_name, "family_name");
	same_str(a->given_name, b->given_name, "given_name");
	same_str(a->birth_date, b->birth_date, "birth_date");
	same_str(a->phone, b->phone, "phone");
	same_str(a->archived_at, b->archived_at, "archived_at");
	assert_int_equal(a->version, b->version);
	same_str(as->icd10, bs->icd10, "icd10");
	same_str(as->onset_date, bs->onset_date, "onset_date");
	same_str(as->last_visit, bs->last_visit, "last_visit");
	assert_int_equal(as->has_nrs, bs->has_nrs);
}

/* A random query by name: everyone, a prefix of one name in a random case, two words in either
 * order (with a comma sometimes), or the MRN that looks like a name. */
static const char *random_query(arena *a)
{
	const char *name = rnd(2) ? families[rnd(20)] : givens[rnd(12)];
	size_t len = strlen(name);
	char *p = arena_strndup(a, name, 1 + rnd((unsigned)len));
	for (char *c = p; *c; c++)
		if (rnd(3) == 0 && *c >= 'a' && *c <= 'z')
			*c = (char)(*c - 32);
	switch (rnd(6)) {
	case 0: return "";
	case 1: return arena_printf(a, "%s %.*s", p, 1 + (int)rnd(3), givens[rnd(12)]);
	case 2: return arena_printf(a, "%.*s, %s", 2, givens[rnd(12)], p);
	case 3: return "Smith";
	default: return p;
	}
}

/* Runs n random searches through both, following up to three pages of each. */
static void compare_searches(fixture *f, patient_dir *d, int n)
{
	for (int i = 0; i < n; i++) {
		arena_clear(&f->a);
		patient_query q = {.q = random_query(&f->a),
		                   .limit = 1 + (int)rnd(25),
		                   .include_archived = (int)rnd(2)};
		assert_true(patient_dir_answers(d, &q));
		for (int page = 0; page < 3; page++) {
			patient *x, *y;
			patient_summary *xs, *ys;
			int nx, ny;
			assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &x, &xs, &nx),
			                 SW_OK);
			assert_int_equal(patient_dir_search(d, f->st, &f->a, &q, &y, &ys, &ny),
			                 SW_OK);
			if (nx != ny)
				fail_msg(
				    "q \"%s\" page %d: %d rows from SQL, %d from the directory",
				    q.q, page, nx, ny);
			for (int k = 0; k < nx; k++)
				same_rows(&x[k], &xs[k], &y[k], &ys[k]);
			if (nx <= q.limit)
				break;
			q.after_family = x[q.limit - 1].family_name;
			q.after_given = x[q.limit - 1].given_name;
			q.after_id = x[q.limit - 1].id;
		}
	}
}

static void test_same_as_sql(void **state)
{
	fixture *f = *state;
	for (int i = 0; i < 600; i++)
		insert_random(f->path);
	/* The patient with the MRN "Smith" sorts first and has no name a search for Smith finds. */
	raw_exec(f->path, "UPDATE patients SET family_name = 'Aaron', given_name = 'Sam', "
	                  "archived_at = NULL WHERE mrn = 'Smith'");
	patient_dir *d = patient_dir_new(100000);
	assert_non_null(d);
	patient_query none = {.q = "Smith", .limit = 10};
	assert_false(patient_dir_answers(d, &none)); /* not loaded yet */
	assert_int_equal(patient_dir_refresh(d, f->st), SW_OK);
	patient_dir_stats stats;
	patient_dir_stats_get(d, &stats);
	assert_int_equal(stats.patients, 600);
	assert_int_equal(stats.full_loads, 1);
	compare_searches(f, d, 400);

	/* Small changes, each applied in its place: renamed, archived, restored, deleted, new,
	 * a diagnosis (the summary beside the name). */
	raw_exec(f->path, "UPDATE patients SET family_name = 'smithson', version = version + 1 "
	                  "WHERE id IN ('p000007', 'p000100', 'p000333')");
	raw_exec(f->path, "UPDATE patients SET archived_at = '2026-03-01T00:00:00Z' "
	                  "WHERE id IN ('p000008', 'p000009')");
	raw_exec(f->path, "UPDATE patients SET archived_at = NULL WHERE archived_at IS NOT NULL "
	                  "AND id < 'p000050'");
	raw_exec(f->path, "DELETE FROM conditions WHERE patient_id IN ('p000011', 'p000012')");
	raw_exec(f->path, "DELETE FROM patients WHERE id IN ('p000011', 'p000012')");
	for (int i = 0; i < 20; i++)
		insert_random(f->path);
	raw_exec(f->path, "INSERT INTO conditions (id, patient_id, icd10, etiology, created_at, "
	                  "updated_at) VALUES ('c-late', 'p000020', 'G62.1', 'alcohol', "
	                  "'2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z')");
	compare_searches(f, d, 300);
	patient_dir_stats_get(d, &stats);
	assert_int_equal(stats.patients, 600 - 2 + 20);
	assert_int_equal(stats.full_loads, 1);
	assert_true(stats.patient_loads > 0);

	/* A large batch: every name changes case, and 300 new patients. */
	raw_exec(f->path, "UPDATE patients SET given_name = upper(given_name)");
	for (int i = 0; i < 300; i++)
		insert_random(f->path);
	compare_searches(f, d, 300);
	patient_dir_stats_get(d, &stats);
	assert_int_equal(stats.patients, 918);
	assert_int_equal(stats.full_loads, 1);
	patient_dir_free(d);
}

/* An empty database loads an empty directory; the first patients are found after. */
static void test_from_empty(void **state)
{
	fixture *f = *state;
	patient_dir *d = patient_dir_new(100000);
	assert_int_equal(patient_dir_refresh(d, f->st), SW_OK);
	patient_query q = {.q = "", .limit = 10};
	assert_true(patient_dir_answers(d, &q));
	patient *items;
	patient_summary *sums;
	int n = -1;
	assert_int_equal(patient_dir_search(d, f->st, &f->a, &q, &items, &sums, &n), SW_OK);
	assert_int_equal(n, 0);
	for (int i = 0; i < 3; i++)
		insert_random(f->path);
	compare_searches(f, d, 50);
	assert_int_equal(patient_dir_search(d, f->st, &f->a, &q, &items, &sums, &n), SW_OK);
	assert_int_equal(n, 3);
	patient_dir_free(d);
}

/* More patients than the directory may hold: it keeps none and answers nothing, at the first load
 * or when the registry grows past the limit later. */
static void test_too_many(void **state)
{
	fixture *f = *state;
	for (int i = 0; i < 10; i++)
		insert_random(f->path);
	patient_query q = {.q = "", .limit = 20, .include_archived = 1};
	patient_dir *d = patient_dir_new(10);
	assert_int_equal(patient_dir_refresh(d, f->st), SW_OK);
	assert_true(patient_dir_answers(d, &q));
	insert_random(f->path);
	patient *items;
	patient_summary *sums;
	int n;
	assert_int_equal(patient_dir_search(d, f->st, &f->a, &q, &items, &sums, &n), SW_OK);
	assert_int_equal(n, 11); /* answered by the database after the directory let go */
	assert_false(patient_dir_answers(d, &q));
	patient_dir_stats stats;
	patient_dir_stats_get(d, &stats);
	assert_int_equal(stats.patients, 0);
	assert_true(stats.too_many);
	patient_dir_free(d);
	d = patient_dir_new(5);
	assert_int_equal(patient_dir_refresh(d, f->st), SW_OK);
	assert_false(patient_dir_answers(d, &q));
	patient_dir_free(d);
}

static void test_answers_names_only(void **state)
{
	fixture *f = *state;
	insert_random(f->path);
	patient_dir *d = patient_dir_new(100000);
	assert_int_equal(patient_dir_refresh(d, f->st), SW_OK);
	patient_query q = {.limit = 10};
	const char *names[] = {"", "Sm", "Smith John", "Smith, John"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		q.q = names[i];
		assert_true(patient_dir_answers(d, &q));
	}
	const char *others[] = {"1970-01-02", "M0001", "42"};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
		q.q = others[i];
		assert_false(patient_dir_answers(d, &q));
	}
	q.q = NULL;
	q.by_last_visit = 1;
	assert_false(patient_dir_answers(d, &q));
	assert_false(patient_dir_answers(NULL, &q));
	/* Asked anyway, it hands them to the database. */
	const char *all[] = {"1970-01-02", "M0001", NULL};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		patient *x, *y;
		patient_summary *xs, *ys;
		int nx = -1, ny = -2;
		q.q = all[i];
		q.by_last_visit = all[i] == NULL;
		assert_int_equal(f->st->ops->patient_search(f->st, &f->a, &q, &x, &xs, &nx), SW_OK);
		assert_int_equal(patient_dir_search(d, f->st, &f->a, &q, &y, &ys, &ny), SW_OK);
		assert_int_equal(nx, ny);
	}
	patient_dir_free(d);

	/* A search never loads the whole directory itself: the database answers until it is. */
	d = patient_dir_new(100000);
	q = (patient_query){.q = "", .limit = 10, .include_archived = 1};
	patient *items;
	patient_summary *sums;
	int n = 0;
	assert_int_equal(patient_dir_search(d, f->st, &f->a, &q, &items, &sums, &n), SW_OK);
	assert_int_equal(n, 1);
	patient_dir_stats stats;
	patient_dir_stats_get(d, &stats);
	assert_int_equal(stats.full_loads, 0);
	assert_false(patient_dir_answers(d, &q));
	patient_dir_free(d);
}

/* The NOCASE order and prefix range as SQLite has them (checked against SQLite itself). */
static void test_nocase_matches_sqlite(void **state)
{
	(void)state;
	const char *words[] = {"",           "a",   "A",  "ab",   "aB",    "Ab",
	                       "b",          "Z",   "z",  "_",    "É",     "é",
	                       "ab\xc3\xa9", "a b", "A,", "\x7f", "smith", "SMITHERS"};
	enum { N = sizeof words / sizeof *words };
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	                       "SELECT ?1 = ?2 COLLATE NOCASE, ?1 < ?2 COLLATE NOCASE, "
	                       "?1 >= ?2 COLLATE NOCASE AND ?1 < (?2 || x'ff') COLLATE NOCASE",
	                       -1, &st, NULL),
	    SQLITE_OK);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			sqlite3_bind_text(st, 1, words[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, words[j], -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			int c = pf_nocase_cmp(words[i], words[j]);
			assert_int_equal(c == 0, sqlite3_column_int(st, 0));
			assert_int_equal(c < 0, sqlite3_column_int(st, 1));
			assert_int_equal(pf_in_prefix(words[i], words[j], strlen(words[j])),
			                 sqlite3_column_int(st, 2));
			sqlite3_reset(st);
		}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static int setup(void **state)
{
	fixture *f = fixture_open();
	if (!f)
		return -1;
	*state = f;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_same_as_sql, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_from_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answers_names_only, setup, teardown),
	    cmocka_unit_test(test_nocase_matches_sqlite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
