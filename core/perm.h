/* Roles and what each may do: the one permission table. Routes name a permission; the HTTP layer
 * asks perm_allows(role, perm). Tests walk the whole table. */
#ifndef SCHWANN_PERM_H
#define SCHWANN_PERM_H

typedef enum role {
	ROLE_ADMIN,
	ROLE_CLINICIAN,
	ROLE_NURSE,
	ROLE_FRONT_DESK,
	ROLE_RESEARCHER,
	ROLE_COUNT
} role;

typedef enum perm {
	PERM_PUBLIC,          /* no login needed (health, openapi, login itself) */
	PERM_SIGNED_IN,       /* any signed-in staff member (me, logout) */
	PERM_PATIENT_READ,    /* identified demographics */
	PERM_PATIENT_WRITE,   /* register and edit patients */
	PERM_CONDITION_READ,  /* neuropathy diagnoses */
	PERM_CONDITION_WRITE, /* record and change diagnoses */
	PERM_AUDIT_READ,      /* page through the audit log */
	PERM_CLINICAL_READ,   /* the work-up: assessments, tests, diary, medicines, timeline */
	PERM_CLINICAL_WRITE,  /* enter and void work-up records (not front desk, not research) */
	PERM_PLAN_READ,   /* treatment plans and their due dates (front desk: no clinical detail) */
	PERM_PLAN_WRITE,  /* make plans and move them (clinicians) */
	PERM_STAFF_ADMIN, /* staff accounts and API tokens (admin) */
	PERM_PATIENT_ARCHIVE, /* archive a patient with a reason (clinicians and admins) */
	PERM_PATIENT_RESTORE, /* bring an archived patient back, with a reason (admins) */
	PERM_OUTCOMES_READ,   /* de-identified outcome reports (admins, clinicians, researchers) */
	PERM_CALENDAR_READ,   /* resources, their hours and closures, free slots (not research) */
	PERM_CALENDAR_ADMIN,  /* add and change resources and closures (admins) */
	PERM_APPT_READ,       /* appointments, with the patient they are for (not research) */
	PERM_APPT_WRITE, /* book, reschedule, cancel, arrive, no-show, complete (not research) */
	/* book and move any type and whole plans; without it appointment.write covers follow-ups
	 * only (clinicians and nurses book follow-ups; the front desk and admins book everything)
	 */
	PERM_APPT_SCHEDULE,
	PERM_PRICE_READ,     /* the price list (staff who book or treat) */
	PERM_PRICE_ADMIN,    /* change the price list (admins) */
	PERM_ESTIMATE_WRITE, /* make a cost estimate for a plan (admins, clinicians, front desk) */
	PERM_BILLING_READ,   /* estimates, invoices, payments, balances, takings */
	PERM_BILLING_WRITE,  /* invoices, credit notes, payments and refunds (front desk, admins) */
	PERM_COUNT
} perm;

int perm_allows(role r, perm p);
/* "admin", "clinician", ... ; NULL for an out-of-range role. */
const char *role_name(role r);
/* 0 and *out set when name is a role, -1 otherwise. */
int role_parse(const char *name, role *out);
const char *perm_name(perm p);
/* NULL-terminated list of role names, for validation messages. */
extern const char *const role_names[];

#endif
