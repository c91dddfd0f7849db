/* SPDX-License-Identifier: MIT */
/* test_blkfront.c: Xen's blkfront (platforms/xen/blkfront/blkfront.c and blkfront_wire.c)
 * against a simulated backend on host memory: limits from the backend's keys, what setup()
 * publishes, direct and indirect requests as the backend sees them, reads and writes through
 * the granted pages, flush, read-only disks, and the disk dropped on a bad response (requests in
 * flight -EIO, later ones -ENODEV). The xenbus, grant and event channel calls are stubs; a grant
 * reference maps back to the page it was given for. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/blkdev.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/thread.h>
#include <mote/xen/evtchn.h>
#include <mote/xen/gnttab.h>
#include <mote/xen/xenbus.h>

#include "blkfront_wire.h"
#include "check.h"

/* Kernel services. */
static int irq_depth;
static char last_log[512];
static struct blkdev *registered;

hal_irq_state_t hal_irq_save(void) { return (hal_irq_state_t)irq_depth++; }
void hal_irq_restore(hal_irq_state_t s) { irq_depth = (int)s; }
uint64_t hal_clock_monotonic_ns(void)
{
	static uint64_t now;
	return now += 1000000; /* a millisecond a call: shutdown's deadline comes */
}
void thread_sleep_until(uint64_t deadline_ns) { (void)deadline_ns; }
static void *pages[1024];
static unsigned npages;
void *mm_alloc_pages(unsigned order)
{
	void *p = aligned_alloc(4096, (size_t)4096 << order);

	if (!p || npages == 1024)
		abort();
	memset(p, 0xee, (size_t)4096 << order);
	pages[npages++] = p;
	return p;
}
void mm_free_pages(void *p, unsigned order)
{
	(void)order;
	for (unsigned i = 0; i < npages; i++)
		if (pages[i] == p) {
			pages[i] = pages[--npages];
			free(p);
			return;
		}
	abort(); /* freeing what was never allocated */
}
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);

	va_end(ap);
	return r;
}
void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}
int blkdev_register(struct blkdev *dev)
{
	registered = dev;
	fmt_snprintf(dev->name, sizeof(dev->name), "blk0");
	return 0;
}

/* Grants: reference -> page; a reference the "backend" holds cannot be ended. */
#define NREFS 2048
static const void *grant_page[NREFS];
static bool grant_held[NREFS];
static unsigned ngrants;
int xen_gnttab_grant(uint16_t domid, const void *page, int readonly)
{
	(void)domid;
	if (readonly || ((uintptr_t)page & 4095))
		return -EINVAL;
	for (int ref = 8; ref < NREFS; ref++)
		if (!grant_page[ref]) {
			grant_page[ref] = page;
			ngrants++;
			return ref;
		}
	return -ENOSPC;
}
int xen_gnttab_end(int ref)
{
	if (ref < 8 || ref >= NREFS || !grant_page[ref])
		return -EINVAL;
	if (grant_held[ref])
		return -EBUSY;
	grant_page[ref] = NULL;
	ngrants--;
	return 0;
}

/* Event channels: one port; notifications are counted. */
static xen_evtchn_handler_fn evt_handler;
static void *evt_arg;
static int notifies, masked, closed;
int xen_evtchn_alloc_unbound(uint16_t remote_domid, xen_evtchn_handler_fn handler, void *arg)
{
	(void)remote_domid;
	evt_handler = handler;
	evt_arg = arg;
	closed = 0;
	return 7;
}
int xen_evtchn_notify(unsigned port) { return port == 7 ? (notifies++, 0) : -EINVAL; }
void xen_evtchn_mask(unsigned port) { masked += port == 7; }
int xen_evtchn_close(unsigned port) { return port == 7 ? (closed++, 0) : -EINVAL; }

