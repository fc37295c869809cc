/* Group commit for read-audit records. A request that read patient data submits its records and
 * waits (or, on the event loop, is called back); one writer thread takes everything queued, appends
 * it in one transaction, and wakes the submitters. A read's audit record is therefore durable
 * before its response is sent, and many reads share one fsync. The queue owns its thread and its
 * own store connection. */
#ifndef SCHWANN_AUDIT_QUEUE_H
#define SCHWANN_AUDIT_QUEUE_H

#include "store.h"

typedef struct audit_queue audit_queue;

sw_err audit_queue_start(const char *db_path, audit_queue **out, char *err, size_t errlen);
/* Blocks until recs are committed (SW_OK) or the commit failed (SW_EDB). recs must stay valid
 * until it returns; it is safe to call from many threads. */
sw_err audit_queue_submit(audit_queue *q, audit_record *recs, int n);
/* Called on the queue's writer thread once a batch is committed (SW_OK) or failed (SW_EDB); it
 * must be quick and must not submit to the queue itself. */
typedef void (*audit_done_cb)(void *arg, sw_err rc);
/* Queues recs and returns at once, without waiting: cb(arg, rc) says when they are durable (an
 * event loop answers the request then, with no thread asleep per request). recs must stay valid
 * until cb is called. SW_EDB when the ticket could not be allocated (cb is then never called). */
sw_err audit_queue_submit_async(audit_queue *q, audit_record *recs, int n, audit_done_cb cb,
                                void *arg);
/* Commits what is queued, stops the thread, closes the connection. */
void audit_queue_stop(audit_queue *q);

#endif
