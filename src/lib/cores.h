/* cores.h — the cores this process may use (cores.c). */
#ifndef HH_CORES_H
#define HH_CORES_H

/* The CPUs this process may run on, no more than its cgroup's CPU quota allows;
 * at least 1. */
long hh_cores(void);

#endif
