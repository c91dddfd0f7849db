/* SPDX-License-Identifier: MIT */
/* xenstore_test.c: the xenstore client from inside a domU: the domain's own name and id,
 * write/read, directory, a transaction, a watch. Needs a toolstack's xenstored (tier 2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/sync.h>

#include "image_check.h"
#include <mote/xen/xenstore.h>

int main(void)
{
	char name[128] = "", domid[16] = "", value[64], dir[512];
	const char *names[16];
	uint32_t tx;

	if (xen_xs_init() == -ENODEV) {
		printf("xenstore_test: no xenstore (dom0 without a toolstack)\n");
		return 1;
	}
	int name_len = xen_xs_read(XEN_XS_NO_TX, "name", name, sizeof(name));
	int domid_len = xen_xs_read(XEN_XS_NO_TX, "domid", domid, sizeof(domid));

	CHECK(name_len > 0);
	CHECK(domid_len > 0);
	/* The boot test reads the name and id from this line: print it only when both came back. */
	if (name_len > 0 && domid_len > 0)
		printf("xenstore_test: I am '%s', domain %s\n", name, domid);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "no/such/key", value, sizeof(value)) == -ENOENT);

	CHECK(xen_xs_write(XEN_XS_NO_TX, "data/mote", "hello") == 0);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "data/mote", value, sizeof(value)) == 5 &&
	      strcmp(value, "hello") == 0);
	CHECK(xen_xs_write(XEN_XS_NO_TX, "data/mote-b", "x") == 0);
	int n = xen_xs_directory(XEN_XS_NO_TX, "data", dir, sizeof(dir), names, 16);
	int listed = 0;

	CHECK(n >= 2);
	for (int i = 0; i < n && i < 16; i++)
		listed += strcmp(names[i], "mote") == 0 || strcmp(names[i], "mote-b") == 0;
	CHECK(listed == 2); /* both keys just written, each once */

	CHECK(xen_xs_transaction_start(&tx) == 0);
	CHECK(xen_xs_write(tx, "data/mote", "in-tx") == 0);
	CHECK(xen_xs_transaction_end(tx, 0) == 0);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "data/mote", value, sizeof(value)) > 0 &&
	      strcmp(value, "in-tx") == 0);
	CHECK(xen_xs_transaction_start(&tx) == 0);
	CHECK(xen_xs_write(tx, "data/mote", "aborted") == 0);
	CHECK(xen_xs_transaction_end(tx, 1) == 0);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "data/mote", value, sizeof(value)) > 0 &&
	      strcmp(value, "in-tx") == 0);

	char path[128], token[32];

	CHECK(xen_xs_watch("data/mote", "tok") == 0);
	CHECK(xen_xs_read_watch(path, sizeof(path), token, sizeof(token), SYNC_FOREVER) == 0); /* initial */
	CHECK(strcmp(token, "tok") == 0);
	CHECK(xen_xs_write(XEN_XS_NO_TX, "data/mote", "changed") == 0);
	CHECK(xen_xs_read_watch(path, sizeof(path), token, sizeof(token), SYNC_FOREVER) == 0);
	CHECK(strstr(path, "data/mote") != NULL);
	CHECK(xen_xs_unwatch("data/mote", "tok") == 0);
	/* Said only when every check above passed: the boot test takes the line as proof. */
	if (failed == 0)
		printf("xenstore_test: read, write, directory, transactions and a watch work\n");
	return check_report();
}
