/* SQLite store: patients (their records go through store_records.c). Every write commits with its
 * audit record in one transaction. */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))

#define PATIENT_COLS                                                                               \
	"id, mrn, family_name, given_name, birth_date, sex_at_birth, phone, email, address_line, " \
	"address_city, address_region, address_postal_code, address_country, research_consent, "   \
	"synthetic, version, created_at, updated_at, updated_by, archived_at, archive_reason"

/* The date of a patient's last visit: the latest assessment, test result or procedure that is
 * not voided (appointments will count too once they exist). */
#define LAST_VISIT                                                                                 \
	"SELECT max(d) FROM (SELECT substr(performed_at, 1, 10) AS d FROM assessments WHERE "      \
	"patient_id = patients.id AND status != 'voided' UNION ALL SELECT performed_on FROM "      \
	"observations WHERE patient_id = patients.id AND status != 'voided' UNION ALL SELECT "     \
	"performed_on FROM procedures WHERE patient_id = patients.id AND status != 'voided')"

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

/* LIKE pattern for a prefix, with % _ and \ escaped. */
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
	return p;
}

sw_err sqlite_patient_search(store *base, arena *a, const patient_query *q, patient **items, int *n)
{
	sqlite_store *s = SQ(base);
	/* One statement per shape of query, so each can use its index (a catch-all statement with
	 * "?x IS NULL OR" terms scans the whole name index). Parameters: ?1 birth date, ?2 exact
	 * MRN, ?3/?4 first and second word as name prefixes, ?6 include archived, ?7-?9 the
	 * keyset cursor, ?10 limit; a statement ignores those it does not name. */
#define SEARCH_HEAD                                                                                \
	"SELECT " PATIENT_COLS " FROM patients WHERE (?6 OR archived_at IS NULL) AND (?7 IS NULL " \
	"OR (family_name, given_name, id) > (?7, ?8, ?9)) AND "
#define SEARCH_TAIL " ORDER BY family_name, given_name, id LIMIT ?10"
	static const char sql_visit[] =
	    "SELECT " PATIENT_COLS " FROM patients WHERE (?6 OR archived_at IS NULL) ORDER BY "
	    "(" LAST_VISIT ") DESC NULLS LAST, family_name, given_name, id LIMIT ?10 OFFSET ?11";
	static const char sql_mrn[] = SEARCH_HEAD "mrn LIKE ?3 ESCAPE '\\'" SEARCH_TAIL;
	static const char sql_all[] = SEARCH_HEAD "1" SEARCH_TAIL;
	static const char sql_birth[] = SEARCH_HEAD "birth_date = ?1" SEARCH_TAIL;
	static const char sql_word[] =
	    SEARCH_HEAD "(mrn = ?2 OR family_name LIKE ?3 ESCAPE '\\' OR given_name LIKE ?3 ESCAPE "
	                "'\\')" SEARCH_TAIL;
	static const char sql_words[] = SEARCH_HEAD
	    "(mrn = ?2 OR (family_name LIKE ?3 ESCAPE '\\' AND given_name LIKE ?4 ESCAPE "
	    "'\\') OR (given_name LIKE ?3 ESCAPE '\\' AND family_name LIKE ?4 ESCAPE "
	    "'\\'))" SEARCH_TAIL;
	const char *query = q->q && *q->q ? q->q : NULL;
	civil_date d;
	const char *sep = query ? strpbrk(query, " ,") : NULL;
	const char *second = sep;
	while (second && (*second == ' ' || *second == ','))
		second++;
	/* A word with a digit is part of an MRN (names have none): found anywhere in it. */
	int digit = query && strpbrk(query, "0123456789") != NULL;
	const char *sql = q->by_last_visit             ? sql_visit
	                  : !query                     ? sql_all
	                  : date_parse(query, &d) == 0 ? sql_birth
	                  : digit && !sep              ? sql_mrn
	                  : sep && *second             ? sql_words
	                                               : sql_word;
	sqlite3_stmt *st = sq_prep(s, sql);
	if (!st)
		return SW_EDB;
	if (sql == sql_visit) {
		sqlite3_bind_int(st, 11, q->offset);
	} else if (sql == sql_birth) {
		sq_text(st, 1, query);
	} else if (sql == sql_mrn) {
		sq_text(st, 3, arena_printf(a, "%%%s", prefix_pattern(a, query)));
	} else if (query) {
		/* "Smith John", "Smith, John" or "John Smith": two words match both name fields. */
		sq_text(st, 2, query);
		size_t first = sep ? (size_t)(sep - query) : strlen(query);
		sq_text(st, 3, prefix_pattern(a, arena_strndup(a, query, first)));
		if (sql == sql_words)
			sq_text(st, 4, prefix_pattern(a, second));
	}
	sqlite3_bind_int(st, 6, q->include_archived);
	sq_text(st, 7, q->after_family);
	sq_text(st, 8, q->after_given);
	sq_text(st, 9, q->after_id);
	sqlite3_bind_int(st, 10, q->limit + 1);
	int cap = q->limit + 1, count = 0, rc;
	patient *out = arena_zalloc(a, sizeof(patient) * (size_t)cap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < cap)
		read_patient(a, st, &out[count++]);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_fail(s, "patient search");
	*items = out;
	*n = count;
	return SW_OK;
}

sw_err sqlite_patient_summary(store *base, arena *a, const char *id, patient_summary *out)
{
	sqlite_store *s = SQ(base);
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = sq_prep(
	    s,
	    "SELECT (SELECT icd10 FROM conditions WHERE patient_id = patients.id AND status = "
	    "'active' ORDER BY coalesce(onset_date, '') DESC, created_at DESC LIMIT 1), "
	    "(SELECT etiology FROM conditions WHERE patient_id = patients.id AND status = "
	    "'active' ORDER BY coalesce(onset_date, '') DESC, created_at DESC LIMIT 1), "
	    "(SELECT onset_date FROM conditions WHERE patient_id = patients.id AND status = "
	    "'active' ORDER BY coalesce(onset_date, '') DESC, created_at DESC LIMIT 1), "
	    "(SELECT v FROM (SELECT entry_date AS d, nrs AS v, created_at AS c FROM diary_entries "
	    "WHERE "
	    "patient_id = patients.id AND status != 'voided' AND nrs IS NOT NULL UNION ALL "
	    "SELECT substr(performed_at, 1, 10), total, created_at FROM assessments WHERE "
	    "patient_id = patients.id AND instrument_id = 'nrs' AND status != 'voided') ORDER BY "
	    "d DESC, c DESC LIMIT 1), "
	    "(SELECT d FROM (SELECT entry_date AS d, created_at AS c FROM diary_entries WHERE "
	    "patient_id "
	    "= patients.id AND status != 'voided' AND nrs IS NOT NULL UNION ALL SELECT "
	    "substr(performed_at, 1, 10), created_at FROM assessments WHERE patient_id = "
	    "patients.id AND instrument_id = 'nrs' AND status != 'voided') ORDER BY d DESC, c "
	    "DESC LIMIT 1), (" LAST_VISIT ") FROM patients WHERE id = ?1");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->icd10 = sq_col(a, st, 0);
		out->etiology = sq_col(a, st, 1);
		out->onset_date = sq_col(a, st, 2);
		out->has_nrs = sqlite3_column_type(st, 3) != SQLITE_NULL;
		out->nrs = sqlite3_column_double(st, 3);
		out->nrs_date = sq_col(a, st, 4);
		out->last_visit = sq_col(a, st, 5);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return SW_OK;
	return rc == SQLITE_DONE ? SW_ENOTFOUND : sq_fail(s, "patient summary");
}
