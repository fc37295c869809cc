/* Treatment data: the biologics a clinic offers with their regulatory class (a file the clinic can
 * change for its jurisdiction), and treatment protocols as data (data/protocols/<id>.json): the
 * steps of a plan, each a kind of visit on a day after the plan's start or after the first
 * injection, with a window and, for follow-ups, the instruments due. Pure; everything lives in the
 * arena it was parsed into.
 *
 * biologics.json: {"biologics": [{"id", "label", "regulatory_class", "investigational": bool,
 *   "confirmed": bool, "basis": "why, with the rule it rests on"}]}
 * protocol: {"id", "version", "title", "biologic", "summary", "steps": [{"kind", "day" |
 *   "after_first_injection", "window": [days before, days after], "optional": bool,
 *   "instruments": ["nrs", ...] (follow_up only)}]} */
#ifndef SCHWANN_TREATMENT_H
#define SCHWANN_TREATMENT_H

#include <jansson.h>

#include "../util/arena.h"
#include "../util/dates.h"
#include "../util/verr.h"
#include "instrument.h"

#define PROTOCOL_MAX_STEPS 32
#define STEP_MAX_INSTRUMENTS 8

typedef struct biologic {
	const char *id; /* prp, bmac, adipose_svf */
	const char *label;
	const char *regulatory_class;
	int investigational; /* a procedure needs a study reference (IND, IRB, registry) */
	int confirmed;       /* 0 when the class is a reading of the rules not yet confirmed */
	const char *basis;
} biologic;

extern const char *const step_kinds[]; /* consultation, workup, blood_draw, ... */

typedef struct protocol_step {
	const char *kind;
	int day;             /* offset in days */
	int after_injection; /* 1: day counts from the first injection, 0: from the plan's start */
	int before, after;   /* the window, days */
	int optional;
	const char *instruments[STEP_MAX_INSTRUMENTS];
	int n_instruments;
} protocol_step;

typedef struct protocol {
	const char *id;
	const char *version;
	const char *title;
	const char *biologic;
	protocol_step steps[PROTOCOL_MAX_STEPS];
	int n_steps;
	json_t *definition; /* the file as read, owned (protocol_release) */
} protocol;

/* A consent document (data/consent/<id>.json): {"id", "version", "biologic", "title",
 * "sections": [{"heading", "text"}]}. Several versions of one id may be loaded; the highest is
 * the current one. */
typedef struct consent_doc {
	const char *id;
	const char *version; /* a whole number as text: "1", "2", ... */
	const char *biologic;
	const char *title;
	json_t *definition; /* owned (consent_doc_release) */
} consent_doc;

struct cand_rules; /* core/candidacy.h */
struct appt_types; /* core/appt_type.h */

typedef struct treatment_set {
	biologic *biologics;
	int n_biologics;
	protocol **protocols;
	int n_protocols;
	consent_doc **documents;
	int n_documents;
	struct cand_rules *candidacy;    /* data/candidacy/rules.json */
	struct appt_types *appointments; /* data/appointment-types.json */
} treatment_set;

/* Reads biologics.json into set->biologics (in the arena); every problem into v. 0 when good. */
int biologics_parse(arena *a, json_t *doc, treatment_set *set, vctx *v);
/* Reads one protocol, checking its biologic against set and its instruments against instruments
 * (NULL: not checked). 0 and *out (its definition referenced) when good. */
int protocol_parse(arena *a, json_t *doc, const treatment_set *set,
                   const instrument_set *instruments, protocol **out, vctx *v);
void protocol_release(protocol *p);
const biologic *biologic_find(const treatment_set *set, const char *id);
/* Reads one consent document, checking its biologic against set. */
int consent_doc_parse(arena *a, json_t *doc, const treatment_set *set, consent_doc **out, vctx *v);
void consent_doc_release(consent_doc *d);
/* The document id at version (NULL: the current version), or NULL. */
const consent_doc *consent_doc_find(const treatment_set *set, const char *id, const char *version);
const protocol *protocol_find(const treatment_set *set, const char *id);

/* A step of a plan as scheduled from its protocol step: the due date and its window. */
typedef struct scheduled_step {
	const protocol_step *ps;
	civil_date due, from, to;
} scheduled_step;
/* Schedules every step of p from start: days from the start, and steps after the first injection
 * from the due date of the protocol's first injection step. Returns the number of steps. */
int protocol_schedule(const protocol *p, civil_date start, scheduled_step *out);

#endif
