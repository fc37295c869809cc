/* The h2o engine (libh2o-evloop): a few event-loop threads (--loop-threads) share the listening
 * socket, and each owns the connections it accepted; API requests run on a pool of worker
 * threads (SQLite may block them) and come back to their loop, which sends the response. Quick
 * reads (routes marked QUICK, http_request_quick) run on the loop itself.
 * Read-audit records do not hold a worker: the response waits in memory until the group commit
 * holding them is durable (audit_queue_submit_async).
 *
 * The loops also enforce what a hostile client could otherwise abuse: separate deadlines for a
 * request's head, its body, an idle keep-alive connection and a response the client does not
 * read (see sweep), caps on connections in total and per client address across all loops (503
 * with Retry-After, then close), and a strict reading of the request head (see strict_head) on
 * top of h2o's own parser. */
#define _GNU_SOURCE /* pthread_setname_np */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define MAX_REQ_HEADERS 100    /* h2o's own limit (H2O_MAX_HEADERS) */
#define ADDR_BUCKETS 4096      /* per-address connection counts */
#define REFUSED_LINGER_MS 1000 /* how long a refused connection is drained before closing */
#define JOB_CACHE 256          /* finished jobs kept for reuse, per loop (arenas stay warm) */
#define SWEEP_MS 100           /* how often a loop checks its connections' deadlines */
#define ACCEPT_BURST 8         /* connections a loop accepts at one wake-up (the others share) */

typedef struct loop loop;
typedef struct conn_tag conn_tag;

/* One request on its way through the engine. The loop thread creates it, a worker runs it, the
 * loop sends its response; it is freed (or cached) when h2o disposes of the request. */
typedef struct job {
	h2o_multithread_message_t msg; /* on the loop's queue once the response is ready */
	struct job *next;              /* in the workers' queue, or the cache */
	h2o_req_t *req;                /* the loop thread's only */
	loop *lp;                      /* the loop whose connection it came on */
	conn_tag *tag;                 /* that connection (NULL once it is gone) */
	arena a;
	http_req r;
	const char *body;
	size_t body_len, body_off;
	struct timespec t0;
	int close;               /* answer with Connection: close */
	int running;             /* handed to a worker and not yet back (loop thread's flag) */
	atomic_int holds;        /* the worker's, plus one per audit submission in flight */
	atomic_int audit_failed; /* a commit of this request's read records failed */
} job;

/* A client address and how many connections it has open. */
typedef struct addr_count {
	struct addr_count *next;
	int n;
	char addr[INET6_ADDRSTRLEN];
} addr_count;

/* A connection refused at accept: its 503 is written, then its input drained for a moment so
 * that the client reads the answer instead of a reset. */
typedef struct refused {
	h2o_socket_t *sock;
	loop *lp;
	h2o_timeout_entry_t linger;
	h2o_iovec_t buf;
	char resp[512];
} refused;

/* Where a connection is between two requests (see sweep). */
typedef enum conn_phase {
	PH_NEW,   /* accepted, nothing received yet: the header timeout runs */
	PH_IDLE,  /* a response written, nothing of the next request yet: the idle timeout */
	PH_HEAD,  /* part of a request head received: the header timeout */
	PH_BODY,  /* the head in, the body still arriving: the body timeout */
	PH_RUN,   /* with the request path (worker, audit commit): no client deadline */
	PH_WRITE, /* the response being written: the write timeout, from the last progress */
} conn_phase;

/* Attached to every counted socket (on_close): the caps' counts, and the deadlines. */
struct conn_tag {
	h2o_linklist_t link; /* in its loop's conns (admitted connections only) */
	h2o_socket_t *sock;
	conn_phase phase;
	uint64_t since; /* loop time (ms) the phase's deadline counts from */
	size_t written; /* the socket's bytes_written when the write last progressed */
	int cut;        /* shut down by a deadline, h2o closes it */
	int per_addr;   /* counted in by_addr */
	char addr[INET6_ADDRSTRLEN];
};

/* One event-loop thread and what only it touches. */
struct loop {
	pthread_t thread;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept_ctx;
	h2o_socket_t *listener;
	h2o_multithread_queue_t *queue;
	h2o_multithread_receiver_t done; /* finished jobs come back to the loop here */
	h2o_timeout_t linger;
	h2o_timeout_t sweep_every;
	h2o_timeout_entry_t sweep;
	h2o_linklist_t conns; /* conn_tag.link */
	job *cache;
	int cached;
	int inflight; /* jobs handed to workers and not yet answered */
	int fd;       /* its descriptor of the listening socket */
	int started;  /* its thread runs (loops other than the first, which is the caller's) */
};

