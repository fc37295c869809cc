/* A patient's work-up on one time axis: NRS readings (diary and clinic), each instrument's score
 * history with its primary cut-off (or, for an instrument with no total such as RAND-36, the
 * history of each of its scales), test results with abnormal values marked, medicines, and the
 * treatment: procedures (injections are day 0 of the outcomes) and adverse events beside them.
 * Voided entries are left out; the lists they come from still show them. */
#include <string.h>

#include "../core/adverse_event.h"
#include "../core/instrument.h"
#include "../core/procedure.h"
#include "api.h"

/* An instrument without a total whose scores are numbers (RAND-36): its points carry each
 * scale's value instead of a total. PGIC, with no score at all, has no series. */
static int has_scales(const instrument *in)
{
	if (!in || in->total >= 0 || in->n_variants)
		return 0;
	for (int s = 0; s < in->n_scores; s++)
		if (in->scores[s].method != METHOD_PROFILE)
			return 1;
	return 0;
}

/* The series for instrument in (created on first use). */
static json_t *series_for(json_t *all, const instrument *in, const char *id)
{
	size_t i;
	json_t *s;
	json_array_foreach(all, i,
	                   s) if (strcmp(json_string_value(json_object_get(s, "instrument")), id) ==
	                          0) return s;
	json_t *cutoff = json_null();
	for (int c = 0; in && c < in->n_cutoffs; c++)
		if (in->cutoffs[c].primary) {
			cutoff = json_pack("{s:s, s:f, s:s}", "score",
			                   in->scores[in->cutoffs[c].score].id, "at_least",
			                   in->cutoffs[c].at_least, "label", in->cutoffs[c].label);
			break;
		}
	int total = in ? in->total : -1;
	if (in && total < 0 && in->n_variants)
		total = in->variants[in->n_variants - 1].total;
	s = json_pack("{s:s, s:s, s:o, s:o, s:o, s:[]}", "instrument", id, "title",
	              in ? in->title : id, "min",
	              total >= 0 ? json_real(in->scores[total].min) : json_null(), "max",
	              total >= 0 ? json_real(in->scores[total].max) : json_null(), "cutoff", cutoff,
	              "points");
	if (has_scales(in)) {
		json_t *scales = json_array();
		for (int k = 0; k < in->n_scores; k++)
			if (in->scores[k].method != METHOD_PROFILE)
				json_array_append_new(
				    scales,
				    json_pack("{s:s, s:s, s:f, s:f}", "id", in->scores[k].id,
				              "label", in->scores[k].label, "min",
				              in->scores[k].min, "max", in->scores[k].max));
		json_object_set_new(s, "scales", scales);
	}
	json_array_append_new(all, s);
	return s;
}

/* A point of a scale series: each scale's value as scored (null when none of its items was
 * answered). */
static json_t *scale_point(const instrument *in, const assessment *as, const char *date)
{
	json_t *score = json_loads(as->score, 0, NULL), *values = json_object();
	json_t *subs = json_object_get(score, "subscores");
	for (int k = 0; k < in->n_scores; k++) {
		if (in->scores[k].method == METHOD_PROFILE)
			continue;
		json_t *v = json_object_get(json_object_get(subs, in->scores[k].id), "value");
		json_object_set_new(values, in->scores[k].id,
		                    json_is_number(v) ? json_copy(v) : json_null());
	}
	json_decref(score);
	return json_pack("{s:s, s:n, s:o, s:s}", "date", date, "total", "scales", values, "id",
	                 as->id);
}

