/* The API handlers (one file per resource) and the JSON shapes they share. */
#ifndef SCHWANN_API_H
#define SCHWANN_API_H

#include "../core/appt_type.h"
#include "../http/http.h"

int api_health(http_req *r);
int api_openapi(http_req *r);
int api_neuropathy_codes(http_req *r);

int api_session_create(http_req *r);
int api_session_delete(http_req *r);
int api_me(http_req *r);

int api_patient_create(http_req *r);
int api_patient_list(http_req *r);
/* Whether a patient list request is a keyset search by name (bounded: index ranges, a page), to
 * be run on the event loop; the last-visit sort and a part of an MRN read the whole table. */
int api_patient_list_quick(http_req *r);
int api_patient_get(http_req *r);
int api_patient_update(http_req *r);
int api_patient_archive(http_req *r);
int api_patient_restore(http_req *r);

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
int api_procedure_void(http_req *r);
int api_protocol_list(http_req *r);
int api_candidacy_get(http_req *r);
int api_plan_step_add(http_req *r);
int api_staff_list(http_req *r);
int api_staff_create(http_req *r);
int api_staff_update(http_req *r);
int api_staff_password_reset(http_req *r);
int api_me_password(http_req *r);
int api_token_list(http_req *r);
int api_token_create(http_req *r);
int api_token_revoke(http_req *r);
int api_audit_verify(http_req *r);
/* GET /api/v1/outcomes/{report} (api/outcomes.h lists the reports). */
int api_outcomes_report(http_req *r);
int api_expected_outcomes(http_req *r);
/* The body of GET /patients/{id}/expected-outcomes for patient id (every biologic offered, or
 * only bio, with the request's own report parameters), not audited: the caller audits
 * its use. NULL with the answer given (404, a store failure). */
json_t *api_expected_json(http_req *r, const char *id, const char *bio);
/* Cost estimates (api/estimates.c) and their PDF (api/estimate_pdf.c). */
int api_estimate_create(http_req *r);
int api_estimate_get(http_req *r);
int api_estimate_list(http_req *r);
int api_estimate_pdf(http_req *r);
/* The PDF of estimate e (its JSON as kept) into the arena: 0, or -1. */
int api_estimate_render(arena *a, json_t *e, unsigned char **out, size_t *len);
int api_plan_step_done(http_req *r);
int api_lot_get(http_req *r);
int api_plan_step_accept(http_req *r);
int api_candidacy_decide(http_req *r);
int api_protocol_get(http_req *r);

/* Calendars (api/resources.c, api/slots.c). */
int api_resource_create(http_req *r);
int api_resource_list(http_req *r);
int api_resource_get(http_req *r);
int api_resource_update(http_req *r);
int api_closure_create(http_req *r);
int api_closure_list(http_req *r);
int api_closure_get(http_req *r);
int api_closure_void(http_req *r);
int api_slot_list(http_req *r);
int api_appointment_types(http_req *r);
/* What a slot search or a booking over the clinic's dates from..to needs: every resource (kind,
 * then name) and, beside each, its hours (NULL when it takes no appointments), closures and
 * bookings touching the dates (leaving out appointment `except`'s, when not NULL: the one being
 * rescheduled). 0, or the answer given on a store failure. */
typedef struct id_at {
	const char *id;
	int at;
} id_at;
typedef struct slot_world {
	resource *items;
	slot_resource *rs;
	int n;
	id_at *ix; /* by id */
} slot_world;
int api_slot_world(http_req *r, civil_date from, civil_date to, const char *except, slot_world *w);
/* The place of resource id in w's list, or -1. */
int api_slot_world_find(const slot_world *w, const char *id);

/* Appointments (api/appointments.c). */
int api_appt_create(http_req *r);
int api_appt_list(http_req *r);
int api_appt_get(http_req *r);
int api_appt_reschedule(http_req *r);
int api_appt_cancel(http_req *r);
int api_appt_arrive(http_req *r);
int api_appt_no_show(http_req *r);
int api_appt_complete(http_req *r);
int api_worklist_due(http_req *r);
/* A plan's series (api/appt_series.c): book every step, move them all by some days. */
int api_plan_book(http_req *r);
int api_plan_shift(http_req *r);
/* The clinic's appointment types (NULL when not configured). */
const appt_types *api_appt_types(http_req *r);
/* 409 naming the appointment that holds a resource at an overlapping time. */
int api_appt_conflict(http_req *r, const appt_conflict *c);
/* The resources for an appointment of type t (biologic bio) at start: those given (ids, each
 * filling the first need of its kind still open) and, for the other needs, the first free ones
 * of their kinds. Into ap->resources; except: the appointment being moved (its own time is not
 * busy). 0, or the answer given: 422 for a resource that cannot serve, or a time outside working
 * hours or in a closure (an error at field). Whether the time is booked is the store's to say
 * (inside its write). */
