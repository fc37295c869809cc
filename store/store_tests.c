/* SQLite store: clinical test results, the pain diary and concomitant medicines. Each write
 * commits with its audit record (sq_write_audited); nothing is deleted. */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define LIST_MAX 5000

static void bind_double_or_null(sqlite3_stmt *st, int i, int has, double v)
{
	if (has)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* ---- observations ---- */

#define OBS_COLS                                                                                   \
	"id, patient_id, kind, code_system, code, value, value_text, unit, side, site, details, "  \
	"performed_on, abnormal, interpretation, status, void_reason, version, created_at, "       \
	"updated_at, updated_by"

static void read_observation(arena *a, sqlite3_stmt *st, void *out)
{
	observation *o = out;
	memset(o, 0, sizeof(*o));
	o->id = sq_col(a, st, 0);
	o->patient_id = sq_col(a, st, 1);
	o->kind = sq_col(a, st, 2);
	o->k = obs_kind_find(o->kind);
	o->code_system = sq_col(a, st, 3);
	o->code = sq_col(a, st, 4);
	o->has_value = sqlite3_column_type(st, 5) != SQLITE_NULL;
	o->value = sqlite3_column_double(st, 5);
	o->value_text = sq_col(a, st, 6);
	o->unit = sq_col(a, st, 7);
	o->side = sq_col(a, st, 8);
	o->site = sq_col(a, st, 9);
	o->details = sq_col(a, st, 10);
	o->performed_on = sq_col(a, st, 11);
	o->abnormal = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 12);
	o->interpretation = sq_col(a, st, 13);
	o->status = sq_col(a, st, 14);
	o->void_reason = sq_col(a, st, 15);
	o->version = sqlite3_column_int(st, 16);
	o->created_at = sq_col(a, st, 17);
	o->updated_at = sq_col(a, st, 18);
	o->updated_by = sq_col(a, st, 19);
}

static void bind_observation(sqlite3_stmt *st, const observation *o)
{
	sq_text(st, 1, o->id);
	sq_text(st, 2, o->patient_id);
	sq_text(st, 3, o->kind);
	sq_text(st, 4, o->code_system);
	sq_text(st, 5, o->code);
	bind_double_or_null(st, 6, o->has_value, o->value);
	sq_text(st, 7, o->value_text);
	sq_text(st, 8, o->unit);
	sq_text(st, 9, o->side);
	sq_text(st, 10, o->site);
	sq_text(st, 11, o->details);
	sq_text(st, 12, o->performed_on);
	if (o->abnormal < 0)
		sqlite3_bind_null(st, 13);
	else
		sqlite3_bind_int(st, 13, o->abnormal);
	sq_text(st, 14, o->interpretation);
	sq_text(st, 15, o->status);
	sq_text(st, 16, o->void_reason);
	sqlite3_bind_int(st, 17, o->version);
	sq_text(st, 18, o->created_at);
	sq_text(st, 19, o->updated_at);
	sq_text(st, 20, o->updated_by);
}

static sw_err insert_observation(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO observations (" OBS_COLS
	                              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	bind_observation(st, row);
	return sq_step_write(s, st, "observation insert");
}

static sw_err update_observation(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "UPDATE observations SET status = ?15, void_reason = ?16, "
	                              "version = ?17, updated_at = ?19, updated_by = ?20 WHERE "
	                              "id = ?1");
	if (!st)
		return SW_EDB;
	bind_observation(st, row);
	return sq_step_write(s, st, "observation update");
}

sw_err sqlite_observation_create(store *base, const observation *o, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_observation, o, NULL, NULL, 0, audit);
}

sw_err sqlite_observation_update(store *base, const observation *o, int expected,
                                 audit_record *audit)
{
	return sq_write_audited(SQ(base), update_observation, o,
	                        "SELECT version FROM observations WHERE id = ?", o->id, expected,
	                        audit);
}

