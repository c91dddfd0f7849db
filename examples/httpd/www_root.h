/* SPDX-License-Identifier: MIT */
/* www_root.h: httpd's --root: the files of a folder of the filesystem (initrd, ROOTFS or a
 * disk) instead of the embedded ones, never a file outside that folder. */
#ifndef WWW_ROOT_H
#define WWW_ROOT_H

#include <stddef.h>
#include <sys/types.h>

/* Serve the folder `dir` from now on. 0, or a negative errno (it is not a readable folder). */
int www_root_set(const char *dir);

/* The folder being served (its real path), or NULL when the embedded files are. */
const char *www_root(void);

/* Opens the file request path `url` (decoded, starting with '/', no ".." segment: see
 * http_request.h) names under the root. A folder serves its index.html. On success returns 0
 * with the open descriptor in *fd, its size in *size and the file's name (for the content
 * type) in name[len]. -ENOENT: nothing there (404); -EACCES: a folder without index.html, something
 * other than a file, or a path that leaves the root through a symlink (403); another negative
 * errno for the rest (500). */
int www_root_open(const char *url, int *fd, off_t *size, char *name, size_t len);

/* 1 when `path` is `root` or inside it (both real paths, without a trailing '/'), else 0. */
int www_root_contains(const char *root, const char *path);

#endif
