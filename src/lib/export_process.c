/* export_process.c — hh_export (see export.h): the plugin runs in a child process,
 * in its own process group, with no descriptor but standard error, the output and
 * the report pipe; this side decides how the output is written from what -o names,
 * ends the child's whole group when it is done or out of time, tells a crash from
 * a failure, records the export in the audit log and only then puts the file in
 * place.
 *
 * The child reports on a pipe: "OK <households> <tombstones> <since> <last change>
 * <plugin version>" when everything
 * it wrote is flushed and synced, or "ERROR <message>". No report, a non-zero exit
 * or a signal means the plugin (or the child with it) died part-way. */
#define _GNU_SOURCE /* O_TMPFILE, pipe2 */
#include "export.h"
#include "diag.h"
#include "export_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPORT_MAX 8192

/* --- the output ------------------------------------------------------------------ */

typedef enum output_kind {
    TO_STDOUT,    /* standard output, written through */
    TO_STREAM,    /* a character device or FIFO, written through: nothing to replace */
    TO_FILE,      /* a new or regular file, replaced only by a finished export */
    TO_DIRECTORY  /* an existing directory: refused by the child, whatever the plugin */
} output_kind;

typedef struct output {
    const char *path;        /* NULL: standard output */
    output_kind kind;
    int fd;                  /* the stream or the file being written, else -1 */
    char *named_tmp;         /* the mkstemp name where O_TMPFILE is not available */
} output;

static const char *output_name(const hh_export_request *rq)
{
    return rq->output && strcmp(rq->output, "-") != 0 ? rq->output : NULL;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash == path ? hh_xstrdup("/") : slash ? hh_xstrndup(path, (size_t)(slash - path)) : hh_xstrdup(".");
}

static int is_stream(mode_t mode)
{
    return S_ISCHR(mode) || S_ISFIFO(mode);
}

/* A character device or FIFO (or a link to one, such as /dev/stdout): opened as it
 * is, never created, truncated or replaced. */
static int open_stream(output *o, hh_export_result *result)
{
    struct stat st;
    o->fd = open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (o->fd < 0)
        return hh_export_fail(result, hh_tr("%s: cannot open the output: %s", "%s：无法打开输出：%s"), o->path,
                              hh_system_reason(errno));
    if (fstat(o->fd, &st) != 0 || !is_stream(st.st_mode)) {
        close(o->fd);
        o->fd = -1;
        return hh_export_fail(result, hh_tr("%s: changed while hhreg opened it; nothing was written",
                                            "%s：在 hhreg 打开它时发生了变化；未写入任何内容"),
                              o->path);
    }
    o->kind = TO_STREAM;
    return 0;
}

/* A new file beside the target: unnamed (O_TMPFILE) where the filesystem can, else
 * TARGET.hhreg-PID.XXXXXX, which the next export to that directory removes should
 * hhreg be killed. */
