/* SQLite store: patients (their records go through store_records.c). Every write commits with its
 * audit record in one transaction. */
#include <string.h>

#include "../core/patient_find.h"
#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

#define PATIENT_COLS                                                                               \
	"id, mrn, family_name, given_name, birth_date, sex_at_birth, phone, email, address_line, " \
	"address_city, address_region, address_postal_code, address_country, research_consent, "   \
	"synthetic, version, created_at, updated_at, updated_by, archived_at, archive_reason"
#define PATIENT_N 21 /* the columns in PATIENT_COLS */

static void read_patient(arena *a, sqlite3_stmt *st, patient *p)
{
	int i = 0;
	p->id = sq_col(a, st, i++);
	p->mrn = sq_col(a, st, i++);
	p->family_name = sq_col(a, st, i++);
	p->given_name = sq_col(a, st, i++);
	p->birth_date = sq_col(a, st, i++);
	p->sex_at_birth = sq_col(a, st, i++);
	p->phone = sq_col(a, st, i++);
	p->email = sq_col(a, st, i++);
	p->address_line = sq_col(a, st, i++);
	p->address_city = sq_col(a, st, i++);
	p->address_region = sq_col(a, st, i++);
	p->address_postal_code = sq_col(a, st, i++);
	p->address_country = sq_col(a, st, i++);
	p->research_consent = sqlite3_column_int(st, i++);
	p->synthetic = sqlite3_column_int(st, i++);
	p->version = sqlite3_column_int(st, i++);
	p->created_at = sq_col(a, st, i++);
	p->updated_at = sq_col(a, st, i++);
	p->updated_by = sq_col(a, st, i++);
	p->archived_at = sq_col(a, st, i++);
	p->archive_reason = sq_col(a, st, i++);
}

/* Binds the 21 columns in PATIENT_COLS order starting at parameter 1. */
static void bind_patient(sqlite3_stmt *st, const patient *p)
{
	int i = 1;
	sq_text(st, i++, p->id);
	sq_text(st, i++, p->mrn);
	sq_text(st, i++, p->family_name);
	sq_text(st, i++, p->given_name);
	sq_text(st, i++, p->birth_date);
	sq_text(st, i++, p->sex_at_birth);
	sq_text(st, i++, p->phone);
	sq_text(st, i++, p->email);
	sq_text(st, i++, p->address_line);
	sq_text(st, i++, p->address_city);
	sq_text(st, i++, p->address_region);
	sq_text(st, i++, p->address_postal_code);
	sq_text(st, i++, p->address_country);
	sqlite3_bind_int(st, i++, p->research_consent);
	sqlite3_bind_int(st, i++, p->synthetic);
	sqlite3_bind_int(st, i++, p->version);
	sq_text(st, i++, p->created_at);
	sq_text(st, i++, p->updated_at);
	sq_text(st, i++, p->updated_by);
	sq_text(st, i++, p->archived_at);
	sq_text(st, i++, p->archive_reason);
}

