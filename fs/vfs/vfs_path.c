/* SPDX-License-Identifier: MIT */
/* vfs_path.c: pure path logic for the VFS (vfs_path.h); the host unit tests compile this
 * file unchanged, so it uses only the C library's string functions. */
#include <errno.h>
#include <string.h>

#include <mote/vfs.h>

#include "vfs_path.h"

int vfs_path_next(const char **p, const char **name, size_t *len)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == '/')
		s++;
	if (*s == '\0') {
		*p = s;
		return 0;
	}
	while (s[n] != '\0' && s[n] != '/')
		n++;
	*name = s;
	*len = n;
	*p = s + n;
	return n > VFS_NAME_MAX ? -ENAMETOOLONG : 1;
}

void vfs_path_pop(char *buf)
{
	char *slash = strrchr(buf, '/');

	if (slash == NULL || slash == buf)
		strcpy(buf, "/");
	else
		*slash = '\0';
}

int vfs_path_push(char *buf, size_t cap, const char *name, size_t len)
{
	size_t used = strlen(buf);

	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		vfs_path_pop(buf);
		return 0;
	}
	/* "/" + name, or "/x" + "/" + name, and the NUL. */
	if (used == 1) {
		if (1 + len + 1 > cap)
			return -ENAMETOOLONG;
		memcpy(buf + 1, name, len);
		buf[1 + len] = '\0';
		return 0;
	}
	if (used + 1 + len + 1 > cap)
		return -ENAMETOOLONG;
	buf[used] = '/';
	memcpy(buf + used + 1, name, len);
	buf[used + 1 + len] = '\0';
	return 0;
}

int vfs_path_normalize(const char *cwd, const char *path, char *out, size_t cap)
{
	const char *name;
	size_t len;
	int rc;

	if (path[0] == '\0')
		return -ENOENT;
	if (strnlen(path, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (cap < 2)
		return -ENAMETOOLONG;
	if (path[0] == '/' || cwd == NULL) {
		strcpy(out, "/");
	} else {
		if (strlen(cwd) + 1 > cap)
			return -ENAMETOOLONG;
		strcpy(out, cwd);
	}
	while ((rc = vfs_path_next(&path, &name, &len)) > 0) {
		rc = vfs_path_push(out, cap, name, len);
		if (rc < 0)
			return rc;
	}
	return rc;
}

int vfs_path_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (n == 1 && prefix[0] == '/')
		return path[0] == '/' ? 0 : -1;
	if (strncmp(path, prefix, n) != 0)
		return -1;
	if (path[n] != '\0' && path[n] != '/')
		return -1;
	return (int)n;
}