int api_appt_place(http_req *r, const appt_type *t, const char *bio, int64_t start,
                   const char *field, const char *const *given, int n_given, const char *except,
                   appointment *ap);

/* Calendar feeds (iCalendar) and feed tokens (api/feeds.c). api_resource_feed is a public route
 * that authorises itself: a feed token of that resource, or a signed-in reader. */
int api_resource_feed(http_req *r);
int api_patient_feed(http_req *r);
int api_feed_token_create(http_req *r);
int api_feed_token_list(http_req *r);
int api_feed_token_get(http_req *r);
int api_feed_token_revoke(http_req *r);

/* Billing (api/prices.c, api/invoices.c, api/payments.c). */
int api_price_list(http_req *r);
int api_price_put(http_req *r);
int api_invoice_create(http_req *r);
int api_invoice_list(http_req *r);
int api_invoice_get(http_req *r);
int api_invoice_issue(http_req *r);
int api_invoice_update(http_req *r);
int api_invoice_void(http_req *r);
int api_credit_note_create(http_req *r);
int api_payment_create(http_req *r);
int api_payment_list(http_req *r);
int api_payment_void(http_req *r);
int api_balance_get(http_req *r);
int api_takings(http_req *r);
/* The clinic's currency (serve --currency; USD when not set). */
const char *api_currency(http_req *r);
/* The price in force on date `on` (YYYY-MM-DD) for item (kind, code, biologic bio or NULL) in
 * the clinic's currency, into *out (core/billing.h price_pick: a price for exactly bio wins over
 * one for any biologic, then the latest effective_from): 1 found, 0 none, -1 with the answer
 * given on a store failure. For invoices and estimates. */
int api_price_in_force(http_req *r, const char *kind, const char *code, const char *bio,
                       const char *on, price *out);

/* Every kind of patient record, the kind taken from the route (api/records.c). */
int api_rec_create(http_req *r);
/* The same, with fill run on the validated record before it is written (the fields the server
 * sets itself); fill answers and returns non-zero to refuse. */
int api_rec_create_with(http_req *r, int (*fill)(http_req *, const patient *, void *));
int api_rec_list(http_req *r);
int api_rec_get(http_req *r);
int api_rec_update(http_req *r);
int api_rec_void(http_req *r);
/* The checks of a void request on the route's record (reason, If-Match, archive, already ended,
 * version); the record with its status and reason set, or NULL with the answer given. */
void *api_rec_voiding(http_req *r, const char **reason, int *expected);
/* The move of a loaded record rec to status `to` (its version `expected`): the archive rule, the
 * version, the kind's moves and their reasons, then the write with its audit record. */
int api_rec_apply_move(http_req *r, const rec_kind *k, void *rec, const char *to,
                       const char *reason, int expected);
/* The checks of that move, and rec moved in memory: its audit record, or NULL with the answer
 * given. For a move written with side effects in one transaction. */
audit_record *api_rec_prepare_move(http_req *r, const rec_kind *k, void *rec, const char *to,
                                   const char *reason, int expected);
struct plan;
/* The writes that skip the planned steps of plan p once it has ended (api/plans.c), appended to
 * w; their number, or -1 with the answer given on a store failure. */
int api_plan_closing(http_req *r, const struct plan *p, rec_write *w, int max);
/* An audit record (in the arena) of verb on rec: "<kind>.<verb>", its patient, with detail. */
audit_record *api_rec_audit(http_req *r, const rec_kind *k, const char *verb, const void *rec,
                            const char *detail);
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
/* The version the caller saw, from If-Match; -1 with the answer set (428 absent, 400 not an
 * ETag this server gives). */
int api_expected_version(http_req *r);
/* The same for a request that takes no body fields (a move such as issue or arrive): any field
 * sent is a 422; then If-Match as api_expected_version. */
int api_bare_version(http_req *r);
/* The record of kind k with id when it is the patient's (and, with live, has not ended); else
 * NULL, with the error at field ("is not <what>", or that it has ended) or, on a store failure,
 * the answer (r->status set). */
void *api_rec_ref(http_req *r, const rec_kind *k, const char *id, const char *patient_id, int live,
                  const char *field, const char *what);
/* Reads a void request: {reason} and If-Match. 0 with both set, else the response. */
int api_read_void(http_req *r, const char **reason, int *expected);
/* Loads the patient in r->params[0], answering 404 itself; 0 when found. */
int api_load_patient(http_req *r, patient *p);

#endif
