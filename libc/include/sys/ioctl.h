/* SPDX-License-Identifier: MIT */
/* sys/ioctl.h: the socket ioctls Mote supports (FIONREAD, FIONBIO), which newlib lacks. */
#ifndef MOTE_SYS_IOCTL_H
#define MOTE_SYS_IOCTL_H

#define FIONREAD 0x541b
#define FIONBIO  0x5421

int ioctl(int fd, unsigned long request, ...);

#endif
