/* The candidacy decision record kind: its fields and the check that the biologic is one the
 * clinic offers. */
#include "candidacy_decision.h"

#include "treatment.h"

static const char *const decision_statuses[] = {"final", "voided", NULL};
static const char *const decisions[] = {"candidate", "not_candidate", "defer", NULL};

static const rec_field decision_fields[] = {
    REC_META_HEAD(candidacy_decision),
    {"biologic", NULL, RT_TEXT, RF_INPUT | RF_REQUIRED, offsetof(candidacy_decision, biologic), 0,
     48},
    {"decision", NULL, RT_ENUM, RF_INPUT | RF_REQUIRED, offsetof(candidacy_decision, decision), 0,
     0, 0, 0, decisions},
    {"rationale", NULL, RT_TEXT, RF_INPUT | RF_REQUIRED | RF_PHI,
     offsetof(candidacy_decision, rationale), 0, 2000},
    {"findings", NULL, RT_JSON, RF_REQUIRED, offsetof(candidacy_decision, findings)},
    {"decided_by", NULL, RT_TEXT, RF_REQUIRED, offsetof(candidacy_decision, decided_by), 0, 36},
    REC_META_TAIL(candidacy_decision, void_reason),
};

static void decision_check(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)body, (void)partial;
	const candidacy_decision *d = rec;
	if (d->biologic && !v_has(v, "biologic") && !biologic_find(cx->treatment, d->biologic))
		v_add(v, "biologic",
		      "is not a biologic of this clinic (see GET /api/v1/biologics)");
}

const rec_kind rk_candidacy_decision = {
    .name = "candidacy_decision",
    .table = "candidacy_decisions",
    .label = "candidacy decision",
    .path = "/api/v1/candidacy-decisions",
    .size = sizeof(candidacy_decision),
    .fields = decision_fields,
    .life = RL_VOID,
    .statuses = decision_statuses,
    .ended = "voided",
    .list_order = "created_at, id",
    .detail_field = "biologic",
    .check = decision_check,
};
