/* SQLite store: every kind of patient record through one set of operations, the SQL of each kind
 * built once from its description (core/record.h): INSERT of every column, SELECT by id and by
 * patient, UPDATE of the changeable columns and the lifecycle with the version check in its WHERE
 * clause. Also the CREATE TABLE a description implies, and the check that a migrated table has
 * the columns its description names. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../util/strbuf.h"
#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define MAX_KINDS 64
#define LIST_MAX 5000

/* The statements of one kind. Built once per process; live until exit. The statement cache keys
 * on these addresses. */
typedef struct kind_sql {
	const rec_kind *k;
	char *insert, *get, *list, *update, *exists;
	char *find; /* NULL when the kind has no find_fields */
	int n_fields;
} kind_sql;

/* The shipped kinds' statements, built once (pthread_once) and then only read, without a lock;
 * kinds outside rec_kinds (the unit tests') are built on first use under a mutex. */
static kind_sql shipped[MAX_KINDS], extra[MAX_KINDS];
static int n_shipped, n_extra;
static pthread_once_t shipped_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t extra_mu = PTHREAD_MUTEX_INITIALIZER;

static char *take(strbuf *b)
{
	char *s = b->buf ? strdup(b->buf) : NULL;
	strbuf_free(b);
	return s;
}

/* Appends the column list "a, b, c". */
static int columns(strbuf *b, const rec_kind *k)
{
	int rc = 0;
	for (const rec_field *f = k->fields; f->name; f++)
		rc |= strbuf_printf(b, "%s%s", f == k->fields ? "" : ", ", rec_column(f));
	return rc;
}

static const char *column_of(const rec_kind *k, const char *field)
{
	const rec_field *f = rec_field_find(k, field);
	return f ? rec_column(f) : field;
}

static int build(kind_sql *q, const rec_kind *k)
{
	strbuf b;
	int rc = 0, n = 0;
	for (const rec_field *f = k->fields; f->name; f++)
		n++;
	q->k = k;
	q->n_fields = n;

	strbuf_init(&b, 8192);
	rc |= strbuf_printf(&b, "INSERT INTO %s (", k->table);
	rc |= columns(&b, k);
	rc |= strbuf_puts(&b, ") VALUES (");
	for (int i = 1; i <= n; i++)
		rc |= strbuf_printf(&b, "%s?%d", i > 1 ? ", " : "", i);
	rc |= strbuf_puts(&b, ")");
	q->insert = take(&b);

	strbuf_init(&b, 8192);
	rc |= strbuf_puts(&b, "SELECT ");
	rc |= columns(&b, k);
	rc |= strbuf_printf(&b, " FROM %s WHERE id = ?1", k->table);
	q->get = take(&b);

	/* ?1 patient, ?2 the equality filter, ?3/?4 from/to dates on the range field, ?5 limit. */
	strbuf_init(&b, 8192);
	rc |= strbuf_puts(&b, "SELECT ");
	rc |= columns(&b, k);
	rc |= strbuf_printf(&b, " FROM %s WHERE patient_id = ?1", k->table);
	if (k->eq_field)
		rc |= strbuf_printf(&b, " AND (?2 IS NULL OR %s = ?2)", column_of(k, k->eq_field));
	if (k->range_field) {
		const char *c = column_of(k, k->range_field);
		rc |= strbuf_printf(&b,
		                    " AND (?3 IS NULL OR %s >= ?3) AND (?4 IS NULL OR "
		                    "substr(%s, 1, 10) <= ?4)",
		                    c, c);
	}
	rc |= strbuf_printf(&b, " ORDER BY %s LIMIT ?5", k->list_order);
	q->list = take(&b);

	/* Parameters are the columns' positions, as in the INSERT; ?n+1 is the expected version. */
	strbuf_init(&b, 8192);
	rc |= strbuf_printf(&b, "UPDATE %s SET ", k->table);
	int i = 1, first = 1;
	for (const rec_field *f = k->fields; f->name; f++, i++) {
		int life = (f->flags & RF_META) && strcmp(f->name, "id") != 0 &&
		           strcmp(f->name, "patient_id") != 0 && strcmp(f->name, "created_at") != 0;
		if (!life && !(f->flags & RF_MUTABLE))
			continue;
		rc |= strbuf_printf(&b, "%s%s = ?%d", first ? "" : ", ", rec_column(f), i);
		first = 0;
	}
	rc |= strbuf_printf(&b, " WHERE id = ?1 AND version = ?%d", n + 1);
	q->update = take(&b);

	strbuf_init(&b, 256);
	rc |= strbuf_printf(&b, "SELECT 1 FROM %s WHERE id = ?1", k->table);
	q->exists = take(&b);

	/* ?1 the value, ?2 limit; letter case ignored (a recall must not miss "lot-7" for "LOT-7").
	 * A list column is stored "a,b,c" (no item holds a comma). */
	if (k->find_fields) {
		strbuf_init(&b, 8192);
		rc |= strbuf_puts(&b, "SELECT ");
		rc |= columns(&b, k);
		rc |= strbuf_printf(&b, " FROM %s WHERE ", k->table);
		for (const char *const *name = k->find_fields; *name; name++) {
			const rec_field *f = rec_field_find(k, *name);
			const char *c = f ? rec_column(f) : *name;
			rc |= strbuf_printf(
			    &b,
			    f && f->type == RT_LIST
			        ? "%sinstr(lower(',' || %s || ','), lower(',' || ?1 || ',')) > 0"
			        : "%s%s = ?1 COLLATE NOCASE",
			    name == k->find_fields ? "" : " OR ", c);
		}
		rc |= strbuf_printf(&b, " ORDER BY %s LIMIT ?2", k->list_order);
		q->find = take(&b);
		rc |= !q->find;
	}
	return rc || !q->insert || !q->get || !q->list || !q->update || !q->exists ? -1 : 0;
}

