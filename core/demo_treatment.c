/* The demo clinic's treatment generator: plans of every protocol in every state, and what a
 * clinic records under them, dated relative to today (see demo_treatment.h). */
#include "demo_gen.h"

#include <math.h>
#include <string.h>

#include "consent.h"

static const char *const protocol_ids[DEMO_PROTOCOLS] = {"prp-series", "bmac", "adipose-svf"};

/* How often each state is given, and how many days before today its plan started (from .. to;
 * negative: after today). A plan under way has had its first session; a completed one is past
 * the window of its last follow-up; a stopped one stopped at least 170 days ago at the latest. */
static const struct {
	int weight, from, to;
} states[DEMO_STATES] = {
    [DEMO_PROPOSED] = {8, 5, -10},     [DEMO_ACCEPTED] = {7, 5, 0},
    [DEMO_DECLINED] = {12, 300, 5},    [DEMO_IN_PROGRESS] = {33, 390, 25},
    [DEMO_COMPLETED] = {25, 780, 430}, [DEMO_STOPPED] = {15, 560, 170},
};

#define STUDY_REFERENCE "IRB DEMO-2025-017 (synthetic study)"
#define NURSE "Nia Nurse (demo)"

void demo_course_pick(demo_rng *g, const treatment_set *tx, const condition *c, civil_date today,
                      demo_tally *t, demo_course *out)
{
	memset(out, 0, sizeof *out);
	int roll = demo_pick(g, 100), which = demo_pick(g, 10);
	civil_date diag;
	if (roll >= 50 || date_parse(c->diagnosed_date, &diag))
		return;
	int pi = which < 5 ? 0 : which < 8 ? 1 : 2;
	const protocol *p = protocol_find(tx, protocol_ids[pi]);
	const biologic *b = p ? biologic_find(tx, p->biologic) : NULL;
	const consent_doc *d = p ? consent_doc_for_biologic(tx, p->biologic) : NULL;
	if (!p || !b || !d)
		return;
	/* A state whose latest start is on or after the diagnosis: the first not yet shown for this
	 * protocol, else one by weight. */
	long since = date_days(today) - date_days(diag);
	int state = -1, total = 0;
	for (int s = 0; s < DEMO_STATES && state < 0; s++)
		if (since >= states[s].to) {
			if (!t->plans[pi][s])
				state = s;
			total += states[s].weight;
		}
	for (int s = 0, w = demo_pick(g, total); s < DEMO_STATES && state < 0; s++)
		if (since >= states[s].to && (w -= states[s].weight) < 0)
			state = s;
	long from = states[state].from < since ? states[state].from : since;
	long ago = states[state].to + demo_pick(g, (int)(from - states[state].to + 1));
	t->plans[pi][state]++;
	out->proto = p;
	out->proto_index = pi;
	out->state = state;
	out->start = date_add_days(today, -ago);
	out->document = d;
	out->investigational = b->investigational;
}

/* ---- building the events ---- */

static void move(demo_gen *x, const char *to, const char *reason)
{
	json_t *e = json_pack("{s:s, s:s}", "op", "move", "status", to);
	if (reason)
		json_object_set_new(e, "reason", json_string(reason));
	emit(x, e);
}

static void step_event(demo_gen *x, const char *op, int seq, const char *reason)
{
	json_t *e = json_pack("{s:s, s:i}", "op", op, "step", seq);
	if (reason)
		json_object_set_new(e, "reason", json_string(reason));
	emit(x, e);
}

/* The patient's best relative fall in NRS: some improve by half or more, some by 30-50 %, many
 * little or not at all (facts.md 2.2); more often when the neuropathy began less than a year
 * before the first injection. */
static double response(demo_gen *x, civil_date first_injection)
{
	civil_date onset;
	int recent = !date_parse_partial(x->c->onset_date, &onset) &&
	             date_months_between(onset, first_injection) < 12;
	int r = pick(x, 100);
	if (r < (recent ? 35 : 15))
		return 0.50 + pick(x, 35) / 100.0;
	if (r < (recent ? 60 : 35))
		return 0.30 + pick(x, 20) / 100.0;
	return -0.10 + pick(x, 36) / 100.0;
}

static const char *pgic(demo_gen *x, double fall)
{
	int r = pick(x, 10);
	if (fall >= 0.5)
		return r < 5 ? "very_much_improved" : "much_improved";
	if (fall >= 0.3)
		return r < 6 ? "much_improved" : "minimally_improved";
	if (fall >= 0.1)
		return r < 6 ? "minimally_improved" : "no_change";
	if (fall >= -0.05)
		return r < 7 ? "no_change" : "minimally_improved";
	return r < 7 ? "minimally_worse" : "much_worse";
}

