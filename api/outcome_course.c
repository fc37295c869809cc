/* The outcome reports over the course after day 0 (docs/OUTCOMES.md): time to response
 * (Kaplan-Meier per stratum with log-log intervals and the median, the log-rank test between
 * strata) and the mean change from baseline at each milestone (NRS absolute and percent, DN4,
 * MNSI history, TCNS) with t intervals. */
#include <math.h>
#include <string.h>

#include "../stats/km.h"
#include "../stats/logrank.h"
#include "../stats/mean_ci.h"
#include "outcomes.h"

static json_t *number(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* One stratum's subjects for the curve. */
typedef struct km_group {
	double *time;
	int *event;
	int n, cap;
	int not_evaluable, no_follow_up, lows_cut, patients;
} km_group;

static void km_add(arena *a, km_group *g, long day, int event)
{
	if (g->n == g->cap) {
		int cap = g->cap ? g->cap * 2 : 64;
		double *t = arena_alloc(a, sizeof *t * (size_t)cap);
		int *e = arena_alloc(a, sizeof *e * (size_t)cap);
		if (g->n) {
			memcpy(t, g->time, sizeof *t * (size_t)g->n);
			memcpy(e, g->event, sizeof *e * (size_t)g->n);
		}
		g->time = t;
		g->event = e;
		g->cap = cap;
	}
	g->time[g->n] = (double)day;
	g->event[g->n++] = event;
}

/* The subjects of every cell (0 every patient, 1 + cell a stratum). */
static km_group *km_groups(const report_input *in, int cells)
{
	const report_params *p = in->p;
	km_group *g = arena_zalloc(p->a, sizeof *g * (size_t)(cells + 1));
	int n;
	const outcome_profile *prof = outcome_cache_acquire(in->cache, &n);
	for (int i = 0; i < n; i++) {
		if (!outcome_passes(&p->q, &prof[i]))
			continue;
		long day;
		int r = outcome_first_response(&prof[i].nrs, p->q.threshold, &day);
		km_group *both[2] = {&g[0], p->q.by[0] >= 0
		                                ? &g[1 + outcome_cell(p->scheme, &p->q, &prof[i])]
		                                : NULL};
		for (int k = 0; k < 2 && both[k]; k++) {
			both[k]->patients++;
			both[k]->lows_cut += prof[i].nrs.lows_cut;
			if (r >= 0)
				km_add(p->a, both[k], day, r);
			else if (!prof[i].nrs.evaluable)
				both[k]->not_evaluable++;
			else
				both[k]->no_follow_up++;
		}
	}
	outcome_cache_release(in->cache);
	return g;
}

static json_t *curve_json(const report_params *p, const outcome_tally *cell, const km_group *g,
                          json_t *csv_rows)
{
	km_curve c;
	memset(&c, 0, sizeof c);
	int thin = g->n < p->min_n || km_estimate(g->time, g->event, g->n, 0.95, p->a, &c);
	json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i, s:i, s:b}", "stratum",
	                      outcome_stratum(p, cell), "patients", g->patients, "in_curve", g->n,
	                      "responses", thin ? 0 : c.n_events, "not_evaluable", g->not_evaluable,
	                      "no_follow_up", g->no_follow_up, "insufficient", thin);
	if (thin)
		json_object_set_new(o, "responses", json_null());
	json_object_set_new(o, "median", thin ? json_null() : number(c.median));
	json_object_set_new(o, "median_lower", thin ? json_null() : number(c.median_lower));
	json_object_set_new(o, "median_upper", thin ? json_null() : number(c.median_upper));
	json_t *steps = json_array();
	for (int i = 0; !thin && i < c.n_steps; i++) {
		const km_step *s = &c.steps[i];
		json_t *step = json_pack("{s:i, s:i, s:i, s:i, s:o, s:o, s:o}", "day", (int)s->time,
		                         "at_risk", s->n_risk, "events", s->n_event, "censored",
		                         s->n_censor, "survival", number(s->surv), "lower",
		                         number(s->lower), "upper", number(s->upper));
		if (csv_rows) {
			json_t *line = json_pack("{s:o}", "stratum", outcome_stratum(p, cell));
			json_object_update(line, step);
			json_array_append_new(csv_rows, line);
		}
		json_array_append_new(steps, step);
	}
	json_object_set_new(o, "steps", steps);
	if (cell->treated < cell->patients)
		json_object_set_new(o, "note", json_string(COMPARATOR_NOTE));
	return o;
}

