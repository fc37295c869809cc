/* The synthetic registry's response model: who the patients are, whether and how much their pain
 * falls, and what the clinic sees of it. Every number below is a model parameter, stated once here
 * and in docs/OUTCOMES.md ("The synthetic registry"); none is a claim about any real biologic.
 *
 * Who (U(a,b) uniform, N(m,s) normal, p = probability):
 *   sex female p 0.48; age today 30 + 55 x mean of two U(0,1) (30-85, mode 57);
 *   diagnosis by ICD-10 code weights (table `codes`): diabetic 55 %, chemotherapy 12 %,
 *   idiopathic 11 %, alcohol 7 %, B12 4 %, post-herpetic 4 %, hereditary 3 %, other toxic 2 %,
 *   other 2 %;
 *   day 0 (the first injection; for the comparator the first clinic NRS) U(7, 1095) days ago;
 *   chronicity at day 0: p 0.22 recent, U(1.5, 11.5) months; else 12 x 15^U(0,1) months (1 to
 *   15 years, log-uniform), never before age 15; the onset is recorded as a date (p 0.68), as a
 *   month only (0.25) or not at all (0.07: chronicity unknown);
 *   treated p 0.75 (PRP 0.55, BMAC 0.30, SVF 0.15 of them), else comparator.
 *
 * Response: each patient responds or not, with
 *   logit p = a[biologic] + g[etiology] - 0.75 ln(1 + months / 12) + 0.25 z
 *   a: PRP 0.60, BMAC 1.10, SVF 0.85; comparator -1.70 with 0.30 for the chronicity slope, half
 *   of g and no dose; g: diabetic 0, B12 +0.30, idiopathic -0.20, chemotherapy, other toxic and
 *   other -0.30, post-herpetic -0.40, alcohol -0.50, hereditary -0.80;
 *   z the first session's dose standardised and clamped to +-2: PRP (fold - 4.5) / 0.87 with the
 *   product at U(3, 6) times the blood's platelets; BMAC (log10 cells - 8.80) / 0.29, cells
 *   log-uniform 2e8-2e9; SVF (log10 cells - 7.48) / 0.17, cells log-uniform 15e6-60e6.
 *   The fall in pain reaches a plateau: a responder's U(0.40, 0.85) (comparator U(0.30, 0.60)),
 *   anyone else's N(0.06, 0.10) clamped to -0.20..0.25 (comparator N(0.04, 0.10)): the modest
 *   change of regression to the mean and of being seen.
 *   relief(t) = plateau x (1 - exp(-t / tau)) for t > 0 days, tau PRP 18, BMAC and SVF 30,
 *   comparator 60; PRP's relief wanes after day 120, x exp(-(t - 120) / 540).
 *   Pain before treatment N(6.3, 1.2) clamped to 3.5-9.5; a reading on day t is
 *   round(pain x (1 - relief(t)) + N(0, 0.8)), clamped to 0-10.
 *
 * What the clinic records:
 *   baseline (treated): a clinic NRS at the consultation, the plan's start, 7-10 days before the
 *   first injection (PRP) or 11-14 (BMAC, SVF), and 0-3 diary entries on days -6..0; p 0.03 the
 *   only reading is a clinic NRS on day -30..-16 (the fallback baseline); p 0.015 none at all
 *   (not evaluable). Comparator: the clinic NRS of day 0.
 *   follow-up visits at days 30, 91, 182, 365, each N(0, 5) days off and inside its window,
 *   attended p 0.85: a clinic NRS and a PGIC (from the relief then, N(0, 0.12) noise);
 *   diary entries with adherence U(0.5, 1): gaps of 2 + exponential(6 / adherence) days to day
 *   120, then 8 + exponential(20 / adherence) to day 410; p 0.005 of them voided (a wrong value
 *   the patient corrected, which must not count);
 *   drop-out p 0.22, on day U(20, 330): nothing after it; nothing after today;
 *   HbA1c (diabetic): at the first visit N(7.6, 1.2) clamped to 5.5-12.0, then at the 182 and 365
 *   visits the last value + N(-0.1, 0.4);
 *   sessions: PRP on days 0, 28 +- 3 and 56 +- 3, all three p 0.78, two 0.12, one 0.10; BMAC one,
 *   with a repeat at day 182 +- 14 p 0.18; SVF one; each a blood draw or harvest, its processing
 *   and the injection;
 *   adverse events (about 5 % of treated patients): per injection site pain p 0.015 and bruising
 *   0.005; per harvest site pain 0.02, haematoma 0.005 and infection 0.003 (serious); per treated
 *   patient a transient flare of neuropathic pain 0.005 and an unrelated serious fall 0.002;
 *   the plan is stopped (lost to follow-up) after a drop-out before day 410, completed once day
 *   410 has passed, else in progress. */
