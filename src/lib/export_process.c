/* export_process.c — hh_export (see export.h): the plugin runs in a child process;
 * this side owns the output file, tells a crash from a failure, puts the file in
 * place only after a clean finish, and records the export in the audit log.
 *
 * The child reports on a pipe: "OK <households> <plugin version>" when everything
 * it wrote is flushed and synced, or "ERROR <message>". No report, a non-zero exit
 * or a signal means the plugin (or the child with it) died part-way. */
#define _GNU_SOURCE /* O_TMPFILE, pipe2 */
#include "export.h"
#include "export_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_MAX 8192

/* --- the output file ------------------------------------------------------------ */

typedef struct output {
    const char *path;        /* NULL: standard output */
    int fd;                  /* the file being written (-1 for standard output) */
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

static int open_output(const hh_export_request *rq, output *o, hh_export_result *result)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->path = output_name(rq);
    if (!o->path)
        return 0;
    char *dir = dir_of(o->path);
    o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    free(dir);
    if (o->fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
        result->error = hh_xasprintf("%s: cannot create the output: %s", o->path, strerror(errno));
        return -1;
    }
    if (o->fd < 0) { /* a filesystem without unnamed files: a private named one */
        o->named_tmp = hh_xasprintf("%s.hhreg-XXXXXX", o->path);
        o->fd = mkostemp(o->named_tmp, O_CLOEXEC);
        if (o->fd < 0) {
            result->error = hh_xasprintf("%s: cannot create the output: %s", o->path, strerror(errno));
            free(o->named_tmp);
            return -1;
        }
    }
    return 0;
}

/* Gives the unnamed file a temporary name beside the target. */
static int link_tmpfile(output *o)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        char *name = hh_xasprintf("%s.hhreg-%06x", o->path, (unsigned)((getpid() * 7919u + attempt * 104729u) & 0xffffff));
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

/* Puts the finished file in place (ok) or lets it vanish. */
static int close_output(output *o, int ok, hh_export_result *result)
{
    int rc = 0;
    if (!o->path)
        return 0;
    if (ok && !o->named_tmp && link_tmpfile(o) != 0)
        rc = -1;
    if (ok && rc == 0 && rename(o->named_tmp, o->path) != 0)
        rc = -1;
    if (ok && rc != 0)
        result->error = hh_xasprintf("%s: cannot put the output in place: %s", o->path, strerror(errno));
    if (o->named_tmp && (!ok || rc != 0))
        unlink(o->named_tmp);
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

static void child(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq,
                  const output *o, FILE *warnings, int report_fd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the export dies with hhreg */
    signal(SIGPIPE, SIG_DFL);
    /* the output gets its own descriptor; standard output becomes standard error,
     * so a plugin's printf cannot end up in the output */
    int out_fd = dup(o->path ? o->fd : STDOUT_FILENO);
    FILE *out = out_fd >= 0 ? fdopen(out_fd, "w") : NULL;
    dup2(STDERR_FILENO, STDOUT_FILENO);
    hh_export_result r;
    int rc = -1;
    if (!out) {
        memset(&r, 0, sizeof r);
        r.error = hh_xasprintf("cannot open the output: %s", strerror(errno));
    } else {
        char *staging = o->path ? hh_export_staging_name(o->path, (long)getpid()) : NULL;
        rc = hh_export_in_process(store_path, dirs, rq, out, staging, warnings, &r);
        free(staging);
        if (rc == 0 && o->path && fsync(out_fd) != 0) {
            r.error = hh_xasprintf("%s: writing failed: %s", o->path, strerror(errno));
            rc = -1;
        }
        fclose(out);
    }
    fflush(stdout);
    char *report = rc == 0 ? hh_xasprintf("OK %ld %s", r.households, r.plugin_version)
                           : hh_xasprintf("ERROR %s", r.error ? r.error : "the export failed");
    write_all(report_fd, report, strlen(report));
    free(report);
    hh_export_result_free(&r);
    _exit(rc == 0 ? 0 : 1);
}

/* --- this side --------------------------------------------------------------------- */

static volatile sig_atomic_t child_pid, stop_signal;

/* Ctrl-C, a closed terminal or a kill: passed on to the export, which is then
 * reaped and its output discarded before hhreg exits. */
static void forward(int sig)
{
    stop_signal = sig;
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };

static void read_report(int fd, hh_buf *report)
{
    char chunk[1024];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (report->len < REPORT_MAX)
            hh_buf_append(report, chunk, (size_t)n);
    }
    hh_buf_putc(report, '\0');
}

