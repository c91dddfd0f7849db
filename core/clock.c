/* SPDX-License-Identifier: MIT */
/* clock.c: sleeping on the tickless one-shot timer. */
#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/clock.h>

void core_timer_expired(void)
{
	/* Nothing to record: the interrupt has woken hal_cpu_idle(), and the sleeper re-reads the
	 * clock, which is the only truth (the timer may fire early when asked for far ahead). */
}

void clock_sleep_until(uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();

	while (hal_clock_monotonic_ns() < deadline_ns) {
		hal_timer_oneshot(deadline_ns);
		/* Interrupts stay off until hal_cpu_idle() enables them atomically with the halt, so
		 * an expiry between the two lines is not lost. */
		hal_cpu_idle();
	}
	hal_timer_oneshot(HAL_TIMER_OFF);
	hal_irq_restore(s);
}
