/* SPDX-License-Identifier: MIT */
/* sys/mount.h: mount() and umount() for applications (Linux's signatures), served by fs/ when
 * the image links it (ENOSYS otherwise). `source` is a block device ("blk0") or "" for a
 * ramfs; `fstype` NULL or "" detects the filesystem. */
#ifndef _SYS_MOUNT_H
#define _SYS_MOUNT_H

#define MS_RDONLY 1UL

#ifdef __cplusplus
extern "C" {
#endif

int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data);
int umount(const char *target);
int umount2(const char *target, int flags);

#ifdef __cplusplus
}
#endif

#endif
