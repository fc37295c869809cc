/* SQLite store: appointments and the resources they take (migration 017). Every write is one
 * transaction with its audit record; a booking's resources are checked for a live overlapping
 * appointment inside that transaction (BEGIN IMMEDIATE under the process's write mutex, so
 * writers are serialized and two bookings cannot both pass the check). Also the busy intervals
 * the slot search keeps free. */
#include <string.h>

#include "sqlite_util.h"

#define SQ(x) ((sqlite_store *)(x))
#define APPT_COLS                                                                                  \
	"id, patient_id, type, biologic, start_at, end_at, status, plan_step_id, note, reason, "   \
	"version, created_at, updated_at, updated_by"
#define LIVE "status NOT IN ('cancelled', 'no_show')"

typedef struct appt_job {
	const appointment *ap;
	int insert;
	appt_conflict *conflict;
} appt_job;

/* SW_ECONFLICT with *conflict filled when a live appointment other than ap holds one of ap's
 * resources at an overlapping time. */
static sw_err check_free(sqlite_store *s, const appointment *ap, appt_conflict *conflict)
{
	sqlite3_stmt *st = sq_prep(
	    s, "SELECT a.id, ar.resource_id, ar.start_at, ar.end_at FROM appointment_resources ar "
	       "JOIN appointments a ON a.id = ar.appointment_id WHERE ar.resource_id = ?1 AND "
	       "ar.start_at < ?3 AND ar.end_at > ?2 AND a.id <> ?4 AND a." LIVE
	       " ORDER BY ar.start_at LIMIT 1");
	if (!st)
		return SW_EDB;
	char from[21], to[21];
	instant_format(ap->start, from);
	instant_format(ap->end, to);
	sw_err rc = SW_OK;
	for (int i = 0; !rc && i < ap->n_resources; i++) {
		sq_text(st, 1, ap->resources[i].id);
		sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
		sq_text(st, 4, ap->id);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			memset(conflict, 0, sizeof *conflict);
			snprintf(conflict->appointment_id, sizeof conflict->appointment_id, "%s",
			         (const char *)sqlite3_column_text(st, 0));
			snprintf(conflict->resource_id, sizeof conflict->resource_id, "%s",
			         (const char *)sqlite3_column_text(st, 1));
			instant_parse((const char *)sqlite3_column_text(st, 2), &conflict->start);
			instant_parse((const char *)sqlite3_column_text(st, 3), &conflict->end);
			rc = SW_ECONFLICT;
		} else if (step != SQLITE_DONE) {
			rc = sq_fail(s, "appointment overlap");
		}
		sqlite3_reset(st);
	}
	return rc;
}

/* ap's row and its resources' times: inserted (insert) or updated, without the overlap check. */
static sw_err put_appt(sqlite_store *s, const appointment *ap, int insert)
{
	sqlite3_stmt *st =
	    insert
	        ? sq_prep(s, "INSERT INTO appointments (" APPT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, "
	                     "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")
	        : sq_prep(s, "UPDATE appointments SET patient_id = ?2, type = ?3, biologic = ?4, "
	                     "start_at = ?5, end_at = ?6, status = ?7, plan_step_id = ?8, note = "
	                     "?9, reason = ?10, version = ?11, created_at = ?12, updated_at = ?13, "
	                     "updated_by = ?14 WHERE id = ?1");
	if (!st)
		return SW_EDB;
	char from[21], to[21];
	instant_format(ap->start, from);
	instant_format(ap->end, to);
	sq_text(st, 1, ap->id);
	sq_text(st, 2, ap->patient_id);
	sq_text(st, 3, ap->type);
	sq_text(st, 4, ap->biologic);
	sqlite3_bind_text(st, 5, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, to, -1, SQLITE_TRANSIENT);
	sq_text(st, 7, ap->status);
	sq_text(st, 8, ap->plan_step_id);
	sq_text(st, 9, ap->note);
	sq_text(st, 10, ap->reason);
	sqlite3_bind_int(st, 11, ap->version);
	sq_text(st, 12, ap->created_at);
	sq_text(st, 13, ap->updated_at);
	sq_text(st, 14, ap->updated_by);
	sw_err rc = sq_step_write(s, st, "appointment write");
	if (rc)
		return rc;
	/* The resources: inserted with a new appointment, their times moved with a change. */
	st = insert ? sq_prep(s, "INSERT INTO appointment_resources (appointment_id, "
	                         "resource_id, start_at, end_at) VALUES (?1, ?2, ?3, ?4)")
	            : sq_prep(s, "UPDATE appointment_resources SET start_at = ?3, end_at = ?4 "
	                         "WHERE appointment_id = ?1");
	if (!st)
		return SW_EDB;
	int n = insert ? ap->n_resources : 1;
	for (int i = 0; !rc && i < n; i++) {
		sq_text(st, 1, ap->id);
		if (insert)
			sq_text(st, 2, ap->resources[i].id);
		sqlite3_bind_text(st, 3, from, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, to, -1, SQLITE_TRANSIENT);
		rc = sq_step_write(s, st, "appointment resource");
	}
	return rc;
}

