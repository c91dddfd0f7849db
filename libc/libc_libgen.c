/* SPDX-License-Identifier: MIT */
/* libc_libgen.c: dirname(), which newlib declares in libgen.h but does not build here (its
 * basename is built). POSIX's rules: the part before the last name, "." when there is none. */
#include <libgen.h>
#include <string.h>

char *dirname(char *path)
{
	static char dot[] = ".";
	char *end;

	if (path == NULL || *path == '\0')
		return dot;
	end = path + strlen(path) - 1;
	while (end > path && *end == '/') /* trailing slashes are not a name */
		end--;
	while (end >= path && *end != '/')
		end--;
	if (end < path)
		return dot; /* a name alone */
	while (end > path && *end == '/')
		end--;
	end[1] = '\0'; /* "/" stays "/" */
	return path;
}
