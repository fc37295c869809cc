/* SQLite store: the cohort for the outcome reports. The treated (the first live injection and
 * its plan) and the comparator (a diagnosis, no injection, the first clinic NRS) are read first,
 * sorted by patient; then each kind of dated value (injections, NRS, PGIC, HbA1c) in one pass over
 * its table, every row placed by a binary search. No identifier leaves this file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

typedef struct subject_row {
	const char *patient_id;
	civil_date day0;
	outcome_subject *s;
	int cap[4 + OUTCOME_SCORES]; /* room in injections, readings, pgic, events, scores[] */
} subject_row;

typedef struct cohort {
	sqlite_store *s;
	arena *a;
	subject_row *rows;
	int n, cap;
} cohort;

static int by_patient(const void *a, const void *b)
{
	return strcmp(((const subject_row *)a)->patient_id, ((const subject_row *)b)->patient_id);
}

static int by_key(const void *key, const void *row)
{
	return strcmp(key, ((const subject_row *)row)->patient_id);
}

/* The statement for sql, with the sequence number bound when only changes are read. */
static sqlite3_stmt *prepare(cohort *c, const char *sql, long long since)
{
	sqlite3_stmt *st = sq_prep(c->s, sql);
	if (st && since >= 0)
		sqlite3_bind_int64(st, 1, since);
	return st;
}

/* Columns: patient id, day 0, biologic, etiology, onset, birth date, sex. */
static sw_err read_subjects(cohort *c, const char *sql, long long since, int treated)
{
	sqlite3_stmt *st = prepare(c, sql, since);
	if (!st)
		return SW_EDB;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->n == c->cap) {
			int cap = c->cap ? c->cap * 2 : 256;
			subject_row *bigger = realloc(c->rows, sizeof *bigger * (size_t)cap);
			if (!bigger)
				break;
			c->rows = bigger;
			c->cap = cap;
		}
		outcome_subject *sub = arena_zalloc(c->a, sizeof *sub);
		subject_row *r = &c->rows[c->n];
		memset(r, 0, sizeof *r);
		r->patient_id = sq_col(c->a, st, 0);
		sub->patient_id = r->patient_id;
		sub->treated = treated;
		sub->day0 = sq_col(c->a, st, 1);
		sub->biologic = sq_col(c->a, st, 2);
		sub->etiology = sq_col(c->a, st, 3);
		sub->onset = sq_col(c->a, st, 4);
		sub->birth_date = sq_col(c->a, st, 5);
		sub->sex = sq_col(c->a, st, 6);
		r->s = sub;
		if (!sub->day0 || date_parse(sub->day0, &r->day0))
			continue; /* no day 0: not part of the cohort */
		c->n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK : SW_EDB;
}

/* Appends (day, value) to one of a subject's lists, growing it in the arena. */
static void append(arena *a, nrs_reading **list, int *n, int *cap, long day, double value)
{
	if (*n == *cap) {
		int grow = *cap ? *cap * 2 : 8;
		nrs_reading *bigger = arena_alloc(a, sizeof *bigger * (size_t)grow);
		if (*n)
			memcpy(bigger, *list, sizeof *bigger * (size_t)*n);
		*list = bigger;
		*cap = grow;
	}
	(*list)[(*n)++] = (nrs_reading){day, value};
}

enum { INJECTIONS, NRS, PGIC, HBA1C, EVENTS, SCORES, FOLD, RAND36 };

/* An adverse event's grade, relatedness and seriousness (columns 2 to 4). */
static void add_event(arena *a, subject_row *r, long day, sqlite3_stmt *st)
{
	outcome_subject *sub = r->s;
	if (sub->n_events == r->cap[3]) {
		int grow = r->cap[3] ? r->cap[3] * 2 : 4;
		outcome_event *bigger = arena_alloc(a, sizeof *bigger * (size_t)grow);
		if (sub->n_events)
			memcpy(bigger, sub->events, sizeof *bigger * (size_t)sub->n_events);
		sub->events = bigger;
		r->cap[3] = grow;
	}
	const char *related = (const char *)sqlite3_column_text(st, 3);
	int k = -1;
	for (int i = 0; related && outcome_relatedness[i]; i++)
		if (strcmp(outcome_relatedness[i], related) == 0)
			k = i;
	sub->events[sub->n_events++] =
	    (outcome_event){day, sqlite3_column_int(st, 2), k, sqlite3_column_int(st, 4)};
}