/* The log-rank test between the strata that have patients in a curve. */
static json_t *logrank_json(const report_params *p, const km_group *g, int cells)
{
	int n = 0, k = 0;
	for (int c = 0; c < cells; c++)
		n += g[1 + c].n;
	double *time = arena_alloc(p->a, sizeof *time * (size_t)(n + 1));
	int *event = arena_alloc(p->a, sizeof *event * (size_t)(n + 1));
	int *group = arena_alloc(p->a, sizeof *group * (size_t)(n + 1));
	int at = 0;
	for (int c = 0; c < cells; c++) {
		if (!g[1 + c].n)
			continue;
		for (int i = 0; i < g[1 + c].n; i++) {
			time[at] = g[1 + c].time[i];
			event[at] = g[1 + c].event[i];
			group[at++] = k;
		}
		k++;
	}
	logrank_result lr;
	if (k < 2 || k > LOGRANK_MAX_GROUPS || logrank_test(time, event, group, n, k, p->a, &lr))
		return json_pack("{s:n, s:n, s:n, s:s}", "chisq", "df", "p", "reason",
		                 "no test: fewer than two strata with responses expected");
	return json_pack("{s:o, s:i, s:o, s:i}", "chisq", number(lr.chisq), "df", lr.df, "p",
	                 number(lr.p), "strata", lr.groups_tested);
}

sw_err outcome_report_time(const report_input *in, json_t **def, json_t **rows, json_t **extra)
{
	const report_params *p = in->p;
	outcome_tally *t = NULL;
	int n_rows = 0, cells = outcome_cells(p->scheme, &p->q);
	if (outcome_tallies(in, &t, &n_rows))
		return SW_EDB;
	km_group *g = km_groups(in, cells);
	json_t *curves = json_array(), *csv_rows = p->csv ? json_array() : NULL;
	*rows = json_array();
	int cut = g[0].lows_cut;
	for (int i = 0; i < n_rows; i++) {
		const km_group *grp =
		    i == 0 ? &g[0]
		           : &g[1 + (t[i].value[1] >= 0
		                         ? t[i].value[0] * p->scheme->n_values[p->q.by[1]] +
		                               t[i].value[1]
		                         : t[i].value[0])];
		json_t *curve = curve_json(p, &t[i], grp, csv_rows);
		json_t *summary = json_deep_copy(curve);
		json_object_del(summary, "steps");
		json_array_append_new(*rows, summary);
		json_array_append_new(curves, curve);
	}
	json_t *d = *def = outcome_definition(p, "time-to-response");
	json_object_set_new(d, "threshold_percent", json_integer(p->q.threshold));
	json_object_set_new(
	    d, "event",
	    json_string(
	        "the first day after day 0 with an NRS day value at or under baseline x "
	        "(1 - threshold); without one, censored at the last reading after day 0; "
	        "patients not evaluable or with no reading after day 0 are counted and left "
	        "out of the curve"));
	json_object_set_new(d, "method",
	                    json_string("Kaplan-Meier, Greenwood variance, log-log 95 % intervals; "
	                                "median with its interval; log-rank test between strata"));
	json_object_set_new(d, "min_n", json_integer(p->min_n));
	if (cut)
		json_object_set_new(
		    d, "lows_cut",
		    json_string("some patients reached more new lows than the reports keep (8); a "
		                "response below their eighth low is not seen"));
	json_t *more = json_pack("{s:o}", "curves", curves);
	if (p->q.by[0] >= 0)
		json_object_set_new(more, "logrank", logrank_json(p, g, cells));
	if (csv_rows) {
		json_decref(*rows);
		*rows = csv_rows;
	}
	*extra = more;
	return SW_OK;
}

/* NRS, NRS percent, then the scores of outcome_score_names. */
enum { CH_NRS, CH_NRS_PERCENT, CH_SCORES, CH_COUNT = CH_SCORES + OUTCOME_SCORES };

static const char *change_name(int k)
{
	return k == CH_NRS           ? "nrs"
	       : k == CH_NRS_PERCENT ? "nrs_percent"
	                             : outcome_score_names[k - CH_SCORES];
}