/* xenstore: the frontend's writes are recorded, the backend's keys set by each test. */
static char fe_keys[8][2][64];
static unsigned nfe_keys;
static const char *be_keys[8][2];
int xenbus_printf(uint32_t tx, const struct xenbus_device *dev, const char *key, const char *fmt, ...)
{
	va_list ap;

	(void)tx;
	(void)dev;
	if (nfe_keys == 8)
		abort();
	snprintf(fe_keys[nfe_keys][0], 64, "%s", key);
	va_start(ap, fmt);
	vsnprintf(fe_keys[nfe_keys][1], 64, fmt, ap);
	va_end(ap);
	nfe_keys++;
	return 0;
}
static const char *fe_key(const char *key)
{
	for (unsigned i = 0; i < nfe_keys; i++)
		if (strcmp(fe_keys[i][0], key) == 0)
			return fe_keys[i][1];
	return NULL;
}
int xenbus_backend_read(const struct xenbus_device *dev, const char *key, char *buf, unsigned len)
{
	(void)dev;
	for (unsigned i = 0; i < 8 && be_keys[i][0]; i++)
		if (strcmp(be_keys[i][0], key) == 0) {
			if (strlen(be_keys[i][1]) >= len)
				return -ENOSPC;
			strcpy(buf, be_keys[i][1]);
			return (int)strlen(buf);
		}
	return -ENOENT;
}
int xenbus_backend_read_u64(const struct xenbus_device *dev, const char *key, uint64_t max, uint64_t *out)
{
	char buf[32], *end;
	int n = xenbus_backend_read(dev, key, buf, sizeof(buf));

	if (n < 0)
		return n;
	unsigned long long v = strtoull(buf, &end, 10);

	if (*end || n == 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

extern const struct xenbus_driver __start_mote_xenbus_drivers[], __stop_mote_xenbus_drivers[];

/* The simulated backend: the ring as blkback sees it, and a 1 MiB disk. */
static uint8_t disk[1 << 20];
static blkif_back_ring_t back;
static struct xenbus_device xdev;
static const struct xenbus_driver *drv;

static void *page_of(grant_ref_t ref)
{
	if (ref >= NREFS || !grant_page[ref])
		abort(); /* the frontend named a reference it never granted */
	return (void *)grant_page[ref];
}

/* Bring a disk up with these backend keys (NULL-terminated pairs). The ring page is found
 * through the ring-ref setup() published. */
static struct blkdev *connect(const char *const *keys)
{
	memset(be_keys, 0, sizeof(be_keys));
	for (unsigned i = 0; keys[2 * i]; i++) {
		be_keys[i][0] = keys[2 * i];
		be_keys[i][1] = keys[2 * i + 1];
	}
	nfe_keys = 0;
	registered = NULL;
	xdev = (struct xenbus_device){.id = 51712, .index = 0, .backend_id = 0};
	snprintf(xdev.node, sizeof(xdev.node), "device/vbd/51712");
	snprintf(xdev.backend, sizeof(xdev.backend), "/local/domain/0/backend/vbd/1/51712");
	if (drv->setup(&xdev, 1) != XenbusStateInitialised)
		return NULL;
	const char *ref = fe_key("ring-ref");

	if (!ref)
		return NULL;
	BACK_RING_INIT(&back, (blkif_sring_t *)page_of((grant_ref_t)atoi(ref)), 4096);
	if (drv->connected(&xdev) != 0) {
		drv->release(&xdev);
		return NULL;
	}
	return registered;
}

static void disconnect(void)
{
	drv->shutdown(&xdev);
	drv->release(&xdev);
}

/* Serve every request on the ring as blkback would, checking its shape; then respond. A
 * non-zero `status` answers each with it; `bad` corrupts the responses' ids or operations. */
static unsigned served_segments, served_indirect, served_flushes;
static void serve(int16_t status, int bad)
{
	RING_IDX rc = back.req_cons, rp = back.sring->req_prod;

	for (; rc != rp; rc++) {
		struct blkif_request r = *RING_GET_REQUEST(&back, rc);
		struct blkif_request_segment *seg = r.seg;
		unsigned nseg = r.nr_segments;
		uint8_t op = r.operation;

		if (op == BLKIF_OP_INDIRECT) {
			struct blkif_request_indirect *ir = (struct blkif_request_indirect *)&r;

			op = ir->indirect_op;
			nseg = ir->nr_segments;
			seg = page_of(ir->indirect_grefs[0]);
			r.sector_number = ir->sector_number;
			served_indirect++;
		}
		uint64_t off = r.sector_number * 512;

		if (op == BLKIF_OP_FLUSH_DISKCACHE)
			served_flushes++;
		for (unsigned s = 0; s < nseg; s++) {
			uint8_t *p = (uint8_t *)page_of(seg[s].gref) + seg[s].first_sect * 512;
			size_t len = (size_t)(seg[s].last_sect - seg[s].first_sect + 1) * 512;

			if (seg[s].last_sect > 7 || off + len > sizeof(disk))
				abort(); /* a segment past its page or the disk */
			if (op == BLKIF_OP_READ)
				memcpy(p, disk + off, len);
			else
				memcpy(disk + off, p, len);
			off += len;
			served_segments++;
		}
		struct blkif_response *rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);

		rsp->id = bad == 1 ? r.id + 100 : r.id;
		rsp->operation = bad == 2 ? BLKIF_OP_DISCARD : r.operation;
		rsp->status = status;
		back.rsp_prod_pvt++;
	}
	back.req_cons = rc;
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
	(void)notify; /* the test delivers the event itself */
	evt_handler(7, evt_arg);
}

struct waiter {
	int done;
};
static void on_done(struct blk_request *req) { ((struct waiter *)req->priv)->done++; }

static int io(struct blkdev *d, enum blk_op op, uint64_t sector, uint32_t count, void *buf)
{
	struct waiter w = {0};
	struct blk_request req = {
	        .op = op, .sector = sector, .count = count, .buf = buf, .done = on_done, .priv = &w};
	int err = d->ops->submit(d, &req);

	if (err < 0)
		return err;
	serve(BLKIF_RSP_OKAY, 0);
	return w.done == 1 ? req.status : -1000;
}

static void test_limits(void)
{
	struct blkfront_limits lim;
	const char *why = NULL;

	/* Linux's blkback: 512-byte sectors, indirect up to 256 segments, flush. */
	CHECK_EQ(blkfront_limits(
	                 &(struct blkfront_backend){
	                         .sectors = 2048, .sector_size = 512, .max_indirect = 256, .flush = true},
	                 &lim, &why),
	         0);
	CHECK_EQ(lim.sectors, 2048);
	CHECK_EQ(lim.segs_max, 32);
	CHECK(lim.indirect && lim.can_flush && !lim.read_only);
	CHECK_EQ(lim.max_sectors, 256);
	/* Fewer indirect segments than a direct request carries: direct requests. */
	CHECK_EQ(blkfront_limits(
	                 &(struct blkfront_backend){.sectors = 2048, .sector_size = 512, .max_indirect = 8},
	                 &lim, &why),
	         0);
	CHECK(!lim.indirect);
	CHECK_EQ(lim.segs_max, 11);
	CHECK_EQ(lim.max_sectors, 88);
	CHECK_EQ(blkfront_limits(
	                 &(struct blkfront_backend){.sectors = 2048, .sector_size = 512, .max_indirect = 20},
	                 &lim, &why),
	         0);
	CHECK(lim.indirect);
	CHECK_EQ(lim.segs_max, 20);
	/* 4 KiB sectors: "sectors" counts 512-byte units; a partial block is left out. */
	CHECK_EQ(blkfront_limits(&(struct blkfront_backend){.sectors = 8 * 100 + 5, .sector_size = 4096},
	                         &lim, &why),
	         0);
	CHECK_EQ(lim.sectors, 100);
	CHECK_EQ(lim.max_sectors, 11);
	/* Read-only from the toolstack's mode or the backend's info bits. */
	CHECK_EQ(
	        blkfront_limits(&(struct blkfront_backend){.sectors = 8, .sector_size = 512, .mode_ro = true},
	                        &lim, &why),
	        0);
	CHECK(lim.read_only);
	CHECK_EQ(blkfront_limits(
	                 &(struct blkfront_backend){.sectors = 8, .sector_size = 512, .info = VDISK_READONLY},
	                 &lim, &why),
	         0);
	CHECK(lim.read_only);
	/* Values no disk has. */
	uint64_t bad_ss[] = {0, 256, 768, 8192, 1ull << 40};

	for (unsigned i = 0; i < sizeof(bad_ss) / sizeof(bad_ss[0]); i++) {
		why = NULL;
		CHECK_EQ(blkfront_limits(
		                 &(struct blkfront_backend){.sectors = 1 << 20, .sector_size = bad_ss[i]},
		                 &lim, &why),
		         -EINVAL);
		CHECK(why != NULL);
	}
	CHECK_EQ(blkfront_limits(&(struct blkfront_backend){.sectors = 7, .sector_size = 4096}, &lim, &why),
	         -EINVAL);
	CHECK_EQ(blkfront_limits(&(struct blkfront_backend){.sectors = 0, .sector_size = 512}, &lim, &why),
	         -EINVAL);
}

static void test_wire(void)
{
	struct blkfront_limits lim = {.sectors = 100, .sector_size = 512, .max_sectors = 88};
	char buf[512];

	CHECK_EQ(blkfront_check_request(
	                 &lim, &(struct blk_request){.op = BLK_READ, .sector = 99, .count = 1, .buf = buf}),
	         0);
	CHECK_EQ(blkfront_check_request(
	                 &lim, &(struct blk_request){.op = BLK_READ, .sector = 99, .count = 2, .buf = buf}),
	         -EINVAL);
	CHECK_EQ(blkfront_check_request(
	                 &lim, &(struct blk_request){.op = BLK_READ, .sector = 100, .count = 1, .buf = buf}),
	         -EINVAL);
	CHECK_EQ(blkfront_check_request(
	                 &lim, &(struct blk_request){.op = BLK_READ, .sector = 0, .count = 89, .buf = buf}),
	         -EINVAL);
	CHECK_EQ(blkfront_check_request(
	                 &lim, &(struct blk_request){.op = BLK_READ, .sector = 0, .count = 0, .buf = buf}),
	         -EINVAL);
	CHECK_EQ(blkfront_check_request(
	                 &lim, &(struct blk_request){.op = BLK_WRITE, .sector = 0, .count = 1, .buf = NULL}),
	         -EINVAL);
	CHECK_EQ(blkfront_check_request(&lim, &(struct blk_request){.op = (enum blk_op)9}), -EINVAL);
	lim.read_only = true;
	CHECK_EQ(blkfront_check_request(
	                 &lim, &(struct blk_request){.op = BLK_WRITE, .sector = 0, .count = 1, .buf = buf}),
	         -EROFS);
	CHECK_EQ(blkfront_check_request(&lim, &(struct blk_request){.op = BLK_FLUSH}), 0);

	/* Segments: whole pages, then the rest; 512-byte units within each page. */
	grant_ref_t refs[3] = {11, 12, 13};
	struct blkif_request_segment seg[3];

	CHECK_EQ(blkfront_segments(512, refs, seg), 1);
	CHECK(seg[0].gref == 11 && seg[0].first_sect == 0 && seg[0].last_sect == 0);
	CHECK_EQ(blkfront_segments(4096 * 2 + 1536, refs, seg), 3);
	CHECK(seg[0].last_sect == 7 && seg[1].gref == 12 && seg[1].last_sect == 7);
	CHECK(seg[2].gref == 13 && seg[2].first_sect == 0 && seg[2].last_sect == 2);

	/* The producer index: never more responses than requests outstanding, across the wrap. */
	const char *why = NULL;

	CHECK_EQ(blkfront_responses(5, 3, 6, &why), 2);
	CHECK_EQ(blkfront_responses(3, 3, 3, &why), 0);
	CHECK_EQ(blkfront_responses(2, 0xfffffffeu, 3, &why), 4);
	CHECK_EQ(blkfront_responses(7, 3, 6, &why), -EPROTO);
	CHECK(why != NULL);
	CHECK_EQ(blkfront_responses(2, 3, 6, &why), -EPROTO); /* behind the consumer: a huge claim */

	/* Responses. */
	struct blkfront_expect slots[4] = {
	        {.busy = true, .op = BLKIF_OP_READ, .inner_op = BLKIF_OP_READ},
	        {.busy = false},
	        {.busy = true, .op = BLKIF_OP_INDIRECT, .inner_op = BLKIF_OP_WRITE},
	        {.busy = true, .op = BLKIF_OP_FLUSH_DISKCACHE, .inner_op = BLKIF_OP_FLUSH_DISKCACHE},
	};
	unsigned slot = 99;
	int result = 99;

	CHECK_EQ(blkfront_response(&(struct blkif_response){.id = 0, .operation = BLKIF_OP_READ, .status = 0},
	                           slots, 4, &slot, &result, &why),
	         0);
	CHECK(slot == 0 && result == 0);
	CHECK_EQ(blkfront_response(
	                 &(struct blkif_response){.id = 2, .operation = BLKIF_OP_INDIRECT, .status = -1},
	                 slots, 4, &slot, &result, &why),
	         0);
	CHECK(slot == 2 && result == -EIO);
	CHECK_EQ(
	        blkfront_response(&(struct blkif_response){.id = 2, .operation = BLKIF_OP_WRITE, .status = 0},
	                          slots, 4, &slot, &result, &why),
	        0);
	CHECK_EQ(blkfront_response(&(struct blkif_response){.id = 3,
	                                                    .operation = BLKIF_OP_FLUSH_DISKCACHE,
	                                                    .status = -2},
	                           slots, 4, &slot, &result, &why),
	         0);
	CHECK_EQ(result, -EIO);
	why = NULL;
	CHECK_EQ(blkfront_response(&(struct blkif_response){.id = 1, .operation = 0, .status = 0}, slots, 4,
	                           &slot, &result, &why),
	         -EPROTO); /* not in flight */
	CHECK_STR(why, "response for an unknown request id");
	CHECK_EQ(blkfront_response(&(struct blkif_response){.id = 4, .operation = 0, .status = 0}, slots, 4,
	                           &slot, &result, &why),
	         -EPROTO);
	CHECK_EQ(blkfront_response(&(struct blkif_response){.id = 1ull << 40, .operation = 0, .status = 0},
	                           slots, 4, &slot, &result, &why),
	         -EPROTO);
	CHECK_EQ(
	        blkfront_response(&(struct blkif_response){.id = 0, .operation = BLKIF_OP_WRITE, .status = 0},
	                          slots, 4, &slot, &result, &why),
	        -EPROTO);
	CHECK_STR(why, "response operation differs from the request's");
	CHECK_EQ(blkfront_response(&(struct blkif_response){.id = 0, .operation = BLKIF_OP_READ, .status = 1},
	                           slots, 4, &slot, &result, &why),
	         -EPROTO);
	CHECK_STR(why, "unknown response status");
}

static const char *const LINUX_KEYS[] = {"sectors",
                                         "2048",
                                         "sector-size",
                                         "512",
                                         "info",
                                         "0",
                                         "feature-flush-cache",
                                         "1",
                                         "feature-max-indirect-segments",
                                         "256",
                                         "mode",
                                         "w",
                                         NULL};

/* A disk as Linux's blkback offers it: setup's keys, reads and writes of every size through
 * indirect requests, flush, and a clean close that gives every grant and page back. */
static void test_io(bool indirect)
{
	const char *const direct_keys[] = {"sectors", "2048", "feature-flush-cache", "0", NULL};
	unsigned pages_before = npages;
	struct blkdev *d = connect(indirect ? LINUX_KEYS : direct_keys);

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_STR(fe_key("event-channel"), "7");
	CHECK_STR(fe_key("protocol"), "x86_64-abi");
	CHECK_STR(fe_key("feature-persistent"), "1");
	CHECK_EQ(d->sectors, 2048);
	CHECK_EQ(d->sector_size, 512);
	CHECK_EQ(d->max_sectors, indirect ? 256 : 88);
	CHECK_EQ(d->queue_depth, BLKFRONT_SLOTS);
	CHECK(d->can_flush == indirect && !d->read_only);
	CHECK_STR(d->driver_name, "blkfront0");

	static uint8_t out[257 * 512], in[256 * 512];

	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3 + indirect);
	served_segments = served_indirect = 0;
	/* Unaligned buffers are fine: the data goes through the slot's own pages. */
	CHECK_EQ(io(d, BLK_WRITE, 10, d->max_sectors, out + 1), 0);
	CHECK(memcmp(disk + 10 * 512, out + 1, d->max_sectors * 512) == 0);
	CHECK_EQ(served_segments, indirect ? 32 : 11);
	CHECK_EQ(served_indirect, indirect ? 1 : 0);
	memset(in, 0, sizeof(in));
	CHECK_EQ(io(d, BLK_READ, 11, 3, in), 0);
	CHECK(memcmp(in, out + 1 + 512, 3 * 512) == 0);
	CHECK_EQ(io(d, BLK_READ, 2047, 1, in), 0);
	CHECK_EQ(io(d, BLK_READ, 2047, 2, in), -EINVAL);
	/* Without feature-flush-cache, core's class completes flushes itself (test_blkdev.c). */
	if (d->can_flush) {
		served_flushes = 0;
		CHECK_EQ(io(d, BLK_FLUSH, 0, 0, NULL), 0);
		CHECK_EQ(served_flushes, 1);
	}

	/* Every slot in flight at once, then one more: -EAGAIN until the backend answers. */
	struct waiter w = {0};
	struct blk_request reqs[BLKFRONT_SLOTS + 1];

	for (unsigned i = 0; i <= BLKFRONT_SLOTS; i++)
		reqs[i] = (struct blk_request){.op = BLK_READ,
		                               .sector = i * 8,
		                               .count = 8,
		                               .buf = in + i * 4096 % sizeof(in),
		                               .done = on_done,
		                               .priv = &w};
	for (unsigned i = 0; i < BLKFRONT_SLOTS; i++)
		CHECK_EQ(d->ops->submit(d, &reqs[i]), 0);
	CHECK_EQ(d->ops->submit(d, &reqs[BLKFRONT_SLOTS]), -EAGAIN);
	serve(BLKIF_RSP_OKAY, 0);
	CHECK_EQ(w.done, BLKFRONT_SLOTS);
	CHECK_EQ(d->ops->submit(d, &reqs[BLKFRONT_SLOTS]), 0);
	serve(BLKIF_RSP_ERROR, 0); /* an I/O error: that request fails, the disk stays */
	CHECK_EQ(reqs[BLKFRONT_SLOTS].status, -EIO);
	CHECK(!d->dropped);
	CHECK_EQ(io(d, BLK_READ, 0, 1, in), 0);

	disconnect();
	CHECK(d->dropped); /* released: later requests get -ENODEV */
	CHECK_EQ(io(d, BLK_READ, 0, 1, in), -ENODEV);
	CHECK_EQ(ngrants, 0);
	CHECK_EQ(closed, 1);
	CHECK_EQ(npages, pages_before + 1); /* only the registered disk's state is kept */
}