static int open_file(output *o, hh_export_result *result)
{
    o->kind = TO_FILE;
    char *dir = dir_of(o->path);
    o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    free(dir);
    if (o->fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return hh_export_fail(result, hh_tr("%s: cannot create the output: %s", "%s：无法创建输出：%s"), o->path,
                              hh_system_reason(errno));
    if (o->fd < 0) {
        o->named_tmp = hh_export_tmp_name(o->path, (long)getpid(), "XXXXXX");
        o->fd = mkostemp(o->named_tmp, O_CLOEXEC);
        if (o->fd < 0) {
            free(o->named_tmp);
            o->named_tmp = NULL;
            return hh_export_fail(result, hh_tr("%s: cannot create the output: %s", "%s：无法创建输出：%s"), o->path,
                                  hh_system_reason(errno));
        }
    }
    return 0;
}

static const char *file_kind(mode_t mode)
{
    /* the Chinese says "is" with the kind: 是块设备, 不是普通文件 */
    return S_ISBLK(mode)    ? hh_tr("a block device", "是块设备")
           : S_ISSOCK(mode) ? hh_tr("a socket", "是套接字")
                            : hh_tr("not a regular file", "不是普通文件");
}

/* Decides from what the target is (lstat) how to write it: a regular file (or a new
 * one) is replaced whole, a device or FIFO written through, a directory left to the
 * plugin's kind to refuse, and anything else refused. */
static int open_output(const hh_export_request *rq, output *o, hh_export_result *result)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->path = output_name(rq);
    if (!o->path)
        return 0; /* TO_STDOUT */
    struct stat st, target;
    if (lstat(o->path, &st) != 0)
        return errno == ENOENT ? open_file(o, result)
                               : hh_export_fail(result, hh_tr("%s: cannot use it as the output: %s",
                                                              "%s：无法用作输出：%s"),
                                                o->path, hh_system_reason(errno));
    if (S_ISREG(st.st_mode))
        return open_file(o, result);
    if (S_ISDIR(st.st_mode)) {
        o->kind = TO_DIRECTORY;
        return 0;
    }
    if (is_stream(st.st_mode))
        return open_stream(o, result);
    if (!S_ISLNK(st.st_mode))
        return hh_export_fail(result, hh_tr("%s: is %s; hhreg writes only a file, a character device or a FIFO",
                                            "%s：%s；hhreg 只写出到文件、字符设备或 FIFO"),
                              o->path, file_kind(st.st_mode));
    if (stat(o->path, &target) == 0 && is_stream(target.st_mode))
        return open_stream(o, result);
    return hh_export_fail(result, hh_tr("%s: is a symbolic link%s; hhreg neither replaces a link nor writes a file "
                                        "through one: name the file itself (or - for standard output)",
                                        "%s：是一个%s符号链接；hhreg 既不替换链接，也不通过链接写文件：请指定文件本身"
                                        "（或用 - 表示标准输出）"),
                          o->path, stat(o->path, &target) != 0 ? hh_tr(" to nothing", "悬空的") : "");
}

/* Gives the unnamed file a temporary name beside the target. */
static int link_tmpfile(output *o)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        char unique[16];
        snprintf(unique, sizeof unique, "%06x", (unsigned)((getpid() * 7919u + attempt * 104729u) & 0xffffff));
        char *name = hh_export_tmp_name(o->path, (long)getpid(), unique);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0) {
            o->named_tmp = name;
            return 0;
        }
        free(name);
        if (errno != EEXIST)
            return -1;
    }
    errno = EEXIST;
    return -1;
}

/* 0 when `path` is absent or a regular file, the only things a rename may replace:
 * what was checked when the export began is checked again, since it may have changed
 * while the plugin ran (into a FIFO, a device, a link). */
static int still_replaceable(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (S_ISREG(st.st_mode))
        return 0;
    errno = EEXIST;
    return -1;
}

/* --- the output's mode (--mode) ------------------------------------------------------ */

int hh_export_check_mode(const char *text, unsigned *mode, hh_buf *err)
{
    size_t len = strlen(text);
    if (len < 3 || len > 4 || strspn(text, "01234567") != len) {
        hh_buf_printf(err, hh_tr("--mode takes an octal mode such as 0640 or 640, not '%s'",
                                 "--mode 应为八进制权限，如 0640 或 640，而不是“%s”"),
                      text);
        return -1;
    }
    unsigned long m = strtoul(text, NULL, 8);
    const char *refused =
        m & 07000 ? hh_tr("set-user-ID, set-group-ID and sticky bits are refused",
                          "不接受 set-user-ID、set-group-ID 和粘滞位")
        : m & 0002 ? hh_tr("an output writable by every user is refused (use group permissions)",
                           "不接受所有用户都可写的输出（请使用组权限）")
        : m & 0111 ? hh_tr("an export is data: execute bits are refused", "导出的是数据：不接受执行位")
        : !(m & 0400) ? hh_tr("the owner must be able to read the output", "所有者必须能读取输出")
                      : NULL;
    if (refused) {
        hh_buf_printf(err, hh_tr("--mode %s: %s", "--mode %s：%s"), text, refused);
        return -1;
    }
    *mode = (unsigned)m;
    return 0;
}

/* A directory's mode for files of mode `mode`: x added where r is given. */
static mode_t directory_mode(unsigned mode)
{
    return (mode_t)(mode | (mode & 0444) >> 2);
}

