/* SPDX-License-Identifier: MIT */
/* tls.c: building a thread's TLS block from the image's PT_TLS template. Local-exec code reads
 * variables at negative offsets from %fs that the linker computed as "offset in the template
 * minus the template's size rounded up to its alignment"; %fs:0 must hold the thread pointer
 * itself (System V x86_64 ABI, "Thread-Local Storage"). */
#include <string.h>

#include <arch/tls.h>

extern const char __tdata_start[], __tdata_end[], __tbss_end[];
extern const char __tls_align[]; /* an absolute symbol: its address is the value */

static uintptr_t align_up(uintptr_t v, uintptr_t a) { return (v + a - 1) & ~(a - 1); }

static size_t template_align(void)
{
	size_t a = (size_t)(uintptr_t)__tls_align;

	return a ? a : 1;
}

/* The block the linker's offsets assume: the template's size rounded to its alignment. */
static size_t block_size(void) { return align_up((size_t)(__tbss_end - __tdata_start), template_align()); }

/* The thread pointer must be aligned for the template and for the self-pointer word. */
static size_t tp_align(void) { return template_align() > 8 ? template_align() : 8; }

size_t arch_tls_area_size(void)
{
	if ((uintptr_t)__tbss_end == (uintptr_t)__tdata_start)
		return 0;
	return block_size() + tp_align() + 2 * sizeof(uintptr_t);
}

size_t arch_tls_area_align(void) { return 8; }

uintptr_t arch_tls_init(void *area)
{
	size_t block = block_size(), data = (size_t)(__tdata_end - __tdata_start);
	uintptr_t tp = align_up((uintptr_t)area + block, tp_align());
	uint8_t *start = (uint8_t *)(tp - block);

	memcpy(start, __tdata_start, data);
	memset(start + data, 0, block - data);
	*(uintptr_t *)tp = tp;
	return tp;
}
