/* The rest of the work-up on a patient: clinical test results, the daily pain diary and
 * concomitant medicines (record, list, read, void or change), and their catalogues. */
#include <math.h>
#include <string.h>

#include "../util/dates.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

static const char *new_id(http_req *r)
{
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	return id;
}

/* The patient of the route, refusing writes to an archived one. */
static int writable_patient(http_req *r, patient *p)
{
	if (api_load_patient(r, p))
		return r->status;
	if (p->archived_at)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived; nothing can be added or changed.");
	return 0;
}

/* ---- catalogues ---- */

int api_observation_kinds(http_req *r)
{
	json_t *items = json_array();
	for (const obs_kind *k = obs_kinds; k->kind; k++) {
		json_t *units = json_array();
		if (k->unit)
			json_array_append_new(units, json_string(k->unit));
		for (const obs_unit *u = k->other_units; u && u->unit; u++)
			json_array_append_new(units, json_string(u->unit));
		json_t *o =
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:s?}", "kind", k->kind, "label",
		              k->label, "code_system", k->code_system, "code", k->code, "type",
		              k->type == OBS_NUMBER  ? "number"
		              : k->type == OBS_GRADE ? "grade"
		                                     : "monofilament",
		              "units", units, "sided", k->sided, "rule", k->rule);
		if (k->type == OBS_NUMBER) {
			json_object_set_new(o, "min", json_real(k->min));
			json_object_set_new(o, "max", json_real(k->max));
		}
		if (k->grades || k->sites) {
			json_t *list = json_array();
			for (const char *const *g = k->grades ? k->grades : k->sites; *g; g++)
				json_array_append_new(list, json_string(*g));
			json_object_set_new(o, k->grades ? "grades" : "sites", list);
		}
		json_array_append_new(items, o);
	}
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int api_medication_catalogue(http_req *r)
{
	json_t *items = json_array();
	for (const drug_entry *d = drugs; d->drug; d++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "drug", d->drug, "label",
		                                       d->label, "drug_class", d->drug_class));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

/* ---- observations ---- */

json_t *api_observation_json(const observation *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(o->id));
	json_object_set_new(j, "patient_id", json_string(o->patient_id));
	json_object_set_new(j, "kind", json_string(o->kind));
	json_object_set_new(j, "label", api_str(o->k ? o->k->label : NULL));
	json_object_set_new(j, "code_system", api_str(o->code_system));
	json_object_set_new(j, "code", api_str(o->code));
	json_object_set_new(j, "value", o->has_value ? json_real(o->value) : json_null());
	json_object_set_new(j, "value_text", api_str(o->value_text));
	json_object_set_new(j, "unit", api_str(o->unit));
	json_object_set_new(j, "side", api_str(o->side));
	json_object_set_new(j, "site", api_str(o->site));
	json_t *details = o->details ? json_loads(o->details, 0, NULL) : NULL;
	json_object_set_new(j, "details", details ? details : json_null());
	json_object_set_new(j, "performed_on", json_string(o->performed_on));
	json_object_set_new(j, "abnormal",
	                    o->abnormal < 0 ? json_null() : json_boolean(o->abnormal));
	json_object_set_new(j, "interpretation", api_str(o->interpretation));
	json_object_set_new(j, "status", json_string(o->status));
	json_object_set_new(j, "void_reason", api_str(o->void_reason));
	json_object_set_new(j, "version", json_integer(o->version));
	json_object_set_new(j, "created_at", json_string(o->created_at));
	json_object_set_new(j, "updated_at", json_string(o->updated_at));
	json_object_set_new(j, "updated_by", api_str(o->updated_by));
	return j;
}

int api_observation_create(http_req *r)
{
	patient p;
	if (writable_patient(r, &p))
		return r->status;
	observation o;
	memset(&o, 0, sizeof o);
	if (observation_from_json(&r->v, r->body, p.birth_date, p.sex_at_birth, date_today(), &o))
		return http_invalid(r);
	o.id = new_id(r);
	o.patient_id = p.id;
	o.version = 1;
	o.created_at = o.updated_at = http_now(r);
	o.updated_by = r->who.id;
	audit_record a = http_audit(r, "observation.create", "observation", o.id, p.id);
	a.detail = o.kind;
	sw_err rc = r->st->ops->observation_create(r->st, &o, &a);
	if (rc)
		return http_fail(r, rc, "test result");
	r->location = arena_printf(r->a, "/api/v1/observations/%s", o.id);
	r->etag = api_etag(r, o.version);
	return http_json(r, 201, api_observation_json(&o));
}

