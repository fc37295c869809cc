/* The request path, the same for every server engine: request id, client address, route match,
 * authentication, permission, body, handler, the response's headers, the log line, and the
 * embedded web UI. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/dates.h"
#include "../util/embedded.h"
#include "../util/jsonv.h"
#include "../util/json_mem.h"
#include "../util/jsonw.h"
#include "auth.h"
#include "engine.h"

server_ctx http_srv;

/* One store connection per thread that runs requests, opened on first use. */
static __thread store *tls_store;

/* Request ids: a random per-thread prefix and a counter, unique without a syscall per request. */
static __thread uint32_t tls_rid_prefix;
static __thread uint32_t tls_rid_count;

static const char *next_request_id(arena *a)
{
	if (!tls_rid_prefix)
		tls_rid_prefix = randombytes_random() | 1u;
	return arena_printf(a, "%08x%08x", tls_rid_prefix, ++tls_rid_count);
}

void http_thread_end(void)
{
	if (tls_store)
		tls_store->ops->close(tls_store);
	tls_store = NULL;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "OK";
	}
}

int http_response_headers(http_req *r, http_kv *out)
{
	int n = 0;
	const char *ctype = r->res_type ? r->res_type : "";
	out[n++] = (http_kv){"X-Request-Id", r->request_id};
	out[n++] = (http_kv){"X-Content-Type-Options", "nosniff"};
	out[n++] = (http_kv){"Referrer-Policy", "no-referrer"};
	/* CivetWeb lets an idle connection go after 2 s; the h2o engine after --idle-timeout. */
	out[n++] = (http_kv){
	    "Keep-Alive", r->srv->cfg.engine == HTTP_ENGINE_H2O
	                      ? arena_printf(r->a, "timeout=%d", r->srv->cfg.idle_timeout_ms / 1000)
	                      : "timeout=2"};
	if (strncmp(ctype, "text/html", 9) == 0) {
		out[n++] =
		    (http_kv){"Content-Security-Policy",
		              "default-src 'self'; frame-ancestors 'none'; form-action 'self'"};
		out[n++] = (http_kv){"Cache-Control", "no-cache"};
	} else if (strncmp(r->path, "/api/", 5) == 0) {
		out[n++] = (http_kv){"Cache-Control", "no-store"};
	} else {
		out[n++] = (http_kv){"Cache-Control", "no-cache"};
	}
	if (r->location)
		out[n++] = (http_kv){"Location", r->location};
	if (r->etag)
		out[n++] = (http_kv){"ETag", r->etag};
	if (r->set_cookie)
		out[n++] = (http_kv){"Set-Cookie", r->set_cookie};
	if (r->allow)
		out[n++] = (http_kv){"Allow", r->allow};
	if (r->disposition)
		out[n++] = (http_kv){"Content-Disposition", r->disposition};
	if (r->retry_after)
		out[n++] = (http_kv){"Retry-After", arena_printf(r->a, "%d", r->retry_after)};
	return n;
}

/* Matches path against pattern segment by segment; {x} takes one segment into params. */
static int match(const char *pattern, const char *path, http_req *r)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			/* A parameter is the rest of the path's segment, less the literal that
			 * follows it in the pattern's segment ("{id}.pdf"). */
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			pattern = strchr(pattern, '}') + 1;
			const char *pend = strchr(pattern, '/');
			size_t lit = pend ? (size_t)(pend - pattern) : strlen(pattern);
			if (n <= lit || np == HTTP_MAX_PARAMS ||
			    memcmp(path + n - lit, pattern, lit) != 0)
				return 0;
			r->params[np++] = arena_strndup(r->a, path, n - lit);
			path += n - lit;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return *pattern == '\0' && *path == '\0';
}

/* 1 when ctype is application/json, in any case, alone or with parameters ("; charset=utf-8");
 * not a longer type that starts the same (application/jsonx, application/json-seq). */
static int json_media_type(const char *ctype)
{
	if (!ctype)
		return 0;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	if (strncasecmp(ctype, "application/json", 16) != 0)
		return 0;
	ctype += 16;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	return *ctype == '\0' || *ctype == ';';
}

