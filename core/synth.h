/* The synthetic registry (schwann synth): patients drawn from a documented response model, as
 * numbers (core/synth.c), then as the records the clinic would have made (core/synth_records.c).
 * Pure and deterministic: patient i of seed s is the same on every run and machine, whatever
 * else is generated. Every patient is marked synthetic. The model and its parameters are at the
 * top of core/synth.c and in docs/OUTCOMES.md, "The synthetic registry". */
#ifndef SCHWANN_SYNTH_H
#define SCHWANN_SYNTH_H

#include <stdint.h>

#include "../util/dates.h"
#include "assessment.h"
#include "instrument.h"
#include "observation.h"
#include "patient.h"
#include "record.h"
#include "treatment.h"

/* The biologics of the built-in data (data/biologics.json); SYNTH_NONE for the comparator. */
enum synth_biologic { SYNTH_PRP, SYNTH_BMAC, SYNTH_SVF, SYNTH_BIOLOGICS, SYNTH_NONE = -1 };
extern const char *const synth_biologic_ids[SYNTH_BIOLOGICS]; /* prp, bmac, adipose_svf */

/* How a treated patient's plan stands today. */
enum synth_plan_status { SYNTH_IN_PROGRESS, SYNTH_COMPLETED, SYNTH_STOPPED };

#define SYNTH_MAX_READINGS 80
#define SYNTH_MAX_SESSIONS 3
#define SYNTH_MAX_HBA1C 3
#define SYNTH_MAX_EVENTS 4
#define SYNTH_PGIC_NONE (-1)

/* One NRS reading, `day` days after day 0: a diary entry, or a clinic `nrs` assessment (with the
 * PGIC answer given at that visit, an index into pgic_answers, or SYNTH_PGIC_NONE). A voided
 * diary entry is a mistake the patient corrected: its value must never count. */
typedef struct synth_reading {
	int day;
	int nrs;
	int clinic;
	int pgic;
	int voided;
} synth_reading;

/* One treatment session: the source (blood draw or harvest), its processing and the injection,
 * all on `day`. PRP: blood platelets and the product's concentration; cells: the nucleated cells
 * of the product, all injected. */
typedef struct synth_session {
	int day;
	double source_ml, product_ml;
	double baseline_platelets, platelets; /* per microlitre (PRP) */
	double cells, viability;              /* nucleated cells, % viable (BMAC, SVF) */
} synth_session;

/* The adverse events the registry holds (terms, grades and the rest in core/synth_records.c). */
enum synth_event_kind {
	SYNTH_AE_INJECTION_PAIN,
	SYNTH_AE_BRUISING,
	SYNTH_AE_HARVEST_PAIN,
	SYNTH_AE_HAEMATOMA,
	SYNTH_AE_INFECTION, /* serious: hospitalisation */
	SYNTH_AE_FLARE,     /* a transient worsening of the neuropathic pain */
	SYNTH_AE_FALL,      /* serious, unrelated */
	SYNTH_AE_KINDS
};

/* An adverse event of kind `kind` starting `day` after day 0, after session `session`'s injection
 * (or its harvest, for the harvest-site kinds). */
typedef struct synth_event {
	int kind;
	int day;
	int session;
} synth_event;

typedef struct synth_hba1c {
	int day;
	double value; /* %, one decimal */
} synth_hba1c;

typedef struct synth_patient {
	long index; /* 0-based; the MRN is SYN-<seed>-<index + 1> */
	int female;
	civil_date birth;
	int family, given; /* name picks (modulo the tables of core/synth_records.c) */
	int research_consent;
	int extent;                   /* sites: 0 both feet, 1 and legs, 2 and hands */
	const char *icd10, *etiology; /* from core/neuropathy.c's list */
	civil_date day0;              /* first injection; for the comparator the first clinic NRS */
	double chronic_months;        /* true months from onset to day 0 */
	civil_date onset;             /* the true onset */
	int onset_recorded;           /* 0: unknown; 1: YYYY-MM-DD; 2: only YYYY-MM */
	civil_date diagnosed;
	int biologic; /* enum synth_biologic */
	/* The model's draws, kept for tests and documentation. */
	double p_respond; /* probability of responding */
	int responds;     /* the draw */
	double plateau;   /* relative fall in pain reached (negative: worse) */
	double true_nrs;  /* pain before treatment, before day-to-day noise */
	double dose_z;    /* standardised dose of the first session (0 for the comparator) */
	long dropout_day; /* the last day the patient is seen; LONG_MAX: never drops out */
	long followed_to; /* last day of follow-up written (today, drop-out or day 410) */
	long today;       /* today, in days after day 0 */
	int plan_status;  /* enum synth_plan_status (treated only) */
	civil_date plan_start;
	int n_sessions;
	synth_session sessions[SYNTH_MAX_SESSIONS];
	int n_readings;
	synth_reading readings[SYNTH_MAX_READINGS];
	int n_hba1c;
	synth_hba1c hba1c[SYNTH_MAX_HBA1C];
	int n_events;
	synth_event events[SYNTH_MAX_EVENTS];
} synth_patient;

/* Patient `index` of registry `seed`, its dates placed relative to today. */
void synth_generate(uint64_t seed, long index, civil_date today, synth_patient *out);

/* The relative fall in pain t days after day 0 (the response model's curve) for a patient. */
double synth_relief(const synth_patient *p, long t);

/* What the records need from the loaded data, read once the way the API reads a request: each NRS
 * (0-10) and PGIC answer as a scored assessment, each HbA1c value of the registry's range (tenths
 * of a percent) as a checked observation, and per biologic its protocol and current consent
 * document. Strings in the arena given to synth_catalogue_init. */
#define SYNTH_PGIC_ANSWERS 7
#define SYNTH_HBA1C_MIN 55 /* 5.5 % */
#define SYNTH_HBA1C_MAX 120
extern const char *const synth_pgic_answers[SYNTH_PGIC_ANSWERS]; /* best first */
typedef struct synth_catalogue {
	assessment nrs[11];
	assessment pgic[SYNTH_PGIC_ANSWERS];
	observation hba1c[SYNTH_HBA1C_MAX - SYNTH_HBA1C_MIN + 1];
	const protocol *protocols[SYNTH_BIOLOGICS];
	const biologic *biologics[SYNTH_BIOLOGICS];
	const consent_doc *consents[SYNTH_BIOLOGICS];
} synth_catalogue;

/* Fills cat by scoring each answer with the loaded instruments and reading the treatment data the
 * way the API does. 0, or -1 with the problem in err (an instrument, protocol or document the
 * registry needs is missing or scores differently). */
int synth_catalogue_init(arena *a, const instrument_set *ins, const treatment_set *tx,
                         civil_date today, synth_catalogue *cat, char *err, size_t errlen);

/* One record to write: its kind and its struct. */
typedef struct synth_record {
	const rec_kind *k;
	void *rec;
} synth_record;

/* The records of patient sp (condition, plan, consent, procedures, diary entries, assessments,
 * observations, adverse events) in the order a clinic makes them, each with an id from new_id and
 * its strings in a; the patient row in *p. Returns how many went into out (room for max;
 * SYNTH_MAX_RECORDS always suffices). */
#define SYNTH_MAX_RECORDS                                                                          \
	(4 + 3 * SYNTH_MAX_SESSIONS + SYNTH_MAX_READINGS * 2 + SYNTH_MAX_HBA1C + SYNTH_MAX_EVENTS)
int synth_records(arena *a, const synth_catalogue *cat, const synth_patient *sp, uint64_t seed,
                  const char *(*new_id)(arena *a), const char *now, patient *p, synth_record *out,
                  int max);

#endif