static struct {
	const server_cfg *cfg;
	h2o_globalconf_t config;
	volatile sig_atomic_t *stop;
	uint64_t header_ms, body_ms, idle_ms, write_ms; /* the deadlines */
	/* the workers' queue */
	pthread_mutex_t mu;
	pthread_cond_t work;
	job *head, *tail;
	int stopping;
	pthread_t *workers;
	int n_workers;
	loop *loops;
	int n_loops;
	int max_conns;       /* --max-conns, kept within the descriptor limit */
	atomic_int conns;    /* open connections on every loop, refused ones included */
	pthread_mutex_t amu; /* guards by_addr */
	addr_count *by_addr[ADDR_BUCKETS];
} E;

/* ---------------------------------------------------------------- connection caps */

static unsigned addr_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % ADDR_BUCKETS;
}

static addr_count *addr_find(const char *addr, int create)
{
	addr_count **slot = &E.by_addr[addr_hash(addr)];
	for (addr_count *c = *slot; c; c = c->next)
		if (strcmp(c->addr, addr) == 0)
			return c;
	if (!create)
		return NULL;
	addr_count *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	snprintf(c->addr, sizeof c->addr, "%s", addr);
	c->next = *slot;
	*slot = c;
	return c;
}

static void addr_release(const char *addr)
{
	addr_count **slot = &E.by_addr[addr_hash(addr)];
	for (addr_count *c = *slot; c; slot = &c->next, c = c->next) {
		if (strcmp(c->addr, addr) != 0)
			continue;
		if (--c->n == 0) {
			*slot = c->next;
			free(c);
		}
		return;
	}
}

/* The text form of a socket's peer address, as CivetWeb gives it ("127.0.0.1", "::1"). */
static void peer_text(h2o_socket_t *sock, char *out, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = h2o_socket_getpeername(sock, (struct sockaddr *)&ss);
	out[0] = '\0';
	if (len == 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)size);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)size);
}

/* When h2o closes a counted socket, the counts go down. */
static void on_conn_close(void *data)
{
	conn_tag *t = data;
	atomic_fetch_sub(&E.conns, 1);
	if (t->per_addr) {
		pthread_mutex_lock(&E.amu);
		addr_release(t->addr);
		pthread_mutex_unlock(&E.amu);
	}
	if (h2o_linklist_is_linked(&t->link))
		h2o_linklist_unlink(&t->link);
	free(t);
}

static void refused_close(refused *f)
{
	h2o_timeout_unlink(&f->linger);
	h2o_socket_close(f->sock);
	free(f);
}

static void on_linger_timeout(h2o_timeout_entry_t *entry)
{
	refused_close(H2O_STRUCT_FROM_MEMBER(refused, linger, entry));
}

static void on_linger_read(h2o_socket_t *sock, const char *err)
{
	refused *f = sock->data;
	if (err) {
		refused_close(f);
		return;
	}
	h2o_buffer_consume(&sock->input, sock->input->size);
}

static void on_refused_written(h2o_socket_t *sock, const char *err)
{
	refused *f = sock->data;
	if (err) {
		refused_close(f);
		return;
	}
	shutdown(h2o_socket_get_fd(sock), SHUT_WR);
	h2o_socket_read_start(sock, on_linger_read);
	h2o_timeout_link(f->lp->ctx.loop, &f->lp->linger, &f->linger);
}

/* Answers 503 on a connection over a cap, without reading its request. */
static void refuse(loop *lp, h2o_socket_t *sock, const char *why)
{
	const char *body_fmt = "{\"type\":\"/problems/server-busy\",\"title\":\"Too many "
	                       "connections\",\"status\":503,\"detail\":\"%s Try again in a "
	                       "moment.\"}";
	refused *f = calloc(1, sizeof *f);
	if (!f) {
		h2o_socket_close(sock);
		return;
	}
	char body[256];
	int blen = snprintf(body, sizeof body, body_fmt, why);
	f->buf.base = f->resp;
	f->buf.len =
	    (size_t)snprintf(f->resp, sizeof f->resp,
	                     "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
	                     "application/problem+json\r\nContent-Length: %d\r\nRetry-After: "
	                     "1\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n%s",
	                     blen, body);
	f->sock = sock;
	f->lp = lp;
	f->linger.cb = on_linger_timeout;
	sock->data = f;
	h2o_socket_write(sock, &f->buf, 1, on_refused_written);
}