sw_err sqlite_observation_get(store *base, arena *a, const char *id, observation *out)
{
	return sq_get_one(SQ(base), a, "SELECT " OBS_COLS " FROM observations WHERE id = ?", id,
	                  read_observation, out);
}

sw_err sqlite_observation_list(store *base, arena *a, const char *patient_id, observation **items,
                               int *n)
{
	return sq_list(SQ(base), a,
	               "SELECT " OBS_COLS " FROM observations WHERE patient_id = ?1 ORDER BY "
	               "performed_on, created_at, id LIMIT ?2",
	               patient_id, read_observation, sizeof(observation), LIST_MAX, (void **)items,
	               n);
}

/* ---- diary ---- */

#define DIARY_COLS                                                                                 \
	"id, patient_id, entry_date, nrs, source, note, status, void_reason, version, "            \
	"created_at, "                                                                             \
	"updated_at, updated_by"

static void read_diary(arena *a, sqlite3_stmt *st, void *out)
{
	diary_entry *d = out;
	memset(d, 0, sizeof(*d));
	d->id = sq_col(a, st, 0);
	d->patient_id = sq_col(a, st, 1);
	d->entry_date = sq_col(a, st, 2);
	d->nrs = sqlite3_column_int(st, 3);
	d->source = sq_col(a, st, 4);
	d->note = sq_col(a, st, 5);
	d->status = sq_col(a, st, 6);
	d->void_reason = sq_col(a, st, 7);
	d->version = sqlite3_column_int(st, 8);
	d->created_at = sq_col(a, st, 9);
	d->updated_at = sq_col(a, st, 10);
	d->updated_by = sq_col(a, st, 11);
}

static void bind_diary(sqlite3_stmt *st, const diary_entry *d)
{
	sq_text(st, 1, d->id);
	sq_text(st, 2, d->patient_id);
	sq_text(st, 3, d->entry_date);
	sqlite3_bind_int(st, 4, d->nrs);
	sq_text(st, 5, d->source);
	sq_text(st, 6, d->note);
	sq_text(st, 7, d->status);
	sq_text(st, 8, d->void_reason);
	sqlite3_bind_int(st, 9, d->version);
	sq_text(st, 10, d->created_at);
	sq_text(st, 11, d->updated_at);
	sq_text(st, 12, d->updated_by);
}

static sw_err insert_diary(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO diary_entries (" DIARY_COLS
	                              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	bind_diary(st, row);
	return sq_step_write(s, st, "diary insert");
}

static sw_err update_diary(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "UPDATE diary_entries SET status = ?7, void_reason = ?8, "
	                              "version = ?9, updated_at = ?11, updated_by = ?12 WHERE "
	                              "id = ?1");
	if (!st)
		return SW_EDB;
	bind_diary(st, row);
	return sq_step_write(s, st, "diary update");
}

sw_err sqlite_diary_create(store *base, const diary_entry *d, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_diary, d, NULL, NULL, 0, audit);
}

sw_err sqlite_diary_update(store *base, const diary_entry *d, int expected, audit_record *audit)
{
	return sq_write_audited(SQ(base), update_diary, d,
	                        "SELECT version FROM diary_entries WHERE id = ?", d->id, expected,
	                        audit);
}

sw_err sqlite_diary_get(store *base, arena *a, const char *id, diary_entry *out)
{
	return sq_get_one(SQ(base), a, "SELECT " DIARY_COLS " FROM diary_entries WHERE id = ?", id,
	                  read_diary, out);
}

sw_err sqlite_diary_list(store *base, arena *a, const char *patient_id, diary_entry **items, int *n)
{
	return sq_list(SQ(base), a,
	               "SELECT " DIARY_COLS " FROM diary_entries WHERE patient_id = ?1 ORDER BY "
	               "entry_date, created_at, id LIMIT ?2",
	               patient_id, read_diary, sizeof(diary_entry), LIST_MAX, (void **)items, n);
}

/* ---- medicines ---- */

