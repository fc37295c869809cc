/* Consent: the documents (data/consent), a patient's consent to a plan, and its withdrawal, which
 * stops the plan in the same transaction. */
#include <string.h>

#include "../core/consent.h"
#include "../core/plan.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

int api_consent_document_list(http_req *r)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	json_t *items = json_array();
	for (int i = 0; tx && i < tx->n_documents; i++) {
		const consent_doc *d = tx->documents[i];
		json_t *o = json_deep_copy(d->definition);
		json_object_set_new(o, "current",
		                    json_boolean(consent_doc_find(tx, d->id, NULL) == d));
		json_array_append_new(items, o);
	}
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int api_consent_create(http_req *r)
{
	patient pt;
	if (api_patient_writable(r, r->params[0], &pt))
		return r->status;
	consent *c = arena_zalloc(r->a, sizeof *c);
	rec_ctx cx = api_rec_ctx(r, &pt);
	rec_from_json(&r->v, &rk_consent, r->body, c, 0, &cx);
	plan *p =
	    api_rec_ref(r, &rk_plan, c->plan_id, pt.id, 0, "plan_id", "a plan of this patient");
	if (p && c->biologic && strcmp(p->biologic, c->biologic) != 0)
		v_add(&r->v, "document", "is the consent for %s, but the plan is for %s",
		      c->biologic, p->biologic);
	if (r->v.n || r->status)
		return r->status ? r->status : http_invalid(r);
	if (rec_ended(&rk_plan, p))
		return http_problem(
		    r, 409, "Plan ended",
		    arena_printf(r->a, "This plan is %s; consent to it is no longer taken.",
		                 p->status));
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	rec_set_new(&rk_consent, c, id, pt.id, cx.now, r->who.id);
	audit_record a = http_audit(r, "consent.create", "consent", id, pt.id);
	a.detail = arena_printf(r->a, "%s v%s", c->document_id, c->document_version);
	sw_err rc = r->st->ops->rec_create(r->st, r->a, &rk_consent, c, &a);
	if (rc)
		return http_fail(r, rc, "consent");
	return api_created(r, rk_consent.path, id, 1, rec_to_json(&rk_consent, c, &cx));
}

/* POST /consents/{id}/withdraw {reason, withdrawn_on}: the consent is withdrawn and its plan
 * stopped (declined if it was only proposed), in one transaction. */
int api_consent_withdraw(http_req *r)
{
	static const char *const fields[] = {"reason", "withdrawn_on", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *reason = jv_string(&r->v, r->body, NULL, "reason", 500, JV_REQUIRED, NULL);
	const char *on = jv_string(&r->v, r->body, NULL, "withdrawn_on", 10, JV_REQUIRED, NULL);
	if (r->v.n)
		return http_invalid(r);
	int expected = api_expected_version(r);
	if (expected < 0)
		return r->status;
	consent c;
	plan p;
	patient pt;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->rec_get(r->st, r->a, &rk_consent, r->params[0], &c)
	                : SW_ENOTFOUND;
	if (!rc)
		rc = r->st->ops->rec_get(r->st, r->a, &rk_plan, c.plan_id, &p);
	if (rc)
		return http_fail(r, rc, "consent");
	if (api_patient_writable(r, c.patient_id, &pt))
		return r->status;
	if (c.version != expected)
		return http_fail(r, SW_EVERSION, "consent");
	if (rec_ended(&rk_consent, &c))
		return http_problem(r, 409, "Already withdrawn",
		                    "This consent is already withdrawn.");
	rec_ctx cx = api_rec_ctx(r, &pt);
	civil_date d, signed_on;
	rec_check_date(&r->v, rec_field_find(&rk_consent, "withdrawn_on"), on, &cx);
	if (!r->v.n && !date_parse(on, &d) && !date_parse(c.signed_on, &signed_on) &&
	    date_cmp(d, signed_on) < 0)
		v_add(&r->v, "withdrawn_on", "cannot be before the consent was signed (%s)",
		      c.signed_on);
	if (r->v.n)
		return http_invalid(r);
	rec_set_life(&rk_consent, &c, "withdrawn", reason, expected + 1, cx.now, r->who.id);
	c.withdrawn_on = on;
	rec_write w[2 + PLAN_MAX_STEPS] = {{&rk_consent, &c, expected, NULL}};
	int n = 1;
	const char *to = plan_status_on_withdrawal(&p);
	if (to) {
		const char *from = p.status;
		rec_set_life(&rk_plan, &p, to,
		             arena_printf(r->a, "Consent withdrawn on %s: %s", on, reason),
		             p.version + 1, cx.now, r->who.id);
		w[n++] = (rec_write){
		    &rk_plan, &p, p.version - 1,
		    api_rec_audit(r, &rk_plan, "status", &p,
		                  arena_printf(r->a, "%s -> %s: consent withdrawn", from, to))};
		int closed = api_plan_closing(r, &p, w + n, (int)(sizeof w / sizeof w[0]) - n);
		if (closed < 0)
			return r->status;
		n += closed;
	}
	audit_record a = http_audit(r, "consent.withdraw", "consent", c.id, c.patient_id);
	a.detail = reason;
	rc = r->st->ops->rec_write_all(r->st, r->a, w, n, &a);
	if (rc)
		return http_fail(r, rc, "consent");
	r->etag = api_etag(r, c.version);
	json_t *out = rec_to_json(&rk_consent, &c, &cx);
	json_object_set_new(out, "plan_status", json_string(p.status));
	return http_json(r, 200, out);
}
