/* SPDX-License-Identifier: MIT */
/* libc_glob.c: glob(), which newlib declares but does not build here. Matching names against
 * the filesystem is not written yet: glob fails with GLOB_ABEND (errno ENOSYS), logged once,
 * rather than report that nothing matched. */
#include <glob.h>
#include <stdlib.h>

#include "libc_unsupported.h"

static int glob_unsupported(void) { LIBC_UNSUPPORTED(_REENT, "glob"); }

int glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g)
{
	(void)pattern;
	(void)flags;
	(void)errfunc;
	g->gl_pathc = 0;
	g->gl_pathv = NULL;
	glob_unsupported();
	return GLOB_ABEND;
}

void globfree(glob_t *g)
{
	free(g->gl_pathv);
	g->gl_pathv = NULL;
	g->gl_pathc = 0;
}
