/* Neuropathy diagnoses: the curated ICD-10-CM list (facts.md 5.1) with each code's etiology, the
 * body sites, and how long the nerve damage has lasted (recent vs chronic). Pure logic. */
#ifndef SCHWANN_NEUROPATHY_H
#define SCHWANN_NEUROPATHY_H

#include "../util/dates.h"

typedef struct icd10_entry {
	const char *code;
	const char *etiology; /* one of etiology_names */
	const char *description;
} icd10_entry;

/* The entry for code (exact, upper case as in the code set), or NULL. */
const icd10_entry *icd10_lookup(const char *code);
/* The whole list, terminated by an entry with code NULL. */
extern const icd10_entry icd10_neuropathy_codes[];
extern const char *const etiology_names[];
extern const char *const site_names[];

#define CHRONIC_MONTHS_DEFAULT 12

typedef struct nerve_duration {
	int known;   /* 0 when no onset date was recorded */
	int months;  /* whole months from onset to the reference date */
	int chronic; /* months >= the threshold */
} nerve_duration;

/* Duration of the neuropathy on `today`. A month-only onset (day 0) is taken as the 15th of that
 * month, the usual mid-month imputation for partial dates. */
nerve_duration neuropathy_duration(const civil_date *onset, civil_date today, int chronic_months);
const char *chronicity_name(nerve_duration d);

#endif
