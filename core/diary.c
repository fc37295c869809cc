/* Rules for diary entries and concomitant medicines. */
#include "diary.h"

#include <string.h>

#include "../util/jsonv.h"

const drug_entry drugs[] = {
    {"pregabalin", "Pregabalin", "gabapentinoid"},
    {"gabapentin", "Gabapentin", "gabapentinoid"},
    {"duloxetine", "Duloxetine", "snri"},
    {"venlafaxine", "Venlafaxine", "snri"},
    {"amitriptyline", "Amitriptyline", "tricyclic"},
    {"nortriptyline", "Nortriptyline", "tricyclic"},
    {"tramadol", "Tramadol", "opioid"},
    {"tapentadol", "Tapentadol", "opioid"},
    {"oxycodone", "Oxycodone", "opioid"},
    {"morphine", "Morphine", "opioid"},
    {"codeine", "Codeine", "opioid"},
    {"hydrocodone", "Hydrocodone", "opioid"},
    {"fentanyl", "Fentanyl", "opioid"},
    {"capsaicin_topical", "Capsaicin (topical, incl. 8% patch)", "topical"},
    {"lidocaine_topical", "Lidocaine (topical, incl. 5% plaster)", "topical"},
    {"warfarin", "Warfarin", "anticoagulant"},
    {"apixaban", "Apixaban", "anticoagulant"},
    {"rivaroxaban", "Rivaroxaban", "anticoagulant"},
    {"dabigatran", "Dabigatran", "anticoagulant"},
    {"edoxaban", "Edoxaban", "anticoagulant"},
    {"heparin", "Heparin (incl. low-molecular-weight)", "anticoagulant"},
    {"aspirin", "Aspirin", "antiplatelet"},
    {"clopidogrel", "Clopidogrel", "antiplatelet"},
    {"prasugrel", "Prasugrel", "antiplatelet"},
    {"ticagrelor", "Ticagrelor", "antiplatelet"},
    {"carbamazepine", "Carbamazepine", "anticonvulsant"},
    {"metformin", "Metformin", "antidiabetic"},
    {"insulin", "Insulin (any)", "antidiabetic"},
    {"glp1_agonist", "GLP-1 receptor agonist (semaglutide, liraglutide, dulaglutide ...)",
     "antidiabetic"},
    {"sglt2_inhibitor", "SGLT2 inhibitor (empagliflozin, dapagliflozin ...)", "antidiabetic"},
    /* Anything else: its name in other_name and its class chosen from drug_classes. */
    {"other", "Other (name it)", NULL},
    {NULL, NULL, NULL},
};

const char *const drug_classes[] = {"gabapentinoid",
                                    "snri",
                                    "tricyclic",
                                    "opioid",
                                    "topical",
                                    "anticoagulant",
                                    "antiplatelet",
                                    "anticonvulsant",
                                    "antidiabetic",
                                    "nsaid",
                                    "corticosteroid",
                                    "other",
                                    NULL};

const drug_entry *drug_find(const char *drug)
{
	for (const drug_entry *d = drugs; drug && d->drug; d++)
		if (strcmp(d->drug, drug) == 0)
			return d;
	return NULL;
}

/* ---- the pain diary ---- */

static const char *const diary_statuses[] = {"final", "voided", NULL};
static const char *const diary_sources[] = {"staff", "patient", NULL};

static const rec_field diary_fields[] = {
    REC_META_HEAD(diary_entry),
    {"entry_date", NULL, RT_DATE, RF_INPUT | RF_REQUIRED | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(diary_entry, entry_date)},
    {"nrs", NULL, RT_INT, RF_INPUT | RF_REQUIRED, offsetof(diary_entry, nrs), 0, 0, 0, 10, NULL,
     "must be a whole number from 0 (no pain) to 10 (worst possible)"},
    {"source", NULL, RT_ENUM, RF_REQUIRED, offsetof(diary_entry, source), 0, 0, 0, 0,
     diary_sources},
    {"note", NULL, RT_TEXT, RF_INPUT | RF_NULLABLE | RF_PHI, offsetof(diary_entry, note), 0, 500},
    REC_META_TAIL(diary_entry, void_reason),
};

/* Staff enter diary values now; patients' own entries come with the patient portal. */
static void diary_check(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)v, (void)body, (void)partial, (void)cx;
	diary_entry *d = rec;
	if (!d->source)
		d->source = "staff";
}

