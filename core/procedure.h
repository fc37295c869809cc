/* What was done to the patient under a plan, from harvest to injection: a blood draw, a harvest
 * (bone marrow or fat), the processing of one into a product (cell counts, viability, platelet
 * concentration, kit lot), and the injection of a product (volume, target nerves, guidance,
 * operator, lots). Each kind takes its own fields; a value outside what is plausible is refused.
 * Voided with a reason, never deleted. Strings point into an arena. */
#ifndef SCHWANN_PROCEDURE_H
#define SCHWANN_PROCEDURE_H

#include "record.h"

#define PROCEDURE_MAX_LOTS 8
#define PROCEDURE_MAX_NERVES 12

typedef struct procedure {
	const char *id;
	const char *patient_id;
	const char *plan_id;
	const char *step_id; /* the plan step it fulfils, or NULL */
	const char *kind;    /* blood_draw, harvest, processing, injection */
	const char *performed_on;
	double volume_ml;
	int has_volume;
	const char *source; /* harvest: bone_marrow, adipose */
	const char *site;   /* harvest: e.g. posterior_iliac_crest_left, abdomen */
	const char *anaesthesia;
	const char *from_id; /* processing: the harvest or blood draw it processed */
	const char *method;
	const char *device;
	const char *kit_lot;
	int minimally_manipulated; /* -1 not said */
	double nucleated_cells;
	int has_nucleated_cells;
	double viability_pct;
	int has_viability;
	double cd34_cells;
	int has_cd34;
	double platelets_per_ul;
	int has_platelets;
	double baseline_platelets_per_ul;
	int has_baseline_platelets;
	const char *leukocytes; /* rich, poor */
	const char *activation;
	const char *product_id; /* injection: the processing record */
	const char *side;       /* injection: left, right, both */
	const char *nerves[PROCEDURE_MAX_NERVES];
	int n_nerves;
	const char *guidance; /* ultrasound, landmark, fluoroscopy */
	const char *operator_name;
	const char *lots[PROCEDURE_MAX_LOTS];
	int n_lots;
	double cells; /* injection: cells injected, given or taken from the product */
	int has_cells;
	int cells_from_product; /* 1 when cells was taken from the product's nucleated cells */
	REC_LIFE_MEMBERS(void_reason); /* status: final, voided */
} procedure;

extern const rec_kind rk_procedure;

/* An injection that gives no cell count takes its product's nucleated cells, when the product
 * counted them and no other live injection used it (else the whole count would be given twice).
 * 0 when done or not needed; -1 when the count must be given (the product was injected before). */
int procedure_take_cells(procedure *injection, const procedure *product, int product_used_before);

/* 1 for the kinds only a clinician records (harvest, injection); a nurse records blood draws and
 * processing. */
int procedure_needs_clinician(const char *kind);

#endif
