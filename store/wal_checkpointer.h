/* Background WAL checkpoints for the server: one thread with its own connection moves the WAL's
 * pages into the database file a few times a second, so that no commit on the request path does
 * it (SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 pages, and every
 * request waiting on that commit waited for the copy and its fsync too). */
#ifndef SCHWANN_WAL_CHECKPOINTER_H
#define SCHWANN_WAL_CHECKPOINTER_H

#include <stddef.h>

#include "store.h"

typedef struct wal_checkpointer wal_checkpointer;

/* Starts the thread. Connections the process opens from then on (store_sqlite_open) leave
 * checkpoints to it. */
sw_err wal_checkpointer_start(const char *db_path, wal_checkpointer **out, char *err,
                              size_t errlen);
/* One last checkpoint, then the thread stops and its connection closes. NULL is ignored. */
void wal_checkpointer_stop(wal_checkpointer *c);

#endif
