/* SPDX-License-Identifier: MIT */
/* sys/statvfs.h: POSIX filesystem information, which newlib does not provide. */
#ifndef _SYS_STATVFS_H
#define _SYS_STATVFS_H

#include <sys/types.h> /* fsblkcnt_t, fsfilcnt_t */

struct statvfs {
	unsigned long f_bsize;  /* block size */
	unsigned long f_frsize; /* fundamental block size (f_blocks is counted in these) */
	fsblkcnt_t f_blocks;
	fsblkcnt_t f_bfree;
	fsblkcnt_t f_bavail;
	fsfilcnt_t f_files;
	fsfilcnt_t f_ffree;
	fsfilcnt_t f_favail;
	unsigned long f_fsid;
	unsigned long f_flag; /* ST_RDONLY, ST_NOSUID */
	unsigned long f_namemax;
};

#define ST_RDONLY 0x1
#define ST_NOSUID 0x2

#ifdef __cplusplus
extern "C" {
#endif
int statvfs(const char *path, struct statvfs *buf);
int fstatvfs(int fd, struct statvfs *buf);
#ifdef __cplusplus
}
#endif

#endif