static void build_shipped(void)
{
	for (const rec_kind *const *k = rec_kinds; *k && n_shipped < MAX_KINDS; k++)
		if (build(&shipped[n_shipped], *k) == 0)
			n_shipped++;
}

/* The statements of k. */
static const kind_sql *sql_of(const rec_kind *k)
{
	pthread_once(&shipped_once, build_shipped);
	for (int i = 0; i < n_shipped; i++)
		if (shipped[i].k == k)
			return &shipped[i];
	const kind_sql *found = NULL;
	pthread_mutex_lock(&extra_mu);
	for (int i = 0; i < n_extra && !found; i++)
		if (extra[i].k == k)
			found = &extra[i];
	if (!found && n_extra < MAX_KINDS && build(&extra[n_extra], k) == 0)
		found = &extra[n_extra++];
	pthread_mutex_unlock(&extra_mu);
	return found;
}

/* ---- binding and reading ---- */

static void bind_all(arena *a, sqlite3_stmt *st, const rec_kind *k, const void *rec)
{
	int i = 1;
	for (const rec_field *f = k->fields; f->name; f++, i++) {
		switch (f->type) {
		case RT_TEXT:
		case RT_DATE:
		case RT_INSTANT:
		case RT_ENUM:
		case RT_JSON: sq_text(st, i, REC_CAT(rec, f->off, const char *)); break;
		case RT_INT: sqlite3_bind_int(st, i, REC_CAT(rec, f->off, int)); break;
		case RT_REAL:
			if (REC_CAT(rec, f->has_off, int))
				sqlite3_bind_double(st, i, REC_CAT(rec, f->off, double));
			else
				sqlite3_bind_null(st, i);
			break;
		case RT_BOOL:
			if (REC_CAT(rec, f->off, int) < 0)
				sqlite3_bind_null(st, i);
			else
				sqlite3_bind_int(st, i, REC_CAT(rec, f->off, int));
			break;
		case RT_LIST: {
			const char *const *items =
			    (const char *const *)((const char *)rec + f->off);
			int n = REC_CAT(rec, f->has_off, int);
			size_t len = 1;
			for (int j = 0; j < n; j++)
				len += strlen(items[j]) + 1;
			char *out = arena_alloc(a, len), *p = out;
			*p = '\0';
			for (int j = 0; j < n; j++) {
				size_t l = strlen(items[j]);
				if (j)
					*p++ = ',';
				memcpy(p, items[j], l);
				p += l;
				*p = '\0';
			}
			sqlite3_bind_text(st, i, out, -1, SQLITE_STATIC);
			break;
		}
		}
	}
}

/* Splits "a,b,c" into the list member (at most f->max_len items). */
static void read_list(arena *a, const rec_field *f, const char *csv, void *rec)
{
	const char **items = (const char **)((char *)rec + f->off);
	int n = 0;
	while (csv && *csv && n < f->max_len) {
		const char *comma = strchr(csv, ',');
		size_t len = comma ? (size_t)(comma - csv) : strlen(csv);
		items[n++] = arena_strndup(a, csv, len);
		csv = comma ? comma + 1 : NULL;
	}
	REC_AT(rec, f->has_off, int) = n;
}

