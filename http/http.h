/* The HTTP layer's contract with api/ handlers: one http_req per request, allocated from the
 * request's arena. A handler reads the parsed request, calls core and store, and sets the
 * response with one of the http_* helpers, whose return value it returns. */
#ifndef SCHWANN_HTTP_H
#define SCHWANN_HTTP_H

#include <jansson.h>

#include "../core/audit.h"
#include "../core/perm.h"
#include "../store/audit_queue.h"
#include "../store/outcome_cache.h"
#include "../store/patient_dir.h"
#include "../store/store.h"
#include "../util/arena.h"
#include "../util/err.h"
#include "../util/verr.h"

#define HTTP_MAX_PARAMS 4

/* Which HTTP library serves: h2o's event loops (the default) or CivetWeb (a thread per
 * connection, kept as `--engine civetweb`). */
typedef enum http_engine {
	HTTP_ENGINE_CIVETWEB, /* CivetWeb: a worker thread per connection */
	HTTP_ENGINE_H2O,      /* libh2o-evloop: loop threads and a worker pool */
} http_engine;

typedef struct server_cfg {
	const char *db_path;
	const char *listen; /* host:port */
	int threads;        /* worker threads (CivetWeb's, or the h2o engine's pool) */
	int chronic_months; /* onset this many months ago or more is chronic */
	int idle_minutes;   /* session idle expiry */
	size_t body_max;    /* request body cap, bytes */
	int quiet;          /* no request log lines */
	const struct instrument_set *instruments; /* loaded definitions, owned by the caller */
	const struct treatment_set *treatment;    /* biologics and protocols, owned by the caller */
	const char *trusted_proxy; /* the proxy's address: its X-Forwarded-For names the client */
	const tz_zone *zone;       /* the clinic's time zone (--timezone), for the calendars */
	const char *currency;      /* the clinic's ISO 4217 currency (--currency), for billing */
	const char *clinic_name;   /* on the documents patients take home (--clinic-name) */
	http_engine engine;
	int max_conns;          /* h2o engine: open connections at most (beyond: 503) */
	int max_conns_per_addr; /* h2o engine: from one client address at most (beyond: 503) */
	int header_timeout_ms;  /* h2o engine: a request head must arrive within this long of its
	                         * first byte (of the connection's opening, for the first) */
	int body_timeout_ms;    /* h2o engine: its body within this long of the head */
	int idle_timeout_ms;  /* h2o engine: a keep-alive connection closed after this long idle */
	int write_timeout_ms; /* h2o engine: a response that makes no progress this long */
	int loop_threads;     /* h2o engine: event-loop threads */
	int ical_patient_names; /* resource calendar feeds name the patient (--ical-patient-names)
	                         */
} server_cfg;

typedef struct server_ctx {
	server_cfg cfg;
	audit_queue *audit;
	outcome_cache *outcomes; /* the outcome reports' profiles, shared by the threads */
	patient_dir *patients;   /* the patient list's directory, shared by the threads */
} server_ctx;

/* A request header as the engine received it. */
typedef struct http_kv {
	const char *name;
	const char *value;
} http_kv;

typedef struct http_req {
	arena *a;
	const server_ctx *srv;
	store *st;
	const char *method;
	const char *path;
	const char *query;
	const char *params[HTTP_MAX_PARAMS]; /* the {…} segments of the route, in order */
	const rec_kind *kind;                /* the route's kind of record, or NULL */
	json_t *body;                        /* the request's JSON object, or NULL */
	const char *request_id;
	const char *ip;
	int signed_in;
	staff who;
	role role;
	int by_cookie; /* authenticated by session cookie (CSRF applies) */
	vctx v;
	/* response */
	int status;
	json_t *out;
	const char *text; /* a body that is not JSON (CSV), with its type; out is then NULL */
	size_t text_len;
	const char *text_type;
	const char *disposition; /* Content-Disposition, e.g. for a download */
	const char *location;
	const char *etag;
	const char *set_cookie;
	const char *allow; /* for 405: the methods the path takes */
	int retry_after;

	/* Set by the server engine; handlers never touch these. */
	const http_kv *headers; /* the request's headers, n_headers of them */
	int n_headers;
	long long content_length; /* the body's declared length, -1 when not declared */
	/* Reads up to n bytes of the body into buf: the count, 0 at its end, < 0 on error. */
	int (*read)(struct http_req *r, char *buf, size_t n);
	void *engine; /* the engine's own state for this request */
	/* When set, read-audit records are handed to it instead of waiting for their commit: the
	 * engine sends the response only once they are durable (see http_audit_reads). */
	int (*audit_later)(struct http_req *r, audit_record *recs, int n);
	/* on_loop: the request runs on an event loop, where nothing may wait for a write. again:
	 * set (before anything is written or answered) when it turns out to need one, the session's
	 * sliding expiry: http_request_run returns without an answer and the engine runs the
	 * request again, from the start, on a worker. */
	int on_loop, again;
	const struct route *route; /* found by http_request_quick: the run does not look again */
	/* The response as the engine sends it, set by http_request_run. */
	const char *res_type;
	const char *res_body;
	size_t res_len;
	char *res_json; /* the JSON text behind res_body (malloc), freed by http_request_finish */
} http_req;

