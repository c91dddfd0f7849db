/* SPDX-License-Identifier: MIT */
/* sys/resource.h: newlib's (getrusage), plus the resource limits it lacks: getrlimit() and
 * setrlimit() (libc/libc_sysinfo.c), numbered as on Linux so ported code finds the usual names. */
#ifndef MOTE_SYS_RESOURCE_H
#define MOTE_SYS_RESOURCE_H

#include_next <sys/resource.h>

typedef unsigned long rlim_t;

#define RLIM_INFINITY  (~0UL)
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIM_SAVED_CUR RLIM_INFINITY

#define RLIMIT_CPU     0
#define RLIMIT_FSIZE   1
#define RLIMIT_DATA    2
#define RLIMIT_STACK   3
#define RLIMIT_CORE    4
#define RLIMIT_RSS     5
#define RLIMIT_NPROC   6
#define RLIMIT_NOFILE  7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS      9
#define RLIMIT_NLIMITS 10

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

#ifdef __cplusplus
extern "C" {
#endif

int getrlimit(int resource, struct rlimit *rl);
int setrlimit(int resource, const struct rlimit *rl);

#ifdef __cplusplus
}
#endif

#endif
