/* Outcome reports (docs/OUTCOMES.md), computed from the raw records on each request. The
 * responder table: at a milestone and threshold (NRS) or by PGIC, over every patient who is due
 * (primary: not evaluable or no value counts as not responding) or over those observed (a
 * sensitivity analysis), filtered by any strata and split by up to two, each rate with its
 * numerator, denominator and exact 95 % interval, or `insufficient` under the minimum n; as JSON
 * or CSV. No identifier appears in any answer. */
#include <stdlib.h>
#include <string.h>

#include "../core/outcome_report.h"
#include "../core/treatment.h"
#include "../stats/binom.h"
#include "../util/dates.h"
#include "api.h"

#include "outcomes.h"

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

/* "a, b or c" for variable v. */
static const char *choices(http_req *r, const outcome_scheme *s, int v)
{
	const char *out = "";
	for (int i = 0; i < s->n_values[v]; i++)
		out = arena_printf(r->a, "%s%s%s", out,
		                   i == 0                    ? ""
		                   : i == s->n_values[v] - 1 ? " or "
		                                             : ", ",
		                   s->values[v][i]);
	return out;
}

/* The comma-separated list in text split in place into at most max parts; returns how many. */
static int split(char *text, const char **parts, int max)
{
	int n = 0;
	for (char *p = text; p && n <= max;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (n < max)
			parts[n] = p;
		n++;
		p = comma ? comma + 1 : NULL;
	}
	return n;
}

static void read_filters(http_req *r, report_params *p)
{
	p->filters = "none";
	for (int v = 0; v < OV_COUNT; v++) {
		const char *name = p->scheme->name[v], *given = http_query(r, name);
		if (!given)
			continue;
		const char *parts[OV_MAX_VALUES];
		int n = split(arena_strdup(r->a, given), parts, OV_MAX_VALUES);
		for (int i = 0; i < n && i < OV_MAX_VALUES; i++) {
			int k = outcome_value(p->scheme, v, parts[i]);
			if (k < 0) {
				v_add(&r->v, name, "can be %s (several with commas)",
				      choices(r, p->scheme, v));
				break;
			}
			p->q.filter[v] |= 1u << k;
		}
		p->filters = strcmp(p->filters, "none") == 0
		                 ? arena_printf(r->a, "%s=%s", name, given)
		                 : arena_printf(r->a, "%s, %s=%s", p->filters, name, given);
	}
}

static void read_by(http_req *r, report_params *p)
{
	const char *given = http_query(r, "by");
	if (!given || !*given)
		return;
	const char *parts[3];
	int n = split(arena_strdup(r->a, given), parts, 2);
	const char *names = "";
	for (int v = 0; v < OV_COUNT; v++)
		names = arena_printf(r->a, "%s%s%s", names, v ? ", " : "", p->scheme->name[v]);
	if (n > 2) {
		v_add(&r->v, "by", "takes at most two variables, e.g. by=biologic,chronicity");
		return;
	}
	for (int i = 0; i < n; i++) {
		p->q.by[i] = outcome_var(p->scheme, parts[i]);
		if (p->q.by[i] < 0) {
			v_add(&r->v, "by", "names one or two of %s, with a comma", names);
			return;
		}
	}
	if (n == 2 && p->q.by[0] == p->q.by[1])
		v_add(&r->v, "by", "names the same variable twice");
}

int outcome_params(http_req *r, report_params *p)
{
	p->scheme = outcome_cache_scheme(r->srv->outcomes);
	outcome_query_init(&p->q, date_days(date_today()));
	int day = param(r, "milestone", 91, 30, 365, "must be 30, 91, 182 or 365 (days)");
	p->q.threshold = param(r, "threshold", 30, 1, 99, "must be a whole percent from 1 to 99");
	p->min_n = param(r, "min_n", 10, 1, 1000, "must be a whole number from 1 to 1000");
	p->q.milestone = -1;
	for (int i = 0; i < OUTCOME_MILESTONES; i++)
		if (outcome_milestone_day[i] == day)
			p->q.milestone = i;
	if (p->q.milestone < 0 && !v_has(&r->v, "milestone"))
		v_add(&r->v, "milestone", "must be 30, 91, 182 or 365 (days)");
	const char *analysis = http_query(r, "analysis"), *measure = http_query(r, "measure");
	const char *format = http_query(r, "format");
	if (analysis && strcmp(analysis, "primary") && strcmp(analysis, "observed"))
		v_add(&r->v, "analysis", "must be primary or observed");
	if (measure && strcmp(measure, "nrs") && strcmp(measure, "pgic"))
		v_add(&r->v, "measure",
		      "must be nrs (a fall in pain by the threshold) or pgic "
		      "(much improved or better)");
	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		v_add(&r->v, "format", "must be json or csv");
	p->q.primary = !analysis || strcmp(analysis, "primary") == 0;
	p->q.measure = measure && strcmp(measure, "pgic") == 0 ? MEASURE_PGIC : MEASURE_NRS;
	p->csv = format && strcmp(format, "csv") == 0;
	read_filters(r, p);
	read_by(r, p);
	return r->v.n ? http_invalid(r) : 0;
}