/* A follow-up on d: its instruments answered and the step done, or missed (more often late, and
 * by those who did not improve): skipped once its window has closed, or left to read overdue. */
static void follow_up(demo_gen *x, int seq, civil_date d, const scheduled_step *s, civil_date until)
{
	/* The effect builds to three months and wanes by a year. */
	static const double share[] = {0.6, 1.0, 0.95, 0.85};
	static const int missed[] = {10, 12, 18, 25};
	int i = x->follow_ups < 3 ? x->follow_ups : 3;
	x->follow_ups++;
	if (chance(x, missed[i] + (x->response < 0.3 ? 8 : 0))) {
		if (date_cmp(s->to, until) < 0 &&
		    (x->course->state == DEMO_COMPLETED || chance(x, 40)))
			step_event(x, "skip", seq,
			           pick(x, 2) ? "Did not attend; two reminders sent"
			                      : "Could not be reached by phone or letter");
		return;
	}
	double fall = x->response * share[i];
	int noise = pick(x, 8);
	int nrs = (int)lround(x->pain * (1 - fall)) + (noise == 0) - (noise == 7);
	nrs = nrs < 0 ? 0 : nrs > 10 ? 10 : nrs;
	for (int k = 0; k < s->ps->n_instruments; k++) {
		const char *id = s->ps->instruments[k];
		json_t *answers = strcmp(id, "pgic") == 0
		                      ? json_pack("{s:s}", "change", pgic(x, fall))
		                      : demo_answers(x->g, x->a, id, nrs);
		if (answers)
			emit(x, json_pack("{s:s, s:{s:s, s:s, s:o}}", "op", "assessment", "body",
			                  "instrument", id, "performed_at", iso(x, d), "answers",
			                  answers));
	}
	step_event(x, "step_done", seq, NULL);
}

static int session_kind(const char *kind)
{
	return strcmp(kind, "blood_draw") == 0 || strcmp(kind, "harvest") == 0 ||
	       strcmp(kind, "processing") == 0 || strcmp(kind, "injection") == 0;
}

/* The day each step happens: a session (blood draw or harvest, processing, injection) on one
 * day, mostly the due day; a follow-up within 10 days of its due day and within its window.
 * order[] is the steps by that day, then by their order in the protocol. */