#define VERSION_SQL "SELECT version FROM appointments WHERE id = ?"

static sw_err write_appt(sqlite_store *s, const void *arg)
{
	const appt_job *job = arg;
	const appointment *ap = job->ap;
	sw_err rc = appt_holds_time(ap->status) ? check_free(s, ap, job->conflict) : SW_OK;
	return rc ? rc : put_appt(s, ap, job->insert);
}

sw_err sqlite_appt_write(store *base, const appointment *ap, int expected, audit_record *audit,
                         appt_conflict *conflict)
{
	appt_job job = {ap, expected == 0, conflict};
	return sq_write_audited(SQ(base), write_appt, &job, expected ? VERSION_SQL : NULL, ap->id,
	                        expected, audit);
}

typedef struct appt_batch {
	arena *a;
	const appt_change *ch;
	int n;
	const rec_write *also;
	int n_also;
	appt_conflict *conflict;
} appt_batch;

/* Every write first, then every check: each appointment is checked against the others at their
 * new times, so members of a series moved together never stand in each other's way. */
static sw_err write_batch(sqlite_store *s, const void *arg)
{
	const appt_batch *b = arg;
	sw_err rc = SW_OK;
	for (int i = 0; !rc && i < b->n; i++) {
		const appt_change *c = &b->ch[i];
		if (c->expected)
			rc = sq_check_version(s, VERSION_SQL, c->ap->id, c->expected);
		if (!rc)
			rc = put_appt(s, c->ap, c->expected == 0);
	}
	if (!rc && b->n_also)
		rc = sq_rec_write_batch(s, b->a, b->also, b->n_also);
	for (int i = 0; !rc && i < b->n; i++)
		if (appt_holds_time(b->ch[i].ap->status))
			rc = check_free(s, b->ch[i].ap, b->conflict);
	return rc;
}

sw_err sqlite_appt_write_all(store *base, arena *a, const appt_change *ch, int n,
                             const rec_write *also, int n_also, audit_record *audit,
                             appt_conflict *conflict)
{
	appt_batch b = {a, ch, n, also, n_also, conflict};
	return sq_write_audited(SQ(base), write_batch, &b, NULL, NULL, 0, audit);
}

