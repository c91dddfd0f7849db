/* SPDX-License-Identifier: MIT */
/* sys/utsname.h: uname() (libc/libc_sysinfo.c), which newlib does not declare. */
#ifndef MOTE_SYS_UTSNAME_H
#define MOTE_SYS_UTSNAME_H

#define _UTSNAME_LENGTH 65

struct utsname {
	char sysname[_UTSNAME_LENGTH];
	char nodename[_UTSNAME_LENGTH];
	char release[_UTSNAME_LENGTH];
	char version[_UTSNAME_LENGTH];
	char machine[_UTSNAME_LENGTH];
};

#ifdef __cplusplus
extern "C" {
#endif

int uname(struct utsname *buf);

#ifdef __cplusplus
}
#endif

#endif
