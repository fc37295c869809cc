/* The work-up test catalogue and the reading of one test result. Codes from facts.md 3.6 (LOINC
 * for laboratory tests); tests without a LOINC code (3.7) use the local system. Abnormal rules
 * are those facts.md gives; where it marks a rule as a rule of thumb, the flag says so, and where
 * it gives none (tibial nerve conduction) no flag is set. */
#include "observation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/json_mem.h"
#include "../util/jsonv.h"

static const char *const sides[] = {"left", "right", NULL};
static const char *const foot_sites[] = {"hallux", "metatarsal_3", "metatarsal_5", NULL};
static const char *const fork_grades[] = {"present", "decreased", "absent", NULL};

static const obs_unit uv_units[] = {{"µV", 1, 0}, {NULL, 0, 0}};
static const obs_unit mv_units[] = {{"uV", 0.001, 0}, {"µV", 0.001, 0}, {NULL, 0, 0}};
static const obs_unit hba1c_units[] = {{"mmol/mol", 0.09148, 2.152}, {NULL, 0, 0}};
static const obs_unit b12_units[] = {{"pmol/L", 1.355, 0}, {"ng/L", 1, 0}, {NULL, 0, 0}};
static const obs_unit tsh_units[] = {{"uIU/mL", 1, 0}, {"µIU/mL", 1, 0}, {NULL, 0, 0}};
static const obs_unit folate_units[] = {{"nmol/L", 1 / 2.266, 0}, {"ug/L", 1, 0}, {NULL, 0, 0}};
static const obs_unit glucose_units[] = {{"mmol/L", 18.016, 0}, {NULL, 0, 0}};
static const obs_unit fibre_units[] = {{"fibres/mm", 1, 0}, {NULL, 0, 0}};
static const obs_unit platelet_units[] = {
    {"10^9/L", 1, 0}, {"/uL", 0.001, 0}, {"/µL", 0.001, 0}, {NULL, 0, 0}};
static const obs_unit hb_units[] = {{"g/L", 0.1, 0}, {"mmol/L", 1.611, 0}, {NULL, 0, 0}};

#define NONE NAN
#define NCS_RULE                                                                                   \
	"rule of thumb for adults, not a published cut-off (reference values: Chen et al., "       \
	"Muscle "                                                                                  \
	"Nerve 2016); normal values depend on age, height and lab"
#define LAB_RULE "typical adult reference; check your laboratory's range"

