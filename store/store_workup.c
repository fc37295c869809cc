/* SQLite store: the work-up records (instrument assessments so far). Writes commit with their
 * audit record through sq_write_audited. */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

#define ASSESSMENT_COLS                                                                            \
	"id, patient_id, instrument_id, instrument_version, performed_at, answers, score, total, " \
	"status, void_reason, version, created_at, updated_at, updated_by"

static void read_assessment(arena *a, sqlite3_stmt *st, assessment *as)
{
	memset(as, 0, sizeof(*as));
	as->id = sq_col(a, st, 0);
	as->patient_id = sq_col(a, st, 1);
	as->instrument_id = sq_col(a, st, 2);
	as->instrument_version = sq_col(a, st, 3);
	as->performed_at = sq_col(a, st, 4);
	as->answers = sq_col(a, st, 5);
	as->score = sq_col(a, st, 6);
	as->has_total = sqlite3_column_type(st, 7) != SQLITE_NULL;
	as->total = sqlite3_column_double(st, 7);
	as->status = sq_col(a, st, 8);
	as->void_reason = sq_col(a, st, 9);
	as->version = sqlite3_column_int(st, 10);
	as->created_at = sq_col(a, st, 11);
	as->updated_at = sq_col(a, st, 12);
	as->updated_by = sq_col(a, st, 13);
}

static void bind_assessment(sqlite3_stmt *st, const assessment *as)
{
	sq_text(st, 1, as->id);
	sq_text(st, 2, as->patient_id);
	sq_text(st, 3, as->instrument_id);
	sq_text(st, 4, as->instrument_version);
	sq_text(st, 5, as->performed_at);
	sq_text(st, 6, as->answers);
	sq_text(st, 7, as->score);
	if (as->has_total)
		sqlite3_bind_double(st, 8, as->total);
	else
		sqlite3_bind_null(st, 8);
	sq_text(st, 9, as->status);
	sq_text(st, 10, as->void_reason);
	sqlite3_bind_int(st, 11, as->version);
	sq_text(st, 12, as->created_at);
	sq_text(st, 13, as->updated_at);
	sq_text(st, 14, as->updated_by);
}

static sw_err insert_assessment(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO assessments (" ASSESSMENT_COLS
	                              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	bind_assessment(st, row);
	return sq_step_write(s, st, "assessment insert");
}

static sw_err update_assessment(sqlite_store *s, const void *row)
{
	/* Only the lifecycle changes: answers and score are never rewritten. */
	sqlite3_stmt *st = sq_prep(s, "UPDATE assessments SET status = ?9, void_reason = ?10, "
	                              "version = ?11, updated_at = ?13, updated_by = ?14 "
	                              "WHERE id = ?1");
	if (!st)
		return SW_EDB;
	bind_assessment(st, row);
	return sq_step_write(s, st, "assessment update");
}

sw_err sqlite_assessment_create(store *base, const assessment *as, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_assessment, as, NULL, NULL, 0, audit);
}

sw_err sqlite_assessment_update(store *base, const assessment *as, int expected_version,
                                audit_record *audit)
{
	return sq_write_audited(SQ(base), update_assessment, as,
	                        "SELECT version FROM assessments WHERE id = ?", as->id,
	                        expected_version, audit);
}

sw_err sqlite_assessment_get(store *base, arena *a, const char *id, assessment *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " ASSESSMENT_COLS " FROM assessments WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_assessment(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "assessment get");
}

sw_err sqlite_assessment_list(store *base, arena *a, const assessment_query *q, assessment **items,
                              int *n)
{
	sqlite_store *s = SQ(base);
	/* Dates compare as text: "2026-05-01" <= "2026-05-01T10:00:00Z" < "2026-05-02". */
	sqlite3_stmt *st = sq_prep(
	    s, "SELECT " ASSESSMENT_COLS " FROM assessments WHERE patient_id = ?1 "
	       "AND (?2 IS NULL OR instrument_id = ?2) AND (?3 IS NULL OR performed_at >= ?3) "
	       "AND (?4 IS NULL OR substr(performed_at, 1, 10) <= ?4) "
	       "AND (?5 OR status <> 'voided') ORDER BY performed_at, created_at, id LIMIT ?6");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, q->patient_id);
	sq_text(st, 2, q->instrument_id);
	sq_text(st, 3, q->from);
	sq_text(st, 4, q->to);
	sqlite3_bind_int(st, 5, q->include_voided);
	sqlite3_bind_int(st, 6, q->limit + 1);
	int cap = q->limit + 1, count = 0, rc;
	assessment *out = arena_alloc(a, sizeof(assessment) * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < cap)
		read_assessment(a, st, &out[count++]);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_fail(s, "assessment list");
	*items = out;
	*n = count;
	return SW_OK;
}
