/* Calendar feeds (iCalendar, RFC 5545; core/ical.h) and the tokens that open a resource's feed to
 * a calendar app.
 *
 * - GET /resources/{id}/calendar.ics: the route is public in the table and authorised here: a
 *   live feed token of THAT resource (?token=), or a signed-in caller with calendar.read (and
 *   appointment.read when patients' names are shown). A token that is unknown, revoked or of
 *   another resource is a 404 that does not say which; no token and no sign-in is a 401; a
 *   signed-in role without the permission is the audited 403 of any route.
 * - GET /patients/{id}/calendar.ics: signed-in staff with appointment.read (no tokens).
 * - Feed tokens: made by admins (calendar.admin) for a resource and shown once (only a hash is
 *   kept, as for API tokens), listed without the secret, revoked.
 *
 * Both feeds hold the appointments overlapping 30 days back to 180 days ahead, at most 2,000 (by
 * start). Cancelled appointments and no-shows stay in as STATUS:CANCELLED (so calendar apps
 * remove them) for 30 days after the change, then drop out. A resource feed says "Booked: <type>"
 * and names no patient unless the server runs with --ical-patient-names (then the patient's
 * given and family name). Neither feed carries notes or cancellation reasons. Every fetch is
 * audited: the patient feed with its patient; a resource feed with names once per patient shown,
 * without names once for the resource (who or which token read it). */
#include <string.h>

#include "../core/appt_type.h"
#include "../core/ical.h"
#include "../core/treatment.h"
#include "../http/auth.h"
#include "../util/jsonv.h"
#include "../util/uuid.h"
#include "api.h"

#define FEED_BACK_DAYS 30
#define FEED_AHEAD_DAYS 180
#define FEED_MAX_EVENTS 2000
#define FEED_CANCELLED_DAYS 30 /* a cancellation stays in the feed this long, then drops */
#define FEED_REFRESH_MINUTES 15
#define FEED_UID_DOMAIN "schwann" /* UID: "<appointment id>@schwann", stable across feeds */
#define FEED_TOKEN_PREFIX "swf_"
#define FEED_TOKEN_LEN 47 /* the prefix and 32 random bytes in unpadded base64url */
#define FEED_NAME_MAX 100
#define FEED_REASON_MAX 500

static const char *type_label(http_req *r, const char *type)
{
	const treatment_set *tx = r->srv->cfg.treatment;
	const appt_type *t = tx && tx->appointments ? appt_type_find(tx->appointments, type) : NULL;
	return t && t->label ? t->label : type;
}

static int is_room(const char *kind)
{
	return kind &&
	       (strcmp(kind, "procedure_room") == 0 || strcmp(kind, "ultrasound_room") == 0);
}

/* The resources' names of one sort (rooms, or the others) joined with ", ", or NULL. */
static const char *names_of(http_req *r, const appointment *ap, int rooms)
{
	const char *out = NULL;
	for (int i = 0; i < ap->n_resources; i++)
		if (is_room(ap->resources[i].kind) == rooms && ap->resources[i].name)
			out = out ? arena_printf(r->a, "%s, %s", out, ap->resources[i].name)
			          : ap->resources[i].name;
	return out;
}

static int64_t instant_or(const char *s, int64_t fallback)
{
	int64_t t;
	return s && !instant_parse(s, &t) ? t : fallback;
}

/* Whether ap belongs in a feed made at now: live ones always, a cancellation or no-show for
 * FEED_CANCELLED_DAYS after it was recorded. */
static int in_feed(const appointment *ap, int64_t now)
{
	if (appt_holds_time(ap->status))
		return 1;
	return now - instant_or(ap->updated_at, now) <= (int64_t)FEED_CANCELLED_DAYS * 86400;
}

/* The appointments of q (patient's or resource's) in the feed's window made at now. 0, or the
 * answer given. */
