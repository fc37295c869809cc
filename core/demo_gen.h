/* Private to the demo's treatment generator (core/demo_treatment.c, the plan and its follow-ups;
 * core/demo_procedure.c, its procedures): one patient's plan as it is generated, and the helpers
 * both use. */
#ifndef SCHWANN_DEMO_GEN_H
#define SCHWANN_DEMO_GEN_H

#include "demo_treatment.h"

typedef struct demo_gen {
	demo_rng *g;
	arena *a;
	civil_date today;
	demo_tally *t;
	const demo_course *course;
	const condition *c;
	json_t *events;
	int n_procs;      /* procedures so far: a later one names the k-th as "#k" */
	int pain;         /* NRS at the work-up */
	double response;  /* the best relative fall in NRS (negative: worse) */
	double platelets; /* the patient's blood platelets per microlitre */
	int prep; /* PRP preparation, the same each session: spins, leukocytes, activation */
	double product_ml; /* the last processing's volume */
	const char *kit;   /* and its kit lot */
	int follow_ups;    /* follow-up steps met so far */
	civil_date first_injection;
	int injections;
} demo_gen;

static inline int pick(demo_gen *x, int n)
{
	return demo_pick(x->g, n);
}

static inline int chance(demo_gen *x, int percent)
{
	return pick(x, 100) < percent;
}

static inline const char *iso(demo_gen *x, civil_date d)
{
	char *s = arena_alloc(x->a, 11);
	date_format(d, s);
	return s;
}

static inline int after_today(demo_gen *x, civil_date d)
{
	return date_cmp(d, x->today) > 0;
}

static inline void emit(demo_gen *x, json_t *e)
{
	json_array_append_new(x->events, e);
}

/* What demo_procedure.c adds to the events: a blood draw or harvest, its processing into the
 * product, the injection of the product, each with what sometimes follows it (facts.md 4.1-4.3);
 * the first two return the procedure's index, which a later one names as "#k". */
int demo_source(demo_gen *x, int seq, const char *kind, civil_date d);
int demo_processing(demo_gen *x, int seq, civil_date d, int from);
void demo_injection(demo_gen *x, int seq, civil_date d, int product);
/* An adverse event starting `onset` days after d and lasting `lasts` days (still recovering if
 * that is after today); not recorded when it would start after today. */
void demo_adverse(demo_gen *x, civil_date d, int onset, const char *term, int grade,
                  const char *criterion, const char *relatedness, int expected, const char *action,
                  int lasts);

#endif
