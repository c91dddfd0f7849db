/* SPDX-License-Identifier: MIT */
/* sys/stat.h: newlib's, plus what newlib declares only for Cygwin and RTEMS although Mote
 * implements it (libc/libc_file.c): lstat, and utimensat's special nanosecond values. */
#ifndef MOTE_SYS_STAT_H
#define MOTE_SYS_STAT_H

#include_next <sys/stat.h>

#ifndef UTIME_NOW
#define UTIME_NOW  -2L
#define UTIME_OMIT -1L
#endif

#ifdef __cplusplus
extern "C" {
#endif

int lstat(const char *__restrict path, struct stat *__restrict st);

#ifdef __cplusplus
}
#endif

#endif