static int window_items(http_req *r, appt_query *q, int64_t now, appointment **items, int *n)
{
	char from[21], to[21];
	instant_format(now - (int64_t)FEED_BACK_DAYS * 86400, from);
	instant_format(now + (int64_t)FEED_AHEAD_DAYS * 86400, to);
	q->from = arena_strdup(r->a, from);
	q->to = arena_strdup(r->a, to);
	q->limit = FEED_MAX_EVENTS;
	sw_err rc = r->st->ops->appt_list(r->st, r->a, q, items, n);
	return rc ? http_fail(r, rc, "appointment") : 0;
}

/* The event of ap; who: the patient's name to show, or NULL. */
static ical_event event_of(http_req *r, const appointment *ap, const char *prefix, const char *who)
{
	int cancelled = !appt_holds_time(ap->status);
	const char *summary =
	    arena_printf(r->a, "%s%s%s%s%s", prefix, type_label(r, ap->type), who ? " - " : "",
	                 who ? who : "", strcmp(ap->status, "no_show") == 0 ? " (no-show)" : "");
	const char *with = names_of(r, ap, 0);
	ical_event e = {arena_printf(r->a, "%s@" FEED_UID_DOMAIN, ap->id),
	                ap->start,
	                ap->end,
	                summary,
	                names_of(r, ap, 1),
	                with ? arena_printf(r->a, "With: %s", with) : NULL,
	                cancelled,
	                ap->version > 0 ? ap->version - 1 : 0,
	                instant_or(ap->created_at, -1),
	                instant_or(ap->updated_at, -1)};
	return e;
}

static int send_calendar(http_req *r, const char *name, int64_t now, const ical_event *ev, int n)
{
	ical_calendar c = {name, now, FEED_REFRESH_MINUTES, ev, n};
	size_t len;
	char *text = ical_write(r->a, &c, &len);
	return http_text(r, 200, "text/calendar; charset=utf-8", text, len, NULL);
}

/* The live feed token that opens resource_id's feed, into out; 0, or the 404 (the same whether
 * the token is malformed, unknown, revoked or another resource's). */
static int token_opens(http_req *r, const char *resource_id, const char *token, feed_token *out)
{
	sw_err rc = SW_ENOTFOUND;
	if (strlen(token) == FEED_TOKEN_LEN &&
	    strncmp(token, FEED_TOKEN_PREFIX, strlen(FEED_TOKEN_PREFIX)) == 0) {
		unsigned char hash[SESSION_TOKEN_BYTES];
		auth_hash_token(token, hash);
		rc = r->st->ops->feed_token_lookup(r->st, r->a, hash, out);
		if (!rc && strcmp(out->resource_id, resource_id) != 0)
			rc = SW_ENOTFOUND;
	}
	if (rc == SW_ENOTFOUND)
		return http_problem(r, 404, "No such calendar feed",
		                    "No calendar feed has this address and token (a token may have "
		                    "been revoked). Ask an administrator for a new feed address.");
	return rc ? http_fail(r, rc, "feed token") : 0;
}

/* Who may read a resource's feed without a token: signed in, with calendar.read, and with
 * appointment.read too when the feed names patients. 0, or the answer given. */
static int signed_in_reader(http_req *r, int names)
{
	if (auth_identify(r))
		return r->status;
	if (!r->signed_in)
		return http_problem(r, 401, "Not signed in",
		                    "Sign in, or use the feed address with its token that an "
		                    "administrator made for this resource.");
	perm need = !perm_allows(r->role, PERM_CALENDAR_READ)        ? PERM_CALENDAR_READ
	            : names && !perm_allows(r->role, PERM_APPT_READ) ? PERM_APPT_READ
	                                                             : PERM_PUBLIC;
	if (need == PERM_PUBLIC)
		return 0;
	route rt = {"GET", "/api/v1/resources/{id}/calendar.ics", api_resource_feed, need, "", 0,
	            NULL};
	return auth_refuse(r, &rt);
}

