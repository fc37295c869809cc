/* The demo's procedures from blood draw or harvest to injection, with plausible values, kit lots
 * that patients treated in the same weeks share, and the adverse events that sometimes follow. */
#include <math.h>
#include <string.h>

#include "demo_gen.h"

#define CLINICIAN "Dr Cleo Clinician (demo)"

static double tenth(double v)
{
	return round(v * 10) / 10;
}

/* The lot in use on d: a new one every `every` days, named by the day it came into use, so the
 * patients treated in the same weeks share it (what a recall has to find). */
static const char *lot(demo_gen *x, const char *prefix, civil_date d, int every)
{
	long day = date_days(d);
	civil_date from = date_from_days(day - day % every);
	return arena_printf(x->a, "%s-%02d%02d%02d", prefix, from.year % 100, from.month, from.day);
}

void demo_adverse(demo_gen *x, civil_date d, int onset, const char *term, int grade,
                  const char *criterion, const char *relatedness, int expected, const char *action,
                  int lasts)
{
	civil_date on = date_add_days(d, onset), off = date_add_days(on, lasts);
	if (after_today(x, on))
		return;
	int resolved = !after_today(x, off);
	json_t *b =
	    json_pack("{s:s, s:s, s:i, s:b, s:s, s:b, s:s}", "term", term, "onset_date", iso(x, on),
	              "grade", grade, "serious", criterion != NULL, "relatedness", relatedness,
	              "expected", expected, "outcome", resolved ? "recovered" : "recovering");
	if (criterion)
		json_object_set_new(b, "serious_criteria", json_string(criterion));
	if (action)
		json_object_set_new(b, "action", json_string(action));
	if (resolved)
		json_object_set_new(b, "resolved_date", json_string(iso(x, off)));
	emit(x, json_pack("{s:s, s:o}", "op", "adverse_event", "body", b));
}

static int procedure(demo_gen *x, int seq, json_t *body)
{
	emit(x, json_pack("{s:s, s:i, s:o}", "op", "procedure", "step", seq, "body", body));
	return x->n_procs++;
}

static const char *ref(demo_gen *x, int k)
{
	return arena_printf(x->a, "#%d", k);
}

static int marrow(demo_gen *x)
{
	return strcmp(x->course->proto->biologic, "bmac") == 0;
}

static int prp(demo_gen *x)
{
	return strcmp(x->course->proto->biologic, "prp") == 0;
}

/* A blood draw (15-60 mL is usual, facts.md 4.1) or a harvest of marrow or fat, with what
 * sometimes follows it. Returns its index. */
int demo_source(demo_gen *x, int seq, const char *kind, civil_date d)
{
	if (strcmp(kind, "blood_draw") == 0) {
		int k = procedure(x, seq,
		                  json_pack("{s:s, s:s, s:f}", "kind", kind, "performed_on",
		                            iso(x, d), "volume_ml", 30.0 + 10 * pick(x, 4)));
		if (chance(x, 3))
			demo_adverse(x, d, 0, "Light-headedness during the blood draw (vasovagal)",
			             1, NULL, "probable", 0, "Lay flat; oral fluids", 0);
		return k;
	}
	int bm = marrow(x);
	const char *site =
	    bm ? (pick(x, 2) ? "posterior_iliac_crest_left" : "posterior_iliac_crest_right")
	       : (pick(x, 3) ? "abdomen" : "flanks");
	int k = procedure(
	    x, seq,
	    json_pack("{s:s, s:s, s:f, s:s, s:s, s:s}", "kind", kind, "performed_on", iso(x, d),
	              "volume_ml", bm ? 60.0 + 10 * pick(x, 7) : 100.0 + 10 * pick(x, 16), "source",
	              bm ? "bone_marrow" : "adipose", "site", site, "anaesthesia",
	              bm ? "Local (lidocaine 1 %)"
	                 : "Tumescent local (lidocaine with adrenaline)"));
	if (bm && ++x->t->marrow_harvests >= 2 && !x->t->harvest_infections &&
	    !after_today(x, date_add_days(d, 4))) {
		x->t->harvest_infections++;
		demo_adverse(
		    x, d, 4, "Harvest-site infection (cellulitis over the iliac crest)", 3,
		    "hospitalisation", "probable", 1,
		    "Admitted for 3 days of intravenous antibiotics, then oral antibiotics", 16);
	} else if (chance(x, 6)) {
		demo_adverse(x, d, 0,
		             bm ? "Haematoma at the marrow harvest site"
		                : "Seroma at the liposuction site",
		             2, NULL, "probable", 1,
		             bm ? "Compression; oral analgesics for 5 days"
		                : "Aspirated in clinic; compression garment",
		             10 + pick(x, 8));
	} else if (chance(x, 30)) {
		const char *related = pick(x, 3) ? "probable" : "possible";
		demo_adverse(x, d, 0,
		             bm ? "Pain at the marrow harvest site"
		                : "Bruising and soreness at the liposuction site",
		             1, NULL, related, 1, NULL, 3 + pick(x, 6));
	}
	return k;
}

/* Processing into the product: PRP at 3-6 times the blood's platelets (facts.md 4.1), marrow
 * concentrate with 10^8-10^9 nucleated cells and viability over 90 %, SVF about 30 x 10^6 cells
 * (4.2). Kit lots are shared by the patients treated in the same weeks. */
