/* store_checkpoint.c — see store_checkpoint.h. The writer's commits report the WAL's
 * length through SQLite's WAL hook (which replaces its automatic checkpoint); once
 * WAL_PAGES_DUE pages are in it that no checkpoint has copied yet, the thread is
 * woken and checkpoints on its own connection. */
#include "store_checkpoint.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "store_internal.h"
#include "util.h"

/* SQLite's own threshold for a checkpoint (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT). */
#define WAL_PAGES_DUE 1000
/* Past this the writer checkpoints in its commit, which copies what the thread has
 * not yet and lets the WAL start again from its beginning (under steady commits it
 * cannot otherwise: the writer has always begun its next transaction before the
 * thread is done), or the thread has fallen far behind. */
#define WAL_PAGES_INLINE 8000

struct hh_checkpointer {
    hh_store *writer;
    sqlite3 *db;            /* the checkpointer's own connection */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool due, stop;
    int copied;             /* the WAL's pages its last checkpoint had copied (under `lock`) */
};

/* SQLite's WAL hook: after each commit of the writer, with the WAL's length in pages.
 * Woken for every commit past WAL_PAGES_DUE, the thread checkpointed back to back,
 * each time with a sync of the WAL and of the database: twice the syncs of SQLite's
 * own checkpoints. It is woken for WAL_PAGES_DUE pages it has not copied. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    hh_checkpointer *c = arg;
    if (pages >= WAL_PAGES_INLINE) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK; /* a checkpoint not done (the thread's under way) is done by the next */
    }
    pthread_mutex_lock(&c->lock);
    if (pages < c->copied) /* the WAL started again from its beginning */
        c->copied = 0;
    if (pages - c->copied >= WAL_PAGES_DUE && !c->due) {
        c->due = true;
        pthread_cond_signal(&c->wake);
    }
    pthread_mutex_unlock(&c->lock);
    return SQLITE_OK;
}

static void *checkpoint_when_due(void *arg)
{
    hh_checkpointer *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (!c->due && !c->stop)
            pthread_cond_wait(&c->wake, &c->lock);
        if (c->stop)
            break;
        pthread_mutex_unlock(&c->lock);
        int in_wal = 0, copied = 0;
        sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE, &in_wal, &copied);
        pthread_mutex_lock(&c->lock);
        c->copied = copied > 0 ? copied : 0;
        c->due = false;
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

hh_checkpointer *hh_checkpointer_start(hh_store *writer)
{
    hh_checkpointer *c = hh_xcalloc(1, sizeof *c);
    c->writer = writer;
    /* synchronous = FULL: the WAL is synced before its pages are copied, the
     * database after (as the writer's own checkpoints do) */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW;
    if (sqlite3_open_v2(hh_store_path(writer), &c->db, flags, NULL) != SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    if (pthread_create(&c->thread, NULL, checkpoint_when_due, c) != 0) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->lock);
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    sqlite3_wal_hook(writer->db, on_commit, c); /* in place of SQLite's automatic checkpoint */
    return c;
}

void hh_checkpointer_stop(hh_checkpointer *c)
{
    if (!c)
        return;
    sqlite3_wal_autocheckpoint(c->writer->db, WAL_PAGES_DUE); /* SQLite's own hook again */
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    sqlite3_close(c->db);
    free(c);
}
