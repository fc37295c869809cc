/* SQLite store: the treated cohort for the outcome reports, read in two passes over all
 * patients (first injections, then NRS readings), each row placed by a binary search. */
#include <stdlib.h>
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

typedef struct subject_row {
	const char *patient_id;
	const char *day0_text, *biologic, *onset;
	civil_date day0;
	outcome_subject *s;
	int cap;
} subject_row;

static int by_patient(const void *key, const void *row)
{
	return strcmp(key, ((const subject_row *)row)->patient_id);
}

sw_err sqlite_outcome_cohort(store *base, arena *a, outcome_subject **items, int *n)
{
	sqlite_store *s = SQ(base);
	/* The first live injection of each patient (ties by creation), with its plan's biologic. */
	sqlite3_stmt *st = sq_prep(
	    s,
	    "SELECT pr.patient_id, pr.performed_on, pl.biologic, c.onset_date FROM procedures pr "
	    "JOIN plans pl ON pl.id = pr.plan_id LEFT JOIN conditions c ON c.id = pl.condition_id "
	    "WHERE pr.kind = 'injection' AND pr.status != 'voided' AND "
	    "pr.rowid = (SELECT x.rowid FROM procedures x WHERE x.patient_id = pr.patient_id AND "
	    "x.kind = 'injection' AND x.status != 'voided' ORDER BY x.performed_on, x.created_at "
	    "LIMIT 1) ORDER BY pr.patient_id");
	if (!st)
		return SW_EDB;
	int cap = 64, count = 0, rc;
	subject_row *rows = malloc(sizeof *rows * (size_t)cap);
	outcome_subject *out = NULL;
	while (rows && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			subject_row *bigger = realloc(rows, sizeof *rows * (size_t)cap * 2);
			if (!bigger)
				break;
			rows = bigger;
			cap *= 2;
		}
		subject_row *r = &rows[count++];
		memset(r, 0, sizeof *r);
		r->patient_id = sq_col(a, st, 0);
		r->day0_text = sq_col(a, st, 1);
		r->biologic = sq_col(a, st, 2);
		r->onset = sq_col(a, st, 3);
		date_parse(r->day0_text, &r->day0);
	}
	sqlite3_reset(st);
	out = arena_zalloc(a, sizeof *out * (size_t)(count ? count : 1));
	for (int i = 0; rows && i < count; i++) {
		rows[i].s = &out[i];
		out[i].day0 = rows[i].day0_text;
		out[i].biologic = rows[i].biologic;
		out[i].onset = rows[i].onset;
	}
	/* The readings of every patient; those of untreated patients are passed over. */
	st = sq_prep(s, "SELECT patient_id, entry_date, nrs FROM diary_entries WHERE status != "
	                "'voided' UNION ALL SELECT patient_id, substr(performed_at, 1, 10), total "
	                "FROM assessments WHERE instrument_id = 'nrs' AND status != 'voided' AND "
	                "total IS NOT NULL");
	while (st && rows && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pid = (const char *)sqlite3_column_text(st, 0);
		subject_row *r =
		    count ? bsearch(pid, rows, (size_t)count, sizeof *rows, by_patient) : NULL;
		civil_date d;
		if (!r || date_parse((const char *)sqlite3_column_text(st, 1), &d))
			continue;
		outcome_subject *sub = r->s;
		if (sub->n_readings == r->cap) {
			int grow = r->cap ? r->cap * 2 : 16;
			nrs_reading *bigger = arena_alloc(a, sizeof *bigger * (size_t)grow);
			if (sub->n_readings)
				memcpy(bigger, sub->readings,
				       sizeof *bigger * (size_t)sub->n_readings);
			sub->readings = bigger;
			r->cap = grow;
		}
		sub->readings[sub->n_readings++] =
		    (nrs_reading){date_days(d) - date_days(r->day0), sqlite3_column_double(st, 2)};
	}
	if (st)
		sqlite3_reset(st);
	int ok = st && rows;
	free(rows);
	if (!ok)
		return SW_EDB;
	*items = out;
	*n = count;
	return SW_OK;
}
