/* Neuropathy diagnosis rules: code from the curated list, dates in order, known sites. */
#include "condition.h"

#include <ctype.h>
#include <string.h>

#include "../util/jsonv.h"
#include "neuropathy.h"

const char *const condition_status_names[] = {"active", "resolved", "entered_in_error", NULL};

static const char *const condition_fields[] = {"icd10", "onset_date", "diagnosed_date", "sites",
                                               "notes", "status",     "status_reason",  NULL};

static void read_icd10(vctx *v, json_t *obj, condition *c, int partial)
{
	int present, before = v->n;
	const char *code = jv_string(v, obj, NULL, "icd10", 10, !partial, &present);
	if (!present || v->n != before)
		return;
	if (!code) {
		v_add(v, "icd10", "is required");
		return;
	}
	char up[11];
	size_t i;
	for (i = 0; code[i] && i < 10; i++)
		up[i] = (char)toupper((unsigned char)code[i]);
	up[i] = '\0';
	const icd10_entry *e = icd10_lookup(up);
	if (!e) {
		v_add(v, "icd10",
		      "is not on the list of neuropathy codes (e.g. E11.42, G62.1, G62.0); see "
		      "GET /api/v1/neuropathy-codes");
		return;
	}
	c->icd10 = e->code;
	c->etiology = e->etiology;
}

static void read_sites(vctx *v, json_t *obj, condition *c)
{
	json_t *arr = json_object_get(obj, "sites");
	if (!arr)
		return;
	if (json_is_null(arr)) {
		c->n_sites = 0;
		return;
	}
	if (!json_is_array(arr)) {
		v_add(v, "sites", "must be a list such as [\"foot_left\", \"foot_right\"]");
		return;
	}
	const char *sites[CONDITION_MAX_SITES];
	int n = 0, bad = 0;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it)
	{
		const char *s = json_is_string(it) ? json_string_value(it) : NULL;
		const char *known = NULL;
		for (const char *const *k = site_names; s && *k; k++)
			if (strcmp(*k, s) == 0)
				known = *k;
		const char *path = arena_printf(v->a, "sites[%zu]", i);
		if (!known) {
			v_add(v, path,
			      "must be one of: foot_left, foot_right, leg_left, leg_right, "
			      "hand_left, hand_right, arm_left, arm_right");
			bad = 1;
			continue;
		}
		for (int j = 0; j < n; j++)
			if (sites[j] == known) {
				v_add(v, path, "is listed twice");
				bad = 1;
				known = NULL;
			}
		if (known && n < CONDITION_MAX_SITES)
			sites[n++] = known;
	}
	if (bad)
		return;
	memcpy(c->sites, sites, sizeof(sites[0]) * (size_t)n);
	c->n_sites = n;
}

static void read_dates(vctx *v, json_t *obj, condition *c, const char *birth_date, civil_date today)
{
	int present, before = v->n;
	const char *s = jv_string(v, obj, NULL, "onset_date", 10, JV_OPTIONAL, &present);
	if (present && v->n == before) {
		civil_date d;
		if (s && *s && date_parse_partial(s, &d))
			v_add(v, "onset_date", "must be a real date, YYYY-MM-DD or YYYY-MM");
		else
			c->onset_date = (s && *s) ? s : NULL;
	}
	before = v->n;
	s = jv_string(v, obj, NULL, "diagnosed_date", 10, JV_OPTIONAL, &present);
	if (present && v->n == before) {
		civil_date d;
		if (s && *s && date_parse(s, &d))
			v_add(v, "diagnosed_date", "must be a real date written YYYY-MM-DD");
		else
			c->diagnosed_date = (s && *s) ? s : NULL;
	}
	civil_date onset, diag, birth;
	int has_onset = c->onset_date && !date_parse_partial(c->onset_date, &onset);
	int has_diag = c->diagnosed_date && !date_parse(c->diagnosed_date, &diag);
	if (has_onset && date_cmp(onset, today) > 0)
		v_add(v, "onset_date", "cannot be in the future");
	if (has_diag && date_cmp(diag, today) > 0)
		v_add(v, "diagnosed_date", "cannot be in the future");
	if (has_onset && has_diag && date_cmp(diag, onset) < 0)
		v_add(v, "diagnosed_date", "cannot be before the onset date");
	int has_birth = birth_date && !date_parse(birth_date, &birth);
	if (has_birth && has_onset && date_cmp(onset, birth) < 0)
		v_add(v, "onset_date", "cannot be before the patient's birth date (%s)",
		      birth_date);
	if (has_birth && has_diag && date_cmp(diag, birth) < 0)
		v_add(v, "diagnosed_date", "cannot be before the patient's birth date (%s)",
		      birth_date);
}