#include "synth.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "neuropathy.h"

const char *const synth_biologic_ids[SYNTH_BIOLOGICS] = {"prp", "bmac", "adipose_svf"};

/* ICD-10 codes of core/neuropathy.c with their weight in the registry (per mille). */
static const struct {
	const char *code;
	int weight;
} codes[] = {
    {"E11.42", 330}, {"E11.40", 120}, {"E10.42", 60}, {"E13.42", 20}, {"E08.42", 20},
    {"G62.0", 120},  {"G60.8", 60},   {"G60.3", 30},  {"G60.9", 20},  {"G62.1", 70},
    {"E53.8", 25},   {"D51.0", 15},   {"B02.23", 40}, {"G60.0", 30},  {"G62.2", 20},
    {"G62.9", 10},   {"G62.81", 10},
};

static const struct {
	const char *etiology;
	double g;
} etiology_effect[] = {
    {"diabetic", 0},          {"b12_deficiency", 0.30},
    {"idiopathic", -0.20},    {"chemotherapy_drug", -0.30},
    {"other_toxic", -0.30},   {"other", -0.30},
    {"post_herpetic", -0.40}, {"alcohol", -0.50},
    {"hereditary", -0.80},
};

static const double alpha[SYNTH_BIOLOGICS] = {0.60, 1.10, 0.85};
static const double tau[SYNTH_BIOLOGICS] = {18, 30, 30};
#define ALPHA_COMPARATOR (-1.70)
#define TAU_COMPARATOR 60
#define CHRONIC_SLOPE 0.75
#define CHRONIC_SLOPE_COMPARATOR 0.30
#define DOSE_SLOPE 0.25
#define FOLLOW_UP_END 410 /* the 365 window's last day */

/* ---- random numbers: splitmix64, one stream per patient ---- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t next(rng *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unif(rng *g) /* [0, 1) */
{
	return (double)(next(g) >> 11) * 0x1.0p-53;
}

static double between(rng *g, double lo, double hi)
{
	return lo + (hi - lo) * unif(g);
}

static int chance(rng *g, double p)
{
	return unif(g) < p;
}

static int upto(rng *g, int n) /* 0 .. n - 1 */
{
	return (int)(unif(g) * n);
}