const rec_kind rk_diary = {
    .name = "diary",
    .resource = "diary_entry",
    .table = "diary_entries",
    .label = "diary entry",
    .path = "/api/v1/diary-entries",
    .size = sizeof(diary_entry),
    .fields = diary_fields,
    .life = RL_VOID,
    .statuses = diary_statuses,
    .ended = "voided",
    .list_order = "entry_date, created_at, id",
    .check = diary_check,
};

/* ---- concomitant medicines ---- */

static const char *const medication_statuses[] = {"active", "entered_in_error", NULL};

static const rec_field medication_fields[] = {
    REC_META_HEAD(medication),
    {"drug", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_REQUIRED, offsetof(medication, drug), 0, 48},
    /* Follows from the drug, except for "other", whose class the user chooses. */
    {"drug_class", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE, offsetof(medication, drug_class), 0, 32},
    {"other_name", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE,
     offsetof(medication, other_name), 0, 100},
    {"dose_value", NULL, RT_REAL, RF_INPUT | RF_MUTABLE | RF_NULLABLE,
     offsetof(medication, dose_value), offsetof(medication, has_dose), 0, 1e-9, 100000, NULL,
     "must be a positive number"},
    {"dose_unit", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE,
     offsetof(medication, dose_unit), 0, 20},
    {"frequency", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE,
     offsetof(medication, frequency), 0, 100},
    {"start_date", NULL, RT_DATE,
     RF_INPUT | RF_MUTABLE | RF_NULLABLE | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(medication, start_date)},
    /* A planned stop may lie in the future. */
    {"stop_date", NULL, RT_DATE, RF_INPUT | RF_MUTABLE | RF_NULLABLE | RF_AFTER_BIRTH,
     offsetof(medication, stop_date)},
    {"notes", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE | RF_PHI,
     offsetof(medication, notes), 0, 1000},
    REC_META_TAIL(medication, void_reason),
};

/* The drug from the list (its class with it), a unit with a dose, and stop not before start. */
static void medication_check(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)partial, (void)cx;
	medication *m = rec;
	const drug_entry *e = m->drug ? drug_find(m->drug) : NULL;
	int given_class = json_object_get(body, "drug_class") != NULL;
	if (json_object_get(body, "drug") && m->drug && !v_has(v, "drug") && !e)
		v_add(v, "drug",
		      "is not on the list of pain, bleeding and diabetes medicines (see GET "
		      "/api/v1/medication-list); for another, send drug \"other\" with other_name "
		      "and drug_class");
	if (e && e->drug_class) {
		m->drug = e->drug;
		if (given_class && !v_has(v, "drug_class"))
			v_add(v, "drug_class",
			      "follows from the drug; it is sent only with drug other");
		m->drug_class = e->drug_class;
		if (m->other_name && !v_has(v, "other_name"))
			v_add(v, "other_name", "is only for drug other");
	} else if (e) { /* other */
		m->drug = e->drug;
		if (!m->other_name && !v_has(v, "other_name"))
			v_add(v, "other_name", "is required for another medicine: its name");
		int known = 0;
		for (const char *const *c = drug_classes; m->drug_class && *c; c++)
			known |= strcmp(*c, m->drug_class) == 0;
		if (!known && !v_has(v, "drug_class"))
			v_add(v, "drug_class",
			      "must be one of the classes of GET /api/v1/medication-list");
	}
	if (m->has_dose && !m->dose_unit && !v_has(v, "dose_unit"))
		v_add(v, "dose_unit", "is required with a dose (e.g. mg)");
	civil_date from, to;
	if (m->start_date && m->stop_date && !date_parse(m->start_date, &from) &&
	    !date_parse(m->stop_date, &to) && date_cmp(to, from) < 0 && !v_has(v, "stop_date"))
		v_add(v, "stop_date", "cannot be before the start date");
}

static void medication_json(json_t *out, const void *rec, const rec_ctx *cx)
{
	(void)cx;
	const medication *m = rec;
	const drug_entry *e = drug_find(m->drug);
	json_object_set_new(out, "label",
	                    m->other_name ? json_string(m->other_name)
	                    : e           ? json_string(e->label)
	                                  : json_null());
}

const rec_kind rk_medication = {
    .name = "medication",
    .table = "medications",
    .label = "medicine",
    .path = "/api/v1/medications",
    .size = sizeof(medication),
    .fields = medication_fields,
    .life = RL_ERROR,
    .statuses = medication_statuses,
    .ended = "entered_in_error",
    .list_order = "start_date, created_at, id",
    .detail_field = "drug",
    .check = medication_check,
    .to_json = medication_json,
};