const obs_kind obs_kinds[] = {
    {"sural_snap_amplitude", "Sural SNAP amplitude", OBS_LOCAL_SYSTEM, "sural_snap_amplitude",
     OBS_NUMBER, "uV", uv_units, 0, 200, 1, NULL, NULL, 4, NONE, NCS_RULE},
    {"sural_conduction_velocity", "Sural conduction velocity", OBS_LOCAL_SYSTEM,
     "sural_conduction_velocity", OBS_NUMBER, "m/s", NULL, 0, 100, 1, NULL, NULL, 40, NONE,
     NCS_RULE},
    {"peroneal_cmap_amplitude", "Peroneal CMAP amplitude", OBS_LOCAL_SYSTEM,
     "peroneal_cmap_amplitude", OBS_NUMBER, "mV", mv_units, 0, 50, 1, NULL, NULL, 2, NONE,
     NCS_RULE},
    {"peroneal_conduction_velocity", "Peroneal conduction velocity", OBS_LOCAL_SYSTEM,
     "peroneal_conduction_velocity", OBS_NUMBER, "m/s", NULL, 0, 100, 1, NULL, NULL, 40, NONE,
     NCS_RULE},
    {"peroneal_distal_latency", "Peroneal distal latency", OBS_LOCAL_SYSTEM,
     "peroneal_distal_latency", OBS_NUMBER, "ms", NULL, 0, 30, 1, NULL, NULL, NONE, 6.5, NCS_RULE},
    {"tibial_cmap_amplitude", "Tibial CMAP amplitude", OBS_LOCAL_SYSTEM, "tibial_cmap_amplitude",
     OBS_NUMBER, "mV", mv_units, 0, 50, 1, NULL, NULL, NONE, NONE, NULL},
    {"tibial_conduction_velocity", "Tibial conduction velocity", OBS_LOCAL_SYSTEM,
     "tibial_conduction_velocity", OBS_NUMBER, "m/s", NULL, 0, 100, 1, NULL, NULL, NONE, NONE,
     NULL},
    {"tibial_distal_latency", "Tibial distal latency", OBS_LOCAL_SYSTEM, "tibial_distal_latency",
     OBS_NUMBER, "ms", NULL, 0, 30, 1, NULL, NULL, NONE, NONE, NULL},
    {"monofilament", "10-g monofilament", OBS_LOCAL_SYSTEM, "monofilament_10g", OBS_MONOFILAMENT,
     NULL, NULL, 0, 3, 1, foot_sites, NULL, 2, NONE,
     "protective sensation present when at least 2 of the 3 answers (2 real, 1 sham touch) "
     "are correct (Perkins et al., Diabetes Care 2001)"},
    {"vibration_threshold", "Vibration perception threshold", OBS_LOCAL_SYSTEM, "vpt", OBS_NUMBER,
     "V", NULL, 0, 100, 1, NULL, NULL, NONE, 25,
     "above 25 V: high risk of foot ulcer (Young et al., Diabetes Care 1994)"},
    {"tuning_fork", "128 Hz tuning fork at the great toe", OBS_LOCAL_SYSTEM, "tuning_fork_128",
     OBS_GRADE, NULL, NULL, 0, 0, 1, NULL, fork_grades, NONE, NONE,
     "decreased or absent vibration is abnormal"},
    {"ienfd", "Intraepidermal nerve fibre density", OBS_LOCAL_SYSTEM, "ienfd", OBS_NUMBER,
     "fibers/mm", fibre_units, 0, 100, 0, NULL, NULL, NONE, NONE,
     "below the lower limit for age and sex (immunofluorescence norms of the Czech "
     "Society of Neurology; bright-field norms: Lauria et al., J Peripher Nerv Syst 2010)"},
    {"hba1c", "HbA1c", "http://loinc.org", "4548-4", OBS_NUMBER, "%", hba1c_units, 2, 25, 0, NULL,
     NULL, NONE, 6.5, "6.5 % or more: in the diabetic range; " LAB_RULE, 1},
    {"vitamin_b12", "Vitamin B12", "http://loinc.org", "2132-9", OBS_NUMBER, "pg/mL", b12_units, 0,
     10000, 0, NULL, NULL, 200, NONE, "below 200 pg/mL: deficient; " LAB_RULE},
    {"tsh", "TSH", "http://loinc.org", "3016-3", OBS_NUMBER, "mIU/L", tsh_units, 0, 500, 0, NULL,
     NULL, 0.4, 4.0, "outside 0.4-4.0 mIU/L; " LAB_RULE},
    {"folate", "Folate", "http://loinc.org", "2284-8", OBS_NUMBER, "ng/mL", folate_units, 0, 100, 0,
     NULL, NULL, 3, NONE, "below 3 ng/mL: deficient; " LAB_RULE},
    {"fasting_glucose", "Fasting glucose", "http://loinc.org", "1558-6", OBS_NUMBER, "mg/dL",
     glucose_units, 10, 2000, 0, NULL, NULL, NONE, 126,
     "126 mg/dL or more: in the diabetic range; " LAB_RULE, 1},
    {"platelet_count", "Platelet count", "http://loinc.org", "777-3", OBS_NUMBER, "10^3/uL",
     platelet_units, 0, 2000, 0, NULL, NULL, 100, NONE,
     "below 100 x10^3/uL: a relative contraindication to PRP (contraindication lists reused in "
     "PRP reviews)"},
    {"haemoglobin", "Haemoglobin", "http://loinc.org", "718-7", OBS_NUMBER, "g/dL", hb_units, 1, 25,
     0, NULL, NULL, 10, NONE,
     "below 10 g/dL: a relative contraindication to PRP (contraindication lists reused in PRP "
     "reviews)"},
    {NULL, NULL, NULL, NULL, OBS_NUMBER, NULL, NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL},
};

const obs_kind *obs_kind_find(const char *kind)
{
	for (const obs_kind *k = obs_kinds; kind && k->kind; k++)
		if (strcmp(k->kind, kind) == 0)
			return k;
	return NULL;
}

/* Lower limit of normal IENFD (fibres/mm) by age and sex; NAN when no norm applies. */
static double ienfd_limit(const char *birth_date, const char *sex, civil_date on)
{
	civil_date b;
	if (!birth_date || date_parse(birth_date, &b) || !sex)
		return NAN;
	int age =
	    on.year - b.year - (on.month < b.month || (on.month == b.month && on.day < b.day));
	int male = strcmp(sex, "male") == 0, female = strcmp(sex, "female") == 0;
	if (age < 20 || (!male && !female))
		return NAN;
	if (age < 40)
		return male ? 5.5 : 6.1;
	if (age < 60)
		return male ? 5.1 : 5.2;
	return male ? 1.9 : 3.1;
}

