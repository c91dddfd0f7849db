/* SPDX-License-Identifier: MIT */
/* fat_file.h: a FAT file's data (fat_file.c) for the VFS operations (fat_vfs.c). Caller holds
 * fs->lock. */
#ifndef FS_FAT_FILE_H
#define FS_FAT_FILE_H

#include <sys/types.h>

#include "fat_fs.h"

#define FAT_FILE_MAX 0xffffffffull /* the directory entry's size is 32 bits */

ssize_t fat_file_read(struct fat_fs *fs, struct fat_node *node, void *buf, size_t len, uint64_t off);
/* Fewer bytes than asked when the volume fills up (-ENOSPC when none fit), as write(2). */
ssize_t fat_file_write(struct fat_fs *fs, struct fat_node *node, const void *buf, size_t len, uint64_t off);
int fat_file_truncate(struct fat_fs *fs, struct fat_node *node, uint64_t size);

#endif
