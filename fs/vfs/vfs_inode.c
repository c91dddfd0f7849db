/* SPDX-License-Identifier: MIT */
/* vfs_inode.c: inode lifetime (mote/vfs.h): filesystems create inodes here and the VFS and
 * filesystems count references; the last put hands the inode back to its filesystem. */
#include <stdlib.h>

#include <mote/vfs.h>

struct vfs_inode *vfs_inode_new(struct vfs_mount *mnt)
{
	struct vfs_inode *node = calloc(1, sizeof(*node));

	if (!node)
		return NULL;
	node->mnt = mnt;
	node->refs = 1;
	mutex_init(&node->lock, false);
	return node;
}

void vfs_inode_get(struct vfs_inode *node) { __atomic_add_fetch(&node->refs, 1, __ATOMIC_ACQ_REL); }

void vfs_inode_put(struct vfs_inode *node)
{
	if (!node || __atomic_sub_fetch(&node->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (node->mnt && node->mnt->ops && node->mnt->ops->release)
		node->mnt->ops->release(node);
	free(node);
}
