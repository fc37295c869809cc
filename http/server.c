/* http_serve (the set-up both engines share: audit queue, outcome profiles, signals) and the
 * CivetWeb engine (`--engine civetweb`; h2o is the default): a worker thread per connection,
 * each with its own arena and store. */
#include <civetweb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/treatment.h"
#include "../store/wal_checkpointer.h"
#include "../util/strbuf.h"
#include "engine.h"

static volatile sig_atomic_t g_stop;

/* One arena per CivetWeb worker thread. */
static __thread arena tls_arena;

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
	http_thread_end();
	arena_free(&tls_arena);
}

static int read_civetweb(http_req *r, char *buf, size_t n)
{
	return mg_read(r->engine, buf, n);
}

/* Headers and body in one buffer and one write: two writes cost a round of Nagle/ACK delay. */
static void send_response(http_req *r, struct mg_connection *conn)
{
	strbuf b;
	strbuf_init(&b, r->res_len + 4096);
	int bad = strbuf_printf(&b, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n",
	                        r->status, http_reason(r->status), r->res_type, r->res_len);
	http_kv h[HTTP_MAX_RES_HEADERS];
	int n = http_response_headers(r, h);
	for (int i = 0; i < n; i++)
		bad |= strbuf_printf(&b, "%s: %s\r\n", h[i].name, h[i].value);
	bad |= strbuf_append(&b, "\r\n", 2);
	if (strcmp(r->method, "HEAD") != 0)
		bad |= strbuf_append(&b, r->res_body, r->res_len);
	if (!bad)
		mg_write(conn, b.buf, b.len);
	strbuf_free(&b);
}

static int on_request(struct mg_connection *conn, void *data)
{
	(void)data;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const struct mg_request_info *ri = mg_get_request_info(conn);
	http_kv headers[64];
	int n_headers = 0;
	for (int i = 0; i < ri->num_headers && n_headers < 64; i++)
		headers[n_headers++] =
		    (http_kv){ri->http_headers[i].name, ri->http_headers[i].value};
	http_req r;
	http_request_init(&r, &tls_arena, ri->request_method, ri->local_uri, ri->query_string,
	                  ri->remote_addr, headers, n_headers);
	r.content_length = ri->content_length;
	r.read = read_civetweb;
	r.engine = conn;
	http_request_run(&r);
	send_response(&r, conn);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int status = r.status;
	http_request_finish(&r, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	                            (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	arena_clear(&tls_arena);
	return status;
}

int http_serve_civetweb(const server_cfg *cfg, volatile sig_atomic_t *stop)
{
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
		mg_exit_library();
		return 1;
	}
	mg_set_request_handler(ctx, "/", on_request, NULL);
	http_listening(cfg);
	while (!*stop)
		sleep(1);
	mg_stop(ctx);
	mg_exit_library();
	return 0;
}

/* The most patients the list's directory holds in memory (about 600 bytes each: 120 MB); a
 * registry larger than a clinic's is searched in the database. */
#define PATIENT_DIR_MAX 200000

/* One log line for a cache loaded since t0 (or that failed to load). */
static void log_loaded(const char *what, sw_err rc, int patients, size_t bytes,
                       const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms =
	    (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
	if (!http_srv.cfg.quiet)
		fprintf(stderr,
		        "{\"level\":\"%s\",\"what\":\"%s loaded\",\"patients\":%d,\"bytes\":%zu,"
		        "\"ms\":%.0f}\n",
		        rc ? "error" : "info", what, patients, bytes, ms);
}

/* Loads the patient directory and then the outcome profiles while the server starts answering:
 * until the directory is loaded, the patient list searches the database; a report that comes
 * before its profiles waits for them. */
static void *warm_caches(void *arg)
{
	(void)arg;
	store *st = NULL;
	char err[256];
	struct timespec t0;
	if (store_sqlite_open(http_srv.cfg.db_path, &st, err, sizeof err))
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sw_err rc = patient_dir_refresh(http_srv.patients, st);
	patient_dir_stats dir;
	patient_dir_stats_get(http_srv.patients, &dir);
	if (dir.too_many && !http_srv.cfg.quiet)
		fprintf(stderr,
		        "{\"level\":\"info\",\"what\":\"patient directory not kept: more than "
		        "%d patients; the list searches the database\"}\n",
		        PATIENT_DIR_MAX);
	else
		log_loaded("patient directory", rc, dir.patients, dir.bytes, &t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = outcome_cache_refresh(http_srv.outcomes, st);
	st->ops->close(st);
	outcome_cache_stats stats;
	outcome_cache_stats_get(http_srv.outcomes, &stats);
	log_loaded("outcome profiles", rc, stats.patients, stats.bytes, &t0);
	return NULL;
}

static pthread_t g_warm;
static int g_warming;

void http_listening(const server_cfg *cfg)
{
	g_warming = pthread_create(&g_warm, NULL, warm_caches, NULL) == 0;
	fprintf(stderr,
	        "{\"level\":\"info\",\"what\":\"listening\",\"listen\":\"%s\",\"db\":\"%s\"}\n",
	        cfg->listen, cfg->db_path);
}

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

int http_serve(const server_cfg *cfg)
{
	http_srv.cfg = *cfg;
	char err[256];
	wal_checkpointer *wal = NULL;
	if (wal_checkpointer_start(cfg->db_path, &wal, err, sizeof err)) {
		fprintf(stderr, "schwann: %s\n", err);
		return 1;
	}
	if (audit_queue_start(cfg->db_path, &http_srv.audit, err, sizeof err)) {
		fprintf(stderr, "schwann: %s\n", err);
		wal_checkpointer_stop(wal);
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
	http_srv.outcomes = outcome_cache_new(&scheme);
	http_srv.patients = patient_dir_new(PATIENT_DIR_MAX);
	if (!http_srv.outcomes || !http_srv.patients) {
		outcome_cache_free(http_srv.outcomes);
		patient_dir_free(http_srv.patients);
		fputs("schwann: out of memory\n", stderr);
		audit_queue_stop(http_srv.audit);
		wal_checkpointer_stop(wal);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	int rc = cfg->engine == HTTP_ENGINE_H2O ? http_serve_h2o(cfg, &g_stop)
	                                        : http_serve_civetweb(cfg, &g_stop);
	if (g_warming)
		pthread_join(g_warm, NULL);
	g_warming = 0;
	audit_queue_stop(http_srv.audit);
	outcome_cache_free(http_srv.outcomes);
	patient_dir_free(http_srv.patients);
	wal_checkpointer_stop(wal);
	return rc;
}