int api_resource_feed(http_req *r)
{
	const char *id = r->params[0];
	const char *token = http_query(r, "token");
	int names = r->srv->cfg.ical_patient_names;
	feed_token ft = {0};
	if (token ? token_opens(r, id, token, &ft) : signed_in_reader(r, names))
		return r->status;
	resource res;
	sw_err rc = uuid_valid(id) ? r->st->ops->resource_get(r->st, r->a, id, &res) : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "resource");
	int64_t now = http_now_instant(r);
	appt_query q = {.resource_id = res.id};
	appointment *items;
	int n;
	if (window_items(r, &q, now, &items, &n))
		return r->status;
	const char *by =
	    token ? arena_printf(r->a, "feed token %s (%s)", ft.id, ft.name) : "signed in";
	ical_event *ev = arena_alloc(r->a, sizeof(ical_event) * (size_t)(n ? n : 1));
	audit_record *reads = arena_alloc(r->a, sizeof(audit_record) * (size_t)(n + 1));
	const char **shown = arena_alloc(r->a, sizeof(char *) * (size_t)(n ? n : 1));
	const char **shown_name = arena_alloc(r->a, sizeof(char *) * (size_t)(n ? n : 1));
	int n_ev = 0, n_reads = 0;
	for (int i = 0; i < n; i++) {
		if (!in_feed(&items[i], now))
			continue;
		const char *who = NULL;
		for (int k = 0; names && k < n_reads && !who; k++)
			if (strcmp(shown[k], items[i].patient_id) == 0)
				who = shown_name[k];
		if (names && !who) {
			/* The list carries the patient's name (store appt_list). */
			who = arena_printf(r->a, "%s %s", items[i].patient_given,
			                   items[i].patient_family);
			shown[n_reads] = items[i].patient_id;
			shown_name[n_reads] = who;
			reads[n_reads] =
			    http_audit(r, "calendar.feed", "resource", res.id, items[i].patient_id);
			reads[n_reads++].detail = by;
		}
		ev[n_ev++] = event_of(r, &items[i], "Booked: ", who);
	}
	if (!n_reads) {
		reads[n_reads] = http_audit(r, "calendar.feed", "resource", res.id, NULL);
		reads[n_reads++].detail = by;
	}
	if (http_audit_reads(r, reads, n_reads))
		return r->status;
	return send_calendar(r, res.name, now, ev, n_ev);
}

int api_patient_feed(http_req *r)
{
	patient p;
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->patient_get(r->st, r->a, r->params[0], &p)
	                : SW_ENOTFOUND;
	if (rc)
		return http_fail(r, rc, "patient");
	int64_t now = http_now_instant(r);
	appt_query q = {.patient_id = p.id};
	appointment *items;
	int n;
	if (window_items(r, &q, now, &items, &n))
		return r->status;
	ical_event *ev = arena_alloc(r->a, sizeof(ical_event) * (size_t)(n ? n : 1));
	int n_ev = 0;
	for (int i = 0; i < n; i++)
		if (in_feed(&items[i], now))
			ev[n_ev++] = event_of(r, &items[i], "", NULL);
	audit_record a = http_audit(r, "appointment.feed", "patient", p.id, p.id);
	if (http_audit_reads(r, &a, 1))
		return r->status;
	return send_calendar(r,
	                     arena_printf(r->a, "Appointments: %s %s", p.given_name, p.family_name),
	                     now, ev, n_ev);
}

static json_t *feed_token_json(const feed_token *t)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "id", t->id, "resource_id",
	                 t->resource_id, "name", t->name, "created_at", t->created_at, "created_by",
	                 api_str(t->created_by), "revoked_at", api_str(t->revoked_at), "revoked_by",
	                 api_str(t->revoked_by), "active", t->revoked_at == NULL);
}

