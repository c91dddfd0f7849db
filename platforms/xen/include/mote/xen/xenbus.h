/* SPDX-License-Identifier: MIT */
/* mote/xen/xenbus.h: xenbus device frontends. The platform's xenbus bus lists device/<type>/<id>
 * in the domain's xenstore tree at boot, gives each device to the frontend of its type (declared
 * with XENBUS_DRIVER) and drives the state handshake with the backend (public/io/xenbus.h). */
#ifndef MOTE_XEN_XENBUS_H
#define MOTE_XEN_XENBUS_H

#include <stdarg.h>
#include <stdint.h>

#include <xen/io/xenbus.h> /* enum xenbus_state: XenbusStateInitialising ... XenbusStateClosed */

#define XENBUS_PATH_MAX 128

struct xenbus_driver;

/* One device/<type>/<id> node. Filled in by the bus before the driver sees it. */
struct xenbus_device {
	const struct xenbus_driver *driver;
	char type[16];                 /* "vif", "vbd" */
	unsigned id;                   /* the <id> of device/<type>/<id> (a vbd's is its devid) */
	unsigned index;                /* 0, 1 ... among the devices of this type, in id order */
	char node[XENBUS_PATH_MAX];    /* "device/vif/0": our side, where the frontend writes */
	char backend[XENBUS_PATH_MAX]; /* the backend's path, read from <node>/backend and checked */
	uint16_t backend_id;           /* the backend's domain, from <node>/backend-id */
	enum xenbus_state state;       /* our state as last written */
	void *driver_data;             /* the driver's */
};

/* What a frontend implements. The bus calls, in thread context, in order:
 *   1. (the bus waits, with a deadline, until the backend reaches InitWait)
 *   2. setup(): read the backend's features and keys (xenbus_backend_read*), allocate the
 *      rings, grants and event channel, write them under the node (xenbus_printf, in a
 *      transaction the bus has started: retried as a whole on -EAGAIN, so setup() may be called
 *      again after release()). Returns the state to switch to: XenbusStateInitialised (blkfront:
 *      the backend connects on it) or XenbusStateConnected (netfront: netback connects only
 *      on it), or a negative errno (the device is skipped, release() called).
 *   3. (the bus switches our state, then waits, with a deadline, for the backend's Connected)
 *   4. connected(): read what the backend published on connecting (a disk's sectors), start
 *      the device and register it with its class (netdev, blkdev). The bus then switches our
 *      state to Connected if it is not already. A negative errno drops the device.
 *   5. On a clean exit or poweroff, shutdown(): quiesce (no new requests, wait for those in
 *      flight); then the bus does the Closing-then-Closed handshake with the backend and calls
 *      release(). backend_lost() instead when the backend leaves Connected on its own. */
struct xenbus_driver {
	const char *type; /* "vif", "vbd" */
	const char *name; /* "netfront", "blkfront": for messages */
	int (*setup)(struct xenbus_device *dev, uint32_t tx);
	int (*connected)(struct xenbus_device *dev);
	void (*shutdown)(struct xenbus_device *dev);
	/* The backend went to Closing or Closed (or its state became unreadable) while we were
	 * Connected: fail what is in flight, mark the class device dropped. Thread context. */
	void (*backend_lost)(struct xenbus_device *dev);
	/* Give back grants, event channel and memory; may be called after a failed setup. */
	void (*release)(struct xenbus_device *dev);
};

/* Declare a frontend; the list is the linker section "mote_xenbus_drivers". Frontends live in
 * mote_devices, so only images that link it take Xen's devices. */
#define XENBUS_DRIVER(ident, drvtype, drvname, ...)                                                \
	static const struct xenbus_driver xenbus_driver_##ident                                    \
	        __attribute__((used, section("mote_xenbus_drivers"), aligned(sizeof(void *)))) = { \
	                .type = drvtype, .name = drvname, __VA_ARGS__}

/* Write "<node>/<key>" = printf(fmt, ...) within transaction tx (XEN_XS_NO_TX for none).
 * 0 or a negative errno. Thread context. */
int xenbus_printf(uint32_t tx, const struct xenbus_device *dev, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Read "<backend>/<key>" into buf (NUL-terminated). Returns the length, -ENOENT when absent,
 * -ENOSPC when it does not fit, or another -errno. */
int xenbus_backend_read(const struct xenbus_device *dev, const char *key, char *buf, unsigned len);

/* Read "<backend>/<key>" as an unsigned decimal number no greater than `max`. 0 with *out set;
 * -ENOENT when absent (the caller picks the default a missing feature means); -EINVAL, after a
 * message naming the device, the key and the value, for anything else (a backend's value is
 * untrusted). */
int xenbus_backend_read_u64(const struct xenbus_device *dev, const char *key, uint64_t max, uint64_t *out);

/* Switch our state to `state` (writes <node>/state). 0 or a negative errno. */
int xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state);

#endif