int api_observation_list(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	observation *items;
	int n;
	sw_err rc = r->st->ops->observation_list(r->st, r->a, p.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "test result");
	audit_record a = http_audit(r, "observation.list", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, api_observation_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

static int load_observation(http_req *r, observation *o)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->observation_get(r->st, r->a, r->params[0], o)
	                : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "test result") : 0;
}

int api_observation_get(http_req *r)
{
	observation o;
	if (load_observation(r, &o))
		return r->status;
	audit_record a = http_audit(r, "observation.read", "observation", o.id, o.patient_id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	r->etag = api_etag(r, o.version);
	return http_json(r, 200, api_observation_json(&o));
}

int api_observation_void(http_req *r)
{
	const char *reason;
	int expected;
	if (api_read_void(r, &reason, &expected))
		return r->status;
	observation o;
	if (load_observation(r, &o) ||
	    api_check_void(r, o.patient_id, o.status, o.version, expected, "test result"))
		return r->status;
	o.status = "voided";
	o.void_reason = reason;
	o.version = expected + 1;
	o.updated_at = http_now(r);
	o.updated_by = r->who.id;
	audit_record a = http_audit(r, "observation.void", "observation", o.id, o.patient_id);
	a.detail = reason;
	sw_err rc = r->st->ops->observation_update(r->st, &o, expected, &a);
	if (rc)
		return http_fail(r, rc, "test result");
	r->etag = api_etag(r, o.version);
	return http_json(r, 200, api_observation_json(&o));
}

/* ---- diary ---- */

json_t *api_diary_json(const diary_entry *d)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:s, s:o, s:i, s:s, s:s, s:o}", "id",
	                 d->id, "patient_id", d->patient_id, "entry_date", d->entry_date, "nrs",
	                 d->nrs, "source", d->source, "note", api_str(d->note), "status", d->status,
	                 "void_reason", api_str(d->void_reason), "version", d->version,
	                 "created_at", d->created_at, "updated_at", d->updated_at, "updated_by",
	                 api_str(d->updated_by));
}

int api_diary_create(http_req *r)
{
	patient p;
	if (writable_patient(r, &p))
		return r->status;
	diary_entry d;
	memset(&d, 0, sizeof d);
	if (diary_from_json(&r->v, r->body, p.birth_date, date_today(), &d))
		return http_invalid(r);
	d.id = new_id(r);
	d.patient_id = p.id;
	d.source = "staff"; /* patients' own entries come with the patient portal */
	d.version = 1;
	d.created_at = d.updated_at = http_now(r);
	d.updated_by = r->who.id;
	audit_record a = http_audit(r, "diary.create", "diary_entry", d.id, p.id);
	sw_err rc = r->st->ops->diary_create(r->st, &d, &a);
	if (rc)
		return http_fail(r, rc, "diary entry");
	r->location = arena_printf(r->a, "/api/v1/diary-entries/%s", d.id);
	r->etag = api_etag(r, d.version);
	return http_json(r, 201, api_diary_json(&d));
}

