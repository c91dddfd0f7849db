/* SPDX-License-Identifier: MIT */
/* www_root.c: httpd's --root (www_root.h): request paths mapped onto a folder, symlinks
 * resolved and checked so that no request reads a file outside it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "www_root.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static char root[PATH_MAX]; /* empty: the embedded files */

int www_root_contains(const char *base, const char *path)
{
	size_t n = strlen(base);

	if (strcmp(base, "/") == 0)
		return path[0] == '/';
	return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int www_root_set(const char *dir)
{
	char real[PATH_MAX];
	struct stat st;

	if (realpath(dir, real) == NULL)
		return -errno;
	if (stat(real, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	snprintf(root, sizeof(root), "%s", real);
	return 0;
}

const char *www_root(void) { return root[0] ? root : NULL; }

/* The real path of `want` in out, checked to lie inside the root. */
static int resolve(const char *want, char *out)
{
	if (realpath(want, out) == NULL)
		return errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG ? -ENOENT : -errno;
	return www_root_contains(root, out) ? 0 : -EACCES;
}

int www_root_open(const char *url, int *fd, off_t *size, char *name, size_t len)
{
	/* On the heap: connection threads have small stacks (httpd.c, CONN_STACK). */
	struct {
		char want[PATH_MAX], real[PATH_MAX];
	} *b = malloc(sizeof(*b));
	char *want, *real;
	struct stat st;
	int rc;

	if (b == NULL)
		return -ENOMEM;
	want = b->want;
	real = b->real;
	rc = -ENOENT;
	if ((size_t)snprintf(want, PATH_MAX, "%s%s", root, url) >= PATH_MAX)
		goto out;
	rc = resolve(want, real);
	if (rc < 0)
		goto out;
	rc = stat(real, &st) < 0 ? -errno : 0;
	if (rc == 0 && S_ISDIR(st.st_mode)) {
		/* The folder's index.html, which may itself be a symlink: checked again. */
		rc = -EACCES;
		if ((size_t)snprintf(want, PATH_MAX, "%s/index.html", real) >= PATH_MAX ||
		    resolve(want, real) < 0)
			goto out;
		rc = 0;
	}
	if (rc < 0)
		goto out;
	*fd = open(real, O_RDONLY);
	if (*fd < 0) {
		rc = errno == ENOENT ? -ENOENT : -errno;
		goto out;
	}
	/* The size comes from the descriptor, so it is that of the file being sent. */
	rc = fstat(*fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EACCES;
	if (rc < 0) {
		close(*fd);
		goto out;
	}
	*size = st.st_size;
	snprintf(name, len, "%s", strrchr(real, '/') + 1);
out:
	free(b);
	return rc;
}
