/* SPDX-License-Identifier: MIT */
/* xenbus.c: the xenbus bus (public/io/xenbus.h). At boot it lists device/<type>/<id> in the
 * domain's xenstore tree, gives each device to the frontend of its type (XENBUS_DRIVER) and
 * drives the state handshake with the device's backend; at exit it closes every device
 * (Closing, then Closed); a watch thread drops a device whose backend leaves Connected. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/device.h>
#include <mote/fmt.h>
#include <mote/init.h>
#include <mote/log.h>
#include <mote/sync.h>
#include <mote/thread.h>
#include <mote/xen/xenbus.h>
#include <mote/xen/xenstore.h>

#include "xen_platform.h"
#include "xenbus_check.h"

#define MAX_DEVICES 16 /* more are reported and skipped */
#define MAX_TYPES   8
#define MAX_IDS     16
#define SETUP_TRIES 5 /* transactions that conflicted with another writer, redone */
/* How long a backend may take at each step. Generous: dom0's hotplug scripts run first, and
 * under emulation (the tests: Xen in QEMU without KVM) a step takes seconds. */
#define CONNECT_NS  (30ull * 1000000000ull)
#define CLOSE_NS    (10ull * 1000000000ull)
#define DOMID_MAX   0x7fefu /* below DOMID_FIRST_RESERVED */

/* xenbus_check.c repeats the protocol's numbering to build on the host. */
_Static_assert(XenbusStateUnknown == 0 && XenbusStateInitWait == 2 && XenbusStateConnected == 4 &&
                       XenbusStateClosed == 6 && XenbusStateReconfigured == 8,
               "xenbus_check.c's state numbers");

/* Weak: with no frontend linked the section is empty and the linker defines neither. */
extern const struct xenbus_driver __start_mote_xenbus_drivers[] __attribute__((weak));
extern const struct xenbus_driver __stop_mote_xenbus_drivers[] __attribute__((weak));

static struct xenbus_device devices[MAX_DEVICES];
static bool live[MAX_DEVICES]; /* connected, not yet lost or closed; under bus_lock */
static unsigned ndevices;      /* slots used (set at boot only) */
static struct mutex bus_lock;  /* the watch thread against shutdown_all() */
static bool shutting_down;

static const struct xenbus_driver *find_driver(const char *type)
{
	for (const struct xenbus_driver *d = __start_mote_xenbus_drivers; d < __stop_mote_xenbus_drivers; d++)
		if (strcmp(d->type, type) == 0)
			return d;
	return NULL;
}

