/* Outcome reports (docs/OUTCOMES.md), computed from the raw records on each request. So far the
 * responder table: at a milestone and threshold, over every treated patient who is due (primary:
 * not evaluable or no value counts as not responding) or over those observed (a sensitivity
 * analysis), overall and by biologic or chronicity at day 0, each rate with its numerator,
 * denominator and exact 95 % interval, or `insufficient` under the minimum n. No identifier appears
 * in any answer. */
#include <stdlib.h>
#include <string.h>

#include "../core/neuropathy.h"
#include "../core/outcomes.h"
#include "../stats/binom.h"
#include "../util/dates.h"
#include "api.h"

typedef struct tally {
	const char *by;    /* the stratifying variable, NULL for every patient */
	const char *value; /* its value in this stratum */
	int treated, due, not_evaluable, missing, observed, responders;
} tally;

static int param(http_req *r, const char *name, int dflt, int lo, int hi, const char *what)
{
	const char *v = http_query(r, name);
	if (!v)
		return dflt;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi) {
		v_add(&r->v, name, "%s", what);
		return dflt;
	}
	return (int)n;
}

/* recent, chronic or unknown at day 0, by the server's threshold. */
static const char *chronicity_at(const char *onset, civil_date day0, int chronic_months)
{
	civil_date o;
	int known = onset && date_parse_partial(onset, &o) == 0;
	return chronicity_name(neuropathy_duration(known ? &o : NULL, day0, chronic_months));
}

static void count(tally *t, const outcome_patient *p, int m, int threshold)
{
	t->treated++;
	if (!p->due[m])
		return;
	t->due++;
	if (!p->evaluable)
		t->not_evaluable++;
	else if (!p->has_value[m])
		t->missing++;
	else {
		t->observed++;
		t->responders += outcome_responder(p, m, threshold);
	}
}

static json_t *row(const tally *t, int primary, int min_n)
{
	int denominator = primary ? t->due : t->observed;
	json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "stratum",
	                      t->by ? json_pack("{s:s}", t->by, t->value) : json_object(),
	                      "treated", t->treated, "due", t->due, "not_evaluable",
	                      t->not_evaluable, "missing", t->missing, "observed", t->observed,
	                      "responders", t->responders, "denominator", denominator);
	double lo, hi;
	int insufficient =
	    denominator < min_n || binom_exact_ci(t->responders, denominator, 0.95, &lo, &hi);
	json_object_set_new(o, "insufficient", json_boolean(insufficient));
	json_object_set_new(
	    o, "rate", insufficient ? json_null() : json_real((double)t->responders / denominator));
	json_object_set_new(o, "ci_low", insufficient ? json_null() : json_real(lo));
	json_object_set_new(o, "ci_high", insufficient ? json_null() : json_real(hi));
	return o;
}

int api_outcomes_responders(http_req *r)
{
	int day = param(r, "milestone", 91, 30, 365, "must be 30, 91, 182 or 365 (days)");
	int threshold = param(r, "threshold", 30, 1, 99, "must be a whole percent from 1 to 99");
	int min_n = param(r, "min_n", 10, 1, 1000, "must be a whole number from 1 to 1000");
	const char *analysis = http_query(r, "analysis");
	const char *by = http_query(r, "by");
	int m = -1;
	for (int i = 0; i < OUTCOME_MILESTONES; i++)
		if (outcome_milestone_day[i] == day)
			m = i;
	if (m < 0 && !v_has(&r->v, "milestone"))
		v_add(&r->v, "milestone", "must be 30, 91, 182 or 365 (days)");
	if (analysis && strcmp(analysis, "primary") && strcmp(analysis, "observed"))
		v_add(&r->v, "analysis", "must be primary or observed");
	if (by && *by && strcmp(by, "biologic") && strcmp(by, "chronicity"))
		v_add(&r->v, "by", "can be biologic or chronicity (more strata come next)");
	if (r->v.n)
		return http_invalid(r);
	int primary = !analysis || strcmp(analysis, "primary") == 0;
	outcome_subject *subjects;
	int n;
	sw_err rc = r->st->ops->outcome_cohort(r->st, r->a, &subjects, &n);
	if (rc)
		return http_fail(r, rc, "outcome");
	civil_date today = date_today(), d0;
	tally all = {0}, *groups = arena_zalloc(r->a, sizeof(tally) * (size_t)(n + 1));
	int n_groups = 0;
	for (int i = 0; i < n; i++) {
		outcome_patient p;
		if (date_parse(subjects[i].day0, &d0))
			continue;
		outcome_evaluate(subjects[i].readings, subjects[i].n_readings,
		                 date_days(today) - date_days(d0), &p);
		count(&all, &p, m, threshold);
		if (!by || !*by)
			continue;
		const char *value =
		    strcmp(by, "biologic") == 0
		        ? subjects[i].biologic
		        : chronicity_at(subjects[i].onset, d0, r->srv->cfg.chronic_months);
		int g = 0;
		while (g < n_groups && strcmp(groups[g].value, value) != 0)
			g++;
		if (g == n_groups) {
			groups[n_groups].by = by;
			groups[n_groups++].value = value;
		}
		count(&groups[g], &p, m, threshold);
	}
	json_t *rows = json_array();
	json_array_append_new(rows, row(&all, primary, min_n));
	for (int g = 0; g < n_groups; g++)
		json_array_append_new(rows, row(&groups[g], primary, min_n));
	char as_of[11];
	date_format(today, as_of);
	json_t *def = json_pack(
	    "{s:i, s:i, s:i, s:s, s:i, s:s}", "milestone_day", day, "window_days",
	    outcome_milestone_window[m], "threshold_percent", threshold, "analysis",
	    primary ? "primary" : "observed", "min_n", min_n, "responder",
	    primary ? "NRS at the milestone at or under baseline x (1 - threshold); every treated "
	              "patient who is due counts, those not evaluable or with no value as not "
	              "responding"
	            : "NRS at the milestone at or under baseline x (1 - threshold), among the "
	              "patients with a baseline and a value (a sensitivity analysis)");
	audit_record a = http_audit(r, "outcomes.read", "outcomes", "responders", NULL);
	a.detail = arena_printf(r->a, "milestone %d, threshold %d, %s", day, threshold,
	                        primary ? "primary" : "observed");
	if (http_audit_reads(r, &a, 1)) {
		json_decref(rows);
		json_decref(def);
		return r->status;
	}
	return http_json(
	    r, 200, json_pack("{s:o, s:s, s:o}", "definition", def, "as_of", as_of, "rows", rows));
}