/* The changes of one profile at milestone m into acc[CH_COUNT] (due patients with both ends). */
static void add_changes(const outcome_profile *pr, int m, long today, mean_acc *acc)
{
	if (pr->day0 + outcome_milestone_day[m] + outcome_milestone_window[m] >= today)
		return;
	const outcome_patient *o = &pr->nrs;
	if (o->evaluable && o->has_value[m]) {
		mean_acc_add(&acc[CH_NRS], o->value[m] - o->baseline);
		mean_acc_add(&acc[CH_NRS_PERCENT], 100 * (o->value[m] - o->baseline) / o->baseline);
	}
	for (int s = 0; s < OUTCOME_SCORES; s++)
		if (!isnan(pr->score_base[s]) && !isnan(pr->score_at[s][m]))
			mean_acc_add(&acc[CH_SCORES + s],
			             (double)pr->score_at[s][m] - pr->score_base[s]);
}

sw_err outcome_report_change(const report_input *in, json_t **def, json_t **rows, json_t **extra)
{
	const report_params *p = in->p;
	int cells = outcome_cells(p->scheme, &p->q), by = p->q.by[0] >= 0;
	const char *only = p->get(p->ctx, "milestone");
	(void)extra;
	*rows = json_array();
	for (int m = 0; m < OUTCOME_MILESTONES; m++) {
		if (only && m != p->q.milestone)
			continue;
		report_params pm = *p;
		pm.q.milestone = m;
		mean_acc *acc = arena_zalloc(p->a, sizeof *acc * (size_t)(cells + 1) * CH_COUNT);
		int *patients = arena_zalloc(p->a, sizeof *patients * (size_t)(cells + 1));
		int *treated = arena_zalloc(p->a, sizeof *treated * (size_t)(cells + 1));
		int n;
		const outcome_profile *prof = outcome_cache_acquire(in->cache, &n);
		for (int i = 0; i < n; i++) {
			if (!outcome_passes(&pm.q, &prof[i]))
				continue;
			int c = by ? 1 + outcome_cell(p->scheme, &pm.q, &prof[i]) : 0;
			for (int k = 0; k < (by ? 2 : 1); k++) {
				int at = k ? c : 0;
				patients[at]++;
				treated[at] += prof[i].var[OV_GROUP] == 0;
				add_changes(&prof[i], m, p->q.today, &acc[at * CH_COUNT]);
			}
		}
		outcome_cache_release(in->cache);
		for (int c = 0; c <= (by ? cells : 0); c++) {
			if (c && !patients[c])
				continue;
			outcome_tally cell = {.patients = patients[c], .treated = treated[c]};
			if (c)
				outcome_cell_values(p->scheme, &pm.q, c - 1, cell.value);
			else
				cell.value[0] = cell.value[1] = -1;
			for (int k = 0; k < CH_COUNT; k++) {
				const mean_acc *a = &acc[c * CH_COUNT + k];
				mean_ci ci;
				int thin = a->n < p->min_n ||
				           mean_t_ci_sums(a->n, a->mean, a->ss, 0.95, &ci);
				json_t *o =
				    json_pack("{s:o, s:i, s:s, s:i, s:b}", "stratum",
				              outcome_stratum(&pm, &cell), "milestone_day",
				              outcome_milestone_day[m], "measure", change_name(k),
				              "n", a->n, "insufficient", thin);
				json_object_set_new(o, "mean",
				                    thin ? json_null() : number(ci.mean));
				json_object_set_new(o, "sd", thin ? json_null() : number(ci.sd));
				json_object_set_new(o, "ci_low",
				                    thin ? json_null() : number(ci.lo));
				json_object_set_new(o, "ci_high",
				                    thin ? json_null() : number(ci.hi));
				if (cell.treated < cell.patients)
					json_object_set_new(o, "note",
					                    json_string(COMPARATOR_NOTE));
				json_array_append_new(*rows, o);
			}
		}
	}
	json_t *d = *def = outcome_definition(p, "change");
	json_object_set_new(
	    d, "change",
	    json_string(
	        "value at the milestone minus baseline, over the patients who are due and "
	        "have both (negative is better for every measure); NRS as in the responder "
	        "table, nrs_percent relative to the baseline; DN4, MNSI history and TCNS: "
	        "baseline the latest total from day -90 to day 0, the milestone's the total "
	        "nearest it inside its window"));
	json_object_set_new(d, "interval", json_string("t distribution, 95 %"));
	json_object_set_new(d, "min_n", json_integer(p->min_n));
	return SW_OK;
}
