/* SPDX-License-Identifier: MIT */
/* libc_malloc.c: malloc and its kin, for newlib's own code (the _r forms) and applications,
 * over libc_alloc.c's allocator, in place of newlib's dlmalloc (whose objects these names keep
 * out of the link). Every call runs under __malloc_lock (libc_locks.c): nothing here blocks. */
#include <errno.h>
#include <malloc.h>
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal/mem.h>
#include <mote/panic.h>

#include "libc_alloc.h"

static struct alloc_heap heap;

void *alloc_grow(struct alloc_heap *h, size_t incr)
{
	void *p = _sbrk_r(_REENT, (ptrdiff_t)incr);

	(void)h;
	return p == (void *)-1 ? NULL : p;
}

/* A bad pointer is the application's bug and a broken header means memory is already being
 * overwritten: either way, stop here rather than let the damage spread. */
void alloc_fail(struct alloc_heap *h, const char *call, const char *why, const void *p)
{
	(void)h;
	panic("%s(%p): %s", call, p, why);
}

static void *nomem(struct _reent *r, void *p)
{
	if (!p)
		r->_errno = ENOMEM;
	return p;
}

void *_malloc_r(struct _reent *r, size_t n)
{
	void *p;

	__malloc_lock(r);
	p = alloc_malloc(&heap, n);
	__malloc_unlock(r);
	return nomem(r, p);
}

void _free_r(struct _reent *r, void *p)
{
	if (!p)
		return;
	__malloc_lock(r);
	alloc_free(&heap, p);
	__malloc_unlock(r);
}

void *_realloc_r(struct _reent *r, void *p, size_t n)
{
	void *q;

	__malloc_lock(r);
	q = alloc_realloc(&heap, p, n);
	__malloc_unlock(r);
	return nomem(r, q);
}

void *_calloc_r(struct _reent *r, size_t count, size_t size)
{
	size_t n;
	void *p;

	if (__builtin_mul_overflow(count, size, &n)) {
		r->_errno = ENOMEM;
		return NULL;
	}
	p = _malloc_r(r, n);
	if (p) /* reused and merged blocks hold old data */
		memset(p, 0, n);
	return p;
}

void *_memalign_r(struct _reent *r, size_t align, size_t n)
{
	void *p;

	if (align & (align - 1)) {
		r->_errno = EINVAL;
		return NULL;
	}
	__malloc_lock(r);
	p = alloc_memalign(&heap, align, n);
	__malloc_unlock(r);
	return nomem(r, p);
}

void *_reallocf_r(struct _reent *r, void *p, size_t n)
{
	void *q = _realloc_r(r, p, n);

	if (!q)
		_free_r(r, p);
	return q;
}

void *_valloc_r(struct _reent *r, size_t n) { return _memalign_r(r, HAL_PAGE_SIZE, n); }

void *_pvalloc_r(struct _reent *r, size_t n)
{
	if (n > ALLOC_MAX_REQUEST) {
		r->_errno = ENOMEM;
		return NULL;
	}
	return _memalign_r(r, HAL_PAGE_SIZE, (n + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1));
}

size_t _malloc_usable_size_r(struct _reent *r, void *p)
{
	size_t n;

	__malloc_lock(r);
	n = alloc_usable_size(&heap, p);
	__malloc_unlock(r);
	return n;
}

/* Memory is never handed back to the kernel (core/mm.c keeps heap pages mapped regardless), so
 * trimming only merges the parked small blocks; it reports that nothing was released. */
int _malloc_trim_r(struct _reent *r, size_t pad)
{
	(void)pad;
	__malloc_lock(r);
	alloc_flush(&heap);
	__malloc_unlock(r);
	return 0;
}

struct mallinfo _mallinfo_r(struct _reent *r)
{
	struct alloc_stats st;
	struct mallinfo mi = {0};

	__malloc_lock(r);
	alloc_stats(&heap, &st);
	__malloc_unlock(r);
	mi.arena = st.arena;
	mi.ordblks = st.free_blocks;
	mi.smblks = st.parked_blocks;
	mi.fsmblks = st.parked_bytes;
	mi.fordblks = st.free_bytes + st.parked_bytes;
	mi.uordblks = st.arena - mi.fordblks;
	mi.usmblks = st.max_arena;
	mi.keepcost = st.top_free;
	return mi;
}

/* The figures are taken under the lock and printed after it, since stderr's lock may sleep. */
void _malloc_stats_r(struct _reent *r)
{
	struct mallinfo mi = _mallinfo_r(r);

	fprintf(stderr, "max system bytes = %10zu\nsystem bytes     = %10zu\nin use bytes     = %10zu\n",
	        mi.usmblks, mi.arena, mi.uordblks);
}

void _mstats_r(struct _reent *r, char *s)
{
	fprintf(stderr, "Memory allocation statistics %s\n", s);
	_malloc_stats_r(r);
}

/* Only M_TOP_PAD (extra heap asked for at each growth) means anything here: there is no mmap
 * and nothing is trimmed. 1 accepted, 0 not, as SVID says. */
int _mallopt_r(struct _reent *r, int param, int value)
{
	if (param != M_TOP_PAD || value < 0)
		return 0;
	__malloc_lock(r);
	heap.top_pad = (size_t)value;
	__malloc_unlock(r);
	return 1;
}

void *malloc(size_t n) { return _malloc_r(_REENT, n); }
void free(void *p) { _free_r(_REENT, p); }
void cfree(void *p) { _free_r(_REENT, p); }
void *realloc(void *p, size_t n) { return _realloc_r(_REENT, p, n); }
void *reallocf(void *p, size_t n) { return _reallocf_r(_REENT, p, n); }
void *calloc(size_t count, size_t size) { return _calloc_r(_REENT, count, size); }
void *memalign(size_t align, size_t n) { return _memalign_r(_REENT, align, n); }
void *valloc(size_t n) { return _valloc_r(_REENT, n); }
void *pvalloc(size_t n) { return _pvalloc_r(_REENT, n); }
size_t malloc_usable_size(void *p) { return _malloc_usable_size_r(_REENT, p); }
int malloc_trim(size_t pad) { return _malloc_trim_r(_REENT, pad); }
struct mallinfo mallinfo(void) { return _mallinfo_r(_REENT); }
void malloc_stats(void) { _malloc_stats_r(_REENT); }
void mstats(char *s) { _mstats_r(_REENT, s); }
int mallopt(int param, int value) { return _mallopt_r(_REENT, param, value); }

void *reallocarray(void *p, size_t count, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(count, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return _realloc_r(_REENT, p, n);
}

/* POSIX reports errors by return value and wants an alignment that is a multiple of a
 * pointer's size. */
int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	__malloc_lock(_REENT);
	p = alloc_memalign(&heap, align, n);
	__malloc_unlock(_REENT);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

/* C11: a power-of-two alignment (C17 lets any size go with it). */
void *aligned_alloc(size_t align, size_t n)
{
	if (align == 0 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	return _memalign_r(_REENT, align, n);
}
