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

int api_condition_create(http_req *r);
int api_condition_list(http_req *r);
int api_condition_get(http_req *r);
int api_condition_update(http_req *r);

int api_audit_list(http_req *r);

int api_instrument_list(http_req *r);
int api_instrument_get(http_req *r);
int api_assessment_create(http_req *r);
int api_assessment_list(http_req *r);
int api_assessment_get(http_req *r);
int api_assessment_void(http_req *r);

int api_observation_kinds(http_req *r);
int api_medication_catalogue(http_req *r);
int api_observation_create(http_req *r);
int api_observation_list(http_req *r);
int api_observation_get(http_req *r);
int api_observation_void(http_req *r);
int api_diary_create(http_req *r);
int api_diary_list(http_req *r);
int api_diary_void(http_req *r);
int api_diary_get(http_req *r);
int api_medication_get(http_req *r);
int api_medication_create(http_req *r);
int api_medication_list(http_req *r);
int api_medication_update(http_req *r);
int api_timeline(http_req *r);

/* JSON encoders (new references). api_str: a string, or null for NULL. */
json_t *api_str(const char *s);
json_t *api_observation_json(const observation *o);
json_t *api_diary_json(const diary_entry *d);
json_t *api_medication_json(const medication *m);
json_t *api_patient_json(const patient *p);
json_t *api_condition_json(http_req *r, const condition *c);
json_t *api_staff_json(const staff *s);
json_t *api_assessment_json(const assessment *as);
/* "\"<version>\"" in the arena, for ETag. */
const char *api_etag(http_req *r, int version);
/* 0 when patient_id's records may change; a 409 when the patient is archived. */
int api_patient_writable(http_req *r, const char *patient_id);
/* Reads a void request: {reason} and If-Match. 0 with both set, else the response. */
int api_read_void(http_req *r, const char **reason, int *expected);
/* 0 when a record (its patient, status and version) may be voided with the expected version;
 * else the response: 409 archived patient or already voided, 412 stale version. */
int api_check_void(http_req *r, const char *patient_id, const char *status, int version,
                   int expected, const char *what);
/* Loads the patient in r->params[0], answering 404 itself; 0 when found. */
int api_load_patient(http_req *r, patient *p);

#endif