int condition_from_json(vctx *v, json_t *obj, condition *c, int partial, const char *birth_date,
                        civil_date today)
{
	int start = v->n;
	jv_no_unknown(v, obj, NULL, condition_fields);
	read_icd10(v, obj, c, partial);
	read_dates(v, obj, c, birth_date, today);
	read_sites(v, obj, c);
	int present, before = v->n;
	const char *s = jv_string(v, obj, NULL, "notes", 2000, JV_OPTIONAL, &present);
	if (present && v->n == before)
		c->notes = s;
	before = v->n;
	s = jv_enum(v, obj, NULL, "status", condition_status_names, JV_OPTIONAL, &present);
	if (present && v->n == before && s)
		c->status = s;
	before = v->n;
	s = jv_string(v, obj, NULL, "status_reason", 500, JV_OPTIONAL, &present);
	if (present && v->n == before)
		c->status_reason = s;
	if (!c->status)
		c->status = "active";
	if (strcmp(c->status, "entered_in_error") == 0 && (!c->status_reason || !*c->status_reason))
		v_add(v, "status_reason",
		      "is required when a diagnosis is marked entered_in_error");
	return v->n - start;
}

int condition_check_birth(vctx *v, const char *birth_date, const condition *c, int n, int may_read)
{
	civil_date birth, d;
	if (!birth_date || date_parse(birth_date, &birth))
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(c[i].status, "entered_in_error") == 0)
			continue;
		const char *when = c[i].onset_date ? c[i].onset_date : c[i].diagnosed_date;
		if (!when || date_parse_partial(when, &d) || date_cmp(birth, d) <= 0)
			continue;
		if (may_read)
			v_add(v, "birth_date",
			      "cannot be after the %s of diagnosis %s (%s); correct that first",
			      c[i].onset_date ? "onset" : "diagnosis date", c[i].icd10, when);
		else
			v_add(v, "birth_date",
			      "cannot be after the onset of one of this patient's diagnoses; ask a "
			      "clinician to check the birth date and the diagnoses");
		return i;
	}
	return -1;
}

/* ---- the record kind ---- */

static const rec_field condition_columns[] = {
    REC_META_HEAD(condition),
    {"icd10", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_REQUIRED, offsetof(condition, icd10), 0,
     10},
    {"etiology", NULL, RT_TEXT, RF_MUTABLE | RF_REQUIRED, offsetof(condition, etiology), 0, 32},
    /* YYYY-MM-DD or YYYY-MM: checked by the parse hook. */
    {"onset_date", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE,
     offsetof(condition, onset_date), 0, 10},
    {"diagnosed_date", NULL, RT_DATE, RF_INPUT | RF_MUTABLE | RF_NULLABLE,
     offsetof(condition, diagnosed_date)},
    {"sites", NULL, RT_LIST, RF_INPUT | RF_MUTABLE, offsetof(condition, sites),
     offsetof(condition, n_sites), CONDITION_MAX_SITES},
    {"notes", NULL, RT_TEXT, RF_INPUT | RF_MUTABLE | RF_NULLABLE | RF_PHI,
     offsetof(condition, notes), 0, 2000},
    REC_META_TAIL(condition, status_reason),
};

static void condition_parse(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	condition_from_json(v, body, rec, partial, cx->birth_date, cx->today);
}

/* The code system, the code's words, and the duration and chronicity as of today. */
static void condition_json(json_t *out, const void *rec, const rec_ctx *cx)
{
	const condition *c = rec;
	civil_date onset;
	int has_onset = c->onset_date && date_parse_partial(c->onset_date, &onset) == 0;
	nerve_duration d =
	    neuropathy_duration(has_onset ? &onset : NULL, cx->today, cx->chronic_months);
	const icd10_entry *e = icd10_lookup(c->icd10);
	json_object_set_new(out, "code_system", json_string("ICD-10-CM"));
	json_object_set_new(out, "description", e ? json_string(e->description) : json_null());
	json_object_set_new(out, "duration_months", d.known ? json_integer(d.months) : json_null());
	json_object_set_new(out, "chronicity", json_string(chronicity_name(d)));
	json_object_set_new(out, "chronic_threshold_months", json_integer(cx->chronic_months));
}

static const char *const condition_unique[] = {"icd10", "onset_date", NULL};

const rec_kind rk_condition = {
    .name = "condition",
    .table = "conditions",
    .label = "diagnosis",
    .path = "/api/v1/conditions",
    .size = sizeof(condition),
    .fields = condition_columns,
    .life = RL_ERROR,
    .statuses = condition_status_names,
    .ended = "entered_in_error",
    .list_order = "created_at, id",
    .parse = condition_parse,
    .to_json = condition_json,
    .unique_fields = condition_unique,
};
