/* SPDX-License-Identifier: MIT */
/* sys/termios.h (newlib's termios.h includes it): the terminal attributes. Mote's console is a
 * serial line with no line discipline to set, so tcgetattr/tcsetattr fail with ENOSYS
 * (libc/libc_syslog.c); the types let programs that have an
 * interactive mode (linenoise, Redis's memtest) compile. */
#ifndef MOTE_SYS_TERMIOS_H
#define MOTE_SYS_TERMIOS_H

typedef unsigned int tcflag_t;
typedef unsigned char cc_t;
typedef unsigned int speed_t;

#define NCCS 32
struct termios {
	tcflag_t c_iflag;
	tcflag_t c_oflag;
	tcflag_t c_cflag;
	tcflag_t c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
	speed_t c_ispeed;
	speed_t c_ospeed;
};

/* Values as on Linux, for programs that build a mode before tcsetattr refuses it. */
#define VINTR     0
#define VQUIT     1
#define VERASE    2
#define VKILL     3
#define VEOF      4
#define VTIME     5
#define VMIN      6
#define BRKINT    0000002
#define ICRNL     0000400
#define INPCK     0000020
#define ISTRIP    0000040
#define IXON      0002000
#define OPOST     0000001
#define CS8       0000060
#define ISIG      0000001
#define ICANON    0000002
#define ECHO      0000010
#define IEXTEN    0100000
#define TCSANOW   0
#define TCSADRAIN 1
#define TCSAFLUSH 2

#ifdef __cplusplus
extern "C" {
#endif

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int when, const struct termios *t);

#ifdef __cplusplus
}
#endif

#endif