int xenbus_printf(uint32_t tx, const struct xenbus_device *dev, const char *key, const char *fmt, ...)
{
	char path[XENBUS_PATH_MAX + 32], value[256];
	va_list ap;

	if (fmt_snprintf(path, sizeof(path), "%s/%s", dev->node, key) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(value, sizeof(value), fmt, ap);

	va_end(ap);
	if (n < 0 || n >= (int)sizeof(value))
		return -E2BIG;
	return xen_xs_write(tx, path, value);
}

int xenbus_backend_read(const struct xenbus_device *dev, const char *key, char *buf, unsigned len)
{
	char path[XENBUS_PATH_MAX + 32];

	if (fmt_snprintf(path, sizeof(path), "%s/%s", dev->backend, key) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return xen_xs_read(XEN_XS_NO_TX, path, buf, len);
}

/* Text a backend wrote, made safe to print: anything but printable ASCII becomes '?'. */
static void printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

int xenbus_backend_read_u64(const struct xenbus_device *dev, const char *key, uint64_t max, uint64_t *out)
{
	char buf[32];
	int n = xenbus_backend_read(dev, key, buf, sizeof(buf));

	if (n == -ENOENT)
		return n;
	if (n == -ENOSPC) {
		log_warn("xenbus: %s: the backend's %s is too long for a number", dev->node, key);
		return -EINVAL;
	}
	if (n < 0)
		return n;
	if (xenbus_parse_u64(buf, max, out) != 0) {
		printable(buf);
		log_warn("xenbus: %s: the backend's %s = \"%s\" is not a number from 0 to %llu", dev->node,
		         key, buf, (unsigned long long)max);
		return -EINVAL;
	}
	return 0;
}

int xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state)
{
	int err = xenbus_printf(XEN_XS_NO_TX, dev, "state", "%d", (int)state);

	if (err == 0)
		dev->state = state;
	return err;
}

/* The backend's state, or -1 when it is missing or not a state number. */
static int backend_state(const struct xenbus_device *dev)
{
	char buf[8];
	uint64_t st;

	if (xenbus_backend_read(dev, "state", buf, sizeof(buf)) < 0 || xenbus_parse_u64(buf, 255, &st) != 0)
		return -1;
	return (int)st;
}

/* Wait up to `timeout_ns` until the backend's state suits `phase` (xenbus_check.h): 0, -EIO
 * when it went elsewhere, -ETIMEDOUT. The state seen last goes to *seen for messages. */
static int wait_backend(const struct xenbus_device *dev, enum xenbus_phase phase, uint64_t timeout_ns,
                        int *seen)
{
	uint64_t deadline = hal_clock_monotonic_ns() + timeout_ns;

	for (;;) {
		unsigned long events = xen_xs_bus_events(); /* before reading: no change is missed */
		int st = backend_state(dev);
		enum xenbus_verdict v = xenbus_verdict(phase, st);

		*seen = st;
		if (v != XENBUS_WAIT)
			return v == XENBUS_GO ? 0 : -EIO;
		int err = xen_xs_bus_wait(events, deadline);

		if (err)
			return err;
	}
}

static int watch_state(const struct xenbus_device *dev, bool on)
{
	char path[XENBUS_PATH_MAX + 8], token[24];

	fmt_snprintf(path, sizeof(path), "%s/state", dev->backend);
	fmt_snprintf(token, sizeof(token), XEN_XS_BUS_TOKEN "%u", (unsigned)(dev - devices));
	return on ? xen_xs_watch(path, token) : xen_xs_unwatch(path, token);
}

/* Our Closing, the backend's answer, our Closed, the backend's Closed (or reset): what a
 * backend needs to be ready for the same domain id again. Failures are reported, not fatal:
 * the domain is ending anyway. */
static void close_handshake(struct xenbus_device *dev)
{
	int st, err = xenbus_switch_state(dev, XenbusStateClosing);

	if (err == 0 && (err = wait_backend(dev, XENBUS_WAIT_CLOSING, CLOSE_NS, &st)) != 0)
		log_warn("xenbus: %s: the backend did not answer Closing (state %s, %d)", dev->node,
		         xenbus_state_name(st), err);
	if (err == 0 || err == -ETIMEDOUT || err == -EIO)
		err = xenbus_switch_state(dev, XenbusStateClosed);
	if (err == 0 && (err = wait_backend(dev, XENBUS_WAIT_CLOSED, CLOSE_NS, &st)) != 0)
		log_warn("xenbus: %s: the backend did not close (state %s, %d)", dev->node,
		         xenbus_state_name(st), err);
	watch_state(dev, false);
}

/* setup() and our next state in one transaction, redone as a whole when it conflicts. */
static int run_setup(struct xenbus_device *dev)
{
	const struct xenbus_driver *drv = dev->driver;

	for (int attempt = 1;; attempt++) {
		uint32_t tx;
		int err = xen_xs_transaction_start(&tx);

		if (err)
			return err;
		int next = drv->setup(dev, tx);

		if (next < 0) {
			xen_xs_transaction_end(tx, 1);
			return next;
		}
		if (next != XenbusStateInitialised && next != XenbusStateConnected) {
			xen_xs_transaction_end(tx, 1);
			log_err("xenbus: %s: %s's setup() returned state %d", dev->node, drv->name, next);
			return -EINVAL;
		}
		err = xenbus_printf(tx, dev, "state", "%d", next);
		if (err) {
			xen_xs_transaction_end(tx, 1);
			return err;
		}
		err = xen_xs_transaction_end(tx, 0);
		if (err == 0) {
			dev->state = (enum xenbus_state)next;
			return 0;
		}
		if (err != -EAGAIN || attempt == SETUP_TRIES)
			return err;
		drv->release(dev); /* setup() starts again from nothing */
	}
}

/* Bring one device up; on failure it is reported, closed and skipped. */
static void attach(const struct xenbus_driver *drv, const char *type, unsigned id, unsigned index)
{
	struct xenbus_device *dev = &devices[ndevices];
	char num[16];
	uint64_t backend_id;
	int err, st = -1;

	memset(dev, 0, sizeof(*dev));
	dev->driver = drv;
	strcpy(dev->type, type); /* checked shorter by probe_type() */
	dev->id = id;
	dev->index = index;
	dev->state = XenbusStateInitialising;
	fmt_snprintf(dev->node, sizeof(dev->node), "device/%s/%u", type, id);

	/* Both values name the backend, which is another domain: checked before use. */
	char path[XENBUS_PATH_MAX + 16];

	fmt_snprintf(path, sizeof(path), "%s/backend-id", dev->node);
	err = xen_xs_read(XEN_XS_NO_TX, path, num, sizeof(num));
	if (err >= 0 && xenbus_parse_u64(num, DOMID_MAX, &backend_id) != 0)
		err = -EINVAL;
	if (err < 0) {
		log_warn("xenbus: %s: no valid backend-id (%d), skipped", dev->node, err);
		return;
	}
	dev->backend_id = (uint16_t)backend_id;
	fmt_snprintf(path, sizeof(path), "%s/backend", dev->node);
	err = xen_xs_read(XEN_XS_NO_TX, path, dev->backend, sizeof(dev->backend));
	if (err >= 0 && xenbus_check_backend_path(dev->backend, dev->backend_id, sizeof(dev->backend)) != 0)
		err = -EINVAL;
	if (err < 0) {
		printable(dev->backend);
		log_warn("xenbus: %s: backend \"%s\" is not under /local/domain/%u/backend/ (%d), skipped",
		         dev->node, err == -EINVAL ? dev->backend : "", dev->backend_id, err);
		return;
	}
	ndevices++; /* the slot (and its watch token) is taken from here on */

	bool set_up = false;

	err = watch_state(dev, true);
	if (err == 0 && (err = wait_backend(dev, XENBUS_WAIT_INITWAIT, CONNECT_NS, &st)) != 0)
		log_warn("xenbus: %s: the backend did not reach InitWait (state %s)", dev->node,
		         xenbus_state_name(st));
	if (err == 0) {
		set_up = true;
		if ((err = run_setup(dev)) != 0)
			log_warn("xenbus: %s: %s setup failed (%d)", dev->node, drv->name, err);
	}
	if (err == 0 && (err = wait_backend(dev, XENBUS_WAIT_CONNECTED, CONNECT_NS, &st)) != 0)
		log_warn("xenbus: %s: the backend did not connect (state %s)", dev->node,
		         xenbus_state_name(st));
	if (err == 0 && (err = drv->connected(dev)) != 0)
		log_warn("xenbus: %s: %s could not start the device (%d)", dev->node, drv->name, err);
	if (err == 0 && dev->state != XenbusStateConnected)
		err = xenbus_switch_state(dev, XenbusStateConnected);
	if (err == 0) {
		mutex_lock(&bus_lock, SYNC_FOREVER);
		live[dev - devices] = true;
		mutex_unlock(&bus_lock);
		log_info("xenbus: %s: %s connected to backend domain %u", dev->node, drv->name,
		         dev->backend_id);
		return;
	}
	close_handshake(dev);
	if (set_up)
		drv->release(dev);
}

/* Device type names are path components of ours; anything else is not a device we know. */
static int type_ok(const char *type)
{
	size_t n = strlen(type);

	if (n == 0 || n >= sizeof(((struct xenbus_device *)0)->type))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((type[i] >= 'a' && type[i] <= 'z') || (type[i] >= '0' && type[i] <= '9') ||
		      type[i] == '_'))
			return 0;
	return 1;
}