static void read_number(vctx *v, json_t *body, const obs_kind *k, observation *o)
{
	json_t *val = json_object_get(body, "value");
	const char *unit = json_string_value(json_object_get(body, "unit"));
	if (!json_is_number(val)) {
		v_add(v, "value",
		      val && !json_is_null(val) ? "must be a number in %s"
		                                : "is required: a number in %s",
		      k->unit);
		return;
	}
	double x = json_number_value(val), factor = 1, offset = 0;
	if (!unit) {
		v_add(v, "unit", "is required (%s)", k->unit);
		return;
	}
	if (strcmp(unit, k->unit) != 0) {
		const obs_unit *u = k->other_units;
		while (u && u->unit && strcmp(u->unit, unit) != 0)
			u++;
		if (!u || !u->unit) {
			v_add(v, "unit", "must be %s%s", k->unit,
			      k->other_units ? " (or a unit that converts to it exactly)" : "");
			return;
		}
		factor = u->factor;
		offset = u->offset;
	}
	double canonical = x * factor + offset;
	if (!(canonical >= k->min && canonical <= k->max)) {
		v_add(v, "value", "%g %s is not possible for %s (%g to %g %s)", x, unit, k->label,
		      k->min, k->max, k->unit);
		return;
	}
	o->value = round(canonical * 1000) / 1000;
	o->has_value = 1;
	o->unit = k->unit;
}

static void read_monofilament(vctx *v, json_t *body, observation *o)
{
	json_t *r = json_object_get(body, "responses");
	if (!json_is_array(r) || json_array_size(r) != 3) {
		v_add(
		    v, "responses",
		    "must list the 3 answers at this site, real, real, sham: true when the answer "
		    "was correct");
		return;
	}
	int correct = 0, bad = 0;
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(r, i);
		if (!json_is_boolean(e)) {
			v_add(v, arena_printf(v->a, "responses[%zu]", i), "must be true or false");
			bad = 1;
		}
		correct += json_is_true(e);
	}
	if (bad)
		return;
	o->value = correct;
	o->has_value = 1;
	o->unit = "correct of 3";
	o->value_text = correct >= 2 ? "present" : "absent";
	o->details =
	    arena_printf(v->a, "{\"responses\":%s}", json_mem_dumps(v->a, r, JSON_COMPACT));
}

int observation_from_json(vctx *v, json_t *body, const char *birth_date, const char *sex,
                          civil_date today, observation *o)
{
	int start = v->n;
	static const char *const fields[] = {"kind", "performed_on", "value",     "unit",
	                                     "side", "site",         "responses", NULL};
	jv_no_unknown(v, body, NULL, fields);
	const char *kind = jv_string(v, body, NULL, "kind", 48, JV_REQUIRED, NULL);
	const obs_kind *k = kind ? obs_kind_find(kind) : NULL;
	if (kind && !k)
		v_add(v, "kind", "is not a known test (see GET /api/v1/observation-kinds)");
	const char *on = jv_string(v, body, NULL, "performed_on", 10, JV_REQUIRED, NULL);
	civil_date d = today, b;
	if (on && date_parse(on, &d))
		v_add(v, "performed_on", "must be a real date written YYYY-MM-DD");
	else if (on && date_cmp(d, today) > 0)
		v_add(v, "performed_on", "cannot be in the future");
	else if (on && birth_date && !date_parse(birth_date, &b) && date_cmp(d, b) < 0)
		v_add(v, "performed_on", "cannot be before the patient's birth date (%s)",
		      birth_date);
	if (!k)
		return v->n - start;
	o->k = k;
	o->kind = k->kind;
	o->code_system = k->code_system;
	o->code = k->code;
	o->performed_on = on;
	o->status = "final";
	const char *side = jv_enum(v, body, NULL, "side", sides, k->sided, NULL);
	if (!k->sided && side)
		v_add(v, "side", "does not apply to %s", k->label);
	o->side = side;
	if (k->sites) {
		o->site = jv_enum(v, body, NULL, "site", k->sites, JV_REQUIRED, NULL);
	} else if (json_object_get(body, "site")) {
		v_add(v, "site", "does not apply to %s", k->label);
	}
	if (k->type == OBS_MONOFILAMENT) {
		if (json_object_get(body, "value") || json_object_get(body, "unit"))
			v_add(v, "value", "the monofilament result comes from its responses");
		read_monofilament(v, body, o);
	} else if (k->type == OBS_GRADE) {
		if (json_object_get(body, "unit"))
			v_add(v, "unit", "does not apply to %s", k->label);
		o->value_text = jv_enum(v, body, NULL, "value", k->grades, JV_REQUIRED, NULL);
	} else {
		if (json_object_get(body, "responses"))
			v_add(v, "responses", "apply only to the monofilament");
		read_number(v, body, k, o);
	}
	if (v->n != start)
		return v->n - start;
	double low = k->low, high = k->high;
	const char *rule = k->rule;
	if (strcmp(k->kind, "ienfd") == 0) {
		low = ienfd_limit(birth_date, sex, d);
		if (isnan(low))
			rule = NULL;
	}
	o->abnormal = -1;
	if (k->type == OBS_GRADE) {
		o->abnormal = strcmp(o->value_text, k->grades[0]) != 0;
	} else if (!isnan(low) || !isnan(high)) {
		o->abnormal =
		    (!isnan(low) && o->value < low) ||
		    (!isnan(high) && (o->value > high || (k->high_inclusive && o->value >= high)));
	}
	if (o->abnormal >= 0 && rule)
		o->interpretation =
		    arena_printf(v->a, "%s (rule: %s)", o->abnormal ? "abnormal" : "normal", rule);
	else if (k->type == OBS_NUMBER)
		o->interpretation = "no reference rule: interpret against your laboratory's normal "
		                    "values";
	if (strcmp(k->kind, "ienfd") == 0 && !isnan(low))
		o->interpretation = arena_printf(v->a,
		                                 "%s: lower limit %.1f fibers/mm for this age "
		                                 "and sex (immunofluorescence norms of the Czech "
		                                 "Society of Neurology)",
		                                 o->abnormal ? "abnormal" : "normal", low);
	return 0;
}