int api_timeline(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	rec_query q = {.patient_id = p.id};
	assessment *as;
	observation *obs;
	diary_entry *diary;
	medication *meds;
	procedure *procs;
	adverse_event *aes;
	int n_as, n_obs, n_diary, n_meds, n_procs, n_aes;
	sw_err rc = r->st->ops->rec_list(r->st, r->a, &rk_assessment, &q, (void **)&as, &n_as);
	if (!rc)
		rc = r->st->ops->rec_list(r->st, r->a, &rk_observation, &q, (void **)&obs, &n_obs);
	if (!rc)
		rc = r->st->ops->rec_list(r->st, r->a, &rk_diary, &q, (void **)&diary, &n_diary);
	if (!rc)
		rc = r->st->ops->rec_list(r->st, r->a, &rk_medication, &q, (void **)&meds, &n_meds);
	if (!rc)
		rc =
		    r->st->ops->rec_list(r->st, r->a, &rk_procedure, &q, (void **)&procs, &n_procs);
	if (!rc)
		rc =
		    r->st->ops->rec_list(r->st, r->a, &rk_adverse_event, &q, (void **)&aes, &n_aes);
	if (rc)
		return http_fail(r, rc, "record");
	audit_record a = http_audit(r, "timeline.read", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;

	json_t *nrs = json_array(), *series = json_array(), *tests = json_array(),
	       *medicines = json_array();
	for (int i = 0; i < n_diary; i++)
		if (strcmp(diary[i].status, "voided") != 0)
			json_array_append_new(nrs,
			                      json_pack("{s:s, s:i, s:s, s:s}", "date",
			                                diary[i].entry_date, "value", diary[i].nrs,
			                                "source", "diary", "id", diary[i].id));
	for (int i = 0; i < n_as; i++) {
		if (strcmp(as[i].status, "voided") == 0)
			continue;
		char date[11];
		snprintf(date, sizeof date, "%s", as[i].performed_at);
		if (!as[i].has_total) {
			const instrument *in =
			    instr_find(r->srv->cfg.instruments, as[i].instrument_id);
			if (has_scales(in))
				json_array_append_new(
				    json_object_get(series_for(series, in, as[i].instrument_id),
				                    "points"),
				    scale_point(in, &as[i], date));
			continue;
		}
		if (strcmp(as[i].instrument_id, "nrs") == 0) {
			json_array_append_new(nrs, json_pack("{s:s, s:f, s:s, s:s}", "date", date,
			                                     "value", as[i].total, "source",
			                                     "clinic", "id", as[i].id));
			continue;
		}
		const instrument *in = instr_find(r->srv->cfg.instruments, as[i].instrument_id);
		json_t *s = series_for(series, in, as[i].instrument_id);
		json_t *score = json_loads(as[i].score, 0, NULL);
		/* Instruments with variants (MNSI exam, 8 or 10 points) plot the default variant's
		 * score, so every point has the same scale and the validated cut-off applies. */
		double value = as[i].total;
		if (in && in->n_variants && json_is_string(json_object_get(score, "variant"))) {
			const instr_variant *dflt = &in->variants[in->n_variants - 1];
			json_t *sub =
			    json_object_get(json_object_get(json_object_get(score, "subscores"),
			                                    in->scores[dflt->total].id),
			                    "value");
			if (json_is_number(sub))
				value = json_number_value(sub);
		}
		json_t *band = json_object_get(score, "band"), *met = json_null(), *c;
		size_t k;
		json_array_foreach(json_object_get(score, "cutoffs"), k,
		                   c) if (json_is_true(json_object_get(c, "primary")))
		{
			met = json_object_get(c, "met");
			break;
		}
		json_array_append_new(
		    json_object_get(s, "points"),
		    json_pack("{s:s, s:f, s:O, s:O, s:s}", "date", date, "total", value, "band",
		              json_is_object(band) ? json_object_get(band, "label") : json_null(),
		              "met", met, "id", as[i].id));
		json_decref(score);
	}
	/* The diary and the clinic readings interleave by date. */
	size_t n = json_array_size(nrs);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			json_t *x = json_array_get(nrs, j - 1), *y = json_array_get(nrs, j);
			if (strcmp(json_string_value(json_object_get(x, "date")),
			           json_string_value(json_object_get(y, "date"))) <= 0)
				break;
			json_incref(x);
			json_array_set(nrs, j - 1, y);
			json_array_set_new(nrs, j, x);
		}
	for (int i = 0; i < n_obs; i++) {
		observation *o = &obs[i];
		if (strcmp(o->status, "voided") == 0)
			continue;
		json_array_append_new(
		    tests, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		                     "id", o->id, "date", o->performed_on, "kind", o->kind, "label",
		                     o->k ? o->k->label : o->kind, "value",
		                     o->has_value ? json_real(o->value) : json_null(), "value_text",
		                     api_str(o->value_text), "unit", api_str(o->unit), "side",
		                     api_str(o->side), "site", api_str(o->site), "abnormal",
		                     o->abnormal < 0 ? json_null() : json_boolean(o->abnormal),
		                     "interpretation", api_str(o->interpretation)));
	}
	for (int i = 0; i < n_meds; i++) {
		if (strcmp(meds[i].status, "active") != 0)
			continue;
		json_t *m = api_rec_json(r, &rk_medication, &meds[i]);
		json_object_set_new(m, "dose",
		                    meds[i].has_dose
		                        ? json_string(arena_printf(
		                              r->a, "%g %s", meds[i].dose_value, meds[i].dose_unit))
		                        : json_null());
		json_array_append_new(medicines, m);
	}
	json_t *treatment = json_array(), *harms = json_array();
	for (int i = 0; i < n_procs; i++)
		if (!rec_ended(&rk_procedure, &procs[i]))
			json_array_append_new(
			    treatment, json_pack("{s:s, s:s, s:s, s:s}", "id", procs[i].id, "date",
			                         procs[i].performed_on, "kind", procs[i].kind,
			                         "plan_id", procs[i].plan_id));
	for (int i = 0; i < n_aes; i++)
		if (!rec_ended(&rk_adverse_event, &aes[i]))
			json_array_append_new(
			    harms,
			    json_pack("{s:s, s:s, s:s, s:i, s:b, s:s}", "id", aes[i].id, "date",
			              aes[i].onset_date, "term", aes[i].term, "grade", aes[i].grade,
			              "serious", aes[i].serious, "outcome", aes[i].outcome));
	return http_json(r, 200,
	                 json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "patient_id", p.id, "nrs",
	                           nrs, "instruments", series, "observations", tests, "medications",
	                           medicines, "procedures", treatment, "adverse_events", harms));
}
