/* The strata of a patient at day 0 and the responder tallies over profiles (outcome_report.h). */
#include "outcome_report.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neuropathy.h"
#include "patient.h"

const char *const outcome_relatedness[] = {"unrelated", "unlikely", "possible",
                                           "probable",  "definite", NULL};

const char *const outcome_score_ids[OUTCOME_TOTALS] = {"dn4", "mnsi-history", "tcns"};
const char *const outcome_score_names[OUTCOME_SCORES] = {
    "dn4",
    "mnsi_history",
    "tcns",
    "rand36_physical_functioning",
    "rand36_role_physical",
    "rand36_role_emotional",
    "rand36_energy_fatigue",
    "rand36_emotional_wellbeing",
    "rand36_social_functioning",
    "rand36_pain",
    "rand36_general_health",
};

static const char *const group_values[] = {"treated", "comparator", NULL};
static const char *const chronicity_values[] = {"recent", "chronic", "unknown", NULL};
static const char *const duration_values[] = {"under_1y", "1_to_5y", "over_5y", "unknown", NULL};
static const char *const injection_values[] = {"1", "2", "3_plus", "none", NULL};
static const char *const age_values[] = {"under_50", "50_to_64", "65_plus", "unknown", NULL};
static const char *const hba1c_values[] = {"under_7", "7_to_8.9", "9_plus", "none", NULL};

static void set_values(outcome_scheme *s, int v, const char *name, const char *const *values)
{
	s->name[v] = name;
	s->n_values[v] = 0;
	for (int i = 0; values[i] && i < OV_MAX_VALUES; i++)
		s->values[v][s->n_values[v]++] = values[i];
}

void outcome_scheme_init(outcome_scheme *s, const char *const *biologics, int n, int chronic_months)
{
	memset(s, 0, sizeof *s);
	s->chronic_months = chronic_months;
	set_values(s, OV_GROUP, "group", group_values);
	s->name[OV_BIOLOGIC] = "biologic";
	for (int i = 0; i < n && i < OV_MAX_VALUES - 1; i++)
		s->values[OV_BIOLOGIC][s->n_values[OV_BIOLOGIC]++] = biologics[i];
	s->values[OV_BIOLOGIC][s->n_values[OV_BIOLOGIC]++] = "none";
	set_values(s, OV_ETIOLOGY, "etiology", etiology_names);
	set_values(s, OV_CHRONICITY, "chronicity", chronicity_values);
	set_values(s, OV_DURATION, "duration", duration_values);
	set_values(s, OV_INJECTIONS, "injections", injection_values);
	set_values(s, OV_AGE, "age", age_values);
	set_values(s, OV_SEX, "sex", sex_at_birth_names);
	set_values(s, OV_HBA1C, "hba1c", hba1c_values);
}

int outcome_var(const outcome_scheme *s, const char *name)
{
	for (int v = 0; v < OV_COUNT; v++)
		if (name && strcmp(s->name[v], name) == 0)
			return v;
	return -1;
}

int outcome_value(const outcome_scheme *s, int v, const char *value)
{
	for (int i = 0; value && v >= 0 && v < OV_COUNT && i < s->n_values[v]; i++)
		if (strcmp(s->values[v][i], value) == 0)
			return i;
	return -1;
}

/* value's index, or the index of fallback (a value the scheme always has). */
static uint8_t value_or(const outcome_scheme *s, int v, const char *value, const char *fallback)
{
	int i = outcome_value(s, v, value);
	return (uint8_t)(i >= 0 ? i : outcome_value(s, v, fallback));
}

static void duration_at(const outcome_scheme *s, const char *onset, civil_date day0,
                        outcome_profile *out)
{
	civil_date o;
	int known = onset && date_parse_partial(onset, &o) == 0;
	nerve_duration d = neuropathy_duration(known ? &o : NULL, day0, s->chronic_months);
	out->var[OV_CHRONICITY] = value_or(s, OV_CHRONICITY, chronicity_name(d), "unknown");
	const char *band = !d.known         ? "unknown"
	                   : d.months < 12  ? "under_1y"
	                   : d.months <= 60 ? "1_to_5y"
	                                    : "over_5y";
	out->var[OV_DURATION] = value_or(s, OV_DURATION, band, "unknown");
}

static const char *age_band(const char *birth_date, civil_date day0)
{
	civil_date b;
	if (!birth_date || date_parse(birth_date, &b))
		return "unknown";
	int years = date_months_between(b, day0) / 12;
	return years < 50 ? "under_50" : years < 65 ? "50_to_64" : "65_plus";
}

/* The mean of the readings on the day nearest `at` within [from, to] (the later day on a tie);
 * NaN when none. */