int demo_processing(demo_gen *x, int seq, civil_date d, int from)
{
	json_t *b = json_pack("{s:s, s:s, s:s}", "kind", "processing", "performed_on", iso(x, d),
	                      "from", ref(x, from));
	double ml;
	if (prp(x)) {
		double base = round(x->platelets * (95 + pick(x, 11)) / 100 / 1000) * 1000;
		double fold = 3.0 + pick(x, 31) / 10.0;
		ml = tenth(3.0 + pick(x, 41) / 10.0);
		x->kit = lot(x, "PRPK", d, 56);
		json_object_update_new(
		    b, json_pack("{s:s, s:s, s:b, s:f, s:f, s:s, s:s}", "method",
		                 x->prep & 1 ? "Double-spin centrifugation"
		                             : "Single-spin centrifugation",
		                 "device", "Closed-system PRP kit", "minimally_manipulated", 1,
		                 "baseline_platelets_per_ul", base, "platelets_per_ul",
		                 round(base * fold / 1000) * 1000, "leukocytes",
		                 x->prep & 2 ? "poor" : "rich", "activation",
		                 x->prep & 4 ? "none" : "calcium chloride"));
	} else if (marrow(x)) {
		double cells = (2 + pick(x, 19)) * 1e8;
		double viable = tenth(91.0 + pick(x, 80) / 10.0);
		double cd34 = round(cells * (5 + pick(x, 16)) / 1000 / 1e4) * 1e4; /* 0.5-2 % */
		ml = 8.0 + pick(x, 7);
		x->kit = lot(x, "BMCK", d, 84);
		json_object_update_new(
		    b, json_pack("{s:s, s:s, s:b, s:f, s:f, s:f}", "method",
		                 "Density centrifugation at the point of care", "device",
		                 "Point-of-care marrow concentration system",
		                 "minimally_manipulated", 1, "nucleated_cells", cells,
		                 "viability_pct", viable, "cd34_cells", cd34));
	} else {
		double cells = (15 + pick(x, 46)) * 1e6;
		double viable = tenth(78.0 + pick(x, 170) / 10.0);
		ml = 5.0 + pick(x, 6);
		x->kit = lot(x, "SVFK", d, 84);
		json_object_update_new(b, json_pack("{s:s, s:s, s:b, s:f, s:f}", "method",
		                                    "Enzymatic digestion (collagenase)", "device",
		                                    "Closed SVF isolation system",
		                                    "minimally_manipulated", 0, "nucleated_cells",
		                                    cells, "viability_pct", viable));
	}
	json_object_set_new(b, "kit_lot", json_string(x->kit));
	json_object_set_new(b, "volume_ml", json_real(ml));
	x->product_ml = ml;
	return procedure(x, seq, b);
}

static int has_hands(const condition *c)
{
	for (int i = 0; i < c->n_sites; i++)
		if (strncmp(c->sites[i], "hand", 4) == 0)
			return 1;
	return 0;
}

/* The commonest complaint (facts.md 4.3): mild, expected, possibly or probably related. One draw
 * per statement, as everywhere here: C leaves the order of a call's arguments undefined. */
static void injection_site_pain(demo_gen *x, civil_date d)
{
	int onset = pick(x, 2);
	const char *related = pick(x, 2) ? "probable" : "possible";
	const char *action = pick(x, 2) ? "Ice and paracetamol" : NULL;
	demo_adverse(x, d, onset, "Injection-site pain", 1, NULL, related, 1, action,
	             2 + pick(x, 5));
}

/* An ultrasound-guided injection of the product: PRP beside the nerves of the legs (and arms),
 * cells into the calf muscles and beside the tibial nerve. Mostly mild pain where it went in. */
void demo_injection(demo_gen *x, int seq, civil_date d, int product)
{
	static const char *const leg[] = {"sural", "common_peroneal", "deep_peroneal",
	                                  "superficial_peroneal"};
	json_t *nerves = json_array();
	if (!prp(x))
		json_array_append_new(nerves, json_string("intramuscular"));
	json_array_append_new(nerves, json_string("tibial"));
	for (int i = 0, n = prp(x) ? 1 + pick(x, 3) : 0; i < n; i++)
		json_array_append_new(nerves, json_string(leg[i]));
	if (prp(x) && has_hands(x->c)) {
		json_array_append_new(nerves, json_string("median"));
		json_array_append_new(nerves, json_string("ulnar"));
	}
	int side = pick(x, 20);
	json_t *b = json_pack("{s:s, s:s, s:s, s:f, s:s, s:o, s:s, s:s, s:[s, s]}", "kind",
	                      "injection", "performed_on", iso(x, d), "product", ref(x, product),
	                      "volume_ml", pick(x, 3) ? x->product_ml : x->product_ml - 0.5, "side",
	                      side < 17   ? "both"
	                      : side < 19 ? "left"
	                                  : "right",
	                      "nerves", nerves, "guidance", "ultrasound", "operator", CLINICIAN,
	                      "lot_numbers", x->kit, lot(x, "LIDO", d, 91));
	procedure(x, seq, b);
	if (!x->injections++)
		x->first_injection = d;
	if (chance(x, 2))
		demo_adverse(x, d, 0, "Injection-site pain limiting walking", 2, NULL, "probable",
		             1, "Oral analgesics (paracetamol, ibuprofen) for 5 days",
		             5 + pick(x, 5));
	else if (chance(x, 28))
		injection_site_pain(x, d);
	else if (chance(x, 5))
		demo_adverse(x, d, 0, "Bruising at the injection site", 1, NULL, "probable", 1,
		             NULL, 5 + pick(x, 6));
}
