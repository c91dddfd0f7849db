/* SPDX-License-Identifier: MIT */
/* entropy.c: the registry of entropy sources and entropy_read() (mote/entropy.h). */
#include <errno.h>
#include <stdint.h>

#include <hal/cpu.h>
#include <mote/entropy.h>
#include <mote/log.h>

static const struct entropy_source *sources[ENTROPY_SOURCES_MAX];
static unsigned nsources;

int entropy_register(const struct entropy_source *src)
{
	if (!src || !src->read || !src->name)
		return -EINVAL;
	hal_irq_state_t s = hal_irq_save();
	int err = nsources == ENTROPY_SOURCES_MAX ? -ENOSPC : 0;

	if (err == 0)
		sources[nsources++] = src;
	hal_irq_restore(s);
	if (err == 0)
		log_debug("entropy: source %s", src->name);
	return err;
}

bool entropy_available(void) { return __atomic_load_n(&nsources, __ATOMIC_ACQUIRE) != 0; }

int entropy_read(void *buf, size_t len)
{
	unsigned n = __atomic_load_n(&nsources, __ATOMIC_ACQUIRE);

	if (n == 0)
		return -ENODEV;
	for (unsigned i = 0; i < n; i++) {
		const struct entropy_source *src = sources[i];
		uint8_t *p = buf;
		size_t left = len;

		unsigned empty = 0;

		while (left > 0) {
			int got = src->read(src->ctx, p, left);

			/* A source may have nothing right now; a few empty answers in a row are
			 * tolerated, an endless run is a failure, not a hang. */
			if (got == -EAGAIN && ++empty < 100)
				continue;
			if (got <= 0 || (size_t)got > left) {
				log_warn("entropy: source %s failed (%d)", src->name, got);
				break;
			}
			empty = 0;
			p += got;
			left -= (size_t)got;
		}
		if (left == 0)
			return 0;
	}
	return -EIO;
}
