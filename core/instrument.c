/* Instrument definitions: parsing and checking a definition file, and scoring answers by it. */
#include "instrument.h"

#include <math.h>
#include <string.h>

#include "../util/jsonv.h"
#include "../util/strbuf.h"

#define MAX_ITEMS 256

static const char *const licence_statuses[] = {"public_domain", "free", "unclear",
                                               "licensed",      "paid", NULL};
static const char *const administrations[] = {"clinician", "patient", "either", NULL};
static const char *const methods[] = {"sum", "mean", "profile", NULL};

typedef struct parser {
	arena *a;
	vctx *v;
	json_t *sets;
	instr_item items[MAX_ITEMS];
	const char *base[MAX_ITEMS]; /* a sided item's id as written ("appearance"), else NULL */
	int n_items;
	instr_score *scores;
	int n_scores;
} parser;

static int valid_id(const char *s)
{
	if (!s || !*s || strlen(s) > 48)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

static int find_item(const parser *p, const char *id)
{
	for (int i = 0; i < p->n_items; i++)
		if (strcmp(p->items[i].id, id) == 0)
			return i;
	return -1;
}

static int find_score(const parser *p, const char *id)
{
	for (int i = 0; id && i < p->n_scores; i++)
		if (strcmp(p->scores[i].id, id) == 0)
			return i;
	return -1;
}

static int parse_options(parser *p, json_t *list, const char *path, instr_option **out)
{
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 32) {
		v_add(p->v, path, "must be a list of 1 to 32 answers");
		return -1;
	}
	int n = (int)json_array_size(list), bad = 0;
	instr_option *opts = arena_zalloc(p->a, sizeof(instr_option) * (size_t)n);
	for (int i = 0; i < n; i++) {
		json_t *o = json_array_get(list, (size_t)i);
		const char *op = arena_printf(p->a, "%s[%d]", path, i);
		static const char *const fields[] = {"value", "label", "points", NULL};
		if (!json_is_object(o)) {
			v_add(p->v, op, "must be an object with value, label and points");
			bad = 1;
			continue;
		}
		int before = p->v->n;
		jv_no_unknown(p->v, o, op, fields);
		opts[i].value = jv_string(p->v, o, op, "value", 48, JV_REQUIRED, NULL);
		opts[i].label = jv_string(p->v, o, op, "label", 200, JV_REQUIRED, NULL);
		json_t *pts = json_object_get(o, "points");
		if (json_is_number(pts)) {
			opts[i].points = json_number_value(pts);
			opts[i].has_points = 1;
		} else if (pts && !json_is_null(pts)) {
			v_add(p->v, v_path(p->v, op, "points"), "must be a number or null");
		}
		for (int j = 0; j < i && opts[i].value; j++)
			if (opts[j].value && strcmp(opts[j].value, opts[i].value) == 0)
				v_add(p->v, v_path(p->v, op, "value"), "is listed twice");
		bad |= p->v->n != before;
	}
	*out = opts;
	return bad ? -1 : 0;
}

static void item_range(const instr_item *it, double *lo, double *hi)
{
	if (it->type == ITEM_INTEGER) {
		*lo = it->min;
		*hi = it->max;
		return;
	}
	int any = 0;
	for (int k = 0; k < it->n_options; k++) {
		if (!it->options[k].has_points)
			continue;
		double x = it->options[k].points;
		if (!any || x < *lo)
			*lo = x;
		if (!any || x > *hi)
			*hi = x;
		any = 1;
	}
	if (!any)
		*lo = *hi = 0;
}

static void mirror_points(instr_option *opts, int n)
{
	double lo = 0, hi = 0;
	instr_item tmp = {0};
	tmp.type = ITEM_CHOICE;
	tmp.options = opts;
	tmp.n_options = n;
	item_range(&tmp, &lo, &hi);
	for (int k = 0; k < n; k++)
		if (opts[k].has_points)
			opts[k].points = lo + hi - opts[k].points;
}