/* Counts the connection against the caps (shared by every loop), then hands it to h2o or
 * refuses it. */
static void admit(loop *lp, h2o_socket_t *sock)
{
	conn_tag *t = calloc(1, sizeof *t);
	if (!t) {
		h2o_socket_close(sock);
		return;
	}
	peer_text(sock, t->addr, sizeof t->addr);
	t->sock = sock;
	sock->on_close.cb = on_conn_close;
	sock->on_close.data = t;
	if (atomic_fetch_add(&E.conns, 1) + 1 > E.max_conns) {
		refuse(lp, sock, "The server has as many connections open as it takes.");
		return;
	}
	/* Behind the trusted proxy every client shares the proxy's address: only the total
	 * applies to it. */
	const char *proxy = E.cfg->trusted_proxy;
	if (!proxy || strcmp(proxy, t->addr) != 0) {
		pthread_mutex_lock(&E.amu);
		addr_count *c = addr_find(t->addr, 1);
		int over = c && ++c->n > E.cfg->max_conns_per_addr;
		t->per_addr = c != NULL;
		pthread_mutex_unlock(&E.amu);
		if (!c) {
			h2o_socket_close(sock);
			return;
		}
		if (over) {
			refuse(lp, sock, "Your address has as many connections open as it may.");
			return;
		}
	}
	int one = 1;
	setsockopt(h2o_socket_get_fd(sock), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	t->phase = PH_NEW;
	t->since = h2o_now(lp->ctx.loop);
	h2o_linklist_insert(&lp->conns, &t->link);
	h2o_accept(&lp->accept_ctx, sock);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	loop *lp = listener->data;
	if (err)
		return;
	/* A burst of new connections is taken in one go, but not all by one loop. */
	for (int i = 0; i < ACCEPT_BURST; i++) {
		h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
		if (!sock)
			return;
		admit(lp, sock);
	}
}

/* ---------------------------------------------------------------- deadlines */

/* Whether the buffered input holds a whole request head (picohttpparser takes LF or CRLF). */
static int head_complete(const h2o_buffer_t *in)
{
	for (size_t i = 1; i < in->size; i++)
		if (in->bytes[i] == '\n' &&
		    (in->bytes[i - 1] == '\n' ||
		     (i >= 2 && in->bytes[i - 1] == '\r' && in->bytes[i - 2] == '\n')))
			return 1;
	return 0;
}

/* Checks every connection of the loop against its phase's deadline. h2o 2.2.5 has one timer
 * for a whole request (head, body and the idle time before it) and none for writing, so the
 * loop keeps its own: the phase moves on from what the connection's input buffer holds (empty:
 * idle; a part of a head; a whole head: its body), and a response counts from its last
 * progress. A connection past its deadline is shut down; h2o then sees the end of its input or
 * a failed write and closes it the ordinary way. */
static void sweep(loop *lp, uint64_t now)
{
	for (h2o_linklist_t *n = lp->conns.next; n != &lp->conns; n = n->next) {
		conn_tag *t = H2O_STRUCT_FROM_MEMBER(conn_tag, link, n);
		if (t->cut || t->phase == PH_RUN)
			continue;
		const h2o_buffer_t *in = t->sock->input;
		uint64_t limit;
		if (t->phase == PH_WRITE) {
			if (t->sock->bytes_written != t->written) {
				t->written = t->sock->bytes_written;
				t->since = now;
			}
			limit = E.write_ms;
		} else if (in->size == 0) {
			limit = t->phase == PH_IDLE ? E.idle_ms : E.header_ms;
		} else {
			if (t->phase == PH_IDLE) { /* the next request has begun */
				t->phase = PH_HEAD;
				t->since = now;
			} else if (t->phase == PH_NEW) {
				t->phase = PH_HEAD; /* counted from the connection's opening */
			}
			if (t->phase == PH_HEAD && head_complete(in)) {
				t->phase = PH_BODY;
				t->since = now;
			}
			limit = t->phase == PH_BODY ? E.body_ms : E.header_ms;
		}
		if (now - t->since >= limit) {
			t->cut = 1;
			shutdown(h2o_socket_get_fd(t->sock), SHUT_RDWR);
		}
	}
}

static void on_sweep(h2o_timeout_entry_t *entry)
{
	loop *lp = H2O_STRUCT_FROM_MEMBER(loop, sweep, entry);
	sweep(lp, h2o_now(lp->ctx.loop));
	h2o_timeout_link(lp->ctx.loop, &lp->sweep_every, &lp->sweep);
}

/* The connection a request came on, as admit tagged it (NULL if h2o does not say). */
static conn_tag *tag_of(h2o_socket_t *sock)
{
	return sock && sock->on_close.cb == on_conn_close ? sock->on_close.data : NULL;
}

/* ---------------------------------------------------------------- strict request heads */

static int token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

/* Checks the raw request head (as received; h2o lower-cased the header names) for what h2o
 * itself lets through: a raw space or control character in the target, anything but one space
 * between the request line's parts, white space before a header's colon or at the start of a
 * line, a Content-Length that is not a plain number or differs from another, and both
 * Content-Length and Transfer-Encoding. Returns NULL, or why the request is refused. */
static const char *strict_head(const char *p, size_t len)
{
	const char *end = p + len;
	const char *eol = memchr(p, '\n', len);
	if (!eol)
		return "The request line is incomplete.";
	const char *q = p;
	while (q < eol && token_char((unsigned char)*q))
		q++;
	if (q == p || q >= eol || *q != ' ')
		return "The request line must be METHOD, one space, the target, one space, the "
		       "version.";
	const char *target = ++q;
	while (q < eol && (unsigned char)*q > 0x20 && *q != 0x7f)
		q++;
	if (q == target || q >= eol || *q != ' ')
		return "The request target may not contain spaces or control characters.";
	q++;
	size_t vlen = (size_t)(eol - q) - (eol > q && eol[-1] == '\r');
	if (vlen != 8 || (memcmp(q, "HTTP/1.1", 8) != 0 && memcmp(q, "HTTP/1.0", 8) != 0))
		return "The request line must end with the HTTP version.";
	const char *cl = NULL;
	size_t cl_len = 0;
	int te = 0;
	for (const char *line = eol + 1; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			return "The request head is incomplete.";
		size_t n = (size_t)(eol - line) - (eol > line && eol[-1] == '\r');
		if (n == 0)
			break;
		const char *colon = line;
		while (colon < line + n && token_char((unsigned char)*colon))
			colon++;
		if (colon == line || colon >= line + n || *colon != ':')
			return "A header's name must be followed directly by a colon (no white "
			       "space "
			       "before it, no folded lines).";
		const char *v = colon + 1, *vend = line + n;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		size_t name_len = (size_t)(colon - line);
		if (name_len == 14 && strncasecmp(line, "content-length", 14) == 0) {
			size_t vl = (size_t)(vend - v);
			if (vl == 0 || vl > 18 || strspn(v, "0123456789") < vl)
				return "The Content-Length must be a number.";
			if (cl && (cl_len != vl || memcmp(cl, v, vl) != 0))
				return "The request has two different Content-Lengths.";
			cl = v;
			cl_len = vl;
		} else if (name_len == 17 && strncasecmp(line, "transfer-encoding", 17) == 0) {
			te = 1;
		}
	}
	if (cl && te)
		return "The request has both Content-Length and Transfer-Encoding.";
	return NULL;
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes the path into the arena as CivetWeb does (an invalid escape stays as it is);
 * NULL when it decodes to a NUL byte, which would otherwise cut the path short. */
static const char *decode_path(arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len + 1), *o = out;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < len && (hi = hex_val(s[i + 1])) >= 0 &&
		    (lo = hex_val(s[i + 2])) >= 0) {
			if (hi == 0 && lo == 0)
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '\0') {
			return NULL;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* ---------------------------------------------------------------- jobs */

static job *job_new(loop *lp)
{
	job *j = lp->cache;
	if (j) {
		lp->cache = j->next;
		lp->cached--;
	} else {
		j = calloc(1, sizeof *j);
		if (!j)
			abort(); /* as the arena does: a server out of memory cannot answer anyway
			          */
		arena_init(&j->a);
	}
	j->next = NULL;
	j->req = NULL;
	j->lp = lp;
	j->tag = NULL;
	j->body = NULL;
	j->body_len = j->body_off = 0;
	j->close = 0;
	atomic_store(&j->holds, 1);
	atomic_store(&j->audit_failed, 0);
	return j;
}

/* Called when h2o disposes of the request (loop thread): the response has been written or the
 * connection is gone, so the job's memory may go. */
static void job_free(job *j)
{
	loop *lp = j->lp;
	http_request_release(&j->r);
	arena_clear(&j->a);
	if (lp->cached < JOB_CACHE) {
		j->next = lp->cache;
		lp->cache = j;
		lp->cached++;
	} else {
		arena_free(&j->a);
		free(j);
	}
}

static void job_dispose(void *p)
{
	job *j = *(job **)p;
	if (j->tag) { /* written, or the connection is going: idle until the next request */
		j->tag->phase = PH_IDLE;
		j->tag->since = h2o_now(j->lp->ctx.loop);
		j->tag = NULL;
	}
	if (j->running)
		j->req =
		    NULL; /* the connection went while a worker has it: freed when it is back */
	else
		job_free(j);
}

static int read_entity(http_req *r, char *buf, size_t n)
{
	job *j = r->engine;
	size_t left = j->body_len - j->body_off;
	if (n > left)
		n = left;
	if (n > (size_t)1 << 30)
		n = (size_t)1 << 30;
	memcpy(buf, j->body + j->body_off, n);
	j->body_off += n;
	return (int)n;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Sends the job's response (loop thread) and writes its log line. */
static void respond(job *j)
{
	static h2o_generator_t generator = {NULL, NULL};
	h2o_req_t *req = j->req;
	http_req *r = &j->r;
	if (atomic_load(&j->audit_failed)) {
		/* As the waiting http_audit_reads would have answered. */
		free(r->res_json);
		r->res_json = NULL;
		if (r->out)
			json_decref(r->out);
		r->out = NULL;
		r->text = NULL;
		r->location = r->etag = r->set_cookie = r->disposition = NULL;
		http_fail(r, SW_EDB, "audit");
		http_request_render(r);
	}
	req->res.status = r->status;
	req->res.reason = http_reason(r->status);
	req->res.content_length = r->res_len;
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, "Content-Type",
	               r->res_type, strlen(r->res_type));
	http_kv h[HTTP_MAX_RES_HEADERS];
	int n = http_response_headers(r, h);
	for (int i = 0; i < n; i++)
		h2o_add_header_by_str(&req->pool, &req->res.headers, h[i].name, strlen(h[i].name),
		                      1, h[i].name, h[i].value, strlen(h[i].value));
	if (j->close)
		req->http1_is_persistent = 0;
	if (j->tag) {
		j->tag->phase = PH_WRITE;
		j->tag->since = h2o_now(j->lp->ctx.loop);
		j->tag->written = j->tag->sock->bytes_written;
	}
	http_request_log(r, ms_since(&j->t0));
	h2o_start_response(req, &generator);
	if (strcmp(r->method, "HEAD") == 0) {
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
	} else {
		h2o_iovec_t body = h2o_iovec_init(r->res_body, r->res_len);
		h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
	}
}

/* ---------------------------------------------------------------- workers */

/* Drops one hold on j; the last one (the worker's, or the last audit commit's) hands the job
 * back to the loop. Any thread. */
static void job_release(job *j)
{
	if (atomic_fetch_sub(&j->holds, 1) == 1)
		h2o_multithread_send_message(&j->lp->done, &j->msg);
}

static void on_audit_done(void *arg, sw_err rc)
{
	job *j = arg;
	if (rc)
		atomic_store(&j->audit_failed, 1);
	job_release(j);
}

/* http_audit_reads on this engine: the records are queued for the group commit and the worker
 * goes on; the response is sent once they are durable (a failed commit turns it into a 500). */
static int audit_later(http_req *r, audit_record *recs, int n)
{
	job *j = r->engine;
	audit_record *copy = arena_alloc(r->a, sizeof *copy * (size_t)n);
	memcpy(copy, recs, sizeof *copy * (size_t)n);
	atomic_fetch_add(&j->holds, 1);
	if (audit_queue_submit_async(r->srv->audit, copy, n, on_audit_done, j) == SW_OK)
		return 0;
	atomic_fetch_sub(&j->holds, 1);
	if (r->out)
		json_decref(r->out);
	r->out = NULL;
	return http_fail(r, SW_EDB, "audit");
}

static void *worker_main(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "sw-worker");
	for (;;) {
		pthread_mutex_lock(&E.mu);
		while (!E.head && !E.stopping)
			pthread_cond_wait(&E.work, &E.mu);
		job *j = E.head;
		if (j) {
			E.head = j->next;
			if (!E.head)
				E.tail = NULL;
		}
		pthread_mutex_unlock(&E.mu);
		if (!j)
			break;
		http_request_run(&j->r);
		job_release(j);
	}
	http_thread_end();
	return NULL;
}

static void to_workers(job *j)
{
	j->running = 1;
	j->lp->inflight++;
	j->next = NULL;
	pthread_mutex_lock(&E.mu);
	if (E.tail)
		E.tail->next = j;
	else
		E.head = j;
	E.tail = j;
	pthread_cond_signal(&E.work);
	pthread_mutex_unlock(&E.mu);
}

/* A quick read run on the loop itself (http_request_quick): no hand-off to a worker and back,
 * no thread woken. Its read-audit records still go to the group commit, and the response waits
 * for them as a worker's would (on_audit_done sends the job back to this loop). One that turns
 * out to need a write (r->again: a session's refresh) goes to the workers, to run from the start.
 */
static void run_here(job *j)
{
	j->running = 1;
	j->lp->inflight++;
	j->r.on_loop = 1;
	http_request_run(&j->r);
	j->r.on_loop = 0;
	if (j->r.again) { /* it needs a write: a worker runs it from the start */
		j->r.again = 0;
		j->lp->inflight--;
		to_workers(j);
		return;
	}
	if (atomic_fetch_sub(&j->holds, 1) != 1)
		return;
	j->lp->inflight--;
	j->running = 0;
	respond(j);
}

/* Jobs back from the workers (loop thread). */
static void on_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
	(void)receiver;
	while (!h2o_linklist_is_empty(messages)) {
		job *j = H2O_STRUCT_FROM_MEMBER(job, msg.link, messages->next);
		h2o_linklist_unlink(&j->msg.link);
		j->lp->inflight--;
		j->running = 0;
		if (j->req)
			respond(j);
		else
			job_free(j);
	}
}

