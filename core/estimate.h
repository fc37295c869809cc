/* Cost estimates: a plan's steps still to come priced before the patient decides. Each step
 * bills what an invoice would bill for it later: its visit (the appointment type the step is
 * booked as, core/appt_type.h) and, for a procedure step, the procedure with the plan's
 * biologic (core/billing.h prices). Optional steps (a repeat injection) are totalled apart.
 * Pure: totals in int64 minor units with overflow checks, the validity date, what is not
 * included; strings in the caller's arena. */
#ifndef SCHWANN_ESTIMATE_H
#define SCHWANN_ESTIMATE_H

#include <jansson.h>
#include <stdint.h>

#include "../util/dates.h"

#define ESTIMATE_MAX_LINES 64
#define ESTIMATE_NOTE_MAX 1000
#define ESTIMATE_VALID_DAYS 30 /* unless the request says otherwise (1..180) */

/* One priced item of a step: the price list's item and the amount in force. */
typedef struct estimate_item {
	const char *kind; /* appointment, procedure */
	const char *code; /* appointment type, procedure kind */
	const char *biologic;
	const char *label;
	const char *price_id;
	int64_t amount;
} estimate_item;

typedef struct estimate_line {
	const char *step_id, *step_kind, *due_date;
	int optional;
	estimate_item items[2];
	int n_items;
	int64_t amount; /* the items' sum (estimate_total sets it) */
} estimate_line;

/* Sums each line and the totals: *required over the steps that are not optional, *with_optional
 * over all. 0, or -1 when a sum would overflow. */
int estimate_total(estimate_line *lines, int n, int64_t *required, int64_t *with_optional);

/* The date an estimate made on `made` stays valid to: made + days - 1 (days 1..180). */
civil_date estimate_valid_until(civil_date made, int days);

/* What an estimate does not cover, in the patient's words (NULL-terminated). */
extern const char *const estimate_not_included[];

/* A line as JSON, amounts in minor units (new reference). */
json_t *estimate_line_json(const estimate_line *l);

#endif
