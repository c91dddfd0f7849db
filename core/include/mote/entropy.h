/* SPDX-License-Identifier: MIT */
/* mote/entropy.h: random bytes from hardware sources (virtio-rng, later RDRAND or Xen's), for
 * the network stack's sequence numbers and port choice and for stack canaries. */
#ifndef MOTE_ENTROPY_H
#define MOTE_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>

#define ENTROPY_SOURCES_MAX 4

struct entropy_source {
	const char *name; /* "virtio-rng0" */
	/* Fill up to `len` bytes of buf; return how many (> 0) or a negative errno. May block
	 * until the device answers. Thread context. */
	int (*read)(void *ctx, void *buf, size_t len);
	void *ctx;
};

/* Add a source (a driver, at probe time). 0, -EINVAL or -ENOSPC. Thread context. */
int entropy_register(const struct entropy_source *src);

/* Whether any source is registered. */
bool entropy_available(void);

/* Fill all `len` bytes of buf from the first source that answers, blocking until they are
 * there. Returns 0, -ENODEV when no source is registered, or -EIO when every source failed.
 * The bytes come from the device unwhitened: virtio-rng promises random bytes (virtio 1.2
 * §5.4), so they are passed on as they are. Thread context, never from an interrupt handler. */
int entropy_read(void *buf, size_t len);

#endif
