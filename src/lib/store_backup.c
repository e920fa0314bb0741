/* store_backup.c — `hhreg backup`: a consistent copy of a live store (see
 * store_backup.h). SQLite's online backup copies every page in one step, inside one
 * read transaction, which in WAL mode neither waits for nor stops an import running
 * meanwhile, from a connection that only reads (a read-only store, an older schema
 * version, are copied as they are); the copy is then vacuumed, so no free page
 * travels with it. It is made under a temporary name, checked, synced and renamed
 * into place, never over a file; SIGINT, SIGTERM and SIGHUP wait until the
 * temporary file is removed. */
#define _GNU_SOURCE /* renameat2 */
#include "store_backup.h"

#include <pthread.h>
#include <signal.h>

#include "store_check.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file and the side files SQLite may have left beside it. */
static void remove_temporary(const char *tmp)
{
    const char *suffix[] = { "", "-journal", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char *side = hh_xasprintf("%s%s", tmp, suffix[i]);
        unlink(side);
        free(side);
    }
}

/* The copy at `tmp` is an hhreg store of version `version` that passes SQLite's
 * integrity and foreign-key checks, kept in one file (rollback journal): 0, or -1
 * with `err` saying what is wrong. */
static int check_copy(const char *tmp, int version, hh_buf *err)
{
    sqlite3 *db = NULL;
    int rc = -1;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        hh_buf_printf(err, hh_tr("the copy cannot be opened: %s", "无法打开副本：%s"),
                      db ? sqlite3_errmsg(db) : hh_tr("out of memory", "内存不足"));
        goto out;
    }
    if (hh_store_sql_long(db, "PRAGMA application_id") != HH_STORE_APPLICATION_ID ||
        hh_store_sql_long(db, "PRAGMA user_version") != version) {
        hh_buf_puts(err, hh_tr("the copy is not an hhreg store of the same schema version",
                               "副本不是同一模式版本的 hhreg 存储库"));
        goto out;
    }
    sqlite3_stmt *st;
    const char *checks[] = { "PRAGMA integrity_check", "PRAGMA foreign_key_check" };
    for (int k = 0; k < 2; k++) {
        if (sqlite3_prepare_v2(db, checks[k], -1, &st, NULL) != SQLITE_OK) {
            hh_buf_printf(err, hh_tr("the copy cannot be checked: %s", "无法检查副本：%s"), sqlite3_errmsg(db));
            goto out;
        }
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            const char *text = (const char *)sqlite3_column_text(st, 0);
            if (k == 1 || !text || strcmp(text, "ok") != 0)
                break;
        }
        sqlite3_finalize(st);
        if (step != SQLITE_DONE) {
            hh_buf_puts(err, k == 0 ? hh_tr("the copy fails SQLite's integrity check",
                                            "副本未通过 SQLite 的完整性检查")
                                    : hh_tr("the copy fails SQLite's foreign-key check",
                                            "副本未通过 SQLite 的外键检查"));
            goto out;
        }
    }
    rc = 0;
out:
    sqlite3_close(db);
    return rc;
}

/* Puts `tmp` in place as `target` unless something exists there: renameat2 with
 * RENAME_NOREPLACE, or on a file system without it, link (which never replaces
 * either) and unlink. 0 or -1 with errno. */
static int put_in_place(const char *tmp, const char *target)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    return link(tmp, target);
}

