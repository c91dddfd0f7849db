/* SPDX-License-Identifier: MIT */
/* limits.h: newlib's (and through it the compiler's), with POSIX's SSIZE_MAX, which newlib
 * leaves out. */
#ifndef MOTE_LIMITS_H
#define MOTE_LIMITS_H

#include_next <limits.h>

#ifndef SSIZE_MAX
#define SSIZE_MAX __LONG_MAX__ /* ssize_t is long on x86_64 */
#endif

#endif
