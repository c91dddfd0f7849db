/* SPDX-License-Identifier: MIT */
/* Host stand-in for core's mote/sync.h under tests/fat: the FAT code's mutexes on one thread
 * (the harness and fuzzers are single-threaded), with the lock depth checked. */
#ifndef MOTE_SYNC_H
#define MOTE_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define SYNC_FOREVER UINT64_MAX

struct mutex {
	int depth;
	bool recursive;
};

static inline void mutex_init(struct mutex *m, bool recursive)
{
	m->depth = 0;
	m->recursive = recursive;
}

static inline int mutex_lock(struct mutex *m, uint64_t deadline_ns)
{
	(void)deadline_ns;
	if (m->depth && !m->recursive)
		abort(); /* would deadlock in the kernel */
	m->depth++;
	return 0;
}

static inline int mutex_unlock(struct mutex *m)
{
	if (m->depth <= 0)
		abort();
	m->depth--;
	return 0;
}

#endif