int api_diary_list(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	diary_entry *items;
	int n;
	sw_err rc = r->st->ops->diary_list(r->st, r->a, p.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "diary entry");
	audit_record a = http_audit(r, "diary.list", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, api_diary_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

int api_diary_get(http_req *r)
{
	diary_entry d;
	sw_err rc = uuid_valid(r->params[0]) ? r->st->ops->diary_get(r->st, r->a, r->params[0], &d)
	                                     : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "diary entry");
	audit_record a = http_audit(r, "diary.read", "diary_entry", d.id, d.patient_id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	r->etag = api_etag(r, d.version);
	return http_json(r, 200, api_diary_json(&d));
}

int api_diary_void(http_req *r)
{
	const char *reason;
	int expected;
	if (api_read_void(r, &reason, &expected))
		return r->status;
	diary_entry d;
	sw_err rc = uuid_valid(r->params[0]) ? r->st->ops->diary_get(r->st, r->a, r->params[0], &d)
	                                     : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "diary entry");
	if (api_check_void(r, d.patient_id, d.status, d.version, expected, "diary entry"))
		return r->status;
	d.status = "voided";
	d.void_reason = reason;
	d.version = expected + 1;
	d.updated_at = http_now(r);
	d.updated_by = r->who.id;
	audit_record a = http_audit(r, "diary.void", "diary_entry", d.id, d.patient_id);
	a.detail = reason;
	rc = r->st->ops->diary_update(r->st, &d, expected, &a);
	if (rc)
		return http_fail(r, rc, "diary entry");
	r->etag = api_etag(r, d.version);
	return http_json(r, 200, api_diary_json(&d));
}

/* ---- medicines ---- */

json_t *api_medication_json(const medication *m)
{
	const drug_entry *e = drug_find(m->drug);
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(m->id));
	json_object_set_new(j, "patient_id", json_string(m->patient_id));
	json_object_set_new(j, "drug", json_string(m->drug));
	json_object_set_new(j, "label", api_str(e ? e->label : NULL));
	json_object_set_new(j, "drug_class", json_string(m->drug_class));
	json_object_set_new(j, "dose_value", m->has_dose ? json_real(m->dose_value) : json_null());
	json_object_set_new(j, "dose_unit", api_str(m->dose_unit));
	json_object_set_new(j, "frequency", api_str(m->frequency));
	json_object_set_new(j, "start_date", api_str(m->start_date));
	json_object_set_new(j, "stop_date", api_str(m->stop_date));
	json_object_set_new(j, "notes", api_str(m->notes));
	json_object_set_new(j, "status", json_string(m->status));
	json_object_set_new(j, "void_reason", api_str(m->void_reason));
	json_object_set_new(j, "version", json_integer(m->version));
	json_object_set_new(j, "created_at", json_string(m->created_at));
	json_object_set_new(j, "updated_at", json_string(m->updated_at));
	json_object_set_new(j, "updated_by", api_str(m->updated_by));
	return j;
}

int api_medication_create(http_req *r)
{
	patient p;
	if (writable_patient(r, &p))
		return r->status;
	medication m;
	memset(&m, 0, sizeof m);
	if (medication_from_json(&r->v, r->body, 0, p.birth_date, date_today(), &m))
		return http_invalid(r);
	m.id = new_id(r);
	m.patient_id = p.id;
	m.version = 1;
	m.created_at = m.updated_at = http_now(r);
	m.updated_by = r->who.id;
	audit_record a = http_audit(r, "medication.create", "medication", m.id, p.id);
	a.detail = m.drug;
	sw_err rc = r->st->ops->medication_create(r->st, &m, &a);
	if (rc)
		return http_fail(r, rc, "medicine");
	r->location = arena_printf(r->a, "/api/v1/medications/%s", m.id);
	r->etag = api_etag(r, m.version);
	return http_json(r, 201, api_medication_json(&m));
}

int api_medication_list(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	medication *items;
	int n;
	sw_err rc = r->st->ops->medication_list(r->st, r->a, p.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "medicine");
	audit_record a = http_audit(r, "medication.list", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, api_medication_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

int api_medication_get(http_req *r)
{
	medication m;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->medication_get(r->st, r->a, r->params[0], &m)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "medicine");
	audit_record a = http_audit(r, "medication.read", "medication", m.id, m.patient_id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	r->etag = api_etag(r, m.version);
	return http_json(r, 200, api_medication_json(&m));
}

int api_medication_update(http_req *r)
{
	int expected = http_if_match(r);
	if (expected < 0)
		return http_problem(r, expected == -1 ? 428 : 400, "If-Match required",
		                    "Send the version you edited in If-Match (the ETag).");
	medication m;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->medication_get(r->st, r->a, r->params[0], &m)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "medicine");
	if (m.version != expected)
		return http_fail(r, SW_EVERSION, "medicine");
	if (strcmp(m.status, "entered_in_error") == 0)
		return http_problem(r, 409, "Entered in error",
		                    "This medicine was marked entered in error and cannot change; "
		                    "record it anew if it is taken.");
	patient p;
	rc = r->st->ops->patient_get(r->st, r->a, m.patient_id, &p);
	if (rc)
		return http_fail(r, rc, "patient");
	if (p.archived_at)
		return http_problem(r, 409, "Patient archived",
		                    "This patient is archived; nothing can be changed.");
	if (medication_from_json(&r->v, r->body, 1, p.birth_date, date_today(), &m))
		return http_invalid(r);
	m.version = expected + 1;
	m.updated_at = http_now(r);
	m.updated_by = r->who.id;
	audit_record a = http_audit(r, "medication.update", "medication", m.id, m.patient_id);
	rc = r->st->ops->medication_update(r->st, &m, expected, &a);
	if (rc)
		return http_fail(r, rc, "medicine");
	r->etag = api_etag(r, m.version);
	return http_json(r, 200, api_medication_json(&m));
}