/* The resources of ap, in the order they were booked. */
static sw_err read_resources(sqlite_store *s, arena *a, appointment *ap)
{
	sqlite3_stmt *st =
	    sq_prep(s, "SELECT ar.resource_id, r.kind, r.name FROM "
	               "appointment_resources ar LEFT JOIN resources r ON r.id = "
	               "ar.resource_id WHERE ar.appointment_id = ? ORDER BY ar.rowid");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, ap->id);
	int step;
	ap->n_resources = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && ap->n_resources < SLOT_MAX_NEEDS) {
		appt_resource *r = &ap->resources[ap->n_resources++];
		r->id = sq_col(a, st, 0);
		r->kind = sq_col(a, st, 1);
		r->name = sq_col(a, st, 2);
	}
	sqlite3_reset(st);
	return step == SQLITE_DONE || step == SQLITE_ROW ? SW_OK
	                                                 : sq_fail(s, "appointment resources");
}

static sw_err read_appt(arena *a, sqlite3_stmt *st, appointment *out)
{
	memset(out, 0, sizeof *out);
	out->id = sq_col(a, st, 0);
	out->patient_id = sq_col(a, st, 1);
	out->type = sq_col(a, st, 2);
	out->biologic = sq_col(a, st, 3);
	int bad = instant_parse((const char *)sqlite3_column_text(st, 4), &out->start) ||
	          instant_parse((const char *)sqlite3_column_text(st, 5), &out->end);
	out->status = sq_col(a, st, 6);
	out->plan_step_id = sq_col(a, st, 7);
	out->note = sq_col(a, st, 8);
	out->reason = sq_col(a, st, 9);
	out->version = sqlite3_column_int(st, 10);
	out->created_at = sq_col(a, st, 11);
	out->updated_at = sq_col(a, st, 12);
	out->updated_by = sq_col(a, st, 13);
	return bad ? SW_EDB : SW_OK;
}

sw_err sqlite_appt_get(store *base, arena *a, const char *id, appointment *out)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(s, "SELECT " APPT_COLS " FROM appointments WHERE id = ?");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, id);
	int step = sqlite3_step(st);
	sw_err rc = step == SQLITE_ROW ? read_appt(a, st, out) : SW_OK;
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return SW_ENOTFOUND;
	if (step != SQLITE_ROW)
		return sq_fail(s, "appointment get");
	return rc ? rc : read_resources(s, a, out);
}

sw_err sqlite_appt_list(store *base, arena *a, const appt_query *q, appointment **items, int *n)
{
	sqlite_store *s = SQ(base);
	/* With the patient's MRN and name, so a schedule needs no read of each patient. */
	sqlite3_stmt *st = sq_prep(
	    s,
	    "SELECT a.id, a.patient_id, a.type, a.biologic, a.start_at, a.end_at, a.status, "
	    "a.plan_step_id, a.note, a.reason, a.version, a.created_at, a.updated_at, "
	    "a.updated_by, p.mrn, p.family_name, p.given_name FROM appointments a JOIN patients "
	    "p ON p.id = a.patient_id WHERE (?1 IS NULL OR a.patient_id = ?1) AND (?2 IS NULL OR "
	    "EXISTS (SELECT 1 FROM appointment_resources ar WHERE ar.appointment_id = a.id AND "
	    "ar.resource_id = ?2)) AND (?3 IS NULL OR a.end_at > ?3) AND (?4 IS NULL OR "
	    "a.start_at < ?4) ORDER BY a.start_at, a.id LIMIT ?5");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, q->patient_id);
	sq_text(st, 2, q->resource_id);
	sq_text(st, 3, q->from);
	sq_text(st, 4, q->to);
	int limit = q->limit > 0 && q->limit <= 5001 ? q->limit : 5000;
	sqlite3_bind_int(st, 5, limit);
	appointment *out = arena_alloc(a, sizeof(appointment) * (size_t)limit);
	int count = 0, step;
	sw_err rc = SW_OK;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		appointment *ap = &out[count++];
		rc = read_appt(a, st, ap);
		ap->patient_mrn = sq_col(a, st, 14);
		ap->patient_family = sq_col(a, st, 15);
		ap->patient_given = sq_col(a, st, 16);
	}
	sqlite3_reset(st);
	if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = sq_fail(s, "appointment list");
	for (int i = 0; !rc && i < count; i++)
		rc = read_resources(s, a, &out[i]);
	*items = out;
	*n = count;
	return rc;
}

