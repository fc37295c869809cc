/* The route table: the one list of what the server exposes, with each route's permission. The
 * OpenAPI document is generated from it and the API tests check it. */
#include "../api/api.h"

const route routes[] = {
    {"GET", "/api/v1/health", api_health, PERM_PUBLIC, "Liveness and version", 0, NULL, QUICK},
    {"GET", "/api/v1/openapi.json", api_openapi, PERM_PUBLIC, "This API's OpenAPI document", 0},
    {"POST", "/api/v1/session", api_session_create, PERM_PUBLIC,
     "Sign in with e-mail and password; sets the session cookie", 1},
    {"DELETE", "/api/v1/session", api_session_delete, PERM_SIGNED_IN,
     "Sign out (ends the session of the cookie); an API token is refused with 400: revoke it "
     "with POST /api/v1/tokens/{id}/revoke",
     0},
    {"GET", "/api/v1/me", api_me, PERM_SIGNED_IN, "The signed-in staff member", 0},
    {"POST", "/api/v1/me/password", api_me_password, PERM_SIGNED_IN,
     "Change your own password (the current one, and a new one of at least 12 characters)", 1},
    {"GET", "/api/v1/staff", api_staff_list, PERM_STAFF_ADMIN, "Staff accounts", 0},
    {"POST", "/api/v1/staff", api_staff_create, PERM_STAFF_ADMIN,
     "Add a staff member; the answer shows a one-time password once", 1},
    {"PATCH", "/api/v1/staff/{id}", api_staff_update, PERM_STAFF_ADMIN,
     "Change a staff member's name, role or active state", 1},
    {"POST", "/api/v1/staff/{id}/password-reset", api_staff_password_reset, PERM_STAFF_ADMIN,
     "Give a staff member a new one-time password (shown once); their sessions end", 1},
    {"GET", "/api/v1/tokens", api_token_list, PERM_STAFF_ADMIN,
     "API tokens (never the token itself)", 0},
    {"POST", "/api/v1/tokens", api_token_create, PERM_STAFF_ADMIN,
     "Create an API token acting as a staff member; the answer shows it once", 1},
    {"POST", "/api/v1/tokens/{id}/revoke", api_token_revoke, PERM_STAFF_ADMIN,
     "Revoke an API token", 1},
    {"GET", "/api/v1/neuropathy-codes", api_neuropathy_codes, PERM_SIGNED_IN,
     "The curated ICD-10-CM neuropathy codes and their etiology", 0},
    {"GET", "/api/v1/patients", api_patient_list, PERM_PATIENT_READ,
     "Search patients by name prefix, MRN or birth date", 0, NULL, api_patient_list_quick},
    {"POST", "/api/v1/patients", api_patient_create, PERM_PATIENT_WRITE, "Register a patient", 1},
    {"GET", "/api/v1/patients/{id}", api_patient_get, PERM_PATIENT_READ, "One patient", 0, NULL,
     QUICK},
    {"PATCH", "/api/v1/patients/{id}", api_patient_update, PERM_PATIENT_WRITE,
     "Change a patient (If-Match required)", 1},
    {"POST", "/api/v1/patients/{id}/archive", api_patient_archive, PERM_PATIENT_ARCHIVE,
     "Archive a patient with a reason (If-Match required); clinicians and admins", 1},
    {"POST", "/api/v1/patients/{id}/restore", api_patient_restore, PERM_PATIENT_RESTORE,
     "Restore an archived patient with a reason (If-Match required); admins", 1},
    {"GET", "/api/v1/patients/{id}/conditions", api_rec_list, PERM_CONDITION_READ,
     "A patient's neuropathy diagnoses", 0, &rk_condition},
    {"POST", "/api/v1/patients/{id}/conditions", api_rec_create, PERM_CONDITION_WRITE,
     "Record a neuropathy diagnosis", 1, &rk_condition},
    {"GET", "/api/v1/conditions/{id}", api_rec_get, PERM_CONDITION_READ, "One neuropathy diagnosis",
     0, &rk_condition, QUICK},
    {"PATCH", "/api/v1/conditions/{id}", api_rec_update, PERM_CONDITION_WRITE,
     "Change a diagnosis (If-Match required)", 1, &rk_condition},
    {"GET", "/api/v1/instruments", api_instrument_list, PERM_SIGNED_IN,
     "The instruments this server scores (id, version, title, citation, licence)", 0},
    {"GET", "/api/v1/instruments/{id}", api_instrument_get, PERM_SIGNED_IN,
     "One instrument: its definition and the form to fill in", 0},
    {"GET", "/api/v1/patients/{id}/assessments", api_rec_list, PERM_CLINICAL_READ,
     "A patient's scored instruments (?instrument=&from=&to=), oldest first", 0, &rk_assessment},
    {"POST", "/api/v1/patients/{id}/assessments", api_rec_create, PERM_CLINICAL_WRITE,
     "Score and record an instrument for a patient", 1, &rk_assessment},
    {"GET", "/api/v1/assessments/{id}", api_rec_get, PERM_CLINICAL_READ,
     "One assessment with its answers and score", 0, &rk_assessment, QUICK},
    {"POST", "/api/v1/assessments/{id}/void", api_rec_void, PERM_CLINICAL_WRITE,
     "Void an assessment entered in error, with a reason (If-Match required)", 1, &rk_assessment},
    {"GET", "/api/v1/observation-kinds", api_observation_kinds, PERM_SIGNED_IN,
     "The clinical tests that can be recorded: codes, units, ranges and abnormal rules", 0},
    {"GET", "/api/v1/patients/{id}/observations", api_rec_list, PERM_CLINICAL_READ,
     "A patient's test results (nerve conduction, monofilament, vibration, biopsy, labs)", 0,
     &rk_observation},
    {"POST", "/api/v1/patients/{id}/observations", api_rec_create, PERM_CLINICAL_WRITE,
     "Record a test result (units converted, impossible values refused, abnormal marked)", 1,
     &rk_observation},
    {"GET", "/api/v1/observations/{id}", api_rec_get, PERM_CLINICAL_READ, "One test result", 0,
     &rk_observation, QUICK},
    {"POST", "/api/v1/observations/{id}/void", api_rec_void, PERM_CLINICAL_WRITE,
     "Void a test result entered in error, with a reason (If-Match required)", 1, &rk_observation},
    {"GET", "/api/v1/patients/{id}/diary", api_rec_list, PERM_CLINICAL_READ,
     "A patient's daily pain diary (NRS by date)", 0, &rk_diary},
    {"POST", "/api/v1/patients/{id}/diary", api_rec_create, PERM_CLINICAL_WRITE,
     "Add a pain diary entry", 1, &rk_diary},
    {"GET", "/api/v1/diary-entries/{id}", api_rec_get, PERM_CLINICAL_READ, "One diary entry", 0,
     &rk_diary, QUICK},
    {"POST", "/api/v1/diary-entries/{id}/void", api_rec_void, PERM_CLINICAL_WRITE,
     "Void a diary entry entered in error, with a reason (If-Match required)", 1, &rk_diary},
    {"GET", "/api/v1/medication-list", api_medication_catalogue, PERM_SIGNED_IN,
     "The concomitant medicines that can be recorded, with their class", 0},
    {"GET", "/api/v1/patients/{id}/medications", api_rec_list, PERM_CLINICAL_READ,
     "A patient's concomitant medicines", 0, &rk_medication},
    {"POST", "/api/v1/patients/{id}/medications", api_rec_create, PERM_CLINICAL_WRITE,
     "Record a concomitant medicine", 1, &rk_medication},
    {"GET", "/api/v1/medications/{id}", api_rec_get, PERM_CLINICAL_READ, "One medicine", 0,
     &rk_medication, QUICK},
    {"PATCH", "/api/v1/medications/{id}", api_rec_update, PERM_CLINICAL_WRITE,
     "Change a medicine: dose, stop date, or entered_in_error (If-Match required)", 1,
     &rk_medication},
    {"GET", "/api/v1/patients/{id}/adverse-events", api_rec_list, PERM_CLINICAL_READ,
     "A patient's adverse events, by onset", 0, &rk_adverse_event},
    {"POST", "/api/v1/patients/{id}/adverse-events", api_rec_create, PERM_CLINICAL_WRITE,
     "Record an adverse event (CTCAE grade, seriousness, relatedness, outcome)", 1,
     &rk_adverse_event},
    {"GET", "/api/v1/adverse-events/{id}", api_rec_get, PERM_CLINICAL_READ, "One adverse event", 0,
     &rk_adverse_event, QUICK},
    {"PATCH", "/api/v1/adverse-events/{id}", api_rec_update, PERM_CLINICAL_WRITE,
     "Change an adverse event as it evolves, or mark it entered_in_error (If-Match required)", 1,
     &rk_adverse_event},
    {"GET", "/api/v1/biologics", api_biologic_list, PERM_SIGNED_IN,
     "The biologics offered, with their regulatory class and its basis", 0},
    {"GET", "/api/v1/protocols", api_protocol_list, PERM_SIGNED_IN,
     "The treatment protocols plans are made from", 0},
    {"GET", "/api/v1/protocols/{id}", api_protocol_get, PERM_SIGNED_IN,
     "One protocol with its steps, days, windows and follow-up instruments", 0},
    {"GET", "/api/v1/patients/{id}/expected-outcomes", api_expected_outcomes, PERM_CONDITION_READ,
     "Patients like this: the responder rate among past treated patients with the same "
     "etiology, duration and biologic (biologic, milestone, threshold, min_n), widened a "
     "criterion at a time while too few, with its n, interval and adverse events",
     0},
    {"GET", "/api/v1/patients/{id}/candidacy", api_candidacy_get, PERM_CLINICAL_READ,
     "Candidacy for every biologic: each finding with its level, rule, reason and source records",
     0},
    {"GET", "/api/v1/patients/{id}/candidacy-decisions", api_rec_list, PERM_CLINICAL_READ,
     "A patient's candidacy decisions, each with the findings it was made on", 0,
     &rk_candidacy_decision},
    {"POST", "/api/v1/patients/{id}/candidacy-decisions", api_candidacy_decide, PERM_PLAN_WRITE,
     "Decide candidacy for a biologic with a rationale; the findings are kept with it", 1,
     &rk_candidacy_decision},
    {"GET", "/api/v1/candidacy-decisions/{id}", api_rec_get, PERM_CLINICAL_READ,
     "One candidacy decision", 0, &rk_candidacy_decision, QUICK},
    {"POST", "/api/v1/candidacy-decisions/{id}/void", api_rec_void, PERM_PLAN_WRITE,
     "Void a candidacy decision with a reason (If-Match required)", 1, &rk_candidacy_decision},
    {"GET", "/api/v1/patients/{id}/plans", api_plan_list, PERM_PLAN_READ,
     "A patient's treatment plans with their steps (front desk: no clinical detail)", 0, &rk_plan},
    {"POST", "/api/v1/patients/{id}/plans", api_plan_create, PERM_PLAN_WRITE,
     "Make a plan from a protocol for a diagnosis; its steps are scheduled from the start date", 1,
     &rk_plan},
    {"GET", "/api/v1/plans/{id}", api_plan_get, PERM_PLAN_READ, "One plan with its steps", 0,
     &rk_plan},
    {"PATCH", "/api/v1/plans/{id}", api_plan_update, PERM_PLAN_WRITE,
     "Change a plan's study reference or notes (If-Match required)", 1, &rk_plan},
    {"POST", "/api/v1/plans/{id}/status", api_plan_move, PERM_PLAN_WRITE,
     "Move a plan: proposed -> accepted or declined; accepted -> in_progress or stopped; "
     "in_progress -> completed or stopped (stopping needs a reason; If-Match required)",
     1, &rk_plan},
    {"POST", "/api/v1/plans/{id}/steps", api_plan_step_add, PERM_PLAN_WRITE,
     "Add a step beyond the protocol's, such as a repeat injection, with a reason", 1},
    {"GET", "/api/v1/plan-steps/{id}", api_rec_get, PERM_PLAN_READ,
     "One plan step (front desk: no clinical detail)", 0, &rk_plan_step, QUICK},
    {"POST", "/api/v1/plan-steps/{id}/accept", api_plan_step_accept, PERM_PLAN_WRITE,
     "Take up a protocol's optional step, with the optional steps due the same day (If-Match "
     "required)",
     1},
    {"POST", "/api/v1/plan-steps/{id}/done", api_plan_step_done, PERM_CLINICAL_WRITE,
     "Mark a consultation, work-up or follow-up visit done (If-Match required); procedure steps "
     "are done by their procedure",
     1},
    {"POST", "/api/v1/plan-steps/{id}/skip", api_plan_step_skip, PERM_PLAN_WRITE,
     "Skip a planned step, with a reason (If-Match required)", 1, &rk_plan_step},
    {"GET", "/api/v1/consent-documents", api_consent_document_list, PERM_SIGNED_IN,
     "The consent documents, each version, and which is current", 0},
    {"GET", "/api/v1/patients/{id}/consents", api_rec_list, PERM_CLINICAL_READ,
     "A patient's consents (?plan_id=), each saying whether it is current", 0, &rk_consent},
    {"POST", "/api/v1/patients/{id}/consents", api_consent_create, PERM_PLAN_WRITE,
     "Record a signed consent to a plan: document, version, signed_on, witness", 1, &rk_consent},
    {"GET", "/api/v1/consents/{id}", api_rec_get, PERM_CLINICAL_READ, "One consent", 0, &rk_consent,
     QUICK},
    {"POST", "/api/v1/consents/{id}/withdraw", api_consent_withdraw, PERM_PLAN_WRITE,
     "Withdraw a consent (reason, withdrawn_on; If-Match): its plan is stopped", 1, &rk_consent},
    {"POST", "/api/v1/plans/{id}/procedures", api_procedure_create, PERM_CLINICAL_WRITE,
     "Record a blood draw, harvest, processing or injection under a plan (needs a current "
     "consent; an investigational biologic needs the study reference)",
     1, &rk_procedure},
    {"GET", "/api/v1/patients/{id}/procedures", api_rec_list, PERM_CLINICAL_READ,
     "A patient's procedures, from harvest to injection", 0, &rk_procedure},
    {"GET", "/api/v1/procedures/{id}", api_rec_get, PERM_CLINICAL_READ, "One procedure", 0,
     &rk_procedure, QUICK},
    {"GET", "/api/v1/lots/{id}", api_lot_get, PERM_CLINICAL_READ,
     "Every processing and injection that used a kit or product lot, with patient and date (for "
     "a recall)",
     0},
    {"POST", "/api/v1/procedures/{id}/void", api_procedure_void, PERM_CLINICAL_WRITE,
     "Void a procedure entered in error, with a reason (If-Match required); its plan step is "
     "planned again",
     1, &rk_procedure},
    {"GET", "/api/v1/patients/{id}/timeline", api_timeline, PERM_CLINICAL_READ,
     "The work-up on one time axis: NRS, score histories with cut-offs, tests, medicines", 0},
    {"GET", "/api/v1/outcomes/responders", api_outcomes_report, PERM_OUTCOMES_READ,
     "Responder rates at a milestone (milestone, threshold, measure=nrs|pgic, "
     "analysis=primary|observed, min_n, format=json|csv) over the treated or the comparator, "
     "filtered by any stratum (group, biologic, etiology, chronicity, duration, injections, "
     "age, sex, hba1c) and split by up to two (by=biologic,chronicity), with n and exact 95 % "
     "intervals; no identifiers",
     0},
    {"GET", "/api/v1/outcomes/time-to-response", api_outcomes_report, PERM_OUTCOMES_READ,
     "Time to response (threshold, filters, by): Kaplan-Meier curves per stratum with log-log "
     "95 % intervals and the median, the log-rank test between strata; no identifiers",
     0},
    {"GET", "/api/v1/outcomes/change", api_outcomes_report, PERM_OUTCOMES_READ,
     "Mean change from baseline at each milestone (NRS absolute and percent, DN4, MNSI history, "
     "TCNS) with n and t 95 % intervals, same filters and strata; no identifiers",
     0},
    {"GET", "/api/v1/outcomes/dose-response", api_outcomes_report, PERM_OUTCOMES_READ,
     "Responder rates by tertile of cells given and of platelet fold concentration, with a row "
     "for doses not recorded; same milestone, threshold and filters; no identifiers",
     0},
    {"GET", "/api/v1/outcomes/completeness", api_outcomes_report, PERM_OUTCOMES_READ,
     "Follow-up completeness at each milestone (due, with an NRS value, percent), with the "
     "responder table's filters and strata (format=json|csv); no identifiers",
     0},
    {"GET", "/api/v1/outcomes/adverse-events", api_outcomes_report, PERM_OUTCOMES_READ,
     "Adverse events of the patients the outcome reports cover: patients with any and with a "
     "serious event (rate, exact 95 % interval), events by grade and relatedness, the serious "
     "ones listed with days from day 0; same filters and strata; no identifiers",
     0},
    {"GET", "/api/v1/appointment-types", api_appointment_types, PERM_SIGNED_IN,
     "The appointment types: length, the resource kinds each needs (per biologic where that "
     "differs), and the type each plan step kind is booked as",
     0},
    {"GET", "/api/v1/resources", api_resource_list, PERM_CALENDAR_READ,
     "The calendars' resources (clinicians, nurses, rooms, the cell processor) with their "
     "working hours (?kind=, ?active=true|false)",
     0},
    {"POST", "/api/v1/resources", api_resource_create, PERM_CALENDAR_ADMIN,
     "Add a resource: kind, name, staff_id (clinicians and nurses: their active account), hours "
     "per weekday in clinic-local time {\"mon\": [[\"08:00\", \"12:00\"]], ...}",
     1},
    {"GET", "/api/v1/resources/{id}", api_resource_get, PERM_CALENDAR_READ,
     "One resource with its working hours", 0},
    {"PATCH", "/api/v1/resources/{id}", api_resource_update, PERM_CALENDAR_ADMIN,
     "Change a resource's name, staff account, hours or active state (If-Match required)", 1},
    {"GET", "/api/v1/resources/{id}/closures", api_closure_list, PERM_CALENDAR_READ,
     "A resource's closures, voided ones included (?from=&to= dates, ?status=active)", 0},
    {"POST", "/api/v1/resources/{id}/closures", api_closure_create, PERM_CALENDAR_ADMIN,
     "Close a resource {from, to, reason}: dates (whole days in the clinic's zone) or RFC 3339 "
     "date-times with their offset",
     1},
    {"GET", "/api/v1/closures/{id}", api_closure_get, PERM_CALENDAR_READ, "One closure", 0},
    {"POST", "/api/v1/closures/{id}/void", api_closure_void, PERM_CALENDAR_ADMIN,
     "Void a closure entered in error, with a reason (If-Match required)", 1},
    {"GET", "/api/v1/slots", api_slot_list, PERM_CALENDAR_READ,
     "Free slots for an appointment type (type, from, to: dates, at most 31 days; resource, "
     "biologic, grid, limit): start and end in the clinic's offset and the resources each would "
     "use; or, with appointment=ID instead of type, the times a booked appointment could move "
     "to with all of its own resources",
     0},
    {"POST", "/api/v1/appointments", api_appt_create, PERM_APPT_WRITE,
     "Book an appointment {patient_id, type, start (RFC 3339 with offset), resources?, "
     "biologic? (injections), plan_step_id?, note?}; resources not given are the first free of "
     "their kinds; 409 names a booking in the way",
     1},
    {"GET", "/api/v1/appointments", api_appt_list, PERM_APPT_READ,
     "Appointments by start (?patient_id=&resource=&from=&to= dates in the clinic's zone)", 0},
    {"GET", "/api/v1/appointments/{id}", api_appt_get, PERM_APPT_READ, "One appointment", 0},
    {"POST", "/api/v1/appointments/{id}/reschedule", api_appt_reschedule, PERM_APPT_WRITE,
     "Move a booked appointment to another start {start}, same resources (If-Match required)", 1},
    {"POST", "/api/v1/appointments/{id}/cancel", api_appt_cancel, PERM_APPT_WRITE,
     "Cancel a booked appointment with a reason (If-Match required); its time is freed", 1},
    {"POST", "/api/v1/appointments/{id}/arrive", api_appt_arrive, PERM_APPT_WRITE,
     "Mark a booked appointment's patient arrived (If-Match required)", 0},
    {"POST", "/api/v1/appointments/{id}/no-show", api_appt_no_show, PERM_APPT_WRITE,
     "Mark a booked appointment a no-show (If-Match required); its time is freed", 0},
    {"POST", "/api/v1/appointments/{id}/complete", api_appt_complete, PERM_APPT_WRITE,
     "Complete an arrived appointment (If-Match required); its plan step is marked done with it "
     "when the visit's record is there (a consultation, work-up or follow-up: an assessment or "
     "test dated its day or the day it is completed; a procedure step is done by recording its "
     "procedure), and the "
     "answer's plan_step says which",
     0},
    {"POST", "/api/v1/plans/{id}/book", api_plan_book, PERM_APPT_SCHEDULE,
     "Book every planned step not yet booked {from?: date}, in order, each at the first free "
     "slot inside its window after the one before; all or none (409 names the steps that "
     "could not be placed); a step whose window has closed is left for the work list and "
     "named in overdue",
     1},
    {"POST", "/api/v1/plans/{id}/shift", api_plan_shift, PERM_APPT_SCHEDULE,
     "Move every booked visit of the plan still to come by {days (-365..365), reason} at the "
     "same clock time and with the same resources; all or none (409 names the visits that "
     "would leave their step's window or fall in the past, or the booking in the way)",
     1},
    {"GET", "/api/v1/worklists/due", api_worklist_due, PERM_APPT_READ,
     "The front desk's work list for the dates from..to (at most 92 days): planned steps of "
     "accepted or running plans whose window meets the dates with no appointment (overdue "
     "marked), and the no-shows to call back, each with the patient's name, MRN and phone",
     0},
    {"GET", "/api/v1/resources/{id}/calendar.ics", api_resource_feed, PERM_PUBLIC,
     "A resource's appointments as an iCalendar (RFC 5545) feed for calendar apps: 30 days back "
     "to 180 ahead (at most 2,000, times in UTC), cancellations as STATUS:CANCELLED for 30 "
     "days; \"Booked: <type>\" without the patient's name unless the server runs with "
     "--ical-patient-names. Authorised by the handler: ?token= (a live feed token of this "
     "resource; any other token is a 404) or signed in with calendar.read (and "
     "appointment.read when names are shown); audited",
     0},
    {"GET", "/api/v1/resources/{id}/feed-tokens", api_feed_token_list, PERM_CALENDAR_ADMIN,
     "A resource's calendar feed tokens, newest first (never the token itself)", 0},
    {"POST", "/api/v1/resources/{id}/feed-tokens", api_feed_token_create, PERM_CALENDAR_ADMIN,
     "Make a feed token for a resource's calendar {name}: the answer shows the token and the "
     "feed's address once; only its hash is kept",
     1},
    {"GET", "/api/v1/feed-tokens/{id}", api_feed_token_get, PERM_CALENDAR_ADMIN,
     "One calendar feed token (never the token itself)", 0},
    {"POST", "/api/v1/feed-tokens/{id}/revoke", api_feed_token_revoke, PERM_CALENDAR_ADMIN,
     "Revoke a calendar feed token {reason?}: its feed address stops working at once", 1},
    {"GET", "/api/v1/patients/{id}/calendar.ics", api_patient_feed, PERM_APPT_READ,
     "A patient's appointments as an iCalendar (RFC 5545) file: 30 days back to 180 ahead, "
     "times in UTC, cancellations as STATUS:CANCELLED for 30 days; audited with the patient",
     0},
    {"GET", "/api/v1/prices", api_price_list, PERM_PRICE_READ,
     "The price list in the clinic's currency (serve --currency): each item's price in force "
     "on ?on=DATE (default today), or with ?history=1 every price ever set. Amounts are "
     "integers in the currency's minor units",
     0},
    {"PUT", "/api/v1/prices", api_price_put, PERM_PRICE_ADMIN,
     "Add prices {items: [{kind: appointment|procedure|test, code (appointment type, procedure "
     "kind, observation kind), biologic? (injections and procedures), amount (integer minor "
     "units, 0..10^12), effective_from (date), label?, currency?}]}: all or none. History is "
     "never overwritten: a price for an item on a date that has one is a 409; a price for a "
     "biologic wins over one for any biologic",
     1},
    {"GET", "/api/v1/patients/{id}/invoices", api_invoice_list, PERM_BILLING_READ,
     "A patient's invoices with their lines, credit notes, paid and due", 0},
    {"POST", "/api/v1/patients/{id}/invoices", api_invoice_create, PERM_BILLING_WRITE,
     "Make a draft invoice {appointment_ids?, procedure_ids?} or {all: true} (every completed "
     "appointment and recorded procedure not yet invoiced, at most 200): each line priced from "
     "the price list in force on its date of service (no price: 422 naming it); an item on a "
     "live invoice already is a 409 (never invoiced twice); plans are never invoiced",
     1},
    {"GET", "/api/v1/invoices/{id}", api_invoice_get, PERM_BILLING_READ,
     "One invoice or credit note: lines, subtotal, total, credited, paid, due and status "
     "(draft, void, issued, part_paid, paid, credited)",
     0},
    {"PATCH", "/api/v1/invoices/{id}", api_invoice_update, PERM_BILLING_WRITE,
     "Change a draft's items {appointment_ids?, procedure_ids?} or {all: true} (If-Match "
     "required): its lines are replaced and priced again; the dropped ones are kept, marked "
     "removed. An issued invoice never changes",
     1},
    {"POST", "/api/v1/invoices/{id}/issue", api_invoice_issue, PERM_BILLING_WRITE,
     "Issue a draft (If-Match required): numbered INV-000001, INV-000002, ... without gaps, "
     "then never changed",
     0},
    {"POST", "/api/v1/invoices/{id}/void", api_invoice_void, PERM_BILLING_WRITE,
     "Void a draft with a reason (If-Match required); its items may be invoiced again. An "
     "issued invoice is corrected with a credit note instead",
     1},
    {"POST", "/api/v1/invoices/{id}/credit-notes", api_credit_note_create, PERM_BILLING_WRITE,
     "Credit an issued invoice {reason, lines?: line ids (default every line not credited)} "
     "(If-Match of the invoice required): a credit note numbered CN-000001, ... without gaps; "
     "the credited items may be invoiced again",
     1},
    {"GET", "/api/v1/patients/{id}/payments", api_payment_list, PERM_BILLING_READ,
     "A patient's payments and refunds, voided ones included", 0},
    {"POST", "/api/v1/patients/{id}/payments", api_payment_create, PERM_BILLING_WRITE,
     "Record a payment {amount (integer minor units), method: cash|card|transfer, reference?, "
     "invoice_id? (an issued invoice of the patient), currency?}; a refund is a negative "
     "amount with a reason, never more than was paid (on the invoice, else on the account)",
     1},
    {"POST", "/api/v1/payments/{id}/void", api_payment_void, PERM_BILLING_WRITE,
     "Void a payment entered in error, with a reason (If-Match required)", 1},
    {"GET", "/api/v1/patients/{id}/balance", api_balance_get, PERM_BILLING_READ,
     "A patient's balance: issued invoices - credit notes - payments + refunds (positive: "
     "owed by the patient), in minor units",
     0},
    {"GET", "/api/v1/reports/takings", api_takings, PERM_BILLING_READ,
     "The day's closing (?date=, default today, in the clinic's zone): received, refunded and "
     "net per method and in all, and every payment with the patient's name and MRN",
     0},
    {"POST", "/api/v1/plans/{id}/estimates", api_estimate_create, PERM_ESTIMATE_WRITE,
     "Make a cost estimate for a plan {valid_days? (1..180, default 30), note?}: every step "
     "still to come priced from the price list in force today as it would be invoiced (its "
     "visit, and a procedure step's procedure with the plan's biologic), the optional steps "
     "totalled apart, what is not included, and the clinic's expected results and adverse "
     "events for patients like this one; kept as made. A step without a price is a 409 naming "
     "the prices to set",
     1},
    {"GET", "/api/v1/patients/{id}/estimates", api_estimate_list, PERM_BILLING_READ,
     "A patient's cost estimates, newest first (totals and dates)", 0},
    {"GET", "/api/v1/estimates/{id}.pdf", api_estimate_pdf, PERM_BILLING_READ,
     "A cost estimate as the PDF the patient takes home", 0},
    {"GET", "/api/v1/estimates/{id}", api_estimate_get, PERM_BILLING_READ,
     "One cost estimate as made: lines, totals, validity, what is not included, expected "
     "results and adverse events",
     0},
    {"GET", "/api/v1/audit", api_audit_list, PERM_AUDIT_READ,
     "The audit log, newest first; filters patient_id, actor, action, from, to", 0},
    {"GET", "/api/v1/audit/verify", api_audit_verify, PERM_AUDIT_READ,
     "Check the audit log's hash chain from the first record", 0},
    {NULL, NULL, NULL, PERM_PUBLIC, NULL, 0},
};
