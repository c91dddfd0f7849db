/* SPDX-License-Identifier: MIT */
/* sys/ioctl.h: the socket ioctls Mote supports (FIONREAD, FIONBIO), which newlib lacks, and
 * the terminal size request, which a program may ask of the console (it has no size: ENOTTY). */
#ifndef MOTE_SYS_IOCTL_H
#define MOTE_SYS_IOCTL_H

#define FIONREAD   0x541b
#define FIONBIO    0x5421
#define TIOCGWINSZ 0x5413

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

int ioctl(int fd, unsigned long request, ...);

#endif
