/* The API handlers (one file per resource) and the JSON shapes they share. */
#ifndef SCHWANN_API_H
#define SCHWANN_API_H

#include "../http/http.h"

int api_health(http_req *r);
int api_openapi(http_req *r);
int api_neuropathy_codes(http_req *r);

int api_session_create(http_req *r);
int api_session_delete(http_req *r);
int api_me(http_req *r);

int api_patient_create(http_req *r);
int api_patient_list(http_req *r);
int api_patient_get(http_req *r);
int api_patient_update(http_req *r);
int api_patient_archive(http_req *r);

int api_audit_list(http_req *r);

int api_instrument_list(http_req *r);
int api_instrument_get(http_req *r);

int api_observation_kinds(http_req *r);
int api_medication_catalogue(http_req *r);
int api_timeline(http_req *r);
int api_biologic_list(http_req *r);
int api_plan_create(http_req *r);
int api_plan_list(http_req *r);
int api_plan_get(http_req *r);
int api_plan_update(http_req *r);
int api_plan_move(http_req *r);
int api_plan_step_skip(http_req *r);
int api_consent_document_list(http_req *r);
int api_consent_create(http_req *r);
int api_consent_withdraw(http_req *r);
int api_procedure_create(http_req *r);
int api_protocol_list(http_req *r);
int api_protocol_get(http_req *r);

/* Every kind of patient record, the kind taken from the route (api/records.c). */
int api_rec_create(http_req *r);
int api_rec_list(http_req *r);
int api_rec_get(http_req *r);
int api_rec_update(http_req *r);
int api_rec_void(http_req *r);
/* POST /<kind>/{id}/status {status, reason}: one of the kind's moves (RL_MOVES). */
int api_rec_move(http_req *r);
/* What a record kind's rules and JSON need from the request (and the patient, or NULL). */
rec_ctx api_rec_ctx(http_req *r, const patient *p);
/* A record as JSON (new reference). */
json_t *api_rec_json(http_req *r, const rec_kind *k, const void *rec);

/* JSON encoders (new references). api_str: a string, or null for NULL. */
json_t *api_str(const char *s);
json_t *api_patient_json(const patient *p);
json_t *api_staff_json(const staff *s);
/* "\"<version>\"" in the arena, for ETag. */
const char *api_etag(http_req *r, int version);
/* 0 when patient_id's records may change (the patient in *out when out is not NULL); else the
 * response: 404 no such patient, 409 archived. */
int api_patient_writable(http_req *r, const char *patient_id, patient *out);
/* Audits the read of a patient's list (action) and answers {items, next_cursor: null}; takes
 * the reference to items. */
int api_patient_items(http_req *r, const char *action, const char *patient_id, json_t *items);
/* Answers 201 with Location collection/id, the ETag of version, and body (reference taken). */
int api_created(http_req *r, const char *collection, const char *id, int version, json_t *body);
/* Reads a void request: {reason} and If-Match. 0 with both set, else the response. */
int api_read_void(http_req *r, const char **reason, int *expected);
/* Loads the patient in r->params[0], answering 404 itself; 0 when found. */
int api_load_patient(http_req *r, patient *p);

#endif
