/* SPDX-License-Identifier: MIT */
/* arch/sys_arch.h: lwIP's operating-system types, each an opaque pointer to a core object
 * (mote/sync.h) that net/sys_arch.c allocates; NULL is the invalid value lwIP tests for. */
#ifndef MOTE_LWIP_ARCH_SYS_ARCH_H
#define MOTE_LWIP_ARCH_SYS_ARCH_H

struct net_sem;
struct net_mutex;
struct net_mbox;
struct thread;

typedef struct net_sem *sys_sem_t;
typedef struct net_mutex *sys_mutex_t;
typedef struct net_mbox *sys_mbox_t;
typedef struct thread *sys_thread_t;
typedef unsigned sys_prot_t;

#define sys_sem_valid(s)         (*(s) != NULL)
#define sys_sem_set_invalid(s)   (*(s) = NULL)
#define sys_mutex_valid(m)       (*(m) != NULL)
#define sys_mutex_set_invalid(m) (*(m) = NULL)
#define sys_mbox_valid(m)        (*(m) != NULL)
#define sys_mbox_set_invalid(m)  (*(m) = NULL)

#endif
