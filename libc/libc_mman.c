/* SPDX-License-Identifier: MIT */
/* libc_mman.c: anonymous mmap()/munmap(), the memory a program asks the kernel for directly
 * (allocators, large buffers). Each mapping is a zeroed block of whole pages from core's page
 * allocator; there are no files to map and no address space to place a fixed mapping in, so
 * those fail with ENOSYS, as do protections Mote cannot give an anonymous page (PROT_NONE and
 * PROT_EXEC: every such page is read-write and never executable, W^X). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <mote/mm.h>
#include <mote/sync.h>

#include "libc_unsupported.h"

#define PAGE_SIZE 4096u

struct mapping {
	struct mapping *next;
	uintptr_t start;
	size_t len; /* rounded up to pages */
	unsigned order;
};

static struct mapping *mappings;
static struct mutex lock = MUTEX_INIT;

enum gap { FILE_MAP, FIXED_MAP, EXEC_MAP, NONE_MAP, PART_UNMAP, PROTECT };

static void unsupported(enum gap gap)
{
	static unsigned logged; /* one bit per gap */
	static const char *const names[] = {"mmap of a file",
	                                    "mmap with MAP_FIXED",
	                                    "mmap with PROT_EXEC",
	                                    "mmap with PROT_NONE",
	                                    "munmap of part of a mapping",
	                                    "mprotect other than read-write on a mapping"};

	if (!(logged & (1u << gap))) {
		logged |= 1u << gap;
		libc_unsupported_log_text(names[gap]);
	}
	errno = ENOSYS;
}

static unsigned order_for(size_t pages)
{
	unsigned order = 0;

	while (((size_t)1 << order) < pages)
		order++;
	return order;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct mapping *m;
	size_t pages;

	if (len == 0 || !(flags & (MAP_PRIVATE | MAP_SHARED))) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (!(flags & MAP_ANONYMOUS)) {
		unsupported(FILE_MAP);
		return MAP_FAILED;
	}
	if (flags & MAP_FIXED) {
		unsupported(FIXED_MAP);
		return MAP_FAILED;
	}
	if (prot & PROT_EXEC) {
		unsupported(EXEC_MAP);
		return MAP_FAILED;
	}
	if (prot == PROT_NONE) {
		unsupported(NONE_MAP);
		return MAP_FAILED;
	}
	if (len > SIZE_MAX - PAGE_SIZE) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	/* addr without MAP_FIXED is a hint, which POSIX lets the system ignore. MAP_SHARED and
	 * MAP_PRIVATE differ only across fork(), which does not exist here. */
	pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	m = malloc(sizeof(*m));
	if (!m) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	m->order = order_for(pages);
	m->len = pages * PAGE_SIZE;
	m->start = (uintptr_t)mm_alloc_pages(m->order); /* zero-filled */
	if (!m->start) {
		free(m);
		errno = ENOMEM;
		return MAP_FAILED;
	}
	mutex_lock(&lock, UINT64_MAX);
	m->next = mappings;
	mappings = m;
	mutex_unlock(&lock);
	return (void *)m->start;
}

int munmap(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr, end;
	struct mapping **p, *m;

	if (start % PAGE_SIZE || len == 0 || len > UINTPTR_MAX - start) {
		errno = EINVAL;
		return -1;
	}
	end = start + len;
	mutex_lock(&lock, UINT64_MAX);
	for (p = &mappings; (m = *p); p = &m->next) {
		if (end <= m->start || start >= m->start + m->len)
			continue; /* no overlap */
		if (start == m->start && (end + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE == m->start + m->len) {
			*p = m->next;
			mutex_unlock(&lock);
			mm_free_pages((void *)m->start, m->order);
			free(m);
			return 0;
		}
		mutex_unlock(&lock);
		unsupported(PART_UNMAP);
		return -1;
	}
	mutex_unlock(&lock);
	return 0; /* nothing mapped there: POSIX lets this succeed */
}

/* Read-write is what every mapping already is: asking that of (part of) one succeeds. Any
 * other protection, or memory that mmap() did not give, is not supported. */
int mprotect(void *addr, size_t len, int prot)
{
	uintptr_t start = (uintptr_t)addr;
	bool inside = false;

	if (start % PAGE_SIZE || len > UINTPTR_MAX - start) {
		errno = EINVAL;
		return -1;
	}
	mutex_lock(&lock, UINT64_MAX);
	for (struct mapping *m = mappings; m; m = m->next)
		inside |= start >= m->start && start + len <= m->start + m->len;
	mutex_unlock(&lock);
	if (prot == (PROT_READ | PROT_WRITE) && inside)
		return 0;
	unsupported(PROTECT);
	return -1;
}
