/* The read-audit group commit: a queue of waiting submitters and one writer thread. */
#include "audit_queue.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>

/* A submitter's place in the queue. A waiting submitter's ticket lives on its stack until `done`
 * is posted; a ticket with a callback is malloc'd and freed by the writer after the call. */
typedef struct ticket {
	audit_record *recs;
	int n;
	sw_err rc;
	sem_t done; /* one wake-up per ticket: no herd of waiters on a shared condition */
	audit_done_cb cb;
	void *arg;
	struct ticket *next;
} ticket;

struct audit_queue {
	store *st;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits here for tickets */
	ticket *head, *tail;
	int stopping;
};

/* Writes one batch; the records of all its tickets go in one transaction. */
static void write_batch(audit_queue *q, ticket *batch)
{
	sw_err rc;
	int total = 0;
	for (ticket *t = batch; t; t = t->next)
		total += t->n;
	audit_record *all = malloc(sizeof(audit_record) * (size_t)(total ? total : 1));
	int i = 0;
	for (ticket *t = batch; all && t; t = t->next)
		for (int k = 0; k < t->n; k++)
			all[i++] = t->recs[k];
	rc = all ? q->st->ops->audit_append(q->st, all, total) : SW_EDB;
	free(all);
	for (ticket *t = batch; t;) {
		ticket *next = t->next; /* read before the post: t may be gone right after it */
		t->rc = rc;
		if (t->cb) {
			t->cb(t->arg, rc);
			free(t);
		} else {
			sem_post(&t->done);
		}
		t = next;
	}
}

static void *writer(void *arg)
{
	audit_queue *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->head && !q->stopping)
			pthread_cond_wait(&q->work, &q->mu);
		if (!q->head && q->stopping)
			break;
		ticket *batch = q->head;
		q->head = q->tail = NULL;
		pthread_mutex_unlock(&q->mu);
		write_batch(q, batch);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

sw_err audit_queue_start(const char *db_path, audit_queue **out, char *err, size_t errlen)
{
	audit_queue *q = calloc(1, sizeof(*q));
	if (!q)
		return SW_EDB;
	sw_err rc = store_sqlite_open(db_path, &q->st, err, errlen);
	if (rc) {
		free(q);
		return rc;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	if (pthread_create(&q->thread, NULL, writer, q)) {
		q->st->ops->close(q->st);
		free(q);
		return SW_EDB;
	}
	*out = q;
	return SW_OK;
}

static void enqueue(audit_queue *q, ticket *t)
{
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
}

sw_err audit_queue_submit(audit_queue *q, audit_record *recs, int n)
{
	ticket t;
	t.recs = recs;
	t.n = n;
	t.rc = SW_OK;
	t.cb = NULL;
	t.arg = NULL;
	t.next = NULL;
	sem_init(&t.done, 0, 0);
	enqueue(q, &t);
	while (sem_wait(&t.done) != 0)
		; /* EINTR */
	sem_destroy(&t.done);
	return t.rc;
}

sw_err audit_queue_submit_async(audit_queue *q, audit_record *recs, int n, audit_done_cb cb,
                                void *arg)
{
	ticket *t = calloc(1, sizeof *t);
	if (!t)
		return SW_EDB;
	t->recs = recs;
	t->n = n;
	t->cb = cb;
	t->arg = arg;
	enqueue(q, t);
	return SW_OK;
}

void audit_queue_stop(audit_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = 1;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	q->st->ops->close(q->st);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->work);
	free(q);
}
