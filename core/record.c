/* The record layer's pure half: reading a kind's fields from JSON with validation, writing them as
 * JSON, the lifecycle members, and the check of a kind's description. */
#include "record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../util/jsonv.h"

const rec_kind *const rec_kinds[] = {&rk_condition, &rk_assessment,         &rk_observation,
                                     &rk_diary,     &rk_medication,         &rk_adverse_event,
                                     &rk_plan,      &rk_plan_step,          &rk_consent,
                                     &rk_procedure, &rk_candidacy_decision, NULL};

/* The meta fields sit in every kind's table by name (used by the description's check) ... */
static const rec_field *meta(const rec_kind *k, const char *name)
{
	for (const rec_field *f = k->fields; f->name; f++)
		if ((f->flags & RF_META) && strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* ... and by position, as REC_META_HEAD and REC_META_TAIL put them (rec_kind_check makes sure):
 * id and patient_id first; status, the reason, version, created_at, updated_at, updated_by last. */
enum { M_STATUS, M_REASON, M_VERSION, M_CREATED, M_UPDATED, M_UPDATED_BY, M_TAIL };

static const rec_field *tail(const rec_kind *k)
{
	const rec_field *f = k->fields;
	while (f->name)
		f++;
	return f - M_TAIL;
}

const rec_field *rec_field_find(const rec_kind *k, const char *name)
{
	for (const rec_field *f = k->fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

rec_meta rec_meta_of(const rec_kind *k, const void *rec)
{
	const rec_field *t = tail(k);
	rec_meta m;
	m.id = REC_CAT(rec, k->fields[0].off, const char *);
	m.patient_id = REC_CAT(rec, k->fields[1].off, const char *);
	m.status = REC_CAT(rec, t[M_STATUS].off, const char *);
	m.version = REC_CAT(rec, t[M_VERSION].off, int);
	return m;
}

void rec_set_life(const rec_kind *k, void *rec, const char *status, const char *reason, int version,
                  const char *now, const char *who)
{
	const rec_field *t = tail(k);
	if (status)
		REC_AT(rec, t[M_STATUS].off, const char *) = status;
	if (reason)
		REC_AT(rec, t[M_REASON].off, const char *) = reason;
	REC_AT(rec, t[M_VERSION].off, int) = version;
	if (now)
		REC_AT(rec, t[M_UPDATED].off, const char *) = now;
	if (who)
		REC_AT(rec, t[M_UPDATED_BY].off, const char *) = who;
}

void rec_set_new(const rec_kind *k, void *rec, const char *id, const char *patient_id,
                 const char *now, const char *who)
{
	const rec_field *t = tail(k);
	REC_AT(rec, k->fields[0].off, const char *) = id;
	REC_AT(rec, k->fields[1].off, const char *) = patient_id;
	REC_AT(rec, t[M_CREATED].off, const char *) = now;
	const char **status = &REC_AT(rec, t[M_STATUS].off, const char *);
	if (!*status)
		*status = k->statuses[0];
	rec_set_life(k, rec, NULL, NULL, 1, now, who);
}

int rec_ended(const rec_kind *k, const void *rec)
{
	const char *status = REC_CAT(rec, tail(k)[M_STATUS].off, const char *);
	if (k->life != RL_MOVES)
		return status && strcmp(status, k->ended) == 0;
	for (const rec_move *m = k->moves; status && m->from; m++)
		if (strcmp(m->from, status) == 0)
			return 0;
	return 1;
}

const rec_move *rec_move_find(const rec_kind *k, const void *rec, const char *to)
{
	const char *status = REC_CAT(rec, tail(k)[M_STATUS].off, const char *);
	for (const rec_move *m = k->moves; status && to && m && m->from; m++)
		if (strcmp(m->from, status) == 0 && strcmp(m->to, to) == 0)
			return m;
	return NULL;
}

const char *rec_moves_from(arena *a, const rec_kind *k, const void *rec)
{
	const char *status = REC_CAT(rec, tail(k)[M_STATUS].off, const char *), *out = "";
	int n = 0, total = 0;
	for (const rec_move *m = k->moves; status && m && m->from; m++)
		total += strcmp(m->from, status) == 0;
	for (const rec_move *m = k->moves; status && m && m->from; m++)
		if (strcmp(m->from, status) == 0) {
			n++;
			out = arena_printf(a, "%s%s%s", out,
			                   n == 1       ? ""
			                   : n == total ? " or "
			                                : ", ",
			                   m->to);
		}
	return out;
}

/* ---- reading ---- */

void rec_check_date(vctx *v, const rec_field *f, const char *s, const rec_ctx *cx)
{
	civil_date d, birth;
	if (date_parse(s, &d))
		v_add(v, f->name, "must be a real date written YYYY-MM-DD");
	else if ((f->flags & RF_NOT_FUTURE) && date_cmp(d, cx->today) > 0)
		v_add(v, f->name, "cannot be in the future");
	else if ((f->flags & RF_AFTER_BIRTH) && cx->birth_date &&
	         !date_parse(cx->birth_date, &birth) && date_cmp(d, birth) < 0)
		v_add(v, f->name, "cannot be before the patient's birth date (%s)", cx->birth_date);
}

/* The range a number must lie in, as words. */
static void bad_number(vctx *v, const rec_field *f, const char *what)
{
	if (f->message)
		v_add(v, f->name, "%s", f->message);
	else
		v_add(v, f->name, "must be %s from %g to %g", what, f->min, f->max);
}

/* A list of 0..max_len distinct strings (each one of the choices when the field has them, no
 * comma, 1..64 characters); null or [] empties it unless required. */
static void read_list(vctx *v, const rec_field *f, json_t *val, void *rec, int required)
{
	const char **items = (const char **)((char *)rec + f->off);
	if ((!val || json_is_null(val) || (json_is_array(val) && !json_array_size(val))) &&
	    required) {
		v_add(v, f->name, "is required: a list of at least one");
		return;
	}
	if (val && !json_is_null(val) &&
	    (!json_is_array(val) || json_array_size(val) > (size_t)f->max_len)) {
		v_add(v, f->name, "must be a list of at most %d", f->max_len);
		return;
	}
	int n = 0, before = v->n;
	size_t i;
	json_t *it;
	json_array_foreach(val, i, it)
	{
		const char *path = arena_printf(v->a, "%s[%zu]", f->name, i);
		const char *s = json_string_value(it);
		int ok = s && *s && strlen(s) <= 64 && !strchr(s, ',');
		for (const char *const *c = f->choices; ok && c && *c; c++)
			if (strcmp(*c, s) == 0)
				break;
			else if (!c[1])
				ok = 0;
		for (int k = 0; ok && k < n; k++)
			if (strcmp(items[k], s) == 0)
				ok = 0;
		if (!ok)
			v_add(v, path,
			      f->choices ? "must be one of the listed values, once each"
			                 : "must be a text of 1 to 64 characters without a comma, "
			                   "once each");
		else if (v->n == before)
			items[n++] = arena_strdup(v->a, s);
	}
	if (v->n == before)
		REC_AT(rec, f->has_off, int) = n;
}

/* Reads one field present in body into rec. required: a null is refused. */
static void read_field(vctx *v, const rec_field *f, json_t *body, void *rec, int required,
                       const rec_ctx *cx)
{
	json_t *val = json_object_get(body, f->name);
	int before = v->n, present;
	switch (f->type) {
	case RT_TEXT:
	case RT_DATE: {
		const char *s =
		    jv_string(v, body, NULL, f->name, f->type == RT_DATE ? 10 : (size_t)f->max_len,
		              required, &present);
		if (s && f->type == RT_DATE)
			rec_check_date(v, f, s, cx);
		if (present && v->n == before)
			REC_AT(rec, f->off, const char *) = s;
		break;
	}
	case RT_ENUM: {
		const char *s = jv_enum(v, body, NULL, f->name, f->choices, required, &present);
		if (present && v->n == before)
			REC_AT(rec, f->off, const char *) = s;
		break;
	}
	case RT_INT:
		if (json_is_null(val) && !required)
			break; /* ints have no null: an optional int stays as it is */
		if (!json_is_integer(val) || json_integer_value(val) < f->min ||
		    json_integer_value(val) > f->max)
			bad_number(v, f, "a whole number");
		else
			REC_AT(rec, f->off, int) = (int)json_integer_value(val);
		break;
	case RT_REAL:
		if (json_is_null(val) && !required) {
			REC_AT(rec, f->has_off, int) = 0;
			break;
		}
		if (!json_is_number(val) || !isfinite(json_number_value(val)) ||
		    json_number_value(val) < f->min || json_number_value(val) > f->max)
			bad_number(v, f, "a number");
		else {
			REC_AT(rec, f->off, double) = json_number_value(val);
			REC_AT(rec, f->has_off, int) = 1;
		}
		break;
	case RT_BOOL:
		if (json_is_null(val) && (f->flags & RF_NULLABLE))
			REC_AT(rec, f->off, int) = -1;
		else if ((!val || json_is_null(val)) && required)
			v_add(v, f->name, "is required (true or false)");
		else
			jv_bool(v, body, NULL, f->name, &REC_AT(rec, f->off, int));
		break;
	case RT_LIST: read_list(v, f, val, rec, required); break;
	case RT_INSTANT:
	case RT_JSON:
		/* Set by the server or by a parse hook; rec_kind_check refuses them as input. */
		break;
	}
}

/* The keys a request may carry. */
static const char **allowed_keys(vctx *v, const rec_kind *k, int partial)
{
	int n = 0;
	for (const rec_field *f = k->fields; f->name; f++)
		n++;
	const char **keys = arena_alloc(v->a, sizeof(char *) * (size_t)(n + 1));
	int i = 0;
	for (const rec_field *f = k->fields; f->name; f++) {
		int input = (f->flags & RF_INPUT) && (!partial || (f->flags & RF_MUTABLE));
		int life = partial && k->life == RL_ERROR && (f->flags & RF_META) &&
		           (f == &tail(k)[M_STATUS] || f == &tail(k)[M_REASON]);
		if (input || life)
			keys[i++] = f->name;
	}
	keys[i] = NULL;
	return keys;
}

/* PATCH of status and reason on a kind that ends as entered in error. */
static void read_life(vctx *v, const rec_kind *k, json_t *body, void *rec)
{
	int present, before = v->n;
	const char *s = jv_enum(v, body, NULL, "status", k->statuses, JV_OPTIONAL, &present);
	if (present && s && v->n == before)
		REC_AT(rec, tail(k)[M_STATUS].off, const char *) = s;
	const rec_field *rf = &tail(k)[M_REASON];
	before = v->n;
	s = jv_string(v, body, NULL, rf->name, (size_t)rf->max_len, JV_OPTIONAL, &present);
	if (present && v->n == before)
		REC_AT(rec, rf->off, const char *) = s;
	if (rec_ended(k, rec) && !REC_CAT(rec, rf->off, const char *))
		v_add(v, rf->name, "is required when a %s is marked %s", k->label, k->ended);
}

int rec_from_json(vctx *v, const rec_kind *k, json_t *body, void *rec, int partial,
                  const rec_ctx *cx)
{
	int start = v->n;
	if (k->parse) {
		k->parse(v, body, rec, partial, cx); /* it knows its keys */
	} else {
		jv_no_unknown(v, body, NULL, allowed_keys(v, k, partial));
		for (const rec_field *f = k->fields; f->name; f++) {
			if (!(f->flags & RF_INPUT) || (partial && !(f->flags & RF_MUTABLE)))
				continue;
			int present = json_object_get(body, f->name) != NULL;
			int required = (f->flags & RF_REQUIRED) && (!partial || present);
			/* A new record's yes/no that was not said is unknown, not "no". */
			if (!partial && !present && f->type == RT_BOOL && (f->flags & RF_NULLABLE))
				REC_AT(rec, f->off, int) = -1;
			if (present || required)
				read_field(v, f, body, rec, required, cx);
		}
		if (partial && k->life == RL_ERROR)
			read_life(v, k, body, rec); /* a new record starts in its first status */
	}
	if (k->check)
		k->check(v, body, rec, partial, cx);
	return v->n - start;
}

/* ---- writing ---- */

static json_t *text(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *rec_to_json(const rec_kind *k, const void *rec, const rec_ctx *cx)
{
	json_t *o = json_object();
	for (const rec_field *f = k->fields; f->name; f++) {
		if ((f->flags & RF_HIDDEN) || ((f->flags & RF_CLINICAL) && cx && cx->redact))
			continue;
		json_t *val = NULL;
		switch (f->type) {
		case RT_TEXT:
		case RT_DATE:
		case RT_INSTANT:
		case RT_ENUM: val = text(REC_CAT(rec, f->off, const char *)); break;
		case RT_INT: val = json_integer(REC_CAT(rec, f->off, int)); break;
		case RT_REAL:
			val = REC_CAT(rec, f->has_off, int)
			          ? json_real(REC_CAT(rec, f->off, double))
			          : json_null();
			break;
		case RT_BOOL: {
			int b = REC_CAT(rec, f->off, int);
			val = b < 0 ? json_null() : json_boolean(b);
			break;
		}
		case RT_JSON: {
			const char *s = REC_CAT(rec, f->off, const char *);
			val = s ? json_loads(s, 0, NULL) : NULL;
			if (!val)
				val = json_null();
			break;
		}
		case RT_LIST: {
			val = json_array();
			const char *const *items =
			    (const char *const *)((const char *)rec + f->off);
			int n = REC_CAT(rec, f->has_off, int);
			for (int i = 0; i < n; i++)
				json_array_append_new(val, json_string(items[i]));
			break;
		}
		}
		json_object_set_new(o, f->name, val);
	}
	if (k->to_json)
		k->to_json(o, rec, cx);
	return o;
}

/* ---- the description's own check ---- */

int rec_kind_check(const rec_kind *k, char *err, size_t errlen)
{
	static const char *const need[] = {"id",         "patient_id", "status",     "version",
	                                   "created_at", "updated_at", "updated_by", NULL};
	const char *why = NULL, *which = "";
	for (const char *const *m = need; *m && !why; m++)
		if (!meta(k, *m)) {
			why = "lacks the meta member";
			which = *m;
		}
	if (!why && (!k->statuses || !k->statuses[0] || (k->life != RL_MOVES && !k->ended) ||
	             (k->life == RL_MOVES && !k->moves)))
		why = "has no statuses, no final status or (RL_MOVES) no moves";
	for (const rec_move *m = k->life == RL_MOVES && !why ? k->moves : NULL;
	     m && m->from && !why; m++) {
		int from = 0, to = 0;
		for (const char *const *st = k->statuses; *st; st++) {
			from |= strcmp(*st, m->from) == 0;
			to |= strcmp(*st, m->to) == 0;
		}
		if (!from || !to) {
			why = "is not one of the kind's statuses (in a move)";
			which = from ? m->to : m->from;
		}
	}
	/* The meta members where REC_META_HEAD and REC_META_TAIL put them. */
	static const char *const last[] = {"status",     NULL,         "version",
	                                   "created_at", "updated_at", "updated_by"};
	int n = 0;
	while (k->fields[n].name)
		n++;
	if (!why && (n < 2 + M_TAIL || strcmp(k->fields[0].name, "id") != 0 ||
	             strcmp(k->fields[1].name, "patient_id") != 0)) {
		why = "is not where REC_META_HEAD puts it";
		which = "id";
	}
	for (int i = 0; i < M_TAIL && !why; i++) {
		const rec_field *f = &k->fields[n - M_TAIL + i];
		if (!(f->flags & RF_META) || (last[i] && strcmp(f->name, last[i]) != 0) ||
		    (i == M_REASON && f->type != RT_TEXT)) {
			why = i == M_REASON ? "is not followed by the reason member (REC_META_TAIL)"
			                    : "is not where REC_META_TAIL puts it";
			which = i == M_REASON ? "status" : last[i];
		}
	}
	for (const rec_field *f = k->fields; f->name && !why; f++) {
		which = f->name;
		size_t width = f->type == RT_INT || f->type == RT_BOOL ? sizeof(int)
		               : f->type == RT_REAL                    ? sizeof(double)
		               : f->type == RT_LIST
		                   ? sizeof(char *) * (size_t)(f->max_len > 0 ? f->max_len : 1)
		                   : sizeof(char *);
		if (f->off + width > k->size)
			why = "has an offset past the end of the record";
		else if ((f->type == RT_REAL || f->type == RT_LIST) &&
		         f->has_off + sizeof(int) > k->size)
			why = "has a present flag or count past the end of the record";
		else if (f->type == RT_LIST && f->max_len <= 0)
			why = "is a list without max_len";
		else if ((f->type == RT_REAL || f->type == RT_LIST) && !f->has_off)
			why = "needs has_off (present flag or count)";
		else if ((f->flags & RF_INPUT) && !k->parse &&
		         (f->type == RT_INSTANT || f->type == RT_JSON))
			why = "is of a type only a parse hook can read";
		else if (f->type == RT_ENUM && (f->flags & RF_INPUT) && !f->choices)
			why = "is an input enum without choices";
		else if (f->type == RT_TEXT && (f->flags & RF_INPUT) && f->max_len <= 0)
			why = "is input text without max_len";
	}
	if (!why && (k->eq_param != NULL) != (k->eq_field != NULL))
		why = "names only one of eq_param and eq_field";
	for (const rec_ref *r = k->refs; r && r->field && !why; r++) {
		const rec_field *f = rec_field_find(k, r->field);
		which = r->field;
		if (!f || f->type != RT_TEXT || !r->k)
			why = "is a reference (refs) that is not a text field naming a kind";
	}
	for (const char *const *name = k->unique_fields; name && *name && !why; name++) {
		const rec_field *f = rec_field_find(k, *name);
		which = *name;
		if (!f || (f->type != RT_TEXT && f->type != RT_DATE && f->type != RT_ENUM))
			why = "is a unique field that is not a text, date or enum field";
	}
	for (const char *const *name = k->find_fields; name && *name && !why; name++) {
		const rec_field *f = rec_field_find(k, *name);
		which = *name;
		if (!f || (f->type != RT_TEXT && f->type != RT_LIST))
			why = "is a find field that is not a text or list field";
	}
	if (!why)
		return 0;
	snprintf(err, errlen, "record kind %s: %s %s", k->name, which, why);
	return -1;
}
