/* SPDX-License-Identifier: MIT */
/* vfs_path.h: the VFS's pure path logic (splitting into components, joining, normalising "."
 * and ".."), with no kernel dependency so the host unit tests compile it as it is. */
#ifndef VFS_PATH_H
#define VFS_PATH_H

#include <stddef.h>

/* The next component of *p (slashes skipped), its start in *name and length in *len; *p moves
 * past it. Returns 1 for a component, 0 at the end, -ENAMETOOLONG when one is longer than
 * VFS_NAME_MAX. */
int vfs_path_next(const char **p, const char **name, size_t *len);

/* Append the component (name, len) to the absolute normalised path `buf` (size cap), handling
 * "." (nothing) and ".." (drop the last component; "/.." is "/"). Returns 0 or -ENAMETOOLONG. */
int vfs_path_push(char *buf, size_t cap, const char *name, size_t len);

/* Drop the last component of the absolute normalised path `buf` ("/" stays "/"). */
void vfs_path_pop(char *buf);

/* `path` made absolute against `cwd` (absolute, normalised) and normalised lexically (".",
 * "..", repeated slashes), into out (cap bytes). Returns 0, -ENAMETOOLONG (a component or
 * the result too long), -ENOENT for the empty path. */
int vfs_path_normalize(const char *cwd, const char *path, char *out, size_t cap);

/* Whether `path` lies at or under `prefix` (both absolute and normalised): "/a" is under "/"
 * and "/a", not under "/ab". Returns how many bytes of path the prefix covers (0 for "/", so
 * the rest still starts with its slash), or -1 when path is not under it. */
int vfs_path_under(const char *path, const char *prefix);

#endif
