/* SPDX-License-Identifier: MIT */
/* net_port.c: the helpers lwIP's arch/cc.h names: diagnostics into the kernel log, assertions
 * as panics, and random numbers for ports, sequence numbers and DHCP transaction ids. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <hal/time.h>
#include <mote/entropy.h>
#include <mote/log.h>
#include <mote/panic.h>
#include <mote/thread.h>

#include "net_internal.h"

void net_diag(const char *fmt, ...)
{
	char line[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_debug("lwip: %s", line);
}

void net_assert_failed(const char *msg, const char *file, int line)
{
	panic("lwip: assertion \"%s\" failed at %s:%d", msg, file, line);
}

static uint64_t state = 0x9e3779b97f4a7c15ull;

/* From the entropy device when the image has one (virtio-rng), else the cycle counter at
 * start: not secret, but different from boot to boot, as TCP's initial sequence numbers and
 * ephemeral ports must be (RFC 6528, RFC 6056). */
void net_random_seed(void)
{
	uint64_t seed = 0;

	if (entropy_available() && entropy_read(&seed, sizeof(seed)) == 0)
		log_debug("net: random seed from the entropy device");
	else
		seed = hal_cycles() ^ (hal_clock_wall_ns() << 17);
	state ^= seed;
	if (state == 0)
		state = 0x9e3779b97f4a7c15ull;
}

/* xorshift64*: fast and well distributed; callers are threads, so preemption is held off
 * around the update. */
unsigned net_random(void)
{
	uint64_t x;

	sched_preempt_disable();
	x = state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state = x;
	sched_preempt_enable();
	return (unsigned)((x * 0x2545f4914f6cdd1dull) >> 32);
}
