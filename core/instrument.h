/* Validated instruments as data: a definition (read from a JSON file and checked) and the scoring
 * of a set of answers against it. Pure: no I/O. A definition and everything in it live in the
 * arena it was parsed with; the caller keeps that arena for as long as the definition is used.
 *
 * Definition file (data/instruments/<id>.json), in short:
 *   id, version, title, citation, licence {status, note}, administration, codes [{system, code,
 *   display}], answer_sets {name: [{value, label, points}]},
 *   items [{id, text, section, answers: set name or inline list | type "integer" with min/max,
 *           sides ["right","left"] (expands to id_right, id_left), required (default true),
 *           scored (default true), reverse (choice points mirrored)}],
 *   scores [{id, label, method sum|mean|profile, items [...], min_answered, min, max}],
 *   total (a score id) or variants [{id, when_answered [...], total}] (first that applies),
 *   bands [{score, levels [{from, label, interpretation}]}],
 *   cutoffs [{score, at_least, label, interpretation, primary}],
 *   flags [{id, item, any_of [...], label}]
 * The loader checks every reference, and that each score's declared min and max equal what its
 * items can give (the check that catches a TCNS scored on two reflexes claiming a maximum of 19).
 */
#ifndef SCHWANN_INSTRUMENT_H
#define SCHWANN_INSTRUMENT_H

#include <jansson.h>

#include "../util/verr.h"

typedef enum instr_item_type { ITEM_CHOICE, ITEM_INTEGER } instr_item_type;
typedef enum instr_method { METHOD_SUM, METHOD_MEAN, METHOD_PROFILE } instr_method;

typedef struct instr_option {
	const char *value;
	const char *label;
	double points;
	int has_points; /* 0 for an answer that carries no points (stored, not scored) */
} instr_option;

typedef struct instr_item {
	const char *id;
	const char *text;
	const char *section;
	instr_item_type type;
	const instr_option *options; /* ITEM_CHOICE */
	int n_options;
	int min, max; /* ITEM_INTEGER */
	int required;
	int scored;
} instr_item;

typedef struct instr_score {
	const char *id;
	const char *label;
	instr_method method;
	const int *items; /* indexes into instrument.items */
	int n_items;
	int min_answered;
	double min, max;
} instr_score;

typedef struct instr_level {
	double from;
	const char *label;
	const char *interpretation;
} instr_level;

typedef struct instr_bands {
	int score; /* index into scores */
	const instr_level *levels;
	int n_levels;
} instr_bands;

typedef struct instr_cutoff {
	int score;
	double at_least;
	const char *label;
	const char *interpretation;
	int primary;
} instr_cutoff;

typedef struct instr_flag {
	const char *id;
	const char *label;
	int item;
	const char *const *any_of;
	int n_any_of;
} instr_flag;

typedef struct instr_variant {
	const char *id;
	const int *when_answered;
	int n_when;
	int total; /* score index */
} instr_variant;

typedef struct instrument {
	const char *id;
	const char *version;
	const char *title;
	json_t *definition; /* the file as loaded (one reference owned by the instrument) */
	const instr_item *items;
	int n_items;
	const instr_score *scores;
	int n_scores;
	int total; /* score index, or -1 when variants decide, or none */
	const instr_variant *variants;
	int n_variants;
	const instr_bands *bands;
	int n_bands;
	const instr_cutoff *cutoffs;
	int n_cutoffs;
	const instr_flag *flags;
	int n_flags;
} instrument;

/* The outcome of scoring. value[] is parallel to instrument.scores. */
typedef struct instr_result {
	const instrument *in;
	double *value;
	int *valid;           /* 0 when too few items were answered for that score */
	const char **profile; /* METHOD_PROFILE scores */
	int total;            /* score index of the total, -1 when the instrument has none */
	const char *variant;  /* variant id, or NULL */
	int *flag;            /* parallel to flags */
} instr_result;

/* Parses and checks a definition; errors go to v with paths like "items[3].answers". Returns 0
 * and *out, or -1. Takes a new reference to def. */
int instr_parse(arena *a, json_t *def, instrument **out, vctx *v);
/* Scores answers (a JSON object item id -> value). Unknown items, impossible values and missing
 * required answers are recorded in v with the path "answers.<item>"; no item answered at all
 * (possible when every item is optional) is an error at "answers". Returns 0 or -1. */
int instr_evaluate(arena *a, const instrument *in, json_t *answers, instr_result *out, vctx *v);
/* The result as JSON: {total, max, variant, subscores{}, band, cutoffs[], flags{}, ...}. */
json_t *instr_result_json(const instr_result *r);
/* The instruments a server knows, by id. */
typedef struct instrument_set {
	const instrument **items;
	int n;
} instrument_set;

const instrument *instr_find(const instrument_set *s, const char *id);

/* Releases the definition reference. */
void instr_release(instrument *in);

#endif
