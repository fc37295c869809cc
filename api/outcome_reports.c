/* The outcome reports (docs/OUTCOMES.md), each built from the profiles and the parameters alone
 * (api/outcomes.h): the responder table (NRS at a threshold or PGIC, primary or observed, exact
 * intervals, insufficient under the minimum n, adverse events beside each rate), follow-up
 * completeness at each milestone, and the adverse events of the same patients with the serious
 * ones listed without anything that identifies the patient. */
#include <string.h>

#include "../util/dates.h"
#include "outcomes.h"

/* Adverse events beside the rates: who had any, who had a serious one. */
static json_t *events_json(const outcome_tally *t)
{
	return json_pack("{s:i, s:i, s:i}", "patients_with_event", t->with_event,
	                 "patients_with_serious", t->with_serious, "serious_events", t->serious);
}

static json_t *responder_row(const report_params *p, const outcome_tally *t)
{
	int denominator = p->q.primary ? t->due : t->observed;
	json_t *o =
	    json_pack("{s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "stratum",
	              outcome_stratum(p, t), "patients", t->patients, "treated", t->treated, "due",
	              t->due, "not_evaluable", t->not_evaluable, "missing", t->missing, "observed",
	              t->observed, "responders", t->responders, "denominator", denominator);
	outcome_rate(o, t->responders, denominator, p->min_n);
	json_object_set_new(o, "adverse_events", events_json(t));
	if (t->treated < t->patients)
		json_object_set_new(o, "note", json_string(COMPARATOR_NOTE));
	return o;
}

static const char *responder_text(const report_params *p)
{
	static const char *const text[2][2] = {
	    {"NRS at the milestone at or under baseline x (1 - threshold), among the patients with "
	     "a baseline and a value (a sensitivity analysis)",
	     "NRS at the milestone at or under baseline x (1 - threshold); every patient who is "
	     "due "
	     "counts, those not evaluable or with no value as not responding"},
	    {"PGIC much improved or better, the answer nearest the milestone, among the patients "
	     "with an answer (a sensitivity analysis)",
	     "PGIC much improved or better, the answer nearest the milestone; every patient who is "
	     "due counts, those with no answer as not responding"},
	};
	return text[p->q.measure == MEASURE_PGIC][p->q.primary];
}

static sw_err responders(const report_input *in, json_t **def, json_t **rows, json_t **extra)
{
	const report_params *p = in->p;
	outcome_tally *t = NULL;
	int n = 0;
	(void)extra;
	if (outcome_tallies(in, &t, &n))
		return SW_EDB;
	*rows = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(*rows, responder_row(p, &t[i]));
	int m = p->q.milestone;
	json_t *d = *def = outcome_definition(p, "responders");
	json_object_set_new(d, "milestone_day", json_integer(outcome_milestone_day[m]));
	json_object_set_new(d, "window_days", json_integer(outcome_milestone_window[m]));
	json_object_set_new(d, "measure",
	                    json_string(p->q.measure == MEASURE_PGIC ? "pgic" : "nrs"));
	json_object_set_new(d, "analysis", json_string(p->q.primary ? "primary" : "observed"));
	if (p->q.measure == MEASURE_NRS)
		json_object_set_new(d, "threshold_percent", json_integer(p->q.threshold));
	json_object_set_new(d, "responder", json_string(responder_text(p)));
	json_object_set_new(d, "interval", json_string("exact (Clopper-Pearson) 95 %"));
	json_object_set_new(d, "min_n", json_integer(p->min_n));
	json_object_set_new(d, "adverse_events",
	                    json_string("patients in the row with any adverse event recorded, and "
	                                "with a serious one; details in "
	                                "/api/v1/outcomes/adverse-events"));
	return SW_OK;
}

static sw_err completeness(const report_input *in, json_t **def, json_t **rows, json_t **extra)
{
	report_params p = *in->p;
	report_input each = {&p, in->cache, in->st};
	(void)extra;
	*rows = json_array();
	for (int m = 0; m < OUTCOME_MILESTONES; m++) {
		p.q.milestone = m;
		outcome_tally *t = NULL;
		int n = 0;
		if (outcome_tallies(&each, &t, &n)) {
			json_decref(*rows);
			return SW_EDB;
		}
		for (int i = 0; i < n; i++)
			json_array_append_new(
			    *rows,
			    json_pack("{s:o, s:i, s:i, s:i, s:i, s:o}", "stratum",
			              outcome_stratum(&p, &t[i]), "milestone_day",
			              outcome_milestone_day[m], "patients", t[i].patients, "due",
			              t[i].due, "with_value", t[i].with_value, "percent",
			              t[i].due ? json_real(100.0 * t[i].with_value / t[i].due)
			                       : json_null()));
	}
	*def = outcome_definition(&p, "completeness");
	json_object_set_new(*def, "with_value",
	                    json_string("due patients with an NRS day value inside the "
	                                "milestone's window (30 +/-14, 91 +/-21, 182 +/-30, "
	                                "365 +/-45 days), with a baseline or not"));
	return SW_OK;
}