static void test_read_only(void)
{
	const char *const keys[] = {"sectors", "64", "mode", "r", NULL};
	struct blkdev *d = connect(keys);
	uint8_t buf[512] = {0};

	CHECK(d && d->read_only);
	if (!d)
		return;
	CHECK_EQ(io(d, BLK_WRITE, 0, 1, buf), -EROFS);
	CHECK_EQ(io(d, BLK_READ, 0, 1, buf), 0);
	disconnect();

	/* A mode neither r nor w, a sector size no disk has, a missing size: refused, nothing kept. */
	const char *const bad_mode[] = {"sectors", "64", "mode", "rw!", NULL};
	const char *const bad_ss[] = {"sectors", "64", "sector-size", "1000", NULL};
	const char *const no_sectors[] = {"sector-size", "512", NULL};
	const char *const bad_number[] = {"sectors", "64", "feature-flush-cache", "2", NULL};
	unsigned pages_before = npages;

	CHECK(connect(bad_mode) == NULL);
	CHECK(connect(bad_ss) == NULL);
	CHECK(strstr(last_log, "sector-size") != NULL);
	CHECK(connect(no_sectors) == NULL);
	CHECK(connect(bad_number) == NULL);
	CHECK_EQ(npages, pages_before);
	CHECK_EQ(ngrants, 0);
}