sw_err sq_patient_insert(sqlite_store *s, const patient *p)
{
	sqlite3_stmt *st = sq_prep(s, "INSERT INTO patients (" PATIENT_COLS ") VALUES "
	                              "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return SW_EDB;
	bind_patient(st, p);
	return sq_step_write(s, st, "patient insert");
}

static sw_err insert_patient(sqlite_store *s, const void *row)
{
	return sq_patient_insert(s, row);
}

static sw_err update_patient(sqlite_store *s, const void *row)
{
	sqlite3_stmt *st = sq_prep(s, "UPDATE patients SET id=?1, mrn=?2, family_name=?3, "
	                              "given_name=?4, birth_date=?5, sex_at_birth=?6, phone=?7, "
	                              "email=?8, address_line=?9, address_city=?10, "
	                              "address_region=?11, address_postal_code=?12, "
	                              "address_country=?13, research_consent=?14, synthetic=?15, "
	                              "version=?16, created_at=?17, updated_at=?18, "
	                              "updated_by=?19, archived_at=?20, archive_reason=?21 "
	                              "WHERE id = ?1");
	if (!st)
		return SW_EDB;
	bind_patient(st, row);
	return sq_step_write(s, st, "patient update");
}

sw_err sqlite_patient_create(store *base, const patient *p, audit_record *audit)
{
	return sq_write_audited(SQ(base), insert_patient, p, NULL, NULL, 0, audit);
}

sw_err sqlite_patient_get(store *base, arena *a, const char *id, patient *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " PATIENT_COLS " FROM patients WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_patient(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "patient get");
}

sw_err sqlite_patient_update(store *base, const patient *p, int expected_version,
                             audit_record *audit)
{
	return sq_write_audited(SQ(base), update_patient, p,
	                        "SELECT version FROM patients WHERE id = ?", p->id,
	                        expected_version, audit);
}

/* The summary beside each name (patient_summary) is kept in patient_summaries by triggers
 * (migration 022): a patient with nothing to show has no row. */
#define SUMMARY_COLS "s.icd10, s.etiology, s.onset_date, s.nrs, s.nrs_date, s.last_visit"
#define SUMMARY_JOIN(T) " LEFT JOIN patient_summaries s ON s.patient_id = " T ".id"

static void read_summary(arena *a, sqlite3_stmt *st, int i, patient_summary *out)
{
	out->icd10 = sq_col(a, st, i);
	out->etiology = sq_col(a, st, i + 1);
	out->onset_date = sq_col(a, st, i + 2);
	out->has_nrs = sqlite3_column_type(st, i + 3) != SQLITE_NULL;
	out->nrs = sqlite3_column_double(st, i + 3);
	out->nrs_date = sq_col(a, st, i + 4);
	out->last_visit = sq_col(a, st, i + 5);
}

/* LIKE pattern for a part of an MRN, found anywhere in it, with % _ and \ escaped. */
static const char *prefix_pattern(arena *a, const char *q)
{
	size_t n = strlen(q);
	char *p = arena_alloc(a, n * 2 + 2), *o = p;
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return arena_printf(a, "%%%s", p);
}

/* A name prefix as a range of the NOCASE index: [prefix, prefix || 0xFF). No UTF-8 text has the
 * byte 0xFF, so every name that starts with the prefix (ASCII letters in any case, as LIKE
 * matched them) sorts inside it and no other. A range, not LIKE: a LIKE on a bound pattern makes
 * SQLite prepare the statement again for every new pattern. */
static void bind_prefix(sqlite3_stmt *st, int i, arena *a, const char *prefix)
{
	sq_text(st, i, prefix);
	sq_text(st, i + 1, arena_printf(a, "%s\xff", prefix));
}

/* The shapes of a patient search, each one statement so that each can use its index (a
 * catch-all statement with "?x IS NULL OR" terms scans the whole name index). Parameters: ?1
 * birth date, ?2 exact MRN, ?3 the MRN pattern or ?3/?4 the first word's range (bind_prefix),
 * ?12/?13 the second word's, ?6 include archived, ?7-?9 the keyset cursor's names, ?14 its last
 * visit, ?10 limit; a statement ignores those it does not name. */
enum { /* the query's shapes (core/patient_find.h) with their own numbers, then the last-visit list
	*/
       ALL = PF_ALL,
       BY_BIRTH = PF_BIRTH,
       BY_MRN = PF_MRN,
       BY_WORD = PF_WORD,
       BY_WORDS = PF_WORDS,
       VISITED,
       NEVER_SEEN
};

#define SEARCH_KEEP                                                                                \
	"(?6 OR archived_at IS NULL) AND (?7 IS NULL OR (family_name, given_name, id) > (?7, ?8, " \
	"?9))"
/* Each shape is written once for what it selects and from where: the patient columns from
 * patients alone, or with the summary columns from patients joined to their summaries (the join
 * is per row of the page: every shape stops at its LIMIT in index order or sorts few rows). */
#define PLAIN PATIENT_COLS, " FROM patients"
#define SUMMED PATIENT_COLS ", " SUMMARY_COLS, " FROM patients" SUMMARY_JOIN("patients")
#define SEARCH_HEAD(cols, from) "SELECT " cols from " WHERE " SEARCH_KEEP " AND "
#define BY_NAME "family_name, given_name, id"
#define SEARCH_TAIL " ORDER BY " BY_NAME " LIMIT ?10"
/* One word: the first page of family-name matches (in index order), of given-name matches (the
 * index holds what they sort by) and the exact MRN, merged; only the page is read from the
 * table. An OR of the three made SQLite read and sort every match's row. */
#define WORD_BRANCH(cond)                                                                          \
	"SELECT * FROM (SELECT rowid AS r, " BY_NAME " FROM patients WHERE " cond                  \
	" AND " SEARCH_KEEP " ORDER BY " BY_NAME " LIMIT ?10)"
#define MRN_BRANCH "SELECT rowid, " BY_NAME " FROM patients WHERE mrn = ?2 AND " SEARCH_KEEP
#define WORD_CANDIDATES                                                                            \
	WORD_BRANCH("family_name >= ?3 AND family_name < ?4")                                      \
	" UNION " WORD_BRANCH("given_name >= ?3 AND given_name < ?4") " UNION " MRN_BRANCH
#define SQL_WORD(cols, from)                                                                       \
	"SELECT " cols from " WHERE patients.rowid IN (SELECT r FROM (" WORD_CANDIDATES            \
	") ORDER BY " BY_NAME " LIMIT ?10)" SEARCH_TAIL
/* Two words: the first a family name and the second a given name, or the other way round. */
#define FAMILY_GIVEN(f, f_end, g, g_end)                                                           \
	"(family_name >= ?" f " AND family_name < ?" f_end " AND given_name >= ?" g                \
	" AND given_name < ?" g_end ")"
#define SQL_WORDS(cols, from)                                                                      \
	SEARCH_HEAD(cols, from)                                                                    \
	"(mrn = ?2 OR " FAMILY_GIVEN("3", "4", "12", "13") " OR " FAMILY_GIVEN(                    \
	    "12", "13", "3", "4") ")" SEARCH_TAIL
#define SQL_MRN(cols, from) SEARCH_HEAD(cols, from) "mrn LIKE ?3 ESCAPE '\\'" SEARCH_TAIL
#define SQL_ALL(cols, from) SEARCH_HEAD(cols, from) "1" SEARCH_TAIL
#define SQL_BIRTH(cols, from) SEARCH_HEAD(cols, from) "birth_date = ?1" SEARCH_TAIL
/* The whole list by the last visit, newest first, in two parts: the patients with a visit
 * walked down the index on the stored date (ties by name: a sort of one date's patients only),
 * after the keyset (?14 the cursor's date, ?7-?9 its names); then those never seen, by name. */
#define SQL_VISITED(cols, from)                                                                    \
	"SELECT " cols " FROM patient_summaries s JOIN patients ON patients.id = s.patient_id "    \
	"WHERE s.last_visit IS NOT NULL AND (?6 OR archived_at IS NULL) AND (?14 IS NULL OR "      \
	"s.last_visit < ?14 OR (s.last_visit = ?14 AND (family_name, given_name, patients.id) > "  \
	"(?7, ?8, ?9))) ORDER BY s.last_visit DESC, " BY_NAME " LIMIT ?10"
#define SQL_NEVER_SEEN(cols, from)                                                                 \
	"SELECT " cols " FROM patients" SUMMARY_JOIN("patients") " WHERE s.last_visit IS NULL "    \
	                                                         "AND " SEARCH_KEEP SEARCH_TAIL
#define APPLY(sql, args) sql args
#define SHAPE(sql)                                                                                 \
	{                                                                                          \
		APPLY(sql, (PLAIN)), APPLY(sql, (SUMMED))                                          \
	}

static const struct {
	const char *plain, *summed;
} shapes[] = {
    [VISITED] = SHAPE(SQL_VISITED), [NEVER_SEEN] = SHAPE(SQL_NEVER_SEEN),
    [BY_MRN] = SHAPE(SQL_MRN),      [ALL] = SHAPE(SQL_ALL),
    [BY_BIRTH] = SHAPE(SQL_BIRTH),  [BY_WORD] = SHAPE(SQL_WORD),
    [BY_WORDS] = SHAPE(SQL_WORDS),
};

/* Steps st, adding its rows to out (and sums) after the *count there are, up to cap. */
static sw_err read_rows(sqlite_store *s, sqlite3_stmt *st, arena *a, patient *out,
                        patient_summary *sums, int cap, int *count)
{
	int rc = SQLITE_DONE;
	while (*count < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_patient(a, st, &out[*count]);
		if (sums)
			read_summary(a, st, PATIENT_N, &sums[*count]);
		(*count)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SW_OK : sq_fail(s, "patient search");
}

/* Prepares a shape and binds what every shape shares: archived or not, the name keyset (when
 * with_cursor) and how many rows. */
static sqlite3_stmt *prep_shape(sqlite_store *s, int shape, int summed, const patient_query *q,
                                int with_cursor, int limit)
{
	sqlite3_stmt *st = sq_prep(s, summed ? shapes[shape].summed : shapes[shape].plain);
	if (!st)
		return NULL;
	sqlite3_bind_int(st, 6, q->include_archived);
	if (with_cursor) {
		sq_text(st, 7, q->after_family);
		sq_text(st, 8, q->after_given);
		sq_text(st, 9, q->after_id);
	}
	sqlite3_bind_int(st, 10, limit);
	return st;
}

/* The whole list by the last visit: the visited part after the cursor, then the never-seen part
 * (after the cursor when it is already there: a cursor with names and no date). */
static sw_err search_by_visit(sqlite_store *s, arena *a, const patient_query *q, patient *out,
                              patient_summary *sums, int cap, int *count)
{
	int in_never_seen = q->after_id && !q->after_visit;
	sw_err rc = SW_OK;
	sqlite3_stmt *st;
	if (!in_never_seen) {
		st = prep_shape(s, VISITED, sums != NULL, q, q->after_visit != NULL, cap);
		if (!st)
			return SW_EDB;
		sq_text(st, 14, q->after_visit);
		rc = read_rows(s, st, a, out, sums, cap, count);
	}
	if (!rc && *count < cap) {
		st = prep_shape(s, NEVER_SEEN, sums != NULL, q, in_never_seen, cap - *count);
		rc = st ? read_rows(s, st, a, out, sums, cap, count) : SW_EDB;
	}
	return rc;
}

sw_err sqlite_patient_search(store *base, arena *a, const patient_query *q, patient **items,
                             patient_summary **summaries, int *n)
{
	sqlite_store *s = SQ(base);
	int cap = q->limit + 1, count = 0;
	patient *out = arena_zalloc(a, sizeof(patient) * (size_t)cap);
	patient_summary *sums =
	    summaries ? arena_zalloc(a, sizeof(patient_summary) * (size_t)cap) : NULL;
	sw_err rc;
	if (q->by_last_visit) {
		rc = search_by_visit(s, a, q, out, sums, cap, &count);
	} else {
		pf_query pq;
		pf_parse(q->q, &pq);
		int shape = (int)pq.shape;
		sqlite3_stmt *st = prep_shape(s, shape, sums != NULL, q, 1, cap);
		if (!st)
			return SW_EDB;
		if (shape == BY_BIRTH) {
			sq_text(st, 1, pq.q);
		} else if (shape == BY_MRN) {
			sq_text(st, 3, prefix_pattern(a, pq.q));
		} else if (pq.q) {
			sq_text(st, 2, pq.q);
			bind_prefix(st, 3, a, arena_strndup(a, pq.first, pq.first_len));
			if (shape == BY_WORDS)
				bind_prefix(st, 12, a, pq.second);
		}
		rc = read_rows(s, st, a, out, sums, cap, &count);
	}
	if (rc)
		return rc;
	*items = out;
	if (summaries)
		*summaries = sums;
	*n = count;
	return SW_OK;
}

sw_err sqlite_patient_summary(store *base, arena *a, const char *id, patient_summary *out)
{
	sqlite_store *s = SQ(base);
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = sq_prep(s, "SELECT " SUMMARY_COLS " FROM patients" SUMMARY_JOIN(
	                                  "patients") " WHERE patients.id = ?1");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_summary(a, st, 0, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "patient summary");
}

/* The directory's load, one statement (one snapshot): every patient with the latest sequence
 * number, or those changed after ?1 each with its change's number (a patient deleted since has a
 * change and no row). */
#define DELTA_ALL                                                                                  \
	"SELECT " PATIENT_COLS ", " SUMMARY_COLS ", patients.id, 0, "                              \
	"(SELECT coalesce(max(seq), 0) FROM outcome_changes) FROM patients" SUMMARY_JOIN(          \
	    "patients")
#define DELTA_SINCE                                                                                \
	"SELECT " PATIENT_COLS ", " SUMMARY_COLS ", c.patient_id, patients.id IS NULL, c.seq "     \
	"FROM outcome_changes c LEFT JOIN patients ON patients.id = c.patient_id "                 \
	"LEFT JOIN patient_summaries s ON s.patient_id = c.patient_id WHERE c.seq > ?1"

sw_err sqlite_patient_delta(store *base, long long since, patient_delta_fn fn, void *ctx,
                            long long *seq)
{
	sqlite_store *s = SQ(base);
	*seq = since < 0 ? 0 : since;
	/* Inside a write transaction it would see changes not yet committed, and their numbers
	 * could be given again after a rollback. */
	if (!sqlite3_get_autocommit(s->db))
		return SW_EDB;
	sqlite3_stmt *st = sq_prep(s, since < 0 ? DELTA_ALL : DELTA_SINCE);
	if (!st)
		return SW_EDB;
	sqlite3_bind_int64(st, 1, since);
	arena a; /* one row's strings at a time */
	arena_init(&a);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		patient p = {0};
		patient_summary sum = {0};
		long long changed = sqlite3_column_int64(st, PATIENT_N + 8);
		int gone = sqlite3_column_int(st, PATIENT_N + 7);
		if (changed > *seq)
			*seq = changed;
		arena_clear(&a);
		if (gone) {
			p.id = sq_col(&a, st, PATIENT_N + 6);
		} else {
			read_patient(&a, st, &p);
			read_summary(&a, st, PATIENT_N, &sum);
		}
		if (fn(ctx, &p, &sum, gone)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	arena_free(&a);
	/* With no patient at all there was no row to carry the number: 0 stays, and the next
	 * load asks for every change, which costs nothing while there are none. */
	return rc == SQLITE_DONE ? SW_OK : sq_fail(s, "patient delta");
}