static json_t *counts(const int *values, const char *const *names, int n)
{
	json_t *o = json_object();
	for (int i = 0; i < n; i++)
		json_object_set_new(o, names[i], json_integer(values[i]));
	return o;
}

/* The serious events of the patients passing the filters, with days from their day 0. */
static sw_err serious_list(const report_input *in, json_t **out)
{
	const report_params *p = in->p;
	serious_event *ev = NULL;
	int n = 0, more = 0, size;
	sw_err rc = in->st->ops->serious_events(in->st, p->a, 500, &ev, &n, &more);
	if (rc)
		return rc;
	json_t *list = json_array();
	outcome_cache_acquire(in->cache, &size);
	for (int i = 0; i < n; i++) {
		outcome_profile prof;
		civil_date onset;
		if (outcome_cache_find(in->cache, ev[i].patient_id, &prof) ||
		    !outcome_passes(&p->q, &prof) || date_parse(ev[i].onset_date, &onset))
			continue;
		json_t *e =
		    json_pack("{s:s, s:i, s:s?, s:s?, s:s?, s:b, s:I, s:s}", "term", ev[i].term,
		              "grade", ev[i].grade, "relatedness", ev[i].relatedness, "outcome",
		              ev[i].outcome, "criteria", ev[i].criteria, "expected", ev[i].expected,
		              "onset_day", (json_int_t)(date_days(onset) - prof.day0), "biologic",
		              p->scheme->values[OV_BIOLOGIC][prof.var[OV_BIOLOGIC]]);
		if (prof.var[OV_GROUP])
			json_object_set_new(e, "note", json_string(COMPARATOR_NOTE));
		json_array_append_new(list, e);
	}
	outcome_cache_release(in->cache);
	*out = json_pack("{s:{s:o, s:b}}", "serious", "items", list, "truncated", more);
	return SW_OK;
}

static sw_err adverse_events(const report_input *in, json_t **def, json_t **rows, json_t **extra)
{
	static const char *const grades[AE_GRADES] = {"1", "2", "3", "4", "5"};
	static const char *const related[AE_RELATEDNESS + 1] = {
	    "unrelated", "unlikely", "possible", "probable", "definite", "not_stated"};
	const report_params *p = in->p;
	outcome_tally *t = NULL;
	int n = 0;
	if (outcome_tallies(in, &t, &n))
		return SW_EDB;
	sw_err rc = serious_list(in, extra);
	if (rc)
		return rc;
	*rows = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i, s:i}", "stratum",
		                      outcome_stratum(p, &t[i]), "patients", t[i].patients,
		                      "patients_with_event", t[i].with_event,
		                      "patients_with_serious", t[i].with_serious, "events",
		                      t[i].events, "serious_events", t[i].serious);
		outcome_rate(o, t[i].with_event, t[i].patients, p->min_n);
		json_object_set_new(o, "by_grade", counts(t[i].grade, grades, AE_GRADES));
		json_object_set_new(o, "by_relatedness",
		                    counts(t[i].related, related, AE_RELATEDNESS + 1));
		if (t[i].treated < t[i].patients)
			json_object_set_new(o, "note", json_string(COMPARATOR_NOTE));
		json_array_append_new(*rows, o);
	}
	*def = outcome_definition(p, "adverse-events");
	json_object_set_new(
	    *def, "events",
	    json_string("every adverse event recorded for the patients in the row "
	                "and not entered in error (CTCAE grade, relatedness as the "
	                "clinician judged it); rate: patients with any event, exact "
	                "95 % interval; the serious ones listed in the JSON"));
	json_object_set_new(*def, "min_n", json_integer(p->min_n));
	return SW_OK;
}

const outcome_report outcome_reports[] = {
    {"responders", responders},
    {"completeness", completeness},
    {"adverse-events", adverse_events},
    {"time-to-response", outcome_report_time},
    {"change", outcome_report_change},
    {"dose-response", outcome_report_dose},
    {NULL, NULL},
};