int outcome_tallies(http_req *r, const report_params *p, outcome_tally **rows, int *n_rows)
{
	sw_err rc = outcome_cache_refresh(r->srv->outcomes, r->st);
	if (rc)
		return http_fail(r, rc, "outcome");
	int n;
	const outcome_profile *profiles = outcome_cache_acquire(r->srv->outcomes, &n);
	int bad = outcome_responders(p->scheme, profiles, n, &p->q, r->a, rows, n_rows);
	outcome_cache_release(r->srv->outcomes);
	if (bad)
		return http_problem(r, 500, "Out of memory", "The report could not be computed.");
	return 0;
}

json_t *outcome_stratum(const report_params *p, const outcome_tally *t)
{
	json_t *stratum = json_object();
	for (int i = 0; i < 2; i++)
		if (p->q.by[i] >= 0 && t->value[i] >= 0)
			json_object_set_new(
			    stratum, p->scheme->name[p->q.by[i]],
			    json_string(p->scheme->values[p->q.by[i]][t->value[i]]));
	return stratum;
}

json_t *outcome_definition(const report_params *p, const char *report)
{
	char as_of[11];
	date_format(date_from_days(p->q.today), as_of);
	json_t *by = json_array();
	for (int i = 0; i < 2; i++)
		if (p->q.by[i] >= 0)
			json_array_append_new(by, json_string(p->scheme->name[p->q.by[i]]));
	json_t *d =
	    json_pack("{s:s, s:s, s:s, s:o, s:i}", "report", report, "as_of", as_of, "filters",
	              p->filters, "by", by, "chronic_months", p->scheme->chronic_months);
	if (p->q.filter[OV_GROUP] || p->q.by[0] == OV_GROUP || p->q.by[1] == OV_GROUP)
		json_object_set_new(d, "comparator",
		                    json_string("patients with a neuropathy diagnosis and no "
		                                "regenerative injection, day 0 their first clinic "
		                                "NRS: an " COMPARATOR_NOTE));
	else
		json_object_set_new(d, "patients",
		                    json_string("treated: at least one injection "
		                                "not voided; day 0 the first"));
	return d;
}

int outcome_answer(http_req *r, const report_params *p, const char *report, json_t *def,
                   json_t *rows, json_t *extra)
{
	audit_record a = http_audit(r, "outcomes.read", "outcomes", report, NULL);
	a.detail = arena_printf(r->a, "filters %s", p->filters);
	if (http_audit_reads(r, &a, 1)) {
		json_decref(rows);
		json_decref(def);
		json_decref(extra);
		return r->status;
	}
	if (p->csv) {
		json_decref(extra);
		return api_csv(r, arena_printf(r->a, "%s.csv", report), def, rows);
	}
	json_t *as_of = json_object_get(def, "as_of");
	json_t *out = json_pack("{s:o, s:O, s:o}", "definition", def, "as_of", as_of, "rows", rows);
	if (extra)
		json_object_update(out, extra);
	json_decref(extra);
	return http_json(r, 200, out);
}

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
	double lo, hi;
	int insufficient =
	    denominator < p->min_n || binom_exact_ci(t->responders, denominator, 0.95, &lo, &hi);
	json_object_set_new(o, "insufficient", json_boolean(insufficient));
	json_object_set_new(
	    o, "rate", insufficient ? json_null() : json_real((double)t->responders / denominator));
	json_object_set_new(o, "ci_low", insufficient ? json_null() : json_real(lo));
	json_object_set_new(o, "ci_high", insufficient ? json_null() : json_real(hi));
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

int api_outcomes_responders(http_req *r)
{
	report_params p;
	memset(&p, 0, sizeof p);
	if (outcome_params(r, &p))
		return r->status;
	outcome_tally *tallies = NULL;
	int n_rows = 0;
	if (outcome_tallies(r, &p, &tallies, &n_rows))
		return r->status;
	json_t *rows = json_array();
	for (int i = 0; i < n_rows; i++)
		json_array_append_new(rows, responder_row(&p, &tallies[i]));
	int m = p.q.milestone;
	json_t *def = outcome_definition(&p, "responders");
	json_object_set_new(def, "milestone_day", json_integer(outcome_milestone_day[m]));
	json_object_set_new(def, "window_days", json_integer(outcome_milestone_window[m]));
	json_object_set_new(def, "measure",
	                    json_string(p.q.measure == MEASURE_PGIC ? "pgic" : "nrs"));
	json_object_set_new(def, "analysis", json_string(p.q.primary ? "primary" : "observed"));
	if (p.q.measure == MEASURE_NRS)
		json_object_set_new(def, "threshold_percent", json_integer(p.q.threshold));
	json_object_set_new(def, "responder", json_string(responder_text(&p)));
	json_object_set_new(def, "interval", json_string("exact (Clopper-Pearson) 95 %"));
	json_object_set_new(def, "min_n", json_integer(p.min_n));
	json_object_set_new(def, "adverse_events",
	                    json_string("patients in the row with any adverse event recorded, "
	                                "and with a serious one; details in "
	                                "/api/v1/outcomes/adverse-events"));
	return outcome_answer(r, &p, "responders", def, rows, NULL);
}
