/* The server: CivetWeb set-up, the request path (route match, authentication, permission, body,
 * handler, one-write response, log line) and the embedded web UI. */
#include <civetweb.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../core/treatment.h"
#include "../util/embedded.h"
#include "../util/jsonv.h"
#include "../util/strbuf.h"
#include "auth.h"
#include "http.h"

static server_ctx g_srv;
static volatile sig_atomic_t g_stop;

/* One store connection and one arena per worker thread. */
static __thread store *tls_store;
static __thread arena tls_arena;

/* Request ids: a random per-thread prefix and a counter, unique without a syscall per request. */
static __thread uint32_t tls_rid_prefix;
static __thread uint32_t tls_rid_count;

static const char *next_request_id(arena *a)
{
	if (!tls_rid_prefix)
		tls_rid_prefix = randombytes_random() | 1u;
	return arena_printf(a, "%08x%08x", tls_rid_prefix, ++tls_rid_count);
}

static void *on_thread_start(const struct mg_context *ctx, int type)
{
	(void)ctx;
	(void)type;
	arena_init(&tls_arena);
	return NULL;
}

static void on_thread_stop(const struct mg_context *ctx, int type, void *p)
{
	(void)ctx;
	(void)type;
	(void)p;
	if (tls_store)
		tls_store->ops->close(tls_store);
	tls_store = NULL;
	arena_free(&tls_arena);
}

static const char *reason(int status)
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
	default: return status >= 500 ? "Internal Server Error" : "OK";
	}
}

/* Headers and body in one buffer and one write: two writes cost a round of Nagle/ACK delay. */
static void send_response(http_req *r, const char *ctype, const char *body, size_t len)
{
	strbuf b;
	strbuf_init(&b, len + 4096);
	int bad = strbuf_printf(&b,
	                        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	                        "X-Request-Id: %s\r\nX-Content-Type-Options: nosniff\r\n"
	                        "Referrer-Policy: no-referrer\r\nKeep-Alive: timeout=2\r\n",
	                        r->status, reason(r->status), ctype, len, r->request_id);
	if (strncmp(ctype, "text/html", 9) == 0)
		bad |=
		    strbuf_puts(&b, "Content-Security-Policy: default-src 'self'; frame-ancestors "
		                    "'none'; form-action 'self'\r\nCache-Control: no-cache\r\n");
	else if (strncmp(r->path, "/api/", 5) == 0)
		bad |= strbuf_puts(&b, "Cache-Control: no-store\r\n");
	else
		bad |= strbuf_puts(&b, "Cache-Control: no-cache\r\n");
	if (r->location)
		bad |= strbuf_printf(&b, "Location: %s\r\n", r->location);
	if (r->etag)
		bad |= strbuf_printf(&b, "ETag: %s\r\n", r->etag);
	if (r->set_cookie)
		bad |= strbuf_printf(&b, "Set-Cookie: %s\r\n", r->set_cookie);
	if (r->allow)
		bad |= strbuf_printf(&b, "Allow: %s\r\n", r->allow);
	if (r->disposition)
		bad |= strbuf_printf(&b, "Content-Disposition: %s\r\n", r->disposition);
	if (r->retry_after)
		bad |= strbuf_printf(&b, "Retry-After: %d\r\n", r->retry_after);
	bad |= strbuf_append(&b, "\r\n", 2);
	if (strcmp(r->method, "HEAD") != 0)
		bad |= strbuf_append(&b, body, len);
	if (!bad)
		mg_write(r->conn, b.buf, b.len);
	strbuf_free(&b);
}

