/* The outcome reports over a cohort (docs/OUTCOMES.md): each patient reduced once to a profile
 * (day 0, the strata, the NRS outcome at each milestone, PGIC), then tallied per request by a
 * milestone, a threshold, filters and up to two stratifying variables. Pure: the caller gives the
 * patients (store/) and turns the tallies into JSON or CSV (api/). */
#ifndef SCHWANN_OUTCOME_REPORT_H
#define SCHWANN_OUTCOME_REPORT_H

#include <stdint.h>

#include "../util/arena.h"
#include "outcomes.h"

/* The scores whose change the reports follow: the totals of DN4, MNSI history and TCNS (lower
 * is better), then the eight RAND-36 scales (0-100, higher is better). */
#define OUTCOME_SCORES 11
#define OUTCOME_TOTALS 3 /* the first three are instrument totals */
extern const char *const outcome_score_names[OUTCOME_SCORES]; /* dn4, mnsi_history, tcns,
                                                                 rand36_physical_functioning, ... */
extern const char *const outcome_score_ids[OUTCOME_TOTALS];   /* dn4, mnsi-history, tcns */

/* One patient of the cohort as the store reads it: treated (day 0 the first injection not
 * voided, the biologic its plan's) or comparator (a neuropathy diagnosis and no injection, day 0
 * the first clinic NRS). Days of readings and injections count from day 0. No identifier. */
typedef struct outcome_subject {
	const char *patient_id; /* for the store's cache only: never in a report */
	int treated;
	const char *day0;       /* YYYY-MM-DD */
	const char *biologic;   /* the plan's biologic; NULL for the comparator */
	const char *etiology;   /* of the plan's diagnosis (the comparator: the first diagnosis) */
	const char *onset;      /* that diagnosis's onset (YYYY-MM-DD or YYYY-MM), or NULL */
	const char *birth_date; /* YYYY-MM-DD */
	const char *sex;        /* sex at birth */
	int has_fold;
	double fold; /* the first injection's platelet fold concentration (PRP) */
	int has_hba1c;
	double hba1c;            /* the latest HbA1c (%) on or before day 0 */
	nrs_reading *injections; /* live injections: day, and cells given (NaN unrecorded) */
	int n_injections;
	nrs_reading *readings; /* NRS: diary entries and `nrs` assessments */
	int n_readings;
	nrs_reading *pgic; /* PGIC: value 1 for much improved or better, 0 otherwise */
	int n_pgic;
	struct outcome_event *events; /* adverse events not entered in error */
	int n_events;
	nrs_reading *scores[OUTCOME_SCORES]; /* outcome_score_names, by day */
	int n_scores[OUTCOME_SCORES];
} outcome_subject;

#define AE_GRADES 5
#define AE_RELATEDNESS 5
extern const char *const outcome_relatedness[]; /* unrelated, unlikely, possible, ... */

typedef struct outcome_event {
	long day;    /* onset, from day 0 */
	int grade;   /* CTCAE 1-5 */
	int related; /* index into outcome_relatedness, -1 unknown */
	int serious;
} outcome_event;

/* The stratifying variables; each is also a filter by its name. */
enum {
	OV_GROUP,      /* treated, comparator */
	OV_BIOLOGIC,   /* the biologics' ids, none (the comparator) */
	OV_ETIOLOGY,   /* the etiologies of the neuropathy code list */
	OV_CHRONICITY, /* recent, chronic, unknown (the server's chronic threshold) */
	OV_DURATION,   /* under_1y, 1_to_5y, over_5y, unknown */
	OV_INJECTIONS, /* 1, 2, 3_plus by the milestone day; none for the comparator */
	OV_AGE,        /* under_50, 50_to_64, 65_plus, unknown (at day 0) */
	OV_SEX,        /* the sex-at-birth values */
	OV_HBA1C,      /* under_7, 7_to_8.9, 9_plus, none (the latest on or before day 0) */
	OV_COUNT
};

#define OV_MAX_VALUES 16

/* The names of the variables and their values, in the order rows are given. */
typedef struct outcome_scheme {
	int chronic_months;
	const char *name[OV_COUNT];
	const char *values[OV_COUNT][OV_MAX_VALUES];
	int n_values[OV_COUNT];
} outcome_scheme;

