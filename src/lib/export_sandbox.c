/* export_sandbox.c — see export_sandbox.h. */
#define _GNU_SOURCE
#include "export_sandbox.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Lowers a limit; one inherited tighter already (ulimit, a test harness) is kept,
 * since an unprivileged process may not raise its hard limit. */
static int set_limit(int resource, rlim_t soft, rlim_t hard, const char *what, hh_buf *err)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) == 0 && rl.rlim_max != RLIM_INFINITY) {
        hard = hard < rl.rlim_max ? hard : rl.rlim_max;
        soft = soft < hard ? soft : hard;
    }
    rl = (struct rlimit){ soft, hard };
    if (setrlimit(resource, &rl) == 0)
        return 0;
    hh_buf_printf(err, hh_tr("cannot limit the plugin's %s: %s", "无法限制插件的%s：%s"), what, hh_system_reason(errno));
    return -1;
}

static int set_limits(long memory_mb, long cpu_seconds, hh_buf *err)
{
    if (set_limit(RLIMIT_CORE, 0, 0, hh_tr("core dumps", "核心转储"), err))
        return -1;
    if (memory_mb > 0 && !SANITIZED && !RUNNING_ON_VALGRIND &&
        set_limit(RLIMIT_AS, (rlim_t)memory_mb << 20, (rlim_t)memory_mb << 20, hh_tr("memory", "内存"), err))
        return -1;
    /* SIGXCPU at the limit, SIGKILL a little later should it be caught */
    if (cpu_seconds > 0 &&
        set_limit(RLIMIT_CPU, (rlim_t)cpu_seconds, (rlim_t)cpu_seconds + 5, hh_tr("CPU time", "CPU 时间"), err))
        return -1;
    return 0;
}

typedef struct rule {
    int action;          /* 0: the process is killed */
    int syscall;
    unsigned n_args;
    struct scmp_arg_cmp arg;
} rule;

#define KILL(name) { 0, SCMP_SYS(name), 0, { 0, 0, 0, 0 } }
#define DENY(name, errno_) { errno_, SCMP_SYS(name), 0, { 0, 0, 0, 0 } }
/* fails when the flags in argument `a` masked with `mask` equal `value` */
#define DENY_FLAGS(name, a, mask, value, errno_) \
    { errno_, SCMP_SYS(name), 1, SCMP_CMP(a, SCMP_CMP_MASKED_EQ, (mask), (value)) }
/* an existing file opened to be written or truncated: writing without O_CREAT, O_CREAT
 * without O_EXCL (open or create), truncating without O_CREAT. Only O_CREAT|O_EXCL
 * (a new file) may write: O_EXCL alone means nothing for a file that exists. */
#define DENY_WRITE_OPEN(name, a) \
    DENY_FLAGS(name, a, O_ACCMODE | O_CREAT, O_WRONLY, EACCES), \
    DENY_FLAGS(name, a, O_ACCMODE | O_CREAT, O_RDWR, EACCES), \
    DENY_FLAGS(name, a, O_CREAT | O_EXCL, O_CREAT, EACCES), \
    DENY_FLAGS(name, a, O_TRUNC | O_CREAT, O_TRUNC, EACCES)

static const rule always[] = {
    /* other programs, other processes' memory */
    KILL(execve), KILL(execveat), KILL(process_vm_readv), KILL(process_vm_writev),
    KILL(io_uring_setup),
    /* files that exist stay as they are */
    DENY_WRITE_OPEN(open, 1), DENY_WRITE_OPEN(openat, 2), DENY(openat2, ENOSYS), DENY(creat, EACCES),
    DENY(truncate, EPERM), DENY(ftruncate, EPERM), DENY(unlink, EPERM), DENY(unlinkat, EPERM),
    DENY(rmdir, EPERM), DENY(rename, EPERM), DENY(renameat, EPERM), DENY(renameat2, EPERM),
    DENY(link, EPERM), DENY(linkat, EPERM), DENY(symlink, EPERM), DENY(symlinkat, EPERM),
    DENY(chmod, EPERM), DENY(fchmod, EPERM), DENY(fchmodat, EPERM), DENY(chown, EPERM),
    DENY(fchown, EPERM), DENY(lchown, EPERM), DENY(fchownat, EPERM), DENY(mknod, EPERM),
    DENY(mknodat, EPERM),
    /* staying in the process group that hhreg ends */
    DENY(setsid, EPERM), DENY(setpgid, EPERM),
};

/* the network, unless the user allowed it (a plugin feeding a database server) */
static const rule no_network[] = { KILL(socket) };

/* what a sanitizer's leak checker needs at exit */
static const rule unless_sanitized[] = {
    KILL(ptrace),
    /* processes, not threads: clone without CLONE_THREAD; clone3 hides its flags
     * from seccomp, so glibc falls back to clone */
    DENY_FLAGS(clone, 0, CLONE_THREAD, 0, EPERM), DENY(clone3, ENOSYS), DENY(fork, EPERM), DENY(vfork, EPERM),
};

static int add_rules(scmp_filter_ctx f, const rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t action = rules[i].action ? SCMP_ACT_ERRNO((uint32_t)rules[i].action) : SCMP_ACT_KILL_PROCESS;
        int rc = rules[i].n_args ? seccomp_rule_add(f, action, rules[i].syscall, 1, rules[i].arg)
                                 : seccomp_rule_add(f, action, rules[i].syscall, 0);
        /* a system call this architecture does not have needs no rule */
        if (rc != 0 && rules[i].syscall >= 0)
            return rc;
    }
    return 0;
}

static int install_filter(bool allow_network, hh_buf *err)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
    int rc = f ? add_rules(f, always, sizeof always / sizeof always[0]) : -ENOMEM;
    if (rc == 0 && !allow_network)
        rc = add_rules(f, no_network, sizeof no_network / sizeof no_network[0]);
    if (rc == 0 && !SANITIZED)
        rc = add_rules(f, unless_sanitized, sizeof unless_sanitized / sizeof unless_sanitized[0]);
    if (rc == 0)
        rc = seccomp_load(f);
    seccomp_release(f);
    if (rc != 0)
        hh_buf_printf(err, hh_tr("cannot confine the plugin (seccomp): %s", "无法将插件置于沙箱中（seccomp）：%s"),
                      hh_system_reason(-rc));
    return rc != 0 ? -1 : 0;
}

int hh_export_contain(long memory_mb, long cpu_seconds, bool allow_network, hh_buf *err)
{
    if (set_limits(memory_mb, cpu_seconds, err))
        return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        hh_buf_printf(err, hh_tr("cannot confine the plugin (no_new_privs): %s", "无法将插件置于沙箱中（no_new_privs）：%s"),
                      hh_system_reason(errno));
        return -1;
    }
    /* valgrind does not implement seccomp: its runs check memory, not confinement */
    return RUNNING_ON_VALGRIND ? 0 : install_filter(allow_network, err);
}
