/* SPDX-License-Identifier: MIT */
/* init.c: runs the INIT_HOOK() list (mote/init.h) that images collect from the libraries they
 * link; the linker provides the section bounds. */
#include <mote/init.h>
#include <mote/log.h>

/* Weak: an image with no hook has no section, and the linker then defines neither symbol. */
extern const struct init_hook __start_mote_init[] __attribute__((weak));
extern const struct init_hook __stop_mote_init[] __attribute__((weak));

void init_hooks_run(void)
{
	for (const struct init_hook *h = __start_mote_init; h < __stop_mote_init; h++) {
		log_debug("init: %s", h->name);
		h->run();
	}
}
