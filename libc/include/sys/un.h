/* SPDX-License-Identifier: MIT */
/* sys/un.h: the Unix-domain socket address, so that programs which offer a local socket as an
 * option (Redis's unixsocket) compile. There is no local socket: socket(AF_UNIX) fails with
 * EAFNOSUPPORT (net/net_sockets.c). */
#ifndef MOTE_SYS_UN_H
#define MOTE_SYS_UN_H

#include <sys/socket.h>

struct sockaddr_un {
	sa_family_t sun_family;
	char sun_path[108];
};

#endif
