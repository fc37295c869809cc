/* GET /api/v1/patients/{id}/expected-outcomes: "patients like this" for the decision the clinic
 * talks through with the patient. For each biologic (or the one asked), the responder rate among
 * past treated patients with the same etiology, duration band and biologic; where the
 * denominator is under the minimum it widens the match step by step (the band to recent/chronic,
 * then the etiology, then everything but the biologic) and says which criterion it dropped;
 * where data are still too thin it says so. The adverse events of the same patients stand beside
 * the rate. No other patient is identified. The answer names the patient's diagnosis, so the
 * roles that read diagnoses see it (not the front desk). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../core/neuropathy.h"
#include "../core/treatment.h"
#include "../stats/binom.h"
#include "../util/dates.h"
#include "api.h"
#include "outcomes.h"

/* The patient's strata today: etiology, duration band, chronicity (-1 when unknown). */
typedef struct likeness {
	int etiology, duration, chronicity;
} likeness;

static void patient_like(const outcome_scheme *s, const patient_summary *sum, likeness *out)
{
	out->etiology = out->duration = out->chronicity = -1;
	if (!sum->etiology)
		return;
	out->etiology = outcome_value(s, OV_ETIOLOGY, sum->etiology);
	/* The profile's own rules, with day 0 today. */
	outcome_subject sub = {.treated = 1, .etiology = sum->etiology, .onset = sum->onset_date};
	char today[11];
	date_format(date_today(), today);
	sub.day0 = today;
	outcome_profile p;
	if (outcome_profile_make(s, &sub, &p))
		return;
	if (strcmp(s->values[OV_DURATION][p.var[OV_DURATION]], "unknown") != 0) {
		out->duration = p.var[OV_DURATION];
		out->chronicity = p.var[OV_CHRONICITY];
	}
}

typedef struct step {
	const char *dropped; /* what this step gave up, NULL for the first */
	int etiology, duration, chronicity;
} step;

static json_t *match_json(const outcome_scheme *s, const step *st)
{
	json_t *m = json_object();
	if (st->etiology >= 0)
		json_object_set_new(m, "etiology",
		                    json_string(s->values[OV_ETIOLOGY][st->etiology]));
	if (st->duration >= 0)
		json_object_set_new(m, "duration",
		                    json_string(s->values[OV_DURATION][st->duration]));
	if (st->chronicity >= 0)
		json_object_set_new(m, "chronicity",
		                    json_string(s->values[OV_CHRONICITY][st->chronicity]));
	return m;
}

static const char *words(arena *a, const char *value)
{
	char *w = arena_strdup(a, value);
	for (char *c = w; *c; c++)
		*c = *c == '_' ? ' ' : *c;
	return w;
}

/* One biologic's answer. */
static json_t *expected_for(report_input *in, report_params *p, int b, const likeness *like,
                            const char *label)
{
	const outcome_scheme *s = p->scheme;
	step steps[4] = {
	    {NULL, like->etiology, like->duration, -1},
	    {"duration band (widened to recent / chronic)", like->etiology, -1, like->chronicity},
	    {"etiology", -1, -1, like->chronicity},
	    {"chronicity", -1, -1, -1},
	};
	json_t *tried = json_array(), *dropped = json_array();
	outcome_tally *found = NULL;
	const step *used = NULL, *prev = NULL;
	for (int i = 0; i < 4 && (!found || found->due < p->min_n); i++) {
		const step *st = &steps[i];
		if (prev && st->etiology == prev->etiology && st->duration == prev->duration &&
		    st->chronicity == prev->chronicity)
			continue; /* nothing known to drop */
		prev = st;
		memset(p->q.filter, 0, sizeof p->q.filter);
		p->q.filter[OV_BIOLOGIC] = 1u << b;
		if (st->etiology >= 0)
			p->q.filter[OV_ETIOLOGY] = 1u << st->etiology;
		if (st->duration >= 0)
			p->q.filter[OV_DURATION] = 1u << st->duration;
		if (st->chronicity >= 0)
			p->q.filter[OV_CHRONICITY] = 1u << st->chronicity;
		outcome_tally *t = NULL;
		int n = 0;
		if (outcome_tallies(in, &t, &n))
			break;
		if (st->dropped)
			json_array_append_new(dropped, json_string(st->dropped));
		json_array_append_new(tried, json_pack("{s:o, s:i}", "match", match_json(s, st),
		                                       "denominator", t[0].due));
		used = st;
		found = &t[0];
	}
	const char *bio = s->values[OV_BIOLOGIC][b];
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "biologic", bio, "label", label, "match",
	                      used ? match_json(s, used) : json_object(), "dropped", dropped,
	                      "tried", tried);
	int d = found ? found->due : 0, x = found ? found->responders : 0;
	int thin = outcome_rate(o, x, d, found ? p->min_n : INT_MAX);
	double lo = thin ? 0 : json_real_value(json_object_get(o, "ci_low"));
	double hi = thin ? 0 : json_real_value(json_object_get(o, "ci_high"));
	const char *milestone =
	    arena_printf(p->a, "%d days", outcome_milestone_day[p->q.milestone]);
	json_object_set_new(o, "responders", json_integer(x));
	json_object_set_new(o, "denominator", json_integer(d));
	json_object_set_new(o, "adverse_events",
	                    json_pack("{s:i, s:i, s:i}", "patients", found ? found->patients : 0,
	                              "patients_with_event", found ? found->with_event : 0,
	                              "patients_with_serious", found ? found->with_serious : 0));
	const char *like_words =
	    used && used->etiology >= 0
	        ? arena_printf(p->a, " with %s neuropathy",
	                       words(p->a, s->values[OV_ETIOLOGY][used->etiology]))
	        : "";
	if (used && used->duration >= 0)
		like_words = arena_printf(p->a, "%s for %s", like_words,
		                          words(p->a, s->values[OV_DURATION][used->duration]));
	else if (used && used->chronicity >= 0)
		like_words = arena_printf(p->a, "%s (%s)", like_words,
		                          s->values[OV_CHRONICITY][used->chronicity]);
	const char *text =
	    thin ? arena_printf(p->a,
	                        "Not enough data: %d past patient%s treated with %s%s %s due at "
	                        "%s; at least %d are needed for a rate.",
	                        d, d == 1 ? "" : "s", label, like_words, d == 1 ? "is" : "are",
	                        milestone, p->min_n)
	         : arena_printf(p->a,
	                        "Of %d past patients%s treated with %s and due at %s, %d (%.0f %%, "
	                        "95 %% CI %.0f-%.0f %%) had pain at least %d %% lower than before "
	                        "treatment; those without a reading then count as not improved. "
	                        "%d of %d had an adverse event, %d a serious one.",
	                        d, like_words, label, milestone, x, 100.0 * x / d, 100 * lo,
	                        100 * hi, p->q.threshold, found->with_event, found->patients,
	                        found->with_serious);
	json_object_set_new(o, "statement", json_string(text));
	return o;
}