static void parse_item(parser *p, json_t *o, int index)
{
	const char *path = arena_printf(p->a, "items[%d]", index);
	static const char *const fields[] = {"id",      "text", "section", "answers",  "type",
	                                     "min",     "max",  "sides",   "required", "scored",
	                                     "reverse", "help", NULL};
	if (!json_is_object(o)) {
		v_add(p->v, path, "must be an object");
		return;
	}
	int before = p->v->n;
	jv_no_unknown(p->v, o, path, fields);
	instr_item it = {0};
	it.id = jv_string(p->v, o, path, "id", 48, JV_REQUIRED, NULL);
	if (it.id && !valid_id(it.id))
		v_add(p->v, v_path(p->v, path, "id"), "may hold only a-z, 0-9, - and _");
	it.text = jv_string(p->v, o, path, "text", 500, JV_REQUIRED, NULL);
	/* A section is the stem printed above its items; RAND-36's longest is about 250 characters.
	 */
	it.section = jv_string(p->v, o, path, "section", 400, JV_OPTIONAL, NULL);
	it.required = 1;
	it.scored = 1;
	int reverse = 0;
	jv_bool(p->v, o, path, "required", &it.required);
	jv_bool(p->v, o, path, "scored", &it.scored);
	jv_bool(p->v, o, path, "reverse", &reverse);
	json_t *answers = json_object_get(o, "answers");
	const char *type = json_string_value(json_object_get(o, "type"));
	if (type && strcmp(type, "integer") == 0) {
		it.type = ITEM_INTEGER;
		json_t *mn = json_object_get(o, "min"), *mx = json_object_get(o, "max");
		if (!json_is_integer(mn) || !json_is_integer(mx) ||
		    json_integer_value(mn) >= json_integer_value(mx) ||
		    llabs(json_integer_value(mn)) > 100000 ||
		    llabs(json_integer_value(mx)) > 100000)
			v_add(p->v, path, "an integer item needs whole-number min < max");
		else {
			it.min = (int)json_integer_value(mn);
			it.max = (int)json_integer_value(mx);
		}
		if (answers || reverse)
			v_add(p->v, path, "an integer item takes no answers list and no reverse");
	} else if (type && strcmp(type, "choice") != 0) {
		v_add(p->v, v_path(p->v, path, "type"), "must be choice or integer");
	} else {
		it.type = ITEM_CHOICE;
		json_t *list = answers;
		const char *apath = v_path(p->v, path, "answers");
		if (json_is_string(answers)) {
			list = json_object_get(p->sets, json_string_value(answers));
			if (!list)
				v_add(p->v, apath, "names no answer set in answer_sets");
		}
		instr_option *opts = NULL;
		if (list && parse_options(p, list, apath, &opts) == 0) {
			if (reverse)
				mirror_points(opts, (int)json_array_size(list));
			it.options = opts;
			it.n_options = (int)json_array_size(list);
		} else if (!answers) {
			v_add(p->v, apath, "is required for a choice item");
		}
	}
	if (p->v->n != before)
		return;
	json_t *sides = json_object_get(o, "sides");
	size_t n_sides = json_is_array(sides) ? json_array_size(sides) : 0;
	if (sides && (!json_is_array(sides) || n_sides == 0 || n_sides > 4)) {
		v_add(p->v, v_path(p->v, path, "sides"),
		      "must be a list such as [\"right\", \"left\"]");
		return;
	}
	for (size_t s = 0; s < (n_sides ? n_sides : 1); s++) {
		instr_item copy = it;
		if (n_sides) {
			const char *side = json_string_value(json_array_get(sides, s));
			if (!valid_id(side)) {
				v_add(p->v, v_path(p->v, path, "sides"),
				      "must be names like right");
				return;
			}
			copy.id = arena_printf(p->a, "%s_%s", it.id, side);
			copy.text = arena_printf(p->a, "%s (%s)", it.text, side);
		}
		if (find_item(p, copy.id) >= 0) {
			v_add(p->v, v_path(p->v, path, "id"), "%s is used twice", copy.id);
			return;
		}
		if (p->n_items == MAX_ITEMS) {
			v_add(p->v, "items", "at most %d items", MAX_ITEMS);
			return;
		}
		p->base[p->n_items] = n_sides ? it.id : NULL;
		p->items[p->n_items++] = copy;
	}
}

