/* The synthetic registry's records: one generated patient (core/synth.c) as the rows the clinic
 * would have made through the API, with the answers, scores and test flags read once from the
 * loaded data (synth_catalogue_init), so a report cannot tell them from entered ones except by
 * the patient's synthetic mark. The plan is written without its schedule steps: the outcome
 * reports do not read them, and they would add about ten rows per treated patient. */
#include <stdio.h>
#include <string.h>

#include "adverse_event.h"
#include "condition.h"
#include "consent.h"
#include "diary.h"
#include "plan.h"
#include "procedure.h"
#include "synth.h"

const char *const synth_pgic_answers[SYNTH_PGIC_ANSWERS] = {
    "very_much_improved", "much_improved", "minimally_improved", "no_change",
    "minimally_worse",    "much_worse",    "very_much_worse"};

/* Surnames made of two halves that say what they are. */
static const char *const name_head[] = {"Synth",  "Mock",  "Faux",  "Proxy",
                                        "Sample", "Dummy", "Model", "Figment"};
static const char *const name_tail[] = {"wood", "ley",  "by",    "ford",
                                        "ton",  "well", "ridge", "field"};
static const char *const given_f[] = {"Alma",  "Beatrix", "Clara", "Delia", "Edith", "Flora",
                                      "Greta", "Hazel",   "Iris",  "June",  "Lena",  "Mabel",
                                      "Nora",  "Opal",    "Rosa",  "Wren"};
static const char *const given_m[] = {"Arlo", "Bram",   "Cyrus", "Dmitri", "Elias", "Felix",
                                      "Gus",  "Hector", "Ivo",   "Jonah",  "Kurt",  "Linus",
                                      "Milo", "Otto",   "Rufus", "Walt"};

#define OPERATOR "Dr Synthetic (synthetic registry)"
#define WITNESS "Nurse Synthetic (synthetic registry)"

static const struct {
	const char *term;
	int grade;
	const char *serious; /* the criterion, or NULL */
	const char *relatedness;
	int expected;
	const char *action;
	int lasts;   /* days */
	int harvest; /* follows the harvest rather than the injection */
} events[SYNTH_AE_KINDS] = {
    [SYNTH_AE_INJECTION_PAIN] = {"Injection-site pain", 1, NULL, "probable", 1,
                                 "Ice and paracetamol", 3, 0},
    [SYNTH_AE_BRUISING] = {"Bruising at the injection site", 1, NULL, "probable", 1, NULL, 7, 0},
    [SYNTH_AE_HARVEST_PAIN] = {"Pain at the harvest site", 1, NULL, "probable", 1, NULL, 5, 1},
    [SYNTH_AE_HAEMATOMA] = {"Haematoma at the harvest site", 2, NULL, "probable", 1,
                            "Compression; oral analgesics for 5 days", 12, 1},
    [SYNTH_AE_INFECTION] = {"Harvest-site infection (cellulitis)", 3, "hospitalisation", "probable",
                            1, "Admitted for intravenous antibiotics", 16, 1},
    [SYNTH_AE_FLARE] = {"Transient worsening of neuropathic pain", 2, NULL, "possible", 0,
                        "Pregabalin dose raised for two weeks", 14, 0},
    [SYNTH_AE_FALL] = {"Fall with wrist fracture", 3, "hospitalisation", "unrelated", 0,
                       "Admitted for open reduction and fixation", 42, 0},
};

static int fail(char *err, size_t errlen, const char *what, const vctx *v)
{
	snprintf(err, errlen, "%s%s%s", what, v && v->n ? ": " : "",
	         v && v->n ? v->items[0].message : "");
	return -1;
}

