/* SPDX-License-Identifier: MIT */
/* errno.h: newlib's, with the socket errors it keeps behind __LINUX_ERRNO_EXTENSIONS__ that
 * portable network code tests for (Redis's listen retry), at newlib's own values. */
#ifndef MOTE_ERRNO_H
#define MOTE_ERRNO_H

#include_next <errno.h>

#ifndef ESOCKTNOSUPPORT
#define ESOCKTNOSUPPORT 124
#endif
#ifndef EPFNOSUPPORT
#define EPFNOSUPPORT 96
#endif

#endif
