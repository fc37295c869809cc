/* The procedure record kind: its fields, which of them each kind of procedure takes and needs,
 * and the plausible range of each value. */
#include "procedure.h"

#include <math.h>
#include <string.h>

static const char *const procedure_statuses[] = {"final", "voided", NULL};
static const char *const procedure_kinds[] = {"blood_draw", "harvest", "processing", "injection",
                                              NULL};
static const char *const sources[] = {"bone_marrow", "adipose", NULL};
static const char *const leukocytes[] = {"rich", "poor", NULL};
static const char *const sides[] = {"left", "right", "both", NULL};
static const char *const guidances[] = {"ultrasound", "landmark", "fluoroscopy", NULL};
static const char *const nerves[] = {"tibial",
                                     "sural",
                                     "common_peroneal",
                                     "superficial_peroneal",
                                     "deep_peroneal",
                                     "plantar",
                                     "median",
                                     "ulnar",
                                     "radial",
                                     "intramuscular",
                                     NULL};

#define IN (RF_INPUT | RF_NULLABLE)
#define F(name, type, member) name, NULL, type, IN, offsetof(procedure, member)
static const rec_field procedure_fields[] = {
    REC_META_HEAD(procedure),
    {"plan_id", NULL, RT_TEXT, RF_REQUIRED, offsetof(procedure, plan_id), 0, 36},
    {F("step_id", RT_TEXT, step_id), 0, 36},
    {"kind", NULL, RT_ENUM, RF_INPUT | RF_REQUIRED, offsetof(procedure, kind), 0, 0, 0, 0,
     procedure_kinds},
    {"performed_on", NULL, RT_DATE, RF_INPUT | RF_REQUIRED | RF_NOT_FUTURE | RF_AFTER_BIRTH,
     offsetof(procedure, performed_on)},
    {F("volume_ml", RT_REAL, volume_ml), offsetof(procedure, has_volume), 0, 0.1, 1000},
    {F("source", RT_ENUM, source), 0, 0, 0, 0, sources},
    {F("site", RT_TEXT, site), 0, 64},
    {F("anaesthesia", RT_TEXT, anaesthesia), 0, 100},
    {"from", "from_id", RT_TEXT, IN, offsetof(procedure, from_id), 0, 36},
    {F("method", RT_TEXT, method), 0, 100},
    {F("device", RT_TEXT, device), 0, 100},
    {F("kit_lot", RT_TEXT, kit_lot), 0, 64},
    {F("minimally_manipulated", RT_BOOL, minimally_manipulated)},
    {F("nucleated_cells", RT_REAL, nucleated_cells), offsetof(procedure, has_nucleated_cells), 0,
     1e3, 1e11, NULL, "must be a count of cells from 1,000 to 100,000,000,000"},
    {F("viability_pct", RT_REAL, viability_pct), offsetof(procedure, has_viability), 0, 0, 100},
    {F("cd34_cells", RT_REAL, cd34_cells), offsetof(procedure, has_cd34), 0, 0, 1e10},
    {F("platelets_per_ul", RT_REAL, platelets_per_ul), offsetof(procedure, has_platelets), 0, 1e4,
     1e7, NULL, "must be platelets per microlitre, from 10,000 to 10,000,000"},
    {F("baseline_platelets_per_ul", RT_REAL, baseline_platelets_per_ul),
     offsetof(procedure, has_baseline_platelets), 0, 1e4, 2e6, NULL,
     "must be the patient's blood platelets per microlitre, from 10,000 to 2,000,000"},
    {F("leukocytes", RT_ENUM, leukocytes), 0, 0, 0, 0, leukocytes},
    {F("activation", RT_TEXT, activation), 0, 100},
    {"product", "product_id", RT_TEXT, IN, offsetof(procedure, product_id), 0, 36},
    {F("side", RT_ENUM, side), 0, 0, 0, 0, sides},
    {"nerves", NULL, RT_LIST, RF_INPUT, offsetof(procedure, nerves), offsetof(procedure, n_nerves),
     PROCEDURE_MAX_NERVES, 0, 0, nerves},
    {F("guidance", RT_ENUM, guidance), 0, 0, 0, 0, guidances},
    {"operator", "operator_name", RT_TEXT, IN, offsetof(procedure, operator_name), 0, 200},
    {"lot_numbers", NULL, RT_LIST, RF_INPUT, offsetof(procedure, lots), offsetof(procedure, n_lots),
     PROCEDURE_MAX_LOTS},
    {F("cells", RT_REAL, cells), offsetof(procedure, has_cells), 0, 1e3, 1e11, NULL,
     "must be a count of cells from 1,000 to 100,000,000,000"},
    {"cells_from_product", NULL, RT_BOOL, RF_REQUIRED, offsetof(procedure, cells_from_product)},
    REC_META_TAIL(procedure, void_reason),
};

