/* SPDX-License-Identifier: MIT */
/* libc_reent.c: newlib's per-thread state (errno, stdio buffers, strtok...). newlib is built
 * with __DYNAMIC_REENT__, so every access goes through __getreent(); with one thread of
 * execution today it is the global impure data. */
#include <reent.h>

struct _reent *__getreent(void) { return _impure_ptr; }