/* Reads and parses the JSON body; returns 0 or the error status already set. */
static int read_body(http_req *r)
{
	size_t max = r->srv->cfg.body_max;
	if (r->content_length > (long long)max)
		return http_problem(r, 413, "Request too large",
		                    arena_printf(r->a, "The body may be at most %zu bytes.", max));
	if (!json_media_type(http_header(r, "Content-Type")))
		return http_problem(r, 415, "Send JSON",
		                    "The Content-Type must be application/json.");
	char *buf = arena_alloc(r->a, max + 1);
	size_t len = 0;
	for (;;) {
		int n = r->read ? r->read(r, buf + len, max + 1 - len) : 0;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > max)
			return http_problem(
			    r, 413, "Request too large",
			    arena_printf(r->a, "The body may be at most %zu bytes.", max));
	}
	if (jv_depth_ok(buf, len, 32))
		return http_problem(r, 400, "Malformed JSON",
		                    "The body nests arrays and objects more than 32 deep.");
	json_error_t err;
	json_t *body = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!body)
		return http_problem(r, 400, "Malformed JSON",
		                    arena_printf(r->a, "%s at line %d, column %d.", err.text,
		                                 err.line, err.column));
	if (!json_is_object(body)) {
		json_decref(body);
		return http_problem(r, 400, "Malformed request", "The body must be a JSON object.");
	}
	r->body = body;
	return 0;
}

/* The route for r's method and path (its parameters in r->params), or NULL; *path_matched says
 * whether some route has the path (a 405 rather than a 404). */
static const route *find_route(http_req *r, int *path_matched)
{
	*path_matched = 0;
	for (const route *rt = routes; rt->method; rt++) {
		if (!match(rt->pattern, r->path, r))
			continue;
		*path_matched = 1;
		if (strcmp(rt->method, r->method) == 0 ||
		    (strcmp(r->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0))
			return rt;
	}
	return NULL;
}

int http_request_quick(http_req *r)
{
	int path_matched;
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return 0;
	r->route = find_route(r, &path_matched); /* kept: api_dispatch does not look again */
	return r->route && r->route->quick && r->route->quick(r);
}

int http_quick_always(http_req *r)
{
	(void)r;
	return 1;
}

static int api_dispatch(http_req *r)
{
	int path_matched = 1;
	const route *found = r->route ? r->route : find_route(r, &path_matched);
	if (!found && path_matched) {
		/* Each method once: "/x/{id}.pdf" and "/x/{id}" both match "/x/1.pdf". */
		const char *allow = "", *seen[16];
		int n_seen = 0;
		for (const route *rt = routes; rt->method; rt++) {
			int dup = 0;
			for (int i = 0; i < n_seen && !dup; i++)
				dup = strcmp(seen[i], rt->method) == 0;
			if (dup || n_seen == 16 || !match(rt->pattern, r->path, r))
				continue;
			seen[n_seen++] = rt->method;
			allow =
			    arena_printf(r->a, "%s%s%s%s", allow, *allow ? ", " : "", rt->method,
			                 strcmp(rt->method, "GET") == 0 ? ", HEAD" : "");
		}
		r->allow = allow;
		return http_problem(r, 405, "Method not allowed",
		                    arena_printf(r->a, "This resource takes %s.", allow));
	}
	if (!found)
		return http_problem(r, 404, "Not found", "No such API endpoint.");
	if (!tls_store) {
		char err[256];
		if (store_sqlite_open(r->srv->cfg.db_path, &tls_store, err, sizeof err)) {
			fprintf(stderr, "{\"level\":\"error\",\"what\":\"%s\"}\n", err);
			return http_fail(r, SW_EDB, "database");
		}
	}
	r->st = tls_store;
	/* Public routes ignore credentials, so a stale cookie cannot stand in the way of signing
	 * in again. */
	if (found->permission != PERM_PUBLIC) {
		if (auth_identify(r))
			return r->status;
		if (!r->signed_in)
			return http_problem(r, 401, "Not signed in", "Sign in first.");
		if (!perm_allows(r->role, found->permission))
			return auth_refuse(r, found);
	}
	if (found->body && read_body(r))
		return r->status;
	vctx_init(&r->v, r->a);
	r->kind = found->kind;
	return found->handler(r);
}

static const char *mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".html"))
		return "text/html; charset=utf-8";
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".json"))
		return "application/json";
	return "application/octet-stream";
}