sw_err sqlite_resource_busy(store *base, arena *a, int64_t from, int64_t to, resource_busy **items,
                            int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(
	    s,
	    "SELECT ar.resource_id, ar.start_at, ar.end_at, ar.appointment_id FROM "
	    "appointment_resources ar JOIN "
	    "appointments a ON a.id = ar.appointment_id WHERE ar.start_at < ?2 AND ar.end_at > ?1 "
	    "AND a." LIVE);
	if (!st)
		return SW_EDB;
	char f[21], t[21];
	instant_format(from, f);
	instant_format(to, t);
	sqlite3_bind_text(st, 1, f, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, t, -1, SQLITE_TRANSIENT);
	int cap = 64, count = 0, step, bad = 0;
	resource_busy *out = arena_alloc(a, sizeof(resource_busy) * (size_t)cap);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			resource_busy *bigger =
			    arena_alloc(a, sizeof(resource_busy) * (size_t)cap * 2);
			memcpy(bigger, out, sizeof(resource_busy) * (size_t)cap);
			out = bigger;
			cap *= 2;
		}
		resource_busy *b = &out[count++];
		b->resource_id = sq_col(a, st, 0);
		b->appointment_id = sq_col(a, st, 3);
		bad |= instant_parse((const char *)sqlite3_column_text(st, 1), &b->start) ||
		       instant_parse((const char *)sqlite3_column_text(st, 2), &b->end);
	}
	sqlite3_reset(st);
	*items = out;
	*n = count;
	if (step != SQLITE_DONE)
		return sq_fail(s, "resource busy");
	return bad ? SW_EDB : SW_OK;
}

sw_err sqlite_due_steps(store *base, arena *a, const char *from, const char *to, due_step **items,
                        int *n)
{
	sqlite_store *s = SQ(base);
	sqlite3_stmt *st = sq_prep(
	    s, "SELECT ps.id, ps.plan_id, ps.patient_id, p.mrn, p.family_name, p.given_name, "
	       "p.phone, ps.kind, ps.due_date, ps.window_from, ps.window_to FROM plan_steps ps "
	       "JOIN plans pl ON pl.id = ps.plan_id JOIN patients p ON p.id = ps.patient_id "
	       "WHERE ps.status = 'planned' AND ps.optional = 0 AND ps.kind <> 'processing' AND "
	       "pl.status IN ('accepted', 'in_progress') AND p.archived_at IS NULL AND "
	       "ps.window_from <= ?2 AND ps.window_to >= ?1 AND NOT EXISTS (SELECT 1 FROM "
	       "appointments a WHERE a.plan_step_id = ps.id AND a." LIVE ") "
	       "ORDER BY ps.due_date, ps.patient_id, ps.seq LIMIT 5000");
	if (!st)
		return SW_EDB;
	sq_text(st, 1, from);
	sq_text(st, 2, to);
	int cap = 64, count = 0, step;
	due_step *out = arena_alloc(a, sizeof(due_step) * (size_t)cap);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			due_step *bigger = arena_alloc(a, sizeof(due_step) * (size_t)cap * 2);
			memcpy(bigger, out, sizeof(due_step) * (size_t)cap);
			out = bigger;
			cap *= 2;
		}
		due_step *d = &out[count++];
		const char **f[] = {&d->step_id,     &d->plan_id,     &d->patient_id, &d->mrn,
		                    &d->family_name, &d->given_name,  &d->phone,      &d->kind,
		                    &d->due_date,    &d->window_from, &d->window_to};
		for (int i = 0; i < 11; i++)
			*f[i] = sq_col(a, st, i);
	}
	sqlite3_reset(st);
	*items = out;
	*n = count;
	return step == SQLITE_DONE ? SW_OK : sq_fail(s, "due steps");
}