json_t *api_expected_json(http_req *r, const char *id, const char *bio)
{
	patient pt;
	patient_summary sum;
	sw_err rc = r->st->ops->patient_get(r->st, r->a, id, &pt);
	if (!rc)
		rc = r->st->ops->patient_summary(r->st, r->a, id, &sum);
	if (rc) {
		http_fail(r, rc, "patient");
		return NULL;
	}
	report_params p;
	if (outcome_request_params(r, &p))
		return NULL;
	uint32_t asked = p.q.filter[OV_BIOLOGIC];
	if (bio) {
		int b = outcome_value(p.scheme, OV_BIOLOGIC, bio);
		asked = b >= 0 ? 1u << b : 0;
	}
	rc = outcome_cache_refresh(r->srv->outcomes, r->st);
	if (rc) {
		http_fail(r, rc, "outcome");
		return NULL;
	}
	likeness like;
	patient_like(p.scheme, &sum, &like);
	report_input in = {&p, r->srv->outcomes, r->st};
	json_t *items = json_array();
	const treatment_set *tx = r->srv->cfg.treatment;
	for (int b = 0; tx && b < tx->n_biologics && b < OV_MAX_VALUES - 1; b++)
		if (!asked || (asked >> b & 1u))
			json_array_append_new(
			    items, expected_for(&in, &p, b, &like, tx->biologics[b].label));
	json_t *who = json_object();
	if (like.etiology >= 0)
		json_object_set_new(who, "etiology",
		                    json_string(p.scheme->values[OV_ETIOLOGY][like.etiology]));
	json_object_set_new(who, "duration",
	                    like.duration >= 0
	                        ? json_string(p.scheme->values[OV_DURATION][like.duration])
	                        : json_null());
	json_object_set_new(who, "chronicity",
	                    like.chronicity >= 0
	                        ? json_string(p.scheme->values[OV_CHRONICITY][like.chronicity])
	                        : json_null());
	char as_of[11];
	date_format(date_today(), as_of);
	return json_pack(
	    "{s:s, s:o, s:i, s:i, s:i, s:s, s:o}", "as_of", as_of, "patient", who, "milestone_day",
	    outcome_milestone_day[p.q.milestone], "threshold_percent", p.q.threshold, "min_n",
	    p.min_n, "basis",
	    "past treated patients of this clinic who are due at the milestone, matched on "
	    "etiology, duration of the neuropathy and biologic, widened one criterion at a "
	    "time while fewer than min_n; an observational estimate, not a promise",
	    "items", items);
}

int api_expected_outcomes(http_req *r)
{
	const char *id = r->params[0];
	json_t *body = api_expected_json(r, id, NULL);
	if (!body)
		return r->status;
	audit_record a[2] = {http_audit(r, "patient.read", "patient", id, id),
	                     http_audit(r, "outcomes.read", "outcomes", "expected-outcomes", NULL)};
	a[0].detail = "expected outcomes";
	if (http_audit_reads(r, a, 2)) {
		json_decref(body);
		return r->status;
	}
	return http_json(r, 200, body);
}