/* A backend that breaks the protocol: the disk is dropped, what was in flight fails with
 * -EIO, what comes later with -ENODEV, and the port is masked. */
static void test_drops(void)
{
	for (int bad = 1; bad <= 3; bad++) {
		struct blkdev *d = connect(LINUX_KEYS);
		uint8_t buf[4096];
		struct waiter w = {0};
		struct blk_request a = {
		        .op = BLK_READ, .sector = 0, .count = 1, .buf = buf, .done = on_done, .priv = &w};
		struct blk_request b = a;

		CHECK(d != NULL);
		if (!d)
			return;
		masked = 0;
		CHECK_EQ(d->ops->submit(d, &a), 0);
		CHECK_EQ(d->ops->submit(d, &b), 0);
		if (bad == 3) {
			/* A producer index claiming more responses than there are requests. */
			back.sring->rsp_prod += 5;
			evt_handler(7, evt_arg);
		} else {
			serve(BLKIF_RSP_OKAY, bad);
		}
		CHECK(d->dropped);
		CHECK_EQ(w.done, 2);
		CHECK(a.status == -EIO && b.status == -EIO);
		CHECK_EQ(masked, 1);
		CHECK(strstr(last_log, "blkfront0") != NULL);
		CHECK_EQ(io(d, BLK_READ, 0, 1, buf), -ENODEV);
		disconnect();
		CHECK_EQ(ngrants, 0);
	}
	/* A grant the backend keeps after closing: its page is not freed (nor reused). */
	struct blkdev *d = connect(LINUX_KEYS);

	CHECK(d != NULL);
	if (!d)
		return;
	grant_ref_t held = (grant_ref_t)atoi(fe_key("ring-ref")) + 1; /* a data page's */
	const void *page = grant_page[held];

	grant_held[held] = true;
	disconnect();
	CHECK(strstr(last_log, "still holds a grant") != NULL);
	CHECK_EQ(ngrants, 1);
	bool kept = false;

	for (unsigned i = 0; i < npages; i++)
		kept |= pages[i] <= page && (const uint8_t *)page < (uint8_t *)pages[i] + 128 * 1024;
	CHECK(kept);
}

int main(void)
{
	if (__stop_mote_xenbus_drivers - __start_mote_xenbus_drivers != 1)
		abort();
	drv = __start_mote_xenbus_drivers;
	CHECK_STR(drv->type, "vbd");
	test_limits();
	test_wire();
	test_io(true);
	test_io(false);
	test_read_only();
	test_drops();
	while (npages > 0)
		free(pages[--npages]);
	return check_report();
}