static void step_days(demo_gen *x, const scheduled_step *s, int n, civil_date *when, int *order)
{
	for (int i = 0; i < n; i++) {
		const protocol_step *ps = s[i].ps;
		int j = i - 1;
		while (j >= 0 && !(session_kind(s[j].ps->kind) && s[j].ps->day == ps->day &&
		                   s[j].ps->after_injection == ps->after_injection))
			j--;
		int early = ps->before < 10 ? ps->before : 10,
		    late = ps->after < 10 ? ps->after : 10;
		if (session_kind(ps->kind)) {
			early = early < 2 ? early : 2;
			late = late < 3 ? late : 3;
		}
		if (session_kind(ps->kind) && j >= 0)
			when[i] = when[j];
		else if (session_kind(ps->kind) && chance(x, 70))
			when[i] = s[i].due;
		else
			when[i] = date_add_days(s[i].due, pick(x, early + late + 1) - early);
		int k = i;
		while (k > 0 && date_cmp(when[order[k - 1]], when[i]) > 0) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
}

/* Why a plan stopped, before its first procedure or after. */
static const char *const stop_before[] = {
    "Started anticoagulation that cannot be paused for the procedure",
    "Cancer found at the pre-procedure check (an exclusion)", "Moved out of the area"};
static const char *const stop_after[] = {"No improvement so far; the patient chose to stop",
                                         "Moved out of the area",
                                         "Could not keep up with the visits"};
static const char *const declined[] = {"Cost: not covered by insurance",
                                       "Prefers to continue medicines for now",
                                       "Worried about the procedure"};

/* The plan's steps as they happened up to `until`, in order. */
static void walk(demo_gen *x, const scheduled_step *s, int n, civil_date until)
{
	civil_date when[PROTOCOL_MAX_STEPS];
	int order[PROTOCOL_MAX_STEPS];
	step_days(x, s, n, when, order);
	int src = -1, product = -1, sessions = 0;
	const char *skipped = NULL; /* why the current session is skipped */
	for (int o = 0; o < n; o++) {
		int i = order[o], seq = i + 1;
		const protocol_step *ps = s[i].ps;
		if (strcmp(ps->kind, "consultation") == 0)
			continue;
		if (date_cmp(when[i], until) > 0) {
			x->follow_ups += strcmp(ps->kind, "follow_up") == 0;
			continue; /* still planned */
		}
		if (strcmp(ps->kind, "blood_draw") == 0 || strcmp(ps->kind, "harvest") == 0) {
			skipped = NULL;
			if (ps->optional && !chance(x, x->response >= 0.3 ? 40 : 10))
				skipped = x->response >= 0.3
				              ? "Good response: a repeat is not needed now"
				              : "No response to the first injection: a "
				                "repeat is not offered";
			else if (!ps->optional && sessions >= 2 && chance(x, 8))
				skipped = "The patient chose to stop after two sessions";
			sessions++;
		}
		if (skipped && session_kind(ps->kind))
			step_event(x, "skip", seq, skipped);
		else if (strcmp(ps->kind, "blood_draw") == 0 || strcmp(ps->kind, "harvest") == 0)
			src = demo_source(x, seq, ps->kind, when[i]);
		else if (strcmp(ps->kind, "processing") == 0 && src >= 0)
			product = demo_processing(x, seq, when[i], src);
		else if (strcmp(ps->kind, "injection") == 0 && product >= 0)
			demo_injection(x, seq, when[i], product);
		else if (strcmp(ps->kind, "follow_up") == 0)
			follow_up(x, seq, when[i], &s[i], until);
	}
}

/* Before the plan: the pre-procedure screening, a platelet count and haemoglobin, and the
 * clinician's candidacy decision for the plan's biologic. Drawn from a stream of its own (seeded
 * from g), so the plans' own draws stay as they were. */
static void candidacy(demo_gen *x, demo_rng *g)
{
	static const char *const items[] = {"pregnant_or_breastfeeding",
	                                    "cancer",
	                                    "active_infection",
	                                    "fever_last_week",
	                                    "platelet_disorder",
	                                    "immunosuppression",
	                                    "systemic_steroids_2w",
	                                    "nsaids_48h",
	                                    "smoking",
	                                    "infection_at_site",
	                                    NULL};
	demo_rng own;
	demo_rng_init(&own, demo_next(g));
	civil_date on = after_today(x, x->course->start) ? x->today : x->course->start;
	const char *day = iso(x, on);
	json_t *answers = json_object();
	int smokes = demo_pick(&own, 100) < 15, nsaids = demo_pick(&own, 100) < 10;
	for (int i = 0; items[i]; i++) {
		int yes = (strcmp(items[i], "smoking") == 0 && smokes) ||
		          (strcmp(items[i], "nsaids_48h") == 0 && nsaids);
		json_object_set_new(answers, items[i], json_string(yes ? "yes" : "no"));
	}
	emit(x, json_pack("{s:s, s:{s:s, s:s, s:o}}", "op", "assessment", "body", "instrument",
	                  "candidacy-screening", "performed_at", day, "answers", answers));
	emit(x, json_pack("{s:s, s:{s:s, s:f, s:s, s:s}}", "op", "observation", "body", "kind",
	                  "platelet_count", "value", x->platelets / 1000, "unit", "10^3/uL",
	                  "performed_on", day));
	emit(x, json_pack("{s:s, s:{s:s, s:f, s:s, s:s}}", "op", "observation", "body", "kind",
	                  "haemoglobin", "value", (115 + demo_pick(&own, 41)) / 10.0, "unit",
	                  "g/dL", "performed_on", day));
	int defer = x->course->state == DEMO_PROPOSED && demo_pick(&own, 100) < 40;
	int prp = strcmp(x->course->proto->biologic, "prp") == 0;
	/* The rationale speaks of what the rules found: smoking and NSAIDs are PRP's cautions. */
	const char *why =
	    defer ? "Blood results and the screening to be repeated before deciding; "
	            "review in 2 weeks"
	    : prp && smokes && nsaids
	        ? "Candidate; to stop smoking and to take no NSAIDs in the 48 hours "
	          "before the injection"
	    : prp && smokes ? "Candidate; advised to stop smoking before the injection"
	    : prp && nsaids ? "Candidate; no NSAIDs in the 48 hours before the injection"
	                    : "Candidate; the findings, what to expect and the costs "
	                      "were discussed with the patient";
	emit(x, json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "op", "decision", "on", day, "body",
	                  "biologic", x->course->proto->biologic, "decision",
	                  defer ? "defer" : "candidate", "rationale", why));
}

