/* Patients: register, search, read, change, archive. Every read and write is audited. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/neuropathy.h"
#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/text.h"
#include "../util/uuid.h"
#include "api.h"

int api_load_patient(http_req *r, patient *p)
{
	sw_err rc = uuid_valid(r->params[0]) ? r->st->ops->patient_get(r->st, r->a, r->params[0], p)
	                                     : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "patient");
	return 0;
}

/* Patients matching q (every page), archived ones too; NULL with the answer given on a store
 * failure. Each one found is audited as read: the answer names them. */
static json_t *matches(http_req *r, const char *q, const patient *same_as)
{
	patient_query pq = {.q = q, .limit = 200, .include_archived = 1};
	json_t *out = json_array();
	audit_record *seen = arena_zalloc(r->a, sizeof(audit_record) * 16);
	int n_seen = 0;
	for (int page = 0; page < 50; page++) {
		patient *items;
		int n;
		sw_err rc = r->st->ops->patient_search(r->st, r->a, &pq, &items, NULL, &n);
		if (rc) {
			json_decref(out);
			http_fail(r, rc, "patient");
			return NULL;
		}
		for (int i = 0; i < n && i < pq.limit; i++) {
			const patient *x = &items[i];
			if (same_as && (strcmp(x->birth_date, same_as->birth_date) != 0 ||
			                strcasecmp(x->family_name, same_as->family_name) != 0 ||
			                strcasecmp(x->given_name, same_as->given_name) != 0))
				continue;
			if (!same_as && strcmp(x->mrn, q) != 0)
				continue;
			json_array_append_new(
			    out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", x->id, "mrn",
			                   x->mrn, "family_name", x->family_name, "given_name",
			                   x->given_name, "birth_date", x->birth_date, "archived",
			                   x->archived_at != NULL));
			if (n_seen < 16)
				seen[n_seen++] = http_audit(r, "patient.duplicate_check", "patient",
				                            x->id, x->id);
		}
		if (n <= pq.limit)
			break;
		pq.after_family = items[pq.limit - 1].family_name;
		pq.after_given = items[pq.limit - 1].given_name;
		pq.after_id = items[pq.limit - 1].id;
	}
	if (n_seen && http_audit_reads(r, seen, n_seen)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static int conflict_mrn(http_req *r, const char *mrn)
{
	json_t *who = matches(r, mrn, NULL);
	if (!who)
		return r->status;
	v_add(&r->v, "mrn", "is already used by another patient (%s)", mrn);
	http_invalid(r);
	json_object_set_new(r->out, "status", json_integer(409));
	json_object_set_new(r->out, "title", json_string("MRN already in use"));
	json_object_set_new(r->out, "type", json_string("/problems/conflict"));
	json_object_set_new(r->out, "existing", who);
	r->status = 409;
	return 409;
}

/* 409 with the patients of the same name and birth date, unless there are none; 0 then. */
static int possible_duplicates(http_req *r, const patient *p)
{
	json_t *same = matches(r, p->birth_date, p);
	if (!same)
		return r->status;
	if (!json_array_size(same)) {
		json_decref(same);
		return 0;
	}
	http_problem(r, 409, "Possible duplicate",
	             "A patient with the same name and birth date is already registered. Open that "
	             "record, or send confirm_new: true to register a new patient anyway.");
	json_object_set_new(r->out, "possible_duplicates", same);
	return 409;
}

int api_patient_create(http_req *r)
{
	patient p;
	memset(&p, 0, sizeof p);
	int confirm_new = 0;
	if (json_object_get(r->body, "confirm_new")) {
		jv_bool(&r->v, r->body, NULL, "confirm_new", &confirm_new);
		json_object_del(r->body, "confirm_new");
	}
	if (patient_from_json(&r->v, r->body, &p, 0, date_today()) || r->v.n)
		return http_invalid(r);
	if (!confirm_new && possible_duplicates(r, &p))
		return r->status;
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	p.id = id;
	p.version = 1;
	p.created_at = p.updated_at = http_now(r);
	p.updated_by = r->who.id;
	audit_record a = http_audit(r, "patient.create", "patient", p.id, p.id);
	sw_err rc = r->st->ops->patient_create(r->st, &p, &a);
	if (rc == SW_ECONFLICT)
		return conflict_mrn(r, p.mrn);
	if (rc)
		return http_fail(r, rc, "patient");
	return api_created(r, "/api/v1/patients", p.id, p.version, api_patient_json(&p));
}

/* The cursor is base64url("family\x1fgiven\x1fid") of the last row of the previous page. */
/* The keyset of the row a page ended on, opaque to clients: its names and id, and by last visit
 * its last visit before them (empty when it has none). */
static const char *encode_cursor(http_req *r, const patient *p, const char *visit)
{
	const char *raw = arena_printf(r->a, "%s%s%s\x1f%s\x1f%s", visit ? visit : "",
	                               visit ? "\x1f" : "", p->family_name, p->given_name, p->id);
	size_t n = sodium_base64_encoded_len(strlen(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(r->a, n);
	sodium_bin2base64(out, n, (const unsigned char *)raw, strlen(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static int decode_cursor(http_req *r, const char *cursor, patient_query *q)
{
	size_t len = strlen(cursor), out_len = 0;
	unsigned char *raw = arena_alloc(r->a, len + 1);
	if (len > 1000 || sodium_base642bin(raw, len, cursor, len, NULL, &out_len, NULL,
	                                    sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		goto bad;
	raw[out_len] = '\0';
	char *f = (char *)raw;
	if (q->by_last_visit) { /* the last visit first: a date, or empty for none */
		char *end = strchr(f, '\x1f');
		civil_date d;
		if (!end)
			goto bad;
		*end = '\0';
		if (*f && date_parse(f, &d))
			goto bad;
		q->after_visit = *f ? f : NULL;
		f = end + 1;
	}
	char *g = strchr(f, '\x1f'), *id = g ? strchr(g + 1, '\x1f') : NULL;
	if (!g || !id || strchr(id + 1, '\x1f'))
		goto bad;
	*g++ = '\0';
	*id++ = '\0';
	q->after_family = f;
	q->after_given = g;
	q->after_id = id;
	return 0;
bad:
	v_add(&r->v, "cursor", "is not a cursor this server gave out; start from the first page");
	return -1;
}

/* Adds to o what the list shows beside the name, each as the caller's role may read it: the
 * neuropathy (diagnoses), the latest NRS (clinical), the last visit (anyone who sees the list). */
static void summarize(http_req *r, const patient_summary *sm, json_t *o)
{
	if (perm_allows(r->role, PERM_CONDITION_READ)) {
		json_t *n = json_null();
		if (sm->icd10) {
			civil_date onset;
			int known =
			    sm->onset_date && date_parse_partial(sm->onset_date, &onset) == 0;
			nerve_duration d = neuropathy_duration(known ? &onset : NULL, date_today(),
			                                       r->srv->cfg.chronic_months);
			n = json_pack("{s:s, s:s?, s:s}", "icd10", sm->icd10, "etiology",
			              sm->etiology, "chronicity", chronicity_name(d));
		}
		json_object_set_new_nocheck(o, "neuropathy", n);
	}
	if (perm_allows(r->role, PERM_CLINICAL_READ))
		json_object_set_new_nocheck(
		    o, "latest_nrs",
		    sm->has_nrs ? json_pack("{s:f, s:s?}", "value", sm->nrs, "date", sm->nrs_date)
		                : json_null());
	json_object_set_new_nocheck(o, "last_visit", api_str(sm->last_visit));
}

int api_patient_list_quick(http_req *r)
{
	const char *sort = http_query(r, "sort");
	const char *q = http_query(r, "q");
	return !(sort && strcmp(sort, "last_visit") == 0) && !(q && strpbrk(q, "0123456789"));
}

int api_patient_list(http_req *r)
{
	patient_query q;
	memset(&q, 0, sizeof q);
	q.q = http_query(r, "q");
	q.limit = http_limit(r);
	const char *sort = http_query(r, "sort");
	if (sort && strcmp(sort, "name") && strcmp(sort, "last_visit"))
		v_add(&r->v, "sort", "must be name or last_visit");
	q.by_last_visit = sort && strcmp(sort, "last_visit") == 0;
	if (q.by_last_visit && q.q && *q.q)
		v_add(&r->v, "sort", "last_visit sorts the whole list; a search is sorted by name");
	/* The cursor is the last row's keyset: its names, and by last visit its visit too. */
	const char *cursor = http_query(r, "cursor");
	if (cursor && *cursor)
		decode_cursor(r, cursor, &q);
	const char *arch = http_query(r, "include_archived");
	if (arch && strcmp(arch, "true") && strcmp(arch, "false"))
		v_add(&r->v, "include_archived", "must be true or false");
	q.include_archived = arch && strcmp(arch, "true") == 0;
	if (q.q && strlen(q.q) > 100)
		v_add(&r->v, "q", "must be at most 100 characters");
	if (r->v.n)
		return http_invalid(r);
	patient *items;
	int n;
	patient_summary *sums;
	sw_err rc = patient_dir_search(r->srv->patients, r->st, r->a, &q, &items, &sums, &n);
	if (rc)
		return http_fail(r, rc, "patient");
	int shown = n > q.limit ? q.limit : n;
	json_t *arr = json_array();
	/* One audit record for the page: "patients: <id> <id> ...; q: <query>" (ids first, so the
	 * query cannot pose as one); a page of one patient names it as the record's patient too.
	 * The audit log's patient filter finds the page by the ids (store audit_page). */
	size_t cap = 16 + (size_t)shown * (UUID_STR_LEN + 1), len = 0;
	char *ids = arena_alloc(r->a, cap);
	len += (size_t)snprintf(ids, cap, "patients:");
	for (int i = 0; i < shown; i++) {
		json_t *o = api_patient_json(&items[i]);
		summarize(r, &sums[i], o);
		json_array_append_new(arr, o);
		len += (size_t)snprintf(ids + len, cap - len, " %s", items[i].id);
	}
	audit_record page =
	    http_audit(r, "patient.list", "patient", shown == 1 ? items[0].id : NULL,
	               shown == 1 ? items[0].id : NULL);
	page.detail =
	    shown ? arena_printf(r->a, "%s; q: %s", ids, q.q ? q.q : "") : (q.q ? q.q : "");
	const char *visit = NULL; /* by last visit, the cursor carries the last row's visit too */
	if (q.by_last_visit && n > q.limit)
		visit = sums[q.limit - 1].last_visit ? sums[q.limit - 1].last_visit : "";
	json_t *next =
	    n <= q.limit ? json_null() : json_string(encode_cursor(r, &items[q.limit - 1], visit));
	json_t *out = json_pack("{s:o, s:o}", "items", arr, "next_cursor", next);
	http_json(r, 200, out);
	/* A search that finds no one is kept too: its query says whom the caller looked for. */
	if (http_audit_reads(r, &page, 1))
		return r->status;
	return 200;
}

int api_patient_get(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	audit_record a = http_audit(r, "patient.read", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	r->etag = api_etag(r, p.version);
	return http_json(r, 200, api_patient_json(&p));
}

/* Loads the patient and checks If-Match and whether it is archived (which must equal
 * archived); 0 when the caller may go on. */
static int load_versioned(http_req *r, patient *p, int *expected, int archived)
{
	if ((*expected = api_expected_version(r)) < 0)
		return r->status;
	if (api_load_patient(r, p))
		return r->status;
	if (p->version != *expected)
		return http_fail(r, SW_EVERSION, "patient");
	if (p->archived_at && !archived)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived and cannot be changed.");
	if (!p->archived_at && archived)
		return http_problem(r, 409, "Patient not archived",
		                    "This patient is not archived; there is nothing to restore.");
	return 0;
}

/* Loads the patient and checks If-Match; 0 when the caller may write. */
static int load_for_write(http_req *r, patient *p, int *expected)
{
	return load_versioned(r, p, expected, 0);
}

/* Writes p as version expected + 1 with its audit record (action, reason as its detail). */
static int save(http_req *r, patient *p, int expected, const char *action, const char *reason)
{
	p->version = expected + 1;
	p->updated_at = http_now(r);
	p->updated_by = r->who.id;
	audit_record a = http_audit(r, action, "patient", p->id, p->id);
	a.detail = reason;
	sw_err rc = r->st->ops->patient_update(r->st, p, expected, &a);
	if (rc == SW_ECONFLICT)
		return conflict_mrn(r, p->mrn);
	if (rc)
		return http_fail(r, rc, "patient");
	r->etag = api_etag(r, p->version);
	return http_json(r, 200, api_patient_json(p));
}

int api_patient_update(http_req *r)
{
	patient p;
	int expected;
	if (load_for_write(r, &p, &expected))
		return r->status;
	if (patient_from_json(&r->v, r->body, &p, 1, date_today()))
		return http_invalid(r);
	if (json_object_get(r->body, "birth_date")) {
		void *cs;
		int n;
		rec_query q = {.patient_id = p.id};
		sw_err rc = r->st->ops->rec_list(r->st, r->a, &rk_condition, &q, &cs, &n);
		if (rc)
			return http_fail(r, rc, "diagnosis");
		int may_read = perm_allows(r->role, PERM_CONDITION_READ);
		int hit = condition_check_birth(&r->v, p.birth_date, cs, n, may_read);
		if (hit >= 0) {
			/* The refusal tells the caller something about a diagnosis: audit it. */
			const condition *c = (const condition *)cs + hit;
			audit_record a =
			    http_audit(r, "condition.birth_check", "condition", c->id, p.id);
			if (http_audit_reads(r, &a, 1))
				return r->status;
		}
		if (r->v.n)
			return http_invalid(r);
	}
	return save(r, &p, expected, "patient.update", NULL);
}

/* The {reason} of an archive or a restore; NULL with the answer given. */
static const char *read_reason(http_req *r)
{
	static const char *const fields[] = {"reason", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *reason = jv_string(&r->v, r->body, NULL, "reason", 500, JV_REQUIRED, NULL);
	if (reason && !text_visible(reason))
		v_add(&r->v, "reason", "must say why");
	if (r->v.n) {
		http_invalid(r);
		return NULL;
	}
	return reason;
}

int api_patient_archive(http_req *r)
{
	const char *reason = read_reason(r);
	if (!reason)
		return r->status;
	patient p;
	int expected;
	if (load_for_write(r, &p, &expected))
		return r->status;
	p.archived_at = http_now(r);
	p.archive_reason = reason;
	return save(r, &p, expected, "patient.archive", reason);
}

int api_patient_restore(http_req *r)
{
	const char *reason = read_reason(r);
	if (!reason)
		return r->status;
	patient p;
	int expected;
	if (load_versioned(r, &p, &expected, 1))
		return r->status;
	p.archived_at = NULL;
	p.archive_reason = NULL;
	return save(r, &p, expected, "patient.restore", reason);
}