#define MED_COLS                                                                                   \
	"id, patient_id, drug, drug_class, dose_value, dose_unit, frequency, start_date, "         \
	"stop_date, notes, status, void_reason, version, created_at, updated_at, updated_by"

static void read_medication(arena *a, sqlite3_stmt *st, void *out)
{
	medication *m = out;
	memset(m, 0, sizeof(*m));
	m->id = sq_col(a, st, 0);
	m->patient_id = sq_col(a, st, 1);
	m->drug = sq_col(a, st, 2);
	m->drug_class = sq_col(a, st, 3);
	m->has_dose = sqlite3_column_type(st, 4) != SQLITE_NULL;
	m->dose_value = sqlite3_column_double(st, 4);
	m->dose_unit = sq_col(a, st, 5);
	m->frequency = sq_col(a, st, 6);
	m->start_date = sq_col(a, st, 7);
	m->stop_date = sq_col(a, st, 8);
	m->notes = sq_col(a, st, 9);
	m->status = sq_col(a, st, 10);
	m->void_reason = sq_col(a, st, 11);
	m->version = sqlite3_column_int(st, 12);
	m->created_at = sq_col(a, st, 13);
	m->updated_at = sq_col(a, st, 14);
	m->updated_by = sq_col(a, st, 15);
}

static void bind_medication(sqlite3_stmt *st, const medication *m)
{
	sq_text(st, 1, m->id);
	sq_text(st, 2, m->patient_id);
	sq_text(st, 3, m->drug);
	sq_text(st, 4, m->drug_class);
	bind_double_or_null(st, 5, m->has_dose, m->dose_value);
	sq_text(st, 6, m->dose_unit);
	sq_text(st, 7, m->frequency);
	sq_text(st, 8, m->start_date);
	sq_text(st, 9, m->stop_date);
	sq_text(st, 10, m->notes);
	sq_text(st, 11, m->status);
	sq_text(st, 12, m->void_reason);
	sqlite3_bind_int(st, 13, m->version);
	sq_text(st, 14, m->created_at);
	sq_text(st, 15, m->updated_at);
	sq_text(st, 16, m->updated_by);
}

static sw_err insert_medication(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO medications (" MED_COLS
	                              ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	bind_medication(st, row);
	return sq_step_write(s, st, "medication insert");
}

static sw_err update_medication(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "UPDATE medications SET drug = ?3, drug_class = ?4, "
	                              "dose_value = ?5, dose_unit = ?6, frequency = ?7, "
	                              "start_date = ?8, stop_date = ?9, notes = ?10, status = ?11, "
	                              "void_reason = ?12, version = ?13, updated_at = ?15, "
	                              "updated_by = ?16 WHERE id = ?1");
	if (!st)
		return SW_EDB;
	bind_medication(st, row);
	return sq_step_write(s, st, "medication update");
}

sw_err sqlite_medication_create(store *base, const medication *m, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_medication, m, NULL, NULL, 0, audit);
}

sw_err sqlite_medication_update(store *base, const medication *m, int expected, audit_record *audit)
{
	return sq_write_audited(SQ(base), update_medication, m,
	                        "SELECT version FROM medications WHERE id = ?", m->id, expected,
	                        audit);
}

sw_err sqlite_medication_get(store *base, arena *a, const char *id, medication *out)
{
	return sq_get_one(SQ(base), a, "SELECT " MED_COLS " FROM medications WHERE id = ?", id,
	                  read_medication, out);
}

sw_err sqlite_medication_list(store *base, arena *a, const char *patient_id, medication **items,
                              int *n)
{
	return sq_list(SQ(base), a,
	               "SELECT " MED_COLS " FROM medications WHERE patient_id = ?1 ORDER BY "
	               "coalesce(start_date, substr(created_at, 1, 10)), id LIMIT ?2",
	               patient_id, read_medication, sizeof(medication), LIST_MAX, (void **)items,
	               n);
}
