/* The curated neuropathy code list and the chronicity rule. Codes and descriptions from
 * ../shared/clinical/facts.md 5.1 (ICD-10-CM FY2026). */
#include "neuropathy.h"

#include <stddef.h>
#include <string.h>

const char *const etiology_names[] = {
    "diabetic",   "alcohol",        "chemotherapy_drug", "other_toxic", "hereditary",
    "idiopathic", "b12_deficiency", "post_herpetic",     "other",       NULL};

const char *const site_names[] = {"foot_left",  "foot_right", "leg_left",  "leg_right", "hand_left",
                                  "hand_right", "arm_left",   "arm_right", NULL};

const icd10_entry icd10_neuropathy_codes[] = {
    {"E10.40", "diabetic", "Type 1 diabetes mellitus with diabetic neuropathy, unspecified"},
    {"E10.42", "diabetic", "Type 1 diabetes mellitus with diabetic polyneuropathy"},
    {"E11.40", "diabetic", "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"},
    {"E11.42", "diabetic", "Type 2 diabetes mellitus with diabetic polyneuropathy"},
    {"E13.40", "diabetic",
     "Other specified diabetes mellitus with diabetic neuropathy, unspecified"},
    {"E13.42", "diabetic", "Other specified diabetes mellitus with diabetic polyneuropathy"},
    {"E08.42", "diabetic", "Diabetes due to underlying condition with diabetic polyneuropathy"},
    {"E09.42", "diabetic",
     "Drug or chemical induced diabetes with neurological complications, "
     "polyneuropathy"},
    {"G62.0", "chemotherapy_drug", "Drug-induced polyneuropathy"},
    {"G62.1", "alcohol", "Alcoholic polyneuropathy"},
    {"G62.2", "other_toxic", "Polyneuropathy due to other toxic agents"},
    {"G62.81", "other", "Critical illness polyneuropathy"},
    {"G62.82", "other", "Radiation-induced polyneuropathy"},
    {"G62.89", "other", "Other specified polyneuropathies"},
    {"G62.9", "other", "Polyneuropathy, unspecified"},
    {"G60.0", "hereditary", "Hereditary motor and sensory neuropathy"},
    {"G60.1", "hereditary", "Refsum disease"},
    {"G60.2", "hereditary", "Neuropathy in association with hereditary ataxia"},
    {"G60.3", "idiopathic", "Idiopathic progressive neuropathy"},
    {"G60.8", "idiopathic",
     "Other hereditary and idiopathic neuropathies (small-fibre neuropathy)"},
    {"G60.9", "idiopathic", "Hereditary and idiopathic neuropathy, unspecified"},
    {"G63", "other", "Polyneuropathy in diseases classified elsewhere"},
    {"E53.8", "b12_deficiency", "Deficiency of other specified B group vitamins (B12)"},
    {"D51.0", "b12_deficiency",
     "Vitamin B12 deficiency anaemia due to intrinsic factor deficiency"},
    {"D51.1", "b12_deficiency", "Vitamin B12 deficiency anaemia due to selective malabsorption"},
    {"D51.3", "b12_deficiency", "Other dietary vitamin B12 deficiency anaemia"},
    {"D51.8", "b12_deficiency", "Other vitamin B12 deficiency anaemias"},
    {"D51.9", "b12_deficiency", "Vitamin B12 deficiency anaemia, unspecified"},
    {"B02.23", "post_herpetic", "Postherpetic polyneuropathy"},
    {"B02.29", "post_herpetic", "Other postherpetic nervous system involvement"},
    {"G61.0", "other", "Guillain-Barre syndrome"},
    {"G61.81", "other", "Chronic inflammatory demyelinating polyneuritis"},
    {NULL, NULL, NULL},
};

const icd10_entry *icd10_lookup(const char *code)
{
	for (const icd10_entry *e = icd10_neuropathy_codes; code && e->code; e++)
		if (strcmp(e->code, code) == 0)
			return e;
	return NULL;
}

nerve_duration neuropathy_duration(const civil_date *onset, civil_date today, int chronic_months)
{
	nerve_duration d = {0, 0, 0};
	if (!onset)
		return d;
	civil_date from = *onset;
	if (from.day == 0)
		from.day = 15;
	int m = date_months_between(from, today);
	d.known = 1;
	d.months = m < 0 ? 0 : m;
	d.chronic = d.months >= chronic_months;
	return d;
}

const char *chronicity_name(nerve_duration d)
{
	if (!d.known)
		return "unknown";
	return d.chronic ? "chronic" : "recent";
}
