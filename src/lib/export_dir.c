/* export_dir.c — see export_dir.h. */
#define _GNU_SOURCE
#include "export_dir.h"
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *hh_export_staging_name(const char *target, long pid)
{
    return hh_xasprintf("%s.hhreg-%ld", target, pid);
}

char *hh_export_tmp_name(const char *target, long pid, const char *unique)
{
    return hh_xasprintf("%s.hhreg-%ld.%s", target, pid, unique);
}

int hh_export_dir_create(const char *target, const char *staging, hh_buf *err)
{
    struct stat st;
    if (lstat(target, &st) == 0) {
        hh_buf_printf(err, hh_tr("%s: already exists; a release is written to a new directory (choose another name, "
                                 "or move the old one away)",
                                 "%s：已存在；每份发布数据都写到一个新目录（请另选名称，或将旧目录移走）"),
                      target);
        return -1;
    }
    if (mkdir(staging, 0700) != 0) {
        hh_buf_printf(err, hh_tr("%s: cannot create the output directory: %s", "%s：无法创建输出目录：%s"), staging,
                      hh_system_reason(errno));
        return -1;
    }
    int fd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        hh_buf_printf(err, hh_tr("%s: cannot open the output directory: %s", "%s：无法打开输出目录：%s"), staging,
                      hh_system_reason(errno));
        rmdir(staging);
    }
    return fd;
}

int hh_export_dir_close_file(FILE *f)
{
    int rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
    int saved = errno;
    if (fclose(f) != 0 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

FILE *hh_export_dir_open_file(int dir_fd, const char *name, hh_buf *err)
{
    if (!name || !*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        strlen(name) > 200) {
        hh_buf_printf(err, hh_tr("'%s' is not a plain file name (no directory, at most 200 bytes)",
                                 "“%s”不是单纯的文件名（不能含目录，最多 200 字节）"),
                      name ? name : "");
        return NULL;
    }
    int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        hh_buf_printf(err, hh_tr("%s: cannot create the file%s: %s", "%s：无法创建文件%s：%s"), name,
                      errno == EEXIST ? hh_tr(" (it was already written)", "（该文件已写过）") : "", hh_system_reason(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

void hh_export_dir_remove(const char *staging)
{
    DIR *d = opendir(staging);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(staging);
}

/* The process that left NAME, when NAME is what an export makes while it runs: the
 * staging directory "TARGET.hhreg-PID" of `target` (a base name), or a temporary
 * file "ANY.hhreg-PID.XXXXXX" (*is_file set); else 0. */
static long left_by(const char *name, const char *target, int *is_file)
{
    const char *mark = NULL;
    for (const char *at = strstr(name, ".hhreg-"); at; at = strstr(at + 1, ".hhreg-"))
        mark = at;
    if (!mark || mark == name || mark[7] < '1' || mark[7] > '9')
        return 0;
    char *end;
    long pid = strtol(mark + 7, &end, 10);
    *is_file = *end == '.';
    if (*is_file)
        return strlen(end + 1) == 6 ? pid : 0;
    return !*end && strlen(target) == (size_t)(mark - name) && strncmp(name, target, strlen(target)) == 0 ? pid : 0;
}

void hh_export_dir_sweep(const char *target)
{
    const char *slash = strrchr(target, '/');
    char *dir = slash ? hh_xstrndup(target, (size_t)(slash - target + (slash == target))) : hh_xstrdup(".");
    const char *base = slash ? slash + 1 : target;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        int is_file = 0;
        long pid = left_by(e->d_name, base, &is_file);
        struct stat st;
        if (pid <= 0 || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != geteuid() ||
            (is_file ? !S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0600
                     : !S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0700) ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char *stale = hh_xasprintf("%s/%s", dir, e->d_name);
        if (is_file)
            unlink(stale);
        else
            hh_export_dir_remove(stale);
        free(stale);
    }
    if (d)
        closedir(d);
    free(dir);
}
