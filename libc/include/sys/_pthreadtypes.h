/* SPDX-License-Identifier: MIT */
/* sys/_pthreadtypes.h: Mote's pthread types, found before newlib's own (whose 32-bit handles
 * would need a lookup table): each object is opaque storage large enough for the core object
 * behind it (libc/libc_pthread.c checks the sizes), and all-zero is its initial state. */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/_types.h>

typedef unsigned long pthread_t; /* the thread's address */

#define PTHREAD_SCOPE_PROCESS   0
#define PTHREAD_SCOPE_SYSTEM    1
#define PTHREAD_INHERIT_SCHED   1
#define PTHREAD_EXPLICIT_SCHED  2
#define PTHREAD_CREATE_DETACHED 0
#define PTHREAD_CREATE_JOINABLE 1

typedef struct {
	int is_initialized;
	__size_t stacksize; /* 0: the default */
	int detachstate;
} pthread_attr_t;

#define PTHREAD_MUTEX_NORMAL     0
#define PTHREAD_MUTEX_RECURSIVE  1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT    3

typedef struct {
	unsigned long __opaque[6];
} pthread_mutex_t;

typedef struct {
	int is_initialized;
	int type;
} pthread_mutexattr_t;

/* clang-format off */
#define _PTHREAD_MUTEX_INITIALIZER {{0}}
/* clang-format on */

typedef struct {
	unsigned long __opaque[4];
} pthread_cond_t;

/* clang-format off */
#define _PTHREAD_COND_INITIALIZER {{0}}
/* clang-format on */

typedef struct {
	int is_initialized;
	unsigned long clock; /* a clockid_t */
} pthread_condattr_t;

typedef unsigned int pthread_key_t;

typedef struct {
	unsigned long __opaque[4];
} pthread_once_t;

/* clang-format off */
#define _PTHREAD_ONCE_INIT {{0}}
/* clang-format on */

#endif
