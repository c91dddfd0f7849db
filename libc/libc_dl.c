/* SPDX-License-Identifier: MIT */
/* libc_dl.c: dlopen and its family. An image is one statically linked program with no loader,
 * so loading fails, logged once, and dlerror says so; no handle is ever given out. */
#include <dlfcn.h>
#include <stddef.h>

#include "libc_unsupported.h"

static const char *dl_error; /* what dlerror reports next, then NULL (POSIX) */

static void dl_fail(const char *name, const char *why)
{
	static int logged;

	if (!logged) {
		logged = 1;
		libc_unsupported_log(name);
	}
	dl_error = why;
}

void *dlopen(const char *path, int mode)
{
	(void)path;
	(void)mode;
	dl_fail("dlopen", "dlopen: a Mote image cannot load code (ENOSYS)");
	return NULL;
}

void *dlsym(void *handle, const char *name)
{
	(void)handle;
	(void)name;
	dl_fail("dlsym", "dlsym: no handle was opened (ENOSYS)");
	return NULL;
}

int dlclose(void *handle)
{
	(void)handle;
	dl_fail("dlclose", "dlclose: no handle was opened (ENOSYS)");
	return -1;
}

char *dlerror(void)
{
	const char *e = dl_error;

	dl_error = NULL;
	return (char *)e;
}

/* The symbol table embedded in the image could answer this, but nothing needs it yet. */
int dladdr(const void *addr, Dl_info *info)
{
	(void)addr;
	(void)info;
	dl_fail("dladdr", "dladdr: not supported (ENOSYS)");
	return 0;
}
