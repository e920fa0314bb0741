/* store_checkpoint.h — the store's write-ahead log copied back into the database on
 * a thread of its own, so that the one writer does not stop to do it.
 *
 * SQLite checkpoints the WAL (copies its pages into the database file and syncs
 * both) inside the commit that takes it past 1,000 pages. For `hhreg serve` under
 * load that commit is taken with the store lock held, and every submission waits
 * behind it: one commit in six took 5-23 ms, and checkpoints were 15 % of the time
 * the writer held the lock (bench-load, 20,000 forms). Started on a store opened for
 * writing, a checkpointer takes that work on its own connection (SQLite's "passive"
 * checkpoint: it never blocks the writer, nor the writer it), each time 1,000 pages
 * it has not copied are in the WAL. Under steady commits the WAL cannot start again
 * from its beginning that way (the writer has always begun its next transaction), so
 * past 8,000 pages (32 MB with 4 KiB pages) the writer checkpoints in its commit, as
 * SQLite does by itself: what is left to copy is then little, and the WAL stays
 * bounded. Stopped, it leaves the writer to SQLite's own checkpoints as before. */
#ifndef HH_STORE_CHECKPOINT_H
#define HH_STORE_CHECKPOINT_H

#include "store.h"

typedef struct hh_checkpointer hh_checkpointer;

/* NULL when its connection or thread cannot be had: the writer then checkpoints in
 * its commits, as without one. */
hh_checkpointer *hh_checkpointer_start(hh_store *writer);
/* Waits for a checkpoint under way, stops the thread; before the writer is closed. */
void hh_checkpointer_stop(hh_checkpointer *c);

#endif