/* The resource of the route's {id}; 0, or the 404 given. */
static int load_resource(http_req *r, resource *res)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->resource_get(r->st, r->a, r->params[0], res)
	                : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "resource") : 0;
}

int api_feed_token_create(http_req *r)
{
	resource res;
	if (load_resource(r, &res))
		return r->status;
	static const char *const fields[] = {"name", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *name =
	    jv_string(&r->v, r->body, NULL, "name", FEED_NAME_MAX, JV_REQUIRED, NULL);
	if (r->v.n)
		return http_invalid(r);
	unsigned char hash[SESSION_TOKEN_BYTES];
	const char *token = auth_new_token(r->a, FEED_TOKEN_PREFIX, hash);
	char *id = arena_alloc(r->a, UUID_STR_LEN + 1);
	uuid_v7(id);
	feed_token t = {id, res.id, name, http_now(r), r->who.id, NULL, NULL};
	audit_record a = http_audit(r, "feed_token.create", "feed_token", id, NULL);
	a.detail = arena_printf(r->a, "for %s: %s", res.name, name);
	sw_err rc = r->st->ops->feed_token_add(r->st, hash, &t, &a);
	if (rc)
		return http_fail(r, rc, "feed token");
	json_t *out = feed_token_json(&t);
	json_object_set_new(out, "token", json_string(token));
	json_object_set_new(
	    out, "url",
	    json_string(
	        arena_printf(r->a, "/api/v1/resources/%s/calendar.ics?token=%s", res.id, token)));
	r->location = arena_printf(r->a, "/api/v1/feed-tokens/%s", id);
	return http_json(r, 201, out);
}

int api_feed_token_list(http_req *r)
{
	resource res;
	if (load_resource(r, &res))
		return r->status;
	feed_token *items;
	int n;
	sw_err rc = r->st->ops->feed_token_list(r->st, r->a, res.id, &items, &n);
	if (rc)
		return http_fail(r, rc, "feed token");
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, feed_token_json(&items[i]));
	return http_json(r, 200, json_pack("{s:o, s:n}", "items", arr, "next_cursor"));
}

/* The feed token of the route's {id}; 0, or the 404 given. */
static int load_token(http_req *r, feed_token *t)
{
	sw_err rc = uuid_valid(r->params[0])
	                ? r->st->ops->feed_token_get(r->st, r->a, r->params[0], t)
	                : SW_ENOTFOUND;
	return rc ? http_fail(r, rc, "feed token") : 0;
}

int api_feed_token_get(http_req *r)
{
	feed_token t;
	return load_token(r, &t) ? r->status : http_json(r, 200, feed_token_json(&t));
}

int api_feed_token_revoke(http_req *r)
{
	static const char *const fields[] = {"reason", NULL};
	jv_no_unknown(&r->v, r->body, NULL, fields);
	const char *reason = jv_string(&r->v, r->body, NULL, "reason", FEED_REASON_MAX, 0, NULL);
	if (r->v.n)
		return http_invalid(r);
	feed_token t;
	if (load_token(r, &t))
		return r->status;
	if (t.revoked_at)
		return http_problem(
		    r, 409, "Already revoked",
		    arena_printf(r->a, "This feed token was revoked at %s.", t.revoked_at));
	const char *now = http_now(r);
	audit_record a = http_audit(r, "feed_token.revoke", "feed_token", t.id, NULL);
	a.detail = reason ? arena_printf(r->a, "resource %s: %s", t.resource_id, reason)
	                  : arena_printf(r->a, "resource %s", t.resource_id);
	sw_err rc = r->st->ops->feed_token_revoke(r->st, t.id, now, r->who.id, &a);
	if (rc == SW_ENOTFOUND)
		return http_problem(r, 409, "Already revoked",
		                    "This feed token was revoked already.");
	if (rc)
		return http_fail(r, rc, "feed token");
	t.revoked_at = now;
	t.revoked_by = r->who.id;
	return http_json(r, 200, feed_token_json(&t));
}