static double normal(rng *g, double mean, double sd)
{
	double u = 1 - unif(g), v = unif(g);
	return mean + sd * sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* ---- the response curve ---- */

double synth_relief(const synth_patient *p, long t)
{
	if (t <= 0)
		return 0;
	double k = p->biologic == SYNTH_NONE ? TAU_COMPARATOR : tau[p->biologic];
	double r = p->plateau * (1 - exp(-(double)t / k));
	if (p->biologic == SYNTH_PRP && t > 120)
		r *= exp(-(double)(t - 120) / 540);
	return r;
}

static double expit(double x)
{
	return 1 / (1 + exp(-x));
}

static double etiology_g(const char *etiology)
{
	for (size_t i = 0; i < sizeof etiology_effect / sizeof *etiology_effect; i++)
		if (strcmp(etiology_effect[i].etiology, etiology) == 0)
			return etiology_effect[i].g;
	return 0;
}

/* ---- the patient ---- */

static void who(rng *g, civil_date today, synth_patient *p)
{
	p->female = chance(g, 0.48);
	p->family = upto(g, 1024);
	p->given = upto(g, 1024);
	p->research_consent = chance(g, 0.85);
	double x = unif(g);
	p->extent = x < 0.6 ? 0 : x < 0.9 ? 1 : 2;
	double age = 30 + 55 * (unif(g) + unif(g)) / 2;
	p->birth = date_add_days(today, -(long)(age * 365.2425));
	int w = upto(g, 1000), i = 0;
	while (i + 1 < (int)(sizeof codes / sizeof *codes) && w >= codes[i].weight)
		w -= codes[i++].weight;
	const icd10_entry *e = icd10_lookup(codes[i].code);
	p->icd10 = e->code;
	p->etiology = e->etiology;
	p->day0 = date_add_days(today, -(7 + upto(g, 1089)));
	double months =
	    chance(g, 0.22) ? between(g, 1.5, 11.5) : 12 * pow(15, unif(g)); /* 1-15 years */
	double age_at_day0 = (double)(date_days(p->day0) - date_days(p->birth)) / 365.2425;
	p->chronic_months = fmin(months, (age_at_day0 - 15) * 12);
	p->onset = date_add_days(p->day0, -(long)(p->chronic_months * 30.4369));
	double r = unif(g);
	p->onset_recorded = r < 0.07 ? 0 : r < 0.32 ? 2 : 1;
	long span = date_days(p->day0) - date_days(p->onset);
	p->diagnosed = date_add_days(p->onset, (long)(unif(g) * (double)span));
	double b = unif(g);
	p->biologic = b < 0.25     ? SYNTH_NONE
	              : b < 0.6625 ? SYNTH_PRP
	              : b < 0.8875 ? SYNTH_BMAC
	                           : SYNTH_SVF;
}

static void session_values(rng *g, int kind, double fold, double platelets, synth_session *s)
{
	if (kind == SYNTH_PRP) {
		s->source_ml = 30 + 10 * upto(g, 4);
		s->baseline_platelets = round(platelets * between(g, 0.95, 1.05) / 1000) * 1000;
		s->platelets = round(s->baseline_platelets * fold / 1000) * 1000;
		s->product_ml = 3 + upto(g, 41) / 10.0;
	} else if (kind == SYNTH_BMAC) {
		s->source_ml = 60 + 10 * upto(g, 7);
		s->cells = round(2e8 * pow(10, unif(g)) / 1e6) * 1e6;
		s->viability = round(between(g, 91, 99) * 10) / 10;
		s->product_ml = 8 + upto(g, 7);
	} else {
		s->source_ml = 100 + 10 * upto(g, 16);
		s->cells = round(15e6 * pow(4, unif(g)) / 1e5) * 1e5;
		s->viability = round(between(g, 78, 95) * 10) / 10;
		s->product_ml = 5 + upto(g, 6);
	}
}

/* The sessions up to the last day followed, and the first one's standardised dose. */
static void sessions(rng *g, synth_patient *p)
{
	if (p->biologic == SYNTH_NONE)
		return;
	int days[SYNTH_MAX_SESSIONS] = {0}, n = 1;
	if (p->biologic == SYNTH_PRP) {
		double r = unif(g);
		n = r < 0.78 ? 3 : r < 0.90 ? 2 : 1;
		days[1] = 28 + upto(g, 7) - 3;
		days[2] = 56 + upto(g, 7) - 3;
	} else if (p->biologic == SYNTH_BMAC && chance(g, 0.18)) {
		n = 2;
		days[1] = 182 + upto(g, 29) - 14;
	}
	double fold = between(g, 3, 6), platelets = between(g, 150e3, 400e3);
	for (int i = 0; i < n && days[i] <= p->followed_to; i++) {
		synth_session *s = &p->sessions[p->n_sessions++];
		s->day = days[i];
		session_values(g, p->biologic, fold, platelets, s);
	}
	const synth_session *first = &p->sessions[0];
	double z = p->biologic == SYNTH_PRP
	               ? (first->platelets / first->baseline_platelets - 4.5) / 0.87
	           : p->biologic == SYNTH_BMAC ? (log10(first->cells) - 8.80) / 0.29
	                                       : (log10(first->cells) - 7.48) / 0.17;
	p->dose_z = clamp(z, -2, 2);
}

static void response(rng *g, synth_patient *p)
{
	double chronic = log(1 + p->chronic_months / 12), e = etiology_g(p->etiology);
	int comparator = p->biologic == SYNTH_NONE;
	p->p_respond =
	    comparator
	        ? expit(ALPHA_COMPARATOR + e / 2 - CHRONIC_SLOPE_COMPARATOR * chronic)
	        : expit(alpha[p->biologic] + e - CHRONIC_SLOPE * chronic + DOSE_SLOPE * p->dose_z);
	p->responds = chance(g, p->p_respond);
	if (p->responds)
		p->plateau = comparator ? between(g, 0.30, 0.60) : between(g, 0.40, 0.85);
	else
		p->plateau = clamp(normal(g, comparator ? 0.04 : 0.06, 0.10), -0.20, 0.25);
	p->true_nrs = clamp(normal(g, 6.3, 1.2), 3.5, 9.5);
}

static int nrs_on(rng *g, const synth_patient *p, long day)
{
	double v = p->true_nrs * (1 - synth_relief(p, day)) + normal(g, 0, 0.8);
	return (int)clamp(round(v), 0, 10);
}

static void reading(synth_patient *p, int day, int nrs, int clinic, int pgic)
{
	if (p->n_readings < SYNTH_MAX_READINGS)
		p->readings[p->n_readings++] = (synth_reading){day, nrs, clinic, pgic, 0};
}

static int pgic_on(rng *g, const synth_patient *p, long day)
{
	static const double cut[] = {0.55, 0.35, 0.12, -0.10, -0.25, -0.45};
	double felt = synth_relief(p, day) + normal(g, 0, 0.12);
	int k = 0;
	while (k < 6 && felt < cut[k])
		k++;
	return k; /* 0 very much improved .. 6 very much worse */
}

static void hba1c(synth_patient *p, int day, double value)
{
	if (p->n_hba1c == SYNTH_MAX_HBA1C)
		return;
	p->hba1c[p->n_hba1c].day = day; /* member by member: padding stays zero (tests compare) */
	p->hba1c[p->n_hba1c++].value = round(value * 10) / 10;
}

/* The readings before day 0 (and the first HbA1c); the plan starts at the consultation. */
static void baseline(rng *g, synth_patient *p)
{
	int diabetic = strcmp(p->etiology, "diabetic") == 0;
	if (p->biologic == SYNTH_NONE) {
		reading(p, 0, nrs_on(g, p, 0), 1, SYNTH_PGIC_NONE);
		if (diabetic)
			hba1c(p, 0, clamp(normal(g, 7.6, 1.2), 5.5, 12.0));
		return;
	}
	int consult = p->biologic == SYNTH_PRP ? -(7 + upto(g, 4)) : -(11 + upto(g, 4));
	double r = unif(g);
	if (r < 0.03)
		consult = -(16 + upto(g, 15));
	p->plan_start = date_add_days(p->day0, consult);
	if (r >= 0.045)
		reading(p, consult, nrs_on(g, p, consult), 1, SYNTH_PGIC_NONE);
	for (int i = 0, n = r < 0.045 ? 0 : upto(g, 4), day = -6 + upto(g, 3); i < n && day <= 0;
	     i++, day += 1 + upto(g, 3))
		reading(p, day, nrs_on(g, p, day), 0, SYNTH_PGIC_NONE);
	if (diabetic)
		hba1c(p, consult, clamp(normal(g, 7.6, 1.2), 5.5, 12.0));
}

static void follow_up(rng *g, synth_patient *p)
{
	static const int at[] = {30, 91, 182, 365}, window[] = {14, 21, 30, 45};
	double adherence = between(g, 0.5, 1);
	int visit[4];
	for (int m = 0; m < 4; m++) {
		int d = at[m] + (int)round(normal(g, 0, 5));
		d = (int)clamp(d, at[m] - window[m] + 1, at[m] + window[m] - 1);
		visit[m] = d <= p->followed_to && chance(g, 0.85) ? d : -1;
	}
	double gap = 1;
	for (double day = 2 + -log(1 - unif(g)) * 6 / adherence; day <= p->followed_to;
	     day += gap) {
		for (int m = 0; m < 4; m++)
			if (visit[m] >= 0 && visit[m] <= (int)day) {
				reading(p, visit[m], nrs_on(g, p, visit[m]), 1,
				        pgic_on(g, p, visit[m]));
				visit[m] = -1;
			}
		reading(p, (int)day, nrs_on(g, p, (long)day), 0, SYNTH_PGIC_NONE);
		if (chance(g, 0.005)) {
			p->readings[p->n_readings - 1].voided = 1;
			p->readings[p->n_readings - 1].nrs =
			    10 - p->readings[p->n_readings - 1].nrs;
		}
		gap = day < 120 ? 2 + -log(1 - unif(g)) * 6 / adherence
		                : 8 + -log(1 - unif(g)) * 20 / adherence;
	}
	for (int m = 0; m < 4; m++)
		if (visit[m] >= 0)
			reading(p, visit[m], nrs_on(g, p, visit[m]), 1, pgic_on(g, p, visit[m]));
	if (strcmp(p->etiology, "diabetic") != 0 || !p->n_hba1c)
		return;
	/* At the 182 and 365 visits (a clinic reading inside their windows). */
	for (int i = 0; i < p->n_readings; i++) {
		const synth_reading *x = &p->readings[i];
		if (x->clinic && ((x->day >= 152 && x->day <= 212) || x->day >= 320))
			hba1c(
			    p, x->day,
			    clamp(p->hba1c[p->n_hba1c - 1].value + normal(g, -0.1, 0.4), 5.5, 12));
	}
}

static void event(synth_patient *p, int kind, int day, int session, long today)
{
	if (day <= today && p->n_events < SYNTH_MAX_EVENTS)
		p->events[p->n_events++] = (synth_event){kind, day, session};
}

static void adverse_events(rng *g, synth_patient *p, long today)
{
	for (int i = 0; i < p->n_sessions; i++) {
		int d = p->sessions[i].day;
		if (p->biologic != SYNTH_PRP) {
			if (chance(g, 0.02))
				event(p, SYNTH_AE_HARVEST_PAIN, d, i, today);
			if (chance(g, 0.005))
				event(p, SYNTH_AE_HAEMATOMA, d, i, today);
			if (chance(g, 0.003))
				event(p, SYNTH_AE_INFECTION, d + 3 + upto(g, 4), i, today);
		}
		if (chance(g, 0.015))
			event(p, SYNTH_AE_INJECTION_PAIN, d + upto(g, 2), i, today);
		if (chance(g, 0.005))
			event(p, SYNTH_AE_BRUISING, d, i, today);
	}
	if (p->n_sessions && chance(g, 0.005))
		event(p, SYNTH_AE_FLARE, 1 + upto(g, 7), 0, today);
	if (p->n_sessions && p->followed_to > 1 && chance(g, 0.002))
		event(p, SYNTH_AE_FALL, 1 + upto(g, (int)p->followed_to), 0, today);
}

void synth_generate(uint64_t seed, long index, civil_date today, synth_patient *out)
{
	memset(out, 0, sizeof *out);
	rng g = {seed * 0x9e3779b97f4a7c15ull ^ ((uint64_t)index + 1) * 0xd1b54a32d192ed03ull};
	next(&g);
	out->index = index;
	who(&g, today, out);
	long now = date_days(today) - date_days(out->day0);
	out->today = now;
	out->dropout_day = chance(&g, 0.22) ? 20 + upto(&g, 311) : LONG_MAX;
	out->followed_to = now < out->dropout_day ? now : out->dropout_day;
	if (out->followed_to > FOLLOW_UP_END)
		out->followed_to = FOLLOW_UP_END;
	sessions(&g, out);
	response(&g, out);
	baseline(&g, out);
	follow_up(&g, out);
	adverse_events(&g, out, now);
	if (out->biologic != SYNTH_NONE)
		out->plan_status = out->dropout_day <= FOLLOW_UP_END && out->dropout_day < now
		                       ? SYNTH_STOPPED
		                   : now > FOLLOW_UP_END ? SYNTH_COMPLETED
		                                         : SYNTH_IN_PROGRESS;
}
