/* SPDX-License-Identifier: MIT */
/* libc_fd.h: what the table (libc_fd.c), the system calls (libc_io.c) and the console
 * (libc_console.c) tell each other; private to libc/. */
#ifndef LIBC_FD_H
#define LIBC_FD_H

#include <mote/fdtable.h>

/* The console's kind: descriptors 0, 1 and 2 from boot. */
extern const struct libc_fd_ops libc_console_ops;

/* close(fd): 0 or a negative errno (-EBADF, or the kind's close's when this was the last
 * reference). Console descriptors 0-2 stay open. */
int libc_fd_close(int fd);

#endif
