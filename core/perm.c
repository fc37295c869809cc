/* The permission table: which role may do what. A researcher never sees identified records. */
#include "perm.h"

#include <string.h>

#define P(x) (1u << (x))

static const unsigned role_perms[ROLE_COUNT] = {
    [ROLE_ADMIN] =
        P(PERM_PUBLIC) | P(PERM_SIGNED_IN) | P(PERM_PATIENT_READ) | P(PERM_PATIENT_WRITE) |
        P(PERM_CONDITION_READ) | P(PERM_CONDITION_WRITE) | P(PERM_AUDIT_READ) |
        P(PERM_CLINICAL_READ) | P(PERM_CLINICAL_WRITE) | P(PERM_PLAN_READ) | P(PERM_PLAN_WRITE) |
        P(PERM_STAFF_ADMIN) | P(PERM_PATIENT_ARCHIVE) | P(PERM_PATIENT_RESTORE) |
        P(PERM_OUTCOMES_READ) | P(PERM_CALENDAR_READ) | P(PERM_CALENDAR_ADMIN) | P(PERM_APPT_READ) |
        P(PERM_APPT_WRITE) | P(PERM_APPT_SCHEDULE) | P(PERM_PRICE_READ) | P(PERM_PRICE_ADMIN) |
        P(PERM_ESTIMATE_WRITE) | P(PERM_BILLING_READ) | P(PERM_BILLING_WRITE),
    [ROLE_CLINICIAN] = P(PERM_PUBLIC) | P(PERM_SIGNED_IN) | P(PERM_PATIENT_READ) |
                       P(PERM_PATIENT_WRITE) | P(PERM_CONDITION_READ) | P(PERM_CONDITION_WRITE) |
                       P(PERM_CLINICAL_READ) | P(PERM_CLINICAL_WRITE) | P(PERM_PLAN_READ) |
                       P(PERM_PLAN_WRITE) | P(PERM_PATIENT_ARCHIVE) | P(PERM_OUTCOMES_READ) |
                       P(PERM_CALENDAR_READ) | P(PERM_APPT_READ) | P(PERM_APPT_WRITE) |
                       P(PERM_PRICE_READ) | P(PERM_ESTIMATE_WRITE) | P(PERM_BILLING_READ),
    [ROLE_NURSE] = P(PERM_PUBLIC) | P(PERM_SIGNED_IN) | P(PERM_PATIENT_READ) |
                   P(PERM_PATIENT_WRITE) | P(PERM_CONDITION_READ) | P(PERM_CLINICAL_READ) |
                   P(PERM_CLINICAL_WRITE) | P(PERM_PLAN_READ) | P(PERM_CALENDAR_READ) |
                   P(PERM_APPT_READ) | P(PERM_APPT_WRITE) | P(PERM_PRICE_READ),
    [ROLE_FRONT_DESK] = P(PERM_PUBLIC) | P(PERM_SIGNED_IN) | P(PERM_PATIENT_READ) |
                        P(PERM_PATIENT_WRITE) | P(PERM_PLAN_READ) | P(PERM_CALENDAR_READ) |
                        P(PERM_APPT_READ) | P(PERM_APPT_WRITE) | P(PERM_APPT_SCHEDULE) |
                        P(PERM_PRICE_READ) | P(PERM_ESTIMATE_WRITE) | P(PERM_BILLING_READ) |
                        P(PERM_BILLING_WRITE),
    [ROLE_RESEARCHER] = P(PERM_PUBLIC) | P(PERM_SIGNED_IN) | P(PERM_OUTCOMES_READ),
};

const char *const role_names[] = {"admin", "clinician", "nurse", "front_desk", "researcher", NULL};

static const char *const perm_names[PERM_COUNT] = {
    "public",          "signed_in",        "patient.read",      "patient.write",
    "condition.read",  "condition.write",  "audit.read",        "clinical.read",
    "clinical.write",  "plan.read",        "plan.write",        "staff.admin",
    "patient.archive", "patient.restore",  "outcomes.read",     "calendar.read",
    "calendar.admin",  "appointment.read", "appointment.write", "appointment.schedule",
    "price.read",      "price.admin",      "estimate.write",    "billing.read",
    "billing.write",
};

int perm_allows(role r, perm p)
{
	if ((unsigned)r >= ROLE_COUNT || (unsigned)p >= PERM_COUNT)
		return 0;
	return (role_perms[r] >> p) & 1u;
}

const char *role_name(role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : NULL;
}

int role_parse(const char *name, role *out)
{
	for (int i = 0; name && i < ROLE_COUNT; i++)
		if (strcmp(role_names[i], name) == 0) {
			*out = (role)i;
			return 0;
		}
	return -1;
}

const char *perm_name(perm p)
{
	return (unsigned)p < PERM_COUNT ? perm_names[p] : NULL;
}
