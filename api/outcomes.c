/* The outcome reports' shared part (api/outcomes.h): reading the parameters, the tallies, the
 * stratum and the definition, the table of reports, and serving any of them over HTTP (audited,
 * JSON or CSV). The reports themselves are in api/outcome_reports.c. */
#include <stdlib.h>
#include <string.h>

#include "../stats/binom.h"
#include "../util/dates.h"
#include "../util/strbuf.h"
#include "api.h"
#include "outcomes.h"

static int param(report_params *p, const char *name, int dflt, int lo, int hi, const char *what)
{
	const char *v = p->get(p->ctx, name);
	if (!v)
		return dflt;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi) {
		v_add(p->v, name, "%s", what);
		return dflt;
	}
	return (int)n;
}

/* "a, b or c" for variable v. */
static const char *choices(arena *a, const outcome_scheme *s, int v)
{
	const char *out = "";
	for (int i = 0; i < s->n_values[v]; i++)
		out = arena_printf(a, "%s%s%s", out,
		                   i == 0                    ? ""
		                   : i == s->n_values[v] - 1 ? " or "
		                                             : ", ",
		                   s->values[v][i]);
	return out;
}

/* The comma-separated list in text split in place into at most max parts; returns how many. */
static int split(char *text, const char **parts, int max)
{
	int n = 0;
	for (char *p = text; p && n <= max;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (n < max)
			parts[n] = p;
		n++;
		p = comma ? comma + 1 : NULL;
	}
	return n;
}

static void read_filters(report_params *p)
{
	p->filters = "none";
	for (int v = 0; v < OV_COUNT; v++) {
		const char *name = p->scheme->name[v], *given = p->get(p->ctx, name);
		if (!given)
			continue;
		const char *parts[OV_MAX_VALUES];
		int n = split(arena_strdup(p->a, given), parts, OV_MAX_VALUES);
		for (int i = 0; i < n && i < OV_MAX_VALUES; i++) {
			int k = outcome_value(p->scheme, v, parts[i]);
			if (k < 0) {
				v_add(p->v, name, "can be %s (several with commas)",
				      choices(p->a, p->scheme, v));
				break;
			}
			p->q.filter[v] |= 1u << k;
		}
		p->filters = strcmp(p->filters, "none") == 0
		                 ? arena_printf(p->a, "%s=%s", name, given)
		                 : arena_printf(p->a, "%s, %s=%s", p->filters, name, given);
	}
}

static void read_by(report_params *p)
{
	const char *given = p->get(p->ctx, "by");
	if (!given || !*given)
		return;
	const char *parts[3];
	int n = split(arena_strdup(p->a, given), parts, 2);
	const char *names = "";
	for (int v = 0; v < OV_COUNT; v++)
		names = arena_printf(p->a, "%s%s%s", names, v ? ", " : "", p->scheme->name[v]);
	if (n > 2) {
		v_add(p->v, "by", "takes at most two variables, e.g. by=biologic,chronicity");
		return;
	}
	for (int i = 0; i < n; i++) {
		p->q.by[i] = outcome_var(p->scheme, parts[i]);
		if (p->q.by[i] < 0) {
			v_add(p->v, "by", "names one or two of %s, with a comma", names);
			return;
		}
	}
	if (n == 2 && p->q.by[0] == p->q.by[1])
		v_add(p->v, "by", "names the same variable twice");
}

int outcome_parse(report_params *p, const outcome_scheme *s, long today)
{
	p->scheme = s;
	outcome_query_init(&p->q, today);
	int day = param(p, "milestone", 91, 30, 365, "must be 30, 91, 182 or 365 (days)");
	p->q.threshold = param(p, "threshold", 30, 1, 99, "must be a whole percent from 1 to 99");
	p->min_n = param(p, "min_n", 10, 1, 1000, "must be a whole number from 1 to 1000");
	p->q.milestone = -1;
	for (int i = 0; i < OUTCOME_MILESTONES; i++)
		if (outcome_milestone_day[i] == day)
			p->q.milestone = i;
	if (p->q.milestone < 0 && !v_has(p->v, "milestone"))
		v_add(p->v, "milestone", "must be 30, 91, 182 or 365 (days)");
	const char *analysis = p->get(p->ctx, "analysis"), *measure = p->get(p->ctx, "measure");
	const char *format = p->get(p->ctx, "format");
	if (analysis && strcmp(analysis, "primary") && strcmp(analysis, "observed"))
		v_add(p->v, "analysis", "must be primary or observed");
	if (measure && strcmp(measure, "nrs") && strcmp(measure, "pgic"))
		v_add(p->v, "measure",
		      "must be nrs (a fall in pain by the threshold) or pgic "
		      "(much improved or better)");
	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		v_add(p->v, "format", "must be json or csv");
	p->q.primary = !analysis || strcmp(analysis, "primary") == 0;
	p->q.measure = measure && strcmp(measure, "pgic") == 0 ? MEASURE_PGIC : MEASURE_NRS;
	p->csv = format && strcmp(format, "csv") == 0;
	read_filters(p);
	read_by(p);
	return p->v->n;
}

