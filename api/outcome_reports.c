/* The outcome reports beside the responder table (docs/OUTCOMES.md): follow-up completeness at
 * each milestone, and the adverse events of the same patients (counts by grade and relatedness,
 * the serious events listed without anything that identifies the patient). Same parameters,
 * filters and strata as the responder table, JSON or CSV. */
#include <string.h>

#include "../stats/binom.h"
#include "outcomes.h"

int api_outcomes_completeness(http_req *r)
{
	report_params p;
	memset(&p, 0, sizeof p);
	if (outcome_params(r, &p))
		return r->status;
	json_t *rows = json_array();
	for (int m = 0; m < OUTCOME_MILESTONES; m++) {
		p.q.milestone = m;
		outcome_tally *t = NULL;
		int n = 0;
		if (outcome_tallies(r, &p, &t, &n)) {
			json_decref(rows);
			return r->status;
		}
		for (int i = 0; i < n; i++)
			json_array_append_new(
			    rows,
			    json_pack("{s:o, s:i, s:i, s:i, s:i, s:o}", "stratum",
			              outcome_stratum(&p, &t[i]), "milestone_day",
			              outcome_milestone_day[m], "patients", t[i].patients, "due",
			              t[i].due, "with_value", t[i].with_value, "percent",
			              t[i].due ? json_real(100.0 * t[i].with_value / t[i].due)
			                       : json_null()));
	}
	json_t *def = outcome_definition(&p, "completeness");
	json_object_set_new(def, "with_value",
	                    json_string("due patients with an NRS day value inside the "
	                                "milestone's window (30 +/-14, 91 +/-21, 182 +/-30, "
	                                "365 +/-45 days), with a baseline or not"));
	return outcome_answer(r, &p, "completeness", def, rows, NULL);
}

static json_t *counts(const int *values, const char *const *names, int n)
{
	json_t *o = json_object();
	for (int i = 0; i < n; i++)
		json_object_set_new(o, names[i], json_integer(values[i]));
	return o;
}

/* The serious events of the patients passing the filters, with days from their day 0. */
static int serious_list(http_req *r, const report_params *p, json_t **out, int *more)
{
	serious_event *ev = NULL;
	int n = 0;
	sw_err rc = r->st->ops->serious_events(r->st, r->a, 500, &ev, &n, more);
	if (rc)
		return http_fail(r, rc, "adverse event");
	json_t *list = json_array();
	int size;
	outcome_cache_acquire(r->srv->outcomes, &size);
	for (int i = 0; i < n; i++) {
		outcome_profile prof;
		civil_date onset;
		if (outcome_cache_find(r->srv->outcomes, ev[i].patient_id, &prof) ||
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
	outcome_cache_release(r->srv->outcomes);
	*out = list;
	return 0;
}

int api_outcomes_adverse_events(http_req *r)
{
	static const char *const grades[AE_GRADES] = {"1", "2", "3", "4", "5"};
	static const char *const related[AE_RELATEDNESS + 1] = {
	    "unrelated", "unlikely", "possible", "probable", "definite", "not_stated"};
	report_params p;
	memset(&p, 0, sizeof p);
	if (outcome_params(r, &p))
		return r->status;
	outcome_tally *t = NULL;
	int n = 0, more = 0;
	if (outcome_tallies(r, &p, &t, &n))
		return r->status;
	json_t *serious = NULL;
	if (!p.csv && serious_list(r, &p, &serious, &more))
		return r->status;
	json_t *rows = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i, s:i}", "stratum",
		                      outcome_stratum(&p, &t[i]), "patients", t[i].patients,
		                      "patients_with_event", t[i].with_event,
		                      "patients_with_serious", t[i].with_serious, "events",
		                      t[i].events, "serious_events", t[i].serious);
		double lo, hi;
		int thin = t[i].patients < p.min_n ||
		           binom_exact_ci(t[i].with_event, t[i].patients, 0.95, &lo, &hi);
		json_object_set_new(o, "insufficient", json_boolean(thin));
		json_object_set_new(o, "rate",
		                    thin ? json_null()
		                         : json_real((double)t[i].with_event / t[i].patients));
		json_object_set_new(o, "ci_low", thin ? json_null() : json_real(lo));
		json_object_set_new(o, "ci_high", thin ? json_null() : json_real(hi));
		json_object_set_new(o, "by_grade", counts(t[i].grade, grades, AE_GRADES));
		json_object_set_new(o, "by_relatedness",
		                    counts(t[i].related, related, AE_RELATEDNESS + 1));
		if (t[i].treated < t[i].patients)
			json_object_set_new(o, "note", json_string(COMPARATOR_NOTE));
		json_array_append_new(rows, o);
	}
	json_t *def = outcome_definition(&p, "adverse-events");
	json_object_set_new(def, "events",
	                    json_string("every adverse event recorded for the patients in the row "
	                                "and not entered in error (CTCAE grade, relatedness as "
	                                "the clinician judged it); rate: patients with any event, "
	                                "exact 95 % interval"));
	json_object_set_new(def, "min_n", json_integer(p.min_n));
	/* JSON: the serious events listed beside the counts (not in the CSV of the counts). */
	json_t *extra =
	    serious ? json_pack("{s:{s:o, s:b}}", "serious", "items", serious, "truncated", more)
	            : NULL;
	return outcome_answer(r, &p, "adverse-events", def, rows, extra);
}
