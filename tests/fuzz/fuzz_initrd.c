/* SPDX-License-Identifier: MIT */
/* fuzz_initrd.c: the initrd filesystem (fs/initrd/initrd.c) mounted on any bytes, then walked
 * whole: every folder listed and looked up, every file and symlink read, then unmounted. A
 * malformed archive must be refused; an accepted one must walk without a fault or a leak. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/initrd/initrd.c"
#include "../../fs/vfs/vfs_inode.c"

/* What initrd.c and vfs_inode.c use of core, as host stand-ins. */
void mutex_init(struct mutex *m, bool recursive) { memset(m, 0, sizeof(*m)), m->recursive = recursive; }
void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; }

static unsigned walked;

static void walk(struct vfs_inode *dir, int depth)
{
	struct vfs_dirent *ent = malloc(sizeof(*ent));
	uint64_t cookie = 0;
	char buf[512];

	while (depth < 64 && initrd_readdir(dir, &cookie, ent) == 1) {
		struct vfs_inode *child;
		struct stat st;

		if (++walked > 100000)
			break;
		if (initrd_lookup(dir, ent->name, strlen(ent->name), &child) != 0)
			abort(); /* readdir named it */
		initrd_getattr(child, &st);
		if (S_ISDIR(child->mode))
			walk(child, depth + 1);
		else if (S_ISLNK(child->mode))
			initrd_readlink(child, buf, sizeof(buf));
		else
			for (uint64_t off = 0; initrd_read(child, buf, sizeof(buf), off) > 0;
			     off += sizeof(buf))
				;
		vfs_inode_put(child);
	}
	free(ent);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfs_mount mnt;

	memset(&mnt, 0, sizeof(mnt));
	if (initrd_mount(&mnt, NULL, data, size) != 0)
		return 0;
	walked = 0;
	walk(mnt.root, 0);
	/* As vfs_umount does: the mount's reference to its root, then the filesystem's unmount. */
	vfs_inode_put(mnt.root);
	initrd_unmount(&mnt);
	return 0;
}