static void read_row(arena *a, sqlite3_stmt *st, const rec_kind *k, void *rec)
{
	memset(rec, 0, k->size);
	int i = 0;
	for (const rec_field *f = k->fields; f->name; f++, i++) {
		int null = sqlite3_column_type(st, i) == SQLITE_NULL;
		switch (f->type) {
		case RT_TEXT:
		case RT_DATE:
		case RT_INSTANT:
		case RT_ENUM:
		case RT_JSON: REC_AT(rec, f->off, const char *) = sq_col(a, st, i); break;
		case RT_INT: REC_AT(rec, f->off, int) = sqlite3_column_int(st, i); break;
		case RT_REAL:
			REC_AT(rec, f->has_off, int) = !null;
			REC_AT(rec, f->off, double) = sqlite3_column_double(st, i);
			break;
		case RT_BOOL:
			REC_AT(rec, f->off, int) = null ? -1 : sqlite3_column_int(st, i);
			break;
		case RT_LIST: read_list(a, f, sq_col(a, st, i), rec); break;
		}
	}
	if (k->after_read)
		k->after_read(rec);
}

/* ---- the operations ---- */

typedef struct write_args {
	arena *a;
	const kind_sql *q;
	const void *rec;
	int expected;
} write_args;

static sw_err write_insert(sqlite_store *s, const void *arg)
{
	const write_args *w = arg;
	sqlite3_stmt *st = sq_prep(s, w->q->insert);
	if (!st)
		return SW_EDB;
	bind_all(w->a, st, w->q->k, w->rec);
	return sq_step_write(s, st, w->q->k->table);
}

/* The UPDATE checks the version itself; when it touched no row, the row is gone or newer. */
static sw_err write_update(sqlite_store *s, const void *arg)
{
	const write_args *w = arg;
	sqlite3_stmt *st = sq_prep(s, w->q->update);
	if (!st)
		return SW_EDB;
	bind_all(w->a, st, w->q->k, w->rec);
	sqlite3_bind_int(st, w->q->n_fields + 1, w->expected);
	sw_err rc = sq_step_write(s, st, w->q->k->table);
	if (rc || sqlite3_changes(s->db) == 1)
		return rc;
	st = sq_prep(s, w->q->exists);
	if (!st)
		return SW_EDB;
	sq_text(st, 1, rec_meta_of(w->q->k, w->rec).id);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_ROW)
		return SW_EVERSION;
	return step == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "record exists");
}

sw_err sq_rec_insert(sqlite_store *s, arena *a, const rec_kind *k, const void *rec)
{
	write_args w = {a, sql_of(k), rec, 0};
	return w.q ? write_insert(s, &w) : SW_EDB;
}

sw_err sqlite_rec_create(store *base, arena *a, const rec_kind *k, const void *rec,
                         audit_record *audit)
{
	write_args w = {a, sql_of(k), rec, 0};
	if (!w.q)
		return SW_EDB;
	return sq_write_audited(SQ(base), write_insert, &w, NULL, NULL, 0, audit);
}

sw_err sqlite_rec_update(store *base, arena *a, const rec_kind *k, const void *rec, int expected,
                         audit_record *audit)
{
	write_args w = {a, sql_of(k), rec, expected};
	if (!w.q)
		return SW_EDB;
	return sq_write_audited(SQ(base), write_update, &w, NULL, NULL, 0, audit);
}

sw_err sqlite_rec_get(store *base, arena *a, const rec_kind *k, const char *id, void *out)
{
	sqlite_store *s = SQ(base);
	const kind_sql *q = sql_of(k);
	sqlite3_stmt *st = q ? sq_prep(s, q->get) : NULL;
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_row(a, st, k, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, k->table);
}

/* Steps st to the end, reading each row into a growing array; resets st. */
static sw_err read_rows(sqlite_store *s, arena *a, const rec_kind *k, sqlite3_stmt *st,
                        void **items, int *n)
{
	int cap = 16, count = 0, rc;
	char *out = arena_alloc(a, k->size * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			char *bigger = arena_alloc(a, k->size * (size_t)cap * 2);
			memcpy(bigger, out, k->size * (size_t)cap);
			out = bigger;
			cap *= 2;
		}
		read_row(a, st, k, out + k->size * (size_t)count++);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_fail(s, k->table);
	*items = out;
	*n = count;
	return SW_OK;
}

sw_err sqlite_rec_list(store *base, arena *a, const rec_kind *k, const rec_query *rq, void **items,
                       int *n)
{
	sqlite_store *s = SQ(base);
	const kind_sql *q = sql_of(k);
	sqlite3_stmt *st = q ? sq_prep(s, q->list) : NULL;
	if (!st)
		return SW_EDB;
	int max = rq->limit > 0 && rq->limit < LIST_MAX ? rq->limit : LIST_MAX;
	sq_text(st, 1, rq->patient_id);
	if (k->eq_field)
		sq_text(st, 2, rq->eq);
	if (k->range_field) {
		sq_text(st, 3, rq->from);
		sq_text(st, 4, rq->to);
	}
	sqlite3_bind_int(st, 5, max);
	return read_rows(s, a, k, st, items, n);
}

