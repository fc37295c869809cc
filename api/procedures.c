/* Procedures under a plan: recorded only for an accepted or running plan with a current consent,
 * and for an investigational biologic only once the plan carries its study reference. A
 * procedure written with the plan step it fulfils (marked done) and, for an accepted plan, the
 * plan moved to in_progress: one transaction. Nurses record blood draws and processing;
 * harvests and injections are a clinician's. */
#include <string.h>
#include <strings.h>

#include "../core/consent.h"
#include "../core/plan.h"
#include "../core/procedure.h"
#include "../util/uuid.h"
#include "api.h"

/* The processing's source or the injection's product: a procedure of the patient, not voided,
 * of the kind given; else NULL and the error at field. */
static const procedure *check_source(http_req *r, const char *id, const char *patient_id,
                                     const char *kind, const char *kind2, const char *field,
                                     const char *what)
{
	procedure *src = api_rec_ref(r, &rk_procedure, id, patient_id, 1, field, what);
	if (src && strcmp(src->kind, kind) != 0 && (!kind2 || strcmp(src->kind, kind2) != 0)) {
		v_add(&r->v, field, "is not %s", what);
		return NULL;
	}
	return src;
}

/* 1 when a live injection of the patient used product already. */
static int used_before(http_req *r, const procedure *product, sw_err *rc)
{
	rec_query q = {.patient_id = product->patient_id};
	procedure *items;
	int n;
	*rc = r->st->ops->rec_list(r->st, r->a, &rk_procedure, &q, (void **)&items, &n);
	for (int i = 0; !*rc && i < n; i++)
		if (items[i].product_id && strcmp(items[i].product_id, product->id) == 0 &&
		    !rec_ended(&rk_procedure, &items[i]))
			return 1;
	return 0;
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
	check_source(r, pr->from_id, pt.id, "blood_draw", "harvest", "from",
	             "a blood draw or harvest of this patient");
	const procedure *product = check_source(r, pr->product_id, pt.id, "processing", NULL,
	                                        "product", "a processing record of this patient");
	if (product && !v_has(&r->v, "cells") &&
	    procedure_take_cells(pr, product, used_before(r, product, &rc)) && !rc)
		v_add(&r->v, "cells",
		      "is required: the product was injected before, so its cell count cannot be "
		      "taken for this injection too");
	if (rc)
		return http_fail(r, rc, "procedure");
	plan_step *step =
	    api_rec_ref(r, &rk_plan_step, pr->step_id, pt.id, 0, "step_id", "a step of this plan");
	if (step && strcmp(step->plan_id, p->id) != 0)
		v_add(&r->v, "step_id", "is not a step of this plan");
	else if (step && pr->kind && strcmp(step->kind, pr->kind) != 0)
		v_add(&r->v, "step_id", "is a %s step, not a %s", step->kind, pr->kind);
	else if (step && strcmp(step->status, "planned") != 0)
		v_add(&r->v, "step_id", "is already %s", step->status);
	if (r->v.n || r->status)
		return r->status ? r->status : http_invalid(r);
	if (r->role == ROLE_NURSE && procedure_needs_clinician(pr->kind))
		return http_problem(r, 403, "Not a nurse's procedure",
		                    "A nurse records blood draws and processing; harvests and "
		                    "injections are recorded by a clinician.");
	if (!plan_under_way(p))
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
		const consent_doc *d = consent_doc_for_biologic(r->srv->cfg.treatment, p->biologic);
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
	/* The step it fulfils is done and an accepted plan under way: each with its own audit
	 * record, in the procedure's transaction. */
	rec_write w[3] = {{&rk_procedure, pr, 0, NULL}, {0}, {0}};
	int n = 1;
	const char *why = arena_printf(r->a, "by %s %s", pr->kind, id);
	if (step) {
		rec_set_life(&rk_plan_step, step, "done", NULL, step->version + 1, cx.now,
		             r->who.id);
		w[n++] = (rec_write){&rk_plan_step, step, step->version - 1,
		                     api_rec_audit(r, &rk_plan_step, "status", step,
		                                   arena_printf(r->a, "planned -> done %s", why))};
	}
	if (rec_move_find(&rk_plan, p, "in_progress")) {
		rec_set_life(&rk_plan, p, "in_progress", NULL, p->version + 1, cx.now, r->who.id);
		w[n++] = (rec_write){
		    &rk_plan, p, p->version - 1,
		    api_rec_audit(r, &rk_plan, "status", p,
		                  arena_printf(r->a, "accepted -> in_progress %s", why))};
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

/* POST /procedures/{id}/void: the procedure is voided and the plan step it fulfilled is planned
 * again (so that it can be done anew), in one transaction. */
int api_procedure_void(http_req *r)
{
	const char *reason;
	int expected;
	procedure *pr = api_rec_voiding(r, &reason, &expected);
	if (!pr)
		return r->status;
	rec_write w[2] = {{&rk_procedure, pr, expected, NULL}, {0}};
	int n = 1;
	plan_step step;
	plan pl;
	if (pr->step_id && !r->st->ops->rec_get(r->st, r->a, &rk_plan_step, pr->step_id, &step) &&
	    strcmp(step.status, "done") == 0 &&
	    !r->st->ops->rec_get(r->st, r->a, &rk_plan, step.plan_id, &pl)) {
		/* Under a plan that has ended the step will not be done anew: skipped, not planned.
		 */
		int ended = rec_ended(&rk_plan, &pl);
		const char *why = arena_printf(r->a, "procedure %s voided%s%s", pr->id,
		                               ended ? "; plan " : "", ended ? pl.status : "");
		rec_set_life(&rk_plan_step, &step, ended ? "skipped" : "planned",
		             ended ? why : NULL, step.version + 1, http_now(r), r->who.id);
		w[n++] = (rec_write){
		    &rk_plan_step, &step, step.version - 1,
		    api_rec_audit(r, &rk_plan_step, "status", &step,
		                  arena_printf(r->a, "done -> %s: %s", step.status, why))};
	}
	sw_err rc = r->st->ops->rec_write_all(r->st, r->a, w, n,
	                                      api_rec_audit(r, &rk_procedure, "void", pr, reason));
	if (rc)
		return http_fail(r, rc, "procedure");
	r->etag = api_etag(r, pr->version);
	json_t *out = api_rec_json(r, &rk_procedure, pr);
	if (n == 2)
		json_object_set_new(out, "step_status", json_string(step.status));
	return http_json(r, 200, out);
}

/* GET /lots/{lot}: every processing and injection, of any patient, that used the lot (as its
 * kit lot or among its lot numbers, letter case ignored), oldest first, with the patient and the
 * date: for a recall. Voided records are left out and counted; past LOT_MAX records the answer
 * says it is truncated. Each patient's records read is audited. */
#define LOT_MAX 1000
int api_lot_get(http_req *r)
{
	const char *lot = r->params[0];
	if (!*lot || strlen(lot) > 64 || strchr(lot, ','))
		v_add(&r->v, "lot", "must be a lot number of 1 to 64 characters without a comma");
	if (r->v.n)
		return http_invalid(r);
	procedure *items;
	int n, voided = 0, n_audit = 0;
	sw_err rc =
	    r->st->ops->rec_find(r->st, r->a, &rk_procedure, lot, LOT_MAX + 1, (void **)&items, &n);
	if (rc)
		return http_fail(r, rc, "procedure");
	int truncated = n > LOT_MAX;
	n = truncated ? LOT_MAX : n;
	audit_record *audit = arena_zalloc(r->a, sizeof(audit_record) * (size_t)(n + 1));
	json_t *out = json_array();
	patient pt = {0};
	for (int i = 0; i < n; i++) {
		const procedure *p = &items[i];
		if (rec_ended(&rk_procedure, p)) {
			voided++;
			continue;
		}
		if ((!pt.id || strcmp(pt.id, p->patient_id) != 0) &&
		    (rc = r->st->ops->patient_get(r->st, r->a, p->patient_id, &pt)) != SW_OK) {
			json_decref(out);
			return http_fail(r, rc, "patient");
		}
		int seen = 0;
		for (int k = 0; k < n_audit && !seen; k++)
			seen = strcmp(audit[k].patient_id, pt.id) == 0;
		if (!seen) {
			audit[n_audit] = http_audit(r, "lot.read", "patient", pt.id, pt.id);
			audit[n_audit++].detail = lot;
		}
		json_t *o = api_rec_json(r, &rk_procedure, p);
		json_object_set_new(o, "patient",
		                    json_pack("{s:s, s:s, s:s, s:s}", "id", pt.id, "mrn", pt.mrn,
		                              "family_name", pt.family_name, "given_name",
		                              pt.given_name));
		json_object_set_new(o, "lot_as",
		                    json_string(p->kit_lot && strcasecmp(p->kit_lot, lot) == 0
		                                    ? "kit_lot"
		                                    : "lot_numbers"));
		json_array_append_new(out, o);
	}
	if (n_audit && http_audit_reads(r, audit, n_audit)) {
		json_decref(out);
		return r->status;
	}
	return http_json(r, 200,
	                 json_pack("{s:s, s:o, s:n, s:i, s:b}", "lot", lot, "items", out,
	                           "next_cursor", "voided", voided, "truncated", truncated));
}
