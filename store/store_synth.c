/* SQLite store: the bulk load of a synthetic registry (schwann synth). Millions of rows go in
 * through the record layer's own INSERT statements (prepared once, reused), a few thousand
 * patients per transaction, with the rollback journal in memory, synchronous off and a large page
 * cache for the load only (WAL and synchronous=FULL come back at the end). Measured on 100,000
 * patients (2.1 million NRS readings) on the 2-core machine while others used it: WAL with
 * synchronous off 30 s, the journal in memory 22 s (each page written once, not to the WAL and
 * then again to the database); batches of 50,000 patients were slower (the page cache spills). The
 * cost: a load killed half-way can leave the file unusable, which is why the registry goes into a
 * database of its own. Ids are UUIDv7 in creation order, so every index on them grows at its end.
 */
#include <stdio.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define BATCH 5000 /* patients per transaction: about 125,000 rows */

static sw_err pragmas(sqlite_store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return SW_OK;
	fprintf(stderr,
	        "{\"level\":\"error\",\"where\":\"store\",\"what\":\"bulk pragmas\","
	        "\"sqlite\":\"%s\"}\n",
	        msg ? msg : "?");
	sqlite3_free(msg);
	return SW_EDB;
}

sw_err sqlite_bulk_begin(store *base)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT 1 FROM patients WHERE synthetic = 0 LIMIT 1");
	if (!st)
		return SW_EDB;
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_ROW)
		return SW_ECONFLICT;
	if (step != SQLITE_DONE)
		return sq_fail(s, "real patients");
	sw_err rc = pragmas(
	    s, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
	if (!rc)
		rc = sq_begin(s);
	s->bulk = rc ? 0 : 1;
	return rc;
}

sw_err sqlite_bulk_put(store *base, arena *a, const patient *p, const rec_write *w, int n)
{
	sqlite_store *s = SQ(base);
	sw_err rc = s->bulk ? sq_patient_insert(s, p) : SW_EINVAL;
	for (int i = 0; i < n && !rc; i++)
		rc = w[i].expected ? SW_EINVAL : sq_rec_insert(s, a, w[i].k, w[i].rec);
	if (!rc && s->bulk++ == BATCH) {
		rc = sq_commit(s);
		if (!rc)
			rc = sq_begin(s);
		s->bulk = rc ? 0 : 1;
	}
	return rc;
}

sw_err sqlite_bulk_end(store *base, audit_record *audit)
{
	sqlite_store *s = SQ(base);
	sw_err rc = s->bulk ? SW_OK : SW_EINVAL;
	if (!rc && audit)
		rc = sq_audit_insert(s, audit);
	if (!rc && audit)
		rc = sq_commit(s);
	else if (s->bulk)
		sq_rollback(s);
	s->bulk = 0;
	sw_err restored =
	    pragmas(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-1024; "
	               "PRAGMA wal_checkpoint(TRUNCATE);");
	return rc ? rc : restored;
}
