/* Assessment rules: a known instrument, a real date not in the future, answers that score. */
#include "assessment.h"

#include <stdlib.h>
#include <string.h>

#include "../util/json_mem.h"
#include "../util/jsonv.h"

int performed_at_parse(const char *s, civil_date *d)
{
	if (!s)
		return -1;
	size_t n = strlen(s);
	char date[11];
	if (n != 10 && n != 20)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse(date, d))
		return -1;
	if (n == 10)
		return 0;
	/* THH:MM:SSZ */
	const char *t = s + 10;
	if (t[0] != 'T' || t[3] != ':' || t[6] != ':' || t[9] != 'Z')
		return -1;
	for (int i = 1; i < 9; i++)
		if (i != 3 && i != 6 && (t[i] < '0' || t[i] > '9'))
			return -1;
	int hh = (t[1] - '0') * 10 + (t[2] - '0'), mm = (t[4] - '0') * 10 + (t[5] - '0'),
	    ss = (t[7] - '0') * 10 + (t[8] - '0');
	return hh < 24 && mm < 60 && ss < 60 ? 0 : -1;
}

int assessment_from_json(vctx *v, json_t *body, const instrument_set *set, const char *birth_date,
                         civil_date today, const char *now, assessment *out)
{
	int start = v->n;
	static const char *const fields[] = {"instrument", "performed_at", "answers", NULL};
	jv_no_unknown(v, body, NULL, fields);
	const char *id = jv_string(v, body, NULL, "instrument", 48, JV_REQUIRED, NULL);
	const instrument *in = id ? instr_find(set, id) : NULL;
	if (id && !in)
		v_add(v, "instrument", "is not a known instrument (see GET /api/v1/instruments)");
	const char *at = jv_string(v, body, NULL, "performed_at", 20, JV_REQUIRED, NULL);
	civil_date d, birth;
	if (at && performed_at_parse(at, &d))
		v_add(v, "performed_at",
		      "must be a date YYYY-MM-DD or a UTC time YYYY-MM-DDTHH:MM:SSZ");
	/* An instant against now (both UTC): its UTC date may be the clinic's tomorrow. */
	else if (at && (strlen(at) == 20 ? strcmp(at, now) > 0 : date_cmp(d, today) > 0))
		v_add(v, "performed_at", "cannot be in the future");
	else if (at && birth_date && !date_parse(birth_date, &birth) && date_cmp(d, birth) < 0)
		v_add(v, "performed_at", "cannot be before the patient's birth date (%s)",
		      birth_date);
	else if (at && d.year < 1900)
		v_add(v, "performed_at", "cannot be before 1900");
	json_t *answers = json_object_get(body, "answers");
	if (!answers)
		v_add(v, "answers", "is required");
	else if (!json_is_object(answers))
		v_add(v, "answers", "must be an object of item id to answer");
	if (!in || !json_is_object(answers))
		return v->n - start;
	/* Score even when other fields failed, so every mistake is reported at once. */
	int errors_before = v->n;
	instr_result r;
	if (instr_evaluate(v->a, in, answers, &r, v) || errors_before != start)
		return v->n - start;
	json_t *score = instr_result_json(&r);
	char *answers_text =
	    json_mem_dumps(v->a, answers, JSON_COMPACT | JSON_REAL_PRECISION(12) | JSON_SORT_KEYS);
	char *score_text = json_mem_dumps(v->a, score, JSON_COMPACT | JSON_REAL_PRECISION(12));
	out->instrument_id = in->id;
	out->instrument_version = in->version;
	out->performed_at = at;
	out->answers = answers_text;
	out->score = score_text;
	out->has_total =
	    r.total >= 0 && r.valid[r.total] && in->scores[r.total].method != METHOD_PROFILE;
	out->total = out->has_total ? r.value[r.total] : 0;
	out->status = "final";
	json_decref(score);
	return 0;
}

/* ---- the record kind ---- */

static const char *const assessment_statuses[] = {"final", "voided", NULL};

static const rec_field assessment_fields[] = {
    REC_META_HEAD(assessment),
    {"instrument", "instrument_id", RT_TEXT, RF_REQUIRED, offsetof(assessment, instrument_id), 0,
     64},
    {"instrument_version", NULL, RT_TEXT, RF_REQUIRED, offsetof(assessment, instrument_version), 0,
     32},
    /* A date or an instant: compared as text, "2026-05-01" <= "2026-05-01T10:00:00Z". */
    {"performed_at", NULL, RT_TEXT, RF_REQUIRED, offsetof(assessment, performed_at), 0, 20},
    {"answers", NULL, RT_JSON, RF_REQUIRED, offsetof(assessment, answers)},
    {"score", NULL, RT_JSON, RF_REQUIRED, offsetof(assessment, score)},
    {"total", NULL, RT_REAL, RF_NULLABLE | RF_HIDDEN, offsetof(assessment, total),
     offsetof(assessment, has_total)},
    REC_META_TAIL(assessment, void_reason),
};

static void assessment_parse(vctx *v, json_t *body, void *rec, int partial, const rec_ctx *cx)
{
	(void)partial; /* answers and score are never rewritten, only voided */
	assessment_from_json(v, body, cx->instruments, cx->birth_date, cx->today, cx->now, rec);
}

static const char *assessment_filter(const char *instrument_id, const rec_ctx *cx)
{
	return instr_find(cx->instruments, instrument_id) ? NULL : "is not a known instrument";
}

const rec_kind rk_assessment = {
    .name = "assessment",
    .table = "assessments",
    .label = "assessment",
    .path = "/api/v1/assessments",
    .size = sizeof(assessment),
    .fields = assessment_fields,
    .life = RL_VOID,
    .statuses = assessment_statuses,
    .ended = "voided",
    .list_order = "performed_at, created_at, id",
    .detail_field = "instrument",
    .eq_param = "instrument",
    .eq_field = "instrument",
    .range_field = "performed_at",
    .check_filter = assessment_filter,
    .parse = assessment_parse,
};
