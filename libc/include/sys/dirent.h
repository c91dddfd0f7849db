/* SPDX-License-Identifier: MIT */
/* sys/dirent.h: Mote's directory stream types for newlib's <dirent.h>, whose generic version of
 * this header is only an #error. libc/libc_file.c implements opendir/readdir on it. */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

struct dirent {
	ino_t d_ino;
	off_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[256];
};

/* A directory stream: its descriptor (kind "dir"), the cookie of the next entry, and the
 * entry readdir last returned. */
typedef struct {
	int dd_fd;
	long dd_pos;
	struct dirent dd_ent;
} DIR;

#endif
