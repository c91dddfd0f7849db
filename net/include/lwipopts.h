/* SPDX-License-Identifier: MIT */
/* lwipopts.h: Mote's configuration of lwIP (see lwIP's src/include/lwip/opt.h for each option).
 * Threaded mode on core threads, IPv4 + IPv6, DHCP, SLAAC, DNS, BSD sockets over POSIX headers. */
#ifndef MOTE_LWIPOPTS_H
#define MOTE_LWIPOPTS_H

/* Threaded: a tcpip thread owns the stack; sockets call into it under the core lock, which is
 * cheaper than posting a message for every call. */
#define NO_SYS                   0
#define LWIP_TCPIP_CORE_LOCKING  1
#define SYS_LIGHTWEIGHT_PROT     1
#define TCPIP_THREAD_NAME        "tcpip"
#define TCPIP_THREAD_STACKSIZE   (32 * 1024)
#define TCPIP_THREAD_PRIO        17 /* above applications (16): the stack keeps up with them */
#define TCPIP_MBOX_SIZE          256
#define DEFAULT_THREAD_STACKSIZE (16 * 1024)
#define DEFAULT_THREAD_PRIO      16
/* A TCP socket's queue of received segments holds a whole window of them (net_mem.c: twice the
 * window in full segments, at least 64): lwIP drops every segment with data while one is refused,
 * so a shorter queue than the window made peers that sent a window's worth retransmit, backing off
 * (kvm.hostile-net-nonreading-httpd-64M flaked so with 1 MiB windows and 64 entries). */
extern int net_tcp_recvmbox_size;
#define DEFAULT_TCP_RECVMBOX_SIZE net_tcp_recvmbox_size
#define DEFAULT_UDP_RECVMBOX_SIZE 64
#define DEFAULT_RAW_RECVMBOX_SIZE 16
/* Connections a listener has finished the handshake for but the application has not accepted
 * yet wait here. lwIP answers a SYN while fewer than the listen() backlog (at most 255) are
 * pending, and resets a connection the mailbox cannot take; so the mailbox holds the largest
 * backlog, and a burst past the application's backlog finds its SYNs dropped and retried, as on
 * Linux, not reset (at 64, 85 of 200 clients connecting at once were reset:
 * tests/boot/net_burst.py). */
#define DEFAULT_ACCEPTMBOX_SIZE   256

/* Memory: every pool and the heap come from malloc, within a budget that net_mem.c sizes from
 * the machine's RAM at start (MEMP_NUM_* below are then only sanity limits for lwIP's checks). */
#include <stddef.h>
#include <stdint.h>
void *net_mem_malloc(size_t size);
void *net_mem_calloc(size_t n, size_t size);
void net_mem_free(void *p);
#define MEM_LIBC_MALLOC             1
#define MEMP_MEM_MALLOC             1
#define mem_clib_malloc             net_mem_malloc
#define mem_clib_free               net_mem_free
#define mem_clib_calloc             net_mem_calloc
#define MEM_ALIGNMENT               8
/* lwIP's socket array. It must stay larger than the sockets libc's descriptor table can hold
 * (LIBC_FD_MAX, 256, less the console's three): lwIP 2.1.3's alloc_socket mishandles a full
 * array. As many TCP connections, so that each of those sockets can be one. */
#define MEMP_NUM_NETCONN            256
#define MEMP_NUM_TCP_PCB            256
/* Multicast group joins across all sockets (IPv4 and IPv6 tables each): lwIP sizes them by the
 * socket array by default, which at 256 sockets costs about 10 KiB of .bss in every networked
 * image; 64 is what they were before the array grew. */
#define LWIP_SOCKET_MAX_MEMBERSHIPS 64
#define MEMP_NUM_TCP_PCB_LISTEN     8
#define MEMP_NUM_UDP_PCB            16
#define MEMP_NUM_TCP_SEG            512
#define MEMP_NUM_NETBUF             64
#define MEMP_NUM_SYS_TIMEOUT        (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#define PBUF_POOL_SIZE              64
/* Memory pressure (net_mem.c) frees the oldest TIME-WAIT connections: a hook Mote's lwIP patch
 * net/lwip-patches/0003 adds. */
int net_mem_pressure(void);
#define LWIP_HOOK_TCP_MEM_PRESSURE() net_mem_pressure()
/* lwIP's timer records come from a store outside the budget (net_timeouts.c): a hook Mote's lwIP
 * patch net/lwip-patches/0004 adds, so that a spent budget cannot stop the timers. */
void *net_timeout_alloc(void);
void net_timeout_free(void *p);
#define LWIP_HOOK_SYS_TIMEOUT_ALLOC() net_timeout_alloc()
#define LWIP_HOOK_SYS_TIMEOUT_FREE(t) net_timeout_free(t)
/* Datagram sockets queue at most this many bytes (TCP has its window): an eighth of the budget,
 * never less than one 65,507-byte datagram. */
int net_mem_udp_rcvbuf(void);
#define RECV_BUFSIZE_DEFAULT net_mem_udp_rcvbuf()

