/* SPDX-License-Identifier: MIT */
/* net/if.h: interface names and indexes (POSIX), which newlib lacks. */
#ifndef MOTE_NET_IF_H
#define MOTE_NET_IF_H

#define IF_NAMESIZE 16
#define IFNAMSIZ    IF_NAMESIZE

/* For SO_BINDTODEVICE: only the name is used. */
struct ifreq {
	char ifr_name[IFNAMSIZ];
};

unsigned if_nametoindex(const char *name);
char *if_indextoname(unsigned index, char *name);

#endif