json_t *demo_treatment(demo_rng *g, arena *a, const demo_course *course, const condition *c,
                       int pain, civil_date today, demo_tally *t)
{
	/* Its own stream, seeded by one draw: how many draws a plan takes depends on today, and the
	 * patients after it stay the same whatever the date. */
	demo_rng own;
	demo_rng_init(&own, demo_next(g));
	demo_gen x = {
	    .g = &own, .a = a, .today = today, .t = t, .course = course, .c = c, .pain = pain};
	x.events = json_array();
	x.platelets = (158 + pick(&x, 176)) * 1000.0; /* 150,000-350,000/µL with the day's ±5 % */
	/* One draw per statement: C leaves the order of a call's arguments (and of |) undefined. */
	x.prep = pick(&x, 3) ? 1 : 0;     /* double spin */
	x.prep |= chance(&x, 70) ? 2 : 0; /* leukocyte-poor */
	x.prep |= chance(&x, 80) ? 4 : 0; /* not activated */
	int state = course->state;
	json_t *plan = json_pack("{s:s, s:s}", "protocol", course->proto->id, "start_date",
	                         iso(&x, course->start));
	if (course->investigational && state != DEMO_PROPOSED && state != DEMO_DECLINED)
		json_object_set_new(plan, "study_reference", json_string(STUDY_REFERENCE));
	json_t *out = json_pack("{s:o, s:o}", "plan", plan, "events", x.events);
	candidacy(&x, g);
	if (state == DEMO_PROPOSED)
		return out;
	if (state == DEMO_DECLINED) {
		move(&x, "declined", chance(&x, 60) ? declined[pick(&x, 3)] : NULL);
		return out;
	}
	move(&x, "accepted", NULL);
	scheduled_step s[PROTOCOL_MAX_STEPS];
	int n = protocol_schedule(course->proto, course->start, s);
	if (state != DEMO_ACCEPTED || chance(&x, 70)) {
		civil_date on = date_add_days(course->start, pick(&x, 3));
		emit(&x, json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "op", "consent", "body",
		                   "document", course->document->id, "version",
		                   course->document->version, "signed_on",
		                   iso(&x, after_today(&x, on) ? today : on), "witness", NURSE));
	}
	for (int i = 0; i < n; i++)
		if (strcmp(s[i].ps->kind, "consultation") == 0 && !after_today(&x, s[i].due))
			step_event(&x, "step_done", i + 1, NULL);
	if (state == DEMO_ACCEPTED)
		return out;
	civil_date first = course->start;
	for (int i = n - 1; i >= 0; i--)
		if (strcmp(s[i].ps->kind, "injection") == 0 && !s[i].ps->after_injection &&
		    !s[i].ps->optional)
			first = s[i].due;
	x.response = response(&x, first);
	/* A clinic pain score in the days before the first injection: the outcomes' baseline. */
	civil_date pre = date_add_days(first, -9 + pick(&x, 4));
	if (!after_today(&x, pre)) {
		int nrs = x.pain + pick(&x, 3) - 1;
		nrs = nrs < 0 ? 0 : nrs > 10 ? 10 : nrs;
		emit(&x, json_pack("{s:s, s:{s:s, s:s, s:{s:i}}}", "op", "assessment", "body",
		                   "instrument", "nrs", "performed_at", iso(&x, pre), "answers",
		                   "score", nrs));
	}
	/* A stopped plan stops before its first procedure (after the consent, signed by day 2) or
	 * within 150 days of it. */
	int early = state == DEMO_STOPPED && chance(&x, 30);
	civil_date until = state != DEMO_STOPPED ? today
	                   : early               ? date_add_days(course->start, 3)
	                                         : date_add_days(first, 10 + pick(&x, 141));
	walk(&x, s, n, until);
	if (x.injections && chance(&x, 2))
		demo_adverse(&x, x.first_injection, 60 + pick(&x, 140),
		             "Community-acquired pneumonia needing hospital admission", 3,
		             "hospitalisation", "unrelated", 0, "Admitted for 4 days; antibiotics",
		             21);
	if (state == DEMO_COMPLETED) {
		move(&x, "completed", NULL);
	} else if (state == DEMO_STOPPED && (!t->withdrawals || chance(&x, 30))) {
		t->withdrawals++;
		emit(&x, json_pack("{s:s, s:i, s:s, s:s}", "op", "withdraw", "consent", 0, "reason",
		                   early ? "Decided against the procedure"
		                         : "No longer wishes to continue",
		                   "withdrawn_on", iso(&x, until)));
	} else if (state == DEMO_STOPPED) {
		move(&x, "stopped", early ? stop_before[pick(&x, 3)] : stop_after[pick(&x, 3)]);
	}
	return out;
}
