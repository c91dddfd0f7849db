/* SPDX-License-Identifier: MIT */
/* libc_start.c: the C runtime's start: run the image's constructors, then main(), and pass its
 * result to exit(), which runs atexit handlers, destructors and flushes stdio before _exit()
 * powers the machine off. */
#include <stdlib.h>

#include <mote/app.h>

#include "libc_threads.h"

int main(int argc, char **argv);
void __libc_init_array(void);
void libc_env_apply(void); /* libc_sysinfo.c: mote.env= options */

/* newlib's init/fini walkers call these around the arrays; a crt0 would supply them, and
 * Mote has nothing to add to the arrays' own entries. */
void _init(void) {}
void _fini(void) {}

void mote_app_start(int argc, char **argv)
{
	libc_reent_set_main(); /* this thread keeps newlib's global state */
	libc_env_apply();
	__libc_init_array();
	exit(main(argc, argv));
}
