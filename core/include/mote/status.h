/* SPDX-License-Identifier: MIT */
/* mote/status.h: the exit statuses Mote itself uses. Applications own 0-119; the kernel's
 * reasons for stopping take 120-127 so a host can tell them apart (docs/exit-status.md). */
#ifndef MOTE_STATUS_H
#define MOTE_STATUS_H

#define MOTE_STATUS_APP_MAX        119 /* largest status an application can report exactly */
#define MOTE_STATUS_OUT_OF_RANGE   120 /* the application exited with a status above 119 */
#define MOTE_STATUS_BAD_CMDLINE    121 /* a malformed or unknown boot option */
#define MOTE_STATUS_PANIC          122 /* kernel panic, stack-protector failure */
#define MOTE_STATUS_FAULT          123 /* a CPU exception */
#define MOTE_STATUS_ABORT          124 /* abort() or a failed assert() */
#define MOTE_STATUS_STACK_OVERFLOW 125 /* a stack ran into its guard page */
#define MOTE_STATUS_NO_MEMORY      126 /* the kernel ran out of memory while booting */
#define MOTE_STATUS_DEADLOCK       127 /* every thread blocked, no timer to wake one */

#endif
