/* SPDX-License-Identifier: MIT */
/* netinet/tcp.h: TCP socket options (POSIX), which newlib lacks. */
#ifndef MOTE_NETINET_TCP_H
#define MOTE_NETINET_TCP_H

#define TCP_NODELAY   1
#define TCP_KEEPIDLE  4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT   6
#define TCP_KEEPALIVE 0x10 /* as on BSD and macOS: idle time before probes */

#endif