/* Columns: patient id, date (YYYY-MM-DD...), value. */
static sw_err read_values(cohort *c, const char *sql, long long since, int kind)
{
	sqlite3_stmt *st = prepare(c, sql, since);
	if (!st)
		return SW_EDB;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pid = (const char *)sqlite3_column_text(st, 0);
		const char *date = (const char *)sqlite3_column_text(st, 1);
		subject_row *r = c->n && pid
		                     ? bsearch(pid, c->rows, (size_t)c->n, sizeof *c->rows, by_key)
		                     : NULL;
		civil_date d;
		if (!r || !date || date_parse(date, &d))
			continue;
		outcome_subject *sub = r->s;
		long day = date_days(d) - date_days(r->day0);
		double value = sqlite3_column_double(st, 2);
		if (kind == INJECTIONS) { /* the value: the cells it gave, NaN when not recorded */
			if (sqlite3_column_type(st, 2) == SQLITE_NULL)
				value = NAN;
			append(c->a, &sub->injections, &sub->n_injections, &r->cap[0], day, value);
		} else if (kind == FOLD) {
			if (day == 0 && !sub->has_fold) {
				sub->has_fold = 1;
				sub->fold = value;
			}
		} else if (kind == NRS) {
			append(c->a, &sub->readings, &sub->n_readings, &r->cap[1], day, value);
		} else if (kind == SCORES) {
			const char *id = (const char *)sqlite3_column_text(st, 3);
			for (int k = 0; id && k < OUTCOME_TOTALS; k++)
				if (strcmp(id, outcome_score_ids[k]) == 0)
					append(c->a, &sub->scores[k], &sub->n_scores[k],
					       &r->cap[4 + k], day, value);
		} else if (kind == RAND36) { /* columns 2 to 9: the eight scales */
			for (int k = 0; k < OUTCOME_SCORES - OUTCOME_TOTALS; k++)
				if (sqlite3_column_type(st, 2 + k) != SQLITE_NULL)
					append(c->a, &sub->scores[OUTCOME_TOTALS + k],
					       &sub->n_scores[OUTCOME_TOTALS + k],
					       &r->cap[4 + OUTCOME_TOTALS + k], day,
					       sqlite3_column_double(st, 2 + k));
		} else if (kind == EVENTS) {
			add_event(c->a, r, day, st);
		} else if (kind == PGIC) {
			append(c->a, &sub->pgic, &sub->n_pgic, &r->cap[2], day, value);
		} else if (day <= 0) { /* HbA1c: rows come in date order, the last one wins */
			sub->has_hba1c = 1;
			sub->hba1c = value;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK : SW_EDB;
}

/* A live injection; t is the table's alias with its dot, or nothing. */
#define LIVE_INJECTION(t) t "kind = 'injection' AND " t "status != 'voided'"
/* Only the patients changed since the sequence number bound to ?1. */
#define CHANGED(col) " AND " col " IN (SELECT patient_id FROM outcome_changes WHERE seq > ?1)"

#define TREATED_SQL(f)                                                                             \
	"SELECT pr.patient_id, pr.performed_on, pl.biologic, c.etiology, c.onset_date, "           \
	"p.birth_date, p.sex_at_birth FROM procedures pr JOIN plans pl ON pl.id = pr.plan_id "     \
	"JOIN patients p ON p.id = pr.patient_id LEFT JOIN conditions c ON c.id = "                \
	"pl.condition_id WHERE " LIVE_INJECTION(                                                   \
	    "pr.") " AND pr.rowid = (SELECT x.rowid FROM "                                         \
	           "procedures x WHERE x.patient_id = pr.patient_id AND " LIVE_INJECTION(          \
	               "x.") " ORDER BY x.performed_on, x.created_at LIMIT 1)" f

#define COMPARATOR_SQL(f)                                                                          \
	"SELECT p.id, (SELECT min(substr(a.performed_at, 1, 10)) FROM assessments a WHERE "        \
	"a.patient_id = p.id AND a.instrument_id = 'nrs' AND a.status != 'voided' AND a.total IS " \
	"NOT NULL), NULL, c.etiology, c.onset_date, p.birth_date, p.sex_at_birth FROM patients p " \
	"JOIN conditions c ON c.rowid = (SELECT x.rowid FROM conditions x WHERE x.patient_id = "   \
	"p.id AND x.status != 'entered_in_error' ORDER BY x.created_at LIMIT 1) WHERE NOT EXISTS " \
	"(SELECT 1 FROM procedures y WHERE y.patient_id = p.id AND " LIVE_INJECTION("y.") ")" f

#define INJECTIONS_SQL(f)                                                                          \
	"SELECT patient_id, performed_on, cells FROM procedures WHERE " LIVE_INJECTION("") f

/* The platelet fold concentration of an injection's product (PRP). */
#define FOLD_SQL(f)                                                                                \
	"SELECT pr.patient_id, pr.performed_on, pp.platelets_per_ul / "                            \
	"pp.baseline_platelets_per_ul "                                                            \
	"FROM procedures pr JOIN procedures pp ON pp.id = pr.product_id WHERE " LIVE_INJECTION(    \
	    "pr.") " AND pp.platelets_per_ul > 0 AND pp.baseline_platelets_per_ul > 0" f

#define NRS_SQL(f)                                                                                 \
	"SELECT patient_id, entry_date, nrs FROM diary_entries WHERE status != 'voided'" f         \
	" UNION ALL SELECT patient_id, substr(performed_at, 1, 10), total FROM assessments WHERE " \
	"instrument_id = 'nrs' AND status != 'voided' AND total IS NOT NULL" f

#define PGIC_SQL(f)                                                                                \
	"SELECT patient_id, substr(performed_at, 1, 10), json_extract(answers, '$.change') IN "    \
	"('very_much_improved', 'much_improved') FROM assessments WHERE instrument_id = 'pgic' "   \
	"AND status != 'voided'" f

#define HBA1C_SQL(f)                                                                               \
	"SELECT patient_id, performed_on, value FROM observations WHERE kind = 'hba1c' AND "       \
	"status != 'voided' AND value IS NOT NULL" f " ORDER BY performed_on, created_at"

#define EVENTS_SQL(f)                                                                              \
	"SELECT patient_id, onset_date, grade, relatedness, serious FROM adverse_events WHERE "    \
	"status != 'entered_in_error'" f

#define SCORES_SQL(f)                                                                              \
	"SELECT patient_id, substr(performed_at, 1, 10), total, instrument_id FROM assessments "   \
	"WHERE instrument_id IN ('dn4', 'mnsi-history', 'tcns') AND status != 'voided' AND total " \
	"IS NOT NULL" f

#define SCALE(name) "json_extract(score, '$.subscores." name ".value'), "
#define RAND36_SQL(f)                                                                              \
	"SELECT patient_id, substr(performed_at, 1, 10), " SCALE("physical_functioning")           \
	    SCALE("role_physical") SCALE("role_emotional") SCALE("energy_fatigue")                 \
	        SCALE("emotional_wellbeing") SCALE("social_functioning")                           \
	            SCALE("pain") "json_extract(score, '$.subscores.general_health.value') FROM "  \
	                          "assessments "                                                   \
	                          "WHERE instrument_id = 'rand-36' AND status != 'voided'" f

/* [0] every patient, [1] those changed since ?1. */
static const char *const treated_sql[2] = {TREATED_SQL(""), TREATED_SQL(CHANGED("pr.patient_id"))};
static const char *const comparator_sql[2] = {COMPARATOR_SQL(""), COMPARATOR_SQL(CHANGED("p.id"))};
static const char *const value_sql[][2] = {
    [INJECTIONS] = {INJECTIONS_SQL(""), INJECTIONS_SQL(CHANGED("patient_id"))},
    [NRS] = {NRS_SQL(""), NRS_SQL(CHANGED("patient_id"))},
    [PGIC] = {PGIC_SQL(""), PGIC_SQL(CHANGED("patient_id"))},
    [HBA1C] = {HBA1C_SQL(""), HBA1C_SQL(CHANGED("patient_id"))},
    [EVENTS] = {EVENTS_SQL(""), EVENTS_SQL(CHANGED("patient_id"))},
    [SCORES] = {SCORES_SQL(""), SCORES_SQL(CHANGED("patient_id"))},
    [FOLD] = {FOLD_SQL(""), FOLD_SQL(CHANGED("pr.patient_id"))},
    [RAND36] = {RAND36_SQL(""), RAND36_SQL(CHANGED("patient_id"))},
};

/* The patients changed since `since` and the latest sequence number. */
static sw_err read_changes(cohort *c, long long since, outcome_batch *out)
{
	sqlite3_stmt *st =
	    sq_prep(c->s, "SELECT patient_id, seq FROM outcome_changes WHERE seq > ?1 "
	                  "ORDER BY seq");
	if (!st)
		return SW_EDB;
	sqlite3_bind_int64(st, 1, since);
	int rc, cap = 0;
	out->seq = since < 0 ? 0 : since;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n_changed == cap) {
			cap = cap ? cap * 2 : 64;
			const char **bigger = arena_alloc(c->a, sizeof *bigger * (size_t)cap);
			if (out->n_changed)
				memcpy(bigger, out->changed,
				       sizeof *bigger * (size_t)out->n_changed);
			out->changed = bigger;
		}
		out->changed[out->n_changed++] = sq_col(c->a, st, 0);
		out->seq = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK : SW_EDB;
}