static float nearest_mean(const nrs_reading *r, int n, long at, long from, long to)
{
	long best = LONG_MIN;
	for (int i = 0; i < n; i++) {
		if (r[i].day < from || r[i].day > to)
			continue;
		if (best == LONG_MIN || labs(r[i].day - at) < labs(best - at) ||
		    (labs(r[i].day - at) == labs(best - at) && r[i].day > best))
			best = r[i].day;
	}
	double sum = 0;
	int k = 0;
	for (int i = 0; best != LONG_MIN && i < n; i++)
		if (r[i].day == best) {
			sum += r[i].value;
			k++;
		}
	return k ? (float)(sum / k) : NAN;
}

static void scores(const outcome_subject *sub, outcome_profile *out)
{
	for (int s = 0; s < OUTCOME_SCORES; s++) {
		/* The latest from day -90 to day 0: the nearest to day 0 in that span. */
		out->score_base[s] = nearest_mean(sub->scores[s], sub->n_scores[s], 0, -90, 0);
		for (int m = 0; m < OUTCOME_MILESTONES; m++) {
			long at = outcome_milestone_day[m], w = outcome_milestone_window[m];
			out->score_at[s][m] =
			    nearest_mean(sub->scores[s], sub->n_scores[s], at, at - w, at + w);
		}
	}
}

/* The PGIC answer nearest the milestone inside its window (the later day on a tie); on a day
 * with two answers, much improved or better only when both say so. */
static int8_t pgic_at(const nrs_reading *r, int n, int m)
{
	long at = outcome_milestone_day[m], w = outcome_milestone_window[m], best = -1;
	int8_t value = -1;
	for (int i = 0; i < n; i++) {
		if (r[i].day < at - w || r[i].day > at + w)
			continue;
		long d = labs(r[i].day - at), b = labs(best - at);
		int8_t yes = r[i].value > 0.5;
		if (best < 0 || d < b || (d == b && r[i].day > best)) {
			best = r[i].day;
			value = yes;
		} else if (r[i].day == best && !yes) {
			value = 0;
		}
	}
	return value;
}

int outcome_profile_make(const outcome_scheme *s, const outcome_subject *sub, outcome_profile *out)
{
	civil_date d0;
	memset(out, 0, sizeof *out);
	if (!sub->day0 || date_parse(sub->day0, &d0))
		return -1;
	out->day0 = date_days(d0);
	out->live = 1;
	out->var[OV_GROUP] = sub->treated ? 0 : 1;
	out->var[OV_BIOLOGIC] =
	    value_or(s, OV_BIOLOGIC, sub->treated ? sub->biologic : "none", "none");
	out->var[OV_ETIOLOGY] = value_or(s, OV_ETIOLOGY, sub->etiology, "other");
	duration_at(s, sub->onset, d0, out);
	out->var[OV_AGE] = value_or(s, OV_AGE, age_band(sub->birth_date, d0), "unknown");
	out->var[OV_SEX] = value_or(s, OV_SEX, sub->sex, "unknown");
	const char *hba1c = !sub->has_hba1c  ? "none"
	                    : sub->hba1c < 7 ? "under_7"
	                    : sub->hba1c < 9 ? "7_to_8.9"
	                                     : "9_plus";
	out->var[OV_HBA1C] = value_or(s, OV_HBA1C, hba1c, "none");
	for (int m = 0; m < OUTCOME_MILESTONES; m++) {
		int k = 0, cells = 0;
		double given = 0;
		for (int i = 0; i < sub->n_injections; i++)
			if (sub->injections[i].day <= outcome_milestone_day[m]) {
				k++;
				if (!isnan(sub->injections[i].value)) {
					given += sub->injections[i].value;
					cells++;
				}
			}
		out->cells_by[m] = cells ? given : NAN;
		const char *count = !sub->treated ? "none" : k <= 1 ? "1" : k == 2 ? "2" : "3_plus";
		out->injections_by[m] = value_or(s, OV_INJECTIONS, count, "none");
		out->pgic[m] = pgic_at(sub->pgic, sub->n_pgic, m);
	}
	for (int i = 0; i < sub->n_events; i++) {
		const outcome_event *e = &sub->events[i];
		int g = e->grade >= 1 && e->grade <= AE_GRADES ? e->grade - 1 : -1;
		if (out->ae_events == UINT8_MAX)
			break;
		out->ae_events++;
		if (g >= 0)
			out->ae_grade[g]++;
		if (e->related >= 0 && e->related < AE_RELATEDNESS)
			out->ae_related[e->related]++;
		out->ae_serious += e->serious != 0;
	}
	scores(sub, out);
	out->fold = sub->has_fold && sub->fold > 0 ? sub->fold : NAN;
	/* today 0: nothing is due; the report decides that from its own today. */
	outcome_evaluate(sub->readings, sub->n_readings, 0, &out->nrs);
	return 0;
}

