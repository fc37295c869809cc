/* The endpoints every kind of patient record shares, driven by its description (core/record.h):
 * record one for a patient, list a patient's, read one, change one (PATCH), void one. The route
 * names the kind. One rule for all of them: nothing changes for an archived patient, a record
 * that has ended (voided, entered in error) never changes again, and every change names the
 * version it was made on. Every read and write is audited. */
#include <string.h>

#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

rec_ctx api_rec_ctx(http_req *r, const patient *p)
{
	rec_ctx cx = {
	    .a = r->a,
	    .birth_date = p ? p->birth_date : NULL,
	    .sex = p ? p->sex_at_birth : NULL,
	    .today = date_today(),
	    .now = http_now(r),
	    .instruments = r->srv->cfg.instruments,
	    .treatment = r->srv->cfg.treatment,
	    .redact = !perm_allows(r->role, PERM_CLINICAL_READ),
	    .chronic_months = r->srv->cfg.chronic_months,
	};
	return cx;
}

json_t *api_rec_json(http_req *r, const rec_kind *k, const void *rec)
{
	rec_ctx cx = api_rec_ctx(r, NULL);
	return rec_to_json(k, rec, &cx);
}

static const char *action(http_req *r, const rec_kind *k, const char *verb)
{
	return arena_printf(r->a, "%s.%s", k->name, verb);
}

static audit_record audit_of(http_req *r, const rec_kind *k, const char *verb, const void *rec)
{
	rec_meta m = rec_meta_of(k, rec);
	return http_audit(r, action(r, k, verb), k->resource ? k->resource : k->name, m.id,
	                  m.patient_id);
}

audit_record *api_rec_audit(http_req *r, const rec_kind *k, const char *verb, const void *rec,
                            const char *detail)
{
	audit_record *a = arena_alloc(r->a, sizeof *a);
	*a = audit_of(r, k, verb, rec);
	a->detail = detail;
	return a;
}

/* The record in the route's {id}, answering 404 itself; NULL then. */
static void *load(http_req *r, const rec_kind *k)
{
	void *rec = arena_alloc(r->a, k->size);
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, k, r->params[0], rec)
	                : SW_ENOTFOUND;
	if (rc) {
		http_fail(r, rc, k->label);
		return NULL;
	}
	return rec;
}

/* Answers 200 with the record and its ETag. */
static int answer(http_req *r, const rec_kind *k, const void *rec)
{
	r->etag = api_etag(r, rec_meta_of(k, rec).version);
	return http_json(r, 200, api_rec_json(r, k, rec));
}

/* Writes the changed record if the stored version is expected, with its audit record; answers
 * 200 with it. */
static int save(http_req *r, const rec_kind *k, void *rec, int expected, audit_record *a)
{
	sw_err rc = r->st->ops->rec_update(r->st, r->a, k, rec, expected, a);
	return rc ? http_fail(r, rc, k->label) : answer(r, k, rec);
}

static int ended(http_req *r, const rec_kind *k, const void *rec)
{
	if (k->life == RL_MOVES)
		return http_problem(r, 409, "No further change",
		                    arena_printf(r->a, "This %s is %s and cannot change any more.",
		                                 k->label, rec_meta_of(k, rec).status));
	return http_problem(r, 409, k->life == RL_VOID ? "Already voided" : "Entered in error",
	                    arena_printf(r->a,
	                                 k->life == RL_VOID
	                                     ? "This %s is already voided."
	                                     : "This %s was marked entered in error and cannot "
	                                       "change; record it anew if it is needed.",
	                                 k->label));
}

/* The records rec names (k->refs) that the body gives: each the patient's and live. Non-zero
 * with the errors in r->v, or the answer given on a store failure. */
static int check_refs(http_req *r, const rec_kind *k, const void *rec, const char *patient_id)
{
	for (const rec_ref *ref = k->refs; ref && ref->field; ref++)
		if (json_object_get(r->body, ref->field))
			api_rec_ref(r, ref->k,
			            REC_CAT(rec, rec_field_find(k, ref->field)->off, const char *),
			            patient_id, 1, ref->field, ref->what);
	return r->v.n || r->status;
}