typedef int (*http_handler)(http_req *r);

typedef struct route {
	const char *method;
	const char *pattern; /* "/api/v1/patients/{id}" */
	http_handler handler;
	perm permission;
	const char *summary;  /* for the OpenAPI document */
	int body;             /* 1 when it takes a JSON body */
	const rec_kind *kind; /* the kind of record a generic handler (api/records.c) serves */
	/* Whether a request may run on the h2o engine's event loop instead of a worker: NULL for
	 * never; QUICK for a read whose work is bounded whatever it asks (one record); or a
	 * predicate that looks at the request (the patient list: its keyset searches only). A
	 * quick route never writes. */
	int (*quick)(struct http_req *r);
} route;

int http_quick_always(struct http_req *r);
#define QUICK http_quick_always

extern const route routes[];

/* Responses. Each returns the status, so a handler ends with `return http_json(r, 200, obj);`. */
int http_json(http_req *r, int status, json_t *out);
int http_problem(http_req *r, int status, const char *title, const char *detail);
/* A body that is not JSON (text in the arena), e.g. text/csv; filename, when given, makes it a
 * download. */
int http_text(http_req *r, int status, const char *type, const char *text, size_t len,
              const char *filename);
/* 422 with every error in r->v. */
int http_invalid(http_req *r);
/* Maps a store error to its response; `what` names the resource for 404s. */
int http_fail(http_req *r, sw_err rc, const char *what);

/* A request header, or NULL. */
const char *http_header(http_req *r, const char *name);
/* A decoded query parameter in the arena, or NULL when absent. */
const char *http_query(http_req *r, const char *name);
/* A date parameter (YYYY-MM-DD) as the UTC instant its day starts in the clinic's zone (end:
 * the next day's start), in the arena; NULL when absent, or wrong with the error recorded. */
const char *http_day_bound(http_req *r, const char *name, int end);
/* The required ?from= and ?to= dates, to not before from and under max_days after it (hint
 * added to that message, or ""); 0, or -1 with the errors recorded. */
int http_date_range(http_req *r, civil_date *from, civil_date *to, int max_days, const char *hint);
/* Parses ?limit= (default 50, 1..500); records a validation error in r->v when bad. */
int http_limit(http_req *r);
/* The version in If-Match ("3" or W/"3"); -1 when absent, -2 when unreadable. */
int http_if_match(http_req *r);

/* The current instant, YYYY-MM-DDTHH:MM:SSZ, in the request's arena. */
const char *http_now(http_req *r);
/* The same instant in seconds since the epoch (UTC), for comparing with appointments' times. */
int64_t http_now_instant(http_req *r);
/* An audit record with who, when, where and the request id filled in. */
audit_record http_audit(http_req *r, const char *action, const char *resource_type,
                        const char *resource_id, const char *patient_id);
/* Makes read records durable before the response (group commit). Returns 0 or a 500. */
int http_audit_reads(http_req *r, audit_record *recs, int n);

/* Starts serving; returns when SIGINT or SIGTERM arrives. */
int http_serve(const server_cfg *cfg);
/* The OpenAPI document built from the route table (caller owns the reference). */
json_t *http_openapi(void);

#endif