/* The scheme with the biologics' ids (n of them, at most OV_MAX_VALUES - 1) and the chronic
 * threshold in months. */
void outcome_scheme_init(outcome_scheme *s, const char *const *biologics, int n,
                         int chronic_months);
/* The variable called name, or -1. */
int outcome_var(const outcome_scheme *s, const char *name);
/* The index of value among variable v's values, or -1. */
int outcome_value(const outcome_scheme *s, int v, const char *value);

/* One patient reduced for the reports. Values of OV_INJECTIONS depend on the milestone and live
 * in injections_by[]. */
typedef struct outcome_profile {
	long day0;    /* days since 1970-01-01 */
	uint8_t live; /* 0: a slot whose patient left the cohort; reports pass over it */
	uint8_t var[OV_COUNT];
	uint8_t injections_by[OUTCOME_MILESTONES];
	int8_t
	    pgic[OUTCOME_MILESTONES]; /* -1 none in the window, 0 no, 1 much improved or better */
	/* Adverse events (counts stop at 255): by grade, by relatedness, serious. */
	uint8_t ae_grade[AE_GRADES], ae_related[AE_RELATEDNESS], ae_serious, ae_events;
	outcome_patient nrs; /* due[] is left 0: the report sets it from today */
	/* What only some reports read comes last, out of the responder scan's way. */
	/* The scores (outcome_score_names): the latest from day -90 to day 0, and the total nearest
	 * each milestone inside its window (the later day on a tie); NaN when none. */
	float score_base[OUTCOME_SCORES], score_at[OUTCOME_SCORES][OUTCOME_MILESTONES];
	/* Dose: cells given by the injections on or before each milestone day (NaN when none was
	 * recorded) and the first injection's platelet fold concentration (NaN when none). */
	double cells_by[OUTCOME_MILESTONES], fold;
} outcome_profile;

/* The profile of one subject; -1 when its day 0 is not a date. */
int outcome_profile_make(const outcome_scheme *s, const outcome_subject *sub, outcome_profile *out);

typedef enum outcome_measure { MEASURE_NRS, MEASURE_PGIC } outcome_measure;

typedef struct outcome_query {
	int milestone; /* index into outcome_milestone_day */
	int threshold; /* percent, for MEASURE_NRS */
	outcome_measure measure;
	int primary;               /* 1: denominator every due patient; 0: those observed */
	long today;                /* days since 1970-01-01 */
	uint32_t filter[OV_COUNT]; /* bit i: value i passes; 0 means any */
	int by[2];                 /* variables, -1 for none */
} outcome_query;

/* A query with the defaults: 91 days, 30 %, NRS, primary, no filter, no strata. */
void outcome_query_init(outcome_query *q, long today);

typedef struct outcome_tally {
	int value[2]; /* the stratum's value of by[0] and by[1]; -1 for none */
	int patients, treated, due, not_evaluable, missing, observed, responders;
	int with_value; /* due with an NRS value in the window, baseline or not (completeness) */
	/* Adverse events of every patient in the row, due or not. */
	int with_event, with_serious, events, serious;
	int grade[AE_GRADES], related[AE_RELATEDNESS + 1]; /* related[5]: not stated */
} outcome_tally;

/* The tallies of the patients passing the filters (the treated only unless the query filters or
 * stratifies by group): rows[0] all of them, then one per combination of the by values present,
 * in the scheme's value order. Arena-allocated; -1 when out of memory. */
int outcome_responders(const outcome_scheme *s, const outcome_profile *p, int n,
                       const outcome_query *q, arena *a, outcome_tally **rows, int *n_rows);

/* The strata of a query as cells: how many (1 without `by`), the cell of a profile, and the
 * values (-1 for none) of a cell. */
int outcome_cells(const outcome_scheme *s, const outcome_query *q);
int outcome_cell(const outcome_scheme *s, const outcome_query *q, const outcome_profile *p);
void outcome_cell_values(const outcome_scheme *s, const outcome_query *q, int cell, int value[2]);

/* Adds profile p to tally t for the query's milestone, threshold, measure and analysis. */
void outcome_count(outcome_tally *t, const outcome_profile *p, const outcome_query *q);

/* 1 when profile p passes the query's filters (the group's default included). */
int outcome_passes(const outcome_query *q, const outcome_profile *p);

#endif
