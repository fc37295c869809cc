/* Group commit for read-audit records. A request that read patient data submits its records and
 * waits; one writer thread takes everything queued, appends it in one transaction, and wakes the
 * submitters. A read's audit record is therefore durable before its response is sent, and many
 * reads share one fsync. The queue owns its thread and its own store connection. */
#ifndef SCHWANN_AUDIT_QUEUE_H
#define SCHWANN_AUDIT_QUEUE_H

#include "store.h"

typedef struct audit_queue audit_queue;

sw_err audit_queue_start(const char *db_path, audit_queue **out, char *err, size_t errlen);
/* Blocks until recs are committed (SW_OK) or the commit failed (SW_EDB). recs must stay valid
 * until it returns; it is safe to call from many threads. */
sw_err audit_queue_submit(audit_queue *q, audit_record *recs, int n);
/* Commits what is queued, stops the thread, closes the connection. */
void audit_queue_stop(audit_queue *q);

#endif
