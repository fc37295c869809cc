/* The daily pain diary (NRS 0-10 by date, entered by staff now and by patients later) and the
 * concomitant medicines that change how outcomes must be read. Pure rules. */
#ifndef SCHWANN_DIARY_H
#define SCHWANN_DIARY_H

#include <jansson.h>

#include "../util/dates.h"
#include "../util/verr.h"
#include "record.h"

typedef struct diary_entry {
	const char *id;
	const char *patient_id;
	const char *entry_date;
	int nrs;
	const char *source; /* staff, patient */
	const char *note;
	REC_LIFE_MEMBERS(void_reason); /* status: final, voided */
} diary_entry;

typedef struct drug_entry {
	const char *drug;
	const char *label;
	const char *drug_class;
} drug_entry;

extern const drug_entry drugs[]; /* "other" last, with no class of its own */
extern const char *const drug_classes[];
const drug_entry *drug_find(const char *drug);

typedef struct medication {
	const char *id;
	const char *patient_id;
	const char *drug;
	const char *drug_class;
	const char *other_name; /* drug "other": its name */
	double dose_value;
	int has_dose;
	const char *dose_unit;
	const char *frequency;
	const char *start_date;
	const char *stop_date;
	const char *notes;
	REC_LIFE_MEMBERS(void_reason); /* status: active, entered_in_error */
} medication;

#endif