/* Which kinds take a field, and which need it: 'r' required, 'o' optional, '-' not taken, in
 * the order blood_draw, harvest, processing, injection. */
static const struct {
	const char *field;
	const char *use;
} uses[] = {
    {"volume_ml", "rror"},
    {"source", "-r--"},
    {"site", "-r--"},
    {"anaesthesia", "-o--"},
    {"from", "--r-"},
    {"method", "--r-"},
    {"device", "--o-"},
    {"kit_lot", "--o-"},
    {"minimally_manipulated", "--o-"},
    {"nucleated_cells", "--o-"},
    {"viability_pct", "--o-"},
    {"cd34_cells", "--o-"},
    {"platelets_per_ul", "--o-"},
    {"baseline_platelets_per_ul", "--o-"},
    {"leukocytes", "--o-"},
    {"activation", "--o-"},
    {"product", "---r"},
    {"side", "---r"},
    {"nerves", "---r"},
    {"guidance", "---r"},
    {"operator", "---r"},
    {"lot_numbers", "---o"},
    {"cells", "---o"},
};

static int kind_index(const char *kind)
{
	for (int i = 0; kind && procedure_kinds[i]; i++)
		if (strcmp(procedure_kinds[i], kind) == 0)
			return i;
	return -1;
}

/* The volume a kind of procedure plausibly has, in mL. */
static const double volume_max[] = {120, 500, 1000, 50};

/* A lot fits in one path segment of GET /lots/{lot}, and in a list stored "a,b,c". */
static int lot_ok(const char *lot)
{
	return !strpbrk(lot, ",/") && strspn(lot, ".") < strlen(lot);
}

static void procedure_check(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)partial, (void)cx;
	procedure *p = rec;
	int k = kind_index(p->kind);
	if (k < 0)
		return;
	for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
		char use = uses[i].use[k];
		json_t *val = json_object_get(body, uses[i].field);
		int given =
		    val && !json_is_null(val) && !(json_is_array(val) && !json_array_size(val));
		if (use == '-' && given)
			v_add(v, uses[i].field, "is not recorded for a %s", p->kind);
		else if (use == 'r' && !given && !v_has(v, uses[i].field))
			v_add(v, uses[i].field, "is required for a %s", p->kind);
	}
	if (p->has_volume && p->volume_ml > volume_max[k] && !v_has(v, "volume_ml"))
		v_add(v, "volume_ml", "cannot be more than %g mL for a %s", volume_max[k], p->kind);
	/* A lot is looked up whole (GET /lots/{lot}): no separator of a path or a list in it. */
	if (p->kit_lot && !lot_ok(p->kit_lot) && !v_has(v, "kit_lot"))
		v_add(v, "kit_lot", "cannot contain a comma or a slash, nor be only dots");
	for (int i = 0; i < p->n_lots; i++)
		if (!lot_ok(p->lots[i]))
			v_add(v, arena_printf(v->a, "lot_numbers[%d]", i),
			      "cannot contain a slash, nor be only dots");
	if (p->has_platelets != p->has_baseline_platelets && !v_has(v, "baseline_platelets_per_ul"))
		v_add(v, "baseline_platelets_per_ul",
		      "goes with platelets_per_ul: both are needed for the concentration factor");
}

/* PRP: the concentration factor over the patient's blood. */
static void procedure_json(json_t *out, const void *rec, const rec_ctx *cx)
{
	(void)cx;
	const procedure *p = rec;
	json_object_set_new(
	    out, "platelet_fold",
	    p->has_platelets && p->has_baseline_platelets
	        ? json_real(round(p->platelets_per_ul / p->baseline_platelets_per_ul * 10) / 10)
	        : json_null());
}

static const char *const lot_fields[] = {"kit_lot", "lot_numbers", NULL};

const rec_kind rk_procedure = {
    .name = "procedure",
    .table = "procedures",
    .label = "procedure",
    .path = "/api/v1/procedures",
    .size = sizeof(procedure),
    .fields = procedure_fields,
    .life = RL_VOID,
    .statuses = procedure_statuses,
    .ended = "voided",
    .list_order = "performed_on, created_at, id",
    .detail_field = "kind",
    .find_fields = lot_fields,
    .check = procedure_check,
    .to_json = procedure_json,
};

int procedure_take_cells(procedure *injection, const procedure *product, int product_used_before)
{
	if (injection->has_cells || !product || !product->has_nucleated_cells)
		return 0;
	if (product_used_before)
		return -1;
	injection->cells = product->nucleated_cells;
	injection->has_cells = injection->cells_from_product = 1;
	return 0;
}

int procedure_needs_clinician(const char *kind)
{
	return kind && (strcmp(kind, "harvest") == 0 || strcmp(kind, "injection") == 0);
}