/* 409 naming the live record of the patient that has the same k->unique_fields values as rec
 * (itself left out); 0 when there is none. */
static int duplicate(http_req *r, const rec_kind *k, const void *rec, const char *patient_id)
{
	if (!k->unique_fields)
		return 0;
	rec_query q = {.patient_id = patient_id};
	void *items;
	int n;
	sw_err rc = r->st->ops->rec_list(r->st, r->a, k, &q, &items, &n);
	if (rc)
		return http_fail(r, rc, k->label);
	const char *self = rec_meta_of(k, rec).id;
	for (int i = 0; i < n; i++) {
		const void *o = (const char *)items + k->size * (size_t)i;
		int same = !rec_ended(k, o) && !(self && strcmp(rec_meta_of(k, o).id, self) == 0);
		for (const char *const *f = k->unique_fields; same && *f; f++) {
			size_t off = rec_field_find(k, *f)->off;
			const char *a = REC_CAT(rec, off, const char *),
			           *b = REC_CAT(o, off, const char *);
			same = a && b ? strcmp(a, b) == 0 : a == b;
		}
		if (!same)
			continue;
		const char *id = rec_meta_of(k, o).id;
		http_problem(r, 409, "Already recorded",
		             arena_printf(r->a, "This patient already has this %s (%s/%s).",
		                          k->label, k->path, id));
		json_object_set_new(r->out, "existing_id", json_string(id));
		return 409;
	}
	return 0;
}

int api_rec_create(http_req *r)
{
	return api_rec_create_with(r, NULL);
}

int api_rec_create_with(http_req *r, int (*fill)(http_req *, const patient *, void *))
{
	const rec_kind *k = r->kind;
	patient p;
	if (api_patient_writable(r, r->params[0], &p))
		return r->status;
	void *rec = arena_zalloc(r->a, k->size);
	rec_ctx cx = api_rec_ctx(r, &p);
	if (rec_from_json(&r->v, k, r->body, rec, 0, &cx))
		return http_invalid(r);
	if (check_refs(r, k, rec, p.id))
		return r->status ? r->status : http_invalid(r);
	if (duplicate(r, k, rec, p.id))
		return r->status;
	if (fill && fill(r, &p, rec))
		return r->status;
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	rec_set_new(k, rec, id, p.id, cx.now, r->who.id);
	audit_record a = audit_of(r, k, "create", rec);
	if (k->detail_field)
		a.detail = REC_CAT(rec, rec_field_find(k, k->detail_field)->off, const char *);
	sw_err rc = r->st->ops->rec_create(r->st, r->a, k, rec, &a);
	if (rc)
		return http_fail(r, rc, k->label);
	return api_created(r, k->path, id, 1, rec_to_json(k, rec, &cx));
}

int api_rec_list(http_req *r)
{
	const rec_kind *k = r->kind;
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	rec_query q = {.patient_id = p.id};
	rec_ctx cx = api_rec_ctx(r, &p);
	civil_date d;
	if (k->eq_param && (q.eq = http_query(r, k->eq_param)) && k->check_filter) {
		const char *why = k->check_filter(q.eq, &cx);
		if (why)
			v_add(&r->v, k->eq_param, "%s", why);
	}
	if (k->range_field) {
		q.from = http_query(r, "from");
		q.to = http_query(r, "to");
		if (q.from && date_parse(q.from, &d))
			v_add(&r->v, "from", "must be a date YYYY-MM-DD");
		if (q.to && date_parse(q.to, &d))
			v_add(&r->v, "to", "must be a date YYYY-MM-DD");
	}
	if (r->v.n)
		return http_invalid(r);
	void *items;
	int n;
	sw_err rc = r->st->ops->rec_list(r->st, r->a, k, &q, &items, &n);
	if (rc)
		return http_fail(r, rc, k->label);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr,
		                      rec_to_json(k, (char *)items + k->size * (size_t)i, &cx));
	return api_patient_items(r, action(r, k, "list"), p.id, arr);
}