/* ---- the record kind ---- */

static const char *const observation_statuses[] = {"final", "voided", NULL};

static const rec_field observation_fields[] = {
    REC_META_HEAD(observation),
    {"kind", NULL, RT_TEXT, RF_REQUIRED, offsetof(observation, kind), 0, 48},
    {"code_system", NULL, RT_TEXT, RF_REQUIRED, offsetof(observation, code_system), 0, 64},
    {"code", NULL, RT_TEXT, RF_REQUIRED, offsetof(observation, code), 0, 32},
    {"value", NULL, RT_REAL, RF_NULLABLE, offsetof(observation, value),
     offsetof(observation, has_value)},
    {"value_text", NULL, RT_TEXT, RF_NULLABLE, offsetof(observation, value_text), 0, 32},
    {"unit", NULL, RT_TEXT, RF_NULLABLE, offsetof(observation, unit), 0, 20},
    {"side", NULL, RT_TEXT, RF_NULLABLE, offsetof(observation, side), 0, 8},
    {"site", NULL, RT_TEXT, RF_NULLABLE, offsetof(observation, site), 0, 32},
    {"details", NULL, RT_JSON, RF_NULLABLE, offsetof(observation, details)},
    {"performed_on", NULL, RT_DATE, RF_REQUIRED, offsetof(observation, performed_on)},
    {"abnormal", NULL, RT_BOOL, RF_NULLABLE, offsetof(observation, abnormal)},
    {"interpretation", NULL, RT_TEXT, RF_NULLABLE, offsetof(observation, interpretation), 0, 500},
    REC_META_TAIL(observation, void_reason),
};

static void observation_parse(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)partial; /* test results are never edited, only voided */
	observation_from_json(v, body, cx->birth_date, cx->sex, cx->today, rec);
}

static void observation_after_read(void *rec)
{
	observation *o = rec;
	o->k = obs_kind_find(o->kind);
}

static void observation_json(json_t *out, const void *rec, const rec_ctx *cx)
{
	(void)cx;
	const observation *o = rec;
	json_object_set_new(out, "label", o->k ? json_string(o->k->label) : json_null());
}

const rec_kind rk_observation = {
    .name = "observation",
    .table = "observations",
    .label = "test result",
    .path = "/api/v1/observations",
    .size = sizeof(observation),
    .fields = observation_fields,
    .life = RL_VOID,
    .statuses = observation_statuses,
    .ended = "voided",
    .list_order = "performed_on, created_at, id",
    .detail_field = "kind",
    .parse = observation_parse,
    .after_read = observation_after_read,
    .to_json = observation_json,
};