int synth_catalogue_init(arena *a, const instrument_set *ins, const treatment_set *tx,
                         civil_date today, synth_catalogue *cat, char *err, size_t errlen)
{
	char day[11], now[21];
	date_format(today, day);
	snprintf(now, sizeof now, "%sT23:59:59Z", day);
	memset(cat, 0, sizeof *cat);
	vctx v;
	vctx_init(&v, a);
	int rc = 0;
	for (int k = 0; k <= 10 && !rc; k++) {
		json_t *b = json_pack("{s:s, s:s, s:{s:i}}", "instrument", "nrs", "performed_at",
		                      day, "answers", "score", k);
		rc = assessment_from_json(&v, b, ins, NULL, today, now, &cat->nrs[k]) ||
		             !cat->nrs[k].has_total || cat->nrs[k].total != k
		         ? fail(err, errlen, "the nrs instrument does not score 0-10 as expected",
		                &v)
		         : 0;
		json_decref(b);
	}
	for (int k = 0; k < SYNTH_PGIC_ANSWERS && !rc; k++) {
		json_t *b = json_pack("{s:s, s:s, s:{s:s}}", "instrument", "pgic", "performed_at",
		                      day, "answers", "change", synth_pgic_answers[k]);
		rc = assessment_from_json(&v, b, ins, NULL, today, now, &cat->pgic[k])
		         ? fail(err, errlen, "the pgic instrument does not take its answers", &v)
		         : 0;
		json_decref(b);
	}
	for (int t = SYNTH_HBA1C_MIN; t <= SYNTH_HBA1C_MAX && !rc; t++) {
		json_t *b = json_pack("{s:s, s:s, s:f, s:s}", "kind", "hba1c", "performed_on", day,
		                      "value", t / 10.0, "unit", "%");
		observation *o = &cat->hba1c[t - SYNTH_HBA1C_MIN];
		rc = observation_from_json(&v, b, NULL, NULL, today, o)
		         ? fail(err, errlen, "HbA1c is not a test of the catalogue", &v)
		         : 0;
		json_decref(b);
	}
	for (int i = 0; i < SYNTH_BIOLOGICS && !rc; i++) {
		const char *id = synth_biologic_ids[i];
		for (int p = 0; p < tx->n_protocols && !cat->protocols[i]; p++)
			if (strcmp(tx->protocols[p]->biologic, id) == 0)
				cat->protocols[i] = tx->protocols[p];
		cat->biologics[i] = biologic_find(tx, id);
		cat->consents[i] = consent_doc_for_biologic(tx, id);
		if (!cat->protocols[i] || !cat->biologics[i] || !cat->consents[i]) {
			snprintf(err, errlen, "biologic %s needs a protocol and a consent document",
			         id);
			rc = -1;
		}
	}
	return rc;
}

/* ---- one patient's records ---- */

typedef struct writer {
	arena *a;
	const synth_catalogue *cat;
	const synth_patient *sp;
	const char *(*new_id)(arena *a);
	const char *now, *patient_id;
	synth_record *out;
	int n, max;
} writer;

static const char *iso(arena *a, civil_date d)
{
	char *s = arena_alloc(a, 11);
	date_format(d, s);
	return s;
}

static const char *on(writer *w, long day)
{
	return iso(w->a, date_add_days(w->sp->day0, day));
}

/* A new record of kind k: a copy of template (or zeroed), with its id, patient and status. */
static void *add(writer *w, const rec_kind *k, const void *template)
{
	void *rec = arena_alloc(w->a, k->size);
	if (template)
		memcpy(rec, template, k->size);
	else
		memset(rec, 0, k->size);
	rec_set_new(k, rec, w->new_id(w->a), w->patient_id, w->now, NULL);
	if (w->n < w->max)
		w->out[w->n++] = (synth_record){k, rec};
	return rec;
}

static condition *diagnosis(writer *w)
{
	static const char *const sites[] = {"foot_left", "foot_right", "leg_left",
	                                    "leg_right", "hand_left",  "hand_right"};
	const synth_patient *sp = w->sp;
	condition *c = add(w, &rk_condition, NULL);
	c->icd10 = sp->icd10;
	c->etiology = sp->etiology;
	if (sp->onset_recorded == 1)
		c->onset_date = iso(w->a, sp->onset);
	else if (sp->onset_recorded == 2)
		c->onset_date = arena_printf(w->a, "%04d-%02d", sp->onset.year, sp->onset.month);
	c->diagnosed_date = iso(w->a, sp->diagnosed);
	for (int i = 0; i < 2 * (sp->extent + 1); i++)
		c->sites[c->n_sites++] = sites[i];
	return c;
}