void outcome_query_init(outcome_query *q, long today)
{
	memset(q, 0, sizeof *q);
	q->milestone = 1;
	q->threshold = 30;
	q->primary = 1;
	q->today = today;
	q->by[0] = q->by[1] = -1;
}

static uint8_t value_of(const outcome_profile *p, int v, int m)
{
	return v == OV_INJECTIONS ? p->injections_by[m] : p->var[v];
}

void outcome_count(outcome_tally *t, const outcome_profile *p, const outcome_query *q)
{
	int m = q->milestone;
	t->patients++;
	t->treated += p->var[OV_GROUP] == 0;
	t->with_event += p->ae_events > 0;
	t->with_serious += p->ae_serious > 0;
	t->events += p->ae_events;
	t->serious += p->ae_serious;
	int known = 0;
	for (int g = 0; g < AE_GRADES; g++)
		t->grade[g] += p->ae_grade[g];
	for (int k = 0; k < AE_RELATEDNESS; k++) {
		t->related[k] += p->ae_related[k];
		known += p->ae_related[k];
	}
	t->related[AE_RELATEDNESS] += p->ae_events - known;
	if (p->day0 + outcome_milestone_day[m] + outcome_milestone_window[m] >= q->today)
		return;
	t->due++;
	t->with_value += p->nrs.has_value[m];
	if (q->measure == MEASURE_PGIC) {
		if (p->pgic[m] < 0) {
			t->missing++;
		} else {
			t->observed++;
			t->responders += p->pgic[m];
		}
	} else if (!p->nrs.evaluable) {
		t->not_evaluable++;
	} else if (!p->nrs.has_value[m]) {
		t->missing++;
	} else {
		t->observed++;
		t->responders += outcome_responder(&p->nrs, m, q->threshold);
	}
}

int outcome_passes(const outcome_query *q, const outcome_profile *p)
{
	/* The treated only, unless the query names the group. */
	int named = q->filter[OV_GROUP] || q->by[0] == OV_GROUP || q->by[1] == OV_GROUP;
	uint32_t group = named ? q->filter[OV_GROUP] : 1u;
	if (!p->live || (group && !(group >> p->var[OV_GROUP] & 1u)))
		return 0;
	for (int v = 0; v < OV_COUNT; v++)
		if (v != OV_GROUP && q->filter[v] &&
		    !(q->filter[v] >> value_of(p, v, q->milestone) & 1u))
			return 0;
	return 1;
}

int outcome_cells(const outcome_scheme *s, const outcome_query *q)
{
	return (q->by[0] >= 0 ? s->n_values[q->by[0]] : 1) *
	       (q->by[1] >= 0 ? s->n_values[q->by[1]] : 1);
}

int outcome_cell(const outcome_scheme *s, const outcome_query *q, const outcome_profile *p)
{
	int b0 = q->by[0], b1 = q->by[1], m = q->milestone;
	if (b0 < 0)
		return 0;
	int n1 = b1 >= 0 ? s->n_values[b1] : 1;
	return value_of(p, b0, m) * n1 + (b1 >= 0 ? value_of(p, b1, m) : 0);
}

void outcome_cell_values(const outcome_scheme *s, const outcome_query *q, int cell, int value[2])
{
	int b0 = q->by[0], b1 = q->by[1];
	int n1 = b1 >= 0 ? s->n_values[b1] : 1;
	value[0] = b0 >= 0 ? cell / n1 : -1;
	value[1] = b1 >= 0 ? cell % n1 : -1;
}

int outcome_responders(const outcome_scheme *s, const outcome_profile *p, int n,
                       const outcome_query *q, arena *a, outcome_tally **rows, int *n_rows)
{
	int cells_n = outcome_cells(s, q), by = q->by[0] >= 0;
	outcome_tally *cells = arena_zalloc(a, sizeof *cells * (size_t)(cells_n + 1));
	if (!cells)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!outcome_passes(q, &p[i]))
			continue;
		outcome_count(&cells[0], &p[i], q);
		if (by)
			outcome_count(&cells[1 + outcome_cell(s, q, &p[i])], &p[i], q);
	}
	cells[0].value[0] = cells[0].value[1] = -1;
	int k = 1;
	for (int c = 0; by && c < cells_n; c++) {
		if (!cells[1 + c].patients)
			continue;
		cells[k] = cells[1 + c];
		outcome_cell_values(s, q, c, cells[k].value);
		k++;
	}
	*rows = cells;
	*n_rows = k;
	return 0;
}