/* ---------------------------------------------------------------- requests */

/* Answers a request the loop refuses itself (400, then close). */
static void refuse_request(job *j, const char *detail)
{
	http_problem(&j->r, 400, "Malformed request", detail);
	j->close = 1;
	http_request_render(&j->r);
	respond(j);
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
	(void)self;
	loop *lp = H2O_STRUCT_FROM_MEMBER(loop, ctx, req->conn->ctx);
	job *j = job_new(lp);
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	j->req = req;
	job **holder = h2o_mem_alloc_shared(&req->pool, sizeof *holder, job_dispose);
	*holder = j;
	arena *a = &j->a;

	h2o_socket_t *sock =
	    req->conn->callbacks->get_socket ? req->conn->callbacks->get_socket(req->conn) : NULL;
	j->tag = tag_of(sock);
	if (j->tag)
		j->tag->phase = PH_RUN;
	char peer[INET6_ADDRSTRLEN] = "";
	if (sock)
		peer_text(sock, peer, sizeof peer);
	const char *method = arena_strndup(a, req->input.method.base, req->input.method.len);
	const char *target = req->input.path.base;
	size_t tlen = req->input.path.len;
	const char *qmark = memchr(target, '?', tlen);
	size_t plen = qmark ? (size_t)(qmark - target) : tlen;
	const char *path = decode_path(a, target, plen);
	const char *query = qmark ? arena_strndup(a, qmark + 1, tlen - plen - 1) : NULL;

	int n = 0;
	http_kv *headers = arena_alloc(a, sizeof *headers * (req->headers.size + 1));
	for (size_t i = 0; i < req->headers.size; i++) {
		const h2o_header_t *h = &req->headers.entries[i];
		headers[n].name =
		    arena_strndup(a, h->orig_name ? h->orig_name : h->name->base, h->name->len);
		headers[n++].value = arena_strndup(a, h->value.base, h->value.len);
	}
	if (req->input.authority.base)
		headers[n++] = (http_kv){
		    "Host", arena_strndup(a, req->input.authority.base, req->input.authority.len)};
	http_request_init(&j->r, a, method, path && *path == '/' ? path : "/", query,
	                  arena_strdup(a, peer), headers, n);
	j->r.engine = j;
	j->r.read = read_entity;
	if (req->entity.base) {
		char *body = arena_alloc(a, req->entity.len + 1);
		memcpy(body, req->entity.base, req->entity.len);
		j->body = body;
		j->body_len = req->entity.len;
		j->r.content_length = (long long)req->entity.len;
	}

	const char *bad = sock && sock->input && req->version < 0x200
	                      ? strict_head(sock->input->bytes, sock->input->size)
	                      : NULL;
	if (bad)
		refuse_request(j, bad);
	else if (!path)
		refuse_request(j, "The path may not contain %00.");
	else if (*path != '/')
		refuse_request(j, "The request target must be a path.");
	else if (strncmp(path, "/api/", 5) != 0) {
		http_request_run(&j->r); /* the embedded UI: no database, answered in the loop */
		respond(j);
	} else {
		j->r.audit_later = audit_later;
		if (http_request_quick(&j->r))
			run_here(j);
		else
			to_workers(j);
	}
	return 0;
}