static sw_err read_cohort(cohort *c, long long since, outcome_batch *out)
{
	int only = since >= 0;
	sw_err rc = SW_OK;
	if (only) {
		rc = read_changes(c, since, out);
		if (rc || !out->n_changed)
			return rc;
	} else {
		sqlite3_stmt *st =
		    sq_prep(c->s, "SELECT coalesce(max(seq), 0) FROM outcome_changes");
		if (!st || sqlite3_step(st) != SQLITE_ROW)
			rc = SW_EDB;
		else
			out->seq = sqlite3_column_int64(st, 0);
		if (st)
			sqlite3_reset(st);
	}
	if (!rc)
		rc = read_subjects(c, treated_sql[only], since, 1);
	if (!rc)
		rc = read_subjects(c, comparator_sql[only], since, 0);
	if (!rc && c->n)
		qsort(c->rows, (size_t)c->n, sizeof *c->rows, by_patient);
	for (int k = INJECTIONS; !rc && k <= RAND36; k++)
		rc = read_values(c, value_sql[k][only], since, k);
	return rc;
}

sw_err sqlite_outcome_cohort(store *base, arena *a, long long since, outcome_batch *out)
{
	cohort c = {SQ(base), a, NULL, 0, 0};
	memset(out, 0, sizeof *out);
	/* One read transaction: the changes and the rows agree. */
	if (sqlite3_exec(c.s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(c.s, "outcome cohort");
	sw_err rc = read_cohort(&c, since, out);
	sqlite3_exec(c.s->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	outcome_subject *items =
	    rc ? NULL : arena_zalloc(a, sizeof *items * (size_t)(c.n ? c.n : 1));
	for (int i = 0; items && i < c.n; i++)
		items[i] = *c.rows[i].s;
	free(c.rows);
	if (rc)
		return rc;
	out->items = items;
	out->n = c.n;
	return SW_OK;
}

sw_err sqlite_serious_events(store *base, arena *a, int max, serious_event **items, int *n,
                             int *more)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT patient_id, onset_date, term, relatedness, outcome, "
	                              "serious_criteria, grade, expected FROM adverse_events WHERE "
	                              "serious = 1 AND status != 'entered_in_error' ORDER BY "
	                              "onset_date, created_at LIMIT ?1");
	if (!st)
		return SW_EDB;
	sqlite3_bind_int(st, 1, max + 1);
	serious_event *out = arena_zalloc(a, sizeof *out * (size_t)(max + 1));
	int k = 0, rc;
	*more = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == max) {
			*more = 1;
			continue;
		}
		serious_event *e = &out[k++];
		e->patient_id = sq_col(a, st, 0);
		e->onset_date = sq_col(a, st, 1);
		e->term = sq_col(a, st, 2);
		e->relatedness = sq_col(a, st, 3);
		e->outcome = sq_col(a, st, 4);
		e->criteria = sq_col(a, st, 5);
		e->grade = sqlite3_column_int(st, 6);
		e->expected = sqlite3_column_int(st, 7);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return SW_EDB;
	*items = out;
	*n = k;
	return SW_OK;
}
