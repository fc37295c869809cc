/* Response helpers for handlers: JSON, RFC 9457 problems, error mapping, request accessors. */
#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include "../util/dates.h"
#include "../util/tz.h"
#include "http.h"

int http_json(http_req *r, int status, json_t *out)
{
	if (r->out)
		json_decref(r->out);
	r->out = out;
	r->status = status;
	return status;
}

int http_text(http_req *r, int status, const char *type, const char *text, size_t len,
              const char *filename)
{
	if (r->out)
		json_decref(r->out);
	r->out = NULL;
	r->text = text;
	r->text_len = len;
	r->text_type = type;
	if (filename)
		r->disposition = arena_printf(r->a, "attachment; filename=\"%s\"", filename);
	r->status = status;
	return status;
}

static const char *problem_type(int status)
{
	switch (status) {
	case 400: return "malformed-request";
	case 401: return "unauthenticated";
	case 403: return "forbidden";
	case 404: return "not-found";
	case 405: return "method-not-allowed";
	case 409: return "conflict";
	case 412: return "version-conflict";
	case 413: return "too-large";
	case 415: return "unsupported-media-type";
	case 422: return "invalid-fields";
	case 428: return "precondition-required";
	case 429: return "too-many-requests";
	default: return "server-error";
	}
}

int http_problem(http_req *r, int status, const char *title, const char *detail)
{
	json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type",
	                      arena_printf(r->a, "/problems/%s", problem_type(status)), "title",
	                      title, "status", status, "detail", detail ? detail : title,
	                      "request_id", r->request_id ? r->request_id : "");
	return http_json(r, status, p);
}

int http_invalid(http_req *r)
{
	json_t *errors = json_array();
	for (int i = 0; i < r->v.n; i++)
		json_array_append_new(errors, json_pack("{s:s, s:s}", "path", r->v.items[i].path,
		                                        "message", r->v.items[i].message));
	const char *detail =
	    r->v.n == 1 ? arena_printf(r->a, "%s: %s", r->v.items[0].path, r->v.items[0].message)
	                : arena_printf(r->a, "%d fields are invalid", r->v.n);
	http_problem(r, 422, "Some fields are invalid", detail);
	json_object_set_new(r->out, "errors", errors);
	return 422;
}

int http_fail(http_req *r, sw_err rc, const char *what)
{
	switch (rc) {
	case SW_OK: return r->status;
	case SW_EINVAL: return http_invalid(r);
	case SW_ENOTFOUND:
		return http_problem(r, 404, "Not found", arena_printf(r->a, "No such %s.", what));
	case SW_ECONFLICT:
		return http_problem(
		    r, 409, "Conflict",
		    arena_printf(r->a, "This %s conflicts with an existing one.", what));
	case SW_EVERSION:
		return http_problem(r, 412, "Changed by someone else",
		                    arena_printf(r->a,
		                                 "This %s was changed since you loaded it. Reload "
		                                 "it, check the changes, and save again.",
		                                 what));
	case SW_EAUTH: return http_problem(r, 401, "Not signed in", "Sign in first.");
	case SW_EAGAIN:
		r->retry_after = 1;
		return http_problem(r, 503, "Try again", "The server could not do this just now.");
	case SW_EDB:
	case SW_EIO:
	default:
		return http_problem(r, 500, "Server error",
		                    "Something failed on our side; the request id identifies it "
		                    "in the server log.");
	}
}

const char *http_header(http_req *r, const char *name)
{
	for (int i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

const char *http_query(http_req *r, const char *name)
{
	if (!r->query)
		return NULL;
	size_t qlen = strlen(r->query);
	char *buf = arena_alloc(r->a, qlen + 1);
	int n = mg_get_var(r->query, qlen, name, buf, qlen + 1);
	return n >= 0 ? buf : NULL;
}

const char *http_day_bound(http_req *r, const char *name, int end)
{
	const char *s = http_query(r, name);
	civil_date d;
	if (!s)
		return NULL;
	if (date_parse(s, &d) || d.year < 1900) {
		v_add(&r->v, name, "must be a date YYYY-MM-DD");
		return NULL;
	}
	char *out = arena_alloc(r->a, 21);
	instant_format(tz_wall_to_utc(r->srv->cfg.zone, tz_wall(d, end ? 1440 : 0)), out);
	return out;
}

int http_date_range(http_req *r, civil_date *from, civil_date *to, int max_days, const char *hint)
{
	const char *from_s = http_query(r, "from"), *to_s = http_query(r, "to");
	int before = r->v.n, dates = 1;
	if (!from_s || date_parse(from_s, from) || from->year < 1900) {
		v_add(&r->v, "from", "is required: a date YYYY-MM-DD");
		dates = 0;
	}
	if (!to_s || date_parse(to_s, to) || to->year < 1900) {
		v_add(&r->v, "to", "is required: a date YYYY-MM-DD");
		dates = 0;
	}
	if (dates && date_days(*to) < date_days(*from))
		v_add(&r->v, "to", "must not be before from");
	else if (dates && date_days(*to) - date_days(*from) >= max_days)
		v_add(&r->v, "to", "must be at most %d days after from%s", max_days - 1, hint);
	return r->v.n == before ? 0 : -1;
}

int http_limit(http_req *r)
{
	const char *s = http_query(r, "limit");
	if (!s)
		return 50;
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < 1 || v > 500) {
		v_add(&r->v, "limit", "must be a whole number from 1 to 500");
		return 50;
	}
	return (int)v;
}

int http_if_match(http_req *r)
{
	const char *h = http_header(r, "If-Match");
	if (!h)
		return -1;
	/* Exactly one entity tag as this server writes it: "N" (or W/"N"), N a plain number. A
	 * list, a bare number, spaces or a sign inside the quotes, or anything after the tag is
	 * not a version. */
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h++ != '"')
		return -2;
	long v = 0;
	int digits = 0;
	for (; *h >= '0' && *h <= '9'; h++, digits++) {
		if (digits == 10)
			return -2;
		v = v * 10 + (*h - '0');
	}
	if (digits == 0 || h[0] != '"' || h[1] != '\0' || v < 1 || v > 1000000000)
		return -2;
	return (int)v;
}

const char *http_now(http_req *r)
{
	char *at = arena_alloc(r->a, 21);
	instant_now(at);
	return at;
}

int64_t http_now_instant(http_req *r)
{
	(void)r;
	return (int64_t)time(NULL);
}

audit_record http_audit(http_req *r, const char *action, const char *resource_type,
                        const char *resource_id, const char *patient_id)
{
	audit_record a;
	memset(&a, 0, sizeof a);
	a.at = http_now(r);
	a.actor_id = r->signed_in ? r->who.id : NULL;
	a.actor_role = r->signed_in ? r->who.role : NULL;
	a.action = action;
	a.resource_type = resource_type;
	a.resource_id = resource_id;
	a.patient_id = patient_id;
	a.ip = r->ip;
	a.request_id = r->request_id;
	return a;
}

int http_audit_reads(http_req *r, audit_record *recs, int n)
{
	if (n == 0)
		return 0;
	if (r->audit_later)
		return r->audit_later(r, recs, n);
	if (audit_queue_submit(r->srv->audit, recs, n) == SW_OK)
		return 0;
	if (r->out)
		json_decref(r->out);
	r->out = NULL;
	return http_fail(r, SW_EDB, "audit");
}
