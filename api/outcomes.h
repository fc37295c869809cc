/* What the outcome reports share (api/outcomes.c): their parameters, the tallies over the
 * server's profiles, the stratum and definition in JSON, and the audited answer as JSON or CSV. */
#ifndef SCHWANN_API_OUTCOMES_H
#define SCHWANN_API_OUTCOMES_H

#include "../core/outcome_report.h"
#include "api.h"

#define COMPARATOR_NOTE "observational comparison, not a randomised control"

typedef struct report_params {
	const outcome_scheme *scheme;
	outcome_query q;
	int min_n;
	int csv;
	const char *filters; /* "etiology=diabetic, biologic=prp" or "none" */
} report_params;

/* Reads the parameters every report takes; 0 when good, or the 422 already set. */
int outcome_params(http_req *r, report_params *p);
/* The tallies of p->q over the server's profiles, brought up to date first; 0, or the answer. */
int outcome_tallies(http_req *r, const report_params *p, outcome_tally **rows, int *n_rows);
/* {"biologic": "prp", ...} for a row; {} for the row of every patient. */
json_t *outcome_stratum(const report_params *p, const outcome_tally *t);
/* What every report's definition says: the report, as_of, filters, by, the comparator. */
json_t *outcome_definition(const report_params *p, const char *report);
/* Audits the read and answers {definition, as_of, rows, ...extra} as JSON, or the rows as CSV
 * when asked. Takes the references (extra may be NULL). */
int outcome_answer(http_req *r, const report_params *p, const char *report, json_t *def,
                   json_t *rows, json_t *extra);

#endif