static void probe_type(const char *type)
{
	char path[48], buf[256];
	const char *names[MAX_IDS];
	unsigned ids[MAX_IDS], count = 0;
	const struct xenbus_driver *drv = find_driver(type);

	fmt_snprintf(path, sizeof(path), "device/%s", type);
	int n = xen_xs_directory(XEN_XS_NO_TX, path, buf, sizeof(buf), names, MAX_IDS);

	if (n < 0) {
		log_warn("xenbus: cannot list %s (%d)", path, n);
		return;
	}
	for (int i = 0; i < n; i++) {
		uint64_t id;

		if (xenbus_parse_u64(names[i], UINT32_MAX, &id) != 0) {
			/* The toolstack keeps other things under device/ (device/suspend/event-channel):
			 * only a type with a frontend is expected to hold device numbers alone. */
			if (drv)
				log_warn("xenbus: %s: an entry that is not a device number, skipped", path);
			continue;
		}
		unsigned j = count++; /* insertion: ids in increasing order */

		for (; j > 0 && ids[j - 1] > id; j--)
			ids[j] = ids[j - 1];
		ids[j] = (unsigned)id;
	}
	if (!drv) {
		if (count)
			log_info("xenbus: %u %s device(s) but no frontend for them in this image, skipped",
			         count, type);
		return;
	}
	for (unsigned i = 0; i < count; i++) {
		if (ndevices == MAX_DEVICES) {
			log_warn("xenbus: more than %d devices, %s/%u and later skipped", MAX_DEVICES, path,
			         ids[i]);
			return;
		}
		attach(drv, type, ids[i], i);
	}
}