static void log_request(http_req *r, double ms)
{
	if (g_srv.cfg.quiet)
		return;
	char at[21], line[512];
	instant_now(at);
	int n =
	    snprintf(line, sizeof line,
	             "{\"at\":\"%s\",\"request_id\":\"%s\",\"method\":\"%s\",\"path\":\"%.200s\","
	             "\"status\":%d,\"ms\":%.2f,\"actor\":\"%s\",\"ip\":\"%s\"}\n",
	             at, r->request_id, r->method, r->path, r->status, ms,
	             r->signed_in ? r->who.id : "", r->ip);
	if (n > 0)
		(void)!write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Matches path against pattern segment by segment; {x} takes one segment into params. */
static int match(const char *pattern, const char *path, http_req *r)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			if (n == 0 || np == HTTP_MAX_PARAMS)
				return 0;
			r->params[np++] = arena_strndup(r->a, path, n);
			path += n;
			pattern = strchr(pattern, '}') + 1;
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
static int read_body(http_req *r, long long content_length)
{
	size_t max = g_srv.cfg.body_max;
	if (content_length > (long long)max)
		return http_problem(r, 413, "Request too large",
		                    arena_printf(r->a, "The body may be at most %zu bytes.", max));
	if (!json_media_type(http_header(r, "Content-Type")))
		return http_problem(r, 415, "Send JSON",
		                    "The Content-Type must be application/json.");
	char *buf = arena_alloc(r->a, max + 1);
	size_t len = 0;
	for (;;) {
		int n = mg_read(r->conn, buf + len, max + 1 - len);
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

static int api_dispatch(http_req *r, const struct mg_request_info *ri)
{
	const route *found = NULL;
	int path_matched = 0;
	for (const route *rt = routes; rt->method; rt++) {
		if (!match(rt->pattern, r->path, r))
			continue;
		path_matched = 1;
		if (strcmp(rt->method, r->method) == 0 ||
		    (strcmp(r->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
			found = rt;
			break;
		}
	}
	if (!found && path_matched) {
		const char *allow = "";
		for (const route *rt = routes; rt->method; rt++)
			if (match(rt->pattern, r->path, r))
				allow = arena_printf(
				    r->a, "%s%s%s%s", allow, *allow ? ", " : "", rt->method,
				    strcmp(rt->method, "GET") == 0 ? ", HEAD" : "");
		r->allow = allow;
		return http_problem(r, 405, "Method not allowed",
		                    arena_printf(r->a, "This resource takes %s.", allow));
	}
	if (!found)
		return http_problem(r, 404, "Not found", "No such API endpoint.");
	if (!tls_store) {
		char err[256];
		if (store_sqlite_open(g_srv.cfg.db_path, &tls_store, err, sizeof err)) {
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
	if (found->body && read_body(r, ri->content_length))
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
		send_response(r, "text/plain; charset=utf-8", "Not found\n", 10);
		return;
	}
	r->status = 200;
	send_response(r, mime_type(f->path), (const char *)f->data, f->len);
}

/* The client's address: the peer's, or, when the peer is the trusted proxy, the last address in
 * X-Forwarded-For (the one that proxy appended; anything before it came from the client and
 * proves nothing). An unreadable header leaves the proxy's own address. */
static const char *client_address(http_req *r, const char *peer)
{
	const char *proxy = g_srv.cfg.trusted_proxy;
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

static int on_request(struct mg_connection *conn, void *data)
{
	(void)data;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const struct mg_request_info *ri = mg_get_request_info(conn);
	http_req r;
	memset(&r, 0, sizeof r);
	r.a = &tls_arena;
	r.srv = &g_srv;
	r.conn = conn;
	r.method = ri->request_method;
	r.path = ri->local_uri ? ri->local_uri : "/";
	r.query = ri->query_string;
	r.ip = client_address(&r, ri->remote_addr);
	r.request_id = next_request_id(r.a);
	vctx_init(&r.v, r.a);

	if (strncmp(r.path, "/api/", 5) == 0) {
		if (strlen(r.path) > 512 || (r.query && strlen(r.query) > 2048))
			http_problem(&r, 400, "Request too long",
			             "The path or query string is too long.");
		else
			api_dispatch(&r, ri);
		char *text =
		    r.out ? json_dumps(r.out, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
		const char *ctype =
		    r.status >= 400 ? "application/problem+json" : "application/json";
		if (r.text && !r.out)
			send_response(&r, r.text_type, r.text, r.text_len);
		else if (r.status == 204)
			send_response(&r, ctype, "", 0);
		else
			send_response(&r, ctype, text ? text : "{}", text ? strlen(text) : 2);
		free(text);
	} else {
		serve_static(&r);
	}
	if (r.out)
		json_decref(r.out);
	if (r.body)
		json_decref(r.body);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_request(&r, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	int status = r.status ? r.status : 500;
	arena_clear(&tls_arena);
	return status;
}

/* Loads the outcome profiles while the server starts answering, so that the first report
 * does not wait for the whole cohort (a report that comes first waits for this load). */
static void *warm_outcomes(void *arg)
{
	(void)arg;
	store *st = NULL;
	char err[256];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (store_sqlite_open(g_srv.cfg.db_path, &st, err, sizeof err) == 0) {
		sw_err rc = outcome_cache_refresh(g_srv.outcomes, st);
		st->ops->close(st);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		outcome_cache_stats stats;
		outcome_cache_stats_get(g_srv.outcomes, &stats);
		if (!g_srv.cfg.quiet)
			fprintf(stderr,
			        "{\"level\":\"%s\",\"what\":\"outcome profiles "
			        "loaded\",\"patients\":%d,"
			        "\"bytes\":%zu,\"ms\":%.0f}\n",
			        rc ? "error" : "info", stats.patients, stats.bytes,
			        (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			            (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

int http_serve(const server_cfg *cfg)
{
	g_srv.cfg = *cfg;
	char err[256];
	if (audit_queue_start(cfg->db_path, &g_srv.audit, err, sizeof err)) {
		fprintf(stderr, "schwann: %s\n", err);
		return 1;
	}
	const char *biologics[OV_MAX_VALUES];
	int n_biologics = 0;
	for (int i = 0;
	     cfg->treatment && i < cfg->treatment->n_biologics && n_biologics < OV_MAX_VALUES - 1;
	     i++)
		biologics[n_biologics++] = cfg->treatment->biologics[i].id;
	outcome_scheme scheme;
	outcome_scheme_init(&scheme, biologics, n_biologics, cfg->chronic_months);
	g_srv.outcomes = outcome_cache_new(&scheme);
	if (!g_srv.outcomes) {
		fputs("schwann: out of memory\n", stderr);
		audit_queue_stop(g_srv.audit);
		return 1;
	}
	/* CivetWeb holds a worker thread for as long as a connection stays open, so idle keep-alive
	 * connections (a browser opens six) must be let go soon or they starve everyone else. */
	char threads[16];
	snprintf(threads, sizeof threads, "%d", cfg->threads);
	const char *options[] = {"listening_ports",
	                         cfg->listen,
	                         "num_threads",
	                         threads,
	                         "enable_keep_alive",
	                         "yes",
	                         "tcp_nodelay",
	                         "1",
	                         "request_timeout_ms",
	                         "30000",
	                         "keep_alive_timeout_ms",
	                         "2000",
	                         NULL};
	struct mg_callbacks cb;
	memset(&cb, 0, sizeof cb);
	cb.init_thread = on_thread_start;
	cb.exit_thread = on_thread_stop;
	mg_init_library(0);
	struct mg_context *ctx = mg_start(&cb, NULL, options);
	if (!ctx) {
		fprintf(stderr, "schwann: cannot listen on %s (in use, or not an address)\n",
		        cfg->listen);
		audit_queue_stop(g_srv.audit);
		outcome_cache_free(g_srv.outcomes);
		mg_exit_library();
		return 1;
	}
	mg_set_request_handler(ctx, "/", on_request, NULL);
	pthread_t warm;
	int warming = pthread_create(&warm, NULL, warm_outcomes, NULL) == 0;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr,
	        "{\"level\":\"info\",\"what\":\"listening\",\"listen\":\"%s\",\"db\":\"%s\"}\n",
	        cfg->listen, cfg->db_path);
	while (!g_stop)
		sleep(1);
	mg_stop(ctx);
	if (warming)
		pthread_join(warm, NULL);
	audit_queue_stop(g_srv.audit);
	outcome_cache_free(g_srv.outcomes);
	mg_exit_library();
	return 0;
}