sw_err sqlite_rec_find(store *base, arena *a, const rec_kind *k, const char *value, int limit,
                       void **items, int *n)
{
	sqlite_store *s = SQ(base);
	const kind_sql *q = sql_of(k);
	sqlite3_stmt *st = q && q->find ? sq_prep(s, q->find) : NULL;
	if (!st)
		return SW_EDB;
	sq_text(st, 1, value);
	sqlite3_bind_int(st, 2, limit > 0 && limit < LIST_MAX ? limit : LIST_MAX);
	return read_rows(s, a, k, st, items, n);
}

typedef struct batch_args {
	arena *a;
	const rec_write *w;
	int n;
} batch_args;

sw_err sq_rec_write_batch(sqlite_store *s, arena *a, const rec_write *rw, int n)
{
	sw_err rc = SW_OK;
	for (int i = 0; i < n && !rc; i++) {
		write_args w = {a, sql_of(rw[i].k), rw[i].rec, rw[i].expected};
		rc = !w.q ? SW_EDB : w.expected ? write_update(s, &w) : write_insert(s, &w);
		if (!rc && rw[i].audit)
			rc = sq_audit_insert(s, rw[i].audit);
	}
	return rc;
}

static sw_err write_batch(sqlite_store *s, const void *arg)
{
	const batch_args *b = arg;
	return sq_rec_write_batch(s, b->a, b->w, b->n);
}

sw_err sqlite_rec_write_all(store *base, arena *a, const rec_write *w, int n, audit_record *audit)
{
	batch_args b = {a, w, n};
	return sq_write_audited(SQ(base), write_batch, &b, NULL, NULL, 0, audit);
}

/* ---- schema ---- */

static const char *sql_type(rec_type t)
{
	return t == RT_INT || t == RT_BOOL ? "INTEGER" : t == RT_REAL ? "REAL" : "TEXT";
}

char *store_rec_create_table(const rec_kind *k)
{
	strbuf b;
	int rc = 0;
	strbuf_init(&b, 16384);
	rc |= strbuf_printf(&b, "CREATE TABLE %s (\n", k->table);
	for (const rec_field *f = k->fields; f->name; f++) {
		const char *c = rec_column(f);
		rc |= strbuf_printf(&b, "  %s %s", c, sql_type(f->type));
		if (strcmp(c, "id") == 0)
			rc |= strbuf_puts(&b, " PRIMARY KEY");
		else if (strcmp(c, "patient_id") == 0)
			rc |= strbuf_puts(&b, " NOT NULL REFERENCES patients(id)");
		else if ((f->flags & RF_REQUIRED) || f->type == RT_LIST)
			rc |= strbuf_puts(&b, " NOT NULL");
		if (strcmp(c, "status") == 0) {
			rc |= strbuf_puts(&b, " CHECK (status IN (");
			for (const char *const *st = k->statuses; *st; st++)
				rc |=
				    strbuf_printf(&b, "%s'%s'", st == k->statuses ? "" : ",", *st);
			rc |= strbuf_puts(&b, "))");
		}
		rc |= strbuf_puts(&b, f[1].name ? ",\n" : "\n");
	}
	rc |= strbuf_printf(&b, ");\nCREATE INDEX %s_by_patient ON %s (patient_id, %s);\n",
	                    k->table, k->table, k->list_order);
	if (rc) {
		strbuf_free(&b);
		return NULL;
	}
	return take(&b);
}

sw_err sqlite_rec_check_table(store *base, const rec_kind *k, char *err, size_t errlen)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = NULL;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT name, type FROM pragma_table_info('%s')", k->table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_fail(s, "table info");
	sw_err rc = SW_OK;
	for (const rec_field *f = k->fields; f->name && !rc; f++) {
		int found = 0;
		sqlite3_reset(st);
		while (sqlite3_step(st) == SQLITE_ROW && !found)
			found =
			    strcmp((const char *)sqlite3_column_text(st, 0), rec_column(f)) == 0 &&
			    strcmp((const char *)sqlite3_column_text(st, 1), sql_type(f->type)) ==
			        0;
		if (!found) {
			snprintf(err, errlen,
			         "table %s has no column %s %s that record kind %s names", k->table,
			         rec_column(f), sql_type(f->type), k->name);
			rc = SW_EDB;
		}
	}
	sqlite3_finalize(st);
	return rc;
}
