/* SPDX-License-Identifier: MIT */
/* sys/select.h: newlib's fd_set, sized for the whole descriptor table (mote/fdtable.h's
 * LIBC_FD_MAX) rather than newlib's 64, so that a select()-based server such as Redis
 * (ae_select.c) can name every client it accepts. */
#ifndef MOTE_SYS_SELECT_H
#define MOTE_SYS_SELECT_H

#ifndef FD_SETSIZE
#define FD_SETSIZE 256
#endif
#include_next <sys/select.h>

#endif
