/* SPDX-License-Identifier: MIT */
/* mote/init.h: subsystems that start before main() only in the images that link them (the
 * network stack). Each declares a hook with INIT_HOOK(); core runs them after device probing. */
#ifndef MOTE_INIT_H
#define MOTE_INIT_H

struct init_hook {
	const char *name; /* "net", for diagnostics */
	/* Start the subsystem. Thread context, devices probed, main() not yet called. A hook
	 * reports its own failures; boot goes on without the subsystem. */
	void (*run)(void);
};

/* Declare a hook; the list is the linker section "mote_init", run in link order. */
#define INIT_HOOK(ident, hookname, fn)                                                                    \
	static const struct init_hook init_hook_##ident                                                   \
	        __attribute__((used, section("mote_init"), aligned(sizeof(void *)))) = {.name = hookname, \
	                                                                                .run = fn}

/* Run every hook in the image. Called once by core_main(), before main(). */
void init_hooks_run(void);

#endif
