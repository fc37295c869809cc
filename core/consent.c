/* The consent record kind: its fields, the document it must name, and whether it is current. */
#include "consent.h"

#include <string.h>

static const char *const consent_statuses[] = {"signed", "withdrawn", NULL};
static const rec_move consent_moves[] = {{"signed", "withdrawn", 1}, {NULL, NULL, 0}};

static const rec_field consent_fields[] = {
    REC_META_HEAD(consent),
    {"document", "document_id", RT_TEXT, RF_INPUT | RF_REQUIRED, offsetof(consent, document_id), 0,
     48},
    {"version", "document_version", RT_TEXT, RF_INPUT | RF_REQUIRED,
     offsetof(consent, document_version), 0, 8},
    {"biologic", NULL, RT_TEXT, RF_REQUIRED, offsetof(consent, biologic), 0, 48},
    {"plan_id", NULL, RT_TEXT, RF_INPUT | RF_REQUIRED, offsetof(consent, plan_id), 0, 36},
    {"signed_on", NULL, RT_DATE, RF_INPUT | RF_REQUIRED | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(consent, signed_on)},
    {"witness", NULL, RT_TEXT, RF_INPUT | RF_REQUIRED, offsetof(consent, witness), 0, 200},
    /* Set by the withdrawal, which writes it with the status. */
    {"withdrawn_on", NULL, RT_DATE, RF_MUTABLE | RF_NULLABLE | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(consent, withdrawn_on)},
    REC_META_TAIL(consent, status_reason),
};

int consent_current(const consent *c, const treatment_set *set)
{
	const consent_doc *d = consent_doc_find(set, c->document_id, NULL);
	return strcmp(c->status, "signed") == 0 && d &&
	       strcmp(d->version, c->document_version) == 0;
}

const consent_doc *consent_doc_for_biologic(const treatment_set *set, const char *biologic_id)
{
	for (int i = 0; set && biologic_id && i < set->n_documents; i++)
		if (strcmp(set->documents[i]->biologic, biologic_id) == 0)
			return consent_doc_find(set, set->documents[i]->id, NULL);
	return NULL;
}

/* The document must be loaded at that version; the consent takes its biologic. */
static void consent_check(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)body;
	consent *c = rec;
	if (partial || !c->document_id || !c->document_version || v_has(v, "document") ||
	    v_has(v, "version"))
		return;
	const consent_doc *d = consent_doc_find(cx->treatment, c->document_id, c->document_version);
	if (!d)
		v_add(
		    v,
		    consent_doc_find(cx->treatment, c->document_id, NULL) ? "version" : "document",
		    "is not a consent document of this clinic (see GET /api/v1/consent-documents)");
	else
		c->biologic = d->biologic;
}

static void consent_json(json_t *out, const void *rec, const rec_ctx *cx)
{
	const consent *c = rec;
	const consent_doc *d = consent_doc_find(cx->treatment, c->document_id, c->document_version);
	json_object_set_new(out, "title", d ? json_string(d->title) : json_null());
	json_object_set_new(out, "current", json_boolean(consent_current(c, cx->treatment)));
}

const rec_kind rk_consent = {
    .name = "consent",
    .table = "consents",
    .label = "consent",
    .path = "/api/v1/consents",
    .size = sizeof(consent),
    .fields = consent_fields,
    .life = RL_MOVES,
    .statuses = consent_statuses,
    .moves = consent_moves,
    .list_order = "signed_on, created_at, id",
    .detail_field = "document",
    .eq_param = "plan_id",
    .eq_field = "plan_id",
    .check = consent_check,
    .to_json = consent_json,
};
