/* Procedures under a plan: recorded only for an accepted or running plan with a current consent,
 * and for an investigational biologic only once the plan carries its study reference. A
 * procedure written with the plan step it fulfils (marked done) and, for an accepted plan, the
 * plan moved to in_progress: one transaction. Nurses record blood draws and processing;
 * harvests and injections are a clinician's. */
#include <string.h>

#include "../core/consent.h"
#include "../core/plan.h"
#include "../core/procedure.h"
#include "../util/uuid.h"
#include "api.h"

/* A procedure of the same patient, of one of the kinds (NULL-terminated), not voided; else the
 * error at field. */
static void check_source(http_req *r, const char *id, const char *patient_id,
                         const char *const *kinds, const char *field, const char *what)
{
	procedure src;
	if (!id || v_has(&r->v, field))
		return;
	sw_err rc = uuid_valid(id) ? r->st->ops->rec_get(r->st, r->a, &rk_procedure, id, &src)
	                           : SW_ENOTFOUND;
	int ok = !rc && strcmp(src.patient_id, patient_id) == 0 && !rec_ended(&rk_procedure, &src);
	for (const char *const *k = kinds; ok && *k; k++)
		if (strcmp(*k, src.kind) == 0)
			break;
		else if (!k[1])
			ok = 0;
	if (!ok)
		v_add(&r->v, field, "must be %s of this patient that is not voided", what);
}

/* 1 when the plan has a current consent. */
static int consented(http_req *r, const plan *p, sw_err *rc)
{
	rec_query q = {.patient_id = p->patient_id, .eq = p->id};
	consent *items;
	int n;
	*rc = r->st->ops->rec_list(r->st, r->a, &rk_consent, &q, (void **)&items, &n);
	for (int i = 0; !*rc && i < n; i++)
		if (consent_current(&items[i], r->srv->cfg.treatment))
			return 1;
	return 0;
}

int api_procedure_create(http_req *r)
{
	plan *p = arena_alloc(r->a, sizeof *p);
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_plan, r->params[0], p)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "plan");
	patient pt;
	if (api_patient_writable(r, p->patient_id, &pt))
		return r->status;
	procedure *pr = arena_zalloc(r->a, sizeof *pr);
	rec_ctx cx = api_rec_ctx(r, &pt);
	rec_from_json(&r->v, &rk_procedure, r->body, pr, 0, &cx);
	static const char *const raw[] = {"blood_draw", "harvest", NULL};
	static const char *const product[] = {"processing", NULL};
	check_source(r, pr->from_id, pt.id, raw, "from", "a blood draw or harvest");
	check_source(r, pr->product_id, pt.id, product, "product", "a processing record");
	plan_step *step = NULL;
	if (pr->step_id && !v_has(&r->v, "step_id")) {
		step = arena_alloc(r->a, sizeof *step);
		rc = uuid_valid(pr->step_id)
		         ? r->st->ops->rec_get(r->st, r->a, &rk_plan_step, pr->step_id, step)
		         : SW_ENOTFOUND;
		if (rc || strcmp(step->plan_id, p->id) != 0)
			v_add(&r->v, "step_id", "is not a step of this plan");
		else if (pr->kind && strcmp(step->kind, pr->kind) != 0)
			v_add(&r->v, "step_id", "is a %s step, not a %s", step->kind, pr->kind);
		else if (strcmp(step->status, "planned") != 0)
			v_add(&r->v, "step_id", "is already %s", step->status);
	}
	if (r->v.n)
		return http_invalid(r);
	if (r->role == ROLE_NURSE &&
	    (strcmp(pr->kind, "harvest") == 0 || strcmp(pr->kind, "injection") == 0))
		return http_problem(r, 403, "Not a nurse's procedure",
		                    "A nurse records blood draws and processing; harvests and "
		                    "injections are recorded by a clinician.");
	if (strcmp(p->status, "accepted") != 0 && strcmp(p->status, "in_progress") != 0)
		return http_problem(
		    r, 409, "Plan not under way",
		    arena_printf(
		        r->a,
		        strcmp(p->status, "proposed") == 0
		            ? "This plan is %s; procedures are recorded once it is accepted."
		            : "This plan is %s; no more procedures are recorded under it.",
		        p->status));
	if (!consented(r, p, &rc)) {
		if (rc)
			return http_fail(r, rc, "consent");
		const consent_doc *d = NULL;
		const treatment_set *tx = r->srv->cfg.treatment;
		for (int i = 0; tx && i < tx->n_documents && !d; i++)
			if (strcmp(tx->documents[i]->biologic, p->biologic) == 0)
				d = consent_doc_find(tx, tx->documents[i]->id, NULL);
		return http_problem(r, 409, "No current consent",
		                    arena_printf(r->a,
		                                 "No current consent for this plan: record the "
		                                 "patient's signed consent%s%s%s%s first.",
		                                 d ? " to \"" : "", d ? d->title : "",
		                                 d ? "\", version " : "", d ? d->version : ""));
	}
	if (p->investigational && !p->study_reference)
		return http_problem(
		    r, 409, "Study reference needed",
		    arena_printf(r->a,
		                 "This plan's biologic (%s) is investigational: add the "
		                 "plan's study reference (IND, IRB approval or registry "
		                 "number) before recording any procedure.",
		                 p->biologic));
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	pr->plan_id = p->id;
	rec_set_new(&rk_procedure, pr, id, pt.id, cx.now, r->who.id);
	rec_write w[3] = {{&rk_procedure, pr, 0}, {0}, {0}};
	int n = 1;
	if (step) {
		int sv = step->version;
		rec_set_life(&rk_plan_step, step, "done", NULL, sv + 1, cx.now, r->who.id);
		w[n++] = (rec_write){&rk_plan_step, step, sv};
	}
	if (strcmp(p->status, "accepted") == 0) {
		int pv = p->version;
		rec_set_life(&rk_plan, p, "in_progress", NULL, pv + 1, cx.now, r->who.id);
		w[n++] = (rec_write){&rk_plan, p, pv};
	}
	audit_record a = http_audit(r, "procedure.create", "procedure", id, pt.id);
	a.detail = pr->kind;
	rc = r->st->ops->rec_write_all(r->st, r->a, w, n, &a);
	if (rc)
		return http_fail(r, rc, "procedure");
	json_t *out = rec_to_json(&rk_procedure, pr, &cx);
	json_object_set_new(out, "plan_status", json_string(p->status));
	if (step)
		json_object_set_new(out, "step_status", json_string(step->status));
	return api_created(r, rk_procedure.path, id, 1, out);
}