/* Protocols. */
#define LWIP_IPV4                      1
#define LWIP_IPV6                      1
#define LWIP_IPV6_AUTOCONFIG           1 /* SLAAC from router advertisements */
#define LWIP_IPV6_DHCP6                0
#define LWIP_IPV6_MLD                  1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT  1
#define IPV6_FRAG_COPYHEADER           1 /* 64-bit pointers do not fit in the fragment header lwIP reuses */
/* Fragments held for reassembly, all datagrams together (IPv4 and IPv6 each): the largest UDP
 * datagram, 65,507 bytes, arrives in 45 fragments of 1,480 bytes at MTU 1500, so two can be
 * reassembled at once (lwIP's default of 10 stopped at about 14.5 KB); the oldest incomplete
 * datagram is dropped to make room. At most about 150 KB, charged to the budget like the rest. */
#define IP_REASS_MAX_PBUFS             90
#define LWIP_ICMP                      1
#define LWIP_DHCP                      1
#define DHCP_DOES_ARP_CHECK            0 /* user-net and most clouds own their leases; saves ~1 s */
#define LWIP_DNS                       1
#define DNS_MAX_SERVERS                2
#define LWIP_AUTOIP                    0
#define LWIP_IGMP                      0
#define LWIP_RAW                       0
#define LWIP_UDP                       1
#define LWIP_TCP                       1
#define LWIP_ARP                       1
#define ARP_QUEUEING                   1
#define LWIP_ETHERNET                  1
#define LWIP_SINGLE_NETIF              0
#define LWIP_NETIF_LOOPBACK            1 /* packets to the machine's own addresses */
#define LWIP_HAVE_LOOPIF               1 /* 127.0.0.1 and ::1 */
#define LWIP_LOOPBACK_MAX_PBUFS        0
#define LWIP_NETIF_STATUS_CALLBACK     1
#define LWIP_NETIF_LINK_CALLBACK       1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME            1
#define LWIP_NETIF_TX_SINGLE_PBUF      0 /* chains go out as netdev segments, no copy */

/* TCP: windows sized from RAM at start (net_mem.c: a sixteenth of lwIP's budget per connection,
 * 32 KiB at the smallest budget, 48 KiB at -m 4M, 1 MiB from about -m 66M), with window scaling
 * so that more than 64 KiB can be in flight. The sizes are variables set before the first connection; in
 * lwIP's own #if checks an identifier counts as 0, so the "x ? x : max" form makes those checks see the
 * largest value the variable can take, which is the one they must hold for. */
extern uint32_t net_tcp_wnd, net_tcp_snd_buf;
extern uint16_t net_tcp_snd_queuelen;
#define NET_TCP_WND_MIN     (8 * TCP_MSS)
#define NET_TCP_WND_MAX     (1024 * 1024)
#define LWIP_WND_SCALE      1
#define TCP_RCV_SCALE       5 /* 2 MiB at most, in 32-byte steps: NET_TCP_WND_MAX fits */
#define TCP_MSS             1460
#define TCP_WND             (net_tcp_wnd ? net_tcp_wnd : NET_TCP_WND_MAX)
#define TCP_SND_BUF         (net_tcp_snd_buf ? net_tcp_snd_buf : NET_TCP_WND_MAX)
#define TCP_SND_QUEUELEN    (net_tcp_snd_queuelen ? net_tcp_snd_queuelen : 4 * NET_TCP_WND_MAX / TCP_MSS)
/* Writable again (poll, select) with half the send buffer free, at most lwIP's limit. */
#define TCP_SNDLOWAT        LWIP_MIN(TCP_SND_BUF / 2, 0xFFFF - 5 * TCP_MSS)
#define TCP_LISTEN_BACKLOG  1
#define LWIP_TCP_KEEPALIVE  0
#define TCP_QUEUE_OOSEQ     1
#define LWIP_TCP_TIMESTAMPS 0

/* Sockets: lwIP's implementation behind Mote's own POSIX headers (libc/include), so
 * applications see one set of definitions and lwIP compiles against the same. */
#define LWIP_SOCKET                           1
#define LWIP_NETCONN                          1
#define LWIP_NETIF_API                        1 /* if_nametoindex, if_indextoname */
#define LWIP_COMPAT_SOCKETS                   0
#define LWIP_POSIX_SOCKETS_IO_NAMES           0
#define LWIP_SOCKET_EXTERNAL_HEADERS          1
#define LWIP_SOCKET_EXTERNAL_HEADER_SOCKETS_H "net_socket_headers.h"
#define LWIP_SOCKET_EXTERNAL_HEADER_INET_H    "net_socket_headers.h"
#define LWIP_SOCKET_SELECT                    1
#define LWIP_SOCKET_POLL                      1
#define LWIP_SO_RCVTIMEO                      1
#define LWIP_SO_SNDTIMEO                      1
#define LWIP_SO_RCVBUF                        1
#define LWIP_SO_LINGER                        1
#define SO_REUSE                              1
#define LWIP_TIMEVAL_PRIVATE                  0
/* netdb.h's structures and codes are Mote's; getaddrinfo is Mote's (net/net_netdb.c). */
#define LWIP_DNS_API_DECLARE_STRUCTS          0
#define LWIP_DNS_API_DEFINE_ERRORS            0
#define LWIP_DNS_API_DEFINE_FLAGS             0
#define LWIP_DNS_API_DECLARE_H_ERRNO          0
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1
#define LWIP_ERRNO_STDINCLUDE                 1 /* newlib's errno: per thread, as applications expect */

/* The Internet checksum eight bytes at a time (net/net_chksum.c): no offload behind QEMU's
 * user networking, so every byte sent and received is summed by the CPU. */
uint16_t net_chksum(const void *data, int len);
#define LWIP_CHKSUM net_chksum

#define LWIP_STATS                   0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 0

#endif