/* While devices run: re-read every live device's backend state on each change. */
static void *watch_thread(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long events = xen_xs_bus_events();

		mutex_lock(&bus_lock, SYNC_FOREVER);
		for (unsigned i = 0; i < ndevices && !shutting_down; i++) {
			struct xenbus_device *dev = &devices[i];
			int st;

			if (!live[i] ||
			    xenbus_verdict(XENBUS_WATCH_RUNNING, st = backend_state(dev)) != XENBUS_FAIL)
				continue;
			live[i] = false;
			log_warn("xenbus: %s: the backend left Connected (state %s), device dropped",
			         dev->node, xenbus_state_name(st));
			dev->driver->backend_lost(dev);
			close_handshake(dev);
			dev->driver->release(dev);
		}
		mutex_unlock(&bus_lock);
		xen_xs_bus_wait(events, SYNC_FOREVER);
	}
	return NULL;
}

static void xenbus_probe(void)
{
	char buf[256];
	const char *types[MAX_TYPES];

	mutex_init(&bus_lock, false);
	if (xen_xs_init() != 0)
		return; /* no store (Mote as dom0): no devices, not an error */
	int n = xen_xs_directory(XEN_XS_NO_TX, "device", buf, sizeof(buf), types, MAX_TYPES);

	if (n == -ENOENT)
		return;
	if (n < 0) {
		log_warn("xenbus: cannot list device/ (%d)", n);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!type_ok(types[i])) {
			log_warn("xenbus: device/: an entry that is not a device type, skipped");
			continue;
		}
		probe_type(types[i]);
	}
	for (unsigned i = 0; i < ndevices; i++) {
		if (!live[i])
			continue;
		struct thread *t = thread_create("xenbus", THREAD_PRIO_DEFAULT, watch_thread, NULL, 0);

		if (!t) {
			log_warn("xenbus: no memory for the watch thread; a backend leaving goes unnoticed");
			return;
		}
		thread_set_service(t);
		thread_detach(t);
		return;
	}
}

DEVICE_BUS(xenbus, "xenbus", xenbus_probe);

/* Close every connected frontend (shutdown(), the Closing/Closed handshake, release()), so
 * that a domain destroyed and created again finds its backends ready. An exit hook: after fs's
 * write-back (which still uses the disks), while events still arrive, and each step under
 * CLOSE_NS, so a backend that never answers delays the exit but cannot hang it. */
static void shutdown_all(void)
{
	if (ndevices == 0)
		return;
	if (!hal_irq_enabled()) {
		/* exit() from a section with events masked: waiting for the store's answers would
		 * never end, so the backends are left to notice the domain going. */
		log_warn("xenbus: exit with events masked; devices not closed");
		return;
	}
	mutex_lock(&bus_lock, SYNC_FOREVER);
	shutting_down = true;
	for (unsigned i = ndevices; i-- > 0;) {
		struct xenbus_device *dev = &devices[i];

		if (!live[i])
			continue;
		live[i] = false;
		dev->driver->shutdown(dev);
		close_handshake(dev);
		dev->driver->release(dev);
		log_info("xenbus: %s closed", dev->node);
	}
	mutex_unlock(&bus_lock);
}
EXIT_HOOK(xenbus, "xenbus close", EXIT_LEVEL_DEVICES, shutdown_all);
