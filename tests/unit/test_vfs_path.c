/* SPDX-License-Identifier: MIT */
/* test_vfs_path.c: the VFS's pure path logic (fs/vfs/vfs_path.c): components, "." and "..",
 * joining against a current directory, the length limits, and which mount a path is under. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/vfs.h>

#include "check.h"
#include "vfs_path.h"

static const char *norm(const char *cwd, const char *path)
{
	static char out[VFS_PATH_MAX];
	int rc = vfs_path_normalize(cwd, path, out, sizeof(out));

	return rc < 0 ? "ERR" : out;
}

int main(void)
{
	const char *p, *name;
	char buf[VFS_PATH_MAX], *big;
	size_t len;

	/* splitting */
	p = "//a/bc///d/";
	CHECK_EQ(vfs_path_next(&p, &name, &len), 1);
	CHECK(len == 1 && name[0] == 'a');
	CHECK_EQ(vfs_path_next(&p, &name, &len), 1);
	CHECK(len == 2 && memcmp(name, "bc", 2) == 0);
	CHECK_EQ(vfs_path_next(&p, &name, &len), 1);
	CHECK(len == 1 && name[0] == 'd');
	CHECK_EQ(vfs_path_next(&p, &name, &len), 0);
	p = "";
	CHECK_EQ(vfs_path_next(&p, &name, &len), 0);

	/* normalising */
	CHECK_STR(norm("/", "/"), "/");
	CHECK_STR(norm("/", "a/b"), "/a/b");
	CHECK_STR(norm("/x/y", "a/../b/."), "/x/y/b");
	CHECK_STR(norm("/x/y", "../../../.."), "/");
	CHECK_STR(norm("/x/y", "/.."), "/");
	CHECK_STR(norm("/x", "./"), "/x");
	CHECK_STR(norm("/x", "..//z//"), "/z");
	CHECK_STR(norm("/", "a/./b/../../c"), "/c");
	CHECK_EQ(vfs_path_normalize("/", "", buf, sizeof(buf)), -ENOENT);

	/* push and pop */
	strcpy(buf, "/");
	CHECK_EQ(vfs_path_push(buf, sizeof(buf), "tmp", 3), 0);
	CHECK_STR(buf, "/tmp");
	CHECK_EQ(vfs_path_push(buf, sizeof(buf), "..", 2), 0);
	CHECK_STR(buf, "/");
	CHECK_EQ(vfs_path_push(buf, sizeof(buf), "..", 2), 0);
	CHECK_STR(buf, "/");
	vfs_path_pop(buf);
	CHECK_STR(buf, "/");
	strcpy(buf, "/a/b");
	vfs_path_pop(buf);
	CHECK_STR(buf, "/a");
	strcpy(buf, "/abc");
	CHECK_EQ(vfs_path_push(buf, 8, "def", 3), -ENAMETOOLONG); /* "/abc/def" + NUL is 9 */
	CHECK_STR(buf, "/abc");
	CHECK_EQ(vfs_path_push(buf, 9, "def", 3), 0);

	/* limits: a component of VFS_NAME_MAX is fine, one more is not; a whole path too long */
	big = malloc(VFS_PATH_MAX + 10);
	memset(big, 'n', VFS_NAME_MAX + 1);
	big[0] = '/';
	big[VFS_NAME_MAX + 1] = '\0';
	CHECK_EQ(vfs_path_normalize("/", big, buf, sizeof(buf)), 0);
	big[VFS_NAME_MAX + 1] = 'n';
	big[VFS_NAME_MAX + 2] = '\0';
	CHECK_EQ(vfs_path_normalize("/", big, buf, sizeof(buf)), -ENAMETOOLONG);
	for (int i = 0; i < VFS_PATH_MAX / 2 + 2; i++)
		memcpy(big + 2 * i, "/a", 2);
	big[VFS_PATH_MAX + 4] = '\0';
	CHECK_EQ(vfs_path_normalize("/", big, buf, sizeof(buf)), -ENAMETOOLONG);
	/* A long path that ".." brings back under the limit is still too long as given. */
	CHECK_EQ(vfs_path_normalize("/", big, buf, sizeof(buf)), -ENAMETOOLONG);
	/* A cwd near the limit plus a relative name overflows the result. */
	for (int i = 0; i < VFS_PATH_MAX / 2 - 1; i++)
		memcpy(big + 2 * i, "/a", 2);
	big[VFS_PATH_MAX - 2] = '\0';
	CHECK_EQ(vfs_path_normalize(big, "bb", buf, sizeof(buf)), -ENAMETOOLONG);
	free(big);

	/* mount prefixes */
	CHECK_EQ(vfs_path_under("/tmp/x", "/"), 0);
	CHECK_EQ(vfs_path_under("/tmp/x", "/tmp"), 4);
	CHECK_EQ(vfs_path_under("/tmp", "/tmp"), 4);
	CHECK_EQ(vfs_path_under("/tmpx", "/tmp"), -1);
	CHECK_EQ(vfs_path_under("/tm", "/tmp"), -1);
	CHECK_EQ(vfs_path_under("/mnt/disk/a", "/mnt/disk"), 9);

	return check_report();
}
