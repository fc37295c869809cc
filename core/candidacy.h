/* Candidacy for each biologic, with reasons: rules as data (data/candidacy/rules.json, checked at
 * start-up like the instruments) and their evaluation against a patient's records. Never a bare
 * "eligible": each finding says its level (blocks, caution, note), its rule, the reason in plain
 * words, how sure its source is, and the records it came from with their dates; missing data is
 * a finding of its own. Pure: the caller reads the records.
 *
 * rules.json: {"source", "rules": [{"id", "level": blocks|caution|note, "biologics": [...] (absent:
 *   every biologic), "check", "reason", "certainty": confirmed|secondary|unconfirmed, "source",
 *   and the check's own keys}]}. Checks:
 *   diagnosis        an active diagnosis with "chronicity" (recent|chronic) and/or "etiology" [..]
 *   medicine         a medicine taken today whose class is in "drug_class" [...]
 *   test             the latest result of "test" (within "within_days", if given) "above" or
 *                    "below" a limit, in the test's own unit
 *   answer           the latest "instrument" (within "within_days") answered "item" with one of
 *                    "any_of" [...]
 *   missing_test     no result of "test" within "within_days" (only for a patient with an active
 *                    diagnosis of an "etiology" [...] when given)
 *   missing_answers  no "instrument" filled within "within_days" */
#ifndef SCHWANN_CANDIDACY_H
#define SCHWANN_CANDIDACY_H

#include <jansson.h>

#include "assessment.h"
#include "condition.h"
#include "diary.h"
#include "observation.h"
#include "treatment.h"

typedef enum cand_level { CAND_BLOCKS, CAND_CAUTION, CAND_NOTE } cand_level;
typedef enum cand_check {
	CHECK_DIAGNOSIS,
	CHECK_MEDICINE,
	CHECK_TEST,
	CHECK_ANSWER,
	CHECK_MISSING_TEST,
	CHECK_MISSING_ANSWERS
} cand_check;

extern const char *const cand_level_names[];

typedef struct cand_rule {
	const char *id;
	cand_level level;
	const char **biologics; /* NULL: every biologic */
	int n_biologics;
	cand_check check;
	const char *reason;
	const char *certainty;
	const char *source;
	const char *chronicity; /* diagnosis */
	const char **values;    /* etiology, drug_class or any_of */
	int n_values;
	const char *test;       /* test, missing_test */
	const char *instrument; /* answer, missing_answers */
	const char *item;       /* answer */
	double limit;           /* test */
	int above;              /* test: 1 above the limit, 0 below it */
	int within_days;        /* 0: any time */
} cand_rule;

typedef struct cand_rules {
	const char *source;
	cand_rule *rules;
	int n;
} cand_rules;

/* Reads rules.json, checking every biologic, test, instrument, item and answer it names against
 * what the server knows. 0 and *out (in the arena) when good; every problem in v. */
int cand_rules_parse(arena *a, json_t *doc, const treatment_set *set,
                     const instrument_set *instruments, cand_rules *out, vctx *v);

/* A patient's records as read for candidacy (every status; the rules skip ended ones). */
typedef struct cand_input {
	const condition *conditions;
	int n_conditions;
	const medication *medications;
	int n_medications;
	const observation *observations;
	int n_observations;
	const assessment *assessments;
	int n_assessments;
	civil_date today;
	int chronic_months;
} cand_input;

/* {"evaluated_on", "source", "biologics": [{"biologic", "label", "regulatory_class",
 * "investigational", "blocks", "cautions", "notes", "findings": [{"level", "rule", "reason",
 * "certainty", "source", "missing", "records": [{"kind", "id", "date", "label", "value"?}]}]}]}:
 * findings ordered blocks, caution, note, then as the rules are listed. */
json_t *cand_evaluate(const cand_rules *rules, const treatment_set *set, const cand_input *in);

#endif
