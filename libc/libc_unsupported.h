/* SPDX-License-Identifier: MIT */
/* libc_unsupported.h: how a POSIX call Mote does not provide fails: -1 with ENOSYS, and its
 * name in the kernel log the first time, so a porting gap is visible but not fatal. */
#ifndef LIBC_UNSUPPORTED_H
#define LIBC_UNSUPPORTED_H

#include <errno.h>
#include <reent.h>

void libc_unsupported_log(const char *name);
/* The same for a case of a call that is otherwise supported ("mmap of a file"). */
void libc_unsupported_log_text(const char *what);

#define LIBC_UNSUPPORTED(r, name)                   \
	do {                                        \
		static int logged_;                 \
		if (!logged_) {                     \
			logged_ = 1;                \
			libc_unsupported_log(name); \
		}                                   \
		(r)->_errno = ENOSYS;               \
		return -1;                          \
	} while (0)

#endif