static void serve_static(http_req *r)
{
	const char *want = strcmp(r->path, "/") == 0 ? "index.html" : r->path + 1;
	const embedded_file *f = NULL;
	for (const embedded_file *e = web_files; e->path; e++)
		if (strcmp(e->path, want) == 0)
			f = e;
	/* Paths without a file extension are the UI's own routes: give it the page. */
	if (!f && !strchr(strrchr(r->path, '/'), '.'))
		for (const embedded_file *e = web_files; e->path; e++)
			if (strcmp(e->path, "index.html") == 0)
				f = e;
	if (!f || (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))) {
		r->status = 404;
		r->res_type = "text/plain; charset=utf-8";
		r->res_body = "Not found\n";
		r->res_len = 10;
		return;
	}
	r->status = 200;
	r->res_type = mime_type(f->path);
	r->res_body = (const char *)f->data;
	r->res_len = f->len;
}

/* The client's address: the peer's, or, when the peer is the trusted proxy, the last address in
 * X-Forwarded-For (the one that proxy appended; anything before it came from the client and
 * proves nothing). An unreadable header leaves the proxy's own address. */
static const char *client_address(http_req *r, const char *peer)
{
	const char *proxy = r->srv->cfg.trusted_proxy;
	if (!proxy || strcmp(peer, proxy) != 0)
		return peer;
	const char *xff = http_header(r, "X-Forwarded-For");
	if (!xff || strlen(xff) > 1024)
		return peer;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	size_t n = strspn(last, "0123456789abcdefABCDEF:.");
	if (n == 0 || n > 45 || last[n + strspn(last + n, " \t")] != '\0')
		return peer;
	return arena_strndup(r->a, last, n);
}

void http_request_init(http_req *r, arena *a, const char *method, const char *path,
                       const char *query, const char *peer, const http_kv *headers, int n_headers)
{
	memset(r, 0, sizeof *r);
	r->a = a;
	r->srv = &http_srv;
	r->method = method;
	r->path = path ? path : "/";
	r->query = query;
	r->headers = headers;
	r->n_headers = n_headers;
	r->content_length = -1;
	r->ip = client_address(r, peer);
	r->request_id = next_request_id(r->a);
	vctx_init(&r->v, r->a);
}

static void run(http_req *r)
{
	if (strncmp(r->path, "/api/", 5) != 0) {
		serve_static(r);
		return;
	}
	if (strlen(r->path) > 512 || (r->query && strlen(r->query) > 2048))
		http_problem(r, 400, "Request too long", "The path or query string is too long.");
	else
		api_dispatch(r);
	if (r->again)
		return; /* the engine runs it again on a worker */
	if (r->status == 0)
		http_fail(r, SW_EDB, "response");
	http_request_render(r);
}

void http_request_run(http_req *r)
{
	json_mem_use(r->a); /* the body's tree and the response's come from the request's arena */
	run(r);
	json_mem_use(NULL);
}

void http_request_render(http_req *r)
{
	const char *ctype = r->status >= 400 ? "application/problem+json" : "application/json";
	if (r->text && !r->out) {
		r->res_type = r->text_type;
		r->res_body = r->text;
		r->res_len = r->text_len;
		return;
	}
	r->res_type = ctype;
	if (r->status == 204) {
		r->res_body = "";
		r->res_len = 0;
		return;
	}
	/* jsonw_dumps writes what json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(12)) would,
	 * faster; NULL (a tree it refuses, or no memory) sends "{}" as before. */
	size_t len = 0;
	r->res_json = r->out ? jsonw_dumps(r->out, &len) : NULL;
	r->res_body = r->res_json ? r->res_json : "{}";
	r->res_len = r->res_json ? len : 2;
	/* The tree is freed here, on the thread that built it: the h2o engine sends the response
	 * from its loop thread, which every connection shares. */
	if (r->out)
		json_decref(r->out);
	r->out = NULL;
}

void http_request_log(http_req *r, double ms)
{
	if (!r->srv->cfg.quiet) {
		char at[21], line[512];
		instant_now(at);
		int n = snprintf(
		    line, sizeof line,
		    "{\"at\":\"%s\",\"request_id\":\"%s\",\"method\":\"%s\",\"path\":\"%.200s\","
		    "\"status\":%d,\"ms\":%.2f,\"actor\":\"%s\",\"ip\":\"%s\"}\n",
		    at, r->request_id, r->method, r->path, r->status, ms,
		    r->signed_in ? r->who.id : "", r->ip);
		if (n > 0)
			(void)!write(2, line,
			             (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
}

void http_request_release(http_req *r)
{
	free(r->res_json);
	r->res_json = NULL;
	if (r->out)
		json_decref(r->out);
	r->out = NULL;
	if (r->body)
		json_decref(r->body);
	r->body = NULL;
}

void http_request_finish(http_req *r, double ms)
{
	http_request_log(r, ms);
	http_request_release(r);
}
