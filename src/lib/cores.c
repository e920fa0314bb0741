/* cores.c — how many cores this process may use: the default of `import -j` and
 * the number of the server's form checkers. Not the machine's count
 * (sysconf(_SC_NPROCESSORS_ONLN)) but the CPUs the process may run on (its
 * affinity: taskset, a container's cpuset), and no more than the cgroup v2 CPU quotas
 * of its group and those above it allow (cpu.max: docker --cpus, systemd's
 * CPUQuota=; cgroup v1's are not read): a container given two of a host's 64 cores
 * checks forms on two threads, not 64 that share two. */
#define _GNU_SOURCE
#include "cores.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The cores the CPU quota of cgroup v2 group `group` allows (the quota over the
 * period, rounded up), or 0 when it has none or it cannot be read. */
static long group_quota(const char *group)
{
    char path[640];
    snprintf(path, sizeof path, "/sys/fs/cgroup%s/cpu.max", group);
    long quota = 0, period = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int read = fscanf(f, "%ld %ld", &quota, &period); /* "max 100000" reads no quota */
    fclose(f);
    return read == 2 && quota > 0 && period > 0 ? (quota + period - 1) / period : 0;
}

/* The cores the cgroup v2 CPU quotas allow this process: the least of its group's
 * and every group above it (a systemd slice, a pod), or 0 when none has one. */
static long quota_cores(void)
{
    char group[600] = "", line[600];
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) { /* the unified hierarchy's line */
            snprintf(group, sizeof group, "%s", line + 3);
            group[strcspn(group, "\n")] = '\0';
        }
    fclose(f);
    long least = 0;
    while (*group == '/') { /* "/a/b", then "/a"; "/" too: in a container it is the container's group */
        long cores = group_quota(group);
        if (cores > 0 && (least == 0 || cores < least))
            least = cores;
        char *cut = strrchr(group, '/');
        if (cut == group)
            break;
        *cut = '\0';
    }
    return least;
}

long hh_cores(void)
{
    cpu_set_t set;
    long cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
    long quota = quota_cores();
    if (quota > 0 && quota < cores)
        cores = quota;
    return cores > 0 ? cores : 1;
}