/* fsync of the file at `path`, or of its directory (`dir`): 0 or -1 with errno. */
static int sync_path(const char *path, bool dir)
{
    char *copy = hh_xstrdup(path);
    int fd = open(dir ? dirname(copy) : path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* hhreg's own check of the copy at `tmp`, read-only; its findings go to `problems`
 * and do not stop the backup (a store with problems is copied as it is: that copy
 * is what the office most needs). 0, or -1 with `err` when the check cannot run. */
static int hhreg_check(const char *tmp, const hh_schemaset *set, hh_diags *problems, hh_buf *err)
{
    hh_store *copy = NULL;
    hh_check_report r;
    int rc = hh_store_open_read_only(tmp, &copy, err);
    if (rc == 0)
        rc = hh_store_check(copy, set, problems, &r, err);
    hh_store_close(copy);
    return rc == 0 ? 0 : -1;
}

/* Copies the pages of the store into the empty file `tmp` in one step (one read
 * transaction: one snapshot), then vacuums the copy in its own journal mode. 0, or
 * -1 with `err`. */
static int copy_pages(hh_store *s, const char *target, const char *tmp, hh_buf *err)
{
    sqlite3 *to = NULL;
    int rc = sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK && to)
        rc = sqlite3_extended_errcode(to);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(to, 1);
        sqlite3_backup *b = sqlite3_backup_init(to, "main", s->db, "main");
        if (!b)
            rc = sqlite3_extended_errcode(to);
        else {
            for (int tries = 0; (rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY && tries < 300; tries++)
                sqlite3_sleep(100); /* a writer checkpointing: up to 30 s, as the store waits */
            int finished = sqlite3_backup_finish(b);
            rc = rc == SQLITE_DONE ? finished : rc;
        }
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(to, "PRAGMA journal_mode = DELETE; VACUUM;", NULL, NULL, NULL);
    if (rc == SQLITE_CANTOPEN_SYMLINK)
        hh_buf_printf(err,
                      hh_tr("%s: its path goes through a symbolic link, which a store or backup never does: "
                            "name the directory it points to",
                            "%s：其路径经过符号链接，而存储库和备份的路径从不经过符号链接：请写出链接所指向的目录"),
                      target);
    else if (rc != SQLITE_OK) {
        hh_buf_printf(err, hh_tr("%s: cannot copy the store: %s", "%s：无法复制存储库：%s"), target,
                      to ? sqlite3_errmsg(to) : sqlite3_errstr(rc));
        int sys = to ? sqlite3_system_errno(to) : 0;
        if (sys)
            hh_buf_printf(err, hh_tr(" (%s)", "（%s）"), hh_system_reason(sys));
    }
    sqlite3_close(to);
    return rc == SQLITE_OK ? 0 : -1;
}

/* True when one of `stops` came meanwhile (held back by the mask until the
 * temporary file is gone), with `err` saying so. */
static bool stopped(const sigset_t *stops, const char *target, hh_buf *err)
{
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return false;
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(stops, sig) == 1 && sigismember(&pending, sig) == 1) {
            hh_buf_printf(err, hh_tr("%s: not written: stopped (%s)", "%s：未写出：已被中止（%s）"), target,
                          hh_signal_name(sig));
            return true;
        }
    return false;
}

int hh_store_backup(hh_store *s, const char *target, const hh_schemaset *set, hh_diags *problems, hh_buf *err)
{
    struct stat st;
    if (lstat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
        hh_buf_printf(err,
                      hh_tr("%s is a directory; a backup is a file: name a new file (in that directory, say)",
                            "%s 是目录；备份是一个文件：请指定一个新文件名（例如在该目录中）"),
                      target);
        return -1;
    }
    if (lstat(target, &st) == 0) {
        hh_buf_printf(err,
                      hh_tr("%s already exists; a backup never replaces a file: name a new one",
                            "%s 已存在；备份从不替换已有文件：请另取一个新文件名"),
                      target);
        return -1;
    }
    if (errno != ENOENT) {
        hh_buf_printf(err, "%s: %s", target, hh_system_reason(errno));
        return -1;
    }
    sigset_t stops, before;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stops, &before);
    /* "./" keeps a relative name from being read as a URI by a connection that takes them */
    char *tmp = hh_xasprintf("%s%s.tmp-XXXXXX", target[0] == '/' ? "" : "./", target);
    int fd = mkstemp(tmp); /* 0600, and empty */
    if (fd < 0) {
        hh_buf_printf(err, hh_tr("%s: cannot create the copy beside it: %s", "%s：无法在其旁边创建副本：%s"), target,
                      hh_system_reason(errno));
        free(tmp);
        pthread_sigmask(SIG_SETMASK, &before, NULL);
        return -1;
    }
    close(fd);
    int rc = -1;
    int version = hh_store_schema_version(s);
    if (copy_pages(s, target, tmp, err) != 0 || stopped(&stops, target, err))
        goto out;
    hh_buf why;
    hh_buf_init(&why);
    if (check_copy(tmp, version, &why) != 0 ||
        (version == hh_store_migration_count && hhreg_check(tmp, set, problems, &why) != 0)) {
        hh_buf_printf(err, hh_tr("%s: not written, %s", "%s：未写出，%s"), target, why.data);
        hh_buf_free(&why);
        goto out;
    }
    hh_buf_free(&why);
    if (stopped(&stops, target, err))
        goto out;
    if (sync_path(tmp, false) != 0 || put_in_place(tmp, target) != 0) {
        if (errno == EEXIST)
            hh_buf_printf(err,
                          hh_tr("%s: a file of that name appeared meanwhile; it was left alone",
                                "%s：其间出现了同名文件；该文件未被改动"),
                          target);
        else
            hh_buf_printf(err, "%s: %s", target, hh_system_reason(errno));
        goto out;
    }
    if (version != hh_store_migration_count)
        hh_buf_printf(err,
                      hh_tr("%s: a copy of a store of schema version %d, as it is (this hhreg upgrades it to %d on "
                            "first use); SQLite's checks passed, hhreg check runs on it once upgraded",
                            "%s：模式版本 %d 的存储库的原样副本（本 hhreg 首次使用时将其升级到 %d）；"
                            "已通过 SQLite 的检查，升级后才能对其运行 hhreg check"),
                      target, version, hh_store_migration_count);
    /* the copy is complete and checked; a directory that cannot be opened or synced
     * (write-only drop box, some network file systems) only loses durability */
    if (sync_path(target, true) != 0)
        hh_buf_printf(err,
                      hh_tr("%s%s: written, but its directory cannot be synced (%s): the copy may not survive a "
                            "power cut until the system writes it out",
                            "%s%s：已写出，但无法同步其所在目录（%s）：在系统将其写入磁盘之前断电，副本可能丢失"),
                      err->len ? hh_tr("; ", "；") : "", target, hh_system_reason(errno));
    rc = 0;
out:
    remove_temporary(tmp);
    free(tmp);
    pthread_sigmask(SIG_SETMASK, &before, NULL); /* a stop held back is taken now */
    return rc;
}
