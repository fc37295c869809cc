/* The outcome rules for one treated patient (docs/OUTCOMES.md): day 0 is the first injection not
 * voided; an NRS day value is the mean of that date's readings; the baseline is the mean of the
 * day values from day -14 to day 0, else the latest from day -30 to day -15; milestones at days
 * 30, 91, 182 and 365 take the day value nearest the milestone inside its window (the later one
 * on a tie); a milestone is due once its window has closed; a responder at threshold T has a
 * milestone value at or under baseline x (1 - T/100). Pure: the caller gives the readings. */
#ifndef SCHWANN_OUTCOMES_H
#define SCHWANN_OUTCOMES_H

#include <stdint.h>

#include "../util/dates.h"

#define OUTCOME_MILESTONES 4

extern const int outcome_milestone_day[OUTCOME_MILESTONES];    /* 30, 91, 182, 365 */
extern const int outcome_milestone_window[OUTCOME_MILESTONES]; /* 14, 21, 30, 45 */

/* One NRS reading (a diary entry or an `nrs` assessment) on a day counted from day 0. */
typedef struct nrs_reading {
	long day;
	double value;
} nrs_reading;

typedef enum baseline_kind {
	BASELINE_NONE,   /* no reading from day -30 to day 0: not evaluable */
	BASELINE_ZERO,   /* the baseline is 0: no fall can be measured, not evaluable */
	BASELINE_MEAN,   /* the mean of the day values from day -14 to day 0 */
	BASELINE_LATEST, /* the latest day value from day -30 to day -15 */
} baseline_kind;

/* Time to response: the new lows after day 0 (day values lower than every earlier one after
 * day 0), the first OUTCOME_LOWS of them, enough to find the first day at or under any
 * threshold; and the day of the last reading after day 0. */
#define OUTCOME_LOWS 8

typedef struct outcome_patient {
	/* Kept small, what the responder table reads first: the reports hold one per patient. */
	double baseline;
	double value[OUTCOME_MILESTONES];
	uint8_t baseline_kind; /* a baseline_kind */
	uint8_t evaluable;
	uint8_t due[OUTCOME_MILESTONES];       /* the milestone's window has closed before today */
	uint8_t has_value[OUTCOME_MILESTONES]; /* a day value inside the window */
	uint8_t n_lows;
	uint8_t lows_cut; /* there were more new lows than OUTCOME_LOWS */
	int32_t value_day[OUTCOME_MILESTONES];
	int32_t last_day; /* the last day with a reading after day 0; 0 when none */
	int32_t low_day[OUTCOME_LOWS];
	double low_value[OUTCOME_LOWS];
} outcome_patient;

/* The outcome of one patient from readings[0..n) (any order, days relative to day 0) with
 * `today` days after day 0. */
void outcome_evaluate(const nrs_reading *readings, int n, long today, outcome_patient *out);

/* 1 when milestone m makes the patient a responder at threshold percent (1..99). */
int outcome_responder(const outcome_patient *p, int m, int threshold);

/* The time to response at threshold percent: 1 with *day the first day after day 0 whose value
 * is at or under baseline x (1 - T/100); 0 with *day the last reading after day 0 (censored);
 * -1 when the patient is not in the curve (not evaluable, or no reading after day 0). */
int outcome_first_response(const outcome_patient *p, int threshold, long *day);

#endif