static plan *treatment_plan(writer *w, const condition *c)
{
	static const char *const status[] = {"in_progress", "completed", "stopped"};
	const synth_patient *sp = w->sp;
	const protocol *proto = w->cat->protocols[sp->biologic];
	const biologic *b = w->cat->biologics[sp->biologic];
	plan *p = add(w, &rk_plan, NULL);
	p->protocol_id = proto->id;
	p->protocol_version = proto->version;
	p->biologic = b->id;
	p->regulatory_class = b->regulatory_class;
	p->investigational = b->investigational;
	p->condition_id = c->id;
	p->start_date = iso(w->a, sp->plan_start);
	if (b->investigational)
		p->study_reference = "SYNTH-IND-0001 (synthetic registry)";
	p->status = status[sp->plan_status];
	if (sp->plan_status == SYNTH_STOPPED)
		p->status_reason = "Lost to follow-up";
	/* proposed -> accepted -> in_progress (-> completed or stopped) */
	p->version = sp->plan_status == SYNTH_IN_PROGRESS ? 3 : 4;
	consent *k = add(w, &rk_consent, NULL);
	const consent_doc *doc = w->cat->consents[sp->biologic];
	k->document_id = doc->id;
	k->document_version = doc->version;
	k->biologic = b->id;
	k->plan_id = p->id;
	k->signed_on = p->start_date;
	k->witness = WITNESS;
	return p;
}

static procedure *procedure_new(writer *w, const plan *p, const char *kind, long day, double ml)
{
	procedure *x = add(w, &rk_procedure, NULL);
	x->plan_id = p->id;
	x->kind = kind;
	x->performed_on = on(w, day);
	x->volume_ml = ml;
	x->has_volume = 1;
	x->minimally_manipulated = -1;
	return x;
}

/* The source, its processing and the injection of one session; returns the injection, and the
 * harvest in *harvest (NULL for a blood draw). */
static procedure *session(writer *w, const plan *p, const synth_session *s, procedure **harvest)
{
	int b = w->sp->biologic;
	procedure *src;
	if (b == SYNTH_PRP) {
		src = procedure_new(w, p, "blood_draw", s->day, s->source_ml);
		*harvest = NULL;
	} else {
		src = procedure_new(w, p, "harvest", s->day, s->source_ml);
		src->source = b == SYNTH_BMAC ? "bone_marrow" : "adipose";
		src->site = b == SYNTH_BMAC ? "posterior_iliac_crest_left" : "abdomen";
		src->anaesthesia = b == SYNTH_BMAC ? "Local (lidocaine 1 %)"
		                                   : "Tumescent local (lidocaine with adrenaline)";
		*harvest = src;
	}
	civil_date d = date_add_days(w->sp->day0, s->day);
	const char *kit =
	    arena_printf(w->a, "SYNK-%02d%02d%02d", d.year % 100, d.month, (d.day - 1) / 7 * 7 + 1);
	procedure *proc = procedure_new(w, p, "processing", s->day, s->product_ml);
	proc->from_id = src->id;
	proc->kit_lot = kit;
	proc->minimally_manipulated = b != SYNTH_SVF;
	if (b == SYNTH_PRP) {
		proc->method = "Double-spin centrifugation";
		proc->device = "Closed-system PRP kit";
		proc->platelets_per_ul = s->platelets;
		proc->has_platelets = 1;
		proc->baseline_platelets_per_ul = s->baseline_platelets;
		proc->has_baseline_platelets = 1;
		proc->leukocytes = "poor";
		proc->activation = "none";
	} else {
		proc->method = b == SYNTH_BMAC ? "Density centrifugation at the point of care"
		                               : "Enzymatic digestion (collagenase)";
		proc->device = b == SYNTH_BMAC ? "Point-of-care marrow concentration system"
		                               : "Closed SVF isolation system";
		proc->nucleated_cells = s->cells;
		proc->has_nucleated_cells = 1;
		proc->viability_pct = s->viability;
		proc->has_viability = 1;
	}
	procedure *inj = procedure_new(w, p, "injection", s->day, s->product_ml);
	inj->product_id = proc->id;
	inj->side = "both";
	inj->nerves[inj->n_nerves++] = b == SYNTH_PRP ? "sural" : "intramuscular";
	inj->nerves[inj->n_nerves++] = "tibial";
	inj->guidance = "ultrasound";
	inj->operator_name = OPERATOR;
	inj->lots[inj->n_lots++] = kit;
	if (b != SYNTH_PRP) {
		inj->cells = s->cells; /* the whole product, taken from its count */
		inj->has_cells = 1;
		inj->cells_from_product = 1;
	}
	return inj;
}