/* Gives the files of a finished staging directory, and the directory, the mode
 * asked for; 0 or -1 with errno. Only the export's own files are in it. */
static int apply_directory_mode(const char *staging, unsigned mode)
{
    DIR *d = opendir(staging);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    struct stat st;
    while (rc == 0 && (e = readdir(d)) != NULL)
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            rc = fchmodat(dirfd(d), e->d_name, mode, 0);
    if (rc == 0)
        rc = fchmod(dirfd(d), directory_mode(mode));
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

/* Puts a finished file in place (ok) with the mode asked for (0: as made, 0600) or
 * lets it vanish; closes a stream. */
static int close_output(output *o, int ok, unsigned mode, hh_export_result *result)
{
    int rc = 0;
    if (o->kind == TO_FILE) {
        if (ok && mode && fchmod(o->fd, mode) != 0)
            rc = -1;
        if (ok && rc == 0 && !o->named_tmp && link_tmpfile(o) != 0)
            rc = -1;
        if (ok && rc == 0 && (still_replaceable(o->path) != 0 || rename(o->named_tmp, o->path) != 0))
            rc = -1;
        if (ok && rc != 0)
            result->error = hh_xasprintf(hh_tr("%s: cannot put the output in place: %s", "%s：无法将输出放到目标位置：%s"),
                                         o->path, hh_system_reason(errno));
        if (o->named_tmp && (!ok || rc != 0))
            unlink(o->named_tmp);
    }
    if (o->fd >= 0)
        close(o->fd);
    free(o->named_tmp);
    return rc;
}

/* --- the child ------------------------------------------------------------------ */

static void write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

/* Closes every descriptor but standard input, output and error, `a` and `b`. */
static void close_other_descriptors(int a, int b)
{
    int highest = a > b ? a : b;
    for (int fd = 3; fd < highest; fd++)
        if (fd != a && fd != b)
            close(fd);
    closefrom(highest + 1);
}

static void child(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq,
                  const output *o, FILE *warnings, int report_fd)
{
    setpgid(0, 0);                    /* its own group, which hhreg ends as a whole */
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the export dies with hhreg */
    signal(SIGPIPE, SIG_DFL);         /* a stopped reader stops the export */
    /* in a group of its own it is a background job: with `stty tostop` a write to the
     * terminal would stop it (SIGTTOU) until the timeout; ignored, writes go through */
    signal(SIGTTOU, SIG_IGN);
    /* the output gets its own descriptor; standard output becomes standard error,
     * so a plugin's printf cannot end up in the output */
    int out_fd = o->kind == TO_DIRECTORY ? -1 : dup(o->kind == TO_STDOUT ? STDOUT_FILENO : o->fd);
    FILE *out = out_fd >= 0 ? fdopen(out_fd, "w") : NULL;
    dup2(STDERR_FILENO, STDOUT_FILENO);
    int nothing = open("/dev/null", O_RDONLY); /* a plugin has no input */
    if (nothing > STDIN_FILENO) {
        dup2(nothing, STDIN_FILENO);
        close(nothing);
    }
    close_other_descriptors(report_fd, out_fd);
    hh_export_result r;
    int rc = -1;
    if (!out && o->kind != TO_DIRECTORY) {
        memset(&r, 0, sizeof r);
        r.error = hh_xasprintf(hh_tr("cannot open the output: %s", "无法打开输出：%s"), hh_system_reason(errno));
    } else {
        char *staging = o->path ? hh_export_staging_name(o->path, (long)getpid()) : NULL;
        rc = hh_export_in_process(store_path, dirs, rq, out, staging, warnings, &r);
        free(staging);
        if (rc == 0 && o->kind == TO_FILE && fsync(out_fd) != 0) {
            r.error = hh_xasprintf(hh_tr("%s: writing failed: %s", "%s：写入失败：%s"), o->path, hh_system_reason(errno));
            rc = -1;
        }
        if (out)
            fclose(out);
    }
    fflush(stdout);
    /* the report's words OK and ERROR are the protocol; the reason after ERROR is in
     * the language of reasons, which the child has from hhreg */
    char *report = rc == 0 ? hh_xasprintf("OK %ld %ld %lld %lld %s", r.households, r.tombstones, r.since,
                                          r.last_change, r.plugin_version)
                           : hh_xasprintf("ERROR %s", r.error ? r.error : hh_tr("the export failed", "导出失败"));
    write_all(report_fd, report, strlen(report));
    free(report);
    hh_export_result_free(&r);
    _exit(rc == 0 ? 0 : 1);
}

/* --- this side --------------------------------------------------------------------- */

static volatile sig_atomic_t child_pid, stop_signal;

/* Ctrl-C, a closed terminal or a kill: passed on to the export's process group,
 * which is then reaped and its output discarded before hhreg exits. */
static void forward(int sig)
{
    stop_signal = sig;
    if (child_pid > 0 && kill(-(pid_t)child_pid, sig) != 0)
        kill((pid_t)child_pid, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

/* Reads the child's report until the pipe ends; reaps the child and ends its whole
 * process group (whatever a plugin forked dies with it) as soon as the child is
 * gone, or when `timeout` seconds (0: none) have passed. 1 if they passed. */
static int await_child(pid_t pid, int fd, long timeout, hh_buf *report, int *status)
{
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    int reaped = 0, timed_out = 0;
    for (;;) {
        long wait = 200;
        if (timeout > 0 && !reaped) {
            long left = timeout * 1000 - elapsed_ms(&started);
            if (left <= 0) {
                timed_out = 1;
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                timeout = 0;
            }
            wait = left > 0 && left < wait ? left : wait;
        }
        struct pollfd p = { fd, POLLIN, 0 };
        int n = poll(&p, 1, (int)wait);
        if (n > 0) {
            char chunk[1024];
            ssize_t got = read(fd, chunk, sizeof chunk);
            if (got == 0 || (got < 0 && errno != EINTR))
                break;
            if (got > 0 && report->len < REPORT_MAX)
                hh_buf_append(report, chunk, (size_t)got);
        } else if (n < 0 && errno != EINTR) {
            break;
        }
        if (!reaped && waitpid(pid, status, WNOHANG) == pid) {
            reaped = 1;
            kill(-pid, SIGKILL);
        }
    }
    kill(-pid, SIGKILL);
    if (!reaped)
        while (waitpid(pid, status, 0) < 0 && errno == EINTR)
            ;
    hh_buf_putc(report, '\0');
    return timed_out;
}

/* Judges how the child ended; 0, or -1 with result->error. */
static int judge(const hh_export_request *rq, const output *o, int status, int timed_out, const char *text,
                 hh_export_result *result)
{
    int streamed = o->kind == TO_STDOUT || o->kind == TO_STREAM;
    const char *outcome = streamed ? hh_tr("what was written is incomplete; the store is untouched",
                                           "已写出的内容不完整；存储库未被改动")
                                   : hh_tr("nothing was written and the store is untouched",
                                           "未写出任何内容，存储库未被改动");
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (stop_signal)
        return hh_export_fail(result, hh_tr("interrupted (%s); %s", "已中断（%s）；%s"), hh_signal_name(stop_signal), outcome);
    if (timed_out)
        return hh_export_fail(result, hh_tr("plugin %s did not finish within %ld s and was stopped "
                                            "(--plugin-timeout); %s",
                                            "插件 %s 未在 %ld 秒内完成，已被终止（--plugin-timeout）；%s"),
                              rq->plugin, rq->timeout_seconds, outcome);
    if (sig == SIGPIPE && streamed) {
        result->reader_stopped = 1;
        return hh_export_fail(result, hh_tr("the reader of %s stopped before the export finished",
                                            "%s 的读取方在导出完成之前停止了读取"),
                              o->path ? o->path : hh_tr("standard output", "标准输出"));
    }
    if (sig == SIGXCPU)
        return hh_export_fail(result, hh_tr("plugin %s used more than %ld s of CPU time and was stopped "
                                            "(--plugin-timeout); %s",
                                            "插件 %s 使用的 CPU 时间超过 %ld 秒，已被终止（--plugin-timeout）；%s"),
                              rq->plugin, rq->timeout_seconds, outcome);
    if (sig == SIGSYS)
        return hh_export_fail(result, hh_tr("plugin %s was stopped: it tried what an export plugin may not do (open a "
                                            "network socket, run a program or look into another process); %s",
                                            "插件 %s 已被终止：它试图做导出插件不允许做的事（打开网络套接字、运行程序或"
                                            "查看其他进程）；%s"),
                              rq->plugin, outcome);
    if (sig) {
        /* a plugin whose allocation failed at its memory limit aborts or crashes this way */
        char memory[160] = "";
        if (rq->memory_mb > 0 && (sig == SIGABRT || sig == SIGSEGV || sig == SIGBUS))
            snprintf(memory, sizeof memory,
                     hh_tr(" (had it used up its %ld MiB? --plugin-memory gives it more)",
                           "（是否用完了其 %ld MiB 内存？--plugin-memory 可给它更多）"),
                     rq->memory_mb);
        return hh_export_fail(result, hh_tr("plugin %s crashed (%s)%s%s; %s", "插件 %1$s %3$s崩溃（%2$s）%4$s；%5$s"),
                              rq->plugin, hh_signal_name(sig),
                              strncmp(text, "OK ", 3) == 0 ? hh_tr(" after it finished", "在完成之后") : "", memory,
                              outcome);
    }
    if (strncmp(text, "ERROR ", 6) == 0)
        return hh_export_fail(result, "%s", text + 6);
    if (strncmp(text, "OK ", 3) != 0 || WEXITSTATUS(status) != 0)
        return hh_export_fail(result, hh_tr("plugin %s crashed: the export process ended with status %d before it "
                                            "finished; %s",
                                            "插件 %s 崩溃：导出进程在完成之前以状态 %d 结束；%s"),
                              rq->plugin, WEXITSTATUS(status), outcome);
    char *end;
    result->households = strtol(text + 3, &end, 10);
    result->tombstones = strtol(end, &end, 10);
    result->since = strtoll(end, &end, 10);
    result->last_change = strtoll(end, &end, 10);
    result->plugin_version = hh_xstrdup(*end == ' ' ? end + 1 : "");
    return 0;
}

/* Runs the child and judges how it ended; 0, or -1 with result->error. */
static int run_child(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq,
                     const output *o, FILE *warnings, pid_t *child_out, hh_export_result *result)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return hh_export_fail(result, hh_tr("cannot start the export: %s", "无法启动导出：%s"), hh_system_reason(errno));
    fflush(NULL); /* nothing buffered here may be written twice */
    struct sigaction on_stop, saved[3];
    memset(&on_stop, 0, sizeof on_stop);
    on_stop.sa_handler = forward;
    sigemptyset(&on_stop.sa_mask);
    stop_signal = 0;
    child_pid = 0;
    for (int i = 0; i < 3; i++)
        sigaction(forwarded[i], &on_stop, &saved[i]);
    pid_t pid = fork();
    *child_out = pid;
    if (pid == 0) {
        for (int i = 0; i < 3; i++)
            sigaction(forwarded[i], &saved[i], NULL);
        close(pipe_fds[0]);
        child(store_path, dirs, rq, o, warnings, pipe_fds[1]);
    }
    close(pipe_fds[1]);
    int status = 0, timed_out = 0;
    hh_buf report;
    hh_buf_init(&report);
    if (pid > 0) {
        setpgid(pid, pid); /* as the child does: whichever runs first */
        child_pid = pid;
        if (stop_signal)
            kill(pid, stop_signal);
        timed_out = await_child(pid, pipe_fds[0], rq->timeout_seconds, &report, &status);
        child_pid = 0;
    }
    close(pipe_fds[0]);
    for (int i = 0; i < 3; i++)
        sigaction(forwarded[i], &saved[i], NULL);
    int rc = pid < 0 ? hh_export_fail(result, hh_tr("cannot start the export: %s", "无法启动导出：%s"), hh_system_reason(errno))
                     : judge(rq, o, status, timed_out, report.data ? report.data : "", result);
    hh_buf_free(&report);
    return rc;
}

/* Records the export in the audit log: a file before it is put in place, a stream
 * before it starts (it leaves as it is made). 0, or -1 with result->error. */
static int audit(const char *store_path, const hh_export_request *rq, int streamed, hh_export_result *result)
{
    hh_store *s;
    hh_buf err;
    hh_buf_init(&err);
    const char *to = output_name(rq) ? output_name(rq) : "standard output";
    char *detail = streamed && rq->since >= 0
                       ? hh_xasprintf("plugin %s, changes after %lld, streamed to %s", rq->plugin, rq->since, to)
                   : streamed ? hh_xasprintf("plugin %s, streamed to %s", rq->plugin, to)
                   : result->since >= 0
                       ? hh_xasprintf("plugin %s %s, changes after %lld up to %lld: %ld household(s), %ld deletion(s),"
                                      " to %s",
                                      rq->plugin, result->plugin_version, result->since, result->last_change,
                                      result->households, result->tombstones, to)
                       : hh_xasprintf("plugin %s %s, %ld household(s), to %s", rq->plugin, result->plugin_version,
                                      result->households, to);
    int rc = hh_store_open(store_path, false, &s, &err);
    if (rc == 0) {
        rc = hh_store_audit(s, rq->actor, "export", NULL, 0, detail, &err);
        hh_store_close(s);
    }
    if (rc != 0)
        hh_export_fail(result, hh_tr("the export could not be recorded in the audit log, so %s: %s",
                                     "本次导出无法记入审计日志，因此%s：%s"),
                       streamed ? hh_tr("it did not start", "导出未开始") : hh_tr("its output was removed", "其输出已删除"),
                       err.data);
    free(detail);
    hh_buf_free(&err);
    return rc;
}

int hh_export(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq, FILE *warnings,
              hh_export_result *result)
{
    memset(result, 0, sizeof *result);
    output o;
    if (output_name(rq))
        hh_export_dir_sweep(output_name(rq));
    if (open_output(rq, &o, result) != 0)
        return -1;
    int streamed = o.kind == TO_STDOUT || o.kind == TO_STREAM;
    if (streamed && rq->mode) {
        close_output(&o, 0, 0, result);
        return hh_export_fail(result, hh_tr("%s: --mode applies to a file or directory that hhreg makes, not to %s",
                                            "%s：--mode 只适用于 hhreg 创建的文件或目录，不适用于%s"),
                              o.path ? o.path : "-",
                              o.path ? hh_tr("a device or FIFO", "设备或 FIFO") : hh_tr("standard output", "标准输出"));
    }
    if (streamed && audit(store_path, rq, 1, result) != 0) {
        close_output(&o, 0, 0, result);
        return -1;
    }
    pid_t pid = 0;
    int rc = run_child(store_path, dirs, rq, &o, warnings, &pid, result);
    /* a plugin that writes a directory of files left it in its staging directory */
    char *staging = o.path && pid > 0 ? hh_export_staging_name(o.path, (long)pid) : NULL;
    struct stat st;
    int wrote_directory = staging && lstat(staging, &st) == 0 && S_ISDIR(st.st_mode);
    /* recorded before anything is put in place: no output without its audit row */
    if (rc == 0 && !streamed)
        rc = audit(store_path, rq, 0, result);
    if (close_output(&o, rc == 0 && !wrote_directory, rq->mode, result) != 0)
        rc = -1;
    if (wrote_directory && rc == 0 && rq->mode && apply_directory_mode(staging, rq->mode) != 0)
        rc = hh_export_fail(result, hh_tr("%s: cannot set the mode of the output: %s", "%s：无法设置输出的权限：%s"),
                            o.path, hh_system_reason(errno));
    if (wrote_directory && rc == 0 && rename(staging, o.path) != 0)
        rc = hh_export_fail(result, hh_tr("%s: cannot put the output in place: %s", "%s：无法将输出放到目标位置：%s"),
                            o.path, hh_system_reason(errno));
    if (wrote_directory && rc != 0)
        hh_export_dir_remove(staging);
    free(staging);
    return rc;
}

void hh_export_result_free(hh_export_result *r)
{
    free(r->plugin_version);
    free(r->error);
    memset(r, 0, sizeof *r);
}
