/* hostile.c — a test plugin that attacks hhreg from inside an export (hostile
 * corpus item 32), chosen with --opt act=...:
 *   write-store  opens the store (--opt store=PATH) read-write with SQLite and
 *                tombstones every household and forges an audit row
 *   fork         forks a survivor that waits for the export to end, then rewrites
 *                every file it can write with "TAMPERED"
 *   loop         never returns from the first household
 *   hog          allocates 64 MiB blocks (touching one byte of each) up to 4 GiB
 *   open-store   opens the store file for writing with plain open(2), O_EXCL
 *                without O_CREAT (which Linux ignores for a file that exists)
 *   socket       opens a TCP socket
 *   exec         runs /bin/sh
 * Each reports what it managed with api->error, so a test sees it; where the attack
 * is stopped, the export goes on (or is stopped) as hhreg decides. It writes one
 * line per household otherwise, like good.c. */
#include "hhreg/plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct state {
    const hhreg_host_api *api;
    const char *act, *store;
    int done;
} state;

static state the_state;

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    the_state.api = api;
    the_state.act = api->option(ctx, "act");
    the_state.store = api->option(ctx, "store");
    the_state.done = 0;
    *out = &the_state;
    return api->write_text(ctx, "id,size\n");
}

static int write_store(hhreg_ctx *ctx, state *st)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(st->store ? st->store : "", &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "UPDATE household SET deleted_at = '2026-01-01T00:00:00Z', delete_reason = 'hostile';"
                          "INSERT INTO audit(at, actor, operation, detail) VALUES ('2026-01-01', 'nobody', 'import',"
                          " 'forged');",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        st->api->error(ctx, "could not write the store: %s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    else
        st->api->error(ctx, "wrote the store");
    sqlite3_close(db);
    return -1;
}

/* The survivor: once the export process is gone, overwrite whatever is writable. */
static void rewrite_later(pid_t export_process)
{
    while (getppid() == export_process)
        usleep(50000);
    usleep(300000);
    for (int fd = 3; fd < 256; fd++) {
        int flags = fcntl(fd, F_GETFL);
        if (flags >= 0 && (flags & O_ACCMODE) != O_RDONLY)
            (void)!pwrite(fd, "TAMPERED\n", 9, 0);
    }
    _exit(0);
}

static int attack(hhreg_ctx *ctx, state *st)
{
    const char *act = st->act ? st->act : "";
    if (strcmp(act, "write-store") == 0)
        return write_store(ctx, st);
    if (strcmp(act, "fork") == 0) {
        pid_t self = getpid(), pid = fork();
        if (pid == 0)
            rewrite_later(self);
        if (pid < 0)
            st->api->warning(ctx, "could not fork: %s", strerror(errno));
        return 0;
    }
    if (strcmp(act, "loop") == 0)
        for (volatile unsigned long spin = 0;; spin++)
            ;
    if (strcmp(act, "hog") == 0) {
        static char *blocks[64];
        for (int i = 0; i < 64; i++) {
            blocks[i] = malloc(64u << 20);
            if (!blocks[i]) {
                st->api->error(ctx, "no more memory after %d MiB", i * 64);
                return -1;
            }
            blocks[i][i] = 1;
        }
        st->api->error(ctx, "allocated 4096 MiB");
        return -1;
    }
    if (strcmp(act, "open-store") == 0) {
        static const int ways[] = { O_WRONLY | O_EXCL, O_RDWR | O_EXCL | O_TRUNC, O_RDWR | O_CREAT, O_WRONLY };
        for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
            int fd = open(st->store, ways[i]);
            if (fd >= 0) {
                close(fd);
                st->api->error(ctx, "opened the store for writing (flags %#x)", (unsigned)ways[i]);
                return -1;
            }
        }
        st->api->error(ctx, "could not open the store for writing: %s", strerror(errno));
        return -1;
    }
    if (strcmp(act, "socket") == 0) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        st->api->error(ctx, "socket() returned %d (%s)", fd, fd < 0 ? strerror(errno) : "open");
        return -1;
    }
    if (strcmp(act, "exec") == 0) {
        execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
        st->api->error(ctx, "could not run /bin/sh: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int household(hhreg_ctx *ctx, void *s, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    state *st = s;
    if (!st->done++ && attack(ctx, st) != 0)
        return -1;
    return st->api->writef(ctx, "%s,%d\n", h->id, h->size);
}

static int end(hhreg_ctx *ctx, void *s, int ok)
{
    (void)ctx;
    (void)s;
    (void)ok;
    return 0;
}

static const hhreg_option_spec options[] = {
    { "act", HHREG_OPTION_CHOICE, "none", "the attack", "none,write-store,open-store,fork,loop,hog,socket,exec" },
    { "store", HHREG_OPTION_STRING, NULL, "the store's path, for write-store", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

const hhreg_plugin hhreg_plugin_hostile = {
    HHREG_PLUGIN_HEADER(0),
    .name = "hostile",
    .version = "0.1",
    .summary = "a test plugin that attacks hhreg",
    .options = options,
    .extension = "csv",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML,
};