int api_rec_get(http_req *r)
{
	const rec_kind *k = r->kind;
	void *rec = load(r, k);
	if (!rec)
		return r->status;
	audit_record a = audit_of(r, k, "read", rec);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return answer(r, k, rec);
}

int api_rec_update(http_req *r)
{
	const rec_kind *k = r->kind;
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	void *rec = load(r, k);
	if (!rec)
		return r->status;
	rec_meta m = rec_meta_of(k, rec);
	if (m.version != expected)
		return http_fail(r, SW_EVERSION, k->label);
	if (rec_ended(k, rec))
		return ended(r, k, rec);
	patient p;
	if (api_patient_writable(r, m.patient_id, &p))
		return r->status;
	rec_ctx cx = api_rec_ctx(r, &p);
	if (rec_from_json(&r->v, k, r->body, rec, 1, &cx))
		return http_invalid(r);
	if (check_refs(r, k, rec, p.id))
		return r->status ? r->status : http_invalid(r);
	if (!rec_ended(k, rec) && duplicate(r, k, rec, p.id))
		return r->status;
	rec_set_life(k, rec, NULL, NULL, expected + 1, cx.now, r->who.id);
	audit_record a = audit_of(r, k, "update", rec);
	return save(r, k, rec, expected, &a);
}

void *api_rec_voiding(http_req *r, const char **reason, int *expected)
{
	const rec_kind *k = r->kind;
	if (api_read_void(r, reason, expected))
		return NULL;
	void *rec = load(r, k);
	if (!rec)
		return NULL;
	rec_meta m = rec_meta_of(k, rec);
	if (api_patient_writable(r, m.patient_id, NULL))
		return NULL;
	if (rec_ended(k, rec)) {
		ended(r, k, rec);
		return NULL;
	}
	if (m.version != *expected) {
		http_fail(r, SW_EVERSION, k->label);
		return NULL;
	}
	rec_set_life(k, rec, k->ended, *reason, *expected + 1, http_now(r), r->who.id);
	return rec;
}

int api_rec_void(http_req *r)
{
	const char *reason;
	int expected;
	void *rec = api_rec_voiding(r, &reason, &expected);
	if (!rec)
		return r->status;
	audit_record a = audit_of(r, r->kind, "void", rec);
	a.detail = reason;
	return save(r, r->kind, rec, expected, &a);
}

audit_record *api_rec_prepare_move(http_req *r, const rec_kind *k, void *rec, const char *to,
                                   const char *reason, int expected)
{
	rec_meta m = rec_meta_of(k, rec);
	if (api_patient_writable(r, m.patient_id, NULL))
		return NULL;
	if (m.version != expected) {
		http_fail(r, SW_EVERSION, k->label);
		return NULL;
	}
	const rec_move *mv = rec_move_find(k, rec, to);
	if (!mv) {
		const char *next = rec_moves_from(r->a, k, rec);
		http_problem(r, 409, "Not an allowed change",
		             arena_printf(r->a, "This %s is %s; it can move to %s, not to %s.",
		                          k->label, m.status,
		                          *next ? next : "nothing (it is final)", to));
		return NULL;
	}
	if (mv->needs_reason && !reason) {
		v_add(&r->v, "reason", "is required to move a %s to %s", k->label, to);
		http_invalid(r);
		return NULL;
	}
	rec_set_life(k, rec, to, reason, expected + 1, http_now(r), r->who.id);
	return api_rec_audit(r, k, "status", rec,
	                     arena_printf(r->a, "%s -> %s%s%s", m.status, to, reason ? ": " : "",
	                                  reason ? reason : ""));
}

int api_rec_apply_move(http_req *r, const rec_kind *k, void *rec, const char *to,
                       const char *reason, int expected)
{
	audit_record *a = api_rec_prepare_move(r, k, rec, to, reason, expected);
	return a ? save(r, k, rec, expected, a) : r->status;
}