static void readings(writer *w)
{
	const synth_patient *sp = w->sp;
	for (int i = 0; i < sp->n_readings; i++) {
		const synth_reading *r = &sp->readings[i];
		const char *day = on(w, r->day);
		if (!r->clinic) {
			diary_entry *e = add(w, &rk_diary, NULL);
			e->entry_date = day;
			e->nrs = r->nrs;
			e->source = "patient";
			if (r->voided) {
				e->status = "voided";
				e->void_reason = "Entered in error; re-entered by the patient";
				e->version = 2;
			}
			continue;
		}
		assessment *x = add(w, &rk_assessment, &w->cat->nrs[r->nrs]);
		x->performed_at = day;
		if (r->pgic != SYNTH_PGIC_NONE) {
			x = add(w, &rk_assessment, &w->cat->pgic[r->pgic]);
			x->performed_at = day;
		}
	}
	for (int i = 0; i < sp->n_hba1c; i++) {
		int t = (int)(sp->hba1c[i].value * 10 + 0.5);
		t = t < SYNTH_HBA1C_MIN   ? SYNTH_HBA1C_MIN
		    : t > SYNTH_HBA1C_MAX ? SYNTH_HBA1C_MAX
		                          : t;
		observation *o = add(w, &rk_observation, &w->cat->hba1c[t - SYNTH_HBA1C_MIN]);
		o->performed_on = on(w, sp->hba1c[i].day);
	}
}

static void adverse(writer *w, procedure *const *injections, procedure *const *harvests)
{
	const synth_patient *sp = w->sp;
	for (int i = 0; i < sp->n_events; i++) {
		const synth_event *e = &sp->events[i];
		adverse_event *x = add(w, &rk_adverse_event, NULL);
		x->term = events[e->kind].term;
		x->onset_date = on(w, e->day);
		x->grade = events[e->kind].grade;
		x->serious = events[e->kind].serious != NULL;
		x->serious_criteria = events[e->kind].serious;
		x->relatedness = events[e->kind].relatedness;
		x->expected = events[e->kind].expected;
		x->action = events[e->kind].action;
		long end = e->day + events[e->kind].lasts;
		x->outcome = end <= sp->today ? "recovered" : "recovering";
		x->resolved_date = end <= sp->today ? on(w, end) : NULL;
		if (e->kind != SYNTH_AE_FALL)
			x->procedure_id =
			    (events[e->kind].harvest ? harvests : injections)[e->session]->id;
	}
}

int synth_records(arena *a, const synth_catalogue *cat, const synth_patient *sp, uint64_t seed,
                  const char *(*new_id)(arena *a), const char *now, patient *p, synth_record *out,
                  int max)
{
	const int n_head = sizeof name_head / sizeof *name_head;
	const int n_tail = sizeof name_tail / sizeof *name_tail;
	writer w = {a, cat, sp, new_id, now, NULL, out, 0, max};
	memset(p, 0, sizeof *p);
	p->id = w.patient_id = new_id(a);
	p->mrn = arena_printf(a, "SYN-%llu-%07ld", (unsigned long long)seed, sp->index + 1);
	p->family_name = arena_printf(a, "%s%s", name_head[sp->family % n_head],
	                              name_tail[sp->family / n_head % n_tail]);
	p->given_name = sp->female ? given_f[sp->given % 16] : given_m[sp->given % 16];
	p->birth_date = iso(a, sp->birth);
	p->sex_at_birth = sp->female ? "female" : "male";
	p->research_consent = sp->research_consent;
	p->synthetic = 1;
	p->version = 1;
	p->created_at = p->updated_at = now;
	condition *c = diagnosis(&w);
	procedure *injections[SYNTH_MAX_SESSIONS] = {0}, *harvests[SYNTH_MAX_SESSIONS] = {0};
	if (sp->biologic != SYNTH_NONE) {
		plan *pl = treatment_plan(&w, c);
		for (int i = 0; i < sp->n_sessions; i++)
			injections[i] = session(&w, pl, &sp->sessions[i], &harvests[i]);
	}
	readings(&w);
	adverse(&w, injections, harvests);
	return w.n;
}