/* ---------------------------------------------------------------- start and stop */

/* A listening socket for "host:port", "[v6]:port" or "port" (all addresses); -1 when not. */
static int listen_on(const char *listen_addr)
{
	char host[256] = "", port[16] = "";
	const char *colon = strrchr(listen_addr, ':');
	if (listen_addr[0] == '[') {
		const char *close = strchr(listen_addr, ']');
		if (!close || close[1] != ':' || (size_t)(close - listen_addr - 1) >= sizeof host)
			return -1;
		snprintf(host, sizeof host, "%.*s", (int)(close - listen_addr - 1),
		         listen_addr + 1);
		snprintf(port, sizeof port, "%s", close + 2);
	} else if (colon) {
		if ((size_t)(colon - listen_addr) >= sizeof host)
			return -1;
		snprintf(host, sizeof host, "%.*s", (int)(colon - listen_addr), listen_addr);
		snprintf(port, sizeof port, "%s", colon + 1);
	} else {
		snprintf(port, sizeof port, "%s", listen_addr);
	}
	if (!*port || port[strspn(port, "0123456789")])
		return -1;
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(*host ? host : NULL, port, &hints, &res) != 0)
		return -1;
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
	                bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, SOMAXCONN))) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Sets up a loop on its own h2o context; its listener shares the listening socket (lp->fd, which
 * it now owns), so whichever loop is free takes the next connection. */
