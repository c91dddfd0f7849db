/* SPDX-License-Identifier: MIT */
/* init.c: runs the INIT_HOOK() list (mote/init.h) level by level and the EXIT_HOOK() list
 * that images collect from the libraries they link; the linker provides the section bounds. */
#include <stdbool.h>

#include <mote/init.h>
#include <mote/log.h>

/* Weak: an image with no hook has no section, and the linker then defines neither symbol. */
extern const struct init_hook __start_mote_init[] __attribute__((weak));
extern const struct init_hook __stop_mote_init[] __attribute__((weak));
extern const struct exit_hook __start_mote_exit[] __attribute__((weak));
extern const struct exit_hook __stop_mote_exit[] __attribute__((weak));

void init_hooks_run(void)
{
	for (int level = 0; level < INIT_LEVEL_COUNT; level++) {
		for (const struct init_hook *h = __start_mote_init; h < __stop_mote_init; h++) {
			if ((int)h->level != level)
				continue;
			log_debug("init: %s", h->name);
			h->run();
		}
	}
}

void exit_hooks_run(void)
{
	static bool started;

	if (__atomic_exchange_n(&started, true, __ATOMIC_ACQ_REL))
		return;
	for (int level = 0; level < EXIT_LEVEL_COUNT; level++) {
		for (const struct exit_hook *h = __start_mote_exit; h < __stop_mote_exit; h++) {
			if ((int)h->level != level)
				continue;
			log_debug("exit: %s", h->name);
			h->run();
		}
	}
}
