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
    {NULL, NULL, NULL},
};

const drug_entry *drug_find(const char *drug)
{
	for (const drug_entry *d = drugs; drug && d->drug; d++)
		if (strcmp(d->drug, drug) == 0)
			return d;
	return NULL;
}

/* A real date, not in the future, not before birth; records the error at key. */
static int check_date(vctx *v, const char *key, const char *s, const char *birth_date,
                      civil_date today, civil_date *out)
{
	civil_date b;
	if (date_parse(s, out)) {
		v_add(v, key, "must be a real date written YYYY-MM-DD");
		return -1;
	}
	if (date_cmp(*out, today) > 0) {
		v_add(v, key, "cannot be in the future");
		return -1;
	}
	if (birth_date && !date_parse(birth_date, &b) && date_cmp(*out, b) < 0) {
		v_add(v, key, "cannot be before the patient's birth date (%s)", birth_date);
		return -1;
	}
	return 0;
}

int diary_from_json(vctx *v, json_t *body, const char *birth_date, civil_date today, diary_entry *d)
{
	int start = v->n;
	static const char *const fields[] = {"entry_date", "nrs", "note", NULL};
	jv_no_unknown(v, body, NULL, fields);
	civil_date when;
	d->entry_date = jv_string(v, body, NULL, "entry_date", 10, JV_REQUIRED, NULL);
	if (d->entry_date)
		check_date(v, "entry_date", d->entry_date, birth_date, today, &when);
	json_t *nrs = json_object_get(body, "nrs");
	if (!json_is_integer(nrs) || json_integer_value(nrs) < 0 || json_integer_value(nrs) > 10)
		v_add(v, "nrs", "must be a whole number from 0 (no pain) to 10 (worst possible)");
	else
		d->nrs = (int)json_integer_value(nrs);
	d->note = jv_string(v, body, NULL, "note", 500, JV_OPTIONAL, NULL);
	d->status = "final";
	return v->n - start;
}

int medication_from_json(vctx *v, json_t *body, int partial, const char *birth_date,
                         civil_date today, medication *m)
{
	int start = v->n;
	static const char *const fields[] = {"drug",        "dose_value", "dose_unit", "frequency",
	                                     "start_date",  "stop_date",  "notes",     "status",
	                                     "void_reason", NULL};
	jv_no_unknown(v, body, NULL, fields);
	int present, before = v->n;
	const char *drug = jv_string(v, body, NULL, "drug", 48, !partial, &present);
	if (present && v->n == before) {
		const drug_entry *e = drug_find(drug);
		if (!e)
			v_add(v, "drug",
			      "is not on the list of pain and bleeding-relevant medicines "
			      "(see GET /api/v1/medication-list)");
		else {
			m->drug = e->drug;
			m->drug_class = e->drug_class;
		}
	}
	json_t *dose = json_object_get(body, "dose_value");
	if (dose && !json_is_null(dose)) {
		if (!json_is_number(dose) || json_number_value(dose) <= 0 ||
		    json_number_value(dose) > 100000)
			v_add(v, "dose_value", "must be a positive number");
		else {
			m->dose_value = json_number_value(dose);
			m->has_dose = 1;
		}
	} else if (dose) {
		m->has_dose = 0;
	}
	before = v->n;
	const char *s = jv_string(v, body, NULL, "dose_unit", 20, JV_OPTIONAL, &present);
	if (present && v->n == before)
		m->dose_unit = s;
	before = v->n;
	s = jv_string(v, body, NULL, "frequency", 100, JV_OPTIONAL, &present);
	if (present && v->n == before)
		m->frequency = s;
	before = v->n;
	s = jv_string(v, body, NULL, "notes", 1000, JV_OPTIONAL, &present);
	if (present && v->n == before)
		m->notes = s;
	civil_date from, to;
	before = v->n;
	s = jv_string(v, body, NULL, "start_date", 10, JV_OPTIONAL, &present);
	if (present && v->n == before &&
	    (!s || !check_date(v, "start_date", s, birth_date, today, &from)))
		m->start_date = s;
	before = v->n;
	s = jv_string(v, body, NULL, "stop_date", 10, JV_OPTIONAL, &present);
	if (present && v->n == before) {
		civil_date stop;
		/* A planned stop may lie in the future; only its form and order are checked. */
		civil_date b;
		if (s && date_parse(s, &stop))
			v_add(v, "stop_date", "must be a real date written YYYY-MM-DD");
		else if (s && birth_date && !date_parse(birth_date, &b) && date_cmp(stop, b) < 0)
			v_add(v, "stop_date", "cannot be before the patient's birth date (%s)",
			      birth_date);
		else
			m->stop_date = s;
	}
	static const char *const statuses[] = {"active", "entered_in_error", NULL};
	before = v->n;
	s = jv_enum(v, body, NULL, "status", statuses, JV_OPTIONAL, &present);
	if (present && v->n == before && s)
		m->status = s;
	before = v->n;
	s = jv_string(v, body, NULL, "void_reason", 500, JV_OPTIONAL, &present);
	if (present && v->n == before)
		m->void_reason = s;
	if (!m->status)
		m->status = "active";
	if (m->has_dose && !m->dose_unit)
		v_add(v, "dose_unit", "is required with a dose (e.g. mg)");
	if (m->start_date && m->stop_date && !date_parse(m->start_date, &from) &&
	    !date_parse(m->stop_date, &to) && date_cmp(to, from) < 0)
		v_add(v, "stop_date", "cannot be before the start date");
	if (strcmp(m->status, "entered_in_error") == 0 && !m->void_reason)
		v_add(v, "void_reason", "is required when a medicine is marked entered_in_error");
	return v->n - start;
}