/* Resolves a list of item ids (a sided item's base id means all of its sides) to indexes. */
static int resolve_items(parser *p, json_t *list, const char *path, int **out)
{
	if (!json_is_array(list) || json_array_size(list) == 0) {
		v_add(p->v, path, "must be a non-empty list of item ids");
		return -1;
	}
	int *idx = arena_alloc(p->a, sizeof(int) * MAX_ITEMS), n = 0, bad = 0;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *id = json_string_value(e);
		int found = 0;
		for (int k = 0; id && k < p->n_items; k++) {
			int side_of = p->base[k] && strcmp(p->base[k], id) == 0;
			if ((strcmp(p->items[k].id, id) == 0 || side_of) && n < MAX_ITEMS) {
				idx[n++] = k;
				found = 1;
			}
		}
		if (!found) {
			v_add(p->v, arena_printf(p->a, "%s[%zu]", path, i), "names no item");
			bad = 1;
		}
	}
	*out = idx;
	return bad ? -1 : n;
}

static int same(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void parse_score(parser *p, json_t *o, int index)
{
	const char *path = arena_printf(p->a, "scores[%d]", index);
	static const char *const fields[] = {"id",           "label", "method", "items",
	                                     "min_answered", "min",   "max",    NULL};
	instr_score *s = &p->scores[index];
	if (!json_is_object(o)) {
		v_add(p->v, path, "must be an object");
		return;
	}
	jv_no_unknown(p->v, o, path, fields);
	s->id = jv_string(p->v, o, path, "id", 48, JV_REQUIRED, NULL);
	if (s->id && !valid_id(s->id))
		v_add(p->v, v_path(p->v, path, "id"), "may hold only a-z, 0-9, - and _");
	for (int k = 0; s->id && k < index; k++)
		if (p->scores[k].id && strcmp(p->scores[k].id, s->id) == 0)
			v_add(p->v, v_path(p->v, path, "id"), "is used twice");
	s->label = jv_string(p->v, o, path, "label", 200, JV_REQUIRED, NULL);
	const char *method = jv_enum(p->v, o, path, "method", methods, JV_REQUIRED, NULL);
	s->method = !method || !strcmp(method, "sum") ? METHOD_SUM
	            : !strcmp(method, "mean")         ? METHOD_MEAN
	                                              : METHOD_PROFILE;
	int *idx = NULL;
	int n = resolve_items(p, json_object_get(o, "items"), v_path(p->v, path, "items"), &idx);
	if (n < 0)
		return;
	s->items = idx;
	s->n_items = n;
	s->min_answered = n;
	json_t *ma = json_object_get(o, "min_answered");
	if (ma &&
	    (!json_is_integer(ma) || json_integer_value(ma) < 1 || json_integer_value(ma) > n))
		v_add(p->v, v_path(p->v, path, "min_answered"),
		      "must be a whole number from 1 to %d", n);
	else if (ma)
		s->min_answered = (int)json_integer_value(ma);
	double lo = 0, hi = 0;
	for (int k = 0; k < n; k++) {
		const instr_item *it = &p->items[idx[k]];
		if (!it->scored) {
			v_add(p->v, v_path(p->v, path, "items"),
			      "%s is marked scored: false and cannot be in a score", it->id);
			return;
		}
		double ilo, ihi;
		item_range(it, &ilo, &ihi);
		if (s->method == METHOD_SUM) {
			lo += ilo;
			hi += ihi;
		} else {
			lo = k == 0 || ilo < lo ? ilo : lo;
			hi = k == 0 || ihi > hi ? ihi : hi;
		}
	}
	if (s->method == METHOD_PROFILE)
		return;
	json_t *mn = json_object_get(o, "min"), *mx = json_object_get(o, "max");
	if (!json_is_number(mn) || !json_is_number(mx)) {
		v_add(p->v, path, "needs min and max (the score's possible range)");
		return;
	}
	s->min = json_number_value(mn);
	s->max = json_number_value(mx);
	if (!same(s->min, lo) || !same(s->max, hi))
		v_add(p->v, path, "declares %g..%g but its items give %g..%g", s->min, s->max, lo,
		      hi);
}

static int score_ref(parser *p, json_t *o, const char *path, const char *key)
{
	const char *id = json_string_value(json_object_get(o, key));
	int k = find_score(p, id);
	if (k < 0)
		v_add(p->v, v_path(p->v, path, key), "names no score");
	return k;
}

static void parse_bands(parser *p, json_t *list, instr_bands **out, int *n_out)
{
	int n = json_is_array(list) ? (int)json_array_size(list) : 0;
	instr_bands *b = arena_zalloc(p->a, sizeof(instr_bands) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		json_t *o = json_array_get(list, (size_t)i);
		const char *path = arena_printf(p->a, "bands[%d]", i);
		b[i].score = score_ref(p, o, path, "score");
		json_t *levels = json_object_get(o, "levels");
		int nl = json_is_array(levels) ? (int)json_array_size(levels) : 0;
		if (nl == 0 || b[i].score < 0) {
			if (nl == 0)
				v_add(p->v, v_path(p->v, path, "levels"),
				      "must be a non-empty list");
			continue;
		}
		const instr_score *s = &p->scores[b[i].score];
		instr_level *lv = arena_zalloc(p->a, sizeof(instr_level) * (size_t)nl);
		for (int k = 0; k < nl; k++) {
			json_t *l = json_array_get(levels, (size_t)k);
			const char *lp = arena_printf(p->a, "%s.levels[%d]", path, k);
			json_t *from = json_object_get(l, "from");
			if (!json_is_number(from)) {
				v_add(p->v, lp, "needs from (a number)");
				continue;
			}
			lv[k].from = json_number_value(from);
			lv[k].label = jv_string(p->v, l, lp, "label", 100, JV_REQUIRED, NULL);
			lv[k].interpretation =
			    jv_string(p->v, l, lp, "interpretation", 500, JV_OPTIONAL, NULL);
			if (k == 0 && !same(lv[k].from, s->min))
				v_add(p->v, lp, "the first level must start at the score's min %g",
				      s->min);
			if (k > 0 && lv[k].from <= lv[k - 1].from)
				v_add(p->v, lp, "levels must rise");
			if (lv[k].from > s->max)
				v_add(p->v, lp, "starts above the score's max %g", s->max);
		}
		b[i].levels = lv;
		b[i].n_levels = nl;
	}
	*out = b;
	*n_out = n;
}

static void parse_cutoffs(parser *p, json_t *list, instr_cutoff **out, int *n_out)
{
	int n = json_is_array(list) ? (int)json_array_size(list) : 0;
	instr_cutoff *c = arena_zalloc(p->a, sizeof(instr_cutoff) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		json_t *o = json_array_get(list, (size_t)i);
		const char *path = arena_printf(p->a, "cutoffs[%d]", i);
		static const char *const fields[] = {"score",          "at_least", "label",
		                                     "interpretation", "primary",  NULL};
		jv_no_unknown(p->v, o, path, fields);
		c[i].score = score_ref(p, o, path, "score");
		json_t *at = json_object_get(o, "at_least");
		c[i].label = jv_string(p->v, o, path, "label", 100, JV_REQUIRED, NULL);
		c[i].interpretation =
		    jv_string(p->v, o, path, "interpretation", 500, JV_OPTIONAL, NULL);
		jv_bool(p->v, o, path, "primary", &c[i].primary);
		if (!json_is_number(at))
			v_add(p->v, v_path(p->v, path, "at_least"), "must be a number");
		else if (c[i].score >= 0) {
			c[i].at_least = json_number_value(at);
			const instr_score *s = &p->scores[c[i].score];
			if (c[i].at_least < s->min || c[i].at_least > s->max)
				v_add(p->v, v_path(p->v, path, "at_least"),
				      "lies outside the score's range %g..%g", s->min, s->max);
		}
	}
	*out = c;
	*n_out = n;
}

static void parse_flags(parser *p, json_t *list, instr_flag **out, int *n_out)
{
	int n = json_is_array(list) ? (int)json_array_size(list) : 0;
	instr_flag *f = arena_zalloc(p->a, sizeof(instr_flag) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		json_t *o = json_array_get(list, (size_t)i);
		const char *path = arena_printf(p->a, "flags[%d]", i);
		f[i].id = jv_string(p->v, o, path, "id", 48, JV_REQUIRED, NULL);
		f[i].label = jv_string(p->v, o, path, "label", 200, JV_REQUIRED, NULL);
		const char *item = json_string_value(json_object_get(o, "item"));
		f[i].item = item ? find_item(p, item) : -1;
		if (f[i].item < 0 || p->items[f[i].item].type != ITEM_CHOICE) {
			v_add(p->v, v_path(p->v, path, "item"), "names no choice item");
			continue;
		}
		json_t *any = json_object_get(o, "any_of");
		int na = json_is_array(any) ? (int)json_array_size(any) : 0;
		const char **vals = arena_zalloc(p->a, sizeof(char *) * (size_t)(na ? na : 1));
		for (int k = 0; k < na; k++) {
			const char *val = json_string_value(json_array_get(any, (size_t)k));
			const instr_item *it = &p->items[f[i].item];
			int ok = 0;
			for (int m = 0; val && m < it->n_options; m++)
				ok |= strcmp(it->options[m].value, val) == 0;
			if (!ok)
				v_add(p->v, arena_printf(p->a, "%s.any_of[%d]", path, k),
				      "is not an answer of %s", it->id);
			vals[k] = val;
		}
		if (na == 0)
			v_add(p->v, v_path(p->v, path, "any_of"), "must list answers");
		f[i].any_of = vals;
		f[i].n_any_of = na;
	}
	*out = f;
	*n_out = n;
}

static void parse_variants(parser *p, json_t *list, instrument *in)
{
	int n = (int)json_array_size(list);
	instr_variant *vs = arena_zalloc(p->a, sizeof(instr_variant) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		json_t *o = json_array_get(list, (size_t)i);
		const char *path = arena_printf(p->a, "variants[%d]", i);
		vs[i].id = jv_string(p->v, o, path, "id", 48, JV_REQUIRED, NULL);
		vs[i].total = score_ref(p, o, path, "total");
		json_t *when = json_object_get(o, "when_answered");
		if (when) {
			int *idx;
			int nw = resolve_items(p, when, v_path(p->v, path, "when_answered"), &idx);
			vs[i].when_answered = idx;
			vs[i].n_when = nw < 0 ? 0 : nw;
		} else if (i != n - 1) {
			v_add(p->v, path, "only the last variant may omit when_answered");
		}
	}
	if (n == 0 || (n && json_object_get(json_array_get(list, (size_t)n - 1), "when_answered")))
		v_add(p->v, "variants",
		      "the last variant must have no when_answered (the default)");
	in->variants = vs;
	in->n_variants = n;
}

int instr_parse(arena *a, json_t *def, instrument **out, vctx *v)
{
	int start = v->n;
	if (!json_is_object(def)) {
		v_add(v, "", "an instrument definition must be a JSON object");
		return -1;
	}
	static const char *const fields[] = {
	    "id",    "version",     "title", "citation", "licence", "administration",
	    "codes", "answer_sets", "items", "scores",   "total",   "variants",
	    "bands", "cutoffs",     "flags", "notes",    NULL};
	jv_no_unknown(v, def, NULL, fields);
	parser *p = arena_zalloc(a, sizeof(parser));
	p->a = a;
	p->v = v;
	instrument *in = arena_zalloc(a, sizeof(instrument));
	in->id = jv_string(v, def, NULL, "id", 48, JV_REQUIRED, NULL);
	if (in->id && !valid_id(in->id))
		v_add(v, "id", "may hold only a-z, 0-9, - and _");
	in->version = jv_string(v, def, NULL, "version", 20, JV_REQUIRED, NULL);
	in->title = jv_string(v, def, NULL, "title", 200, JV_REQUIRED, NULL);
	jv_string(v, def, NULL, "citation", 1000, JV_REQUIRED, NULL);
	jv_string(v, def, NULL, "notes", 4000, JV_OPTIONAL, NULL);
	jv_enum(v, def, NULL, "administration", administrations, JV_REQUIRED, NULL);
	json_t *licence = json_object_get(def, "licence");
	if (!json_is_object(licence))
		v_add(v, "licence", "is required: {status, note}");
	else
		jv_enum(v, licence, "licence", "status", licence_statuses, JV_REQUIRED, NULL);
	json_t *codes = json_object_get(def, "codes");
	if (codes && !json_is_array(codes))
		v_add(v, "codes", "must be a list of {system, code, display}");
	p->sets = json_object_get(def, "answer_sets");
	if (p->sets && !json_is_object(p->sets))
		v_add(v, "answer_sets", "must be an object of named answer lists");
	json_t *items = json_object_get(def, "items");
	if (!json_is_array(items) || json_array_size(items) == 0)
		v_add(v, "items", "must be a non-empty list");
	for (size_t i = 0; json_is_array(items) && i < json_array_size(items); i++)
		parse_item(p, json_array_get(items, i), (int)i);
	if (v->n != start)
		return -1; /* scores refer to items: errors there would only echo these */
	json_t *scores = json_object_get(def, "scores");
	if (scores && !json_is_array(scores))
		v_add(v, "scores", "must be a list");
	p->n_scores = json_is_array(scores) ? (int)json_array_size(scores) : 0;
	p->scores = arena_zalloc(a, sizeof(instr_score) * (size_t)(p->n_scores ? p->n_scores : 1));
	for (int i = 0; i < p->n_scores; i++)
		parse_score(p, json_array_get(scores, (size_t)i), i);
	if (v->n != start)
		return -1; /* the rest refers to items and scores */
	in->total = -1;
	json_t *total = json_object_get(def, "total"), *variants = json_object_get(def, "variants");
	if (total && variants)
		v_add(v, "total", "give total or variants, not both");
	else if (total)
		in->total = score_ref(p, def, "", "total");
	else if (variants && json_is_array(variants))
		parse_variants(p, variants, in);
	instr_bands *bands;
	instr_cutoff *cutoffs;
	instr_flag *flags;
	parse_bands(p, json_object_get(def, "bands"), &bands, &in->n_bands);
	parse_cutoffs(p, json_object_get(def, "cutoffs"), &cutoffs, &in->n_cutoffs);
	parse_flags(p, json_object_get(def, "flags"), &flags, &in->n_flags);
	if (v->n != start)
		return -1;
	instr_item *its = arena_alloc(a, sizeof(instr_item) * (size_t)p->n_items);
	memcpy(its, p->items, sizeof(instr_item) * (size_t)p->n_items);
	in->items = its;
	in->n_items = p->n_items;
	in->scores = p->scores;
	in->n_scores = p->n_scores;
	in->bands = bands;
	in->cutoffs = cutoffs;
	in->flags = flags;
	in->definition = json_incref(def);
	*out = in;
	return 0;
}

const instrument *instr_find(const instrument_set *s, const char *id)
{
	for (int i = 0; s && id && i < s->n; i++)
		if (strcmp(s->items[i]->id, id) == 0)
			return s->items[i];
	return NULL;
}

void instr_release(instrument *in)
{
	if (in && in->definition) {
		json_decref(in->definition);
		in->definition = NULL;
	}
}

/* The chosen option of a choice item, or NULL. */
static const instr_option *option_of(const instr_item *it, const char *value)
{
	for (int k = 0; value && k < it->n_options; k++)
		if (strcmp(it->options[k].value, value) == 0)
			return &it->options[k];
	return NULL;
}

static void bad_answer(vctx *v, const instr_item *it)
{
	const char *path = arena_printf(v->a, "answers.%s", it->id);
	if (it->type == ITEM_INTEGER) {
		v_add(v, path, "must be a whole number from %d to %d", it->min, it->max);
		return;
	}
	strbuf list;
	strbuf_init(&list, 2048);
	for (int k = 0; k < it->n_options; k++)
		if (strbuf_printf(&list, "%s%s", k ? ", " : "", it->options[k].value))
			break;
	v_add(v, path, "must be one of: %s", list.buf ? list.buf : "");
	strbuf_free(&list);
}

int instr_evaluate(arena *a, const instrument *in, json_t *answers, instr_result *out, vctx *v)
{
	int start = v->n;
	if (!json_is_object(answers)) {
		v_add(v, "answers", "must be an object of item id to answer");
		return -1;
	}
	/* points[i] is NAN for an unanswered (or point-less) item. */
	double *points = arena_alloc(a, sizeof(double) * (size_t)in->n_items);
	const char **given = arena_zalloc(a, sizeof(char *) * (size_t)in->n_items);
	const char *key;
	json_t *val;
	json_object_foreach(answers, key, val)
	{
		int found = 0;
		for (int i = 0; i < in->n_items; i++)
			found |= strcmp(in->items[i].id, key) == 0;
		if (!found)
			v_add(v, arena_printf(a, "answers.%s", key), "is not an item of %s",
			      in->id);
	}
	for (int i = 0; i < in->n_items; i++) {
		const instr_item *it = &in->items[i];
		json_t *ans = json_object_get(answers, it->id);
		points[i] = NAN;
		if (!ans || json_is_null(ans)) {
			if (it->required)
				v_add(v, arena_printf(a, "answers.%s", it->id), "is required");
			continue;
		}
		if (it->type == ITEM_INTEGER) {
			if (!json_is_integer(ans) || json_integer_value(ans) < it->min ||
			    json_integer_value(ans) > it->max) {
				bad_answer(v, it);
				continue;
			}
			points[i] = (double)json_integer_value(ans);
			given[i] = arena_printf(a, "%lld", (long long)json_integer_value(ans));
		} else {
			const instr_option *o = option_of(it, json_string_value(ans));
			if (!o) {
				bad_answer(v, it);
				continue;
			}
			given[i] = o->value;
			if (o->has_points)
				points[i] = o->points;
		}
	}
	/* With every item optional, nothing answered would still "score": it records nothing. */
	int any = 0;
	for (int i = 0; i < in->n_items; i++)
		any |= given[i] != NULL;
	if (v->n == start && !any)
		v_add(v, "answers", "answer at least one item");
	if (v->n != start)
		return -1;
	out->in = in;
	out->value = arena_zalloc(a, sizeof(double) * (size_t)(in->n_scores + 1));
	out->valid = arena_zalloc(a, sizeof(int) * (size_t)(in->n_scores + 1));
	out->profile = arena_zalloc(a, sizeof(char *) * (size_t)(in->n_scores + 1));
	for (int s = 0; s < in->n_scores; s++) {
		const instr_score *sc = &in->scores[s];
		double sum = 0;
		int answered = 0;
		for (int k = 0; k < sc->n_items; k++) {
			/* A profile counts answers given; sums and means count answers with points.
			 */
			if (sc->method == METHOD_PROFILE ? given[sc->items[k]] != NULL
			                                 : !isnan(points[sc->items[k]]))
				answered++;
			if (!isnan(points[sc->items[k]]))
				sum += points[sc->items[k]];
		}
		out->valid[s] = answered >= sc->min_answered;
		if (sc->method == METHOD_PROFILE && out->valid[s]) {
			size_t len = 0;
			for (int k = 0; k < sc->n_items; k++)
				len += given[sc->items[k]] ? strlen(given[sc->items[k]]) : 0;
			char *prof = arena_alloc(a, len + 1), *end = prof;
			for (int k = 0; k < sc->n_items; k++) {
				const char *g = given[sc->items[k]];
				size_t n = g ? strlen(g) : 0;
				memcpy(end, g ? g : "", n);
				end += n;
			}
			*end = '\0';
			out->profile[s] = prof;
		}
		out->value[s] = sc->method == METHOD_MEAN && answered ? sum / answered : sum;
	}
	/* A variant's items go together (both feet): some answered and some not is incomplete. */
	for (int i = 0; i < in->n_variants; i++) {
		const instr_variant *var = &in->variants[i];
		int answered = 0;
		for (int k = 0; k < var->n_when; k++)
			answered += given[var->when_answered[k]] != NULL;
		for (int k = 0; answered && answered < var->n_when && k < var->n_when; k++)
			if (!given[var->when_answered[k]])
				v_add(v,
				      arena_printf(a, "answers.%s",
				                   in->items[var->when_answered[k]].id),
				      "is required for the %s version once any of its items is "
				      "answered "
				      "(or leave them all out)",
				      var->id);
	}
	if (v->n != start)
		return -1;
	out->total = in->total;
	out->variant = NULL;
	for (int i = 0; i < in->n_variants; i++) {
		const instr_variant *var = &in->variants[i];
		int all = 1;
		for (int k = 0; k < var->n_when; k++)
			all &= given[var->when_answered[k]] != NULL;
		if (all) {
			out->total = var->total;
			out->variant = var->id;
			break;
		}
	}
	out->flag = arena_zalloc(a, sizeof(int) * (size_t)(in->n_flags + 1));
	for (int f = 0; f < in->n_flags; f++) {
		const char *g = given[in->flags[f].item];
		for (int k = 0; g && k < in->flags[f].n_any_of; k++)
			out->flag[f] |= strcmp(g, in->flags[f].any_of[k]) == 0;
	}
	return 0;
}

static json_t *number(double x)
{
	double r = round(x);
	if (fabs(x - r) < 1e-9)
		return json_integer((json_int_t)r);
	return json_real(round(x * 1000) / 1000);
}

static json_t *score_value(const instr_result *r, int s)
{
	if (!r->valid[s])
		return json_null();
	if (r->in->scores[s].method == METHOD_PROFILE)
		return json_string(r->profile[s]);
	return number(r->value[s]);
}

static json_t *band_of(const instr_result *r, int s)
{
	for (int b = 0; b < r->in->n_bands; b++) {
		const instr_bands *bd = &r->in->bands[b];
		if (bd->score != s || !r->valid[s])
			continue;
		const instr_level *hit = NULL;
		for (int k = 0; k < bd->n_levels; k++)
			if (r->value[s] >= bd->levels[k].from - 1e-9)
				hit = &bd->levels[k];
		if (hit)
			return json_pack("{s:s, s:s?}", "label", hit->label, "interpretation",
			                 hit->interpretation);
	}
	return json_null();
}

json_t *instr_result_json(const instr_result *r)
{
	const instrument *in = r->in;
	json_t *subs = json_object(), *cutoffs = json_array(), *flags = json_object();
	for (int s = 0; s < in->n_scores; s++) {
		if (s == r->total)
			continue;
		const instr_score *sc = &in->scores[s];
		json_t *o = json_pack("{s:s, s:o, s:o}", "label", sc->label, "value",
		                      score_value(r, s), "band", band_of(r, s));
		if (sc->method != METHOD_PROFILE)
			json_object_set_new(o, "max", number(sc->max));
		json_object_set_new(subs, sc->id, o);
	}
	const char *interpretation = NULL;
	for (int c = 0; c < in->n_cutoffs; c++) {
		const instr_cutoff *cu = &in->cutoffs[c];
		int valid = r->valid[cu->score];
		int met = valid && r->value[cu->score] >= cu->at_least - 1e-9;
		json_array_append_new(
		    cutoffs,
		    json_pack("{s:s, s:o, s:s, s:o, s:b, s:s?}", "score", in->scores[cu->score].id,
		              "at_least", number(cu->at_least), "label", cu->label, "met",
		              valid ? json_boolean(met) : json_null(), "primary", cu->primary,
		              "interpretation", met ? cu->interpretation : NULL));
		if (cu->primary && met && !interpretation)
			interpretation = cu->interpretation;
	}
	for (int f = 0; f < in->n_flags; f++)
		json_object_set_new(flags, in->flags[f].id, json_boolean(r->flag[f]));
	json_t *band = r->total >= 0 ? band_of(r, r->total) : json_null();
	if (!interpretation && json_is_object(band))
		interpretation = json_string_value(json_object_get(band, "interpretation"));
	json_t *out = json_object();
	json_object_set_new(out, "total", r->total >= 0 ? score_value(r, r->total) : json_null());
	json_object_set_new(out, "min",
	                    r->total >= 0 ? number(in->scores[r->total].min) : json_null());
	json_object_set_new(out, "max",
	                    r->total >= 0 ? number(in->scores[r->total].max) : json_null());
	json_object_set_new(out, "variant", r->variant ? json_string(r->variant) : json_null());
	json_object_set_new(out, "band", band);
	json_object_set_new(out, "interpretation",
	                    interpretation ? json_string(interpretation) : json_null());
	json_object_set_new(out, "cutoffs", cutoffs);
	json_object_set_new(out, "subscores", subs);
	json_object_set_new(out, "flags", flags);
	json_object_set_new(out, "instrument", json_string(in->id));
	json_object_set_new(out, "instrument_version", json_string(in->version));
	return out;
}
