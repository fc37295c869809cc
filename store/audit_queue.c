/* The read-audit group commit: a queue of waiting submitters and one writer thread. */
#include "audit_queue.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct ticket {
	audit_record *recs;
	int n;
	int done;
	sw_err rc;
	struct ticket *next;
} ticket;

struct audit_queue {
	store *st;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits here for tickets */
	pthread_cond_t done; /* submitters wait here for their ticket */
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
	pthread_mutex_lock(&q->mu);
	for (ticket *t = batch; t; t = t->next) {
		t->rc = rc;
		t->done = 1;
	}
	pthread_cond_broadcast(&q->done);
	pthread_mutex_unlock(&q->mu);
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
	pthread_cond_init(&q->done, NULL);
	if (pthread_create(&q->thread, NULL, writer, q)) {
		q->st->ops->close(q->st);
		free(q);
		return SW_EDB;
	}
	*out = q;
	return SW_OK;
}

sw_err audit_queue_submit(audit_queue *q, audit_record *recs, int n)
{
	ticket t = {recs, n, 0, SW_OK, NULL};
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = &t;
	else
		q->head = &t;
	q->tail = &t;
	pthread_cond_signal(&q->work);
	while (!t.done)
		pthread_cond_wait(&q->done, &q->mu);
	pthread_mutex_unlock(&q->mu);
	return t.rc;
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
	pthread_cond_destroy(&q->done);
	free(q);
}
