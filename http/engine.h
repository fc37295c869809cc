/* Between the request path (request.c) and the server engines that carry requests to it: CivetWeb
 * (server.c) and h2o's event loop (server_h2o.c). An engine fills an http_req from what it
 * received, calls http_request_run on a thread that may block on SQLite, sends r->res_* with
 * http_response_headers, and ends with http_request_finish. */
#ifndef SCHWANN_ENGINE_H
#define SCHWANN_ENGINE_H

#include <signal.h>

#include "http.h"

/* Headers a response can carry besides Content-Type and Content-Length. */
#define HTTP_MAX_RES_HEADERS 14

/* The server's shared state, set up by http_serve before any engine starts. */
extern server_ctx http_srv;

/* Starts r: arena, method, path (decoded), query (raw), headers (owned by the engine until
 * http_request_finish), the peer's address, the request id and the client's address
 * (--trusted-proxy). The engine sets content_length, read and engine afterwards. */
void http_request_init(http_req *r, arena *a, const char *method, const char *path,
                       const char *query, const char *peer, const http_kv *headers, int n_headers);
/* Runs the request (API: route, authentication, permission, body, handler; else the static UI)
 * and leaves the response in r->status and r->res_*. Uses the calling thread's store. */
void http_request_run(http_req *r);
/* Whether r may run on an event loop thread (which must never wait): a GET or HEAD of a route
 * marked QUICK. If it turns out to need a write (a session's sliding expiry, at most twice a
 * minute), it stops with r->again set and the engine runs it on a worker. */
int http_request_quick(http_req *r);
/* Turns the response a handler (or the engine, with http_problem) set into r->res_*: the JSON
 * text, a text body, or nothing for 204. */
void http_request_render(http_req *r);
/* The headers after Content-Type and Content-Length, in the order they are sent; returns how
 * many (at most HTTP_MAX_RES_HEADERS). Values live in r's arena. */
int http_response_headers(http_req *r, http_kv *out);
/* The status line's reason phrase. */
const char *http_reason(int status);
/* Writes the request's one log line (ms since it began). */
void http_request_log(http_req *r, double ms);
/* Releases the request's JSON (body, response and its text); r->res_body is gone after it. */
void http_request_release(http_req *r);
/* Both: the log line, then the release. */
void http_request_finish(http_req *r, double ms);
/* Closes the calling thread's store connection, if it opened one. */
void http_thread_end(void);

/* Called by an engine once it listens: logs it and starts loading the outcome profiles. */
void http_listening(const server_cfg *cfg);

/* The engines: each serves until *stop is set, then returns 0 (1 when it could not start). */
int http_serve_civetweb(const server_cfg *cfg, volatile sig_atomic_t *stop);
int http_serve_h2o(const server_cfg *cfg, volatile sig_atomic_t *stop);

#endif
