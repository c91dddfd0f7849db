/* SPDX-License-Identifier: MIT */
/* sys/file.h: newlib's, with the flock() it names the operations of but does not declare
 * (libc/libc_file.c: ENOSYS). */
#ifndef MOTE_SYS_FILE_H
#define MOTE_SYS_FILE_H

#include_next <sys/file.h>

int flock(int fd, int operation);

#endif
