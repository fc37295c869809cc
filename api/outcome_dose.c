/* GET /api/v1/outcomes/dose-response (docs/OUTCOMES.md): the responder table by tertile of the
 * dose, for two doses: the cells the injections gave by the milestone, and the first
 * injection's platelet fold concentration. Tertiles are cut over the patients who are due and
 * have the dose, so each holds about a third of them; those without a recorded dose have their
 * own row. Same milestone, threshold, measure, analysis and filters as the responder table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes.h"

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double dose_of(const outcome_profile *p, int kind, int m)
{
	return kind == 0 ? p->cells_by[m] : p->fold;
}

static int due(const outcome_profile *p, const outcome_query *q)
{
	int m = q->milestone;
	return p->day0 + outcome_milestone_day[m] + outcome_milestone_window[m] < q->today;
}

/* Rows for one dose: tertiles 1-3 with their ranges, then "not recorded". */
static void dose_rows(const report_input *in, int kind, json_t *rows)
{
	static const char *const names[2] = {"cells", "platelet_fold"};
	const report_params *p = in->p;
	int m = p->q.milestone, n, k = 0;
	const outcome_profile *prof = outcome_cache_acquire(in->cache, &n);
	double *values = arena_alloc(p->a, sizeof *values * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		if (outcome_passes(&p->q, &prof[i]) && due(&prof[i], &p->q) &&
		    !isnan(dose_of(&prof[i], kind, m)))
			values[k++] = dose_of(&prof[i], kind, m);
	qsort(values, (size_t)k, sizeof *values, by_value);
	/* The upper bounds of the first two tertiles: the values at ranks ceil(k/3), ceil(2k/3). */
	double cut[2] = {k ? values[(k + 2) / 3 - 1] : 0, k ? values[(2 * k + 2) / 3 - 1] : 0};
	outcome_tally t[4];
	double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
	memset(t, 0, sizeof t);
	for (int i = 0; i < n; i++) {
		if (!outcome_passes(&p->q, &prof[i]))
			continue;
		double v = dose_of(&prof[i], kind, m);
		int g = isnan(v) ? 3 : v <= cut[0] ? 0 : v <= cut[1] ? 1 : 2;
		outcome_count(&t[g], &prof[i], &p->q);
		if (g < 3 && due(&prof[i], &p->q)) {
			lo[g] = fmin(lo[g], v);
			hi[g] = fmax(hi[g], v);
		}
	}
	outcome_cache_release(in->cache);
	static const char *const groups[4] = {"1", "2", "3", "not_recorded"};
	for (int g = 0; g < 4; g++) {
		int d = p->q.primary ? t[g].due : t[g].observed;
		json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "dose",
		                      names[kind], "tertile", groups[g], "patients", t[g].patients,
		                      "due", t[g].due, "not_evaluable", t[g].not_evaluable,
		                      "missing", t[g].missing, "observed", t[g].observed,
		                      "responders", t[g].responders, "denominator", d);
		int ranged = g < 3 && isfinite(lo[g]);
		json_object_set_new(o, "dose_low", ranged ? json_real(lo[g]) : json_null());
		json_object_set_new(o, "dose_high", ranged ? json_real(hi[g]) : json_null());
		outcome_rate(o, t[g].responders, d, p->min_n);
		json_array_append_new(rows, o);
	}
}

sw_err outcome_report_dose(const report_input *in, json_t **def, json_t **rows, json_t **extra)
{
	const report_params *p = in->p;
	(void)extra;
	*rows = json_array();
	dose_rows(in, 0, *rows);
	dose_rows(in, 1, *rows);
	json_t *d = *def = outcome_definition(p, "dose-response");
	int m = p->q.milestone;
	json_object_set_new(d, "milestone_day", json_integer(outcome_milestone_day[m]));
	json_object_set_new(d, "measure",
	                    json_string(p->q.measure == MEASURE_PGIC ? "pgic" : "nrs"));
	json_object_set_new(d, "analysis", json_string(p->q.primary ? "primary" : "observed"));
	if (p->q.measure == MEASURE_NRS)
		json_object_set_new(d, "threshold_percent", json_integer(p->q.threshold));
	json_object_set_new(
	    d, "dose",
	    json_string(
	        "cells: nucleated cells given by the injections on or before the milestone "
	        "day (those recorded); platelet_fold: the first injection's product, "
	        "platelets per uL over the patient's blood count. Tertiles cut over the due "
	        "patients with the dose: 1 up to the value at rank ceil(n/3), 2 up to rank "
	        "ceil(2n/3), 3 above; dose_low and dose_high the range of due patients in "
	        "each. An association, not proof that more works better: doses differ "
	        "between biologics and patients. `by` is not applied to this report"));
	json_object_set_new(d, "interval", json_string("exact (Clopper-Pearson) 95 %"));
	json_object_set_new(d, "min_n", json_integer(p->min_n));
	return SW_OK;
}
