/* The outcome reports (docs/OUTCOMES.md), built without a request so that the API and the
 * command line give the same JSON and CSV: the parameters every report takes, read through a
 * getter (the query string, or the command's options); the table of reports; and what they share
 * (tallies over the profiles, the stratum, the definition). No identifier appears in any. */
#ifndef SCHWANN_API_OUTCOMES_H
#define SCHWANN_API_OUTCOMES_H

#include "../core/outcome_report.h"
#include "../store/outcome_cache.h"
#include "../util/strbuf.h"
#include "../util/verr.h"
#include "api.h"

#define COMPARATOR_NOTE "observational comparison, not a randomised control"

/* A parameter's value by name, or NULL when absent. */
typedef const char *(*param_get)(void *ctx, const char *name);

typedef struct report_params {
	const outcome_scheme *scheme;
	outcome_query q;
	int min_n;
	int csv;
	const char *filters; /* "etiology=diabetic, biologic=prp" or "none" */
	arena *a;
	vctx *v;
	param_get get;
	void *ctx;
} report_params;

/* Reads every parameter through get(ctx, name) into p (a, v, get and ctx set by the caller);
 * each problem goes into v. 0 when all are good. */
int outcome_parse(report_params *p, const outcome_scheme *s, long today);

/* What a report has to work with: the parameters, the cache (brought up to date), the store
 * (for what the cache does not hold). */
typedef struct report_input {
	const report_params *p;
	outcome_cache *cache;
	store *st;
} report_input;

/* Builds the report into *def (its definition), *rows and *extra (more members of the JSON
 * answer, or NULL). 0, or a store error. */
typedef sw_err (*report_fn)(const report_input *in, json_t **def, json_t **rows, json_t **extra);

typedef struct outcome_report {
	const char *name; /* "responders": the path's last segment, the CSV's file name */
	report_fn build;
} outcome_report;

extern const outcome_report outcome_reports[]; /* NULL-name terminated */
sw_err outcome_report_time(const report_input *in, json_t **def, json_t **rows, json_t **extra);
sw_err outcome_report_dose(const report_input *in, json_t **def, json_t **rows, json_t **extra);
sw_err outcome_report_change(const report_input *in, json_t **def, json_t **rows, json_t **extra);
const outcome_report *outcome_report_find(const char *name);

/* Reads the parameters of a request (its query string) with the server's scheme and today;
 * 0, or the 422 already set. */
int outcome_request_params(http_req *r, report_params *p);
/* Sets insufficient, rate, ci_low and ci_high (exact 95 %) of x out of n in o: no rate and no
 * interval when n is under min_n. Returns insufficient. */
int outcome_rate(json_t *o, int x, int n, int min_n);

/* The tallies of p->q over the cache; -1 when out of memory. */
int outcome_tallies(const report_input *in, outcome_tally **rows, int *n_rows);
/* {"biologic": "prp", ...} for a row; {} for the row of every patient. */
json_t *outcome_stratum(const report_params *p, const outcome_tally *t);
/* What every report's definition says: the report, as_of, filters, by, the comparator. */
json_t *outcome_definition(const report_params *p, const char *report);
/* The CSV of a report: the definition's scalar members as "# key: value" lines, then the rows
 * (a row's stratum first as columns, then its own members, then those of its other objects).
 * Appended to b; 0 or -1 when b is full. */
int outcome_csv(strbuf *b, json_t *definition, json_t *rows);

#endif
