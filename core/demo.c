/* The synthetic demo clinic generator (splitmix64, fixed seed). */
#include "demo.h"

#include <string.h>
#include <time.h>

#include "neuropathy.h"

void demo_rng_init(demo_rng *g, uint64_t seed)
{
	g->state = seed;
}

uint64_t demo_next(demo_rng *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int demo_pick(demo_rng *g, int n)
{
	return (int)(demo_next(g) % (uint64_t)n);
}

static int pick(demo_rng *g, int n)
{
	return demo_pick(g, n);
}

static const char *const family[] = {
    "Abernathy", "Brightwater", "Calloway",   "Dunmore",   "Eastwick",  "Fairweather",
    "Galloway",  "Hollins",     "Ingleby",    "Jasperson", "Kettering", "Lindqvist",
    "Marchetti", "Northcott",   "Okonkwo",    "Pemberton", "Quintero",  "Ravensworth",
    "Sandoval",  "Thackeray",   "Underhill",  "Valdivia",  "Whitlock",  "Yarborough",
    "Zielinski", "Nakamura",    "Fitzgerald", "Moreau"};
static const char *const given_f[] = {"Alma",  "Beatrix", "Clara", "Delia", "Edith", "Flora",
                                      "Greta", "Hazel",   "Iris",  "June",  "Lena",  "Mabel",
                                      "Nora",  "Opal",    "Rosa",  "Wren"};
static const char *const given_m[] = {"Arlo", "Bram",   "Cyrus", "Dmitri", "Elias", "Felix",
                                      "Gus",  "Hector", "Ivo",   "Jonah",  "Kurt",  "Linus",
                                      "Milo", "Otto",   "Rufus", "Walt"};
static const char *const cities[] = {"Springfield", "Riverton", "Lakeside",
                                     "Fairview",    "Oakdale",  "Millbrook"};
static const char *const regions[] = {"OR", "WA", "CA", "ID", "NV", "AZ"};

/* Codes weighted towards the clinic's usual mix: mostly diabetic, then chemotherapy, alcohol,
 * idiopathic and the rest. */
static const char *const codes[] = {"E11.42", "E11.42", "E11.42", "E11.42", "E11.40", "E10.42",
                                    "E11.42", "G62.0",  "G62.0",  "G62.1",  "G62.1",  "G60.8",
                                    "G60.3",  "G62.9",  "E53.8",  "B02.23", "G62.2",  "G60.0"};

void demo_patient(demo_rng *g, int i, arena *a, civil_date today, patient *p, condition *c)
{
	memset(p, 0, sizeof(*p));
	memset(c, 0, sizeof(*c));
	int female = pick(g, 2);
	p->mrn = arena_printf(a, "DEMO-%06d", i + 1);
	p->family_name = family[pick(g, (int)(sizeof family / sizeof *family))];
	p->given_name = female ? given_f[pick(g, 16)] : given_m[pick(g, 16)];
	int age = 35 + pick(g, 50);
	civil_date bd = {today.year - age, 1 + pick(g, 12), 1};
	bd.day = 1 + pick(g, date_days_in_month(bd.year, bd.month));
	p->birth_date = arena_printf(a, "%04d-%02d-%02d", bd.year, bd.month, bd.day);
	p->sex_at_birth = female ? "female" : "male";
	/* 555-01xx numbers are reserved for fiction; example.org is reserved for examples. */
	p->phone = arena_printf(a, "+1 541 555 01%02d", pick(g, 100));
	p->email = arena_printf(a, "demo.patient%d@example.org", i + 1);
	p->address_line = arena_printf(a, "%d Synthetic Lane", 1 + pick(g, 999));
	int city = pick(g, 6);
	p->address_city = cities[city];
	p->address_region = regions[city];
	p->address_postal_code = arena_printf(a, "9%04d", pick(g, 10000));
	p->address_country = "US";
	p->research_consent = pick(g, 10) < 7;
	p->synthetic = 1;

	const icd10_entry *e = icd10_lookup(codes[pick(g, (int)(sizeof codes / sizeof *codes))]);
	c->icd10 = e->code;
	c->etiology = e->etiology;
	/* Onset between 2 months and 15 years ago: about a quarter recent, the rest chronic. */
	int months_ago = pick(g, 4) == 0 ? 2 + pick(g, 10) : 12 + pick(g, 168);
	int m = today.year * 12 + (today.month - 1) - months_ago;
	civil_date onset = {m / 12, m % 12 + 1, 0};
	if (pick(g, 3)) {
		onset.day = 1 + pick(g, date_days_in_month(onset.year, onset.month));
		if (date_cmp(onset, today) > 0)
			onset.day = 1;
		c->onset_date =
		    arena_printf(a, "%04d-%02d-%02d", onset.year, onset.month, onset.day);
	} else {
		c->onset_date = arena_printf(a, "%04d-%02d", onset.year, onset.month);
	}
	int dm = m + pick(g, months_ago > 1 ? months_ago - 1 : 1) + 1;
	civil_date diag = {dm / 12, dm % 12 + 1, 1};
	if (date_cmp(diag, today) > 0)
		diag = today;
	c->diagnosed_date = arena_printf(a, "%04d-%02d-%02d", diag.year, diag.month, diag.day);
	static const char *const pairs[][2] = {
	    {"foot_left", "foot_right"}, {"leg_left", "leg_right"}, {"hand_left", "hand_right"}};
	c->n_sites = 0;
	int extent = pick(g, 10);
	for (int k = 0; k < 3; k++)
		if (k == 0 || (k == 1 && extent >= 4) || (k == 2 && extent >= 8)) {
			c->sites[c->n_sites++] = pairs[k][0];
			c->sites[c->n_sites++] = pairs[k][1];
		}
	c->status = "active";
}

static const char *iso(arena *a, civil_date d)
{
	return arena_printf(a, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static civil_date days_before(civil_date d, int n)
{
	long t = date_days(d) - n;
	return date_from_time((time_t)t * 86400);
}

/* RAND-36 answers as a patient in this much pain might give them: each item's quality (0 worst,
 * 1 best) falls with pain, more for the physical, role and pain items than for the emotional
 * ones, and for hard activities (running) more than easy ones (bathing); about one item in 30 is
 * skipped. The printed options run best-first or worst-first per item (RAND's Table 1). */
static json_t *rand36_answers(demo_rng *g, arena *a, int pain)
{
	/* Per item 1-36: the number of options, whether option 1 is the best, and how much pain
	 * weighs on it (percent); the physical functioning items also carry their difficulty. */
	static const struct {
		int options, best_first, weight, difficulty;
	} item[37] = {
	    [1] = {5, 1, 60, 10},   [2] = {5, 1, 0, 0},     [3] = {3, 0, 80, 35},
	    [4] = {3, 0, 80, 15},   [5] = {3, 0, 80, 10},   [6] = {3, 0, 80, 20},
	    [7] = {3, 0, 80, 5},    [8] = {3, 0, 80, 15},   [9] = {3, 0, 80, 25},
	    [10] = {3, 0, 80, 10},  [11] = {3, 0, 80, 0},   [12] = {3, 0, 80, -10},
	    [13] = {2, 0, 90, 5},   [14] = {2, 0, 90, 10},  [15] = {2, 0, 90, 5},
	    [16] = {2, 0, 90, 5},   [17] = {2, 0, 50, -10}, [18] = {2, 0, 50, -5},
	    [19] = {2, 0, 50, -10}, [20] = {5, 1, 60, 0},   [21] = {6, 1, 100, 0},
	    [22] = {5, 1, 100, 0},  [23] = {6, 1, 60, 15},  [24] = {6, 0, 50, -5},
	    [25] = {6, 0, 50, -15}, [26] = {6, 1, 50, 10},  [27] = {6, 1, 60, 15},
	    [28] = {6, 0, 50, -10}, [29] = {6, 0, 60, 5},   [30] = {6, 1, 50, 5},
	    [31] = {6, 0, 60, 10},  [32] = {5, 0, 60, 0},   [33] = {5, 0, 40, 5},
	    [34] = {5, 1, 50, 15},  [35] = {5, 0, 40, 5},   [36] = {5, 1, 60, 15},
	};
	json_t *answers = json_object();
	for (int q = 1; q <= 36; q++) {
		if (pick(g, 30) == 0)
			continue;
		int n = item[q].options, option;
		if (q == 2) {
			option = 2 + pick(g, 3); /* health a year ago: mostly about the same */
		} else {
			/* quality in percent: 100 less pain's share, the item's difficulty and
			 * noise */
			int quality = 100 - pain * item[q].weight / 10 - item[q].difficulty +
			              pick(g, 31) - 15;
			quality = quality < 0 ? 0 : quality > 100 ? 100 : quality;
			int steps = (quality * (n - 1) + 50) / 100; /* 0 worst .. n-1 best */
			option = item[q].best_first ? n - steps : 1 + steps;
		}
		json_object_set_new(answers, arena_printf(a, "q%d", q),
		                    json_string(arena_printf(a, "%d", option)));
	}
	if (json_object_size(answers) == 0)
		json_object_set_new(answers, "q1", json_string("3"));
	return answers;
}

json_t *demo_answers(demo_rng *g, arena *a, const char *instrument, int pain)
{
	if (strcmp(instrument, "nrs") == 0)
		return json_pack("{s:i}", "score", pain);
	json_t *answers = json_object();
	if (strcmp(instrument, "dn4") == 0) {
		/* Neuropathic features more likely the worse the pain. */
		for (int q = 1; q <= 10; q++)
			json_object_set_new(answers, arena_printf(a, "q%d", q),
			                    json_string(pick(g, 10) < pain ? "yes" : "no"));
	} else if (strcmp(instrument, "mnsi-history") == 0) {
		for (int q = 1; q <= 15; q++) {
			int abnormal = pick(g, 12) < pain;
			/* Items 7 and 13 score on "no" (facts.md 0.1). */
			int yes = (q == 7 || q == 13) ? !abnormal : abnormal;
			json_object_set_new(answers, arena_printf(a, "q%d", q),
			                    json_string(yes ? "yes" : "no"));
		}
	} else if (strcmp(instrument, "rand-36") == 0) {
		json_decref(answers);
		return rand36_answers(g, a, pain);
	} else {
		json_decref(answers);
		return NULL;
	}
	return answers;
}

json_t *demo_workup(demo_rng *g, arena *a, const condition *c, civil_date last, int *pain_out)
{
	int pain = 3 + pick(g, 6); /* baseline NRS 3-8 */
	civil_date visit = days_before(last, 1 + pick(g, 60));
	*pain_out = pain;
	json_t *diary = json_array(), *assessments = json_array(), *observations = json_array();
	for (int i = 3; i >= 1; i--) {
		int nrs = pain + pick(g, 3) - 1;
		nrs = nrs < 0 ? 0 : nrs > 10 ? 10 : nrs;
		json_array_append_new(diary, json_pack("{s:s, s:i}", "entry_date",
		                                       iso(a, days_before(visit, i)), "nrs", nrs));
	}
	static const char *const instruments[] = {"nrs", "dn4", "mnsi-history", "rand-36"};
	for (int i = 0; i < 4; i++)
		json_array_append_new(assessments,
		                      json_pack("{s:s, s:s, s:o}", "instrument", instruments[i],
		                                "performed_at", iso(a, visit), "answers",
		                                demo_answers(g, a, instruments[i], pain)));
	if (strcmp(c->etiology, "diabetic") == 0)
		json_array_append_new(observations,
		                      json_pack("{s:s, s:s, s:f, s:s}", "kind", "hba1c",
		                                "performed_on", iso(a, visit), "value",
		                                6.0 + pick(g, 40) / 10.0, "unit", "%"));
	json_array_append_new(observations,
	                      json_pack("{s:s, s:s, s:s, s:f, s:s}", "kind", "vibration_threshold",
	                                "performed_on", iso(a, visit), "side", "left", "value",
	                                (double)(8 + pick(g, 35)), "unit", "V"));
	return json_pack("{s:o, s:o, s:o}", "diary", diary, "assessments", assessments,
	                 "observations", observations);
}
