/* Candidacy: the findings of the clinic's rules for every biologic, read from the patient's
 * diagnoses, medicines, test results and assessments (GET, audited as a read of the patient),
 * and the clinician's decision, kept with a snapshot of the findings it was made on. */
#include <stdlib.h>
#include <string.h>

#include "../util/json_mem.h"
#include "../core/candidacy.h"
#include "../core/candidacy_decision.h"
#include "../util/dates.h"
#include "api.h"

static int list(http_req *r, const rec_kind *k, const char *patient_id, const void **items, int *n)
{
	rec_query q = {.patient_id = patient_id};
	void *out = NULL;
	sw_err rc = r->st->ops->rec_list(r->st, r->a, k, &q, &out, n);
	*items = out;
	return rc ? http_fail(r, rc, k->label) : 0;
}

/* Evaluates the rules for patient p; NULL with the answer given on a store failure. */
static json_t *evaluate(http_req *r, const patient *p)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	if (!tx || !tx->candidacy) {
		http_problem(r, 503, "No candidacy rules",
		             "This server was started without candidacy rules.");
		return NULL;
	}
	cand_input in = {.today = date_today(),
	                 .chronic_months = r->srv->cfg.chronic_months,
	                 .instruments = r->srv->cfg.instruments};
	const void *c, *m, *o, *a;
	if (list(r, &rk_condition, p->id, &c, &in.n_conditions) ||
	    list(r, &rk_medication, p->id, &m, &in.n_medications) ||
	    list(r, &rk_observation, p->id, &o, &in.n_observations) ||
	    list(r, &rk_assessment, p->id, &a, &in.n_assessments))
		return NULL;
	in.conditions = c;
	in.medications = m;
	in.observations = o;
	in.assessments = a;
	json_t *out = cand_evaluate(tx->candidacy, tx, &in);
	json_object_set_new(out, "patient_id", json_string(p->id));
	return out;
}

int api_candidacy_get(http_req *r)
{
	patient p;
	if (api_load_patient(r, &p))
		return r->status;
	json_t *out = evaluate(r, &p);
	if (!out)
		return r->status;
	audit_record a = http_audit(r, "candidacy.read", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1)) {
		json_decref(out);
		return r->status;
	}
	return http_json(r, 200, out);
}

/* The findings for the decision's biologic as they stand now, and who decides. */
static int snapshot(http_req *r, const patient *p, void *rec)
{
	candidacy_decision *d = rec;
	json_t *all = evaluate(r, p);
	if (!all)
		return r->status;
	size_t i;
	json_t *b, *found = NULL;
	json_array_foreach(json_object_get(all, "biologics"), i, b)
	{
		if (strcmp(json_string_value(json_object_get(b, "biologic")), d->biologic) == 0)
			found = b;
	}
	json_object_set(found, "evaluated_on", json_object_get(all, "evaluated_on"));
	char *text = found ? json_mem_dumps(r->a, found, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	d->findings = text ? text : "{}";
	json_decref(all);
	d->decided_by = r->who.id;
	return 0;
}

int api_candidacy_decide(http_req *r)
{
	return api_rec_create_with(r, snapshot);
}
