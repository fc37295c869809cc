/* The route table: the one list of what the server exposes, with each route's permission. The
 * OpenAPI document is generated from it and the API tests check it. */
#include "../api/api.h"

const route routes[] = {
    {"GET", "/api/v1/health", api_health, PERM_PUBLIC, "Liveness and version", 0},
    {"GET", "/api/v1/openapi.json", api_openapi, PERM_PUBLIC, "This API's OpenAPI document", 0},
    {"POST", "/api/v1/session", api_session_create, PERM_PUBLIC,
     "Sign in with e-mail and password; sets the session cookie", 1},
    {"DELETE", "/api/v1/session", api_session_delete, PERM_SIGNED_IN, "Sign out", 0},
    {"GET", "/api/v1/me", api_me, PERM_SIGNED_IN, "The signed-in staff member", 0},
    {"GET", "/api/v1/neuropathy-codes", api_neuropathy_codes, PERM_SIGNED_IN,
     "The curated ICD-10-CM neuropathy codes and their etiology", 0},
    {"GET", "/api/v1/patients", api_patient_list, PERM_PATIENT_READ,
     "Search patients by name prefix, MRN or birth date", 0},
    {"POST", "/api/v1/patients", api_patient_create, PERM_PATIENT_WRITE, "Register a patient", 1},
    {"GET", "/api/v1/patients/{id}", api_patient_get, PERM_PATIENT_READ, "One patient", 0},
    {"PATCH", "/api/v1/patients/{id}", api_patient_update, PERM_PATIENT_WRITE,
     "Change a patient (If-Match required)", 1},
    {"POST", "/api/v1/patients/{id}/archive", api_patient_archive, PERM_PATIENT_WRITE,
     "Archive a patient with a reason (If-Match required)", 1},
    {"GET", "/api/v1/patients/{id}/conditions", api_condition_list, PERM_CONDITION_READ,
     "A patient's neuropathy diagnoses", 0},
    {"POST", "/api/v1/patients/{id}/conditions", api_condition_create, PERM_CONDITION_WRITE,
     "Record a neuropathy diagnosis", 1},
    {"GET", "/api/v1/conditions/{id}", api_condition_get, PERM_CONDITION_READ,
     "One neuropathy diagnosis", 0},
    {"PATCH", "/api/v1/conditions/{id}", api_condition_update, PERM_CONDITION_WRITE,
     "Change a diagnosis (If-Match required)", 1},
    {"GET", "/api/v1/audit", api_audit_list, PERM_AUDIT_READ, "The audit log, newest first", 0},
    {NULL, NULL, NULL, PERM_PUBLIC, NULL, 0},
};
