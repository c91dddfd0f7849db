/* SPDX-License-Identifier: MIT */
/* net_socket_headers.h: what lwIP's sockets.h and inet.h provide when
 * LWIP_SOCKET_EXTERNAL_HEADERS is set: Mote's POSIX headers, the address conversions lwIP's
 * socket code uses, and the lwip_* calls libc's socket layer makes. */
#ifndef MOTE_NET_SOCKET_HEADERS_H
#define MOTE_NET_SOCKET_HEADERS_H

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "lwip/ip_addr.h"

/* Mote's headers already define these types. */
#define SA_FAMILY_T_DEFINED 1
#define IN_PORT_T_DEFINED   1
#define IN_ADDR_T_DEFINED   1
#define SOCKLEN_T_DEFINED   1
#define SIN_ZERO_LEN        8

#define IP4ADDR_SOCKADDR_SET_LEN(sin)
#define IP6ADDR_SOCKADDR_SET_LEN(sin6)
#define IPADDR_SOCKADDR_GET_LEN(sa)                                                           \
	(((const struct sockaddr *)(sa))->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) \
	                                                        : sizeof(struct sockaddr_in))
#define LWIP_SELECT_MAXNFDS FD_SETSIZE

#define inet_addr_from_ip4addr(in, ip4) ((in)->s_addr = ip4_addr_get_u32(ip4))
#define inet_addr_to_ip4addr(ip4, in)   ip4_addr_set_u32(ip4, (in)->s_addr)
#define inet6_addr_from_ip6addr(in6, ip6)                                 \
	do {                                                              \
		for (int i_ = 0; i_ < 4; i_++)                            \
			(in6)->__in6_u.__u6_addr32[i_] = (ip6)->addr[i_]; \
	} while (0)
#define inet6_addr_to_ip6addr(ip6, in6)                                   \
	do {                                                              \
		for (int i_ = 0; i_ < 4; i_++)                            \
			(ip6)->addr[i_] = (in6)->__in6_u.__u6_addr32[i_]; \
		ip6_addr_clear_zone(ip6);                                 \
	} while (0)

int lwip_accept(int s, struct sockaddr *addr, socklen_t *addrlen);
int lwip_bind(int s, const struct sockaddr *name, socklen_t namelen);
int lwip_shutdown(int s, int how);
int lwip_getpeername(int s, struct sockaddr *name, socklen_t *namelen);
int lwip_getsockname(int s, struct sockaddr *name, socklen_t *namelen);
int lwip_getsockopt(int s, int level, int optname, void *optval, socklen_t *optlen);
int lwip_setsockopt(int s, int level, int optname, const void *optval, socklen_t optlen);
int lwip_close(int s);
int lwip_connect(int s, const struct sockaddr *name, socklen_t namelen);
int lwip_listen(int s, int backlog);
ssize_t lwip_recv(int s, void *mem, size_t len, int flags);
ssize_t lwip_read(int s, void *mem, size_t len);
ssize_t lwip_readv(int s, const struct iovec *iov, int iovcnt);
ssize_t lwip_recvfrom(int s, void *mem, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen);
ssize_t lwip_recvmsg(int s, struct msghdr *message, int flags);
ssize_t lwip_send(int s, const void *dataptr, size_t size, int flags);
ssize_t lwip_sendmsg(int s, const struct msghdr *message, int flags);
ssize_t lwip_sendto(int s, const void *dataptr, size_t size, int flags, const struct sockaddr *to,
                    socklen_t tolen);
int lwip_socket(int domain, int type, int protocol);
ssize_t lwip_write(int s, const void *dataptr, size_t size);
ssize_t lwip_writev(int s, const struct iovec *iov, int iovcnt);
int lwip_select(int maxfdp1, fd_set *readset, fd_set *writeset, fd_set *exceptset, struct timeval *timeout);
int lwip_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int lwip_ioctl(int s, long cmd, void *argp);
int lwip_fcntl(int s, int cmd, int val);
const char *lwip_inet_ntop(int af, const void *src, char *dst, socklen_t size);
int lwip_inet_pton(int af, const char *src, void *dst);

#endif
