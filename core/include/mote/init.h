/* SPDX-License-Identifier: MIT */
/* mote/init.h: subsystems that start before main() only in the images that link them (the
 * filesystems, the network stack), in ordered levels, and the work they need done on a clean
 * exit (writing back files). Each declares its hooks; core runs them. */
#ifndef MOTE_INIT_H
#define MOTE_INIT_H

struct hal_boot_module;

/* Code that runs once at boot in a file kept at -O2 for its hot paths: GCC optimises a cold
 * function for size, as if -Os, and places it apart from the hot ones. */
#define MOTE_BOOT_ONLY __attribute__((cold))

/* The order hooks run in: every hook of a level before any of the next. */
enum init_level {
	INIT_LEVEL_DEVICES = 0, /* after device probing: device-class set-up */
	INIT_LEVEL_ROOTFS = 1,  /* the root filesystem and /tmp */
	INIT_LEVEL_MOUNTS = 2,  /* fs.mount= and the built-in command line's mounts */
	INIT_LEVEL_NETWORK = 3, /* the network stack */
	INIT_LEVEL_COUNT
};

struct init_hook {
	const char *name; /* "net", for diagnostics */
	enum init_level level;
	/* Start the subsystem. Thread context, devices probed, main() not yet called. A hook
	 * reports its own failures; boot goes on without the subsystem. */
	void (*run)(void);
};

/* Declare a hook; the list is the linker section "mote_init", run level by level, in link
 * order within a level. */
#define INIT_HOOK(ident, hookname, hooklevel, fn)                                        \
	static const struct init_hook init_hook_##ident                                  \
	        __attribute__((used, section("mote_init"), aligned(sizeof(void *)))) = { \
	                .name = hookname, .level = hooklevel, .run = fn}

/* Run every hook in the image. Called once by core_main(), before main(). */
void init_hooks_run(void);

/* The order exit hooks run in: every hook of a level before any of the next, so that files
 * are written back before the devices under them close. */
enum exit_level {
	EXIT_LEVEL_FILES = 0,   /* fs's write-back, onto devices that still run */
	EXIT_LEVEL_DEVICES = 1, /* closing devices (Xen's xenbus handshakes) */
	EXIT_LEVEL_COUNT
};

/* Work for a clean exit (exit(), return from main()): thread context, interrupts on, before
 * the machine powers off. Not run on a panic or a fault. A hook that waits on a device bounds
 * the wait with a deadline. */
struct exit_hook {
	const char *name;
	enum exit_level level;
	void (*run)(void);
};

/* Declare an exit hook; the list is the linker section "mote_exit", run level by level, in link
 * order within a level. */
#define EXIT_HOOK(ident, hookname, hooklevel, fn)                                        \
	static const struct exit_hook exit_hook_##ident                                  \
	        __attribute__((used, section("mote_exit"), aligned(sizeof(void *)))) = { \
	                .name = hookname, .level = hooklevel, .run = fn}

/* Run every exit hook once (a hook that calls exit() does not start them again). Called by
 * core_exit(). */
void exit_hooks_run(void);

/* The boot modules the platform handed over (hal/boot.h), for the hooks that use them (fs/'s
 * initrd): their number, with *out pointing at core's copy of the list. */
unsigned init_boot_modules(const struct hal_boot_module **out);

#endif