static void loop_init(loop *lp)
{
	h2o_context_init(&lp->ctx, h2o_evloop_create(), &E.config);
	lp->accept_ctx.ctx = &lp->ctx;
	lp->accept_ctx.hosts = E.config.hosts;
	h2o_linklist_init_anchor(&lp->conns);
	h2o_timeout_init(lp->ctx.loop, &lp->linger, REFUSED_LINGER_MS);
	h2o_timeout_init(lp->ctx.loop, &lp->sweep_every, SWEEP_MS);
	lp->sweep.cb = on_sweep;
	h2o_timeout_link(lp->ctx.loop, &lp->sweep_every, &lp->sweep);
	lp->queue = h2o_multithread_create_queue(lp->ctx.loop);
	h2o_multithread_register_receiver(lp->queue, &lp->done, on_done);
	lp->listener = h2o_evloop_socket_create(lp->ctx.loop, lp->fd, H2O_SOCKET_FLAG_DONT_READ);
	lp->listener->data = lp;
	h2o_socket_read_start(lp->listener, on_accept);
}

/* A loop's whole life, on the one thread that runs it: set up, serve until *stop, then stop
 * accepting, answer what the workers and the audit queue still hold for it, and take down its
 * queue. One thread throughout because h2o recycles socket buffers through per-thread bins
 * (h2o_socket_buffer_prototype is thread-local): a socket made on one thread and read on
 * another (the multithread queue's own socket, set up on the main thread, did) corrupts them. */