int outcome_tallies(const report_input *in, outcome_tally **rows, int *n_rows)
{
	int n;
	const outcome_profile *profiles = outcome_cache_acquire(in->cache, &n);
	int bad = outcome_responders(in->p->scheme, profiles, n, &in->p->q, in->p->a, rows, n_rows);
	outcome_cache_release(in->cache);
	return bad;
}

json_t *outcome_stratum(const report_params *p, const outcome_tally *t)
{
	json_t *stratum = json_object();
	for (int i = 0; i < 2; i++)
		if (p->q.by[i] >= 0 && t->value[i] >= 0)
			json_object_set_new(
			    stratum, p->scheme->name[p->q.by[i]],
			    json_string(p->scheme->values[p->q.by[i]][t->value[i]]));
	return stratum;
}

json_t *outcome_definition(const report_params *p, const char *report)
{
	char as_of[11];
	date_format(date_from_days(p->q.today), as_of);
	json_t *by = json_array();
	for (int i = 0; i < 2; i++)
		if (p->q.by[i] >= 0)
			json_array_append_new(by, json_string(p->scheme->name[p->q.by[i]]));
	json_t *d =
	    json_pack("{s:s, s:s, s:s, s:o, s:i}", "report", report, "as_of", as_of, "filters",
	              p->filters, "by", by, "chronic_months", p->scheme->chronic_months);
	if (p->q.filter[OV_GROUP] || p->q.by[0] == OV_GROUP || p->q.by[1] == OV_GROUP)
		json_object_set_new(d, "comparator",
		                    json_string("patients with a neuropathy diagnosis and no "
		                                "regenerative injection, day 0 their first clinic "
		                                "NRS: an " COMPARATOR_NOTE));
	else
		json_object_set_new(d, "patients",
		                    json_string("treated: at least one injection "
		                                "not voided; day 0 the first"));
	return d;
}

const outcome_report *outcome_report_find(const char *name)
{
	for (const outcome_report *r = outcome_reports; name && r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

static const char *query_get(void *ctx, const char *name)
{
	return http_query(ctx, name);
}

int outcome_request_params(http_req *r, report_params *p)
{
	memset(p, 0, sizeof *p);
	p->a = r->a;
	p->v = &r->v;
	p->get = query_get;
	p->ctx = r;
	if (outcome_parse(p, outcome_cache_scheme(r->srv->outcomes), date_days(date_today())))
		return http_invalid(r);
	return 0;
}

int outcome_rate(json_t *o, int x, int n, int min_n)
{
	double lo, hi;
	int thin = n < min_n || binom_exact_ci(x, n, 0.95, &lo, &hi);
	json_object_set_new(o, "insufficient", json_boolean(thin));
	json_object_set_new(o, "rate", thin ? json_null() : json_real((double)x / n));
	json_object_set_new(o, "ci_low", thin ? json_null() : json_real(lo));
	json_object_set_new(o, "ci_high", thin ? json_null() : json_real(hi));
	return thin;
}

/* GET /api/v1/outcomes/{report}: the report named by the path's last segment. */
int api_outcomes_report(http_req *r)
{
	const char *slash = strrchr(r->path, '/');
	const outcome_report *rep = outcome_report_find(slash ? slash + 1 : NULL);
	if (!rep)
		return http_problem(r, 404, "No such report",
		                    "There is no outcome report by that name.");
	report_params p;
	if (outcome_request_params(r, &p))
		return r->status;
	sw_err rc = outcome_cache_refresh(r->srv->outcomes, r->st);
	json_t *def = NULL, *rows = NULL, *extra = NULL;
	report_input in = {&p, r->srv->outcomes, r->st};
	if (!rc)
		rc = rep->build(&in, &def, &rows, &extra);
	if (rc)
		return http_fail(r, rc, "outcome");
	audit_record a = http_audit(r, "outcomes.read", "outcomes", rep->name, NULL);
	a.detail = arena_printf(r->a, "filters %s", p.filters);
	if (http_audit_reads(r, &a, 1)) {
		json_decref(def);
		json_decref(rows);
		json_decref(extra);
		return r->status;
	}
	if (p.csv) {
		strbuf b;
		strbuf_init(&b, 16u << 20);
		int bad = outcome_csv(&b, def, rows);
		char *text = bad ? NULL : arena_alloc(r->a, b.len + 1);
		if (text) {
			memcpy(text, b.buf ? b.buf : "", b.len);
			text[b.len] = '\0';
		}
		size_t len = b.len;
		strbuf_free(&b);
		json_decref(def);
		json_decref(rows);
		json_decref(extra);
		if (!text)
			return http_problem(r, 500, "Report too large",
			                    "The CSV could not be written.");
		return http_text(r, 200, "text/csv; charset=utf-8", text, len,
		                 arena_printf(r->a, "%s.csv", rep->name));
	}
	json_t *out = json_pack("{s:o, s:O, s:o}", "definition", def, "as_of",
	                        json_object_get(def, "as_of"), "rows", rows);
	if (extra)
		json_object_update(out, extra);
	json_decref(extra);
	return http_json(r, 200, out);
}
