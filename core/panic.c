/* SPDX-License-Identifier: MIT */
/* panic.c: the ways a Mote image stops: panic() and fatal_stop() for errors, with a backtrace,
 * and core_exit() for a normal end with the application's status. */
#include <stdarg.h>

#include <hal/cpu.h>
#include <hal/power.h>
#include <mote/backtrace.h>
#include <mote/fmt.h>
#include <mote/init.h>
#include <mote/log.h>
#include <mote/panic.h>
#include <mote/status.h>

static int stopping;

void fatal_stop(int status, const char *what)
{
	hal_irq_save();
	if (stopping++) { /* a fault while stopping: no second diagnostic, just stop */
		kprintf("mote: fatal error while stopping: %s\n", what);
		hal_crash(status);
	}
	kprintf("mote: %s\n", what);
	backtrace_print(0, 0, (uintptr_t)__builtin_frame_address(0));
	kprintf("mote: stopping with status %d\n", status);
	hal_crash(status);
}

void panic(const char *fmt, ...)
{
	char msg[200] = "panic: ";
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg + 7, sizeof(msg) - 7, fmt, ap);
	va_end(ap);
	fatal_stop(MOTE_STATUS_PANIC, msg);
}

void core_exit(int status)
{
	int carried = status;

	exit_hooks_run(); /* files written back while interrupts still run the devices */
	hal_irq_save();
	if (status < 0 || status > MOTE_STATUS_APP_MAX) {
		/* The host sees 7 bits at most, and 120-127 are Mote's own: say what happened. */
		log_warn("exit status %d is outside 0-%d; reporting %d", status, MOTE_STATUS_APP_MAX,
		         MOTE_STATUS_OUT_OF_RANGE);
		carried = MOTE_STATUS_OUT_OF_RANGE;
	}
	log_info("exit status %d", status);
	hal_poweroff(carried);
}
