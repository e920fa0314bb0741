/* export_sandbox.h — what confines the process an export plugin runs in: limits
 * on its memory and CPU time, no core dump, no new privileges, and a seccomp filter
 * (libseccomp) that stops what an exporter never needs. */
#ifndef HH_EXPORT_SANDBOX_H
#define HH_EXPORT_SANDBOX_H

#include <stdbool.h>

#include "util.h"

/* The limits of hhreg export --plugin-timeout and --plugin-memory. */
#define HH_PLUGIN_TIMEOUT_DEFAULT 3600 /* seconds, wall clock and CPU */
#define HH_PLUGIN_MEMORY_DEFAULT 4096  /* MiB of address space */

/* Confines the calling process for good, before the plugin is loaded:
 *  - RLIMIT_AS of `memory_mb` MiB (0: none; not applied under a sanitizer or
 *    valgrind, which reserve far more address space than they use), RLIMIT_CPU of
 *    `cpu_seconds` (0: none), RLIMIT_CORE 0 (a core dump would hold personal data);
 *  - PR_SET_NO_NEW_PRIVS;
 *  - seccomp: the process is killed (SIGSYS) when it opens a socket (unless
 *    `allow_network`: a plugin that feeds a database server), runs a
 *    program (execve), traces or reads another process or sets up io_uring; it
 *    cannot start processes (fork; threads are allowed) or leave its process group;
 *    opening an existing file for writing, truncating, removing, renaming, linking
 *    or changing the mode or owner of a file fails with EACCES/EPERM, so the store
 *    and everything else that exists stay as they are (new files may be made, as the
 *    host makes those of a directory plugin). Under a sanitizer, whose leak checker
 *    clones and traces, starting and tracing processes stay allowed; under
 *    valgrind, which does not implement seccomp, there is no filter.
 * Returns 0, or -1 with `err`. */
int hh_export_contain(long memory_mb, long cpu_seconds, bool allow_network, hh_buf *err);

#endif