static void loop_life(loop *lp)
{
	loop_init(lp);
	while (!*E.stop)
		h2o_evloop_run(lp->ctx.loop, 200);
	h2o_socket_read_stop(lp->listener);
	h2o_socket_close(lp->listener);
	while (lp->inflight > 0)
		h2o_evloop_run(lp->ctx.loop, 50);
	h2o_evloop_run(lp->ctx.loop, 0); /* write what was just answered */
	/* Every job of this loop is back: no worker or audit commit posts to its queue again. */
	h2o_timeout_unlink(&lp->sweep);
	h2o_multithread_unregister_receiver(lp->queue, &lp->done);
	h2o_multithread_destroy_queue(lp->queue);
	while (lp->cache) {
		job *j = lp->cache;
		lp->cache = j->next;
		arena_free(&j->a);
		free(j);
	}
	http_thread_end(); /* the store connection of the quick reads run here */
}

static void *loop_main(void *arg)
{
	loop *lp = arg;
	char name[16];
	snprintf(name, sizeof name, "sw-loop%d", (int)(lp - E.loops));
	pthread_setname_np(pthread_self(), name);
	loop_life(lp);
	return NULL;
}

int http_serve_h2o(const server_cfg *cfg, volatile sig_atomic_t *stop)
{
	int rc = 1;
	E.cfg = cfg;
	E.stop = stop;
	E.header_ms = (uint64_t)cfg->header_timeout_ms;
	E.body_ms = (uint64_t)cfg->body_timeout_ms;
	E.idle_ms = (uint64_t)cfg->idle_timeout_ms;
	E.write_ms = (uint64_t)cfg->write_timeout_ms;
	/* Every connection is a descriptor: allow as many as the hard limit. */
	struct rlimit rl;
	E.max_conns = cfg->max_conns;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		/* Past the limit accept() fails and the listener stays readable: the loops would
		 * spin. Keep the cap below it, with room for the database files and for accepting
		 * a connection only to refuse it. */
		if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)E.max_conns + 128 > rl.rlim_cur) {
			E.max_conns = rl.rlim_cur > 256 ? (int)(rl.rlim_cur - 128) : 128;
			fprintf(stderr,
			        "{\"level\":\"info\",\"what\":\"--max-conns lowered to the "
			        "descriptor limit\",\"max_conns\":%d}\n",
			        E.max_conns);
		}
	}
	int fd = listen_on(cfg->listen);
	if (fd < 0) {
		fprintf(stderr, "schwann: cannot listen on %s (in use, or not an address)\n",
		        cfg->listen);
		return 1;
	}
	h2o_config_init(&E.config);
	E.config.server_name = h2o_iovec_init(H2O_STRLIT("")); /* no Server header */
	/* Bodies a little over the cap still reach the request path, which answers them with a
	 * problem; far larger ones are refused by h2o as they arrive. */
	E.config.max_request_entity_size = cfg->body_max * 4;
	/* h2o's own request timer (idle time, head and body together) only backs up sweep's. */
	E.config.http1.req_timeout = E.idle_ms + E.header_ms + E.body_ms + 1000;
	E.config.http1.upgrade_to_http2 = 0;
	h2o_hostconf_t *host =
	    h2o_config_register_host(&E.config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *pathconf = h2o_config_register_path(host, "/", 0);
	h2o_handler_t *handler = h2o_create_handler(pathconf, sizeof *handler);
	handler->on_req = on_req;

	pthread_mutex_init(&E.mu, NULL);
	pthread_cond_init(&E.work, NULL);
	pthread_mutex_init(&E.amu, NULL);
	E.n_loops = cfg->loop_threads > 0 ? cfg->loop_threads : 1;
	E.loops = calloc((size_t)E.n_loops, sizeof *E.loops);
	E.workers = calloc((size_t)cfg->threads, sizeof *E.workers);
	if (!E.loops || !E.workers) {
		close(fd);
		goto out;
	}
	for (int i = 0; i < cfg->threads; i++)
		if (pthread_create(&E.workers[E.n_workers], NULL, worker_main, NULL) == 0)
			E.n_workers++;
	if (E.n_workers == 0) {
		fputs("schwann: cannot start worker threads\n", stderr);
		close(fd);
		goto out;
	}
	/* Loops other than the first get a descriptor of their own for the listening socket; one
	 * that cannot start leaves the others serving. */
	for (int i = 1; i < E.n_loops; i++) {
		loop *lp = &E.loops[i];
		lp->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		lp->started = lp->fd >= 0 && pthread_create(&lp->thread, NULL, loop_main, lp) == 0;
		if (!lp->started) {
			if (lp->fd >= 0)
				close(lp->fd);
			fprintf(stderr,
			        "{\"level\":\"error\",\"what\":\"cannot start loop "
			        "thread\",\"loop\":%d}\n",
			        i);
		}
	}
	E.loops[0].fd = fd;
	http_listening(cfg);
	rc = 0;
	loop_life(&E.loops[0]); /* until *stop */
	for (int i = 1; i < E.n_loops; i++)
		if (E.loops[i].started)
			pthread_join(E.loops[i].thread, NULL);
	pthread_mutex_lock(&E.mu);
	E.stopping = 1;
	pthread_cond_broadcast(&E.work);
	pthread_mutex_unlock(&E.mu);
	for (int i = 0; i < E.n_workers; i++)
		pthread_join(E.workers[i], NULL);
out:
	free(E.workers);
	free(E.loops);
	return rc;
}