/* Runs the child and judges how it ended; 0, or -1 with result->error. */
static int run_child(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq,
                     const output *o, FILE *warnings, pid_t *child_out, hh_export_result *result)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        result->error = hh_xasprintf("cannot start the export: %s", strerror(errno));
        return -1;
    }
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
    int status = 0;
    hh_buf report;
    hh_buf_init(&report);
    if (pid > 0) {
        child_pid = pid;
        if (stop_signal)
            kill(pid, stop_signal);
        read_report(pipe_fds[0], &report);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        child_pid = 0;
    }
    close(pipe_fds[0]);
    for (int i = 0; i < 3; i++)
        sigaction(forwarded[i], &saved[i], NULL);

    int rc = -1;
    const char *text = report.data ? report.data : "";
    if (pid < 0)
        result->error = hh_xasprintf("cannot start the export: %s", strerror(errno));
    else if (stop_signal)
        result->error = hh_xasprintf("interrupted (%s); nothing was written", strsignal(stop_signal));
    else if (WIFSIGNALED(status))
        result->error = hh_xasprintf("plugin %s crashed (%s)%s; nothing was written and the store is untouched",
                                     rq->plugin, strsignal(WTERMSIG(status)),
                                     strncmp(text, "OK ", 3) == 0 ? " after it finished" : "");
    else if (strncmp(text, "ERROR ", 6) == 0)
        result->error = hh_xstrdup(text + 6);
    else if (strncmp(text, "OK ", 3) != 0 || WEXITSTATUS(status) != 0)
        result->error = hh_xasprintf("plugin %s crashed: the export process ended with status %d before it "
                                     "finished; nothing was written and the store is untouched",
                                     rq->plugin, WEXITSTATUS(status));
    else {
        char *end;
        result->households = strtol(text + 3, &end, 10);
        result->plugin_version = hh_xstrdup(*end == ' ' ? end + 1 : "");
        rc = 0;
    }
    hh_buf_free(&report);
    return rc;
}

static int audit(const char *store_path, const hh_export_request *rq, hh_export_result *result)
{
    hh_store *s;
    hh_buf err;
    hh_buf_init(&err);
    char *detail = hh_xasprintf("plugin %s %s, %ld household(s), to %s", rq->plugin, result->plugin_version,
                                result->households, output_name(rq) ? output_name(rq) : "standard output");
    int rc = hh_store_open(store_path, false, &s, &err);
    if (rc == 0) {
        rc = hh_audit(s, rq->actor, "export", NULL, 0, detail, &err);
        hh_store_close(s);
    }
    if (rc != 0)
        result->error = hh_xasprintf("the export was written but could not be recorded in the audit log: %s",
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
    pid_t pid = 0;
    int rc = run_child(store_path, dirs, rq, &o, warnings, &pid, result);
    /* a plugin that writes a directory of files left it in its staging directory */
    char *staging = o.path && pid > 0 ? hh_export_staging_name(o.path, (long)pid) : NULL;
    struct stat st;
    int wrote_directory = staging && lstat(staging, &st) == 0 && S_ISDIR(st.st_mode);
    if (close_output(&o, rc == 0 && !wrote_directory, result) != 0)
        rc = -1;
    if (wrote_directory && rc == 0 && rename(staging, o.path) != 0) {
        result->error = hh_xasprintf("%s: cannot put the output in place: %s", o.path, strerror(errno));
        rc = -1;
    }
    if (wrote_directory && rc != 0)
        hh_export_dir_remove(staging);
    free(staging);
    if (rc == 0)
        rc = audit(store_path, rq, result);
    return rc;
}

void hh_export_result_free(hh_export_result *r)
{
    free(r->plugin_version);
    free(r->error);
    memset(r, 0, sizeof *r);
}
