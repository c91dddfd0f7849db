/* SPDX-License-Identifier: MIT */
/* arch/tls.h: per-thread blocks for __thread variables, in the x86_64 ELF layout (variant II:
 * the thread pointer, FS base, points just past the block, at a word holding its own value). */
#ifndef ARCH_TLS_H
#define ARCH_TLS_H

#include <stddef.h>
#include <stdint.h>

/* Bytes a thread's TLS area needs (0 when the image has no __thread variables), and the
 * alignment it must start at. */
size_t arch_tls_area_size(void);
size_t arch_tls_area_align(void);

/* Fill `area` (arch_tls_area_size() bytes, aligned as arch_tls_area_align() says) from the
 * image's template and return the thread pointer to load for the thread that owns it. */
uintptr_t arch_tls_init(void *area);

#endif
